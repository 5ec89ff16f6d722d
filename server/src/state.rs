//! What the running application holds: the shared [`Handles`] and the feature services that
//! more than one feature uses, built once by `startup`. No feature imports this module; each
//! gets its part through its `install` (`wiring`), so imports keep pointing one way.

use crate::{
    accounts::AccountService,
    answers::Answerer,
    conversations::ConversationService,
    knowledge::KnowledgeService,
    search::{ConversationSearch, MessageSearch},
    widget::Connections,
    wiring::Handles,
};

/// Cheap to clone: every field is a handle.
#[derive(Clone)]
pub struct AppState {
    pub handles: Handles,
    pub accounts: AccountService,
    pub search: MessageSearch,
    /// Conversations by what was said, noted and tagged, and who the customer is.
    pub conversation_search: ConversationSearch,
    pub conversations: ConversationService,
    /// What each bot knows (the knowledge page, its REST routes, the answer engine).
    pub knowledge: KnowledgeService,
    /// The bot's answers (the replies listener, "test your bot" in REST and the dashboard).
    pub answers: Answerer,
    /// Widget connections open per workspace (the plan's cap).
    pub connections: Connections,
}
