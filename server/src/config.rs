//! Command line and environment: every setting has a flag, an env var and a default, so
//! `chatsupport` with no arguments serves the embedded default (SQLite + tantivy under ./data).

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand};

#[derive(Debug, Parser)]
#[command(name = "chatsupport", version, about = "ChatSupport: AI customer-support platform")]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub serve: Config,
}

#[derive(Debug, Subcommand)]
#[allow(clippy::large_enum_variant, reason = "parsed once at startup; boxing `Config` would buy nothing")]
pub enum Command {
    /// Serve the dashboard, widget, REST API and WebSockets (the default).
    Serve(Config),
    /// Fingerprint the dashboard bundle (content-hashed names, `pkg/manifest.json`), precompress
    /// the built static assets (brotli + gzip) and print their sizes.
    Assets {
        #[arg(long, env = "CHATSUPPORT_SITE_DIR", default_value = "target/site")]
        site_dir: PathBuf,
    },
    /// Rebuild the knowledge and message search indexes from the database, first giving every
    /// knowledge passage without a vector one (after installing the embedding model). Stop the
    /// server first.
    Reindex {
        /// Embed every passage again, not only those without a vector (after switching
        /// between the local model and an endpoint: two models' vectors do not compare).
        #[arg(long)]
        embed_all: bool,
        #[command(flatten)]
        config: Config,
    },
}

#[derive(Debug, Clone, Args)]
pub struct Config {
    /// Address to listen on. Port 0 picks a free port.
    #[arg(long, env = "CHATSUPPORT_BIND", default_value = "127.0.0.1:3000")]
    pub bind: SocketAddr,
    /// Where the SQLite database, search index and uploaded files live.
    #[arg(long, env = "CHATSUPPORT_DATA_DIR", default_value = "./data")]
    pub data_dir: PathBuf,
    /// Database URL; `sqlite://…` or `postgres://…`. Default: SQLite in the data dir.
    #[arg(long, env = "DATABASE_URL")]
    pub database_url: Option<String>,
    /// Built static assets (dashboard bundle, widget, embed.js, CSS).
    #[arg(long, env = "CHATSUPPORT_SITE_DIR", default_value = "target/site")]
    pub site_dir: PathBuf,
    /// Load the demo organization (Acme Corp) if it is missing. It is always loaded into an
    /// empty database.
    #[arg(long, env = "CHATSUPPORT_DEMO", default_value_t = false)]
    pub demo: bool,
    /// Do not load demo data into an empty database.
    #[arg(long, env = "CHATSUPPORT_NO_DEMO", default_value_t = false, conflicts_with = "demo")]
    pub no_demo: bool,
    /// The address people reach this server at, for links in mails. Default: `http://` and
    /// the bound address.
    #[arg(long, env = "CHATSUPPORT_PUBLIC_URL")]
    pub public_url: Option<String>,
    /// SMTP server for outgoing mail (`smtp://user:pass@host:587`, `smtps://…`). Without one,
    /// mail goes only to the outbox (table and `<data dir>/outbox/*.eml`).
    #[arg(long, env = "SMTP_URL")]
    pub smtp_url: Option<String>,
    /// The sender of outgoing mail.
    #[arg(long, env = "CHATSUPPORT_MAIL_FROM", default_value = "ChatSupport <no-reply@chatsupport.invalid>")]
    pub mail_from: String,
    /// Secret for signing API access tokens (at least 32 characters). Default: generated once
    /// and kept in `<data dir>/secret.key`.
    #[arg(long, env = "CHATSUPPORT_SECRET", hide_env_values = true)]
    pub secret: Option<String>,
    /// "Sign in with Google": the OAuth client id. Google sign-in is on only when this and
    /// the client secret are both set. Register `<public URL>/auth/google/callback` as the
    /// client's redirect URI.
    #[arg(long, env = "CHATSUPPORT_GOOGLE_CLIENT_ID")]
    pub google_client_id: Option<String>,
    /// "Sign in with Google": the OAuth client secret.
    #[arg(long, env = "CHATSUPPORT_GOOGLE_CLIENT_SECRET", hide_env_values = true)]
    pub google_client_secret: Option<String>,
    /// The OpenID provider behind "Sign in with Google"; its discovery document is read from
    /// `<issuer>/.well-known/openid-configuration`.
    #[arg(long, env = "CHATSUPPORT_GOOGLE_ISSUER", default_value = "https://accounts.google.com")]
    pub google_issuer: String,
    /// Key sealing integration credentials and MFA seeds at rest: 32 bytes, base64. Default:
    /// generated once and kept in `<data dir>/encryption.key`.
    #[arg(long, env = "CHATSUPPORT_ENCRYPTION_KEY", hide_env_values = true)]
    pub encryption_key: Option<String>,
    /// Emails of the platform operators (super admins), comma-separated. They see every
    /// organization and user under /admin and can suspend, ban and override limits.
    #[arg(long, env = "CHATSUPPORT_PLATFORM_ADMINS", value_delimiter = ',')]
    pub platform_admins: Vec<String>,
    /// Messages a visitor may send per minute (PRD: 10).
    #[arg(long, env = "CHATSUPPORT_VISITOR_MESSAGES_PER_MINUTE", default_value_t = 10)]
    pub visitor_messages_per_minute: u32,
    /// Messages a visitor may send per hour (PRD: 100).
    #[arg(long, env = "CHATSUPPORT_VISITOR_MESSAGES_PER_HOUR", default_value_t = 100)]
    pub visitor_messages_per_hour: u32,
    /// Conversations a visitor may start per hour (PRD: 5).
    #[arg(long, env = "CHATSUPPORT_VISITOR_CONVERSATIONS_PER_HOUR", default_value_t = 5)]
    pub visitor_conversations_per_hour: u32,
    /// How long every bot waits before it answers, in milliseconds, overriding each bot's own
    /// "response delay" setting (tests and load runs). Unset: each bot's setting.
    #[arg(long, env = "CHATSUPPORT_BOT_REPLY_DELAY_MS")]
    pub bot_reply_delay_ms: Option<u64>,

    /// Answers worked out at once (embedding, retrieval, the extractive answer); the rest
    /// wait in a queue, so the sockets always keep a core (ARCHITECTURE.md "Capacity").
    #[arg(long, env = "CHATSUPPORT_ANSWERS_AT_ONCE", default_value_t = 1)]
    pub answers_at_once: usize,

    /// With more answers than this waiting (or the last one waiting longer than
    /// `--answer-wait-busy-ms`), new conversations get the widget's "busy" answer and are sent
    /// again by the widget a few seconds later.
    #[arg(long, env = "CHATSUPPORT_ANSWER_QUEUE_BUSY", default_value_t = 64)]
    pub answer_queue_busy: usize,

    #[arg(long, env = "CHATSUPPORT_ANSWER_WAIT_BUSY_MS", default_value_t = 1_000)]
    pub answer_wait_busy_ms: u64,

    /// With this many answers waiting, the bot answers at once that it is busy and a person
    /// will see the message (the queue never grows past it).
    #[arg(long, env = "CHATSUPPORT_ANSWER_QUEUE_MAX", default_value_t = 1_000)]
    pub answer_queue_max: usize,

    /// Reverse proxies whose `X-Forwarded-For` is believed (addresses or CIDR ranges,
    /// comma-separated). From anyone else the header is ignored and the peer is the client.
    #[arg(long, env = "CHATSUPPORT_TRUSTED_PROXIES", value_delimiter = ',', value_parser = parse_network)]
    pub trusted_proxies: Vec<ipnet::IpNet>,

    /// How long a background job's claim holds without renewal, in seconds: a job of a server
    /// that died runs again this long after (a stopped server hands its jobs back at once).
    #[arg(long, env = "CHATSUPPORT_JOB_LEASE_SECS", default_value_t = 30)]
    pub job_lease_secs: u64,

    /// Let the website crawler fetch private, loopback and link-local addresses and ports other
    /// than 80/443 (an intranet's docs, tests on loopback). Off: such fetches are refused.
    #[arg(long, env = "CHATSUPPORT_CRAWL_ALLOW_PRIVATE", default_value_t = false, action = clap::ArgAction::Set)]
    pub crawl_allow_private: bool,

    /// How long the crawler waits for one page (or robots.txt, or a sitemap), in seconds.
    #[arg(long, env = "CHATSUPPORT_CRAWL_PAGE_TIMEOUT_SECS", default_value_t = 20)]
    pub crawl_page_timeout_secs: u64,

    /// Where the local embedding model (all-MiniLM-L6-v2: `model.safetensors`,
    /// `tokenizer.json`) is. Default: `<data dir>/models/all-MiniLM-L6-v2` when it is there;
    /// without it (and without an endpoint) knowledge retrieval is BM25 alone.
    #[arg(long, env = "CHATSUPPORT_EMBEDDING_MODEL_DIR")]
    pub embedding_model_dir: Option<PathBuf>,

    /// An OpenAI-compatible API base URL (`https://api.openai.com/v1`, a vLLM or Ollama
    /// server's `/v1`) whose `/embeddings` makes the vectors instead of the local model.
    #[arg(long, env = "CHATSUPPORT_EMBEDDINGS_URL")]
    pub embeddings_url: Option<String>,

    /// The embedding model the endpoint is asked for.
    #[arg(long, env = "CHATSUPPORT_EMBEDDINGS_MODEL", default_value = "text-embedding-3-small")]
    pub embeddings_model: String,

    /// The endpoint's API key (`OPENAI_API_KEY` when unset).
    #[arg(long, env = "CHATSUPPORT_EMBEDDINGS_API_KEY", hide_env_values = true)]
    pub embeddings_api_key: Option<String>,

    /// The OpenAI-compatible chat-completions endpoint that words bots' answers (OpenAI,
    /// vLLM, llama.cpp, Ollama: its `/v1`). Unset with `OPENAI_API_KEY` set: OpenAI's. Neither:
    /// bots answer with the built-in answerer (a bot may still bring its own endpoint).
    #[arg(long, env = "OPENAI_BASE_URL")]
    pub llm_url: Option<String>,

    /// The chat endpoint's API key.
    #[arg(long, env = "OPENAI_API_KEY", hide_env_values = true)]
    pub llm_api_key: Option<String>,

    /// The model bots' answers are asked of unless a bot names its own.
    #[arg(long, env = "CHATSUPPORT_LLM_MODEL", default_value = "gpt-4o-mini")]
    pub llm_model: String,

    /// A stronger model for hard questions (long, several asks, "why" or "compare", or after an
    /// answer that did not help), asked instead of `--llm-model` for bots of plans above
    /// Starter that name no model of their own (PRD §5.5.1). Unset: every question gets
    /// `--llm-model`.
    #[arg(long, env = "CHATSUPPORT_LLM_MODEL_COMPLEX")]
    pub llm_model_complex: Option<String>,

    /// How long the model may take to its first word, in milliseconds, before the bot answers
    /// with the built-in answer instead (each retry included).
    #[arg(long, env = "CHATSUPPORT_LLM_FIRST_TOKEN_MS", default_value_t = 8_000)]
    pub llm_first_token_ms: u64,

    /// How long one answer from the model may take in all, in milliseconds.
    #[arg(long, env = "CHATSUPPORT_LLM_TOTAL_MS", default_value_t = 30_000)]
    pub llm_total_ms: u64,
}

/// An address (`10.0.0.7`, `::1`) or a CIDR range (`10.0.0.0/8`).
fn parse_network(raw: &str) -> Result<ipnet::IpNet, String> {
    let raw = raw.trim();
    raw.parse::<ipnet::IpNet>()
        .or_else(|_| raw.parse::<std::net::IpAddr>().map(ipnet::IpNet::from))
        .map_err(|_| format!("`{raw}` is neither an IP address nor a CIDR range like 10.0.0.0/8"))
}

impl Config {
    /// A configuration for tests and tools: a free port on loopback, the given data dir, no
    /// demo data, no reply delay.
    pub fn for_tests(data_dir: impl Into<PathBuf>) -> Self {
        Self {
            bind: SocketAddr::from(([127, 0, 0, 1], 0)),
            data_dir: data_dir.into(),
            database_url: None,
            site_dir: PathBuf::from("target/site"),
            demo: false,
            no_demo: true,
            public_url: None,
            secret: None,
            encryption_key: None,
            platform_admins: Vec::new(),
            visitor_messages_per_minute: 10,
            visitor_messages_per_hour: 100,
            visitor_conversations_per_hour: 5,
            smtp_url: None,
            mail_from: "ChatSupport <no-reply@chatsupport.invalid>".into(),
            bot_reply_delay_ms: Some(0),
            answers_at_once: 1,
            answer_queue_busy: 64,
            answer_wait_busy_ms: 1_000,
            answer_queue_max: 1_000,
            google_client_id: None,
            google_client_secret: None,
            google_issuer: "https://accounts.google.com".into(),
            trusted_proxies: Vec::new(),
            job_lease_secs: 30,
            crawl_allow_private: false,
            crawl_page_timeout_secs: 20,
            embedding_model_dir: None,
            embeddings_url: None,
            embeddings_model: "text-embedding-3-small".into(),
            embeddings_api_key: None,
            llm_url: None,
            llm_api_key: None,
            llm_model: "gpt-4o-mini".into(),
            llm_model_complex: None,
            llm_first_token_ms: 8_000,
            llm_total_ms: 30_000,
        }
    }

    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}?mode=rwc", self.data_dir.join("chatsupport.db").display()),
        }
    }

    pub fn outbox_dir(&self) -> PathBuf {
        self.data_dir.join("outbox")
    }

    pub fn index_dir(&self) -> PathBuf {
        self.data_dir.join("index")
    }
}
