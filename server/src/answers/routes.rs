//! REST for the answer engine (PRD §5.4.4): "test your bot" — a query answered as a visitor
//! would be, with the ranked passages it was answered from. Agents may read (it changes
//! nothing); every lookup is scoped by the caller's organization.

use app::{
    ApiError,
    dto::{AnswerOutcome, AnswerSource, BotId},
    ids::SourceId,
    knowledge::SourceKind,
};
use axum::{
    Json,
    extract::{FromRef, Query, State},
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::Answerer;
use crate::{
    error::Result,
    http::{ApiCaller, ApiJson, Authenticator},
};

#[derive(Clone, FromRef)]
pub struct AnswerRoutes {
    pub answers: Answerer,
    pub auth: Authenticator,
}

pub fn router(state: AnswerRoutes) -> OpenApiRouter {
    OpenApiRouter::default().routes(routes!(test_knowledge)).routes(routes!(knowledge_gaps)).with_state(state)
}

/// The longest test query (a visitor's message may be as long).
const MAX_QUERY_CHARS: usize = app::protocol::MAX_MESSAGE_CHARS;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TestRequest {
    pub chatbot_id: BotId,
    /// What a visitor might ask.
    pub query: String,
    /// Passages to list, 1–20 (default 5).
    #[serde(default)]
    pub top_k: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TestResponse {
    /// The passages retrieval found, best first.
    pub results: Vec<TestResult>,
    /// What the bot would answer.
    pub suggested_answer: String,
    pub confidence_score: f32,
    pub outcome: AnswerOutcome,
    /// What the answer cites.
    pub sources: Vec<AnswerSource>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub handover_reason: Option<String>,
    pub retrieval_ms: u32,
    pub generation_ms: u32,
    /// What the question says of the one asking: intent (PRD §5.5.4) and sentiment (§5.5.5).
    pub insight: app::dto::MessageInsight,
    /// The prompt a language model would be sent for this question (PRD §5.5.2), whether or
    /// not the bot has one; absent when the bot would not ask a model (it would decline,
    /// hand over or chat).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prompt: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TestResult {
    pub rank: usize,
    /// The fused score it was ranked by.
    pub score: f32,
    pub source_type: SourceKind,
    pub source_id: SourceId,
    pub content: String,
    pub metadata: TestMetadata,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TestMetadata {
    pub title: String,
    pub heading_path: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub page: Option<u32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    /// Its BM25 score (0 when found by meaning alone).
    pub bm25: f32,
    /// Its cosine to the query, with vectors.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub cosine: Option<f32>,
}

/// A test question, trimmed: not empty, no longer than a visitor's message.
pub fn check_test_query(query: &str) -> std::result::Result<&str, ApiError> {
    let query = query.trim();
    if query.is_empty() {
        return Err(ApiError::validation("query", "Type a question to test the bot with."));
    }
    if query.chars().count() > MAX_QUERY_CHARS {
        return Err(ApiError::validation(
            "query",
            format!("A question can be at most {MAX_QUERY_CHARS} characters long."),
        ));
    }
    Ok(query)
}

/// Tests the bot's knowledge: the passages a query finds, ranked with their scores, and the
/// answer, confidence and outcome a visitor would get. Nothing is stored.
#[utoipa::path(post, path = "/api/v1/knowledge-base/test", tag = "knowledge", security(("bearer" = [])),
    request_body = TestRequest,
    responses((status = 200, body = TestResponse), (status = 404, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn test_knowledge(
    State(answers): State<Answerer>,
    caller: ApiCaller,
    ApiJson(request): ApiJson<TestRequest>,
) -> Result<Json<TestResponse>> {
    let crate::answers::Tested { passages, reply, prompt } =
        answers.test(&caller.viewer, request.chatbot_id, &request.query, request.top_k.unwrap_or(5)).await?;
    Ok(Json(TestResponse {
        results: passages
            .into_iter()
            .enumerate()
            .map(|(i, p)| TestResult {
                rank: i + 1,
                score: p.score,
                source_type: p.kind,
                source_id: p.source_id,
                content: p.read_text(),
                metadata: TestMetadata {
                    title: p.title,
                    heading_path: p.heading_path,
                    page: p.page,
                    url: p.url,
                    bm25: p.bm25,
                    cosine: p.cosine,
                },
            })
            .collect(),
        suggested_answer: reply.text,
        confidence_score: reply.info.confidence,
        outcome: reply.info.outcome,
        sources: reply.info.sources,
        handover_reason: reply.info.handover_reason,
        retrieval_ms: reply.info.retrieval_ms,
        generation_ms: reply.info.generation_ms,
        insight: reply.insight,
        prompt,
    }))
}

#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[serde(deny_unknown_fields)]
pub struct GapsQuery {
    pub chatbot_id: BotId,
    /// Days back from now: `7d`, `30d` (default), up to `365d`.
    #[serde(default)]
    pub period: Option<String>,
}

/// The knowledge-gaps report: questions the bot answered unsure (confidence < 0.70), could not
/// answer, or answered wrongly (thumbs down, marked incorrect), grouped by topic, most asked
/// first, each with the passages the bot finds for it now and whether it now answers it.
#[utoipa::path(get, path = "/api/v1/knowledge-base/gaps", tag = "knowledge", security(("bearer" = [])),
    params(GapsQuery),
    responses((status = 200, body = app::knowledge::KnowledgeGaps), (status = 404, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn knowledge_gaps(
    State(answers): State<Answerer>,
    caller: ApiCaller,
    query: std::result::Result<Query<GapsQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Json<app::knowledge::KnowledgeGaps>> {
    caller.viewer.require(app::auth::Permission::ViewKnowledge)?;
    let Query(query) = query.map_err(|err| ApiError::bad_request(format!("{}.", err.body_text())))?;
    let days = super::gaps::parse_period(query.period.as_deref())?;
    Ok(Json(answers.gaps(&caller.viewer, query.chatbot_id, days).await?))
}
