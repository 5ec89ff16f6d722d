//! The realtime wire protocol shared by the widget, the dashboard, the server and the tests.
//! Frames are JSON text with a `type` field named as in PRD §5.3.2 (`message:send`,
//! `message:receive`, …). Adding a variant here is how a new realtime event comes into being.

use serde::{Deserialize, Serialize};

use crate::{
    dto::{BotProfile, ConversationId, ConversationStatus, ConversationView, MessageView, Sender},
    error::ApiError,
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
    /// Re-join a conversation and receive every message with `seq > after_seq`.
    #[serde(rename = "conversation:resume")]
    Resume { conversation_id: ConversationId, after_seq: i64 },
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
    #[serde(rename = "typing:start")]
    TypingStart { conversation_id: ConversationId, sender: Sender },
    #[serde(rename = "typing:stop")]
    TypingStop { conversation_id: ConversationId, sender: Sender },
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
    /// The bot's settings changed: the widget redraws with this profile.
    #[serde(rename = "widget:config")]
    WidgetConfig { bot: BotProfile },
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
/// message. Decoding less keeps the widget's download small (its budget is 100 KB): [`parse`]
/// reads the `type` first and then one plain struct, which compiles to far less code than
/// serde's buffering decoder for internally tagged enums.
///
/// [`parse`]: WidgetFrame::parse
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WidgetFrame {
    SessionReady { visitor_id: String, bot: BotProfile },
    MessageReceive { message: MessageView },
    TypingStart { sender: Sender },
    TypingStop,
    WidgetConfig { bot: BotProfile },
    Escalated { conversation_id: ConversationId },
    Error { message: String, client_msg_id: Option<String> },
    Other,
}

impl WidgetFrame {
    /// `None` for text that is not a frame at all.
    pub fn parse(text: &str) -> Option<Self> {
        #[derive(Deserialize)]
        struct Tag<'a> {
            #[serde(rename = "type", borrow)]
            kind: std::borrow::Cow<'a, str>,
        }
        #[derive(Deserialize)]
        struct Ready {
            visitor_id: String,
            bot: BotProfile,
        }
        #[derive(Deserialize)]
        struct Config {
            bot: BotProfile,
        }
        #[derive(Deserialize)]
        struct Received {
            message: MessageView,
        }
        #[derive(Deserialize)]
        struct Typing {
            sender: Sender,
        }
        #[derive(Deserialize)]
        struct Handed {
            conversation_id: ConversationId,
        }
        #[derive(Deserialize)]
        struct Refused {
            message: String,
            #[serde(default)]
            client_msg_id: Option<String>,
        }
        let tag: Tag<'_> = serde_json::from_str(text).ok()?;
        Some(match tag.kind.as_ref() {
            "session:ready" => {
                let f: Ready = serde_json::from_str(text).ok()?;
                Self::SessionReady { visitor_id: f.visitor_id, bot: f.bot }
            }
            "widget:config" => Self::WidgetConfig { bot: serde_json::from_str::<Config>(text).ok()?.bot },
            "message:receive" => {
                Self::MessageReceive { message: serde_json::from_str::<Received>(text).ok()?.message }
            }
            "typing:start" => Self::TypingStart { sender: serde_json::from_str::<Typing>(text).ok()?.sender },
            "typing:stop" => Self::TypingStop,
            "conversation:escalated" => Self::Escalated {
                conversation_id: serde_json::from_str::<Handed>(text).ok()?.conversation_id,
            },
            "error" => {
                let f: Refused = serde_json::from_str(text).ok()?;
                Self::Error { message: f.message, client_msg_id: f.client_msg_id }
            }
            _ => Self::Other,
        })
    }
}

impl ServerMsg {
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
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_else(|_| String::from(r#"{"type":"ping"}"#))
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
        };
        let read = |msg: ServerMsg| WidgetFrame::parse(&msg.to_json()).expect("decodes");
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
                client_msg_id: Some("c9".into())
            }
        );
        assert_eq!(
            read(ServerMsg::ConversationEscalated { conversation_id: id }),
            WidgetFrame::Escalated { conversation_id: id }
        );
        assert_eq!(read(ServerMsg::Pong), WidgetFrame::Other);
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
    fn an_error_frame_carries_a_readable_message() {
        let json = ServerMsg::error(ApiError::validation("content", "Too long."), None).to_json();
        let value: serde_json::Value = serde_json::from_str(&json).expect("json");
        assert_eq!(value["type"], "error");
        assert_eq!(value["error"]["code"], "validation");
        assert_eq!(value["message"], "Too long.");
    }
}
