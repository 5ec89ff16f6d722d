//! The delay the server adds between a language model's token and the widget: a local
//! stand-in speaking OpenAI's chat-completions SSE format streams N tokens, each carrying the
//! moment it was written (µs since the epoch); a widget socket asks the demo bot a question and
//! notes when each `message:streaming` frame arrives. The delay per token is arrival − written,
//! on one machine's clock: async-openai's SSE parsing, the relay channel, the hub, the socket.
//!
//! `cargo run --release -p chatsupport --example stream_delay -- [tokens] [gap-ms] [answers]`
//! (default 200 tokens 5 ms apart, 5 answers).

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use app::{
    dto::SenderKind,
    protocol::{ClientMsg, ServerMsg},
};
use axum::{Router, body::Body, extract::State, http::header, response::Response, routing::post};
use chatsupport::{config::Config, startup::Application};
use futures::{SinkExt, StreamExt};
use serde_json::json;
use tokio_tungstenite::tungstenite::Message;

fn now_us() -> u128 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_micros()).unwrap_or_default()
}

#[derive(Clone, Copy)]
struct Plan {
    tokens: usize,
    gap: Duration,
}

fn chunk(delta: serde_json::Value, finish: Option<&str>) -> String {
    let body = json!({"id": "c", "object": "chat.completion.chunk", "created": 1, "model": "stand-in",
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
    format!("data: {body}\n\n")
}

async fn completions(State(plan): State<Plan>) -> Response {
    let stream = futures::stream::unfold(0usize, move |n| async move {
        if n > plan.tokens + 1 {
            return None;
        }
        let frame = if n < plan.tokens {
            if n > 0 {
                tokio::time::sleep(plan.gap).await;
            }
            chunk(json!({"content": format!("t{} ", now_us())}), None)
        } else if n == plan.tokens {
            chunk(json!({}), Some("stop"))
        } else {
            "data: [DONE]\n\n".to_owned()
        };
        Some((Ok::<_, std::io::Error>(axum::body::Bytes::from(frame)), n + 1))
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .body(Body::from_stream(stream))
        .expect("a response")
}

#[path = "support/stats.rs"]
mod stats;
use stats::percentile;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let tokens: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(200);
    let gap = Duration::from_millis(args.get(2).and_then(|a| a.parse().ok()).unwrap_or(5));
    let answers: usize = args.get(3).and_then(|a| a.parse().ok()).unwrap_or(5);

    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await?;
    let base = format!("http://{}/v1", listener.local_addr()?);
    let router =
        Router::new().route("/v1/chat/completions", post(completions)).with_state(Plan { tokens, gap });
    // An upstream API answers with TCP_NODELAY, as the big ones do.
    let listener = {
        use axum::serve::ListenerExt;
        listener.tap_io(|tcp| {
            let _ = tcp.set_nodelay(true);
        })
    };
    tokio::spawn(async move { axum::serve(listener, router).await });

    let dir = tempfile::tempdir()?;
    let mut config = Config::for_tests(dir.path());
    config.demo = true;
    config.no_demo = false;
    config.llm_url = Some(base);
    config.llm_total_ms = 120_000;
    config.visitor_messages_per_minute = 1_000;
    let app = Application::build(config).await?;
    let state = app.state().clone();
    let address = app.address();
    let stop = app.stop_token();
    let running = tokio::spawn(app.run_until_stopped());

    // The demo knowledge indexed first: without it the bot declines and never asks the model.
    {
        use chatsupport::entities::job;
        use sea_orm::{ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
        loop {
            let busy = job::Entity::find()
                .filter(job::Column::Kind.eq(chatsupport::knowledge::ingest::KIND))
                .filter(job::Column::Status.is_in([job::JobStatus::Queued, job::JobStatus::Running]))
                .count(&state.handles.db)
                .await?;
            if busy == 0 {
                break;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    }
    let url = format!("ws://{address}/api/v1/widget/ws?bot={}", chatsupport::demo::DEMO_BOT_KEY);
    let (mut socket, _) = tokio_tungstenite::connect_async(url).await?;
    let mut delays = Vec::new();
    let mut conversation = None;
    let mut done = 0;
    let mut sent = 0;
    while done < answers && sent < answers + 40 {
        sent += 1;
        let id = format!("q-{sent}");
        let ask = ClientMsg::MessageSend {
            client_msg_id: id.clone(),
            conversation_id: conversation,
            content: "How many days does delivery take within Germany?".into(),
            visitor: None,
        };
        socket.send(Message::text(ask.to_json())).await?;
        let (mut these, mut mine) = (Vec::new(), None);
        loop {
            let Some(frame) =
                tokio::time::timeout(Duration::from_secs(60), socket.next()).await?.transpose()?
            else {
                anyhow::bail!("the socket closed");
            };
            let arrived = now_us();
            let Message::Text(text) = frame else { continue };
            match serde_json::from_str::<ServerMsg>(text.as_str())? {
                ServerMsg::MessageStreaming { chunk, .. } => {
                    these.extend(
                        chunk
                            .split_whitespace()
                            .filter_map(|w| w.strip_prefix('t')?.parse::<u128>().ok())
                            .map(|written| arrived.saturating_sub(written) as f64 / 1_000.0),
                    );
                }
                ServerMsg::MessageReceive { message }
                    if message.client_msg_id.as_deref() == Some(id.as_str()) =>
                {
                    mine = Some(message.seq);
                    conversation = Some(message.conversation_id);
                }
                // The bot's answer to this question (not the greeting a new conversation opens with).
                ServerMsg::MessageReceive { message }
                    if message.sender.kind == SenderKind::Bot && mine.is_some_and(|s| message.seq > s) =>
                {
                    break;
                }
                _ => {}
            }
        }
        if std::env::var_os("VERBOSE").is_some() {
            let max = these.iter().copied().fold(0.0, f64::max);
            let first: Vec<String> = these.iter().take(5).map(|d| format!("{d:.1}")).collect();
            let last: Vec<String> = these.iter().rev().take(3).map(|d| format!("{d:.1}")).collect();
            eprintln!(
                "answer {sent}: {} tokens, max {max:.1} ms, first {first:?}, last {last:?}",
                these.len()
            );
        }
        if these.len() + 1 >= tokens {
            done += 1;
            delays.extend(these);
        } else {
            tokio::time::sleep(Duration::from_millis(500)).await;
        }
    }
    anyhow::ensure!(!delays.is_empty(), "no answer came from the model");
    delays.sort_by(f64::total_cmp);
    println!(
        "{} tokens over {done} answers ({tokens} tokens {} ms apart each): server-added delay p50 {:.3} ms, p95 {:.3} ms, p99 {:.3} ms, max {:.3} ms",
        delays.len(),
        gap.as_millis(),
        percentile(&delays, 0.50),
        percentile(&delays, 0.95),
        percentile(&delays, 0.99),
        delays.last().copied().unwrap_or_default()
    );
    stop.cancel();
    let _ = running.await;
    Ok(())
}
