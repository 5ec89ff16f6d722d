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
