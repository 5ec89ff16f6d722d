//! How a feature plugs into the running server. `startup` builds the [`Handles`] — the shared
//! parts that belong to no feature — and calls each feature's `install(&mut Wiring, …)`, which
//! adds the feature's REST routes, job kinds, event listeners and periodic loops. A new
//! feature therefore adds one `install` line to `startup` instead of editing the router, the
//! job registry and the background list (ARCHITECTURE.md, "Where to add a feature").
//!
//! This module imports no feature, so every feature may import it.

use std::{future::Future, sync::Arc};

use sea_orm::DatabaseConnection;
use tokio::sync::mpsc;
use utoipa_axum::router::OpenApiRouter;

use crate::{
    config::Config,
    events::{DomainEvent, EventBus},
    http::Authenticator,
    jobs::{self, JobHandler},
    realtime::Hub,
    secrets::SecretBox,
    shared::PublicUrl,
    storage::FileStore,
    tasks::Tasks,
};

/// The shared parts any feature may be given. Cheap to clone: every field is a handle.
#[derive(Clone)]
pub struct Handles {
    pub config: Arc<Config>,
    pub db: DatabaseConnection,
    /// Committed domain events, for listeners.
    pub events: EventBus,
    /// Realtime topics (dashboard and widget sockets).
    pub hub: Hub,
    /// Stored files (logos, knowledge uploads).
    pub files: FileStore,
    /// Seals integration credentials.
    pub secrets: SecretBox,
    /// The one authenticator, behind the edges' port.
    pub auth: Authenticator,
    /// Where links and embed snippets point.
    pub public_url: PublicUrl,
    /// Wakes job runners after an enqueue.
    pub wakeup: jobs::Wakeup,
}

/// What features add while the server is built; `startup` turns it into the router and the
/// job runners once every feature is installed.
pub struct Wiring<'a> {
    handles: &'a Handles,
    tasks: &'a mut Tasks,
    api: OpenApiRouter,
    uploads: OpenApiRouter,
    jobs: jobs::Registry,
}

/// What the installed features added: REST routes (under the common body limit), upload
/// routes (each with its own limit) and the job handlers.
pub struct Wired {
    pub api: OpenApiRouter,
    pub uploads: OpenApiRouter,
    pub jobs: jobs::Registry,
}

impl<'a> Wiring<'a> {
    pub fn new(handles: &'a Handles, tasks: &'a mut Tasks) -> Self {
        Self {
            handles,
            tasks,
            api: OpenApiRouter::default(),
            uploads: OpenApiRouter::default(),
            jobs: jobs::Registry::default(),
        }
    }

    pub fn handles(&self) -> &'a Handles {
        self.handles
    }

    /// REST routes; each handler's `#[utoipa::path]` puts it in the OpenAPI document.
    pub fn routes(&mut self, router: OpenApiRouter) {
        self.api = std::mem::take(&mut self.api).merge(router);
    }

    /// Routes that take large bodies: they are outside the common body limit and must set
    /// their own (`DefaultBodyLimit`).
    pub fn upload_routes(&mut self, router: OpenApiRouter) {
        self.uploads = std::mem::take(&mut self.uploads).merge(router);
    }

    /// The handler of one job kind (`jobs::enqueue` with that kind).
    pub fn job(&mut self, kind: &'static str, handler: Arc<dyn JobHandler>) {
        self.jobs = std::mem::take(&mut self.jobs).with(kind, handler);
    }

    /// An event listener: `listen` gets its own queue of committed domain events and runs
    /// until the bus closes at shutdown, finishing what was queued.
    pub fn listener<F>(
        &mut self,
        name: &'static str,
        listen: impl FnOnce(mpsc::Receiver<Arc<DomainEvent>>) -> F,
    ) where
        F: Future<Output = ()> + Send + 'static,
    {
        let queue = self.handles.events.subscribe(name);
        self.tasks.spawn_listener(listen(queue));
    }

    /// Work that runs until the stop: a periodic sweep, a watcher, a one-off at start.
    pub fn background(&mut self, name: &'static str, work: impl Future<Output = ()> + Send + 'static) {
        self.tasks.spawn_loop(name, work);
    }

    pub fn finish(self) -> Wired {
        Wired { api: self.api, uploads: self.uploads, jobs: self.jobs }
    }
}
