//! The answer engine's evaluation over documentation no one here wrote: the Valgrind 3.19 user
//! manual as Debian ships it (`server/tests/fixtures/eval/valgrind/`, GFDL/GPL, see its
//! `copyright`), uploaded as HTML documents to a new bot through the REST API, exactly as an
//! owner would; then every question of `questions.json` asked through
//! `POST /api/v1/knowledge-base/test` (the engine a visitor's message goes through).
//!
//! Reports, per the issue "The AI answer engine":
//! - hit@3: a top-3 passage holds the answer (one of the question's `expect` phrases), for the
//!   retrieval ranking as it is (plain BM25 without a model, hybrid with one) and for the three
//!   passages the engine reads first after its re-ranking;
//! - in-domain answered / falsely declined, out-of-domain declined, escalation recall;
//! - calibration: per confidence band, how often the answer given came from a passage that
//!   holds the answer, and the expected calibration error over 10 bins.
//!
//! `cargo run --release -p chatsupport --example answer_eval -- [embed] [--rows FILE] [--set FILE]`
//! (with `embed`, the local model from `CHATSUPPORT_EMBEDDING_MODEL_DIR`, default
//! `~/.cache/chatsupport/models/all-MiniLM-L6-v2`; `--rows` writes one JSON line per question).

use std::{path::PathBuf, time::Instant};

use chatsupport::{config::Config, startup::Application};
use serde_json::{Value, json};

const PAGES: [&str; 10] = [
    "faq.html",
    "quick-start.html",
    "manual-intro.html",
    "manual-core.html",
    "manual-core-adv.html",
    "mc-manual.html",
    "cg-manual.html",
    "ms-manual.html",
    "dh-manual.html",
    "cl-manual.html",
];

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/eval/valgrind")
}

fn normalised(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

fn holds(passage: &str, expect: &[String]) -> bool {
    let passage = normalised(passage);
    expect.iter().any(|e| passage.contains(&normalised(e)))
}

/// A `multipart/form-data` body: `chatbot_id`, then one file.
fn form(bot: &str, filename: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----chatsupport-eval-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"chatbot_id\"\r\n\r\n{bot}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: text/html\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

#[derive(Default)]
struct Tally {
    asked: usize,
    hit3_retrieval: usize,
    hit3_read: usize,
    findable: usize,
    answered: usize,
    declined: usize,
    handed_over: usize,
}

struct Sample {
    evidence: Option<chatsupport::answers::Evidence>,
    correct: bool,
}

/// The features a confidence model reads: coverage, the cosine's excess over unrelated text,
/// a one-word question.
fn features(e: &chatsupport::answers::Evidence) -> [f64; 4] {
    let cos = e.cosine.map_or(0.0, |c| f64::from(((c - 0.25) / 0.45).clamp(0.0, 1.0)));
    [1.0, f64::from(e.coverage), cos, if e.words <= 1 { 1.0 } else { 0.0 }]
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// Logistic regression by gradient descent with a little L2: P(the passage answers).
fn train(data: &[([f64; 4], bool)]) -> [f64; 4] {
    let mut w = [0.0; 4];
    for _ in 0..20_000 {
        let mut g = [0.0; 4];
        for (x, y) in data {
            let p = sigmoid(x.iter().zip(&w).map(|(a, b)| a * b).sum());
            let err = p - f64::from(u8::from(*y));
            for k in 0..4 {
                g[k] += err * x[k];
            }
        }
        for k in 0..4 {
            let l2 = if k == 0 { 0.0 } else { 0.01 * w[k] };
            w[k] -= 0.5 * (g[k] / data.len() as f64 + l2);
        }
    }
    w
}

/// Fits P(right) on the set and reports it in 5 folds held out (each fold scored by a model
/// trained on the other four), so the numbers are not the fit's own.
fn fit(samples: &[Sample]) {
    let data: Vec<([f64; 4], bool)> = samples
        .iter()
        .map(|s| (s.evidence.as_ref().map_or([1.0, 0.0, 0.0, 0.0], features), s.correct))
        .collect();
    if data.len() < 10 {
        return;
    }
    let w = train(&data);
    println!(
        "fitted P(right) = sigmoid({:.3} + {:.3}·coverage + {:.3}·cos' + {:.3}·one-word)",
        w[0], w[1], w[2], w[3]
    );
    let mut held = Vec::new();
    for fold in 0..5 {
        let train_set: Vec<_> =
            data.iter().enumerate().filter(|(i, _)| i % 5 != fold).map(|(_, d)| *d).collect();
        let w = train(&train_set);
        for (i, (x, y)) in data.iter().enumerate() {
            if i % 5 == fold {
                held.push((sigmoid(x.iter().zip(&w).map(|(a, b)| a * b).sum()), *y));
            }
        }
    }
    let mut ece = 0.0;
    for bin in 0..10 {
        let (low, high) = (bin as f64 / 10.0, (bin + 1) as f64 / 10.0 + if bin == 9 { 0.01 } else { 0.0 });
        let b: Vec<_> = held.iter().filter(|(p, _)| *p >= low && *p < high).collect();
        if b.is_empty() {
            continue;
        }
        let accuracy = b.iter().filter(|(_, y)| *y).count() as f64 / b.len() as f64;
        let mean = b.iter().map(|(p, _)| p).sum::<f64>() / b.len() as f64;
        ece += (b.len() as f64 / held.len() as f64) * (accuracy - mean).abs();
        println!(
            "  held out, P {low:.1}–{:.1}: {} questions, mean P {mean:.2}, right {:.0} %",
            high.min(1.0),
            b.len(),
            100.0 * accuracy
        );
    }
    println!("  held-out expected calibration error: {ece:.3}");
}

struct Judged {
    confidence: f64,
    correct: bool,
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let embed = args.iter().any(|a| a == "embed");
    let rows_file = args.iter().position(|a| a == "--rows").and_then(|i| args.get(i + 1)).cloned();
    let set_file = args
        .iter()
        .position(|a| a == "--set")
        .and_then(|i| args.get(i + 1))
        .map_or_else(|| fixture_dir().join("questions.json"), PathBuf::from);
    let set: Value = serde_json::from_str(&std::fs::read_to_string(set_file)?)?;

    let dir = tempfile::tempdir()?;
    let mut config = Config::for_tests(dir.path());
    config.demo = true;
    config.no_demo = false;
    if embed {
        config.embedding_model_dir = Some(std::env::var_os("CHATSUPPORT_EMBEDDING_MODEL_DIR").map_or_else(
            || {
                PathBuf::from(std::env::var("HOME").unwrap_or_default())
                    .join(".cache/chatsupport/models/all-MiniLM-L6-v2")
            },
            PathBuf::from,
        ));
    }
    let app = Application::build(config).await?;
    let state = app.state().clone();
    let base = format!("http://{}", app.address());
    let stop = app.stop_token();
    let running = tokio::spawn(app.run_until_stopped());
    let http = reqwest::Client::new();

    let login = http
        .post(format!("{base}/api/v1/auth/login"))
        .json(&json!({"email": "admin@acme.com", "password": "password123"}))
        .send()
        .await?;
    let cookie = login
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok()?.split(';').next().map(str::to_owned))
        .collect::<Vec<_>>()
        .join("; ");
    let bot: Value = http
        .post(format!("{base}/api/v1/chatbots"))
        .header("cookie", &cookie)
        .header("origin", &base)
        .json(&json!({"name": "Valgrind helper", "fallback_message": "I don't know that one. A member of our team can help."}))
        .send()
        .await?
        .json()
        .await?;
    let bot_id = bot["id"].as_str().ok_or_else(|| anyhow::anyhow!("no bot: {bot}"))?.to_owned();
    let engine_bot = chatsupport::bots::find_by_public_key(
        &state.handles.db,
        bot["public_key"].as_str().ok_or_else(|| anyhow::anyhow!("no key: {bot}"))?,
    )
    .await?;
    // The signals behind a reply's confidence, from the same engine in process.
    let evidence = |q: String| {
        let (answers, bot) = (state.answers.clone(), engine_bot.clone());
        async move { answers.reply(&bot, &q, &[]).await.evidence }
    };

    // The manual, page by page, through the upload route; then wait until all are in.
    let started = Instant::now();
    let mut sources = Vec::new();
    for page in PAGES {
        let bytes = std::fs::read(fixture_dir().join(page))?;
        let (content_type, body) = form(&bot_id, page, &bytes);
        let doc: Value = http
            .post(format!("{base}/api/v1/knowledge-base/documents"))
            .header("cookie", &cookie)
            .header("origin", &base)
            .header("content-type", content_type)
            .body(body)
            .send()
            .await?
            .json()
            .await?;
        sources
            .push(doc["id"].as_str().ok_or_else(|| anyhow::anyhow!("upload of {page}: {doc}"))?.to_owned());
    }
    let mut passages = 0;
    for id in &sources {
        loop {
            let source: Value = http
                .get(format!("{base}/api/v1/knowledge-base/sources/{id}"))
                .header("cookie", &cookie)
                .send()
                .await?
                .json()
                .await?;
            match source["status"].as_str() {
                Some("completed") => {
                    passages += source["chunks"].as_u64().unwrap_or(0);
                    break;
                }
                Some("failed") => anyhow::bail!("{id} failed: {source}"),
                _ => tokio::time::sleep(std::time::Duration::from_millis(200)).await,
            }
        }
    }
    println!(
        "knowledge: {} pages of the Valgrind manual, {passages} passages, ready in {:.1} s ({})",
        PAGES.len(),
        started.elapsed().as_secs_f64(),
        if embed { "BM25 + all-MiniLM-L6-v2" } else { "BM25 only" }
    );

    let mut rows = Vec::new();
    let ask = |q: String| {
        let (http, base, cookie, bot_id) = (http.clone(), base.clone(), cookie.clone(), bot_id.clone());
        async move {
            let answer: Value = http
                .post(format!("{base}/api/v1/knowledge-base/test"))
                .header("cookie", &cookie)
                .header("origin", &base)
                .json(&json!({"chatbot_id": bot_id, "query": q, "top_k": 6}))
                .send()
                .await?
                .json()
                .await?;
            anyhow::Ok(answer)
        }
    };
    let outcome = |a: &Value| a["outcome"].as_str().unwrap_or_default().to_owned();

    let mut inside = Tally::default();
    let mut judged = Vec::new();
    let mut samples = Vec::new();
    for item in set["in_domain"].as_array().into_iter().flatten() {
        let q = item["q"].as_str().unwrap_or_default().to_owned();
        let expect: Vec<String> = item["expect"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|e| e.as_str().map(str::to_owned))
            .collect();
        let a = ask(q.clone()).await?;
        let results = a["results"].as_array().cloned().unwrap_or_default();
        let content = |r: &Value| {
            format!(
                "{} {}",
                r["metadata"]["heading_path"].as_str().unwrap_or_default(),
                r["content"].as_str().unwrap_or_default()
            )
        };
        let hit_retrieval = results.iter().take(3).any(|r| holds(&content(r), &expect));
        // The passage the answer is (or would be) made from: the result whose text holds its
        // snippet (a result reads its neighbours with it, so the snippet may be inside).
        let signals = evidence(q.clone()).await;
        let snippet = signals.as_ref().map(|e| e.snippet.clone()).unwrap_or_default();
        let used = results
            .iter()
            .find(|r| !snippet.is_empty() && r["content"].as_str().unwrap_or_default().contains(&snippet));
        let correct = used.is_some_and(|r| holds(&content(r), &expect));
        samples.push(Sample { evidence: signals.clone(), correct });
        let hit_read = hit_retrieval || correct;
        // Whether the answer is in the index at all: the phrase itself, searched for.
        let mut findable = hit_read;
        for e in expect.iter().take(if hit_read { 0 } else { 3 }) {
            let found = http
                .post(format!("{base}/api/v1/knowledge-base/test"))
                .header("cookie", &cookie)
                .header("origin", &base)
                .json(&json!({"chatbot_id": bot_id, "query": e, "top_k": 20}))
                .send()
                .await?
                .json::<Value>()
                .await?;
            findable |=
                found["results"].as_array().into_iter().flatten().any(|r| holds(&content(r), &expect));
        }
        inside.findable += usize::from(findable);
        let o = outcome(&a);
        inside.asked += 1;
        inside.hit3_retrieval += usize::from(hit_retrieval);
        inside.hit3_read += usize::from(hit_read);
        match o.as_str() {
            "declined" => inside.declined += 1,
            "handed_over" => inside.handed_over += 1,
            _ => inside.answered += 1,
        }
        let confidence = a["confidence_score"].as_f64().unwrap_or_default();
        if o != "declined" && o != "handed_over" {
            judged.push(Judged { confidence, correct });
        }
        rows.push(json!({"kind": "in", "q": q, "page": item["page"], "outcome": o, "confidence": confidence,
            "coverage": signals.as_ref().map(|e| e.coverage), "cosine": signals.as_ref().and_then(|e| e.cosine),
            "words": signals.as_ref().map(|e| e.words),
            "hit3": hit_retrieval, "correct": correct, "findable": findable, "answer": a["suggested_answer"],
            "top": results.iter().take(3).map(|r| r["metadata"]["heading_path"].clone()).collect::<Vec<_>>()}));
    }

    let mut outside = Tally::default();
    for q in set["out_of_domain"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        let a = ask(q.to_owned()).await?;
        let o = outcome(&a);
        let signals = evidence(q.to_owned()).await;
        samples.push(Sample { evidence: signals.clone(), correct: false });
        outside.asked += 1;
        match o.as_str() {
            "declined" => outside.declined += 1,
            "handed_over" => outside.handed_over += 1,
            _ => {
                outside.answered += 1;
                judged.push(Judged {
                    confidence: a["confidence_score"].as_f64().unwrap_or_default(),
                    correct: false,
                });
            }
        }
        rows.push(json!({"kind": "out", "q": q, "outcome": o, "confidence": a["confidence_score"],
            "coverage": signals.as_ref().map(|e| e.coverage), "cosine": signals.as_ref().and_then(|e| e.cosine),
            "words": signals.as_ref().map(|e| e.words), "answer": a["suggested_answer"]}));
    }

    let mut escalated = Tally::default();
    for q in set["escalation"].as_array().into_iter().flatten().filter_map(Value::as_str) {
        let a = ask(q.to_owned()).await?;
        let o = outcome(&a);
        escalated.asked += 1;
        if o == "handed_over" {
            escalated.handed_over += 1;
        }
        rows.push(json!({"kind": "escalation", "q": q, "outcome": o}));
    }

    let pct = |n: usize, of: usize| 100.0 * n as f64 / of.max(1) as f64;
    println!("in-domain ({} questions):", inside.asked);
    println!(
        "  hit@3, retrieval ranking ({}): {:.1} %",
        if embed { "hybrid" } else { "plain BM25" },
        pct(inside.hit3_retrieval, inside.asked)
    );
    println!("  hit@3, retrieval or the passage answered from: {:.1} %", pct(inside.hit3_read, inside.asked));
    println!(
        "  (the answer's phrase is in the index, found by searching for it: {:.1} %)",
        pct(inside.findable, inside.asked)
    );
    println!(
        "  answered {:.1} % · falsely declined {:.1} % · handed over {:.1} %",
        pct(inside.answered, inside.asked),
        pct(inside.declined, inside.asked),
        pct(inside.handed_over, inside.asked)
    );
    println!(
        "out-of-domain ({}): declined {:.1} % (+ handed over {:.1} %) · answered {:.1} %",
        outside.asked,
        pct(outside.declined, outside.asked),
        pct(outside.handed_over, outside.asked),
        pct(outside.answered, outside.asked)
    );
    println!(
        "escalation ({}): handed over {:.1} %",
        escalated.asked,
        pct(escalated.handed_over, escalated.asked)
    );

    // Calibration over every answer given (an out-of-domain answer is wrong by definition).
    println!("calibration ({} answers given):", judged.len());
    for (name, low, high) in [("0.50–0.70", 0.5, 0.7), ("0.70–0.85", 0.7, 0.85), ("0.85–1.00", 0.85, 1.01)]
    {
        let band: Vec<&Judged> =
            judged.iter().filter(|j| j.confidence >= low && j.confidence < high).collect();
        let right = band.iter().filter(|j| j.correct).count();
        let mean = band.iter().map(|j| j.confidence).sum::<f64>() / band.len().max(1) as f64;
        println!(
            "  confidence {name}: {} answers, mean confidence {:.2}, right {:.1} %",
            band.len(),
            mean,
            pct(right, band.len())
        );
    }
    let mut ece = 0.0;
    for bin in 0..10 {
        let (low, high) = (bin as f64 / 10.0, (bin + 1) as f64 / 10.0 + if bin == 9 { 0.01 } else { 0.0 });
        let b: Vec<&Judged> = judged.iter().filter(|j| j.confidence >= low && j.confidence < high).collect();
        if b.is_empty() {
            continue;
        }
        let accuracy = b.iter().filter(|j| j.correct).count() as f64 / b.len() as f64;
        let mean = b.iter().map(|j| j.confidence).sum::<f64>() / b.len() as f64;
        ece += (b.len() as f64 / judged.len() as f64) * (accuracy - mean).abs();
    }
    println!("  expected calibration error (10 bins): {ece:.3}");

    fit(&samples);

    if let Some(file) = rows_file {
        let lines: Vec<String> = rows.iter().map(Value::to_string).collect();
        std::fs::write(&file, lines.join("\n") + "\n")?;
        println!("rows: {file}");
    }
    stop.cancel();
    let _ = running.await;
    Ok(())
}
