//! Extractors whose rejections are `ApiError`s in words a person understands: JSON bodies,
//! query strings, and who is calling.

use app::ApiError;
use axum::{
    Json,
    extract::{FromRef, FromRequest, FromRequestParts, Request, rejection::JsonRejection},
    http::{HeaderMap, header, request::Parts},
};
use serde::de::DeserializeOwned;

use super::{
    auth::{Authenticator, Credential},
    client::client_of,
    cookies::session_token,
};
use crate::shared::ClientInfo;

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

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for ApiQuery<T> {
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

/// Who is calling a REST route: an API key (`cs_live_…`), a bearer access token (needs the
/// API-access permission) or the dashboard's session cookie.
pub struct ApiCaller {
    pub viewer: app::ssr::Viewer,
    pub via_token: bool,
}

impl<S> FromRequestParts<S> for ApiCaller
where
    S: Send + Sync,
    Authenticator: FromRef<S>,
{
    type Rejection = crate::error::Error;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let auth = Authenticator::from_ref(state);
        let client = client_of(parts);
        if let Some(bearer) = bearer_token(&parts.headers) {
            let viewer = auth.viewer(Credential::Bearer(&bearer), &client).await?;
            return Ok(Self { viewer, via_token: true });
        }
        let token = session_token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(Self { viewer: auth.viewer(Credential::Session(&token), &client).await?, via_token: false })
    }
}

/// A request that must carry the dashboard's session cookie, and where it came from.
pub struct SessionCookie {
    pub token: String,
    pub client: ClientInfo,
}

impl<S: Send + Sync> FromRequestParts<S> for SessionCookie {
    type Rejection = crate::error::Error;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let token = session_token(&parts.headers).ok_or(ApiError::Unauthenticated)?;
        Ok(Self { token, client: client_of(parts) })
    }
}

fn bearer_token(headers: &HeaderMap) -> Option<String> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim().to_owned())
}
