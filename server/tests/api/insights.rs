//! What a visitor's message says of them (PRD §5.5.4 intent, §5.5.5 sentiment): stored with
//! every visitor message — also those the bot does not answer — shown to the team through
//! REST and the dashboard socket, never sent back to the visitor; read again with the
//! message's vector when the local model is there; and in "Test your bot" with the prompt a
//! model would be sent.

use app::{
    dto::{ConversationId, Intent, MessageInsight, MessageView, SenderKind, Sentiment},
    protocol::ServerMsg,
};
use serde_json::json;

use crate::{
    answers::ask,
    helpers::{DEMO_BOT, TestApp, spawn_app},
};

/// The conversation's messages as the team reads them over REST.
async fn team_view(app: &TestApp, conversation: ConversationId) -> Vec<MessageView> {
    let owner = app.demo_owner().await;
    let (status, body) = app.get_json(&format!("/api/v1/conversations/{conversation}"), &owner).await;
    assert_eq!(status, 200, "{body}");
    serde_json::from_value(body["messages"].clone()).expect("messages")
}

fn visitor_said<'a>(messages: &'a [MessageView], text: &str) -> &'a MessageView {
    messages
        .iter()
        .find(|m| m.sender.kind == SenderKind::Visitor && m.content == text)
        .expect("the visitor's message")
}

#[tokio::test]
async fn every_visitor_message_is_stored_with_its_intent_and_sentiment_which_only_the_team_sees() {
    let app = spawn_app().await;
    app.knowledge_jobs_done().await;
    let mut inbox = app.dashboard().await;
    let (mut visitor, visitor_id) = app.visitor(DEMO_BOT).await;

    let question = "How much does express shipping cost?";
    let answer = ask(&mut visitor, "i-1", None, question).await;
    let conversation = answer.conversation_id;
    let angry = "Your checkout is broken again and nobody answers, this is unacceptable!";
    let handed = ask(&mut visitor, "i-2", Some(conversation), angry).await;
    assert!(handed.answer.as_deref().is_some_and(|a| a.handover_reason.is_some()), "anger hands over");

    // The team reads both, with what they say of the visitor.
    let messages = team_view(&app, conversation).await;
    let asked = visitor_said(&messages, question).insight.expect("stored with the message");
    assert_eq!(asked.intent, Intent::PricingInquiry, "{asked:?}");
    assert_eq!(asked.sentiment, Sentiment::Neutral, "{asked:?}");
    let upset = visitor_said(&messages, angry).insight.expect("stored with the message");
    assert_eq!(upset.sentiment, Sentiment::VeryNegative, "{upset:?}");
    assert!(upset.sentiment_score < -0.6, "{upset:?}");

    // The dashboard socket carried it live.
    let live = inbox
        .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.content == angry))
        .await;
    assert!(matches!(live, ServerMsg::MessageReceive { message } if message.insight.is_some()));

    // Now held by an agent: the bot is quiet, the message is still read.
    let owner = app.demo_owner().await;
    let took = app
        .send_json("POST", &format!("/api/v1/conversations/{conversation}/takeover"), &owner, json!({}))
        .await;
    assert_eq!(took.status(), 200);
    visitor.send(&crate::helpers::send("i-3", Some(conversation), "thank you so much, you're great")).await;
    let messages = loop {
        let messages = team_view(&app, conversation).await;
        if messages.iter().any(|m| m.content.starts_with("thank you so much")) {
            break messages;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    };
    let thanks = visitor_said(&messages, "thank you so much, you're great").insight.expect("read");
    assert_eq!(thanks.intent, Intent::Gratitude);
    assert!(matches!(thanks.sentiment, Sentiment::Positive | Sentiment::VeryPositive), "{thanks:?}");

    // The visitor's own frames never carry it: not live, not on resume.
    let mut again = app.socket(&format!("/api/v1/widget/ws?bot={DEMO_BOT}&visitor={visitor_id}")).await;
    assert!(matches!(again.recv().await, ServerMsg::SessionReady { .. }));
    again.send(&app::protocol::ClientMsg::Resume { conversation_id: conversation, after_seq: 0 }).await;
    let mut seen = 0;
    while seen < messages.len() {
        if let ServerMsg::MessageReceive { message } = again.recv().await {
            assert_eq!(message.insight, None, "{}", message.content);
            assert_eq!(message.verdict, None);
            seen += 1;
        }
    }
}

#[tokio::test]
async fn testing_the_bot_shows_the_intent_the_sentiment_and_the_prompt_a_model_would_be_sent() {
    let app = spawn_app().await;
    app.knowledge_jobs_done().await;
    let owner = app.demo_owner().await;
    let (_, bots) = app.get_json("/api/v1/chatbots", &owner).await;
    let bot = bots["chatbots"][0]["id"].as_str().expect("the demo bot").to_owned();
    let test = |query: &str| {
        let body = json!({ "chatbot_id": bot, "query": query, "top_k": 3 });
        let (app, owner) = (&app, owner.clone());
        async move {
            let response = app.send_json("POST", "/api/v1/knowledge-base/test", &owner, body).await;
            assert_eq!(response.status(), 200);
            response.json::<serde_json::Value>().await.expect("json")
        }
    };

    let tested = test("How do I reset my password?").await;
    let insight: MessageInsight = serde_json::from_value(tested["insight"].clone()).expect("insight");
    assert_eq!(insight.intent, Intent::PasswordReset);
    let prompt = tested["prompt"].as_str().expect("a prompt: the bot would answer");
    assert!(prompt.starts_with("SYSTEM:\nYou are an AI customer support assistant for Acme"), "{prompt}");
    assert!(prompt.contains("[Source 1]: How do I reset my password?"), "{prompt}");
    assert!(prompt.contains("CUSTOMER'S QUESTION:\nHow do I reset my password?"), "{prompt}");

    // Nothing to read a model: no prompt.
    let tested = test("Who won the football world cup in 1954?").await;
    assert!(tested.get("prompt").is_none(), "{tested}");
}

#[tokio::test]
async fn with_the_local_model_the_intent_is_read_again_by_the_messages_meaning() {
    let dir = crate::embeddings::model_dir();
    let app = crate::helpers::spawn_app_with(|c| c.embedding_model_dir = Some(dir)).await;
    app.knowledge_jobs_done().await;
    // Embedded in the background on first need; an answer before that keeps the words' intent.
    app.state.answers.warm_intents().await;
    let mut inbox = app.dashboard().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    // No cue word of any intent: by words alone a general question; by meaning, a login issue.
    let text = "the site keeps telling me my credentials are wrong when I try to get into my profile";
    assert_eq!(chatsupport::signals::read(text).intent, Intent::GeneralQuestion);
    let answer = ask(&mut visitor, "v-1", None, text).await;
    let updated = inbox
        .recv_until(|m| matches!(m, ServerMsg::MessageUpdated { message } if message.content == text))
        .await;
    let ServerMsg::MessageUpdated { message } = updated else { unreachable!() };
    assert_eq!(message.insight.map(|i| i.intent), Some(Intent::LoginIssue), "{:?}", message.insight);
    let stored = team_view(&app, answer.conversation_id).await;
    assert_eq!(visitor_said(&stored, text).insight.map(|i| i.intent), Some(Intent::LoginIssue));
}
