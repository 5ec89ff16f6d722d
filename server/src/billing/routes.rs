//! REST for plans and the organization's workspaces: the catalog (public), reads and plan
//! changes (owners). Every query is scoped by the caller's organization.

use app::{auth::Permission, dto::WorkspaceView};
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
    http::{ApiCaller, Authenticator},
};

#[derive(Clone, FromRef)]
pub struct BillingRoutes {
    pub db: DatabaseConnection,
    pub auth: Authenticator,
}

pub fn router(state: BillingRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(list_plans))
        .routes(routes!(list_workspaces))
        .routes(routes!(get_workspace, change_plan))
        .with_state(state)
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
pub async fn list_plans(State(state): State<BillingRoutes>) -> Result<Json<PlansResponse>> {
    Ok(Json(PlansResponse { plans: super::catalog(&state.db).await? }))
}

/// One workspace with its plan, usage pools, wallet and billing dates.
#[utoipa::path(get, path = "/api/v1/workspaces/{id}", tag = "chatbots", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = WorkspaceView), (status = 404, body = app::error::ErrorBody)))]
pub async fn get_workspace(
    State(state): State<BillingRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
) -> Result<Json<WorkspaceView>> {
    caller.viewer.require(Permission::ViewAnalytics)?;
    Ok(Json(super::get(&state.db, &caller.viewer, app::dto::WorkspaceId(id)).await?))
}

/// Moves a workspace to another plan (owners only).
#[utoipa::path(patch, path = "/api/v1/workspaces/{id}", tag = "chatbots", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)), request_body = WorkspacePatch,
    responses((status = 200, body = WorkspaceView), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn change_plan(
    State(state): State<BillingRoutes>,
    caller: ApiCaller,
    request: axum::http::request::Parts,
    Path(id): Path<uuid::Uuid>,
    crate::http::ApiJson(patch): crate::http::ApiJson<WorkspacePatch>,
) -> Result<Json<WorkspaceView>> {
    let client = crate::http::client_of(&request);
    Ok(Json(
        super::change_plan(&state.db, &caller.viewer, app::dto::WorkspaceId(id), &patch.plan, &client)
            .await?,
    ))
}

/// The caller's workspaces.
#[utoipa::path(get, path = "/api/v1/workspaces", tag = "chatbots", security(("bearer" = [])),
    responses((status = 200, body = WorkspacesResponse), (status = 401, body = app::error::ErrorBody)))]
pub async fn list_workspaces(
    State(state): State<BillingRoutes>,
    caller: ApiCaller,
) -> Result<Json<WorkspacesResponse>> {
    caller.viewer.require(Permission::ViewAnalytics)?;
    Ok(Json(WorkspacesResponse { workspaces: super::list(&state.db, caller.viewer.organization_id).await? }))
}
