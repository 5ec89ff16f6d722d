//! Domain events: what services announce *after* their transaction commits. Listeners (the
//! realtime fan-out, the search indexer, the bot's reply) each get their own bounded queue, so
//! a slow listener slows publishers down instead of losing events. Adding a side effect means
//! adding a listener, not touching a service.

use std::sync::Arc;

use app::dto::{BotId, ConversationStatus, ConversationView, MessageView, OrganizationId};
use tokio::sync::mpsc;

#[derive(Debug, Clone)]
pub enum DomainEvent {
    /// A message was stored. `conversation` is the conversation as it is after the message.
    MessageCreated {
        organization_id: OrganizationId,
        bot_id: BotId,
        /// The visitor the conversation belongs to (their widget receives the message).
        visitor_id: Arc<str>,
        conversation: ConversationView,
        message: MessageView,
    },
    /// A conversation moved in its lifecycle (after a message, or by the lifecycle sweep).
    StatusChanged {
        organization_id: OrganizationId,
        bot_id: BotId,
        visitor_id: Arc<str>,
        conversation: ConversationView,
        from: ConversationStatus,
    },
    /// The visitor rated a resolved conversation.
    Rated {
        organization_id: OrganizationId,
        bot_id: BotId,
        visitor_id: Arc<str>,
        conversation: ConversationView,
    },
    /// The visitor's thumbs or a teammate's review changed on one of the bot's answers.
    AnswerRated { organization_id: OrganizationId, bot_id: BotId, visitor_id: Arc<str>, message: MessageView },
    /// A visitor's message was read again (its intent, by its vector): for the team only.
    MessageUnderstood { organization_id: OrganizationId, message: MessageView },
    /// Something only the team sees changed on a conversation: the visitor left an email
    /// (nobody was online to answer), a teammate tagged it.
    TeamChanged { organization_id: OrganizationId, conversation: ConversationView },
    /// A conversation was given to another teammate (routing, an admin, a transfer): the
    /// visitor sees who answers now if a person was answering already.
    Reassigned {
        organization_id: OrganizationId,
        bot_id: BotId,
        visitor_id: Arc<str>,
        conversation: ConversationView,
    },
    /// Another conversation of the customer was merged into `conversation`: `messages` are all
    /// of its messages now, numbered again.
    Merged { organization_id: OrganizationId, conversation: ConversationView, messages: Vec<MessageView> },
    /// A waiting visitor's place in the queue changed (their widget only).
    QueueMoved { bot_id: BotId, visitor_id: Arc<str>, place: app::assignment::QueuePlace },
    /// A teammate wrote an internal note (the team's dashboards only).
    NoteAdded { organization_id: OrganizationId, note: app::dto::NoteView },
    /// A bot's settings changed; its open widgets redraw with `profile`.
    BotUpdated { bot_id: BotId, profile: app::dto::BotProfile },
    /// A knowledge source was added or moved in its processing (`knowledge::`).
    KnowledgeChanged {
        organization_id: OrganizationId,
        source: Box<app::knowledge::SourceView>,
        /// A crawl's page just read (`crawl:progress`'s `current_url`).
        current_url: Option<String>,
    },
    /// A knowledge source was deleted (`knowledge::`).
    KnowledgeRemoved { organization_id: OrganizationId, bot_id: BotId, source_id: app::ids::SourceId },
    /// A background job reported progress (`jobs::JobContext::progress`).
    JobProgress {
        organization_id: Option<OrganizationId>,
        job_id: uuid::Uuid,
        kind: String,
        progress: JobProgress,
    },
}

/// How far a job has come: `done` of `total` units, and what it is doing.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct JobProgress {
    pub done: u64,
    pub total: u64,
    pub note: Option<String>,
}

/// How many events a listener may fall behind before publishers wait for it.
const LISTENER_QUEUE: usize = 4_096;

/// A listener's name (for logs) and its queue.
type Listener = (&'static str, mpsc::Sender<Arc<DomainEvent>>);

#[derive(Clone, Default)]
pub struct EventBus {
    listeners: Arc<std::sync::RwLock<Vec<Listener>>>,
}

impl EventBus {
    /// Registers a listener and returns its queue. Call at startup, before serving.
    pub fn subscribe(&self, name: &'static str) -> mpsc::Receiver<Arc<DomainEvent>> {
        let (tx, rx) = mpsc::channel(LISTENER_QUEUE);
        if let Ok(mut listeners) = self.listeners.write() {
            listeners.push((name, tx));
        }
        rx
    }

    /// Stops taking events (at shutdown): every listener's queue closes, and its task ends once
    /// it has handled what was already queued.
    pub fn close(&self) {
        if let Ok(mut listeners) = self.listeners.write() {
            listeners.clear();
        }
    }

    /// Hands the event to every listener, waiting for room in a full queue.
    pub async fn publish(&self, event: DomainEvent) {
        let event = Arc::new(event);
        let listeners = match self.listeners.read() {
            Ok(listeners) => listeners.clone(),
            Err(_) => return,
        };
        for (name, tx) in listeners {
            if tx.send(event.clone()).await.is_err() {
                tracing::warn!(listener = name, "event listener has stopped");
            }
        }
    }
}
