//! How well the built-in readers name what a visitor wants and how they sound, on a set
//! written without sight of their examples or cue words (`server/tests/fixtures/eval/
//! intents.json`: 240 support messages, 21 intents, five sentiment bands, six languages).
//!
//! `cargo run --release -p chatsupport --example intent_eval -- [embed] [--half even|odd]`
//!
//! Reports intent accuracy by words alone (what every visitor message gets when it is stored)
//! and, with `embed`, with the local model's vector beside the labelled examples (what the
//! answer engine stores when it reads the message); sentiment as the exact band, within one
//! band and by polarity; how often anger hands over, and how often calm does. `--half` keeps
//! every other message, so a change tuned on one half is measured on the other; `--show`
//! lists the messages read wrong.

use std::collections::BTreeMap;

use app::dto::{Intent, Sentiment};
use chatsupport::signals;

#[derive(serde::Deserialize)]
struct Set {
    messages: Vec<Labelled>,
}

#[derive(serde::Deserialize)]
struct Labelled {
    text: String,
    intent: Intent,
    sentiment: Sentiment,
    lang: String,
}

fn polarity(s: Sentiment) -> i8 {
    match s {
        Sentiment::VeryNegative | Sentiment::Negative => -1,
        Sentiment::Neutral => 0,
        Sentiment::Positive | Sentiment::VeryPositive => 1,
    }
}

fn rank(s: Sentiment) -> i8 {
    match s {
        Sentiment::VeryNegative => -2,
        Sentiment::Negative => -1,
        Sentiment::Neutral => 0,
        Sentiment::Positive => 1,
        Sentiment::VeryPositive => 2,
    }
}

fn pct(n: usize, of: usize) -> String {
    if of == 0 { "–".into() } else { format!("{:.1} %", 100.0 * n as f64 / of as f64) }
}

#[tokio::main(flavor = "current_thread")]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let embed = args.iter().any(|a| a == "embed");
    // Lists every message read wrong (for tuning on one half; never on the half reported).
    let show = args.iter().any(|a| a == "--show");
    let half = args.iter().position(|a| a == "--half").and_then(|i| args.get(i + 1)).cloned();
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/fixtures/eval/intents.json");
    let set: Set = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let messages: Vec<&Labelled> = set
        .messages
        .iter()
        .enumerate()
        .filter(|(i, _)| match half.as_deref() {
            Some("even") => i % 2 == 0,
            Some("odd") => i % 2 == 1,
            _ => true,
        })
        .map(|(_, m)| m)
        .collect();

    let (embedder, examples) = if embed {
        let dir =
            std::env::var_os("CHATSUPPORT_EMBEDDING_MODEL_DIR").map(std::path::PathBuf::from).ok_or_else(
                || anyhow::anyhow!("set CHATSUPPORT_EMBEDDING_MODEL_DIR (scripts/lib.sh installs the model)"),
            )?;
        let embedder = chatsupport::embeddings::Embedder::local(&dir)?;
        let texts = signals::intent::EXAMPLES.iter().map(|(_, t)| (*t).to_owned()).collect();
        let examples = embedder.embed(texts).await?;
        (Some(embedder), examples)
    } else {
        (None, Vec::new())
    };

    let mut right_words = 0;
    let mut right_vectors = 0;
    let mut per_intent: BTreeMap<&str, (usize, usize, usize)> = BTreeMap::new();
    let mut confusions: BTreeMap<(&str, &str), usize> = BTreeMap::new();
    let (mut band_exact, mut band_near, mut polar) = (0, 0, 0);
    let mut sentiment_bins: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let (mut angry, mut angry_handed) = (0, 0);
    let (mut calm, mut calm_handed) = (0, 0);
    let mut by_lang: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut calibration = [(0usize, 0usize); 5];
    for m in &messages {
        let read = signals::read(&m.text);
        let words_ok = read.intent == m.intent;
        right_words += usize::from(words_ok);
        let intent = match &embedder {
            Some(e) if signals::decided(&m.text, read.sentiment_score).is_none() => {
                let v = e.embed_one(&m.text).await?;
                signals::intent::by_vector(&m.text, &v, &examples)
            }
            _ => signals::intent::Classified { intent: read.intent, confidence: read.intent_confidence },
        };
        let ok = intent.intent == m.intent;
        right_vectors += usize::from(ok);
        if show && !ok {
            println!(
                "  {:?}: expected {}, read {} ({:.2}); by words {}",
                m.text,
                m.intent.as_str(),
                intent.intent.as_str(),
                intent.confidence,
                read.intent.as_str()
            );
        }
        let bin = ((intent.confidence * 5.0) as usize).min(4);
        calibration[bin].0 += 1;
        calibration[bin].1 += usize::from(ok);
        let entry = per_intent.entry(m.intent.as_str()).or_default();
        entry.0 += 1;
        entry.1 += usize::from(words_ok);
        entry.2 += usize::from(ok);
        if !ok {
            *confusions.entry((m.intent.as_str(), intent.intent.as_str())).or_default() += 1;
        }
        let lang = by_lang.entry(m.lang.as_str()).or_default();
        lang.0 += 1;
        lang.1 += usize::from(ok);

        band_exact += usize::from(read.sentiment == m.sentiment);
        if show && polarity(read.sentiment) != polarity(m.sentiment) {
            println!(
                "  sentiment {:?}: expected {}, read {} ({:.2})",
                m.text,
                m.sentiment.as_str(),
                read.sentiment.as_str(),
                read.sentiment_score
            );
        }
        band_near += usize::from((rank(read.sentiment) - rank(m.sentiment)).abs() <= 1);
        polar += usize::from(polarity(read.sentiment) == polarity(m.sentiment));
        let b = sentiment_bins.entry(m.sentiment.as_str()).or_default();
        b.0 += 1;
        b.1 += usize::from(read.sentiment == m.sentiment);
        let handed = signals::handover(&m.text).is_some();
        if m.sentiment == Sentiment::VeryNegative {
            angry += 1;
            angry_handed += usize::from(handed);
        }
        // Calm messages that are not asking for what always goes to a person.
        let always = matches!(
            m.intent,
            Intent::SpeakToHuman | Intent::RefundRequest | Intent::AccountDeletion | Intent::Complaint
        );
        if polarity(m.sentiment) >= 0 && !always {
            calm += 1;
            calm_handed += usize::from(handed);
            if handed {
                println!("  calm but handed over: {:?} ({:?})", m.text, signals::handover(&m.text));
            }
        }
    }
    let n = messages.len();
    // What reading costs every stored message (words, lexicons; no vector).
    let started = std::time::Instant::now();
    for _ in 0..20 {
        for m in &messages {
            std::hint::black_box(signals::read(&m.text));
        }
    }
    let per_message = started.elapsed().as_secs_f64() * 1e6 / (20 * n) as f64;
    println!("\n{n} messages{}", half.map(|h| format!(" ({h} half)")).unwrap_or_default());
    println!("\n| measure | value |\n|---|---:|");
    println!("| intent by words alone (stored with every message) | {} |", pct(right_words, n));
    if embed {
        println!(
            "| intent with the message's vector (stored after the answer) | {} |",
            pct(right_vectors, n)
        );
    }
    println!("| reading one message by words (intent + sentiment) | {per_message:.1} µs |");
    println!("| sentiment band exact | {} |", pct(band_exact, n));
    println!("| sentiment within one band | {} |", pct(band_near, n));
    println!("| sentiment polarity (negative / neutral / positive) | {} |", pct(polar, n));
    println!(
        "| very negative messages handed to a person | {} of {angry} ({}) |",
        angry_handed,
        pct(angry_handed, angry)
    );
    println!(
        "| calm messages handed over (neither negative nor a person / refund / deletion / complaint) | {} of {calm} ({}) |",
        calm_handed,
        pct(calm_handed, calm)
    );

    println!(
        "\n| intent | n | by words | {} |\n|---|---:|---:|---:|",
        if embed { "with vector" } else { "(no vector)" }
    );
    for (intent, (count, w, v)) in &per_intent {
        println!("| {intent} | {count} | {} | {} |", pct(*w, *count), pct(*v, *count));
    }
    println!("\n| language | n | intent right |\n|---|---:|---:|");
    for (lang, (count, ok)) in &by_lang {
        println!("| {lang} | {count} | {} |", pct(*ok, *count));
    }
    println!("\n| sentiment | n | band right |\n|---|---:|---:|");
    for (s, (count, ok)) in &sentiment_bins {
        println!("| {s} | {count} | {} |", pct(*ok, *count));
    }
    println!("\n| intent confidence | n | right |\n|---|---:|---:|");
    for (i, (count, ok)) in calibration.iter().enumerate() {
        println!("| {:.1}–{:.1} | {count} | {} |", i as f32 / 5.0, (i + 1) as f32 / 5.0, pct(*ok, *count));
    }
    let mut worst: Vec<_> = confusions.into_iter().collect();
    worst.sort_by_key(|w| std::cmp::Reverse(w.1));
    println!("\nmost confused (expected → read):");
    for ((expected, got), count) in worst.into_iter().take(12) {
        println!("  {expected} → {got}: {count}");
    }
    Ok(())
}
