//! `GET /api/v1/audit-log`: the organization's audit log for owners and admins.

use axum::{
    Json,
    extract::{FromRef, State},
};
use sea_orm::DatabaseConnection;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::{
    error::Result,
    http::{ApiCaller, ApiQuery, Authenticator},
};

#[derive(Clone, FromRef)]
pub struct AuditRoutes {
    pub db: DatabaseConnection,
    pub auth: Authenticator,
}

pub fn router(state: AuditRoutes) -> OpenApiRouter {
    OpenApiRouter::default().routes(routes!(audit_log)).with_state(state)
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
pub struct AuditQuery {
    /// Only entries of this action (e.g. `team.invited`).
    pub action: Option<String>,
    /// Entries older than this RFC 3339 time (the last `created_at` of the previous page).
    pub before: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct AuditResponse {
    pub entries: Vec<app::auth::AuditEntryView>,
}

/// The organization's audit log, newest first, 50 per page (owners and admins).
#[utoipa::path(get, path = "/api/v1/audit-log", tag = "team", security(("bearer" = [])), params(AuditQuery),
    responses((status = 200, body = AuditResponse), (status = 403, body = app::error::ErrorBody)))]
pub async fn audit_log(
    State(state): State<AuditRoutes>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditResponse>> {
    let entries =
        super::list(&state.db, &caller.viewer, query.action.as_deref(), query.before.as_deref()).await?;
    Ok(Json(AuditResponse { entries }))
}
