//! A conversation's history (`conversation_events`): each lifecycle move and each thing a person
//! did to it, written in the transaction that did it, read back for the inbox and the API.
//! The bot's turn-taking (active ⇄ waiting after each answer) is bookkeeping, not history.

use app::dto::{ConversationEventView, ConversationId, ConversationStatus, OrganizationId};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, ConnectionTrait, EntityTrait, QueryFilter, QueryOrder};
use uuid::Uuid;

use crate::shared::rfc3339;
use crate::{
    entities::{conversation, conversation_event},
    error::Result,
};

/// Who did it.
#[derive(Debug, Clone)]
pub enum Actor {
    Visitor {
        id: String,
        name: Option<String>,
    },
    Agent {
        id: Uuid,
        name: String,
    },
    Bot,
    /// The lifecycle sweep, business hours.
    System,
}

impl Actor {
    fn parts(&self) -> (&'static str, Option<String>, Option<String>) {
        match self {
            Self::Visitor { id, name } => ("visitor", Some(id.clone()), name.clone()),
            Self::Agent { id, name } => ("agent", Some(id.to_string()), Some(name.clone())),
            Self::Bot => ("bot", None, None),
            Self::System => ("system", None, None),
        }
    }
}

/// The history's name for a lifecycle move; `None` for the bot's turn-taking.
pub fn kind_of_move(from: ConversationStatus, to: ConversationStatus) -> Option<&'static str> {
    use ConversationStatus::*;
    Some(match (from, to) {
        (Active, Waiting) | (Waiting, Active) => return None,
        (_, Escalated) => "escalated",
        (_, AgentHandling) => "agent_joined",
        (AgentHandling, Active) => "returned_to_ai",
        (AgentHandling, Waiting) => "agent_left",
        (_, Resolved) => "resolved",
        (Resolved | Abandoned, Active) => "reopened",
        (_, Abandoned) => "abandoned",
        (_, Archived) => "archived",
        _ => "status_changed",
    })
}

/// Appends one line to a conversation's history.
pub async fn record<C: ConnectionTrait>(
    db: &C,
    conversation: &conversation::Model,
    kind: &str,
    actor: &Actor,
    data: serde_json::Value,
) -> Result<()> {
    let (actor_kind, actor_id, actor_name) = actor.parts();
    conversation_event::Entity::insert(conversation_event::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(conversation.organization_id),
        conversation_id: Set(conversation.id),
        event_type: Set(kind.to_owned()),
        event_data: Set(Some(data.to_string())),
        actor_kind: Set(actor_kind.to_owned()),
        actor_id: Set(actor_id),
        actor_name: Set(actor_name),
        created_at: Set(Utc::now()),
    })
    .exec_without_returning(db)
    .await?;
    Ok(())
}

/// Records a lifecycle move (unless it is turn-taking), with `from`, `to` and the person's
/// `note` (a resolution note) in its data.
pub async fn record_move<C: ConnectionTrait>(
    db: &C,
    conversation: &conversation::Model,
    (from, to): (ConversationStatus, ConversationStatus),
    actor: &Actor,
    note: Option<&str>,
) -> Result<()> {
    let Some(kind) = kind_of_move(from, to) else { return Ok(()) };
    let mut data = serde_json::json!({ "from": from.as_str(), "to": to.as_str() });
    if let Some(note) = note {
        data["note"] = note.into();
    }
    record(db, conversation, kind, actor, data).await
}

/// A conversation's history, oldest first. The caller has checked the conversation is the
/// organization's; the query is scoped by organization all the same.
pub async fn list<C: ConnectionTrait>(
    db: &C,
    organization: OrganizationId,
    conversation: ConversationId,
) -> Result<Vec<ConversationEventView>> {
    let rows = conversation_event::Entity::find()
        .filter(conversation_event::Column::OrganizationId.eq(organization.0))
        .filter(conversation_event::Column::ConversationId.eq(conversation.0))
        .order_by_asc(conversation_event::Column::CreatedAt)
        .order_by_asc(conversation_event::Column::Id)
        .all(db)
        .await?;
    Ok(rows
        .into_iter()
        .map(|row| ConversationEventView {
            kind: row.event_type,
            actor_kind: row.actor_kind,
            actor_name: row.actor_name,
            data: row
                .event_data
                .and_then(|raw| serde_json::from_str(&raw).ok())
                .unwrap_or(serde_json::Value::Null),
            created_at: rfc3339(row.created_at),
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_lifecycle_move_but_turn_taking_is_history() {
        use ConversationStatus::*;
        for from in ConversationStatus::ALL {
            for to in ConversationStatus::ALL {
                if !from.can_become(to) {
                    continue;
                }
                let kind = kind_of_move(from, to);
                let turn = matches!((from, to), (Active, Waiting) | (Waiting, Active));
                assert_eq!(kind.is_none(), turn, "{from:?} -> {to:?}");
            }
        }
        assert_eq!(kind_of_move(Escalated, AgentHandling), Some("agent_joined"));
        assert_eq!(kind_of_move(AgentHandling, Active), Some("returned_to_ai"));
        assert_eq!(kind_of_move(Resolved, Active), Some("reopened"));
    }
}
