//! Integration tests: the whole application through `Application::build`, on a throw-away data
//! dir and a free port, spoken to over real HTTP and WebSockets.

mod access;
mod accounts;
mod answers;
mod api_keys;
mod billing;
mod bot_settings;
mod chatbots;
mod crawl;
mod dashboard;
mod edges;
mod embeddings;
mod handoff;
mod health;
mod helpers;
mod inbox;
mod jobs;
mod knowledge;
mod layers;
mod lifecycle;
mod limits;
mod llm;
mod logos;
mod mail_delivery;
mod oidc;
mod oidc_provider;
mod organization;
mod platform;
mod roles;
mod security;
mod shutdown;
mod team;
mod tenancy;
mod tokens;
mod web;
mod widget_socket;
