//! Spawning the app and talking to it like a client would.

use std::{net::SocketAddr, time::Duration};

use app::{
    dto::{BotId, OrganizationId},
    protocol::{ClientMsg, ServerMsg},
};
use chatsupport::{
    AppState, Application, Config,
    entities::{bot, organization, workspace},
};
use chrono::Utc;
use futures::{SinkExt, StreamExt};
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter};
use tokio_tungstenite::{MaybeTlsStream, WebSocketStream, connect_async, tungstenite::Message};
use uuid::Uuid;

pub const DEMO_BOT: &str = chatsupport::demo::DEMO_BOT_KEY;
const WAIT: Duration = Duration::from_secs(10);

pub struct TestApp {
    pub address: SocketAddr,
    pub state: AppState,
    pub http: reqwest::Client,
    config: Config,
    stop: tokio_util::sync::CancellationToken,
    running: Option<tokio::task::JoinHandle<std::io::Result<()>>>,
    _database: Option<TestDatabase>,
    _data_dir: tempfile::TempDir,
}

/// A stopped [`TestApp`]: its data and database, to start again.
pub struct Stopped {
    config: Config,
    database: Option<TestDatabase>,
    data_dir: tempfile::TempDir,
}

impl Stopped {
    /// Starts the server again on the same data, with settings changed by `configure`.
    pub async fn start_with(mut self, configure: impl FnOnce(&mut Config)) -> TestApp {
        configure(&mut self.config);
        start(self.config, self.database, self.data_dir).await
    }
}

/// With `CHATSUPPORT_TEST_PG_URL` (an admin URL; `scripts/test.sh` starts a private cluster)
/// every test app gets its own PostgreSQL database, dropped afterwards; without it, SQLite in
/// the test's temp dir.
struct TestDatabase {
    admin_url: String,
    name: String,
}

impl TestDatabase {
    async fn create() -> Option<(Self, String)> {
        let admin_url = std::env::var("CHATSUPPORT_TEST_PG_URL").ok()?;
        let name = format!("cs_test_{}", Uuid::new_v4().simple());
        let admin = sea_orm::Database::connect(&admin_url).await.expect("PostgreSQL reachable");
        admin.execute_unprepared(&format!("CREATE DATABASE {name}")).await.expect("test database created");
        admin.close().await.expect("admin connection closed");
        let (base, _) = admin_url.rsplit_once('/').expect("a database URL");
        Some((Self { admin_url: admin_url.clone(), name: name.clone() }, format!("{base}/{name}")))
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        let (admin_url, name) = (self.admin_url.clone(), self.name.clone());
        // Drop runs outside async code: a short-lived runtime on its own thread does the work.
        let _ = std::thread::spawn(move || {
            let runtime =
                tokio::runtime::Builder::new_current_thread().enable_all().build().expect("runtime");
            runtime.block_on(async {
                if let Ok(admin) = sea_orm::Database::connect(&admin_url).await {
                    let _ = admin
                        .execute_unprepared(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                        .await;
                }
            });
        })
        .join();
    }
}

/// A migrated database of its own (SQLite in a temp dir, or PostgreSQL as for test apps), for
/// tests of a part without the whole app.
pub struct ScratchDb {
    pub db: sea_orm::DatabaseConnection,
    _database: Option<TestDatabase>,
    _dir: tempfile::TempDir,
}

pub async fn scratch_database() -> ScratchDb {
    let dir = tempfile::tempdir().expect("temp dir");
    let (database, url) = match TestDatabase::create().await {
        Some((database, url)) => (Some(database), url),
        None => (None, format!("sqlite://{}?mode=rwc", dir.path().join("scratch.db").display())),
    };
    let db = chatsupport::db::connect(&url).await.expect("the scratch database opens and migrates");
    ScratchDb { db, _database: database, _dir: dir }
}

/// A fresh app with the demo organization loaded and a minimal built site.
pub async fn spawn_app() -> TestApp {
    spawn_app_with(|_| {}).await
}

/// [`spawn_app`] with settings changed by `configure` (after the test defaults are set).
pub async fn spawn_app_with(configure: impl FnOnce(&mut Config)) -> TestApp {
    // Logs go to the test's captured output: shown when a test fails.
    let _ = tracing_subscriber::fmt()
        .with_test_writer()
        .with_env_filter(std::env::var("RUST_LOG").unwrap_or_else(|_| "warn".into()))
        .try_init();
    let data_dir = tempfile::tempdir().expect("temp dir");
    let site = data_dir.path().join("site");
    std::fs::create_dir_all(site.join("widget")).expect("site dir");
    std::fs::write(site.join("embed.js"), "/* loader */ console.log('chatsupport');\n".repeat(50))
        .expect("embed.js");
    std::fs::write(
        site.join("widget/index.html"),
        "<!doctype html><title>Chat</title><script type=\"module\">import init from '/widget-app/w.js'; init();</script>",
    )
    .expect("widget page");
    // A stand-in dashboard bundle, fingerprinted as `chatsupport assets` does after a build.
    std::fs::create_dir_all(site.join("pkg")).expect("pkg dir");
    for area in app::Area::ALL {
        let build = area.build_name();
        std::fs::write(
            site.join(format!("pkg/{build}.js")),
            format!("export default function {}() {{}}\n", build.replace('-', "_")).repeat(20),
        )
        .expect("bundle js");
        std::fs::write(site.join(format!("pkg/{build}_bg.wasm")), b"\0asm\x01\0\0\0").expect("bundle wasm");
    }
    std::fs::write(site.join("pkg/chatsupport.css"), "body { margin: 0 }\n".repeat(20)).expect("bundle css");
    chatsupport::http::assets::fingerprint(&site).expect("fingerprint");
    chatsupport::http::assets::precompress(&site).expect("precompress");

    let mut config = Config::for_tests(data_dir.path());
    let database = TestDatabase::create().await.map(|(database, url)| {
        config.database_url = Some(url);
        database
    });
    config.site_dir = site;
    config.demo = true;
    config.no_demo = false;
    configure(&mut config);
    let app = start(config, database, data_dir).await;
    app.knowledge_jobs_done().await;
    app
}

async fn start(config: Config, database: Option<TestDatabase>, data_dir: tempfile::TempDir) -> TestApp {
    let app = Application::build(config.clone()).await.expect("the application builds");
    let address = app.address();
    let state = app.state().clone();
    let stop = app.stop_token();
    let running = Some(tokio::spawn(app.run_until_stopped()));
    TestApp {
        address,
        state,
        http: reqwest::Client::new(),
        config,
        stop,
        running,
        _database: database,
        _data_dir: data_dir,
    }
}

impl TestApp {
    /// Stops the server as SIGTERM does (in-flight work handed back), then starts a new one on
    /// the same data directory and database, as after a restart. The address changes.
    pub async fn restart(self) -> TestApp {
        self.stop_for_tools().await.start_with(|_| {}).await
    }

    /// Stops the server and lets go of its indexes (as the process's exit would), keeping the
    /// data directory and database for a command-line tool and a later start.
    pub async fn stop_for_tools(mut self) -> Stopped {
        self.stop.cancel();
        if let Some(running) = self.running.take() {
            running.await.expect("the server task").expect("the server stops cleanly");
        }
        // The last handles on the indexes' writer tasks: once they are gone the writers end
        // and release their locks.
        drop(self.state);
        tokio::time::sleep(Duration::from_millis(200)).await;
        Stopped { config: self.config, database: self._database, data_dir: self._data_dir }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    /// Waits until no knowledge job is queued or running (the demo's knowledge is processed
    /// at start; its `document:*` frames would otherwise reach the first dashboard socket).
    pub async fn knowledge_jobs_done(&self) {
        use chatsupport::entities::job;
        use sea_orm::PaginatorTrait;
        for _ in 0..400 {
            let busy = job::Entity::find()
                .filter(job::Column::Kind.eq(chatsupport::knowledge::ingest::KIND))
                .filter(job::Column::Status.is_in([job::JobStatus::Queued, job::JobStatus::Running]))
                .count(&self.state.handles.db)
                .await
                .expect("jobs");
            if busy == 0 {
                return;
            }
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
        panic!("the knowledge jobs did not finish");
    }

    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.address)
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http.get(self.url(path)).send().await.expect("GET answers")
    }

    pub async fn socket(&self, path: &str) -> Socket {
        let (stream, _) =
            connect_async(format!("ws://{}{path}", self.address)).await.expect("socket connects");
        Socket { stream }
    }

    /// A socket opened with a session cookie (the dashboard's).
    pub async fn authed_socket(&self, path: &str, cookie: &str) -> Socket {
        use tokio_tungstenite::tungstenite::client::IntoClientRequest;
        let mut request = format!("ws://{}{path}", self.address).into_client_request().expect("request");
        request.headers_mut().insert("cookie", cookie.parse().expect("cookie header"));
        let (stream, _) = connect_async(request).await.expect("socket connects");
        Socket { stream }
    }

    /// The demo owner's dashboard socket.
    pub async fn dashboard(&self) -> Socket {
        let cookie = self.demo_owner().await;
        self.authed_socket("/api/v1/ws/dashboard", &cookie).await
    }

    /// A sign-in attempt through the REST API, whatever it answers.
    pub async fn login(&self, email: &str, password: &str) -> reqwest::Response {
        self.http
            .post(self.url("/api/v1/auth/login"))
            .json(&serde_json::json!({ "email": email, "password": password }))
            .send()
            .await
            .expect("login answers")
    }

    /// Signs in through the REST API; returns the `Cookie` header value for the session.
    pub async fn sign_in(&self, email: &str, password: &str) -> String {
        let response = self.login(email, password).await;
        assert_eq!(response.status(), 200, "signing in as {email}");
        session_cookie(&response)
    }

    pub async fn demo_owner(&self) -> String {
        self.sign_in("admin@acme.com", "password123").await
    }

    /// The newest mail to `to` from the outbox table.
    pub async fn latest_mail(&self, to: &str) -> chatsupport::entities::outbox::Model {
        use sea_orm::QueryOrder;
        chatsupport::entities::outbox::Entity::find()
            .filter(chatsupport::entities::outbox::Column::ToEmail.eq(to))
            .order_by_desc(chatsupport::entities::outbox::Column::CreatedAt)
            .one(&self.state.handles.db)
            .await
            .expect("query")
            .unwrap_or_else(|| panic!("no mail to {to}"))
    }

    /// The `token=` of the link in the newest mail to `to`.
    pub async fn token_from_mail(&self, to: &str) -> String {
        let mail = self.latest_mail(to).await;
        let after = mail.body.split("token=").nth(1).unwrap_or_else(|| panic!("a link in {}", mail.body));
        after.chars().take_while(char::is_ascii_alphanumeric).collect()
    }

    /// Registers a new organization and its owner and verifies the address through the mailed
    /// link; returns the session cookie.
    pub async fn register_verified(&self, email: &str, organization: &str) -> String {
        let cookie = self.register(email, organization).await;
        let token = self.token_from_mail(email).await;
        let verified = self
            .http
            .post(self.url("/api/v1/auth/verify-email"))
            .json(&serde_json::json!({ "token": token }))
            .send()
            .await
            .expect("verify answers");
        assert_eq!(verified.status(), 200, "verifying {email}");
        cookie
    }

    /// A verified, active member of the demo organization with `role`, signed in; returns the
    /// session cookie.
    pub async fn member_with_role(&self, role: app::auth::Role) -> String {
        self.member_named(role, &format!("Test {}", role.label())).await.0
    }

    /// [`Self::member_with_role`] named `name`; returns the session cookie and their id.
    pub async fn member_named(&self, role: app::auth::Role, name: &str) -> (String, Uuid) {
        let id = Uuid::now_v7();
        let email = format!("{}-{}@acme.com", role.as_str(), Uuid::new_v4().simple());
        let hash = chatsupport::accounts::password::hash("Passw0rd!x").await.expect("hash");
        chatsupport::entities::user::Entity::insert(chatsupport::entities::user::ActiveModel {
            id: Set(id),
            organization_id: Set(self.demo_org().await.0),
            name: Set(name.to_owned()),
            email: Set(email.clone()),
            password_hash: Set(Some(hash)),
            role: Set(role.as_str().to_owned()),
            status: Set("active".into()),
            email_verified_at: Set(Some(Utc::now())),
            last_active_at: Set(None),
            created_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec(&self.state.handles.db)
        .await
        .expect("member inserted");
        (self.sign_in(&email, "Passw0rd!x").await, id)
    }

    /// Registers a new organization and its owner; returns the session cookie.
    pub async fn register(&self, email: &str, organization: &str) -> String {
        let response = self
            .http
            .post(self.url("/api/v1/auth/register"))
            .json(&serde_json::json!({
                "name": "Olive Owner", "email": email, "password": "Str0ng!pass", "organization_name": organization
            }))
            .send()
            .await
            .expect("register answers");
        assert_eq!(response.status(), 201, "registering {email}");
        session_cookie(&response)
    }

    /// PATCH a JSON body with a session cookie.
    pub async fn patch_json(&self, path: &str, cookie: &str, body: serde_json::Value) -> reqwest::Response {
        self.send_json("PATCH", path, cookie, body).await
    }

    /// `method` a JSON body with a session cookie.
    pub async fn send_json(
        &self,
        method: &str,
        path: &str,
        cookie: &str,
        body: serde_json::Value,
    ) -> reqwest::Response {
        self.http
            .request(method.parse().expect("method"), self.url(path))
            .header("cookie", cookie)
            .json(&body)
            .send()
            .await
            .unwrap_or_else(|e| panic!("{method} {path} answers: {e}"))
    }

    /// GET with a session cookie: status and JSON body.
    pub async fn get_json(&self, path: &str, cookie: &str) -> (u16, serde_json::Value) {
        let response =
            self.http.get(self.url(path)).header("cookie", cookie).send().await.expect("GET answers");
        let status = response.status().as_u16();
        (status, response.json().await.expect("a JSON body"))
    }

    /// Calls a server function (form-encoded, as the dashboard does) with a session cookie.
    pub async fn server_fn(&self, name: &str, cookie: &str, form: &[(&str, &str)]) -> reqwest::Response {
        self.http
            .post(self.url(&format!("/api/fn/{name}")))
            .header("cookie", cookie)
            .form(form)
            .send()
            .await
            .expect("server fn answers")
    }

    /// A visitor's widget socket, after its `session:ready`.
    pub async fn visitor(&self, bot_key: &str) -> (Socket, String) {
        let mut socket = self.socket(&format!("/api/v1/widget/ws?bot={bot_key}")).await;
        match socket.recv().await {
            ServerMsg::SessionReady { visitor_id, .. } => (socket, visitor_id),
            other => panic!("expected session:ready, got {other:?}"),
        }
    }

    pub async fn demo_org(&self) -> OrganizationId {
        let org = organization::Entity::find()
            .filter(organization::Column::Slug.eq("acme"))
            .one(&self.state.handles.db)
            .await
            .expect("query")
            .expect("demo org");
        OrganizationId(org.id)
    }

    /// The demo organization's conversations as its inbox lists them (first 100).
    pub async fn demo_conversations(&self) -> Vec<app::dto::ConversationView> {
        let owner = self.demo_owner().await;
        let (status, body) = self.get_json("/api/v1/conversations?limit=100", &owner).await;
        assert_eq!(status, 200, "{body}");
        serde_json::from_value::<app::inbox::InboxListing>(body).expect("a listing").conversations
    }

    /// Another tenant with one bot; returns its id and the bot's public key.
    pub async fn second_tenant(&self) -> (OrganizationId, BotId, String) {
        let (org, ws) = (Uuid::now_v7(), Uuid::now_v7());
        let now = Utc::now();
        let db = &self.state.handles.db;
        organization::Entity::insert(organization::ActiveModel {
            id: Set(org),
            name: Set("Globex".into()),
            slug: Set(format!("globex-{}", Uuid::new_v4().simple())),
            created_at: Set(now),
            ..Default::default()
        })
        .exec(db)
        .await
        .expect("org");
        workspace::Entity::insert(workspace::ActiveModel {
            id: Set(ws),
            ..chatsupport::billing::new_workspace(org, "Globex Support".into(), "starter", now)
        })
        .exec(db)
        .await
        .expect("workspace");
        let (bot_id, key) = self.add_bot(org, ws, "Globex").await;
        (OrganizationId(org), bot_id, key)
    }

    /// A new organization "`brand` Shop" (free plan) with a bot; its workspace id and the bot's
    /// public key.
    pub async fn free_workspace_with_bot(&self, email: &str, brand: &str) -> (Uuid, String) {
        let owner = self.register_verified(email, &format!("{brand} Shop")).await;
        let (_, workspaces) = self.get_json("/api/v1/workspaces", &owner).await;
        let workspace: Uuid = workspaces["workspaces"][0]["id"].as_str().expect("id").parse().expect("uuid");
        let row = chatsupport::entities::workspace::Entity::find_by_id(workspace)
            .one(&self.state.handles.db)
            .await
            .expect("q")
            .expect("workspace");
        let (_, key) = self.add_bot(row.organization_id, workspace, brand).await;
        (workspace, key)
    }

    /// A live bot of `brand` in a workspace of organization `org`; its id and public key.
    pub async fn add_bot(&self, org: Uuid, workspace: Uuid, brand: &str) -> (BotId, String) {
        let bot_id = Uuid::now_v7();
        let key = format!("other-{}", Uuid::new_v4().simple());
        bot::Entity::insert(bot::ActiveModel {
            id: Set(bot_id),
            organization_id: Set(org),
            workspace_id: Set(workspace),
            name: Set(format!("{brand} Bot")),
            public_key: Set(key.clone()),
            status: Set("live".into()),
            description: Set(String::new()),
            greeting: Set(format!("Hello from {brand}")),
            fallback_message: Set(format!("{brand} will get back to you.")),
            created_at: Set(Utc::now()),
            ..Default::default()
        })
        .exec(&self.state.handles.db)
        .await
        .expect("bot");
        (BotId(bot_id), key)
    }
}

/// Status, `ApiError` and readable message of an error response.
pub async fn api_error(response: reqwest::Response) -> (u16, app::ApiError, String) {
    let status = response.status().as_u16();
    let body: serde_json::Value = response.json().await.expect("an error body");
    let error = serde_json::from_value(body["error"].clone()).expect("an ApiError");
    (status, error, body["message"].as_str().unwrap_or_default().to_owned())
}

/// Status and `ApiError` of an error response.
pub async fn error_of(response: reqwest::Response) -> (u16, app::ApiError) {
    let (status, error, _) = api_error(response).await;
    (status, error)
}

/// `cs_session=…` from a response's `Set-Cookie`.
pub fn session_cookie(response: &reqwest::Response) -> String {
    let set_cookie = response.headers()["set-cookie"].to_str().expect("ascii");
    assert!(set_cookie.contains("HttpOnly") && set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    set_cookie.split(';').next().expect("name=value").to_owned()
}

pub struct Socket {
    stream: WebSocketStream<MaybeTlsStream<tokio::net::TcpStream>>,
}

impl Socket {
    pub async fn send(&mut self, msg: &ClientMsg) {
        self.send_text(&msg.to_json()).await;
    }

    pub async fn send_text(&mut self, text: &str) {
        self.stream.send(Message::text(text)).await.expect("frame sent");
    }

    pub async fn send_raw(&mut self, msg: Message) -> Result<(), tokio_tungstenite::tungstenite::Error> {
        self.stream.send(msg).await
    }

    /// The next server frame (pings and other control frames skipped).
    pub async fn recv(&mut self) -> ServerMsg {
        loop {
            let next = tokio::time::timeout(WAIT, self.stream.next()).await.expect("a frame in time");
            match next.expect("socket open").expect("no socket error") {
                Message::Text(text) => return serde_json::from_str(text.as_str()).expect("a ServerMsg"),
                Message::Close(frame) => panic!("socket closed: {frame:?}"),
                _ => continue,
            }
        }
    }

    /// Skips frames until one matches.
    pub async fn recv_until(&mut self, mut wanted: impl FnMut(&ServerMsg) -> bool) -> ServerMsg {
        loop {
            let msg = self.recv().await;
            if wanted(&msg) {
                return msg;
            }
        }
    }

    /// True when nothing arrives within `quiet`.
    pub async fn is_silent_for(&mut self, quiet: Duration) -> bool {
        tokio::time::timeout(quiet, self.stream.next()).await.is_err()
    }

    /// Waits for the server to end the connection; returns the close code if one was sent.
    pub async fn closed(&mut self) -> Option<u16> {
        loop {
            match tokio::time::timeout(WAIT, self.stream.next()).await.expect("closed in time") {
                Some(Ok(Message::Close(frame))) => return frame.map(|f| u16::from(f.code)),
                Some(Ok(_)) => continue,
                Some(Err(_)) | None => return None,
            }
        }
    }
}

pub fn send(
    client_msg_id: &str,
    conversation_id: Option<app::dto::ConversationId>,
    content: &str,
) -> ClientMsg {
    ClientMsg::MessageSend {
        client_msg_id: client_msg_id.into(),
        conversation_id,
        content: content.into(),
        visitor: None,
    }
}
