//! The conversations page: the organization's conversations (newest activity first), the
//! selected conversation's messages, and full-text search over messages. What loaded with the
//! page is merged with what the live feed delivers, so new messages appear without a reload.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::{
    inbox_team::{
        Assignments, Canned, CannedReplies, CannedSuggestions, CustomerPanel, Routing, Shortcuts, TeamStatus,
        TransferBox, first_choice, use_canned,
    },
    short_time,
};
use crate::form::{FormAction, SearchForm, ServerForm};
use crate::{
    api::{
        AddNote, AnswerTransfer, DeleteInboxFilter, MergeConversation, ReplyToConversation,
        ResolveConversation, ReturnConversationToBot, ReviewAnswer, SaveInboxFilter, TagConversation,
        TakeOverConversation, TransferConversation, UntagConversation, conversation_detail,
        list_conversations, search_conversations,
    },
    dto::{
        ConversationDetail, ConversationEventView, ConversationId, ConversationStatus, ConversationView,
        MessageView, NoteView, SenderKind, Sentiment, avatar_hue, initials,
    },
    inbox::{InboxBot, InboxCounts, InboxListing, InboxQuery, InboxSort, InboxView, SavedFilter, TagView},
    live::{LinkState, LiveFeed},
};

#[component]
pub fn ConversationsPage() -> impl IntoView {
    let query = use_query_map();
    let selected = Memo::new(move |_| query.read().get("c").and_then(|id| id.parse::<ConversationId>().ok()));
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());
    // The view, filters, order and page, from the URL (a value that does not fit is ignored).
    let filters = Memo::new(move |_| {
        let q = query.read();
        InboxQuery::parse(|key| q.get(key)).0
    });

    let live = LiveFeed::new();
    Effect::new(move |_| live.connect());
    // Who is looking and the organization's tags, as the list last loaded them.
    let team = TeamContext {
        me: RwSignal::new(None),
        tags: RwSignal::new(Vec::new()),
        listed: RwSignal::new(Vec::new()),
    };
    provide_context(team);
    let routing = Routing::new();
    provide_context(routing);
    let canned = Canned::new();
    provide_context(canned);
    // The team sees who has which conversation open.
    Effect::new(move |_| live.viewing.set(selected.get()));

    // Unread: conversations a visitor wrote in since the page loaded, not open since then.
    // The count is in the tab's title, so a background tab still tells the agent.
    let read_up_to = RwSignal::new(std::collections::HashMap::<ConversationId, i64>::new());
    Effect::new(move |_| {
        let Some(open) = selected.get() else { return };
        let newest =
            live.messages.with(|all| all.iter().filter(|m| m.conversation_id == open).map(|m| m.seq).max());
        if let Some(seq) = newest {
            read_up_to.update(|read| {
                read.insert(open, seq);
            });
        }
    });
    let unread = Memo::new(move |_| {
        let open = selected.get();
        let read = read_up_to.read();
        live.messages.with(|all| {
            all.iter()
                .filter(|m| m.sender.kind == SenderKind::Visitor && Some(m.conversation_id) != open)
                .filter(|m| read.get(&m.conversation_id).is_none_or(|seq| m.seq > *seq))
                .map(|m| m.conversation_id)
                .collect::<std::collections::HashSet<_>>()
        })
    });
    let title = move || match unread.read().len() {
        0 => "Conversations · ChatSupport".to_owned(),
        n => format!("({n}) Conversations · ChatSupport"),
    };

    // Read again each time the socket opens: what moved while it was away never comes as a frame.
    // Saving or deleting a filter reads the list again (the saved filters come with it).
    let save_filter = FormAction::<SaveInboxFilter>::new();
    let delete_filter = ServerAction::<DeleteInboxFilter>::new();
    let filters_saved = crate::load::saves(save_filter);
    let conversations = crate::load::resource(
        move || (filters.get(), live.opens.get(), filters_saved.get(), delete_filter.version().get()),
        |(f, ..)| list_conversations(f),
    );
    let actions = Actions::new();
    // Read again after each action and each live move or rating of the open conversation (its
    // history grew); messages arrive live without a reload.
    let moved = move || {
        let id = selected.get()?;
        live.conversations
            .with(|all| all.iter().rev().find(|c| c.id == id).map(|c| (c.status, c.satisfaction.is_some())))
    };
    let detail = crate::load::resource(
        move || (selected.get(), actions.version(), moved(), live.opens.get()),
        |(id, _, _, _)| async move {
            match id {
                Some(id) => conversation_detail(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    // The search box: its words, a status chosen from the counts (`qs`) and a page (`qp`).
    let search_status =
        Memo::new(move |_| query.read().get("qs").and_then(|s| s.parse::<ConversationStatus>().ok()));
    let search_page = Memo::new(move |_| query.read().get("qp").and_then(|p| p.parse::<u64>().ok()));
    let hits = crate::load::resource(
        move || (search.get(), search_status.get(), search_page.get()),
        |(q, status, page)| async move {
            if q.trim().is_empty() { Ok(None) } else { search_conversations(q, status, page).await.map(Some) }
        },
    );

    let take = move |id: ConversationId| actions.take.submit(format!("id={id}"));
    let resolve = move |id: ConversationId| actions.resolve.submit(format!("id={id}"));

    view! {
        <Title text=title />

        <div class="conversations-page">
            <section class="conversation-list" aria-labelledby="conversations-heading">
                <div class="list-header">
                    <h1 id="conversations-heading">"Conversations"</h1>
                    <LinkBadge state=live.state />
                    <Shortcuts listed=team.listed selected take resolve />
                </div>
                <TeamStatus live routing />
                <Mentions live team />
                <Assignments live routing />
                <CannedReplies canned />
                <div role="search" class="search">
                    <SearchForm action="/conversations">
                        <input
                            type="search"
                            name="q"
                            aria-label="Search messages"
                            placeholder="Search conversations, notes, customers"
                            prop:value=move || search.get()
                        />
                        <button type="submit">"Search"</button>
                    </SearchForm>
                </div>
                <Transition fallback=|| ()>
                    {move || hits.get().map(|found| match found {
                        Ok(Some(found)) => view! { <SearchResults found query=search.get() status=search_status.get() /> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                    })}
                </Transition>
                <Transition fallback=|| view! { <p class="muted">"Loading conversations…"</p> }>
                    {move || conversations.get().map(|loaded| match loaded {
                        Ok(list) => view! {
                            <InboxViews counts=list.counts filters saved=list.saved.clone() delete=delete_filter />
                            <InboxFilters bots=list.bots.clone() tags=list.tags.clone() filters save=save_filter />
                            <ConversationList loaded=list live selected filters unread />
                        }.into_any(),
                        Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                    })}
                </Transition>
            </section>
            <section class="conversation-detail" aria-label="Conversation">
                <Transition fallback=|| view! { <p class="muted">"Loading messages…"</p> }>
                    {move || detail.get().map(|loaded| match (loaded, selected.get()) {
                        (Ok(Some(detail)), Some(_)) => view! { <ConversationPane detail live actions team /> }.into_any(),
                        (Err(err), _) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                        _ => view! {
                            <div class="empty">
                                <p>"Select a conversation to read it."</p>
                            </div>
                        }.into_any(),
                    })}
                </Transition>
            </section>
        </div>
    }
}

#[component]
fn LinkBadge(state: RwSignal<LinkState>) -> impl IntoView {
    let text = move || match state.get() {
        LinkState::Connecting => "Connecting…",
        LinkState::Live => "Live",
        LinkState::Reconnecting => "Reconnecting…",
    };
    let class = move || match state.get() {
        LinkState::Live => "badge badge-live",
        _ => "badge badge-muted",
    };
    view! { <span class=class role="status">{text}</span> }
}

/// The inbox's tabs, each with how many conversations it holds.
#[component]
fn InboxViews(
    counts: InboxCounts,
    filters: Memo<InboxQuery>,
    saved: Vec<SavedFilter>,
    delete: ServerAction<DeleteInboxFilter>,
) -> impl IntoView {
    let query = filters.get_untracked();
    let current = query.view;
    let here = query.to_params();
    let saved_links = (!saved.is_empty()).then(|| view! {
        <ul class="saved-filters" aria-label="Saved filters">
            {saved.into_iter().map(|f| {
                let (id, name) = (f.id, f.name.clone());
                view! {
                    <li>
                        <a href=format!("/conversations?{}", f.query) aria-current=(f.query == here).then_some("page")>
                            {f.name.clone()} {f.shared.then_some(" · team")}
                        </a>
                        {f.mine.then(|| view! {
                            <button type="button" class="untag" aria-label=format!("Delete the saved filter {name}")
                                on:click=move |_| { delete.dispatch(DeleteInboxFilter { id }); }>"×"</button>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    });
    view! {
        {saved_links}
        <nav class="inbox-views" aria-label="Views">
            {InboxView::ALL.iter().map(|&view| {
                let href = match view {
                    InboxView::All => "/conversations".to_owned(),
                    v => format!("/conversations?view={}", v.as_str()),
                };
                view! {
                    <a href=href class:current=view == current aria-current=(view == current).then_some("page")>
                        {view.label()} " " <span class="count">{counts.of(view)}</span>
                    </a>
                }
            }).collect_view()}
        </nav>
    }
}

/// The filters and the order, as a GET form: the URL says what the agent is looking at.
#[component]
fn InboxFilters(
    bots: Vec<InboxBot>,
    tags: Vec<TagView>,
    filters: Memo<InboxQuery>,
    save: FormAction<SaveInboxFilter>,
) -> impl IntoView {
    let f = filters.get_untracked();
    let params = f.to_params();
    let tag = f.tag.clone().unwrap_or_default();
    let status = f.status.map(|s| s.as_str()).unwrap_or_default();
    let bot = f.bot.map(|b| b.to_string()).unwrap_or_default();
    let assignee = f.assignee.map(|a| a.as_param()).unwrap_or_default();
    let mood = f.sentiment.map(|s| s.as_str()).unwrap_or_default();
    let (filtered, view_name, sort) = (f.is_filtered(), f.view, f.sort);
    let (from, to) = (f.from.unwrap_or_default(), f.to.unwrap_or_default());
    let view_only = match view_name {
        InboxView::All => "/conversations".to_owned(),
        v => format!("/conversations?view={}", v.as_str()),
    };
    let option = |value: String, label: String, current: &str| {
        let selected = value == current;
        view! { <option value=value selected=selected>{label}</option> }
    };
    view! {
        <details class="inbox-filters" open=filtered || sort != InboxSort::Priority>
            <summary>{if filtered { "Filters (on)" } else { "Filters" }}</summary>
            <SearchForm action="/conversations">
                {(view_name != InboxView::All).then(|| view! { <input type="hidden" name="view" value=view_name.as_str() /> })}
                <label>"Status"
                    <select name="status">
                        {option(String::new(), "Any status".into(), status)}
                        {ConversationStatus::ALL.iter().map(|s| option(s.as_str().into(), s.label().into(), status)).collect_view()}
                    </select>
                </label>
                <label>"Bot"
                    <select name="bot">
                        {option(String::new(), "Any bot".into(), &bot)}
                        {bots.into_iter().map(|b| option(b.id.to_string(), b.name, &bot)).collect_view()}
                    </select>
                </label>
                <label>"Assignee"
                    <select name="assignee">
                        {option(String::new(), "Anyone".into(), &assignee)}
                        {option("me".into(), "Me".into(), &assignee)}
                        {option("unassigned".into(), "Unassigned".into(), &assignee)}
                    </select>
                </label>
                <label>"Sentiment"
                    <select name="sentiment">
                        {option(String::new(), "Any mood".into(), mood)}
                        {Sentiment::ALL.iter().map(|s| option(s.as_str().into(), s.label().into(), mood)).collect_view()}
                    </select>
                </label>
                <label>"Tag"
                    <select name="tag">
                        {option(String::new(), "Any tag".into(), &tag)}
                        {tags.into_iter().map(|t| option(t.name.clone(), t.name, &tag)).collect_view()}
                    </select>
                </label>
                <label>"Started from" <input type="date" name="from" value=from /></label>
                <label>"Started until" <input type="date" name="to" value=to /></label>
                <label>"Sort"
                    <select name="sort">
                        {[InboxSort::Priority, InboxSort::Recent, InboxSort::Waiting].into_iter()
                            .map(|s| option(s.as_str().into(), s.label().into(), sort.as_str())).collect_view()}
                    </select>
                </label>
                <div class="filter-actions">
                    <button type="submit">"Apply"</button>
                    {filtered.then(|| view! { <a href=view_only>"Clear filters"</a> })}
                </div>
            </SearchForm>
            {(!params.is_empty()).then(|| view! {
                <ServerForm action=save>
                    <div class="save-filter">
                        <input type="hidden" name="query" value=params.clone() />
                        <input name="name" required maxlength="80" aria-label="Name for these filters" placeholder="Name these filters" />
                        <label class="check"><input type="checkbox" name="shared" value="on" />" Share with the team"</label>
                        <button type="submit" class="secondary small" disabled=move || save.pending().get()>"Save filters"</button>
                    </div>
                </ServerForm>
            })}
            {move || save.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
        </details>
    }
}

/// A link into the inbox that keeps what the agent is looking at.
fn inbox_link(filters: &InboxQuery, extra: &str) -> String {
    let params = filters.to_params();
    match (params.is_empty(), extra.is_empty()) {
        (true, true) => "/conversations".into(),
        (true, false) => format!("/conversations?{extra}"),
        (false, true) => format!("/conversations?{params}"),
        (false, false) => format!("/conversations?{params}&{extra}"),
    }
}

/// One page of the inbox with live updates laid over it: a conversation that starts fitting
/// the view arrives (on the first page), one that stops fitting leaves, in the view's order.
#[component]
fn ConversationList(
    loaded: InboxListing,
    live: LiveFeed,
    selected: Memo<Option<ConversationId>>,
    filters: Memo<InboxQuery>,
    unread: Memo<std::collections::HashSet<ConversationId>>,
) -> impl IntoView {
    let InboxListing { conversations: loaded, pagination, viewer_id, tags, .. } = loaded;
    let team = use_context::<TeamContext>();
    if let Some(team) = team {
        team.me.set(Some(viewer_id));
        team.tags.set(tags);
    }
    let query = filters.get_untracked();
    let first_page = pagination.page == 1;
    let merged = {
        let query = query.clone();
        move || {
            let mut all = loaded.clone();
            live.conversations.with(|updates| {
                for update in updates {
                    let was_here = all.iter().any(|c| c.id == update.id);
                    all.retain(|c| c.id != update.id);
                    if query.matches(update, viewer_id) && (was_here || first_page) {
                        all.push(update.clone());
                    }
                }
            });
            all.sort_by(|a, b| query.sort.compare(a, b));
            all
        }
    };
    let page_link = {
        let query = query.clone();
        move |page: u64| inbox_link(&query, &format!("page={page}"))
    };
    let open_link = {
        let query = query.clone();
        let page = pagination.page;
        move |id: ConversationId| {
            let extra = if page > 1 { format!("page={page}&c={id}") } else { format!("c={id}") };
            inbox_link(&query, &extra)
        }
    };
    // The order j and k walk.
    if let Some(team) = team {
        let (merged, open_link) = (merged.clone(), open_link.clone());
        Effect::new(move |_| {
            team.listed.set(merged().into_iter().map(|c| (c.id, open_link(c.id))).collect())
        });
    }
    let filtered = query.is_filtered() || query.view != InboxView::All;
    let list = move || {
        let all = merged();
        if all.is_empty() {
            return if filtered {
                view! {
                    <div class="empty">
                        <p>"Nothing here."</p>
                        <p class="muted">"No conversation fits this view and these filters."</p>
                    </div>
                }
                .into_any()
            } else {
                view! {
                    <div class="empty">
                        <p>"No conversations yet."</p>
                        <p class="muted">"They appear here, live, as soon as a visitor writes in the chat widget."</p>
                    </div>
                }
                .into_any()
            };
        }
        let open_link = open_link.clone();
        view! {
            <ul class="conversations" aria-label="Conversations">
                {all.into_iter().map(|c| {
                    let id = c.id;
                    let current = move || selected.get() == Some(id);
                    let fresh = move || unread.read().contains(&id);
                    view! {
                        <li>
                            <a
                                href=open_link(id)
                                class:selected=current
                                class:unread=fresh
                                aria-current=move || current().then_some("true")
                            >
                                <span
                                    class=format!("avatar avatar-hue-{}", avatar_hue(&c.visitor_name))
                                    aria-hidden="true"
                                >
                                    {initials(&c.visitor_name)}
                                </span>
                                <span class="row">
                                    <strong class="visitor">{c.visitor_name.clone()}</strong>
                                    {move || fresh().then(|| view! { <span class="unread-dot" aria-label="New messages">"●"</span> })}
                                    <span class=format!("status status-{}", c.status.as_str())>{c.status.label()}</span>
                                </span>
                                <span class="preview">{c.preview}</span>
                                {(!c.tags.is_empty()).then(|| view! { <TagChips tags=c.tags.clone() /> })}
                                <span class="meta">
                                    {c.bot_name} " · " {plural(c.message_count, "message")} " · " {short_time(&c.last_activity_at)}
                                    {c.assigned_agent.filter(|_| c.status.is_open()).map(|a| format!(" · with {}", a.name))}
                                    {c.sentiment.filter(|s| matches!(s, Sentiment::Negative | Sentiment::VeryNegative)).map(|s| view! {
                                        " · " <span class=format!("mood mood-{}", s.as_str())>{s.label()}</span>
                                    })}
                                </span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    };
    let pages = pagination.total_pages;
    view! {
        {list}
        {(pagination.total > 0).then(|| view! {
            <nav class="pager" aria-label="Pages">
                {(pagination.page > 1).then(|| view! { <a href=page_link(pagination.page - 1)>"Previous"</a> })}
                <span>{format!("Page {} of {pages} · {}", pagination.page, plural(i64::try_from(pagination.total).unwrap_or(i64::MAX), "conversation"))}</span>
                {(pagination.page < pages).then(|| view! { <a href=page_link(pagination.page + 1)>"Next"</a> })}
            </nav>
        })}
    }
}

#[component]
fn MessageLog(
    loaded: Vec<MessageView>,
    notes: Vec<NoteView>,
    live: LiveFeed,
    conversation: ConversationId,
    bot: crate::dto::BotId,
) -> impl IntoView {
    // The notes loaded and those written since, once each, oldest first.
    let all_notes = move || {
        let mut all = notes.clone();
        live.notes.with(|more| {
            for n in more.iter().filter(|n| n.conversation_id == conversation) {
                if !all.iter().any(|m| m.id == n.id) {
                    all.push(n.clone());
                }
            }
        });
        all
    };
    let last_loaded = loaded.iter().map(|m| m.seq).max().unwrap_or(0);
    let all = move || {
        let mut all = loaded.clone();
        all.extend(live.messages_of(conversation, last_loaded));
        all.into_iter().map(|m| live.latest(m)).collect::<Vec<_>>()
    };
    // Newest message in view as it arrives, unless the agent scrolled up to read.
    let pane = NodeRef::<leptos::html::Div>::new();
    let pinned = RwSignal::new(true);
    Effect::new(move |_| {
        let count = live.messages_of(conversation, last_loaded).len();
        if let Some(el) = pane.get()
            && pinned.get_untracked()
        {
            el.set_scroll_top(el.scroll_height());
        }
        count
    });
    let on_scroll = move |_| {
        if let Some(el) = pane.get() {
            pinned.set(el.scroll_height() - el.scroll_top() - el.client_height() < 48);
        }
    };
    view! {
        <div class="messages-pane" role="log" aria-label="Messages" aria-live="polite" tabindex="0" node_ref=pane on:scroll=on_scroll>
        <ol class="messages">
            {move || {
                let mut asked: Option<(crate::dto::MessageId, String)> = None;
                let mut notes = all_notes().into_iter().peekable();
                let mut items = Vec::new();
                for m in all() {
                    while let Some(note) = notes.next_if(|n| n.created_at < m.created_at) {
                        items.push(note_item(note));
                    }
                    let class = format!("message from-{}", m.sender.kind.as_str());
                    if m.sender.kind == SenderKind::Visitor {
                        asked = Some((m.id, m.content.clone()));
                    }
                    let review = m.answer.is_some().then(|| view! { <AnswerReview message=m.clone() asked=asked.clone() bot live /> });
                    items.push(view! {
                        <li class=class>
                            <span class="who">{m.sender.name}</span>
                            {match m.answer.as_ref().filter(|a| !a.formatted.is_empty()) {
                                Some(a) => view! { <div class="text rich">{crate::format::blocks_view(a.formatted.clone())}</div> }.into_any(),
                                None => view! { <p class="text">{m.content}</p> }.into_any(),
                            }}
                            {m.insight.map(|i| view! {
                                <p class=format!("insight mood-{}", i.sentiment.as_str())>{insight_line(&i)}</p>
                            })}
                            {m.answer.map(|a| view! { <p class="evidence">{evidence(&a)}</p> })}
                            {review}
                            <time datetime=m.created_at.clone()>{short_time(&m.created_at)}</time>
                        </li>
                    }.into_any());
                }
                items.extend(notes.map(note_item));
                items
            }}
        </ol>
        </div>
    }
}

/// An internal note in the timeline: marked as the team's only.
fn note_item(n: NoteView) -> AnyView {
    view! {
        <li class="message note" aria-label=format!("Internal note by {}", n.author.name)>
            <span class="who">{format!("{} · internal note", n.author.name)}</span>
            <div class="text rich">{crate::format::blocks_view(n.formatted)}</div>
            <time datetime=n.created_at.clone()>{short_time(&n.created_at)}</time>
        </li>
    }
    .into_any()
}

/// What an agent can do to the open conversation, as server actions (plain forms without JS).
#[derive(Clone, Copy)]
struct Actions {
    take: FormAction<TakeOverConversation>,
    reply: FormAction<ReplyToConversation>,
    give_back: FormAction<ReturnConversationToBot>,
    resolve: FormAction<ResolveConversation>,
    transfer: FormAction<TransferConversation>,
    answer: ServerAction<AnswerTransfer>,
    merge: ServerAction<MergeConversation>,
}

impl Actions {
    fn new() -> Self {
        Self {
            take: FormAction::new(),
            reply: FormAction::new(),
            give_back: FormAction::new(),
            resolve: FormAction::new(),
            transfer: FormAction::new(),
            answer: ServerAction::new(),
            merge: ServerAction::new(),
        }
    }

    fn version(self) -> usize {
        self.take.version().get()
            + self.reply.version().get()
            + self.give_back.version().get()
            + self.resolve.version().get()
            + self.transfer.version().get()
            + self.answer.version().get()
            + self.merge.version().get()
    }

    /// The last refusal of any action, in words.
    fn error(self) -> Option<String> {
        let err = |v: Option<Result<ConversationView, crate::ApiError>>| v.and_then(Result::err);
        err(self.take.value().get())
            .or_else(|| err(self.reply.value().get()))
            .or_else(|| err(self.give_back.value().get()))
            .or_else(|| err(self.resolve.value().get()))
            .or_else(|| err(self.transfer.value().get()))
            .or_else(|| err(self.answer.value().get()))
            .map(|e| e.to_string())
    }
}

/// The open conversation: who and where it stands, the agent's actions, the messages, the
/// reply box and the history.
#[component]
fn ConversationPane(
    detail: ConversationDetail,
    live: LiveFeed,
    actions: Actions,
    team: TeamContext,
) -> impl IntoView {
    let ConversationDetail { conversation: loaded, messages, events, notes, others } = detail;
    let routing = expect_context::<Routing>();
    let id = loaded.id;
    let loaded_bot = loaded.bot_id;
    // The live feed carries every later change of this conversation.
    let current = Memo::new(move |_| {
        live.conversations
            .with(|all| all.iter().rev().find(|c| c.id == id).cloned())
            .unwrap_or_else(|| loaded.clone())
    });
    let status = move || current.read().status;
    let open = move || {
        !matches!(
            status(),
            ConversationStatus::Resolved | ConversationStatus::Abandoned | ConversationStatus::Archived
        )
    };
    let reply_form = NodeRef::<leptos::html::Form>::new();
    let reply_box = NodeRef::<leptos::html::Textarea>::new();
    // What the reply box holds, for the canned replies a `/shortcut` offers.
    let typed = RwSignal::new(String::new());
    let canned = expect_context::<Canned>();
    let vars = Signal::derive(move || {
        let c = current.read();
        let me = routing.team.with(|t| {
            t.as_ref().and_then(|t| t.agents.iter().find(|a| a.id == t.me).map(|a| a.name.clone()))
        });
        crate::canned::Variables {
            customer_name: c.visitor_name.clone(),
            customer_email: c.visitor_email.clone(),
            agent_name: me,
            bot_name: c.bot_name.clone(),
        }
    });
    Effect::new(move |_| {
        if matches!(actions.reply.value().get(), Some(Ok(_)))
            && let Some(form) = reply_form.get()
        {
            form.reset();
            typed.set(String::new());
            live.set_typing(id, false);
        }
    });
    // Another teammate holds it: only they may write to the visitor.
    let held_by_other = move || {
        let holder = current
            .read()
            .assigned_agent
            .as_ref()
            .filter(|_| status() == ConversationStatus::AgentHandling)
            .map(|a| a.id);
        matches!((holder, team.me.get()), (Some(h), Some(me)) if h != me)
    };
    let id_field = move || view! { <input type="hidden" name="id" value=id.to_string() /> };
    view! {
        <header class="conversation-head">
            <div>
                <h2>{move || current.read().visitor_name.clone()}</h2>
            </div>
            <span class=move || format!("status status-{}", status().as_str())>{move || status().label()}</span>
            {move || current.read().assigned_agent.clone().filter(|_| status() == ConversationStatus::AgentHandling).map(|agent| view! {
                <span class="muted">{format!("With {}", agent.name)}</span>
            })}
            {move || {
                let me = team.me.get();
                let others: Vec<_> = live.viewers(id).into_iter().filter(|v| Some(v.id) != me).collect();
                (!others.is_empty()).then(|| {
                    let names = others.iter().map(|v| v.name.clone()).collect::<Vec<_>>().join(", ");
                    view! {
                        <span class="viewers" role="group" aria-label="Also viewing">
                            {others.into_iter().map(|v| view! {
                                <span class=format!("avatar small avatar-hue-{}", avatar_hue(&v.name)) title=v.name.clone()>{initials(&v.name)}</span>
                            }).collect_view()}
                            <span class="muted">{format!("{names} also viewing")}</span>
                        </span>
                    }
                })
            }}
            <span class="downloads muted">
                "Transcript: "
                <a href=format!("/api/v1/conversations/{id}/transcript?format=csv") download>"CSV"</a>
                " · "
                <a href=format!("/api/v1/conversations/{id}/transcript?format=json") download>"JSON"</a>
                " · "
                <a href=format!("/api/v1/conversations/{id}/transcript?format=pdf") download>"PDF"</a>
            </span>
            {move || current.read().satisfaction.clone().map(|rated| view! {
                <span class="rating" aria-label=format!("Rated {} of 5", rated.score)>
                    {stars(rated.score)} {rated.comment.map(|c| format!(" “{c}”"))}
                </span>
            })}
        </header>
        <div class="conversation-actions">
            {move || matches!(status(), ConversationStatus::Active | ConversationStatus::Waiting | ConversationStatus::Escalated).then(|| view! {
                <ServerForm action=actions.take>
                    {id_field()}
                    <button type="submit" disabled=move || actions.take.pending().get()>"Take over"</button>
                </ServerForm>
            })}
            {move || (status() == ConversationStatus::AgentHandling && !held_by_other()).then(|| view! {
                <ServerForm action=actions.give_back>
                    {id_field()}
                    <button type="submit" class="secondary" disabled=move || actions.give_back.pending().get()>"Return to bot"</button>
                </ServerForm>
                <ServerForm action=actions.resolve>
                    {id_field()}
                    <input type="text" name="note" maxlength="2000" aria-label="Resolution note (optional)" placeholder="Resolution note (optional)" />
                    <button type="submit" disabled=move || actions.resolve.pending().get()>"Resolve"</button>
                </ServerForm>
            })}
        </div>
        <TransferBox conversation=current routing transfer=actions.transfer answer=actions.answer />
        {move || actions.error().map(|text| view! { <p class="error" role="alert">{text}</p> })}
        <CustomerPanel conversation=current others merge=actions.merge />
        <History events />
        <ConversationTags conversation=current live team />
        <MessageLog loaded=messages notes live conversation=id bot=loaded_bot />
        <p class="visitor-typing" aria-live="polite">
            {move || live.visitor_writing(id).map(|draft| view! {
                {format!("{} is typing…", current.read().visitor_name)}
                {draft.map(|d| view! { " " <q class="draft" title="Draft preview: not sent yet">{d}</q> })}
            })}
        </p>
        {move || {
            let holder = current.read().assigned_agent.clone().filter(|_| status() == ConversationStatus::AgentHandling);
            holder.filter(|h| team.me.get().is_some_and(|me| me != h.id)).map(|h| view! {
                <p class="held-by" role="note">{format!("{} is handling this conversation: only they can reply. Write a note to reach them.", h.name)}</p>
            })
        }}
        {move || (open() && !held_by_other()).then(|| view! {
            <ServerForm action=actions.reply node_ref=reply_form>
                <div class="reply">
                    {id_field()}
                    <textarea name="content" id="reply-box" rows="2" required maxlength=crate::protocol::MAX_MESSAGE_CHARS.to_string()
                        node_ref=reply_box
                        on:input=move |ev| {
                            typed.set(event_target_value(&ev));
                            live.set_typing(id, true);
                        }
                        on:keydown=move |ev| {
                            if ev.key() == "Tab" && let Some(content) = first_choice(canned, &typed.get_untracked()) {
                                ev.prevent_default();
                                use_canned(&content, typed, reply_box, vars);
                            }
                        }
                        on:blur=move |_| live.set_typing(id, false)
                        aria-label="Reply to the visitor"
                        placeholder=move || if status() == ConversationStatus::AgentHandling { "Write a reply… (/ for canned replies)" } else { "Write a reply (you take the conversation over)…" }
                    ></textarea>
                    <button type="submit" disabled=move || actions.reply.pending().get()>"Send"</button>
                </div>
                <CannedSuggestions canned typed reply_box vars />
            </ServerForm>
        })}
        <NoteForm conversation=id live />
    }
}

/// Who is looking and the organization's tags (set by the list as it loads).
#[derive(Clone, Copy)]
struct TeamContext {
    me: RwSignal<Option<uuid::Uuid>>,
    tags: RwSignal<Vec<TagView>>,
    /// The list as shown, with each row's link (the order j and k walk).
    listed: RwSignal<Vec<(ConversationId, String)>>,
}

/// Tags as coloured chips.
#[component]
fn TagChips(tags: Vec<String>) -> impl IntoView {
    view! {
        <span class="tags">
            {tags.into_iter().map(|t| {
                let class = format!("tag avatar-hue-{}", avatar_hue(&t));
                view! { <span class=class>{t}</span> }
            }).collect_view()}
        </span>
    }
}

/// The open conversation's tags: each with a button that takes it off, and a field that adds
/// one (the organization's tags offered as you type).
#[component]
fn ConversationTags(
    conversation: Memo<ConversationView>,
    live: LiveFeed,
    team: TeamContext,
) -> impl IntoView {
    let add = FormAction::<TagConversation>::new();
    let remove = ServerAction::<UntagConversation>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    // The answer is the conversation after: laid over the list at once (the socket says it too).
    let keep = move |done: Option<Result<ConversationView, crate::ApiError>>| {
        if let Some(Ok(after)) = done {
            live.conversations.update(|all| {
                all.retain(|c| c.id != after.id);
                all.push(after);
            });
        }
    };
    Effect::new(move |_| {
        let done = add.value().get();
        if matches!(done, Some(Ok(_))) {
            crate::form::clear(form);
        }
        keep(done);
    });
    Effect::new(move |_| keep(remove.value().get()));
    let id = move || conversation.read().id;
    let error = move || {
        add.value()
            .get()
            .and_then(Result::err)
            .or_else(|| remove.value().get().and_then(Result::err))
            .map(|e| e.to_string())
    };
    view! {
        <div class="conversation-tags" role="group" aria-label="Tags">
            <ul class="tags">
                {move || conversation.read().tags.clone().into_iter().map(|t| {
                    let name = t.clone();
                    let class = format!("tag avatar-hue-{}", avatar_hue(&t));
                    view! {
                        <li class=class>
                            {t.clone()}
                            <button type="button" class="untag" aria-label=format!("Remove tag {t}")
                                on:click=move |_| { remove.dispatch(UntagConversation { id: id(), tag: name.clone() }); }>"×"</button>
                        </li>
                    }
                }).collect_view()}
            </ul>
            <ServerForm action=add node_ref=form>
                <input type="hidden" name="id" value=move || id().to_string() />
                <input name="tag" list="tag-choices" required maxlength="32" aria-label="Add a tag" placeholder="Add a tag" autocomplete="off" />
                <datalist id="tag-choices">
                    {move || team.tags.get().into_iter().map(|t| view! { <option value=t.name></option> }).collect_view()}
                </datalist>
                <button type="submit" class="secondary small" disabled=move || add.pending().get()>"Add"</button>
            </ServerForm>
            {move || error().map(|text| view! { <p class="error" role="alert">{text}</p> })}
        </div>
    }
}

/// The internal-note box: only the team reads notes; `@name` tells a teammate.
#[component]
fn NoteForm(conversation: ConversationId, live: LiveFeed) -> impl IntoView {
    let add = FormAction::<AddNote>::new();
    let form = NodeRef::<leptos::html::Form>::new();
    Effect::new(move |_| {
        if let Some(Ok(note)) = add.value().get() {
            live.note(note);
            crate::form::clear(form);
        }
    });
    view! {
        <ServerForm action=add node_ref=form>
            <div class="reply note-box">
                <input type="hidden" name="id" value=conversation.to_string() />
                <textarea name="content" rows="2" required maxlength="5000"
                    aria-label="Internal note"
                    placeholder="Internal note: only your team sees it. @name tells a teammate."
                ></textarea>
                <button type="submit" class="secondary" disabled=move || add.pending().get()>"Add note"</button>
            </div>
        </ServerForm>
        {move || add.value().get().and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
    }
}

/// Tells the signed-in teammate, live, when a note names them (with a link to the
/// conversation), whatever conversation they have open.
#[component]
fn Mentions(live: LiveFeed, team: TeamContext) -> impl IntoView {
    let dismissed = RwSignal::new(None::<uuid::Uuid>);
    let mine = move || {
        let me = team.me.get()?;
        live.notes
            .with(|all| {
                all.iter().rev().find(|n| n.author.id != me && n.mentions.iter().any(|m| m.id == me)).cloned()
            })
            .filter(|n| dismissed.get() != Some(n.id))
    };
    view! {
        <aside class="mentions" aria-live="polite" aria-label="Mentions">
            {move || mine().map(|n| view! {
                <p class="toast">
                    {format!("{} mentioned you: “{}” ", n.author.name, n.content.chars().take(80).collect::<String>())}
                    <a href=format!("/conversations?c={}", n.conversation_id)>"Open the conversation"</a>
                    <button type="button" class="dismiss" aria-label="Dismiss" on:click=move |_| dismissed.set(Some(n.id))>"×"</button>
                </p>
            })}
        </aside>
    }
}

/// The conversation's history, oldest first, folded away.
#[component]
fn History(events: Vec<ConversationEventView>) -> impl IntoView {
    let count = events.len();
    view! {
        <details class="history">
            <summary>{format!("History ({count})")}</summary>
            <ol>
                {events.into_iter().map(|e| view! {
                    <li>
                        <time datetime=e.created_at.clone()>{short_time(&e.created_at)}</time>
                        " " {describe(&e)}
                    </li>
                }).collect_view()}
            </ol>
        </details>
    }
}

/// What people said of one bot answer: the visitor's thumbs, the teammate's "correct" /
/// "incorrect" (PRD story 4.3), and — for an answer found wanting — a better answer saved as
/// an FAQ, which the bot answers from from then on; and the visitor's question added to the
/// bot's evaluation set, so every later knowledge change is checked against it.
#[component]
fn AnswerReview(
    message: MessageView,
    /// The visitor's message the answer replied to.
    asked: Option<(crate::dto::MessageId, String)>,
    bot: crate::dto::BotId,
    live: LiveFeed,
) -> impl IntoView {
    use crate::dto::AnswerVerdict::{Correct, Incorrect};
    let (question_id, question) = asked.unzip();
    let keep = ServerAction::<crate::api::AddMessageToEvaluation>::new();
    let correct = FormAction::<ReviewAnswer>::new();
    let incorrect = FormAction::<ReviewAnswer>::new();
    let better = FormAction::<crate::api::AddFaq>::new();
    for action in [correct, incorrect] {
        Effect::new(move |_| {
            if let Some(Ok(m)) = action.value().get() {
                live.changed(m);
            }
        });
    }
    let (id, conversation) = (message.id, message.conversation_id);
    let verdict = message.verdict;
    let helpful = message.helpful;
    let thumbs = helpful.map(|up| {
        if up { "👍 The visitor found this helpful" } else { "👎 The visitor found this unhelpful" }
    });
    let mark = move |action: FormAction<ReviewAnswer>,
                     value: crate::dto::AnswerVerdict,
                     label: &'static str| {
        view! {
            <ServerForm action>
                <input type="hidden" name="id" value=conversation.to_string() />
                <input type="hidden" name="message_id" value=id.to_string() />
                <input type="hidden" name="verdict" value=value.as_str() />
                <button type="submit" class="secondary small" aria-pressed=(verdict == Some(value)).to_string()
                    disabled=move || action.pending().get()>{label}</button>
            </ServerForm>
        }
    };
    let wanting = verdict == Some(Incorrect) || helpful == Some(false);
    view! {
        <div class="answer-review" role="group" aria-label="Review this answer">
            {thumbs.map(|t| view! { <span class="thumbs">{t}</span> })}
            {mark(correct, Correct, "Correct")}
            {mark(incorrect, Incorrect, "Incorrect")}
            {question_id.map(|message_id| view! {
                <button type="button" class="secondary small" disabled=move || keep.pending().get() || keep.value().with(|r| matches!(r, Some(Ok(_))))
                    on:click=move |_| { keep.dispatch(crate::api::AddMessageToEvaluation { chatbot_id: bot, message_id }); }>
                    "Add to evaluation set"
                </button>
            })}
            {move || correct.value().get().or_else(|| incorrect.value().get()).and_then(Result::err).map(|e| view! { <p class="error" role="alert">{e.to_string()}</p> })}
            {move || keep.value().get().map(|r| match r {
                Ok(_) => view! { <p role="status" class="toast">"Added the question to the evaluation set: each knowledge change is checked against it."</p> }.into_any(),
                Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
            })}
        </div>
        {wanting.then(|| view! {
            <details class="better-answer">
                <summary>"Save a better answer as an FAQ"</summary>
                <ServerForm action=better>
                    <input type="hidden" name="chatbot_id" value=bot.to_string() />
                    <label>"Question" <input name="question" required maxlength="500" value=question.clone().unwrap_or_default() /></label>
                    <label>"Better answer" <textarea name="answer" required rows="3" maxlength="10000"></textarea></label>
                    <button type="submit" disabled=move || better.pending().get()>"Save as FAQ"</button>
                </ServerForm>
                {move || better.value().get().map(|r| match r {
                    Ok(_) => view! { <p role="status" class="toast">"Saved as an FAQ: the bot answers this question from it from now on."</p> }.into_any(),
                    Err(e) => view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                })}
            </details>
        })}
    }
}

/// What a visitor's message says of them, for the agent: "Billing question (82 %) · unhappy".
fn insight_line(i: &crate::dto::MessageInsight) -> String {
    format!("{} ({:.0} %) · {}", i.intent.label(), i.intent_confidence * 100.0, i.sentiment.label())
}

/// What a bot answer was based on, for the agent: how it decided, how sure it was, from what.
fn evidence(a: &crate::dto::AnswerInfo) -> String {
    let mut line = format!("{} · confidence {:.0} %", a.outcome.label(), a.confidence * 100.0);
    if let Some(reason) = &a.handover_reason {
        line.push_str(&format!(" · {reason}"));
    }
    if !a.sources.is_empty() {
        let titles: Vec<&str> = a.sources.iter().map(|s| s.title.as_str()).collect();
        line.push_str(&format!(" · from {}", titles.join(", ")));
    }
    if a.model != "built-in" && !a.model.is_empty() {
        line.push_str(&format!(" · written by {} ({} → {} tokens", a.model, a.tokens_in, a.tokens_out));
        match a.cost_micros {
            Some(0) | None => line.push(')'),
            Some(micros) => line.push_str(&format!(", {})", dollars(micros))),
        }
    }
    if let Some(why) = &a.fallback_reason {
        line.push_str(&format!(" · built-in answer instead of the model ({why})"));
    }
    line
}

/// Micro-dollars as a person reads a price: "$0.0012", "$0.25" — integer arithmetic (float
/// formatting would add to the bundle).
fn dollars(micros: u64) -> String {
    let (whole, rest) = (micros / 1_000_000, micros % 1_000_000);
    let fraction = format!("{rest:06}");
    let shown = if whole > 0 || rest >= 10_000 { &fraction[..2] } else { fraction.trim_end_matches('0') };
    format!("${whole}.{}", if shown.is_empty() { "00" } else { shown })
}

/// One history line in words.
fn describe(e: &ConversationEventView) -> String {
    let who = e.actor_name.clone().unwrap_or_else(|| match e.actor_kind.as_str() {
        "visitor" => "The visitor".into(),
        "bot" => "The bot".into(),
        _ => "ChatSupport".into(),
    });
    let field = |key: &str| e.data.get(key).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
    match e.kind.as_str() {
        "created" if field("status") == "escalated" => format!("{who} left a message outside business hours"),
        "created" => format!("{who} started the conversation"),
        "escalated" if e.actor_kind == "visitor" => format!("{who} asked for a person"),
        "contact_left" => format!("{who} left their email for a reply: {}", field("email")),
        "escalated" => match field("note") {
            note if note.is_empty() => format!("{who} escalated it"),
            note => format!("{who} handed it to a person: {note}"),
        },
        "agent_joined" => format!("{who} took over"),
        "returned_to_ai" => format!("{who} gave it back to the bot"),
        "agent_left" => "No agent reply for 10 minutes: back in the queue".into(),
        "resolved" => match field("note") {
            note if note.is_empty() => format!("{who} resolved it"),
            note => format!("{who} resolved it: {note}"),
        },
        "reopened" => format!("{who} wrote again: reopened"),
        "rated" => {
            let score = e.data.get("score").and_then(|v| v.as_u64()).unwrap_or(0);
            match field("comment") {
                comment if comment.is_empty() => format!("{who} rated it {score}/5"),
                comment => format!("{who} rated it {score}/5: “{comment}”"),
            }
        }
        "assigned" => match field("to") {
            to if to.is_empty() => format!("{who} put it back in the queue"),
            to if e.actor_kind == "system" => format!("Routing gave it to {to}"),
            to => format!("{who} gave it to {to}"),
        },
        "transfer_requested" => with_note(format!("{who} asked {} to take it", field("to")), &field("note")),
        "transfer_declined" => format!("{who} declined the transfer"),
        "transfer_withdrawn" => format!("{who} withdrew the transfer"),
        "transferred" => with_note(format!("{who} transferred it to {}", field("to")), &field("note")),
        "transfer_accepted" => format!("{who} accepted the transfer from {}", field("from")),
        "merged" => format!("{who} merged another conversation of this customer into it"),
        "merged_away" => format!("{who} merged it into another conversation"),
        "abandoned" => "The visitor went quiet: abandoned".into(),
        "archived" => "Archived".into(),
        _ => format!("{} → {}", field("from"), field("to")),
    }
}

fn with_note(line: String, note: &str) -> String {
    if note.is_empty() { line } else { format!("{line}: “{note}”") }
}

fn stars(score: u8) -> String {
    (1..=5).map(|i| if i <= score { '★' } else { '☆' }).collect()
}

#[component]
fn SearchResults(
    found: crate::conversation_search::SearchResults,
    query: String,
    status: Option<ConversationStatus>,
) -> impl IntoView {
    let crate::conversation_search::SearchResults { data, pagination, aggregations, .. } = found;
    let total = pagination.total;
    let q = |extra: &str| {
        let mut link = format!("/conversations?q={}", urlencoding(&query));
        if !extra.is_empty() {
            link.push('&');
            link.push_str(extra);
        }
        link
    };
    let status_param = status.map(|s| format!("qs={}", s.as_str())).unwrap_or_default();
    view! {
        <section class="search-results" aria-label="Search results">
            <p class="muted">
                {match total {
                    0 => format!("No conversations match “{query}”."),
                    1 => format!("1 conversation matches “{query}”."),
                    n => format!("{n} conversations match “{query}”."),
                }}
            </p>
            {(aggregations.by_status.len() > 1 || status.is_some()).then(|| view! {
                <nav class="search-facets" aria-label="Matches by status">
                    <a href=q("") aria-current=status.is_none().then_some("page")>"All"</a>
                    {aggregations.by_status.iter().filter_map(|(name, n)| {
                        let s = name.parse::<ConversationStatus>().ok()?;
                        Some(view! {
                            <a href=q(&format!("qs={name}")) aria-current=(status == Some(s)).then_some("page")>{format!("{} {n}", s.label())}</a>
                        })
                    }).collect_view()}
                </nav>
            })}
            <ul>
                {data.into_iter().map(|hit| {
                    let c = hit.conversation;
                    let place = match hit.matched_in.as_str() {
                        "note" => " · in a note",
                        "customer" => " · the customer",
                        "tags" => " · a tag",
                        _ => "",
                    };
                    view! {
                        <li>
                            <a href=format!("/conversations?c={}", c.id)>
                                <span class="who">
                                    {format!("{} · {}{place}", c.visitor_name, c.status.label())}
                                </span>
                                <Highlighted text=hit.snippet ranges=hit.highlights />
                                <time datetime=c.last_activity_at.clone()>{short_time(&c.last_activity_at)}</time>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
            {(pagination.total_pages > 1).then(|| {
                let page = pagination.page;
                let at = |n: u64| {
                    let mut extra = status_param.clone();
                    if !extra.is_empty() {
                        extra.push('&');
                    }
                    extra.push_str(&format!("qp={n}"));
                    q(&extra)
                };
                view! {
                    <nav class="pager" aria-label="Search pages">
                        {(page > 1).then(|| view! { <a href=at(page - 1)>"Previous"</a> })}
                        <span>{format!("Page {page} of {}", pagination.total_pages)}</span>
                        {(page < pagination.total_pages).then(|| view! { <a href=at(page + 1)>"Next"</a> })}
                    </nav>
                }
            })}
        </section>
    }
}

/// Percent-encodes a query string value (what a form would send).
fn urlencoding(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => (b as char).to_string(),
            b' ' => "+".to_owned(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn plural(count: i64, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

/// Renders `text` with the byte `ranges` wrapped in `<mark>`, as text nodes (never as HTML).
#[component]
pub(crate) fn Highlighted(text: String, ranges: Vec<(usize, usize)>) -> impl IntoView {
    let mut parts = Vec::new();
    let mut at = 0;
    for (start, end) in ranges {
        if start < at || end > text.len() || start >= end {
            continue;
        }
        if let (Some(before), Some(hit)) = (text.get(at..start), text.get(start..end)) {
            parts.push(view! { {before.to_owned()} }.into_any());
            parts.push(view! { <mark>{hit.to_owned()}</mark> }.into_any());
            at = end;
        }
    }
    parts.push(view! { {text.get(at..).unwrap_or_default().to_owned()} }.into_any());
    view! { <span class="snippet">{parts}</span> }
}

#[cfg(test)]
mod tests {
    #[test]
    fn prices_read_as_dollars_with_the_digits_that_matter() {
        assert_eq!(super::dollars(225), "$0.000225");
        assert_eq!(super::dollars(250_000), "$0.25");
        assert_eq!(super::dollars(1_500_000), "$1.50");
        assert_eq!(super::dollars(1), "$0.000001");
    }
}
