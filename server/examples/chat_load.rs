//! Load generator: N visitor WebSockets chatting with a running server while one dashboard
//! socket watches. Reports connections held, and for each visitor message the time until the
//! visitor's own copy comes back (round trip) and until the dashboard shows it (fan-out).
//!
//! ```text
//! cargo run --release -p chatsupport --example chat_load -- \
//!     --url ws://127.0.0.1:3000 --bot demo-acme-helper --visitors 200 --messages 5
//! ```
//! Only loopback addresses are accepted: this is a local benchmark, not a traffic tool.

use std::{
    collections::HashMap,
    sync::Arc,
    time::{Duration, Instant},
};

use app::protocol::{ClientMsg, ServerMsg};
use futures::{SinkExt, StreamExt};
use tokio::sync::Mutex;
use tokio_tungstenite::{connect_async, tungstenite::Message};

struct Args {
    url: String,
    bot: String,
    visitors: usize,
    messages: usize,
    pause: Duration,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: "ws://127.0.0.1:3000".into(),
        bot: "demo-acme-helper".into(),
        visitors: 100,
        messages: 5,
        pause: Duration::from_millis(200),
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let value = it.next().ok_or(format!("{flag} needs a value"))?;
        match flag.as_str() {
            "--url" => args.url = value,
            "--bot" => args.bot = value,
            "--visitors" => args.visitors = value.parse().map_err(|e| format!("--visitors: {e}"))?,
            "--messages" => args.messages = value.parse().map_err(|e| format!("--messages: {e}"))?,
            "--pause-ms" => {
                args.pause = Duration::from_millis(value.parse().map_err(|e| format!("--pause-ms: {e}"))?)
            }
            other => return Err(format!("unknown flag {other}")),
        }
    }
    let host = args.url.trim_start_matches("ws://").split([':', '/']).next().unwrap_or_default();
    if !(host == "localhost" || host.starts_with("127.") || host == "[::1]") {
        return Err(format!("{host} is not a loopback address"));
    }
    Ok(args)
}

type Sent = Arc<Mutex<HashMap<String, Instant>>>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let sent: Sent = Arc::default();

    // The dashboard: records when each visitor message shows up.
    let (dashboard, _) = connect_async(format!("{}/api/v1/ws/dashboard", args.url)).await?;
    let expected = args.visitors * args.messages;
    let fanout = {
        let sent = sent.clone();
        tokio::spawn(async move {
            let (_, mut read) = dashboard.split();
            let mut latencies = Vec::with_capacity(expected);
            while latencies.len() < expected {
                let Ok(Some(Ok(Message::Text(text)))) =
                    tokio::time::timeout(Duration::from_secs(30), read.next()).await
                else {
                    break;
                };
                if let Ok(ServerMsg::MessageReceive { message }) = serde_json::from_str(text.as_str())
                    && let Some(id) = message.client_msg_id
                    && let Some(at) = sent.lock().await.get(&id)
                {
                    latencies.push(at.elapsed());
                }
            }
            latencies
        })
    };

    let started = Instant::now();
    let mut visitors = Vec::with_capacity(args.visitors);
    for n in 0..args.visitors {
        let (socket, _) = connect_async(format!("{}/api/v1/widget/ws?bot={}", args.url, args.bot)).await?;
        visitors.push((n, socket));
    }
    let connect_time = started.elapsed();
    println!("connections held: {} visitors + 1 dashboard (opened in {connect_time:?})", visitors.len());

    let mut tasks = Vec::new();
    for (n, socket) in visitors {
        let sent = sent.clone();
        let (messages, pause) = (args.messages, args.pause);
        tasks.push(tokio::spawn(async move {
            let (mut write, mut read) = socket.split();
            let mut round_trips = Vec::with_capacity(messages);
            let mut conversation = None;
            for m in 0..messages {
                let id = format!("load-{n}-{m}-{}", std::process::id());
                let frame = ClientMsg::MessageSend {
                    visitor: None,
                    client_msg_id: id.clone(),
                    conversation_id: conversation,
                    content: format!("Load test message {m} from visitor {n}"),
                };
                let at = Instant::now();
                sent.lock().await.insert(id.clone(), at);
                if write.send(Message::text(frame.to_json())).await.is_err() {
                    break;
                }
                // Wait for our own message to come back, skipping greetings, typing and answers.
                loop {
                    let Ok(Some(Ok(Message::Text(text)))) =
                        tokio::time::timeout(Duration::from_secs(30), read.next()).await
                    else {
                        return round_trips;
                    };
                    if let Ok(ServerMsg::MessageReceive { message }) = serde_json::from_str(text.as_str())
                        && message.client_msg_id.as_deref() == Some(id.as_str())
                    {
                        conversation = Some(message.conversation_id);
                        round_trips.push(at.elapsed());
                        break;
                    }
                }
                tokio::time::sleep(pause).await;
            }
            round_trips
        }));
    }
    let mut round_trips = Vec::new();
    for task in tasks {
        round_trips.extend(task.await?);
    }
    let fanouts = fanout.await?;
    println!(
        "messages: {} sent, {} round trips, {} seen by the dashboard",
        expected,
        round_trips.len(),
        fanouts.len()
    );
    report("visitor round trip (send → own message back)", round_trips);
    report("dashboard fan-out (send → dashboard shows it)", fanouts);
    Ok(())
}

fn report(what: &str, mut samples: Vec<Duration>) {
    if samples.is_empty() {
        println!("{what}: no samples");
        return;
    }
    samples.sort();
    let pct = |p: f64| {
        samples[((samples.len() as f64 * p).ceil() as usize).saturating_sub(1).min(samples.len() - 1)]
    };
    println!(
        "{what}: p50 {:.1} ms, p99 {:.1} ms, max {:.1} ms ({} samples)",
        pct(0.50).as_secs_f64() * 1e3,
        pct(0.99).as_secs_f64() * 1e3,
        pct(1.0).as_secs_f64() * 1e3,
        samples.len()
    );
}
