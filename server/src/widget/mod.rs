//! The visitor side: the page inside the widget iframe (`/widget/{public_key}`) and the
//! visitor WebSocket (`/api/v1/widget/ws`). Each socket belongs to one visitor of one bot and
//! receives only that visitor's events.

mod connections;
mod socket;

pub use connections::{Connections, Held};
pub use socket::configure as configure_socket;

use std::path::PathBuf;

use axum::{
    Router,
    extract::{Path, Query, State, WebSocketUpgrade},
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use serde::Deserialize;

use crate::{bots, error::Result, startup::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/widget/{public_key}", get(widget_page))
        .route("/api/v1/widget/ws", get(widget_socket))
        .route(
            "/api/v1/widget/{key}/detected",
            axum::routing::post(detected).layer(tower_http::set_header::SetResponseHeaderLayer::overriding(
                axum::http::header::ACCESS_CONTROL_ALLOW_ORIGIN,
                axum::http::HeaderValue::from_static("*"),
            )),
        )
}

#[derive(Debug, Deserialize)]
pub struct SocketParams {
    pub bot: String,
    pub visitor: Option<String>,
}

async fn widget_socket(
    State(state): State<AppState>,
    Query(params): Query<SocketParams>,
    upgrade: WebSocketUpgrade,
) -> Result<Response> {
    let bot = bots::find_by_public_key(&state.db, &params.bot).await?;
    let visitor = socket::visitor_id_or_new(params.visitor.as_deref());
    let cap = crate::workspaces::connection_cap(&state.db, bot.workspace_id).await?;
    // Over the cap the socket still opens, to say why in the widget, and then closes; the
    // widget tries again with backoff.
    let place = state.connections.try_hold(bot.workspace_id, cap);
    Ok(socket::configure(upgrade).on_upgrade(move |ws| async move {
        match place {
            Some(place) => socket::run(state, bot, visitor, ws, place).await,
            None => socket::refuse_busy(ws).await,
        }
    }))
}

/// The iframe's document: Trunk's `index.html` with a per-request nonce on its scripts, and a
/// CSP that lets other sites frame it (the one page that may be framed).
async fn widget_page(State(state): State<AppState>, Path(public_key): Path<String>) -> Response {
    let Ok(bot) = bots::find_by_public_key(&state.db, &public_key).await else {
        return (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><title>Chat unavailable</title><p>This chat is not available.</p>"),
        )
            .into_response();
    };
    let index: PathBuf = state.config.site_dir.join("widget").join("index.html");
    let Ok(html) = tokio::fs::read_to_string(&index).await else {
        tracing::error!(path = %index.display(), "the widget is not built; run scripts/serve.sh");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Html("<!doctype html><p>The chat widget is not built yet.</p>"),
        )
            .into_response();
    };
    let nonce = uuid::Uuid::new_v4().simple().to_string();
    let html = html.replace("<script", &format!("<script nonce=\"{nonce}\""));
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{nonce}' 'wasm-unsafe-eval'; \
         style-src 'self' 'unsafe-inline'; img-src 'self' data: https:; connect-src 'self'; \
         frame-ancestors {}; base-uri 'self'; object-src 'none'",
        frame_ancestors(&bot.settings.allowed_domains)
    );
    let mut response = Html(html).into_response();
    if let Ok(value) = HeaderValue::from_str(&csp) {
        response.headers_mut().insert(header::CONTENT_SECURITY_POLICY, value);
    }
    response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"));
    response
}

/// Who may frame the widget: the bot's allowed sites (each already checked to be a plain
/// host-source), or anyone when it lists none.
fn frame_ancestors(allowed: &[String]) -> String {
    let sources: Vec<&str> =
        allowed.iter().map(String::as_str).filter(|d| app::bot_settings::is_host_source(d)).collect();
    match (allowed.is_empty(), sources.is_empty()) {
        (true, _) => "*".to_owned(),
        (false, true) => "'none'".to_owned(),
        (false, false) => sources.join(" "),
    }
}

/// The loader's "widget detected" ping, sent once per page view (`navigator.sendBeacon`-style
/// `fetch(…, {keepalive})`, no cookies): records the host page's origin so the dashboard can
/// show the install worked, and counts one widget load against the workspace's pool. When that
/// pool is spent on a plan without overage, answers `quota_exceeded` and the loader takes its
/// launcher down. Answers with what the loader needs to draw the launcher.
#[utoipa::path(post, path = "/api/v1/widget/{key}/detected", tag = "widget",
    params(("key" = String, Path, description = "the bot's public key (`data-bot`)")),
    responses((status = 200, body = app::dto::LoaderConfig), (status = 402, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody)))]
pub async fn detected(
    State(state): State<AppState>,
    Path(key): Path<String>,
    headers: axum::http::HeaderMap,
) -> crate::error::Result<axum::Json<app::dto::LoaderConfig>> {
    let origin = headers
        .get(axum::http::header::ORIGIN)
        .and_then(|o| o.to_str().ok())
        .filter(|o| (o.starts_with("http://") || o.starts_with("https://")) && o.len() <= 300)
        .map(str::to_owned);
    let bot = crate::bots::record_load(&state.db, &key, origin).await?;
    Ok(axum::Json(app::dto::LoaderConfig { name: bot.name, widget: bot.settings.widget }))
}
