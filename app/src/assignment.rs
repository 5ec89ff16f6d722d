//! Who answers whom (issue "The agent inbox": assignment, transfer, queue). Each teammate's
//! status — online, away (their own switch, or no input for a while) or offline (no dashboard
//! open) — and how many conversations they take at once; how the organization routes
//! escalated conversations (by hand, round-robin, least loaded); a transfer asked of a
//! teammate; a waiting visitor's place in the queue.

use serde::{Deserialize, Serialize};

use crate::{ids::ConversationId, names::by_name};

/// Most conversations routing gives one teammate at once.
pub const MAX_CAPACITY: u32 = 50;
/// Longest transfer note, in characters.
pub const MAX_TRANSFER_NOTE_CHARS: usize = 1_000;
/// Minutes without a key or the pointer before a dashboard counts as idle (automatic away).
pub const IDLE_AFTER_MINUTES: u32 = 5;

/// Where a teammate is, as routing and the team see it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum AgentStatus {
    /// Available and at their dashboard: routing gives them conversations.
    Online,
    /// Switched to away, or their dashboard has been idle: nothing new is routed to them.
    Away,
    /// No dashboard open.
    Offline,
}

by_name!(AgentStatus, "agent status" { Online = "online", Away = "away", Offline = "offline" });

impl AgentStatus {
    pub fn label(self) -> &'static str {
        match self {
            Self::Online => "Online",
            Self::Away => "Away",
            Self::Offline => "Offline",
        }
    }
}

/// A teammate's own switch: take conversations (online) or not (away).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum Availability {
    Online,
    Away,
}

by_name!(Availability, "availability" { Online = "online", Away = "away" });

/// How escalated conversations find an agent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum AssignmentMode {
    /// They wait in the queue until someone takes them.
    Manual,
    /// To the online teammate with room who was given one longest ago.
    RoundRobin,
    /// To the online teammate with room holding the fewest open conversations.
    LeastLoaded,
}

by_name!(AssignmentMode, "assignment mode" {
    Manual = "manual",
    RoundRobin = "round_robin",
    LeastLoaded = "least_loaded",
});

impl AssignmentMode {
    pub fn label(self) -> &'static str {
        match self {
            Self::Manual => "By hand: conversations wait in the queue",
            Self::RoundRobin => "Round-robin among online agents",
            Self::LeastLoaded => "To the least busy online agent",
        }
    }
}

/// A teammate as routing sees them (`GET /api/v1/agents`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamAgent {
    pub id: uuid::Uuid,
    pub name: String,
    pub role: String,
    pub status: AgentStatus,
    /// Their own switch (what they are when their dashboard is open and in use).
    pub availability: Availability,
    /// Open conversations they hold or were given (escalated or with them).
    pub open_conversations: u32,
    pub max_conversations: u32,
}

/// The team's routing at a glance: the mode and everyone who can answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TeamRouting {
    pub mode: AssignmentMode,
    pub agents: Vec<TeamAgent>,
    /// Escalated conversations nobody was given yet.
    pub queued: u32,
    /// Who asked, and whether they may give conversations to others and force transfers.
    pub me: uuid::Uuid,
    pub can_assign: bool,
}

/// A transfer the holder asked of a teammate, waiting for their answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TransferView {
    pub to_id: uuid::Uuid,
    pub to_name: String,
    pub by_name: String,
    #[serde(default)]
    pub note: Option<String>,
}

/// What a teammate does about who has a conversation (the inbox's server function).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum RoutingAction {
    /// To a teammate with a note: asked of them, or (`force`, owners and admins) at once.
    Transfer { agent_id: uuid::Uuid, note: Option<String>, force: bool },
    /// The teammate a transfer was asked of takes it, or declines (the holder withdraws).
    AnswerTransfer { accept: bool },
    /// Given by hand, or back to the queue (`None`).
    Assign { agent_id: Option<uuid::Uuid> },
    /// Another conversation of the same customer merged into this one.
    Merge { source: ConversationId },
}

/// A waiting visitor's place in the queue, and about how long until a person answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct QueuePlace {
    pub conversation_id: ConversationId,
    /// 1 is next.
    pub position: u32,
    /// Estimated minutes until a person answers (at least 1).
    pub wait_minutes: u32,
}

impl QueuePlace {
    /// What the visitor reads.
    pub fn sentence(&self) -> String {
        let wait = match self.wait_minutes {
            0 | 1 => "about a minute".to_owned(),
            n => format!("about {n} minutes"),
        };
        match self.position {
            0 | 1 => format!("You are next in line · {wait}"),
            n => format!("You are number {n} in line · {wait}"),
        }
    }
}

/// Estimated wait for place `position` when the recent conversations waited `mean_minutes` on
/// average for one of `online` agents: the queue ahead shared among them.
pub fn estimated_wait(position: u32, mean_minutes: f64, online: u32) -> u32 {
    let agents = f64::from(online.max(1));
    let minutes = (f64::from(position.max(1)) * mean_minutes.max(0.5) / agents).ceil();
    (minutes as u32).clamp(1, 24 * 60)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wait_grows_with_the_queue_and_shrinks_with_agents() {
        assert_eq!(estimated_wait(1, 3.0, 1), 3);
        assert_eq!(estimated_wait(4, 3.0, 1), 12);
        assert_eq!(estimated_wait(4, 3.0, 2), 6);
        // Nobody online: as if one; never zero, never absurd.
        assert_eq!(estimated_wait(1, 0.0, 0), 1);
        assert_eq!(estimated_wait(10_000, 60.0, 1), 1_440);
    }

    #[test]
    fn the_visitor_reads_their_place() {
        let id = ConversationId(uuid::Uuid::nil());
        assert_eq!(
            QueuePlace { conversation_id: id, position: 1, wait_minutes: 1 }.sentence(),
            "You are next in line · about a minute"
        );
        assert_eq!(
            QueuePlace { conversation_id: id, position: 3, wait_minutes: 7 }.sentence(),
            "You are number 3 in line · about 7 minutes"
        );
    }
}
