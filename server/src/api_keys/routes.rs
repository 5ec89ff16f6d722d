//! `/api/v1/api-keys`: list, create (the key is shown once) and revoke.

use app::dto::{ApiKeyView, CreatedApiKey};
use axum::{
    Json,
    extract::{FromRef, Path, State},
    http::{StatusCode, request::Parts},
};
use sea_orm::DatabaseConnection;
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};
use uuid::Uuid;

use super::{NewApiKey, create, list, revoke};
use crate::{
    error::Result,
    http::{ApiCaller, ApiJson, Authenticator, client_of},
};

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiKeysResponse {
    pub keys: Vec<ApiKeyView>,
}

#[derive(Clone, FromRef)]
pub struct ApiKeyRoutes {
    pub db: DatabaseConnection,
    pub auth: Authenticator,
}

pub fn router(state: ApiKeyRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(list_route, create_route))
        .routes(routes!(revoke_route))
        .with_state(state)
}

/// The organization's live API keys (owners and admins); never the keys themselves.
#[utoipa::path(get, path = "/api/v1/api-keys", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = ApiKeysResponse), (status = 403, body = app::error::ErrorBody)))]
pub async fn list_route(
    State(state): State<ApiKeyRoutes>,
    caller: ApiCaller,
) -> Result<Json<ApiKeysResponse>> {
    Ok(Json(ApiKeysResponse { keys: list(&state.db, &caller.viewer).await? }))
}

/// Creates a key; the response is the only time the key is shown.
#[utoipa::path(post, path = "/api/v1/api-keys", tag = "auth", security(("bearer" = [])), request_body = NewApiKey,
    responses((status = 201, body = CreatedApiKey), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn create_route(
    State(state): State<ApiKeyRoutes>,
    caller: ApiCaller,
    request: Parts,
    ApiJson(input): ApiJson<NewApiKey>,
) -> Result<(StatusCode, Json<CreatedApiKey>)> {
    Ok((StatusCode::CREATED, Json(create(&state.db, &caller.viewer, input, &client_of(&request)).await?)))
}

/// Revokes a key: requests with it are refused from now on.
#[utoipa::path(delete, path = "/api/v1/api-keys/{id}", tag = "auth", security(("bearer" = [])),
    params(("id" = Uuid, Path)),
    responses((status = 204), (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody)))]
pub async fn revoke_route(
    State(state): State<ApiKeyRoutes>,
    caller: ApiCaller,
    request: Parts,
    Path(id): Path<Uuid>,
) -> Result<StatusCode> {
    revoke(&state.db, &caller.viewer, id, &client_of(&request)).await?;
    Ok(StatusCode::NO_CONTENT)
}
