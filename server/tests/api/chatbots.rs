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
