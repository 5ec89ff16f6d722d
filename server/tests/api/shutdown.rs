//! SIGTERM while visitors are chatting: the real `chatsupport` binary is stopped the way a
//! process manager stops it, and every message it acknowledged is stored and searchable.

use std::{collections::HashSet, process::Stdio, time::Duration};

use app::{
    dto::{OrganizationId, SenderKind},
    protocol::{ClientMsg, ServerMsg},
};
use futures::{SinkExt, StreamExt};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::sync::Mutex;
use tokio_tungstenite::{connect_async, tungstenite::Message};

use crate::helpers::DEMO_BOT;

const VISITORS: usize = 20;

#[tokio::test]
async fn sigterm_during_load_loses_no_acknowledged_message_and_no_indexed_document() {
    let data = tempfile::tempdir().expect("temp dir");
    let site = data.path().join("site");
    std::fs::create_dir_all(site.join("widget")).expect("site");
    std::fs::write(site.join("widget/index.html"), "<!doctype html><title>Chat</title>").expect("page");
    let port =
        std::net::TcpListener::bind("127.0.0.1:0").expect("a free port").local_addr().expect("addr").port();
    let mut server = tokio::process::Command::new(env!("CARGO_BIN_EXE_chatsupport"))
        .args(["serve", "--bind", &format!("127.0.0.1:{port}")])
        .arg("--data-dir")
        .arg(data.path())
        .arg("--site-dir")
        .arg(&site)
        .args(["--bot-reply-delay-ms", "0"])
        .args(["--visitor-messages-per-minute", "100000", "--visitor-messages-per-hour", "100000"])
        .env_remove("DATABASE_URL")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .kill_on_drop(true)
        .spawn()
        .expect("the server starts");
    let base = format!("http://127.0.0.1:{port}");
    let http = reqwest::Client::new();
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while http.get(format!("{base}/api/v1/health")).send().await.map(|r| r.status() != 200).unwrap_or(true) {
        assert!(tokio::time::Instant::now() < deadline, "the server never became healthy");
        tokio::time::sleep(Duration::from_millis(100)).await;
    }

    // Visitors send as fast as they are answered; each acknowledgement (the stored message
    // coming back with its client id) is noted.
    let acknowledged = std::sync::Arc::new(Mutex::new(HashSet::<String>::new()));
    let mut visitors = Vec::new();
    for v in 0..VISITORS {
        let acknowledged = acknowledged.clone();
        let url = format!("ws://127.0.0.1:{port}/api/v1/widget/ws?bot={DEMO_BOT}");
        visitors.push(tokio::spawn(async move {
            let Ok((socket, _)) = connect_async(url).await else { return };
            let (mut sink, mut stream) = socket.split();
            let mut conversation = None;
            for n in 0.. {
                let id = format!("v{v}n{n}");
                let send = ClientMsg::MessageSend {
                    client_msg_id: id.clone(),
                    conversation_id: conversation,
                    content: format!("question token{v}x{n} please"),
                    visitor: None,
                };
                if sink.send(Message::Text(send.to_json().into())).await.is_err() {
                    return;
                }
                loop {
                    let Some(Ok(Message::Text(text))) = stream.next().await else { return };
                    let Ok(msg) = serde_json::from_str::<ServerMsg>(text.as_str()) else { continue };
                    if let ServerMsg::MessageReceive { message } = msg
                        && message.client_msg_id.as_deref() == Some(id.as_str())
                    {
                        conversation = Some(message.conversation_id);
                        acknowledged.lock().await.insert(id.clone());
                        break;
                    }
                }
            }
        }));
    }
    tokio::time::sleep(Duration::from_millis(2_500)).await;
    let before_stop = acknowledged.lock().await.len();
    assert!(before_stop > VISITORS, "the visitors were chatting ({before_stop} acknowledged)");

    let pid = server.id().expect("a pid").to_string();
    let killed = std::process::Command::new("kill").args(["-TERM", &pid]).status().expect("kill runs");
    assert!(killed.success());
    let status = tokio::time::timeout(Duration::from_secs(40), server.wait())
        .await
        .expect("the server stops within 40 s of SIGTERM")
        .expect("exit status");
    assert!(status.success(), "a clean exit: {status:?}");
    for visitor in visitors {
        let _ = visitor.await;
    }
    let acknowledged = acknowledged.lock().await.clone();

    // Every acknowledged message is stored…
    let db = chatsupport::db::connect(&format!(
        "sqlite://{}?mode=rwc",
        data.path().join("chatsupport.db").display()
    ))
    .await
    .expect("the database opens");
    let stored: HashSet<String> = chatsupport::entities::message::Entity::find()
        .filter(chatsupport::entities::message::Column::SenderKind.eq(SenderKind::Visitor.as_str()))
        .all(&db)
        .await
        .expect("messages")
        .into_iter()
        .filter_map(|m| m.client_msg_id)
        .collect();
    let missing: Vec<_> = acknowledged.difference(&stored).collect();
    assert!(missing.is_empty(), "acknowledged but not stored: {missing:?}");

    // …and was indexed before the process ended (the index is read as the stop left it).
    let index =
        chatsupport::search::MessageSearch::open(&data.path().join("index")).expect("the index opens");
    let org = chatsupport::entities::bot::Entity::find()
        .filter(chatsupport::entities::bot::Column::PublicKey.eq(DEMO_BOT))
        .one(&db)
        .await
        .expect("bot")
        .expect("the demo bot")
        .organization_id;
    let mut unindexed = Vec::new();
    for id in &acknowledged {
        let (v, n) = id[1..].split_once('n').expect("v{v}n{n}");
        let token = format!("token{v}x{n}");
        let hits = index.search(OrganizationId(org), &token).expect("search");
        if hits.is_empty() {
            unindexed.push(id.clone());
        }
    }
    assert!(unindexed.is_empty(), "acknowledged but not in the index: {unindexed:?}");
    assert!(acknowledged.len() >= before_stop);
}
