//! What people say of the bot's answers, and what the owner learns from it: the visitor's
//! thumbs (over the widget socket), a teammate's "correct" / "incorrect" (REST), both shown
//! live in the inbox; the knowledge-gaps report groups the questions answered badly by topic,
//! and an FAQ added for a topic closes it.

use app::{
    dto::{AnswerOutcome, AnswerVerdict, MessageView},
    protocol::{ClientMsg, ServerMsg},
};
use serde_json::{Value, json};

use crate::{
    answers::ask,
    helpers::{DEMO_BOT, TestApp, api_error, spawn_app},
};

async fn gaps(app: &TestApp, owner: &str, bot: &str, period: &str) -> Value {
    let (status, body) =
        app.get_json(&format!("/api/v1/knowledge-base/gaps?chatbot_id={bot}&period={period}"), owner).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn topic_of<'a>(report: &'a Value, sample: &str) -> Option<&'a Value> {
    report["gaps"].as_array()?.iter().find(|g| g["sample_queries"].to_string().contains(sample))
}

#[tokio::test]
async fn thumbs_and_reviews_land_on_the_answer_and_the_gaps_report_groups_what_went_wrong() {
    let app = spawn_app().await;
    app.knowledge_jobs_done().await;
    let owner = app.demo_owner().await;
    let mut inbox = app.dashboard().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;

    // Not known at all (one decline; a second unhelpful answer would hand over).
    let unknown = ask(&mut visitor, "f-2", None, "Do you have a mobile app for iPhone?").await;
    assert_eq!(unknown.answer.as_deref().map(|a| a.outcome), Some(AnswerOutcome::Declined));
    let conversation = unknown.conversation_id;

    // Answered from the knowledge, but the visitor is not happy with it.
    let shipping =
        ask(&mut visitor, "f-1", Some(conversation), "How many days does delivery take within Germany?")
            .await;
    assert_ne!(shipping.answer.as_deref().map(|a| a.outcome), Some(AnswerOutcome::Declined));
    visitor
        .send(&ClientMsg::Feedback { conversation_id: conversation, message_id: shipping.id, helpful: false })
        .await;
    let updated = inbox
        .recv_until(|m| matches!(m, ServerMsg::MessageUpdated { message } if message.id == shipping.id))
        .await;
    let ServerMsg::MessageUpdated { message } = updated else { unreachable!() };
    assert_eq!(message.helpful, Some(false), "the inbox sees the thumbs down at once");

    // A teammate marks the shipping answer incorrect; the visitor's widget never sees reviews.
    let detail = app.get_json(&format!("/api/v1/conversations/{conversation}"), &owner).await.1;
    let bot = detail["conversation"]["bot_id"].as_str().expect("bot id").to_owned();
    let review = |message: &MessageView, verdict: Value| {
        let path = format!("/api/v1/conversations/{conversation}/messages/{}/review", message.id);
        let owner = owner.clone();
        let app = &app;
        async move { app.send_json("POST", &path, &owner, json!({ "verdict": verdict })).await }
    };
    let response = review(&shipping, json!("incorrect")).await;
    assert_eq!(response.status(), 200);
    let reviewed: MessageView = response.json().await.expect("the message");
    assert_eq!((reviewed.verdict, reviewed.helpful), (Some(AnswerVerdict::Incorrect), Some(false)));
    let seen = visitor
        .recv_until(|m| matches!(m, ServerMsg::MessageUpdated { message } if message.id == shipping.id))
        .await;
    assert!(matches!(seen, ServerMsg::MessageUpdated { message } if message.verdict.is_none()));

    // Only the bot's answers are rated; nothing changes on a refusal.
    let visitor_message =
        detail["messages"].as_array().expect("messages").iter().find(|m| m["sender"]["type"] == "visitor");
    let visitor_message: MessageView =
        serde_json::from_value(visitor_message.cloned().expect("one")).expect("view");
    let (status, error, _) = api_error(review(&visitor_message, json!("correct")).await).await;
    assert_eq!(status, 422);
    assert!(error.to_string().contains("Only the bot's answers"), "{error}");
    let (status, _, _) = api_error(review(&shipping, json!("great")).await).await;
    assert!(status == 400 || status == 422, "an unknown verdict is refused ({status})");

    // The report: both questions, each its own topic, with what was said of them.
    let report = gaps(&app, &owner, &bot, "30d").await;
    assert!(report["total_queries"].as_u64() >= Some(2), "{report}");
    assert_eq!(report["thumbs_down"], 1, "{report}");
    assert_eq!(report["marked_incorrect"], 1, "{report}");
    assert!(report["no_result_queries"].as_u64() >= Some(1), "{report}");
    let app_topic = topic_of(&report, "mobile app for iPhone").expect("the unknown question is a gap");
    assert_eq!(app_topic["answered_now"], false);
    assert!(app_topic["avg_confidence"].as_f64().expect("avg") < 0.5);
    let shipping_topic =
        topic_of(&report, "delivery take within Germany").expect("the disliked answer is a gap");
    assert_eq!(
        (shipping_topic["thumbs_down"].as_u64(), shipping_topic["marked_incorrect"].as_u64()),
        (Some(1), Some(1))
    );
    assert!(
        shipping_topic["best_passages"][0]["content"].as_str().is_some_and(|c| c.contains("working days")),
        "an FAQ draft starts from what the bot finds: {shipping_topic}"
    );

    // An FAQ for the unknown topic: asked again, the bot answers it, and the report says so.
    let faq = json!({ "chatbot_id": bot, "question": "Do you have a mobile app for iPhone?",
        "answer": "Yes: our iPhone app is free on the App Store; search for Acme Shop." });
    assert_eq!(app.send_json("POST", "/api/v1/knowledge-base/faqs", &owner, faq).await.status(), 201);
    app.knowledge_jobs_done().await;
    let report = gaps(&app, &owner, &bot, "7d").await;
    let app_topic = topic_of(&report, "mobile app for iPhone").expect("still listed for the period");
    assert_eq!(app_topic["answered_now"], true, "{app_topic}");
    assert!(app_topic["confidence_now"].as_f64() >= Some(0.7), "{app_topic}");
    let (_, fresh) = app.visitor(DEMO_BOT).await;
    drop(fresh);
    let (mut again, _) = app.visitor(DEMO_BOT).await;
    let answered = ask(&mut again, "f-3", None, "Is there a mobile app for iPhone?").await;
    assert!(answered.content.contains("App Store"), "{}", answered.content);

    // A bad period is refused with the field named.
    let response = app
        .http
        .get(app.url(&format!("/api/v1/knowledge-base/gaps?chatbot_id={bot}&period=forever")))
        .header("cookie", &owner)
        .send()
        .await
        .expect("answers");
    let (status, error, _) = api_error(response).await;
    assert_eq!(status, 422);
    assert!(error.to_string().contains("1d to 365d"), "{error}");
}

#[tokio::test]
async fn another_organization_can_neither_rate_nor_read_the_gaps_of_this_one() {
    let app = spawn_app().await;
    app.knowledge_jobs_done().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    let unknown = ask(&mut visitor, "t-1", None, "Do you sell garden gnomes?").await;
    let owner = app.demo_owner().await;
    let detail = app.get_json(&format!("/api/v1/conversations/{}", unknown.conversation_id), &owner).await.1;
    let bot = detail["conversation"]["bot_id"].as_str().expect("bot").to_owned();

    let stranger = app.register_verified("owner@globex.example", "Globex").await;
    let (status, _) = app.get_json(&format!("/api/v1/knowledge-base/gaps?chatbot_id={bot}"), &stranger).await;
    assert_eq!(status, 404);
    let path = format!("/api/v1/conversations/{}/messages/{}/review", unknown.conversation_id, unknown.id);
    let response = app.send_json("POST", &path, &stranger, json!({ "verdict": "incorrect" })).await;
    assert_eq!(response.status(), 404);

    // A visitor of another bot cannot rate this conversation's answers either.
    let (_, _, other_key) = app.second_tenant().await;
    let (mut outsider, _) = app.visitor(&other_key).await;
    outsider
        .send(&ClientMsg::Feedback {
            conversation_id: unknown.conversation_id,
            message_id: unknown.id,
            helpful: false,
        })
        .await;
    assert!(matches!(outsider.recv().await, ServerMsg::Error { .. }));
    let report = gaps(&app, &owner, &bot, "30d").await;
    assert_eq!(report["thumbs_down"], 0, "nothing changed: {report}");
    assert_eq!(report["marked_incorrect"], 0, "{report}");
}

#[tokio::test]
async fn a_thumbs_down_then_a_dont_know_hands_the_visitor_to_a_person_with_the_reason() {
    let app = spawn_app().await;
    app.knowledge_jobs_done().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    let answered = ask(&mut visitor, "u-1", None, "How many days does delivery take within Germany?").await;
    assert_ne!(answered.answer.as_deref().map(|a| a.outcome), Some(AnswerOutcome::Declined));
    let conversation = answered.conversation_id;
    visitor
        .send(&ClientMsg::Feedback { conversation_id: conversation, message_id: answered.id, helpful: false })
        .await;
    visitor
        .recv_until(|m| matches!(m, ServerMsg::MessageUpdated { message } if message.helpful == Some(false)))
        .await;

    // One "don't know" alone would not hand over; after the thumbs down it does.
    let handed = ask(&mut visitor, "u-2", Some(conversation), "Do you sell garden gnomes in bulk?").await;
    let info = handed.answer.as_deref().expect("evidence");
    assert_eq!(info.outcome, AnswerOutcome::HandedOver, "{}", handed.content);
    assert_eq!(info.handover_reason.as_deref(), Some("2 answers in a row did not help the visitor"));
    visitor.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;
}
