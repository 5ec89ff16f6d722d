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
    use super::{LinkState, LiveFeed};
    use crate::socket;
    use leptos::prelude::*;

    pub(super) fn open(feed: LiveFeed, attempt: u32) {
        let Some(url) = socket::url("/api/v1/ws/dashboard") else { return };
        let opened = socket::open(
            &url,
            |text| serde_json::from_str::<crate::protocol::ServerMsg>(text).ok(),
            move || feed.state.set(LinkState::Live),
            move |msg| feed.apply(msg),
            move || {
                // A socket that had been open starts the backoff over.
                let next = if feed.state.get_untracked() == LinkState::Live { 0 } else { attempt + 1 };
                feed.state.set(LinkState::Reconnecting);
                retry(feed, next);
            },
        );
        if opened.is_none() {
            retry(feed, attempt + 1);
        }
    }

    fn retry(feed: LiveFeed, attempt: u32) {
        set_timeout(move || open(feed, attempt), socket::backoff(attempt));
    }
}
