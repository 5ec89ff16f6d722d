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
        .count(&app.state.handles.db)
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

#[tokio::test]
async fn a_workspace_holds_only_its_plans_concurrent_connections() {
    use sea_orm::sea_query::Expr;
    let app = spawn_app().await;
    // The free plan's cap, made small for the test.
    chatsupport::entities::plan::Entity::update_many()
        .col_expr(chatsupport::entities::plan::Column::MaxConcurrentConnections, Expr::value(2))
        .filter(chatsupport::entities::plan::Column::Id.eq("free"))
        .exec(&app.state.handles.db)
        .await
        .expect("update");
    let (workspace, key) = app.free_workspace_with_bot("cap@example.com", "Small").await;
    let (first, _) = app.visitor(&key).await;
    let (_second, _) = app.visitor(&key).await;
    assert_eq!(app.state.connections.open_in(workspace), 2);

    let mut third = app.socket(&format!("/api/v1/widget/ws?bot={key}")).await;
    let ServerMsg::Error { error, message, .. } = third.recv().await else { panic!("an error frame first") };
    assert!(matches!(error, ApiError::QuotaExceeded { .. }), "{error:?}");
    assert!(message.contains("chat is full"), "a message a visitor understands: {message}");
    assert_eq!(third.closed().await, Some(1013), "try again later");
    // Other workspaces are not affected by this one's count.
    let (_demo, _) = app.visitor(DEMO_BOT).await;

    drop(first);
    for _ in 0..50 {
        if app.state.connections.open_in(workspace) < 2 {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (_again, _) = app.visitor(&key).await;
    assert_eq!(app.state.connections.open_in(workspace), 2, "a closed socket gave its place back");
}

#[tokio::test]
async fn a_spent_message_pool_refuses_new_messages_and_stores_nothing() {
    let app = spawn_app().await;
    let (workspace, key) = app.free_workspace_with_bot("pool@example.com", "Small").await;
    let (mut visitor, visitor_id) = app.visitor(&key).await;
    visitor.send(&send("m-1", None, "Hello")).await;
    let first =
        visitor.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 2)).await;
    let ServerMsg::MessageReceive { message } = first else { unreachable!() };
    let used = chatsupport::entities::workspace::Entity::find_by_id(workspace)
        .one(&app.state.handles.db)
        .await
        .expect("q")
        .expect("row")
        .messages_used;
    assert_eq!(used, 1, "each visitor message counts once against the pool");

    // The free plan's 100 messages, spent; the plan bills no overage.
    chatsupport::billing::consume(&app.state.handles.db, workspace, chatsupport::billing::Pool::Messages, 99)
        .await
        .expect("the rest of the pool");
    visitor.send(&send("m-2", Some(message.conversation_id), "Are you there?")).await;
    let ServerMsg::Error { error, client_msg_id, .. } =
        visitor.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await
    else {
        unreachable!()
    };
    assert!(matches!(error, ApiError::QuotaExceeded { .. }), "{error:?}");
    assert_eq!(client_msg_id.as_deref(), Some("m-2"));
    let stored = chatsupport::entities::conversation::Entity::find()
        .filter(chatsupport::entities::conversation::Column::VisitorId.eq(visitor_id))
        .count(&app.state.handles.db)
        .await
        .expect("count");
    assert_eq!(stored, 1);
    let messages = message::Entity::find()
        .filter(message::Column::ConversationId.eq(message.conversation_id.0))
        .filter(message::Column::ClientMsgId.eq("m-2"))
        .count(&app.state.handles.db)
        .await
        .expect("count");
    assert_eq!(messages, 0, "the refused message is not stored");
}
