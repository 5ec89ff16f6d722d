//! The ChatSupport server: configuration, startup, domain services, storage (SeaORM),
//! search (tantivy), the realtime hub and the HTTP/WebSocket edges. See ARCHITECTURE.md.

pub mod accounts;
pub mod api_keys;
pub mod audit;
pub mod bots;
pub mod config;
pub mod conversations;
pub mod dashboard;
pub mod db;
pub mod demo;
pub mod entities;
pub mod error;
pub mod events;
pub mod health;
pub mod integrations;
pub mod logos;
pub mod mail;
pub mod openapi;
pub mod organizations;
pub mod platform;
pub mod ports;
pub mod realtime;
pub mod replies;
pub mod search;
pub mod secrets;
pub mod startup;
pub mod web;
pub mod widget;
pub mod workspaces;

pub use config::Config;
pub use startup::{AppState, Application};
