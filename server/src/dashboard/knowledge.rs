//! Knowledge's port: each call calls `knowledge::KnowledgeService` as the REST routes do.

use app::{
    ApiError,
    dto::BotId,
    ids::SourceId,
    knowledge::{KnowledgeHit, KnowledgePage, SourceView},
    ssr::{Caller, FaqDraft, KnowledgePort},
};

use super::client;
use crate::knowledge::{FaqInput, KnowledgeService};

pub struct DashboardKnowledge {
    pub knowledge: KnowledgeService,
}

#[async_trait::async_trait]
impl KnowledgePort for DashboardKnowledge {
    async fn knowledge(&self, caller: &Caller, bot: BotId) -> Result<KnowledgePage, ApiError> {
        Ok(self.knowledge.page(&caller.viewer, bot).await?)
    }

    async fn add_faq(&self, caller: &Caller, bot: BotId, faq: FaqDraft) -> Result<SourceView, ApiError> {
        let FaqDraft { question, answer, category, tags, priority } = faq;
        let input = FaqInput { question, answer, category, tags, priority };
        Ok(self.knowledge.add_faq(&caller.viewer, &client(caller), bot, input).await?)
    }

    async fn add_snippet(
        &self,
        caller: &Caller,
        bot: BotId,
        title: String,
        text: String,
    ) -> Result<SourceView, ApiError> {
        Ok(self.knowledge.add_snippet(&caller.viewer, &client(caller), bot, &title, &text).await?)
    }

    async fn delete_source(&self, caller: &Caller, id: SourceId) -> Result<(), ApiError> {
        Ok(self.knowledge.delete(&caller.viewer, &client(caller), id).await?)
    }

    async fn search_knowledge(
        &self,
        caller: &Caller,
        bot: BotId,
        query: String,
    ) -> Result<Vec<KnowledgeHit>, ApiError> {
        Ok(self.knowledge.search(&caller.viewer, bot, &query, 20).await?)
    }
}
