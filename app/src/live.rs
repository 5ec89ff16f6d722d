//! The dashboard's live feed: one WebSocket to `/api/v1/ws/dashboard` whose events land in
//! signals that pages merge over what they loaded. It reconnects with backoff. On the server
//! it is inert (nothing to connect to while rendering).

use leptos::prelude::*;

use crate::dto::{ConversationId, ConversationView, MessageView};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Connecting,
    Live,
    Reconnecting,
}

/// Signals fed by the socket. Copy: every field is an arena handle.
#[derive(Clone, Copy)]
pub struct LiveFeed {
    pub state: RwSignal<LinkState>,
    /// Conversations created or changed since the page loaded (latest version of each).
    pub conversations: RwSignal<Vec<ConversationView>>,
    /// Messages received since the page loaded, in arrival order.
    pub messages: RwSignal<Vec<MessageView>>,
}

impl LiveFeed {
    pub fn new() -> Self {
        Self {
            state: RwSignal::new(LinkState::Connecting),
            conversations: RwSignal::new(Vec::new()),
            messages: RwSignal::new(Vec::new()),
        }
    }

    pub fn apply(&self, msg: crate::protocol::ServerMsg) {
        use crate::protocol::ServerMsg;
        match msg {
            ServerMsg::MessageReceive { message } => self.messages.update(|all| {
                if !all.iter().any(|m| m.id == message.id) {
                    all.push(message);
                }
            }),
            ServerMsg::ConversationUpdated { conversation } => self.conversations.update(|all| {
                all.retain(|c| c.id != conversation.id);
                all.push(conversation);
            }),
            _ => {}
        }
    }

    /// Messages of one conversation that arrived live after `after_seq`.
    pub fn messages_of(&self, conversation: ConversationId, after_seq: i64) -> Vec<MessageView> {
        self.messages.with(|all| {
            all.iter().filter(|m| m.conversation_id == conversation && m.seq > after_seq).cloned().collect()
        })
    }

    /// Opens the socket (browser only).
    pub fn connect(self) {
        #[cfg(feature = "hydrate")]
        socket::open(self, 0);
    }
}

impl Default for LiveFeed {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "hydrate")]
mod socket {
    use wasm_bindgen::{JsCast, closure::Closure};
    use web_sys::{MessageEvent, WebSocket};

    use super::{LinkState, LiveFeed};
    use crate::protocol::ServerMsg;
    use leptos::prelude::*;

    pub(super) fn open(feed: LiveFeed, attempt: u32) {
        let Some(url) = socket_url() else { return };
        let Ok(ws) = WebSocket::new(&url) else {
            retry(feed, attempt);
            return;
        };
        let on_open = Closure::<dyn FnMut()>::new(move || feed.state.set(LinkState::Live));
        ws.set_onopen(Some(on_open.as_ref().unchecked_ref()));
        on_open.forget();

        let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            if let Some(text) = event.data().as_string()
                && let Ok(msg) = serde_json::from_str::<ServerMsg>(&text)
            {
                feed.apply(msg);
            }
        });
        ws.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
        on_message.forget();

        let on_close = Closure::<dyn FnMut()>::new(move || {
            feed.state.set(LinkState::Reconnecting);
            retry(feed, attempt + 1);
        });
        ws.set_onclose(Some(on_close.as_ref().unchecked_ref()));
        on_close.forget();
    }

    fn retry(feed: LiveFeed, attempt: u32) {
        // 0.5 s, 1 s, 2 s … capped at 15 s.
        let delay = 500u64.saturating_mul(1 << attempt.min(5)).min(15_000);
        set_timeout(move || open(feed, attempt), std::time::Duration::from_millis(delay));
    }

    fn socket_url() -> Option<String> {
        let location = web_sys::window()?.location();
        let scheme = if location.protocol().ok()? == "https:" { "wss" } else { "ws" };
        Some(format!("{scheme}://{}/api/v1/ws/dashboard", location.host().ok()?))
    }
}
