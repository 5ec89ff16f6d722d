//! The dashboard's side of the server: the `DashboardPort` that its server functions call, and
//! its live WebSocket (`/api/v1/ws/dashboard`) carrying the viewer's organization's events.
//!
//! Until accounts exist (the tenancy issue), the viewer is the first organization created —
//! the demo organization on a fresh install. Every query below is still scoped by it.

use app::{
    ApiError,
    dto::{ConversationId, ConversationView, MessageView, OrganizationId, SearchHit},
    protocol::ServerMsg,
    ssr::{DashboardPort, Viewer},
};
use axum::{
    Router,
    extract::{State, WebSocketUpgrade, ws::Message},
    http::request::Parts,
    response::Response,
    routing::get,
};
use futures::{SinkExt, StreamExt};
use sea_orm::{DatabaseConnection, EntityTrait, QueryOrder};
use tokio::sync::broadcast;

use crate::{
    conversations::ConversationService,
    entities::organization,
    error::Result,
    realtime::{Hub, Topic},
    search::MessageSearch,
    startup::AppState,
};

/// How many conversations the list shows (pagination arrives with the inbox).
const LIST_LIMIT: u64 = 100;

pub struct Dashboard {
    pub db: DatabaseConnection,
    pub conversations: ConversationService,
    pub search: MessageSearch,
}

/// The organization a dashboard request acts for.
pub async fn current_organization(db: &DatabaseConnection) -> Result<OrganizationId> {
    organization::Entity::find()
        .order_by_asc(organization::Column::CreatedAt)
        .one(db)
        .await?
        .map(|org| OrganizationId(org.id))
        .ok_or_else(|| ApiError::not_found("organization").into())
}

#[async_trait::async_trait]
impl DashboardPort for Dashboard {
    async fn viewer(&self, _request: &Parts) -> Result<Viewer, ApiError> {
        Ok(Viewer { organization_id: current_organization(&self.db).await? })
    }

    async fn list_conversations(&self, viewer: &Viewer) -> Result<Vec<ConversationView>, ApiError> {
        Ok(self.conversations.list(viewer.organization_id, LIST_LIMIT).await?)
    }

    async fn conversation_messages(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
    ) -> Result<Vec<MessageView>, ApiError> {
        Ok(self.conversations.messages(viewer.organization_id, conversation, 0).await?)
    }

    async fn search_messages(&self, viewer: &Viewer, query: &str) -> Result<Vec<SearchHit>, ApiError> {
        if query.chars().count() > 200 {
            return Err(ApiError::validation("query", "A search can be at most 200 characters long."));
        }
        Ok(self.search.search(viewer.organization_id, query)?)
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/ws/dashboard", get(dashboard_socket))
}

async fn dashboard_socket(State(state): State<AppState>, upgrade: WebSocketUpgrade) -> Result<Response> {
    let organization = current_organization(&state.db).await?;
    let hub = state.hub.clone();
    Ok(crate::widget::configure_socket(upgrade).on_upgrade(move |ws| forward(hub, organization, ws)))
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
