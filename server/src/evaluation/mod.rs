//! Evaluation sets: questions an owner keeps for a bot with what a right answer must do (cite
//! a source, give an answer, answer at all, or decline), asked again as a job ("run") by hand
//! and after every change to the bot's knowledge, each run's pass rate kept, so a change that
//! makes the bot worse shows on the Knowledge page before visitors meet it
//! (ARCHITECTURE.md "Evaluation sets").
//!
//! A run asks each question as "test your bot" does ([`crate::answers::Answerer::test_on`]):
//! retrieval, the built-in answer and its confidence band — what every visitor gets first,
//! and free to repeat; a bot's language model only rewords what was found, so it is not
//! called (a run of 500 questions would otherwise cost money on every knowledge change).

pub mod routes;

use std::collections::{HashMap, HashSet};

use app::{
    ApiError,
    auth::Permission,
    dto::{AnswerOutcome, BotId},
    evaluation::{
        EvalOrigin, EvalQuestion, EvalQuestionId, EvalResult, EvalRun, EvalRunId, EvaluationSet, Expectation,
        MAX_EXPECTED_CHARS, MAX_QUESTIONS, NewEvalQuestion, RunStatus, RunTrigger, SourceChoice,
    },
    ids::{MessageId, SourceId},
    ssr::Viewer,
};
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, DatabaseConnection, EntityTrait, PaginatorTrait, QueryFilter, QueryOrder,
    QuerySelect, sea_query::Expr,
};
use serde::{Deserialize, Serialize};
use uuid::Uuid;

use crate::{
    answers::{Answerer, Tested},
    entities::{
        conversation, evaluation_question as question, evaluation_run as run, knowledge_source as source,
        message,
    },
    error::Result,
    events::DomainEvent,
    jobs::{self, JobContext, JobError, JobHandler, NewJob},
    shared::time::rfc3339,
    wiring::Wiring,
};

/// The job kind that runs a set.
pub const KIND: &str = "evaluation.run";
/// Runs listed with the set (its pass rate over time).
const RUNS_LISTED: u64 = 30;
/// A run after a knowledge change waits this long, so a burst of changes (an import of 40
/// FAQs, a crawl) makes one run, not forty.
const AFTER_CHANGE_SECS: i64 = 5;
/// Passages each question lists; its expected source passes among the first [`TOP`].
const LISTED: usize = 5;
const TOP: u32 = 3;
/// Share of an expected answer's content words the answer must hold.
const ANSWER_WORDS: f32 = 0.6;

/// The evaluation sets of every bot.
#[derive(Clone)]
pub struct Evaluations {
    db: DatabaseConnection,
    answers: Answerer,
    wakeup: jobs::Wakeup,
}

impl Evaluations {
    pub fn new(db: DatabaseConnection, answers: Answerer, wakeup: jobs::Wakeup) -> Self {
        Self { db, answers, wakeup }
    }

    /// The bot's set, its recent runs and the sources a question may expect.
    pub async fn set(&self, viewer: &Viewer, bot: BotId) -> Result<EvaluationSet> {
        viewer.require(Permission::ViewKnowledge)?;
        crate::bots::find(&self.db, viewer.organization_id, bot).await?;
        let org = viewer.organization_id.0;
        let sources = self.sources(org, bot).await?;
        let titles: HashMap<SourceId, String> = sources.iter().map(|s| (s.id, s.title.clone())).collect();
        let runs: Vec<run::Model> = run::Entity::find()
            .filter(run::Column::OrganizationId.eq(org))
            .filter(run::Column::BotId.eq(bot.0))
            .order_by_desc(run::Column::CreatedAt)
            .order_by_desc(run::Column::Id)
            .limit(RUNS_LISTED)
            .all(&self.db)
            .await?;
        // Each question's result in the newest finished run, and whether it passed in the one
        // before (what the change between them broke).
        let mut finished = runs.iter().filter(|r| r.status == RunStatus::Completed.as_str());
        let results = |r: Option<&run::Model>| -> HashMap<EvalQuestionId, EvalResult> {
            r.map(|r| results_of(r).into_iter().map(|x| (x.question_id, x)).collect()).unwrap_or_default()
        };
        let last = results(finished.next());
        let before = results(finished.next());
        let questions = self
            .questions(org, bot)
            .await?
            .into_iter()
            .map(|q| {
                let mut view = question_view(q, &titles);
                view.last = last.get(&view.id).cloned();
                view.newly_failing = view.last.as_ref().is_some_and(|r| !r.passed)
                    && before.get(&view.id).is_some_and(|r| r.passed);
                view
            })
            .collect();
        Ok(EvaluationSet {
            chatbot_id: bot,
            questions,
            runs: runs.iter().map(|r| run_view(r, false)).collect(),
            sources,
            can_manage: viewer.role.can(Permission::ManageKnowledge),
        })
    }

    /// Adds a question: typed, or a visitor's message from a transcript.
    pub async fn add(&self, viewer: &Viewer, bot: BotId, new: NewEvalQuestion) -> Result<EvalQuestion> {
        viewer.require(Permission::ManageKnowledge)?;
        crate::bots::find(&self.db, viewer.organization_id, bot).await?;
        let org = viewer.organization_id.0;
        let (text, origin) = match new.message_id {
            Some(id) => (self.visitor_words(org, bot, id).await?, EvalOrigin::Transcript),
            None => (new.question.clone().unwrap_or_default(), EvalOrigin::Typed),
        };
        let text = crate::answers::routes::check_test_query(&text)
            .map_err(|_| ApiError::validation("question", question_problem(&text)))?
            .to_owned();
        let expects = new.expects.unwrap_or(if new.expected_source_id.is_some() {
            Expectation::Source
        } else if new.expected_answer.as_deref().is_some_and(|a| !a.trim().is_empty()) {
            Expectation::Answer
        } else {
            Expectation::Answered
        });
        let sources = self.sources(org, bot).await?;
        let (expected_source_id, expected_answer) = match expects {
            Expectation::Source => {
                let Some(id) = new.expected_source_id else {
                    return Err(ApiError::validation(
                        "expected_source_id",
                        "Choose the source a right answer cites.",
                    )
                    .into());
                };
                if !sources.iter().any(|s| s.id == id) {
                    return Err(ApiError::validation(
                        "expected_source_id",
                        "That source is not one of this bot's: choose one from its knowledge.",
                    )
                    .into());
                }
                (Some(id), None)
            }
            Expectation::Answer => {
                let answer = new.expected_answer.as_deref().map(str::trim).unwrap_or_default();
                if crate::answers::builtin::content_words(answer).is_empty() {
                    return Err(
                        ApiError::validation("expected_answer", "Write what a right answer says.").into()
                    );
                }
                if answer.chars().count() > MAX_EXPECTED_CHARS {
                    return Err(ApiError::validation(
                        "expected_answer",
                        format!("An expected answer can be at most {MAX_EXPECTED_CHARS} characters long."),
                    )
                    .into());
                }
                (None, Some(answer.to_owned()))
            }
            Expectation::Answered | Expectation::Declined => (None, None),
        };
        let txn = crate::db::begin_write(&self.db).await?;
        let held = question::Entity::find()
            .filter(question::Column::OrganizationId.eq(org))
            .filter(question::Column::BotId.eq(bot.0))
            .count(&txn)
            .await?;
        if held as usize >= MAX_QUESTIONS {
            return Err(ApiError::Conflict {
                message: format!(
                    "A bot's evaluation set holds at most {MAX_QUESTIONS} questions: remove some first."
                ),
            }
            .into());
        }
        let row = question::Model {
            id: Uuid::now_v7(),
            organization_id: org,
            bot_id: bot.0,
            question: text,
            expects: expects.as_str().to_owned(),
            expected_source_id: expected_source_id.map(|s| s.0),
            expected_answer,
            origin: origin.as_str().to_owned(),
            created_by: Some(viewer.user_id),
            created_at: Utc::now(),
        };
        question::Entity::insert(question::ActiveModel::from(row.clone())).exec(&txn).await?;
        txn.commit().await?;
        let titles = sources.into_iter().map(|s| (s.id, s.title)).collect();
        Ok(question_view(row, &titles))
    }

    /// Adds every FAQ's question the set does not hold yet, each expecting its FAQ. How many
    /// were added.
    pub async fn add_faqs(&self, viewer: &Viewer, bot: BotId) -> Result<u32> {
        viewer.require(Permission::ManageKnowledge)?;
        crate::bots::find(&self.db, viewer.organization_id, bot).await?;
        let org = viewer.organization_id.0;
        let faqs: Vec<source::Model> = source::Entity::find()
            .filter(source::Column::OrganizationId.eq(org))
            .filter(source::Column::BotId.eq(bot.0))
            .filter(source::Column::Kind.eq(source::SourceKind::Faq))
            .order_by_asc(source::Column::CreatedAt)
            .all(&self.db)
            .await?;
        let held = self.questions(org, bot).await?;
        let txn = crate::db::begin_write(&self.db).await?;
        let mut expected: HashSet<Uuid> = held.iter().filter_map(|q| q.expected_source_id).collect();
        let mut asked: HashSet<String> = held.iter().map(|q| q.question.to_lowercase()).collect();
        let mut room = MAX_QUESTIONS.saturating_sub(held.len());
        let mut added = 0;
        let now = Utc::now();
        for faq in faqs {
            let text = faq.question.clone().unwrap_or_else(|| faq.title.clone());
            let text = text.trim();
            if room == 0
                || text.is_empty()
                || expected.contains(&faq.id)
                || asked.contains(&text.to_lowercase())
            {
                continue;
            }
            let row = question::ActiveModel {
                id: Set(Uuid::now_v7()),
                organization_id: Set(org),
                bot_id: Set(bot.0),
                question: Set(text.chars().take(app::protocol::MAX_MESSAGE_CHARS).collect()),
                expects: Set(Expectation::Source.as_str().to_owned()),
                expected_source_id: Set(Some(faq.id)),
                expected_answer: Set(None),
                origin: Set(EvalOrigin::Faq.as_str().to_owned()),
                created_by: Set(Some(viewer.user_id)),
                created_at: Set(now),
            };
            question::Entity::insert(row).exec(&txn).await?;
            expected.insert(faq.id);
            asked.insert(text.to_lowercase());
            room -= 1;
            added += 1;
        }
        txn.commit().await?;
        Ok(added)
    }

    /// Removes a question from the set (runs already made keep their results).
    pub async fn remove(&self, viewer: &Viewer, bot: BotId, id: EvalQuestionId) -> Result<()> {
        viewer.require(Permission::ManageKnowledge)?;
        let txn = crate::db::begin_write(&self.db).await?;
        let gone = question::Entity::delete_many()
            .filter(question::Column::OrganizationId.eq(viewer.organization_id.0))
            .filter(question::Column::BotId.eq(bot.0))
            .filter(question::Column::Id.eq(id.0))
            .exec(&txn)
            .await?;
        txn.commit().await?;
        if gone.rows_affected == 0 {
            return Err(ApiError::not_found("evaluation question").into());
        }
        Ok(())
    }

    /// Starts a run of the set now. A run already waiting to start is the one returned.
    pub async fn start(&self, viewer: &Viewer, bot: BotId) -> Result<EvalRun> {
        viewer.require(Permission::ManageKnowledge)?;
        crate::bots::find(&self.db, viewer.organization_id, bot).await?;
        let org = viewer.organization_id.0;
        if self.questions(org, bot).await?.is_empty() {
            return Err(ApiError::Conflict {
                message: "The evaluation set is empty: add a question (or your FAQs) first.".into(),
            }
            .into());
        }
        let run = self.enqueue(org, bot, RunTrigger::Manual, Some(viewer.user_id), 0).await?;
        Ok(run_view(&run, false))
    }

    /// One run, with every question's result once it finished.
    pub async fn run(&self, viewer: &Viewer, bot: BotId, id: EvalRunId) -> Result<EvalRun> {
        viewer.require(Permission::ViewKnowledge)?;
        let found = run::Entity::find_by_id(id.0)
            .filter(run::Column::OrganizationId.eq(viewer.organization_id.0))
            .filter(run::Column::BotId.eq(bot.0))
            .one(&self.db)
            .await?
            .ok_or_else(|| ApiError::not_found("evaluation run"))?;
        Ok(run_view(&found, true))
    }

    /// After a change to `bot`'s knowledge: a run in a few seconds, unless one is already
    /// waiting (it will see this change too) or the set is empty.
    pub async fn knowledge_changed(&self, org: Uuid, bot: BotId) -> Result<()> {
        let held = question::Entity::find()
            .filter(question::Column::OrganizationId.eq(org))
            .filter(question::Column::BotId.eq(bot.0))
            .count(&self.db)
            .await?;
        if held == 0 {
            return Ok(());
        }
        self.enqueue(org, bot, RunTrigger::Knowledge, None, AFTER_CHANGE_SECS).await?;
        Ok(())
    }

    /// A queued run of the bot's set (the one waiting, if any), its job enqueued with it.
    async fn enqueue(
        &self,
        org: Uuid,
        bot: BotId,
        trigger: RunTrigger,
        by: Option<Uuid>,
        delay_secs: i64,
    ) -> Result<run::Model> {
        let txn = crate::db::begin_write(&self.db).await?;
        let waiting = run::Entity::find()
            .filter(run::Column::OrganizationId.eq(org))
            .filter(run::Column::BotId.eq(bot.0))
            .filter(run::Column::Status.eq(RunStatus::Queued.as_str()))
            .one(&txn)
            .await?;
        if let Some(waiting) = waiting {
            return Ok(waiting);
        }
        let id = Uuid::now_v7();
        let now = Utc::now();
        let mut job =
            NewJob::new(KIND, serde_json::json!(RunJob { run_id: id })).for_organization(org).attempts(3);
        job.run_after = Some(now + chrono::Duration::seconds(delay_secs));
        let job_id = jobs::enqueue(&txn, job).await?;
        let row = run::Model {
            id,
            organization_id: org,
            bot_id: bot.0,
            status: RunStatus::Queued.as_str().to_owned(),
            trigger: trigger.as_str().to_owned(),
            total: 0,
            done: 0,
            passed: 0,
            results: None,
            error: None,
            job_id: Some(job_id),
            created_by: by,
            created_at: now,
            started_at: None,
            finished_at: None,
        };
        run::Entity::insert(run::ActiveModel::from(row.clone())).exec(&txn).await?;
        txn.commit().await?;
        self.wakeup.notify();
        Ok(row)
    }

    /// Asks every question of the run's set and records how each fared.
    async fn execute(&self, ctx: &JobContext, id: Uuid) -> std::result::Result<(), JobError> {
        // The job belongs to the run's organization: read the run only within it.
        let Some(org) = ctx.job.organization_id else {
            return Err(JobError::Fatal("an evaluation run's job names no organization".into()));
        };
        let Some(found) =
            run::Entity::find_by_id(id).filter(run::Column::OrganizationId.eq(org)).one(&self.db).await?
        else {
            return Err(JobError::Fatal("the run is gone (its bot was deleted)".into()));
        };
        if found.status == RunStatus::Completed.as_str() || found.status == RunStatus::Failed.as_str() {
            return Ok(());
        }
        let bot_id = BotId(found.bot_id);
        let bot = match crate::bots::find(&self.db, app::dto::OrganizationId(org), bot_id).await {
            Ok(bot) => bot,
            Err(err) => {
                self.finish(id, Vec::new(), Some(format!("The bot could not be read: {}", err.into_api())))
                    .await?;
                return Err(JobError::Fatal("the run's bot is gone".into()));
            }
        };
        let asked = self.questions(org, bot_id).await?;
        let titles: HashMap<SourceId, String> =
            self.sources(org, bot_id).await?.into_iter().map(|s| (s.id, s.title)).collect();
        let total = asked.len() as i32;
        self.update(id, |q| {
            q.col_expr(run::Column::Status, Expr::value(RunStatus::Running.as_str()))
                .col_expr(run::Column::Total, Expr::value(total))
                .col_expr(run::Column::Done, Expr::value(0))
                .col_expr(run::Column::Passed, Expr::value(0))
                .col_expr(run::Column::StartedAt, Expr::value(Utc::now()))
        })
        .await?;
        let mut results = Vec::with_capacity(asked.len());
        let mut passed = 0;
        for (i, q) in asked.iter().enumerate() {
            if ctx.is_cancelled() {
                // Handed back at a stop: the next attempt starts the run over.
                return Err(JobError::Retry("stopped before every question was asked".into()));
            }
            let tested = self.answers.test_on(&bot, &q.question, LISTED).await?;
            let result = judge(q, &tested, &titles);
            passed += i32::from(result.passed);
            results.push(result);
            let done = i as i32 + 1;
            self.update(id, |u| {
                u.col_expr(run::Column::Done, Expr::value(done))
                    .col_expr(run::Column::Passed, Expr::value(passed))
            })
            .await?;
            ctx.progress(done as u64, total as u64, Some(format!("{passed} passed"))).await?;
        }
        self.finish(id, results, None).await?;
        Ok(())
    }

    async fn finish(&self, id: Uuid, results: Vec<EvalResult>, error: Option<String>) -> Result<()> {
        let status = if error.is_some() { RunStatus::Failed } else { RunStatus::Completed };
        let passed = results.iter().filter(|r| r.passed).count() as i32;
        let json = serde_json::to_string(&results).unwrap_or_else(|_| "[]".into());
        self.update(id, |u| {
            u.col_expr(run::Column::Status, Expr::value(status.as_str()))
                .col_expr(run::Column::Results, Expr::value(json))
                .col_expr(run::Column::Passed, Expr::value(passed))
                .col_expr(run::Column::Error, Expr::value(error))
                .col_expr(run::Column::FinishedAt, Expr::value(Utc::now()))
        })
        .await
    }

    async fn update(
        &self,
        id: Uuid,
        set: impl FnOnce(sea_orm::UpdateMany<run::Entity>) -> sea_orm::UpdateMany<run::Entity>,
    ) -> Result<()> {
        let txn = crate::db::begin_write(&self.db).await?;
        set(run::Entity::update_many()).filter(run::Column::Id.eq(id)).exec(&txn).await?;
        txn.commit().await?;
        Ok(())
    }

    async fn questions(&self, org: Uuid, bot: BotId) -> Result<Vec<question::Model>> {
        Ok(question::Entity::find()
            .filter(question::Column::OrganizationId.eq(org))
            .filter(question::Column::BotId.eq(bot.0))
            .order_by_asc(question::Column::CreatedAt)
            .order_by_asc(question::Column::Id)
            .all(&self.db)
            .await?)
    }

    /// The bot's sources, by title.
    async fn sources(&self, org: Uuid, bot: BotId) -> Result<Vec<SourceChoice>> {
        let rows: Vec<(Uuid, String)> = source::Entity::find()
            .select_only()
            .column(source::Column::Id)
            .column(source::Column::Title)
            .filter(source::Column::OrganizationId.eq(org))
            .filter(source::Column::BotId.eq(bot.0))
            .order_by_asc(source::Column::Title)
            .into_tuple()
            .all(&self.db)
            .await?;
        Ok(rows.into_iter().map(|(id, title)| SourceChoice { id: SourceId(id), title }).collect())
    }

    /// The words of a visitor's message in one of the bot's conversations.
    async fn visitor_words(&self, org: Uuid, bot: BotId, id: MessageId) -> Result<String> {
        let said = message::Entity::find_by_id(id.0)
            .filter(message::Column::OrganizationId.eq(org))
            .one(&self.db)
            .await?
            .ok_or_else(|| ApiError::not_found("message"))?;
        let of_bot = conversation::Entity::find_by_id(said.conversation_id)
            .filter(conversation::Column::OrganizationId.eq(org))
            .filter(conversation::Column::BotId.eq(bot.0))
            .one(&self.db)
            .await?
            .is_some();
        if !of_bot {
            return Err(ApiError::not_found("message").into());
        }
        if said.sender_kind != "visitor" {
            return Err(ApiError::validation(
                "message_id",
                "Only a visitor's message can become a question.",
            )
            .into());
        }
        Ok(said.content)
    }
}

fn question_problem(text: &str) -> String {
    if text.trim().is_empty() {
        "Type the question a visitor would ask.".into()
    } else {
        format!("A question can be at most {} characters long.", app::protocol::MAX_MESSAGE_CHARS)
    }
}

/// Whether the bot's reply to `q` did what the question expects.
pub fn judge(q: &question::Model, tested: &Tested, titles: &HashMap<SourceId, String>) -> EvalResult {
    let info = &tested.reply.info;
    let answered = matches!(
        info.outcome,
        AnswerOutcome::Answered | AnswerOutcome::Caveat | AnswerOutcome::SuggestPerson
    );
    let expects: Expectation = q.expects.parse().unwrap_or(Expectation::Answered);
    let sure = format!("confidence {:.0} %", info.confidence * 100.0);
    let mut rank = None;
    let (passed, reason) = match expects {
        Expectation::Declined if answered => (false, format!("Answered ({sure}) though it should not know")),
        Expectation::Declined => (true, format!("{} ({sure})", info.outcome.label())),
        _ if !answered => (false, format!("{} ({sure})", info.outcome.label())),
        Expectation::Answered => (true, format!("Answered ({sure})")),
        Expectation::Source => {
            let expected = q.expected_source_id.map(SourceId);
            let title = expected.and_then(|s| titles.get(&s).cloned());
            rank = tested.passages.iter().position(|p| Some(p.source_id) == expected).map(|i| i as u32 + 1);
            match (rank, title) {
                (_, None) => (false, "The expected source was deleted".into()),
                (Some(r), Some(t)) if r <= TOP => (true, format!("Found “{t}” {} ({sure})", ordinal(r))),
                (Some(r), Some(t)) => {
                    (false, format!("Found “{t}” only {}: not among the first {TOP}", ordinal(r)))
                }
                (None, Some(t)) => (false, format!("Did not find “{t}”")),
            }
        }
        Expectation::Answer => {
            let expected =
                crate::answers::builtin::content_words(q.expected_answer.as_deref().unwrap_or_default());
            let said: HashSet<String> = crate::answers::builtin::content_words(&tested.reply.text)
                .split(' ')
                .map(str::to_owned)
                .collect();
            let words: Vec<&str> = expected.split(' ').filter(|w| !w.is_empty()).collect();
            let held = words.iter().filter(|w| said.contains(**w)).count();
            let share = if words.is_empty() { 0.0 } else { held as f32 / words.len() as f32 };
            let told = format!("the answer holds {held} of the {} expected words", words.len());
            if share >= ANSWER_WORDS {
                (true, format!("Answered: {told}"))
            } else {
                (false, format!("Answered, but {told}"))
            }
        }
    };
    EvalResult {
        question_id: EvalQuestionId(q.id),
        question: q.question.clone(),
        passed,
        reason,
        outcome: info.outcome,
        confidence: info.confidence,
        rank,
        found: tested.passages.iter().take(TOP as usize).map(crate::answers::cited_title).collect(),
        answer: tested.reply.text.chars().take(300).collect(),
    }
}

fn ordinal(n: u32) -> String {
    match n {
        1 => "first".into(),
        2 => "second".into(),
        3 => "third".into(),
        n => format!("{n}th"),
    }
}

fn question_view(q: question::Model, titles: &HashMap<SourceId, String>) -> EvalQuestion {
    let expected_source_id = q.expected_source_id.map(SourceId);
    EvalQuestion {
        id: EvalQuestionId(q.id),
        expects: q.expects.parse().unwrap_or(Expectation::Answered),
        expected_source_title: expected_source_id.and_then(|s| titles.get(&s).cloned()),
        expected_source_id,
        expected_answer: q.expected_answer,
        origin: q.origin.parse().unwrap_or(EvalOrigin::Typed),
        created_at: rfc3339(q.created_at),
        question: q.question,
        last: None,
        newly_failing: false,
    }
}

fn results_of(r: &run::Model) -> Vec<EvalResult> {
    r.results.as_deref().and_then(|json| serde_json::from_str(json).ok()).unwrap_or_default()
}

fn run_view(r: &run::Model, with_results: bool) -> EvalRun {
    EvalRun {
        id: EvalRunId(r.id),
        status: r.status.parse().unwrap_or(RunStatus::Failed),
        trigger: r.trigger.parse().unwrap_or(RunTrigger::Manual),
        total: r.total.max(0) as u32,
        done: r.done.max(0) as u32,
        passed: r.passed.max(0) as u32,
        error: r.error.clone(),
        created_at: rfc3339(r.created_at),
        finished_at: r.finished_at.map(rfc3339),
        results: if with_results { results_of(r) } else { Vec::new() },
    }
}

#[derive(Serialize, Deserialize)]
struct RunJob {
    run_id: Uuid,
}

struct RunSet {
    evaluations: Evaluations,
}

#[async_trait::async_trait]
impl JobHandler for RunSet {
    async fn run(&self, ctx: &JobContext) -> std::result::Result<(), JobError> {
        let RunJob { run_id } = ctx.payload()?;
        let outcome = self.evaluations.execute(ctx, run_id).await;
        if let Err(JobError::Retry(reason)) = &outcome
            && ctx.job.attempts >= ctx.job.max_attempts
        {
            // The last attempt: the run says why instead of staying "running".
            self.evaluations.finish(run_id, Vec::new(), Some(format!("The run stopped: {reason}"))).await?;
        }
        outcome
    }
}

/// The routes, the run job, and a run after each change to a bot's knowledge.
pub fn install(w: &mut Wiring, evaluations: &Evaluations) {
    let h = w.handles();
    w.routes(routes::router(routes::EvaluationRoutes {
        evaluations: evaluations.clone(),
        auth: h.auth.clone(),
    }));
    w.job(KIND, std::sync::Arc::new(RunSet { evaluations: evaluations.clone() }));
    let e = evaluations.clone();
    w.listener("evaluation", move |mut events| async move {
        while let Some(event) = events.recv().await {
            let changed = match event.as_ref() {
                DomainEvent::KnowledgeChanged { organization_id, source, .. }
                    if source.status == app::knowledge::SourceStatus::Completed =>
                {
                    Some((organization_id.0, source.chatbot_id))
                }
                DomainEvent::KnowledgeRemoved { organization_id, bot_id, .. } => Some((organization_id.0, *bot_id)),
                _ => None,
            };
            if let Some((org, bot)) = changed
                && let Err(err) = e.knowledge_changed(org, bot).await
            {
                tracing::warn!(error = %err, bot = %bot.0, "queueing an evaluation run after a knowledge change failed");
            }
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ordinals_read_as_words_for_the_first_three() {
        assert_eq!(ordinal(1), "first");
        assert_eq!(ordinal(3), "third");
        assert_eq!(ordinal(5), "5th");
    }
}
