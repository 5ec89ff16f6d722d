//! Sentence embeddings: a text becomes a unit vector whose cosine with another says how close
//! their meanings are, so a visitor's paraphrase still finds the passage. Two sources, one
//! type: an OpenAI-compatible `/embeddings` endpoint when one is configured
//! (`CHATSUPPORT_EMBEDDINGS_URL`), otherwise all-MiniLM-L6-v2 run inside the server on the
//! CPU from the files the setup installs (`CHATSUPPORT_EMBEDDING_MODEL_DIR`). With neither,
//! there is no embedder and retrieval is BM25 alone (the health answer and the Knowledge page
//! say so).

pub mod minilm;
pub mod remote;

use std::{path::PathBuf, sync::Arc, time::Instant};

use anyhow::Context;
use tokio::sync::Semaphore;

use crate::config::Config;

/// What retrieval runs on, for the health answer and the Knowledge page.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct RetrievalMode {
    /// `hybrid` (BM25 and vectors) or `keyword` (BM25 alone).
    pub mode: &'static str,
    /// The embedding model, e.g. `all-MiniLM-L6-v2 (local)`.
    pub embeddings: Option<String>,
    /// One sentence for a person.
    pub note: String,
}

enum Engine {
    Local(Box<minilm::MiniLm>),
    Remote(Box<remote::Remote>),
}

/// Makes vectors. Cheap to clone; the local model is loaded once.
#[derive(Clone)]
pub struct Embedder {
    engine: Arc<Engine>,
    /// One batch at a time for the local model (each batch is spread over the cores), a few
    /// requests at a time for an endpoint.
    gate: Arc<Semaphore>,
    label: Arc<str>,
}

impl std::fmt::Debug for Embedder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Embedder").field("model", &self.label).finish()
    }
}

/// Where the local model is looked for when no directory is configured.
pub fn default_model_dir(config: &Config) -> PathBuf {
    config.data_dir.join("models").join(LOCAL_MODEL)
}

/// The local model's name.
pub const LOCAL_MODEL: &str = "all-MiniLM-L6-v2";

impl Embedder {
    /// The configured embedder: the endpoint if set, else the local model if its files are
    /// there, else none. A model directory that is configured but unreadable is an error (a
    /// mistake to tell at startup, not to run without).
    pub fn from_config(config: &Config) -> anyhow::Result<Option<Self>> {
        if let Some(url) = config.embeddings_url.as_deref().filter(|u| !u.trim().is_empty()) {
            let key = config
                .embeddings_api_key
                .clone()
                .or_else(|| std::env::var("OPENAI_API_KEY").ok())
                .filter(|k| !k.is_empty());
            let engine = remote::Remote::new(url, key.as_deref(), &config.embeddings_model);
            let label = format!("{} ({url})", engine.model());
            return Ok(Some(Self::with(Engine::Remote(Box::new(engine)), label, 4)));
        }
        let (dir, explicit) = match &config.embedding_model_dir {
            Some(dir) => (dir.clone(), true),
            None => (default_model_dir(config), false),
        };
        if !dir.join(minilm::FILES[0].0).exists() {
            if explicit {
                anyhow::bail!(
                    "CHATSUPPORT_EMBEDDING_MODEL_DIR={} has no {}; run the setup (scripts/lib.sh ensure_embedding_model) or unset it",
                    dir.display(),
                    minilm::FILES[0].0
                );
            }
            tracing::info!(dir = %dir.display(), "no embedding model installed: knowledge retrieval is BM25 alone");
            return Ok(None);
        }
        let started = Instant::now();
        let model = minilm::MiniLm::load(&dir)
            .with_context(|| format!("loading the embedding model from {}", dir.display()))?;
        tracing::info!(dir = %dir.display(), ms = started.elapsed().as_millis() as u64, "embedding model loaded");
        Ok(Some(Self::with(Engine::Local(Box::new(model)), format!("{} (local)", LOCAL_MODEL), 1)))
    }

    /// The local model from `dir` (tests, benchmarks, the reindex command).
    pub fn local(dir: &std::path::Path) -> anyhow::Result<Self> {
        let model = minilm::MiniLm::load(dir)?;
        Ok(Self::with(Engine::Local(Box::new(model)), format!("{} (local)", LOCAL_MODEL), 1))
    }

    fn with(engine: Engine, label: String, permits: usize) -> Self {
        Self { engine: Arc::new(engine), gate: Arc::new(Semaphore::new(permits)), label: label.into() }
    }

    pub fn label(&self) -> &str {
        &self.label
    }

    /// The local model's tokenizer (without its cut), to measure passages in the word pieces
    /// the model reads; none for an endpoint (its models read thousands of tokens, and its
    /// tokenizer is not ours to load).
    pub fn word_pieces(&self) -> Option<Arc<tokenizers::Tokenizer>> {
        match self.engine.as_ref() {
            Engine::Local(model) => Some(model.sizer()),
            Engine::Remote(_) => None,
        }
    }

    /// One unit vector per text, in order.
    pub async fn embed(&self, texts: Vec<String>) -> anyhow::Result<Vec<Vec<f32>>> {
        if texts.is_empty() {
            return Ok(Vec::new());
        }
        let _permit = self.gate.acquire().await.context("the embedder is shutting down")?;
        match &*self.engine {
            Engine::Remote(remote) => {
                let mut out = Vec::with_capacity(texts.len());
                for batch in texts.chunks(remote::BATCH) {
                    out.extend(remote.embed(batch.to_vec()).await?);
                }
                Ok(out)
            }
            Engine::Local(_) => {
                let engine = self.engine.clone();
                let run = tokio::task::spawn_blocking(move || match &*engine {
                    Engine::Local(model) => embed_on_every_core(model, &texts),
                    Engine::Remote(_) => Ok(Vec::new()),
                });
                run.await.context("the embedding thread stopped")?
            }
        }
    }

    /// The vector of one text (a query).
    pub async fn embed_one(&self, text: &str) -> anyhow::Result<Vec<f32>> {
        self.embed(vec![text.to_owned()]).await?.pop().context("no vector came back")
    }
}

/// `texts` split over the machine's cores (a batch of 8 on 2 cores: two threads of 4).
fn embed_on_every_core(model: &minilm::MiniLm, texts: &[String]) -> anyhow::Result<Vec<Vec<f32>>> {
    let threads =
        std::thread::available_parallelism().map_or(1, std::num::NonZero::get).clamp(1, texts.len().max(1));
    let batch = |part: &[String]| model.embed_batch(&part.iter().map(String::as_str).collect::<Vec<_>>());
    if threads == 1 {
        return batch(texts);
    }
    let per_thread = texts.len().div_ceil(threads);
    std::thread::scope(|scope| {
        let parts: Vec<_> = texts.chunks(per_thread).map(|part| scope.spawn(move || batch(part))).collect();
        let mut out = Vec::with_capacity(texts.len());
        for part in parts {
            out.extend(part.join().map_err(|_| anyhow::anyhow!("an embedding thread panicked"))??);
        }
        Ok(out)
    })
}

/// What retrieval runs on with `embedder`.
pub fn retrieval_mode(embedder: Option<&Embedder>) -> RetrievalMode {
    match embedder {
        Some(e) => RetrievalMode {
            mode: "hybrid",
            embeddings: Some(e.label().to_owned()),
            note: format!("Answers are found by keywords and by meaning ({}).", e.label()),
        },
        None => RetrievalMode {
            mode: "keyword",
            embeddings: None,
            note: "Answers are found by keywords only: no embedding model is installed, so questions worded differently from the knowledge may be missed. Install it with the setup (scripts/serve.sh does) and run `chatsupport reindex`.".into(),
        },
    }
}

/// `v` scaled to length 1 (a zero vector stays zero).
pub fn normalised(mut v: Vec<f32>) -> Vec<f32> {
    let length = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if length > 0.0 {
        for x in &mut v {
            *x /= length;
        }
    }
    v
}

/// The cosine of two unit vectors.
pub fn cosine(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// A vector as stored (little-endian f32s) and back.
pub fn to_bytes(v: &[f32]) -> Vec<u8> {
    v.iter().flat_map(|x| x.to_le_bytes()).collect()
}

pub fn from_bytes(bytes: &[u8]) -> Vec<f32> {
    bytes.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn vectors_round_trip_through_their_stored_bytes() {
        let v = normalised(vec![3.0, 4.0]);
        assert_eq!(v, vec![0.6, 0.8]);
        assert_eq!(from_bytes(&to_bytes(&v)), v);
        assert!((cosine(&v, &v) - 1.0).abs() < 1e-6);
    }
}
