//! People in the conversation (PRD story 3.2 and §5.3.3): an agent takes a conversation over
//! from the bot (or the queue), writes to the visitor, gives it back to the bot or resolves it;
//! the visitor rates a resolved conversation. One agent holds a conversation at a time. Each
//! action is one transaction that also writes the conversation's history, and the takeover
//! the audit log; the frames (`agent:joined`, `conversation:resolved`…) follow from the events
//! published after commit.

use app::{
    ApiError,
    auth::Permission,
    dto::{
        AgentRef, ConversationAction, ConversationDetail, ConversationId, ConversationStatus,
        ConversationView, SenderKind,
    },
    protocol::Survey,
    ssr::Viewer,
};
use chrono::Utc;
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::{
    ConversationService, MessageContent, NewMessage, append_message, conversation_view, history,
    history::Actor, load_conversation, lock_conversation, message_view, set_status, status_of,
};
use crate::{
    audit,
    bots::Bot,
    entities::{bot, conversation, user},
    error::Result,
    events::DomainEvent,
    shared::ClientInfo,
};

/// Longest resolution note, in characters.
const MAX_NOTE_CHARS: usize = 2_000;
/// Longest comment with a rating, in characters.
const MAX_COMMENT_CHARS: usize = 1_000;

impl ConversationService {
    /// A conversation of the viewer's organization with its messages and history.
    pub async fn detail(&self, viewer: &Viewer, id: ConversationId) -> Result<ConversationDetail> {
        viewer.require(Permission::ViewConversations)?;
        let found = load_conversation(&self.db, viewer.organization_id, id).await?;
        let bot_name = bot_name(&self.db, &found).await?;
        Ok(ConversationDetail {
            others: super::merge::others_of(&self.db, &found).await?,
            notes: self.notes(viewer, id).await?,
            messages: self.messages(viewer.organization_id, id, 0).await?,
            events: history::list(&self.db, viewer.organization_id, id).await?,
            conversation: conversation_view(found, &bot_name)?,
        })
    }

    /// Does `action` as the viewer (an agent, admin or owner). Returns the conversation after it.
    #[tracing::instrument(skip(self, viewer, action, client), fields(org = %viewer.organization_id))]
    pub async fn act(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        action: ConversationAction,
        client: &ClientInfo,
    ) -> Result<ConversationView> {
        viewer.require(Permission::RespondToConversations)?;
        match action {
            ConversationAction::TakeOver { message } => {
                let message =
                    message.filter(|m| !m.trim().is_empty()).map(MessageContent::try_from).transpose()?;
                self.take_over(viewer, id, message, client).await
            }
            ConversationAction::Reply { content } => {
                self.take_over(viewer, id, Some(MessageContent::try_from(content)?), client).await
            }
            ConversationAction::ReturnToBot => self.return_to_bot(viewer, id, client).await,
            ConversationAction::Resolve { note } => self.resolve(viewer, id, note, client).await,
        }
    }

    /// Takes the conversation (waiting, active or escalated → escalated → agent handling: the
    /// PRD's two moves) unless the viewer holds it already, then writes `message` if given.
    /// Another agent's conversation is theirs: `conflict`. A closed one too.
    async fn take_over(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        message: Option<MessageContent>,
        client: &ClientInfo,
    ) -> Result<ConversationView> {
        use ConversationStatus::*;
        let agent = agent_of(&self.db, viewer).await?;
        let actor = Actor::Agent { id: agent.id, name: agent.name.clone() };
        let txn = crate::db::begin_write(&self.db).await?;
        let found = lock_conversation(&txn, viewer.organization_id, id).await?;
        let from = status_of(&found)?;
        let mine = found.assigned_agent_id == Some(agent.id);
        match from {
            AgentHandling if !mine => {
                let holder = found.assigned_agent_name.clone().unwrap_or_else(|| "Another agent".into());
                return Err(ApiError::Conflict {
                    message: format!(
                        "{holder} is handling this conversation. Ask them to give it back first."
                    ),
                }
                .into());
            }
            Escalated
                if found.assigned_agent_id.is_some_and(|given| given != agent.id)
                    && !viewer.role.can(Permission::AssignConversations) =>
            {
                let given = found.assigned_agent_name.clone().unwrap_or_else(|| "Another agent".into());
                return Err(ApiError::Conflict {
                    message: format!(
                        "{given} was given this conversation. Ask them, or an admin, to transfer it."
                    ),
                }
                .into());
            }
            Resolved | Abandoned | Archived => {
                return Err(ApiError::Conflict {
                    message: format!(
                        "This conversation is {}: it opens again when the visitor writes.",
                        from.label().to_lowercase()
                    ),
                }
                .into());
            }
            _ => {}
        }
        let mut current = found;
        if from != AgentHandling {
            let back = set_status(&txn, current, &[Waiting], Active, &actor).await?;
            let up = set_status(&txn, back, &[Active], Escalated, &actor).await?;
            let held = set_status(&txn, up, &[Escalated], AgentHandling, &actor).await?;
            let mut assign: conversation::ActiveModel = held.into();
            assign.assigned_agent_id = Set(Some(agent.id));
            assign.assigned_agent_name = Set(Some(agent.name.clone()));
            assign.transfer_to_id = Set(None);
            assign.transfer_to_name = Set(None);
            assign.transfer_by_name = Set(None);
            assign.transfer_note = Set(None);
            // The ten minutes an agent has to answer start now.
            assign.updated_at = Set(Utc::now());
            current = assign.update(&txn).await?;
            audit::record_by(
                &txn,
                viewer,
                client,
                audit::Change {
                    action: "conversation.takeover",
                    target_type: "conversation",
                    target_id: Some(id.to_string()),
                    before: Some(serde_json::json!({ "status": from.as_str() })),
                    after: Some(serde_json::json!({ "status": AgentHandling.as_str(), "agent": agent.name })),
                },
            )
            .await?;
        }
        let (after, stored) = match &message {
            Some(text) => {
                let (after, stored) = append_message(
                    &txn,
                    &current,
                    NewMessage::said(SenderKind::Agent, &agent.name, text.as_str()),
                )
                .await?;
                (after, Some(stored))
            }
            None => (current, None),
        };
        txn.commit().await?;

        let bot_name = bot_name(&self.db, &after).await?;
        let visitor_id: std::sync::Arc<str> = after.visitor_id.as_str().into();
        let (bot_id, organization_id) = (app::dto::BotId(after.bot_id), viewer.organization_id);
        let mut view = conversation_view(after, &bot_name)?;
        if from != AgentHandling {
            // The takeover's own frame shows the agent as their profile has them.
            view.assigned_agent = Some(agent);
            self.events
                .publish(DomainEvent::StatusChanged {
                    organization_id,
                    bot_id,
                    visitor_id: visitor_id.clone(),
                    conversation: view.clone(),
                    from,
                })
                .await;
        }
        if let Some(stored) = stored {
            self.events
                .publish(DomainEvent::MessageCreated {
                    organization_id,
                    bot_id,
                    visitor_id,
                    conversation: view.clone(),
                    message: message_view(stored)?,
                })
                .await;
        }
        Ok(view)
    }

    /// Gives a conversation an agent holds back to the bot (agent handling → active).
    async fn return_to_bot(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        client: &ClientInfo,
    ) -> Result<ConversationView> {
        self.move_held(viewer, id, ConversationStatus::Active, None, client, |row| {
            row.assigned_agent_id = Set(None);
            row.assigned_agent_name = Set(None);
        })
        .await
    }

    /// Resolves a conversation an agent holds (agent handling → resolved); the visitor is asked
    /// to rate it.
    async fn resolve(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        note: Option<String>,
        client: &ClientInfo,
    ) -> Result<ConversationView> {
        let note = note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > MAX_NOTE_CHARS) {
            return Err(ApiError::validation(
                "resolution_note",
                format!("Keep the resolution note to {MAX_NOTE_CHARS} characters or fewer."),
            )
            .into());
        }
        let now = Utc::now();
        self.move_held(viewer, id, ConversationStatus::Resolved, note.as_deref(), client, |row| {
            row.resolved_at = Set(Some(now));
            row.resolved_by = Set(Some(viewer.user_id));
            row.resolution_note = Set(note.clone());
        })
        .await
    }

    /// Moves a conversation an agent is handling to `to`, with the row's other changes, into
    /// its history with `note`.
    async fn move_held(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        to: ConversationStatus,
        note: Option<&str>,
        client: &ClientInfo,
        change: impl FnOnce(&mut conversation::ActiveModel),
    ) -> Result<ConversationView> {
        let from = ConversationStatus::AgentHandling;
        debug_assert!(from.can_become(to));
        let agent = agent_of(&self.db, viewer).await?;
        let actor = Actor::Agent { id: agent.id, name: agent.name };
        let txn = crate::db::begin_write(&self.db).await?;
        let found = lock_conversation(&txn, viewer.organization_id, id).await?;
        let now = status_of(&found)?;
        if now != from {
            let verb = if to == ConversationStatus::Resolved { "resolved" } else { "given back to the bot" };
            return Err(ApiError::Conflict {
                message: format!(
                    "Only a conversation an agent is handling can be {verb}; this one is {}.",
                    now.label().to_lowercase()
                ),
            }
            .into());
        }
        let mut row: conversation::ActiveModel = found.into();
        row.status = Set(to.as_str().to_owned());
        row.updated_at = Set(Utc::now());
        // A transfer still asked is moot once it closes or goes back to the bot.
        row.transfer_to_id = Set(None);
        row.transfer_to_name = Set(None);
        row.transfer_by_name = Set(None);
        row.transfer_note = Set(None);
        change(&mut row);
        let after = row.update(&txn).await?;
        history::record_move(&txn, &after, (from, to), &actor, note).await?;
        // Resolving and giving back are audited like taking over.
        let action = if to == ConversationStatus::Resolved {
            "conversation.resolved"
        } else {
            "conversation.returned_to_bot"
        };
        audit::record_by(
            &txn,
            viewer,
            client,
            audit::Change {
                action,
                target_type: "conversation",
                target_id: Some(id.to_string()),
                before: Some(serde_json::json!({ "status": from.as_str() })),
                after: Some(match note {
                    Some(note) => serde_json::json!({ "status": to.as_str(), "note": note }),
                    None => serde_json::json!({ "status": to.as_str() }),
                }),
            },
        )
        .await?;
        txn.commit().await?;
        let bot_name = bot_name(&self.db, &after).await?;
        let (organization_id, bot_id, visitor_id) =
            (viewer.organization_id, app::dto::BotId(after.bot_id), after.visitor_id.as_str().into());
        let view = conversation_view(after, &bot_name)?;
        self.events
            .publish(DomainEvent::StatusChanged {
                organization_id,
                bot_id,
                visitor_id,
                conversation: view.clone(),
                from,
            })
            .await;
        // The holder has room for one more now.
        if let Err(err) = self.route(organization_id).await {
            tracing::warn!(error = %err, "routing after a conversation closed failed");
        }
        Ok(view)
    }

    /// The visitor's rating of a conversation an agent resolved: 1–5 and an optional comment,
    /// once.
    #[tracing::instrument(skip(self, bot, comment), fields(bot = %bot.id))]
    pub async fn rate_by_visitor(
        &self,
        bot: &Bot,
        visitor_id: &str,
        id: ConversationId,
        score: u8,
        comment: Option<String>,
    ) -> Result<ConversationView> {
        if !(1..=Survey::SCALE).contains(&score) {
            return Err(ApiError::validation("score", "Choose from 1 to 5 stars.").into());
        }
        let comment = comment.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
        if comment.as_ref().is_some_and(|c| c.chars().count() > MAX_COMMENT_CHARS) {
            return Err(ApiError::validation(
                "comment",
                format!("Keep your comment to {MAX_COMMENT_CHARS} characters or fewer."),
            )
            .into());
        }
        let txn = crate::db::begin_write(&self.db).await?;
        let found = lock_conversation(&txn, bot.organization_id, id).await?;
        if found.visitor_id != visitor_id || found.bot_id != bot.id.0 {
            return Err(ApiError::not_found("conversation").into());
        }
        if found.satisfaction_rating.is_some() {
            return Err(ApiError::Conflict {
                message: "You have rated this conversation already. Thank you!".into(),
            }
            .into());
        }
        if status_of(&found)? != ConversationStatus::Resolved {
            return Err(ApiError::Conflict {
                message: "A conversation can be rated once the team has resolved it.".into(),
            }
            .into());
        }
        let actor = Actor::Visitor { id: visitor_id.to_owned(), name: found.visitor_name.clone() };
        let mut row: conversation::ActiveModel = found.into();
        row.satisfaction_rating = Set(Some(i16::from(score)));
        row.satisfaction_comment = Set(comment.clone());
        row.satisfaction_rated_at = Set(Some(Utc::now()));
        let after = row.update(&txn).await?;
        history::record(
            &txn,
            &after,
            "rated",
            &actor,
            serde_json::json!({ "score": score, "comment": comment }),
        )
        .await?;
        txn.commit().await?;
        let view = conversation_view(after, &bot.name)?;
        self.events
            .publish(DomainEvent::Rated {
                organization_id: bot.organization_id,
                bot_id: bot.id,
                visitor_id: visitor_id.into(),
                conversation: view.clone(),
            })
            .await;
        Ok(view)
    }
}

/// The viewer as the visitor will see them.
async fn agent_of(db: &sea_orm::DatabaseConnection, viewer: &Viewer) -> Result<AgentRef> {
    let member = user::Entity::find_by_id(viewer.user_id)
        .filter(user::Column::OrganizationId.eq(viewer.organization_id.0))
        .one(db)
        .await?
        .ok_or(ApiError::Unauthenticated)?;
    Ok(AgentRef { id: member.id, name: member.name, avatar_url: member.avatar_url, title: member.job_title })
}

pub(super) async fn bot_name(
    db: &sea_orm::DatabaseConnection,
    found: &conversation::Model,
) -> Result<String> {
    Ok(bot::Entity::find_by_id(found.bot_id)
        .filter(bot::Column::OrganizationId.eq(found.organization_id))
        .one(db)
        .await?
        .map(|b| b.name)
        .unwrap_or_default())
}
