//! Connecting to the database (SQLite in WAL mode by default, or PostgreSQL) and migrating it.

use std::time::Duration;

use anyhow::Context;
use migrations::{Migrator, MigratorTrait};
use sea_orm::{
    ConnectOptions, Database, DatabaseConnection, DatabaseTransaction, DbErr, SqliteTransactionMode,
    TransactionOptions, TransactionTrait,
    sqlx::sqlite::{SqliteJournalMode, SqliteSynchronous},
};

pub async fn connect(url: &str) -> anyhow::Result<DatabaseConnection> {
    let mut options = ConnectOptions::new(url.to_owned());
    options
        .max_connections(if url.starts_with("sqlite") { 8 } else { 20 })
        .connect_timeout(Duration::from_secs(10))
        .sqlx_logging(false)
        // WAL lets readers (dashboard) run beside the writer (chat); NORMAL sync is safe with
        // WAL. Set on every pooled connection, not once.
        .map_sqlx_sqlite_opts(|opts| {
            opts.journal_mode(SqliteJournalMode::Wal)
                .synchronous(SqliteSynchronous::Normal)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(5))
        });
    let db = Database::connect(options).await.with_context(|| format!("connecting to {}", redact(url)))?;
    Migrator::up(&db, None).await.context("applying migrations")?;
    Ok(db)
}

/// Hides a password in a database URL before it is logged.
pub fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => format!("{}://…@{}", &url[..scheme], &url[at + 1..]),
        _ => url.to_owned(),
    }
}

/// Starts a transaction that will write. On SQLite it takes the write lock up front
/// (`BEGIN IMMEDIATE`), so concurrent writers wait their turn (busy timeout) instead of failing
/// when a read lock cannot be upgraded; PostgreSQL ignores the mode.
pub async fn begin_write(db: &DatabaseConnection) -> Result<DatabaseTransaction, DbErr> {
    db.begin_with_options(TransactionOptions {
        sqlite_transaction_mode: Some(SqliteTransactionMode::Immediate),
        ..TransactionOptions::default()
    })
    .await
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
