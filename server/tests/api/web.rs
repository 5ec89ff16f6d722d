use crate::helpers::{DEMO_BOT, spawn_app};

#[tokio::test]
async fn every_response_carries_the_security_headers() {
    let app = spawn_app().await;
    for path in ["/login", "/api/v1/health", "/embed.js"] {
        let response = app.get(path).await;
        let headers = response.headers();
        assert_eq!(headers["x-content-type-options"], "nosniff", "{path}");
        assert_eq!(headers["referrer-policy"], "strict-origin-when-cross-origin", "{path}");
        assert!(headers.contains_key("content-security-policy"), "{path}");
        assert!(!headers.contains_key("strict-transport-security"), "no HSTS over plain HTTP ({path})");
    }
    let behind_tls = app
        .http
        .get(app.url("/api/v1/health"))
        .header("x-forwarded-proto", "https")
        .send()
        .await
        .expect("GET");
    assert!(behind_tls.headers()["strict-transport-security"].to_str().expect("ascii").contains("max-age="));
}

#[tokio::test]
async fn the_widget_page_may_be_framed_and_its_scripts_carry_the_nonce() {
    let app = spawn_app().await;
    let response = app.get(&format!("/widget/{DEMO_BOT}")).await;
    assert_eq!(response.status(), 200);
    let csp = response.headers()["content-security-policy"].to_str().expect("ascii").to_owned();
    assert!(csp.contains("frame-ancestors *"), "{csp}");
    assert!(!response.headers().contains_key("x-frame-options"));
    let nonce =
        csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("nonce").to_owned();
    assert!(response.text().await.expect("html").contains(&format!("<script nonce=\"{nonce}\"")));

    let unknown = app.get("/widget/not-a-bot").await;
    assert_eq!(unknown.status(), 404);
    let dashboard = app.get("/login").await;
    assert_eq!(dashboard.headers()["x-frame-options"], "DENY");
}

#[tokio::test]
async fn static_assets_are_served_precompressed_with_cache_headers() {
    let app = spawn_app().await;
    let plain =
        app.http.get(app.url("/embed.js")).header("accept-encoding", "identity").send().await.expect("GET");
    assert_eq!(plain.headers()["cache-control"], "public, max-age=300");
    let raw_len = plain.bytes().await.expect("body").len();

    let brotli =
        app.http.get(app.url("/embed.js")).header("accept-encoding", "br").send().await.expect("GET");
    assert_eq!(brotli.headers()["content-encoding"], "br");
    assert_eq!(brotli.headers()["cache-control"], "public, max-age=300");
    assert!(brotli.bytes().await.expect("body").len() < raw_len / 4);

    let gzip =
        app.http.get(app.url("/embed.js")).header("accept-encoding", "gzip").send().await.expect("GET");
    assert_eq!(gzip.headers()["content-encoding"], "gzip");
}
