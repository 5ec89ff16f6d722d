//! `/api/v1/ws/dashboard`: the dashboard's live feed, the viewer's organization's events.
//! Refused before the upgrade without a session or from another origin (`http::origin`).

use app::{auth::Permission, dto::OrganizationId, protocol::ServerMsg};
use axum::{
    Router,
    extract::{FromRef, State, WebSocketUpgrade, ws::Message},
    http::request::Parts,
    response::Response,
    routing::get,
};
use futures::{SinkExt, StreamExt};
use tokio::sync::broadcast;

use super::{Hub, Topic, configure_socket};
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
    let organization = viewer.organization_id;
    let hub = state.hub.clone();
    Ok(configure_socket(upgrade).on_upgrade(move |ws| forward(hub, organization, ws)))
}

/// Forwards the organization's frames until either side closes. Client frames other than
/// `ping` are ignored: the dashboard acts through server functions.
async fn forward(hub: Hub, organization: OrganizationId, socket: axum::extract::ws::WebSocket) {
    let (mut sink, mut stream) = socket.split();
    let mut events = hub.subscribe(Topic::Organization(organization));
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
                    tracing::debug!(skipped, "a dashboard socket lagged");
                }
                Err(broadcast::error::RecvError::Closed) => break,
            },
        }
    }
}
