//! Merging two conversations of one customer (issue "The agent inbox", Chatwoot #9264): the
//! visitor wrote twice (two tabs, came back a day later), the team wants one thread. Every
//! message of both ends up in the kept conversation once, in the order they were written; the
//! internal notes and tags follow; the other conversation is archived and points to the kept
//! one. One transaction: a merge happens whole or not at all.

use std::sync::Arc;

use app::{
    ApiError,
    auth::Permission,
    dto::{BotId, ConversationId, ConversationStatus, ConversationView, OrganizationId},
    ssr::Viewer,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, EntityTrait, QueryFilter, QueryOrder,
    sea_query::{Expr, ExprTrait},
};

use super::{
    ConversationService, conversation_view, handoff::bot_name, history, history::Actor, lock_conversation,
    message_view, status_of, tags,
};
use crate::{
    entities::{conversation, conversation_note, message, user},
    error::Result,
    events::DomainEvent,
};

impl ConversationService {
    /// Merges conversation `source` into `into` (both of the viewer's organization and of the
    /// same customer: the same visitor, or the same email). Returns the kept conversation.
    #[tracing::instrument(skip(self, viewer), fields(org = %viewer.organization_id))]
    pub async fn merge(
        &self,
        viewer: &Viewer,
        into: ConversationId,
        source: ConversationId,
    ) -> Result<ConversationView> {
        viewer.require(Permission::RespondToConversations)?;
        let org = viewer.organization_id;
        if into == source {
            // Ours or not found, before anything else.
            super::load_conversation(&self.db, org, into).await?;
            return Err(ApiError::validation(
                "source_id",
                "Choose another conversation to merge into this one.",
            )
            .into());
        }
        let me = user::Entity::find_by_id(viewer.user_id)
            .filter(user::Column::OrganizationId.eq(org.0))
            .one(&self.db)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let actor = Actor::Agent { id: me.id, name: me.name };
        let txn = crate::db::begin_write(&self.db).await?;
        // Locked in id order, so two merges of the same pair cannot wait on each other.
        let (first, second) = if into.0 < source.0 { (into, source) } else { (source, into) };
        let a = lock_conversation(&txn, org, first).await?;
        let b = lock_conversation(&txn, org, second).await?;
        let (kept, gone) = if a.id == into.0 { (a, b) } else { (b, a) };
        let same_visitor = kept.visitor_id == gone.visitor_id && kept.bot_id == gone.bot_id;
        let same_email = match (&kept.visitor_email, &gone.visitor_email) {
            (Some(x), Some(y)) => x.eq_ignore_ascii_case(y),
            _ => false,
        };
        if !same_visitor && !same_email {
            return Err(ApiError::validation(
                "source_id",
                "These conversations are with different customers: only one customer's conversations merge.",
            )
            .into());
        }
        if gone.merged_into_id.is_some() {
            return Err(ApiError::Conflict { message: "That conversation was merged already.".into() }.into());
        }
        let gone_status = status_of(&gone)?;
        if gone_status == ConversationStatus::AgentHandling && gone.assigned_agent_id != Some(viewer.user_id)
        {
            return Err(ApiError::Conflict {
                message: format!(
                    "{} is answering the other conversation: ask them to resolve it or merge it themselves.",
                    gone.assigned_agent_name.clone().unwrap_or_else(|| "Another agent".into())
                ),
            }
            .into());
        }

        // Every message of both, in the order written; numbered again from 1. Through negative
        // numbers first: (conversation, seq) is unique at every step.
        let mut all = message::Entity::find()
            .filter(message::Column::OrganizationId.eq(org.0))
            .filter(message::Column::ConversationId.is_in([kept.id, gone.id]))
            .all(&txn)
            .await?;
        all.sort_by(|x, y| {
            (x.created_at, x.conversation_id != kept.id, x.seq).cmp(&(
                y.created_at,
                y.conversation_id != kept.id,
                y.seq,
            ))
        });
        for (at, m) in all.iter().enumerate() {
            message::Entity::update_many()
                .col_expr(message::Column::ConversationId, Expr::value(kept.id))
                .col_expr(message::Column::Seq, Expr::value(-(at as i64) - 1))
                .filter(message::Column::Id.eq(m.id))
                .exec(&txn)
                .await?;
        }
        message::Entity::update_many()
            .col_expr(message::Column::Seq, Expr::col(message::Column::Seq).mul(-1))
            .filter(message::Column::ConversationId.eq(kept.id))
            .exec(&txn)
            .await?;
        conversation_note::Entity::update_many()
            .col_expr(conversation_note::Column::ConversationId, Expr::value(kept.id))
            .filter(conversation_note::Column::ConversationId.eq(gone.id))
            .filter(conversation_note::Column::OrganizationId.eq(org.0))
            .exec(&txn)
            .await?;

        let count = all.len() as i64;
        let last = all.iter().max_by_key(|m| m.created_at);
        let mut merged_tags = tags::read_tags(kept.tags.as_deref());
        for tag in tags::read_tags(gone.tags.as_deref()) {
            if !merged_tags.contains(&tag) {
                merged_tags.push(tag);
            }
        }
        let gone_id = gone.id;
        let mut row: conversation::ActiveModel = kept.clone().into();
        row.last_seq = Set(count);
        row.message_count = Set(count);
        if let Some(last) = last {
            row.preview = Set(last.content.chars().take(140).collect());
        }
        row.started_at = Set(Ord::min(kept.started_at, gone.started_at));
        row.last_activity_at = Set(Ord::max(kept.last_activity_at, gone.last_activity_at));
        row.visitor_email = Set(kept.visitor_email.clone().or(gone.visitor_email.clone()));
        row.visitor_name = Set(kept.visitor_name.clone().or(gone.visitor_name.clone()));
        row.tags = Set(tags::stored_tags(&merged_tags));
        row.updated_at = Set(Utc::now());
        let after = row.update(&txn).await?;
        history::record(
            &txn,
            &after,
            "merged",
            &actor,
            serde_json::json!({ "from": gone_id.to_string(), "messages": count }),
        )
        .await?;

        let mut closed: conversation::ActiveModel = gone.into();
        closed.status = Set(ConversationStatus::Archived.as_str().to_owned());
        closed.merged_into_id = Set(Some(kept.id));
        closed.message_count = Set(0);
        closed.assigned_agent_id = Set(None);
        closed.assigned_agent_name = Set(None);
        closed.transfer_to_id = Set(None);
        closed.transfer_to_name = Set(None);
        closed.transfer_by_name = Set(None);
        closed.transfer_note = Set(None);
        closed.updated_at = Set(Utc::now());
        let closed = closed.update(&txn).await?;
        history::record(
            &txn,
            &closed,
            "merged_away",
            &actor,
            serde_json::json!({ "into": kept.id.to_string(), "status": gone_status.as_str() }),
        )
        .await?;
        let moved = message::Entity::find()
            .filter(message::Column::ConversationId.eq(kept.id))
            .order_by_asc(message::Column::Seq)
            .all(&txn)
            .await?;
        txn.commit().await?;

        let bot = bot_name(&self.db, &after).await?;
        let view = conversation_view(after, &bot)?;
        let closed_bot = bot_name(&self.db, &closed).await?;
        let (closed_bot_id, closed_visitor): (BotId, Arc<str>) =
            (BotId(closed.bot_id), closed.visitor_id.as_str().into());
        let closed_view = conversation_view(closed, &closed_bot)?;
        let messages = moved.into_iter().map(message_view).collect::<Result<Vec<_>>>()?;
        self.events
            .publish(DomainEvent::Merged {
                organization_id: OrganizationId(org.0),
                conversation: view.clone(),
                messages,
            })
            .await;
        self.events
            .publish(DomainEvent::StatusChanged {
                organization_id: org,
                bot_id: closed_bot_id,
                visitor_id: closed_visitor,
                conversation: closed_view,
                from: gone_status,
            })
            .await;
        Ok(view)
    }
}

/// How many of a customer's other conversations the pane lists.
const OTHERS_SHOWN: u64 = 20;

/// The customer's other conversations, newest first: the same visitor of the same bot, or the
/// same email; not those merged away.
pub(super) async fn others_of(
    db: &sea_orm::DatabaseConnection,
    found: &conversation::Model,
) -> Result<Vec<ConversationView>> {
    use sea_orm::{Condition, QuerySelect};
    let mut same = Condition::any().add(
        Condition::all()
            .add(conversation::Column::VisitorId.eq(found.visitor_id.as_str()))
            .add(conversation::Column::BotId.eq(found.bot_id)),
    );
    if let Some(email) = &found.visitor_email {
        same = same.add(conversation::Column::VisitorEmail.eq(email.as_str()));
    }
    let rows = conversation::Entity::find()
        .filter(conversation::Column::OrganizationId.eq(found.organization_id))
        .filter(conversation::Column::Id.ne(found.id))
        .filter(conversation::Column::MergedIntoId.is_null())
        .filter(same)
        .order_by_desc(conversation::Column::StartedAt)
        .limit(OTHERS_SHOWN)
        .all(db)
        .await?;
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let name = bot_name(db, &row).await?;
        out.push(conversation_view(row, &name)?);
    }
    Ok(out)
}
