//! Answers worded by a language model: async-openai's chat completions against any
//! OpenAI-compatible endpoint (OpenAI, vLLM, llama.cpp, Ollama, the tests' stand-in), streamed
//! token by token to the visitor.
//!
//! The model is never trusted to arrive: a deadline for its first word and one for the whole
//! answer, a retry with backoff when it refuses for the moment (429, 5xx, a dropped
//! connection) before anything reached the visitor, and every other outcome reported to the
//! caller, who answers with the built-in answer instead. Nothing it sends is shown until it is
//! clear it is not [`NO_ANSWER`], the prompt's word for "the passages do not say".

use std::time::Duration;

use async_openai::{
    Client,
    config::OpenAIConfig,
    error::OpenAIError,
    types::chat::{
        ChatCompletionRequestAssistantMessage, ChatCompletionRequestMessage,
        ChatCompletionRequestSystemMessage, ChatCompletionRequestUserMessage, ChatCompletionStreamOptions,
        CreateChatCompletionRequest, CreateChatCompletionRequestArgs,
    },
};
use futures::StreamExt;
use tokio::{sync::mpsc::UnboundedSender, time::Instant};

/// What the model is told to answer, alone, when the passages do not hold the answer.
pub const NO_ANSWER: &str = "NO_ANSWER";
/// Attempts before the first token (one, then retries).
const ATTEMPTS: u32 = 3;
/// The first retry's wait; each next one doubles it.
const BACKOFF: Duration = Duration::from_millis(250);

/// Where and how one answer is asked for.
#[derive(Debug, Clone)]
pub struct Endpoint {
    pub base_url: String,
    pub api_key: Option<String>,
    pub model: String,
    pub temperature: f32,
    pub max_tokens: u32,
}

/// How long the model may take.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// To its first word, retries included.
    pub first_token: Duration,
    /// To its last.
    pub total: Duration,
}

/// The conversation as the model reads it (PRD §5.5.2).
#[derive(Debug, Clone, PartialEq)]
pub struct Prompt {
    pub system: String,
    /// The earlier turns, oldest first: `true` for the visitor's.
    pub history: Vec<(bool, String)>,
    /// The knowledge, the customer and the question.
    pub user: String,
}

impl Prompt {
    /// The prompt as the owner reads it ("Test your bot"): each message under its role.
    pub fn as_text(&self) -> String {
        let mut text = format!("SYSTEM:\n{}\n", self.system);
        for (visitor, said) in &self.history {
            text.push_str(if *visitor { "\nCUSTOMER:\n" } else { "\nASSISTANT:\n" });
            text.push_str(said);
            text.push('\n');
        }
        text.push_str("\nUSER:\n");
        text.push_str(&self.user);
        text
    }
}

/// The model's answer.
#[derive(Debug, Clone, PartialEq)]
pub struct Generated {
    /// What it said (empty when it declined).
    pub text: String,
    /// It answered [`NO_ANSWER`]: the passages do not say.
    pub declined: bool,
    pub tokens_in: Option<u32>,
    pub tokens_out: Option<u32>,
}

/// Why there is no answer from the model, and whether the visitor saw part of one.
#[derive(Debug, Clone, PartialEq)]
pub struct Failure {
    pub reason: String,
    /// Tokens reached the visitor before it failed.
    pub streamed: bool,
}

/// Chat completions through one shared HTTP client.
#[derive(Clone)]
pub struct Llm {
    http: reqwest::Client,
    pub limits: Limits,
}

impl Llm {
    pub fn new(limits: Limits) -> Self {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(5))
            // A request the answer gave up on ends by this at the latest.
            .timeout(limits.total + Duration::from_secs(5))
            .build()
            .unwrap_or_default();
        Self { http, limits }
    }

    /// One short answer, not streamed, at temperature 0 (a classification): the model's text,
    /// or why there is none. Bounded by the first-token deadline; not retried (what asks
    /// has a reading of its own to keep).
    pub async fn complete(
        &self,
        endpoint: &Endpoint,
        system: &str,
        user: &str,
        max_tokens: u32,
    ) -> Result<String, String> {
        let mut config = OpenAIConfig::new().with_api_base(endpoint.base_url.trim_end_matches('/'));
        if let Some(key) = &endpoint.api_key {
            config = config.with_api_key(key);
        }
        let client = Client::with_config(config).with_http_client(self.http.clone());
        let request = CreateChatCompletionRequestArgs::default()
            .model(endpoint.model.clone())
            .messages(vec![
                ChatCompletionRequestSystemMessage::from(system).into(),
                ChatCompletionRequestUserMessage::from(user).into(),
            ])
            .temperature(0.0)
            .max_tokens(max_tokens)
            .build()
            .map_err(|e| e.to_string())?;
        match tokio::time::timeout(self.limits.first_token, client.chat().create(request)).await {
            Err(_) => Err("no answer in time".into()),
            Ok(Err(err)) => Err(err.to_string()),
            Ok(Ok(response)) => response
                .choices
                .into_iter()
                .next()
                .and_then(|c| c.message.content)
                .ok_or_else(|| "an empty answer".into()),
        }
    }

    /// Asks `endpoint` for the answer to `prompt`, sending its words to `tokens` as they come
    /// (the first one led by `lead`, a caveat the answer opens with).
    pub async fn generate(
        &self,
        endpoint: &Endpoint,
        prompt: &Prompt,
        lead: &str,
        tokens: &UnboundedSender<String>,
    ) -> Result<Generated, Failure> {
        let request =
            request(endpoint, prompt).map_err(|e| Failure { reason: e.to_string(), streamed: false })?;
        let mut config = OpenAIConfig::new().with_api_base(endpoint.base_url.trim_end_matches('/'));
        if let Some(key) = &endpoint.api_key {
            config = config.with_api_key(key);
        }
        let client = Client::with_config(config).with_http_client(self.http.clone());
        let started = Instant::now();
        let first_by = started + self.limits.first_token.min(self.limits.total);
        let last_by = started + self.limits.total;
        let mut attempt = 0;
        loop {
            attempt += 1;
            match self.attempt(&client, request.clone(), lead, tokens, first_by, last_by).await {
                Ok(done) => return Ok(done),
                Err(Attempt::Retry(reason)) if attempt < ATTEMPTS => {
                    let wait = BACKOFF * 2u32.pow(attempt - 1);
                    if Instant::now() + wait >= first_by {
                        return Err(Failure { reason, streamed: false });
                    }
                    tracing::info!(%reason, attempt, "the model refused for now: asking again");
                    tokio::time::sleep(wait).await;
                }
                Err(Attempt::Retry(reason) | Attempt::Fail(reason)) => {
                    return Err(Failure { reason, streamed: false });
                }
                Err(Attempt::Cut(reason)) => return Err(Failure { reason, streamed: true }),
            }
        }
    }

    async fn attempt(
        &self,
        client: &Client<OpenAIConfig>,
        request: CreateChatCompletionRequest,
        lead: &str,
        tokens: &UnboundedSender<String>,
        first_by: Instant,
        last_by: Instant,
    ) -> Result<Generated, Attempt> {
        let mut stream =
            client.chat().create_stream(request).await.map_err(|e| Attempt::Fail(e.to_string()))?;
        let mut text = String::new();
        let (mut released, mut finished) = (false, false);
        let (mut tokens_in, mut tokens_out) = (None, None);
        loop {
            let by = if text.is_empty() { first_by } else { last_by };
            let next = match tokio::time::timeout_at(by, stream.next()).await {
                Ok(next) => next,
                Err(_) if text.is_empty() => {
                    return Err(Attempt::Fail("the model sent no word in time".into()));
                }
                Err(_) if released => return Err(Attempt::Cut("the model did not finish in time".into())),
                Err(_) => return Err(Attempt::Fail("the model did not finish in time".into())),
            };
            match next {
                None => break,
                Some(Err(err)) if released => return Err(Attempt::Cut(err.to_string())),
                Some(Err(err)) if retryable(&err) => return Err(Attempt::Retry(err.to_string())),
                Some(Err(err)) => return Err(Attempt::Fail(err.to_string())),
                Some(Ok(chunk)) => {
                    if let Some(usage) = chunk.usage {
                        tokens_in = Some(usage.prompt_tokens);
                        tokens_out = Some(usage.completion_tokens);
                    }
                    for choice in chunk.choices {
                        finished |= choice.finish_reason.is_some();
                        let Some(piece) = choice.delta.content.filter(|c| !c.is_empty()) else { continue };
                        text.push_str(&piece);
                        if released {
                            let _ = tokens.send(piece);
                            continue;
                        }
                        let said = text.trim_start();
                        if said.starts_with(NO_ANSWER) {
                            return Ok(Generated {
                                text: String::new(),
                                declined: true,
                                tokens_in,
                                tokens_out,
                            });
                        }
                        if !NO_ANSWER.starts_with(said) {
                            released = true;
                            let _ = tokens.send(format!("{lead}{said}"));
                        }
                    }
                }
            }
        }
        let said = text.trim();
        if said.starts_with(NO_ANSWER) {
            return Ok(Generated { text: String::new(), declined: true, tokens_in, tokens_out });
        }
        if !finished {
            // The stream ended without a finish reason: cut in the middle.
            let reason = "the model's answer broke off".to_owned();
            return Err(if released { Attempt::Cut(reason) } else { Attempt::Retry(reason) });
        }
        if said.is_empty() {
            return Err(Attempt::Fail("the model answered nothing".into()));
        }
        if !released {
            // All of it was a prefix of the marker ("NO"): it is the answer after all.
            let _ = tokens.send(format!("{lead}{said}"));
        }
        Ok(Generated { text: said.to_owned(), declined: false, tokens_in, tokens_out })
    }
}

enum Attempt {
    /// Refused for now, nothing shown: worth asking again.
    Retry(String),
    /// No answer, nothing shown.
    Fail(String),
    /// Broke off after the visitor saw part of it.
    Cut(String),
}

/// A refusal that may pass: rate limits, the server's own trouble, a dropped connection.
/// A request the endpoint rejects as such (a bad key, an unknown model) fails the same way
/// again.
fn retryable(err: &OpenAIError) -> bool {
    match err {
        OpenAIError::ApiError(e) => {
            let kind = e.r#type.as_deref().unwrap_or_default();
            let code = e.code.as_deref().unwrap_or_default();
            !matches!(kind, "invalid_request_error" | "authentication_error" | "permission_error")
                && !matches!(code, "invalid_api_key" | "model_not_found")
        }
        OpenAIError::InvalidArgument(_) => false,
        _ => true,
    }
}

fn request(endpoint: &Endpoint, prompt: &Prompt) -> Result<CreateChatCompletionRequest, OpenAIError> {
    let mut messages: Vec<ChatCompletionRequestMessage> =
        vec![ChatCompletionRequestSystemMessage::from(prompt.system.as_str()).into()];
    for (visitor, said) in &prompt.history {
        messages.push(if *visitor {
            ChatCompletionRequestUserMessage::from(said.as_str()).into()
        } else {
            ChatCompletionRequestAssistantMessage::from(said.as_str()).into()
        });
    }
    messages.push(ChatCompletionRequestUserMessage::from(prompt.user.as_str()).into());
    CreateChatCompletionRequestArgs::default()
        .model(endpoint.model.clone())
        .messages(messages)
        .temperature(endpoint.temperature)
        .max_tokens(endpoint.max_tokens)
        .stream(true)
        .stream_options(ChatCompletionStreamOptions { include_usage: Some(true), include_obfuscation: None })
        .build()
}
