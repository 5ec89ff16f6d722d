//! REST for conversations (PRD §5.3.3): the list, one conversation with its messages and
//! history, and an agent's actions — take over, reply, return to AI, resolve. Scoped by the
//! caller's organization; the same service calls the dashboard's server functions make.

use std::collections::HashMap;

use app::{
    dto::{
        AnswerVerdict, ConversationAction, ConversationDetail, ConversationId, ConversationView, MessageId,
        MessageView, NoteView,
    },
    inbox::{InboxListing, InboxQuery, SavedFilter, TagView},
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
    http::{ApiCaller, ApiJson, ApiQuery, Authenticator, client_of},
};

#[derive(Clone, FromRef)]
pub struct ConversationRoutes {
    pub conversations: ConversationService,
    pub auth: Authenticator,
}

pub fn router(state: ConversationRoutes) -> OpenApiRouter {
    OpenApiRouter::default()
        .routes(routes!(list_route))
        .routes(routes!(show_route))
        .routes(routes!(take_over_route))
        .routes(routes!(reply_route))
        .routes(routes!(return_route))
        .routes(routes!(resolve_route))
        .routes(routes!(review_route))
        .routes(routes!(notes_route, add_note_route))
        .routes(routes!(set_tags_route))
        .routes(routes!(tags_route))
        .routes(routes!(transcript_route))
        .routes(routes!(filters_route, save_filter_route))
        .routes(routes!(delete_filter_route))
        .routes(routes!(assign_route))
        .routes(routes!(transfer_route))
        .routes(routes!(accept_transfer_route))
        .routes(routes!(decline_transfer_route))
        .routes(routes!(merge_route))
        .routes(routes!(agents_route))
        .routes(routes!(availability_route))
        .routes(routes!(capacity_route))
        .routes(routes!(assignment_mode_route))
        .routes(routes!(canned_replies_route, save_canned_reply_route))
        .routes(routes!(delete_canned_reply_route))
        .with_state(state)
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

/// One page of the organization's conversations (PRD §5.3.3): a view, filters and an order,
/// with every view's count. Values that do not fit are refused with the field named (422).
#[utoipa::path(get, path = "/api/v1/conversations", tag = "conversations", security(("bearer" = [])),
    params(
        ("view" = Option<String>, Query, description = "all (default), mine, unassigned or escalated"),
        ("status" = Option<String>, Query, description = "active, waiting, escalated, agent_handling, resolved, abandoned or archived"),
        ("chatbot_id" = Option<uuid::Uuid>, Query, description = "Only this bot's (also `bot`)"),
        ("assignee" = Option<String>, Query, description = "me, unassigned or a teammate's id"),
        ("sentiment" = Option<String>, Query, description = "The mood of the visitor's latest message: very_negative … very_positive"),
        ("from" = Option<String>, Query, description = "Started on or after this day, YYYY-MM-DD (UTC)"),
        ("to" = Option<String>, Query, description = "Started on or before this day, YYYY-MM-DD (UTC)"),
        ("sort" = Option<String>, Query, description = "priority (default: escalated first, then latest activity), recent (also -updated_at) or waiting (longest wait first)"),
        ("page" = Option<u64>, Query, description = "1-based"),
        ("limit" = Option<u64>, Query, description = "1–100, default 25"),
        ("filter_id" = Option<uuid::Uuid>, Query, description = "A saved filter (`/api/v1/conversation-filters`): its query in place of the filters above"),
    ),
    responses((status = 200, body = InboxListing), (status = 422, body = app::error::ErrorBody)))]
pub async fn list_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    ApiQuery(params): ApiQuery<HashMap<String, String>>,
) -> Result<Json<InboxListing>> {
    let mut query = InboxQuery::parse_strict(|key| params.get(key).cloned())?;
    // A saved filter is the query; the page and its size stay the caller's.
    if let Some(id) = params.get("filter_id").filter(|v| !v.trim().is_empty()) {
        let id = id
            .trim()
            .parse()
            .map_err(|_| app::ApiError::validation("filter_id", "Give the filter as its id."))?;
        let saved = state.conversations.saved_query(&caller.viewer, id).await?;
        query = InboxQuery { page: query.page, limit: query.limit, ..saved };
    }
    Ok(Json(state.conversations.inbox(&caller.viewer, &query).await?))
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

#[derive(Debug, Serialize, ToSchema)]
pub struct NotesResponse {
    pub notes: Vec<NoteView>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NoteRequest {
    /// Markdown; `@name` mentions a teammate (first name, full name without spaces, or the part
    /// of their email before the `@`).
    pub content: String,
}

/// The conversation's internal notes, oldest first (never shown to the visitor).
#[utoipa::path(get, path = "/api/v1/conversations/{id}/notes", tag = "conversations",
    security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = NotesResponse), (status = 404, body = app::error::ErrorBody)))]
pub async fn notes_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
) -> Result<Json<NotesResponse>> {
    Ok(Json(NotesResponse { notes: state.conversations.notes(&caller.viewer, ConversationId(id)).await? }))
}

/// Writes an internal note; the teammates it mentions are told live (`note:created`).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/notes", tag = "conversations",
    security(("bearer" = [])), params(("id" = uuid::Uuid, Path)), request_body = NoteRequest,
    responses((status = 201, body = NoteView), (status = 404, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn add_note_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
    ApiJson(body): ApiJson<NoteRequest>,
) -> Result<(axum::http::StatusCode, Json<NoteView>)> {
    let note = state.conversations.add_note(&caller.viewer, ConversationId(id), &body.content).await?;
    Ok((axum::http::StatusCode::CREATED, Json(note)))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TagsRequest {
    /// The conversation's tags from now on (at most 10; letters, digits and `-`, lower-cased;
    /// a name new to the organization joins its catalogue).
    pub tags: Vec<String>,
}

/// Sets the conversation's tags; open inboxes get `conversation:updated`.
#[utoipa::path(put, path = "/api/v1/conversations/{id}/tags", tag = "conversations",
    security(("bearer" = [])), params(("id" = uuid::Uuid, Path)), request_body = TagsRequest,
    responses((status = 200, body = ConversationView), (status = 404, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn set_tags_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
    ApiJson(body): ApiJson<TagsRequest>,
) -> Result<Json<ConversationView>> {
    let change = super::tags::TagChange::Set(body.tags);
    Ok(Json(state.conversations.change_tags(&caller.viewer, ConversationId(id), change).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct TagsResponse {
    pub tags: Vec<TagView>,
}

/// The organization's tags, by name.
#[utoipa::path(get, path = "/api/v1/tags", tag = "conversations", security(("bearer" = [])),
    responses((status = 200, body = TagsResponse)))]
pub async fn tags_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
) -> Result<Json<TagsResponse>> {
    Ok(Json(TagsResponse { tags: state.conversations.tag_catalogue(&caller.viewer).await? }))
}

/// The conversation's transcript to download: `format=csv` (one row per message), `pdf` (to
/// read and print) or `json` (default: the conversation and its messages). Internal notes are
/// never in it.
#[utoipa::path(get, path = "/api/v1/conversations/{id}/transcript", tag = "conversations",
    security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path), ("format" = Option<String>, Query, description = "csv, pdf or json (default)")),
    responses((status = 200, description = "The transcript as an attachment (text/csv, application/pdf, or application/json for json)", content_type = "text/csv"),
              (status = 404, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn transcript_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
    ApiQuery(params): ApiQuery<HashMap<String, String>>,
) -> Result<axum::response::Response> {
    use axum::{http::header, response::IntoResponse};
    let format = super::export::TranscriptFormat::parse(params.get("format").map(String::as_str))?;
    let file = state.conversations.transcript(&caller.viewer, ConversationId(id), format).await?;
    Ok((
        [
            (header::CONTENT_TYPE, file.content_type.to_owned()),
            (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{}\"", file.filename)),
            (header::CACHE_CONTROL, "no-store".to_owned()),
        ],
        file.body,
    )
        .into_response())
}

#[derive(Debug, Serialize, ToSchema)]
pub struct FiltersResponse {
    pub filters: Vec<SavedFilter>,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveFilterRequest {
    pub name: String,
    /// The inbox's parameters as in `GET /api/v1/conversations`: `view`, `status`,
    /// `chatbot_id`, `assignee`, `sentiment`, `tag`, `from`, `to`, `sort`.
    pub filters: HashMap<String, String>,
    /// Seen by the whole team (default: only by you).
    #[serde(default)]
    pub shared: bool,
}

/// Your saved inbox filters and the team's shared ones, by name.
#[utoipa::path(get, path = "/api/v1/conversation-filters", tag = "conversations", security(("bearer" = [])),
    responses((status = 200, body = FiltersResponse)))]
pub async fn filters_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
) -> Result<Json<FiltersResponse>> {
    Ok(Json(FiltersResponse { filters: state.conversations.saved_filters(&caller.viewer).await? }))
}

/// Saves a view and filters under a name (PRD §5.3.4); `?filter_id=` on the list applies it.
#[utoipa::path(post, path = "/api/v1/conversation-filters", tag = "conversations", security(("bearer" = [])),
    request_body = SaveFilterRequest,
    responses((status = 201, body = SavedFilter), (status = 422, body = app::error::ErrorBody)))]
pub async fn save_filter_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<SaveFilterRequest>,
) -> Result<(axum::http::StatusCode, Json<SavedFilter>)> {
    let query = InboxQuery::parse_strict(|key| body.filters.get(key).cloned())?;
    let saved = state.conversations.save_filter(&caller.viewer, &body.name, &query, body.shared).await?;
    Ok((axum::http::StatusCode::CREATED, Json(saved)))
}

/// Deletes a saved filter: your own, or (owners and admins) a shared one.
#[utoipa::path(delete, path = "/api/v1/conversation-filters/{id}", tag = "conversations",
    security(("bearer" = [])), params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody)))]
pub async fn delete_filter_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
) -> Result<axum::http::StatusCode> {
    state.conversations.delete_filter(&caller.viewer, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
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

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignRequest {
    /// The teammate to give it to; `null` puts it back in the queue.
    pub agent_id: Option<uuid::Uuid>,
}

/// Gives a conversation waiting for a person (or with one) to a teammate, or back to the
/// queue. Agents take one for themselves; giving to others is for owners and admins.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/assign", tag = "assignment", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)), request_body = AssignRequest,
    responses((status = 200, body = ConversationView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 409, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn assign_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
    ApiJson(body): ApiJson<AssignRequest>,
) -> Result<Json<ConversationView>> {
    Ok(Json(state.conversations.assign(&caller.viewer, ConversationId(id), body.agent_id).await?))
}

/// Hands a conversation to a teammate with a note: the holder asks (they accept or decline);
/// owners and admins may `force` it.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/transfer", tag = "assignment", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)), request_body = super::assignment::TransferRequest,
    responses((status = 200, body = ConversationView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 409, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn transfer_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
    ApiJson(body): ApiJson<super::assignment::TransferRequest>,
) -> Result<Json<ConversationView>> {
    Ok(Json(state.conversations.transfer(&caller.viewer, ConversationId(id), body).await?))
}

/// The teammate a transfer was asked of takes the conversation.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/transfer/accept", tag = "assignment", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ConversationView), (status = 404, body = app::error::ErrorBody),
              (status = 409, body = app::error::ErrorBody)))]
pub async fn accept_transfer_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
) -> Result<Json<ConversationView>> {
    Ok(Json(state.conversations.answer_transfer(&caller.viewer, ConversationId(id), true).await?))
}

/// The teammate a transfer was asked of declines it (or the holder withdraws it).
#[utoipa::path(post, path = "/api/v1/conversations/{id}/transfer/decline", tag = "assignment", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 200, body = ConversationView), (status = 404, body = app::error::ErrorBody),
              (status = 409, body = app::error::ErrorBody)))]
pub async fn decline_transfer_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
) -> Result<Json<ConversationView>> {
    Ok(Json(state.conversations.answer_transfer(&caller.viewer, ConversationId(id), false).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct MergeRequest {
    /// The other conversation of the same customer; it is archived, its messages move here.
    pub source_id: uuid::Uuid,
}

/// Merges another conversation of the same customer into this one: every message once, in
/// the order written; notes and tags follow.
#[utoipa::path(post, path = "/api/v1/conversations/{id}/merge", tag = "conversations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)), request_body = MergeRequest,
    responses((status = 200, body = ConversationView), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 409, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn merge_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
    ApiJson(body): ApiJson<MergeRequest>,
) -> Result<Json<ConversationView>> {
    Ok(Json(
        state.conversations.merge(&caller.viewer, ConversationId(id), ConversationId(body.source_id)).await?,
    ))
}

/// The team as routing sees it: the mode, each teammate's status (online, away, offline), open
/// conversations and capacity, and how many conversations wait in the queue.
#[utoipa::path(get, path = "/api/v1/agents", tag = "assignment", security(("bearer" = [])),
    responses((status = 200, body = app::assignment::TeamRouting)))]
pub async fn agents_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
) -> Result<Json<app::assignment::TeamRouting>> {
    Ok(Json(state.conversations.team_routing(&caller.viewer).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AvailabilityRequest {
    pub availability: app::assignment::Availability,
}

/// The caller's own switch: `online` (routing gives them conversations while their dashboard
/// is open and in use) or `away`.
#[utoipa::path(put, path = "/api/v1/agents/me/status", tag = "assignment", security(("bearer" = [])),
    request_body = AvailabilityRequest,
    responses((status = 200, body = app::assignment::TeamAgent), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn availability_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<AvailabilityRequest>,
) -> Result<Json<app::assignment::TeamAgent>> {
    Ok(Json(state.conversations.set_availability(&caller.viewer, body.availability).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CapacityRequest {
    pub max_conversations: u32,
}

/// How many open conversations routing gives a teammate at once (owners and admins).
#[utoipa::path(put, path = "/api/v1/agents/{id}/capacity", tag = "assignment", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)), request_body = CapacityRequest,
    responses((status = 200, body = app::assignment::TeamAgent), (status = 403, body = app::error::ErrorBody),
              (status = 404, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn capacity_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
    ApiJson(body): ApiJson<CapacityRequest>,
) -> Result<Json<app::assignment::TeamAgent>> {
    Ok(Json(state.conversations.set_capacity(&caller.viewer, id, body.max_conversations).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct AssignmentModeRequest {
    pub mode: app::assignment::AssignmentMode,
}

/// How escalated conversations find an agent: `manual`, `round_robin` or `least_loaded`
/// (owners and admins).
#[utoipa::path(put, path = "/api/v1/assignment", tag = "assignment", security(("bearer" = [])),
    request_body = AssignmentModeRequest,
    responses((status = 200, body = app::assignment::TeamRouting), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn assignment_mode_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<AssignmentModeRequest>,
) -> Result<Json<app::assignment::TeamRouting>> {
    Ok(Json(state.conversations.set_assignment_mode(&caller.viewer, body.mode).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct CannedRepliesResponse {
    pub canned_replies: Vec<app::canned::CannedReply>,
}

/// The organization's canned replies, by shortcut.
#[utoipa::path(get, path = "/api/v1/canned-replies", tag = "conversations", security(("bearer" = [])),
    responses((status = 200, body = CannedRepliesResponse)))]
pub async fn canned_replies_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
) -> Result<Json<CannedRepliesResponse>> {
    Ok(Json(CannedRepliesResponse {
        canned_replies: state.conversations.canned_replies(&caller.viewer).await?,
    }))
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct CannedReplyRequest {
    /// Typed as `/shortcut` in the reply box (letters, digits and -).
    pub shortcut: String,
    /// The reply; `{customer.name}`, `{customer.first_name}`, `{customer.email}`,
    /// `{agent.name}`, `{agent.first_name}` and `{bot.name}` are filled in when inserted.
    pub content: String,
}

/// Saves a canned reply for the team (409 when the shortcut is taken).
#[utoipa::path(post, path = "/api/v1/canned-replies", tag = "conversations", security(("bearer" = [])),
    request_body = CannedReplyRequest,
    responses((status = 201, body = app::canned::CannedReply), (status = 403, body = app::error::ErrorBody),
              (status = 409, body = app::error::ErrorBody), (status = 422, body = app::error::ErrorBody)))]
pub async fn save_canned_reply_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    ApiJson(body): ApiJson<CannedReplyRequest>,
) -> Result<(axum::http::StatusCode, Json<app::canned::CannedReply>)> {
    let saved = state.conversations.save_canned_reply(&caller.viewer, &body.shortcut, &body.content).await?;
    Ok((axum::http::StatusCode::CREATED, Json(saved)))
}

/// Deletes a canned reply.
#[utoipa::path(delete, path = "/api/v1/canned-replies/{id}", tag = "conversations", security(("bearer" = [])),
    params(("id" = uuid::Uuid, Path)),
    responses((status = 204), (status = 403, body = app::error::ErrorBody), (status = 404, body = app::error::ErrorBody)))]
pub async fn delete_canned_reply_route(
    State(state): State<ConversationRoutes>,
    caller: ApiCaller,
    Path(id): Path<uuid::Uuid>,
) -> Result<axum::http::StatusCode> {
    state.conversations.delete_canned_reply(&caller.viewer, id).await?;
    Ok(axum::http::StatusCode::NO_CONTENT)
}
