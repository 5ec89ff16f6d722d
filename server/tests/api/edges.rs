//! The shared edges: cookie-authenticated requests must come from the dashboard's own origin,
//! client addresses are read from `X-Forwarded-For` only behind a trusted proxy, and the
//! realtime hub forgets a topic when its last socket closes.

use futures::StreamExt;
use tokio_tungstenite::{connect_async, tungstenite::client::IntoClientRequest};

use crate::helpers::{DEMO_BOT, spawn_app, spawn_app_with};

const EVIL: &str = "https://evil.example";

#[tokio::test]
async fn a_cookie_authenticated_change_from_another_origin_is_refused_and_changes_nothing() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let patch = |origin: Option<&str>, name: &str| {
        let mut request = app
            .http
            .patch(app.url("/api/v1/organization"))
            .header("cookie", &owner)
            .json(&serde_json::json!({ "name": name }));
        if let Some(origin) = origin {
            request = request.header("origin", origin);
        }
        request.send()
    };
    let refused = patch(Some(EVIL), "Evil Corp").await.expect("answers");
    assert_eq!(refused.status(), 403);
    let body: serde_json::Value = refused.json().await.expect("an ApiError body");
    assert_eq!(body["error"]["code"], "forbidden");
    // Another origin of the same site is still another origin.
    let sibling = app.http.patch(app.url("/api/v1/organization")).header("cookie", &owner);
    let sibling = sibling.header("sec-fetch-site", "same-site").json(&serde_json::json!({ "name": "Blog" }));
    assert_eq!(sibling.send().await.expect("answers").status(), 403);
    let (_, profile) = app.get_json("/api/v1/organization", &owner).await;
    assert_eq!(profile["name"], "Acme Corp", "nothing changed");

    // The dashboard itself (its own origin) and non-browser clients (no Origin) pass.
    let own = app.url("");
    assert_eq!(patch(Some(&own), "Acme Corp Ltd").await.expect("answers").status(), 200);
    assert_eq!(patch(None, "Acme Corp").await.expect("answers").status(), 200);
}

#[tokio::test]
async fn a_server_function_called_from_another_origin_is_refused() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (path, _) = leptos::server_fn::axum::server_fn_paths()
        .find(|(path, _)| path.ends_with("/update_organization"))
        .expect("the profile server function is registered");
    let call = |origin: String, name: &'static str| {
        let form = [
            ("name", name),
            ("website", ""),
            ("industry", ""),
            ("company_size", ""),
            ("primary_color", "#4f46e5"),
            ("secondary_color", "#0ea5e9"),
        ];
        app.http.post(app.url(path)).header("cookie", &owner).header("origin", origin).form(&form).send()
    };
    let refused = call(EVIL.to_owned(), "Evil Corp").await.expect("answers");
    assert_eq!(refused.status(), 403);
    let (_, profile) = app.get_json("/api/v1/organization", &owner).await;
    assert_eq!(profile["name"], "Acme Corp", "nothing changed");
    let accepted = call(app.url(""), "Acme Corp Ltd").await.expect("answers");
    assert_ne!(accepted.status(), 403);
    let (_, profile) = app.get_json("/api/v1/organization", &owner).await;
    assert_eq!(profile["name"], "Acme Corp Ltd", "the dashboard's own call went through");
}

#[tokio::test]
async fn the_dashboard_socket_opens_only_for_the_dashboards_own_origin() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let handshake = |origin: &str| {
        let mut request =
            format!("ws://{}/api/v1/ws/dashboard", app.address).into_client_request().expect("request");
        request.headers_mut().insert("cookie", owner.parse().expect("cookie"));
        request.headers_mut().insert("origin", origin.parse().expect("origin"));
        connect_async(request)
    };
    let refused = handshake(EVIL).await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => assert_eq!(response.status(), 403),
        other => panic!("the handshake from {EVIL} must be refused, got {:?}", other.map(|_| "a socket")),
    }
    assert!(handshake(&app.url("")).await.is_ok(), "the dashboard's own origin connects");
}

#[tokio::test]
async fn the_client_address_comes_from_a_trusted_proxy_only() {
    // Behind a proxy on loopback: the allow-list judges the address the proxy names.
    let app =
        spawn_app_with(|config| config.trusted_proxies = vec!["127.0.0.1/32".parse().expect("net")]).await;
    let owner = app.demo_owner().await;
    let put_from = |client: &'static str| {
        app.http
            .put(app.url("/api/v1/organization/security"))
            .header("cookie", &owner)
            .header("x-forwarded-for", client)
            .json(&serde_json::json!({
                "require_mfa": false, "session_timeout_minutes": null, "ip_allowlist": ["198.51.100.0/24"]
            }))
            .send()
    };
    // From 203.0.113.9 the list would lock its author out; from 198.51.100.7 it is fine.
    assert_eq!(put_from("203.0.113.9").await.expect("answers").status(), 422);
    assert_eq!(put_from("198.51.100.7").await.expect("answers").status(), 200);
    let team = |client: &'static str| {
        app.http
            .get(app.url("/api/v1/team"))
            .header("cookie", &owner)
            .header("x-forwarded-for", client)
            .send()
    };
    assert_eq!(team("198.51.100.7").await.expect("answers").status(), 200);
    let outside = team("203.0.113.9").await.expect("answers");
    assert_eq!(outside.status(), 403);
    let body: serde_json::Value = outside.json().await.expect("body");
    assert_eq!(body["error"]["code"], "ip_not_allowed");

    // Without trusted proxies the header is the caller's own word and is ignored.
    let direct = spawn_app().await;
    let owner = direct.demo_owner().await;
    let spoofed = direct
        .http
        .put(direct.url("/api/v1/organization/security"))
        .header("cookie", &owner)
        .header("x-forwarded-for", "198.51.100.7")
        .json(&serde_json::json!({
            "require_mfa": false, "session_timeout_minutes": null, "ip_allowlist": ["198.51.100.0/24"]
        }))
        .send()
        .await
        .expect("answers");
    assert_eq!(spoofed.status(), 422, "the peer 127.0.0.1 is not on the list, whatever the header says");
}

#[tokio::test]
async fn ten_thousand_widgets_opened_and_closed_leave_the_hub_empty() {
    let app = spawn_app().await;
    let url = format!("ws://{}/api/v1/widget/ws?bot={DEMO_BOT}", app.address);
    let mut opened = 0;
    // In waves below the plan's connection cap, so every socket is a real, subscribed widget.
    for _ in 0..100 {
        let wave = (0..100).map(|_| {
            let url = url.clone();
            async move {
                let (mut socket, _) = connect_async(url).await.expect("socket connects");
                // `session:ready` comes after the socket subscribed to its topics.
                let ready = socket.next().await.expect("a frame").expect("readable");
                assert!(ready.to_text().expect("text").contains("session:ready"), "{ready:?}");
                socket.close(None).await.expect("closes");
            }
        });
        futures::future::join_all(wave).await;
        opened += 100;
    }
    assert_eq!(opened, 10_000);
    // The server notices each close on its side; give it a moment.
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(20);
    while app.state.handles.hub.topic_count() > 0 && std::time::Instant::now() < deadline {
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert_eq!(app.state.handles.hub.topic_count(), 0, "no topic of a closed widget stays in the hub");
}
