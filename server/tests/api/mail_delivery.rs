//! Mail goes out as a job after the change that sends it has committed: a mail server that is
//! down never fails the action, the delivery is retried, and a server that answers gets the
//! mail. The stand-in below speaks SMTP (RFC 5321) on loopback.

use std::{sync::Arc, time::Duration};

use chatsupport::{entities::job, jobs::JobStatus};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
use tokio::{
    io::{AsyncBufReadExt, AsyncWriteExt, BufReader},
    net::TcpListener,
    sync::Mutex,
};

use crate::helpers::spawn_app_with;

/// Accepts mail and keeps each message's DATA.
async fn smtp_stand_in() -> (u16, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let port = listener.local_addr().expect("addr").port();
    let received = Arc::new(Mutex::new(Vec::new()));
    let store = received.clone();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            let store = store.clone();
            tokio::spawn(async move {
                let (read, mut write) = stream.into_split();
                let mut lines = BufReader::new(read).lines();
                let _ = write.write_all(b"220 stand-in ESMTP\r\n").await;
                let mut data: Option<String> = None;
                while let Ok(Some(line)) = lines.next_line().await {
                    if let Some(body) = data.as_mut() {
                        if line == "." {
                            store.lock().await.push(std::mem::take(body));
                            data = None;
                            let _ = write.write_all(b"250 queued\r\n").await;
                        } else {
                            body.push_str(&line);
                            body.push('\n');
                        }
                        continue;
                    }
                    let verb = line.split_whitespace().next().unwrap_or_default().to_ascii_uppercase();
                    let reply: &[u8] = match verb.as_str() {
                        "EHLO" | "HELO" => b"250 stand-in\r\n",
                        "MAIL" | "RCPT" | "RSET" | "NOOP" => b"250 ok\r\n",
                        "DATA" => {
                            data = Some(String::new());
                            b"354 go ahead\r\n"
                        }
                        "QUIT" => {
                            let _ = write.write_all(b"221 bye\r\n").await;
                            break;
                        }
                        _ => b"502 not implemented\r\n",
                    };
                    let _ = write.write_all(reply).await;
                }
            });
        }
    });
    (port, received)
}

#[tokio::test]
async fn registration_succeeds_while_the_mail_server_is_down_and_the_delivery_is_retried() {
    // Nothing listens on this port.
    let closed = TcpListener::bind("127.0.0.1:0").await.expect("bind").local_addr().expect("addr").port();
    let app = spawn_app_with(|config| config.smtp_url = Some(format!("smtp://127.0.0.1:{closed}"))).await;
    app.register("down@mail.example", "Down Co").await;
    let mail = app.latest_mail("down@mail.example").await;
    assert!(mail.sent_at.is_none());
    // The delivery job tries, records the error on the mail and waits to try again.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    loop {
        let delivery = job::Entity::find()
            .filter(job::Column::Kind.eq(chatsupport::mail::DELIVER_KIND))
            .filter(job::Column::Payload.contains(mail.id.to_string()))
            .one(&app.state.handles.db)
            .await
            .expect("read")
            .expect("a delivery job was queued with the mail");
        if delivery.attempts >= 1 && delivery.status == JobStatus::Queued {
            assert!(delivery.last_error.expect("a reason").contains("could not be reached"));
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "the delivery was never tried: {delivery:?}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let mail = app.latest_mail("down@mail.example").await;
    assert!(mail.error.is_some(), "the failure is recorded on the mail");
}

#[tokio::test]
async fn a_mail_server_that_answers_gets_the_mail_and_the_mail_is_marked_sent() {
    let (port, received) = smtp_stand_in().await;
    let app = spawn_app_with(|config| config.smtp_url = Some(format!("smtp://127.0.0.1:{port}"))).await;
    app.register("up@mail.example", "Up Co").await;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(10);
    while app.latest_mail("up@mail.example").await.sent_at.is_none() {
        assert!(tokio::time::Instant::now() < deadline, "the mail was never marked sent");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    let received = received.lock().await;
    assert_eq!(received.len(), 1);
    assert!(
        received[0].contains("To: up@mail.example") && received[0].contains("Verify your email"),
        "{received:?}"
    );
}
