//! One visitor's WebSocket session: parse each frame, call the conversation service, answer
//! with `ServerMsg`s; forward the visitor's events from the hub. Bad frames get an `error`
//! frame and the session goes on.

use std::sync::Arc;

use app::{
    ApiError,
    protocol::{ClientMsg, ServerMsg},
};
use axum::extract::ws::{Message, WebSocket};
use futures::{SinkExt, StreamExt};
use tokio::sync::broadcast;

use crate::{
    bots::Bot,
    conversations::{MessageContent, NewVisitorMessage},
    realtime::Topic,
};

/// A visitor id the client kept from an earlier session, if well-formed; a new one otherwise.
pub fn visitor_id_or_new(kept: Option<&str>) -> Arc<str> {
    match kept {
        Some(id)
            if (16..=64).contains(&id.len())
                && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            Arc::from(id)
        }
        _ => Arc::from(format!("v_{}", &crate::shared::tokens::new_token()[..32])),
    }
}

/// The widget's "busy" answer to a new conversation's first message: a rate-limit error that
/// names the message, so the widget keeps it and sends it again after `retry_after_secs`
/// (5–60 s, as long as answers now wait for their turn).
fn busy(client_msg_id: String, retry_after_secs: u64) -> ServerMsg {
    ServerMsg::Error {
        error: ApiError::RateLimited { retry_after_secs },
        message:
            "We're answering a great many questions right now. Your message will be sent in a few seconds."
                .into(),
        client_msg_id: Some(client_msg_id),
    }
}

/// Tells a visitor over the workspace's connection cap why, and closes (1013: try again later).
pub async fn refuse_busy(mut socket: WebSocket) {
    let busy = ServerMsg::error(
        ApiError::QuotaExceeded {
            message: "So many people are chatting right now that this chat is full. We'll connect you as soon as a place frees up."
                .into(),
        },
        None,
    );
    let _ = socket.send(Message::Text(busy.to_json().into())).await;
    let _ = socket
        .send(Message::Close(Some(axum::extract::ws::CloseFrame {
            code: 1013,
            reason: "workspace busy".into(),
        })))
        .await;
}

/// Serves one visitor's socket; `_place` holds its place in the workspace's connection count
/// until the session ends.
pub async fn run(
    state: super::WidgetState,
    mut bot: Bot,
    visitor: Arc<str>,
    socket: WebSocket,
    _place: super::Held,
) {
    let (mut sink, mut stream) = socket.split();
    // Subscribe before anything can be published for this visitor, so nothing falls between.
    let mut events = state.hub.subscribe(Topic::Visitor(bot.id, visitor.clone()));
    let mut config = state.hub.subscribe(Topic::Bot(bot.id));
    // Set by a settings push; the bot is read again before this socket's next frame is handled
    // (not at the push: one change must not make every open widget query at once).
    let mut stale = false;
    let ready = ServerMsg::SessionReady { visitor_id: visitor.to_string(), bot: bot.profile() };
    if sink.send(Message::Text(ready.to_json().into())).await.is_err() {
        return;
    }
    loop {
        tokio::select! {
            incoming = stream.next() => {
                let replies = match incoming {
                    // Boxed: the frame's work (database calls) is a large future, and inlined it
                    // would make every idle connection's task as large as the busiest moment.
                    Some(Ok(Message::Text(text))) => {
                        if stale && let Ok(fresh) = Box::pin(crate::bots::find(&state.db, bot.organization_id, bot.id)).await {
                            bot = fresh;
                            stale = false;
                        }
                        Box::pin(handle_frame(&state, &bot, &visitor, text.as_str())).await
                    }
                    Some(Ok(Message::Binary(_))) => vec![ServerMsg::error(
                        ApiError::bad_request("Frames must be JSON text."), None)],
                    Some(Ok(_)) => continue,
                    Some(Err(err)) => {
                        tracing::debug!(error = %err, "visitor socket closed with an error");
                        break;
                    }
                    None => break,
                };
                for reply in replies {
                    if sink.send(Message::Text(reply.to_json().into())).await.is_err() {
                        return;
                    }
                }
            }
            event = events.recv() => match event {
                Ok(frame) => {
                    if sink.send(Message::Text(frame.as_ref().into())).await.is_err() {
                        return;
                    }
                }
                // The client resumes from its last sequence number; tell it to.
                Err(broadcast::error::RecvError::Lagged(_)) => {
                    let lagged = ServerMsg::error(ApiError::Conflict {
                        message: "Some updates were skipped; resume from your last message.".into(),
                    }, None);
                    if sink.send(Message::Text(lagged.to_json().into())).await.is_err() {
                        return;
                    }
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
            // The bot's settings changed: pass the new profile on, and answer by them from now.
            update = config.recv() => match update {
                Ok(frame) => {
                    stale = true;
                    if sink.send(Message::Text(frame.as_ref().into())).await.is_err() {
                        return;
                    }
                }
                // Several changes at once: the newest frame still follows.
                Err(broadcast::error::RecvError::Lagged(_)) => stale = true,
                Err(broadcast::error::RecvError::Closed) => break,
            },
        }
    }
}

/// One client frame → the frames to answer with directly. Stored messages also reach the
/// visitor through the hub; the client drops copies by message id.
async fn handle_frame(state: &super::WidgetState, bot: &Bot, visitor: &str, text: &str) -> Vec<ServerMsg> {
    let msg = match serde_json::from_str::<ClientMsg>(text) {
        Ok(msg) => msg,
        Err(err) => {
            return vec![ServerMsg::error(
                ApiError::bad_request(format!(
                    "That frame is not a message this server understands ({err})."
                )),
                None,
            )];
        }
    };
    match msg {
        ClientMsg::Ping => vec![ServerMsg::Pong],
        ClientMsg::MessageSend { client_msg_id, conversation_id, content, visitor: details } => {
            let content = match MessageContent::try_from(content) {
                Ok(content) => content,
                Err(err) => return vec![ServerMsg::error(err, Some(client_msg_id))],
            };
            // Beyond capacity a new conversation waits (its message not stored, so not lost:
            // the widget keeps it and sends it again); conversations under way go on.
            if conversation_id.is_none() && state.answering.busy() {
                return vec![busy(client_msg_id, state.answering.retry_after_secs())];
            }
            let input = NewVisitorMessage {
                client_msg_id: client_msg_id.clone(),
                conversation_id,
                content,
                details: details.unwrap_or_default(),
            };
            match state.conversations.post_visitor_message(bot, visitor, input).await {
                // A resend of a stored message: answer with the stored copy (the hub will not).
                Ok(posted) if posted.duplicate => posted
                    .messages
                    .into_iter()
                    .map(|m| ServerMsg::MessageReceive { message: m.for_visitor() })
                    .collect(),
                Ok(_) => Vec::new(),
                Err(err) => vec![ServerMsg::error(err.into_api(), Some(client_msg_id))],
            }
        }
        ClientMsg::Escalate { conversation_id } => {
            match Box::pin(state.conversations.escalate_by_visitor(bot, visitor, conversation_id)).await {
                // Answered directly too, so a widget that asks again (after a reload) learns it.
                Ok(escalated) => {
                    let mut answer = vec![ServerMsg::ConversationEscalated { conversation_id }];
                    // Nobody can answer now: ask where the team can answer, unless we know.
                    let dashboards = state.hub.listeners(&Topic::Organization(bot.organization_id));
                    let away = crate::bots::hours::team_away(
                        &bot.settings.business_hours,
                        dashboards,
                        chrono::Utc::now(),
                    );
                    if away && escalated.visitor_email.is_none() {
                        answer.push(ServerMsg::TeamOffline { conversation_id });
                    }
                    answer
                }
                Err(err) => vec![ServerMsg::error(err.into_api(), None)],
            }
        }
        ClientMsg::Feedback { conversation_id, message_id, helpful } => {
            match state
                .conversations
                .feedback_by_visitor(bot, visitor, conversation_id, message_id, helpful)
                .await
            {
                // The hub brings `message:updated` to this visitor's widgets and the inbox.
                Ok(_) => Vec::new(),
                Err(err) => vec![ServerMsg::error(err.into_api(), None)],
            }
        }
        ClientMsg::Typing { conversation_id, typing, draft } => {
            // To the team only; never stored.
            match state.conversations.visitor_typing(bot, visitor, conversation_id, typing, draft).await {
                Ok(draft) => {
                    state.hub.publish(
                        Topic::Organization(bot.organization_id),
                        &ServerMsg::VisitorTyping { conversation_id, typing, draft },
                    );
                    Vec::new()
                }
                Err(err) => vec![ServerMsg::error(err.into_api(), None)],
            }
        }
        ClientMsg::Contact { conversation_id, email } => {
            match state.conversations.leave_contact(bot, visitor, conversation_id, &email).await {
                Ok(email) => vec![ServerMsg::ContactSaved { conversation_id, email }],
                Err(err) => vec![ServerMsg::error(err.into_api(), None)],
            }
        }
        ClientMsg::Resume { conversation_id, after_seq } => {
            match state.conversations.visitor_resume(bot, visitor, conversation_id, after_seq).await {
                Ok((conversation, messages)) => {
                    // Still waiting for a person: where in the queue.
                    let place = match conversation.status {
                        app::dto::ConversationStatus::Escalated => state
                            .conversations
                            .queue_place(bot.organization_id, conversation_id)
                            .await
                            .ok()
                            .flatten(),
                        _ => None,
                    };
                    messages
                        .into_iter()
                        .map(|message| ServerMsg::MessageReceive { message })
                        .chain(crate::realtime::stage_frame(&conversation))
                        .chain(place.map(|p| ServerMsg::QueuePosition {
                            conversation_id: p.conversation_id,
                            position: p.position,
                            wait_minutes: p.wait_minutes,
                        }))
                        .collect()
                }
                Err(err) => vec![ServerMsg::error(err.into_api(), None)],
            }
        }
        ClientMsg::Rate { conversation_id, score, comment } => {
            match Box::pin(state.conversations.rate_by_visitor(bot, visitor, conversation_id, score, comment))
                .await
            {
                // The hub brings `conversation:rated` to this visitor's widgets.
                Ok(_) => Vec::new(),
                Err(err) => vec![ServerMsg::error(err.into_api(), None)],
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_malformed_or_short_visitor_id_is_replaced_by_a_fresh_one() {
        let kept = "v_0123456789abcdef0123";
        assert_eq!(&*visitor_id_or_new(Some(kept)), kept);
        for bad in
            [None, Some("short"), Some("has spaces in it, quite long"), Some("<script>alert(1)</script>")]
        {
            let id = visitor_id_or_new(bad);
            assert!(id.starts_with("v_") && id.len() == 34, "{id}");
        }
    }
}
