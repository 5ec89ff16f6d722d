//! Connecting to the database (SQLite in WAL mode by default, or PostgreSQL) and migrating it.

use std::time::Duration;

use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

mod writer;
pub use writer::{WriteJob, Writer};

pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(if url.starts_with("sqlite") { 8 } else { 20 })
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // WAL lets readers (dashboard) run beside the writer (chat); NORMAL sync is safe with
        // WAL. Set on every pooled connection, not once. No commit checkpoints the WAL itself
        // (the commit that crossed 1,000 pages used to copy them while every other writer
        // waited): `checkpoints` does it beside the writers.
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
                .pragma("wal_autocheckpoint", "0")
        });
    let db = Database::connect(options).await.with_context(|| format!("connecting to {}", redact(url)))?;
    Migrator::up(&db, None).await.context("applying migrations")?;
    Ok(db)
}

/// How often the SQLite WAL is checkpointed.
const CHECKPOINT_EVERY: Duration = Duration::from_secs(1);

/// Checkpoints the SQLite WAL every second until the process ends, so the WAL stays about one
/// second long. A PASSIVE checkpoint copies what it can without blocking writers or readers,
/// but under a steady stream of commits it never reaches the WAL's end (new frames arrive
/// while it copies), and the WAL is only started over after a checkpoint that did: measured,
/// it grew to 1.4 GB in two minutes at 10,000 chatting visitors. So each round copies the bulk
/// beside the writers, then takes the writer turn for a second pass over the few frames
/// committed meanwhile; the next commit then starts the WAL over. Nothing to do on PostgreSQL.
pub async fn checkpoints(db: DatabaseConnection) {
    if db.get_database_backend() != sea_orm::DbBackend::Sqlite {
        return;
    }
    let mut tick = tokio::time::interval(CHECKPOINT_EVERY);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = checkpoint(&db).await {
            tracing::warn!(error = %err, "checkpointing the SQLite WAL failed");
        }
    }
}

async fn checkpoint(db: &DatabaseConnection) -> Result<(), DbErr> {
    use sea_orm::ConnectionTrait;
    db.execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)").await?;
    let _turn = SQLITE_WRITERS.lock().await;
    db.execute_unprepared("PRAGMA wal_checkpoint(PASSIVE)").await?;
    Ok(())
}

/// Hides a password in a database URL before it is logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

/// SQLite has one writer. A writer that finds it busy sleeps in SQLite's busy handler, in
/// steps of 1, 2, 5 … 100 ms, which under load shows as tail latency (BENCHMARKS.md). This
/// process's writers queue here instead, first come first served, each taking SQLite's lock
/// when its turn comes; the busy handler is left for other processes and the few writes that
/// are not transactions.
static SQLITE_WRITERS: tokio::sync::Mutex<()> = tokio::sync::Mutex::const_new(());

/// A write transaction (and, on SQLite, this process's writer turn until it ends).
pub struct WriteTxn {
    txn: DatabaseTransaction,
    _turn: Option<tokio::sync::MutexGuard<'static, ()>>,
}

impl std::ops::Deref for WriteTxn {
    type Target = DatabaseTransaction;
    fn deref(&self) -> &DatabaseTransaction {
        &self.txn
    }
}

impl WriteTxn {
    pub async fn commit(self) -> Result<(), DbErr> {
        self.txn.commit().await
    }

    pub async fn rollback(self) -> Result<(), DbErr> {
        self.txn.rollback().await
    }
}

/// Queries run on the transaction, so `&txn` goes wherever a connection does.
#[async_trait::async_trait]
impl sea_orm::ConnectionTrait for WriteTxn {
    fn get_database_backend(&self) -> sea_orm::DbBackend {
        self.txn.get_database_backend()
    }
    async fn execute_raw(&self, stmt: sea_orm::Statement) -> Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_raw(stmt).await
    }
    async fn execute_unprepared(&self, sql: &str) -> Result<sea_orm::ExecResult, DbErr> {
        self.txn.execute_unprepared(sql).await
    }
    async fn query_one_raw(&self, stmt: sea_orm::Statement) -> Result<Option<sea_orm::QueryResult>, DbErr> {
        self.txn.query_one_raw(stmt).await
    }
    async fn query_all_raw(&self, stmt: sea_orm::Statement) -> Result<Vec<sea_orm::QueryResult>, DbErr> {
        self.txn.query_all_raw(stmt).await
    }
    fn support_returning(&self) -> bool {
        self.txn.support_returning()
    }
}

/// Starts a transaction that will write. On SQLite it waits for this process's writer turn and
/// takes the write lock up front (`BEGIN IMMEDIATE`), so concurrent writers never fail to
/// upgrade a read lock; PostgreSQL ignores the mode and needs no turn. Do not start another
/// write transaction while holding one.
pub async fn begin_write(db: &DatabaseConnection) -> Result<WriteTxn, DbErr> {
    let turn = match db.get_database_backend() {
        sea_orm::DbBackend::Sqlite => Some(SQLITE_WRITERS.lock().await),
        _ => None,
    };
    let txn = db
        .begin_with_options(TransactionOptions {
            sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
            ..TransactionOptions::default()
        })
        .await?;
    Ok(WriteTxn { txn, _turn: turn })
}

/// A LIKE pattern matching text that contains `q`, lower-cased (compare against lower-cased
/// columns: case-insensitive on both databases). Searches are at most 100 characters.
pub fn contains_pattern(q: &str) -> Result<String, app::ApiError> {
    if q.chars().count() > 100 {
        return Err(app::ApiError::validation("q", "A search can be at most 100 characters long."));
    }
    Ok(format!("%{}%", q.to_lowercase().replace('%', "\\%").replace('_', "\\_")))
}

#[cfg(test)]
mod tests {
    use super::redact;

    #[test]
    fn a_password_in_a_database_url_is_never_logged() {
        assert_eq!(redact("postgres://u:secret@localhost/db"), "postgres://…@localhost/db");
        assert_eq!(redact("sqlite://data/x.db?mode=rwc"), "sqlite://data/x.db?mode=rwc");
    }
}
