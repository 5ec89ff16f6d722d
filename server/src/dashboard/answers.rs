//! The answer engine's port: "test your bot" calls `answers::Answerer` as the REST route does.

use crate::answers::Answerer;
use app::{
    ApiError,
    dto::BotId,
    knowledge::{BotTest, TestedPassage},
    ssr::{AnswersPort, Caller},
};

pub struct DashboardAnswers {
    pub answers: Answerer,
}

/// Passages the dashboard's test lists.
const LISTED: usize = 5;

#[async_trait::async_trait]
impl AnswersPort for DashboardAnswers {
    async fn test_bot(&self, caller: &Caller, bot: BotId, query: String) -> Result<BotTest, ApiError> {
        let crate::answers::Tested { passages, reply, prompt } =
            self.answers.test(&caller.viewer, bot, &query, LISTED).await?;
        Ok(BotTest {
            answer: reply.text,
            info: reply.info,
            insight: reply.insight,
            prompt,
            passages: passages
                .iter()
                .map(|p| TestedPassage {
                    place: crate::answers::cited_title(p),
                    kind: p.kind,
                    score: p.score,
                    cosine: p.cosine,
                    snippet: p.content.chars().take(300).collect(),
                })
                .collect(),
        })
    }

    async fn knowledge_gaps(
        &self,
        caller: &Caller,
        bot: BotId,
        days: u16,
    ) -> Result<app::knowledge::KnowledgeGaps, ApiError> {
        let days = crate::answers::gaps::check_days(i64::from(days))?;
        Ok(self.answers.gaps(&caller.viewer, bot, days).await?)
    }
}
