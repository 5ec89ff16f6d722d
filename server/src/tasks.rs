//! Every piece of background work of a running server, started in one place (`startup`) and
//! stopped together, in order, on SIGTERM/SIGINT (or [`Tasks::stop`]):
//!
//! 1. the periodic loops and job runners stop (a running job is handed back to the queue);
//! 2. the event bus closes, and each listener finishes what was queued for it;
//! 3. the search writer commits its pending batch.
//!
//! What runs is added by each feature's `install` (`wiring`), listed in `startup::build`.

use std::{future::Future, time::Duration};

use tokio::task::JoinSet;
use tokio_util::sync::CancellationToken;

use crate::events::EventBus;

/// How long shutdown waits for each stage before it goes on without it.
const STAGE_TIMEOUT: Duration = Duration::from_secs(10);

pub struct Tasks {
    stop: CancellationToken,
    loops: JoinSet<()>,
    listeners: JoinSet<()>,
}

impl Tasks {
    pub fn new(stop: CancellationToken) -> Self {
        Self { stop, loops: JoinSet::new(), listeners: JoinSet::new() }
    }

    /// Work that runs until the stop (a sweep, a watcher, a job runner). `work` is given the
    /// stop signal's token only if it needs to finish something first (a job runner does);
    /// otherwise it is simply dropped at the stop.
    pub fn spawn_loop(&mut self, name: &'static str, work: impl Future<Output = ()> + Send + 'static) {
        let stop = self.stop.clone();
        self.loops.spawn(async move {
            tokio::select! {
                () = stop.cancelled() => tracing::debug!(task = name, "stopped"),
                () = work => tracing::debug!(task = name, "ended"),
            }
        });
    }

    /// A job runner or anything else that ends by itself once the stop token is cancelled.
    pub fn spawn_until_stopped(&mut self, work: impl Future<Output = ()> + Send + 'static) {
        self.loops.spawn(work);
    }

    /// An event listener: it runs until the event bus closes and its queue is drained.
    pub fn spawn_listener(&mut self, work: impl Future<Output = ()> + Send + 'static) {
        self.listeners.spawn(work);
    }

    pub fn stop_token(&self) -> CancellationToken {
        self.stop.clone()
    }

    /// Stops everything in order (see the module doc).
    /// `commit` is the search writer's final commit, run once the listeners are done.
    pub async fn shutdown(mut self, events: &EventBus, commit: impl Future<Output = ()>) {
        self.stop.cancel();
        if tokio::time::timeout(STAGE_TIMEOUT, drain(&mut self.loops)).await.is_err() {
            tracing::warn!("background loops did not stop in time");
            self.loops.abort_all();
        }
        events.close();
        if tokio::time::timeout(STAGE_TIMEOUT, drain(&mut self.listeners)).await.is_err() {
            tracing::warn!("event listeners did not finish their queues in time");
            self.listeners.abort_all();
        }
        if tokio::time::timeout(STAGE_TIMEOUT, commit).await.is_err() {
            tracing::warn!("the search index did not commit in time");
        }
        tracing::info!("background work stopped");
    }
}

async fn drain(set: &mut JoinSet<()>) {
    while let Some(done) = set.join_next().await {
        if let Err(err) = done
            && err.is_panic()
        {
            tracing::error!(error = %err, "a background task panicked");
        }
    }
}
