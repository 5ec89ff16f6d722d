//! `GET /api/v1/health`: is the database reachable, is the search index open.

use axum::{Json, Router, extract::State, http::StatusCode, routing::get};
use sea_orm::ConnectionTrait;
use serde::Serialize;
use utoipa::ToSchema;

use crate::startup::AppState;

#[derive(Debug, Serialize, ToSchema)]
pub struct HealthView {
    /// `ok` when every part is; `degraded` otherwise.
    pub status: &'static str,
    pub version: &'static str,
    /// `ok` or `unavailable`.
    pub database: &'static str,
    /// `ok` (the index is open; `indexed_messages` documents are searchable).
    pub search_index: &'static str,
    pub indexed_messages: u64,
}

pub fn router() -> Router<AppState> {
    Router::new().route("/api/v1/health", get(health))
}

/// Liveness and readiness in one: 200 when all parts work, 503 when the database does not.
#[utoipa::path(get, path = "/api/v1/health", tag = "system",
    responses((status = 200, body = HealthView), (status = 503, body = HealthView)))]
pub async fn health(State(state): State<AppState>) -> (StatusCode, Json<HealthView>) {
    let database_ok = state.db.execute_unprepared("SELECT 1").await.is_ok();
    let view = HealthView {
        status: if database_ok { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        database: if database_ok { "ok" } else { "unavailable" },
        search_index: "ok",
        indexed_messages: state.search.num_docs(),
    };
    let code = if database_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(view))
}
