//! The HTTP side of accounts: `/api/v1/auth/*`, the browser redirects of "Sign in with Google"
//! (`/auth/google*`), the session cookie, the page guard that sends visitors without a session
//! to /login, and the `AccountsPort` the login page's server functions call.

use app::{
    ApiError,
    auth::{SignInProblem, UserView},
};
use axum::{
    Json,
    extract::{FromRef, State},
    http::{HeaderMap, HeaderValue, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::get,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::{AccountService, Registration, google, team::MemberPatch, tokens::TokenPair};
use crate::{
    error::Result,
    http::{
        ApiCaller, ApiJson, ApiQuery, Authenticator, SessionCookie,
        cookies::{behind_tls, clear_cookie, cookie, session_cookie, session_token, with_session},
    },
    shared::{ClientInfo, input},
};

/// Carries the signed Google sign-in flow from `/auth/google` to its callback.
const GOOGLE_FLOW_COOKIE: &str = "cs_google_flow";

/// What the accounts routes need.
#[derive(Clone, FromRef)]
pub struct AccountRoutes {
    pub accounts: AccountService,
    pub auth: Authenticator,
}

pub fn router(state: AccountRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(register))
        .routes(routes!(login))
        .routes(routes!(logout))
        .routes(routes!(me))
        .routes(routes!(refresh))
        .routes(routes!(list_sessions))
        .routes(routes!(logout_others))
        .routes(routes!(accept_invitation))
        .routes(routes!(list_team))
        .routes(routes!(invite))
        .routes(routes!(update_member, remove_member))
        .routes(routes!(verify_email))
        .routes(routes!(resend_verification))
        .routes(routes!(forgot_password))
        .routes(routes!(reset_password))
        // Browser redirects, not API: they answer with 302s, not JSON, so they are not in the
        // OpenAPI document (tests/api/oidc.rs covers them). Outside /api/ and outside the
        // pages' session guard: anonymous visitors are who uses them.
        .route("/auth/google", get(google_start))
        .route(google::CALLBACK_PATH, get(google_callback))
        .with_state(state)
}

/// Sends the browser to Google (or the configured provider) to sign in, with the flow in a
/// short-lived cookie. Not found when Google sign-in is not configured.
pub async fn google_start(State(state): State<AccountRoutes>, headers: HeaderMap) -> Response {
    let Some(google) = state.accounts.google() else {
        return crate::error::ApiResponse(ApiError::not_found("page")).into_response();
    };
    match google.authorize().await {
        Ok(authorization) => {
            let mut response = Redirect::to(&authorization.url).into_response();
            response
                .headers_mut()
                .append(header::SET_COOKIE, google_flow_cookie(&authorization.flow, &headers));
            response
        }
        Err(problem) => login_with_problem(problem),
    }
}

/// Where the provider sends the browser back: checks the answer, signs the person in (creating
/// their organization on first visit) and sends them to the dashboard, or to /login with what
/// went wrong. Nothing is created unless every check passed.
pub async fn google_callback(
    State(state): State<AccountRoutes>,
    client: ClientInfo,
    headers: HeaderMap,
    query: Result<axum::extract::Query<google::Callback>, axum::extract::rejection::QueryRejection>,
) -> Response {
    let Some(google) = state.accounts.google() else {
        return crate::error::ApiResponse(ApiError::not_found("page")).into_response();
    };
    let callback = query.map(|q| q.0).unwrap_or_default();
    let flow = cookie(&headers, GOOGLE_FLOW_COOKIE);
    let mut response = match google.finish(flow.as_deref(), callback).await {
        Err(problem) => login_with_problem(problem),
        Ok(identity) => match state.accounts.sign_in_with_google(identity, &client).await {
            Ok((_, token)) => {
                let mut response = Redirect::to("/").into_response();
                response.headers_mut().append(header::SET_COOKIE, session_cookie(&token, &headers));
                response
            }
            Err(crate::error::Error::Api(ApiError::Forbidden)) => {
                login_with_problem(SignInProblem::AccountInactive)
            }
            Err(err) => {
                tracing::error!(error = ?err, "google sign-in: opening the session failed");
                login_with_problem(SignInProblem::Failed)
            }
        },
    };
    // The flow is single use.
    response.headers_mut().append(
        header::SET_COOKIE,
        HeaderValue::from_static("cs_google_flow=; Path=/auth/google; HttpOnly; SameSite=Lax; Max-Age=0"),
    );
    response
}

fn login_with_problem(problem: SignInProblem) -> Response {
    Redirect::to(&format!("/login?error={}", problem.code())).into_response()
}

/// `SameSite=Lax` so it comes along on the provider's top-level redirect back; scoped to
/// `/auth/google` and as short-lived as the flow.
fn google_flow_cookie(flow: &str, headers: &HeaderMap) -> HeaderValue {
    let secure = if behind_tls(headers) { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{GOOGLE_FLOW_COOKIE}={flow}; Path=/auth/google; HttpOnly; SameSite=Lax; Max-Age={}{secure}",
        google::FLOW_SECONDS
    ))
    .unwrap_or_else(|_| HeaderValue::from_static("cs_google_flow=; Path=/auth/google; Max-Age=0"))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct TokenRequest {
    /// The token from the link in the mail.
    pub token: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ForgotPasswordRequest {
    pub email: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ResetPasswordRequest {
    pub token: String,
    pub password: String,
}

/// Verifies the address behind a mailed token (single use, 48 hours).
#[utoipa::path(post, path = "/api/v1/auth/verify-email", tag = "auth", request_body = TokenRequest,
    responses((status = 200, body = UserResponse), (status = 422, body = app::error::ErrorBody)))]
pub async fn verify_email(
    State(state): State<AccountRoutes>,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<Json<UserResponse>> {
    Ok(Json(UserResponse { user: state.accounts.verify_email(&body.token).await? }))
}

/// Mails the signed-in user a new verification link.
#[utoipa::path(post, path = "/api/v1/auth/resend-verification", tag = "auth",
    responses((status = 202), (status = 401, body = app::error::ErrorBody)))]
pub async fn resend_verification(
    State(state): State<AccountRoutes>,
    session: SessionCookie,
) -> Result<StatusCode> {
    state.accounts.resend_verification(&session.token, &session.client).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Mails a password-reset link (valid one hour) if the address has an account. Always 202.
#[utoipa::path(post, path = "/api/v1/auth/forgot-password", tag = "auth", request_body = ForgotPasswordRequest,
    responses((status = 202)))]
pub async fn forgot_password(
    State(state): State<AccountRoutes>,
    ApiJson(body): ApiJson<ForgotPasswordRequest>,
) -> Result<StatusCode> {
    let email = input::EmailAddress::try_from(body.email)?;
    state.accounts.forgot_password(email.as_str()).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Sets a new password with a mailed token; every session of the account ends.
#[utoipa::path(post, path = "/api/v1/auth/reset-password", tag = "auth", request_body = ResetPasswordRequest,
    responses((status = 204), (status = 422, body = app::error::ErrorBody)))]
pub async fn reset_password(
    State(state): State<AccountRoutes>,
    client: ClientInfo,
    ApiJson(body): ApiJson<ResetPasswordRequest>,
) -> Result<StatusCode> {
    let password = input::NewPassword::try_from(body.password)?;
    state.accounts.reset_password(&body.token, password, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RegisterRequest {
    pub name: String,
    pub email: String,
    pub password: String,
    pub organization_name: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginRequest {
    pub email: String,
    pub password: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct UserResponse {
    pub user: UserView,
}

/// The PRD's token structure: `access_token` (JWT, 15 min), `refresh_token` (30 days, rotated
/// on use), `expires_in`, `token_type`, and the user.
#[derive(Debug, Serialize, ToSchema)]
pub struct TokenResponse {
    #[serde(flatten)]
    pub tokens: TokenPair,
    pub user: UserView,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct InviteRequest {
    pub email: String,
    /// `admin`, `agent` or `viewer`.
    pub role: app::auth::Role,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AcceptInvitationRequest {
    pub token: String,
    pub name: String,
    pub password: String,
}

/// The caller's team, pending invitations included (owners and admins): search by name or
/// email, filter by role and status, 25 per page.
#[utoipa::path(get, path = "/api/v1/team", tag = "team", security(("bearer" = [])), params(app::auth::TeamQuery),
    responses((status = 200, body = app::auth::TeamListing), (status = 403, body = app::error::ErrorBody)))]
pub async fn list_team(
    State(state): State<AccountRoutes>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<app::auth::TeamQuery>,
) -> Result<Json<app::auth::TeamListing>> {
    Ok(Json(state.accounts.team(&caller.viewer, query).await?))
}

/// Invites someone by email with a role; they get a link valid for 7 days.
#[utoipa::path(post, path = "/api/v1/team/invitations", tag = "team", security(("bearer" = [])),
    request_body = InviteRequest,
    responses((status = 201, body = app::auth::TeamMember), (status = 403, body = app::error::ErrorBody),
              (status = 409, body = app::error::ErrorBody)))]
pub async fn invite(
    State(state): State<AccountRoutes>,
    caller: ApiCaller,
    client: ClientInfo,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<app::auth::TeamMember>)> {
    let email = input::EmailAddress::try_from(body.email)?;
    Ok((StatusCode::CREATED, Json(state.accounts.invite(&caller.viewer, email, body.role, &client).await?)))
}

/// Changes a member's role and/or status (`active`, `deactivated`). Not the owner, not yourself.
#[utoipa::path(patch, path = "/api/v1/team/{id}", tag = "team", security(("bearer" = [])),
    params(("id" = String, Path, description = "Member id (UUID)")), request_body = MemberPatch,
    responses((status = 200, body = app::auth::TeamMember), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody)))]
pub async fn update_member(
    State(state): State<AccountRoutes>,
    caller: ApiCaller,
    client: ClientInfo,
    axum::extract::Path(id): axum::extract::Path<String>,
    ApiJson(patch): ApiJson<MemberPatch>,
) -> Result<Json<app::auth::TeamMember>> {
    let id = id.parse().map_err(|_| ApiError::not_found("team member"))?;
    Ok(Json(state.accounts.update_member(&caller.viewer, id, patch, &client).await?))
}

/// Removes a member, or withdraws an invitation.
#[utoipa::path(delete, path = "/api/v1/team/{id}", tag = "team", security(("bearer" = [])),
    params(("id" = String, Path, description = "Member id (UUID)")),
    responses((status = 204), (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody)))]
pub async fn remove_member(
    State(state): State<AccountRoutes>,
    caller: ApiCaller,
    client: ClientInfo,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<StatusCode> {
    let id = id.parse().map_err(|_| ApiError::not_found("team member"))?;
    state.accounts.remove_member(&caller.viewer, id, &client).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Accepts an invitation with a name and password; answers like login.
#[utoipa::path(post, path = "/api/v1/auth/accept-invitation", tag = "auth", request_body = AcceptInvitationRequest,
    responses((status = 200, body = TokenResponse), (status = 422, body = app::error::ErrorBody)))]
pub async fn accept_invitation(
    State(state): State<AccountRoutes>,
    client: ClientInfo,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AcceptInvitationRequest>,
) -> Result<Response> {
    let name = input::name("name", body.name, 100)?;
    let password = input::NewPassword::try_from(body.password)?;
    let member = state.accounts.accept_invitation(&body.token, name, password.clone(), &client).await?;
    let (user, token) = state.accounts.sign_in(&member.email, password.as_str(), &client).await?;
    let tokens = state.accounts.issue_tokens(&user, None).await?;
    Ok(with_session(StatusCode::OK, Json(TokenResponse { tokens, user }), &token, &headers))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = TokenResponse), (status = 409, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn register(
    State(state): State<AccountRoutes>,
    client: ClientInfo,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> Result<Response> {
    let registration = validate_registration(body)?;
    let (user, token) = state.accounts.register_and_sign_in(registration, &client).await?;
    let tokens = state.accounts.issue_tokens(&user, None).await?;
    Ok(with_session(StatusCode::CREATED, Json(TokenResponse { tokens, user }), &token, &headers))
}

pub fn validate_registration(body: RegisterRequest) -> Result<Registration, ApiError> {
    let mut fields = Vec::new();
    let mut check = |result: Result<(), ApiError>| {
        if let Err(ApiError::Validation { fields: mut more }) = result {
            fields.append(&mut more);
        }
    };
    let name = input::name("name", body.name, 100);
    let email = input::EmailAddress::try_from(body.email);
    let password = input::NewPassword::try_from(body.password);
    let organization_name = input::name("organization_name", body.organization_name, 100);
    check(name.as_ref().map(|_| ()).map_err(Clone::clone));
    check(email.as_ref().map(|_| ()).map_err(Clone::clone));
    check(password.as_ref().map(|_| ()).map_err(Clone::clone));
    check(organization_name.as_ref().map(|_| ()).map_err(Clone::clone));
    match (name, email, password, organization_name) {
        (Ok(name), Ok(email), Ok(password), Ok(organization_name)) => {
            Ok(Registration { name, email, password, organization_name })
        }
        _ => Err(ApiError::Validation { fields }),
    }
}

/// Signs in with email and password: API tokens in the body, the dashboard's session cookie
/// in `Set-Cookie`.
#[utoipa::path(post, path = "/api/v1/auth/login", tag = "auth", request_body = LoginRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = app::error::ErrorBody),
              (status = 429, body = app::error::ErrorBody)))]
pub async fn login(
    State(state): State<AccountRoutes>,
    client: ClientInfo,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response> {
    let (user, token) = state.accounts.sign_in(&body.email, &body.password, &client).await?;
    let tokens = state.accounts.issue_tokens(&user, None).await?;
    Ok(with_session(StatusCode::OK, Json(TokenResponse { tokens, user }), &token, &headers))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionsResponse {
    pub sessions: Vec<app::auth::SessionView>,
}

/// The dashboard sessions of the signed-in user (session cookie).
#[utoipa::path(get, path = "/api/v1/auth/sessions", tag = "auth",
    responses((status = 200, body = SessionsResponse), (status = 401, body = app::error::ErrorBody)))]
pub async fn list_sessions(
    State(state): State<AccountRoutes>,
    session: SessionCookie,
) -> Result<Json<SessionsResponse>> {
    Ok(Json(SessionsResponse { sessions: state.accounts.sessions(&session.token, &session.client).await? }))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EndedResponse {
    /// How many sessions ended.
    pub ended: u64,
}

/// Signs out every other session of the signed-in user, and revokes their API refresh tokens.
#[utoipa::path(post, path = "/api/v1/auth/logout-others", tag = "auth",
    responses((status = 200, body = EndedResponse), (status = 401, body = app::error::ErrorBody)))]
pub async fn logout_others(
    State(state): State<AccountRoutes>,
    session: SessionCookie,
) -> Result<Json<EndedResponse>> {
    Ok(Json(EndedResponse { ended: state.accounts.sign_out_others(&session.token, &session.client).await? }))
}

/// Exchanges a refresh token for a new pair. The presented token stops working; presenting it
/// again revokes every token descended from the same sign-in.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = app::error::ErrorBody)))]
pub async fn refresh(
    State(state): State<AccountRoutes>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<Json<TokenResponse>> {
    let (user, tokens) = state.accounts.refresh_tokens(&body.refresh_token).await?;
    Ok(Json(TokenResponse { tokens, user }))
}

/// Ends this session (clears the cookie) and, given `{"refresh_token": …}`, revokes that
/// token's family.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(
    State(state): State<AccountRoutes>,
    headers: HeaderMap,
    body: axum::body::Bytes,
) -> Result<Response> {
    if let Some(token) = session_token(&headers) {
        state.accounts.sign_out(&token).await?;
    }
    if !body.is_empty() {
        let request: RefreshRequest = serde_json::from_slice(&body)
            .map_err(|_| ApiError::bad_request("The body must be {\"refresh_token\": \"…\"}."))?;
        state.accounts.tokens.revoke(&request.refresh_token).await?;
    }
    let mut response = StatusCode::NO_CONTENT.into_response();
    response.headers_mut().insert(header::SET_COOKIE, clear_cookie());
    Ok(response)
}

/// The signed-in user (bearer token or session cookie).
#[utoipa::path(get, path = "/api/v1/auth/me", tag = "auth", security(("bearer" = [])),
    responses((status = 200, body = UserResponse), (status = 401, body = app::error::ErrorBody)))]
pub async fn me(State(state): State<AccountRoutes>, caller: ApiCaller) -> Result<Json<UserResponse>> {
    Ok(Json(UserResponse { user: state.accounts.user_view_of(caller.viewer.user_id).await? }))
}
