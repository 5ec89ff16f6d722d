//! Typed server functions, one file per dashboard area: who is asking, one port call, a DTO
//! back. No logic lives here. Endpoints are named explicitly (`/api/fn/<endpoint>`), so the
//! files can move without changing a URL.

mod accounts;
mod answers;
mod bots;
mod conversations;
mod evaluation;
mod knowledge;
mod organization;
mod platform;
mod profile;
mod settings;

pub use accounts::*;
pub use answers::*;
pub use bots::*;
pub use conversations::*;
pub use evaluation::*;
pub use knowledge::*;
pub use organization::*;
pub use platform::*;
pub use profile::*;
pub use settings::*;
