//! REST routes for a person's own account: profile, two-factor set-up and sign-in.

use app::auth::{MfaSetup, ProfileView};
use axum::{
    Json,
    extract::State,
    http::{StatusCode, request::Parts},
    response::Response,
};
use serde::Deserialize;
use utoipa::ToSchema;

use utoipa_axum::{router::OpenApiRouter, routes};

use super::{
    profile::ProfilePatch,
    routes::{AccountRoutes, TokenResponse},
};
use crate::{
    error::Result,
    http::{ApiCaller, ApiJson, client_of, cookies::with_session},
};

pub fn router(state: AccountRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(show_profile, update_profile))
        .routes(routes!(mfa_setup))
        .routes(routes!(mfa_enable))
        .routes(routes!(mfa_disable))
        .routes(routes!(login_mfa))
        .with_state(state)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CodeRequest {
    /// The 6 digits the authenticator app shows.
    pub code: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MfaLoginRequest {
    /// From the `mfa_required` error of `/api/v1/auth/login`.
    pub challenge: String,
    pub code: String,
}

/// The signed-in person's profile.
#[utoipa::path(get, path = "/api/v1/profile", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = ProfileView), (status = 401, body = app::error::ErrorBody)))]
pub async fn show_profile(
    State(state): State<AccountRoutes>,
    caller: ApiCaller,
) -> Result<Json<ProfileView>> {
    Ok(Json(state.accounts.profile(&caller.viewer).await?))
}

/// Changes the signed-in person's profile and notification preferences.
#[utoipa::path(patch, path = "/api/v1/profile", tag = "auth", security(("bearer" = [])), request_body = ProfilePatch,
    responses((status = 200, body = ProfileView), (status = 422, body = app::error::ErrorBody)))]
pub async fn update_profile(
    State(state): State<AccountRoutes>,
    caller: ApiCaller,
    request: Parts,
    ApiJson(patch): ApiJson<ProfilePatch>,
) -> Result<Json<ProfileView>> {
    Ok(Json(state.accounts.update_profile(&caller.viewer, patch, &client_of(&request)).await?))
}

/// Starts two-factor set-up: a secret and its QR code for an authenticator app.
#[utoipa::path(post, path = "/api/v1/auth/mfa/setup", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MfaSetup), (status = 409, body = app::error::ErrorBody)))]
pub async fn mfa_setup(State(state): State<AccountRoutes>, caller: ApiCaller) -> Result<Json<MfaSetup>> {
    Ok(Json(state.accounts.mfa_setup(&caller.viewer).await?))
}

/// Confirms set-up with a current code; sign-ins ask for a code from then on.
#[utoipa::path(post, path = "/api/v1/auth/mfa/enable", tag = "auth", security(("bearer" = [])), request_body = CodeRequest,
    responses((status = 204), (status = 422, body = app::error::ErrorBody)))]
pub async fn mfa_enable(
    State(state): State<AccountRoutes>,
    caller: ApiCaller,
    request: Parts,
    ApiJson(body): ApiJson<CodeRequest>,
) -> Result<StatusCode> {
    state.accounts.mfa_enable(&caller.viewer, &body.code, &client_of(&request)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Turns two-factor sign-in off (with a current code), unless the organization requires it.
#[utoipa::path(post, path = "/api/v1/auth/mfa/disable", tag = "auth", security(("bearer" = [])), request_body = CodeRequest,
    responses((status = 204), (status = 409, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn mfa_disable(
    State(state): State<AccountRoutes>,
    caller: ApiCaller,
    request: Parts,
    ApiJson(body): ApiJson<CodeRequest>,
) -> Result<StatusCode> {
    state.accounts.mfa_disable(&caller.viewer, &body.code, &client_of(&request)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The second step of a two-factor sign-in: the challenge from `login` and a current code.
#[utoipa::path(post, path = "/api/v1/auth/login/mfa", tag = "auth", request_body = MfaLoginRequest,
    responses((status = 200, body = TokenResponse), (status = 422, body = app::error::ErrorBody),
              (status = 429, body = app::error::ErrorBody)))]
pub async fn login_mfa(
    State(state): State<AccountRoutes>,
    request: Parts,
    ApiJson(body): ApiJson<MfaLoginRequest>,
) -> Result<Response> {
    let (user, token) =
        state.accounts.complete_mfa(&body.challenge, &body.code, &client_of(&request)).await?;
    let tokens = state.accounts.issue_tokens(&user, None).await?;
    Ok(with_session(StatusCode::OK, Json(TokenResponse { tokens, user }), &token, &request.headers))
}
