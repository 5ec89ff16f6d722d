//! `GET /api/v1/outbox`: the organization's outgoing mail for owners and admins.

use axum::{
    Json,
    extract::{FromRef, State},
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
pub struct MailRoutes {
    pub db: DatabaseConnection,
    pub auth: Authenticator,
}

pub fn router(state: MailRoutes) -> OpenApiRouter {
    OpenApiRouter::default().routes(routes!(show_outbox)).with_state(state)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct OutboxResponse {
    pub mails: Vec<app::dto::OutboxEntry>,
}

/// The organization's outgoing mail, newest 50 (owners and admins). Verification and reset
/// links addressed to someone else are hidden.
#[utoipa::path(get, path = "/api/v1/outbox", tag = "organization", security(("bearer" = [])),
    responses((status = 200, body = OutboxResponse), (status = 403, body = app::error::ErrorBody)))]
pub async fn show_outbox(State(state): State<MailRoutes>, caller: ApiCaller) -> Result<Json<OutboxResponse>> {
    Ok(Json(OutboxResponse { mails: super::outbox(&state.db, &caller.viewer).await? }))
}
