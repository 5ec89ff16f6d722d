//! The dashboard's live feed: one WebSocket to `/api/v1/ws/dashboard` whose events land in
//! signals that pages merge over what they loaded. It reconnects with backoff. On the server
//! it is inert (nothing to connect to while rendering).

use leptos::prelude::*;

use crate::{
    dto::{AgentRef, ConversationId, ConversationView, MessageView, NoteView},
    knowledge::SourceCard,
};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LinkState {
    Connecting,
    Live,
    Reconnecting,
}

/// The `ServerMsg` frames the dashboard acts on (`message:receive|updated`,
/// `conversation:updated`, `note:created`, the knowledge sources'), read from the same JSON as
/// one flat struct: decoding the whole `ServerMsg` enum put ~30 KB
/// brotli of serde into the dashboard's bundle. Other frames read with both fields empty (an
/// `error` frame, whose `message` is text, does not read at all) and are ignored.
#[derive(Debug, serde::Deserialize)]
pub struct LiveFrame {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub message: Option<MessageView>,
    #[serde(default)]
    pub conversation: Option<ConversationView>,
    /// `document:processing|processed|failed`, `crawl:progress|completed`: the knowledge
    /// source as it is now.
    #[serde(default)]
    pub source: Option<SourceCard>,
    /// `note:created`: a teammate's internal note.
    #[serde(default)]
    pub note: Option<NoteView>,
    /// `presence:changed`: the conversation and who of the team has it open.
    #[serde(default)]
    pub conversation_id: Option<ConversationId>,
    #[serde(default)]
    pub viewers: Option<Vec<AgentRef>>,
    /// `visitor:typing`: whether the visitor is writing, and their draft when shared.
    #[serde(default)]
    pub typing: Option<bool>,
    #[serde(default)]
    pub draft: Option<String>,
}

impl LiveFrame {
    /// Read as bytes, like server functions' answers, so the bundle carries one decoder of
    /// each view type (see `crate::load`).
    pub fn parse(text: &str) -> Option<Self> {
        serde_json::from_slice(text.as_bytes()).ok()
    }
}

/// Signals fed by the socket. Copy: every field is an arena handle.
#[derive(Clone, Copy)]
pub struct LiveFeed {
    pub state: RwSignal<LinkState>,
    /// How many times the socket has opened. What moved before it opened (between the page's
    /// load and the first open, or while it was away) never comes as a frame: a page keys
    /// what it loads on this, so it reads again at each open.
    pub opens: RwSignal<u32>,
    /// Conversations created or changed since the page loaded (latest version of each).
    pub conversations: RwSignal<Vec<ConversationView>>,
    /// Messages received since the page loaded, in arrival order.
    pub messages: RwSignal<Vec<MessageView>>,
    /// Knowledge sources added or changed since the page loaded (latest version of each).
    pub sources: RwSignal<Vec<SourceCard>>,
    /// Messages changed since the page loaded (a bot answer's thumbs or review), latest
    /// version of each.
    pub changed: RwSignal<Vec<MessageView>>,
    /// Internal notes written since the page loaded, in arrival order.
    pub notes: RwSignal<Vec<NoteView>>,
    /// Who of the team has each conversation open, as last told.
    pub presence: RwSignal<Vec<(ConversationId, Vec<AgentRef>)>>,
    /// What this page shows (sent as `viewing`, again at each open).
    pub viewing: RwSignal<Option<ConversationId>>,
    /// Whether the teammate is writing a reply in a conversation (sent as `typing`).
    pub typing: RwSignal<Option<(ConversationId, bool)>>,
    /// Visitors writing now, by conversation, with their draft when the bot shares drafts.
    pub visitor_typing: RwSignal<Vec<(ConversationId, Option<String>)>>,
    /// No input for `crate::assignment::IDLE_AFTER_MINUTES` (sent as `idle`): routing treats
    /// the teammate as away until they are back.
    pub idle: RwSignal<bool>,
}

impl LiveFeed {
    pub fn new() -> Self {
        Self {
            state: RwSignal::new(LinkState::Connecting),
            opens: RwSignal::new(0),
            conversations: RwSignal::new(Vec::new()),
            messages: RwSignal::new(Vec::new()),
            sources: RwSignal::new(Vec::new()),
            changed: RwSignal::new(Vec::new()),
            notes: RwSignal::new(Vec::new()),
            presence: RwSignal::new(Vec::new()),
            viewing: RwSignal::new(None),
            typing: RwSignal::new(None),
            idle: RwSignal::new(false),
            visitor_typing: RwSignal::new(Vec::new()),
        }
    }

    pub fn apply(&self, frame: LiveFrame) {
        match frame {
            LiveFrame { kind, message: Some(message), .. } if kind == "message:receive" => {
                // A visitor's message ends their typing.
                if message.sender.kind == crate::dto::SenderKind::Visitor {
                    self.visitor_typing.update(|all| all.retain(|(c, _)| *c != message.conversation_id));
                }
                self.messages.update(|all| {
                    if !all.iter().any(|m| m.id == message.id) {
                        all.push(message);
                    }
                })
            }
            LiveFrame { kind, message: Some(message), .. } if kind == "message:updated" => {
                self.changed(message)
            }
            LiveFrame { kind, conversation: Some(conversation), .. } if kind == "conversation:updated" => {
                self.conversations.update(|all| {
                    all.retain(|c| c.id != conversation.id);
                    all.push(conversation);
                })
            }
            LiveFrame { kind, note: Some(note), .. } if kind == "note:created" => self.note(note),
            LiveFrame { kind, conversation_id: Some(id), viewers: Some(viewers), .. }
                if kind == "presence:changed" =>
            {
                self.presence.update(|all| {
                    all.retain(|(c, _)| *c != id);
                    all.push((id, viewers));
                })
            }
            LiveFrame { kind, conversation_id: Some(id), typing: Some(typing), draft, .. }
                if kind == "visitor:typing" =>
            {
                self.visitor_typing.update(|all| {
                    all.retain(|(c, _)| *c != id);
                    if typing {
                        all.push((id, draft));
                    }
                })
            }
            LiveFrame { kind, source: Some(source), .. }
                if kind.starts_with("document:") || kind.starts_with("crawl:") =>
            {
                self.source(source)
            }
            _ => {}
        }
    }

    /// Keeps a message's latest version (see [`Self::latest`]).
    pub fn changed(&self, message: MessageView) {
        self.changed.update(|all| {
            all.retain(|m| m.id != message.id);
            all.push(message);
        })
    }

    /// The message as it is now: its latest change, if it changed since the page loaded.
    pub fn latest(&self, message: MessageView) -> MessageView {
        self.changed.with(|all| all.iter().find(|m| m.id == message.id).cloned()).unwrap_or(message)
    }

    /// Who of the team has `conversation` open, as last told.
    pub fn viewers(&self, conversation: ConversationId) -> Vec<AgentRef> {
        self.presence
            .with(|all| all.iter().find(|(c, _)| *c == conversation).map(|(_, v)| v.clone()))
            .unwrap_or_default()
    }

    /// Whether the visitor of `conversation` is writing (`Some`), with their draft if shared.
    pub fn visitor_writing(&self, conversation: ConversationId) -> Option<Option<String>> {
        self.visitor_typing.with(|all| all.iter().find(|(c, _)| *c == conversation).map(|(_, d)| d.clone()))
    }

    /// Says that the teammate is (or stopped) writing in `conversation`, once per change.
    pub fn set_typing(&self, conversation: ConversationId, typing: bool) {
        if self.typing.get_untracked() != Some((conversation, typing)) {
            self.typing.set(Some((conversation, typing)));
        }
    }

    /// Keeps a note once (the writer's own page adds it from the answer too).
    pub fn note(&self, note: NoteView) {
        self.notes.update(|all| {
            if !all.iter().any(|n| n.id == note.id) {
                all.push(note);
            }
        })
    }

    /// Puts a source's latest version in place of the one before.
    pub fn source(&self, source: SourceCard) {
        self.sources.update(|all| {
            all.retain(|s| s.id != source.id);
            all.push(source);
        })
    }

    /// Messages of one conversation that arrived live after `after_seq`.
    pub fn messages_of(&self, conversation: ConversationId, after_seq: i64) -> Vec<MessageView> {
        self.messages.with(|all| {
            all.iter().filter(|m| m.conversation_id == conversation && m.seq > after_seq).cloned().collect()
        })
    }

    /// Opens the socket (browser only) for as long as the calling owner lives: when the page
    /// goes, its socket closes and stops reconnecting (left open, each visit to a page added a
    /// socket, and one closing later wrote to the gone page's signals).
    pub fn connect(self) {
        #[cfg(feature = "hydrate")]
        {
            let link = socket::Link::default();
            socket::open(self, link.clone(), 0);
            // What the teammate is doing, sent as it changes and again at each open.
            let (viewing, typing) = (link.clone(), link.clone());
            Effect::new(move |_| {
                self.opens.track();
                let id = self.viewing.get().map_or_else(|| "null".to_owned(), |id| format!("\"{id}\""));
                viewing.send(&format!(r#"{{"type":"viewing","conversation_id":{id}}}"#));
            });
            Effect::new(move |_| {
                if let Some((id, on)) = self.typing.get() {
                    typing.send(&format!(r#"{{"type":"typing","conversation_id":"{id}","typing":{on}}}"#));
                }
            });
            let idle = link.clone();
            Effect::new(move |_| {
                self.opens.track();
                idle.send(&format!(r#"{{"type":"idle","idle":{}}}"#, self.idle.get()));
            });
            self.watch_input();
            let held = send_wrapper::SendWrapper::new(link);
            on_cleanup(move || held.take().stop());
        }
    }
}

#[cfg(feature = "hydrate")]
impl LiveFeed {
    /// The automatic away: idle after minutes without a key, click or pointer move on the
    /// page; back at the first input.
    fn watch_input(self) {
        use std::time::Duration;
        let last = StoredValue::new(js_sys::Date::now());
        let active = move || {
            last.set_value(js_sys::Date::now());
            if self.idle.get_untracked() {
                self.idle.set(false);
            }
        };
        let handles = [
            window_event_listener(leptos::ev::keydown, move |_| active()),
            window_event_listener(leptos::ev::pointerdown, move |_| active()),
            window_event_listener(leptos::ev::pointermove, move |_| active()),
        ];
        let idle_after = f64::from(crate::assignment::IDLE_AFTER_MINUTES) * 60_000.0;
        let tick = set_interval_with_handle(
            move || {
                if !self.idle.get_untracked() && js_sys::Date::now() - last.get_value() > idle_after {
                    self.idle.set(true);
                }
            },
            Duration::from_secs(20),
        )
        .ok();
        on_cleanup(move || {
            for handle in handles {
                handle.remove();
            }
            if let Some(tick) = tick {
                tick.clear();
            }
        });
    }
}

impl Default for LiveFeed {
    fn default() -> Self {
        Self::new()
    }
}

#[cfg(feature = "hydrate")]
mod socket {
    use std::{cell::RefCell, rc::Rc};

    use super::{LinkState, LiveFeed};
    use crate::socket;
    use leptos::prelude::*;
    use web_sys::WebSocket;

    /// The page's current socket, and whether the page has gone.
    #[derive(Clone, Default)]
    pub(super) struct Link(Rc<RefCell<(bool, Option<WebSocket>)>>);

    impl Link {
        fn stopped(&self) -> bool {
            self.0.borrow().0
        }

        /// Sends `text` if the socket is open (what is lost is sent again at the next open).
        pub(super) fn send(&self, text: &str) {
            if let Some(socket) = self.0.borrow().1.as_ref()
                && socket.ready_state() == WebSocket::OPEN
            {
                let _ = socket.send_with_str(text);
            }
        }

        pub(super) fn stop(self) {
            let socket = {
                let mut link = self.0.borrow_mut();
                link.0 = true;
                link.1.take()
            };
            if let Some(socket) = socket {
                let _ = socket.close();
            }
        }
    }

    pub(super) fn open(feed: LiveFeed, link: Link, attempt: u32) {
        if link.stopped() {
            return;
        }
        let Some(url) = socket::url("/api/v1/ws/dashboard") else { return };
        let (on_open, on_frame, on_close) = (link.clone(), link.clone(), link.clone());
        let opened = socket::open(
            &url,
            super::LiveFrame::parse,
            move || {
                if !on_open.stopped() {
                    feed.state.set(LinkState::Live);
                    feed.opens.update(|n| *n += 1);
                }
            },
            move |msg| {
                if !on_frame.stopped() {
                    feed.apply(msg);
                }
            },
            move || {
                if on_close.stopped() {
                    return;
                }
                // A socket that had been open starts the backoff over.
                let next = if feed.state.get_untracked() == LinkState::Live { 0 } else { attempt + 1 };
                feed.state.set(LinkState::Reconnecting);
                retry(feed, on_close.clone(), next);
            },
        );
        match opened {
            Some(socket) => link.0.borrow_mut().1 = Some(socket),
            None => retry(feed, link, attempt + 1),
        }
    }

    fn retry(feed: LiveFeed, link: Link, attempt: u32) {
        set_timeout(move || open(feed, link, attempt), socket::backoff(attempt));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::protocol::ServerMsg;

    fn frame(msg: &ServerMsg) -> Option<LiveFrame> {
        LiveFrame::parse(&msg.to_json())
    }

    #[test]
    fn the_frames_the_dashboard_acts_on_read_from_the_server_json() {
        let message: MessageView = serde_json::from_value(serde_json::json!({
            "id": uuid::Uuid::nil(), "conversation_id": uuid::Uuid::nil(), "seq": 3,
            "sender": {"type": "visitor", "name": "Ada"}, "content": "hi",
            "created_at": "2026-12-01T10:00:00Z"
        }))
        .expect("a message");
        let read = frame(&ServerMsg::MessageReceive { message: message.clone() }).expect("reads");
        assert_eq!(read.kind, "message:receive");
        assert_eq!(read.message, Some(message));
        let other = frame(&ServerMsg::Pong).expect("reads");
        assert!(other.message.is_none() && other.conversation.is_none() && other.source.is_none());
    }
}
