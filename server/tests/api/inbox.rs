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

/// Every conversation of the organization, read page by page (`limit=100`).
async fn everything(app: &crate::helpers::TestApp, cookie: &str, query: &str) -> Vec<serde_json::Value> {
    let mut all = Vec::new();
    for page in 1.. {
        let (status, list) =
            app.get_json(&format!("/api/v1/conversations?{query}&limit=100&page={page}"), cookie).await;
        assert_eq!(status, 200, "{list}");
        all.extend(list["conversations"].as_array().expect("a list").iter().cloned());
        if page >= list["pagination"]["total_pages"].as_u64().expect("pages") {
            break;
        }
    }
    all
}

fn ids(list: &[serde_json::Value]) -> Vec<String> {
    list.iter().map(|c| c["id"].as_str().expect("id").to_owned()).collect()
}

#[tokio::test]
async fn views_filters_and_pages_list_exactly_the_conversations_that_fit() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (_, me) = app.get_json("/api/v1/auth/me", &owner).await;
    let me = me["user"]["id"].as_str().or(me["id"].as_str()).expect("my id").to_owned();
    let (_, _, bots) = chatting(&app, "v-1").await;
    let (_, _, mine) = chatting(&app, "v-2").await;
    let (mut asking, _, escalated) = chatting(&app, "v-3").await;
    let (mut angry, _, upset) = chatting(&app, "v-4").await;
    asking.send(&ClientMsg::Escalate { conversation_id: escalated }).await;
    asking.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;
    let taken = app
        .send_json("POST", &format!("/api/v1/conversations/{mine}/takeover"), &owner, serde_json::json!({}))
        .await;
    assert_eq!(taken.status(), 200);
    angry
        .send(&crate::helpers::send(
            "v-4b",
            Some(upset),
            "This is useless and I am furious, terrible service",
        ))
        .await;
    // The bot hands it over (frustration) after its answer: wait for the move itself.
    angry.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;

    // Each view lists what fits it, and its count is its length.
    let all = everything(&app, &owner, "view=all").await;
    let (_, first) = app.get_json("/api/v1/conversations", &owner).await;
    let counts = &first["counts"];
    assert_eq!(counts["all"].as_u64(), Some(all.len() as u64), "{counts}");
    for (view, with, without) in [
        ("mine", vec![mine], vec![bots, escalated, upset]),
        ("unassigned", vec![bots, escalated, upset], vec![mine]),
        // Frustration hands over too (the answer engine's escalation).
        ("escalated", vec![escalated, upset], vec![bots, mine]),
    ] {
        let listed = ids(&everything(&app, &owner, &format!("view={view}")).await);
        assert_eq!(counts[view].as_u64(), Some(listed.len() as u64), "{view}: {counts}");
        for id in with {
            assert!(listed.contains(&id.to_string()), "{view} lists {id}");
        }
        for id in without {
            assert!(!listed.contains(&id.to_string()), "{view} leaves out {id}");
        }
    }
    let held = everything(&app, &owner, &format!("assignee={me}&status=agent_handling")).await;
    assert_eq!(ids(&held), [mine.to_string()], "a teammate's id and a status");

    // The mood of the visitor's latest message.
    let mood = row(&first, upset)["sentiment"].as_str().expect("a mood").to_owned();
    assert!(mood.ends_with("negative"), "{mood}");
    let moody = ids(&everything(&app, &owner, &format!("sentiment={mood}")).await);
    assert!(moody.contains(&upset.to_string()) && !moody.contains(&bots.to_string()), "{moody:?}");

    // Days are the day the conversation started (UTC), both ends included.
    let today = Utc::now().date_naive();
    let on = |from: chrono::NaiveDate, to: chrono::NaiveDate| format!("from={from}&to={to}");
    assert!(ids(&everything(&app, &owner, &on(today, today)).await).contains(&bots.to_string()));
    let tomorrow = today.succ_opt().expect("a day");
    assert!(!ids(&everything(&app, &owner, &on(tomorrow, tomorrow)).await).contains(&bots.to_string()));

    // Pages: one conversation each, together every conversation once, in the view's order.
    let (_, page1) = app.get_json("/api/v1/conversations?limit=1", &owner).await;
    assert_eq!(page1["pagination"]["total"].as_u64(), Some(all.len() as u64));
    assert_eq!(page1["pagination"]["total_pages"].as_u64(), Some(all.len() as u64));
    let mut paged = Vec::new();
    for page in 1..=all.len() {
        let (_, list) = app.get_json(&format!("/api/v1/conversations?limit=1&page={page}"), &owner).await;
        paged.extend(ids(list["conversations"].as_array().expect("list")));
    }
    assert_eq!(paged, ids(&all), "pages neither overlap nor skip");
    assert_eq!(paged[..2], [upset.to_string(), escalated.to_string()], "escalated first, the latest first");

    // Longest waiting first: the open conversation a person wrote in longest ago leads.
    let waiting = ids(&everything(&app, &owner, "view=unassigned&sort=waiting").await);
    let at = |id: ConversationId| waiting.iter().position(|w| *w == id.to_string()).expect("listed");
    assert!(at(bots) < at(upset), "{waiting:?}");
}

#[tokio::test]
async fn filters_that_do_not_fit_are_refused_with_the_field_named() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    for (query, field) in [
        ("status=lost", "status"),
        ("view=everyone", "view"),
        ("from=01/12/2026", "from"),
        ("from=2026-12-07&to=2026-12-01", "to"),
        ("limit=0", "limit"),
        ("page=0", "page"),
        ("assignee=somebody", "assignee"),
    ] {
        let (status, body) = app.get_json(&format!("/api/v1/conversations?{query}"), &owner).await;
        assert_eq!(status, 422, "{query}: {body}");
        assert_eq!(body["error"]["fields"][0]["field"], field, "{query}: {body}");
        assert!(!body["message"].as_str().unwrap_or_default().is_empty());
    }
}

#[tokio::test]
async fn another_organization_filtering_by_our_bot_or_agent_finds_nothing() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (_, _, id) = chatting(&app, "t-1").await;
    let taken = app
        .send_json("POST", &format!("/api/v1/conversations/{id}/takeover"), &owner, serde_json::json!({}))
        .await;
    assert_eq!(taken.status(), 200);
    let (_, detail) = app.get_json(&format!("/api/v1/conversations/{id}"), &owner).await;
    let (bot, agent) = (
        detail["conversation"]["bot_id"].as_str().or(detail["bot_id"].as_str()).expect("bot").to_owned(),
        detail["conversation"]["assigned_agent"]["id"]
            .as_str()
            .or(detail["assigned_agent"]["id"].as_str())
            .expect("agent")
            .to_owned(),
    );
    let stranger = app.register_verified("boss@initech.example", "Initech").await;
    for query in [format!("chatbot_id={bot}"), format!("assignee={agent}"), "view=all".into()] {
        let (status, list) = app.get_json(&format!("/api/v1/conversations?{query}"), &stranger).await;
        assert_eq!(status, 200, "{list}");
        assert_eq!(list["conversations"].as_array().map(Vec::len), Some(0), "{query}: {list}");
        assert_eq!(list["counts"]["all"], 0, "{list}");
        assert_eq!(list["pagination"]["total"], 0, "{list}");
        assert!(!list.to_string().contains(&id.to_string()));
    }
}

#[tokio::test]
async fn a_note_stays_with_the_team_and_the_teammate_it_names_hears_of_it_live() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let agent = app.member_with_role(app::auth::Role::Agent).await;
    let (_, me) = app.get_json("/api/v1/auth/me", &agent).await;
    let (agent_id, email) = (
        me["user"]["id"].as_str().expect("id").to_owned(),
        me["user"]["email"].as_str().expect("email").to_owned(),
    );
    let handle = email.split('@').next().expect("local part").to_owned();
    let mut agents_dashboard = app.authed_socket("/api/v1/ws/dashboard", &agent).await;
    let (mut visitor, _, id) = chatting(&app, "n-1").await;

    let text = format!("@{handle}, can you check **the tracking number**? The visitor seems upset.");
    let written = app
        .send_json(
            "POST",
            &format!("/api/v1/conversations/{id}/notes"),
            &owner,
            serde_json::json!({ "content": text }),
        )
        .await;
    assert_eq!(written.status(), 201);
    let note: serde_json::Value = written.json().await.expect("note");
    assert_eq!(note["mentions"][0]["id"], agent_id, "{note}");
    assert_eq!(note["mentions"].as_array().map(Vec::len), Some(1));
    assert_eq!(note["author"]["name"], "Acme Corp Owner", "{note}");
    assert!(note["formatted"].to_string().contains("the tracking number"), "drawn as blocks: {note}");

    // The named teammate's dashboard hears of it live.
    let heard = agents_dashboard.recv_until(|m| matches!(m, ServerMsg::NoteCreated { .. })).await;
    let ServerMsg::NoteCreated { note: live } = heard else { unreachable!() };
    assert_eq!(live.mentions[0].id.to_string(), agent_id);
    assert_eq!(live.conversation_id, id);

    // Never the visitor's: nothing on their socket, nothing in what they can read back.
    assert!(visitor.is_silent_for(std::time::Duration::from_millis(500)).await, "the widget heard of a note");
    let (_, detail) = app.get_json(&format!("/api/v1/conversations/{id}"), &owner).await;
    assert!(
        detail["messages"]
            .as_array()
            .expect("messages")
            .iter()
            .all(|m| !m.to_string().contains("tracking number")),
        "a note is not a message"
    );
    assert_eq!(detail["notes"][0]["content"], text, "the detail carries it for the team");
    let (_, notes) = app.get_json(&format!("/api/v1/conversations/{id}/notes"), &agent).await;
    assert_eq!(notes["notes"].as_array().map(Vec::len), Some(1));

    // A viewer reads but cannot write; an empty note is refused and nothing is stored.
    let viewer = app.member_with_role(app::auth::Role::Viewer).await;
    let refused = app
        .send_json(
            "POST",
            &format!("/api/v1/conversations/{id}/notes"),
            &viewer,
            serde_json::json!({ "content": "hi" }),
        )
        .await;
    assert_eq!(refused.status(), 403);
    let (status, error, _) = crate::helpers::api_error(
        app.send_json(
            "POST",
            &format!("/api/v1/conversations/{id}/notes"),
            &owner,
            serde_json::json!({ "content": "  " }),
        )
        .await,
    )
    .await;
    assert_eq!(status, 422, "{error:?}");
    let (_, notes) = app.get_json(&format!("/api/v1/conversations/{id}/notes"), &viewer).await;
    assert_eq!(notes["notes"].as_array().map(Vec::len), Some(1), "nothing more stored");
}

#[tokio::test]
async fn tags_are_read_into_one_form_filtered_on_and_kept_within_the_organization() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (_, _, id) = chatting(&app, "g-1").await;
    let (_, _, other) = chatting(&app, "g-2").await;
    let path = format!("/api/v1/conversations/{id}/tags");

    let set = app
        .send_json(
            "PUT",
            &path,
            &owner,
            serde_json::json!({ "tags": ["Billing", "needs refund", "billing"] }),
        )
        .await;
    assert_eq!(set.status(), 200);
    let after: serde_json::Value = set.json().await.expect("conversation");
    assert_eq!(after["tags"], serde_json::json!(["billing", "needs-refund"]));

    let (_, catalogue) = app.get_json("/api/v1/tags", &owner).await;
    let names: Vec<&str> =
        catalogue["tags"].as_array().expect("tags").iter().filter_map(|t| t["name"].as_str()).collect();
    assert_eq!(names, ["billing", "needs-refund"]);

    let tagged = ids(&everything(&app, &owner, "tag=needs-refund").await);
    assert_eq!(tagged, [id.to_string()], "only the tagged one");
    assert!(ids(&everything(&app, &owner, "tag=need").await).is_empty(), "a whole tag, not part of one");
    let (_, list) = app.get_json("/api/v1/conversations?tag=billing", &owner).await;
    assert_eq!(row(&list, id)["tags"], serde_json::json!(["billing", "needs-refund"]));
    assert!(!ids(list["conversations"].as_array().expect("list")).contains(&other.to_string()));

    // What does not fit is refused and changes nothing.
    for tags in [
        serde_json::json!(["a,b"]),
        serde_json::json!(["%"]),
        serde_json::json!((0..11).map(|n| format!("t{n}")).collect::<Vec<_>>()),
    ] {
        let refused = app.send_json("PUT", &path, &owner, serde_json::json!({ "tags": tags })).await;
        assert_eq!(refused.status(), 422, "{tags}");
    }
    let (_, detail) = app.get_json(&format!("/api/v1/conversations/{id}"), &owner).await;
    assert_eq!(detail["conversation"]["tags"], serde_json::json!(["billing", "needs-refund"]));

    // Another organization sees none of it and cannot tag it.
    let stranger = app.register_verified("boss@tagless.example", "Tagless").await;
    let (_, theirs) = app.get_json("/api/v1/tags", &stranger).await;
    assert_eq!(theirs["tags"], serde_json::json!([]));
    let foreign = app.send_json("PUT", &path, &stranger, serde_json::json!({ "tags": ["mine"] })).await;
    assert_eq!(foreign.status(), 404);
    let (_, list) = app.get_json("/api/v1/conversations?tag=billing", &stranger).await;
    assert_eq!(list["pagination"]["total"], 0);
}

#[tokio::test]
async fn a_transcript_downloads_as_csv_json_or_pdf_with_every_message_once_and_no_note() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (mut visitor, _, id) = chatting(&app, "x-1").await;
    visitor.send(&crate::helpers::send("x-2", Some(id), "=HYPERLINK(\"http://evil.example\")")).await;
    visitor.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq >= 5)).await;
    let noted = app
        .send_json(
            "POST",
            &format!("/api/v1/conversations/{id}/notes"),
            &owner,
            serde_json::json!({ "content": "secret team note" }),
        )
        .await;
    assert_eq!(noted.status(), 201);
    let (_, detail) = app.get_json(&format!("/api/v1/conversations/{id}"), &owner).await;
    let messages = detail["messages"].as_array().expect("messages").len();

    let csv = app
        .http
        .get(app.url(&format!("/api/v1/conversations/{id}/transcript?format=csv")))
        .header("cookie", &owner)
        .send()
        .await
        .expect("csv");
    assert_eq!(csv.status(), 200);
    assert!(csv.headers()["content-type"].to_str().unwrap_or_default().starts_with("text/csv"));
    let disposition = csv.headers()["content-disposition"].to_str().unwrap_or_default().to_owned();
    assert!(
        disposition.starts_with("attachment; filename=\"conversation-") && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    let text = csv.text().await.expect("text");
    let mut rows = ::csv::Reader::from_reader(text.as_bytes());
    let read: Vec<::csv::StringRecord> = rows.records().map(|r| r.expect("a row")).collect();
    assert_eq!(read.len(), messages, "one row per message: {text}");
    let seqs: Vec<&str> = read.iter().map(|r| &r[0]).collect();
    let expected: Vec<String> = (1..=messages).map(|n| n.to_string()).collect();
    assert_eq!(seqs, expected, "in order, each once");
    assert!(read.iter().any(|r| &r[4] == "My order has not arrived" && &r[2] == "visitor"));
    assert!(read.iter().any(|r| r[4].starts_with("'=HYPERLINK")), "a formula stays text: {text}");
    assert!(!text.contains("secret team note"), "internal notes stay out");

    let (status, json) = app.get_json(&format!("/api/v1/conversations/{id}/transcript"), &owner).await;
    assert_eq!(status, 200);
    assert_eq!(json["messages"].as_array().map(Vec::len), Some(messages));
    assert_eq!(json["conversation"]["id"], id.to_string());
    assert!(!json.to_string().contains("secret team note"));

    // The PDF opens (a PDF reader reads its text back) with the visitor's words, not the note.
    let pdf = app
        .http
        .get(app.url(&format!("/api/v1/conversations/{id}/transcript?format=pdf")))
        .header("cookie", &owner)
        .send()
        .await
        .expect("pdf");
    assert_eq!(pdf.status(), 200);
    assert_eq!(pdf.headers()["content-type"], "application/pdf");
    assert!(pdf.headers()["content-disposition"].to_str().unwrap_or_default().ends_with(".pdf\""));
    let bytes = pdf.bytes().await.expect("bytes");
    assert!(bytes.starts_with(b"%PDF-"));
    let read = pdf_extract::extract_text_from_mem(&bytes).expect("a PDF reader opens it");
    assert!(read.contains("My order has not arrived"), "{read}");
    assert!(read.contains("=HYPERLINK"), "{read}");
    assert!(!read.contains("secret team note"), "internal notes stay out");

    let (status, _) =
        app.get_json(&format!("/api/v1/conversations/{id}/transcript?format=pdfx"), &owner).await;
    assert_eq!(status, 422);
    let stranger = app.register_verified("boss@export.example", "Exportless").await;
    let (status, _) =
        app.get_json(&format!("/api/v1/conversations/{id}/transcript?format=csv"), &stranger).await;
    assert_eq!(status, 404);
}

fn dashboard_frame(msg: &app::protocol::DashboardMsg) -> String {
    serde_json::to_string(msg).expect("json")
}

#[tokio::test]
async fn the_team_sees_who_has_a_conversation_open_and_the_visitor_sees_only_the_holder_typing() {
    use app::protocol::DashboardMsg;
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let agent = app.member_with_role(app::auth::Role::Agent).await;
    let (mut visitor, _, id) = chatting(&app, "p-1").await;
    let mut owners = app.authed_socket("/api/v1/ws/dashboard", &owner).await;
    let mut agents = app.authed_socket("/api/v1/ws/dashboard", &agent).await;
    let stranger = app.register_verified("boss@presence.example", "Elsewhere").await;
    let mut strangers = app.authed_socket("/api/v1/ws/dashboard", &stranger).await;

    // The agent opens the conversation: the owner's inbox hears who.
    agents.send_text(&dashboard_frame(&DashboardMsg::Viewing { conversation_id: Some(id) })).await;
    let seen = owners.recv_until(|m| matches!(m, ServerMsg::PresenceChanged { .. })).await;
    let ServerMsg::PresenceChanged { conversation_id, viewers } = seen else { unreachable!() };
    assert_eq!(conversation_id, id);
    assert_eq!(viewers.iter().map(|v| v.name.as_str()).collect::<Vec<_>>(), ["Test Agent"]);

    // The owner takes over and writes: the visitor sees the owner typing; the agent's typing
    // (not the holder) reaches nobody.
    let taken = app
        .send_json("POST", &format!("/api/v1/conversations/{id}/takeover"), &owner, serde_json::json!({}))
        .await;
    assert_eq!(taken.status(), 200);
    visitor.recv_until(|m| matches!(m, ServerMsg::AgentJoined { .. })).await;
    agents.send_text(&dashboard_frame(&DashboardMsg::Typing { conversation_id: id, typing: true })).await;
    assert!(visitor.is_silent_for(std::time::Duration::from_millis(400)).await, "a non-holder's typing");
    owners.send_text(&dashboard_frame(&DashboardMsg::Typing { conversation_id: id, typing: true })).await;
    let typing = visitor.recv_until(|m| matches!(m, ServerMsg::TypingStart { .. })).await;
    let ServerMsg::TypingStart { sender, .. } = typing else { unreachable!() };
    assert_eq!((sender.kind, sender.name.as_str()), (app::dto::SenderKind::Agent, "Acme Corp Owner"));
    owners.send_text(&dashboard_frame(&DashboardMsg::Typing { conversation_id: id, typing: false })).await;
    visitor.recv_until(|m| matches!(m, ServerMsg::TypingStop { .. })).await;

    // The agent closes the page: the owner hears that nobody else has it open.
    drop(agents);
    let left = owners
        .recv_until(|m| matches!(m, ServerMsg::PresenceChanged { viewers, .. } if viewers.is_empty()))
        .await;
    assert!(matches!(left, ServerMsg::PresenceChanged { conversation_id, .. } if conversation_id == id));

    // Another organization heard none of it.
    while !strangers.is_silent_for(std::time::Duration::from_millis(300)).await {
        let frame = strangers.recv().await;
        assert!(!matches!(frame, ServerMsg::PresenceChanged { .. }), "{frame:?}");
    }
}

#[tokio::test]
async fn saved_filters_are_personal_or_shared_apply_by_id_and_stay_in_the_organization() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let agent = app.member_with_role(app::auth::Role::Agent).await;
    let (mut asking, _, escalated) = chatting(&app, "f-1").await;
    let (_, _, calm) = chatting(&app, "f-2").await;
    asking.send(&ClientMsg::Escalate { conversation_id: escalated }).await;
    asking.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;

    let save = |cookie: String, body: serde_json::Value| {
        let app = &app;
        async move { app.send_json("POST", "/api/v1/conversation-filters", &cookie, body).await }
    };
    let shared = save(owner.clone(), serde_json::json!({ "name": "Waiting for us", "filters": { "view": "escalated", "sort": "waiting" }, "shared": true })).await;
    assert_eq!(shared.status(), 201);
    let shared: serde_json::Value = shared.json().await.expect("filter");
    assert_eq!(shared["query"], "view=escalated&sort=waiting");
    let personal =
        save(owner.clone(), serde_json::json!({ "name": "My own", "filters": { "view": "mine" } })).await;
    assert_eq!(personal.status(), 201);

    // The team sees the shared one, not the personal one; the list carries them too.
    let (_, theirs) = app.get_json("/api/v1/conversation-filters", &agent).await;
    let names: Vec<&str> =
        theirs["filters"].as_array().expect("filters").iter().filter_map(|f| f["name"].as_str()).collect();
    assert_eq!(names, ["Waiting for us"]);
    assert_eq!(theirs["filters"][0]["mine"], false);
    let (_, listing) = app.get_json("/api/v1/conversations", &owner).await;
    assert_eq!(listing["saved"].as_array().map(Vec::len), Some(2));

    // Applying it by id gives what its query gives.
    let id = shared["id"].as_str().expect("id");
    let applied = ids(&everything(&app, &agent, &format!("filter_id={id}")).await);
    assert!(applied.contains(&escalated.to_string()) && !applied.contains(&calm.to_string()), "{applied:?}");

    // What does not fit is refused; the agent may not delete the owner's shared filter.
    let refused =
        save(owner.clone(), serde_json::json!({ "name": "Bad", "filters": { "status": "lost" } })).await;
    assert_eq!(refused.status(), 422);
    let unnamed =
        save(owner.clone(), serde_json::json!({ "name": " ", "filters": { "view": "mine" } })).await;
    assert_eq!(unnamed.status(), 422);
    let denied = app
        .send_json("DELETE", &format!("/api/v1/conversation-filters/{id}"), &agent, serde_json::json!({}))
        .await;
    assert_eq!(denied.status(), 403);

    // Another organization neither sees nor applies it.
    let stranger = app.register_verified("boss@filters.example", "Filterless").await;
    let (_, none) = app.get_json("/api/v1/conversation-filters", &stranger).await;
    assert_eq!(none["filters"], serde_json::json!([]));
    let (status, _) = app.get_json(&format!("/api/v1/conversations?filter_id={id}"), &stranger).await;
    assert_eq!(status, 404);

    let deleted = app
        .send_json("DELETE", &format!("/api/v1/conversation-filters/{id}"), &owner, serde_json::json!({}))
        .await;
    assert_eq!(deleted.status(), 204);
    let (_, after) = app.get_json("/api/v1/conversation-filters", &agent).await;
    assert_eq!(after["filters"], serde_json::json!([]));
}

#[tokio::test]
async fn the_team_sees_a_visitor_typing_and_their_draft_only_when_the_bot_shares_drafts() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (mut visitor, _, id) = chatting(&app, "vt-1").await;
    let mut owners = app.authed_socket("/api/v1/ws/dashboard", &owner).await;
    let stranger = app.register_verified("boss@typing.example", "Elsewhere").await;
    let mut strangers = app.authed_socket("/api/v1/ws/dashboard", &stranger).await;
    let typing =
        |draft: &str| ClientMsg::Typing { conversation_id: id, typing: true, draft: Some(draft.into()) };

    // Off by default: the team hears that the visitor writes, not what.
    visitor.send(&typing("my card number is")).await;
    let heard = owners.recv_until(|m| matches!(m, ServerMsg::VisitorTyping { .. })).await;
    assert_eq!(heard, ServerMsg::VisitorTyping { conversation_id: id, typing: true, draft: None });

    // The owner turns the draft preview on: now the draft comes along.
    let (_, bots) = app.get_json("/api/v1/chatbots", &owner).await;
    let bot = bots["chatbots"][0]["id"].as_str().expect("the demo bot").to_owned();
    let on = app
        .patch_json(
            &format!("/api/v1/chatbots/{bot}"),
            &owner,
            serde_json::json!({ "settings": { "behavior": { "share_drafts": true } } }),
        )
        .await;
    assert_eq!(on.status(), 200);
    // The open widget hears of the change (and its socket answers by it from then on).
    visitor.recv_until(|m| matches!(m, ServerMsg::WidgetConfig { .. })).await;
    visitor.send(&typing("Where is my")).await;
    let heard = owners.recv_until(|m| matches!(m, ServerMsg::VisitorTyping { draft: Some(_), .. })).await;
    assert_eq!(
        heard,
        ServerMsg::VisitorTyping { conversation_id: id, typing: true, draft: Some("Where is my".into()) }
    );
    visitor.send(&ClientMsg::Typing { conversation_id: id, typing: false, draft: Some("x".into()) }).await;
    let stopped = owners.recv_until(|m| matches!(m, ServerMsg::VisitorTyping { typing: false, .. })).await;
    assert_eq!(stopped, ServerMsg::VisitorTyping { conversation_id: id, typing: false, draft: None });

    // Another visitor's conversation cannot be typed into; another organization heard nothing.
    let (mut other, _) = app.visitor(crate::helpers::DEMO_BOT).await;
    other.send(&typing("not mine")).await;
    let refused = other.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await;
    assert!(matches!(refused, ServerMsg::Error { .. }));
    while !strangers.is_silent_for(std::time::Duration::from_millis(300)).await {
        let frame = strangers.recv().await;
        assert!(!matches!(frame, ServerMsg::VisitorTyping { .. }), "{frame:?}");
    }
}

#[tokio::test]
async fn canned_replies_are_the_teams_one_per_shortcut_and_stay_in_the_organization() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let agent = app.member_with_role(app::auth::Role::Agent).await;
    let viewer = app.member_with_role(app::auth::Role::Viewer).await;
    async fn save(
        app: &crate::helpers::TestApp,
        cookie: &str,
        shortcut: &str,
        content: &str,
    ) -> reqwest::Response {
        let body = serde_json::json!({ "shortcut": shortcut, "content": content });
        app.send_json("POST", "/api/v1/canned-replies", cookie, body).await
    }
    let saved = save(&app, &agent, "/Refund Policy", "Hi {customer.first_name}, refunds take 5 days.").await;
    assert_eq!(saved.status(), 201);
    let saved: serde_json::Value = saved.json().await.expect("json");
    assert_eq!(saved["shortcut"], "refund-policy", "read into one form");
    assert_eq!(saved["created_by"], "Test Agent");
    // The whole team sees it; the same shortcut again is a conflict; nonsense is refused.
    let (_, listed) = app.get_json("/api/v1/canned-replies", &owner).await;
    assert_eq!(listed["canned_replies"].as_array().map(Vec::len), Some(1));
    assert_eq!(save(&app, &owner, "refund_policy", "Other").await.status(), 409);
    assert_eq!(save(&app, &owner, "a/b", "Text").await.status(), 422);
    assert_eq!(save(&app, &owner, "empty", "  ").await.status(), 422);
    assert_eq!(save(&app, &viewer, "viewer", "Text").await.status(), 403, "a viewer cannot act");
    // Another organization neither sees nor deletes it.
    let stranger = app.register_verified("boss@canned.example", "Elsewhere").await;
    let (_, theirs) = app.get_json("/api/v1/canned-replies", &stranger).await;
    assert_eq!(theirs["canned_replies"].as_array().map(Vec::len), Some(0));
    let id = saved["id"].as_str().expect("id");
    let path = format!("/api/v1/canned-replies/{id}");
    let gone = app.http.delete(app.url(&path)).header("cookie", &stranger).send().await.expect("delete");
    assert_eq!(gone.status(), 404);
    let deleted = app.http.delete(app.url(&path)).header("cookie", &owner).send().await.expect("delete");
    assert_eq!(deleted.status(), 204);
    let (_, listed) = app.get_json("/api/v1/canned-replies", &owner).await;
    assert_eq!(listed["canned_replies"].as_array().map(Vec::len), Some(0));
}
