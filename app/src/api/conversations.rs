//! The inbox: conversations, their messages, search and an agent's actions.

use leptos::prelude::*;

use crate::{
    dto::{ConversationId, ConversationView, MessageView, SearchHit},
    error::ApiError,
};

#[server(prefix = "/api/fn", endpoint = "conversations")]
pub async fn list_conversations(
    #[server(default)] filters: crate::inbox::InboxQuery,
) -> Result<crate::inbox::InboxListing, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.list_conversations(&viewer, filters).await
}

#[server(prefix = "/api/fn", endpoint = "conversation_messages")]
pub async fn conversation_messages(id: ConversationId) -> Result<Vec<MessageView>, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.conversation_messages(&viewer, id).await
}

/// A conversation with its messages and history (the inbox's detail pane).
#[server(prefix = "/api/fn", endpoint = "conversation_detail")]
pub async fn conversation_detail(id: ConversationId) -> Result<crate::dto::ConversationDetail, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.conversation_detail(&viewer, id).await
}

/// Takes a conversation over from the bot: the visitor is told who joined, the bot goes quiet.
#[server(prefix = "/api/fn", endpoint = "take_over_conversation")]
pub async fn take_over_conversation(id: ConversationId) -> Result<ConversationView, ApiError> {
    act(id, crate::dto::ConversationAction::TakeOver { message: None }).await
}

/// Writes to the visitor as the signed-in agent (taking the conversation over if nobody has).
#[server(prefix = "/api/fn", endpoint = "reply_to_conversation")]
pub async fn reply_to_conversation(
    id: ConversationId,
    content: String,
) -> Result<ConversationView, ApiError> {
    act(id, crate::dto::ConversationAction::Reply { content }).await
}

/// Gives a conversation back to the bot.
#[server(prefix = "/api/fn", endpoint = "return_conversation_to_bot")]
pub async fn return_conversation_to_bot(id: ConversationId) -> Result<ConversationView, ApiError> {
    act(id, crate::dto::ConversationAction::ReturnToBot).await
}

/// Resolves a conversation; the visitor is asked to rate it.
#[server(prefix = "/api/fn", endpoint = "resolve_conversation")]
pub async fn resolve_conversation(
    id: ConversationId,
    note: Option<String>,
) -> Result<ConversationView, ApiError> {
    act(id, crate::dto::ConversationAction::Resolve { note }).await
}

#[cfg(feature = "ssr")]
async fn act(
    id: ConversationId,
    action: crate::dto::ConversationAction,
) -> Result<ConversationView, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.dashboard.act_on_conversation(&caller, id, action).await
}

/// Marks one of the bot's answers correct or incorrect (`None` takes the review back).
#[server(prefix = "/api/fn", endpoint = "review_answer")]
pub async fn review_answer(
    id: ConversationId,
    message_id: crate::dto::MessageId,
    verdict: Option<crate::dto::AnswerVerdict>,
) -> Result<MessageView, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.review_answer(&viewer, id, message_id, verdict).await
}

#[server(prefix = "/api/fn", endpoint = "search_messages")]
pub async fn search_messages(query: String) -> Result<Vec<SearchHit>, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.search_messages(&viewer, &query).await
}

/// Writes an internal note on a conversation (only the team reads it; `@name` tells a teammate).
#[server(prefix = "/api/fn", endpoint = "add_note")]
pub async fn add_note(id: ConversationId, content: String) -> Result<crate::dto::NoteView, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.add_note(&viewer, id, content).await
}

/// Adds a tag to a conversation (a new name joins the organization's tags).
#[server(prefix = "/api/fn", endpoint = "tag_conversation")]
pub async fn tag_conversation(id: ConversationId, tag: String) -> Result<ConversationView, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.tag_conversation(&viewer, id, tag, true).await
}

/// Takes a tag off a conversation.
#[server(prefix = "/api/fn", endpoint = "untag_conversation")]
pub async fn untag_conversation(id: ConversationId, tag: String) -> Result<ConversationView, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.tag_conversation(&viewer, id, tag, false).await
}

/// Saves the inbox's current view and filters (`query`: its URL parameters) under a name;
/// `shared` (a checkbox: any value) shows it to the whole team.
#[server(prefix = "/api/fn", endpoint = "save_inbox_filter")]
pub async fn save_inbox_filter(
    name: String,
    query: String,
    #[server(default)] shared: Option<String>,
) -> Result<crate::inbox::SavedFilter, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.save_inbox_filter(&viewer, name, query, shared.is_some()).await
}

/// Deletes a saved inbox filter (one's own; owners and admins also shared ones).
#[server(prefix = "/api/fn", endpoint = "delete_inbox_filter")]
pub async fn delete_inbox_filter(id: uuid::Uuid) -> Result<(), ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.delete_inbox_filter(&viewer, id).await
}

/// Hands a conversation to a teammate with a note: asked of them, or (`force`, a checkbox:
/// owners and admins) moved at once.
#[server(prefix = "/api/fn", endpoint = "transfer_conversation")]
pub async fn transfer_conversation(
    id: ConversationId,
    agent_id: uuid::Uuid,
    #[server(default)] note: Option<String>,
    #[server(default)] force: Option<String>,
) -> Result<ConversationView, ApiError> {
    let note = note.filter(|n| !n.trim().is_empty());
    route(id, crate::assignment::RoutingAction::Transfer { agent_id, note, force: force.is_some() }).await
}

/// Takes (`accept`) or declines a transfer asked of the signed-in teammate; the holder
/// withdraws theirs with `accept = false`.
#[server(prefix = "/api/fn", endpoint = "answer_transfer")]
pub async fn answer_transfer(id: ConversationId, accept: bool) -> Result<ConversationView, ApiError> {
    route(id, crate::assignment::RoutingAction::AnswerTransfer { accept }).await
}

/// Merges another conversation of the same customer into this one.
#[server(prefix = "/api/fn", endpoint = "merge_conversation")]
pub async fn merge_conversation(
    id: ConversationId,
    source: ConversationId,
) -> Result<ConversationView, ApiError> {
    route(id, crate::assignment::RoutingAction::Merge { source }).await
}

#[cfg(feature = "ssr")]
async fn route(
    id: ConversationId,
    action: crate::assignment::RoutingAction,
) -> Result<ConversationView, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.route_conversation(&viewer, id, action).await
}

/// The team as routing sees it: the mode, each teammate's status and load, the queue.
#[server(prefix = "/api/fn", endpoint = "team_routing")]
pub async fn load_team_routing() -> Result<crate::assignment::TeamRouting, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.team_routing(&viewer).await
}

/// The signed-in teammate's own switch: online (take conversations) or away.
#[server(prefix = "/api/fn", endpoint = "set_my_availability")]
pub async fn set_my_availability(
    availability: crate::assignment::Availability,
) -> Result<crate::assignment::TeamAgent, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.set_availability(&viewer, availability).await
}

/// How escalated conversations find an agent (owners and admins).
#[server(prefix = "/api/fn", endpoint = "set_assignment_mode")]
pub async fn set_assignment_mode(
    mode: crate::assignment::AssignmentMode,
) -> Result<crate::assignment::TeamRouting, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.set_assignment_mode(&viewer, mode).await
}

/// The organization's canned replies (inserted in the reply box by `/shortcut`).
#[server(prefix = "/api/fn", endpoint = "canned_replies")]
pub async fn canned_replies() -> Result<Vec<crate::canned::CannedReply>, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.canned_replies(&viewer).await
}

/// Saves a canned reply for the team under `/shortcut`.
#[server(prefix = "/api/fn", endpoint = "save_canned_reply")]
pub async fn save_canned_reply(
    shortcut: String,
    content: String,
) -> Result<crate::canned::CannedReply, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.save_canned_reply(&viewer, shortcut, content).await
}

/// Deletes a canned reply.
#[server(prefix = "/api/fn", endpoint = "delete_canned_reply")]
pub async fn delete_canned_reply(id: uuid::Uuid) -> Result<(), ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    ports.dashboard.delete_canned_reply(&viewer, id).await
}

/// The inbox's search box: conversations whose messages, notes, customer or tags match `query`
/// (a typo forgiven), optionally in one status, a page of 20 with counts by status.
#[server(prefix = "/api/fn", endpoint = "search_conversations")]
pub async fn search_conversations(
    query: String,
    #[server(default)] status: Option<crate::dto::ConversationStatus>,
    #[server(default)] page: Option<u64>,
) -> Result<crate::conversation_search::SearchResults, ApiError> {
    let (ports, viewer) = crate::ssr::context().await?;
    let request = crate::conversation_search::SearchRequest {
        query,
        filters: crate::conversation_search::SearchFilters {
            status: status.into_iter().collect(),
            ..Default::default()
        },
        page: page.unwrap_or(1),
        limit: 20,
        ..Default::default()
    };
    ports.dashboard.search_conversations(&viewer, request).await
}
