//! What people say of the bot's answers (PRD story 4.3, issue "The AI answer engine"): the
//! visitor's thumbs up or down under an answer in the widget, and a teammate's "correct" /
//! "incorrect" in the inbox. Both land on the answer's message; saying again changes it. The
//! knowledge-gaps report (`answers::gaps`) reads them, and the change is published
//! (`AnswerRated`) so open inboxes show it at once.

use app::{
    ApiError,
    auth::Permission,
    dto::{AnswerVerdict, ConversationId, MessageId, MessageView, SenderKind},
    ssr::Viewer,
};
use sea_orm::{ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, QueryFilter};

use super::{ConversationService, load_conversation, message_view};
use crate::{
    bots::Bot,
    entities::{conversation, message},
    error::Result,
    events::DomainEvent,
};

impl ConversationService {
    /// The visitor's thumbs on one of the bot's answers in their own conversation.
    pub async fn feedback_by_visitor(
        &self,
        bot: &Bot,
        visitor_id: &str,
        id: ConversationId,
        message: MessageId,
        helpful: bool,
    ) -> Result<MessageView> {
        let found = load_conversation(&self.db, bot.organization_id, id).await?;
        if found.visitor_id != visitor_id || found.bot_id != bot.id.0 {
            return Err(ApiError::not_found("conversation").into());
        }
        let answer = answer_in(&self.db, &found, message).await?;
        let mut row: message::ActiveModel = answer.into();
        row.helpful = Set(Some(helpful));
        self.announce(&found, row.update(&self.db).await?).await
    }

    /// A teammate's review of one of the bot's answers; `None` takes it back.
    pub async fn review_answer(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        message: MessageId,
        verdict: Option<AnswerVerdict>,
    ) -> Result<MessageView> {
        viewer.require(Permission::RespondToConversations)?;
        let found = load_conversation(&self.db, viewer.organization_id, id).await?;
        let answer = answer_in(&self.db, &found, message).await?;
        let mut row: message::ActiveModel = answer.into();
        row.verdict = Set(verdict.map(|v| v.as_str().to_owned()));
        row.reviewed_by = Set(verdict.map(|_| viewer.user_id));
        self.announce(&found, row.update(&self.db).await?).await
    }

    async fn announce(
        &self,
        conversation: &conversation::Model,
        updated: message::Model,
    ) -> Result<MessageView> {
        let view = message_view(updated)?;
        self.events
            .publish(DomainEvent::AnswerRated {
                organization_id: app::dto::OrganizationId(conversation.organization_id),
                bot_id: app::dto::BotId(conversation.bot_id),
                visitor_id: conversation.visitor_id.as_str().into(),
                message: view.clone(),
            })
            .await;
        Ok(view)
    }
}

/// The bot's answer `id` in `conversation`; anything else cannot be rated.
async fn answer_in(
    db: &sea_orm::DatabaseConnection,
    conversation: &conversation::Model,
    id: MessageId,
) -> Result<message::Model> {
    let found = message::Entity::find_by_id(id.0)
        .filter(message::Column::OrganizationId.eq(conversation.organization_id))
        .filter(message::Column::ConversationId.eq(conversation.id))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("message"))?;
    if found.sender_kind != SenderKind::Bot.as_str() || found.answer.is_none() {
        return Err(ApiError::validation("message_id", "Only the bot's answers can be rated.").into());
    }
    Ok(found)
}

/// One question the bot answered, with what people said of the answer (the gaps report's row).
#[derive(Debug, Clone)]
pub struct AnsweredQuestion {
    /// The visitor's message the answer replied to.
    pub question: String,
    pub info: app::dto::AnswerInfo,
    pub helpful: Option<bool>,
    pub verdict: Option<AnswerVerdict>,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// The most conversations one report reads (the most recent).
const REPORT_CONVERSATIONS: u64 = 5_000;
/// Conversations read per query (bound parameters stay well under every database's limit).
const CHUNK: usize = 500;

impl ConversationService {
    /// The bot's answers since `since` in `organization`, each with the visitor's question it
    /// replied to, oldest first. Greetings and fallback texts (no answer record) are left out.
    pub async fn answered_questions(
        &self,
        organization: app::dto::OrganizationId,
        bot: app::dto::BotId,
        since: chrono::DateTime<chrono::Utc>,
    ) -> Result<Vec<AnsweredQuestion>> {
        use sea_orm::{QueryOrder, QuerySelect};
        let conversations: Vec<uuid::Uuid> = conversation::Entity::find()
            .select_only()
            .column(conversation::Column::Id)
            .filter(conversation::Column::OrganizationId.eq(organization.0))
            .filter(conversation::Column::BotId.eq(bot.0))
            .filter(conversation::Column::UpdatedAt.gte(since))
            .order_by_desc(conversation::Column::UpdatedAt)
            .limit(REPORT_CONVERSATIONS)
            .into_tuple()
            .all(&self.db)
            .await?;
        let mut out = Vec::new();
        for ids in conversations.chunks(CHUNK) {
            let messages = message::Entity::find()
                .filter(message::Column::OrganizationId.eq(organization.0))
                .filter(message::Column::ConversationId.is_in(ids.iter().copied()))
                .filter(
                    message::Column::SenderKind
                        .is_in([SenderKind::Visitor.as_str(), SenderKind::Bot.as_str()]),
                )
                .order_by_asc(message::Column::ConversationId)
                .order_by_asc(message::Column::Seq)
                .all(&self.db)
                .await?;
            let mut question: Option<(uuid::Uuid, String)> = None;
            for m in messages {
                if m.sender_kind == SenderKind::Visitor.as_str() {
                    question = Some((m.conversation_id, m.content));
                    continue;
                }
                let Some(info) = m.answer.as_deref().and_then(|a| serde_json::from_str(a).ok()) else {
                    continue;
                };
                let Some((_, asked)) = question.take().filter(|(c, _)| *c == m.conversation_id) else {
                    continue;
                };
                if m.created_at < since {
                    continue;
                }
                out.push(AnsweredQuestion {
                    question: asked,
                    info,
                    helpful: m.helpful,
                    verdict: m.verdict.as_deref().and_then(|v| v.parse().ok()),
                    at: m.created_at,
                });
            }
        }
        out.sort_by_key(|q| q.at);
        Ok(out)
    }
}
