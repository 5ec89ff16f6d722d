//! Semantic vectors: the local all-MiniLM-L6-v2 computes what an independent implementation
//! (onnxruntime) computes; with it a question worded unlike the passage still finds it, the
//! vectors survive a restart and go with their source; an OpenAI-compatible endpoint (a
//! stand-in speaking its wire format) can make them instead; `chatsupport reindex` embeds
//! knowledge that came in before the model; without a model the server says it runs on
//! keywords alone.
//!
//! The model comes from the setup (`scripts/lib.sh ensure_embedding_model`, which
//! `scripts/test.sh` runs); these tests fail without it rather than pass without checking.

use std::{
    path::PathBuf,
    sync::{Arc, Mutex},
};

use axum::{Json, Router, extract::State, http::HeaderMap, routing::post};
use chatsupport::embeddings::{Embedder, cosine};
use serde_json::{Value, json};

use crate::{
    helpers::{spawn_app, spawn_app_with},
    knowledge::{own_tenant, search, settled, uploaded},
};

pub(crate) fn model_dir() -> PathBuf {
    let dir = std::env::var_os("CHATSUPPORT_EMBEDDING_MODEL_DIR").map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(std::env::var("HOME").unwrap_or_default())
            .join(".cache/chatsupport/models/all-MiniLM-L6-v2")
    });
    assert!(
        dir.join("model.safetensors").exists(),
        "the embedding model is not installed at {}: run `bash -c 'source scripts/lib.sh; ensure_embedding_model'`",
        dir.display()
    );
    dir
}

const PASSWORD: &str =
    "Forgot your password? Click Reset on the sign-in page and follow the e-mail we send you.";
const BERLIN: &str = "Our office in Berlin is open Monday to Friday from nine to five.";
/// Not one word in common with `PASSWORD` (after stemming): keywords alone find nothing.
const PARAPHRASE: &str = "lost my login credentials, what now";

#[tokio::test]
async fn the_local_model_computes_what_onnxruntime_computes() {
    let reference: Value = serde_json::from_str(include_str!("../fixtures/minilm_reference.json"))
        .expect("the reference vectors");
    let embedder = Embedder::local(&model_dir()).expect("the model loads");
    let sentences = reference["sentences"].as_array().expect("sentences");
    let texts: Vec<String> = sentences.iter().map(|s| s["text"].as_str().expect("text").to_owned()).collect();
    let ours = embedder.embed(texts).await.expect("vectors");
    for (s, v) in sentences.iter().zip(&ours) {
        let theirs: Vec<f32> = s["vector"]
            .as_array()
            .expect("vector")
            .iter()
            .map(|x| x.as_f64().expect("a number") as f32)
            .collect();
        assert_eq!(v.len(), 384);
        let similarity = cosine(v, &theirs);
        assert!(similarity > 0.998, "{}: cosine {similarity} to onnxruntime's vector", s["text"]);
        assert!((cosine(v, v) - 1.0).abs() < 1e-4, "unit length");
    }
    // Meaning: the password question is near its answer and far from the rest.
    let (question, answer, office, oil) = (&ours[0], &ours[1], &ours[2], &ours[3]);
    assert!(cosine(question, answer) > 0.6, "{}", cosine(question, answer));
    assert!(cosine(question, office) < 0.2 && cosine(question, oil) < 0.3);
}

#[tokio::test]
async fn a_question_in_other_words_finds_its_passage_by_meaning_also_after_a_restart() {
    let dir = model_dir();
    let app = spawn_app_with(|c| c.embedding_model_dir = Some(dir)).await;
    let (_, health) = app.get_json("/api/v1/health", "").await;
    assert_eq!(health["knowledge_retrieval"]["mode"], "hybrid", "{health}");
    assert_eq!(health["knowledge_retrieval"]["embeddings"], "all-MiniLM-L6-v2 (local)");
    // A tenant of its own: the demo bot has a password FAQ of its own.
    let (owner, bot) = own_tenant(&app, "meaning@example.com", "Meaning").await;
    let password = uploaded(&app, &owner, &bot, "account.txt", PASSWORD.as_bytes()).await;
    let office = uploaded(&app, &owner, &bot, "office.txt", BERLIN.as_bytes()).await;
    for id in [&password, &office] {
        assert_eq!(settled(&app, &owner, id).await["status"], "completed");
    }
    // Every passage has its vector stored with it.
    let chunks = stored_vectors(&app).await;
    assert!(chunks.iter().all(|(_, v)| v.as_ref().is_some_and(|b| b.len() == 384 * 4)), "{}", chunks.len());

    let hits = search(&app, &owner, &bot, PARAPHRASE).await;
    assert_eq!(hits.first().map(|h| h["source_title"].clone()), Some(json!("account.txt")), "{hits:?}");
    assert!(
        !hits.iter().any(|h| h["source_title"] == "office.txt"),
        "an unrelated passage is not offered: {hits:?}"
    );
    // Keywords still count: the office's own words find the office first.
    assert_eq!(search(&app, &owner, &bot, "Berlin office hours").await[0]["source_title"], "office.txt");

    // After a restart the vectors come back from the database.
    let app = app.restart().await;
    let hits = search(&app, &owner, &bot, PARAPHRASE).await;
    assert_eq!(hits.first().map(|h| h["source_title"].clone()), Some(json!("account.txt")), "{hits:?}");

    // Deleting the source takes its vectors with it.
    let deleted = app
        .http
        .delete(app.url(&format!("/api/v1/knowledge-base/documents/{password}")))
        .header("cookie", &owner)
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status(), 204);
    let hits = search(&app, &owner, &bot, PARAPHRASE).await;
    assert!(!hits.iter().any(|h| h["source_title"] == "account.txt"), "{hits:?}");
}

#[tokio::test]
async fn without_a_model_the_server_runs_on_keywords_and_says_so() {
    let app = spawn_app().await;
    let (_, health) = app.get_json("/api/v1/health", "").await;
    assert_eq!(health["knowledge_retrieval"]["mode"], "keyword", "{health}");
    assert!(health["knowledge_retrieval"]["embeddings"].is_null());
    assert!(health["knowledge_retrieval"]["note"].as_str().is_some_and(|n| n.contains("keywords only")));
    let (owner, bot) = own_tenant(&app, "keywords@example.com", "Keywords").await;
    let id = uploaded(&app, &owner, &bot, "account.txt", PASSWORD.as_bytes()).await;
    assert_eq!(settled(&app, &owner, &id).await["status"], "completed");
    assert!(search(&app, &owner, &bot, PARAPHRASE).await.is_empty());
    assert_eq!(search(&app, &owner, &bot, "forgot password").await[0]["source_title"], "account.txt");
    // The Knowledge page tells the owner (and its page as served says it).
    let page: Value =
        app.server_fn("knowledge", &owner, &[("chatbot_id", &bot)]).await.json().await.expect("page");
    assert!(page["keyword_only"].as_str().is_some_and(|n| n.contains("keywords only")), "{page}");
    let html = app
        .http
        .get(app.url(&format!("/bots/{bot}/knowledge")))
        .header("cookie", &owner)
        .send()
        .await
        .expect("page")
        .text()
        .await
        .expect("html");
    assert!(html.contains("Answers are found by keywords only"), "the served page shows the note");
    assert!(stored_vectors(&app).await.iter().all(|(_, v)| v.is_none()));
}

#[tokio::test]
async fn reindex_embeds_the_knowledge_that_came_before_the_model() {
    let app = spawn_app().await;
    let (owner, bot) = own_tenant(&app, "later@example.com", "Later").await;
    let id = uploaded(&app, &owner, &bot, "account.txt", PASSWORD.as_bytes()).await;
    assert_eq!(settled(&app, &owner, &id).await["status"], "completed");
    let before = stored_vectors(&app).await;
    assert!(!before.is_empty() && before.iter().all(|(_, v)| v.is_none()));
    let mut config = app.config().clone();
    config.embedding_model_dir = Some(model_dir());

    // The server holds the indexes: the command refuses while it runs, with a reason.
    let refused =
        chatsupport::startup::reindex(config.clone(), false).await.expect_err("the server holds the index");
    assert!(format!("{refused:#}").contains("stop it first"), "{refused:#}");

    let stopped = app.stop_for_tools().await;
    let done = chatsupport::startup::reindex(config.clone(), false).await.expect("reindexes");
    assert_eq!(done.embedded, before.len());
    assert_eq!(done.passages, before.len());
    assert!(done.messages >= 1, "the demo conversation's messages are indexed again");

    let app = stopped.start_with(|c| c.embedding_model_dir = config.embedding_model_dir.clone()).await;
    assert!(stored_vectors(&app).await.iter().all(|(_, v)| v.is_some()));
    let hits = search(&app, &owner, &bot, PARAPHRASE).await;
    assert_eq!(hits.first().map(|h| h["source_title"].clone()), Some(json!("account.txt")), "{hits:?}");
}

#[tokio::test]
async fn a_server_started_with_a_new_model_embeds_the_knowledge_it_already_had() {
    let app = spawn_app().await;
    let (owner, bot) = own_tenant(&app, "installed@example.com", "Installed").await;
    let id = uploaded(&app, &owner, &bot, "account.txt", PASSWORD.as_bytes()).await;
    assert_eq!(settled(&app, &owner, &id).await["status"], "completed");
    assert!(search(&app, &owner, &bot, PARAPHRASE).await.is_empty());

    let dir = model_dir();
    let app = app.stop_for_tools().await.start_with(|c| c.embedding_model_dir = Some(dir)).await;
    for _ in 0..600 {
        if stored_vectors(&app).await.iter().all(|(_, v)| v.is_some()) {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    assert!(stored_vectors(&app).await.iter().all(|(_, v)| v.is_some()), "every passage got its vector");
    let hits = search(&app, &owner, &bot, PARAPHRASE).await;
    assert_eq!(hits.first().map(|h| h["source_title"].clone()), Some(json!("account.txt")), "{hits:?}");
}

/// A stand-in for an OpenAI-compatible `/v1/embeddings`: the real request and answer shapes;
/// its vectors are made from keywords so that the test knows which texts are "close".
#[derive(Clone, Default)]
struct StandIn {
    requests: Arc<Mutex<Vec<Request>>>,
}

/// A request as the stand-in saw it: its `Authorization` header and JSON body.
type Request = (Option<String>, Value);

async fn embeddings(State(s): State<StandIn>, headers: HeaderMap, Json(body): Json<Value>) -> Json<Value> {
    let auth = headers.get("authorization").and_then(|v| v.to_str().ok()).map(str::to_owned);
    s.requests.lock().expect("lock").push((auth, body.clone()));
    let inputs: Vec<String> = match &body["input"] {
        Value::String(one) => vec![one.clone()],
        Value::Array(many) => many.iter().filter_map(|v| v.as_str().map(str::to_owned)).collect(),
        _ => Vec::new(),
    };
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, text)| {
            let t = text.to_lowercase();
            let account = ["password", "login", "credentials"].iter().any(|w| t.contains(w));
            let office = ["office", "berlin"].iter().any(|w| t.contains(w));
            let v = [f32::from(account), f32::from(office), 0.1];
            json!({ "object": "embedding", "index": i, "embedding": v })
        })
        .collect();
    let tokens = inputs.iter().map(|t| t.split_whitespace().count()).sum::<usize>();
    Json(json!({
        "object": "list",
        "model": body["model"],
        "data": data,
        "usage": { "prompt_tokens": tokens, "total_tokens": tokens },
    }))
}

#[tokio::test]
async fn an_openai_compatible_endpoint_makes_the_vectors_when_configured() {
    let stand_in = StandIn::default();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
    let base = format!("http://{}/v1", listener.local_addr().expect("address"));
    let router = Router::new().route("/v1/embeddings", post(embeddings)).with_state(stand_in.clone());
    tokio::spawn(async move { axum::serve(listener, router).await });

    let app = spawn_app_with(|c| {
        c.embeddings_url = Some(base.clone());
        c.embeddings_model = "embed-small".into();
        c.embeddings_api_key = Some("sk-test-123".into());
    })
    .await;
    let (_, health) = app.get_json("/api/v1/health", "").await;
    assert_eq!(health["knowledge_retrieval"]["mode"], "hybrid");
    assert!(
        health["knowledge_retrieval"]["embeddings"].as_str().is_some_and(|e| e.starts_with("embed-small"))
    );
    let (owner, bot) = own_tenant(&app, "endpoint@example.com", "Endpoint").await;
    let id = uploaded(&app, &owner, &bot, "account.txt", PASSWORD.as_bytes()).await;
    assert_eq!(settled(&app, &owner, &id).await["status"], "completed");

    let hits = search(&app, &owner, &bot, PARAPHRASE).await;
    assert_eq!(hits.first().map(|h| h["source_title"].clone()), Some(json!("account.txt")), "{hits:?}");
    let requests = stand_in.requests.lock().expect("lock").clone();
    assert!(!requests.is_empty());
    for (auth, body) in &requests {
        assert_eq!(auth.as_deref(), Some("Bearer sk-test-123"));
        assert_eq!(body["model"], "embed-small");
    }
    // The passage's text went with its place ("account.txt" leads it), and the query alone.
    assert!(
        requests.iter().any(|(_, b)| b["input"][0].as_str().is_some_and(|t| t.starts_with("account.txt\n")))
    );
    assert!(requests.iter().any(|(_, b)| b["input"] == json!([PARAPHRASE])));
    assert!(stored_vectors(&app).await.iter().any(|(_, v)| v.as_ref().is_some_and(|b| b.len() == 3 * 4)));
}

/// Every stored passage's id and vector bytes.
async fn stored_vectors(app: &crate::helpers::TestApp) -> Vec<(uuid::Uuid, Option<Vec<u8>>)> {
    use chatsupport::entities::knowledge_chunk as chunk;
    use sea_orm::{EntityTrait, QuerySelect};
    chunk::Entity::find()
        .select_only()
        .column(chunk::Column::Id)
        .column(chunk::Column::Embedding)
        .into_tuple()
        .all(&app.state.handles.db)
        .await
        .expect("chunks")
}

/// Dense text (part numbers, versions, prices) is many word pieces per character: cut by
/// characters, its passages run past the 256 word pieces the model reads and lose their ends.
fn dense_guide() -> String {
    let mut text = String::from("# Guide\n\n## Installing the XR-series controllers\n\n");
    for n in 0..40 {
        text.push_str(&format!(
            "Controller XR-{a}-B{n} (firmware 3.{n}.{b}, SKU 48{a}-{b}-QX, checksum {h:016x}) costs \
             €{c}.{n:02} and pairs with hub HB-{b}{n} over port 84{n:02}/udp; reset code {a}{b}{c}. ",
            a = 1000 + n * 37,
            b = 17 + n * 3,
            c = 90 + n * 11,
            h = (n as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15),
        ));
        if n % 4 == 3 {
            text.push_str("\n\n");
        }
    }
    text.push_str("The last line of the guide: keep the receipt.\n");
    text
}

#[tokio::test]
async fn with_the_local_model_every_passage_fits_what_it_reads_and_keeps_its_headings() {
    use chatsupport::{
        embeddings::minilm::{MAX_TOKENS, MiniLm},
        entities::knowledge_chunk as chunk,
        knowledge::{chunking, extract, index::embedding_text},
    };
    use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

    let dir = model_dir();
    let model = MiniLm::load(&dir).expect("the model loads");
    let guide = dense_guide();
    // What the cut guards against: by characters, passages of this text overflow the model.
    let extracted = extract::extract(guide.as_bytes(), "guide.md").expect("markdown");
    let by_chars = chunking::passages(&extracted, &chunking::Sizer::Characters);
    let longest = by_chars.iter().map(|p| model.count_tokens(&p.content)).max().unwrap_or(0);
    assert!(longest > MAX_TOKENS, "by characters the longest passage is only {longest} word pieces");
    // The splitter counts word by word (remembering each word): the same count as reading
    // the whole text, on this guide's part numbers and hashes and on accents, CJK and emoji.
    let sizer = model.sizer();
    for text in by_chars.iter().map(|p| p.content.as_str()).chain([
        "Crème brûlée, naïve café — ÄÖÜ straße!",
        "安装控制器 before use… (v2.1-rc3) 🚀 e-mail: help@example.com\tTabs\u{a0}and nbsp",
    ]) {
        assert_eq!(
            chunking::word_pieces_by_word(&sizer, text),
            chunking::word_pieces(&sizer, text),
            "{text}"
        );
    }

    let app = spawn_app_with(|c| c.embedding_model_dir = Some(dir)).await;
    let (owner, bot) = own_tenant(&app, "pieces@example.com", "Pieces").await;
    let id = uploaded(&app, &owner, &bot, "guide.md", guide.as_bytes()).await;
    let source = settled(&app, &owner, &id).await;
    assert_eq!(source["status"], "completed", "{source}");
    let rows = chunk::Entity::find()
        .filter(chunk::Column::SourceId.eq(id.parse::<uuid::Uuid>().expect("uuid")))
        .order_by_asc(chunk::Column::Ordinal)
        .all(&app.state.handles.db)
        .await
        .expect("chunks");
    assert!(
        rows.len() > by_chars.len(),
        "{} passages by word pieces, {} by characters",
        rows.len(),
        by_chars.len()
    );
    for (i, row) in rows.iter().enumerate() {
        assert_eq!(row.heading_path, "Guide › Installing the XR-series controllers");
        // [CLS] and [SEP] come on top of the text's own pieces.
        let pieces =
            model.count_tokens(&embedding_text("guide.md", &row.heading_path, None, &row.content)) + 2;
        assert!(pieces <= MAX_TOKENS, "passage {i} is {pieces} word pieces: {}", row.content);
        assert!(row.embedding.is_some(), "passage {i} has its vector");
    }
    assert!(rows.last().is_some_and(|r| r.content.ends_with("keep the receipt.")), "nothing is cut off");
}

#[tokio::test]
async fn texts_embedded_together_get_the_vectors_they_get_alone() {
    use chatsupport::embeddings::minilm::MiniLm;
    let model = MiniLm::load(&model_dir()).expect("the model loads");
    let texts = [
        "How long does shipping take?",
        "Returns › Refunds\nRefunds reach your card within five working days of the parcel arriving back with us.",
        "ok",
        "Crème brûlée, naïve café — ÄÖÜ straße!",
    ];
    let together = model.embed_batch(&texts).expect("a batch embeds");
    assert_eq!(together.len(), texts.len());
    for (text, batched) in texts.iter().zip(&together) {
        let alone = model.embed(text).expect("a text embeds");
        let furthest = alone.iter().zip(batched).map(|(a, b)| (a - b).abs()).fold(0.0_f32, f32::max);
        assert!(furthest < 1e-5, "{text}: a batch moved the vector by {furthest}");
    }
    assert!(model.embed_batch(&[]).expect("nothing to do").is_empty());
}
