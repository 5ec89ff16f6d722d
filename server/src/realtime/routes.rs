//! `/api/v1/ws/dashboard`: the dashboard's live feed, the viewer's organization's events.
//! Refused before the upgrade without a session or from another origin (`http::origin`).

use app::{auth::Permission, protocol::ServerMsg};
use axum::{
    Router,
    extract::{FromRef, State, WebSocketUpgrade, ws::Message},
    http::request::Parts,
    response::Response,
    routing::get,
};
use futures::{SinkExt, StreamExt};
use tokio::sync::broadcast;

use super::{Hub, Subscription, Topic, configure_socket};
use crate::{
    error::Result,
    http::{Authenticator, Credential, client_of, cookies::session_token},
};

#[derive(Clone, FromRef)]
pub struct RealtimeRoutes {
    pub hub: Hub,
    pub auth: Authenticator,
}

pub fn router(state: RealtimeRoutes) -> Router {
    Router::new().route("/api/v1/ws/dashboard", get(dashboard_socket)).with_state(state)
}

/// The dashboard's live feed. Refused (401) before the upgrade without a session.
async fn dashboard_socket(
    State(state): State<RealtimeRoutes>,
    request: Parts,
    upgrade: WebSocketUpgrade,
) -> Result<Response> {
    let token = session_token(&request.headers).ok_or(app::ApiError::Unauthenticated)?;
    let viewer = state.auth.viewer(Credential::Session(&token), &client_of(&request)).await?;
    viewer.require(Permission::ViewConversations)?;
    // Subscribed before the upgrade is answered: a page reloads what it shows when its socket
    // opens, and a change published between that reload and a subscription taken later (in
    // the upgraded task) would never reach it — a source stuck at "Indexing" until a reload.
    let events = state.hub.subscribe(Topic::Organization(viewer.organization_id));
    Ok(configure_socket(upgrade).on_upgrade(move |ws| forward(events, ws)))
}

/// Forwards the organization's frames until either side closes. Client frames other than
/// `ping` are ignored: the dashboard acts through server functions. A socket that fell behind
/// by more than the hub buffers is closed: the page reconnects and reloads what it shows,
/// instead of going on without the frames it missed.
async fn forward(mut events: Subscription, socket: axum::extract::ws::WebSocket) {
    let (mut sink, mut stream) = socket.split();
    loop {
        tokio::select! {
            incoming = stream.next() => match incoming {
                Some(Ok(Message::Text(text))) if text.as_str().contains("\"ping\"") => {
                    if sink.send(Message::Text(ServerMsg::Pong.to_json().into())).await.is_err() { break }
                }
                Some(Ok(_)) => {}
                Some(Err(_)) | None => break,
            },
            event = events.recv() => match event {
                Ok(frame) => if sink.send(Message::Text(frame.as_ref().into())).await.is_err() { break },
                Err(broadcast::error::RecvError::Lagged(skipped)) => {
                    tracing::debug!(skipped, "a dashboard socket lagged; closing it so the page reloads");
                    let _ = sink.send(Message::Close(None)).await;
                    break;
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
        }
    }
}
