//! Beyond capacity the server degrades on purpose (ARCHITECTURE.md "Capacity"): answers wait
//! their turn for the CPU while messages are still stored and acknowledged at once; with the
//! queue long, a *new* conversation gets the widget's "busy" answer (nothing stored, so
//! nothing acknowledged is lost: the widget sends it again), and with the queue full the bot
//! says it is busy instead of making it longer.

use std::time::Duration;

use app::{
    ApiError,
    dto::{AnswerOutcome, SenderKind},
    protocol::ServerMsg,
};

use crate::{
    answers::ask,
    helpers::{DEMO_BOT, send, spawn_app_with},
};

#[tokio::test]
async fn when_answers_queue_up_new_conversations_wait_and_nothing_acknowledged_is_lost() {
    let app = spawn_app_with(|c| {
        c.answer_queue_busy = 0;
        c.answer_wait_busy_ms = 60_000;
        c.answer_queue_max = 2;
    })
    .await;
    app.knowledge_jobs_done().await;
    let (mut a, _) = app.visitor(DEMO_BOT).await;
    let first = ask(&mut a, "a-1", None, "How long does shipping take?").await;
    let conversation = first.conversation_id;

    // Every answer's turn is taken (as if the CPU were busy with others).
    let held = app.state.answers.gate().enter().await.expect("the free turn");

    // A conversation under way: its messages are stored and acknowledged at once; their
    // answers wait.
    for (id, text) in
        [("a-2", "How do I reset my password?"), ("a-3", "Which payment methods do you accept?")]
    {
        a.send(&send(id, Some(conversation), text)).await;
        a.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.client_msg_id.as_deref() == Some(id)))
            .await;
    }
    while app.state.answers.gate().waiting() < 2 {
        tokio::time::sleep(Duration::from_millis(10)).await;
    }

    // The queue is full: the next answer is the busy one, at once, and stored.
    let busy = ask(&mut a, "a-4", Some(conversation), "Can I return an item?").await;
    assert!(busy.content.contains("A member of our team will see your message"), "{}", busy.content);
    let info = busy.answer.as_deref().expect("evidence");
    assert_eq!(info.outcome, AnswerOutcome::Declined);
    assert!(info.sources.is_empty());

    // A new conversation meanwhile gets the busy answer: refused with a retry, not stored.
    let (mut b, _) = app.visitor(DEMO_BOT).await;
    b.send(&send("b-1", None, "Do you ship to Norway?")).await;
    match b.recv().await {
        ServerMsg::Error { error: ApiError::RateLimited { retry_after_secs }, message, client_msg_id } => {
            assert_eq!(client_msg_id.as_deref(), Some("b-1"));
            assert!((1..=30).contains(&retry_after_secs));
            assert!(message.contains("will be sent in a few seconds"), "{message}");
        }
        other => panic!("expected the busy answer, got {other:?}"),
    }

    // The turn comes back: the waiting answers arrive, from the knowledge.
    drop(held);
    let mut answered = Vec::new();
    while answered.len() < 2 {
        if let ServerMsg::MessageReceive { message } = a.recv().await
            && message.sender.kind == SenderKind::Bot
            && message.answer.as_deref().is_some_and(|i| i.outcome != AnswerOutcome::Declined)
        {
            answered.push(message.content);
        }
    }
    answered.sort();
    assert!(answered[0].contains("Forgot password") && answered[1].contains("PayPal"), "{answered:?}");

    // The widget sends the new conversation's message again: now it is taken and answered.
    let taken = ask(&mut b, "b-1", None, "Do you ship to Norway?").await;
    assert_eq!(taken.sender.kind, SenderKind::Bot);
    let owner = app.demo_owner().await;
    let (_, detail) = app.get_json(&format!("/api/v1/conversations/{}", taken.conversation_id), &owner).await;
    let asked = detail["messages"]
        .as_array()
        .expect("messages")
        .iter()
        .filter(|m| m["sender"]["type"] == "visitor")
        .count();
    assert_eq!(asked, 1, "stored once: the refused send left nothing behind");
}
