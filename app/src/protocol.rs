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
    },
    /// Re-join a conversation and receive every message with `seq > after_seq`.
    #[serde(rename = "conversation:resume")]
    Resume { conversation_id: ConversationId, after_seq: i64 },
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
        };
        let json: serde_json::Value = serde_json::from_str(&frame.to_json()).expect("json");
        assert_eq!(json["type"], "message:send");
        let back: ClientMsg = serde_json::from_value(json).expect("parses back");
        assert_eq!(back, frame);
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
