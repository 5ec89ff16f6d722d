//! The conversations page: the organization's conversations (newest activity first), the
//! selected conversation's messages, and full-text search over messages. What loaded with the
//! page is merged with what the live feed delivers, so new messages appear without a reload.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::short_time;
use crate::form::{FormAction, SearchForm, ServerForm};
use crate::{
    api::{
        ReplyToConversation, ResolveConversation, ReturnConversationToBot, ReviewAnswer,
        TakeOverConversation, conversation_detail, list_conversations, search_messages,
    },
    dto::{
        ConversationDetail, ConversationEventView, ConversationId, ConversationStatus, ConversationView,
        MessageView, SearchHit, SenderKind, avatar_hue, inbox_order, initials,
    },
    live::{LinkState, LiveFeed},
};

#[component]
pub fn ConversationsPage() -> impl IntoView {
    let query = use_query_map();
    let selected = Memo::new(move |_| query.read().get("c").and_then(|id| id.parse::<ConversationId>().ok()));
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());

    let live = LiveFeed::new();
    Effect::new(move |_| live.connect());

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
    let unread = move || {
        let open = selected.get();
        let read = read_up_to.read();
        live.messages.with(|all| {
            all.iter()
                .filter(|m| m.sender.kind == SenderKind::Visitor && Some(m.conversation_id) != open)
                .filter(|m| read.get(&m.conversation_id).is_none_or(|seq| m.seq > *seq))
                .map(|m| m.conversation_id)
                .collect::<std::collections::HashSet<_>>()
                .len()
        })
    };
    let title = move || match unread() {
        0 => "Conversations · ChatSupport".to_owned(),
        n => format!("({n}) Conversations · ChatSupport"),
    };

    // Read again each time the socket opens: what moved while it was away never comes as a frame.
    let conversations = crate::load::resource(move || live.opens.get(), |_| list_conversations());
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
    let hits = crate::load::resource(
        move || search.get(),
        |q| async move { if q.trim().is_empty() { Ok(None) } else { search_messages(q).await.map(Some) } },
    );

    view! {
        <Title text=title />
        <div class="conversations-page">
            <section class="conversation-list" aria-labelledby="conversations-heading">
                <div class="list-header">
                    <h1 id="conversations-heading">"Conversations"</h1>
                    <LinkBadge state=live.state />
                </div>
                <div role="search" class="search">
                    <SearchForm action="/conversations">
                        <input
                            type="search"
                            name="q"
                            aria-label="Search messages"
                            placeholder="Search messages"
                            prop:value=move || search.get()
                        />
                        <button type="submit">"Search"</button>
                    </SearchForm>
                </div>
                <Transition fallback=|| ()>
                    {move || hits.get().map(|found| match found {
                        Ok(Some(found)) => view! { <SearchResults hits=found query=search.get() /> }.into_any(),
                        Ok(None) => ().into_any(),
                        Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                    })}
                </Transition>
                <Transition fallback=|| view! { <p class="muted">"Loading conversations…"</p> }>
                    {move || conversations.get().map(|loaded| match loaded {
                        Ok(list) => view! { <ConversationList loaded=list live selected /> }.into_any(),
                        Err(err) => view! { <p class="error" role="alert">{err.to_string()}</p> }.into_any(),
                    })}
                </Transition>
            </section>
            <section class="conversation-detail" aria-label="Conversation">
                <Transition fallback=|| view! { <p class="muted">"Loading messages…"</p> }>
                    {move || detail.get().map(|loaded| match (loaded, selected.get()) {
                        (Ok(Some(detail)), Some(_)) => view! { <ConversationPane detail live actions /> }.into_any(),
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

/// Loaded conversations with live updates laid over them, newest activity first.
#[component]
fn ConversationList(
    loaded: Vec<ConversationView>,
    live: LiveFeed,
    selected: Memo<Option<ConversationId>>,
) -> impl IntoView {
    let merged = move || {
        let mut all = loaded.clone();
        live.conversations.with(|updates| {
            for update in updates {
                all.retain(|c| c.id != update.id);
                all.push(update.clone());
            }
        });
        all.sort_by(inbox_order);
        all
    };
    move || {
        let all = merged();
        if all.is_empty() {
            return view! {
                <div class="empty">
                    <p>"No conversations yet."</p>
                    <p class="muted">"They appear here, live, as soon as a visitor writes in the chat widget."</p>
                </div>
            }
            .into_any();
        }
        view! {
            <ul class="conversations" aria-label="Conversations">
                {all.into_iter().map(|c| {
                    let id = c.id;
                    let current = move || selected.get() == Some(id);
                    view! {
                        <li>
                            <a
                                href=format!("/conversations?c={id}")
                                class:selected=current
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
                                    <span class=format!("status status-{}", c.status.as_str())>{c.status.label()}</span>
                                </span>
                                <span class="preview">{c.preview}</span>
                                <span class="meta">
                                    {c.bot_name} " · " {plural(c.message_count, "message")} " · " {short_time(&c.last_activity_at)}
                                </span>
                            </a>
                        </li>
                    }
                }).collect_view()}
            </ul>
        }
        .into_any()
    }
}

#[component]
fn MessageLog(
    loaded: Vec<MessageView>,
    live: LiveFeed,
    conversation: ConversationId,
    bot: crate::dto::BotId,
) -> impl IntoView {
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
                all().into_iter().map(|m| {
                    let class = format!("message from-{}", m.sender.kind.as_str());
                    if m.sender.kind == SenderKind::Visitor {
                        asked = Some((m.id, m.content.clone()));
                    }
                    let review = m.answer.is_some().then(|| view! { <AnswerReview message=m.clone() asked=asked.clone() bot live /> });
                    view! {
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
                    }
                }).collect_view()
            }}
        </ol>
        </div>
    }
}

/// What an agent can do to the open conversation, as server actions (plain forms without JS).
#[derive(Clone, Copy)]
struct Actions {
    take: FormAction<TakeOverConversation>,
    reply: FormAction<ReplyToConversation>,
    give_back: FormAction<ReturnConversationToBot>,
    resolve: FormAction<ResolveConversation>,
}

impl Actions {
    fn new() -> Self {
        Self {
            take: FormAction::new(),
            reply: FormAction::new(),
            give_back: FormAction::new(),
            resolve: FormAction::new(),
        }
    }

    fn version(self) -> usize {
        self.take.version().get()
            + self.reply.version().get()
            + self.give_back.version().get()
            + self.resolve.version().get()
    }

    /// The last refusal of any action, in words.
    fn error(self) -> Option<String> {
        let err = |v: Option<Result<ConversationView, crate::ApiError>>| v.and_then(Result::err);
        err(self.take.value().get())
            .or_else(|| err(self.reply.value().get()))
            .or_else(|| err(self.give_back.value().get()))
            .or_else(|| err(self.resolve.value().get()))
            .map(|e| e.to_string())
    }
}

/// The open conversation: who and where it stands, the agent's actions, the messages, the
/// reply box and the history.
#[component]
fn ConversationPane(detail: ConversationDetail, live: LiveFeed, actions: Actions) -> impl IntoView {
    let ConversationDetail { conversation: loaded, messages, events } = detail;
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
    Effect::new(move |_| {
        if matches!(actions.reply.value().get(), Some(Ok(_)))
            && let Some(form) = reply_form.get()
        {
            form.reset();
        }
    });
    let id_field = move || view! { <input type="hidden" name="id" value=id.to_string() /> };
    view! {
        <header class="conversation-head">
            <div>
                <h2>{move || current.read().visitor_name.clone()}</h2>
                {move || current.read().visitor_email.clone().map(|email| view! { <a class="muted" href=format!("mailto:{email}")>{email.clone()}</a> })}
            </div>
            <span class=move || format!("status status-{}", status().as_str())>{move || status().label()}</span>
            {move || current.read().assigned_agent.clone().filter(|_| status() == ConversationStatus::AgentHandling).map(|agent| view! {
                <span class="muted">{format!("With {}", agent.name)}</span>
            })}
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
            {move || (status() == ConversationStatus::AgentHandling).then(|| view! {
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
        {move || actions.error().map(|text| view! { <p class="error" role="alert">{text}</p> })}
        <History events />
        <MessageLog loaded=messages live conversation=id bot=loaded_bot />
        {move || open().then(|| view! {
            <ServerForm action=actions.reply node_ref=reply_form>
                <div class="reply">
                    {id_field()}
                    <textarea name="content" rows="2" required maxlength=crate::protocol::MAX_MESSAGE_CHARS.to_string()
                        aria-label="Reply to the visitor"
                        placeholder=move || if status() == ConversationStatus::AgentHandling { "Write a reply…" } else { "Write a reply (you take the conversation over)…" }
                    ></textarea>
                    <button type="submit" disabled=move || actions.reply.pending().get()>"Send"</button>
                </div>
            </ServerForm>
        })}
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
        "abandoned" => "The visitor went quiet: abandoned".into(),
        "archived" => "Archived".into(),
        _ => format!("{} → {}", field("from"), field("to")),
    }
}

fn stars(score: u8) -> String {
    (1..=5).map(|i| if i <= score { '★' } else { '☆' }).collect()
}

#[component]
fn SearchResults(hits: Vec<SearchHit>, query: String) -> impl IntoView {
    let count = hits.len();
    view! {
        <section class="search-results" aria-label="Search results">
            <p class="muted">
                {match count {
                    0 => format!("No messages match “{query}”."),
                    1 => format!("1 message matches “{query}”."),
                    n => format!("{n} messages match “{query}”."),
                }}
            </p>
            <ul>
                {hits.into_iter().map(|hit| view! {
                    <li>
                        <a href=format!("/conversations?c={}", hit.conversation_id)>
                            <span class="who">
                                {format!("{} · {}", hit.visitor_name, sender_label(hit.sender_kind))}
                            </span>
                            <Highlighted text=hit.snippet ranges=hit.highlights />
                            <time datetime=hit.created_at.clone()>{short_time(&hit.created_at)}</time>
                        </a>
                    </li>
                }).collect_view()}
            </ul>
        </section>
    }
}

fn plural(count: i64, noun: &str) -> String {
    if count == 1 { format!("1 {noun}") } else { format!("{count} {noun}s") }
}

fn sender_label(kind: SenderKind) -> &'static str {
    match kind {
        SenderKind::Visitor => "Visitor",
        SenderKind::Bot => "Bot",
        SenderKind::Agent => "Agent",
    }
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
