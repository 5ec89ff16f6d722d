//! The bot's answer to each visitor message. Until an AI answerer is configured this is the
//! fallback path: the bot's configured fallback text, after a short typing indicator. The AI
//! reply will slot in here; the fallback stays for when it has nothing to say.

use std::{sync::Arc, time::Duration};

use app::{
    dto::{ConversationId, Sender, SenderKind},
    protocol::ServerMsg,
};
use sea_orm::DatabaseConnection;
use tokio::sync::mpsc;

use crate::{
    bots,
    conversations::ConversationService,
    events::DomainEvent,
    realtime::{Hub, Topic},
};

#[derive(Clone)]
pub struct Replier {
    pub db: DatabaseConnection,
    pub conversations: ConversationService,
    pub hub: Hub,
    /// Overrides every bot's own response delay (tests, load runs); `None` uses the bot's.
    pub delay: Option<Duration>,
}

pub async fn listen(replier: Replier, mut events: mpsc::Receiver<Arc<DomainEvent>>) {
    while let Some(event) = events.recv().await {
        let DomainEvent::MessageCreated { organization_id, bot_id, visitor_id, message, conversation } =
            event.as_ref()
        else {
            continue;
        };
        // The bot answers only conversations it holds: not one escalated (an offline message
        // among them), with an agent, or closed.
        if message.sender.kind != SenderKind::Visitor
            || conversation.status != app::dto::ConversationStatus::Active
        {
            continue;
        }
        // Each answer runs on its own task: a slow answer must not hold up the next event.
        let replier = replier.clone();
        let (org, bot_id, visitor, conversation) =
            (*organization_id, *bot_id, visitor_id.clone(), message.conversation_id);
        tokio::spawn(async move {
            let bot = match bots::find(&replier.db, org, bot_id).await {
                Ok(bot) => bot,
                Err(err) => return tracing::warn!(error = %err, "the bot of a conversation is gone"),
            };
            let topic = Topic::Visitor(bot_id, visitor);
            let typing = |start: bool, conversation_id: ConversationId| {
                let sender = Sender { kind: SenderKind::Bot, name: bot.name.clone() };
                if start {
                    ServerMsg::TypingStart { conversation_id, sender }
                } else {
                    ServerMsg::TypingStop { conversation_id, sender }
                }
            };
            let behavior = bot.settings.behavior.clone();
            let delay =
                replier.delay.unwrap_or_else(|| Duration::from_millis(u64::from(behavior.response_delay_ms)));
            if behavior.show_typing_indicator {
                replier.hub.publish(topic.clone(), &typing(true, conversation));
            }
            tokio::time::sleep(delay).await;
            let answered =
                replier.conversations.post_bot_message(&bot, conversation, &bot.fallback_message).await;
            if behavior.show_typing_indicator {
                replier.hub.publish(topic, &typing(false, conversation));
            }
            match answered {
                Ok(Some(_)) => {}
                // A person took the conversation while the answer was on its way.
                Ok(None) => return,
                Err(err) => return tracing::error!(error = %err, %conversation, "the bot could not answer"),
            }
            // After the bot's answer to the visitor's Nth message (N = max conversation length),
            // the bot offers a person once.
            if behavior.max_conversation_length > 0 {
                let said = replier.conversations.visitor_message_count(org, conversation).await;
                if matches!(said, Ok(n) if n == u64::from(behavior.max_conversation_length))
                    && let Err(err) = replier
                        .conversations
                        .post_bot_message(&bot, conversation, &behavior.handoff_message)
                        .await
                {
                    tracing::error!(error = %err, %conversation, "the bot could not offer a person");
                }
            }
        });
    }
}
