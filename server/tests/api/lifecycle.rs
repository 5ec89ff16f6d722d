//! The automatic lifecycle moves (PRD §5.3.1), each one allowed and announced, and the ones
//! that must not happen. The full transition table is unit-tested in `app::dto`.

use app::{
    dto::{ConversationId, ConversationStatus},
    protocol::ServerMsg,
};
use chatsupport::{
    conversations::lifecycle::{Policy, Swept, sweep},
    entities::conversation,
};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::helpers::{DEMO_BOT, TestApp, send, spawn_app};

/// A conversation of the demo bot whose bot has answered (status waiting); its id.
async fn answered(app: &TestApp, tag: &str) -> (crate::helpers::Socket, ConversationId) {
    let (visitor, _, id) = crate::handoff::chatting(app, tag).await;
    (visitor, id)
}

async fn set(app: &TestApp, id: ConversationId, status: ConversationStatus, idle: Duration) {
    conversation::Entity::update_many()
        .col_expr(conversation::Column::Status, Expr::value(status.as_str()))
        .col_expr(conversation::Column::UpdatedAt, Expr::value(Utc::now() - idle))
        .filter(conversation::Column::Id.eq(id.0))
        .exec(&app.state.handles.db)
        .await
        .expect("update");
}

async fn status_of(app: &TestApp, id: ConversationId) -> String {
    conversation::Entity::find_by_id(id.0).one(&app.state.handles.db).await.expect("q").expect("row").status
}

#[tokio::test]
async fn silent_conversations_move_on_by_themselves_and_everyone_is_told() {
    let app = spawn_app().await;
    let mut dashboard = app.dashboard().await;
    let (mut waiting_visitor, waiting) = answered(&app, "w-1").await;
    assert_eq!(status_of(&app, waiting).await, "waiting", "the bot answered: waiting on the visitor");
    let (_, held) = answered(&app, "h-1").await;
    let (_, resolved) = answered(&app, "r-1").await;
    let (_, fresh) = answered(&app, "f-1").await;
    let (_, escalated) = answered(&app, "e-1").await;
    set(&app, waiting, ConversationStatus::Waiting, Duration::minutes(6)).await;
    set(&app, held, ConversationStatus::AgentHandling, Duration::minutes(11)).await;
    set(&app, resolved, ConversationStatus::Resolved, Duration::days(91)).await;
    set(&app, fresh, ConversationStatus::Waiting, Duration::minutes(4)).await;
    set(&app, escalated, ConversationStatus::Escalated, Duration::days(2)).await;

    let swept = sweep(&app.state.handles.db, &app.state.handles.events, &Policy::default(), Utc::now())
        .await
        .expect("sweep");
    assert_eq!(swept, Swept { abandoned: 1, returned_to_queue: 1, archived: 1 });
    assert_eq!(status_of(&app, waiting).await, "abandoned");
    assert_eq!(status_of(&app, held).await, "waiting", "an agent silent for 10 minutes hands it back");
    assert_eq!(status_of(&app, resolved).await, "archived");
    assert_eq!(status_of(&app, fresh).await, "waiting", "4 minutes is not yet abandoned");
    assert_eq!(
        status_of(&app, escalated).await,
        "escalated",
        "an escalation waits for an agent, however long"
    );

    let told = waiting_visitor.recv_until(|m| matches!(m, ServerMsg::ConversationStatusChanged { .. })).await;
    assert_eq!(
        told,
        ServerMsg::ConversationStatusChanged {
            conversation_id: waiting,
            from: ConversationStatus::Waiting,
            to: ConversationStatus::Abandoned
        }
    );
    dashboard
        .recv_until(|m| {
            matches!(m, ServerMsg::ConversationStatusChanged { to: ConversationStatus::Archived, .. })
        })
        .await;

    let again = sweep(&app.state.handles.db, &app.state.handles.events, &Policy::default(), Utc::now())
        .await
        .expect("sweep");
    assert_eq!(again, Swept::default(), "nothing moves twice");

    // The visitor comes back: the abandoned conversation reopens instead of swallowing the message.
    waiting_visitor.send(&send("w-2", Some(waiting), "Sorry, I was away")).await;
    waiting_visitor
        .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 4))
        .await;
    let status = status_of(&app, waiting).await;
    assert!(status == "active" || status == "waiting", "reopened, then answered: {status}");
}

#[tokio::test]
async fn a_bot_answer_does_not_take_a_conversation_back_from_an_agent() {
    let app = spawn_app().await;
    let (mut visitor, held) = answered(&app, "a-1").await;
    set(&app, held, ConversationStatus::AgentHandling, Duration::zero()).await;
    visitor.send(&send("a-2", Some(held), "Thanks, agent!")).await;
    visitor.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 4)).await;
    tokio::time::sleep(std::time::Duration::from_millis(300)).await;
    assert_eq!(status_of(&app, held).await, "agent_handling");
}

#[tokio::test]
async fn a_bot_with_a_longer_inactivity_timeout_waits_longer_before_abandoning() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (_, bots) = app.get_json("/api/v1/chatbots", &owner).await;
    let bot = bots["chatbots"][0]["id"].as_str().expect("bot").to_owned();
    let answer = app
        .patch_json(
            &format!("/api/v1/chatbots/{bot}"),
            &owner,
            serde_json::json!({"settings": {"behavior": {"inactivity_timeout_ms": 900_000}}}),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let (_, conversation) = answered(&app, "t-1").await;

    // Silent for 6 minutes: past the default 5, inside this bot's 15.
    set(&app, conversation, ConversationStatus::Waiting, Duration::minutes(6)).await;
    let swept = sweep(&app.state.handles.db, &app.state.handles.events, &Policy::default(), Utc::now())
        .await
        .expect("sweep");
    assert_eq!(swept.abandoned, 0);
    assert_eq!(status_of(&app, conversation).await, "waiting");

    set(&app, conversation, ConversationStatus::Waiting, Duration::minutes(16)).await;
    let swept = sweep(&app.state.handles.db, &app.state.handles.events, &Policy::default(), Utc::now())
        .await
        .expect("sweep");
    assert_eq!(swept.abandoned, 1);
    assert_eq!(status_of(&app, conversation).await, "abandoned");
}

#[tokio::test]
async fn a_visitor_asks_for_a_person_and_the_bot_steps_aside() {
    use app::protocol::ClientMsg;
    let app = spawn_app().await;
    let mut dashboard = app.dashboard().await;
    let (mut visitor, conversation) = answered(&app, "p-1").await;
    assert_eq!(status_of(&app, conversation).await, "waiting");

    visitor.send(&ClientMsg::Escalate { conversation_id: conversation }).await;
    let told = visitor.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;
    assert_eq!(told, ServerMsg::ConversationEscalated { conversation_id: conversation });
    assert_eq!(status_of(&app, conversation).await, "escalated");
    let moved = dashboard.recv_until(|m| matches!(m, ServerMsg::ConversationStatusChanged { .. })).await;
    assert_eq!(
        moved,
        ServerMsg::ConversationStatusChanged {
            conversation_id: conversation,
            from: ConversationStatus::Waiting,
            to: ConversationStatus::Escalated
        }
    );
    dashboard.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;

    // The bot no longer answers; asking again changes nothing and is answered the same way.
    visitor.send(&send("p-2", Some(conversation), "Hello? A human please")).await;
    visitor
        .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.client_msg_id.as_deref() == Some("p-2")))
        .await;
    assert!(
        visitor.is_silent_for(std::time::Duration::from_millis(400)).await,
        "no bot answer in an escalated conversation"
    );
    visitor.send(&ClientMsg::Escalate { conversation_id: conversation }).await;
    assert_eq!(visitor.recv().await, ServerMsg::ConversationEscalated { conversation_id: conversation });
    assert_eq!(status_of(&app, conversation).await, "escalated");

    // Another visitor cannot touch it; a closed conversation is refused with a reason.
    let (mut stranger, _) = app.visitor(DEMO_BOT).await;
    stranger.send(&ClientMsg::Escalate { conversation_id: conversation }).await;
    let refused = stranger.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await;
    assert!(matches!(refused, ServerMsg::Error { error: app::ApiError::NotFound { .. }, .. }), "{refused:?}");
    let (mut closer, closed) = answered(&app, "p-3").await;
    set(&app, closed, ConversationStatus::Resolved, Duration::minutes(1)).await;
    closer.send(&ClientMsg::Escalate { conversation_id: closed }).await;
    let refused = closer.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await;
    assert!(matches!(refused, ServerMsg::Error { error: app::ApiError::Conflict { .. }, .. }), "{refused:?}");
    assert_eq!(status_of(&app, closed).await, "resolved");
}
