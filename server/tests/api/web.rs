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
async fn pages_load_the_fingerprinted_bundle_which_is_cached_for_a_year() {
    let app = spawn_app().await;
    let page = app.get("/login").await.text().await.expect("page");
    let bundle = chatsupport::http::assets::Bundle::load(&app.state.handles.config.site_dir);
    assert_ne!(bundle.name, "chatsupport", "the test site was fingerprinted");
    for path in [
        format!("/pkg/{}.js", bundle.name),
        format!("/pkg/{}_bg.wasm", bundle.name),
        format!("/pkg/{}", bundle.stylesheet),
    ] {
        assert!(page.contains(&path), "the page loads {path}");
        let served = app.get(&path).await;
        assert_eq!(served.status(), 200, "{path}");
        assert_eq!(served.headers()["cache-control"], "public, max-age=31536000, immutable", "{path}");
    }
    // The build's own names (a build that skipped `chatsupport assets`) are revalidated.
    let unhashed = app.get("/pkg/chatsupport.js").await;
    assert_eq!(unhashed.headers()["cache-control"], "no-cache");
    // A missing file is not cached at all.
    let missing = app.get("/pkg/chatsupport-0123456789abcdef.js").await;
    assert_eq!(missing.status(), 404);
    assert!(
        missing.headers().get("cache-control").is_none_or(|v| v != "public, max-age=31536000, immutable")
    );
}

#[tokio::test]
async fn pages_and_server_function_answers_are_compressed_for_browsers_that_accept_it() {
    let app = spawn_app().await;
    let plain =
        app.http.get(app.url("/login")).header("accept-encoding", "identity").send().await.expect("GET");
    assert!(plain.headers().get("content-encoding").is_none());
    let html = plain.bytes().await.expect("body");
    assert!(std::str::from_utf8(&html).unwrap_or_default().contains("Sign in"));

    let brotli = app.http.get(app.url("/login")).header("accept-encoding", "br").send().await.expect("GET");
    assert_eq!(brotli.headers()["content-encoding"], "br");
    let compressed = brotli.bytes().await.expect("body");
    assert!(compressed.len() < html.len() / 2, "{} of {} bytes", compressed.len(), html.len());
    let mut unpacked = Vec::new();
    brotli::BrotliDecompress(&mut compressed.as_ref(), &mut unpacked).expect("valid brotli");
    // The same page (each render has its own nonce, so compare what it says).
    let page = String::from_utf8(unpacked).expect("utf-8");
    assert!(page.starts_with("<!DOCTYPE html>") && page.contains("Sign in"), "{page}");

    // A server function's answer (the inbox list) is compressed too.
    let cookie = app.demo_owner().await;
    let answer = app
        .http
        .post(app.url("/api/fn/conversations"))
        .header("cookie", &cookie)
        .header("origin", app.url(""))
        .header("accept-encoding", "gzip")
        .header("content-type", "application/x-www-form-urlencoded")
        .send()
        .await
        .expect("POST");
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.headers()["content-encoding"], "gzip");
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
