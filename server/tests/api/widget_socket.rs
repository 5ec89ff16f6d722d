use std::time::Duration;

use app::{
    ApiError,
    dto::SenderKind,
    protocol::{ClientMsg, MAX_FRAME_BYTES, MAX_MESSAGE_CHARS, ServerMsg},
};
use tokio_tungstenite::tungstenite::Message;

use crate::helpers::{DEMO_BOT, send, spawn_app};

fn received(msg: ServerMsg) -> app::dto::MessageView {
    match msg {
        ServerMsg::MessageReceive { message } => message,
        other => panic!("expected message:receive, got {other:?}"),
    }
}

fn is_message(msg: &ServerMsg) -> bool {
    matches!(msg, ServerMsg::MessageReceive { .. })
}

#[tokio::test]
async fn a_visitor_message_is_stored_answered_and_fanned_out_to_the_dashboard() {
    let app = spawn_app().await;
    let mut dashboard = app.dashboard().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;

    visitor.send(&send("c-1", None, "Hello")).await;
    let greeting = received(visitor.recv_until(is_message).await);
    assert_eq!((greeting.seq, greeting.sender.kind), (1, SenderKind::Bot));
    let mine = received(visitor.recv_until(is_message).await);
    assert_eq!((mine.seq, mine.content.as_str(), mine.client_msg_id.as_deref()), (2, "Hello", Some("c-1")));
    let answer = received(visitor.recv_until(is_message).await);
    assert_eq!((answer.seq, answer.sender.kind), (3, SenderKind::Bot));
    // A greeting is small talk: the bot greets back in its voice, without reading knowledge.
    assert_eq!(answer.content, "Hello! How can I help you today?");
    assert_eq!(answer.answer.as_deref().map(|a| a.outcome), Some(app::dto::AnswerOutcome::SmallTalk));

    // The dashboard saw the visitor's message and the conversation's new summary.
    let seen = received(
        dashboard
            .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.content == "Hello"))
            .await,
    );
    assert_eq!(seen.id, mine.id);
    let updated = dashboard.recv_until(|m| matches!(m, ServerMsg::ConversationUpdated { .. })).await;
    let ServerMsg::ConversationUpdated { conversation } = updated else { unreachable!() };
    assert_eq!(conversation.id, mine.conversation_id);

    // And it is in the database, in order.
    let stored = app
        .state
        .conversations
        .messages(app.demo_org().await, mine.conversation_id, 0)
        .await
        .expect("messages");
    let texts: Vec<_> = stored.iter().map(|m| (m.seq, m.content.as_str())).collect();
    assert_eq!(texts[1], (2, "Hello"));
    assert_eq!(stored.len(), 3);
}

#[tokio::test]
async fn malformed_frames_get_an_api_error_and_the_socket_stays_usable() {
    let app = spawn_app().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    for bad in ["not json", "{\"type\":\"message:send\"}", "{\"type\":\"launch:missiles\"}", "[]"] {
        visitor.send_text(bad).await;
        match visitor.recv().await {
            ServerMsg::Error { error: ApiError::BadRequest { .. }, message, .. } => {
                assert!(!message.is_empty())
            }
            other => panic!("{bad}: expected a bad_request error, got {other:?}"),
        }
    }
    visitor.send_raw(Message::binary(vec![1, 2, 3])).await.expect("sent");
    assert!(matches!(visitor.recv().await, ServerMsg::Error { error: ApiError::BadRequest { .. }, .. }));
    visitor.send(&ClientMsg::Ping).await;
    assert_eq!(visitor.recv().await, ServerMsg::Pong);
}

#[tokio::test]
async fn an_oversize_message_is_refused_with_a_validation_error_and_nothing_is_stored() {
    let app = spawn_app().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    visitor.send(&send("big-1", None, &"a".repeat(MAX_MESSAGE_CHARS + 1))).await;
    match visitor.recv().await {
        ServerMsg::Error { error: ApiError::Validation { fields }, client_msg_id, .. } => {
            assert_eq!(fields[0].field, "content");
            assert_eq!(client_msg_id.as_deref(), Some("big-1"));
        }
        other => panic!("expected a validation error, got {other:?}"),
    }
    visitor.send(&send("blank-1", None, "   ")).await;
    assert!(matches!(visitor.recv().await, ServerMsg::Error { error: ApiError::Validation { .. }, .. }));
    let conversations = app.demo_conversations().await;
    assert_eq!(conversations.len(), 1, "only the demo conversation exists");
}

#[tokio::test]
async fn a_frame_over_the_size_limit_closes_that_socket_and_nothing_else() {
    let app = spawn_app().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    let huge = format!("{{\"type\":\"ping\",\"pad\":\"{}\"}}", "x".repeat(MAX_FRAME_BYTES + 1));
    let _ = visitor.send_raw(Message::text(huge)).await;
    let code = visitor.closed().await;
    assert!(code.is_none() || code == Some(1009), "closed with {code:?}");
    // The server is fine and serves the next visitor.
    assert_eq!(app.get("/api/v1/health").await.status(), 200);
    let (mut next, _) = app.visitor(DEMO_BOT).await;
    next.send(&ClientMsg::Ping).await;
    assert_eq!(next.recv().await, ServerMsg::Pong);
}

#[tokio::test]
async fn resending_a_client_message_id_stores_the_message_once() {
    let app = spawn_app().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    visitor.send(&send("same-id", None, "Where is my order?")).await;
    let first = received(
        visitor
            .recv_until(
                |m| matches!(m, ServerMsg::MessageReceive { message } if message.client_msg_id.is_some()),
            )
            .await,
    );
    visitor.send(&send("same-id", Some(first.conversation_id), "Where is my order?")).await;
    let again = received(
        visitor
            .recv_until(
                |m| matches!(m, ServerMsg::MessageReceive { message } if message.client_msg_id.is_some()),
            )
            .await,
    );
    assert_eq!(again.id, first.id);
    assert_eq!(again.seq, first.seq);
    let stored = app
        .state
        .conversations
        .messages(app.demo_org().await, first.conversation_id, 0)
        .await
        .expect("messages");
    assert_eq!(stored.iter().filter(|m| m.content == "Where is my order?").count(), 1);
}

#[tokio::test]
async fn two_sends_of_one_client_message_id_at_the_same_moment_store_it_once() {
    use chatsupport::conversations::{MessageContent, NewVisitorMessage};
    let app = spawn_app().await;
    let bot = chatsupport::bots::find_by_public_key(&app.state.handles.db, DEMO_BOT).await.expect("bot");
    let input = |content: &str| NewVisitorMessage {
        client_msg_id: "racing-id".into(),
        conversation_id: None,
        content: MessageContent::try_from(content.to_owned()).expect("content"),
        details: Default::default(),
    };
    // Both pass the check before the write (neither is stored yet); the unique key decides.
    let service = &app.state.conversations;
    let (a, b) = tokio::join!(
        service.post_visitor_message(&bot, "v_racing_visitor_0001", input("Hello?")),
        service.post_visitor_message(&bot, "v_racing_visitor_0001", input("Hello?")),
    );
    let (a, b) = (a.expect("first send"), b.expect("second send"));
    assert_eq!([a.duplicate, b.duplicate].iter().filter(|d| **d).count(), 1, "exactly one is the resend");
    let mine = |p: &chatsupport::conversations::Posted| {
        p.messages.iter().find(|m| m.client_msg_id.as_deref() == Some("racing-id")).map(|m| m.id)
    };
    assert_eq!(mine(&a), mine(&b), "both answers are the one stored message");
    let stored = service.messages(app.demo_org().await, a.conversation.id, 0).await.expect("messages");
    assert_eq!(stored.iter().filter(|m| m.content == "Hello?").count(), 1);
    // The bot's answer may already be there too (it races this read); its greeting is once.
    let greeting = &stored[0];
    assert_eq!(greeting.sender.kind, SenderKind::Bot);
    assert_eq!(
        stored.iter().filter(|m| m.content == greeting.content).count(),
        1,
        "one greeting: the loser's conversation was rolled back"
    );
}

#[tokio::test]
async fn a_visitor_who_reconnects_resumes_after_the_last_message_seen() {
    let app = spawn_app().await;
    let (mut visitor, visitor_id) = app.visitor(DEMO_BOT).await;
    visitor.send(&send("r-1", None, "First")).await;
    let mine = received(
        visitor
            .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.content == "First"))
            .await,
    );
    let answer = received(visitor.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.sender.kind == SenderKind::Bot && message.seq > 2)).await);
    drop(visitor);

    let mut back = app.socket(&format!("/api/v1/widget/ws?bot={DEMO_BOT}&visitor={visitor_id}")).await;
    match back.recv().await {
        ServerMsg::SessionReady { visitor_id: same, .. } => assert_eq!(same, visitor_id),
        other => panic!("expected session:ready, got {other:?}"),
    }
    back.send(&ClientMsg::Resume { conversation_id: mine.conversation_id, after_seq: mine.seq }).await;
    let resumed = received(back.recv().await);
    assert_eq!(resumed.id, answer.id, "only what came after seq {} is replayed", mine.seq);
    assert!(back.is_silent_for(Duration::from_millis(300)).await);
}

#[tokio::test]
async fn a_visitor_cannot_resume_or_write_into_someone_elses_conversation() {
    let app = spawn_app().await;
    let (mut alice, _) = app.visitor(DEMO_BOT).await;
    alice.send(&send("a-1", None, "Private question")).await;
    let hers = received(alice.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.content == "Private question")).await);

    let (mut mallory, _) = app.visitor(DEMO_BOT).await;
    mallory.send(&ClientMsg::Resume { conversation_id: hers.conversation_id, after_seq: 0 }).await;
    assert!(matches!(mallory.recv().await, ServerMsg::Error { error: ApiError::NotFound { .. }, .. }));
    mallory.send(&send("m-1", Some(hers.conversation_id), "Injected")).await;
    assert!(matches!(mallory.recv().await, ServerMsg::Error { error: ApiError::NotFound { .. }, .. }));
}

#[tokio::test]
async fn a_visitor_of_one_bot_never_receives_events_of_another_tenants_bot() {
    let app = spawn_app().await;
    let (_, _, other_key) = app.second_tenant().await;
    let (mut acme_visitor, _) = app.visitor(DEMO_BOT).await;
    let (mut globex_visitor, _) = app.visitor(&other_key).await;

    globex_visitor.send(&send("g-1", None, "Globex secret")).await;
    let answer = received(
        globex_visitor
            .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq == 3))
            .await,
    );
    assert_eq!(answer.content, "Globex will get back to you.");
    assert!(acme_visitor.is_silent_for(Duration::from_millis(500)).await, "nothing of Globex reaches Acme");
}

#[tokio::test]
async fn an_unknown_bot_key_is_refused_before_the_upgrade() {
    let app = spawn_app().await;
    let refused =
        tokio_tungstenite::connect_async(format!("ws://{}/api/v1/widget/ws?bot=no-such-bot", app.address))
            .await;
    match refused {
        Err(tokio_tungstenite::tungstenite::Error::Http(response)) => {
            assert_eq!(response.status(), 404);
            let body: serde_json::Value =
                serde_json::from_slice(response.body().as_deref().unwrap_or_default()).expect("json");
            assert_eq!(body["error"]["code"], "not_found");
            assert_eq!(body["error"]["resource"], "chatbot");
        }
        other => panic!("expected an HTTP 404 instead of an upgrade, got {other:?}"),
    }
}

#[tokio::test]
async fn the_bot_answer_streams_in_chunks_before_it_is_stored_whole() {
    let app = spawn_app().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    visitor.send(&send("s-1", None, "Do you ship to Norway?")).await;
    let mut streamed = String::new();
    let mut streams = std::collections::HashSet::new();
    let answer = loop {
        match visitor.recv().await {
            ServerMsg::MessageStreaming { stream_id, chunk, .. } => {
                streams.insert(stream_id);
                streamed.push_str(&chunk);
            }
            ServerMsg::MessageReceive { message }
                if message.sender.kind == SenderKind::Bot && message.seq == 3 =>
            {
                break message;
            }
            _ => {}
        }
    };
    assert_eq!(streams.len(), 1, "one answer, one stream");
    assert!(!streamed.is_empty(), "the answer was streamed before it was stored");
    assert_eq!(streamed, answer.content, "the chunks join to the stored answer");
}

#[tokio::test]
async fn an_answer_cut_off_by_a_stop_is_given_at_the_next_start() {
    use chatsupport::entities::{conversation, message};
    use sea_orm::{ActiveModelTrait, ColumnTrait, EntityTrait, QueryFilter, Set};
    let app = spawn_app().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    visitor.send(&send("cut-1", None, "Are you open on Sunday?")).await;
    let mine = received(
        visitor
            .recv_until(
                |m| matches!(m, ServerMsg::MessageReceive { message } if message.client_msg_id.is_some()),
            )
            .await,
    );
    let answer = received(
        visitor
            .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq > mine.seq))
            .await,
    );
    // As the database is when the server stopped while the answer was on its way: the
    // visitor's message stored and the conversation still with the bot, no answer.
    message::Entity::delete_by_id(answer.id.0).exec(&app.state.handles.db).await.expect("delete the answer");
    let row = conversation::Entity::find_by_id(mine.conversation_id.0)
        .one(&app.state.handles.db)
        .await
        .expect("q")
        .expect("row");
    let mut undo: conversation::ActiveModel = row.into();
    undo.last_seq = Set(mine.seq);
    undo.message_count = Set(mine.seq);
    undo.status = Set("active".into());
    undo.update(&app.state.handles.db).await.expect("back to before the answer");

    let replier = chatsupport::replies::Replier {
        db: app.state.handles.db.clone(),
        conversations: app.state.conversations.clone(),
        answers: app.state.answers.clone(),
        hub: app.state.handles.hub.clone(),
        delay: Some(Duration::ZERO),
    };
    assert_eq!(chatsupport::replies::answer_unanswered(replier.clone()).await.expect("startup pass"), 1);
    let again = received(
        visitor
            .recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq > mine.seq))
            .await,
    );
    assert_eq!((again.seq, again.sender.kind), (mine.seq + 1, SenderKind::Bot));
    // Answered now: the next start has nothing to do.
    assert_eq!(chatsupport::replies::answer_unanswered(replier).await.expect("second pass"), 0);
    let stored = message::Entity::find()
        .filter(message::Column::ConversationId.eq(mine.conversation_id.0))
        .all(&app.state.handles.db)
        .await
        .expect("messages");
    assert_eq!(stored.iter().filter(|m| m.sender_kind == "bot").count(), 2, "the greeting and one answer");
}
