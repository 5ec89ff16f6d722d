//! People in the conversation (PRD story 3.2, §5.3.3): an agent takes over from the bot
//! (`agent:joined`), writes, gives it back or resolves it (`conversation:resolved` with the
//! survey), and the visitor's rating is stored once. Each step allowed and refused, seen from
//! the widget's socket, the dashboard's socket and the database.

use app::{
    auth::Role,
    dto::{ConversationId, ConversationStatus, SenderKind},
    protocol::{ClientMsg, ServerMsg},
};
use chatsupport::conversations::lifecycle::{Policy, sweep};
use chrono::{Duration, Utc};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, sea_query::Expr};

use crate::helpers::{DEMO_BOT, Socket, TestApp, api_error, send, spawn_app};

/// A visitor whose conversation the bot has answered: socket, visitor id, conversation.
pub async fn chatting(app: &TestApp, tag: &str) -> (Socket, String, ConversationId) {
    let (mut visitor, visitor_id) = app.visitor(DEMO_BOT).await;
    visitor.send(&send(tag, None, "My order has not arrived")).await;
    let reply =
        visitor.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 3)).await;
    let ServerMsg::MessageReceive { message } = reply else { unreachable!() };
    (visitor, visitor_id, message.conversation_id)
}

async fn post(app: &TestApp, cookie: &str, path: String, body: serde_json::Value) -> reqwest::Response {
    app.send_json("POST", &path, cookie, body).await
}

async fn detail(app: &TestApp, cookie: &str, id: ConversationId) -> serde_json::Value {
    let (status, body) = app.get_json(&format!("/api/v1/conversations/{id}"), cookie).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn kinds(detail: &serde_json::Value) -> Vec<String> {
    detail["events"]
        .as_array()
        .expect("events")
        .iter()
        .map(|e| e["kind"].as_str().expect("kind").to_owned())
        .collect()
}

#[tokio::test]
async fn an_agent_takes_over_writes_and_resolves_and_the_visitor_rates_it_once() {
    let app = spawn_app().await;
    let agent = app.member_with_role(Role::Agent).await;
    let mut dashboard = app.dashboard().await;
    let (mut visitor, _, id) = chatting(&app, "h-1").await;

    // One click (with a first message): the visitor is told who joined and reads the message.
    let taken = post(
        &app,
        &agent,
        format!("/api/v1/conversations/{id}/takeover"),
        serde_json::json!({ "message": "Hi! I'm from support, let me look." }),
    )
    .await;
    assert_eq!(taken.status(), 200);
    let taken: serde_json::Value = taken.json().await.expect("json");
    assert_eq!(taken["status"], "agent_handling");
    assert_eq!(taken["assigned_agent"]["name"], "Test Agent");
    let joined = visitor.recv_until(|m| matches!(m, ServerMsg::AgentJoined { .. })).await;
    let ServerMsg::AgentJoined { conversation_id, agent: who } = joined else { unreachable!() };
    assert_eq!((conversation_id, who.name.as_str()), (id, "Test Agent"));
    let greeting = visitor.recv_until(|m| matches!(m, ServerMsg::MessageReceive { .. })).await;
    let ServerMsg::MessageReceive { message } = greeting else { unreachable!() };
    assert_eq!(message.sender.kind, SenderKind::Agent);
    assert_eq!(message.content, "Hi! I'm from support, let me look.");
    dashboard
        .recv_until(|m| matches!(m, ServerMsg::AgentJoined { conversation_id, .. } if *conversation_id == id))
        .await;

    // The bot is quiet now.
    visitor.send(&send("h-2", Some(id), "Thank you!")).await;
    visitor
        .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.client_msg_id.as_deref() == Some("h-2")))
        .await;
    assert!(
        visitor.is_silent_for(std::time::Duration::from_millis(400)).await,
        "no bot answer with an agent"
    );

    // One agent at a time; an empty reply is refused; a reply reaches the visitor.
    let admin = app.member_with_role(Role::Admin).await;
    let (status, _, message) = api_error(
        post(&app, &admin, format!("/api/v1/conversations/{id}/takeover"), serde_json::json!({})).await,
    )
    .await;
    assert_eq!(status, 409);
    assert!(message.contains("Test Agent is handling"), "{message}");
    let (status, _, _) = api_error(
        post(
            &app,
            &agent,
            format!("/api/v1/conversations/{id}/messages"),
            serde_json::json!({"content": "  "}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422);
    let replied = post(
        &app,
        &agent,
        format!("/api/v1/conversations/{id}/messages"),
        serde_json::json!({"content": "Found it: it ships tomorrow."}),
    )
    .await;
    assert_eq!(replied.status(), 200);
    visitor
        .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.content == "Found it: it ships tomorrow."))
        .await;

    // Resolving asks the visitor to rate.
    let resolved = post(
        &app,
        &agent,
        format!("/api/v1/conversations/{id}/resolve"),
        serde_json::json!({"resolution_note": "Shipping delayed a day"}),
    )
    .await;
    assert_eq!(resolved.status(), 200);
    let asked = visitor.recv_until(|m| matches!(m, ServerMsg::ConversationResolved { .. })).await;
    let ServerMsg::ConversationResolved { conversation_id, survey } = asked else { unreachable!() };
    assert_eq!((conversation_id, survey.scale, survey.kind.as_str()), (id, 5, "rating"));

    // Ratings outside 1–5, or from someone else's widget, are refused and change nothing.
    visitor.send(&ClientMsg::Rate { conversation_id: id, score: 6, comment: None }).await;
    let refused = visitor.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await;
    assert!(
        matches!(refused, ServerMsg::Error { error: app::ApiError::Validation { .. }, .. }),
        "{refused:?}"
    );
    let (mut stranger, _) = app.visitor(DEMO_BOT).await;
    stranger.send(&ClientMsg::Rate { conversation_id: id, score: 1, comment: None }).await;
    let refused = stranger.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await;
    assert!(matches!(refused, ServerMsg::Error { error: app::ApiError::NotFound { .. }, .. }), "{refused:?}");
    assert!(detail(&app, &agent, id).await["conversation"]["satisfaction"].is_null());

    visitor
        .send(&ClientMsg::Rate { conversation_id: id, score: 4, comment: Some("Quick and kind".into()) })
        .await;
    let rated = visitor.recv_until(|m| matches!(m, ServerMsg::ConversationRated { .. })).await;
    assert_eq!(rated, ServerMsg::ConversationRated { conversation_id: id, score: 4 });
    dashboard
        .recv_until(|m| matches!(m, ServerMsg::ConversationUpdated { conversation } if conversation.satisfaction.is_some()))
        .await;
    visitor.send(&ClientMsg::Rate { conversation_id: id, score: 1, comment: None }).await;
    let again = visitor.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await;
    assert!(matches!(again, ServerMsg::Error { error: app::ApiError::Conflict { .. }, .. }), "{again:?}");

    // Stored: the rating, the resolution, the history and the audit entry.
    let stored = detail(&app, &agent, id).await;
    assert_eq!(stored["conversation"]["status"], "resolved");
    assert_eq!(stored["conversation"]["satisfaction"]["score"], 4);
    assert_eq!(stored["conversation"]["satisfaction"]["comment"], "Quick and kind");
    assert!(stored["conversation"]["resolved_at"].is_string());
    assert_eq!(kinds(&stored), ["created", "escalated", "agent_joined", "resolved", "rated"]);
    assert_eq!(stored["events"][3]["data"]["note"], "Shipping delayed a day");
    assert_eq!(stored["events"][2]["actor_name"], "Test Agent");
    let owner = app.demo_owner().await;
    let (_, audit) = app.get_json("/api/v1/audit-log?action=conversation.takeover", &owner).await;
    assert!(audit.to_string().contains(&id.to_string()), "{audit}");
    let (_, audit) = app.get_json("/api/v1/audit-log?action=conversation.resolved", &owner).await;
    assert!(audit.to_string().contains(&id.to_string()), "resolving is audited too: {audit}");
    assert!(audit.to_string().contains("Shipping delayed a day"), "with its note: {audit}");
}

#[tokio::test]
async fn an_agent_gives_the_conversation_back_and_the_bot_answers_again() {
    let app = spawn_app().await;
    let agent = app.member_with_role(Role::Agent).await;
    let (mut visitor, _, id) = chatting(&app, "b-1").await;

    // Only a conversation with an agent can be given back or resolved.
    for action in ["return-to-ai", "resolve"] {
        let (status, _, _) = api_error(
            post(&app, &agent, format!("/api/v1/conversations/{id}/{action}"), serde_json::json!({})).await,
        )
        .await;
        assert_eq!(status, 409, "{action} of a conversation the bot holds");
    }
    assert_eq!(detail(&app, &agent, id).await["conversation"]["status"], "waiting");

    // The dashboard's server function takes it over, as the Take over button does.
    let taken = app.server_fn("take_over_conversation", &agent, &[("id", &id.to_string())]).await;
    assert_eq!(taken.status(), 200);
    visitor.recv_until(|m| matches!(m, ServerMsg::AgentJoined { .. })).await;
    let back = app.server_fn("return_conversation_to_bot", &agent, &[("id", &id.to_string())]).await;
    assert_eq!(back.status(), 200);
    let moved = visitor.recv_until(|m| matches!(m, ServerMsg::ConversationStatusChanged { .. })).await;
    assert_eq!(
        moved,
        ServerMsg::ConversationStatusChanged {
            conversation_id: id,
            from: ConversationStatus::AgentHandling,
            to: ConversationStatus::Active
        }
    );
    let stored = detail(&app, &agent, id).await;
    assert!(stored["conversation"]["assigned_agent"].is_null());
    assert_eq!(kinds(&stored), ["created", "escalated", "agent_joined", "returned_to_ai"]);

    visitor.send(&send("b-2", Some(id), "One more question")).await;
    let answer = visitor
        .recv_until(
            |m| matches!(m, ServerMsg::MessageReceive { message } if message.sender.kind == SenderKind::Bot),
        )
        .await;
    assert!(matches!(answer, ServerMsg::MessageReceive { message } if message.seq == 5));
}

#[tokio::test]
async fn a_reloaded_widget_learns_that_an_agent_holds_its_conversation_or_that_it_awaits_a_rating() {
    let app = spawn_app().await;
    let agent = app.member_with_role(Role::Agent).await;
    let (_, visitor_id, id) = chatting(&app, "r-1").await;
    let resume = |after_seq| ClientMsg::Resume { conversation_id: id, after_seq };
    let reload = || async {
        let mut socket = app.socket(&format!("/api/v1/widget/ws?bot={DEMO_BOT}&visitor={visitor_id}")).await;
        assert!(matches!(socket.recv().await, ServerMsg::SessionReady { .. }));
        socket
    };

    post(&app, &agent, format!("/api/v1/conversations/{id}/takeover"), serde_json::json!({})).await;
    let mut widget = reload().await;
    widget.send(&resume(3)).await;
    let ServerMsg::AgentJoined { agent: who, .. } = widget.recv().await else { panic!("agent:joined first") };
    assert_eq!(who.name, "Test Agent");

    post(&app, &agent, format!("/api/v1/conversations/{id}/resolve"), serde_json::json!({})).await;
    let mut widget = reload().await;
    widget.send(&resume(3)).await;
    assert!(
        matches!(widget.recv().await, ServerMsg::ConversationResolved { conversation_id, .. } if conversation_id == id)
    );
    widget.send(&ClientMsg::Rate { conversation_id: id, score: 5, comment: None }).await;
    widget.recv_until(|m| matches!(m, ServerMsg::ConversationRated { .. })).await;

    // Rated: a later reload is not asked again.
    let mut widget = reload().await;
    widget.send(&resume(3)).await;
    assert!(widget.is_silent_for(std::time::Duration::from_millis(300)).await, "no survey once rated");
}

#[tokio::test]
async fn an_agent_silent_for_ten_minutes_puts_the_conversation_back_in_the_queue() {
    let app = spawn_app().await;
    let agent = app.member_with_role(Role::Agent).await;
    let (_, _, id) = chatting(&app, "s-1").await;
    post(&app, &agent, format!("/api/v1/conversations/{id}/takeover"), serde_json::json!({})).await;
    chatsupport::entities::conversation::Entity::update_many()
        .col_expr(
            chatsupport::entities::conversation::Column::UpdatedAt,
            Expr::value(Utc::now() - Duration::minutes(11)),
        )
        .filter(chatsupport::entities::conversation::Column::Id.eq(id.0))
        .exec(&app.state.handles.db)
        .await
        .expect("update");
    let swept = sweep(&app.state.handles.db, &app.state.handles.events, &Policy::default(), Utc::now())
        .await
        .expect("sweep");
    assert_eq!(swept.returned_to_queue, 1);
    let stored = detail(&app, &agent, id).await;
    assert_eq!(stored["conversation"]["status"], "waiting");
    assert!(stored["conversation"]["assigned_agent"].is_null(), "nobody holds it any more");
    assert_eq!(kinds(&stored).last().map(String::as_str), Some("agent_left"));
    assert_eq!(stored["events"].as_array().expect("events").last().expect("event")["actor_kind"], "system");
}

#[tokio::test]
async fn asking_for_a_person_with_nobody_online_asks_for_an_email_and_keeps_it() {
    let app = spawn_app().await;
    let (mut visitor, _, id) = chatting(&app, "nobody-1").await;
    visitor.send(&ClientMsg::Escalate { conversation_id: id }).await;
    let asked = visitor.recv_until(|m| matches!(m, ServerMsg::TeamOffline { .. })).await;
    assert_eq!(asked, ServerMsg::TeamOffline { conversation_id: id });

    // A bad address is refused in words and changes nothing.
    visitor.send(&ClientMsg::Contact { conversation_id: id, email: "not an email".into() }).await;
    let refused = visitor.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await;
    assert!(
        matches!(refused, ServerMsg::Error { error: app::ApiError::Validation { .. }, .. }),
        "{refused:?}"
    );

    let mut dashboard = app.dashboard().await;
    visitor.send(&ClientMsg::Contact { conversation_id: id, email: "Ada@Example.com".into() }).await;
    let saved = visitor.recv_until(|m| matches!(m, ServerMsg::ContactSaved { .. })).await;
    let ServerMsg::ContactSaved { email, .. } = saved else { unreachable!() };
    dashboard
        .recv_until(|m| matches!(m, ServerMsg::ConversationUpdated { conversation } if conversation.visitor_email.is_some()))
        .await;
    let owner = app.demo_owner().await;
    let stored = detail(&app, &owner, id).await;
    assert_eq!(stored["conversation"]["visitor_email"], email);
    assert!(kinds(&stored).contains(&"contact_left".to_owned()), "{stored}");

    // Another visitor cannot leave an address on this conversation.
    let (mut stranger, _) = app.visitor(DEMO_BOT).await;
    stranger.send(&ClientMsg::Contact { conversation_id: id, email: "mallory@example.com".into() }).await;
    let denied = stranger.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await;
    assert!(matches!(denied, ServerMsg::Error { error: app::ApiError::NotFound { .. }, .. }), "{denied:?}");
    assert_eq!(detail(&app, &owner, id).await["conversation"]["visitor_email"], email);
}

#[tokio::test]
async fn with_a_dashboard_open_asking_for_a_person_does_not_ask_for_an_email() {
    let app = spawn_app().await;
    let _dashboard = app.dashboard().await;
    let (mut visitor, _, id) = chatting(&app, "somebody-1").await;
    visitor.send(&ClientMsg::Escalate { conversation_id: id }).await;
    visitor.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;
    let later = tokio::time::timeout(
        std::time::Duration::from_millis(400),
        visitor.recv_until(|m| matches!(m, ServerMsg::TeamOffline { .. })),
    )
    .await;
    assert!(later.is_err(), "a teammate is online: no team:offline, got {later:?}");
}

#[tokio::test]
async fn when_the_bot_hands_over_with_nobody_online_the_visitor_is_asked_for_an_email_and_not_when_someone_is()
 {
    let app = spawn_app().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    visitor.send(&send("bot-away-1", None, "this is useless, I want a person")).await;
    // Both arrive, in either order (the escalation goes through the event bus, the question
    // straight to the visitor's topic; the widget shows the form either way).
    let (mut escalated, mut asked) = (None, None);
    while escalated.is_none() || asked.is_none() {
        match visitor.recv().await {
            ServerMsg::ConversationEscalated { conversation_id } => escalated = Some(conversation_id),
            ServerMsg::TeamOffline { conversation_id } => asked = Some(conversation_id),
            _ => {}
        }
    }
    assert_eq!(asked, escalated, "the email is asked for the conversation handed over");

    // A teammate has the dashboard open: they answer here, nobody asks for an email.
    let _dashboard = app.dashboard().await;
    let (mut other, _) = app.visitor(DEMO_BOT).await;
    other.send(&send("bot-away-2", None, "I want to talk to a human please")).await;
    other.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;
    let later = tokio::time::timeout(
        std::time::Duration::from_millis(400),
        other.recv_until(|m| matches!(m, ServerMsg::TeamOffline { .. })),
    )
    .await;
    assert!(later.is_err(), "a teammate is online: no team:offline, got {later:?}");
}

#[tokio::test]
async fn two_agents_taking_over_at_the_same_moment_one_holds_it_and_the_other_is_told_who() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let agent = app.member_with_role(Role::Agent).await;
    for round in 0..5 {
        let (_visitor, _, id) = chatting(&app, &format!("race-{round}")).await;
        let path = format!("/api/v1/conversations/{id}/takeover");
        let (a, b) = tokio::join!(
            post(&app, &owner, path.clone(), serde_json::json!({ "message": "Hi, Acme Corp Owner here." })),
            post(&app, &agent, path.clone(), serde_json::json!({ "message": "Hi, Test Agent here." })),
        );
        let mut statuses = [a.status().as_u16(), b.status().as_u16()];
        statuses.sort_unstable();
        assert_eq!(statuses, [200, 409], "round {round}: exactly one wins");
        let after = detail(&app, &owner, id).await;
        let holder = after["conversation"]["assigned_agent"]["name"].as_str().expect("a holder").to_owned();
        let greetings: Vec<String> = after["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .filter(|m| m["sender"]["type"] == "agent")
            .map(|m| m["content"].as_str().unwrap_or_default().to_owned())
            .collect();
        assert_eq!(greetings.len(), 1, "round {round}: only the holder wrote: {greetings:?}");
        assert!(greetings[0].contains(&holder), "round {round}: {holder} wrote {greetings:?}");
        assert_eq!(kinds(&after).iter().filter(|k| *k == "agent_joined").count(), 1, "round {round}");
    }
}
