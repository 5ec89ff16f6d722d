use crate::helpers::spawn_app;

#[tokio::test]
async fn an_organization_reads_its_own_workspaces_and_chatbots_only() {
    let app = spawn_app().await;
    let acme = app.demo_owner().await;
    let (_, other_bot, _) = app.second_tenant().await;

    let (status, workspaces) = app.get_json("/api/v1/workspaces", &acme).await;
    assert_eq!(status, 200);
    assert_eq!(workspaces["workspaces"][0]["name"], "Acme Support");
    assert_eq!(workspaces["workspaces"][0]["plan"], "growth");

    let (status, bots) = app.get_json("/api/v1/chatbots", &acme).await;
    assert_eq!(status, 200);
    let bots = bots["chatbots"].as_array().expect("list").clone();
    assert_eq!(bots.len(), 1);
    assert_eq!(bots[0]["name"], "Acme Helper");
    assert_eq!(bots[0]["public_key"], "demo-acme-helper");

    let id = bots[0]["id"].as_str().expect("id");
    let (status, one) = app.get_json(&format!("/api/v1/chatbots/{id}"), &acme).await;
    assert_eq!((status, one["name"].as_str()), (200, Some("Acme Helper")));
    let snippet =
        format!(r#"<script src="{}/embed.js" data-bot="demo-acme-helper" async></script>"#, app.url(""));
    assert_eq!(one["embed_code"], snippet, "the one line to paste (PRD story 2.1)");

    // Another organization's bot does not exist for Acme; nor does nonsense.
    for path in [format!("/api/v1/chatbots/{other_bot}"), "/api/v1/chatbots/not-a-uuid".to_owned()] {
        let (status, body) = app.get_json(&path, &acme).await;
        assert_eq!(status, 404, "{path}");
        assert_eq!(body["error"]["resource"], "chatbot");
    }
}

#[tokio::test]
async fn the_loaders_ping_shows_the_install_and_counts_a_widget_load() {
    let app = crate::helpers::spawn_app().await;
    let acme = app.demo_owner().await;
    let (_, before) = app.get_json("/api/v1/workspaces", &acme).await;
    let ping = |key: &str| {
        app.http
            .post(app.url(&format!("/api/v1/widget/{key}/detected")))
            .header("origin", "https://shop.example")
            .send()
    };
    let answer = ping("demo-acme-helper").await.expect("a");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["access-control-allow-origin"], "*", "the loader on any site may read it");
    let launcher: serde_json::Value = answer.json().await.expect("the launcher's settings");
    assert_eq!(launcher["name"], "Acme Helper");
    assert_eq!(launcher["widget"]["position"], "bottom-right");
    let (_, bots) = app.get_json("/api/v1/chatbots", &acme).await;
    assert_eq!(bots["chatbots"][0]["installed_origin"], "https://shop.example");
    assert!(bots["chatbots"][0]["installed_seen_at"].is_string());
    let (_, after) = app.get_json("/api/v1/workspaces", &acme).await;
    assert_eq!(
        after["workspaces"][0]["widget_loads"]["used"].as_i64(),
        before["workspaces"][0]["widget_loads"]["used"].as_i64().map(|n| n + 1),
        "one widget load counted"
    );
    assert_eq!(ping("no-such-bot").await.expect("a").status(), 404);

    // A free workspace whose 100 loads are spent: the loader is told to stand down.
    let (workspace, key) = app.free_workspace_with_bot("tiny@example.com", "Tiny").await;
    chatsupport::billing::consume(
        &app.state.handles.db,
        workspace,
        chatsupport::billing::Pool::WidgetLoads,
        100,
    )
    .await
    .expect("the pool holds 100");
    let spent = ping(&key).await.expect("a");
    assert_eq!(spent.status(), 402);
    assert_eq!(spent.headers()["access-control-allow-origin"], "*");
}

/// The PRD §5.2.1 request, nested objects and all.
fn prd_bot(name: &str) -> serde_json::Value {
    serde_json::json!({
        "name": name,
        "personality": "friendly",
        "greeting_message": "Hi! How can I help you today?",
        "business_hours": {
            "enabled": true,
            "timezone": "America/New_York",
            "schedule": { "monday": { "start": "09:00", "end": "17:00" }, "tuesday": { "start": "09:00", "end": "17:00" } },
            "offline_message": "We're currently offline. Leave a message!"
        },
        "widget_settings": {
            "position": "bottom-left",
            "theme": { "primary_color": "#3B82F6", "secondary_color": "#1E40AF", "text_color": "#FFFFFF", "background_color": "#FFFFFF" },
            "button_text": "Chat with us",
            "size": "medium"
        }
    })
}

async fn bot_count(app: &crate::helpers::TestApp, owner: &str) -> Option<usize> {
    app.get_json("/api/v1/chatbots", owner).await.1["chatbots"].as_array().map(Vec::len)
}

async fn ping(app: &crate::helpers::TestApp, key: &str) -> u16 {
    app.http
        .post(app.url(&format!("/api/v1/widget/{key}/detected")))
        .send()
        .await
        .expect("answers")
        .status()
        .as_u16()
}

#[tokio::test]
async fn a_new_owner_creates_a_bot_that_is_live_at_once_within_the_plans_limit() {
    let app = spawn_app().await;
    let owner = app.register_verified("maker@example.com", "Maker Shop").await;
    let (_, empty) = app.get_json("/api/v1/chatbots", &owner).await;
    assert_eq!(empty["chatbots"], serde_json::json!([]), "a new organization has no bot");

    let created = app.send_json("POST", "/api/v1/chatbots", &owner, prd_bot("Support Bot")).await;
    assert_eq!(created.status(), 201);
    let bot: serde_json::Value = created.json().await.expect("the bot");
    assert_eq!(bot["name"], "Support Bot");
    assert_eq!(bot["status"], "active");
    assert_eq!(bot["personality"], "friendly");
    assert_eq!(bot["version"], 1);
    assert_eq!(bot["greeting"], "Hi! How can I help you today?");
    assert_eq!(bot["settings"]["business_hours"]["timezone"], "America/New_York");
    assert_eq!(bot["settings"]["widget"]["position"], "bottom-left");
    assert_eq!(bot["settings"]["widget"]["theme"]["primary_color"], "#3B82F6");
    let key = bot["public_key"].as_str().expect("key").to_owned();
    assert!(key.len() >= 20, "an unguessable widget key: {key}");
    assert_eq!(
        bot["embed_code"],
        format!(r#"<script src="{}/embed.js" data-bot="{key}" async></script>"#, app.url(""))
    );
    assert_eq!(ping(&app, &key).await, 200, "its widget loads at once");
    let (_, audit) = app.get_json("/api/v1/audit-log", &owner).await;
    assert!(audit.to_string().contains("chatbot.created"), "{audit}");

    // The free plan holds one bot: a second is refused with what to do, and nothing is stored.
    let refused = app.send_json("POST", "/api/v1/chatbots", &owner, prd_bot("Sales Bot")).await;
    let (status, error, message) = crate::helpers::api_error(refused).await;
    assert_eq!(status, 402);
    assert!(matches!(error, app::ApiError::QuotaExceeded { .. }));
    assert!(message.contains("Free plan includes 1 bot") && message.contains("upgrade"), "{message}");

    // Archived, its widget loads nowhere and its place is free; restoring needs room again.
    let id = bot["id"].as_str().expect("id").to_owned();
    let archived =
        app.send_json("DELETE", &format!("/api/v1/chatbots/{id}"), &owner, serde_json::json!({})).await;
    let archived: serde_json::Value = archived.json().await.expect("the bot");
    assert_eq!(archived["status"], "archived");
    assert!(archived["archived_at"].is_string());
    assert_eq!(ping(&app, &key).await, 404, "an archived bot's snippet loads nothing");
    let second = app.send_json("POST", "/api/v1/chatbots", &owner, prd_bot("Sales Bot")).await;
    assert_eq!(second.status(), 201);
    let second: serde_json::Value = second.json().await.expect("the bot");
    let restore =
        app.send_json("POST", &format!("/api/v1/chatbots/{id}/restore"), &owner, serde_json::json!({})).await;
    assert_eq!(restore.status(), 402, "no room to restore while Sales Bot is live");
    app.send_json(
        "DELETE",
        &format!("/api/v1/chatbots/{}", second["id"].as_str().expect("id")),
        &owner,
        serde_json::json!({}),
    )
    .await;
    let restored =
        app.send_json("POST", &format!("/api/v1/chatbots/{id}/restore"), &owner, serde_json::json!({})).await;
    assert_eq!(restored.status(), 200);
    assert_eq!(ping(&app, &key).await, 200, "restored, the same snippet works again");
    let (_, all) = app.get_json("/api/v1/chatbots", &owner).await;
    let statuses: Vec<&str> =
        all["chatbots"].as_array().expect("list").iter().filter_map(|b| b["status"].as_str()).collect();
    assert_eq!(statuses, ["active", "archived"], "archived bots stay listed: {all}");
}

#[tokio::test]
async fn bad_bot_input_is_refused_with_each_field_named_and_nothing_is_created() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let before = bot_count(&app, &owner).await;
    let mut bad_colour = prd_bot("Colour Bot");
    bad_colour["widget_settings"]["theme"]["primary_color"] = "red".into();
    let mut grumpy = prd_bot("Grumpy Bot");
    grumpy["personality"] = "grumpy".into();
    for (body, field) in [
        (prd_bot("ab"), "name"),
        (prd_bot("<b>Bot</b>"), "name"),
        (prd_bot(&"x".repeat(51)), "name"),
        (prd_bot("acme helper"), "name"), // the demo bot's name, in another case
        (bad_colour, "widget.theme.primary_color"),
        (grumpy, "personality"),
        (
            serde_json::json!({ "name": "Hours Bot", "business_hours": { "timezone": "Mars/Olympus" } }),
            "business_hours.timezone",
        ),
        (serde_json::json!({ "name": "Greeting Bot", "greeting_message": "" }), "greeting_message"),
    ] {
        let response = app.send_json("POST", "/api/v1/chatbots", &owner, body.clone()).await;
        let (status, error, message) = crate::helpers::api_error(response).await;
        assert_eq!(status, 422, "{body}: {message}");
        let app::ApiError::Validation { fields } = error else { panic!("{body}: {message}") };
        assert!(fields.iter().any(|f| f.field == field), "{body}: {fields:?}");
    }
    let unknown = app
        .send_json("POST", "/api/v1/chatbots", &owner, serde_json::json!({ "name": "X Bot", "colour": 1 }))
        .await;
    assert_eq!(unknown.status(), 400, "unknown fields are refused, not dropped");
    assert_eq!(bot_count(&app, &owner).await, before, "nothing was created");
}

#[tokio::test]
async fn every_change_is_a_version_with_its_diff_and_an_old_version_comes_back() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (_, bots) = app.get_json("/api/v1/chatbots", &owner).await;
    let id = bots["chatbots"][0]["id"].as_str().expect("id").to_owned();
    let greeting = bots["chatbots"][0]["greeting"].as_str().expect("greeting").to_owned();
    let path = format!("/api/v1/chatbots/{id}");

    let changed = app.patch_json(&path, &owner, serde_json::json!({ "greeting": "Welcome to Acme!" })).await;
    let changed: serde_json::Value = changed.json().await.expect("bot");
    assert_eq!(changed["version"], 2, "PATCH answers the new version (PRD §5.2.2)");
    let changed = app
        .patch_json(
            &path,
            &owner,
            serde_json::json!({ "settings": { "widget": { "size": "large" } }, "personality": "casual" }),
        )
        .await;
    assert_eq!(changed.json::<serde_json::Value>().await.expect("bot")["version"], 3);
    let same = app.patch_json(&path, &owner, serde_json::json!({ "greeting": "Welcome to Acme!" })).await;
    assert_eq!(same.json::<serde_json::Value>().await.expect("bot")["version"], 3, "no change, no version");

    let (status, versions) = app.get_json(&format!("{path}/versions"), &owner).await;
    assert_eq!(status, 200);
    let versions = versions["versions"].as_array().expect("list").clone();
    let numbers: Vec<i64> = versions.iter().filter_map(|v| v["version"].as_i64()).collect();
    assert_eq!(numbers, [3, 2, 1], "newest first");
    assert_eq!(
        versions[0]["changes"],
        serde_json::json!([
            { "field": "personality", "before": "professional", "after": "casual" },
            { "field": "settings.widget.size", "before": "medium", "after": "large" },
        ])
    );
    assert_eq!(versions[1]["changes"][0]["field"], "greeting");
    assert_eq!(
        versions[2]["summary"], "Before the first recorded change",
        "the demo bot's seeded configuration"
    );
    assert_eq!(versions[0]["changed_by"], "Acme Corp Owner");

    let restored =
        app.send_json("POST", &format!("{path}/versions/2/restore"), &owner, serde_json::json!({})).await;
    assert_eq!(restored.status(), 200);
    let restored: serde_json::Value = restored.json().await.expect("bot");
    assert_eq!(restored["version"], 4, "a restore is a new version; nothing is lost");
    assert_eq!(restored["greeting"], "Welcome to Acme!");
    assert_eq!(restored["settings"]["widget"]["size"], "medium");
    assert_eq!(restored["personality"], "professional");
    let (_, versions) = app.get_json(&format!("{path}/versions"), &owner).await;
    assert_eq!(versions["versions"][0]["summary"], "Restored version 2");
    let missing =
        app.send_json("POST", &format!("{path}/versions/99/restore"), &owner, serde_json::json!({})).await;
    assert_eq!(missing.status(), 404);
    assert_ne!(greeting, "Welcome to Acme!");
}

#[tokio::test]
async fn a_clone_copies_the_configuration_under_a_free_name() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (_, bots) = app.get_json("/api/v1/chatbots", &owner).await;
    let original = bots["chatbots"][0].clone();
    let id = original["id"].as_str().expect("id");
    let first =
        app.send_json("POST", &format!("/api/v1/chatbots/{id}/clone"), &owner, serde_json::json!({})).await;
    assert_eq!(first.status(), 201);
    let first: serde_json::Value = first.json().await.expect("bot");
    assert_eq!(first["name"], "Copy of Acme Helper");
    assert_eq!(first["settings"], original["settings"]);
    assert_eq!(first["greeting"], original["greeting"]);
    assert_ne!(first["public_key"], original["public_key"], "its own snippet");
    let second =
        app.send_json("POST", &format!("/api/v1/chatbots/{id}/clone"), &owner, serde_json::json!({})).await;
    assert_eq!(second.json::<serde_json::Value>().await.expect("bot")["name"], "Copy of Acme Helper 2");
}

#[tokio::test]
async fn the_guided_flow_posted_without_the_bundle_creates_the_bot_and_goes_on_to_the_list() {
    let app = spawn_app().await;
    let owner = app.register_verified("plain@example.com", "Plain Shop").await;
    let form = [
        ("name", "Plain Bot"),
        ("personality", "casual"),
        ("greeting", "Hey!"),
        ("hours", "business"),
        ("timezone", "Europe/Berlin"),
        ("opens", "08:00"),
        ("closes", "16:00"),
    ];
    let page = app
        .http
        .post(app.url("/api/fn/create_chatbot"))
        .header("cookie", &owner)
        .header("accept", "text/html,application/xhtml+xml")
        .form(&form)
        .send()
        .await
        .expect("answers");
    assert_eq!(page.status(), 200, "followed the redirect");
    assert!(page.url().as_str().ends_with("/bots"), "{}", page.url());
    let (_, bots) = app.get_json("/api/v1/chatbots", &owner).await;
    let bot = &bots["chatbots"][0];
    assert_eq!((bot["name"].as_str(), bot["personality"].as_str()), (Some("Plain Bot"), Some("casual")));
    let hours = &bot["settings"]["business_hours"];
    assert_eq!((hours["enabled"].as_bool(), hours["timezone"].as_str()), (Some(true), Some("Europe/Berlin")));
    assert_eq!(hours["schedule"]["monday"], serde_json::json!({ "start": "08:00", "end": "16:00" }));
    assert!(hours["schedule"]["saturday"].is_null(), "weekends closed unless ticked");

    // A call from the page's code (no text/html) is answered in JSON, not sent anywhere: here the
    // refusal of a second bot on the free plan (the e2e flow shows the created bot's step 3).
    let second = [("name", "Second Bot"), ("personality", "casual"), ("greeting", "Hi"), ("hours", "always")];
    let refused = app.server_fn("create_chatbot", &owner, &second).await;
    assert_eq!(refused.status(), 402);
    let error: app::ApiError = refused.json().await.expect("the ApiError itself");
    assert!(matches!(error, app::ApiError::QuotaExceeded { .. }), "{error:?}");
}
