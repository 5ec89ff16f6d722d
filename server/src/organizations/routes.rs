//! `/api/v1/organization` (profile), `/api/v1/organization/security` (security rules) and
//! `/api/v1/organization/logo` (upload with its own body limit, remove).

use app::{
    auth::{Permission, SecuritySettings},
    dto::OrganizationView,
};
use axum::{
    Json,
    extract::{DefaultBodyLimit, FromRef, Multipart, State},
    http::{HeaderMap, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
};
use sea_orm::DatabaseConnection;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    OrganizationPatch, get_profile,
    logo::{self, Logo, LogoProblem, MAX_LOGO_BYTES},
    security, update_profile,
};
use crate::{
    error::Result,
    http::{ApiCaller, ApiJson, Authenticator, client_of},
    shared::ClientInfo,
    storage::FileStore,
};

#[derive(Clone, FromRef)]
pub struct OrganizationRoutes {
    pub db: DatabaseConnection,
    pub files: FileStore,
    pub auth: Authenticator,
}

pub fn router(state: OrganizationRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(show, update))
        .routes(routes!(show_security, update_security))
        .with_state(state)
}

/// The caller's organization profile.
#[utoipa::path(get, path = "/api/v1/organization", tag = "organization", security(("bearer" = [])),
    responses((status = 200, body = OrganizationView), (status = 401, body = app::error::ErrorBody)))]
pub async fn show(
    State(state): State<OrganizationRoutes>,
    caller: ApiCaller,
) -> Result<Json<OrganizationView>> {
    Ok(Json(get_profile(&state.db, &caller.viewer).await?))
}

/// Changes the profile (owners and admins).
#[utoipa::path(patch, path = "/api/v1/organization", tag = "organization", security(("bearer" = [])),
    request_body = OrganizationPatch,
    responses((status = 200, body = OrganizationView), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn update(
    State(state): State<OrganizationRoutes>,
    caller: ApiCaller,
    client: ClientInfo,
    ApiJson(patch): ApiJson<OrganizationPatch>,
) -> Result<Json<OrganizationView>> {
    Ok(Json(update_profile(&state.db, &caller.viewer, patch, &client).await?))
}

/// The upload route, with its own body limit (the rest of the API takes at most 1 MB). The body
/// may be a little over the 2 MB the handler allows: it answers "too large" itself.
pub fn upload_router(state: OrganizationRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(upload_route, remove_route))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(UPLOAD_BODY_LIMIT))
        .with_state(state)
}

/// Largest request body the upload route reads.
const UPLOAD_BODY_LIMIT: usize = MAX_LOGO_BYTES + 64 * 1024;

/// A browser's form post gets a page back, not JSON.
fn wants_page(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

/// Uploads the logo: `multipart/form-data` with a `logo` file field (PNG or JPEG, at most
/// 2 MB). A browser form is sent back to the settings page.
#[utoipa::path(post, path = "/api/v1/organization/logo", tag = "organization", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "a `logo` file field: PNG or JPEG, at most 2 MB"),
    responses((status = 200, body = OrganizationView), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn upload_route(
    State(state): State<OrganizationRoutes>,
    caller: ApiCaller,
    request: axum::extract::Request,
) -> Result<Response> {
    // Who may comes before reading a 2 MB body.
    caller.viewer.require(Permission::ManageSettings)?;
    let (parts, body) = request.into_parts();
    let page = wants_page(&parts.headers);
    let client = client_of(&parts);
    let request = axum::extract::Request::from_parts(parts, body);
    let read = match <Multipart as axum::extract::FromRequest<()>>::from_request(request, &()).await {
        Ok(multipart) => read_logo_field(multipart).await,
        Err(_) => Err(LogoProblem::Missing),
    };
    let decoded = match read {
        Ok(bytes) => Logo::decode(bytes).await,
        Err(problem) => Err(problem),
    };
    match (decoded, page) {
        (Err(problem), true) => {
            Ok(Redirect::to(&format!("/settings?logo_error={}", problem.code())).into_response())
        }
        (Err(problem), false) => Err(problem.error().into()),
        (Ok(decoded), _) => {
            let view = logo::upload(&state.db, &state.files, &caller.viewer, decoded, &client).await?;
            Ok(if page {
                Redirect::to("/settings?logo=saved").into_response()
            } else {
                Json(view).into_response()
            })
        }
    }
}

async fn read_logo_field(mut multipart: Multipart) -> std::result::Result<Vec<u8>, LogoProblem> {
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("logo") => {
                let bytes = field.bytes().await.map_err(|_| LogoProblem::TooLarge)?;
                return Ok(bytes.to_vec());
            }
            Ok(Some(_)) => continue,
            Ok(None) => return Err(LogoProblem::Missing),
            Err(_) => return Err(LogoProblem::TooLarge),
        }
    }
}

/// Removes the logo.
#[utoipa::path(delete, path = "/api/v1/organization/logo", tag = "organization", security(("bearer" = [])),
    responses((status = 200, body = OrganizationView), (status = 403, body = app::error::ErrorBody)))]
pub async fn remove_route(
    State(state): State<OrganizationRoutes>,
    caller: ApiCaller,
    request: Parts,
) -> Result<Response> {
    let view = logo::remove(&state.db, &state.files, &caller.viewer, &client_of(&request)).await?;
    Ok(if wants_page(&request.headers) {
        Redirect::to("/settings?logo=removed").into_response()
    } else {
        Json(view).into_response()
    })
}

/// The organization's security rules (owners and admins).
#[utoipa::path(get, path = "/api/v1/organization/security", tag = "organization", security(("bearer" = [])),
    responses((status = 200, body = SecuritySettings), (status = 403, body = app::error::ErrorBody)))]
pub async fn show_security(
    State(state): State<OrganizationRoutes>,
    caller: ApiCaller,
) -> Result<Json<SecuritySettings>> {
    Ok(Json(security::security_settings(&state.db, &caller.viewer).await?))
}

/// Replaces the organization's security rules (owners and admins). An allow-list that leaves
/// out the caller's own address is refused.
#[utoipa::path(put, path = "/api/v1/organization/security", tag = "organization", security(("bearer" = [])),
    request_body = SecuritySettings,
    responses((status = 200, body = SecuritySettings), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn update_security(
    State(state): State<OrganizationRoutes>,
    caller: ApiCaller,
    request: Parts,
    ApiJson(settings): ApiJson<SecuritySettings>,
) -> Result<Json<SecuritySettings>> {
    Ok(Json(
        security::update_security_settings(&state.db, &caller.viewer, settings, &client_of(&request)).await?,
    ))
}
