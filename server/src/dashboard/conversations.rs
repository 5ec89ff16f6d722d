//! The dashboard's side of the server: the `DashboardPort` that its server functions call, and
//! its live WebSocket (`/api/v1/ws/dashboard`) carrying the viewer's organization's events.
//!
//! The viewer comes from the session cookie; every call checks the viewer's permission and is
//! scoped by the viewer's organization.

use app::{
    ApiError,
    auth::Permission,
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
use tokio::sync::broadcast;

use crate::{
    accounts::{AccountService, routes::session_token},
    conversations::ConversationService,
    error::Result,
    realtime::{Hub, Topic},
    search::MessageSearch,
    startup::AppState,
};

/// How many conversations the list shows (pagination arrives with the inbox).
const LIST_LIMIT: u64 = 100;

pub struct Dashboard {
    pub accounts: AccountService,
    pub conversations: ConversationService,
    pub search: MessageSearch,
}

/// The viewer behind a request's session cookie.
pub async fn viewer(accounts: &AccountService, request: &Parts) -> Result<Viewer> {
    let token = session_token(&request.headers).ok_or(ApiError::Unauthenticated)?;
    accounts.viewer(&token, &crate::accounts::routes::client_of(request)).await
}

#[async_trait::async_trait]
impl DashboardPort for Dashboard {
    async fn viewer(&self, request: &Parts) -> Result<Viewer, ApiError> {
        Ok(viewer(&self.accounts, request).await?)
    }

    async fn list_conversations(&self, viewer: &Viewer) -> Result<Vec<ConversationView>, ApiError> {
        viewer.require(Permission::ViewConversations)?;
        Ok(self.conversations.list(viewer.organization_id, LIST_LIMIT).await?)
    }

    async fn conversation_messages(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
    ) -> Result<Vec<MessageView>, ApiError> {
        viewer.require(Permission::ViewConversations)?;
        Ok(self.conversations.messages(viewer.organization_id, conversation, 0).await?)
    }

    async fn search_messages(&self, viewer: &Viewer, query: &str) -> Result<Vec<SearchHit>, ApiError> {
        viewer.require(Permission::ViewConversations)?;
        if query.chars().count() > 200 {
            return Err(ApiError::validation("query", "A search can be at most 200 characters long."));
        }
        Ok(self.search.search(viewer.organization_id, query)?)
    }

    async fn conversation_detail(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
    ) -> Result<app::dto::ConversationDetail, ApiError> {
        Ok(self.conversations.detail(viewer, conversation).await?)
    }

    async fn act_on_conversation(
        &self,
        request: &Parts,
        conversation: ConversationId,
        action: app::dto::ConversationAction,
    ) -> Result<ConversationView, ApiError> {
        let viewer = viewer(&self.accounts, request).await?;
        let client = crate::accounts::routes::client_of(request);
        Ok(self.conversations.act(&viewer, conversation, action, &client).await?)
    }
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/ws/dashboard", get(dashboard_socket))
}

/// The dashboard's live feed. Refused (401) before the upgrade without a session.
async fn dashboard_socket(
    State(state): State<AppState>,
    request: Parts,
    upgrade: WebSocketUpgrade,
) -> Result<Response> {
    let viewer = viewer(&state.accounts, &request).await?;
    viewer.require(Permission::ViewConversations)?;
    let organization = viewer.organization_id;
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
