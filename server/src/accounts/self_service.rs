//! REST routes for a person's own account and the organization's security rules: profile,
//! two-factor set-up and sign-in, Settings → Security.

use app::auth::{MfaSetup, ProfileView, SecuritySettings};
use axum::{
    Json, Router,
    extract::State,
    http::{StatusCode, request::Parts},
    response::Response,
    routing::{get, post},
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    profile::ProfilePatch,
    routes::{ApiCaller, ApiJson, TokenResponse, client_of, with_session},
};
use crate::{error::Result, startup::AppState};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/profile", get(show_profile).patch(update_profile))
        .route("/api/v1/auth/mfa/setup", post(mfa_setup))
        .route("/api/v1/auth/mfa/enable", post(mfa_enable))
        .route("/api/v1/auth/mfa/disable", post(mfa_disable))
        .route("/api/v1/auth/login/mfa", post(login_mfa))
        .route("/api/v1/organization/security", get(show_security).put(update_security))
        .route("/api/v1/outbox", get(show_outbox))
}

#[derive(Debug, serde::Serialize, ToSchema)]
pub struct OutboxResponse {
    pub mails: Vec<app::dto::OutboxEntry>,
}

/// The organization's outgoing mail, newest 50 (owners and admins). Verification and reset
/// links addressed to someone else are hidden.
#[utoipa::path(get, path = "/api/v1/outbox", tag = "organization", security(("bearer" = [])),
    responses((status = 200, body = OutboxResponse), (status = 403, body = app::error::ErrorBody)))]
pub async fn show_outbox(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<OutboxResponse>> {
    let me = state.accounts.user_view_of(caller.viewer.user_id).await?;
    Ok(Json(OutboxResponse { mails: crate::mail::outbox(&state.db, &caller.viewer, &me.email).await? }))
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
pub async fn show_profile(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<ProfileView>> {
    Ok(Json(state.accounts.profile(&caller.viewer).await?))
}

/// Changes the signed-in person's profile and notification preferences.
#[utoipa::path(patch, path = "/api/v1/profile", tag = "auth", security(("bearer" = [])), request_body = ProfilePatch,
    responses((status = 200, body = ProfileView), (status = 422, body = app::error::ErrorBody)))]
pub async fn update_profile(
    State(state): State<AppState>,
    caller: ApiCaller,
    request: Parts,
    ApiJson(patch): ApiJson<ProfilePatch>,
) -> Result<Json<ProfileView>> {
    Ok(Json(state.accounts.update_profile(&caller.viewer, patch, &client_of(&request)).await?))
}

/// Starts two-factor set-up: a secret and its QR code for an authenticator app.
#[utoipa::path(post, path = "/api/v1/auth/mfa/setup", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = MfaSetup), (status = 409, body = app::error::ErrorBody)))]
pub async fn mfa_setup(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<MfaSetup>> {
    Ok(Json(state.accounts.mfa_setup(&caller.viewer).await?))
}

/// Confirms set-up with a current code; sign-ins ask for a code from then on.
#[utoipa::path(post, path = "/api/v1/auth/mfa/enable", tag = "auth", security(("bearer" = [])), request_body = CodeRequest,
    responses((status = 204), (status = 422, body = app::error::ErrorBody)))]
pub async fn mfa_enable(
    State(state): State<AppState>,
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
    State(state): State<AppState>,
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
    State(state): State<AppState>,
    request: Parts,
    ApiJson(body): ApiJson<MfaLoginRequest>,
) -> Result<Response> {
    let (user, token) =
        state.accounts.complete_mfa(&body.challenge, &body.code, &client_of(&request)).await?;
    let tokens = state.accounts.issue_tokens(&user, None).await?;
    Ok(with_session(StatusCode::OK, Json(TokenResponse { tokens, user }), &token, &request.headers))
}

/// The organization's security rules (owners and admins).
#[utoipa::path(get, path = "/api/v1/organization/security", tag = "organization", security(("bearer" = [])),
    responses((status = 200, body = SecuritySettings), (status = 403, body = app::error::ErrorBody)))]
pub async fn show_security(
    State(state): State<AppState>,
    caller: ApiCaller,
) -> Result<Json<SecuritySettings>> {
    Ok(Json(state.accounts.security_settings(&caller.viewer).await?))
}

/// Replaces the organization's security rules (owners and admins). An allow-list that leaves
/// out the caller's own address is refused.
#[utoipa::path(put, path = "/api/v1/organization/security", tag = "organization", security(("bearer" = [])),
    request_body = SecuritySettings,
    responses((status = 200, body = SecuritySettings), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn update_security(
    State(state): State<AppState>,
    caller: ApiCaller,
    request: Parts,
    ApiJson(settings): ApiJson<SecuritySettings>,
) -> Result<Json<SecuritySettings>> {
    Ok(Json(state.accounts.update_security_settings(&caller.viewer, settings, &client_of(&request)).await?))
}
