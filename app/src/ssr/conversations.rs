//! The inbox: conversations, their messages, search and an agent's actions.

use super::{Caller, Viewer};
use crate::{
    dto::{ConversationId, ConversationView, MessageView, SearchHit},
    error::ApiError,
};

#[async_trait::async_trait]
pub trait DashboardPort: Send + Sync + 'static {
    /// Resolves who is calling from the request's session cookie.
    async fn caller(&self, request: &http::request::Parts) -> Result<Caller, ApiError>;
    /// One page of the inbox: a view, filters, an order; with every view's count.
    async fn list_conversations(
        &self,
        viewer: &Viewer,
        query: crate::inbox::InboxQuery,
    ) -> Result<crate::inbox::InboxListing, ApiError>;
    async fn conversation_messages(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
    ) -> Result<Vec<MessageView>, ApiError>;
    async fn search_messages(&self, viewer: &Viewer, query: &str) -> Result<Vec<SearchHit>, ApiError>;
    /// A conversation with its messages and history.
    async fn conversation_detail(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
    ) -> Result<crate::dto::ConversationDetail, ApiError>;
    /// A teammate's review of one of the bot's answers.
    async fn review_answer(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
        message: crate::dto::MessageId,
        verdict: Option<crate::dto::AnswerVerdict>,
    ) -> Result<MessageView, ApiError>;
    /// An agent's action on a conversation (take over, reply, give back, resolve).
    async fn act_on_conversation(
        &self,
        caller: &Caller,
        conversation: ConversationId,
        action: crate::dto::ConversationAction,
    ) -> Result<ConversationView, ApiError>;
    /// An internal note by the viewer (mentions resolved and told).
    async fn add_note(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
        content: String,
    ) -> Result<crate::dto::NoteView, ApiError>;
    /// Saves the inbox query (URL parameters) under a name, for the viewer or the team.
    async fn save_inbox_filter(
        &self,
        viewer: &Viewer,
        name: String,
        query: String,
        shared: bool,
    ) -> Result<crate::inbox::SavedFilter, ApiError>;
    async fn delete_inbox_filter(&self, viewer: &Viewer, id: uuid::Uuid) -> Result<(), ApiError>;
    /// Adds (`add`) or removes a tag of the conversation.
    async fn tag_conversation(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
        tag: String,
        add: bool,
    ) -> Result<ConversationView, ApiError>;
    /// Transfer, assignment, merge (`crate::assignment::RoutingAction`).
    async fn route_conversation(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
        action: crate::assignment::RoutingAction,
    ) -> Result<ConversationView, ApiError>;
    /// The team as routing sees it.
    async fn team_routing(&self, viewer: &Viewer) -> Result<crate::assignment::TeamRouting, ApiError>;
    /// The viewer's own switch.
    async fn set_availability(
        &self,
        viewer: &Viewer,
        availability: crate::assignment::Availability,
    ) -> Result<crate::assignment::TeamAgent, ApiError>;
    /// How escalated conversations find an agent (owners and admins).
    async fn set_assignment_mode(
        &self,
        viewer: &Viewer,
        mode: crate::assignment::AssignmentMode,
    ) -> Result<crate::assignment::TeamRouting, ApiError>;
    async fn canned_replies(&self, viewer: &Viewer) -> Result<Vec<crate::canned::CannedReply>, ApiError>;
    async fn save_canned_reply(
        &self,
        viewer: &Viewer,
        shortcut: String,
        content: String,
    ) -> Result<crate::canned::CannedReply, ApiError>;
    async fn delete_canned_reply(&self, viewer: &Viewer, id: uuid::Uuid) -> Result<(), ApiError>;
    /// Conversations by words and filters (`crate::conversation_search`).
    async fn search_conversations(
        &self,
        viewer: &Viewer,
        request: crate::conversation_search::SearchRequest,
    ) -> Result<crate::conversation_search::SearchResults, ApiError>;
}
