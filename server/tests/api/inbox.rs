//! The inbox list as an agent first meets it: what each row says (the visitor's own words, a
//! readable name for an anonymous visitor) and its order (escalations first, then by when a
//! person last wrote — a lifecycle sweep does not bump a conversation).

use app::{
    dto::{ConversationId, ConversationStatus},
    protocol::{ClientMsg, ServerMsg},
};
use chatsupport::{
    conversations::{
        lifecycle::{Policy, sweep},
        names::visitor_alias,
    },
    entities::conversation,
};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::{handoff::chatting, helpers::spawn_app};

fn row(list: &serde_json::Value, id: ConversationId) -> &serde_json::Value {
    list["conversations"]
        .as_array()
        .expect("a list")
        .iter()
        .find(|c| c["id"] == id.to_string())
        .unwrap_or_else(|| panic!("{id} is listed: {list}"))
}

fn position(list: &serde_json::Value, id: ConversationId) -> usize {
    list["conversations"]
        .as_array()
        .expect("a list")
        .iter()
        .position(|c| c["id"] == id.to_string())
        .expect("listed")
}

#[tokio::test]
async fn a_row_shows_the_visitors_words_and_a_stable_readable_name() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (_visitor, visitor_id, id) = chatting(&app, "i-1").await;

    let (status, list) = app.get_json("/api/v1/conversations", &owner).await;
    assert_eq!(status, 200, "{list}");
    let listed = row(&list, id);
    assert_eq!(listed["preview"], "My order has not arrived", "the visitor's words, not the bot's answer");
    let name = listed["visitor_name"].as_str().expect("a name");
    assert_eq!(name, visitor_alias(&visitor_id));
    assert_ne!(name, "Visitor");
    let (_, again) = app.get_json("/api/v1/conversations", &owner).await;
    assert_eq!(row(&again, id)["visitor_name"], name, "the same name on every read");
    let (_, detail) = app.get_json(&format!("/api/v1/conversations/{id}"), &owner).await;
    let first = &detail["messages"][1];
    assert_eq!(first["sender"]["type"], "visitor", "{detail}");
    assert_eq!(first["sender"]["name"], name, "the thread names the visitor the same way");
}

#[tokio::test]
async fn escalations_come_first_then_the_latest_a_person_wrote_and_a_sweep_bumps_nothing() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (_, _, idle) = chatting(&app, "o-1").await;
    let (_, _, recent) = chatting(&app, "o-2").await;
    let (mut asking, _, escalated) = chatting(&app, "o-3").await;
    // The idle one: its visitor wrote 6 minutes ago, so the sweep abandons it now.
    let earlier = Utc::now() - Duration::minutes(6);
    conversation::Entity::update_many()
        .col_expr(conversation::Column::UpdatedAt, Expr::value(earlier))
        .col_expr(conversation::Column::LastActivityAt, Expr::value(earlier))
        .col_expr(conversation::Column::Status, Expr::value(ConversationStatus::Waiting.as_str()))
        .filter(conversation::Column::Id.eq(idle.0))
        .exec(&app.state.handles.db)
        .await
        .expect("backdate");
    let swept = sweep(&app.state.handles.db, &app.state.handles.events, &Policy::default(), Utc::now())
        .await
        .expect("sweep");
    assert_eq!(swept.abandoned, 1);
    asking.send(&ClientMsg::Escalate { conversation_id: escalated }).await;
    asking.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;
    // The escalated one is also the oldest of the three people-wise: its row moves anyway.
    conversation::Entity::update_many()
        .col_expr(conversation::Column::LastActivityAt, Expr::value(earlier - Duration::minutes(1)))
        .filter(conversation::Column::Id.eq(escalated.0))
        .exec(&app.state.handles.db)
        .await
        .expect("backdate");

    let (_, list) = app.get_json("/api/v1/conversations", &owner).await;
    assert_eq!(row(&list, idle)["status"], "abandoned");
    assert_eq!(position(&list, escalated), 0, "someone waits for a person: first, {list}");
    assert!(
        position(&list, recent) < position(&list, idle),
        "the sweep changed the idle one last, but a person wrote in the other later: {list}"
    );
}
