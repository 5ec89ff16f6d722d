//! Who answers whom (issue "The agent inbox"): routing gives escalated conversations only to
//! teammates online with room (capacity, away, idle and offline respected), round-robin or
//! least loaded; the rest wait with their place told to the visitor; transfers asked and
//! accepted, declined, or forced by an admin; merging keeps every message once and in order;
//! a viewer cannot act and another organization sees nothing.

use app::{
    auth::Role,
    dto::ConversationId,
    protocol::{ClientMsg, DashboardMsg, ServerMsg},
};
use uuid::Uuid;

use crate::{
    handoff::chatting,
    helpers::{Socket, TestApp, send, spawn_app},
};

/// Opens `cookie`'s dashboard and waits until the server has it (a ping answered).
async fn at_work(app: &TestApp, cookie: &str) -> Socket {
    let mut socket = app.authed_socket("/api/v1/ws/dashboard", cookie).await;
    socket.send_text(&serde_json::to_string(&DashboardMsg::Ping).expect("json")).await;
    socket.recv_until(|m| matches!(m, ServerMsg::Pong)).await;
    socket
}

/// A visitor with a conversation who asked for a person.
async fn escalated(app: &TestApp, tag: &str) -> (Socket, ConversationId) {
    let (mut visitor, _, id) = chatting(app, tag).await;
    visitor.send(&ClientMsg::Escalate { conversation_id: id }).await;
    visitor.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;
    (visitor, id)
}

async fn assignee(app: &TestApp, cookie: &str, id: ConversationId) -> Option<Uuid> {
    let (status, body) = app.get_json(&format!("/api/v1/conversations/{id}"), cookie).await;
    assert_eq!(status, 200, "{body}");
    body["conversation"]["assigned_agent"]["id"].as_str().map(|s| s.parse().expect("uuid"))
}

async fn put(app: &TestApp, cookie: &str, path: &str, body: serde_json::Value) -> reqwest::Response {
    app.send_json("PUT", path, cookie, body).await
}

async fn post(app: &TestApp, cookie: &str, path: String, body: serde_json::Value) -> reqwest::Response {
    app.send_json("POST", &path, cookie, body).await
}

#[tokio::test]
async fn routing_gives_conversations_only_to_online_agents_with_room_and_queues_the_rest() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (ana, ana_id) = app.member_named(Role::Agent, "Ana Router").await;
    let (ben, ben_id) = app.member_named(Role::Agent, "Ben Router").await;
    let (cai, cai_id) = app.member_named(Role::Agent, "Cai Away").await;
    let (_dee, dee_id) = app.member_named(Role::Agent, "Dee Offline").await;
    let (eve, eve_id) = app.member_named(Role::Agent, "Eve Idle").await;
    let _ana_socket = at_work(&app, &ana).await;
    let _ben_socket = at_work(&app, &ben).await;
    let _cai_socket = at_work(&app, &cai).await;
    let mut eve_socket = at_work(&app, &eve).await;

    // Capacities by an admin: Ana 1, Ben 2. Cai switches to away; Eve's page goes idle; Dee
    // has no dashboard open.
    for (id, max) in [(ana_id, 1), (ben_id, 2)] {
        let set = put(
            &app,
            &owner,
            &format!("/api/v1/agents/{id}/capacity"),
            serde_json::json!({ "max_conversations": max }),
        )
        .await;
        assert_eq!(set.status(), 200);
    }
    let away =
        put(&app, &cai, "/api/v1/agents/me/status", serde_json::json!({ "availability": "away" })).await;
    assert_eq!(away.status(), 200);
    eve_socket.send_text(&serde_json::to_string(&DashboardMsg::Idle { idle: true }).expect("json")).await;
    // An agent cannot set someone's capacity; nonsense is refused with the field named.
    let refused = put(
        &app,
        &ana,
        &format!("/api/v1/agents/{ben_id}/capacity"),
        serde_json::json!({ "max_conversations": 9 }),
    )
    .await;
    assert_eq!(refused.status(), 403);
    let nonsense = put(
        &app,
        &owner,
        &format!("/api/v1/agents/{ben_id}/capacity"),
        serde_json::json!({ "max_conversations": 0 }),
    )
    .await;
    assert_eq!(nonsense.status(), 422);

    let (status, team) = app.get_json("/api/v1/agents", &owner).await;
    assert_eq!(status, 200);
    let status_of = |team: &serde_json::Value, id: Uuid| {
        team["agents"].as_array().expect("agents").iter().find(|a| a["id"] == id.to_string()).expect("listed")
            ["status"]
            .as_str()
            .expect("status")
            .to_owned()
    };
    // The idle frame may still be on its way: ask until it lands.
    let mut team = team;
    for _ in 0..50 {
        if status_of(&team, eve_id) == "away" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        team = app.get_json("/api/v1/agents", &owner).await.1;
    }
    assert_eq!(
        [ana_id, ben_id, cai_id, dee_id, eve_id].map(|id| status_of(&team, id)),
        ["online", "online", "away", "offline", "away"]
    );

    let mode = put(&app, &owner, "/api/v1/assignment", serde_json::json!({ "mode": "round_robin" })).await;
    assert_eq!(mode.status(), 200);
    let mut conversations = Vec::new();
    for n in 0..4 {
        conversations.push(escalated(&app, &format!("rr-{n}")).await);
    }
    let mut given = Vec::new();
    for (_, id) in &conversations {
        given.push(assignee(&app, &owner, *id).await);
    }
    let count = |who: Uuid| given.iter().filter(|g| **g == Some(who)).count();
    assert_eq!((count(ana_id), count(ben_id)), (1, 2), "capacities: {given:?}");
    assert!(given.iter().all(|g| ![Some(cai_id), Some(dee_id), Some(eve_id)].contains(g)), "{given:?}");
    // The fourth waits, and its visitor is told where they are.
    let queued = given.iter().position(Option::is_none).expect("one waits");
    let (visitor, id) = &mut conversations[queued];
    let place = visitor.recv_until(|m| matches!(m, ServerMsg::QueuePosition { .. })).await;
    assert!(
        matches!(place, ServerMsg::QueuePosition { conversation_id, position: 1, wait_minutes } if conversation_id == *id && wait_minutes >= 1)
    );
    let queued_id = *id;

    // An agent given a conversation takes it over; another agent cannot take it from them.
    let anas = conversations[given.iter().position(|g| *g == Some(ana_id)).expect("Ana's")].1;
    let stolen =
        post(&app, &ben, format!("/api/v1/conversations/{anas}/takeover"), serde_json::json!({})).await;
    assert_eq!(stolen.status(), 409);
    assert!(stolen.text().await.expect("body").contains("Ana Router was given this conversation"));
    assert_eq!(
        post(&app, &ana, format!("/api/v1/conversations/{anas}/takeover"), serde_json::json!({}))
            .await
            .status(),
        200
    );

    // Ana resolves hers: she has room again, and the waiting conversation is hers.
    let resolved =
        post(&app, &ana, format!("/api/v1/conversations/{anas}/resolve"), serde_json::json!({})).await;
    assert_eq!(resolved.status(), 200);
    assert_eq!(assignee(&app, &owner, queued_id).await, Some(ana_id));

    // Least loaded: Eve comes back (0 open) and gets the next one rather than Ben (2).
    put(&app, &owner, "/api/v1/assignment", serde_json::json!({ "mode": "least_loaded" })).await;
    eve_socket.send_text(&serde_json::to_string(&DashboardMsg::Idle { idle: false }).expect("json")).await;
    // The capacity change routes immediately; give Eve's frame its moment first.
    for _ in 0..50 {
        if status_of(&app.get_json("/api/v1/agents", &owner).await.1, eve_id) == "online" {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    let (_, next) = escalated(&app, "ll-1").await;
    assert_eq!(assignee(&app, &owner, next).await, Some(eve_id));
}

#[tokio::test]
async fn a_transfer_is_asked_and_accepted_or_declined_and_an_admin_can_force_one() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (ana, _ana_id) = app.member_named(Role::Agent, "Ana Holder").await;
    let (ben, ben_id) = app.member_named(Role::Agent, "Ben Target").await;
    let viewer = app.member_with_role(Role::Viewer).await;
    let (mut visitor, _, id) = chatting(&app, "tr-1").await;
    assert_eq!(
        post(&app, &ana, format!("/api/v1/conversations/{id}/takeover"), serde_json::json!({}))
            .await
            .status(),
        200
    );
    visitor.recv_until(|m| matches!(m, ServerMsg::AgentJoined { .. })).await;

    // Only the holder asks; a viewer cannot act at all; an agent cannot force.
    let by_ben = post(
        &app,
        &ben,
        format!("/api/v1/conversations/{id}/transfer"),
        serde_json::json!({ "agent_id": ben_id }),
    )
    .await;
    assert_eq!(by_ben.status(), 409);
    for (path, body) in [
        ("transfer", serde_json::json!({ "agent_id": ben_id })),
        ("assign", serde_json::json!({ "agent_id": ben_id })),
        ("merge", serde_json::json!({ "source_id": Uuid::now_v7() })),
    ] {
        let refused = post(&app, &viewer, format!("/api/v1/conversations/{id}/{path}"), body).await;
        assert_eq!(refused.status(), 403, "a viewer cannot {path}");
    }
    let forced_by_agent = post(
        &app,
        &ana,
        format!("/api/v1/conversations/{id}/transfer"),
        serde_json::json!({ "agent_id": ben_id, "force": true }),
    )
    .await;
    assert_eq!(forced_by_agent.status(), 403);

    // Ana asks Ben with a note: Ben's dashboard hears it; Ben declines, it stays with Ana.
    let mut bens = app.authed_socket("/api/v1/ws/dashboard", &ben).await;
    let asked = post(
        &app,
        &ana,
        format!("/api/v1/conversations/{id}/transfer"),
        serde_json::json!({ "agent_id": ben_id, "note": "Billing question, you know this one" }),
    )
    .await;
    assert_eq!(asked.status(), 200);
    let heard = bens.recv_until(|m| matches!(m, ServerMsg::ConversationUpdated { conversation } if conversation.transfer.is_some())).await;
    let ServerMsg::ConversationUpdated { conversation } = heard else { unreachable!() };
    let transfer = conversation.transfer.expect("asked");
    assert_eq!(
        (transfer.to_id, transfer.by_name.as_str(), transfer.note.as_deref()),
        (ben_id, "Ana Holder", Some("Billing question, you know this one"))
    );
    assert_eq!(
        post(&app, &owner, format!("/api/v1/conversations/{id}/transfer/accept"), serde_json::json!({}))
            .await
            .status(),
        409,
        "only Ben answers it"
    );
    assert_eq!(
        post(&app, &ben, format!("/api/v1/conversations/{id}/transfer/decline"), serde_json::json!({}))
            .await
            .status(),
        200
    );
    let (_, detail) = app.get_json(&format!("/api/v1/conversations/{id}"), &owner).await;
    assert_eq!(detail["conversation"]["assigned_agent"]["name"], "Ana Holder");
    assert!(detail["conversation"].get("transfer").is_none());

    // Asked again and accepted: Ben holds it, the visitor sees Ben join, the note is in the history.
    post(
        &app,
        &ana,
        format!("/api/v1/conversations/{id}/transfer"),
        serde_json::json!({ "agent_id": ben_id, "note": "Over to you" }),
    )
    .await;
    assert_eq!(
        post(&app, &ben, format!("/api/v1/conversations/{id}/transfer/accept"), serde_json::json!({}))
            .await
            .status(),
        200
    );
    let joined = visitor
        .recv_until(|m| matches!(m, ServerMsg::AgentJoined { agent, .. } if agent.name == "Ben Target"))
        .await;
    assert!(matches!(joined, ServerMsg::AgentJoined { .. }));
    let (_, detail) = app.get_json(&format!("/api/v1/conversations/{id}"), &owner).await;
    assert_eq!(detail["conversation"]["assigned_agent"]["id"], ben_id.to_string());
    let events = detail["events"].as_array().expect("events");
    assert!(
        events.iter().any(|e| e["kind"] == "transfer_accepted" && e["data"]["note"] == "Over to you"),
        "{events:?}"
    );
    // Ana no longer holds it: she cannot reply.
    let late = post(
        &app,
        &ana,
        format!("/api/v1/conversations/{id}/messages"),
        serde_json::json!({ "content": "Still here" }),
    )
    .await;
    assert_eq!(late.status(), 409);

    // The owner forces it back to Ana with a note: at once.
    let forced = post(
        &app,
        &owner,
        format!("/api/v1/conversations/{id}/transfer"),
        serde_json::json!({ "agent_id": _ana_id, "force": true, "note": "Ben is off" }),
    )
    .await;
    assert_eq!(forced.status(), 200);
    assert_eq!(assignee(&app, &owner, id).await, Some(_ana_id));
    // A teammate of nobody, or a viewer, cannot be given it.
    let stranger = post(
        &app,
        &owner,
        format!("/api/v1/conversations/{id}/transfer"),
        serde_json::json!({ "agent_id": Uuid::now_v7(), "force": true }),
    )
    .await;
    assert_eq!(stranger.status(), 422);
}

#[tokio::test]
async fn merging_keeps_every_message_once_in_the_order_written() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (mut visitor, _, first) = chatting(&app, "m-1").await;
    visitor.send(&send("m-1b", Some(first), "Also, my invoice is wrong")).await;
    visitor.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 5)).await;
    // The same visitor starts a second conversation.
    visitor.send(&send("m-2", None, "Hello again, about that order")).await;
    let opened = visitor
        .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.conversation_id != first && message.seq == 3))
        .await;
    let ServerMsg::MessageReceive { message } = opened else { unreachable!() };
    let second = message.conversation_id;
    let (_, before_first) = app.get_json(&format!("/api/v1/conversations/{first}"), &owner).await;
    let (_, before_second) = app.get_json(&format!("/api/v1/conversations/{second}"), &owner).await;
    let contents = |d: &serde_json::Value| {
        d["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .map(|m| m["content"].as_str().expect("text").to_owned())
            .collect::<Vec<_>>()
    };
    let mut expected = contents(&before_first);
    expected.extend(contents(&before_second));

    // Another customer's conversation does not merge; nor does one with itself.
    let (_, _, other) = chatting(&app, "m-other").await;
    let refused = post(
        &app,
        &owner,
        format!("/api/v1/conversations/{first}/merge"),
        serde_json::json!({ "source_id": other }),
    )
    .await;
    assert_eq!(refused.status(), 422);
    let itself = post(
        &app,
        &owner,
        format!("/api/v1/conversations/{first}/merge"),
        serde_json::json!({ "source_id": first }),
    )
    .await;
    assert_eq!(itself.status(), 422);
    // Another organization cannot merge ours.
    let stranger = app.register_verified("boss@merge.example", "Elsewhere").await;
    let theirs = post(
        &app,
        &stranger,
        format!("/api/v1/conversations/{first}/merge"),
        serde_json::json!({ "source_id": second }),
    )
    .await;
    assert_eq!(theirs.status(), 404);

    let merged = post(
        &app,
        &owner,
        format!("/api/v1/conversations/{first}/merge"),
        serde_json::json!({ "source_id": second }),
    )
    .await;
    assert_eq!(merged.status(), 200, "{}", merged.text().await.unwrap_or_default());
    let (_, after) = app.get_json(&format!("/api/v1/conversations/{first}"), &owner).await;
    assert_eq!(contents(&after), expected, "every message once, in the order written");
    let seqs: Vec<i64> = after["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .map(|m| m["seq"].as_i64().expect("seq"))
        .collect();
    assert_eq!(seqs, (1..=expected.len() as i64).collect::<Vec<_>>());
    assert_eq!(after["conversation"]["message_count"], expected.len());
    let (_, gone) = app.get_json(&format!("/api/v1/conversations/{second}"), &owner).await;
    assert_eq!(gone["conversation"]["status"], "archived");
    assert!(contents(&gone).is_empty());
    // Merged once: not again.
    let again = post(
        &app,
        &owner,
        format!("/api/v1/conversations/{first}/merge"),
        serde_json::json!({ "source_id": second }),
    )
    .await;
    assert_eq!(again.status(), 409);
}

#[tokio::test]
async fn another_organization_sees_none_of_our_team_and_cannot_assign_or_transfer() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (_ana, ana_id) = app.member_named(Role::Agent, "Ana Ours").await;
    let (_, id) = escalated(&app, "t-1").await;
    let stranger = app.register_verified("boss@routing.example", "Elsewhere").await;
    let (status, team) = app.get_json("/api/v1/agents", &stranger).await;
    assert_eq!(status, 200);
    assert!(team["agents"].as_array().expect("agents").iter().all(|a| a["name"] != "Ana Ours"));
    assert_eq!(team["queued"], 0, "our queue is not theirs");
    for (path, body) in [
        ("assign", serde_json::json!({ "agent_id": ana_id })),
        ("transfer", serde_json::json!({ "agent_id": ana_id, "force": true })),
    ] {
        let refused = post(&app, &stranger, format!("/api/v1/conversations/{id}/{path}"), body).await;
        assert!([404, 422].contains(&refused.status().as_u16()), "{path}: {}", refused.status());
    }
    let capacity = put(
        &app,
        &stranger,
        &format!("/api/v1/agents/{ana_id}/capacity"),
        serde_json::json!({ "max_conversations": 3 }),
    )
    .await;
    assert_eq!(capacity.status(), 404);
    // Nothing changed for us.
    assert_eq!(assignee(&app, &owner, id).await, None);
}
