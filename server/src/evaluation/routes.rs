//! REST for a bot's evaluation set: the set with its runs, adding (typed, from a visitor's
//! message, from the bot's FAQs) and removing questions, starting a run and reading one.
//! Agents read; owners and admins change and run. Every lookup is scoped by the caller's
//! organization.

use app::{
    ApiError,
    dto::BotId,
    evaluation::{EvalQuestion, EvalQuestionId, EvalRun, EvalRunId, EvaluationSet, NewEvalQuestion},
};
use axum::{
    Json,
    extract::{FromRef, Path, State},
    http::StatusCode,
};
use serde::Serialize;
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::Evaluations;
use crate::{
    error::Result,
    http::{ApiCaller, ApiJson, Authenticator},
};

#[derive(Clone, FromRef)]
pub struct EvaluationRoutes {
    pub evaluations: Evaluations,
    pub auth: Authenticator,
}

pub fn router(state: EvaluationRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(get_set))
        .routes(routes!(add_question))
        .routes(routes!(add_faqs))
        .routes(routes!(remove_question))
        .routes(routes!(start_run))
        .routes(routes!(get_run))
        .with_state(state)
}

fn bot(raw: &str) -> Result<BotId> {
    Ok(raw.parse().map_err(|_| ApiError::not_found("chatbot"))?)
}

/// A bot's evaluation set: its questions (each with its result in the latest run), its last
/// 30 runs newest first (the pass rate over time), and the sources a question may expect.
#[utoipa::path(get, path = "/api/v1/chatbots/{id}/evaluation", tag = "evaluation", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)")),
    responses((status = 200, body = EvaluationSet), (status = 404, body = app::error::ErrorBody)))]
pub async fn get_set(
    State(e): State<Evaluations>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<EvaluationSet>> {
    Ok(Json(e.set(&caller.viewer, bot(&id)?).await?))
}

/// Adds a question: typed (`question`), or a visitor's message from one of the bot's
/// conversations (`message_id`), with what a right answer does (`expects`).
#[utoipa::path(post, path = "/api/v1/chatbots/{id}/evaluation/questions", tag = "evaluation",
    security(("bearer" = [])), params(("id" = String, Path, description = "Chatbot id (UUID)")),
    request_body = NewEvalQuestion,
    responses((status = 201, body = EvalQuestion), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 409, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn add_question(
    State(e): State<Evaluations>,
    caller: ApiCaller,
    Path(id): Path<String>,
    ApiJson(new): ApiJson<NewEvalQuestion>,
) -> Result<(StatusCode, Json<EvalQuestion>)> {
    Ok((StatusCode::CREATED, Json(e.add(&caller.viewer, bot(&id)?, new).await?)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FaqsAdded {
    /// FAQs whose question joined the set (those it held already are skipped).
    pub added: u32,
}

/// Adds every FAQ's question the set does not hold yet, each expecting its FAQ to be found.
#[utoipa::path(post, path = "/api/v1/chatbots/{id}/evaluation/questions/from-faqs", tag = "evaluation",
    security(("bearer" = [])), params(("id" = String, Path, description = "Chatbot id (UUID)")),
    responses((status = 200, body = FaqsAdded), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody)))]
pub async fn add_faqs(
    State(e): State<Evaluations>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<Json<FaqsAdded>> {
    Ok(Json(FaqsAdded { added: e.add_faqs(&caller.viewer, bot(&id)?).await? }))
}

/// Removes a question (finished runs keep its result).
#[utoipa::path(delete, path = "/api/v1/chatbots/{id}/evaluation/questions/{question_id}", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)"),
           ("question_id" = String, Path, description = "Question id (UUID)")),
    responses((status = 204), (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody)))]
pub async fn remove_question(
    State(e): State<Evaluations>,
    caller: ApiCaller,
    Path((id, question)): Path<(String, String)>,
) -> Result<StatusCode> {
    let question: EvalQuestionId =
        question.parse().map_err(|_| ApiError::not_found("evaluation question"))?;
    e.remove(&caller.viewer, bot(&id)?, question).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Runs the set now, as a background job (a run already waiting is returned instead). Read
/// its progress with `GET …/evaluation/runs/{run_id}`.
#[utoipa::path(post, path = "/api/v1/chatbots/{id}/evaluation/runs", tag = "evaluation", security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)")),
    responses((status = 202, body = EvalRun), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 409, body = app::error::ErrorBody)))]
pub async fn start_run(
    State(e): State<Evaluations>,
    caller: ApiCaller,
    Path(id): Path<String>,
) -> Result<(StatusCode, Json<EvalRun>)> {
    Ok((StatusCode::ACCEPTED, Json(e.start(&caller.viewer, bot(&id)?).await?)))
}

/// One run: where it stands, and once finished every question's result.
#[utoipa::path(get, path = "/api/v1/chatbots/{id}/evaluation/runs/{run_id}", tag = "evaluation",
    security(("bearer" = [])),
    params(("id" = String, Path, description = "Chatbot id (UUID)"),
           ("run_id" = String, Path, description = "Run id (UUID)")),
    responses((status = 200, body = EvalRun), (status = 404, body = app::error::ErrorBody)))]
pub async fn get_run(
    State(e): State<Evaluations>,
    caller: ApiCaller,
    Path((id, run)): Path<(String, String)>,
) -> Result<Json<EvalRun>> {
    let run: EvalRunId = run.parse().map_err(|_| ApiError::not_found("evaluation run"))?;
    Ok(Json(e.run(&caller.viewer, bot(&id)?, run).await?))
}
