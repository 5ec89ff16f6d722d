//! `/api/v1/integrations/credentials`: list, store (sealed) and delete third-party credentials.

use app::dto::CredentialView;
use axum::{
    Json,
    extract::{FromRef, Path, State},
    http::StatusCode,
};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{NewCredential, create, list, remove};
use crate::{
    error::Result,
    http::{ApiCaller, ApiJson, Authenticator, client_of},
    secrets::SecretBox,
};

#[derive(Debug, Serialize, ToSchema)]
pub struct CredentialsResponse {
    pub credentials: Vec<CredentialView>,
}

#[derive(Clone, FromRef)]
pub struct IntegrationRoutes {
    pub db: DatabaseConnection,
    pub secrets: SecretBox,
    pub auth: Authenticator,
}

pub fn router(state: IntegrationRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(list_route, create_route))
        .routes(routes!(delete_route))
        .with_state(state)
}

/// The organization's integration credentials (owners and admins); secrets are never returned.
#[utoipa::path(get, path = "/api/v1/integrations/credentials", tag = "integrations", security(("bearer" = [])),
    responses((status = 200, body = CredentialsResponse), (status = 403, body = app::error::ErrorBody)))]
pub async fn list_route(
    State(state): State<IntegrationRoutes>,
    caller: ApiCaller,
) -> Result<Json<CredentialsResponse>> {
    Ok(Json(CredentialsResponse { credentials: list(&state.db, &caller.viewer).await? }))
}

/// Stores a credential, sealed at rest.
#[utoipa::path(post, path = "/api/v1/integrations/credentials", tag = "integrations", security(("bearer" = [])),
    request_body = NewCredential,
    responses((status = 201, body = CredentialView), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn create_route(
    State(state): State<IntegrationRoutes>,
    caller: ApiCaller,
    request: axum::http::request::Parts,
    ApiJson(input): ApiJson<NewCredential>,
) -> Result<(StatusCode, Json<CredentialView>)> {
    let created = create(&state.db, &state.secrets, &caller.viewer, input, &client_of(&request)).await?;
    Ok((StatusCode::CREATED, Json(created)))
}

/// Deletes a credential.
#[utoipa::path(delete, path = "/api/v1/integrations/credentials/{id}", tag = "integrations", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody)))]
pub async fn delete_route(
    State(state): State<IntegrationRoutes>,
    caller: ApiCaller,
    request: axum::http::request::Parts,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    remove(&state.db, &caller.viewer, id, &client_of(&request)).await?;
    Ok(StatusCode::NO_CONTENT)
}
