//! The HTTP side of accounts: `/api/v1/auth/*`, the browser redirects of "Sign in with Google"
//! (`/auth/google*`), the session cookie, the page guard that sends visitors without a session
//! to /login, and the `AccountsPort` the login page's server functions call.

use std::net::SocketAddr;

use app::{
    ApiError,
    auth::{DemoAccount, SignInOptions, SignInProblem, UserView},
    ssr::{AccountsPort, RegisterForm},
};
use axum::{
    Json, Router,
    extract::{ConnectInfo, FromRequest, Request, State, rejection::JsonRejection},
    http::{HeaderMap, HeaderValue, StatusCode, header, request::Parts},
    middleware::Next,
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use serde::{Deserialize, Serialize, de::DeserializeOwned};
use utoipa::ToSchema;

use super::{
    AccountService, ClientInfo, Registration, SESSION_DAYS, google, input, team::MemberPatch,
    tokens::TokenPair,
};
use crate::{error::Result, startup::AppState};

pub const SESSION_COOKIE: &str = "cs_session";
/// Carries the signed Google sign-in flow from `/auth/google` to its callback.
const GOOGLE_FLOW_COOKIE: &str = "cs_google_flow";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/auth/register", post(register))
        .route("/api/v1/auth/login", post(login))
        .route("/api/v1/auth/logout", post(logout))
        .route("/api/v1/auth/me", get(me))
        .route("/api/v1/auth/refresh", post(refresh))
        .route("/api/v1/auth/sessions", get(list_sessions))
        .route("/api/v1/auth/logout-others", post(logout_others))
        .route("/api/v1/auth/accept-invitation", post(accept_invitation))
        .route("/api/v1/team", get(list_team))
        .route("/api/v1/team/invitations", post(invite))
        .route("/api/v1/team/{id}", axum::routing::patch(update_member).delete(remove_member))
        .route("/api/v1/audit-log", get(audit_log))
        .route("/api/v1/auth/verify-email", post(verify_email))
        .route("/api/v1/auth/resend-verification", post(resend_verification))
        .route("/api/v1/auth/forgot-password", post(forgot_password))
        .route("/api/v1/auth/reset-password", post(reset_password))
        // Browser redirects, not API: they answer with 302s, not JSON, so they are not in the
        // OpenAPI document (tests/api/oidc.rs covers them). Outside /api/ and outside the
        // pages' session guard: anonymous visitors are who uses them.
        .route("/auth/google", get(google_start))
        .route(google::CALLBACK_PATH, get(google_callback))
}

/// Sends the browser to Google (or the configured provider) to sign in, with the flow in a
/// short-lived cookie. Not found when Google sign-in is not configured.
pub async fn google_start(State(state): State<AppState>, headers: HeaderMap) -> Response {
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
    State(state): State<AppState>,
    connect: ConnectInfo<SocketAddr>,
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
        Ok(identity) => {
            let client = client_info(Some(connect), &headers);
            match state.accounts.sign_in_with_google(identity, &client).await {
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
            }
        }
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
    State(state): State<AppState>,
    ApiJson(body): ApiJson<TokenRequest>,
) -> Result<Json<UserResponse>> {
    Ok(Json(UserResponse { user: state.accounts.verify_email(&body.token).await? }))
}

/// Mails the signed-in user a new verification link.
#[utoipa::path(post, path = "/api/v1/auth/resend-verification", tag = "auth",
    responses((status = 202), (status = 401, body = app::error::ErrorBody)))]
pub async fn resend_verification(
    State(state): State<AppState>,
    session: SessionCookie,
) -> Result<StatusCode> {
    state.accounts.resend_verification(&session.token, &session.client).await?;
    Ok(StatusCode::ACCEPTED)
}

/// Mails a password-reset link (valid one hour) if the address has an account. Always 202.
#[utoipa::path(post, path = "/api/v1/auth/forgot-password", tag = "auth", request_body = ForgotPasswordRequest,
    responses((status = 202)))]
pub async fn forgot_password(
    State(state): State<AppState>,
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
    State(state): State<AppState>,
    connect: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<ResetPasswordRequest>,
) -> Result<StatusCode> {
    let password = input::NewPassword::try_from(body.password)?;
    state.accounts.reset_password(&body.token, password, &client_info(Some(connect), &headers)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// JSON body extractor whose rejections are `ApiError`s (a person-readable `bad_request`).
pub struct ApiJson<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for ApiJson<T> {
    type Rejection = crate::error::ApiResponse;

    async fn from_request(request: Request, state: &S) -> Result<Self, Self::Rejection> {
        match Json::<T>::from_request(request, state).await {
            Ok(Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(crate::error::ApiResponse(json_rejection(rejection))),
        }
    }
}

/// Query-string extractor whose rejections are `ApiError`s.
pub struct ApiQuery<T>(pub T);

impl<S: Send + Sync, T: DeserializeOwned> axum::extract::FromRequestParts<S> for ApiQuery<T> {
    type Rejection = crate::error::ApiResponse;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(crate::error::ApiResponse(ApiError::bad_request(format!(
                "The query string does not fit: {}",
                rejection.body_text()
            )))),
        }
    }
}

fn json_rejection(rejection: JsonRejection) -> ApiError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => {
            ApiError::bad_request("Send the body as JSON with `Content-Type: application/json`.")
        }
        JsonRejection::JsonSyntaxError(_) => ApiError::bad_request("The body is not valid JSON."),
        JsonRejection::JsonDataError(err) => {
            ApiError::bad_request(format!("The JSON does not fit: {}", err.body_text()))
        }
        other => ApiError::bad_request(other.body_text()),
    }
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
    State(state): State<AppState>,
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
    State(state): State<AppState>,
    caller: ApiCaller,
    connect: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<InviteRequest>,
) -> Result<(StatusCode, Json<app::auth::TeamMember>)> {
    let email = input::EmailAddress::try_from(body.email)?;
    let client = client_info(Some(connect), &headers);
    Ok((StatusCode::CREATED, Json(state.accounts.invite(&caller.viewer, email, body.role, &client).await?)))
}

/// Changes a member's role and/or status (`active`, `deactivated`). Not the owner, not yourself.
#[utoipa::path(patch, path = "/api/v1/team/{id}", tag = "team", security(("bearer" = [])),
    params(("id" = String, Path, description = "Member id (UUID)")), request_body = MemberPatch,
    responses((status = 200, body = app::auth::TeamMember), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody)))]
pub async fn update_member(
    State(state): State<AppState>,
    caller: ApiCaller,
    connect: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<String>,
    ApiJson(patch): ApiJson<MemberPatch>,
) -> Result<Json<app::auth::TeamMember>> {
    let id = id.parse().map_err(|_| ApiError::not_found("team member"))?;
    let client = client_info(Some(connect), &headers);
    Ok(Json(state.accounts.update_member(&caller.viewer, id, patch, &client).await?))
}

/// Removes a member, or withdraws an invitation.
#[utoipa::path(delete, path = "/api/v1/team/{id}", tag = "team", security(("bearer" = [])),
    params(("id" = String, Path, description = "Member id (UUID)")),
    responses((status = 204), (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody)))]
pub async fn remove_member(
    State(state): State<AppState>,
    caller: ApiCaller,
    connect: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    axum::extract::Path(id): axum::extract::Path<String>,
) -> Result<StatusCode> {
    let id = id.parse().map_err(|_| ApiError::not_found("team member"))?;
    state.accounts.remove_member(&caller.viewer, id, &client_info(Some(connect), &headers)).await?;
    Ok(StatusCode::NO_CONTENT)
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
    State(state): State<AppState>,
    caller: ApiCaller,
    ApiQuery(query): ApiQuery<AuditQuery>,
) -> Result<Json<AuditResponse>> {
    let entries =
        crate::audit::list(&state.db, &caller.viewer, query.action.as_deref(), query.before.as_deref())
            .await?;
    Ok(Json(AuditResponse { entries }))
}

/// Accepts an invitation with a name and password; answers like login.
#[utoipa::path(post, path = "/api/v1/auth/accept-invitation", tag = "auth", request_body = AcceptInvitationRequest,
    responses((status = 200, body = TokenResponse), (status = 422, body = app::error::ErrorBody)))]
pub async fn accept_invitation(
    State(state): State<AppState>,
    connect: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<AcceptInvitationRequest>,
) -> Result<Response> {
    let name = input::name("name", body.name, 100)?;
    let password = input::NewPassword::try_from(body.password)?;
    let client = client_info(Some(connect), &headers);
    let member = state.accounts.accept_invitation(&body.token, name, password.clone(), &client).await?;
    let (user, token) = state.accounts.sign_in(&member.email, password.as_str(), &client).await?;
    let tokens = state.accounts.issue_tokens(&user, None).await?;
    Ok(with_session(StatusCode::OK, Json(TokenResponse { tokens, user }), &token, &headers))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct RefreshRequest {
    pub refresh_token: String,
}

/// Who is calling a REST route: an API key (`cs_live_…`), a bearer access token (needs the
/// API-access permission) or the dashboard's session cookie.
pub struct ApiCaller {
    pub viewer: app::ssr::Viewer,
    pub via_token: bool,
}

impl axum::extract::FromRequestParts<AppState> for ApiCaller {
    type Rejection = crate::error::Error;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        let client = client_of(parts);
        if let Some(bearer) = bearer_token(&parts.headers) {
            let viewer = if bearer.starts_with(crate::api_keys::KEY_PREFIX) {
                state.accounts.api_key_viewer(&bearer, &client).await?
            } else {
                state.accounts.bearer_viewer(&bearer, &client).await?
            };
            return Ok(Self { viewer, via_token: true });
        }
        let token = session_token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(Self { viewer: state.accounts.viewer(&token, &client).await?, via_token: false })
    }
}

/// A request that must carry the dashboard's session cookie, and where it came from.
pub struct SessionCookie {
    pub token: String,
    pub client: ClientInfo,
}

impl axum::extract::FromRequestParts<AppState> for SessionCookie {
    type Rejection = crate::error::Error;

    async fn from_request_parts(parts: &mut Parts, _: &AppState) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(Self { token, client: client_of(parts) })
    }
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}

/// Registers an organization and its owner, and signs the owner in (session cookie).
#[utoipa::path(post, path = "/api/v1/auth/register", tag = "auth", request_body = RegisterRequest,
    responses((status = 201, body = TokenResponse), (status = 409, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    connect: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<RegisterRequest>,
) -> Result<Response> {
    let registration = validate_registration(body)?;
    let client = client_info(Some(connect), &headers);
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
    State(state): State<AppState>,
    connect: ConnectInfo<SocketAddr>,
    headers: HeaderMap,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response> {
    let client = client_info(Some(connect), &headers);
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
    State(state): State<AppState>,
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
    State(state): State<AppState>,
    session: SessionCookie,
) -> Result<Json<EndedResponse>> {
    Ok(Json(EndedResponse { ended: state.accounts.sign_out_others(&session.token, &session.client).await? }))
}

/// Exchanges a refresh token for a new pair. The presented token stops working; presenting it
/// again revokes every token descended from the same sign-in.
#[utoipa::path(post, path = "/api/v1/auth/refresh", tag = "auth", request_body = RefreshRequest,
    responses((status = 200, body = TokenResponse), (status = 401, body = app::error::ErrorBody)))]
pub async fn refresh(
    State(state): State<AppState>,
    ApiJson(body): ApiJson<RefreshRequest>,
) -> Result<Json<TokenResponse>> {
    let (user, tokens) = state.accounts.refresh_tokens(&body.refresh_token).await?;
    Ok(Json(TokenResponse { tokens, user }))
}

/// Ends this session (clears the cookie) and, given `{"refresh_token": …}`, revokes that
/// token's family.
#[utoipa::path(post, path = "/api/v1/auth/logout", tag = "auth", responses((status = 204)))]
pub async fn logout(
    State(state): State<AppState>,
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
pub async fn me(State(state): State<AppState>, caller: ApiCaller) -> Result<Json<UserResponse>> {
    Ok(Json(UserResponse { user: state.accounts.user_view_of(caller.viewer.user_id).await? }))
}

/// Pages other than /login need a session; without one the browser is sent to /login.
pub async fn require_session_for_pages(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    const PUBLIC_PAGES: [&str; 6] =
        ["/login", "/register", "/forgot-password", "/reset-password", "/verify-email", "/accept-invite"];
    let path = request.uri().path();
    if PUBLIC_PAGES.contains(&path) || path.starts_with("/api/") || path.starts_with("/pkg/") {
        return next.run(request).await;
    }
    let client =
        client_info(request.extensions().get::<ConnectInfo<SocketAddr>>().cloned(), request.headers());
    let user = match session_token(request.headers()) {
        Some(token) => state.accounts.page_user(&token, &client).await.ok(),
        None => None,
    };
    match user {
        // The organization requires two-factor sign-in and this person has not set it up:
        // the Profile page (where they can) is the only page until they do.
        Some((user, true)) if user.email_verified && path != "/profile" => {
            Redirect::to("/profile").into_response()
        }
        Some((user, _)) if user.email_verified => next.run(request).await,
        // Signed in, address not confirmed yet: the page that says so (and can resend).
        Some(_) => Redirect::to("/verify-email").into_response(),
        None => Redirect::to("/login").into_response(),
    }
}

/// The session token from the request's `Cookie` header.
pub fn session_token(headers: &HeaderMap) -> Option<String> {
    cookie(headers, SESSION_COOKIE)
}

/// A cookie's value from the request's `Cookie` headers.
fn cookie(headers: &HeaderMap, wanted: &str) -> Option<String> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|value| value.to_str().ok())
        .flat_map(|cookies| cookies.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(name, _)| *name == wanted)
        .map(|(_, value)| value.to_owned())
}

/// Where a server-function call came from.
pub fn client_of(parts: &Parts) -> ClientInfo {
    client_info(parts.extensions.get::<ConnectInfo<SocketAddr>>().cloned(), &parts.headers)
}

pub fn client_info(connect: Option<ConnectInfo<SocketAddr>>, headers: &HeaderMap) -> ClientInfo {
    ClientInfo {
        ip: connect.map(|ConnectInfo(addr)| addr.ip().to_string()),
        user_agent: headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned),
    }
}

fn behind_tls(headers: &HeaderMap) -> bool {
    headers.get("x-forwarded-proto").is_some_and(|p| p.as_bytes().eq_ignore_ascii_case(b"https"))
}

/// `httpOnly`, `SameSite=Lax`, `Secure` behind TLS; lives as long as the server-side session.
pub fn session_cookie(token: &str, headers: &HeaderMap) -> HeaderValue {
    let secure = if behind_tls(headers) { "; Secure" } else { "" };
    let max_age = SESSION_DAYS * 24 * 3600;
    HeaderValue::from_str(&format!(
        "{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Lax; Max-Age={max_age}{secure}"
    ))
    .unwrap_or_else(|_| clear_cookie())
}

pub fn clear_cookie() -> HeaderValue {
    HeaderValue::from_static("cs_session=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0")
}

pub(crate) fn with_session(
    status: StatusCode,
    body: impl IntoResponse,
    token: &str,
    headers: &HeaderMap,
) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(header::SET_COOKIE, session_cookie(token, headers));
    response
}

/// The login page's port: signs in and out through the same service, setting the cookie on
/// the server function's response.
pub struct DashboardAccounts {
    pub accounts: AccountService,
    pub db: sea_orm::DatabaseConnection,
}

/// Sets the session cookie on the current server function's response.
fn set_session_cookie(token: &str, request: &Parts) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.insert_header(header::SET_COOKIE, session_cookie(token, &request.headers));
    }
}

impl DashboardAccounts {
    async fn viewer(&self, request: &Parts) -> Result<app::ssr::Viewer, ApiError> {
        let token = session_token(&request.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(self.accounts.viewer(&token, &client_of(request)).await?)
    }
}

#[async_trait::async_trait]
impl AccountsPort for DashboardAccounts {
    async fn current_user(&self, request: &Parts) -> Result<UserView, ApiError> {
        let token = session_token(&request.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(self.accounts.session_user(&token, &client_of(request)).await?)
    }

    async fn sign_in(&self, request: &Parts, email: String, password: String) -> Result<UserView, ApiError> {
        let connect = request.extensions.get::<ConnectInfo<SocketAddr>>().cloned();
        let client = client_info(connect, &request.headers);
        let (user, token) = self.accounts.sign_in(&email, &password, &client).await?;
        set_session_cookie(&token, request);
        Ok(user)
    }

    async fn sign_out(&self, request: &Parts) -> Result<(), ApiError> {
        if let Some(token) = session_token(&request.headers) {
            self.accounts.sign_out(&token).await?;
        }
        if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            response.insert_header(header::SET_COOKIE, clear_cookie());
        }
        Ok(())
    }

    async fn demo_accounts(&self) -> Result<Vec<DemoAccount>, ApiError> {
        Ok(crate::demo::accounts(&self.db).await?)
    }

    async fn sign_in_options(&self) -> Result<SignInOptions, ApiError> {
        Ok(SignInOptions { google: self.accounts.google().is_some() })
    }

    async fn register(&self, request: &Parts, form: RegisterForm) -> Result<UserView, ApiError> {
        let RegisterForm { name, email, password, organization_name } = form;
        let registration =
            validate_registration(RegisterRequest { name, email, password, organization_name })?;
        let (user, token) = self.accounts.register_and_sign_in(registration, &client_of(request)).await?;
        set_session_cookie(&token, request);
        Ok(user)
    }

    async fn verify_email(&self, token: String) -> Result<UserView, ApiError> {
        Ok(self.accounts.verify_email(&token).await?)
    }

    async fn resend_verification(&self, request: &Parts) -> Result<(), ApiError> {
        let token = session_token(&request.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(self.accounts.resend_verification(&token, &client_of(request)).await?)
    }

    async fn forgot_password(&self, email: String) -> Result<(), ApiError> {
        let email = input::EmailAddress::try_from(email)?;
        Ok(self.accounts.forgot_password(email.as_str()).await?)
    }

    async fn reset_password(&self, token: String, password: String) -> Result<(), ApiError> {
        let password = input::NewPassword::try_from(password)?;
        Ok(self.accounts.reset_password(&token, password, &ClientInfo::default()).await?)
    }

    async fn team(
        &self,
        request: &Parts,
        query: app::auth::TeamQuery,
    ) -> Result<app::auth::TeamListing, ApiError> {
        let viewer = self.viewer(request).await?;
        Ok(self.accounts.team(&viewer, query).await?)
    }

    async fn invite(
        &self,
        request: &Parts,
        email: String,
        role: app::auth::Role,
    ) -> Result<app::auth::TeamMember, ApiError> {
        let viewer = self.viewer(request).await?;
        let email = input::EmailAddress::try_from(email)?;
        Ok(self.accounts.invite(&viewer, email, role, &client_of(request)).await?)
    }

    async fn update_member(
        &self,
        request: &Parts,
        member: uuid::Uuid,
        role: Option<app::auth::Role>,
        status: Option<String>,
    ) -> Result<app::auth::TeamMember, ApiError> {
        let viewer = self.viewer(request).await?;
        let patch = MemberPatch { role, status };
        Ok(self.accounts.update_member(&viewer, member, patch, &client_of(request)).await?)
    }

    async fn remove_member(&self, request: &Parts, member: uuid::Uuid) -> Result<(), ApiError> {
        let viewer = self.viewer(request).await?;
        Ok(self.accounts.remove_member(&viewer, member, &client_of(request)).await?)
    }

    async fn sessions(&self, request: &Parts) -> Result<Vec<app::auth::SessionView>, ApiError> {
        let token = session_token(&request.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(self.accounts.sessions(&token, &client_of(request)).await?)
    }

    async fn sign_out_others(&self, request: &Parts) -> Result<u64, ApiError> {
        let token = session_token(&request.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(self.accounts.sign_out_others(&token, &client_of(request)).await?)
    }

    async fn audit_log(
        &self,
        request: &Parts,
        action: Option<String>,
        before: Option<String>,
    ) -> Result<Vec<app::auth::AuditEntryView>, ApiError> {
        let viewer = self.viewer(request).await?;
        Ok(crate::audit::list(&self.db, &viewer, action.as_deref(), before.as_deref()).await?)
    }

    async fn accept_invitation(
        &self,
        request: &Parts,
        token: String,
        name: String,
        password: String,
    ) -> Result<UserView, ApiError> {
        let name = input::name("name", name, 100)?;
        let password = input::NewPassword::try_from(password)?;
        let member =
            self.accounts.accept_invitation(&token, name, password.clone(), &client_of(request)).await?;
        self.sign_in(request, member.email, password.as_str().to_owned()).await
    }
}
