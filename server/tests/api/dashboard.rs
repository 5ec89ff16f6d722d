use std::time::Duration;

use app::protocol::ServerMsg;

use crate::helpers::{DEMO_BOT, send, spawn_app};

#[tokio::test]
async fn the_dashboard_socket_carries_only_its_organizations_events() {
    let app = spawn_app().await;
    let (_, _, other_key) = app.second_tenant().await;
    let mut dashboard = app.dashboard().await;
    let (mut globex_visitor, _) = app.visitor(&other_key).await;
    globex_visitor.send(&send("g-1", None, "Globex only")).await;
    globex_visitor
        .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 3))
        .await;
    assert!(
        dashboard.is_silent_for(Duration::from_millis(500)).await,
        "Acme's dashboard sees nothing of Globex"
    );
}

#[tokio::test]
async fn the_conversations_page_renders_on_the_server_with_the_demo_conversation() {
    let app = spawn_app().await;
    let cookie = app.demo_owner().await;
    let response =
        app.http.get(app.url("/conversations")).header("cookie", &cookie).send().await.expect("GET");
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    let html = response.text().await.expect("html");
    assert!(html.contains("John Smith") && html.contains("Thanks for your help!"), "{html}");
    assert!(html.contains("role=\"search\""));
    // The hydration script runs under the CSP's nonce and nothing else inline does.
    let nonce =
        csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce in the CSP");
    assert!(html.contains(&format!("nonce=\"{nonce}\"")));
    assert!(csp.contains("frame-ancestors 'none'"));
}

#[tokio::test]
async fn an_unknown_page_is_a_404_page() {
    let app = spawn_app().await;
    let cookie = app.demo_owner().await;
    let response =
        app.http.get(app.url("/no-such-page")).header("cookie", &cookie).send().await.expect("GET");
    assert_eq!(response.status(), 404);
    assert!(response.text().await.expect("html").contains("Page not found"));
}

#[tokio::test]
async fn search_finds_messages_of_the_viewers_organization_only() {
    let app = spawn_app().await;
    // A word the demo bot's knowledge does not hold, so its answers do not match too.
    let (globex, _, other_key) = app.second_tenant().await;
    let (mut acme_visitor, _) = app.visitor(DEMO_BOT).await;
    let (mut globex_visitor, _) = app.visitor(&other_key).await;
    acme_visitor.send(&send("a-1", None, "My umbrella never arrived")).await;
    globex_visitor.send(&send("g-1", None, "An umbrella for Globex")).await;
    acme_visitor.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 2)).await;
    globex_visitor
        .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 2))
        .await;
    // Give the listener a moment to queue the documents, then wait for the commit.
    tokio::time::sleep(Duration::from_millis(100)).await;
    app.state.search.flush().await;

    let acme_hits = app.state.search.search(app.demo_org().await, "umbrella").expect("search");
    assert_eq!(acme_hits.len(), 1);
    assert_eq!(acme_hits[0].snippet, "My umbrella never arrived");
    let (start, end) = acme_hits[0].highlights[0];
    assert_eq!(&acme_hits[0].snippet[start..end], "umbrella");
    let globex_hits = app.state.search.search(globex, "umbrella").expect("search");
    assert_eq!(globex_hits.len(), 1);
    assert_ne!(globex_hits[0].message_id, acme_hits[0].message_id);

    // Through the typed server function too (what the dashboard calls).
    let cookie = app.demo_owner().await;
    let response = app.server_fn("search_messages", &cookie, &[("query", "umbrella")]).await;
    assert_eq!(response.status(), 200);
    let hits: Vec<app::dto::SearchHit> = response.json().await.expect("hits");
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].message_id, acme_hits[0].message_id);
}

#[tokio::test]
async fn a_server_function_with_bad_arguments_answers_with_an_api_error() {
    let app = spawn_app().await;
    let cookie = app.demo_owner().await;
    let response = app.server_fn("conversation_messages", &cookie, &[("id", "not-a-uuid")]).await;
    assert!(response.status().is_client_error() || response.status().is_server_error());
    let error: app::ApiError = response.json().await.expect("an ApiError body");
    assert!(matches!(error, app::ApiError::BadRequest { .. }), "{error:?}");
}
