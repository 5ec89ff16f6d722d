//! Claims due jobs and runs them, one at a time per runner, until told to stop.

use std::{sync::Arc, time::Duration};

use chrono::Utc;
use futures::FutureExt;
use sea_orm::{
    ColumnTrait, Condition, DatabaseConnection, DbBackend, EntityTrait, Order, QueryFilter, QueryOrder,
    QuerySelect, QueryTrait,
    sea_query::{Expr, ExprTrait, LockBehavior, LockType},
};
use tokio_util::sync::CancellationToken;

use super::{Job, JobContext, JobError, JobStatus, Registry, Wakeup};
use crate::{db, entities::job, error::Result, events::EventBus};

/// How a runner behaves.
#[derive(Debug, Clone)]
pub struct RunnerPolicy {
    /// How long a claim holds without renewal; a killed server's jobs run again after it.
    pub lease: Duration,
    /// How often an idle runner looks for jobs whose time came.
    pub poll: Duration,
    /// The first retry's delay; each further one doubles it, up to `max_backoff`.
    pub backoff: Duration,
    pub max_backoff: Duration,
}

impl Default for RunnerPolicy {
    fn default() -> Self {
        Self {
            lease: Duration::from_secs(30),
            poll: Duration::from_secs(1),
            backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(3600),
        }
    }
}

impl RunnerPolicy {
    /// The delay before the retry that follows attempt `attempts` (1-based).
    pub fn backoff_after(&self, attempts: i32) -> Duration {
        let doublings = Ord::min(u32::try_from(attempts.saturating_sub(1)).unwrap_or(0), 20);
        Ord::min(self.backoff.saturating_mul(2u32.saturating_pow(doublings)), self.max_backoff)
    }
}

#[derive(Clone)]
pub struct Runner {
    db: DatabaseConnection,
    registry: Registry,
    events: EventBus,
    wakeup: Wakeup,
    policy: RunnerPolicy,
    /// This process's name on the jobs it holds.
    node: Arc<str>,
}

impl Runner {
    pub fn new(
        db: DatabaseConnection,
        registry: Registry,
        events: EventBus,
        wakeup: Wakeup,
        policy: RunnerPolicy,
    ) -> Self {
        let node = format!("node-{}", &crate::shared::tokens::new_token()[..12]);
        Self { db, registry, events, wakeup, policy, node: node.into() }
    }

    /// Runs jobs until `stop` is cancelled; a job running then is handed back to the queue.
    pub async fn run(self, stop: CancellationToken) {
        loop {
            if stop.is_cancelled() {
                return;
            }
            match self.claim().await {
                Ok(Some(job)) => self.execute(job, &stop).await,
                Ok(None) => {
                    tokio::select! {
                        () = stop.cancelled() => return,
                        () = self.wakeup.0.notified() => {}
                        () = tokio::time::sleep(self.policy.poll) => {}
                    }
                }
                Err(err) => {
                    tracing::warn!(error = %err, "claiming a job failed");
                    tokio::select! {
                        () = stop.cancelled() => return,
                        () = tokio::time::sleep(self.policy.poll) => {}
                    }
                }
            }
        }
    }

    /// Takes the next due job — queued and due, or running under a lease that ran out — and
    /// marks it running under this runner's lease, in one statement.
    pub async fn claim(&self) -> Result<Option<Job>> {
        let now = Utc::now();
        let due = Condition::any()
            .add(job::Column::Status.eq(JobStatus::Queued).and(job::Column::RunAfter.lte(now)))
            .add(job::Column::Status.eq(JobStatus::Running).and(job::Column::LockedUntil.lt(now)));
        // A read first: an idle queue costs no write transaction (on SQLite, no writer turn).
        let any_due = job::Entity::find()
            .select_only()
            .column(job::Column::Id)
            .filter(due.clone())
            .into_tuple::<uuid::Uuid>()
            .one(&self.db)
            .await?
            .is_some();
        if !any_due {
            return Ok(None);
        }
        let mut next = job::Entity::find()
            .select_only()
            .column(job::Column::Id)
            .filter(due)
            .order_by(job::Column::RunAfter, Order::Asc)
            .limit(1)
            .into_query();
        if self.db.get_database_backend() == DbBackend::Postgres {
            // Runners of other nodes skip the row this one is taking instead of waiting on it.
            next.lock_with_behavior(LockType::Update, LockBehavior::SkipLocked);
        }
        let claim = job::Entity::update_many()
            .col_expr(job::Column::Status, Expr::value(JobStatus::Running))
            .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).add(1))
            .col_expr(job::Column::LockedBy, Expr::value(self.node.as_ref()))
            .col_expr(job::Column::LockedUntil, Expr::value(now + self.lease()))
            .col_expr(job::Column::UpdatedAt, Expr::value(now))
            .filter(job::Column::Id.in_subquery(next));
        // On SQLite the claim takes the process's writer turn like every other write.
        let txn = db::begin_write(&self.db).await?;
        let claimed = claim.exec_with_returning(&*txn).await?;
        txn.commit().await?;
        Ok(claimed.into_iter().next())
    }

    fn lease(&self) -> chrono::Duration {
        chrono::Duration::from_std(self.policy.lease).unwrap_or(chrono::Duration::seconds(30))
    }

    async fn execute(&self, job: Job, stop: &CancellationToken) {
        use tracing::Instrument;
        // Instrumented, not entered: a span held across `.await` would wrap whatever else the
        // thread polls meanwhile (other jobs' lines logged inside this job's span).
        let span = tracing::info_span!("job", id = %job.id, kind = %job.kind, attempt = job.attempts);
        self.execute_in_span(job, stop).instrument(span).await;
    }

    async fn execute_in_span(&self, job: Job, stop: &CancellationToken) {
        let started = std::time::Instant::now();
        let Some(handler) = self.registry.get(&job.kind) else {
            let reason = format!("no handler runs jobs of kind `{}`", job.kind);
            self.finish(&job, Outcome::Dead(reason)).await;
            return;
        };
        let cancelled = stop.child_token();
        let ctx = JobContext {
            job: job.clone(),
            db: self.db.clone(),
            events: self.events.clone(),
            node: self.node.clone(),
            cancelled: cancelled.clone(),
        };
        let run = std::panic::AssertUnwindSafe(handler.run(&ctx)).catch_unwind();
        tokio::pin!(run);
        let mut renew = tokio::time::interval(self.policy.lease / 3);
        renew.tick().await;
        let outcome = loop {
            tokio::select! {
                result = &mut run => break match result {
                    Ok(Ok(())) => Outcome::Succeeded,
                    Ok(Err(JobError::Fatal(reason))) => Outcome::Dead(reason),
                    Ok(Err(JobError::Retry(reason))) => self.retry_or_dead(&job, reason),
                    Err(_) => self.retry_or_dead(&job, "the job's handler panicked".to_owned()),
                },
                () = stop.cancelled() => break Outcome::HandedBack,
                _ = renew.tick() => {
                    match self.renew(&job).await {
                        // Cancelled meanwhile (or taken by another node after a long stall).
                        Ok(false) => cancelled.cancel(),
                        Ok(true) => {}
                        Err(err) => tracing::warn!(error = %err, "renewing a job's lease failed"),
                    }
                }
            }
        };
        let ms = started.elapsed().as_millis();
        if matches!(outcome, Outcome::Succeeded) {
            tracing::debug!(ms, "job succeeded");
        } else {
            tracing::info!(outcome = ?outcome, ms, "job did not succeed");
        }
        self.finish(&job, outcome).await;
    }

    fn retry_or_dead(&self, job: &Job, reason: String) -> Outcome {
        if job.attempts >= job.max_attempts {
            Outcome::Dead(format!("{reason} (gave up after {} attempts)", job.attempts))
        } else {
            Outcome::Retry { reason, after: self.policy.backoff_after(job.attempts) }
        }
    }

    /// Extends the lease; false if the job is no longer this runner's running job.
    async fn renew(&self, job: &Job) -> Result<bool> {
        let now = Utc::now();
        let renewed = job::Entity::update_many()
            .col_expr(job::Column::LockedUntil, Expr::value(now + self.lease()))
            .filter(self.held(job))
            .exec(&self.db)
            .await?;
        Ok(renewed.rows_affected == 1)
    }

    /// This runner's hold on a running job: a cancelled job is left as it is.
    fn held(&self, job: &Job) -> Condition {
        Condition::all()
            .add(job::Column::Id.eq(job.id))
            .add(job::Column::Status.eq(JobStatus::Running))
            .add(job::Column::LockedBy.eq(self.node.as_ref()))
    }

    async fn finish(&self, job: &Job, outcome: Outcome) {
        let now = Utc::now();
        let mut update = job::Entity::update_many()
            .col_expr(job::Column::LockedBy, Expr::value(Option::<String>::None))
            .col_expr(job::Column::LockedUntil, Expr::value(Option::<chrono::DateTime<Utc>>::None))
            .col_expr(job::Column::UpdatedAt, Expr::value(now));
        update = match &outcome {
            Outcome::Succeeded => update
                .col_expr(job::Column::Status, Expr::value(JobStatus::Succeeded))
                .col_expr(job::Column::FinishedAt, Expr::value(now)),
            Outcome::Dead(reason) => update
                .col_expr(job::Column::Status, Expr::value(JobStatus::Dead))
                .col_expr(job::Column::LastError, Expr::value(reason.clone()))
                .col_expr(job::Column::FinishedAt, Expr::value(now)),
            Outcome::Retry { reason, after } => update
                .col_expr(job::Column::Status, Expr::value(JobStatus::Queued))
                .col_expr(job::Column::LastError, Expr::value(reason.clone()))
                .col_expr(
                    job::Column::RunAfter,
                    Expr::value(now + chrono::Duration::from_std(*after).unwrap_or(chrono::Duration::zero())),
                ),
            // Interrupted by the stop, not failed: the attempt does not count.
            Outcome::HandedBack => update
                .col_expr(job::Column::Status, Expr::value(JobStatus::Queued))
                .col_expr(job::Column::Attempts, Expr::col(job::Column::Attempts).sub(1))
                .col_expr(job::Column::RunAfter, Expr::value(now)),
        };
        if let Err(err) = update.filter(self.held(job)).exec(&self.db).await {
            // The lease runs out and the job runs again: nothing is lost.
            tracing::error!(error = %err, "recording a job's outcome failed");
        }
    }
}

#[derive(Debug)]
enum Outcome {
    Succeeded,
    Dead(String),
    Retry { reason: String, after: Duration },
    HandedBack,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_exponentially_up_to_the_cap() {
        let policy = RunnerPolicy {
            backoff: Duration::from_secs(5),
            max_backoff: Duration::from_secs(60),
            ..RunnerPolicy::default()
        };
        let delays: Vec<u64> = (1..=6).map(|n| policy.backoff_after(n).as_secs()).collect();
        assert_eq!(delays, [5, 10, 20, 40, 60, 60]);
    }
}
