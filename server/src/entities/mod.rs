//! SeaORM entities, one file per table, entity definitions only. Behaviour lives in the domain
//! modules beside them (`conversations/`, `bots/`…), never here.

pub mod bot;
pub mod conversation;
pub mod message;
pub mod organization;
pub mod workspace;
