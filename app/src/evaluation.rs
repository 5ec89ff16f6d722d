//! A bot's evaluation set, as the Knowledge page and the REST API show it: questions an owner
//! keeps with what a right answer must do, and each run of the set — started by hand or by a
//! change in the knowledge — with its pass rate and every question's result, so a change that
//! makes the bot worse is seen before visitors see it.

use serde::{Deserialize, Serialize};

use crate::{
    dto::AnswerOutcome,
    ids::{BotId, MessageId, SourceId},
    names::by_name,
};

/// The most questions one bot's set holds (a run answers each, one after another).
pub const MAX_QUESTIONS: usize = 500;
/// The longest expected answer.
pub const MAX_EXPECTED_CHARS: usize = 2_000;

macro_rules! eval_id {
    ($name:ident) => {
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
        #[serde(transparent)]
        pub struct $name(pub uuid::Uuid);

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                self.0.fmt(f)
            }
        }

        impl std::str::FromStr for $name {
            type Err = uuid::Error;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                uuid::Uuid::parse_str(s).map(Self)
            }
        }
    };
}

eval_id!(EvalQuestionId);
eval_id!(EvalRunId);

/// What a right answer to a question must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum Expectation {
    /// Answer it, with the expected source among the first three passages found.
    Source,
    /// Answer it, and the answer holds most of the expected answer's words.
    Answer,
    /// Answer it at all (not decline or hand over).
    Answered,
    /// Not answer it: the knowledge does not cover it, and the bot must say so.
    Declined,
}

by_name!(Expectation, "expectation" {
    Source = "source", Answer = "answer", Answered = "answered", Declined = "declined",
});

impl Expectation {
    pub fn label(self) -> &'static str {
        match self {
            Self::Source => "Cites the source",
            Self::Answer => "Gives the answer",
            Self::Answered => "Answers",
            Self::Declined => "Says it does not know",
        }
    }
}

/// Where a question came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum EvalOrigin {
    /// Typed by a teammate.
    Typed,
    /// A visitor's message from a conversation.
    Transcript,
    /// An FAQ's question (expecting that FAQ).
    Faq,
}

by_name!(EvalOrigin, "origin" { Typed = "typed", Transcript = "transcript", Faq = "faq" });

/// One question of the set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EvalQuestion {
    pub id: EvalQuestionId,
    pub question: String,
    pub expects: Expectation,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_source_id: Option<SourceId>,
    /// The expected source's title (gone when the source was deleted).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_source_title: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub expected_answer: Option<String>,
    pub origin: EvalOrigin,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// Its result in the latest finished run that asked it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last: Option<EvalResult>,
    /// It passed in the finished run before the latest and fails in the latest: what the
    /// change between them (often to the knowledge) broke.
    #[serde(default)]
    pub newly_failing: bool,
}

/// How one question fared in one run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EvalResult {
    pub question_id: EvalQuestionId,
    /// The question as it was asked.
    pub question: String,
    pub passed: bool,
    /// Why it passed or failed, in words.
    pub reason: String,
    pub outcome: AnswerOutcome,
    pub confidence: f32,
    /// Where the expected source came among the passages found (1 = first), if at all.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rank: Option<u32>,
    /// The titles of the first three passages found.
    pub found: Vec<String>,
    /// The answer's first 300 characters.
    pub answer: String,
}

/// Where a run stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum RunStatus {
    Queued,
    Running,
    Completed,
    Failed,
}

by_name!(RunStatus, "run status" {
    Queued = "queued", Running = "running", Completed = "completed", Failed = "failed",
});

/// What started a run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum RunTrigger {
    /// A teammate pressed "Run now" (or called the API).
    Manual,
    /// A knowledge source was added, finished processing, or was deleted.
    Knowledge,
}

by_name!(RunTrigger, "run trigger" { Manual = "manual", Knowledge = "knowledge" });

/// One run of the set.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EvalRun {
    pub id: EvalRunId,
    pub status: RunStatus,
    pub trigger: RunTrigger,
    /// Questions to ask, asked so far, and passed.
    pub total: u32,
    pub done: u32,
    pub passed: u32,
    /// Why it failed, when it did.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    /// RFC 3339, UTC.
    pub created_at: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub finished_at: Option<String>,
    /// Every question's result (only on a single run's read and when it finished).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub results: Vec<EvalResult>,
}

impl EvalRun {
    /// Share of questions passed, in whole percent (0 for an empty run).
    pub fn pass_percent(&self) -> u32 {
        (self.passed * 100 + self.total / 2).checked_div(self.total).unwrap_or(0)
    }

    pub fn is_working(&self) -> bool {
        matches!(self.status, RunStatus::Queued | RunStatus::Running)
    }
}

/// A bot's evaluation set with its recent runs (newest first).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EvaluationSet {
    pub chatbot_id: BotId,
    pub questions: Vec<EvalQuestion>,
    pub runs: Vec<EvalRun>,
    /// The bot's sources a question may expect, as (id, title), by title.
    pub sources: Vec<SourceChoice>,
    /// The caller may change the set and start runs.
    pub can_manage: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SourceChoice {
    pub id: SourceId,
    pub title: String,
}

/// A question to add to a set: typed, or a visitor's message from a transcript.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct NewEvalQuestion {
    /// The question (not needed with `message_id`).
    #[serde(default)]
    pub question: Option<String>,
    /// What a right answer does: `source`, `answer`, `answered` (default) or `declined`.
    #[serde(default)]
    pub expects: Option<Expectation>,
    /// With `expects: source`: one of the bot's sources.
    #[serde(default)]
    pub expected_source_id: Option<SourceId>,
    /// With `expects: answer`: what a right answer says.
    #[serde(default)]
    pub expected_answer: Option<String>,
    /// Take the question from this visitor message of one of the bot's conversations.
    #[serde(default)]
    pub message_id: Option<MessageId>,
}
