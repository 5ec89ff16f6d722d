//! Knowledge's port: each call calls `knowledge::KnowledgeService` as the REST routes do.

use app::{
    ApiError,
    dto::BotId,
    ids::SourceId,
    knowledge::{CrawlSchedule, CrawlSettings, KnowledgeHit, KnowledgePage, SourceCard},
    ssr::{Caller, FaqDraft, KnowledgePort},
};

use super::client;
use crate::knowledge::{FaqInput, KnowledgeService, UrlInput};

pub struct DashboardKnowledge {
    pub knowledge: KnowledgeService,
}

#[async_trait::async_trait]
impl KnowledgePort for DashboardKnowledge {
    async fn knowledge(&self, caller: &Caller, bot: BotId) -> Result<KnowledgePage, ApiError> {
        Ok(self.knowledge.page(&caller.viewer, bot).await?)
    }

    async fn add_faq(&self, caller: &Caller, bot: BotId, faq: FaqDraft) -> Result<SourceCard, ApiError> {
        let FaqDraft { question, answer, category, tags, priority } = faq;
        let input = FaqInput { question, answer, category, tags, priority };
        Ok(self.knowledge.add_faq(&caller.viewer, &client(caller), bot, input).await?.into())
    }

    async fn add_snippet(
        &self,
        caller: &Caller,
        bot: BotId,
        title: String,
        text: String,
    ) -> Result<SourceCard, ApiError> {
        Ok(self.knowledge.add_snippet(&caller.viewer, &client(caller), bot, &title, &text).await?.into())
    }

    async fn add_website(
        &self,
        caller: &Caller,
        bot: BotId,
        url: String,
        settings: CrawlSettings,
        schedule: Option<CrawlSchedule>,
    ) -> Result<SourceCard, ApiError> {
        let input = UrlInput { url, crawl_settings: Some(settings), schedule };
        Ok(self.knowledge.add_url(&caller.viewer, &client(caller), bot, input).await?.into())
    }

    async fn recrawl(&self, caller: &Caller, id: SourceId) -> Result<SourceCard, ApiError> {
        Ok(self.knowledge.recrawl(&caller.viewer, &client(caller), id).await?.into())
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
