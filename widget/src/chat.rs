//! The widget's state and its socket: connect, resume, send, retry with backoff.

use app::{
    dto::{BotProfile, ConversationId, MessageView},
    protocol::{ClientMsg, TeamStage as Stage, VisitorDetails, WidgetFrame},
    socket,
};
use leptos::prelude::*;
use web_sys::WebSocket;

use crate::storage;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Link {
    Connecting,
    Online,
    Offline,
}

/// A message the visitor sent that the server has not confirmed yet.
#[derive(Debug, Clone, PartialEq)]
pub struct Pending {
    pub client_msg_id: String,
    pub content: String,
    /// Why the server refused it; refused messages are not resent.
    pub error: Option<String>,
    /// Sent on the current socket (reset on reconnect so it is sent again).
    pub sent: bool,
    /// Refused for sending too fast: may be resent (by a tap) from this time on (ms, epoch).
    pub retry_at: Option<f64>,
}

#[derive(Clone, Copy)]
pub struct Chat {
    bot: StoredValue<String>,
    visitor: StoredValue<Option<String>>,
    interacted: StoredValue<bool>,
    pub conversation: RwSignal<Option<ConversationId>>,
    pub profile: RwSignal<Option<BotProfile>>,
    /// The pre-chat or offline form's answers, sent with the message that opens a conversation.
    pub details: RwSignal<Option<VisitorDetails>>,
    pub messages: RwSignal<Vec<MessageView>>,
    pub pending: RwSignal<Vec<Pending>>,
    pub typing: RwSignal<Option<String>>,
    /// The bot's answer as it streams in, until it arrives whole.
    pub streamed: RwSignal<String>,
    pub stage: RwSignal<Stage>,
    pub link: RwSignal<Link>,
    pub error: RwSignal<Option<String>>,
    socket: StoredValue<Option<WebSocket>, LocalStorage>,
    attempt: StoredValue<u32>,
    /// Now (ms, epoch), ticking each second while a rate-limited message counts down.
    pub clock: RwSignal<f64>,
    /// Nobody from the team was online to take over: `Some(None)` while we ask for an email,
    /// `Some(Some(email))` once it is kept.
    pub contact: RwSignal<Option<Option<String>>>,
    /// While waiting for a person: the place in the queue and the wait, in words.
    pub queue: RwSignal<Option<String>>,
    /// The team was told the visitor is writing; when the draft went last (ms); the pause
    /// after which they are told it stopped.
    typing_sent: StoredValue<bool>,
    draft_sent_at: StoredValue<f64>,
    typing_pause: StoredValue<Option<TimeoutHandle>>,
}

/// Longest draft the team is shown, in characters.
const MAX_DRAFT_CHARS: usize = 500;
/// At most one draft update in this many ms; "stopped" after this long without a key.
const DRAFT_EVERY_MS: f64 = 400.0;
const TYPING_PAUSE: std::time::Duration = std::time::Duration::from_secs(4);

impl Chat {
    pub fn start() -> Self {
        let bot = bot_key().unwrap_or_default();
        let chat = Self {
            visitor: StoredValue::new(None),
            interacted: StoredValue::new(false),
            bot: StoredValue::new(bot.clone()),
            conversation: RwSignal::new(None),
            profile: RwSignal::new(None),
            details: RwSignal::new(None),
            messages: RwSignal::new(Vec::new()),
            pending: RwSignal::new(Vec::new()),
            typing: RwSignal::new(None),
            streamed: RwSignal::new(String::new()),
            stage: RwSignal::new(Stage::Bot),
            queue: RwSignal::new(None),
            typing_sent: StoredValue::new(false),
            draft_sent_at: StoredValue::new(0.0),
            typing_pause: StoredValue::new(None),
            link: RwSignal::new(Link::Connecting),
            error: RwSignal::new(None),
            socket: StoredValue::new_local(None),
            attempt: StoredValue::new(0),
            clock: RwSignal::new(js_sys::Date::now()),
            contact: RwSignal::new(None),
        };
        // Our own storage first; where it is blocked, what the host page kept for us.
        let own = storage::own(&bot);
        if own.visitor.is_some() {
            chat.resume_as(own);
        } else {
            storage::ask_host(move |kept| chat.resume_as(kept));
        }
        chat
    }

    /// Starts as the remembered visitor (if any), in their conversation, and connects.
    fn resume_as(self, identity: storage::Identity) {
        let conversation = identity.conversation.and_then(|id| id.parse().ok());
        self.interacted.set_value(conversation.is_some());
        self.visitor.set_value(identity.visitor);
        self.conversation.set(conversation);
        self.connect();
    }

    /// Keeps who the visitor is and their conversation (only once they wrote).
    fn remember(self) {
        if !self.interacted.get_value() {
            return;
        }
        let identity = storage::Identity {
            visitor: self.visitor.get_value(),
            conversation: self.conversation.get_untracked().map(|id| id.to_string()),
        };
        if identity.visitor.is_some() {
            storage::remember(&self.bot.get_value(), &identity);
        }
    }

    /// The visitor typed `text`: the team hears they are writing — and what, when the bot
    /// shares drafts — at most every `DRAFT_EVERY_MS`; a pause or an empty box is "stopped".
    pub fn typed(self, text: &str) {
        let Some(conversation_id) = self.conversation.get_untracked() else { return };
        if text.trim().is_empty() {
            self.stop_typing();
            return;
        }
        let share = self.profile.with_untracked(|p| p.as_ref().is_some_and(|p| p.share_drafts));
        let now = js_sys::Date::now();
        if !self.typing_sent.get_value() || (share && now - self.draft_sent_at.get_value() >= DRAFT_EVERY_MS)
        {
            self.typing_sent.set_value(true);
            self.draft_sent_at.set_value(now);
            let draft = share.then(|| text.chars().take(MAX_DRAFT_CHARS).collect());
            self.transmit(&ClientMsg::Typing { conversation_id, typing: true, draft });
        }
        if let Some(pause) = self.typing_pause.get_value() {
            pause.clear();
        }
        self.typing_pause.set_value(set_timeout_with_handle(move || self.stop_typing(), TYPING_PAUSE).ok());
    }

    /// Tells the team the visitor stopped writing (if they were told otherwise).
    pub fn stop_typing(self) {
        if !self.typing_sent.get_value() {
            return;
        }
        self.typing_sent.set_value(false);
        if let Some(conversation_id) = self.conversation.get_untracked() {
            self.transmit(&ClientMsg::Typing { conversation_id, typing: false, draft: None });
        }
    }

    /// Queues the visitor's text and sends it if connected. Returns false for blank text.
    pub fn send(self, text: String) -> bool {
        let content = text.trim().to_owned();
        if content.is_empty() {
            return false;
        }
        self.interacted.set_value(true);
        self.remember();
        self.error.set(None);
        // The message itself ends "typing" for the team.
        self.typing_sent.set_value(false);
        if let Some(pause) = self.typing_pause.get_value() {
            pause.clear();
        }
        // Writing after a resolution opens the conversation again, with the bot.
        if matches!(self.stage.get_untracked(), Stage::Survey | Stage::Rated) {
            self.stage.set(Stage::Bot);
        }
        self.pending.update(|all| {
            all.push(Pending {
                client_msg_id: new_client_id(),
                content,
                error: None,
                sent: false,
                retry_at: None,
            })
        });
        self.flush();
        true
    }

    /// Sends a rate-limited message again (the visitor tapped it once its wait was over).
    pub fn resend(self, client_msg_id: &str) {
        self.pending.update(|all| {
            if let Some(p) = all.iter_mut().find(|p| p.client_msg_id == client_msg_id) {
                p.error = None;
                p.retry_at = None;
                p.sent = false;
            }
        });
        self.flush();
    }

    /// Ticks the clock each second while a rate-limited message still counts down.
    fn tick(self) {
        let now = js_sys::Date::now();
        self.clock.set(now);
        let waiting =
            self.pending.with_untracked(|all| all.iter().any(|p| p.retry_at.is_some_and(|at| at > now)));
        if waiting {
            set_timeout(move || self.tick(), std::time::Duration::from_millis(250));
        }
    }

    /// Asks for a person to take over the open conversation.
    pub fn ask_for_person(self) {
        if let Some(conversation_id) = self.conversation.get_untracked() {
            self.transmit(&ClientMsg::Escalate { conversation_id });
        }
    }

    /// Leaves an email for the team's answer (after `team:offline`).
    pub fn leave_contact(self, email: String) {
        if let Some(conversation_id) = self.conversation.get_untracked() {
            self.error.set(None);
            self.transmit(&ClientMsg::Contact { conversation_id, email: email.trim().to_owned() });
        }
    }

    /// Answers the survey after the team resolved the conversation.
    pub fn rate(self, score: u8, comment: String) {
        if let Some(conversation_id) = self.conversation.get_untracked() {
            let comment = Some(comment.trim().to_owned()).filter(|c| !c.is_empty());
            self.transmit(&ClientMsg::Rate { conversation_id, score, comment });
        }
    }

    /// The visitor's thumbs on one of the bot's answers (again changes it).
    pub fn feedback(self, message_id: app::dto::MessageId, helpful: bool) {
        if let Some(conversation_id) = self.conversation.get_untracked() {
            self.transmit(&ClientMsg::Feedback { conversation_id, message_id, helpful });
        }
    }

    fn connect(self) {
        let mut path = format!("/api/v1/widget/ws?bot={}", encode(&self.bot.get_value()));
        if let Some(visitor) = self.visitor.get_value() {
            path.push_str(&format!("&visitor={}", encode(&visitor)));
        }
        let Some(url) = socket::url(&path) else { return };
        let opened = socket::open(
            &url,
            WidgetFrame::parse_in_browser,
            || {},
            move |msg| self.receive(msg),
            move || {
                self.link.set(Link::Offline);
                self.typing.set(None);
                self.socket.set_value(None);
                self.pending.update(|all| all.iter_mut().for_each(|p| p.sent = false));
                self.retry();
            },
        );
        match opened {
            Some(ws) => self.socket.set_value(Some(ws)),
            None => self.retry(),
        }
    }

    fn retry(self) {
        let attempt = self.attempt.get_value();
        self.attempt.set_value(attempt.saturating_add(1));
        set_timeout(move || self.connect(), socket::backoff(attempt));
    }

    fn receive(self, msg: WidgetFrame) {
        match msg {
            WidgetFrame::SessionReady { visitor_id, bot } => {
                self.attempt.set_value(0);
                self.link.set(Link::Online);
                // Whatever kept us out before (a full chat) is over.
                self.error.set(None);
                self.visitor.set_value(Some(visitor_id));
                self.profile.set(Some(bot));
                if let Some(conversation_id) = self.conversation.get_untracked() {
                    let after_seq = self.messages.with_untracked(|all| all.last().map_or(0, |m| m.seq));
                    self.transmit(&ClientMsg::Resume { conversation_id, after_seq });
                }
                self.flush();
            }
            WidgetFrame::MessageReceive { message } => self.accept(message),
            WidgetFrame::WidgetConfig { bot } => self.profile.set(Some(bot)),
            WidgetFrame::Stage { conversation_id, stage } => {
                if self.conversation.get_untracked() == Some(conversation_id) {
                    if stage != Stage::Escalated {
                        self.queue.set(None);
                    }
                    self.stage.set(stage);
                    self.typing.set(None);
                    self.streamed.set(String::new());
                }
            }
            WidgetFrame::TypingStart { sender } => self.typing.set(Some(sender.name)),
            WidgetFrame::TypingStop => self.typing.set(None),
            WidgetFrame::Streaming { chunk } => self.streamed.update(|s| s.push_str(&chunk)),
            WidgetFrame::Error { message, client_msg_id, retry_after_secs } => match client_msg_id {
                Some(id) => {
                    let retry_at = retry_after_secs.map(|secs| js_sys::Date::now() + secs as f64 * 1000.0);
                    self.pending.update(|all| {
                        if let Some(p) = all.iter_mut().find(|p| p.client_msg_id == id) {
                            p.error = Some(message.clone());
                            p.retry_at = retry_at;
                        }
                    });
                    if retry_at.is_some() {
                        self.tick();
                    }
                }
                None => self.error.set(Some(message)),
            },
            WidgetFrame::AskContact { conversation_id } => {
                if self.conversation.get_untracked() == Some(conversation_id) {
                    self.contact.set(Some(None));
                }
            }
            WidgetFrame::ContactSaved { email } => self.contact.set(Some(Some(email))),
            WidgetFrame::Queue { conversation_id, sentence } => {
                if self.conversation.get_untracked() == Some(conversation_id) {
                    self.queue.set(Some(sentence));
                }
            }
            WidgetFrame::Other => {}
        }
    }

    /// Adds a stored message (once, in sequence order) and settles its pending copy.
    fn accept(self, message: MessageView) {
        if self.conversation.get_untracked() != Some(message.conversation_id) {
            self.conversation.set(Some(message.conversation_id));
            self.remember();
        }
        match &message.client_msg_id {
            Some(id) => self.pending.update(|all| all.retain(|p| &p.client_msg_id != id)),
            // The bot's (or an agent's) whole message replaces what streamed in.
            None => self.streamed.set(String::new()),
        }
        self.messages.update(|all| {
            if !all.iter().any(|m| m.id == message.id) {
                let at = all.partition_point(|m| m.seq < message.seq);
                all.insert(at, message);
            }
        });
        self.flush();
    }

    /// Sends queued messages. Before a conversation exists only the first goes out, so that
    /// two quick messages open one conversation, not two.
    fn flush(self) {
        if self.link.get_untracked() != Link::Online {
            return;
        }
        let conversation_id = self.conversation.get_untracked();
        let visitor = if conversation_id.is_none() { self.details.get_untracked() } else { None };
        let mut out = Vec::new();
        self.pending.update(|all| {
            for p in all.iter_mut().filter(|p| p.error.is_none()) {
                if conversation_id.is_none() && (p.sent || !out.is_empty()) {
                    break;
                }
                if !p.sent {
                    p.sent = true;
                    out.push(ClientMsg::MessageSend {
                        client_msg_id: p.client_msg_id.clone(),
                        conversation_id,
                        content: p.content.clone(),
                        visitor: visitor.clone(),
                    });
                }
            }
        });
        for msg in out {
            self.transmit(&msg);
        }
    }

    fn transmit(self, msg: &ClientMsg) {
        self.socket.with_value(|ws| {
            if let Some(ws) = ws {
                socket::send(ws, msg);
            }
        });
    }
}

/// Asks the page that embeds us (through the loader) to close the panel.
pub fn close_frame() {
    let Some(window) = web_sys::window() else { return };
    if let Ok(Some(parent)) = window.parent() {
        let message = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&message, &"type".into(), &"chatsupport:close".into());
        let _ = parent.post_message(&message, "*");
    }
}

/// Calls `focus` each time the loader reopens the panel (`chatsupport:focus` from our parent).
pub fn on_host_focus(focus: impl Fn() + 'static) {
    storage::on_host_message("chatsupport:focus", move |_| focus());
}

fn bot_key() -> Option<String> {
    let path = web_sys::window()?.location().pathname().ok()?;
    path.strip_prefix("/widget/").map(|key| key.trim_end_matches('/').to_owned())
}

fn encode(s: &str) -> String {
    String::from(js_sys::encode_uri_component(s))
}

fn new_client_id() -> String {
    web_sys::window()
        .and_then(|w| w.crypto().ok())
        .map(|c| c.random_uuid())
        .unwrap_or_else(|| format!("c{}", (js_sys::Math::random() * 1e16) as u64))
}
