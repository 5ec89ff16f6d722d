//! Group commit for the hot write path (see [`Writer`]).

use futures::future::BoxFuture;
use sea_orm::{DatabaseConnection, DatabaseTransaction, DbErr};

use super::begin_write;

/// A write job for [`Writer`]: runs its statements on the transaction it is given, and may run
/// again on a fresh one (see [`Writer::write`]), so it must not keep state between runs.
pub trait WriteJob<T>:
    for<'a> Fn(&'a DatabaseTransaction) -> BoxFuture<'a, crate::error::Result<T>> + Send + Sync + 'static
{
}
impl<T, F> WriteJob<T> for F where
    F: for<'a> Fn(&'a DatabaseTransaction) -> BoxFuture<'a, crate::error::Result<T>> + Send + Sync + 'static
{
}

/// The hot write path's group commit. SQLite has one writer, and each transaction pays for its
/// `BEGIN`, its `COMMIT` and the hand-over of the writer turn (each a round trip to SQLite's
/// thread and a task wake-up) besides its own statements: at 10,000 chatting visitors (BENCHMARKS.md)
/// the turn was busy 90 % of the time and round trips queued for hundreds of milliseconds. The
/// jobs given to one [`Writer`] run one after another, and every job that arrives while a batch
/// runs joins the next one: one transaction, one commit, for all of them. A job that fails rolls
/// its batch back, and every job of that batch then runs again in a transaction of its own, so
/// one job's failure never undoes or fails another's. Each caller gets its answer only after
/// the commit that made its writes durable.
///
/// On PostgreSQL, which has concurrent writers, each job runs in its own transaction at once.
#[derive(Clone)]
pub struct Writer {
    db: DatabaseConnection,
    batches: Option<tokio::sync::mpsc::Sender<Box<dyn Pending>>>,
}

/// Jobs at most in one transaction (a burst beyond it is the next batch).
const MAX_BATCH: usize = 64;

impl Writer {
    /// Starts the writer's task on SQLite (call from within the runtime).
    pub fn new(db: DatabaseConnection) -> Self {
        let batches = (db.get_database_backend() == sea_orm::DbBackend::Sqlite).then(|| {
            let (tx, rx) = tokio::sync::mpsc::channel(MAX_BATCH * 16);
            tokio::spawn(run_batches(db.clone(), rx));
            tx
        });
        Self { db, batches }
    }

    /// Runs `job` in a write transaction and returns its result once that transaction has
    /// committed. An `Err` from the job rolls its writes back.
    pub async fn write<T: Send + 'static>(&self, job: impl WriteJob<T>) -> crate::error::Result<T> {
        let Some(batches) = &self.batches else {
            return run_alone(&self.db, &job).await;
        };
        let (reply, answer) = tokio::sync::oneshot::channel();
        let pending: Box<dyn Pending> = Box::new(Queued { job, output: None, reply: Some(reply) });
        let stopped = || {
            crate::error::Error::from(anyhow::anyhow!(
                "the database writer stopped before the write completed"
            ))
        };
        batches.send(pending).await.map_err(|_| stopped())?;
        answer.await.map_err(|_| stopped())?
    }
}

/// One job in one transaction of its own.
async fn run_alone<T>(db: &DatabaseConnection, job: &impl WriteJob<T>) -> crate::error::Result<T> {
    let txn = begin_write(db).await?;
    let output = job(&txn).await?;
    txn.commit().await?;
    Ok(output)
}

/// A queued job with its caller's reply, its output type erased so one batch holds any jobs.
trait Pending: Send {
    /// Runs the job on `txn`, keeping its output; false when it failed.
    fn run<'a>(&'a mut self, txn: &'a DatabaseTransaction) -> BoxFuture<'a, bool>;
    /// Runs the job in a transaction of its own, keeping its output.
    fn run_alone<'a>(&'a mut self, db: &'a DatabaseConnection) -> BoxFuture<'a, ()>;
    /// Answers the caller: with the kept output, or with `failure` (the batch did not commit).
    fn settle(&mut self, failure: Option<&sea_orm::DbErr>);
}

struct Queued<F, T> {
    job: F,
    output: Option<crate::error::Result<T>>,
    reply: Option<tokio::sync::oneshot::Sender<crate::error::Result<T>>>,
}

impl<T: Send + 'static, F: WriteJob<T>> Pending for Queued<F, T> {
    fn run<'a>(&'a mut self, txn: &'a DatabaseTransaction) -> BoxFuture<'a, bool> {
        Box::pin(async move {
            let output = (self.job)(txn).await;
            let ok = output.is_ok();
            self.output = Some(output);
            ok
        })
    }

    fn run_alone<'a>(&'a mut self, db: &'a DatabaseConnection) -> BoxFuture<'a, ()> {
        Box::pin(async move { self.output = Some(run_alone(db, &self.job).await) })
    }

    fn settle(&mut self, failure: Option<&sea_orm::DbErr>) {
        let answer = match failure {
            Some(err) => Err(DbErr::Custom(format!("the write was not committed: {err}")).into()),
            None => self
                .output
                .take()
                .unwrap_or_else(|| Err(DbErr::Custom("the write did not run".into()).into())),
        };
        if let Some(reply) = self.reply.take() {
            // A caller that stopped waiting still had its write committed.
            let _ = reply.send(answer);
        }
    }
}

/// The writer's task: takes every job waiting, runs them as one batch, repeats.
async fn run_batches(db: DatabaseConnection, mut queue: tokio::sync::mpsc::Receiver<Box<dyn Pending>>) {
    use futures::FutureExt;
    let mut batch = Vec::with_capacity(MAX_BATCH);
    while queue.recv_many(&mut batch, MAX_BATCH).await > 0 {
        let started = std::time::Instant::now();
        // A job that panics fails its batch's callers (their replies are dropped), not the writer.
        if std::panic::AssertUnwindSafe(run_batch(&db, &mut batch)).catch_unwind().await.is_err() {
            tracing::error!(jobs = batch.len(), "a write job panicked; its batch was not committed");
        }
        tracing::trace!(jobs = batch.len(), took_us = started.elapsed().as_micros() as u64, "write batch");
        batch.clear();
    }
}

async fn run_batch(db: &DatabaseConnection, batch: &mut [Box<dyn Pending>]) {
    if let [only] = batch {
        only.run_alone(db).await;
        return only.settle(None);
    }
    let txn = match begin_write(db).await {
        Ok(txn) => txn,
        Err(err) => return batch.iter_mut().for_each(|job| job.settle(Some(&err))),
    };
    let mut all_ok = true;
    for job in batch.iter_mut() {
        if !job.run(&txn).await {
            all_ok = false;
            break;
        }
    }
    if all_ok {
        let committed = txn.commit().await;
        return batch.iter_mut().for_each(|job| job.settle(committed.as_ref().err()));
    }
    // One job failed: undo the batch and give every job a transaction of its own.
    if let Err(err) = txn.rollback().await {
        tracing::warn!(error = %err, "rolling back a failed write batch");
    }
    for job in batch.iter_mut() {
        job.run_alone(db).await;
        job.settle(None);
    }
}

#[cfg(test)]
mod tests {
    use sea_orm::ConnectionTrait;

    use super::*;
    use crate::db::connect;

    async fn insert(txn: &DatabaseTransaction, v: &str) -> crate::error::Result<()> {
        txn.execute_raw(sea_orm::Statement::from_sql_and_values(
            sea_orm::DbBackend::Sqlite,
            "INSERT INTO t (v) VALUES (?)",
            [v.into()],
        ))
        .await?;
        Ok(())
    }

    async fn values(db: &DatabaseConnection) -> Vec<String> {
        let rows = db
            .query_all_raw(sea_orm::Statement::from_string(
                sea_orm::DbBackend::Sqlite,
                "SELECT v FROM t ORDER BY v",
            ))
            .await
            .expect("select");
        rows.iter().map(|r| r.try_get::<String>("", "v").expect("v")).collect()
    }

    /// A database of its own with one table `t` of unique values (keep the dir alive).
    async fn scratch_db() -> (tempfile::TempDir, DatabaseConnection) {
        let dir = tempfile::tempdir().expect("tempdir");
        let db =
            connect(&format!("sqlite://{}?mode=rwc", dir.path().join("w.db").display())).await.expect("db");
        db.execute_unprepared("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT NOT NULL UNIQUE)")
            .await
            .expect("t");
        (dir, db)
    }

    #[tokio::test]
    async fn a_failing_job_fails_alone_and_leaves_nothing_while_its_batch_commits() {
        let (_dir, db) = scratch_db().await;
        db.execute_unprepared("INSERT INTO t (v) VALUES ('taken')").await.expect("seed");
        let writer = Writer::new(db.clone());

        // Fifty jobs at once: all but the first queue while it runs, so they share batches.
        let jobs = (0..50).map(|n| {
            let writer = writer.clone();
            async move {
                writer
                    .write(move |txn| {
                        Box::pin(async move {
                            insert(txn, &format!("job-{n:02}")).await?;
                            if n == 25 {
                                // Its first write must be undone with it.
                                insert(txn, "taken").await?;
                            }
                            Ok(n)
                        })
                    })
                    .await
            }
        });
        let answers = futures::future::join_all(jobs).await;

        for (n, answer) in answers.iter().enumerate() {
            match answer {
                Ok(got) => assert_eq!(*got, n),
                Err(err) => assert!(n == 25 && matches!(err, crate::error::Error::Db(_)), "job {n}: {err}"),
            }
        }
        assert!(answers[25].is_err(), "the job that hit the unique key must fail");
        let stored = values(&db).await;
        let expected: Vec<String> =
            (0..50).filter(|n| *n != 25).map(|n| format!("job-{n:02}")).chain(["taken".to_owned()]).collect();
        assert_eq!(stored, expected, "every other job committed, nothing of the failed one");
    }

    #[tokio::test]
    async fn an_answer_comes_after_its_commit() {
        let (_dir, db) = scratch_db().await;
        let writer = Writer::new(db.clone());
        for n in 0..3 {
            writer
                .write(move |txn| {
                    Box::pin(insert(
                        txn,
                        if n == 0 {
                            "a"
                        } else if n == 1 {
                            "b"
                        } else {
                            "c"
                        },
                    ))
                })
                .await
                .expect("write");
            assert_eq!(
                values(&db).await.len(),
                n + 1,
                "another connection sees write {n} once it is answered"
            );
        }
    }
}
