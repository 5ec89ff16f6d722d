//! A bot's settings (PRD §5.2.2): validated changes, merge patches, the live push to open
//! widgets, the pre-chat form, business hours with the offline form, and the frame rules.

use app::{
    ApiError,
    dto::ConversationStatus,
    protocol::{ClientMsg, ServerMsg, VisitorDetails},
};
use chrono::Datelike;
use sea_orm::EntityTrait;
use serde_json::json;
use std::time::Duration;

use crate::helpers::{TestApp, error_of, spawn_app};

async fn demo_bot(app: &TestApp, cookie: &str) -> String {
    let (_, bots) = app.get_json("/api/v1/chatbots", cookie).await;
    bots["chatbots"][0]["id"].as_str().expect("the demo bot").to_owned()
}

/// Changes the demo bot's settings as its owner (a merge patch).
async fn configure_demo_bot(app: &TestApp, settings: serde_json::Value) {
    let owner = app.demo_owner().await;
    let bot = demo_bot(app, &owner).await;
    let answer =
        app.patch_json(&format!("/api/v1/chatbots/{bot}"), &owner, json!({ "settings": settings })).await;
    assert_eq!(answer.status(), 200, "changing the demo bot's settings");
}

fn first_message(id: &str, content: &str, name: Option<&str>, email: Option<&str>) -> ClientMsg {
    ClientMsg::MessageSend {
        client_msg_id: id.into(),
        conversation_id: None,
        content: content.into(),
        visitor: Some(VisitorDetails { name: name.map(Into::into), email: email.map(Into::into) }),
    }
}

#[tokio::test]
async fn settings_change_by_merge_patch_and_bad_values_change_nothing() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let path = format!("/api/v1/chatbots/{bot}");

    let answer = app
        .patch_json(
            &path,
            &owner,
            json!({
                "greeting": "Welcome to Acme!",
                "settings": {"widget": {"position": "bottom-left", "theme": {"primary_color": "#FF5500"}},
                             "behavior": {"response_delay_ms": 2500}}
            }),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let view: serde_json::Value = answer.json().await.expect("json");
    assert_eq!(view["greeting"], "Welcome to Acme!");
    assert_eq!(view["settings"]["widget"]["position"], "bottom-left");
    assert_eq!(view["settings"]["widget"]["theme"]["primary_color"], "#FF5500");
    assert_eq!(view["settings"]["widget"]["theme"]["text_color"], "#FFFFFF", "untouched keys stay");
    assert_eq!(view["settings"]["behavior"]["response_delay_ms"], 2500);
    assert_eq!(view["settings"]["behavior"]["inactivity_timeout_ms"], 300_000);

    // Each PRD rule: a clear error naming the field, and nothing stored.
    for (body, field) in [
        (
            json!({"settings": {"widget": {"theme": {"primary_color": "orange"}}}}),
            "widget.theme.primary_color",
        ),
        (json!({"settings": {"behavior": {"response_delay_ms": 5001}}}), "behavior.response_delay_ms"),
        (
            json!({"settings": {"behavior": {"inactivity_timeout_ms": 30000}}}),
            "behavior.inactivity_timeout_ms",
        ),
        (json!({"settings": {"business_hours": {"timezone": "Atlantis/Deep"}}}), "business_hours.timezone"),
        (json!({"settings": {"allowed_domains": ["evil.com; script-src *"]}}), "allowed_domains"),
        (json!({"name": "AB"}), "name"),
    ] {
        let (status, error) = error_of(app.patch_json(&path, &owner, body.clone()).await).await;
        assert_eq!(status, 422, "{body}");
        let ApiError::Validation { fields } = error else { panic!("{body}: {error:?}") };
        assert!(fields.iter().any(|f| f.field == field), "{body}: {fields:?}");
    }
    let (status, _) =
        error_of(app.patch_json(&path, &owner, json!({"settings": {"widget": {"size": "huge"}}})).await)
            .await;
    assert_eq!(status, 422, "an unknown size is refused");
    let (status, error) = error_of(app.patch_json(&path, &owner, json!({"colour": "red"})).await).await;
    assert_eq!(status, 400, "an unknown field is refused, not ignored");
    assert!(error.to_string().contains("colour"), "{error}");
    let (_, after) = app.get_json(&path, &owner).await;
    assert_eq!(after["settings"], view["settings"], "refused changes stored nothing");
    assert_eq!(after["name"], "Acme Helper");

    // Audited with before and after.
    let (_, audit) = app.get_json("/api/v1/audit-log?action=chatbot.updated", &owner).await;
    let entry = &audit["entries"][0];
    let json = |side: &str| -> serde_json::Value {
        serde_json::from_str(entry[side].as_str().expect("recorded")).expect("json")
    };
    assert_eq!(json("before")["greeting"], chatsupport::demo::DEMO_GREETING);
    assert_eq!(json("after")["greeting"], "Welcome to Acme!");
}

#[tokio::test]
async fn a_settings_change_reaches_open_widgets_at_once() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let (mut widget, _) = app.visitor("demo-acme-helper").await;
    let (mut other_bot_widget, _) = {
        let (_, _, key) = app.second_tenant().await;
        app.visitor(&key).await
    };

    let answer = app
        .patch_json(
            &format!("/api/v1/chatbots/{bot}"),
            &owner,
            json!({
                "greeting": "New hello", "language": null,
                "settings": {"widget": {"color_scheme": "dark"}, "language": "de"}
            }),
        )
        .await;
    assert_eq!(answer.status(), 400, "`language` belongs inside settings");
    let answer = app
        .patch_json(
            &format!("/api/v1/chatbots/{bot}"),
            &owner,
            json!({
                "greeting": "New hello", "settings": {"widget": {"color_scheme": "dark"}, "language": "de"}
            }),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let ServerMsg::WidgetConfig { bot: profile } =
        widget.recv_until(|m| matches!(m, ServerMsg::WidgetConfig { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(profile.greeting, "New hello");
    assert_eq!(profile.language.as_deref(), Some("de"));
    assert!(profile.look_class.contains("scheme-dark"), "{}", profile.look_class);
    assert!(
        other_bot_widget.is_silent_for(Duration::from_millis(300)).await,
        "another bot's widget hears nothing"
    );

    // The open socket answers by the new settings too: its next conversation opens with them.
    widget.send(&crate::helpers::send("c-after-change", None, "Hallo")).await;
    let greeting =
        widget.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 1)).await;
    let ServerMsg::MessageReceive { message } = greeting else { unreachable!() };
    assert_eq!(message.content, "New hello");
}

#[tokio::test]
async fn the_pre_chat_form_is_required_when_the_bot_asks_and_names_the_visitor() {
    let app = spawn_app().await;
    configure_demo_bot(&app, json!({"data_collection": {"collect_name": true, "collect_email": true}})).await;
    let (mut widget, visitor) = app.visitor("demo-acme-helper").await;

    for (id, name, email, field) in [
        ("p1", None, Some("ann@example.com"), "name"),
        ("p2", Some("Ann"), None, "email"),
        ("p3", Some("Ann"), Some("not-an-email"), "email"),
    ] {
        widget.send(&first_message(id, "Hello", name, email)).await;
        let ServerMsg::Error { error: ApiError::Validation { fields }, client_msg_id, .. } =
            widget.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await
        else {
            panic!("{id}: expected a validation error")
        };
        assert_eq!(client_msg_id.as_deref(), Some(id));
        assert!(fields.iter().any(|f| f.field == field), "{id}: {fields:?}");
    }
    assert_eq!(conversations_of(&app, &visitor).await, 0, "refused first messages open nothing");

    widget.send(&first_message("p4", "Hello", Some("Ann Lee"), Some("Ann@Example.com"))).await;
    widget.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.client_msg_id.as_deref() == Some("p4"))).await;
    let list = agents_list(&app).await;
    let mine = list.iter().find(|c| c.visitor_name == "Ann Lee").expect("the agent sees the visitor's name");
    assert_eq!(mine.visitor_email.as_deref(), Some("ann@example.com"));
}

/// The demo organization's conversations as the agents' inbox lists them.
async fn agents_list(app: &TestApp) -> Vec<app::dto::ConversationView> {
    app.demo_conversations().await
}

async fn conversations_of(app: &TestApp, visitor: &str) -> usize {
    use sea_orm::{ColumnTrait, QueryFilter};
    chatsupport::entities::conversation::Entity::find()
        .filter(chatsupport::entities::conversation::Column::VisitorId.eq(visitor))
        .all(&app.state.handles.db)
        .await
        .expect("q")
        .len()
}

#[tokio::test]
async fn outside_business_hours_a_message_waits_for_the_team_with_an_email() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    // Open only on a day that is not today (UTC), so it is closed now whatever the hour.
    let other_day =
        app::bot_settings::WEEKDAYS[(chrono::Utc::now().weekday().num_days_from_monday() as usize + 3) % 7];
    let answer = app
        .patch_json(&format!("/api/v1/chatbots/{bot}"), &owner, json!({
            "settings": {"business_hours": {
                "enabled": true, "timezone": "UTC",
                "schedule": {"monday": null, "tuesday": null, "wednesday": null, "thursday": null, "friday": null,
                             other_day: {"start": "00:00", "end": "23:59"}},
                "offline_message": "Back on Monday!"
            }}
        }))
        .await;
    assert_eq!(answer.status(), 200);
    let mut widget = app.socket("/api/v1/widget/ws?bot=demo-acme-helper").await;
    let ServerMsg::SessionReady { bot: profile, .. } = widget.recv().await else { panic!("session:ready") };
    assert!(!profile.online, "the widget is told to show the offline form");
    assert_eq!(profile.offline_message, "Back on Monday!");

    widget.send(&first_message("o1", "Please call me back", Some("Bo"), None)).await;
    let refused = widget.recv_until(|m| matches!(m, ServerMsg::Error { .. })).await;
    assert!(
        matches!(refused, ServerMsg::Error { error: ApiError::Validation { .. }, .. }),
        "offline needs an email"
    );

    widget.send(&first_message("o2", "Please call me back", Some("Bo"), Some("bo@example.com"))).await;
    let ServerMsg::MessageReceive { message } =
        widget.recv_until(|m| matches!(m, ServerMsg::MessageReceive { .. })).await
    else {
        unreachable!()
    };
    assert_eq!(message.seq, 1, "no greeting: nobody is in");
    assert!(widget.is_silent_for(Duration::from_millis(400)).await, "and the bot does not answer");
    let list = agents_list(&app).await;
    let left = list.iter().find(|c| c.visitor_email.as_deref() == Some("bo@example.com"));
    let left = left.expect("stored as a conversation for agents");
    assert_eq!(left.status, ConversationStatus::Escalated);
}

#[tokio::test]
async fn only_the_bots_allowed_sites_may_frame_its_widget() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let csp =
        |r: &reqwest::Response| r.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    let before = app.get("/widget/demo-acme-helper").await;
    assert!(csp(&before).contains("frame-ancestors *"), "{}", csp(&before));
    let answer = app
        .patch_json(
            &format!("/api/v1/chatbots/{bot}"),
            &owner,
            json!({
                "settings": {"allowed_domains": ["https://shop.example.com", "*.acme.test"]}
            }),
        )
        .await;
    assert_eq!(answer.status(), 200);
    let after = app.get("/widget/demo-acme-helper").await;
    assert!(csp(&after).contains("frame-ancestors https://shop.example.com *.acme.test;"), "{}", csp(&after));
    // Dashboard pages stay unframeable.
    let page = app.get("/login").await;
    assert!(csp(&page).contains("frame-ancestors 'none'"), "{}", csp(&page));
}

#[tokio::test]
async fn after_the_set_number_of_messages_the_bot_offers_a_person_once() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let answer = app
        .patch_json(&format!("/api/v1/chatbots/{bot}"), &owner, json!({
            "settings": {"behavior": {"max_conversation_length": 2, "handoff_message": "Shall I fetch a colleague?"}}
        }))
        .await;
    assert_eq!(answer.status(), 200);
    let (mut widget, _) = app.visitor("demo-acme-helper").await;
    let bot_says = |m: &ServerMsg| matches!(m, ServerMsg::MessageReceive { message } if message.sender.kind == app::dto::SenderKind::Bot);
    // Message 1: greeting, visitor, fallback.
    widget.send(&crate::helpers::send("h-1", None, "One")).await;
    let ServerMsg::MessageReceive { message } =
        widget.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 3)).await
    else {
        unreachable!()
    };
    assert_ne!(message.content, "Shall I fetch a colleague?");
    // Message 2: the fallback, then the offer.
    widget.send(&crate::helpers::send("h-2", Some(message.conversation_id), "Two")).await;
    let mut said = Vec::new();
    while said.len() < 2 {
        if let ServerMsg::MessageReceive { message } = widget.recv_until(bot_says).await {
            said.push(message.content);
        }
    }
    assert_eq!(said[1], "Shall I fetch a colleague?", "{said:?}");
    // Message 3: only the fallback again.
    widget.send(&crate::helpers::send("h-3", Some(message.conversation_id), "Three")).await;
    let ServerMsg::MessageReceive { message: third } = widget.recv_until(bot_says).await else {
        unreachable!()
    };
    assert_ne!(third.content, "Shall I fetch a colleague?");
    let mut quiet = true;
    while let Ok(frame) = tokio::time::timeout(Duration::from_millis(400), widget.recv()).await {
        if bot_says(&frame) {
            quiet = false;
        }
    }
    assert!(quiet, "the offer comes once");
}

#[tokio::test]
async fn open_widgets_switch_to_the_offline_form_when_business_hours_end() {
    use chrono::TimeZone;
    let app = spawn_app().await;
    configure_demo_bot(&app, json!({"business_hours": {"enabled": true, "timezone": "Europe/Berlin"}})).await;
    let (mut widget, _) = app.visitor("demo-acme-helper").await;
    let mut seen = chatsupport::bots::hours::Seen::new();
    let (db, events) = (&app.state.handles.db, &app.state.handles.events);
    // Monday 2026-11-23, 15:59 UTC = 16:59 in Berlin (open until 17:00), then 16:00 UTC.
    let before = chrono::Utc.with_ymd_and_hms(2026, 11, 23, 15, 59, 0).unwrap();
    let after = chrono::Utc.with_ymd_and_hms(2026, 11, 23, 16, 0, 0).unwrap();
    assert!(chatsupport::bots::hours::look(db, events, &mut seen, before).await.expect("look").is_empty());
    assert!(
        chatsupport::bots::hours::look(db, events, &mut seen, before).await.expect("look").is_empty(),
        "nothing changed, nothing announced"
    );
    let changed = chatsupport::bots::hours::look(db, events, &mut seen, after).await.expect("look");
    assert_eq!(changed.len(), 1, "the hours closed");
    let ServerMsg::WidgetConfig { bot: profile } =
        widget.recv_until(|m| matches!(m, ServerMsg::WidgetConfig { .. })).await
    else {
        unreachable!()
    };
    assert!(!profile.online, "the widget shows the offline form now");
}
