//! Persistent background jobs on a real database: retries with backoff, the dead state with
//! its reason, a job cut off by a stop (graceful or not) running again after the restart and
//! completing once, cancellation, progress, and jobs scoped by organization.

use std::{
    sync::{
        Arc,
        atomic::{AtomicUsize, Ordering},
    },
    time::Duration,
};

use chatsupport::{
    events::{DomainEvent, EventBus},
    jobs::{
        self, Job, JobContext, JobError, JobHandler, JobStatus, NewJob, Registry, Wakeup,
        runner::{Runner, RunnerPolicy},
    },
};
use tokio_util::sync::CancellationToken;
use uuid::Uuid;

use crate::helpers::scratch_database;

const KIND: &str = "test.work";

fn quick(lease: Duration) -> RunnerPolicy {
    RunnerPolicy {
        lease,
        poll: Duration::from_millis(20),
        backoff: Duration::from_millis(10),
        max_backoff: Duration::from_millis(50),
    }
}

fn runner(db: &sea_orm::DatabaseConnection, handler: Arc<dyn JobHandler>, policy: RunnerPolicy) -> Runner {
    Runner::new(
        db.clone(),
        Registry::default().with(KIND, handler),
        EventBus::default(),
        Wakeup::default(),
        policy,
    )
}

/// Waits until the job reaches `status` (or fails the test after 10 s).
async fn wait_for(db: &sea_orm::DatabaseConnection, id: Uuid, status: JobStatus) -> Job {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let job = jobs::find(db, None, id).await.expect("read").expect("the job exists");
        if job.status == status {
            return job;
        }
        assert!(tokio::time::Instant::now() < deadline, "the job never became {status:?}: {job:?}");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
}

/// Fails the first `failures` runs, then succeeds; counts runs.
struct Flaky {
    failures: usize,
    runs: AtomicUsize,
}

#[async_trait::async_trait]
impl JobHandler for Flaky {
    async fn run(&self, _: &JobContext) -> Result<(), JobError> {
        let run = self.runs.fetch_add(1, Ordering::SeqCst);
        if run < self.failures {
            Err(JobError::Retry(format!("the CRM answered 503 (run {})", run + 1)))
        } else {
            Ok(())
        }
    }
}

#[tokio::test]
async fn a_job_that_fails_twice_then_succeeds_is_done_on_its_third_attempt() {
    let scratch = scratch_database().await;
    let flaky = Arc::new(Flaky { failures: 2, runs: AtomicUsize::new(0) });
    let id = jobs::enqueue(&scratch.db, NewJob::new(KIND, serde_json::json!({}))).await.expect("enqueued");
    let stop = CancellationToken::new();
    let task =
        tokio::spawn(runner(&scratch.db, flaky.clone(), quick(Duration::from_secs(30))).run(stop.clone()));
    let done = wait_for(&scratch.db, id, JobStatus::Succeeded).await;
    stop.cancel();
    task.await.expect("the runner stops");
    assert_eq!(done.attempts, 3);
    assert_eq!(flaky.runs.load(Ordering::SeqCst), 3);
    assert_eq!(done.last_error.as_deref(), Some("the CRM answered 503 (run 2)"), "the last failure is kept");
    assert!(done.finished_at.is_some() && done.locked_by.is_none());
}

#[tokio::test]
async fn a_job_that_keeps_failing_ends_dead_with_its_reason() {
    let scratch = scratch_database().await;
    let always = Arc::new(Flaky { failures: usize::MAX, runs: AtomicUsize::new(0) });
    let id = jobs::enqueue(&scratch.db, NewJob::new(KIND, serde_json::json!({})).attempts(3))
        .await
        .expect("enqueued");
    let stop = CancellationToken::new();
    let task =
        tokio::spawn(runner(&scratch.db, always.clone(), quick(Duration::from_secs(30))).run(stop.clone()));
    let dead = wait_for(&scratch.db, id, JobStatus::Dead).await;
    // It is not tried again once dead.
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.cancel();
    task.await.expect("the runner stops");
    assert_eq!(dead.attempts, 3);
    assert_eq!(always.runs.load(Ordering::SeqCst), 3);
    let reason = dead.last_error.expect("a reason");
    assert!(
        reason.contains("the CRM answered 503 (run 3)") && reason.contains("gave up after 3 attempts"),
        "{reason}"
    );
}

struct Refuses;

#[async_trait::async_trait]
impl JobHandler for Refuses {
    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        #[derive(serde::Deserialize)]
        struct Payload {
            #[allow(dead_code)]
            url: String,
        }
        ctx.payload::<Payload>()?;
        Ok(())
    }
}

#[tokio::test]
async fn a_job_whose_payload_cannot_work_is_dead_at_once_and_an_unknown_kind_too() {
    let scratch = scratch_database().await;
    let bad = jobs::enqueue(&scratch.db, NewJob::new(KIND, serde_json::json!({ "nope": 1 })))
        .await
        .expect("enqueued");
    let unknown = jobs::enqueue(&scratch.db, NewJob::new("test.nobody", serde_json::json!({})))
        .await
        .expect("enqueued");
    let stop = CancellationToken::new();
    let task = tokio::spawn(
        runner(&scratch.db, Arc::new(Refuses), quick(Duration::from_secs(30))).run(stop.clone()),
    );
    let bad = wait_for(&scratch.db, bad, JobStatus::Dead).await;
    let unknown = wait_for(&scratch.db, unknown, JobStatus::Dead).await;
    stop.cancel();
    task.await.expect("the runner stops");
    assert_eq!(bad.attempts, 1, "no retry can fix a payload");
    assert!(bad.last_error.expect("reason").contains("the payload does not fit a `test.work` job"));
    assert!(unknown.last_error.expect("reason").contains("no handler runs jobs of kind `test.nobody`"));
}

/// The first run never finishes by itself (the server stops under it); later runs complete.
struct CutOff {
    runs: AtomicUsize,
    completions: AtomicUsize,
    started: tokio::sync::Notify,
}

#[async_trait::async_trait]
impl JobHandler for CutOff {
    async fn run(&self, _: &JobContext) -> Result<(), JobError> {
        if self.runs.fetch_add(1, Ordering::SeqCst) == 0 {
            self.started.notify_one();
            std::future::pending::<()>().await;
        }
        self.completions.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

fn cut_off() -> Arc<CutOff> {
    Arc::new(CutOff {
        runs: AtomicUsize::new(0),
        completions: AtomicUsize::new(0),
        started: tokio::sync::Notify::new(),
    })
}

#[tokio::test]
async fn a_job_running_when_the_server_stops_runs_again_after_the_restart_and_completes_once() {
    let scratch = scratch_database().await;
    let handler = cut_off();
    let id = jobs::enqueue(&scratch.db, NewJob::new(KIND, serde_json::json!({}))).await.expect("enqueued");
    let stop = CancellationToken::new();
    let first =
        tokio::spawn(runner(&scratch.db, handler.clone(), quick(Duration::from_secs(30))).run(stop.clone()));
    handler.started.notified().await;
    // The server stops (SIGTERM): the job is handed back, not counted as a failed attempt.
    stop.cancel();
    first.await.expect("the runner stops");
    let handed_back = jobs::find(&scratch.db, None, id).await.expect("read").expect("job");
    assert_eq!((handed_back.status, handed_back.attempts), (JobStatus::Queued, 0));

    let stop = CancellationToken::new();
    let second =
        tokio::spawn(runner(&scratch.db, handler.clone(), quick(Duration::from_secs(30))).run(stop.clone()));
    let done = wait_for(&scratch.db, id, JobStatus::Succeeded).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.cancel();
    second.await.expect("the runner stops");
    assert_eq!(handler.completions.load(Ordering::SeqCst), 1, "completed exactly once");
    assert_eq!(done.attempts, 1);
}

#[tokio::test]
async fn a_job_of_a_server_that_died_runs_again_once_its_lease_runs_out() {
    let scratch = scratch_database().await;
    let handler = cut_off();
    let id = jobs::enqueue(&scratch.db, NewJob::new(KIND, serde_json::json!({}))).await.expect("enqueued");
    let lease = Duration::from_millis(600);
    let dying =
        tokio::spawn(runner(&scratch.db, handler.clone(), quick(lease)).run(CancellationToken::new()));
    handler.started.notified().await;
    // Killed: no hand-back, the row still says running under the dead runner's lease.
    dying.abort();
    let _ = dying.await;
    let orphan = jobs::find(&scratch.db, None, id).await.expect("read").expect("job");
    assert_eq!(orphan.status, JobStatus::Running);

    let stop = CancellationToken::new();
    let next = tokio::spawn(runner(&scratch.db, handler.clone(), quick(lease)).run(stop.clone()));
    let done = wait_for(&scratch.db, id, JobStatus::Succeeded).await;
    tokio::time::sleep(Duration::from_millis(200)).await;
    stop.cancel();
    next.await.expect("the runner stops");
    assert_eq!(handler.completions.load(Ordering::SeqCst), 1, "completed exactly once");
    assert_eq!(done.attempts, 2, "the cut-off run counted");
}

/// Reports progress, then waits to be cancelled.
struct Patient {
    started: tokio::sync::Notify,
    saw_cancel: AtomicUsize,
}

#[async_trait::async_trait]
impl JobHandler for Patient {
    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        ctx.progress(1, 4, Some("page 1 of 4".into())).await?;
        self.started.notify_one();
        ctx.cancelled().await;
        self.saw_cancel.fetch_add(1, Ordering::SeqCst);
        Ok(())
    }
}

#[tokio::test]
async fn cancelled_jobs_stop_and_progress_is_stored_and_published() {
    let scratch = scratch_database().await;
    let org = Uuid::now_v7();
    let later = chrono::Utc::now() + chrono::Duration::hours(1);
    let mut queued = NewJob::new(KIND, serde_json::json!({})).for_organization(org);
    queued.run_after = Some(later);
    let queued = jobs::enqueue(&scratch.db, queued).await.expect("enqueued");
    // Another organization cannot see or cancel it.
    assert!(jobs::find(&scratch.db, Some(Uuid::now_v7()), queued).await.expect("read").is_none());
    assert!(!jobs::cancel(&scratch.db, Some(Uuid::now_v7()), queued).await.expect("cancel"));
    assert!(jobs::cancel(&scratch.db, Some(org), queued).await.expect("cancel"));
    assert_eq!(
        jobs::find(&scratch.db, Some(org), queued).await.expect("read").expect("job").status,
        JobStatus::Cancelled
    );

    let handler = Arc::new(Patient { started: tokio::sync::Notify::new(), saw_cancel: AtomicUsize::new(0) });
    let events = EventBus::default();
    let mut progress = events.subscribe("test");
    let running = jobs::enqueue(&scratch.db, NewJob::new(KIND, serde_json::json!({})).for_organization(org))
        .await
        .expect("enqueued");
    let stop = CancellationToken::new();
    let policy = quick(Duration::from_millis(300));
    let registry = Registry::default().with(KIND, handler.clone());
    let task = tokio::spawn(
        Runner::new(scratch.db.clone(), registry, events, Wakeup::default(), policy).run(stop.clone()),
    );
    handler.started.notified().await;
    let event =
        tokio::time::timeout(Duration::from_secs(5), progress.recv()).await.expect("in time").expect("event");
    match event.as_ref() {
        DomainEvent::JobProgress { job_id, progress, organization_id, .. } => {
            assert_eq!(*job_id, running);
            assert_eq!(organization_id.map(|o| o.0), Some(org));
            assert_eq!(
                (progress.done, progress.total, progress.note.as_deref()),
                (1, 4, Some("page 1 of 4"))
            );
        }
        other => panic!("expected job progress, got {other:?}"),
    }
    let stored = jobs::find(&scratch.db, Some(org), running).await.expect("read").expect("job");
    assert!(stored.progress.expect("progress").contains("page 1 of 4"));

    assert!(jobs::cancel(&scratch.db, Some(org), running).await.expect("cancel"));
    // The runner notices at its next lease renewal and tells the handler.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    while handler.saw_cancel.load(Ordering::SeqCst) == 0 {
        assert!(tokio::time::Instant::now() < deadline, "the handler was never told");
        tokio::time::sleep(Duration::from_millis(20)).await;
    }
    tokio::time::sleep(Duration::from_millis(100)).await;
    stop.cancel();
    task.await.expect("the runner stops");
    let after = jobs::find(&scratch.db, Some(org), running).await.expect("read").expect("job");
    assert_eq!(after.status, JobStatus::Cancelled, "a cancelled job is not marked done");
    let never = jobs::find(&scratch.db, Some(org), queued).await.expect("read").expect("job");
    assert_eq!(never.attempts, 0, "a job cancelled while queued never ran");
}
