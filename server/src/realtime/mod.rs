//! The realtime hub: topics (an organization's dashboard, one conversation) with their
//! subscribers. A frame is serialized once per publish and shared by every subscriber. The hub
//! knows nothing of services; the [`listen`] task turns domain events into frames.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use app::{
    dto::{BotId, OrganizationId},
    protocol::{MAX_FRAME_BYTES, ServerMsg},
};
use tokio::sync::{broadcast, mpsc};

pub mod presence;
pub mod routes;

use axum::extract::WebSocketUpgrade;

use crate::events::DomainEvent;

/// Chat frames are small: a 4 KiB read buffer per connection instead of axum's 128 KiB (a
/// larger frame is still read, in several chunks), and frames are written as they come
/// (no write buffer held per connection). Measured in BENCHMARKS.md (chat_load).
const READ_BUFFER_BYTES: usize = 4 * 1024;

/// How every WebSocket of ours is read and written (the widget's and the dashboard's).
pub fn configure_socket(upgrade: WebSocketUpgrade) -> WebSocketUpgrade {
    upgrade
        .max_message_size(MAX_FRAME_BYTES)
        .max_frame_size(MAX_FRAME_BYTES)
        .read_buffer_size(READ_BUFFER_BYTES)
        .write_buffer_size(0)
}

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Topic {
    /// Everything a dashboard of this organization shows live.
    Organization(OrganizationId),
    /// What one visitor of one bot sees (all of their conversations). Visitor ids are random
    /// 128-bit values handed out by the server, so knowing one is holding the session.
    Visitor(BotId, Arc<str>),
    /// Every open widget of one bot (live settings).
    Bot(BotId),
}

/// Frames buffered per topic for a subscriber that reads slowly. One that falls further
/// behind is told it lagged and resumes from its last sequence number. A broadcast channel
/// allocates its buffer up front, and there is one visitor topic per open widget, so visitor
/// and bot topics keep a few frames (a chat is a handful of frames a minute); an
/// organization's dashboards get room for bursts.
impl Topic {
    fn buffer(&self) -> usize {
        match self {
            Self::Organization(_) => 256,
            Self::Visitor(..) => 16,
            Self::Bot(_) => 4,
        }
    }
}

#[derive(Clone, Default)]
pub struct Hub {
    topics: Arc<Mutex<HashMap<Topic, broadcast::Sender<Arc<str>>>>>,
}

/// One subscriber of one topic. When the last subscriber of a topic goes (a widget opened and
/// closed without a word), the topic and its channel go with it: the hub holds only topics
/// someone listens to.
pub struct Subscription {
    receiver: Option<broadcast::Receiver<Arc<str>>>,
    topic: Topic,
    hub: Hub,
}

impl Subscription {
    pub async fn recv(&mut self) -> Result<Arc<str>, broadcast::error::RecvError> {
        match self.receiver.as_mut() {
            Some(receiver) => receiver.recv().await,
            None => Err(broadcast::error::RecvError::Closed),
        }
    }

    pub fn try_recv(&mut self) -> Result<Arc<str>, broadcast::error::TryRecvError> {
        match self.receiver.as_mut() {
            Some(receiver) => receiver.try_recv(),
            None => Err(broadcast::error::TryRecvError::Closed),
        }
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        drop(self.receiver.take());
        let mut topics = self.hub.topics.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if topics.get(&self.topic).is_some_and(|sender| sender.receiver_count() == 0) {
            topics.remove(&self.topic);
        }
    }
}

impl Hub {
    pub fn subscribe(&self, topic: Topic) -> Subscription {
        let mut topics = self.topics.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        let buffer = topic.buffer();
        let receiver =
            topics.entry(topic.clone()).or_insert_with(|| broadcast::channel(buffer).0).subscribe();
        Subscription { receiver: Some(receiver), topic, hub: self.clone() }
    }

    /// Sends to the topic's current subscribers; a topic nobody listens to is dropped.
    pub fn publish(&self, topic: Topic, msg: &ServerMsg) {
        let frame: Arc<str> = Arc::from(msg.to_json());
        let mut topics = self.topics.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(sender) = topics.get(&topic) {
            if sender.receiver_count() == 0 {
                topics.remove(&topic);
            } else {
                let _ = sender.send(frame);
            }
        }
    }

    /// How many sockets listen on a topic now (for an organization: its open dashboards).
    pub fn listeners(&self, topic: &Topic) -> usize {
        let topics = self.topics.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        topics.get(topic).map_or(0, |sender| sender.receiver_count())
    }

    pub fn topic_count(&self) -> usize {
        self.topics.lock().map(|t| t.len()).unwrap_or(0)
    }
}

/// The realtime listener: every stored message goes to its conversation and to its
/// organization's dashboards, with the conversation's new summary.
pub async fn listen(hub: Hub, mut events: mpsc::Receiver<Arc<DomainEvent>>) {
    while let Some(event) = events.recv().await {
        match event.as_ref() {
            DomainEvent::MessageCreated { organization_id, bot_id, visitor_id, conversation, message } => {
                // What the team noted of the message (its intent, sentiment) stays in the team.
                let seen = ServerMsg::MessageReceive { message: message.clone().for_visitor() };
                hub.publish(Topic::Visitor(*bot_id, visitor_id.clone()), &seen);
                let frame = ServerMsg::MessageReceive { message: message.clone() };
                hub.publish(Topic::Organization(*organization_id), &frame);
                hub.publish(
                    Topic::Organization(*organization_id),
                    &ServerMsg::ConversationUpdated { conversation: conversation.clone() },
                );
            }
            DomainEvent::StatusChanged { organization_id, bot_id, visitor_id, conversation, from } => {
                let frame = ServerMsg::ConversationStatusChanged {
                    conversation_id: conversation.id,
                    from: *from,
                    to: conversation.status,
                };
                hub.publish(Topic::Visitor(*bot_id, visitor_id.clone()), &frame);
                hub.publish(Topic::Organization(*organization_id), &frame);
                if let Some(stage) = stage_frame(conversation) {
                    hub.publish(Topic::Visitor(*bot_id, visitor_id.clone()), &stage);
                    hub.publish(Topic::Organization(*organization_id), &stage);
                }
                hub.publish(
                    Topic::Organization(*organization_id),
                    &ServerMsg::ConversationUpdated { conversation: conversation.clone() },
                );
            }
            DomainEvent::Rated { organization_id, bot_id, visitor_id, conversation } => {
                if let Some(satisfaction) = &conversation.satisfaction {
                    let rated = ServerMsg::ConversationRated {
                        conversation_id: conversation.id,
                        score: satisfaction.score,
                    };
                    hub.publish(Topic::Visitor(*bot_id, visitor_id.clone()), &rated);
                }
                hub.publish(
                    Topic::Organization(*organization_id),
                    &ServerMsg::ConversationUpdated { conversation: conversation.clone() },
                );
            }
            DomainEvent::MessageUnderstood { organization_id, message } => hub.publish(
                Topic::Organization(*organization_id),
                &ServerMsg::MessageUpdated { message: message.clone() },
            ),
            DomainEvent::AnswerRated { organization_id, bot_id, visitor_id, message } => {
                // A teammate's review stays in the team.
                let seen = ServerMsg::MessageUpdated { message: message.clone().for_visitor() };
                hub.publish(Topic::Visitor(*bot_id, visitor_id.clone()), &seen);
                hub.publish(
                    Topic::Organization(*organization_id),
                    &ServerMsg::MessageUpdated { message: message.clone() },
                );
            }
            DomainEvent::Reassigned { organization_id, bot_id, visitor_id, conversation } => {
                if conversation.status == app::dto::ConversationStatus::AgentHandling
                    && let Some(stage) = stage_frame(conversation)
                {
                    hub.publish(Topic::Visitor(*bot_id, visitor_id.clone()), &stage);
                }
                hub.publish(
                    Topic::Organization(*organization_id),
                    &ServerMsg::ConversationUpdated { conversation: conversation.clone() },
                );
            }
            DomainEvent::Merged { organization_id, conversation, .. } => hub.publish(
                Topic::Organization(*organization_id),
                &ServerMsg::ConversationUpdated { conversation: conversation.clone() },
            ),
            DomainEvent::QueueMoved { bot_id, visitor_id, place } => hub.publish(
                Topic::Visitor(*bot_id, visitor_id.clone()),
                &ServerMsg::QueuePosition {
                    conversation_id: place.conversation_id,
                    position: place.position,
                    wait_minutes: place.wait_minutes,
                },
            ),
            DomainEvent::TeamChanged { organization_id, conversation } => hub.publish(
                Topic::Organization(*organization_id),
                &ServerMsg::ConversationUpdated { conversation: conversation.clone() },
            ),
            DomainEvent::NoteAdded { organization_id, note } => hub.publish(
                Topic::Organization(*organization_id),
                &ServerMsg::NoteCreated { note: note.clone() },
            ),
            DomainEvent::BotUpdated { bot_id, profile } => {
                hub.publish(Topic::Bot(*bot_id), &ServerMsg::WidgetConfig { bot: profile.clone() });
            }
            DomainEvent::KnowledgeChanged { organization_id, source, current_url } => {
                hub.publish(
                    Topic::Organization(*organization_id),
                    &ServerMsg::knowledge(source, current_url.clone()),
                );
            }
            // Progress the dashboard shows comes as the feature's own frames (above).
            DomainEvent::KnowledgeRemoved { .. } | DomainEvent::JobProgress { .. } => {}
        }
    }
}

/// The frame that tells a widget where its conversation stands with the team, if anywhere:
/// waiting for a person, with a person, or resolved and not rated yet. Sent as the
/// conversation gets there, and again when a widget resumes it.
pub fn stage_frame(conversation: &app::dto::ConversationView) -> Option<ServerMsg> {
    use app::dto::ConversationStatus::*;
    let conversation_id = conversation.id;
    match conversation.status {
        Escalated => Some(ServerMsg::ConversationEscalated { conversation_id }),
        AgentHandling => {
            conversation.assigned_agent.clone().map(|agent| ServerMsg::AgentJoined { conversation_id, agent })
        }
        Resolved if conversation.satisfaction.is_none() => {
            Some(ServerMsg::ConversationResolved { conversation_id, survey: app::protocol::Survey::rating() })
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use uuid::Uuid;

    #[tokio::test]
    async fn a_subscriber_receives_only_its_topic() {
        let hub = Hub::default();
        let bot = BotId(Uuid::from_u128(1));
        let mine = Topic::Visitor(bot, Arc::from("v-1"));
        let mut rx = hub.subscribe(mine.clone());
        let mut other_rx = hub.subscribe(Topic::Visitor(bot, Arc::from("v-2")));
        hub.publish(mine, &ServerMsg::Pong);
        assert_eq!(&*rx.recv().await.expect("frame"), r#"{"type":"pong"}"#);
        assert!(other_rx.try_recv().is_err());
    }

    #[test]
    fn a_topic_is_forgotten_when_its_last_subscriber_leaves() {
        let hub = Hub::default();
        let topic = Topic::Organization(OrganizationId(Uuid::from_u128(8)));
        let first = hub.subscribe(topic.clone());
        let second = hub.subscribe(topic);
        drop(first);
        assert_eq!(hub.topic_count(), 1, "one subscriber is still there");
        drop(second);
        assert_eq!(hub.topic_count(), 0);
    }

    #[test]
    fn a_topic_without_subscribers_is_forgotten() {
        let hub = Hub::default();
        let topic = Topic::Organization(OrganizationId(Uuid::from_u128(7)));
        drop(hub.subscribe(topic.clone()));
        hub.publish(topic.clone(), &ServerMsg::Pong);
        assert_eq!(hub.topic_count(), 0);
    }
}
