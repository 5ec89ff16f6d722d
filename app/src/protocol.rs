//! The realtime wire protocol shared by the widget, the dashboard, the server and the tests.
//! Frames are JSON text with a `type` field named as in PRD §5.3.2 (`message:send`,
//! `message:receive`, …). Adding a variant here is how a new realtime event comes into being.

use serde::{Deserialize, Serialize};

use crate::{
    dto::{AgentRef, BotProfile, ConversationId, ConversationStatus, ConversationView, MessageView, Sender},
    error::ApiError,
    ids::SourceId,
    knowledge::{SourceError, SourceStatus, SourceView},
};

/// Longest message a visitor or agent may send, in characters.
pub const MAX_MESSAGE_CHARS: usize = 4_000;
/// Largest WebSocket frame the server reads; larger frames close the socket (1009).
pub const MAX_FRAME_BYTES: usize = 64 * 1024;

/// Frames a client sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "type")]
pub enum ClientMsg {
    /// A visitor's message. `conversation_id` is `None` for the first message of a conversation.
    /// Sending the same `client_msg_id` twice stores the message once.
    #[serde(rename = "message:send")]
    MessageSend {
        client_msg_id: String,
        #[serde(default)]
        conversation_id: Option<ConversationId>,
        content: String,
        /// Who the visitor says they are (the pre-chat or offline form), with the first message
        /// of a conversation.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        visitor: Option<VisitorDetails>,
    },
    /// The visitor asks for a person: the bot stops answering and the conversation waits for an
    /// agent (`escalated`). Asking again changes nothing.
    #[serde(rename = "conversation:escalate")]
    Escalate { conversation_id: ConversationId },
    /// The visitor's answer to the survey after an agent resolved the conversation: 1–5 stars
    /// and an optional comment. Once per conversation.
    #[serde(rename = "conversation:rate")]
    Rate {
        conversation_id: ConversationId,
        score: u8,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        comment: Option<String>,
    },
    /// Re-join a conversation and receive every message with `seq > after_seq` (then where
    /// the conversation stands: escalated, with an agent, resolved and not rated yet).
    #[serde(rename = "conversation:resume")]
    Resume { conversation_id: ConversationId, after_seq: i64 },
    /// The visitor's thumbs on one of the bot's answers: up (`helpful: true`) or down.
    /// Again changes it.
    #[serde(rename = "message:feedback")]
    Feedback { conversation_id: ConversationId, message_id: crate::dto::MessageId, helpful: bool },
    /// Where the team can answer when nobody is online (after `team:offline`).
    #[serde(rename = "visitor:contact")]
    Contact { conversation_id: ConversationId, email: String },
    /// The visitor is writing (or stopped). `draft` is what they have typed so far, sent only
    /// when the bot shares drafts with the team (`BotProfile::share_drafts`, off by default).
    #[serde(rename = "visitor:typing")]
    Typing {
        conversation_id: ConversationId,
        typing: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        draft: Option<String>,
    },
    #[serde(rename = "ping")]
    Ping,
}

/// A visitor's name and email from the widget's pre-chat or offline form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct VisitorDetails {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub email: Option<String>,
}

/// The satisfaction survey sent with `conversation:resolved` (PRD §5.3.3).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Survey {
    pub question: String,
    /// Always `rating`.
    #[serde(rename = "type")]
    pub kind: String,
    /// Stars: answers are 1..=scale.
    pub scale: u8,
}

impl Survey {
    pub const SCALE: u8 = 5;

    pub fn rating() -> Self {
        Self {
            question: "How would you rate your experience?".into(),
            kind: "rating".into(),
            scale: Self::SCALE,
        }
    }
}

/// Frames a dashboard sends on its socket (`/api/v1/ws/dashboard`); it acts through server
/// functions, these only say what the teammate is doing now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "type")]
pub enum DashboardMsg {
    /// The conversation the page shows (none: the list alone). Others see who is viewing.
    #[serde(rename = "viewing")]
    Viewing { conversation_id: Option<ConversationId> },
    /// The teammate started or stopped writing a reply; the visitor sees "… is typing" when
    /// the teammate holds the conversation.
    #[serde(rename = "typing")]
    Typing { conversation_id: ConversationId, typing: bool },
    /// No key or pointer input for a while (`app::assignment::IDLE_AFTER_MINUTES`), or input
    /// again: an idle dashboard is away for routing.
    #[serde(rename = "idle")]
    Idle { idle: bool },
    #[serde(rename = "ping")]
    Ping,
}

/// Frames the server sends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "type")]
pub enum ServerMsg {
    /// First frame on a widget connection.
    #[serde(rename = "session:ready")]
    SessionReady { visitor_id: String, bot: BotProfile },
    #[serde(rename = "message:receive")]
    MessageReceive { message: MessageView },
    /// A stored message changed: the visitor's thumbs or a teammate's review of a bot answer.
    #[serde(rename = "message:updated")]
    MessageUpdated { message: MessageView },
    /// Part of a bot answer as it is produced (PRD §5.3.2). Chunks of one answer share
    /// `stream_id` and arrive in order; the whole answer follows as `message:receive`, which
    /// replaces them.
    #[serde(rename = "message:streaming")]
    MessageStreaming { conversation_id: ConversationId, stream_id: String, chunk: String },
    #[serde(rename = "typing:start")]
    TypingStart { conversation_id: ConversationId, sender: Sender },
    #[serde(rename = "typing:stop")]
    TypingStop { conversation_id: ConversationId, sender: Sender },
    /// Who of the team has the conversation open now (dashboard subscribers only).
    #[serde(rename = "presence:changed")]
    PresenceChanged { conversation_id: ConversationId, viewers: Vec<AgentRef> },
    /// A teammate wrote an internal note (dashboard subscribers only; `mentions` are told).
    #[serde(rename = "note:created")]
    NoteCreated { note: crate::dto::NoteView },
    /// A conversation was created or changed (dashboard subscribers).
    #[serde(rename = "conversation:updated")]
    ConversationUpdated { conversation: ConversationView },
    /// A conversation moved in its lifecycle (the visitor's widget and the dashboard).
    #[serde(rename = "conversation:status_changed")]
    ConversationStatusChanged {
        conversation_id: ConversationId,
        from: ConversationStatus,
        to: ConversationStatus,
    },
    /// A conversation was handed to the team (the visitor asked for a person, or it was left
    /// outside business hours): the widget says a person will answer; dashboards flag it.
    #[serde(rename = "conversation:escalated")]
    ConversationEscalated { conversation_id: ConversationId },
    /// The visitor asked for a person while nobody from the team is online, and we have no
    /// email for them: the widget asks where the team can answer (`visitor:contact`).
    #[serde(rename = "team:offline")]
    TeamOffline { conversation_id: ConversationId },
    /// The visitor's email was kept: the team answers there too.
    #[serde(rename = "visitor:contact_saved")]
    ContactSaved { conversation_id: ConversationId, email: String },
    /// A visitor is writing in a conversation (the team's dashboards only), with their draft
    /// when the bot shares drafts.
    #[serde(rename = "visitor:typing")]
    VisitorTyping {
        conversation_id: ConversationId,
        typing: bool,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        draft: Option<String>,
    },
    /// The visitor's place in the queue for a person, and the estimated wait (sent as the
    /// queue moves).
    #[serde(rename = "queue:position")]
    QueuePosition { conversation_id: ConversationId, position: u32, wait_minutes: u32 },
    /// A person from the team took the conversation over: the bot is silent from now on.
    #[serde(rename = "agent:joined")]
    AgentJoined { conversation_id: ConversationId, agent: AgentRef },
    /// An agent resolved the conversation: the widget asks the visitor to rate it.
    #[serde(rename = "conversation:resolved")]
    ConversationResolved { conversation_id: ConversationId, survey: Survey },
    /// The visitor's rating was stored.
    #[serde(rename = "conversation:rated")]
    ConversationRated { conversation_id: ConversationId, score: u8 },
    /// The bot's settings changed: the widget redraws with this profile.
    #[serde(rename = "widget:config")]
    WidgetConfig { bot: BotProfile },
    /// A knowledge source moved in its processing (PRD §5.4.1; FAQs and snippets too):
    /// `progress` 0–100. Every `document:*` frame also carries the whole `source`, which the
    /// Knowledge page puts in place of its row.
    #[serde(rename = "document:processing")]
    DocumentProcessing { document_id: SourceId, status: SourceStatus, progress: u8, source: SourceView },
    #[serde(rename = "document:processed")]
    DocumentProcessed {
        document_id: SourceId,
        status: SourceStatus,
        chunks_created: u32,
        /// Passages with a vector (0 while the server runs on BM25 alone).
        embeddings_generated: u32,
        processing_time_seconds: u64,
        source: SourceView,
    },
    #[serde(rename = "document:failed")]
    DocumentFailed { document_id: SourceId, status: SourceStatus, error: SourceError, source: SourceView },
    /// A website's crawl read a page (PRD §5.4.2), with the source as it is now.
    #[serde(rename = "crawl:progress")]
    CrawlProgress {
        source_id: SourceId,
        status: SourceStatus,
        pages_found: u32,
        pages_processed: u32,
        pages_failed: u32,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        current_url: Option<String>,
        source: SourceView,
    },
    /// A website's crawl ended: `completed`, or `failed` with its `error`.
    #[serde(rename = "crawl:completed")]
    CrawlCompleted {
        source_id: SourceId,
        status: SourceStatus,
        pages_found: u32,
        pages_processed: u32,
        pages_failed: u32,
        chunks_created: u32,
        duration_seconds: u64,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        error: Option<SourceError>,
        source: SourceView,
    },
    #[serde(rename = "pong")]
    Pong,
    /// A frame was refused. `client_msg_id` names the message it was about, if any.
    #[serde(rename = "error")]
    Error {
        error: ApiError,
        message: String,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        client_msg_id: Option<String>,
    },
}

/// The frames a visitor's widget acts on, read from the same JSON as [`ServerMsg`]: the rest
/// (dashboard frames, status changes) read as `Other`, and an error keeps only its readable
/// message. Decoding less keeps the widget's download small (its budget is 100 KB): the
/// widget reads frames with the browser's `JSON.parse` and [`WidgetFrame::decode`] picks the
/// fields it needs (see [`JsonFields`]), so no JSON decoder ships in its wasm.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WidgetFrame {
    SessionReady {
        visitor_id: String,
        bot: BotProfile,
    },
    MessageReceive {
        message: MessageView,
    },
    /// The next part of the bot's answer in the making.
    Streaming {
        chunk: String,
    },
    TypingStart {
        sender: Sender,
    },
    TypingStop,
    WidgetConfig {
        bot: BotProfile,
    },
    /// Where the conversation stands with the team now.
    Stage {
        conversation_id: ConversationId,
        stage: TeamStage,
    },
    Error {
        message: String,
        client_msg_id: Option<String>,
        /// Rate limited: the visitor may send again after this many seconds.
        retry_after_secs: Option<u64>,
    },
    /// Nobody can answer now: ask for an email (`team:offline`).
    AskContact {
        conversation_id: ConversationId,
    },
    /// The email was kept (`visitor:contact_saved`).
    ContactSaved {
        email: String,
    },
    /// The visitor's place in the queue (`queue:position`), in words.
    Queue {
        conversation_id: ConversationId,
        sentence: String,
    },
    Other,
}

/// Where a visitor's conversation stands with the team, as the widget shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TeamStage {
    /// The bot answers (again: the agent gave it back, or left it for the queue).
    Bot,
    /// Waiting for a person.
    Escalated,
    /// A person answers: their name, and their avatar when their profile has one.
    Agent { name: String, avatar_url: Option<String> },
    /// Resolved: the survey is open.
    Survey,
    /// Resolved and rated.
    Rated,
}

/// Reading the fields of one parsed JSON object. The widget reads frames through the
/// browser's own `JSON.parse` (`JsValue`), so its download carries no JSON decoder (serde's
/// cost it 18 KB brotli); tests and native clients read them through serde_json's `Value`.
/// Both go through the one [`WidgetFrame::decode`].
pub trait JsonFields: Sized {
    fn text(&self, key: &str) -> Option<String>;
    fn number(&self, key: &str) -> Option<f64>;
    fn flag(&self, key: &str) -> Option<bool>;
    fn object(&self, key: &str) -> Option<Self>;
    /// The objects of an array.
    fn items(&self, key: &str) -> Option<Vec<Self>>;
}

impl JsonFields for serde_json::Value {
    fn text(&self, key: &str) -> Option<String> {
        self.get(key)?.as_str().map(str::to_owned)
    }
    fn number(&self, key: &str) -> Option<f64> {
        self.get(key)?.as_f64()
    }
    fn flag(&self, key: &str) -> Option<bool> {
        self.get(key)?.as_bool()
    }
    fn object(&self, key: &str) -> Option<Self> {
        self.get(key).filter(|v| v.is_object()).cloned()
    }
    fn items(&self, key: &str) -> Option<Vec<Self>> {
        Some(self.get(key)?.as_array()?.iter().filter(|v| v.is_object()).cloned().collect())
    }
}

#[cfg(feature = "browser")]
impl JsonFields for wasm_bindgen::JsValue {
    fn text(&self, key: &str) -> Option<String> {
        js_sys::Reflect::get(self, &key.into()).ok()?.as_string()
    }
    fn number(&self, key: &str) -> Option<f64> {
        js_sys::Reflect::get(self, &key.into()).ok()?.as_f64()
    }
    fn flag(&self, key: &str) -> Option<bool> {
        js_sys::Reflect::get(self, &key.into()).ok()?.as_bool()
    }
    fn object(&self, key: &str) -> Option<Self> {
        js_sys::Reflect::get(self, &key.into()).ok().filter(|v| v.is_object())
    }
    fn items(&self, key: &str) -> Option<Vec<Self>> {
        let list = js_sys::Reflect::get(self, &key.into()).ok().filter(js_sys::Array::is_array)?;
        Some(js_sys::Array::from(&list).iter().filter(|v| v.is_object()).collect())
    }
}

impl WidgetFrame {
    /// `None` for text that is not a frame at all (serde_json; see [`JsonFields`]).
    pub fn parse(text: &str) -> Option<Self> {
        Self::decode(&serde_json::from_str::<serde_json::Value>(text).ok()?)
    }

    /// The same, through the browser's `JSON.parse` (the widget).
    #[cfg(feature = "browser")]
    pub fn parse_in_browser(text: &str) -> Option<Self> {
        let value = js_sys::JSON::parse(text).ok().filter(|v| v.is_object())?;
        Self::decode(&value)
    }

    /// The frames the widget acts on, read from a parsed frame; others are `Other`, a frame
    /// the widget needs but cannot read is `None` (dropped).
    pub fn decode<J: JsonFields>(f: &J) -> Option<Self> {
        let id = || f.text("conversation_id")?.parse::<ConversationId>().ok();
        let stage = |stage: TeamStage| Some(Self::Stage { conversation_id: id()?, stage });
        match f.text("type")?.as_str() {
            "session:ready" => Some(Self::SessionReady {
                visitor_id: f.text("visitor_id")?,
                bot: profile(&f.object("bot")?)?,
            }),
            "widget:config" => Some(Self::WidgetConfig { bot: profile(&f.object("bot")?)? }),
            "message:receive" => Some(Self::MessageReceive { message: message(&f.object("message")?)? }),
            "message:streaming" => Some(Self::Streaming { chunk: f.text("chunk")? }),
            "typing:start" => Some(Self::TypingStart { sender: sender(&f.object("sender")?)? }),
            "typing:stop" => Some(Self::TypingStop),
            "conversation:escalated" => stage(TeamStage::Escalated),
            "agent:joined" => {
                let agent = f.object("agent")?;
                stage(TeamStage::Agent { name: agent.text("name")?, avatar_url: agent.text("avatar_url") })
            }
            "conversation:resolved" => stage(TeamStage::Survey),
            "conversation:rated" => stage(TeamStage::Rated),
            "team:offline" => Some(Self::AskContact { conversation_id: id()? }),
            "visitor:contact_saved" => Some(Self::ContactSaved { email: f.text("email")? }),
            "queue:position" => Some(Self::Queue {
                conversation_id: id()?,
                sentence: crate::assignment::QueuePlace {
                    conversation_id: id()?,
                    position: f.number("position")? as u32,
                    wait_minutes: f.number("wait_minutes")? as u32,
                }
                .sentence(),
            }),
            "conversation:status_changed"
                if matches!(f.text("to").as_deref(), Some("active" | "waiting")) =>
            {
                stage(TeamStage::Bot)
            }
            "error" => Some(Self::Error {
                message: f.text("message").unwrap_or_default(),
                client_msg_id: f.text("client_msg_id"),
                retry_after_secs: f
                    .object("error")
                    .and_then(|e| e.number("retry_after_secs"))
                    .map(|n| n as u64),
            }),
            _ => Some(Self::Other),
        }
    }
}

fn profile<J: JsonFields>(o: &J) -> Option<BotProfile> {
    Some(BotProfile {
        name: o.text("name")?,
        greeting: o.text("greeting")?,
        avatar_url: o.text("avatar_url"),
        look_class: o.text("look_class")?,
        look_style: o.text("look_style")?,
        collect_name: o.flag("collect_name")?,
        collect_email: o.flag("collect_email")?,
        online: o.flag("online")?,
        offline_message: o.text("offline_message")?,
        show_typing_indicator: o.flag("show_typing_indicator")?,
        share_drafts: o.flag("share_drafts").unwrap_or(false),
        language: o.text("language"),
    })
}

fn sender<J: JsonFields>(o: &J) -> Option<Sender> {
    Some(Sender { kind: o.text("type")?.parse().ok()?, name: o.text("name")? })
}

fn message<J: JsonFields>(o: &J) -> Option<MessageView> {
    Some(MessageView {
        id: o.text("id")?.parse().ok()?,
        conversation_id: o.text("conversation_id")?.parse().ok()?,
        seq: o.number("seq")? as i64,
        sender: sender(&o.object("sender")?)?,
        content: o.text("content")?,
        created_at: o.text("created_at")?,
        client_msg_id: o.text("client_msg_id"),
        answer: o.object("answer").and_then(|a| answer(&a)).map(Box::new),
        helpful: o.flag("helpful"),
        verdict: None,
        insight: None,
    })
}

/// What the widget shows of an answer's evidence: its sources (confidence and outcome ride
/// along; the rest is for the dashboard).
fn answer<J: JsonFields>(o: &J) -> Option<crate::dto::AnswerInfo> {
    use crate::dto::AnswerOutcome::*;
    let outcome = match o.text("outcome")?.as_str() {
        "answered" => Answered,
        "caveat" => Caveat,
        "suggest_person" => SuggestPerson,
        "declined" => Declined,
        "handed_over" => HandedOver,
        _ => SmallTalk,
    };
    let sources = o
        .items("sources")
        .unwrap_or_default()
        .iter()
        .filter_map(|s| {
            Some(crate::dto::AnswerSource {
                source_id: s.text("source_id")?.parse().ok()?,
                title: s.text("title")?,
                url: s.text("url"),
                snippet: String::new(),
            })
        })
        .collect();
    Some(crate::dto::AnswerInfo {
        confidence: o.number("confidence")? as f32,
        outcome,
        sources,
        handover_reason: None,
        model: String::new(),
        retrieval_ms: 0,
        generation_ms: 0,
        tokens_in: 0,
        tokens_out: 0,
        cost_micros: None,
        fallback_reason: None,
        formatted: o.items("formatted").unwrap_or_default().iter().filter_map(block).collect(),
    })
}

/// One block of an answer's formatting (`crate::format`), as the widget reads it.
fn block<J: JsonFields>(o: &J) -> Option<crate::format::Block> {
    let runs = |o: &J| -> Vec<crate::format::Inline> {
        o.items("i")
            .unwrap_or_default()
            .iter()
            .filter_map(|r| Some(crate::format::Inline { k: r.text("k")?, s: r.text("s")?, u: r.text("u") }))
            .collect()
    };
    Some(crate::format::Block {
        k: o.text("k")?,
        i: runs(o),
        l: o.items("l")
            .unwrap_or_default()
            .iter()
            .map(|item| crate::format::Item { i: runs(item) })
            .collect(),
        s: o.text("s").unwrap_or_default(),
    })
}

impl ServerMsg {
    /// The `document:*` (or, for a website, `crawl:*`) frame for where a knowledge source
    /// stands now; a crawl names the page it just read.
    pub fn knowledge(source: &SourceView, current_url: Option<String>) -> Self {
        if source.kind == crate::knowledge::SourceKind::Url {
            let (found, processed, failed) = (
                source.pages_found.unwrap_or(0),
                source.pages_processed.unwrap_or(0),
                source.pages_failed.unwrap_or(0),
            );
            return if source.status.is_working() {
                Self::CrawlProgress {
                    source_id: source.id,
                    status: source.status,
                    pages_found: found,
                    pages_processed: processed,
                    pages_failed: failed,
                    current_url,
                    source: source.clone(),
                }
            } else {
                Self::CrawlCompleted {
                    source_id: source.id,
                    status: source.status,
                    pages_found: found,
                    pages_processed: processed,
                    pages_failed: failed,
                    chunks_created: source.chunks,
                    duration_seconds: source.processing_seconds.unwrap_or(0),
                    error: source.error.clone(),
                    source: source.clone(),
                }
            };
        }
        let (document_id, status, source) = (source.id, source.status, source.clone());
        match (status, &source.error) {
            (SourceStatus::Failed, error) => Self::DocumentFailed {
                document_id,
                status,
                error: error.clone().unwrap_or(SourceError { code: "failed".into(), message: String::new() }),
                source,
            },
            (SourceStatus::Completed, _) => Self::DocumentProcessed {
                document_id,
                status,
                chunks_created: source.chunks,
                embeddings_generated: 0,
                processing_time_seconds: source.processing_seconds.unwrap_or(0),
                source,
            },
            _ => Self::DocumentProcessing { document_id, status, progress: source.progress, source },
        }
    }

    pub fn error(error: ApiError, client_msg_id: Option<String>) -> Self {
        let message = error.to_string();
        Self::Error { error, message, client_msg_id }
    }

    pub fn to_json(&self) -> String {
        // Every field is a string, number, bool or enum: serializing cannot fail.
        serde_json::to_string(self).unwrap_or_else(|_| String::from(r#"{"type":"error"}"#))
    }
}

impl ClientMsg {
    /// The frame as JSON, written out by hand: the same text serde's `Serialize` gives (tested
    /// below), in a fraction of the code the widget would otherwise download.
    pub fn to_json(&self) -> String {
        fn text(s: &str) -> String {
            serde_json::to_string(s).unwrap_or_else(|_| String::from("\"\""))
        }
        fn opt(out: &mut String, key: &str, value: &Option<String>) {
            if let Some(v) = value {
                out.push_str(&format!(",\"{key}\":{}", text(v)));
            }
        }
        match self {
            Self::MessageSend { client_msg_id, conversation_id, content, visitor } => {
                let conversation = conversation_id.map_or_else(|| "null".into(), |id| format!("\"{id}\""));
                let mut out = format!(
                    r#"{{"type":"message:send","client_msg_id":{},"conversation_id":{conversation},"content":{}"#,
                    text(client_msg_id),
                    text(content)
                );
                if let Some(v) = visitor {
                    out.push_str(r#","visitor":{"#);
                    let mut inner = String::new();
                    opt(&mut inner, "name", &v.name);
                    opt(&mut inner, "email", &v.email);
                    out.push_str(inner.strip_prefix(',').unwrap_or_default());
                    out.push('}');
                }
                out.push('}');
                out
            }
            Self::Escalate { conversation_id } => {
                format!(r#"{{"type":"conversation:escalate","conversation_id":"{conversation_id}"}}"#)
            }
            Self::Contact { conversation_id, email } => format!(
                r#"{{"type":"visitor:contact","conversation_id":"{conversation_id}","email":{}}}"#,
                text(email)
            ),
            Self::Rate { conversation_id, score, comment } => {
                // As usize: its formatting is in the widget already, a u8's would not be.
                let score = usize::from(*score);
                let mut out = format!(
                    r#"{{"type":"conversation:rate","conversation_id":"{conversation_id}","score":{score}"#
                );
                opt(&mut out, "comment", comment);
                out.push('}');
                out
            }
            Self::Resume { conversation_id, after_seq } => format!(
                r#"{{"type":"conversation:resume","conversation_id":"{conversation_id}","after_seq":{after_seq}}}"#
            ),
            Self::Feedback { conversation_id, message_id, helpful } => format!(
                r#"{{"type":"message:feedback","conversation_id":"{conversation_id}","message_id":"{message_id}","helpful":{}}}"#,
                if *helpful { "true" } else { "false" }
            ),
            Self::Typing { conversation_id, typing, draft } => {
                let mut out = format!(
                    r#"{{"type":"visitor:typing","conversation_id":"{conversation_id}","typing":{}"#,
                    if *typing { "true" } else { "false" }
                );
                opt(&mut out, "draft", draft);
                out.push('}');
                out
            }
            Self::Ping => String::from(r#"{"type":"ping"}"#),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_send_frame_uses_the_prd_event_name() {
        let frame = ClientMsg::MessageSend {
            client_msg_id: "c1".into(),
            conversation_id: None,
            content: "Hello".into(),
            visitor: None,
        };
        let json: serde_json::Value = serde_json::from_str(&frame.to_json()).expect("json");
        assert_eq!(json["type"], "message:send");
        let back: ClientMsg = serde_json::from_value(json).expect("parses back");
        assert_eq!(back, frame);
    }

    #[test]
    fn the_widget_reads_every_server_frame_it_needs_and_passes_over_the_rest() {
        use crate::dto::{MessageId, SenderKind};
        let id = ConversationId(uuid::Uuid::from_u128(1));
        let sender = Sender { kind: SenderKind::Bot, name: "Acme Helper".into() };
        let profile = BotProfile {
            name: "Acme Helper".into(),
            greeting: "Hi".into(),
            avatar_url: None,
            look_class: "scheme-auto".into(),
            look_style: "--accent:#4F46E5".into(),
            collect_name: true,
            collect_email: false,
            online: true,
            offline_message: "Away".into(),
            show_typing_indicator: true,
            share_drafts: false,
            language: Some("de".into()),
        };
        let message = MessageView {
            id: MessageId(uuid::Uuid::from_u128(2)),
            conversation_id: id,
            seq: 3,
            sender: sender.clone(),
            content: "Hello".into(),
            client_msg_id: Some("c1".into()),
            created_at: "2026-11-23T00:00:00Z".into(),
            answer: None,
            helpful: None,
            verdict: None,
            insight: None,
        };
        let read = |msg: ServerMsg| WidgetFrame::parse(&msg.to_json()).expect("decodes");
        // A bot's answer brings its sources (what the widget links to) and confidence.
        let answered = MessageView {
            answer: Some(Box::new(crate::dto::AnswerInfo {
                confidence: 0.75,
                outcome: crate::dto::AnswerOutcome::Caveat,
                sources: vec![crate::dto::AnswerSource {
                    source_id: crate::ids::SourceId(uuid::Uuid::from_u128(9)),
                    title: "Guide › Installing, page 3".into(),
                    url: Some("https://docs.example.com/install".into()),
                    snippet: String::new(),
                }],
                handover_reason: None,
                model: String::new(),
                retrieval_ms: 0,
                generation_ms: 0,
                tokens_in: 0,
                tokens_out: 0,
                cost_micros: None,
                fallback_reason: None,
                // …and its formatting, block by block.
                formatted: vec![
                    crate::format::Block {
                        k: "p".into(),
                        i: vec![
                            crate::format::Inline::new("t", "Run "),
                            crate::format::Inline::new("c", "setup"),
                            crate::format::Inline {
                                k: "a".into(),
                                s: "docs".into(),
                                u: Some("https://docs.example.com".into()),
                            },
                        ],
                        l: Vec::new(),
                        s: String::new(),
                    },
                    crate::format::Block {
                        k: "ol".into(),
                        i: Vec::new(),
                        l: vec![crate::format::Item { i: vec![crate::format::Inline::new("b", "one")] }],
                        s: String::new(),
                    },
                    crate::format::Block { k: "pre".into(), i: Vec::new(), l: Vec::new(), s: "x = 1".into() },
                ],
            })),
            ..message.clone()
        };
        assert_eq!(
            read(ServerMsg::MessageReceive { message: answered.clone() }),
            WidgetFrame::MessageReceive { message: answered }
        );
        assert_eq!(
            read(ServerMsg::SessionReady { visitor_id: "v".into(), bot: profile.clone() }),
            WidgetFrame::SessionReady { visitor_id: "v".into(), bot: profile.clone() }
        );
        assert_eq!(
            read(ServerMsg::WidgetConfig { bot: profile.clone() }),
            WidgetFrame::WidgetConfig { bot: profile }
        );
        assert_eq!(
            read(ServerMsg::MessageReceive { message: message.clone() }),
            WidgetFrame::MessageReceive { message }
        );
        assert_eq!(
            read(ServerMsg::TypingStart { conversation_id: id, sender: sender.clone() }),
            WidgetFrame::TypingStart { sender: sender.clone() }
        );
        assert_eq!(read(ServerMsg::TypingStop { conversation_id: id, sender }), WidgetFrame::TypingStop);
        assert_eq!(
            read(ServerMsg::error(ApiError::RateLimited { retry_after_secs: 5 }, Some("c9".into()))),
            WidgetFrame::Error {
                message: ApiError::RateLimited { retry_after_secs: 5 }.to_string(),
                client_msg_id: Some("c9".into()),
                retry_after_secs: Some(5),
            }
        );
        assert_eq!(
            read(ServerMsg::error(ApiError::Forbidden, None)),
            WidgetFrame::Error {
                message: ApiError::Forbidden.to_string(),
                client_msg_id: None,
                retry_after_secs: None,
            }
        );
        assert_eq!(
            read(ServerMsg::ConversationEscalated { conversation_id: id }),
            WidgetFrame::Stage { conversation_id: id, stage: TeamStage::Escalated }
        );
        let agent = AgentRef {
            id: uuid::Uuid::from_u128(9),
            name: "Sarah Johnson".into(),
            avatar_url: None,
            title: Some("Support Specialist".into()),
        };
        assert_eq!(
            read(ServerMsg::AgentJoined { conversation_id: id, agent }),
            WidgetFrame::Stage {
                conversation_id: id,
                stage: TeamStage::Agent { name: "Sarah Johnson".into(), avatar_url: None }
            }
        );
        assert_eq!(
            read(ServerMsg::ConversationResolved { conversation_id: id, survey: Survey::rating() }),
            WidgetFrame::Stage { conversation_id: id, stage: TeamStage::Survey }
        );
        assert_eq!(
            read(ServerMsg::ConversationRated { conversation_id: id, score: 4 }),
            WidgetFrame::Stage { conversation_id: id, stage: TeamStage::Rated }
        );
        let returned = ServerMsg::ConversationStatusChanged {
            conversation_id: id,
            from: ConversationStatus::AgentHandling,
            to: ConversationStatus::Active,
        };
        assert_eq!(read(returned), WidgetFrame::Stage { conversation_id: id, stage: TeamStage::Bot });
        let chunk =
            ServerMsg::MessageStreaming { conversation_id: id, stream_id: "s1".into(), chunk: "Hel".into() };
        assert_eq!(read(chunk), WidgetFrame::Streaming { chunk: "Hel".into() });
        assert_eq!(read(ServerMsg::Pong), WidgetFrame::Other);
        assert_eq!(
            read(ServerMsg::TeamOffline { conversation_id: id }),
            WidgetFrame::AskContact { conversation_id: id }
        );
        assert_eq!(
            read(ServerMsg::ContactSaved { conversation_id: id, email: "a@b.co".into() }),
            WidgetFrame::ContactSaved { email: "a@b.co".into() }
        );
        let moved = ServerMsg::ConversationStatusChanged {
            conversation_id: id,
            from: ConversationStatus::Waiting,
            to: ConversationStatus::Abandoned,
        };
        assert_eq!(read(moved), WidgetFrame::Other);
        assert_eq!(WidgetFrame::parse("not json"), None);
        assert_eq!(
            WidgetFrame::parse(r#"{"type":"message:receive","message":{}}"#),
            None,
            "a broken frame is dropped"
        );
    }

    #[test]
    fn the_survey_and_agent_frames_use_the_prd_shapes() {
        let id = ConversationId(uuid::Uuid::from_u128(1));
        let resolved = ServerMsg::ConversationResolved { conversation_id: id, survey: Survey::rating() };
        let json: serde_json::Value = serde_json::from_str(&resolved.to_json()).expect("json");
        assert_eq!(json["type"], "conversation:resolved");
        assert_eq!(json["survey"]["type"], "rating");
        assert_eq!(json["survey"]["scale"], 5);
        let rate = ClientMsg::Rate { conversation_id: id, score: 5, comment: Some("Great".into()) };
        let json: serde_json::Value = serde_json::from_str(&rate.to_json()).expect("json");
        assert_eq!(json["type"], "conversation:rate");
        assert_eq!(serde_json::from_value::<ClientMsg>(json).expect("parses back"), rate);
    }

    #[test]
    fn client_frames_written_by_hand_are_what_serde_writes() {
        let id = ConversationId(uuid::Uuid::from_u128(0xabc));
        let frames = [
            ClientMsg::MessageSend {
                client_msg_id: "c-1".into(),
                conversation_id: None,
                content: "Quote \" backslash \\ newline \n ünïcode".into(),
                visitor: None,
            },
            ClientMsg::MessageSend {
                client_msg_id: "c-2".into(),
                conversation_id: Some(id),
                content: "Hi".into(),
                visitor: Some(VisitorDetails { name: Some("Ada".into()), email: Some("a@b.co".into()) }),
            },
            ClientMsg::MessageSend {
                client_msg_id: "c-3".into(),
                conversation_id: None,
                content: "Hi".into(),
                visitor: Some(VisitorDetails { name: None, email: Some("a@b.co".into()) }),
            },
            ClientMsg::Contact { conversation_id: id, email: "ada@example.com".into() },
            ClientMsg::MessageSend {
                client_msg_id: "c-4".into(),
                conversation_id: None,
                content: "Hi".into(),
                visitor: Some(VisitorDetails::default()),
            },
            ClientMsg::Escalate { conversation_id: id },
            ClientMsg::Rate { conversation_id: id, score: 4, comment: Some("Good \"help\"".into()) },
            ClientMsg::Rate { conversation_id: id, score: 1, comment: None },
            ClientMsg::Resume { conversation_id: id, after_seq: 42 },
            ClientMsg::Feedback {
                conversation_id: id,
                message_id: crate::dto::MessageId(uuid::Uuid::from_u128(7)),
                helpful: false,
            },
            ClientMsg::Feedback {
                conversation_id: id,
                message_id: crate::dto::MessageId(uuid::Uuid::from_u128(8)),
                helpful: true,
            },
            ClientMsg::Ping,
        ];
        for frame in frames {
            let by_hand: serde_json::Value = serde_json::from_str(&frame.to_json()).expect("valid JSON");
            assert_eq!(by_hand, serde_json::to_value(&frame).expect("serde"), "{frame:?}");
            assert_eq!(serde_json::from_value::<ClientMsg>(by_hand).expect("parses back"), frame);
        }
    }

    #[test]
    fn an_error_frame_carries_a_readable_message() {
        let json = ServerMsg::error(ApiError::validation("content", "Too long."), None).to_json();
        let value: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(value["type"], "error");
        assert_eq!(value["error"]["code"], "validation");
        assert_eq!(value["message"], "Too long.");
    }
}
