//! The one writer task of a tantivy index: operations arrive on a channel, are gathered for
//! up to [`BATCH_WINDOW`] (or [`BATCH_MAX`]), applied on a blocking thread, committed once and
//! made searchable by reloading the reader; then whoever asked for a flush is answered. The
//! message index and the knowledge index each run one.

use std::time::Duration;

use tantivy::{IndexReader, IndexWriter};
use tokio::sync::{mpsc, oneshot};

/// How long the writer gathers operations before one commit.
pub const BATCH_WINDOW: Duration = Duration::from_millis(200);
pub const BATCH_MAX: usize = 5_000;

/// An operation on one index.
pub trait WriteOp: Send + 'static {
    /// What applying needs besides the writer (the schema's fields).
    type Fields: Copy + Send + 'static;
    /// Applies itself. A flush does nothing but hand back who waits for the commit.
    fn apply(self, writer: &mut IndexWriter, fields: Self::Fields) -> Option<oneshot::Sender<()>>;
    fn is_flush(&self) -> bool;
}

/// Starts the writer task; it ends when every sender is gone.
pub fn spawn<Op: WriteOp>(
    name: &'static str,
    writer: IndexWriter,
    reader: IndexReader,
    fields: Op::Fields,
    rx: mpsc::Receiver<Op>,
) {
    tokio::spawn(run(name, writer, reader, fields, rx));
}

async fn run<Op: WriteOp>(
    name: &'static str,
    mut writer: IndexWriter,
    reader: IndexReader,
    fields: Op::Fields,
    mut rx: mpsc::Receiver<Op>,
) {
    while let Some(first) = rx.recv().await {
        let mut batch = vec![first];
        let deadline = tokio::time::Instant::now() + BATCH_WINDOW;
        while batch.len() < BATCH_MAX {
            if batch.last().is_some_and(WriteOp::is_flush) {
                break;
            }
            match tokio::time::timeout_at(deadline, rx.recv()).await {
                Ok(Some(op)) => batch.push(op),
                Ok(None) | Err(_) => break,
            }
        }
        let reader = reader.clone();
        let applied = tokio::task::spawn_blocking(move || {
            let waiting: Vec<_> = batch.into_iter().filter_map(|op| op.apply(&mut writer, fields)).collect();
            if let Err(err) = writer.commit() {
                tracing::error!(index = name, error = %err, "committing an index failed");
            }
            if let Err(err) = reader.reload() {
                tracing::error!(index = name, error = %err, "reloading an index reader failed");
            }
            for done in waiting {
                let _ = done.send(());
            }
            writer
        })
        .await;
        match applied {
            Ok(w) => writer = w,
            Err(err) => {
                tracing::error!(index = name, error = %err, "an index writer task failed");
                return;
            }
        }
    }
}
