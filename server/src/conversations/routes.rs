//! REST for conversations (PRD §5.3.3): the list, one conversation with its messages and
//! history, and an agent's actions — take over, reply, return to AI, resolve. Scoped by the
//! caller's organization; the same service calls the dashboard's server functions make.

use app::{
    auth::Permission,
    dto::{
        AnswerVerdict, ConversationAction, ConversationDetail, ConversationId, ConversationView, MessageId,
        MessageView,
    },
};
use axum::{
    Json,
    extract::{FromRef, Path, State},
    http::request::Parts,
};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use utoipa_axum::{router::OpenApiRouter, routes};

use super::ConversationService;
use crate::{
    error::Result,
    http::{ApiCaller, ApiJson, Authenticator, client_of},
};

#[derive(Clone, FromRef)]
pub struct ConversationRoutes {
    pub conversations: ConversationService,
    pub auth: Authenticator,
}

/// How many conversations the list returns, most recent activity first.
const LIST_LIMIT: u64 = 100;

pub fn router(state: ConversationRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(list_route))
        .routes(routes!(show_route))
        .routes(routes!(take_over_route))
        .routes(routes!(reply_route))
        .routes(routes!(return_route))
        .routes(routes!(resolve_route))
        .routes(routes!(review_route))
        .with_state(state)
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ConversationsResponse {
    pub conversations: Vec<ConversationView>,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct TakeOverRequest {
    /// A first message to the visitor ("Hi! I'm Sarah from support…"), optional.
    #[serde(default)]
    pub message: Option<String>,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct ReplyRequest {
    pub content: String,
}

#[derive(Debug, Default, Deserialize, ToSchema)]
pub struct ResolveRequest {
    #[serde(default)]
    pub resolution_note: Option<String>,
}

/// The organization's conversations, most recent activity first (100).
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", security(("bearer" = [])),
    responses((status = 200, body = ConversationsResponse)))]
pub async fn list_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
) -> Result<Json<ConversationsResponse>> {
    caller.viewer.require(Permission::ViewConversations)?;
    let conversations = state.conversations.list(caller.viewer.organization_id, LIST_LIMIT).await?;
    Ok(Json(ConversationsResponse { conversations }))
}

/// One conversation with its messages and its history (created, escalated, agent_joined…).
#[utoipa::path(get, path = "/api/v1/conversations/{id}", tag = "conversations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ConversationDetail), (status = 404, body = app::error::ErrorBody)))]
pub async fn show_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
) -> Result<Json<ConversationDetail>> {
    Ok(Json(state.conversations.detail(&caller.viewer, ConversationId(id)).await?))
}

/// Takes the conversation over from the bot: the visitor's widget gets `agent:joined` and the
/// bot stops answering. Another agent's conversation: 409.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/takeover", tag = "conversations",
    security(("bearer" = [])), params(("id" = uuid::Uuid, Path)), request_body = TakeOverRequest,
    responses((status = 200, body = ConversationView), (status = 404, body = app::error::ErrorBody),
              (status = 409, body = app::error::ErrorBody)))]
pub async fn take_over_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    request: Parts,
    Path(id): Path<uuid::Uuid>,
    body: axum::body::Bytes,
) -> Result<Json<ConversationView>> {
    let message = optional_json::<TakeOverRequest>(&body)?.message;
    act(&state, &caller, &request, id, ConversationAction::TakeOver { message }).await
}

/// Writes to the visitor as the caller (taking the conversation over if nobody holds it).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages", tag = "conversations",
    security(("bearer" = [])), params(("id" = uuid::Uuid, Path)), request_body = ReplyRequest,
    responses((status = 200, body = ConversationView), (status = 404, body = app::error::ErrorBody),
              (status = 409, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn reply_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    request: Parts,
    Path(id): Path<uuid::Uuid>,
    ApiJson(body): ApiJson<ReplyRequest>,
) -> Result<Json<ConversationView>> {
    act(&state, &caller, &request, id, ConversationAction::Reply { content: body.content }).await
}

/// Gives the conversation back to the bot (agent handling → active).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/return-to-ai", tag = "conversations",
    security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ConversationView), (status = 404, body = app::error::ErrorBody),
              (status = 409, body = app::error::ErrorBody)))]
pub async fn return_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    request: Parts,
    Path(id): Path<uuid::Uuid>,
) -> Result<Json<ConversationView>> {
    act(&state, &caller, &request, id, ConversationAction::ReturnToBot).await
}

/// Resolves the conversation; the visitor's widget gets `conversation:resolved` with the
/// satisfaction survey.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/resolve", tag = "conversations",
    security(("bearer" = [])), params(("id" = uuid::Uuid, Path)), request_body = ResolveRequest,
    responses((status = 200, body = ConversationView), (status = 404, body = app::error::ErrorBody),
              (status = 409, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn resolve_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    request: Parts,
    Path(id): Path<uuid::Uuid>,
    body: axum::body::Bytes,
) -> Result<Json<ConversationView>> {
    let note = optional_json::<ResolveRequest>(&body)?.resolution_note;
    act(&state, &caller, &request, id, ConversationAction::Resolve { note }).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    /// `correct`, `incorrect`, or `null` to take a review back.
    pub verdict: Option<AnswerVerdict>,
}

/// Marks one of the bot's answers correct or incorrect (PRD story 4.3). Incorrect answers show
/// in the knowledge-gaps report; open inboxes get `message:updated`.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/messages/{message_id}/review", tag = "conversations",
    security(("bearer" = [])), params(("id" = uuid::Uuid, Path), ("message_id" = uuid::Uuid, Path)),
    request_body = ReviewRequest,
    responses((status = 200, body = MessageView), (status = 404, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn review_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path((id, message_id)): Path<(uuid::Uuid, uuid::Uuid)>,
    ApiJson(body): ApiJson<ReviewRequest>,
) -> Result<Json<MessageView>> {
    let reviewed = state.conversations.review_answer(
        &caller.viewer,
        ConversationId(id),
        MessageId(message_id),
        body.verdict,
    );
    Ok(Json(reviewed.await?))
}

/// A JSON body that may be left out entirely.
fn optional_json<T: serde::de::DeserializeOwned + Default>(body: &[u8]) -> Result<T> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(T::default());
    }
    serde_json::from_slice(body).map_err(|err| {
        app::ApiError::bad_request(format!("The request body is not the JSON this route takes: {err}."))
            .into()
    })
}

async fn act(
    state: &ConversationRoutes,
    caller: &ApiCaller,
    request: &Parts,
    id: uuid::Uuid,
    action: ConversationAction,
) -> Result<Json<ConversationView>> {
    let client = client_of(request);
    Ok(Json(state.conversations.act(&caller.viewer, ConversationId(id), action, &client).await?))
}
