//! A local crawl, timed: the whole server in this process (temporary data dir, SQLite, the
//! demo data) crawls a site this program serves on loopback — N pages of help-centre text, each
//! linking to the next few and back home, plus robots.txt and a sitemap — through the real
//! `knowledge.crawl` job: fetch, extract, split, embed (when a model is configured), store,
//! index. Reports the time from adding the website to `completed`, pages and passages.
//!
//! ```text
//! cargo run --release -p chatsupport --example crawl_bench -- [pages] [delay ms] [embed]
//! ```
//! `delay ms` is the crawl's politeness pause (the default setting is 100 ms; 0 measures the
//! crawler itself). `embed` loads the local model from `CHATSUPPORT_EMBEDDING_MODEL_DIR`
//! (default `~/.cache/chatsupport/models/all-MiniLM-L6-v2`).

use std::time::{Duration, Instant};

use app::{knowledge::CrawlSettings, ssr::Viewer};
use axum::{Router, extract::Path, response::Html, routing::get};
use chatsupport::{
    Application,
    config::Config,
    entities::{bot, user},
    knowledge::UrlInput,
    shared::ClientInfo,
};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};

fn page(n: usize, pages: usize) -> String {
    let links: String = (1..=4)
        .map(|k| (n + k) % pages)
        .map(|m| format!(r#"<li><a href="/docs/{m}">Article {m}</a></li>"#))
        .collect();
    let body: String = (0..6)
        .map(|p| {
            format!(
                "<h2>Section {p}</h2><p>Article {n} explains how the warranty, refunds, shipping and the \
                 account settings work for order number {n}-{p}. Customers ask about delivery times, \
                 invoices and returns; this paragraph answers question {p} of article {n} in plain words \
                 so the bot can cite it.</p>"
            )
        })
        .collect();
    format!(
        "<!doctype html><html><head><title>Article {n}</title></head><body><nav><a href=\"/\">Home</a></nav>\
         <main><h1>Article {n}</h1>{body}<ul>{links}</ul></main></body></html>"
    )
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let pages: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
    let delay_ms: u32 = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100);
    let embed = args.get(3).is_some_and(|a| a == "embed");

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let site_url = format!("http://{}/", listener.local_addr()?);
    let base = site_url.clone();
    let site = Router::new()
        .route("/", get(move || async move { Html(page(0, pages)) }))
        .route("/docs/{n}", get(move |Path(n): Path<usize>| async move { Html(page(n, pages)) }))
        .route("/robots.txt", get(|| async { "User-agent: *\nDisallow: /private/\n" }))
        .route(
            "/sitemap.xml",
            get(move || async move {
                let urls: String = (1..pages).map(|n| format!("<url><loc>{base}docs/{n}</loc></url>")).collect();
                format!(r#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>"#)
            }),
        );
    tokio::spawn(async move { axum::serve(listener, site).await });

    let data = tempfile::tempdir()?;
    let mut config = Config::for_tests(data.path());
    config.demo = true;
    config.crawl_allow_private = true;
    if embed {
        config.embedding_model_dir = Some(
            std::env::var_os("CHATSUPPORT_EMBEDDING_MODEL_DIR").map(std::path::PathBuf::from).unwrap_or_else(
                || {
                    std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default())
                        .join(".cache/chatsupport/models/all-MiniLM-L6-v2")
                },
            ),
        );
    }
    let app = Application::build(config).await?;
    let state = app.state().clone();
    let stop = app.stop_token();
    let server = tokio::spawn(app.run_until_stopped());
    let db = &state.handles.db;
    let owner = user::Entity::find().filter(user::Column::Email.eq("admin@acme.com")).one(db).await?;
    let owner = owner.ok_or_else(|| anyhow::anyhow!("the demo owner is missing"))?;
    let demo_bot = bot::Entity::find()
        .filter(bot::Column::OrganizationId.eq(owner.organization_id))
        .one(db)
        .await?
        .ok_or_else(|| anyhow::anyhow!("the demo bot is missing"))?;
    let viewer = Viewer {
        user_id: owner.id,
        organization_id: app::dto::OrganizationId(owner.organization_id),
        role: app::auth::Role::Owner,
    };
    // Let the demo knowledge settle first: only the crawl is timed.
    tokio::time::sleep(Duration::from_secs(2)).await;

    let settings = CrawlSettings {
        max_pages: u32::try_from(pages).unwrap_or(1_000),
        max_depth: 10,
        delay_ms,
        ..CrawlSettings::default()
    };
    let started = Instant::now();
    let source = state
        .knowledge
        .add_url(
            &viewer,
            &ClientInfo::default(),
            app::dto::BotId(demo_bot.id),
            UrlInput { url: site_url.clone(), crawl_settings: Some(settings), schedule: None },
        )
        .await
        .map_err(|e| anyhow::anyhow!("{}", e.into_api()))?;
    let done = loop {
        let now =
            state.knowledge.get(&viewer, source.id).await.map_err(|e| anyhow::anyhow!("{}", e.into_api()))?;
        if matches!(
            now.status,
            app::knowledge::SourceStatus::Completed | app::knowledge::SourceStatus::Failed
        ) {
            break now;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
    };
    let seconds = started.elapsed().as_secs_f64();
    println!(
        "crawl of {site_url}: {:?}, {} pages read, {} passages, in {seconds:.2} s (delay {delay_ms} ms, embeddings {})",
        done.status,
        done.pages_processed.unwrap_or(0),
        done.chunks,
        if embed { "local" } else { "off" }
    );
    println!("{:.0} ms per page", seconds * 1000.0 / f64::from(done.pages_processed.unwrap_or(1).max(1)));
    stop.cancel();
    let _ = server.await;
    Ok(())
}
