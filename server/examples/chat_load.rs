//! Load generator: holds N visitor WebSockets open against a running server, lets them chat,
//! and watches with one dashboard socket. Reports connections held, the server's memory
//! (`--server-pid`: resident set after connecting, after chatting, and its peak), and for each
//! visitor message the time until the visitor's own copy comes back (round trip) and until the
//! dashboard shows it (fan-out).
//!
//! ```text
//! cargo run --release -p chatsupport --example chat_load -- \
//!     --url ws://127.0.0.1:3000 --bot demo-acme-helper --visitors 10000 --messages 3 \
//!     --pause-ms 30000 --server-pid $(pgrep -f 'chatsupport serve') \
//!     --owner admin@acme.com:password123 --plan enterprise
//! ```
//! Each chatting visitor starts at a random moment within the first pause and then sends one
//! message per pause — a question the demo bot's knowledge answers — so the message rate is
//! about visitors / pause. It reports the round trip (the server's acknowledgement), the bot's
//! answer time, and the server's degradation beyond capacity: first messages refused as busy
//! (sent again after `retry_after_secs`, as the widget does) and busy answers. `--owner` and `--plan`
//! move the bot's workspace to a plan whose connection cap fits the run (the demo's growth plan
//! holds 1,000). `--trace FILE` writes every round trip with its sending time (CSV), to see
//! when the slow ones happen. Only loopback addresses are accepted: this is a local benchmark, not a traffic
//! tool.

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
    server_pid: Option<u32>,
    owner: (String, String),
    plan: Option<String>,
    trace: Option<String>,
    /// Every message worded differently (`--unique yes`): no answer comes from a cache.
    unique: bool,
}

fn parse_args() -> Result<Args, String> {
    let mut args = Args {
        url: "ws://127.0.0.1:3000".into(),
        bot: "demo-acme-helper".into(),
        visitors: 100,
        messages: 5,
        pause: Duration::from_millis(200),
        server_pid: None,
        owner: ("admin@acme.com".into(), "password123".into()),
        plan: None,
        trace: None,
        unique: false,
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
            "--server-pid" => {
                args.server_pid = Some(value.parse().map_err(|e| format!("--server-pid: {e}"))?)
            }
            "--owner" => {
                let (email, password) = value.split_once(':').ok_or("--owner is email:password")?;
                args.owner = (email.into(), password.into());
            }
            "--plan" => args.plan = Some(value),
            "--trace" => args.trace = Some(value),
            "--unique" => args.unique = matches!(value.as_str(), "yes" | "true" | "1"),
            other => return Err(format!("unknown flag {other}")),
        }
    }
    let host = args.url.trim_start_matches("ws://").split([':', '/']).next().unwrap_or_default();
    if !(host == "localhost" || host.starts_with("127.") || host == "[::1]") {
        return Err(format!("{host} is not a loopback address"));
    }
    Ok(args)
}

/// The server's resident set and its peak, in MiB, from `/proc/<pid>/status`.
fn memory_of(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|rest| rest.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
            .map(|kb| kb / 1024.0)
    };
    Some((field("VmRSS:")?, field("VmHWM:")?))
}

fn print_memory(pid: Option<u32>, when: &str) {
    if let Some((rss, peak)) = pid.and_then(memory_of) {
        println!("server memory {when}: RSS {rss:.1} MiB (peak so far {peak:.1} MiB)");
    }
}

/// Signs in as the owner (REST): the bearer token and the dashboard session cookie.
async fn sign_in(http_base: &str, (email, password): &(String, String)) -> Result<(String, String), String> {
    let answer = reqwest::Client::new()
        .post(format!("{http_base}/api/v1/auth/login"))
        .json(&serde_json::json!({"email": email, "password": password}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    let cookie = answer
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("cs_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
        .ok_or("no session cookie in the login answer")?;
    let login: serde_json::Value = answer.json().await.map_err(|e| e.to_string())?;
    let token = login["access_token"].as_str().ok_or(format!("login failed: {login}"))?;
    Ok((token.to_owned(), cookie))
}

/// Moves the bot's workspace to `plan` (REST, as a developer would).
async fn change_plan(http_base: &str, bot: &str, token: &str, plan: &str) -> Result<(), String> {
    let http = reqwest::Client::new();
    let bots: serde_json::Value = http
        .get(format!("{http_base}/api/v1/chatbots"))
        .bearer_auth(token)
        .send()
        .await
        .map_err(|e| e.to_string())?
        .json()
        .await
        .map_err(|e| e.to_string())?;
    let workspace = bots["chatbots"]
        .as_array()
        .and_then(|all| all.iter().find(|b| b["public_key"] == bot))
        .and_then(|b| b["workspace_id"].as_str())
        .ok_or(format!("no bot {bot} for this owner"))?;
    let answer = http
        .patch(format!("{http_base}/api/v1/workspaces/{workspace}"))
        .bearer_auth(token)
        .json(&serde_json::json!({"plan": plan}))
        .send()
        .await
        .map_err(|e| e.to_string())?;
    if !answer.status().is_success() {
        return Err(format!("changing the plan: {}", answer.text().await.unwrap_or_default()));
    }
    println!("workspace {workspace} is on the {plan} plan");
    Ok(())
}

type Sent = Arc<Mutex<HashMap<String, Instant>>>;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args = parse_args()?;
    let http_base = args.url.replacen("ws://", "http://", 1);
    let (token, cookie) = sign_in(&http_base, &args.owner).await?;
    if let Some(plan) = &args.plan {
        change_plan(&http_base, &args.bot, &token, plan).await?;
    }
    print_memory(args.server_pid, "before");
    let sent: Sent = Arc::default();

    // The dashboard (the owner's session): records when each visitor message shows up.
    let mut request = tokio_tungstenite::tungstenite::client::IntoClientRequest::into_client_request(
        format!("{}/api/v1/ws/dashboard", args.url),
    )?;
    request.headers_mut().insert("cookie", cookie.parse()?);
    let (dashboard, _) = connect_async(request).await?;
    let expected = args.visitors * args.messages;
    let wait = args.pause * 2 + Duration::from_secs(30);
    let fanout = {
        let sent = sent.clone();
        tokio::spawn(async move {
            let (_, mut read) = dashboard.split();
            let mut latencies = Vec::with_capacity(expected);
            while latencies.len() < expected {
                let Ok(Some(Ok(Message::Text(text)))) = tokio::time::timeout(wait, read.next()).await else {
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

    // Open every visitor connection (100 at a time) before anyone chats.
    let started = Instant::now();
    let started_wall = std::time::SystemTime::now();
    let mut visitors = Vec::with_capacity(args.visitors);
    let mut refused = 0;
    for chunk_start in (0..args.visitors).step_by(100) {
        let opening: Vec<_> = (chunk_start..(chunk_start + 100).min(args.visitors))
            .map(|n| {
                let url = format!("{}/api/v1/widget/ws?bot={}", args.url, args.bot);
                tokio::spawn(async move { (n, connect_async(url).await) })
            })
            .collect();
        for task in opening {
            match task.await? {
                (n, Ok((socket, _))) => visitors.push((n, socket)),
                (_, Err(err)) => {
                    refused += 1;
                    if refused == 1 {
                        eprintln!("a connection failed: {err}");
                    }
                }
            }
        }
    }
    println!(
        "connections held: {} visitors + 1 dashboard (opened in {:.1} s; {refused} failed)",
        visitors.len(),
        started.elapsed().as_secs_f64()
    );
    print_memory(args.server_pid, "with every connection open");

    let mut tasks = Vec::new();
    for (n, socket) in visitors {
        let sent = sent.clone();
        let (messages, pause, unique) = (args.messages, args.pause, args.unique);
        tasks.push(tokio::spawn(async move {
            let (mut write, mut read) = socket.split();
            let mut seen = Seen::default();
            let mut conversation = None;
            // A spread start: visitor n begins at a pseudo-random point of the first pause.
            let offset = (n as u64).wrapping_mul(2_654_435_761) % (pause.as_millis().max(1) as u64);
            tokio::time::sleep(Duration::from_millis(offset)).await;
            for m in 0..messages {
                let id = format!("load-{n}-{m}-{}", std::process::id());
                let frame = ClientMsg::MessageSend {
                    visitor: None,
                    client_msg_id: id.clone(),
                    conversation_id: conversation,
                    content: if unique {
                        // Worded a little differently by each visitor: no question is asked
                        // twice, so none is answered from the query-vector cache.
                        format!("{} I'm visitor {n}, message {m}.", QUESTIONS[(n + m) % QUESTIONS.len()])
                    } else {
                        QUESTIONS[(n + m) % QUESTIONS.len()].to_owned()
                    },
                };
                let first_try = Instant::now();
                let mut at = first_try;
                sent.lock().await.insert(id.clone(), at);
                if write.send(Message::text(frame.to_json())).await.is_err() {
                    break;
                }
                // Our own message back (as the widget: a "busy" refusal is sent again after
                // its retry time), then the bot's answer, skipping greetings and typing.
                let mut own_seq = None;
                let next_at = first_try + pause;
                loop {
                    let limit = if own_seq.is_none() {
                        wait
                    } else {
                        next_at.saturating_duration_since(Instant::now())
                    };
                    let Ok(Some(Ok(Message::Text(text)))) = tokio::time::timeout(limit, read.next()).await
                    else {
                        if own_seq.is_none() {
                            return (seen, read.reunite(write).ok());
                        }
                        break; // no answer before the next message is due
                    };
                    match serde_json::from_str(text.as_str()) {
                        Ok(ServerMsg::MessageReceive { message })
                            if message.client_msg_id.as_deref() == Some(id.as_str()) =>
                        {
                            conversation = Some(message.conversation_id);
                            own_seq = Some(message.seq);
                            seen.round_trips.push((at, at.elapsed()));
                            if at != first_try {
                                seen.taken_after_busy.push(first_try.elapsed());
                            }
                        }
                        Ok(ServerMsg::MessageReceive { message })
                            if message.sender.kind == app::dto::SenderKind::Bot
                                && own_seq.is_some_and(|s| message.seq > s) =>
                        {
                            seen.answers.push(first_try.elapsed());
                            if message.answer.as_deref().is_some_and(|a| {
                                a.fallback_reason.as_deref().is_some_and(|r| r.contains("answers waiting"))
                            }) {
                                seen.busy_answers += 1;
                            }
                            break;
                        }
                        Ok(ServerMsg::Error {
                            error: app::ApiError::RateLimited { retry_after_secs },
                            client_msg_id: Some(refused),
                            ..
                        }) if refused == id => {
                            seen.busy_refusals += 1;
                            tokio::time::sleep(Duration::from_secs(retry_after_secs)).await;
                            at = Instant::now();
                            sent.lock().await.insert(id.clone(), at);
                            if write.send(Message::text(frame.to_json())).await.is_err() {
                                return (seen, read.reunite(write).ok());
                            }
                        }
                        _ => {}
                    }
                }
                tokio::time::sleep(next_at.saturating_duration_since(Instant::now())).await;
            }
            // Keep the socket open until everyone is done, so the count stays at N.
            (seen, read.reunite(write).ok())
        }));
    }
    let mut round_trips: Vec<(Instant, Duration)> = Vec::new();
    let (mut answers, mut taken_after_busy) = (Vec::new(), Vec::new());
    let (mut busy_refusals, mut busy_answers) = (0, 0);
    let mut still_open = Vec::new();
    for task in tasks {
        let (seen, socket) = task.await?;
        round_trips.extend(seen.round_trips);
        answers.extend(seen.answers);
        taken_after_busy.extend(seen.taken_after_busy);
        busy_refusals += seen.busy_refusals;
        busy_answers += seen.busy_answers;
        still_open.extend(socket);
    }
    println!("connections still open after chatting: {}", still_open.len());
    print_memory(args.server_pid, "after chatting");
    let fanouts = fanout.await?;
    println!(
        "messages: {} sent, {} round trips, {} seen by the dashboard",
        expected,
        round_trips.len(),
        fanouts.len()
    );
    if let Some(path) = &args.trace {
        write_trace(path, (started, started_wall), &mut round_trips)?;
    }
    report("visitor round trip (send → own message back)", round_trips.into_iter().map(|(_, d)| d).collect());
    report("dashboard fan-out (send → dashboard shows it)", fanouts);
    println!(
        "answers: {} received before the next message was due, {busy_answers} of them the busy answer; \
         {busy_refusals} first messages refused as busy and sent again",
        answers.len()
    );
    report("bot's answer (first send → answer)", answers);
    report("a refused first message taken (first send → own message back)", taken_after_busy);
    Ok(())
}

/// What one visitor saw.
#[derive(Default)]
struct Seen {
    /// Each message's round trip (from its last send), with when it was sent.
    round_trips: Vec<(Instant, Duration)>,
    /// From the first send to the bot's answer.
    answers: Vec<Duration>,
    /// A first message refused as busy: from its first send until it was taken.
    taken_after_busy: Vec<Duration>,
    busy_refusals: usize,
    busy_answers: usize,
}

/// What the load's visitors ask: the demo bot's knowledge, worded as visitors would.
const QUESTIONS: &[&str] = &[
    "How long does delivery take to Austria?",
    "Can I send back something I bought last week?",
    "I forgot my password, how do I get a new one?",
    "Do you take PayPal?",
    "Where is my parcel right now?",
    "When can I reach your support team?",
    "How long is the warranty on your products?",
    "Do you give discounts for business orders?",
];

/// One line per round trip, in sending order: when it was sent (Unix seconds, to line up with
/// the server's logs) and the round trip in ms — to see *when* slow round trips happen.
fn write_trace(
    path: &str,
    (started, started_wall): (Instant, std::time::SystemTime),
    samples: &mut [(Instant, Duration)],
) -> std::io::Result<()> {
    use std::io::Write;
    samples.sort_by_key(|(at, _)| *at);
    let base = started_wall.duration_since(std::time::UNIX_EPOCH).unwrap_or_default().as_secs_f64();
    let mut out = std::io::BufWriter::new(std::fs::File::create(path)?);
    writeln!(out, "sent_unix_s,round_trip_ms")?;
    for (at, took) in samples.iter() {
        let sent = base + at.duration_since(started).as_secs_f64();
        writeln!(out, "{sent:.3},{:.2}", took.as_secs_f64() * 1e3)?;
    }
    out.flush()
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
