//! Who answers whom (issue "The agent inbox"): each teammate's status and capacity, the
//! organization's routing of escalated conversations (by hand, round-robin, least loaded), a
//! conversation given to a teammate by hand, a transfer asked of a teammate (or forced by an
//! admin) with a note, and a waiting visitor's place in the queue with the estimated wait.
//!
//! A teammate is **online** for routing when their switch says online and one of their
//! dashboards is open and in use (`shared::at_work`: the page reports itself idle after
//! `app::assignment::IDLE_AFTER_MINUTES` without input — the automatic away); **away** when
//! the switch says so or every dashboard is idle; **offline** with no dashboard open. Their
//! load is the open conversations they hold or were given (escalated or with them).
//!
//! Routing runs after every escalation and change of availability, and every few seconds
//! (a teammate who opened a dashboard or came back). Passes take turns (one lock), and a
//! conversation is given with a conditional write (still escalated, still nobody's), so no
//! conversation goes to two agents and no agent is given more than their capacity.

use std::collections::HashMap;

use app::{
    ApiError,
    assignment::{
        AgentStatus, AssignmentMode, Availability, MAX_CAPACITY, MAX_TRANSFER_NOTE_CHARS, QueuePlace,
        TeamAgent, TeamRouting, estimated_wait,
    },
    auth::{Permission, Role},
    dto::{AgentRef, BotId, ConversationId, ConversationStatus, ConversationView, OrganizationId},
    ssr::Viewer,
};
use chrono::{DateTime, Utc};
use sea_orm::{
    ActiveModelTrait,
    ActiveValue::Set,
    ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

use super::{
    ConversationService, conversation_view, handoff::bot_name, history, history::Actor, lock_conversation,
    status_of,
};
use crate::{
    entities::{conversation, conversation_event, organization, user},
    error::Result,
    events::DomainEvent,
};

/// Roles that answer conversations (and so can be given one).
const ANSWERING: [&str; 3] = ["owner", "admin", "agent"];
/// How long a conversation waited for a person, on average, when nothing is known yet.
const DEFAULT_WAIT_MINUTES: f64 = 3.0;
/// How many recent takeovers the estimated wait averages.
const WAIT_SAMPLE: u64 = 200;

/// A transfer or assignment as asked (`POST …/{id}/transfer`, `…/assign`).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct TransferRequest {
    /// The teammate to hand the conversation to.
    pub agent_id: Uuid,
    /// What they should know, shown in the conversation's history.
    #[serde(default)]
    pub note: Option<String>,
    /// Move it now instead of asking them (owners and admins).
    #[serde(default)]
    pub force: bool,
}

impl ConversationService {
    /// The team as routing sees it: the mode, every teammate who answers with their status and
    /// load, and how many conversations wait for nobody in particular.
    pub async fn team_routing(&self, viewer: &Viewer) -> Result<TeamRouting> {
        viewer.require(Permission::ViewConversations)?;
        let org = viewer.organization_id;
        let mode = mode_of(&self.db, org).await?;
        let loads = loads(&self.db, org).await?;
        let agents =
            answering(&self.db, org).await?.into_iter().map(|u| self.as_team_agent(org, u, &loads)).collect();
        let queued = queue(&self.db, org).await?.len() as u32;
        Ok(TeamRouting {
            mode,
            agents,
            queued,
            me: viewer.user_id,
            can_assign: viewer.role.can(Permission::AssignConversations),
        })
    }

    /// The viewer's own switch: take conversations (online) or not (away).
    pub async fn set_availability(&self, viewer: &Viewer, availability: Availability) -> Result<TeamAgent> {
        viewer.require(Permission::RespondToConversations)?;
        let me = member(&self.db, viewer.organization_id, viewer.user_id).await?;
        let mut row: user::ActiveModel = me.into();
        row.availability = Set(availability.as_str().to_owned());
        row.update(&self.db).await?;
        self.route(viewer.organization_id).await?;
        self.team_agent(viewer.organization_id, viewer.user_id).await
    }

    /// How many open conversations routing gives a teammate at once (owners and admins).
    pub async fn set_capacity(&self, viewer: &Viewer, agent_id: Uuid, max: u32) -> Result<TeamAgent> {
        viewer.require(Permission::AssignConversations)?;
        if !(1..=MAX_CAPACITY).contains(&max) {
            return Err(ApiError::validation(
                "max_conversations",
                format!("Choose from 1 to {MAX_CAPACITY} conversations at once."),
            )
            .into());
        }
        let member = member(&self.db, viewer.organization_id, agent_id).await?;
        let mut row: user::ActiveModel = member.into();
        row.max_conversations = Set(max as i32);
        row.update(&self.db).await?;
        self.route(viewer.organization_id).await?;
        self.team_agent(viewer.organization_id, agent_id).await
    }

    /// How escalated conversations find an agent (owners and admins).
    pub async fn set_assignment_mode(&self, viewer: &Viewer, mode: AssignmentMode) -> Result<TeamRouting> {
        viewer.require(Permission::AssignConversations)?;
        let org = organization::Entity::find_by_id(viewer.organization_id.0)
            .one(&self.db)
            .await?
            .ok_or(ApiError::Unauthenticated)?;
        let mut row: organization::ActiveModel = org.into();
        row.assignment_mode = Set(mode.as_str().to_owned());
        row.update(&self.db).await?;
        self.route(viewer.organization_id).await?;
        self.team_routing(viewer).await
    }

    /// Gives a conversation to a teammate by hand, or back to the queue (`None`). Agents take
    /// one for themselves or put back their own; giving it to someone else, or taking one an
    /// agent answers, is for owners and admins. Only conversations waiting for a person or
    /// with one can be given: the bot's are taken over first.
    pub async fn assign(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        to: Option<Uuid>,
    ) -> Result<ConversationView> {
        viewer.require(Permission::RespondToConversations)?;
        let admin = viewer.role.can(Permission::AssignConversations);
        let org = viewer.organization_id;
        let actor = actor_of(&self.db, viewer).await?;
        let txn = crate::db::begin_write(&self.db).await?;
        let found = lock_conversation(&txn, org, id).await?;
        let target = match to {
            Some(agent) => Some(answering_member(&txn, org, agent).await?),
            None => None,
        };
        let status = status_of(&found)?;
        let mine = found.assigned_agent_id == Some(viewer.user_id);
        let holder = found.assigned_agent_name.clone().unwrap_or_else(|| "Another agent".into());
        match (status, &target) {
            (ConversationStatus::Escalated | ConversationStatus::AgentHandling, _) => {}
            _ => {
                return Err(ApiError::Conflict {
                    message: format!(
                        "Only a conversation waiting for a person or with one can be assigned; this one is {}.",
                        status.label().to_lowercase()
                    ),
                }
                .into());
            }
        }
        if !admin {
            let for_me = target.as_ref().is_some_and(|t| t.id == viewer.user_id);
            let allowed = match (&target, status) {
                (Some(_), ConversationStatus::Escalated) => {
                    for_me && (found.assigned_agent_id.is_none() || mine)
                }
                (None, ConversationStatus::Escalated) => mine,
                _ => false,
            };
            if !allowed {
                return Err(ApiError::Conflict {
                    message: match found.assigned_agent_id {
                        Some(_) if !mine => format!(
                            "{holder} has this conversation: ask them to transfer it, or an admin to move it."
                        ),
                        _ => "Only owners and admins give conversations to others; take it yourself, or transfer one you hold.".into(),
                    },
                }
                .into());
            }
        }
        if target.is_none() && status == ConversationStatus::AgentHandling {
            return Err(ApiError::Conflict {
                message:
                    "Someone is answering this conversation: give it back to the bot or transfer it instead."
                        .into(),
            }
            .into());
        }
        let after = give(&txn, found, target.as_ref(), &actor, None, "assigned").await?;
        txn.commit().await?;
        let view = self.announce_reassigned(after).await?;
        self.route(org).await?;
        Ok(view)
    }

    /// Hands a conversation to a teammate with a note. The holder asks (the teammate accepts or
    /// declines); owners and admins may `force` it, which moves it at once from anyone.
    pub async fn transfer(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        request: TransferRequest,
    ) -> Result<ConversationView> {
        viewer.require(Permission::RespondToConversations)?;
        let note = request.note.map(|n| n.trim().to_owned()).filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > MAX_TRANSFER_NOTE_CHARS) {
            return Err(ApiError::validation(
                "note",
                format!("Keep the note to {MAX_TRANSFER_NOTE_CHARS} characters or fewer."),
            )
            .into());
        }
        if request.force {
            viewer.require(Permission::AssignConversations)?;
        }
        let org = viewer.organization_id;
        let actor = actor_of(&self.db, viewer).await?;
        let txn = crate::db::begin_write(&self.db).await?;
        let found = lock_conversation(&txn, org, id).await?;
        let target = answering_member(&txn, org, request.agent_id).await?;
        let status = status_of(&found)?;
        if !matches!(status, ConversationStatus::Escalated | ConversationStatus::AgentHandling) {
            return Err(ApiError::Conflict {
                message: format!(
                    "Only a conversation waiting for a person or with one can be transferred; this one is {}.",
                    status.label().to_lowercase()
                ),
            }
            .into());
        }
        if found.assigned_agent_id == Some(target.id) {
            return Err(ApiError::validation("agent_id", format!("{} has it already.", target.name)).into());
        }
        let after = if request.force {
            give(&txn, found, Some(&target), &actor, note.as_deref(), "transferred").await?
        } else {
            if found.assigned_agent_id != Some(viewer.user_id) {
                return Err(ApiError::Conflict {
                    message:
                        "Only the teammate holding a conversation can hand it over; an admin can move it."
                            .into(),
                }
                .into());
            }
            let Actor::Agent { name: by, .. } = &actor else { unreachable!("a teammate acts as an agent") };
            let mut row: conversation::ActiveModel = found.into();
            row.transfer_to_id = Set(Some(target.id));
            row.transfer_to_name = Set(Some(target.name.clone()));
            row.transfer_by_name = Set(Some(by.clone()));
            row.transfer_note = Set(note.clone());
            let asked = row.update(&txn).await?;
            history::record(
                &txn,
                &asked,
                "transfer_requested",
                &actor,
                serde_json::json!({ "to": target.name, "note": note }),
            )
            .await?;
            asked
        };
        txn.commit().await?;
        let view = self.announce_reassigned(after).await?;
        Ok(view)
    }

    /// The teammate a transfer was asked of accepts it (the conversation is theirs) or declines
    /// it (it stays with the holder). The holder may also withdraw it (`accept: false`).
    pub async fn answer_transfer(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        accept: bool,
    ) -> Result<ConversationView> {
        viewer.require(Permission::RespondToConversations)?;
        let org = viewer.organization_id;
        let actor = actor_of(&self.db, viewer).await?;
        let txn = crate::db::begin_write(&self.db).await?;
        let found = lock_conversation(&txn, org, id).await?;
        let Some(to) = found.transfer_to_id else {
            return Err(ApiError::Conflict {
                message: "Nobody asked for this conversation to be transferred.".into(),
            }
            .into());
        };
        let holder = found.assigned_agent_id == Some(viewer.user_id);
        // The one asked answers; the holder may only withdraw.
        let withdrawing = holder && !accept;
        if to != viewer.user_id && !withdrawing {
            return Err(ApiError::Conflict {
                message: format!(
                    "This transfer was asked of {}: only they can answer it.",
                    found.transfer_to_name.clone().unwrap_or_default()
                ),
            }
            .into());
        }
        let after = if accept {
            let me = answering_member(&txn, org, viewer.user_id).await?;
            let note = found.transfer_note.clone();
            give(&txn, found, Some(&me), &actor, note.as_deref(), "transfer_accepted").await?
        } else {
            let mut row: conversation::ActiveModel = found.into();
            clear_transfer(&mut row);
            let declined = row.update(&txn).await?;
            let kind = if holder { "transfer_withdrawn" } else { "transfer_declined" };
            history::record(&txn, &declined, kind, &actor, serde_json::json!({})).await?;
            declined
        };
        txn.commit().await?;
        self.announce_reassigned(after).await
    }

    /// A waiting conversation's place in the queue (`None` once someone has it, or it is not
    /// waiting): what its visitor is told when their widget comes back.
    pub async fn queue_place(&self, org: OrganizationId, id: ConversationId) -> Result<Option<QueuePlace>> {
        Ok(self
            .queue_places(org)
            .await?
            .into_iter()
            .find_map(|(_, _, place)| (place.conversation_id == id).then_some(place)))
    }

    /// Gives waiting conversations to teammates at work with room, by the organization's mode,
    /// then tells every visitor still waiting their place in the queue.
    #[tracing::instrument(skip(self))]
    pub async fn route(&self, org: OrganizationId) -> Result<()> {
        let _turn = self.routing.lock().await;
        let mode = mode_of(&self.db, org).await?;
        if mode != AssignmentMode::Manual {
            let waiting = queue(&self.db, org).await?;
            if !waiting.is_empty() {
                let mut loads = loads(&self.db, org).await?;
                let mut team: Vec<user::Model> = answering(&self.db, org)
                    .await?
                    .into_iter()
                    .filter(|u| self.status_of(org, u) == AgentStatus::Online)
                    .collect();
                for waiting in waiting {
                    let Some(at) = pick(mode, &team, &loads) else { break };
                    let agent = team[at].clone();
                    if self.give_routed(&waiting, &agent).await? {
                        *loads.entry(agent.id).or_default() += 1;
                        let now = Utc::now();
                        let mut row: user::ActiveModel = agent.into();
                        row.last_assigned_at = Set(Some(now));
                        row.update(&self.db).await?;
                        team[at].last_assigned_at = Some(now);
                    }
                }
            }
        }
        for (bot_id, visitor_id, place) in self.queue_places(org).await? {
            self.events
                .publish(DomainEvent::QueueMoved { bot_id, visitor_id: visitor_id.into(), place })
                .await;
        }
        Ok(())
    }

    /// Routes every organization with conversations waiting (the periodic pass: teammates who
    /// opened a dashboard or came back to one).
    pub async fn route_all(&self) -> Result<()> {
        let orgs: Vec<Uuid> = conversation::Entity::find()
            .select_only()
            .column(conversation::Column::OrganizationId)
            .filter(conversation::Column::Status.eq(ConversationStatus::Escalated.as_str()))
            .filter(conversation::Column::AssignedAgentId.is_null())
            .distinct()
            .into_tuple()
            .all(&self.db)
            .await?;
        for org in orgs {
            self.route(OrganizationId(org)).await?;
        }
        Ok(())
    }

    /// One conversation given by routing, if it is still waiting for nobody: `true` if given.
    async fn give_routed(&self, waiting: &conversation::Model, agent: &user::Model) -> Result<bool> {
        let txn = crate::db::begin_write(&self.db).await?;
        let found =
            lock_conversation(&txn, OrganizationId(waiting.organization_id), ConversationId(waiting.id))
                .await?;
        if found.status != ConversationStatus::Escalated.as_str() || found.assigned_agent_id.is_some() {
            txn.commit().await?;
            return Ok(false);
        }
        let to = AgentRef {
            id: agent.id,
            name: agent.name.clone(),
            avatar_url: agent.avatar_url.clone(),
            title: agent.job_title.clone(),
        };
        let after = give(&txn, found, Some(&to), &Actor::System, None, "assigned").await?;
        txn.commit().await?;
        self.announce_reassigned(after).await?;
        Ok(true)
    }

    async fn announce_reassigned(&self, after: conversation::Model) -> Result<ConversationView> {
        let bot_name = bot_name(&self.db, &after).await?;
        let (organization_id, bot_id, visitor_id) =
            (OrganizationId(after.organization_id), BotId(after.bot_id), after.visitor_id.as_str().into());
        let view = conversation_view(after, &bot_name)?;
        self.events
            .publish(DomainEvent::Reassigned {
                organization_id,
                bot_id,
                visitor_id,
                conversation: view.clone(),
            })
            .await;
        Ok(view)
    }

    /// Every conversation waiting for nobody in particular, with its visitor and place.
    async fn queue_places(&self, org: OrganizationId) -> Result<Vec<(BotId, String, QueuePlace)>> {
        let waiting = queue(&self.db, org).await?;
        if waiting.is_empty() {
            return Ok(Vec::new());
        }
        let mean = mean_wait_minutes(&self.db, org).await?;
        let online = answering(&self.db, org)
            .await?
            .iter()
            .filter(|u| self.status_of(org, u) == AgentStatus::Online)
            .count() as u32;
        Ok(waiting
            .into_iter()
            .enumerate()
            .map(|(at, c)| {
                let position = at as u32 + 1;
                let place = QueuePlace {
                    conversation_id: ConversationId(c.id),
                    position,
                    wait_minutes: estimated_wait(position, mean, online),
                };
                (BotId(c.bot_id), c.visitor_id, place)
            })
            .collect())
    }

    fn status_of(&self, org: OrganizationId, member: &user::Model) -> AgentStatus {
        match self.at_work.at_work(org, member.id) {
            None => AgentStatus::Offline,
            Some(true) if member.availability == Availability::Online.as_str() => AgentStatus::Online,
            Some(_) => AgentStatus::Away,
        }
    }

    async fn team_agent(&self, org: OrganizationId, id: Uuid) -> Result<TeamAgent> {
        let member = member(&self.db, org, id).await?;
        let loads = loads(&self.db, org).await?;
        Ok(self.as_team_agent(org, member, &loads))
    }

    /// A teammate as routing sees them: status, load and capacity.
    fn as_team_agent(&self, org: OrganizationId, u: user::Model, loads: &HashMap<Uuid, u32>) -> TeamAgent {
        TeamAgent {
            status: self.status_of(org, &u),
            open_conversations: loads.get(&u.id).copied().unwrap_or(0),
            max_conversations: u32::try_from(u.max_conversations).unwrap_or(0),
            availability: u.availability.parse().unwrap_or(Availability::Online),
            id: u.id,
            name: u.name,
            role: u.role,
        }
    }
}

/// Moves `found` to `to` (or back to the queue), clearing any transfer asked; the history says
/// `kind` with the note. A conversation an agent answers stays with a person: the new holder
/// has their ten minutes to answer from now.
async fn give<C: ConnectionTrait>(
    txn: &C,
    found: conversation::Model,
    to: Option<&AgentRef>,
    actor: &Actor,
    note: Option<&str>,
    kind: &str,
) -> Result<conversation::Model> {
    let from = found.assigned_agent_name.clone();
    let mut row: conversation::ActiveModel = found.into();
    row.assigned_agent_id = Set(to.map(|a| a.id));
    row.assigned_agent_name = Set(to.map(|a| a.name.clone()));
    row.updated_at = Set(Utc::now());
    clear_transfer(&mut row);
    let after = row.update(txn).await?;
    history::record(
        txn,
        &after,
        kind,
        actor,
        serde_json::json!({ "from": from, "to": to.map(|a| a.name.clone()), "note": note }),
    )
    .await?;
    Ok(after)
}

fn clear_transfer(row: &mut conversation::ActiveModel) {
    row.transfer_to_id = Set(None);
    row.transfer_to_name = Set(None);
    row.transfer_by_name = Set(None);
    row.transfer_note = Set(None);
}

/// The teammate routing gives the next conversation to: online (the caller filtered), with
/// room; round-robin takes who was given one longest ago (never first), least loaded who holds
/// fewest (then the same).
fn pick(mode: AssignmentMode, team: &[user::Model], loads: &HashMap<Uuid, u32>) -> Option<usize> {
    let load = |u: &user::Model| loads.get(&u.id).copied().unwrap_or(0);
    let idle_since = |u: &user::Model| u.last_assigned_at.unwrap_or(DateTime::<Utc>::MIN_UTC);
    let eligible =
        team.iter().enumerate().filter(|(_, u)| i64::from(load(u)) < i64::from(u.max_conversations));
    match mode {
        AssignmentMode::Manual => None,
        AssignmentMode::RoundRobin => eligible.min_by_key(|(_, u)| (idle_since(u), u.id)).map(|(at, _)| at),
        AssignmentMode::LeastLoaded => {
            eligible.min_by_key(|(_, u)| (load(u), idle_since(u), u.id)).map(|(at, _)| at)
        }
    }
}

async fn mode_of(db: &DatabaseConnection, org: OrganizationId) -> Result<AssignmentMode> {
    Ok(organization::Entity::find_by_id(org.0)
        .one(db)
        .await?
        .and_then(|o| o.assignment_mode.parse().ok())
        .unwrap_or(AssignmentMode::Manual))
}

/// Active teammates whose role answers conversations, by name.
async fn answering(db: &DatabaseConnection, org: OrganizationId) -> Result<Vec<user::Model>> {
    Ok(user::Entity::find()
        .filter(user::Column::OrganizationId.eq(org.0))
        .filter(user::Column::Status.eq("active"))
        .filter(user::Column::Role.is_in(ANSWERING))
        .order_by_asc(user::Column::Name)
        .all(db)
        .await?)
}

async fn member(db: &DatabaseConnection, org: OrganizationId, id: Uuid) -> Result<user::Model> {
    user::Entity::find_by_id(id)
        .filter(user::Column::OrganizationId.eq(org.0))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("teammate").into())
}

/// A teammate of the organization who answers conversations, as the inbox shows them.
async fn answering_member<C: ConnectionTrait>(db: &C, org: OrganizationId, id: Uuid) -> Result<AgentRef> {
    let found = user::Entity::find_by_id(id).filter(user::Column::OrganizationId.eq(org.0)).one(db).await?;
    let Some(u) = found else {
        return Err(ApiError::validation("agent_id", "Choose a teammate of your organization.").into());
    };
    let answers = u.role.parse::<Role>().is_ok_and(|r| r.can(Permission::RespondToConversations));
    if u.status != "active" || !answers {
        return Err(
            ApiError::validation("agent_id", format!("{} does not answer conversations.", u.name)).into()
        );
    }
    Ok(AgentRef { id: u.id, name: u.name, avatar_url: u.avatar_url, title: u.job_title })
}

async fn actor_of(db: &DatabaseConnection, viewer: &Viewer) -> Result<Actor> {
    let me =
        member(db, viewer.organization_id, viewer.user_id).await.map_err(|_| ApiError::Unauthenticated)?;
    Ok(Actor::Agent { id: me.id, name: me.name })
}

/// Open conversations per teammate: those they were given or hold.
async fn loads(db: &DatabaseConnection, org: OrganizationId) -> Result<HashMap<Uuid, u32>> {
    let rows: Vec<(Option<Uuid>, i64)> = conversation::Entity::find()
        .select_only()
        .column(conversation::Column::AssignedAgentId)
        .column_as(Expr::col(conversation::Column::Id).count(), "n")
        .filter(conversation::Column::OrganizationId.eq(org.0))
        .filter(
            conversation::Column::Status
                .is_in([ConversationStatus::Escalated.as_str(), ConversationStatus::AgentHandling.as_str()]),
        )
        .filter(conversation::Column::AssignedAgentId.is_not_null())
        .group_by(conversation::Column::AssignedAgentId)
        .into_tuple()
        .all(db)
        .await?;
    Ok(rows.into_iter().filter_map(|(id, n)| Some((id?, u32::try_from(n).unwrap_or(u32::MAX)))).collect())
}

/// Conversations waiting for a person that nobody was given, longest waiting first.
async fn queue(db: &DatabaseConnection, org: OrganizationId) -> Result<Vec<conversation::Model>> {
    Ok(conversation::Entity::find()
        .filter(conversation::Column::OrganizationId.eq(org.0))
        .filter(conversation::Column::Status.eq(ConversationStatus::Escalated.as_str()))
        .filter(conversation::Column::AssignedAgentId.is_null())
        .order_by_asc(conversation::Column::QueuedAt)
        .order_by_asc(conversation::Column::Id)
        .all(db)
        .await?)
}

/// How long the organization's recent conversations waited between joining the queue and a
/// person taking them over, in minutes (a default before any).
async fn mean_wait_minutes(db: &DatabaseConnection, org: OrganizationId) -> Result<f64> {
    let events = conversation_event::Entity::find()
        .filter(conversation_event::Column::OrganizationId.eq(org.0))
        .filter(conversation_event::Column::EventType.is_in(["escalated", "agent_joined"]))
        .order_by_desc(conversation_event::Column::CreatedAt)
        .limit(WAIT_SAMPLE)
        .all(db)
        .await?;
    // Newest first: each takeover pairs with the escalation just before it.
    let mut joined: HashMap<Uuid, DateTime<Utc>> = HashMap::new();
    let mut waits = Vec::new();
    for e in events {
        match e.event_type.as_str() {
            "agent_joined" => {
                joined.insert(e.conversation_id, e.created_at);
            }
            _ => {
                if let Some(at) = joined.remove(&e.conversation_id) {
                    waits.push(Ord::max((at - e.created_at).num_seconds(), 0) as f64 / 60.0);
                }
            }
        }
    }
    if waits.is_empty() {
        return Ok(DEFAULT_WAIT_MINUTES);
    }
    Ok(waits.iter().sum::<f64>() / waits.len() as f64)
}

/// The periodic routing pass (see the module doc), woken early when a teammate arrives.
pub async fn run(conversations: ConversationService, every: std::time::Duration) {
    let at_work = conversations.at_work.clone();
    loop {
        tokio::select! {
            () = tokio::time::sleep(every) => {}
            () = at_work.changed() => {}
        }
        if let Err(err) = conversations.route_all().await {
            tracing::warn!(error = %err, "routing waiting conversations failed");
        }
    }
}
