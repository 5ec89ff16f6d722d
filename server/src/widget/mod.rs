//! The visitor side: the page inside the widget iframe (`/widget/{public_key}`) and the
//! visitor WebSocket (`/api/v1/widget/ws`). Each socket belongs to one visitor of one bot and
//! receives only that visitor's events.

mod connections;
mod socket;

pub use connections::{Connections, Held};

use std::path::PathBuf;

use app::csp::ContentSecurityPolicy;
use axum::{
    extract::{Path, Query, State, WebSocketUpgrade},
    http::{HeaderValue, StatusCode, header},
    response::{Html, IntoResponse, Response},
    routing::get,
};
use sea_orm::DatabaseConnection;
use serde::Deserialize;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    bots,
    conversations::ConversationService,
    error::Result,
    realtime::{Hub, configure_socket},
};

/// What the visitor side needs.
#[derive(Clone)]
pub struct WidgetState {
    pub db: DatabaseConnection,
    /// The built site (the widget's `index.html`).
    pub site_dir: PathBuf,
    pub conversations: ConversationService,
    pub hub: Hub,
    /// Widget connections open per workspace (the plan's cap).
    pub connections: Connections,
    /// The answers' queue: a new conversation waits while it is long.
    pub answering: crate::answers::gate::AnswerGate,
}

pub fn router(state: WidgetState) -> OpenApiRouter {
    // The loader pings from any site, without credentials.
    let detected = OpenApiRouter::default().routes(routes!(detected)).layer(
        tower_http::set_header::SetResponseHeaderLayer::overriding(
            header::ACCESS_CONTROL_ALLOW_ORIGIN,
            HeaderValue::from_static("*"),
        ),
    );
    OpenApiRouter::default()
        .route("/widget/{public_key}", get(widget_page))
        .route("/api/v1/widget/ws", get(widget_socket))
        .merge(detected)
        .with_state(state)
}

#[derive(Debug, Deserialize)]
pub struct SocketParams {
    pub bot: String,
    pub visitor: Option<String>,
}

async fn widget_socket(
    State(state): State<WidgetState>,
    Query(params): Query<SocketParams>,
    upgrade: WebSocketUpgrade,
) -> Result<Response> {
    let bot = bots::find_by_public_key(&state.db, &params.bot).await?;
    let visitor = socket::visitor_id_or_new(params.visitor.as_deref());
    let cap = crate::billing::connection_cap(&state.db, bot.workspace_id).await?;
    // Over the cap the socket still opens, to say why in the widget, and then closes; the
    // widget tries again with backoff.
    let place = state.connections.try_hold(bot.workspace_id, cap);
    Ok(configure_socket(upgrade).on_upgrade(move |ws| async move {
        match place {
            Some(place) => socket::run(state, bot, visitor, ws, place).await,
            None => socket::refuse_busy(ws).await,
        }
    }))
}

/// The iframe's document: Trunk's `index.html` with a per-request nonce on its scripts, and a
/// CSP that lets other sites frame it (the one page that may be framed).
async fn widget_page(State(state): State<WidgetState>, Path(public_key): Path<String>) -> Response {
    let Ok(bot) = bots::find_by_public_key(&state.db, &public_key).await else {
        return (
            StatusCode::NOT_FOUND,
            Html("<!doctype html><title>Chat unavailable</title><p>This chat is not available.</p>"),
        )
            .into_response();
    };
    let index: PathBuf = state.site_dir.join("widget").join("index.html");
    let Ok(html) = tokio::fs::read_to_string(&index).await else {
        tracing::error!(path = %index.display(), "the widget is not built; run scripts/serve.sh");
        return (
            StatusCode::SERVICE_UNAVAILABLE,
            Html("<!doctype html><p>The chat widget is not built yet.</p>"),
        )
            .into_response();
    };
    let nonce = crate::shared::tokens::new_token();
    let html = html.replace("<script", &format!("<script nonce=\"{nonce}\""));
    let csp = ContentSecurityPolicy::with_scripts(&nonce)
        .framed_by(frame_ancestors(&bot.settings.allowed_domains))
        .header_value();
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
    State(state): State<WidgetState>,
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

/// The widget page, its socket and the loader's ping.
pub fn install(
    w: &mut crate::wiring::Wiring,
    conversations: &ConversationService,
    connections: &Connections,
    answering: &crate::answers::gate::AnswerGate,
) {
    let h = w.handles();
    w.routes(router(WidgetState {
        db: h.db.clone(),
        site_dir: h.config.site_dir.clone(),
        conversations: conversations.clone(),
        hub: h.hub.clone(),
        connections: connections.clone(),
        answering: answering.clone(),
    }));
}
