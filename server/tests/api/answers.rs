//! The answer engine through the widget socket, on the demo bot's knowledge: an answer from
//! the right passage with its source and confidence, an honest "don't know", small talk, and
//! hand-overs with their reason recorded for the agent.

use app::{
    dto::{AnswerOutcome, ConversationId, ConversationStatus, MessageView, SenderKind},
    protocol::ServerMsg,
};

use crate::helpers::{DEMO_BOT, Socket, TestApp, send, spawn_app};

/// Sends `text` as the visitor and returns the bot's stored answer to it.
pub async fn ask(
    visitor: &mut Socket,
    id: &str,
    conversation: Option<ConversationId>,
    text: &str,
) -> MessageView {
    visitor.send(&send(id, conversation, text)).await;
    let mut mine = None;
    loop {
        match visitor.recv().await {
            ServerMsg::MessageReceive { message } if message.client_msg_id.as_deref() == Some(id) => {
                mine = Some(message.seq);
            }
            ServerMsg::MessageReceive { message }
                if message.sender.kind == SenderKind::Bot && mine.is_some_and(|s| message.seq > s) =>
            {
                return message;
            }
            _ => {}
        }
    }
}

async fn detail(app: &TestApp, conversation: ConversationId) -> serde_json::Value {
    let owner = app.demo_owner().await;
    let (status, body) = app.get_json(&format!("/api/v1/conversations/{conversation}"), &owner).await;
    assert_eq!(status, 200, "{body}");
    body
}

#[tokio::test]
async fn a_question_in_other_words_is_answered_from_the_right_passage_with_its_source() {
    let app = spawn_app().await;
    app.knowledge_jobs_done().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;

    let answer = ask(&mut visitor, "q-1", None, "How many days does delivery take within Germany?").await;
    assert!(answer.content.contains("2-4 working days in Germany"), "{}", answer.content);
    let info = answer.answer.as_deref().expect("the answer carries its evidence");
    assert_ne!(info.outcome, AnswerOutcome::Declined);
    assert!(info.confidence >= chatsupport::answers::SUGGEST, "{}", info.confidence);
    assert_eq!(info.sources.len(), 1);
    assert_eq!(info.sources[0].title, "How long does shipping take?");
    assert_eq!(info.model, "built-in");

    // Stored with the message: the inbox reads the same evidence.
    let stored = detail(&app, answer.conversation_id).await;
    let last = stored["messages"].as_array().expect("messages").last().cloned().expect("a message");
    assert_eq!(last["answer"]["sources"][0]["title"], "How long does shipping take?");
    assert!(last["answer"]["confidence"].as_f64().expect("confidence") >= 0.5);

    // A long article answers with its own sentence, cited by its heading.
    let claim =
        ask(&mut visitor, "q-2", Some(answer.conversation_id), "How long will a warranty repair take?").await;
    assert!(claim.content.contains("repairs take about 10 working days"), "{}", claim.content);
    let info = claim.answer.as_deref().expect("evidence");
    assert!(info.sources[0].title.starts_with("Warranty and repairs"), "{:?}", info.sources);
}

#[tokio::test]
async fn what_the_knowledge_does_not_cover_is_declined_honestly_and_twice_in_a_row_goes_to_a_person() {
    let app = spawn_app().await;
    app.knowledge_jobs_done().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;

    let first = ask(&mut visitor, "o-1", None, "What is the capital of Mongolia?").await;
    assert_eq!(first.content, chatsupport::demo::DEMO_FALLBACK);
    let info = first.answer.as_deref().expect("evidence");
    assert_eq!(info.outcome, AnswerOutcome::Declined);
    assert!(info.sources.is_empty());
    assert!(info.confidence < chatsupport::answers::SUGGEST);
    assert_eq!(detail(&app, first.conversation_id).await["conversation"]["status"], "waiting");

    let second =
        ask(&mut visitor, "o-2", Some(first.conversation_id), "Can you recommend a nice pizza restaurant?")
            .await;
    let info = second.answer.as_deref().expect("evidence");
    assert_eq!(info.outcome, AnswerOutcome::HandedOver);
    assert!(second.content.contains("member of our team"), "{}", second.content);
    visitor.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;
    let stored = detail(&app, first.conversation_id).await;
    assert_eq!(stored["conversation"]["status"], ConversationStatus::Escalated.as_str());
    let escalated = stored["events"]
        .as_array()
        .expect("events")
        .iter()
        .find(|e| e["kind"] == "escalated")
        .cloned()
        .expect("an escalated event");
    assert_eq!(escalated["actor_kind"], "bot");
    assert_eq!(escalated["data"]["note"], "the bot could not answer 2 questions in a row");
}

#[tokio::test]
async fn asking_for_a_person_hands_over_at_once_with_the_reason_and_small_talk_needs_no_knowledge() {
    let app = spawn_app().await;
    app.knowledge_jobs_done().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;

    let hello = ask(&mut visitor, "s-1", None, "Hello").await;
    assert_eq!(hello.answer.as_deref().map(|a| a.outcome), Some(AnswerOutcome::SmallTalk));
    assert_eq!(hello.content, "Hello! How can I help you today?", "the demo bot is professional");

    let handed =
        ask(&mut visitor, "s-2", Some(hello.conversation_id), "this is useless, I want a person").await;
    let info = handed.answer.as_deref().expect("evidence");
    assert_eq!(info.outcome, AnswerOutcome::HandedOver);
    assert_eq!(info.handover_reason.as_deref(), Some("the visitor asked for a person"));
    visitor.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;
    let stored = detail(&app, hello.conversation_id).await;
    assert_eq!(stored["conversation"]["status"], "escalated");
    assert!(
        stored["events"]
            .as_array()
            .expect("events")
            .iter()
            .any(|e| e["kind"] == "escalated" && e["data"]["note"] == "the visitor asked for a person"),
        "{stored}"
    );
    // Escalated: the bot is quiet now.
    visitor.send(&send("s-3", Some(hello.conversation_id), "How long does shipping take?")).await;
    visitor
        .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.client_msg_id.as_deref() == Some("s-3")))
        .await;
    assert!(
        visitor.is_silent_for(std::time::Duration::from_millis(600)).await,
        "the bot does not answer a conversation waiting for a person"
    );
}

#[tokio::test]
async fn a_bot_answers_only_from_its_own_organizations_knowledge() {
    let app = spawn_app().await;
    app.knowledge_jobs_done().await;
    let (_, _, key) = app.second_tenant().await;
    let (mut visitor, _) = app.visitor(&key).await;
    let answer = ask(&mut visitor, "t-1", None, "How long does shipping take?").await;
    let info = answer.answer.as_deref().expect("evidence");
    assert_eq!(
        info.outcome,
        AnswerOutcome::Declined,
        "Acme's shipping FAQ is not Globex's: {}",
        answer.content
    );
    assert!(info.sources.is_empty());
}

#[tokio::test]
async fn with_the_local_model_a_question_sharing_no_word_with_the_knowledge_is_answered_and_nonsense_is_not()
{
    let dir = crate::embeddings::model_dir();
    let app = crate::helpers::spawn_app_with(|c| c.embedding_model_dir = Some(dir)).await;
    app.knowledge_jobs_done().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;

    let answer = ask(&mut visitor, "m-1", None, "I forgot my login credentials, what now?").await;
    assert!(answer.content.contains("Forgot password"), "{}", answer.content);
    let info = answer.answer.as_deref().expect("evidence");
    assert_eq!(info.sources[0].title, "How do I reset my password?");
    assert_ne!(info.outcome, AnswerOutcome::Declined);

    let other =
        ask(&mut visitor, "m-2", Some(answer.conversation_id), "Who won the football world cup in 1954?")
            .await;
    let info = other.answer.as_deref().expect("evidence");
    assert_eq!(info.outcome, AnswerOutcome::Declined, "{} ({})", other.content, info.confidence);
}

#[tokio::test]
async fn testing_the_bot_lists_ranked_passages_and_the_answer_a_visitor_would_get_for_its_own_bots_only() {
    let app = spawn_app().await;
    app.knowledge_jobs_done().await;
    let owner = app.demo_owner().await;
    let (_, bots) = app.get_json("/api/v1/chatbots", &owner).await;
    let bot = bots["chatbots"][0]["id"].as_str().expect("the demo bot").to_owned();
    let test = |body: serde_json::Value, who: String| {
        let app = &app;
        async move { app.send_json("POST", "/api/v1/knowledge-base/test", &who, body).await }
    };

    let answer = test(
        serde_json::json!({ "chatbot_id": bot, "query": "How many days does delivery take within Germany?", "top_k": 3 }),
        owner.clone(),
    )
    .await;
    assert_eq!(answer.status(), 200);
    let answer: serde_json::Value = answer.json().await.expect("json");
    let results = answer["results"].as_array().expect("results");
    assert!(!results.is_empty() && results.len() <= 3, "{answer}");
    assert_eq!(results[0]["rank"], 1);
    assert_eq!(results[0]["source_type"], "faq");
    assert_eq!(results[0]["metadata"]["title"], "How long does shipping take?");
    let scores: Vec<f64> = results.iter().map(|r| r["score"].as_f64().expect("score")).collect();
    assert!(scores.windows(2).all(|w| w[0] >= w[1]), "best first: {scores:?}");
    assert!(answer["suggested_answer"].as_str().expect("answer").contains("2-4 working days in Germany"));
    assert!(answer["confidence_score"].as_f64().expect("confidence") >= 0.5);
    assert_ne!(answer["outcome"], "declined");
    assert_eq!(answer["sources"][0]["title"], "How long does shipping take?");

    // Bad input is named, field by field.
    for (body, field) in [
        (serde_json::json!({ "chatbot_id": bot, "query": "  " }), "query"),
        (serde_json::json!({ "chatbot_id": bot, "query": "x".repeat(4_001) }), "query"),
        (serde_json::json!({ "chatbot_id": bot, "query": "shipping", "top_k": 0 }), "top_k"),
    ] {
        let refused = test(body, owner.clone()).await;
        let (status, error, _) = crate::helpers::api_error(refused).await;
        assert_eq!(status, 422);
        assert!(
            matches!(&error, app::ApiError::Validation { fields } if fields.iter().any(|f| f.field == field)),
            "{error:?}"
        );
    }

    // Another organization's owner cannot test (or read anything of) Acme's bot.
    let globex = app.register_verified("owner@globex-test.example", "Globex").await;
    let refused =
        test(serde_json::json!({ "chatbot_id": bot, "query": "How long does shipping take?" }), globex).await;
    assert_eq!(refused.status(), 404);
    let body = refused.text().await.expect("body");
    assert!(!body.contains("working days"), "{body}");
}
