//! The ChatSupport server. Imports point one way (see ARCHITECTURE.md, "Layers"):
//!
//! - `startup` (and `state`, `dashboard`, `openapi`) wire everything: it calls each feature's
//!   `install`, which plugs the feature in through `wiring`;
//! - feature folders (`accounts`, `organizations`, `billing`, `bots`, `conversations`,
//!   `audit`, `mail`, `api_keys`, `integrations`, `platform`, `search`, `realtime`,
//!   `widget`, `replies`) each own their service and their routes;
//! - `http` holds the edges every feature shares (extractors, cookies, guard, headers);
//! - `db`, `entities`, `events`, `error`, `config`, `secrets`, `storage` and `shared` (plain types) are
//!   the foundation, and import no feature.

pub mod accounts;
pub mod answers;
pub mod api_keys;
pub mod audit;
pub mod billing;
pub mod bots;
pub mod config;
pub mod conversations;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod embeddings;
pub mod entities;
pub mod error;
pub mod evaluation;
pub mod events;
pub mod http;
pub mod integrations;
pub mod jobs;
pub mod knowledge;
pub mod mail;
pub mod openapi;
pub mod organizations;
pub mod platform;
pub mod realtime;
pub mod replies;
pub mod search;
pub mod secrets;
pub mod shared;
pub mod signals;
pub mod startup;
pub mod state;
pub mod storage;
pub mod tasks;
pub mod widget;
pub mod wiring;

pub use config::Config;
pub use startup::{AppState, Application};
