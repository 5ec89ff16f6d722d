//! REST for the organization's chatbots (PRD §5.2.1–5.2.2): reads and bot settings. Every
//! query is scoped by the caller's organization.

use app::{
    auth::Permission,
    dto::{BotId, ChatbotView},
};
use axum::{
    Json,
    extract::{FromRef, Path, State},
};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::Result,
    events::EventBus,
    http::{ApiCaller, Authenticator},
    shared::PublicUrl,
};

#[derive(Clone, FromRef)]
pub struct BotRoutes {
    pub db: DatabaseConnection,
    pub events: EventBus,
    /// Where embed snippets point.
    pub public_url: PublicUrl,
    pub auth: Authenticator,
}

pub fn router(state: BotRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(list_chatbots))
        .routes(routes!(get_chatbot, update_chatbot))
        .with_state(state)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChatbotsResponse {
    pub chatbots: Vec<ChatbotView>,
}

/// The caller's chatbots.
#[utoipa::path(get, path = "/api/v1/chatbots", tag = "chatbots", security(("bearer" = [])),
    responses((status = 200, body = ChatbotsResponse), (status = 401, body = app::error::ErrorBody)))]
pub async fn list_chatbots(
    State(state): State<BotRoutes>,
    caller: ApiCaller,
) -> Result<Json<ChatbotsResponse>> {
    caller.viewer.require(Permission::ViewAnalytics)?;
    Ok(Json(ChatbotsResponse {
        chatbots: crate::bots::list(&state.db, caller.viewer.organization_id, state.public_url.as_str())
            .await?,
    }))
}

/// One chatbot; 404 when it belongs to another organization.
#[utoipa::path(get, path = "/api/v1/chatbots/{id}", tag = "chatbots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)")),
    responses((status = 200, body = ChatbotView), (status = 404, body = app::error::ErrorBody)))]
pub async fn get_chatbot(
    State(state): State<BotRoutes>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ChatbotView>> {
    caller.viewer.require(Permission::ViewAnalytics)?;
    let id: BotId = id.parse().map_err(|_| app::ApiError::not_found("chatbot"))?;
    Ok(Json(crate::bots::get(&state.db, caller.viewer.organization_id, id, state.public_url.as_str()).await?))
}

/// Changes a chatbot's name, greeting, fallback text or settings (PRD §5.2.2). `settings` is a
/// JSON merge patch: send only what changes. Open widgets of the bot redraw at once.
#[utoipa::path(patch, path = "/api/v1/chatbots/{id}", tag = "chatbots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)")), request_body = crate::bots::ChatbotPatch,
    responses((status = 200, body = ChatbotView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn update_chatbot(
    State(state): State<BotRoutes>,
    caller: ApiCaller,
    request: axum::http::request::Parts,
    Path(id): Path<String>,
    crate::http::ApiJson(patch): crate::http::ApiJson<crate::bots::ChatbotPatch>,
) -> Result<Json<ChatbotView>> {
    let id: BotId = id.parse().map_err(|_| app::ApiError::not_found("chatbot"))?;
    let client = crate::http::client_of(&request);
    Ok(Json(
        crate::bots::update(
            &state.db,
            &state.events,
            &caller.viewer,
            id,
            patch,
            &client,
            state.public_url.as_str(),
        )
        .await?,
    ))
}
