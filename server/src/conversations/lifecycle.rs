//! The automatic half of the conversation lifecycle (PRD §5.3.1): a conversation waiting on a
//! silent visitor is abandoned after its bot's inactivity timeout, one an agent holds but leaves unanswered goes back to waiting,
//! and a resolved one is archived after 90 days. A background task sweeps every 30 seconds; each
//! move is a conditional update (status and last activity must still be what was read), so a
//! message arriving meanwhile wins, and each move is announced as `conversation:status_changed`.

use std::{collections::HashMap, sync::Arc, time::Duration as StdDuration};

use app::dto::{BotId, ConversationStatus, OrganizationId};
use chrono::{DateTime, Duration, Utc};
use sea_orm::{
    ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect, sea_query::Expr,
};

use super::conversation_view;
use crate::{
    entities::{bot, conversation},
    error::Result,
    events::{DomainEvent, EventBus},
};

/// How long the automatic moves that are not per bot wait. (Waiting → abandoned follows each
/// bot's `behavior.inactivity_timeout_ms`, 5 minutes unless changed.)
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    /// Held by an agent with no activity this long → waiting (back in the queue).
    pub agent_silence: Duration,
    /// Resolved this long → archived.
    pub archive_after: Duration,
}

impl Default for Policy {
    fn default() -> Self {
        Self { agent_silence: Duration::minutes(10), archive_after: Duration::days(90) }
    }
}

/// Conversations moved by one sweep, per rule.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Swept {
    pub abandoned: u64,
    pub returned_to_queue: u64,
    pub archived: u64,
}

/// Rows one sweep moves per rule at most (the next sweep takes the rest).
const BATCH: u64 = 500;

/// Applies every automatic move that is due at `now`.
pub async fn sweep(
    db: &DatabaseConnection,
    events: &EventBus,
    policy: &Policy,
    now: DateTime<Utc>,
) -> Result<Swept> {
    use ConversationStatus::*;
    let mut swept = Swept::default();
    // Every bot's name and inactivity timeout (a sweep reads all organizations' conversations:
    // the one cross-tenant read here, by design). Bots sharing a timeout are swept together.
    let bots = bot::Entity::find().all(db).await?;
    let bot_names: HashMap<uuid::Uuid, String> = bots.iter().map(|b| (b.id, b.name.clone())).collect();
    let mut by_timeout: HashMap<u32, Vec<uuid::Uuid>> = HashMap::new();
    for b in bots {
        let timeout = crate::bots::Bot::from(b.clone()).settings.behavior.inactivity_timeout_ms;
        by_timeout.entry(timeout).or_default().push(b.id);
    }
    let mut rules: Vec<(ConversationStatus, ConversationStatus, Duration, Option<Vec<uuid::Uuid>>)> =
        by_timeout
            .into_iter()
            .map(|(ms, ids)| (Waiting, Abandoned, Duration::milliseconds(i64::from(ms)), Some(ids)))
            .collect();
    rules.push((AgentHandling, Waiting, policy.agent_silence, None));
    rules.push((Resolved, Archived, policy.archive_after, None));
    for (from, to, after, bots) in rules {
        debug_assert!(from.can_become(to), "{from:?} -> {to:?} is not a lifecycle move");
        let mut query = conversation::Entity::find()
            .filter(conversation::Column::Status.eq(from.as_str()))
            .filter(conversation::Column::UpdatedAt.lt(now - after));
        if let Some(ids) = bots {
            query = query.filter(conversation::Column::BotId.is_in(ids));
        }
        let due = query.order_by_asc(conversation::Column::UpdatedAt).limit(BATCH).all(db).await?;
        for row in due {
            let txn = crate::db::begin_write(db).await?;
            let mut update = conversation::Entity::update_many()
                .col_expr(conversation::Column::Status, Expr::value(to.as_str()))
                // The move starts the next clock (a conversation handed back to the queue is not
                // abandoned at once).
                .col_expr(conversation::Column::UpdatedAt, Expr::value(now));
            if to == Waiting {
                // Back in the queue: nobody holds it any more.
                update = update
                    .col_expr(conversation::Column::AssignedAgentId, Expr::value(Option::<uuid::Uuid>::None))
                    .col_expr(conversation::Column::AssignedAgentName, Expr::value(Option::<String>::None));
            }
            let moved = update
                .filter(conversation::Column::Id.eq(row.id))
                .filter(conversation::Column::Status.eq(from.as_str()))
                .filter(conversation::Column::UpdatedAt.eq(row.updated_at))
                .exec(&txn)
                .await?
                .rows_affected;
            if moved == 0 {
                txn.commit().await?;
                continue;
            }
            super::history::record_move(&txn, &row, (from, to), &super::history::Actor::System, None).await?;
            txn.commit().await?;
            match to {
                Abandoned => swept.abandoned += 1,
                Waiting => swept.returned_to_queue += 1,
                _ => swept.archived += 1,
            }
            let bot_name = bot_names.get(&row.bot_id).cloned().unwrap_or_default();
            let (organization_id, bot_id, visitor_id) = (
                OrganizationId(row.organization_id),
                BotId(row.bot_id),
                Arc::<str>::from(row.visitor_id.as_str()),
            );
            let mut after_move = row;
            after_move.status = to.as_str().to_owned();
            after_move.updated_at = now;
            if to == Waiting {
                after_move.assigned_agent_id = None;
                after_move.assigned_agent_name = None;
            }
            events
                .publish(DomainEvent::StatusChanged {
                    organization_id,
                    bot_id,
                    visitor_id,
                    conversation: conversation_view(after_move, &bot_name)?,
                    from,
                })
                .await;
        }
    }
    if swept != Swept::default() {
        tracing::info!(?swept, "conversation lifecycle sweep");
    }
    Ok(swept)
}

/// Sweeps every `every` until the process ends; a failed sweep is logged and retried.
pub async fn run(db: DatabaseConnection, events: EventBus, policy: Policy, every: StdDuration) {
    let mut tick = tokio::time::interval(every);
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = sweep(&db, &events, &policy, Utc::now()).await {
            tracing::warn!(error = %err, "the conversation lifecycle sweep failed");
        }
    }
}
