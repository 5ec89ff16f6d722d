//! `GET /api/v1/health`: is the database reachable, is the search index open, what does
//! knowledge retrieval run on.

use axum::{Json, extract::State, http::StatusCode};
use sea_orm::{ConnectionTrait, DatabaseConnection};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

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
    /// What knowledge retrieval runs on: `hybrid` (keywords and an embedding model) or
    /// `keyword` (BM25 alone: no model installed), with the model and a sentence.
    pub knowledge_retrieval: crate::embeddings::RetrievalMode,
}

/// What the health check looks at.
#[derive(Clone)]
pub struct HealthState {
    pub db: DatabaseConnection,
    /// How many documents the search index holds.
    pub indexed: std::sync::Arc<dyn Fn() -> u64 + Send + Sync>,
    pub retrieval: crate::embeddings::RetrievalMode,
}

pub fn router(state: HealthState) -> OpenApiRouter {
    OpenApiRouter::new().routes(routes!(health)).with_state(state)
}

/// Liveness and readiness in one: 200 when all parts work, 503 when the database does not.
#[utoipa::path(get, path = "/api/v1/health", tag = "system",
    responses((status = 200, body = HealthView), (status = 503, body = HealthView)))]
pub async fn health(State(state): State<HealthState>) -> (StatusCode, Json<HealthView>) {
    let database_ok = state.db.execute_unprepared("SELECT 1").await.is_ok();
    let view = HealthView {
        status: if database_ok { "ok" } else { "degraded" },
        version: env!("CARGO_PKG_VERSION"),
        database: if database_ok { "ok" } else { "unavailable" },
        search_index: "ok",
        indexed_messages: (state.indexed)(),
        knowledge_retrieval: state.retrieval.clone(),
    };
    let code = if database_ok { StatusCode::OK } else { StatusCode::SERVICE_UNAVAILABLE };
    (code, Json(view))
}
