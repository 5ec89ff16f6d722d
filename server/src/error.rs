//! `Error`: the server's internal error, wrapping causes. Turning it into the wire `ApiError`
//! logs the cause under a fresh request id and sends only that id: internal text never
//! reaches a client.

use app::ApiError;
use axum::{
    Json,
    http::StatusCode,
    response::{IntoResponse, Response},
};

#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// An error meant for the client as it is (validation, not found, …).
    #[error(transparent)]
    Api(#[from] ApiError),
    #[error("database: {0}")]
    Db(#[from] sea_orm::DbErr),
    #[error("search index: {0}")]
    Search(#[from] tantivy::TantivyError),
    #[error(transparent)]
    Other(#[from] anyhow::Error),
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The wire form. Causes are logged here, once, with the id the client is given.
    pub fn into_api(self) -> ApiError {
        match self {
            Self::Api(api) => api,
            other => {
                let request_id = uuid::Uuid::new_v4().simple().to_string();
                tracing::error!(%request_id, error = ?other, "internal error");
                ApiError::Internal { request_id }
            }
        }
    }
}

impl From<Error> for ApiError {
    fn from(err: Error) -> Self {
        err.into_api()
    }
}

/// Extension: a unique-key violation is a `Conflict`, decided here and nowhere else.
pub fn conflict_on_unique(err: sea_orm::DbErr, message: &str) -> Error {
    match err.sql_err() {
        Some(sea_orm::SqlErr::UniqueConstraintViolation(_)) => {
            Error::Api(ApiError::Conflict { message: message.to_owned() })
        }
        _ => Error::Db(err),
    }
}

/// An `ApiError` as an HTTP response: its status and the `{error, message}` body.
pub struct ApiResponse(pub ApiError);

impl IntoResponse for ApiResponse {
    fn into_response(self) -> Response {
        let status = StatusCode::from_u16(self.0.status_code()).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, Json(self.0.to_body())).into_response();
        if let ApiError::RateLimited { retry_after_secs } = self.0
            && let Ok(value) = retry_after_secs.to_string().parse()
        {
            response.headers_mut().insert(axum::http::header::RETRY_AFTER, value);
        }
        response
    }
}

impl IntoResponse for Error {
    fn into_response(self) -> Response {
        ApiResponse(self.into_api()).into_response()
    }
}
