//! Knowledge ingestion throughput, BM25 only: Markdown (and plain text) of a given size through
//! the same extraction, chunking and index writer the `knowledge.ingest` job uses, timed from
//! the bytes to searchable passages (the index flushed). Storing the passages' rows in the
//! database is not included (one multi-row insert per 200 passages in the job).
//!
//! `cargo run --release -p chatsupport --example ingest_bench -- [MB of text] [documents]`

use std::time::Instant;

use app::{
    dto::{BotId, OrganizationId},
    ids::SourceId,
    knowledge::SourceKind,
};
use chatsupport::knowledge::{KnowledgeIndex, chunking, extract, index::IndexedPassage};

/// A help-centre-like Markdown document of about `bytes`: headings, paragraphs, lists.
fn document(n: usize, bytes: usize) -> String {
    let words = [
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
    ];
    let mut out = format!("# Guide {n}\n\n");
    let mut i = n;
    while out.len() < bytes {
        out.push_str(&format!("## Topic {i}\n\n"));
        for p in 0..4 {
            let mut sentence = String::new();
            for w in 0..60 {
                sentence.push_str(words[(i * 7 + p * 13 + w * 5) % words.len()]);
                sentence.push(if w % 12 == 11 { '.' } else { ' ' });
            }
            out.push_str(sentence.trim());
            out.push_str("\n\n");
        }
        out.push_str("- first step\n- second step\n- third step\n\n");
        i += 1;
    }
    out
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let megabytes: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
    let documents: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100);
    let per_document = megabytes * 1024 * 1024 / documents;
    let dir = tempfile::tempdir()?;
    let index = KnowledgeIndex::open(dir.path())?;
    let (org, bot) = (OrganizationId(uuid::Uuid::now_v7()), BotId(uuid::Uuid::now_v7()));
    let docs: Vec<String> = (0..documents).map(|n| document(n, per_document)).collect();
    let total_bytes: usize = docs.iter().map(String::len).sum();

    let started = Instant::now();
    let (mut extract_s, mut chunk_s, mut passages_total) = (0.0, 0.0, 0);
    for (n, text) in docs.into_iter().enumerate() {
        let t = Instant::now();
        let extracted =
            extract::extract(text.as_bytes(), "guide.md").map_err(|p| anyhow::anyhow!(p.message()))?;
        extract_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let passages = chunking::passages(&extracted);
        chunk_s += t.elapsed().as_secs_f64();
        passages_total += passages.len();
        let source = SourceId(uuid::Uuid::now_v7());
        let indexed = passages
            .into_iter()
            .map(|p| IndexedPassage {
                chunk_id: uuid::Uuid::now_v7(),
                organization_id: org,
                bot_id: bot,
                source_id: source,
                kind: SourceKind::Document,
                title: format!("guide-{n}.md"),
                heading_path: p.heading_path,
                question: None,
                content: p.content,
                page: p.page,
                url: None,
            })
            .collect();
        index.replace_source(source, indexed).await;
    }
    index.flush().await;
    let seconds = started.elapsed().as_secs_f64();
    let mb = total_bytes as f64 / (1024.0 * 1024.0);
    println!("documents: {documents}, text: {mb:.1} MB, passages: {passages_total}");
    println!("extract {extract_s:.2} s, chunk {chunk_s:.2} s, total to searchable {seconds:.2} s");
    println!("throughput: {:.2} MB/s of text to indexed passages (BM25 only)", mb / seconds);
    let t = Instant::now();
    let hits = index.search(org, bot, "refund warranty repair", 10)?;
    println!("a search over them: {} hits in {:.1} ms", hits.len(), t.elapsed().as_secs_f64() * 1000.0);
    Ok(())
}
