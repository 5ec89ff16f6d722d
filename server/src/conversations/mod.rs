//! Conversations and messages: the one place that appends a message (per-conversation
//! sequence numbers, idempotency by client message id) and reads them back, always scoped by
//! organization. Publishes `MessageCreated` after each commit.

pub mod assignment;
pub mod canned;
pub mod content;
pub mod export;
pub mod feedback;
pub mod filters;
pub mod handoff;
pub mod history;
pub mod inbox;
pub mod lifecycle;
pub mod limits;
pub mod merge;
pub mod names;
pub mod notes;
pub mod pdf;
pub mod routes;
pub mod tags;

use std::{collections::HashMap, sync::Arc};

use app::{
    ApiError,
    dto::{
        BotId, ConversationId, ConversationStatus, ConversationView, MessageId, MessageView, OrganizationId,
        Sender, SenderKind,
    },
};
use chrono::Utc;
use sea_orm::{
    ActiveValue::Set,
    ColumnTrait, DatabaseConnection, DatabaseTransaction, EntityTrait, PaginatorTrait, QueryFilter,
    QueryOrder, QuerySelect,
    sea_query::{Expr, ExprTrait},
};
use uuid::Uuid;

pub use content::MessageContent;
use history::Actor;

use crate::{
    bots::Bot,
    entities::{bot, conversation, message},
    error::Result,
    events::{DomainEvent, EventBus},
    shared::{rfc3339, stored::parse},
};

/// How much of the latest message the conversation list shows.
pub const PREVIEW_CHARS: usize = 140;

/// A visitor's message as the widget sent it, content already validated.
#[derive(Debug, Clone)]
pub struct NewVisitorMessage {
    pub client_msg_id: String,
    pub conversation_id: Option<ConversationId>,
    pub content: MessageContent,
    /// The pre-chat or offline form's answers; used when this message opens a conversation.
    pub details: app::protocol::VisitorDetails,
}

/// What posting a visitor message did.
#[derive(Debug, Clone)]
pub struct Posted {
    pub conversation: ConversationView,
    /// The stored messages, oldest first: the greeting (for a new conversation) and the
    /// visitor's message.
    pub messages: Vec<MessageView>,
    /// True when this `client_msg_id` had been stored already: nothing new was written.
    pub duplicate: bool,
}

#[derive(Clone)]
pub struct ConversationService {
    db: DatabaseConnection,
    /// Messages are written through it (group commit on SQLite).
    writer: crate::db::Writer,
    events: EventBus,
    pub limits: limits::VisitorLimits,
    /// Who of the team has a dashboard open and in use (routing's "online").
    at_work: crate::shared::at_work::AtWork,
    /// Routing passes take turns (`assignment`).
    routing: Arc<tokio::sync::Mutex<()>>,
}

impl ConversationService {
    /// Starts the message writer's task: call from within the runtime.
    pub fn new(db: DatabaseConnection, events: EventBus, quota: limits::VisitorQuota) -> Self {
        Self {
            writer: crate::db::Writer::new(db.clone()),
            db,
            events,
            limits: limits::VisitorLimits::new(quota),
            at_work: crate::shared::at_work::AtWork::default(),
            routing: Arc::default(),
        }
    }

    /// Who has a dashboard open and in use, shared with the dashboard sockets that report it.
    pub fn at_work(&self) -> crate::shared::at_work::AtWork {
        self.at_work.clone()
    }

    /// Stores a visitor's message, opening a conversation (with the bot's greeting first) when
    /// `conversation_id` is `None`. Resending a `client_msg_id` returns the stored message.
    #[tracing::instrument(skip(self, bot, input), fields(bot = %bot.id))]
    pub async fn post_visitor_message(
        &self,
        bot: &Bot,
        visitor_id: &str,
        input: NewVisitorMessage,
    ) -> Result<Posted> {
        validate_client_msg_id(&input.client_msg_id)?;
        if let Some(existing) =
            find_by_client_msg_id(&self.db, bot.organization_id, &input.client_msg_id).await?
        {
            return resent(&self.db, bot, visitor_id, existing).await;
        }
        // A resend of a stored message (above) is free; a new one takes from the visitor's
        // allowance and from the workspace's message pool (refused when it is spent on a plan
        // without overage).
        self.limits.admit(bot.id, visitor_id, input.conversation_id.is_none())?;
        let charge =
            crate::billing::admit(&self.db, bot.workspace_id, crate::billing::Pool::Messages, 1).await?;
        // One write transaction per message: the message, its conversation and the usage count
        // (shared with the other messages written at the same moment: `db::Writer`).
        let intake = match input.conversation_id {
            Some(_) => None,
            None => Some(Intake::check(bot, &input.details, chrono::Utc::now())?),
        };
        let input_id = input.client_msg_id.clone();
        // What the message says of the visitor, by words alone: microseconds, and stored with it.
        let insight = crate::signals::read(input.content.as_str());
        let job = VisitorWrite {
            bot: Arc::new(bot.clone()),
            visitor_id: visitor_id.into(),
            input,
            intake,
            charge,
            insight,
        };
        let (conversation, stored) = match self.writer.write(move |txn| Box::pin(job.clone().run(txn))).await
        {
            Ok(written) => written,
            // Two sockets racing with the same id: the second one's insert met the first's
            // message (the organization's client message ids are a unique key) and its
            // transaction wrote nothing.
            Err(crate::error::Error::Db(err))
                if matches!(err.sql_err(), Some(sea_orm::SqlErr::UniqueConstraintViolation(_))) =>
            {
                match find_by_client_msg_id(&self.db, bot.organization_id, &input_id).await? {
                    Some(existing) => return resent(&self.db, bot, visitor_id, existing).await,
                    None => return Err(err.into()),
                }
            }
            Err(err) => return Err(err),
        };
        let conversation = conversation_view(conversation, &bot.name)?;
        let messages: Vec<MessageView> = stored.into_iter().map(message_view).collect::<Result<_>>()?;
        for message in &messages {
            self.publish_created(bot, visitor_id, &conversation, message).await;
        }
        Ok(Posted { conversation, messages, duplicate: false })
    }

    /// The visitor's email, left when nobody from the team could answer: kept on their
    /// conversation (and in its history) so the team can reply there. Returns it as stored.
    pub async fn leave_contact(
        &self,
        bot: &Bot,
        visitor_id: &str,
        conversation_id: ConversationId,
        email: &str,
    ) -> Result<String> {
        let email = crate::shared::input::EmailAddress::try_from(email.to_owned())?;
        let txn = crate::db::begin_write(&self.db).await?;
        let found = lock_conversation(&txn, bot.organization_id, conversation_id).await?;
        if found.visitor_id != visitor_id || found.bot_id != bot.id.0 {
            return Err(ApiError::not_found("conversation").into());
        }
        let actor = Actor::Visitor { id: visitor_id.to_owned(), name: found.visitor_name.clone() };
        let mut row: conversation::ActiveModel = found.into();
        row.visitor_email = Set(Some(email.as_str().to_owned()));
        let after = sea_orm::ActiveModelTrait::update(row, &txn).await?;
        history::record(&txn, &after, "contact_left", &actor, serde_json::json!({ "email": email.as_str() }))
            .await?;
        txn.commit().await?;
        let view = conversation_view(after.clone(), &bot.name)?;
        self.events
            .publish(DomainEvent::TeamChanged { organization_id: bot.organization_id, conversation: view })
            .await;
        Ok(email.as_str().to_owned())
    }

    /// The visitor asks for a person (PRD §5.3.1 "user requests human"): an active conversation
    /// becomes `escalated`; a waiting one first becomes active again (the visitor is back) and
    /// then escalated. Already escalated or with an agent: nothing changes. Resolved, abandoned
    /// or archived: `conflict` (write a message first, which reopens it). Returns the
    /// conversation as it is now.
    #[tracing::instrument(skip(self, bot), fields(bot = %bot.id))]
    pub async fn escalate_by_visitor(
        &self,
        bot: &Bot,
        visitor_id: &str,
        conversation_id: ConversationId,
    ) -> Result<ConversationView> {
        use ConversationStatus::*;
        let txn = crate::db::begin_write(&self.db).await?;
        let found = lock_conversation(&txn, bot.organization_id, conversation_id).await?;
        if found.visitor_id != visitor_id || found.bot_id != bot.id.0 {
            return Err(ApiError::not_found("conversation").into());
        }
        let from = status_of(&found)?;
        if matches!(from, Escalated | AgentHandling) {
            txn.commit().await?;
            return conversation_view(found, &bot.name);
        }
        let actor = Actor::Visitor { id: visitor_id.to_owned(), name: found.visitor_name.clone() };
        let back = set_status(&txn, found, &[Waiting], Active, &actor).await?;
        let after = set_status(&txn, back, &[Active], Escalated, &actor).await?;
        if after.status != Escalated.as_str() {
            return Err(ApiError::Conflict {
                message: "This conversation is closed. Write a message to reopen it, then ask for a person."
                    .into(),
            }
            .into());
        }
        txn.commit().await?;
        self.announce_move(bot, after, from).await
    }

    /// Announces a committed status move (`from` → where `after` stands) to the listeners;
    /// returns the conversation as it is now.
    async fn announce_move(
        &self,
        bot: &Bot,
        after: conversation::Model,
        from: ConversationStatus,
    ) -> Result<ConversationView> {
        let visitor_id: Arc<str> = after.visitor_id.as_str().into();
        let view = conversation_view(after, &bot.name)?;
        self.events
            .publish(DomainEvent::StatusChanged {
                organization_id: bot.organization_id,
                bot_id: bot.id,
                visitor_id,
                conversation: view.clone(),
                from,
            })
            .await;
        if view.status == ConversationStatus::Escalated {
            // To an agent with room, or a place in the queue; the escalation stands either way.
            if let Err(err) = self.route(bot.organization_id).await {
                tracing::warn!(error = %err, "routing an escalated conversation failed");
            }
        }
        Ok(view)
    }

    /// The bot hands a conversation it holds to a person, recording `reason` in its history
    /// (shown to agents). Only an active conversation moves; otherwise (a person holds it
    /// already, it closed) nothing changes and `None` is returned.
    #[tracing::instrument(skip(self, bot), fields(bot = %bot.id))]
    pub async fn escalate_by_bot(
        &self,
        bot: &Bot,
        conversation_id: ConversationId,
        reason: &str,
    ) -> Result<Option<ConversationView>> {
        use ConversationStatus::*;
        let txn = crate::db::begin_write(&self.db).await?;
        let found = lock_conversation(&txn, bot.organization_id, conversation_id).await?;
        if found.bot_id != bot.id.0 {
            return Err(ApiError::not_found("conversation").into());
        }
        let from = status_of(&found)?;
        if !matches!(from, Active | Waiting) {
            txn.commit().await?;
            return Ok(None);
        }
        let back = set_status(&txn, found, &[Waiting], Active, &Actor::Bot).await?;
        let after = set_status_noted(&txn, back, &[Active], Escalated, &Actor::Bot, Some(reason)).await?;
        txn.commit().await?;
        if after.status != Escalated.as_str() {
            return Ok(None);
        }
        Ok(Some(self.announce_move(bot, after, from).await?))
    }

    /// Stores a message from the bot in one of its conversations. `None` when the bot no
    /// longer holds it (a person took it over while the answer was on its way, or it closed):
    /// nothing is stored.
    #[tracing::instrument(skip(self, bot, content), fields(bot = %bot.id))]
    pub async fn post_bot_message(
        &self,
        bot: &Bot,
        conversation_id: ConversationId,
        content: &str,
        answer: Option<&app::dto::AnswerInfo>,
        question: Option<&MessageView>,
    ) -> Result<Option<MessageView>> {
        let (organization, bot_id, name, content) =
            (bot.organization_id, bot.id, Arc::<str>::from(bot.name.as_str()), Arc::<str>::from(content));
        let answer = answer.and_then(|a| serde_json::to_string(a).ok());
        // The question's insight read again by the answer engine goes in the same write.
        let reread = question.and_then(|q| Some((q.id, q.insight?)));
        let written = self
            .writer
            .write(move |txn| {
                let (name, content, answer) = (name.clone(), content.clone(), answer.clone());
                Box::pin(async move {
                    use ConversationStatus::*;
                    let found = lock_conversation(txn, organization, conversation_id).await?;
                    if found.bot_id != bot_id.0 {
                        return Err(ApiError::not_found("conversation").into());
                    }
                    if !matches!(status_of(&found)?, Active | Waiting) {
                        return Ok(None);
                    }
                    let (after, stored) = append_message(
                        txn,
                        &found,
                        NewMessage {
                            answer: answer.clone(),
                            ..NewMessage::said(SenderKind::Bot, &name, &content)
                        },
                    )
                    .await?;
                    if let Some((id, insight)) = reread {
                        message::Entity::update_many()
                            .col_expr(message::Column::Intent, Expr::value(insight.intent.as_str()))
                            .col_expr(
                                message::Column::IntentConfidence,
                                Expr::value(insight.intent_confidence),
                            )
                            .filter(message::Column::Id.eq(id.0))
                            .filter(message::Column::OrganizationId.eq(organization.0))
                            .exec(txn)
                            .await?;
                    }
                    // "After AI response" (PRD §5.3.1): an active conversation starts waiting on
                    // the visitor.
                    let after = set_status(txn, after, &[Active], Waiting, &Actor::Bot).await?;
                    Ok(Some((after, stored)))
                })
            })
            .await?;
        let Some((after, stored)) = written else { return Ok(None) };
        let visitor_id = after.visitor_id.clone();
        let conversation = conversation_view(after, &bot.name)?;
        let message = message_view(stored)?;
        self.publish_created(bot, &visitor_id, &conversation, &message).await;
        if let Some(question) = question.filter(|_| reread.is_some()) {
            self.events
                .publish(DomainEvent::MessageUnderstood {
                    organization_id: organization,
                    message: question.clone(),
                })
                .await;
        }
        Ok(Some(message))
    }

    /// The visitor's name and email as the conversation knows them (the pre-chat form, the
    /// contact they left), for the bot's prompt.
    pub async fn visitor_contact(
        &self,
        organization: OrganizationId,
        conversation_id: ConversationId,
    ) -> Result<(Option<String>, Option<String>)> {
        let found = load_conversation(&self.db, organization, conversation_id).await?;
        Ok((found.visitor_name, found.visitor_email))
    }

    /// How many messages the visitor has written in a conversation of this organization.
    pub async fn visitor_message_count(
        &self,
        organization: OrganizationId,
        conversation_id: ConversationId,
    ) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(message::Entity::find()
            .filter(message::Column::OrganizationId.eq(organization.0))
            .filter(message::Column::ConversationId.eq(conversation_id.0))
            .filter(message::Column::SenderKind.eq(SenderKind::Visitor.as_str()))
            .count(&self.db)
            .await?)
    }

    /// Who each of these conversations is with (only the organization's own).
    pub async fn visitor_names(
        &self,
        organization: OrganizationId,
        ids: &[ConversationId],
    ) -> Result<HashMap<ConversationId, String>> {
        if ids.is_empty() {
            return Ok(HashMap::new());
        }
        let rows = conversation::Entity::find()
            .filter(conversation::Column::OrganizationId.eq(organization.0))
            .filter(conversation::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|c| (ConversationId(c.id), names::visitor_label(c.visitor_name.as_deref(), &c.visitor_id)))
            .collect())
    }

    /// The organization's bots' names by id.
    pub(super) async fn bot_names(&self, organization: OrganizationId) -> Result<HashMap<Uuid, String>> {
        Ok(bot::Entity::find()
            .filter(bot::Column::OrganizationId.eq(organization.0))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|b| (b.id, b.name))
            .collect())
    }

    /// Messages of a conversation of this organization with `seq > after_seq`, in order.
    #[tracing::instrument(skip(self))]
    pub async fn messages(
        &self,
        organization: OrganizationId,
        conversation_id: ConversationId,
        after_seq: i64,
    ) -> Result<Vec<MessageView>> {
        load_conversation(&self.db, organization, conversation_id).await?;
        let rows = message::Entity::find()
            .filter(message::Column::OrganizationId.eq(organization.0))
            .filter(message::Column::ConversationId.eq(conversation_id.0))
            .filter(message::Column::Seq.gt(after_seq))
            .order_by_asc(message::Column::Seq)
            .all(&self.db)
            .await?;
        rows.into_iter().map(message_view).collect()
    }

    /// The last `n` messages of a conversation of this organization up to message `up_to`
    /// (its `seq`), oldest first: what the answer engine reads of the conversation so far.
    /// A visitor message read again (by the bot's language model): its stored intent and
    /// sentiment replaced, and the inbox told (`message:updated`).
    pub async fn understood(
        &self,
        organization: OrganizationId,
        message: MessageView,
        insight: app::dto::MessageInsight,
    ) -> Result<()> {
        use sea_orm::sea_query::Expr;
        message::Entity::update_many()
            .col_expr(message::Column::Intent, Expr::value(insight.intent.as_str()))
            .col_expr(message::Column::IntentConfidence, Expr::value(insight.intent_confidence))
            .col_expr(message::Column::Sentiment, Expr::value(insight.sentiment.as_str()))
            .col_expr(message::Column::SentimentScore, Expr::value(insight.sentiment_score))
            .filter(message::Column::Id.eq(message.id.0))
            .filter(message::Column::OrganizationId.eq(organization.0))
            .exec(&self.db)
            .await?;
        // The conversation's mood (the inbox's filter) is its latest visitor message's.
        let newer = message::Entity::find()
            .filter(message::Column::ConversationId.eq(message.conversation_id.0))
            .filter(message::Column::OrganizationId.eq(organization.0))
            .filter(message::Column::SenderKind.eq(SenderKind::Visitor.as_str()))
            .filter(message::Column::Seq.gt(message.seq))
            .count(&self.db)
            .await?;
        if newer == 0 {
            conversation::Entity::update_many()
                .col_expr(conversation::Column::Sentiment, Expr::value(insight.sentiment.as_str()))
                .filter(conversation::Column::Id.eq(message.conversation_id.0))
                .filter(conversation::Column::OrganizationId.eq(organization.0))
                .exec(&self.db)
                .await?;
        }
        self.events
            .publish(DomainEvent::MessageUnderstood {
                organization_id: organization,
                message: MessageView { insight: Some(insight), ..message },
            })
            .await;
        Ok(())
    }

    pub async fn recent_messages(
        &self,
        organization: OrganizationId,
        conversation_id: ConversationId,
        up_to: i64,
        n: u64,
    ) -> Result<Vec<MessageView>> {
        let mut rows = message::Entity::find()
            .filter(message::Column::OrganizationId.eq(organization.0))
            .filter(message::Column::ConversationId.eq(conversation_id.0))
            .filter(message::Column::Seq.lte(up_to))
            .order_by_desc(message::Column::Seq)
            .limit(n)
            .all(&self.db)
            .await?;
        rows.reverse();
        rows.into_iter().map(message_view).collect()
    }

    /// Like [`Self::messages`], for the visitor who owns the conversation (widget resume),
    /// with the conversation as it stands.
    /// The organization's conversations with these ids, as the inbox shows them (any order;
    /// ids of other organizations or gone are left out).
    pub async fn views(
        &self,
        organization: OrganizationId,
        ids: &[ConversationId],
    ) -> Result<Vec<ConversationView>> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let rows = conversation::Entity::find()
            .filter(conversation::Column::OrganizationId.eq(organization.0))
            .filter(conversation::Column::Id.is_in(ids.iter().map(|id| id.0)))
            .all(&self.db)
            .await?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let name = handoff::bot_name(&self.db, &row).await?;
            out.push(conversation_view(row, &name)?);
        }
        Ok(out)
    }

    /// The visitor is writing in conversation `id` (or stopped): checks it is theirs, with
    /// this bot (`not_found` otherwise), and returns the draft the team may see — only when the
    /// bot shares drafts and they are writing, cut to `MAX_DRAFT_CHARS`. Nothing is stored.
    pub async fn visitor_typing(
        &self,
        bot: &Bot,
        visitor_id: &str,
        id: ConversationId,
        typing: bool,
        draft: Option<String>,
    ) -> Result<Option<String>> {
        let theirs = conversation::Entity::find_by_id(id.0)
            .filter(conversation::Column::OrganizationId.eq(bot.organization_id.0))
            .filter(conversation::Column::BotId.eq(bot.id.0))
            .filter(conversation::Column::VisitorId.eq(visitor_id))
            .one(&self.db)
            .await?
            .is_some();
        if !theirs {
            return Err(ApiError::not_found("conversation").into());
        }
        let share = bot.settings.behavior.share_drafts && typing;
        Ok(draft
            .filter(|_| share)
            .map(|d| d.chars().take(MAX_DRAFT_CHARS).collect::<String>())
            .filter(|d| !d.trim().is_empty()))
    }

    pub async fn visitor_resume(
        &self,
        bot: &Bot,
        visitor_id: &str,
        conversation_id: ConversationId,
        after_seq: i64,
    ) -> Result<(ConversationView, Vec<MessageView>)> {
        let found = load_conversation(&self.db, bot.organization_id, conversation_id).await?;
        if found.visitor_id != visitor_id || found.bot_id != bot.id.0 {
            return Err(ApiError::not_found("conversation").into());
        }
        let messages = self.messages(bot.organization_id, conversation_id, after_seq).await?;
        // What the team noted of a message stays in the team.
        Ok((
            conversation_view(found, &bot.name)?,
            messages.into_iter().map(MessageView::for_visitor).collect(),
        ))
    }

    /// How many messages there are, in every organization (is the search index behind?).
    pub async fn count_messages(&self) -> Result<u64> {
        use sea_orm::PaginatorTrait;
        Ok(crate::entities::message::Entity::find().count(&self.db).await?)
    }

    /// Every message of every organization, in batches, for rebuilding the search index: each
    /// batch is handed to `f` (and awaited) before the next is read, so memory holds one batch.
    pub async fn for_each_message_batch<F>(&self, batch: u64, mut f: F) -> Result<u64>
    where
        F: AsyncFnMut(Vec<(OrganizationId, MessageView)>),
    {
        let mut after: Option<Uuid> = None;
        let mut total = 0;
        loop {
            let mut query = message::Entity::find().order_by_asc(message::Column::Id).limit(batch);
            if let Some(last) = after {
                query = query.filter(message::Column::Id.gt(last));
            }
            let rows = query.all(&self.db).await?;
            let Some(last) = rows.last() else { break };
            after = Some(last.id);
            total += rows.len() as u64;
            let batch = rows
                .into_iter()
                .map(|m| Ok((OrganizationId(m.organization_id), message_view(m)?)))
                .collect::<Result<Vec<_>>>()?;
            f(batch).await;
        }
        Ok(total)
    }

    async fn publish_created(
        &self,
        bot: &Bot,
        visitor_id: &str,
        conversation: &ConversationView,
        message: &MessageView,
    ) {
        self.events
            .publish(DomainEvent::MessageCreated {
                organization_id: bot.organization_id,
                bot_id: bot.id,
                visitor_id: visitor_id.into(),
                conversation: conversation.clone(),
                message: message.clone(),
            })
            .await;
    }
}

fn validate_client_msg_id(id: &str) -> Result<()> {
    let ok = !id.is_empty()
        && id.len() <= 100
        && id.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if ok {
        Ok(())
    } else {
        Err(ApiError::validation(
            "client_msg_id",
            "A message id must be 1 to 100 letters, digits, '-' or '_'.",
        )
        .into())
    }
}

/// The write job of one visitor message; owned, since it may run twice (`db::Writer`).
#[derive(Clone)]
struct VisitorWrite {
    bot: Arc<Bot>,
    visitor_id: Arc<str>,
    input: NewVisitorMessage,
    /// Who opens the conversation, when the message opens one.
    intake: Option<Intake>,
    charge: crate::billing::Charge,
    insight: app::dto::MessageInsight,
}

impl VisitorWrite {
    /// The conversation after the message, and the messages stored (greeting first).
    async fn run(self, txn: &DatabaseTransaction) -> Result<(conversation::Model, Vec<message::Model>)> {
        let Self { bot, visitor_id, input, intake, charge, insight } = self;
        let mut stored = Vec::new();
        let conversation = match (input.conversation_id, intake) {
            (Some(id), _) => {
                let found = lock_conversation(txn, bot.organization_id, id).await?;
                if *found.visitor_id != *visitor_id || found.bot_id != bot.id.0 {
                    return Err(ApiError::not_found("conversation").into());
                }
                found
            }
            (None, intake) => {
                let intake =
                    intake.ok_or_else(|| anyhow::anyhow!("a new conversation without its intake"))?;
                let created = create_conversation(txn, &bot, &visitor_id, &intake).await?;
                // Outside business hours nobody greets: the message waits for the team.
                if intake.online {
                    let (_, greeting) = append_message(
                        txn,
                        &created,
                        NewMessage::said(SenderKind::Bot, &bot.name, &bot.greeting),
                    )
                    .await?;
                    stored.push(greeting);
                }
                created
            }
        };
        let sender = names::visitor_label(conversation.visitor_name.as_deref(), &conversation.visitor_id);
        let (conversation, message) = append_message(
            txn,
            &conversation,
            NewMessage {
                client_msg_id: Some(&input.client_msg_id),
                insight: Some(insight),
                ..NewMessage::said(SenderKind::Visitor, &sender, input.content.as_str())
            },
        )
        .await?;
        stored.push(message);
        let conversation = reopen_if_waiting(txn, conversation).await?;
        charge.apply(txn).await?;
        Ok((conversation, stored))
    }
}

/// The answer to a resend: the stored message, if the id is this visitor's.
async fn resent(
    db: &DatabaseConnection,
    bot: &Bot,
    visitor_id: &str,
    existing: message::Model,
) -> Result<Posted> {
    let conversation =
        load_conversation(db, bot.organization_id, ConversationId(existing.conversation_id)).await?;
    if conversation.visitor_id != visitor_id || conversation.bot_id != bot.id.0 {
        return Err(ApiError::Conflict { message: "This message id is already taken.".into() }.into());
    }
    Ok(Posted {
        conversation: conversation_view(conversation, &bot.name)?,
        messages: vec![message_view(existing)?],
        duplicate: true,
    })
}

async fn find_by_client_msg_id<C: sea_orm::ConnectionTrait>(
    txn: &C,
    organization: OrganizationId,
    client_msg_id: &str,
) -> Result<Option<message::Model>> {
    Ok(message::Entity::find()
        .filter(message::Column::OrganizationId.eq(organization.0))
        .filter(message::Column::ClientMsgId.eq(client_msg_id))
        .one(txn)
        .await?)
}

async fn load_conversation<C: sea_orm::ConnectionTrait>(
    db: &C,
    organization: OrganizationId,
    id: ConversationId,
) -> Result<conversation::Model> {
    conversation::Entity::find_by_id(id.0)
        .filter(conversation::Column::OrganizationId.eq(organization.0))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("conversation").into())
}

/// [`load_conversation`] for a write that reads the row and then changes it: the row stays
/// locked until the transaction ends (`FOR UPDATE` on PostgreSQL; SQLite's writers already
/// take turns, `db::begin_write`), so of two people acting at the same moment the second reads
/// what the first wrote — two agents taking over at once: one holds it, the other is told who.
async fn lock_conversation<C: sea_orm::ConnectionTrait>(
    txn: &C,
    organization: OrganizationId,
    id: ConversationId,
) -> Result<conversation::Model> {
    let mut find = conversation::Entity::find_by_id(id.0)
        .filter(conversation::Column::OrganizationId.eq(organization.0));
    if txn.get_database_backend() == sea_orm::DbBackend::Postgres {
        find = find.lock_exclusive();
    }
    find.one(txn).await?.ok_or_else(|| ApiError::not_found("conversation").into())
}

/// Who opens a new conversation, checked against what the bot's pre-chat form asks, and
/// whether the team is in. Outside business hours the widget's offline form needs an email
/// (the answer goes there) and the conversation starts escalated, waiting for a person.
#[derive(Clone)]
struct Intake {
    name: Option<String>,
    email: Option<String>,
    online: bool,
}

impl Intake {
    fn check(bot: &Bot, details: &app::protocol::VisitorDetails, now: chrono::DateTime<Utc>) -> Result<Self> {
        let online = crate::bots::hours::is_open(&bot.settings.business_hours, now);
        let asks = bot.settings.data_collection;
        let mut fields = Vec::new();
        let name = details.name.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_owned);
        match &name {
            Some(n) if n.chars().count() > 100 => fields.push(app::error::FieldError {
                field: "name".into(),
                message: "Keep your name to 100 characters or fewer.".into(),
            }),
            None if asks.collect_name => fields.push(app::error::FieldError {
                field: "name".into(),
                message: "Please tell us your name.".into(),
            }),
            _ => {}
        }
        let email = match details.email.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            Some(raw) => match crate::shared::input::EmailAddress::try_from(raw.to_owned()) {
                Ok(email) => Some(email.as_str().to_owned()),
                Err(ApiError::Validation { fields: more }) => {
                    fields.extend(more);
                    None
                }
                Err(other) => return Err(other.into()),
            },
            None if asks.collect_email || !online => {
                fields.push(app::error::FieldError {
                    field: "email".into(),
                    message: "Please leave your email so we can answer you.".into(),
                });
                None
            }
            None => None,
        };
        if fields.is_empty() {
            Ok(Self { name, email, online })
        } else {
            Err(ApiError::Validation { fields }.into())
        }
    }
}

async fn create_conversation(
    txn: &DatabaseTransaction,
    bot: &Bot,
    visitor_id: &str,
    intake: &Intake,
) -> Result<conversation::Model> {
    let now = Utc::now();
    let status = if intake.online { ConversationStatus::Active } else { ConversationStatus::Escalated };
    let model = conversation::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(bot.organization_id.0),
        bot_id: Set(bot.id.0),
        visitor_id: Set(visitor_id.to_owned()),
        visitor_name: Set(intake.name.clone()),
        visitor_email: Set(intake.email.clone()),
        status: Set(status.as_str().to_owned()),
        last_seq: Set(0),
        message_count: Set(0),
        preview: Set(String::new()),
        started_at: Set(now),
        updated_at: Set(now),
        last_activity_at: Set(Some(now)),
        queued_at: Set((status == ConversationStatus::Escalated).then_some(now)),
        ..Default::default()
    };
    let created = conversation::Entity::insert(model).exec_with_returning(txn).await?;
    let actor = Actor::Visitor { id: visitor_id.to_owned(), name: intake.name.clone() };
    history::record(txn, &created, "created", &actor, serde_json::json!({ "status": status.as_str() }))
        .await?;
    Ok(created)
}

/// A message to append: who says what, with what it carries.
struct NewMessage<'a> {
    kind: SenderKind,
    sender_name: &'a str,
    content: &'a str,
    client_msg_id: Option<&'a str>,
    /// A bot answer's record (`AnswerInfo` as JSON).
    answer: Option<String>,
    /// A visitor message's intent and sentiment.
    insight: Option<app::dto::MessageInsight>,
}

impl<'a> NewMessage<'a> {
    fn said(kind: SenderKind, sender_name: &'a str, content: &'a str) -> Self {
        Self { kind, sender_name, content, client_msg_id: None, answer: None, insight: None }
    }
}

/// Appends one message: takes the conversation's next sequence number atomically (an
/// `UPDATE … RETURNING`, so concurrent appends on PostgreSQL cannot share a number). Returns
/// the conversation as that update left it, and the message.
async fn append_message(
    txn: &DatabaseTransaction,
    conversation: &conversation::Model,
    new: NewMessage<'_>,
) -> Result<(conversation::Model, message::Model)> {
    let NewMessage { kind, sender_name, content, client_msg_id, answer, insight } = new;
    let now = Utc::now();
    let mut update = conversation::Entity::update_many()
        .col_expr(conversation::Column::LastSeq, Expr::col(conversation::Column::LastSeq).add(1))
        .col_expr(conversation::Column::MessageCount, Expr::col(conversation::Column::MessageCount).add(1))
        .col_expr(conversation::Column::UpdatedAt, Expr::value(now));
    // The inbox shows what the visitor said, and orders by when a person last wrote.
    if kind == SenderKind::Visitor {
        let preview: String = content.chars().take(PREVIEW_CHARS).collect();
        update = update.col_expr(conversation::Column::Preview, Expr::value(preview));
        if let Some(insight) = insight {
            update =
                update.col_expr(conversation::Column::Sentiment, Expr::value(insight.sentiment.as_str()));
        }
    }
    if matches!(kind, SenderKind::Visitor | SenderKind::Agent) {
        update = update.col_expr(conversation::Column::LastActivityAt, Expr::value(now));
    }
    let updated = update
        .filter(conversation::Column::Id.eq(conversation.id))
        .filter(conversation::Column::OrganizationId.eq(conversation.organization_id))
        .exec_with_returning(txn)
        .await?;
    let after = updated.into_iter().next().ok_or_else(|| ApiError::not_found("conversation"))?;
    let seq = after.last_seq;
    let model = message::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(conversation.organization_id),
        conversation_id: Set(conversation.id),
        seq: Set(seq),
        sender_kind: Set(kind.as_str().to_owned()),
        sender_name: Set(sender_name.to_owned()),
        content: Set(content.to_owned()),
        client_msg_id: Set(client_msg_id.map(str::to_owned)),
        created_at: Set(now),
        answer: Set(answer),
        intent: Set(insight.map(|i| i.intent.as_str().to_owned())),
        intent_confidence: Set(insight.map(|i| i.intent_confidence)),
        sentiment: Set(insight.map(|i| i.sentiment.as_str().to_owned())),
        sentiment_score: Set(insight.map(|i| i.sentiment_score)),
        ..Default::default()
    };
    Ok((after, message::Entity::insert(model).exec_with_returning(txn).await?))
}

/// A visitor writing into a conversation that waited on them (or was resolved or abandoned)
/// makes it active again; one an agent holds stays with the agent.
async fn reopen_if_waiting(
    txn: &DatabaseTransaction,
    found: conversation::Model,
) -> Result<conversation::Model> {
    use ConversationStatus::*;
    let actor = Actor::Visitor { id: found.visitor_id.clone(), name: found.visitor_name.clone() };
    set_status(txn, found, &[Waiting, Resolved, Abandoned], Active, &actor).await
}

/// Moves a conversation to `status` if it is in one of `from` (the event's precondition) and
/// the lifecycle allows the move (`ConversationStatus::can_become`); otherwise it stays as it is.
/// The move goes into the conversation's history, by `actor`.
async fn set_status(
    txn: &DatabaseTransaction,
    found: conversation::Model,
    from: &[ConversationStatus],
    status: ConversationStatus,
    actor: &Actor,
) -> Result<conversation::Model> {
    set_status_noted(txn, found, from, status, actor, None).await
}

/// [`set_status`], with a note in the history event (why the bot handed over).
async fn set_status_noted(
    txn: &DatabaseTransaction,
    found: conversation::Model,
    from: &[ConversationStatus],
    status: ConversationStatus,
    actor: &Actor,
    note: Option<&str>,
) -> Result<conversation::Model> {
    let current = status_of(&found)?;
    if !from.contains(&current) || !current.can_become(status) {
        return Ok(found);
    }
    let mut active: conversation::ActiveModel = found.into();
    active.status = Set(status.as_str().to_owned());
    if status == ConversationStatus::Escalated {
        // Its place in the queue: it joins at the back.
        active.queued_at = Set(Some(chrono::Utc::now()));
    }
    let moved = sea_orm::ActiveModelTrait::update(active, txn).await?;
    history::record_move(txn, &moved, (current, status), actor, note).await?;
    Ok(moved)
}

fn status_of(model: &conversation::Model) -> Result<ConversationStatus> {
    parse("conversations.status", &model.status)
}

pub fn conversation_view(model: conversation::Model, bot_name: &str) -> Result<ConversationView> {
    Ok(ConversationView {
        id: ConversationId(model.id),
        bot_id: BotId(model.bot_id),
        bot_name: bot_name.to_owned(),
        visitor_name: names::visitor_label(model.visitor_name.as_deref(), &model.visitor_id),
        visitor_email: model.visitor_email,
        status: parse("conversations.status", &model.status)?,
        preview: model.preview,
        message_count: model.message_count,
        started_at: rfc3339(model.started_at),
        updated_at: rfc3339(model.updated_at),
        last_activity_at: rfc3339(model.last_activity_at.unwrap_or(model.updated_at)),
        assigned_agent: model
            .assigned_agent_id
            .zip(model.assigned_agent_name)
            .map(|(id, name)| app::dto::AgentRef { id, name, avatar_url: None, title: None }),
        resolved_at: model.resolved_at.map(rfc3339),
        satisfaction: model.satisfaction_rating.map(|score| app::dto::Satisfaction {
            score: u8::try_from(score).unwrap_or(0),
            comment: model.satisfaction_comment,
            rated_at: model.satisfaction_rated_at.map(rfc3339).unwrap_or_default(),
        }),
        sentiment: model.sentiment.and_then(|s| s.parse().ok()),
        tags: tags::read_tags(model.tags.as_deref()),
        transfer: model.transfer_to_id.zip(model.transfer_to_name).map(|(to_id, to_name)| {
            app::assignment::TransferView {
                to_id,
                to_name,
                by_name: model.transfer_by_name.unwrap_or_default(),
                note: model.transfer_note,
            }
        }),
    })
}

pub fn message_view(model: message::Model) -> Result<MessageView> {
    Ok(MessageView {
        id: MessageId(model.id),
        conversation_id: ConversationId(model.conversation_id),
        seq: model.seq,
        sender: Sender { kind: parse("messages.sender_kind", &model.sender_kind)?, name: model.sender_name },
        content: model.content,
        created_at: rfc3339(model.created_at),
        client_msg_id: model.client_msg_id,
        answer: model.answer.as_deref().and_then(|a| serde_json::from_str(a).ok()).map(Box::new),
        helpful: model.helpful,
        verdict: model.verdict.as_deref().and_then(|v| v.parse().ok()),
        insight: insight_of(&model.intent, model.intent_confidence, &model.sentiment, model.sentiment_score),
    })
}

/// A visitor message's stored intent and sentiment; none when any part is missing or unreadable.
fn insight_of(
    intent: &Option<String>,
    intent_confidence: Option<f32>,
    sentiment: &Option<String>,
    sentiment_score: Option<f32>,
) -> Option<app::dto::MessageInsight> {
    Some(app::dto::MessageInsight {
        intent: intent.as_deref()?.parse().ok()?,
        intent_confidence: intent_confidence?,
        sentiment: sentiment.as_deref()?.parse().ok()?,
        sentiment_score: sentiment_score?,
    })
}

/// Conversation routes, the sweep of visitor rate-limit windows and the lifecycle sweep
/// (idle conversations resolved, then closed).
pub fn install(w: &mut crate::wiring::Wiring, conversations: &ConversationService) {
    let h = w.handles();
    w.routes(routes::router(routes::ConversationRoutes {
        conversations: conversations.clone(),
        auth: h.auth.clone(),
    }));
    w.background("visitor limits cleanup", conversations.limits.clone().run_cleanup(LIMITS_SWEEP));
    w.background("conversation routing", assignment::run(conversations.clone(), ROUTE_EVERY));
    w.background(
        "conversation lifecycle",
        lifecycle::run(h.db.clone(), h.events.clone(), lifecycle::Policy::default(), SWEEP_EVERY),
    );
}

/// Longest draft passed to the team, in characters.
const MAX_DRAFT_CHARS: usize = 500;
/// How often waiting conversations are routed again (teammates arrive or come back).
const ROUTE_EVERY: std::time::Duration = std::time::Duration::from_secs(10);
/// How often idle conversations are looked for.
const SWEEP_EVERY: std::time::Duration = std::time::Duration::from_secs(30);
/// How often expired visitor rate-limit windows are dropped.
const LIMITS_SWEEP: std::time::Duration = std::time::Duration::from_secs(60);
