//! A bot's evaluation set on the Knowledge page (and "add to the evaluation set" in the inbox).

use super::Caller;
use crate::{
    dto::BotId,
    error::ApiError,
    evaluation::{EvalQuestion, EvalQuestionId, EvalRun, EvalRunId, EvaluationSet, NewEvalQuestion},
};

#[async_trait::async_trait]
pub trait EvaluationPort: Send + Sync + 'static {
    async fn evaluation_set(&self, caller: &Caller, bot: BotId) -> Result<EvaluationSet, ApiError>;
    async fn add_eval_question(
        &self,
        caller: &Caller,
        bot: BotId,
        new: NewEvalQuestion,
    ) -> Result<EvalQuestion, ApiError>;
    async fn add_faq_questions(&self, caller: &Caller, bot: BotId) -> Result<u32, ApiError>;
    async fn remove_eval_question(
        &self,
        caller: &Caller,
        bot: BotId,
        id: EvalQuestionId,
    ) -> Result<(), ApiError>;
    async fn start_eval_run(&self, caller: &Caller, bot: BotId) -> Result<EvalRun, ApiError>;
    async fn eval_run(&self, caller: &Caller, bot: BotId, id: EvalRunId) -> Result<EvalRun, ApiError>;
}
