//! The conversations page: the organization's conversations (newest activity first), the
//! selected conversation's messages, and full-text search over messages. What loaded with the
//! page is merged with what the live feed delivers, so new messages appear without a reload.

use leptos::prelude::*;
use leptos_router::{components::Form, hooks::use_query_map};

use super::short_time;
use crate::{
    api::{conversation_messages, list_conversations, search_messages},
    dto::{ConversationId, ConversationView, MessageView, SearchHit, SenderKind},
    live::{LinkState, LiveFeed},
};

#[component]
pub fn ConversationsPage() -> impl IntoView {
    let query = use_query_map();
    let selected = Memo::new(move |_| query.read().get("c").and_then(|id| id.parse::<ConversationId>().ok()));
    let search = Memo::new(move |_| query.read().get("q").unwrap_or_default());

    let live = LiveFeed::new();
    Effect::new(move |_| live.connect());

    let conversations = Resource::new(|| (), |_| list_conversations());
    let messages = Resource::new(
        move || selected.get(),
        |id| async move {
            match id {
                Some(id) => conversation_messages(id).await.map(Some),
                None => Ok(None),
            }
        },
    );
    let hits = Resource::new(
        move || search.get(),
        |q| async move { if q.trim().is_empty() { Ok(None) } else { search_messages(q).await.map(Some) } },
    );

    view! {
        <div class="conversations-page">
            <section class="conversation-list" aria-labelledby="conversations-heading">
                <div class="list-header">
                    <h1 id="conversations-heading">"Conversations"</h1>
                    <LinkBadge state=live.state />
                </div>
                <div role="search" class="search">
                    <Form method="GET" action="/conversations">
                        <input
                            type="search"
                            name="q"
                            aria-label="Search messages"
                            placeholder="Search messages"
                            prop:value=move || search.get()
                        />
                        <button type="submit">"Search"</button>
                    </Form>
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
                    {move || messages.get().map(|loaded| match (loaded, selected.get()) {
                        (Ok(Some(list)), Some(id)) => view! { <MessageLog loaded=list live conversation=id /> }.into_any(),
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
        all.sort_by(|a, b| b.updated_at.cmp(&a.updated_at));
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
                                <span class="row">
                                    <strong class="visitor">{c.visitor_name}</strong>
                                    <span class=format!("status status-{}", c.status.as_str())>{c.status.label()}</span>
                                </span>
                                <span class="preview">{c.preview}</span>
                                <span class="meta">
                                    {c.bot_name} " · " {plural(c.message_count, "message")} " · " {short_time(&c.updated_at)}
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
fn MessageLog(loaded: Vec<MessageView>, live: LiveFeed, conversation: ConversationId) -> impl IntoView {
    let last_loaded = loaded.iter().map(|m| m.seq).max().unwrap_or(0);
    let all = move || {
        let mut all = loaded.clone();
        all.extend(live.messages_of(conversation, last_loaded));
        all
    };
    view! {
        <ol class="messages" role="log" aria-label="Messages" aria-live="polite">
            {move || all().into_iter().map(|m| {
                let class = format!("message from-{}", m.sender.kind.as_str());
                view! {
                    <li class=class>
                        <span class="who">{m.sender.name}</span>
                        <p class="text">{m.content}</p>
                        <time datetime=m.created_at.clone()>{short_time(&m.created_at)}</time>
                    </li>
                }
            }).collect_view()}
        </ol>
    }
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
                            <span class="who">{sender_label(hit.sender_kind)}</span>
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
fn Highlighted(text: String, ranges: Vec<(usize, usize)>) -> impl IntoView {
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
