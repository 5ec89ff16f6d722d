//! The one way in: `Application::build(config)` wires storage, services, listeners and routes;
//! `main` and every integration test call it.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use app::ApiError;
use axum::{Router, extract::Request, middleware, response::IntoResponse};
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use tokio::net::TcpListener;
use tower_http::{limit::RequestBodyLimitLayer, trace::TraceLayer};
use utoipa::OpenApi;
use utoipa_axum::router::OpenApiRouter;

use crate::{
    accounts::{self, AccountService},
    api_keys, audit, billing, bots,
    config::Config,
    conversations::{self, ConversationService},
    dashboard, db, demo,
    error::ApiResponse,
    events::EventBus,
    http::{self, Authenticator, assets, client, guard, headers, health::HealthState, origin},
    integrations, jobs, mail,
    mail::Mailer,
    openapi, organizations, platform, realtime,
    realtime::{Hub, routes::RealtimeRoutes},
    replies,
    search::{self, ConversationSearch, MessageSearch},
    shared::PublicUrl,
    tasks::Tasks,
    widget,
    wiring::{Handles, Wired, Wiring},
};
use tokio_util::sync::CancellationToken;

pub use crate::state::AppState;

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
    tasks: Tasks,
}

/// Largest request body any route accepts (uploads will get their own limit).
const MAX_BODY_BYTES: usize = 1024 * 1024;

impl Application {
    pub async fn build(config: Config) -> anyhow::Result<Self> {
        std::fs::create_dir_all(&config.data_dir)
            .with_context(|| format!("creating the data dir {}", config.data_dir.display()))?;
        let db = db::connect(&config.database_url()).await?;
        let empty = demo::is_empty(&db).await?;
        if config.demo || (empty && !config.no_demo) {
            demo::load(&db).await.context("loading demo data")?;
        }

        let listener =
            TcpListener::bind(config.bind).await.with_context(|| format!("binding {}", config.bind))?;
        let public_url = match &config.public_url {
            Some(url) => url.clone(),
            None => format!("http://{}", listener.local_addr()?),
        };
        let wakeup = jobs::Wakeup::default();
        let mailer =
            Mailer::new(db.clone(), config.outbox_dir(), &config.mail_from, config.smtp_url.as_deref())?
                .with_wakeup(wakeup.clone());

        let secret = accounts::tokens::load_or_create_secret(config.secret.as_deref(), &config.data_dir)?;
        let secrets =
            crate::secrets::SecretBox::load_or_create(config.encryption_key.as_deref(), &config.data_dir)?;

        let google = accounts::google::GoogleSignIn::from_config(&config, &public_url, &secret)?;
        let search = MessageSearch::open(&config.index_dir())?;
        let conversation_search = ConversationSearch::open(&config.index_dir())?;
        let quota = crate::conversations::limits::VisitorQuota {
            messages_per_minute: config.visitor_messages_per_minute,
            messages_per_hour: config.visitor_messages_per_hour,
            conversations_per_hour: config.visitor_conversations_per_hour,
        };
        let events = EventBus::default();
        let conversations = ConversationService::new(db.clone(), events.clone(), quota);
        let accounts = AccountService::new(
            db.clone(),
            mailer.clone(),
            &public_url,
            &secret,
            secrets.clone(),
            &config.platform_admins,
        )
        .with_google(google);
        let files = crate::storage::FileStore::new(&config.data_dir);
        let handles = Handles {
            config: Arc::new(config),
            db,
            events,
            hub: Hub::default(),
            files,
            secrets,
            auth: Authenticator(Arc::new(accounts.clone())),
            public_url: PublicUrl(public_url.as_str().into()),
            wakeup,
        };
        let knowledge = knowledge_service(
            &handles.config,
            &handles.db,
            &handles.files,
            &handles.events,
            &handles.wakeup,
        )?;
        let answers = crate::answers::Answerer::new(
            handles.db.clone(),
            knowledge.clone(),
            conversations.clone(),
            crate::answers::Models::from_config(&handles.config, handles.secrets.clone()),
            crate::answers::gate::AnswerGate::new(crate::answers::gate::Limits {
                at_once: handles.config.answers_at_once,
                busy_queue: handles.config.answer_queue_busy,
                busy_wait: std::time::Duration::from_millis(handles.config.answer_wait_busy_ms),
                max_queue: handles.config.answer_queue_max,
            }),
        );
        let state = AppState {
            handles,
            accounts,
            search,
            conversation_search,
            answers,
            conversations,
            knowledge,
            connections: widget::Connections::default(),
        };

        let mut tasks = Tasks::new(CancellationToken::new());
        // The indexes (and the vectors in memory) are whole before any job or loop runs.
        rebuild_index_if_behind(&state).await?;
        crate::knowledge::ingest::rebuild_if_behind(&state.knowledge).await?;
        let wired = install_features(&mut tasks, &state, &mailer);

        let router = routes(&state, wired);
        Ok(Self { listener, router, state, tasks })
    }

    pub fn address(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| self.state.handles.config.bind)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Stops the server as SIGTERM does (tests and tools that run it in-process).
    pub fn stop_token(&self) -> CancellationToken {
        self.tasks.stop_token()
    }

    /// Serves until SIGINT/SIGTERM (or the stop token), then finishes in-flight requests and
    /// stops the background work in order (`tasks`).
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(address = %self.address(), "serving");
        let Self { listener, router, state, tasks } = self;
        let stop = tasks.stop_token();
        use axum::serve::ListenerExt;
        // Small frames (a streamed token, a typing indicator) go out at once, not after
        // Nagle's wait for the previous one's ACK (40 ms measured: BENCHMARKS.md).
        let listener = listener.tap_io(|tcp| {
            if let Err(err) = tcp.set_nodelay(true) {
                tracing::debug!(error = %err, "TCP_NODELAY");
            }
        });
        let served = axum::serve(listener, router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(async move {
                tokio::select! {
                    () = shutdown_signal() => {}
                    () = stop.cancelled() => tracing::info!("stopping"),
                }
            })
            .await;
        let flushed = async {
            state.search.flush().await;
            state.conversation_search.flush().await;
        };
        tasks.shutdown(&state.handles.events, flushed).await;
        served
    }
}

/// The one list of features. Each `install` adds the feature's routes, job kinds, listeners
/// and periodic loops (`wiring`); what runs in the background is what these add, plus the
/// realtime relay, the SQLite checkpoints and the job runners below.
fn install_features(tasks: &mut Tasks, state: &AppState, mailer: &Mailer) -> Wired {
    let AppState {
        handles,
        accounts,
        search,
        conversation_search,
        conversations,
        knowledge,
        answers,
        connections,
    } = state;
    let mut w = Wiring::new(handles, tasks);
    accounts::install(&mut w, accounts);
    organizations::install(&mut w);
    billing::install(&mut w);
    bots::install(&mut w);
    crate::knowledge::install(&mut w, knowledge);
    conversations::install(&mut w, conversations);
    crate::answers::install(&mut w, answers);
    crate::evaluation::install(
        &mut w,
        &crate::evaluation::Evaluations::new(handles.db.clone(), answers.clone(), handles.wakeup.clone()),
    );
    replies::install(&mut w, conversations, answers);
    search::install(&mut w, search, conversation_search, conversations);
    widget::install(&mut w, conversations, connections, answers.gate());
    audit::install(&mut w);
    mail::install(&mut w, mailer);
    api_keys::install(&mut w);
    integrations::install(&mut w);
    platform::install(&mut w, accounts);
    // Below `wiring` (every feature may use the hub), so wired here rather than by `install`.
    let hub = handles.hub.clone();
    w.listener("realtime", move |events| realtime::listen(hub, events));
    let wired = w.finish();

    tasks.spawn_loop("sqlite checkpoints", db::checkpoints(handles.db.clone()));
    // Persistent jobs: two runners, so one long job does not hold up the rest.
    let policy = jobs::runner::RunnerPolicy {
        lease: Duration::from_secs(handles.config.job_lease_secs.max(1)),
        ..jobs::runner::RunnerPolicy::default()
    };
    for _ in 0..JOB_RUNNERS {
        let runner = jobs::runner::Runner::new(
            handles.db.clone(),
            wired.jobs.clone(),
            handles.events.clone(),
            handles.wakeup.clone(),
            policy.clone(),
        );
        tasks.spawn_until_stopped(runner.run(tasks.stop_token()));
    }
    wired
}

/// Job runners per process.
const JOB_RUNNERS: usize = 2;

fn routes(state: &AppState, wired: Wired) -> Router {
    let h = &state.handles;
    let site_root = h.config.site_dir.to_string_lossy().to_string();
    let bundles = crate::http::assets::bundles(&h.config.site_dir);
    let leptos_options = LeptosOptions::builder()
        .output_name(bundles.script(app::Area::Main))
        .site_root(site_root)
        .site_pkg_dir("pkg")
        .build();
    let ports = dashboard::ports(
        h,
        &state.accounts,
        &state.conversations,
        &state.search,
        &state.conversation_search,
        &state.knowledge,
        &state.answers,
    );
    let context = move || provide_context(ports.clone());
    let shell = {
        let options = leptos_options.clone();
        move || app::shell(options.clone(), bundles.clone())
    };
    // Unknown pages render the app (its 404 page); unknown API paths get an ApiError.
    let not_found_page = leptos_axum::render_app_to_stream_with_context(context.clone(), shell.clone());
    let fallback = move |request: Request| {
        let render = not_found_page.clone();
        async move {
            if request.uri().path().starts_with("/api/") {
                ApiResponse(ApiError::not_found("page")).into_response()
            } else {
                render(request).await.into_response()
            }
        }
    };
    let pages = Router::new()
        .leptos_routes_with_context(&leptos_options, generate_route_list(app::App), context, shell)
        .fallback(fallback)
        .layer(middleware::from_fn(server_fn_error_status))
        .layer(middleware::from_fn_with_state(h.auth.clone(), guard::require_session_for_pages))
        // Pages and server-function answers are made per request: compressed on the way out
        // (brotli or gzip, as the browser accepts; static assets are precompressed instead).
        .layer(tower_http::compression::CompressionLayer::new())
        .with_state(leptos_options);

    // Every feature's REST routes; each handler's `#[utoipa::path]` puts it in the document.
    let health = http::health::router(HealthState {
        db: h.db.clone(),
        indexed: Arc::new({
            let search = state.search.clone();
            move || search.num_docs()
        }),
        retrieval: crate::embeddings::retrieval_mode(state.knowledge.embedder()),
    });
    let (api, mut document) = OpenApiRouter::with_openapi(openapi::ApiDoc::openapi())
        .merge(health)
        .merge(wired.api)
        .split_for_parts();
    let (uploads, upload_document) = wired.uploads.split_for_parts();
    document.merge(upload_document);

    let api = api
        .merge(realtime::routes::router(RealtimeRoutes {
            hub: h.hub.clone(),
            auth: h.auth.clone(),
            db: h.db.clone(),
            presence: realtime::presence::Presence::with(state.conversations.at_work()),
        }))
        .merge(openapi::router(document))
        .merge(assets::router(&h.config.site_dir))
        .merge(h.files.public_router());

    let own_origin = origin::OwnOrigin::of_url(h.public_url.as_str());
    let proxies = client::TrustedProxies(Arc::new(h.config.trusted_proxies.clone()));
    pages
        .merge(api)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .merge(uploads)
        .layer(middleware::from_fn_with_state(own_origin, origin::require_same_origin))
        .layer(middleware::from_fn_with_state(proxies, client::client_address))
        .layer(middleware::from_fn(headers::security_headers))
        .layer(TraceLayer::new_for_http())
}

/// Server functions (registered by `leptos_routes_with_context`) answer every error with 500;
/// an `ApiError` body gets the status it maps to (400 for unreadable arguments, 401, 403, 404,
/// 422 …), as REST routes do.
async fn server_fn_error_status(request: Request, next: middleware::Next) -> axum::response::Response {
    let is_server_fn = request.uri().path().starts_with("/api/fn/");
    let response = next.run(request).await;
    if !is_server_fn || response.status() != axum::http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, 64 * 1024).await else {
        return axum::response::Response::from_parts(parts, axum::body::Body::empty());
    };
    if let Ok(error) = serde_json::from_slice::<ApiError>(&bytes)
        && let Ok(status) = axum::http::StatusCode::from_u16(error.status_code())
    {
        parts.status = status;
    }
    axum::response::Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The knowledge service with its index, embedder and crawler's fetcher.
fn knowledge_service(
    config: &Config,
    db: &sea_orm::DatabaseConnection,
    files: &crate::storage::FileStore,
    events: &EventBus,
    wakeup: &jobs::Wakeup,
) -> anyhow::Result<crate::knowledge::KnowledgeService> {
    Ok(crate::knowledge::KnowledgeService::new(
        db.clone(),
        files.clone(),
        crate::knowledge::KnowledgeIndex::open(&config.index_dir())?,
        events.clone(),
        wakeup.clone(),
        crate::knowledge::crawl::fetch::Fetcher::new(crate::knowledge::crawl::fetch::Policy::new(
            config.crawl_allow_private,
            std::time::Duration::from_secs(config.crawl_page_timeout_secs.max(1)),
        ))?,
        crate::embeddings::Embedder::from_config(config)?,
    ))
}

/// What `chatsupport reindex` reports.
#[derive(Debug)]
pub struct Reindexed {
    pub passages: usize,
    pub embedded: usize,
    pub messages: u64,
    pub conversations: u64,
}

/// `chatsupport reindex`: gives every passage without a vector one (every passage with
/// `embed_all`; when an embedder is there), then rebuilds the knowledge and message indexes from the database. Run it with the
/// server stopped (the indexes take one writer; a running server holds it).
pub async fn reindex(config: Config, embed_all: bool) -> anyhow::Result<Reindexed> {
    let db = db::connect(&config.database_url()).await?;
    let events = EventBus::default();
    let files = crate::storage::FileStore::new(&config.data_dir);
    let knowledge = knowledge_service(&config, &db, &files, &events, &jobs::Wakeup::default()).context(
        "opening the knowledge index and the embedding model (a running server holds the index: stop it first)",
    )?;
    let embedded = crate::knowledge::ingest::embed_missing(&knowledge, embed_all).await?;
    let passages = crate::knowledge::ingest::rebuild(&knowledge, true).await?.unwrap_or(0);
    let search = MessageSearch::open(&config.index_dir())
        .context("opening the message index (is the server still running? stop it first)")?;
    let conversations =
        ConversationService::new(db.clone(), events, crate::conversations::limits::VisitorQuota::default());
    rebuild_messages(&search, &conversations, true).await?;
    let messages = search.num_docs();
    let conversation_search = ConversationSearch::open(&config.index_dir())
        .context("opening the conversation index (is the server still running? stop it first)")?;
    let conversations = search::conversations::rebuild_if_behind(&conversation_search, &db, true).await?;
    Ok(Reindexed { passages, embedded, messages, conversations })
}

/// The search index is derived from the database; if it holds fewer documents than there are
/// messages (first run, a crash between commit and index, a deleted index) it is rebuilt.
async fn rebuild_index_if_behind(state: &AppState) -> anyhow::Result<()> {
    rebuild_messages(&state.search, &state.conversations, false).await?;
    search::conversations::rebuild_if_behind(&state.conversation_search, &state.handles.db, false).await?;
    Ok(())
}

async fn rebuild_messages(
    search: &MessageSearch,
    conversations: &ConversationService,
    force: bool,
) -> anyhow::Result<()> {
    let stored = conversations.count_messages().await?;
    if !force && search.num_docs() == stored {
        return Ok(());
    }
    tracing::info!(stored, indexed = search.num_docs(), "rebuilding the message index");
    search.clear().await;
    let writer = search.clone();
    conversations
        .for_each_message_batch(1_000, async |batch| {
            for (org, message) in batch {
                writer.add(org, message).await;
            }
        })
        .await?;
    search.flush().await;
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}
