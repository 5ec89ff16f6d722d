//! Website sources: a real crawl over HTTP of a small site this test serves on loopback —
//! robots.txt, sitemap, a link loop, duplicates, an image, a slow page — through the crawl
//! job to the knowledge search; each bad start address failing with its reason; internal
//! addresses refused unless the server allows them; re-crawls fetching only what changed; a
//! crawl cut off by a restart finishing once.

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Duration,
};

use app::protocol::ServerMsg;
use axum::{
    Router,
    body::Body,
    extract::{Path, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::get,
};
use serde_json::{Value, json};

use crate::{
    helpers::{TestApp, error_of, spawn_app, spawn_app_with},
    knowledge::{demo_bot, search, settled},
};

/// The test site: pages by path (changeable between crawls), and how often each was fetched.
#[derive(Clone, Default)]
struct Site {
    pages: Arc<Mutex<HashMap<String, String>>>,
    hits: Arc<Mutex<HashMap<String, u32>>>,
    /// Each page waits this long before answering (a crawl to cut off mid-way).
    slow_ms: Arc<Mutex<u64>>,
}

fn page(title: &str, body: &str, links: &[&str]) -> String {
    let links: String = links.iter().map(|l| format!(r#"<li><a href="{l}">{l}</a></li>"#)).collect();
    format!(
        "<!doctype html><html><head><title>{title}</title></head><body><nav><ul>{links}</ul></nav><h1>{title}</h1><p>{body}</p><ul>{links}</ul></body></html>"
    )
}

impl Site {
    fn standard() -> Self {
        let site = Site::default();
        {
            let mut p = site.pages.lock().expect("lock");
            p.insert(
                "/".into(),
                page(
                    "Acme Docs",
                    "Lighthouses guide the Acme ships home.",
                    &[
                        "/docs/install",
                        "/private/secret",
                        "/loop/a",
                        "/logo.png",
                        "/docs/install#steps",
                        "http://elsewhere.invalid/",
                        "/missing",
                    ],
                ),
            );
            p.insert(
                "/docs/install".into(),
                page(
                    "Installing",
                    "Run the Quasar installer and restart twice.",
                    &["/", "/docs/billing", "/copy"],
                ),
            );
            p.insert(
                "/docs/billing".into(),
                page("Billing", "Invoices arrive on the Saturn day of each month.", &["/docs/install"]),
            );
            // The same page under another address (a print view, a tracking copy).
            let install = p["/docs/install"].clone();
            p.insert("/copy".into(), install);
            p.insert("/loop/a".into(), page("Loop A", "The Andromeda loop starts here.", &["/loop/b"]));
            p.insert("/loop/b".into(), page("Loop B", "The Borealis loop comes back.", &["/loop/a"]));
            p.insert("/private/secret".into(), page("Secret", "The zebra password is never indexed.", &[]));
            p.insert("/listed-only".into(), page("Listed", "Only the sitemap knows the Nebula page.", &[]));
        }
        site
    }

    async fn serve(self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let address = format!("http://{}", listener.local_addr().expect("addr"));
        let base = address.clone();
        let app = Router::new()
            .route(
                "/robots.txt",
                get(move || {
                    let base = base.clone();
                    async move { format!("User-agent: *\nDisallow: /private/\nSitemap: {base}/sitemap.xml\n") }
                }),
            )
            .route("/sitemap.xml", get(sitemap))
            .route("/logo.png", get(|| async { ([(header::CONTENT_TYPE, "image/png")], b"\x89PNG\r\n\x1a\nrest".to_vec()) }))
            .route("/loop-redirect-a", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop-redirect-b")]) }))
            .route("/loop-redirect-b", get(|| async { (StatusCode::FOUND, [(header::LOCATION, "/loop-redirect-a")]) }))
            .route("/never-ends", get(never_ends))
            .route("/", get(serve_page))
            .route("/{*path}", get(serve_page))
            .with_state(self);
        tokio::spawn(async move { axum::serve(listener, app).await.expect("the test site serves") });
        address
    }

    fn hits(&self, path: &str) -> u32 {
        self.hits.lock().expect("lock").get(path).copied().unwrap_or(0)
    }
}

/// Lists the sitemap's pages the site still has.
async fn sitemap(State(site): State<Site>, headers: HeaderMap) -> String {
    let host = headers.get(header::HOST).and_then(|h| h.to_str().ok()).unwrap_or_default().to_owned();
    let pages = site.pages.lock().expect("lock");
    let listed: String = ["/listed-only", "/docs/billing"]
        .iter()
        .filter(|p| pages.contains_key(**p))
        .map(|p| format!("<url><loc>http://{host}{p}</loc></url>"))
        .collect();
    format!(
        r#"<?xml version="1.0" encoding="UTF-8"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{listed}</urlset>"#
    )
}

async fn never_ends() -> Response {
    let stream = futures::stream::once(async {
        Ok::<_, std::io::Error>(axum::body::Bytes::from_static(b"<html><body><p>Start"))
    })
    .chain(futures::stream::pending());
    ([(header::CONTENT_TYPE, "text/html")], Body::from_stream(stream)).into_response()
}

use futures::StreamExt;

async fn serve_page(State(site): State<Site>, path: Option<Path<String>>, headers: HeaderMap) -> Response {
    let path = path.map(|Path(p)| format!("/{p}")).unwrap_or_else(|| "/".into());
    *site.hits.lock().expect("lock").entry(path.clone()).or_default() += 1;
    let slow = *site.slow_ms.lock().expect("lock");
    if slow > 0 {
        tokio::time::sleep(Duration::from_millis(slow)).await;
    }
    let Some(html) = site.pages.lock().expect("lock").get(&path).cloned() else {
        return (StatusCode::NOT_FOUND, "not here").into_response();
    };
    let etag = format!("\"{:x}\"", html.len() * 31 + html.bytes().map(usize::from).sum::<usize>());
    if headers.get(header::IF_NONE_MATCH).and_then(|v| v.to_str().ok()) == Some(etag.as_str()) {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag)]).into_response();
    }
    ([(header::CONTENT_TYPE, "text/html; charset=utf-8".to_owned()), (header::ETAG, etag)], html)
        .into_response()
}

async fn crawl_app() -> TestApp {
    spawn_app_with(|c| {
        c.crawl_allow_private = true;
        c.crawl_page_timeout_secs = 2;
    })
    .await
}

async fn add_site(app: &TestApp, owner: &str, bot: &str, url: &str, settings: Value) -> reqwest::Response {
    app.send_json(
        "POST",
        "/api/v1/knowledge-base/urls",
        owner,
        json!({ "chatbot_id": bot, "url": url, "crawl_settings": settings }),
    )
    .await
}

async fn added_site(app: &TestApp, owner: &str, bot: &str, url: &str) -> String {
    let response =
        add_site(app, owner, bot, url, json!({ "max_pages": 30, "max_depth": 3, "delay_ms": 0 })).await;
    assert_eq!(response.status(), 201);
    let body: Value = response.json().await.expect("json");
    assert_eq!(body["kind"], "url");
    assert!(matches!(body["status"].as_str(), Some("pending" | "crawling")), "{body}");
    body["id"].as_str().expect("id").to_owned()
}

async fn pages(app: &TestApp, owner: &str, id: &str) -> HashMap<String, Value> {
    let (status, body) = app.get_json(&format!("/api/v1/knowledge-base/urls/{id}/pages"), owner).await;
    assert_eq!(status, 200, "{body}");
    body["pages"]
        .as_array()
        .expect("pages")
        .iter()
        .map(|p| {
            let url = p["url"].as_str().expect("url");
            let path = url.splitn(4, '/').nth(3).map(|p| format!("/{p}")).unwrap_or_else(|| "/".into());
            (path, p.clone())
        })
        .collect()
}

fn texts(hits: &[Value]) -> Vec<String> {
    hits.iter().map(|h| h["snippet"].as_str().unwrap_or_default().to_owned()).collect()
}

#[tokio::test]
async fn a_site_is_crawled_within_robots_txt_its_sitemap_and_its_loops_and_found_by_search() {
    let app = crawl_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let site = Site::standard();
    let base = site.clone().serve().await;
    let mut socket = app.authed_socket("/api/v1/ws/dashboard", &owner).await;
    let id = added_site(&app, &owner, &bot, &format!("{base}/")).await;

    // Progress frames name the page just read; the last one says completed.
    let mut progress = 0;
    let done = loop {
        match socket.recv().await {
            ServerMsg::CrawlProgress { source_id, current_url, .. } if source_id.to_string() == id => {
                progress += usize::from(current_url.is_some());
            }
            msg @ ServerMsg::CrawlCompleted { .. } => break msg,
            _ => {}
        }
    };
    let ServerMsg::CrawlCompleted { status, pages_found, pages_processed, chunks_created, source, .. } = done
    else {
        unreachable!()
    };
    assert_eq!(status.as_str(), "completed");
    assert!(progress >= 6, "a crawl:progress per page ({progress})");
    assert!(chunks_created >= 6, "{chunks_created} passages");
    assert_eq!(pages_found, pages_processed);
    assert!(source.last_crawled_at.is_some());

    let found = pages(&app, &owner, &id).await;
    let state = |path: &str| found.get(path).map(|p| p["state"].as_str().unwrap_or_default().to_owned());
    assert_eq!(state("/").as_deref(), Some("read"));
    assert_eq!(state("/docs/install").as_deref(), Some("read"));
    assert_eq!(state("/listed-only").as_deref(), Some("read"), "the sitemap's page: {found:?}");
    assert_eq!(state("/loop/a").as_deref(), Some("read"));
    assert_eq!(state("/loop/b").as_deref(), Some("read"));
    assert_eq!(state("/private/secret").as_deref(), Some("skipped"));
    assert_eq!(state("/copy").as_deref(), Some("duplicate"), "{:?}", found.get("/copy"));
    assert_eq!(state("/logo.png").as_deref(), Some("failed"));
    assert!(found["/logo.png"]["error"].as_str().unwrap_or_default().contains("not a web page"), "{found:?}");
    assert_eq!(found["/missing"]["http_status"], 404);
    assert!(!found.keys().any(|k| k.contains('#')), "fragments are the same page");
    assert!(!found.keys().any(|k| k.contains("elsewhere")), "other sites are not followed");
    // robots.txt kept it out: never fetched. The loop: each page once.
    assert_eq!(site.hits("/private/secret"), 0);
    for path in ["/", "/loop/a", "/loop/b", "/docs/install", "/docs/billing"] {
        assert_eq!(site.hits(path), 1, "{path} fetched once");
    }

    for (q, expected) in [
        ("lighthouses", "Lighthouses"),
        ("Quasar installer", "Quasar"),
        ("Nebula", "Nebula"),
        ("Borealis", "Borealis"),
    ] {
        let hits = search(&app, &owner, &bot, q).await;
        assert!(texts(&hits).iter().any(|t| t.contains(expected)), "{q}: {hits:?}");
        let hit = hits.iter().find(|h| h["source_id"] == id).expect("from the site");
        assert!(hit["url"].as_str().unwrap_or_default().starts_with(&base), "{hit}");
    }
    let installing = search(&app, &owner, &bot, "Quasar installer").await;
    assert!(
        installing.iter().all(|h| !h["url"].as_str().unwrap_or_default().ends_with("/copy")),
        "the copy is not indexed: {installing:?}"
    );
    assert!(search(&app, &owner, &bot, "zebra").await.is_empty(), "robots.txt's page is not indexed");
    let (_, listed) = app.get_json(&format!("/api/v1/knowledge-base/urls?chatbot_id={bot}"), &owner).await;
    assert_eq!(listed["urls"].as_array().map(Vec::len), Some(1));
    assert!(listed["urls"][0]["pages_processed"].as_u64().unwrap_or(0) >= 8, "{listed}");
}

#[tokio::test]
async fn each_bad_start_address_fails_with_its_reason_and_nothing_else_is_touched() {
    let app = crawl_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let before = search(&app, &owner, &bot, "refund").await.len();
    let base = Site::standard().serve().await;
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").expect("bind");
        l.local_addr().expect("addr").port()
    };
    let cases = [
        (format!("{base}/logo.png"), "not_a_page", "not a web page"),
        (format!("http://127.0.0.1:{closed}/"), "unreachable", "could not be reached"),
        (format!("{base}/loop-redirect-a"), "redirect_loop", "redirects in a loop"),
        (format!("{base}/never-ends"), "timeout", "longer than 2 seconds"),
        (format!("{base}/missing"), "http_error", "404"),
        (format!("{base}/private/"), "robots_disallowed", "robots.txt"),
        ("https://docs.nowhere.invalid/".to_owned(), "unreachable", "could not be reached"),
    ];
    let mut ids = Vec::new();
    for (url, _, _) in &cases {
        ids.push(added_site(&app, &owner, &bot, url).await);
    }
    for ((url, code, words), id) in cases.iter().zip(&ids) {
        let done = settled(&app, &owner, id).await;
        assert_eq!(done["status"], "failed", "{url}: {done}");
        assert_eq!(done["error"]["code"], *code, "{url}: {done}");
        let message = done["error"]["message"].as_str().unwrap_or_default();
        assert!(message.contains(words), "{url}: {message}");
        assert_eq!(done["chunks"], 0);
    }
    assert_eq!(search(&app, &owner, &bot, "refund").await.len(), before, "the demo's knowledge is untouched");
}

#[tokio::test]
async fn internal_addresses_and_bad_settings_are_refused_before_anything_is_stored() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let site = Site::standard().serve().await;
    for (url, words) in [
        (site.as_str(), "port"),
        ("http://127.0.0.1/", "private or internal"),
        ("http://localhost/docs", "private or internal"),
        ("http://169.254.169.254/latest/meta-data/", "private or internal"),
        ("http://[::1]/", "private or internal"),
        ("http://10.0.0.8/", "private or internal"),
        ("http://2130706433/", "private or internal"),
        ("file:///etc/passwd", "http"),
        ("ftp://example.com/", "http"),
        ("https://example.com:8443/", "port"),
        ("not a url at all", "address"),
    ] {
        let (status, error) = error_of(add_site(&app, &owner, &bot, url, json!({})).await).await;
        assert_eq!(status, 422, "{url}");
        let app::ApiError::Validation { fields } = error else { panic!("{url}: {error:?}") };
        assert_eq!(fields[0].field, "url", "{url}");
        assert!(fields[0].message.contains(words), "{url}: {}", fields[0].message);
    }
    for (settings, field) in [
        (json!({ "max_pages": 0 }), "crawl_settings.max_pages"),
        (json!({ "max_pages": 5000 }), "crawl_settings.max_pages"),
        (json!({ "max_depth": 50 }), "crawl_settings.max_depth"),
        (json!({ "exclude_patterns": ["/a/["] }), "crawl_settings.exclude_patterns"),
    ] {
        let (status, error) =
            error_of(add_site(&app, &owner, &bot, "https://docs.example.com/", settings.clone()).await).await;
        assert_eq!(status, 422, "{settings}");
        let app::ApiError::Validation { fields } = error else { panic!("{error:?}") };
        assert_eq!(fields[0].field, field);
    }
    let bad_schedule = app
        .send_json(
            "POST",
            "/api/v1/knowledge-base/urls",
            &owner,
            json!({ "chatbot_id": bot, "url": "https://docs.example.com/", "schedule": { "frequency": "hourly" } }),
        )
        .await;
    let (status, error) = error_of(bad_schedule).await;
    assert_eq!(status, 422);
    let app::ApiError::Validation { fields } = error else { panic!("{error:?}") };
    assert_eq!(fields[0].field, "schedule");
    let (_, listed) = app.get_json(&format!("/api/v1/knowledge-base/urls?chatbot_id={bot}"), &owner).await;
    assert_eq!(listed["urls"], json!([]), "nothing was stored");
}

#[tokio::test]
async fn a_recrawl_fetches_only_what_changed_and_drops_what_the_site_no_longer_has() {
    let app = crawl_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let site = Site::standard();
    let base = site.clone().serve().await;
    let response = app
        .send_json(
            "POST",
            "/api/v1/knowledge-base/urls",
            &owner,
            json!({ "chatbot_id": bot, "url": format!("{base}/docs/install"), "crawl_settings": { "max_depth": 1, "delay_ms": 0 },
                    "schedule": { "frequency": "weekly", "day_of_week": "monday", "time": "03:00" } }),
        )
        .await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.expect("json");
    assert!(created["next_crawl_at"].as_str().is_some_and(|t| t.contains("T03:00:00")), "{created}");
    let id = created["id"].as_str().expect("id").to_owned();
    let first = settled(&app, &owner, &id).await;
    assert_eq!(first["status"], "completed", "{first}");
    assert!(!search(&app, &owner, &bot, "Saturn").await.is_empty());

    {
        let mut p = site.pages.lock().expect("lock");
        // The start page changes and no longer links to billing, which leaves the site (and
        // its sitemap); the home page stays as it was.
        p.insert("/docs/install".into(), page("Installing", "Run the Pulsar setup once.", &["/"]));
        p.remove("/docs/billing");
    }
    let (status, again) = app
        .send_json("POST", &format!("/api/v1/knowledge-base/urls/{id}/recrawl"), &owner, json!({}))
        .await
        .json::<Value>()
        .await
        .map(|v| (202, v))
        .expect("json");
    assert_eq!(status, 202);
    assert_eq!(again["status"], "pending", "{again}");
    let second = settled(&app, &owner, &id).await;
    assert_eq!(second["status"], "completed", "{second}");
    let found = pages(&app, &owner, &id).await;
    assert_eq!(found["/"]["state"], "unchanged", "{found:?}");
    assert_eq!(found["/"]["http_status"], 304, "the ETag was sent back");
    assert_eq!(found["/docs/install"]["state"], "read");
    assert!(!found.contains_key("/docs/billing"), "gone from the site, gone from the pages: {found:?}");
    assert!(search(&app, &owner, &bot, "Saturn").await.iter().all(|h| h["source_id"] != id.as_str()));
    assert!(search(&app, &owner, &bot, "Quasar").await.iter().all(|h| h["source_id"] != id.as_str()));
    assert!(search(&app, &owner, &bot, "Pulsar").await.iter().any(|h| h["source_id"] == id.as_str()));
    assert!(search(&app, &owner, &bot, "Lighthouses").await.iter().any(|h| h["source_id"] == id.as_str()));

    // Deleting the site takes every page's passages with it.
    let deleted =
        app.send_json("DELETE", &format!("/api/v1/knowledge-base/urls/{id}"), &owner, json!({})).await;
    assert_eq!(deleted.status(), 204);
    assert!(search(&app, &owner, &bot, "Lighthouses").await.is_empty());
}

#[tokio::test]
async fn a_crawl_cut_off_by_a_restart_resumes_and_reads_each_page_once() {
    let app = crawl_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let site = Site::default();
    {
        let mut p = site.pages.lock().expect("lock");
        let links: Vec<String> = (1..=8).map(|i| format!("/p{i}")).collect();
        let refs: Vec<&str> = links.iter().map(String::as_str).collect();
        p.insert("/".into(), page("Index", "The index of the Vega pages.", &refs));
        for i in 1..=8 {
            p.insert(
                format!("/p{i}"),
                page(&format!("Page {i}"), &format!("Vega fact number {i} is kept here."), &["/"]),
            );
        }
    }
    *site.slow_ms.lock().expect("lock") = 250;
    let base = site.clone().serve().await;
    let id = added_site(&app, &owner, &bot, &format!("{base}/")).await;
    for _ in 0..200 {
        let (_, now) = app.get_json(&format!("/api/v1/knowledge-base/sources/{id}"), &owner).await;
        if now["pages_processed"].as_u64().unwrap_or(0) >= 3 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let app = app.restart().await;
    let owner = app.demo_owner().await;
    let done = settled(&app, &owner, &id).await;
    assert_eq!(done["status"], "completed", "{done}");
    assert_eq!(done["pages_processed"], 9, "{done}");
    let found = pages(&app, &owner, &id).await;
    assert_eq!(found.len(), 9);
    assert!(found.values().all(|p| p["state"] == "read"), "{found:?}");
    // At most the page in flight at the stop was fetched again.
    let again: u32 = (1..=8).map(|i| site.hits(&format!("/p{i}"))).sum::<u32>() + site.hits("/") - 9;
    assert!(again <= 1, "{again} pages fetched twice");
    for i in 1..=8 {
        let hits = search(&app, &owner, &bot, &format!("Vega fact number {i}")).await;
        let here: Vec<_> = hits
            .iter()
            .filter(|h| h["snippet"].as_str().unwrap_or_default().contains(&format!("number {i} ")))
            .collect();
        assert_eq!(here.len(), 1, "page {i} indexed once: {hits:?}");
    }
}
