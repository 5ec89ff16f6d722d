//! The visitor chat widget: a Leptos CSR app in an iframe at `/widget/{public_key}`. It talks
//! to the server over one WebSocket using `app::protocol`, shows the conversation, and never
//! loses what the visitor typed: unsent messages stay queued (with their client ids) and are
//! resent after a reconnect; the server stores each id once.
//!
//! It writes nothing to storage until the visitor sends a first message.

mod chat;
mod storage;

use app::dto::SenderKind;
use leptos::prelude::*;

use chat::{Chat, Link};

fn main() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(Widget);
}

#[component]
fn Widget() -> impl IntoView {
    let chat = Chat::start();
    let draft = RwSignal::new(String::new());
    let send = move || {
        let text = draft.get_untracked();
        if chat.send(text) {
            draft.set(String::new());
        }
    };
    let title = move || chat.profile.get().map(|p| p.name).unwrap_or_else(|| "Chat".to_owned());
    let link_text = move || match chat.link.get() {
        Link::Connecting => Some("Connecting…"),
        Link::Online => None,
        Link::Offline => Some("Connection lost. Reconnecting…"),
    };

    view! {
        <div class="widget">
            <header class="head">
                <span class="avatar" aria-hidden="true">{move || title().chars().next().unwrap_or('C').to_string()}</span>
                <h1>{title}</h1>
                <button type="button" class="close" aria-label="Close chat" on:click=move |_| chat::close_frame()>"×"</button>
            </header>
            {move || link_text().map(|text| view! { <p class="link" role="status">{text}</p> })}
            <ol class="log" role="log" aria-label="Conversation" aria-live="polite">
                {move || {
                    let has_messages = !chat.messages.read().is_empty();
                    (!has_messages).then(|| chat.profile.get().map(|p| view! {
                        <li class="msg from-bot"><p>{p.greeting}</p></li>
                    }))
                }}
                <For each=move || chat.messages.get() key=|m| m.id let:m>
                    <li class=format!("msg from-{}", m.sender.kind.as_str())>
                        {(m.sender.kind != SenderKind::Visitor).then(|| view! { <span class="who">{m.sender.name.clone()}</span> })}
                        <p>{m.content.clone()}</p>
                    </li>
                </For>
                <For each=move || chat.pending.get() key=|p| (p.client_msg_id.clone(), p.error.clone()) let:p>
                    <li class="msg from-visitor pending" class:failed=p.error.is_some()>
                        <p>{p.content.clone()}</p>
                        <span class="state">{p.error.clone().unwrap_or_else(|| "Sending…".to_owned())}</span>
                    </li>
                </For>
                {move || chat.typing.get().map(|name| view! {
                    <li class="typing" aria-label=format!("{name} is typing")><span></span><span></span><span></span></li>
                })}
            </ol>
            {move || chat.error.get().map(|text| view! { <p class="error" role="alert">{text}</p> })}
            <form class="compose" on:submit=move |ev| { ev.prevent_default(); send(); }>
                <textarea
                    rows="1"
                    aria-label="Message"
                    placeholder="Write a message…"
                    maxlength=app::protocol::MAX_MESSAGE_CHARS.to_string()
                    prop:value=move || draft.get()
                    on:input=move |ev| draft.set(event_target_value(&ev))
                    on:keydown=move |ev| {
                        if ev.key() == "Enter" && !ev.shift_key() {
                            ev.prevent_default();
                            send();
                        }
                    }
                ></textarea>
                <button type="submit" disabled=move || draft.read().trim().is_empty()>"Send"</button>
            </form>
        </div>
    }
}
