//! The built-in answer's latency, retrieval included, over a knowledge base of N passages:
//! the whole application (`Application::build` on a throw-away SQLite data dir with the demo
//! data), N help-centre-like passages added to the demo bot's index, then Q visitor-like
//! questions answered one after another by the same `Answerer::reply` the replies listener
//! calls (hand-over rules, small talk, hybrid retrieval, the extractive answer, confidence).
//! Reports p50 / p95 / p99 / max and how the answers were decided.
//!
//! `cargo run --release -p chatsupport --example answer_bench -- [passages] [questions] [embed]`
//! (default 10,000 and 500). With `embed`, the local model (`CHATSUPPORT_EMBEDDING_MODEL_DIR`,
//! default `~/.cache/chatsupport/models/…`) embeds every passage first (minutes) and each
//! question (the query cache is cold: every question is new).

use std::time::Instant;

use app::{ids::SourceId, knowledge::SourceKind};
use chatsupport::{config::Config, knowledge::index::IndexedPassage, startup::Application};

const WORDS: [&str; 24] = [
    "install",
    "account",
    "billing",
    "invoice",
    "refund",
    "shipping",
    "password",
    "widget",
    "export",
    "settings",
    "team",
    "agent",
    "customer",
    "order",
    "delivery",
    "warranty",
    "repair",
    "subscription",
    "printer",
    "router",
    "battery",
    "firmware",
    "calendar",
    "backup",
];

/// Passage `n`: a heading and three sentences made of the vocabulary, different per passage.
fn passage(n: usize) -> (String, String) {
    let w = |k: usize| WORDS[(n * 7 + k * 5) % WORDS.len()];
    let heading = format!("{} and {} {}", w(0), w(1), n);
    let content = format!(
        "To change the {a} of your {b}, open Settings and choose {c}. The {d} is updated within {m} minutes, and \
         your {e} keeps working meanwhile. If the {f} does not appear, restart the {g} and try again (ref {n}).",
        a = w(2),
        b = w(3),
        c = w(4),
        d = w(5),
        e = w(6),
        f = w(7),
        g = w(8),
        m = n % 50 + 1,
    );
    (heading, content)
}

/// Question `n`: about one of the `passages` in other words (its words, not its sentence), or
/// (one in five) about nothing the knowledge holds.
fn question(n: usize, passages: usize) -> String {
    let m = (n * 7_919) % passages.max(1);
    let w = |k: usize| WORDS[(m * 7 + k * 5) % WORDS.len()];
    match n % 5 {
        0 => format!("Can you recommend a good restaurant near the station {n}?"),
        1 => format!("How do I change the {} of my {}?", w(2), w(3)),
        2 => format!("the {} doesn't appear, what should I do with my {}?", w(7), w(8)),
        3 => format!("Which option in Settings updates the {} for my {}?", w(5), w(4)),
        _ => format!("Does my {} keep working while the {} is updated?", w(6), w(5)),
    }
}

#[path = "support/stats.rs"]
mod stats;
use stats::percentile;

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let passages: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(10_000);
    let questions: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(500);
    let embed = args.get(3).is_some_and(|a| a == "embed");

    let dir = tempfile::tempdir()?;
    let mut config = Config::for_tests(dir.path());
    config.demo = true;
    config.no_demo = false;
    if embed {
        config.embedding_model_dir = Some(std::env::var_os("CHATSUPPORT_EMBEDDING_MODEL_DIR").map_or_else(
            || {
                std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default())
                    .join(".cache/chatsupport/models/all-MiniLM-L6-v2")
            },
            std::path::PathBuf::from,
        ));
    }
    let app = Application::build(config).await?;
    let state = app.state().clone();
    let bot =
        chatsupport::bots::find_by_public_key(&state.handles.db, chatsupport::demo::DEMO_BOT_KEY).await?;
    let embedder = state.knowledge.embedder().cloned();

    let started = Instant::now();
    let source = SourceId(uuid::Uuid::now_v7());
    let mut indexed: Vec<IndexedPassage> = (0..passages)
        .map(|n| {
            let (heading, content) = passage(n);
            IndexedPassage {
                chunk_id: uuid::Uuid::now_v7(),
                ordinal: u32::try_from(n).unwrap_or(u32::MAX),
                organization_id: bot.organization_id,
                bot_id: bot.id,
                source_id: source,
                kind: SourceKind::Document,
                title: "Help centre".into(),
                heading_path: format!("Help centre › {heading}"),
                question: None,
                content,
                page: None,
                url: Some(format!("https://help.example.com/articles/{n}")),
                vector: None,
                language: 0,
            }
        })
        .collect();
    if let Some(embedder) = &embedder {
        for batch in indexed.chunks_mut(64) {
            let texts = batch.iter().map(IndexedPassage::embedding_text).collect();
            for (p, v) in batch.iter_mut().zip(embedder.embed(texts).await?) {
                p.vector = Some(v);
            }
        }
    }
    let index = state.knowledge.index();
    index.replace_source(source, indexed).await;
    index.flush().await;
    println!(
        "knowledge: {passages} passages (+ the demo's) indexed{} in {:.1} s",
        if embed { " and embedded" } else { "" },
        started.elapsed().as_secs_f64()
    );

    // One warm-up (the index's first read), then the measured questions.
    let _ = state.answers.reply(&bot, "How do I install the widget?", &[]).await;
    let mut took = Vec::with_capacity(questions);
    let mut outcomes = std::collections::BTreeMap::<&str, usize>::new();
    for n in 0..questions {
        let q = question(n, passages);
        let t = Instant::now();
        let reply = state.answers.reply(&bot, &q, &[]).await;
        took.push(t.elapsed().as_secs_f64() * 1_000.0);
        *outcomes.entry(reply.info.outcome.label()).or_default() += 1;
        if n < 3 {
            println!("  e.g. {q:?} → {:?} {:.2}: {}", reply.info.outcome, reply.info.confidence, reply.text);
        }
    }
    took.sort_by(f64::total_cmp);
    let mean = took.iter().sum::<f64>() / took.len() as f64;
    println!(
        "built-in answer, retrieval included ({} questions, {}): p50 {:.2} ms, p95 {:.2} ms, p99 {:.2} ms, max {:.2} ms, mean {:.2} ms",
        took.len(),
        if embed { "BM25 + local vectors, every question embedded" } else { "BM25" },
        percentile(&took, 0.50),
        percentile(&took, 0.95),
        percentile(&took, 0.99),
        took.last().copied().unwrap_or_default(),
        mean
    );
    println!("decided: {outcomes:?}");
    app.stop_token().cancel();
    Ok(())
}
