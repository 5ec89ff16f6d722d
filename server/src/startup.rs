//! The one way in: `Application::build(config)` wires storage, services, listeners and routes;
//! `main` and every integration test call it.

use std::{net::SocketAddr, sync::Arc, time::Duration};

use anyhow::Context;
use app::ApiError;
use app::ssr::Ports;
use axum::{Router, extract::Request, middleware, response::IntoResponse};
use leptos::prelude::{LeptosOptions, provide_context};
use leptos_axum::{LeptosRoutes, generate_route_list};
use sea_orm::{DatabaseConnection, EntityTrait, PaginatorTrait};
use tokio::net::TcpListener;
use tower_http::{limit::RequestBodyLimitLayer, trace::TraceLayer};

use crate::{
    accounts::{
        self, AccountService,
        routes::{DashboardAccounts, require_session_for_pages},
    },
    config::Config,
    conversations::ConversationService,
    dashboard::Dashboard,
    db, demo,
    entities::message,
    error::ApiResponse,
    events::EventBus,
    health,
    mail::Mailer,
    openapi, realtime,
    realtime::Hub,
    replies::{self, Replier},
    search::{self, MessageSearch},
    web, widget,
};

/// What handlers share. Cheap to clone: every field is a handle.
#[derive(Clone)]
pub struct AppState {
    pub config: Arc<Config>,
    pub accounts: AccountService,
    pub db: DatabaseConnection,
    pub hub: Hub,
    pub events: EventBus,
    pub search: MessageSearch,
    pub conversations: ConversationService,
    /// Widget connections open per workspace (the plan's cap).
    pub connections: crate::widget::Connections,
}

pub struct Application {
    listener: TcpListener,
    router: Router,
    state: AppState,
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
        let mailer =
            Mailer::new(db.clone(), config.outbox_dir(), &config.mail_from, config.smtp_url.as_deref())?;

        let secret = accounts::tokens::load_or_create_secret(config.secret.as_deref(), &config.data_dir)?;
        let secrets =
            crate::secrets::SecretBox::load_or_create(config.encryption_key.as_deref(), &config.data_dir)?;

        let google = accounts::google::GoogleSignIn::from_config(&config, &public_url, &secret)?;
        let events = EventBus::default();
        let hub = Hub::default();
        let search = MessageSearch::open(&config.index_dir())?;
        let quota = crate::conversations::limits::VisitorQuota {
            messages_per_minute: config.visitor_messages_per_minute,
            messages_per_hour: config.visitor_messages_per_hour,
            conversations_per_hour: config.visitor_conversations_per_hour,
        };
        let conversations = ConversationService::new(db.clone(), events.clone(), quota);
        tokio::spawn(conversations.limits.clone().run_cleanup(Duration::from_secs(60)));
        let accounts =
            AccountService::new(db.clone(), mailer, &public_url, &secret, secrets, &config.platform_admins)
                .with_google(google);
        let state = AppState {
            config: Arc::new(config),
            accounts,
            db: db.clone(),
            hub: hub.clone(),
            events: events.clone(),
            search: search.clone(),
            conversations: conversations.clone(),
            connections: crate::widget::Connections::default(),
        };

        tokio::spawn(realtime::listen(hub.clone(), events.subscribe("realtime")));
        tokio::spawn(search::listen(search.clone(), events.subscribe("search")));
        let replier = Replier {
            db: db.clone(),
            conversations: conversations.clone(),
            hub,
            delay: state.config.bot_reply_delay_ms.map(Duration::from_millis),
        };
        tokio::spawn(replies::listen(replier.clone(), events.subscribe("replies")));
        // Answers that were on their way when the server last stopped.
        tokio::spawn(async move {
            if let Err(err) = replies::answer_unanswered(replier).await {
                tracing::warn!(error = %err, "answering messages left unanswered by the last stop");
            }
        });
        // Open widgets switch between chat and the offline form when business hours start/end.
        tokio::spawn(crate::bots::hours::watch(db.clone(), events.clone(), Duration::from_secs(30)));
        tokio::spawn(crate::db::checkpoints(db.clone()));
        tokio::spawn(crate::conversations::lifecycle::run(
            db.clone(),
            events.clone(),
            crate::conversations::lifecycle::Policy::default(),
            Duration::from_secs(30),
        ));
        rebuild_index_if_behind(&state).await?;

        let router = routes(&state);
        Ok(Self { listener, router, state })
    }

    pub fn address(&self) -> SocketAddr {
        self.listener.local_addr().unwrap_or_else(|_| self.state.config.bind)
    }

    pub fn state(&self) -> &AppState {
        &self.state
    }

    /// Serves until SIGINT/SIGTERM, then finishes in-flight requests.
    pub async fn run_until_stopped(self) -> std::io::Result<()> {
        tracing::info!(address = %self.address(), "serving");
        axum::serve(self.listener, self.router.into_make_service_with_connect_info::<SocketAddr>())
            .with_graceful_shutdown(shutdown_signal())
            .await
    }
}

fn routes(state: &AppState) -> Router {
    let site_root = state.config.site_dir.to_string_lossy().to_string();
    let leptos_options =
        LeptosOptions::builder().output_name("chatsupport").site_root(site_root).site_pkg_dir("pkg").build();
    let ports = Ports {
        dashboard: Arc::new(Dashboard {
            accounts: state.accounts.clone(),
            conversations: state.conversations.clone(),
            search: state.search.clone(),
        }),
        accounts: Arc::new(DashboardAccounts { accounts: state.accounts.clone(), db: state.db.clone() }),
        organization: Arc::new(crate::organizations::DashboardOrganization {
            db: state.db.clone(),
            accounts: state.accounts.clone(),
        }),
        settings: Arc::new(crate::ports::DashboardSettings {
            db: state.db.clone(),
            accounts: state.accounts.clone(),
            data_dir: state.config.data_dir.clone(),
            events: state.events.clone(),
        }),
        me: Arc::new(crate::ports::DashboardSelfService { accounts: state.accounts.clone() }),
        platform: Arc::new(crate::ports::DashboardPlatform { state: state.clone() }),
    };
    let context = move || provide_context(ports.clone());
    let shell = {
        let options = leptos_options.clone();
        move || app::shell(options.clone())
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
        .layer(middleware::from_fn_with_state(state.clone(), require_session_for_pages))
        .with_state(leptos_options);

    let api = Router::new()
        .merge(health::router())
        .merge(accounts::routes::router())
        .merge(crate::bots::routes::router())
        .merge(crate::conversations::routes::router())
        .merge(crate::organizations::router())
        .merge(accounts::self_service::router())
        .merge(crate::integrations::router())
        .merge(crate::api_keys::router())
        .merge(crate::platform::router())
        .merge(openapi::router())
        .merge(widget::router())
        .merge(crate::dashboard::router())
        .merge(web::router(&state.config.site_dir))
        .merge(crate::logos::files_router(&state.config.data_dir))
        .with_state(state.clone());
    let uploads = crate::logos::upload_router().with_state(state.clone());

    pages
        .merge(api)
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .merge(uploads)
        .layer(middleware::from_fn(web::security_headers))
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

/// The search index is derived from the database; if it holds fewer documents than there are
/// messages (first run, a crash between commit and index, a deleted index) it is rebuilt.
async fn rebuild_index_if_behind(state: &AppState) -> anyhow::Result<()> {
    let stored = message::Entity::find().count(&state.db).await?;
    if state.search.num_docs() == stored {
        return Ok(());
    }
    tracing::info!(stored, indexed = state.search.num_docs(), "rebuilding the message index");
    state.search.clear().await;
    let mut batches = Vec::new();
    state.conversations.for_each_message_batch(1_000, |batch| batches.push(batch)).await?;
    for batch in batches {
        for (org, message) in batch {
            state.search.add(org, message).await;
        }
    }
    state.search.flush().await;
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
