//! Embeddings from an OpenAI-compatible `/embeddings` endpoint (OpenAI, vLLM, llama.cpp,
//! Ollama, a local stand-in in the tests), through async-openai.

use std::time::Duration;

use anyhow::{anyhow, bail};
use async_openai::{
    Client,
    config::OpenAIConfig,
    types::embeddings::{CreateEmbeddingRequestArgs, EmbeddingInput},
};

/// Inputs per request (OpenAI takes up to 2,048; small batches keep one failure small).
pub const BATCH: usize = 64;
/// One request's limit, whatever the client's own retries do.
const TIMEOUT: Duration = Duration::from_secs(60);

pub struct Remote {
    client: Client<OpenAIConfig>,
    model: String,
}

impl Remote {
    pub fn new(base_url: &str, api_key: Option<&str>, model: &str) -> Self {
        let mut config = OpenAIConfig::new().with_api_base(base_url.trim_end_matches('/'));
        if let Some(key) = api_key {
            config = config.with_api_key(key);
        }
        Self { client: Client::with_config(config), model: model.to_owned() }
    }

    pub fn model(&self) -> &str {
        &self.model
    }

    /// One vector per text, in order.
    pub async fn embed(&self, texts: Vec<String>) -> anyhow::Result<Vec<Vec<f32>>> {
        let count = texts.len();
        let request = CreateEmbeddingRequestArgs::default()
            .model(self.model.clone())
            .input(EmbeddingInput::StringArray(texts))
            .build()?;
        let answer = tokio::time::timeout(TIMEOUT, self.client.embeddings().create(request)).await.map_err(
            |_| anyhow!("the embeddings endpoint did not answer within {} s", TIMEOUT.as_secs()),
        )??;
        if answer.data.len() != count {
            bail!("the embeddings endpoint answered {} vectors for {count} texts", answer.data.len());
        }
        let mut data = answer.data;
        data.sort_by_key(|e| e.index);
        Ok(data.into_iter().map(|e| super::normalised(e.embedding)).collect())
    }
}
