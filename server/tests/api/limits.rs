//! Visitor limits (PRD §5.3.2): 10 messages a minute and 100 an hour per visitor, 5 new
//! conversations an hour. Over a limit the widget is told when to retry, nothing is stored,
//! and a resend of a stored message is still answered.

use app::{ApiError, dto::ConversationId, protocol::ServerMsg};
use chatsupport::entities::message;
use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};

use crate::helpers::{DEMO_BOT, Socket, send, spawn_app};

/// Sends and waits for the echo of the visitor's own message (or the refusal).
async fn say(visitor: &mut Socket, id: &str, conversation: Option<ConversationId>) -> ServerMsg {
    visitor.send(&send(id, conversation, &format!("message {id}"))).await;
    visitor
        .recv_until(|m| match m {
            ServerMsg::MessageReceive { message } => message.client_msg_id.as_deref() == Some(id),
            ServerMsg::Error { client_msg_id, .. } => client_msg_id.as_deref() == Some(id),
            _ => false,
        })
        .await
}

fn conversation_of(frame: &ServerMsg) -> ConversationId {
    match frame {
        ServerMsg::MessageReceive { message } => message.conversation_id,
        other => panic!("expected a stored message, got {other:?}"),
    }
}

#[tokio::test]
async fn the_eleventh_message_in_a_minute_is_refused_with_a_retry_time_and_not_stored() {
    let app = spawn_app().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    let first = say(&mut visitor, "m-1", None).await;
    let talk = conversation_of(&first);
    for n in 2..=10 {
        let frame = say(&mut visitor, &format!("m-{n}"), Some(talk)).await;
        assert!(matches!(frame, ServerMsg::MessageReceive { .. }), "message {n}: {frame:?}");
    }
    let refused = say(&mut visitor, "m-11", Some(talk)).await;
    let ServerMsg::Error { error: ApiError::RateLimited { retry_after_secs }, message, .. } = refused else {
        panic!("expected rate_limited, got {refused:?}");
    };
    assert!((1..=60).contains(&retry_after_secs), "{retry_after_secs}");
    assert!(message.contains("Too many requests"), "{message}");
    let stored = message::Entity::find()
        .filter(message::Column::ClientMsgId.eq("m-11"))
        .count(&app.state.db)
        .await
        .expect("count");
    assert_eq!(stored, 0, "a refused message is not stored");

    // A resend of a message that was stored is answered from what is stored, limit or not.
    let again = say(&mut visitor, "m-3", Some(talk)).await;
    assert!(matches!(again, ServerMsg::MessageReceive { .. }), "{again:?}");

    // Another visitor has their own allowance.
    let (mut other, _) = app.visitor(DEMO_BOT).await;
    assert!(matches!(say(&mut other, "o-1", None).await, ServerMsg::MessageReceive { .. }));
}

#[tokio::test]
async fn a_sixth_new_conversation_in_an_hour_is_refused() {
    let app = spawn_app().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    for n in 1..=5 {
        let frame = say(&mut visitor, &format!("c-{n}"), None).await;
        conversation_of(&frame);
    }
    let refused = say(&mut visitor, "c-6", None).await;
    assert!(matches!(refused, ServerMsg::Error { error: ApiError::RateLimited { .. }, .. }), "{refused:?}");
}
