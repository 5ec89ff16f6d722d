//! SeaORM entities, one file per table, entity definitions only. Behaviour lives in the domain
//! modules beside them (`conversations/`, `bots/`…), never here.

pub mod account_token;
pub mod api_key;
pub mod audit_log;
pub mod bot;
pub mod bot_version;
pub mod canned_reply;
pub mod conversation;
pub mod conversation_event;
pub mod conversation_filter;
pub mod conversation_note;
pub mod evaluation_question;
pub mod evaluation_run;
pub mod integration_credential;
pub mod job;
pub mod knowledge_chunk;
pub mod knowledge_page;
pub mod knowledge_source;
pub mod login_history;
pub mod message;
pub mod organization;
pub mod outbox;
pub mod plan;
pub mod refresh_token;
pub mod session;
pub mod tag;
pub mod user;
pub mod workspace;
