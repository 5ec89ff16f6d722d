//! The evaluation set's port: the dashboard calls `evaluation::Evaluations` as REST does.

use app::{
    ApiError,
    dto::BotId,
    evaluation::{EvalQuestion, EvalQuestionId, EvalRun, EvalRunId, EvaluationSet, NewEvalQuestion},
    ssr::{Caller, EvaluationPort},
};

use crate::evaluation::Evaluations;

pub struct DashboardEvaluation {
    pub evaluations: Evaluations,
}

#[async_trait::async_trait]
impl EvaluationPort for DashboardEvaluation {
    async fn evaluation_set(&self, caller: &Caller, bot: BotId) -> Result<EvaluationSet, ApiError> {
        Ok(self.evaluations.set(&caller.viewer, bot).await?)
    }

    async fn add_eval_question(
        &self,
        caller: &Caller,
        bot: BotId,
        new: NewEvalQuestion,
    ) -> Result<EvalQuestion, ApiError> {
        Ok(self.evaluations.add(&caller.viewer, bot, new).await?)
    }

    async fn add_faq_questions(&self, caller: &Caller, bot: BotId) -> Result<u32, ApiError> {
        Ok(self.evaluations.add_faqs(&caller.viewer, bot).await?)
    }

    async fn remove_eval_question(
        &self,
        caller: &Caller,
        bot: BotId,
        id: EvalQuestionId,
    ) -> Result<(), ApiError> {
        Ok(self.evaluations.remove(&caller.viewer, bot, id).await?)
    }

    async fn start_eval_run(&self, caller: &Caller, bot: BotId) -> Result<EvalRun, ApiError> {
        Ok(self.evaluations.start(&caller.viewer, bot).await?)
    }

    async fn eval_run(&self, caller: &Caller, bot: BotId, id: EvalRunId) -> Result<EvalRun, ApiError> {
        Ok(self.evaluations.run(&caller.viewer, bot, id).await?)
    }
}
