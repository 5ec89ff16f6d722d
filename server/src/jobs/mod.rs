//! Persistent background jobs. Work that must survive a restart and may fail for a while —
//! mail delivery today; knowledge ingestion, crawls, exports, webhooks and scheduled reports
//! next — is a row in `jobs`, enqueued in the transaction of the change that asks for it (so
//! it exists exactly when that change committed), and run by [`runner::Runner`]s:
//!
//! - claimed atomically (`FOR UPDATE SKIP LOCKED` on PostgreSQL; under the single writer on
//!   SQLite) with a lease the runner renews while the job runs;
//! - a failure is retried with exponential backoff until `max_attempts`, then the job is
//!   `dead` with the reason; a handler may also give up at once ([`JobError::Fatal`]);
//! - cancelled jobs stop (queued ones never start; a running one is told through its context);
//! - a job that was running when the server stopped — gracefully (it is handed back) or not
//!   (its lease runs out) — runs again after the restart;
//! - progress a handler reports is stored on the row and published as a domain event.
//!
//! It knows no feature: features implement [`JobHandler`] for their kinds and `startup`
//! registers them.

pub mod runner;

use std::{collections::HashMap, sync::Arc};

use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter,
    sea_query::Expr,
};
use serde::de::DeserializeOwned;
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

pub use crate::entities::job::{JobStatus, Model as Job};
use crate::{
    entities::job,
    error::Result,
    events::{DomainEvent, EventBus, JobProgress},
};

/// Attempts a job gets unless it says otherwise.
pub const DEFAULT_MAX_ATTEMPTS: i32 = 5;

/// A job to enqueue.
#[derive(Debug, Clone)]
pub struct NewJob {
    pub kind: &'static str,
    pub payload: serde_json::Value,
    pub organization_id: Option<Uuid>,
    pub run_after: Option<DateTime<Utc>>,
    pub max_attempts: i32,
}

impl NewJob {
    pub fn new(kind: &'static str, payload: serde_json::Value) -> Self {
        Self { kind, payload, organization_id: None, run_after: None, max_attempts: DEFAULT_MAX_ATTEMPTS }
    }

    pub fn for_organization(mut self, organization_id: Uuid) -> Self {
        self.organization_id = Some(organization_id);
        self
    }

    pub fn attempts(mut self, max_attempts: i32) -> Self {
        self.max_attempts = max_attempts.max(1);
        self
    }
}

/// Puts a job in the queue, on `db` — pass the transaction of the change the job belongs to,
/// and it exists exactly when that change is committed. Wake a runner afterwards with
/// [`Wakeup::notify`] so it starts at once rather than at its next poll.
pub async fn enqueue<C: ConnectionTrait>(db: &C, new: NewJob) -> Result<Uuid> {
    let now = Utc::now();
    let id = Uuid::now_v7();
    job::Entity::insert(job::ActiveModel {
        id: Set(id),
        organization_id: Set(new.organization_id),
        kind: Set(new.kind.to_owned()),
        payload: Set(new.payload.to_string()),
        status: Set(JobStatus::Queued),
        attempts: Set(0),
        max_attempts: Set(new.max_attempts.max(1)),
        run_after: Set(new.run_after.unwrap_or(now)),
        locked_by: Set(None),
        locked_until: Set(None),
        last_error: Set(None),
        progress: Set(None),
        created_at: Set(now),
        updated_at: Set(now),
        finished_at: Set(None),
    })
    .exec(db)
    .await?;
    Ok(id)
}

/// Cancels a job of `organization_id` (or a platform job, with `None`) that has not finished:
/// a queued one never starts, a running one is told to stop. `false` if there was none.
pub async fn cancel<C: ConnectionTrait>(db: &C, organization_id: Option<Uuid>, id: Uuid) -> Result<bool> {
    let owner = match organization_id {
        Some(org) => job::Column::OrganizationId.eq(org),
        None => job::Column::OrganizationId.is_null(),
    };
    let now = Utc::now();
    let cancelled = job::Entity::update_many()
        .col_expr(job::Column::Status, Expr::value(JobStatus::Cancelled))
        .col_expr(job::Column::FinishedAt, Expr::value(now))
        .col_expr(job::Column::UpdatedAt, Expr::value(now))
        .filter(job::Column::Id.eq(id))
        .filter(owner)
        .filter(job::Column::Status.is_in([JobStatus::Queued, JobStatus::Running]))
        .exec(db)
        .await?;
    Ok(cancelled.rows_affected > 0)
}

/// One job of `organization_id` (`None`: the platform's own).
pub async fn find(db: &DatabaseConnection, organization_id: Option<Uuid>, id: Uuid) -> Result<Option<Job>> {
    let owner = match organization_id {
        Some(org) => job::Column::OrganizationId.eq(org),
        None => job::Column::OrganizationId.is_null(),
    };
    Ok(job::Entity::find_by_id(id).filter(owner).one(db).await?)
}

/// Why a run failed.
#[derive(Debug)]
pub enum JobError {
    /// Worth trying again later (a network error, a busy service).
    Retry(String),
    /// Trying again cannot help (bad payload, the thing it was for is gone): dead at once.
    Fatal(String),
}

impl std::fmt::Display for JobError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Retry(reason) | Self::Fatal(reason) => f.write_str(reason),
        }
    }
}

impl From<sea_orm::DbErr> for JobError {
    fn from(err: sea_orm::DbErr) -> Self {
        Self::Retry(format!("the database: {err}"))
    }
}

impl From<crate::error::Error> for JobError {
    fn from(err: crate::error::Error) -> Self {
        Self::Retry(format!("{err:#}"))
    }
}

/// What a handler gets for one run.
pub struct JobContext {
    pub job: Job,
    db: DatabaseConnection,
    events: EventBus,
    node: Arc<str>,
    cancelled: CancellationToken,
}

impl JobContext {
    /// The payload as the kind's type.
    pub fn payload<T: DeserializeOwned>(&self) -> std::result::Result<T, JobError> {
        serde_json::from_str(&self.job.payload).map_err(|err| {
            JobError::Fatal(format!("the payload does not fit a `{}` job: {err}", self.job.kind))
        })
    }

    /// True once the job was cancelled or the server is stopping; long work checks it between
    /// steps and returns (the runner then hands the job back or leaves it cancelled).
    pub fn is_cancelled(&self) -> bool {
        self.cancelled.is_cancelled()
    }

    /// Resolves when [`Self::is_cancelled`] turns true.
    pub async fn cancelled(&self) {
        self.cancelled.cancelled().await;
    }

    /// Records how far the job has come and publishes it (`DomainEvent::JobProgress`).
    pub async fn progress(&self, done: u64, total: u64, note: Option<String>) -> Result<()> {
        let progress = JobProgress { done, total, note };
        job::Entity::update_many()
            .col_expr(
                job::Column::Progress,
                Expr::value(serde_json::to_string(&progress).unwrap_or_default()),
            )
            .col_expr(job::Column::UpdatedAt, Expr::value(Utc::now()))
            .filter(job::Column::Id.eq(self.job.id))
            .filter(job::Column::LockedBy.eq(self.node.as_ref()))
            .exec(&self.db)
            .await?;
        self.events
            .publish(DomainEvent::JobProgress {
                organization_id: self.job.organization_id.map(app::dto::OrganizationId),
                job_id: self.job.id,
                kind: self.job.kind.clone(),
                progress,
            })
            .await;
        Ok(())
    }
}

/// Runs the jobs of one kind. Runs may repeat (a retry, a restart mid-run): a handler makes
/// its effect once, e.g. by checking what it already did.
#[async_trait::async_trait]
pub trait JobHandler: Send + Sync {
    async fn run(&self, ctx: &JobContext) -> std::result::Result<(), JobError>;
}

/// Which handler runs which kind.
#[derive(Clone, Default)]
pub struct Registry {
    handlers: HashMap<&'static str, Arc<dyn JobHandler>>,
}

impl Registry {
    pub fn with(mut self, kind: &'static str, handler: Arc<dyn JobHandler>) -> Self {
        self.handlers.insert(kind, handler);
        self
    }

    fn get(&self, kind: &str) -> Option<Arc<dyn JobHandler>> {
        self.handlers.get(kind).cloned()
    }
}

/// Wakes idle runners when a job was enqueued (they poll besides, for jobs whose time came).
#[derive(Clone, Default)]
pub struct Wakeup(Arc<tokio::sync::Notify>);

impl Wakeup {
    pub fn notify(&self) {
        self.0.notify_waiters();
    }
}
