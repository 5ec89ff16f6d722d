//! Knowledge ingestion throughput: Markdown (and plain text) of a given size through the same
//! extraction, chunking, embedding (with `embed`: the local all-MiniLM-L6-v2, in the job's
//! batches) and index writer the `knowledge.ingest` job uses, timed from the bytes to
//! searchable passages (the index flushed). Storing the passages' rows in the database is not
//! included (one multi-row insert per 200 passages in the job).
//!
//! `cargo run --release -p chatsupport --example ingest_bench -- [MB of text] [documents] [embed]`
//! (the model from `CHATSUPPORT_EMBEDDING_MODEL_DIR`, default `~/.cache/chatsupport/models/…`).
//! With `pdf` in place of `embed` the documents are PDFs (text pages, Helvetica, uncompressed
//! content streams) of that many MB in all, and the peak memory of the process is reported.
//! With `pieces` passages are cut by the model's word pieces, as with `embed`, but not
//! embedded (what chunking by a real tokenizer costs, on its own).

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

/// A PDF of about `bytes` carrying `text`, 60 lines of at most 90 characters a page.
fn pdf(text: &str, bytes: usize) -> Vec<u8> {
    let lines: Vec<String> = text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .flat_map(|l| {
            let chars: Vec<char> = l.trim_start_matches('#').trim().chars().collect();
            chars.chunks(90).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>()
        })
        .map(|l| l.replace(['(', ')', '\\'], " "))
        .collect();
    let pages: Vec<String> = lines
        .chunks(60)
        .map(|page| {
            let body: String = page.iter().map(|l| format!("({l}) Tj T* ")).collect();
            format!("BT /F1 10 Tf 12 TL 40 760 Td {body}ET")
        })
        .collect();
    let mut objects = vec![
        "<< /Type /Catalog /Pages 2 0 R >>".to_owned(),
        format!(
            "<< /Type /Pages /Kids [{}] /Count {} >>",
            (0..pages.len()).map(|i| format!("{} 0 R", 4 + i * 2)).collect::<Vec<_>>().join(" "),
            pages.len()
        ),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".to_owned(),
    ];
    for (i, stream) in pages.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + i * 2
        ));
        objects.push(format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()));
    }
    let mut out = Vec::with_capacity(bytes + bytes / 4);
    out.extend_from_slice(b"%PDF-1.4\n");
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    out.extend_from_slice(
        format!("trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n", objects.len() + 1)
            .as_bytes(),
    );
    out
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let args: Vec<String> = std::env::args().collect();
    let megabytes: usize = args.get(1).and_then(|a| a.parse().ok()).unwrap_or(50);
    let documents: usize = args.get(2).and_then(|a| a.parse().ok()).unwrap_or(100);
    let mode = args.get(3).map(String::as_str);
    let embedder = match mode {
        Some("embed" | "pieces") => {
            let dir = std::env::var_os("CHATSUPPORT_EMBEDDING_MODEL_DIR")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| {
                    std::path::PathBuf::from(std::env::var("HOME").unwrap_or_default())
                        .join(".cache/chatsupport/models/all-MiniLM-L6-v2")
                });
            Some(chatsupport::embeddings::Embedder::local(&dir)?)
        }
        _ => None,
    };
    let sizer = embedder
        .as_ref()
        .and_then(|e| e.word_pieces())
        .map_or(chunking::Sizer::Characters, chunking::Sizer::WordPieces);
    let embedder = match mode {
        Some("pieces") => None,
        _ => embedder,
    };
    let as_pdf = args.get(3).is_some_and(|a| a == "pdf");
    let per_document = megabytes * 1024 * 1024 / documents;
    let dir = tempfile::tempdir()?;
    let index = KnowledgeIndex::open(dir.path())?;
    let (org, bot) = (OrganizationId(uuid::Uuid::now_v7()), BotId(uuid::Uuid::now_v7()));
    // Markdown is made up front; PDFs one at a time (what is measured is the ingestion's
    // memory, not the test set's), their making left out of the times.
    let mut docs: Vec<Vec<u8>> = if as_pdf {
        Vec::new()
    } else {
        (0..documents).map(|n| document(n, per_document).into_bytes()).collect()
    };
    docs.reverse();
    let name = if as_pdf { "guide.pdf" } else { "guide.md" };

    let started = Instant::now();
    let (mut extract_s, mut chunk_s, mut embed_s, mut making_s, mut passages_total) = (0.0, 0.0, 0.0, 0.0, 0);
    let mut total_bytes = 0;
    for n in 0..documents {
        let text = if as_pdf {
            let t = Instant::now();
            let made = pdf(&document(n, per_document), per_document);
            making_s += t.elapsed().as_secs_f64();
            made
        } else {
            docs.pop().unwrap_or_default()
        };
        total_bytes += text.len();
        let t = Instant::now();
        let extracted = extract::extract(&text, name).map_err(|p| anyhow::anyhow!(p.message()))?;
        drop(text);
        extract_s += t.elapsed().as_secs_f64();
        let t = Instant::now();
        let passages = chunking::passages(&extracted, &sizer);
        chunk_s += t.elapsed().as_secs_f64();
        passages_total += passages.len();
        let source = SourceId(uuid::Uuid::now_v7());
        let mut indexed: Vec<IndexedPassage> = passages
            .into_iter()
            .enumerate()
            .map(|(i, p)| IndexedPassage {
                chunk_id: uuid::Uuid::now_v7(),
                ordinal: u32::try_from(i).unwrap_or(u32::MAX),
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
                vector: None,
                language: 0,
            })
            .collect();
        if let Some(embedder) = &embedder {
            let t = Instant::now();
            for batch in indexed.chunks_mut(8) {
                let texts = batch.iter().map(IndexedPassage::embedding_text).collect();
                for (p, v) in batch.iter_mut().zip(embedder.embed(texts).await?) {
                    p.vector = Some(v);
                }
            }
            embed_s += t.elapsed().as_secs_f64();
        }
        index.replace_source(source, indexed).await;
    }
    index.flush().await;
    let seconds = started.elapsed().as_secs_f64() - making_s;
    let mb = total_bytes as f64 / (1024.0 * 1024.0);
    println!("documents: {documents}, text: {mb:.1} MB, passages: {passages_total} (measured in {sizer:?})");
    println!(
        "extract {extract_s:.2} s, chunk {chunk_s:.2} s, embed {embed_s:.2} s, total to searchable {seconds:.2} s"
    );
    let what = if embedder.is_some() { "BM25 + local vectors" } else { "BM25 only" };
    println!("throughput: {:.3} MB/s of text to indexed passages ({what})", mb / seconds);
    if embedder.is_some() && passages_total > 0 {
        println!(
            "embedding: {:.1} ms per passage ({:.0} passages/s)",
            embed_s * 1000.0 / passages_total as f64,
            passages_total as f64 / embed_s
        );
    }
    let query = match &embedder {
        Some(e) => Some(e.embed_one("refund warranty repair").await?),
        None => None,
    };
    if let Ok(status) = std::fs::read_to_string("/proc/self/status") {
        for line in status.lines().filter(|l| l.starts_with("VmHWM") || l.starts_with("VmRSS")) {
            println!("memory {line}");
        }
    }
    let t = Instant::now();
    let hits = index.search(org, bot, 0, "refund warranty repair", query.as_deref(), 10)?;
    println!("a search over them: {} hits in {:.1} ms", hits.len(), t.elapsed().as_secs_f64() * 1000.0);
    Ok(())
}
