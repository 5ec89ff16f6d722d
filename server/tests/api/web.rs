use crate::helpers::{DEMO_BOT, spawn_app, spawn_app_with};

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
async fn pages_load_the_fingerprinted_bundle_of_their_area_which_is_cached_for_a_year() {
    use app::Area;
    const OPERATOR: &str = "ops@chatsupport.example";
    let app = spawn_app_with(|config| config.platform_admins = vec![OPERATOR.to_owned()]).await;
    let bundles = chatsupport::http::assets::bundles(&app.state.handles.config.site_dir);
    let owner = app.demo_owner().await;
    let page_of = |path: &'static str, cookie: &String| {
        let request = app.http.get(app.url(path)).header("cookie", cookie);
        async move { request.send().await.expect("GET").text().await.expect("page") }
    };
    let operator = app.register_verified(OPERATOR, "ChatSupport Operations").await;
    let anonymous = String::new();
    let cases = [
        // Signed out: signed in, /login takes the owner to the inbox.
        ("/login", Area::Main, &anonymous),
        ("/conversations", Area::Inbox, &owner),
        ("/team", Area::Main, &owner),
        ("/bots/new", Area::Bots, &owner),
        ("/admin", Area::Admin, &operator),
        // The console does not exist for anyone else: the main area's 404, not its bundle.
        ("/admin", Area::Main, &owner),
    ];
    for (path, area, cookie) in cases {
        let page = page_of(path, cookie).await;
        let script = bundles.script(area);
        assert_ne!(script, area.build_name(), "the test site was fingerprinted");
        for other in Area::ALL.into_iter().filter(|other| *other != area) {
            assert!(
                !page.contains(&format!("/pkg/{}.js", bundles.script(other))),
                "{path} loads only its area's bundle"
            );
        }
        for asset in [
            format!("/pkg/{script}.js"),
            format!("/pkg/{script}_bg.wasm"),
            format!("/pkg/{}", bundles.stylesheet),
        ] {
            assert!(page.contains(&asset), "{path} loads {asset}");
            let served = app.get(&asset).await;
            assert_eq!(served.status(), 200, "{asset}");
            assert_eq!(served.headers()["cache-control"], "public, max-age=31536000, immutable", "{asset}");
        }
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

#[tokio::test]
async fn text_drawn_into_a_textarea_by_the_server_stays_text() {
    let app = spawn_app().await;
    let jane = app.sign_in("jane@acme.com", "password123").await;
    let bio = "Fish & chips </textarea><form id=injected action=https://evil.example><p>";
    let saved = app.patch_json("/api/v1/profile", &jane, serde_json::json!({ "bio": bio })).await;
    assert_eq!(saved.status(), 200);
    let page = app
        .http
        .get(app.url("/profile"))
        .header("cookie", &jane)
        .header("accept-encoding", "identity")
        .send()
        .await
        .expect("GET")
        .text()
        .await
        .expect("html");
    let html = scraper::Html::parse_document(&page);
    let injected = scraper::Selector::parse("form#injected").expect("selector");
    assert_eq!(html.select(&injected).count(), 0, "the bio became markup");
    let field = scraper::Selector::parse("textarea[name=bio]").expect("selector");
    let textarea = html.select(&field).next().expect("the bio field is drawn");
    assert_eq!(textarea.text().collect::<String>(), bio, "the field holds the bio as written");
}
