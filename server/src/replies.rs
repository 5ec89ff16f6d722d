//! The bot's answer to each visitor message: the answer engine's reply ([`crate::answers`]),
//! after the bot's typing indicator and response delay, streamed to the widget, stored with its
//! evidence, and — when the engine says so — the conversation handed to a person. The bot's
//! fallback text stays the last resort when nothing can be read.

use std::{sync::Arc, time::Duration};

use app::{
    dto::{BotId, ConversationId, OrganizationId, Sender, SenderKind},
    protocol::ServerMsg,
};
use sea_orm::DatabaseConnection;
use tokio::sync::mpsc;

use crate::{
    answers::Answerer,
    bots,
    conversations::ConversationService,
    events::DomainEvent,
    realtime::{Hub, Topic},
};

#[derive(Clone)]
pub struct Replier {
    pub db: DatabaseConnection,
    pub conversations: ConversationService,
    pub answers: Answerer,
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
        tokio::spawn(answer(
            replier.clone(),
            *organization_id,
            *bot_id,
            visitor_id.clone(),
            message.conversation_id,
            message.seq,
        ));
    }
}

/// At startup: answers the conversations the bot holds whose visitor spoke last within the
/// hour — answers that were on their way when the server stopped (they live in memory until
/// they are stored). An active conversation is one waiting for the bot's answer: the answer
/// turns it to waiting. Reads every organization's conversations, like the lifecycle sweep.
pub async fn answer_unanswered(replier: Replier) -> crate::error::Result<usize> {
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder, QuerySelect};

    use crate::entities::{conversation, message};
    let since = chrono::Utc::now() - chrono::Duration::hours(1);
    let active = conversation::Entity::find()
        .filter(conversation::Column::Status.eq(app::dto::ConversationStatus::Active.as_str()))
        .filter(conversation::Column::UpdatedAt.gt(since))
        .order_by_asc(conversation::Column::UpdatedAt)
        .limit(1_000)
        .all(&replier.db)
        .await?;
    let mut answered = 0;
    for row in active {
        let last = message::Entity::find()
            .filter(message::Column::OrganizationId.eq(row.organization_id))
            .filter(message::Column::ConversationId.eq(row.id))
            .filter(message::Column::Seq.eq(row.last_seq))
            .one(&replier.db)
            .await?;
        if last.is_some_and(|m| m.sender_kind == SenderKind::Visitor.as_str()) {
            answered += 1;
            tokio::spawn(answer(
                replier.clone(),
                OrganizationId(row.organization_id),
                BotId(row.bot_id),
                Arc::from(row.visitor_id.as_str()),
                ConversationId(row.id),
                row.last_seq,
            ));
        }
    }
    if answered > 0 {
        tracing::info!(answered, "answering messages left unanswered by the last stop");
    }
    Ok(answered)
}

/// The bot's answer to the visitor's message `seq` in `conversation`: typing, the streamed
/// chunks, the stored answer, a hand-over when the engine decides one, and the offer of a
/// person after the bot's maximum length.
async fn answer(
    replier: Replier,
    org: OrganizationId,
    bot_id: BotId,
    visitor: Arc<str>,
    conversation: ConversationId,
    seq: i64,
) {
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
    let delay = replier.delay.unwrap_or_else(|| Duration::from_millis(u64::from(behavior.response_delay_ms)));
    if behavior.show_typing_indicator {
        replier.hub.publish(topic.clone(), &typing(true, conversation));
    }
    // The answer goes out as `message:streaming` chunks while it is produced, then is
    // stored whole (`message:receive`). A model's words are relayed as they arrive; an
    // answer ready at once (built-in, the fallback) is cut into chunks that share the bot's
    // response delay: half before the first, the rest between.
    let stream_id = uuid::Uuid::new_v4().simple().to_string();
    let (tokens, mut words) = tokio::sync::mpsc::unbounded_channel::<String>();
    let relay = {
        let (hub, topic, stream_id) = (replier.hub.clone(), topic.clone(), stream_id.clone());
        tokio::spawn(async move {
            while let Some(chunk) = words.recv().await {
                let frame = ServerMsg::MessageStreaming {
                    conversation_id: conversation,
                    stream_id: stream_id.clone(),
                    chunk,
                };
                hub.publish(topic.clone(), &frame);
            }
        })
    };
    let reply = replier.answers.reply_to(&bot, conversation, seq, &tokens).await;
    drop(tokens);
    let _ = relay.await;
    let answer = reply.as_ref().map_or(bot.fallback_message.as_str(), |r| r.text.as_str());
    if !reply.as_ref().is_some_and(|r| r.streamed) {
        let chunks = chunks_of(answer);
        tokio::time::sleep(delay / 2).await;
        let gap = (delay / 2) / u32::try_from(chunks.len().max(1)).unwrap_or(u32::MAX);
        for chunk in chunks {
            let frame = ServerMsg::MessageStreaming {
                conversation_id: conversation,
                stream_id: stream_id.clone(),
                chunk: chunk.to_owned(),
            };
            replier.hub.publish(topic.clone(), &frame);
            tokio::time::sleep(gap).await;
        }
    }
    let answered = replier
        .conversations
        .post_bot_message(
            &bot,
            conversation,
            answer,
            reply.as_ref().map(|r| &r.info),
            reply.as_ref().and_then(|r| r.question.as_ref()),
        )
        .await;
    if behavior.show_typing_indicator {
        replier.hub.publish(topic.clone(), &typing(false, conversation));
    }
    match answered {
        Ok(Some(_)) => {}
        // A person took the conversation while the answer was on its way.
        Ok(None) => return,
        Err(err) => return tracing::error!(error = %err, %conversation, "the bot could not answer"),
    }
    // A bot with a language model has it read the visitor's message too (intent, sentiment).
    if !matches!(bot.settings.ai.provider, app::bot_settings::AiProvider::BuiltIn) {
        let (answers, bot) = (replier.answers.clone(), bot.clone());
        tokio::spawn(async move { answers.understand(&bot, conversation, seq).await });
    }
    if let Some(reason) = reply.as_ref().and_then(|r| r.hand_over()) {
        match replier.conversations.escalate_by_bot(&bot, conversation, reason).await {
            // As when the visitor asks for a person: with nobody to answer now, the widget
            // asks where the team can reply (the offline form), unless we know already.
            Ok(Some(escalated)) => {
                let dashboards = replier.hub.listeners(&Topic::Organization(org));
                let away =
                    bots::hours::team_away(&bot.settings.business_hours, dashboards, chrono::Utc::now());
                if away && escalated.visitor_email.is_none() {
                    replier.hub.publish(topic, &ServerMsg::TeamOffline { conversation_id: conversation });
                }
            }
            Ok(None) => {}
            Err(err) => {
                tracing::error!(error = %err, %conversation, "the bot could not hand the conversation over")
            }
        }
        return;
    }
    // After the bot's answer to the visitor's Nth message (N = max conversation length),
    // the bot offers a person once.
    if behavior.max_conversation_length > 0 {
        let said = replier.conversations.visitor_message_count(org, conversation).await;
        if matches!(said, Ok(n) if n == u64::from(behavior.max_conversation_length))
            && let Err(err) = replier
                .conversations
                .post_bot_message(&bot, conversation, &behavior.handoff_message, None, None)
                .await
        {
            tracing::error!(error = %err, %conversation, "the bot could not offer a person");
        }
    }
}

/// Words per `message:streaming` chunk of an answer that is ready at once.
const WORDS_PER_CHUNK: usize = 4;

/// An answer cut into chunks of a few words (each with its trailing space); joined, they are
/// the answer.
fn chunks_of(answer: &str) -> Vec<&str> {
    let mut chunks = Vec::new();
    let (mut start, mut words) = (0, 0);
    for (at, c) in answer.char_indices() {
        if c == ' ' {
            words += 1;
            if words == WORDS_PER_CHUNK {
                chunks.push(&answer[start..=at]);
                (start, words) = (at + 1, 0);
            }
        }
    }
    if start < answer.len() {
        chunks.push(&answer[start..]);
    }
    chunks
}

/// Bot replies to visitor messages as they are committed, and once at start to the messages
/// the last stop left unanswered.
pub fn install(w: &mut crate::wiring::Wiring, conversations: &ConversationService, answers: &Answerer) {
    let h = w.handles();
    let replier = Replier {
        db: h.db.clone(),
        conversations: conversations.clone(),
        answers: answers.clone(),
        hub: h.hub.clone(),
        delay: h.config.bot_reply_delay_ms.map(Duration::from_millis),
    };
    let listener = replier.clone();
    w.listener("replies", move |events| listen(listener, events));
    w.background("answer the unanswered", async move {
        if let Err(err) = answer_unanswered(replier).await {
            tracing::warn!(error = %err, "answering messages left unanswered by the last stop");
        }
    });
}

#[cfg(test)]
mod tests {
    use super::chunks_of;

    #[test]
    fn an_answer_streams_in_chunks_of_a_few_words_that_join_to_the_answer() {
        let answer = "Thanks for your message! I don't have an answer for that yet, so a member of our team will follow up here.";
        let chunks = chunks_of(answer);
        assert_eq!(chunks.concat(), answer);
        assert_eq!(chunks[0], "Thanks for your message! ");
        assert!(chunks.iter().all(|c| c.split_whitespace().count() <= 4));
        assert_eq!(chunks_of("Ünïcödé wörds à la carte, fine"), ["Ünïcödé wörds à la ", "carte, fine"]);
        assert!(chunks_of("").is_empty());
    }
}
