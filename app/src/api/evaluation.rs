//! A bot's evaluation set: its questions and runs, adding and removing questions, running it.

use leptos::prelude::*;

use crate::{
    dto::BotId,
    error::ApiError,
    evaluation::{EvalQuestion, EvalQuestionId, EvalRun, EvalRunId, EvaluationSet},
    ids::MessageId,
};

/// The set with its recent runs.
#[server(prefix = "/api/fn", endpoint = "load_evaluation")]
pub async fn load_evaluation(chatbot_id: BotId) -> Result<EvaluationSet, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.evaluation.evaluation_set(&caller, chatbot_id).await
}

/// Adds a typed question (the form's fields as they are: an empty one is not given).
#[server(prefix = "/api/fn", endpoint = "add_eval_question")]
pub async fn add_eval_question(
    chatbot_id: BotId,
    question: String,
    expects: String,
    expected_source_id: Option<String>,
    expected_answer: Option<String>,
) -> Result<EvalQuestion, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let given = |v: Option<String>| v.filter(|v| !v.trim().is_empty());
    let expects =
        expects.parse().map_err(|_| ApiError::validation("expects", "Choose what a right answer does."))?;
    let expected_source_id =
        match given(expected_source_id) {
            Some(id) => Some(id.parse().map_err(|_| {
                ApiError::validation("expected_source_id", "Choose one of the bot's sources.")
            })?),
            None => None,
        };
    let new = crate::evaluation::NewEvalQuestion {
        question: Some(question),
        expects: Some(expects),
        expected_source_id,
        expected_answer: given(expected_answer),
        message_id: None,
    };
    ports.evaluation.add_eval_question(&caller, chatbot_id, new).await
}

/// Adds a visitor's message from a conversation as a question the bot must answer.
#[server(prefix = "/api/fn", endpoint = "add_message_to_evaluation")]
pub async fn add_message_to_evaluation(
    chatbot_id: BotId,
    message_id: MessageId,
) -> Result<EvalQuestion, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    let new = crate::evaluation::NewEvalQuestion { message_id: Some(message_id), ..Default::default() };
    ports.evaluation.add_eval_question(&caller, chatbot_id, new).await
}

/// Adds every FAQ's question the set does not hold yet; how many were added.
#[server(prefix = "/api/fn", endpoint = "add_faq_questions")]
pub async fn add_faq_questions(chatbot_id: BotId) -> Result<u32, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.evaluation.add_faq_questions(&caller, chatbot_id).await
}

#[server(prefix = "/api/fn", endpoint = "remove_eval_question")]
pub async fn remove_eval_question(chatbot_id: BotId, id: EvalQuestionId) -> Result<(), ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.evaluation.remove_eval_question(&caller, chatbot_id, id).await
}

/// Runs the set now (in the background; the run's progress is read with [`read_eval_run`]).
#[server(prefix = "/api/fn", endpoint = "start_eval_run")]
pub async fn start_eval_run(chatbot_id: BotId) -> Result<EvalRun, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.evaluation.start_eval_run(&caller, chatbot_id).await
}

#[server(prefix = "/api/fn", endpoint = "read_eval_run")]
pub async fn read_eval_run(chatbot_id: BotId, run_id: EvalRunId) -> Result<EvalRun, ApiError> {
    let (ports, caller) = crate::ssr::caller().await?;
    ports.evaluation.eval_run(&caller, chatbot_id, run_id).await
}
