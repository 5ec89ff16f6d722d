//! REST for the organization's workspaces and chatbots (PRD §5.2.1–5.2.2): reads, plan
//! changes and bot settings. Every query is scoped by the caller's organization.

use app::{
    auth::Permission,
    dto::{BotId, ChatbotView, WorkspaceView},
};
use axum::{
    Json, Router,
    extract::{Path, State},
    routing::get,
};
use serde::Serialize;
use utoipa::ToSchema;

use crate::{accounts::routes::ApiCaller, error::Result, startup::AppState, workspaces};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/plans", get(list_plans))
        .route("/api/v1/workspaces", get(list_workspaces))
        .route("/api/v1/workspaces/{id}", get(get_workspace).patch(change_plan))
        .route("/api/v1/chatbots", get(list_chatbots))
        .route("/api/v1/chatbots/{id}", get(get_chatbot).patch(update_chatbot))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct WorkspacesResponse {
    pub workspaces: Vec<WorkspaceView>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PlansResponse {
    pub plans: Vec<app::billing::PlanView>,
}

#[derive(Debug, serde::Deserialize, ToSchema)]
pub struct WorkspacePatch {
    /// A plan id from `GET /api/v1/plans` (owners only: billing).
    pub plan: String,
}

/// The plan catalog: tiers, monthly pools, overage rates and limits. Public.
#[utoipa::path(get, path = "/api/v1/plans", tag = "chatbots",
    responses((status = 200, body = PlansResponse)))]
pub async fn list_plans(State(state): State<AppState>) -> Result<Json<PlansResponse>> {
    Ok(Json(PlansResponse { plans: workspaces::catalog(&state.db).await? }))
}

/// One workspace with its plan, usage pools, wallet and billing dates.
#[utoipa::path(get, path = "/api/v1/workspaces/{id}", tag = "chatbots", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = WorkspaceView), (status = 404, body = app::error::ErrorBody)))]
pub async fn get_workspace(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
) -> Result<Json<WorkspaceView>> {
    caller.viewer.require(Permission::ViewAnalytics)?;
    Ok(Json(workspaces::get(&state.db, &caller.viewer, app::dto::WorkspaceId(id)).await?))
}

/// Moves a workspace to another plan (owners only).
#[utoipa::path(patch, path = "/api/v1/workspaces/{id}", tag = "chatbots", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)), request_body = WorkspacePatch,
    responses((status = 200, body = WorkspaceView), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn change_plan(
    State(state): State<AppState>,
    caller: ApiCaller,
    request: axum::http::request::Parts,
    Path(id): Path<uuid::Uuid>,
    crate::accounts::routes::ApiJson(patch): crate::accounts::routes::ApiJson<WorkspacePatch>,
) -> Result<Json<WorkspaceView>> {
    let client = crate::accounts::routes::client_of(&request);
    Ok(Json(
        workspaces::change_plan(&state.db, &caller.viewer, app::dto::WorkspaceId(id), &patch.plan, &client)
            .await?,
    ))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ChatbotsResponse {
    pub chatbots: Vec<ChatbotView>,
}

/// The caller's workspaces.
#[utoipa::path(get, path = "/api/v1/workspaces", tag = "chatbots", security(("bearer" = [])),
    responses((status = 200, body = WorkspacesResponse), (status = 401, body = app::error::ErrorBody)))]
pub async fn list_workspaces(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<WorkspacesResponse>> {
    caller.viewer.require(Permission::ViewAnalytics)?;
    Ok(Json(WorkspacesResponse {
        workspaces: workspaces::list(&state.db, caller.viewer.organization_id).await?,
    }))
}

/// The caller's chatbots.
#[utoipa::path(get, path = "/api/v1/chatbots", tag = "chatbots", security(("bearer" = [])),
    responses((status = 200, body = ChatbotsResponse), (status = 401, body = app::error::ErrorBody)))]
pub async fn list_chatbots(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<ChatbotsResponse>> {
    caller.viewer.require(Permission::ViewAnalytics)?;
    Ok(Json(ChatbotsResponse {
        chatbots: crate::bots::list(&state.db, caller.viewer.organization_id, state.accounts.public_url())
            .await?,
    }))
}

/// One chatbot; 404 when it belongs to another organization.
#[utoipa::path(get, path = "/api/v1/chatbots/{id}", tag = "chatbots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)")),
    responses((status = 200, body = ChatbotView), (status = 404, body = app::error::ErrorBody)))]
pub async fn get_chatbot(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<ChatbotView>> {
    caller.viewer.require(Permission::ViewAnalytics)?;
    let id: BotId = id.parse().map_err(|_| app::ApiError::not_found("chatbot"))?;
    Ok(Json(
        crate::bots::get(&state.db, caller.viewer.organization_id, id, state.accounts.public_url()).await?,
    ))
}

/// Changes a chatbot's name, greeting, fallback text or settings (PRD §5.2.2). `settings` is a
/// JSON merge patch: send only what changes. Open widgets of the bot redraw at once.
#[utoipa::path(patch, path = "/api/v1/chatbots/{id}", tag = "chatbots", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)")), request_body = crate::bots::ChatbotPatch,
    responses((status = 200, body = ChatbotView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn update_chatbot(
    State(state): State<AppState>,
    caller: ApiCaller,
    request: axum::http::request::Parts,
    Path(id): Path<String>,
    crate::accounts::routes::ApiJson(patch): crate::accounts::routes::ApiJson<crate::bots::ChatbotPatch>,
) -> Result<Json<ChatbotView>> {
    let id: BotId = id.parse().map_err(|_| app::ApiError::not_found("chatbot"))?;
    let client = crate::accounts::routes::client_of(&request);
    Ok(Json(
        crate::bots::update(
            &state.db,
            &state.events,
            &caller.viewer,
            id,
            patch,
            &client,
            state.accounts.public_url(),
        )
        .await?,
    ))
}
