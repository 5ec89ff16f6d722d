//! The inbox's port (`DashboardPort`): conversations, their messages, search and an agent's
//! actions. Every call checks the viewer's permission and is scoped by their organization.

use app::{
    ApiError,
    auth::Permission,
    dto::{ConversationId, ConversationView, MessageView, SearchHit},
    ssr::{Caller, DashboardPort, Viewer},
};
use axum::http::request::Parts;

use crate::{accounts::AccountService, conversations::ConversationService, search::MessageSearch};

pub struct Dashboard {
    pub accounts: AccountService,
    pub conversations: ConversationService,
    pub search: MessageSearch,
    pub conversation_search: crate::search::ConversationSearch,
}

#[async_trait::async_trait]
impl DashboardPort for Dashboard {
    async fn caller(&self, request: &Parts) -> Result<Caller, ApiError> {
        super::caller(&self.accounts, request).await
    }

    async fn list_conversations(
        &self,
        viewer: &Viewer,
        query: app::inbox::InboxQuery,
    ) -> Result<app::inbox::InboxListing, ApiError> {
        Ok(self.conversations.inbox(viewer, &query).await?)
    }

    async fn conversation_messages(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
    ) -> Result<Vec<MessageView>, ApiError> {
        viewer.require(Permission::ViewConversations)?;
        Ok(self.conversations.messages(viewer.organization_id, conversation, 0).await?)
    }

    async fn search_messages(&self, viewer: &Viewer, query: &str) -> Result<Vec<SearchHit>, ApiError> {
        viewer.require(Permission::ViewConversations)?;
        if query.chars().count() > 200 {
            return Err(ApiError::validation("query", "A search can be at most 200 characters long."));
        }
        let mut hits = self.search.search(viewer.organization_id, query)?;
        let ids: Vec<ConversationId> = hits.iter().map(|h| h.conversation_id).collect();
        let names = self.conversations.visitor_names(viewer.organization_id, &ids).await?;
        for hit in &mut hits {
            hit.visitor_name = names.get(&hit.conversation_id).cloned().unwrap_or_default();
        }
        Ok(hits)
    }

    async fn review_answer(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
        message: app::dto::MessageId,
        verdict: Option<app::dto::AnswerVerdict>,
    ) -> Result<MessageView, ApiError> {
        Ok(self.conversations.review_answer(viewer, conversation, message, verdict).await?)
    }

    async fn conversation_detail(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
    ) -> Result<app::dto::ConversationDetail, ApiError> {
        Ok(self.conversations.detail(viewer, conversation).await?)
    }

    async fn act_on_conversation(
        &self,
        caller: &Caller,
        conversation: ConversationId,
        action: app::dto::ConversationAction,
    ) -> Result<ConversationView, ApiError> {
        Ok(self.conversations.act(&caller.viewer, conversation, action, &super::client(caller)).await?)
    }

    async fn add_note(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
        content: String,
    ) -> Result<app::dto::NoteView, ApiError> {
        Ok(self.conversations.add_note(viewer, conversation, &content).await?)
    }

    async fn save_inbox_filter(
        &self,
        viewer: &Viewer,
        name: String,
        query: String,
        shared: bool,
    ) -> Result<app::inbox::SavedFilter, ApiError> {
        let (query, errors) = app::inbox::InboxQuery::from_params(&query);
        if !errors.is_empty() {
            return Err(ApiError::Validation { fields: errors });
        }
        Ok(self.conversations.save_filter(viewer, &name, &query, shared).await?)
    }

    async fn delete_inbox_filter(&self, viewer: &Viewer, id: uuid::Uuid) -> Result<(), ApiError> {
        Ok(self.conversations.delete_filter(viewer, id).await?)
    }

    async fn tag_conversation(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
        tag: String,
        add: bool,
    ) -> Result<ConversationView, ApiError> {
        use crate::conversations::tags::TagChange;
        let change = if add { TagChange::Add(tag) } else { TagChange::Remove(tag) };
        Ok(self.conversations.change_tags(viewer, conversation, change).await?)
    }

    async fn route_conversation(
        &self,
        viewer: &Viewer,
        conversation: ConversationId,
        action: app::assignment::RoutingAction,
    ) -> Result<ConversationView, ApiError> {
        use app::assignment::RoutingAction::*;
        let service = &self.conversations;
        Ok(match action {
            Transfer { agent_id, note, force } => {
                let request = crate::conversations::assignment::TransferRequest { agent_id, note, force };
                service.transfer(viewer, conversation, request).await?
            }
            AnswerTransfer { accept } => service.answer_transfer(viewer, conversation, accept).await?,
            Assign { agent_id } => service.assign(viewer, conversation, agent_id).await?,
            Merge { source } => service.merge(viewer, conversation, source).await?,
        })
    }

    async fn team_routing(&self, viewer: &Viewer) -> Result<app::assignment::TeamRouting, ApiError> {
        Ok(self.conversations.team_routing(viewer).await?)
    }

    async fn set_availability(
        &self,
        viewer: &Viewer,
        availability: app::assignment::Availability,
    ) -> Result<app::assignment::TeamAgent, ApiError> {
        Ok(self.conversations.set_availability(viewer, availability).await?)
    }

    async fn set_assignment_mode(
        &self,
        viewer: &Viewer,
        mode: app::assignment::AssignmentMode,
    ) -> Result<app::assignment::TeamRouting, ApiError> {
        Ok(self.conversations.set_assignment_mode(viewer, mode).await?)
    }

    async fn canned_replies(&self, viewer: &Viewer) -> Result<Vec<app::canned::CannedReply>, ApiError> {
        Ok(self.conversations.canned_replies(viewer).await?)
    }

    async fn save_canned_reply(
        &self,
        viewer: &Viewer,
        shortcut: String,
        content: String,
    ) -> Result<app::canned::CannedReply, ApiError> {
        Ok(self.conversations.save_canned_reply(viewer, &shortcut, &content).await?)
    }

    async fn delete_canned_reply(&self, viewer: &Viewer, id: uuid::Uuid) -> Result<(), ApiError> {
        Ok(self.conversations.delete_canned_reply(viewer, id).await?)
    }

    async fn search_conversations(
        &self,
        viewer: &Viewer,
        request: app::conversation_search::SearchRequest,
    ) -> Result<app::conversation_search::SearchResults, ApiError> {
        Ok(crate::search::routes::search(&self.conversation_search, &self.conversations, viewer, request)
            .await?)
    }
}
