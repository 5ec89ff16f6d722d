//! The answer engine: what the bot says to a visitor's message, from what, and how sure it is
//! (ARCHITECTURE.md "The answer engine"). In order: reasons to hand over at once
//! ([`crate::signals::handover`]), small talk ([`crate::signals::small_talk`], no retrieval spent), then
//! hybrid retrieval over the bot's knowledge (the visitor's previous message folded into a
//! short follow-up), the built-in extractive answer ([`builtin`]) and its confidence, whose
//! band decides: answer, answer with a caveat, answer and suggest a person, or say it does
//! not know. Two "don't know"s in a row hand over.

pub mod builtin;
pub mod gaps;
pub mod gate;
pub mod llm;
pub mod pricing;
pub mod prompt;
pub mod routes;
pub mod understand;

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
    time::Instant,
};

use app::dto::{
    AnswerInfo, AnswerOutcome, AnswerSource, ConversationId, MessageInsight, MessageView, Personality,
    SenderKind,
};

use app::bot_settings::AiProvider;
use tokio::sync::mpsc::{UnboundedSender, unbounded_channel};

use crate::{
    bots::Bot,
    conversations::ConversationService,
    knowledge::{KnowledgeService, index::Passage},
    secrets::SecretBox,
    signals,
};

/// What the built-in answerer is called in an answer's record.
pub const BUILT_IN: &str = "built-in";

/// Confidence bands (PRD §5.5.3): above `ANSWER` the bot answers; above `CAVEAT` it answers
/// saying it may not be exact; above `SUGGEST` it answers and suggests a person; below, it
/// says it does not know.
pub const ANSWER: f32 = 0.85;
pub const CAVEAT: f32 = 0.70;
pub const SUGGEST: f32 = 0.50;

/// Answers in a row that did not help (the bot did not know, the visitor gave a thumbs down,
/// or asked the same again) after which the conversation goes to a person.
const UNHELPFUL_BEFORE_HANDOVER: usize = 2;
/// Passages read for one answer.
const PASSAGES: usize = 6;
/// Of them, the first re-ranked by the share of the question's words they hold…
const RERANKED: usize = 5;
/// …beside their retrieval score, weighted this much.
const RANK_WEIGHT: f32 = 0.3;
/// Query vectors kept (a repeated question costs no embedding).
const QUERY_CACHE: usize = 2_048;

/// The bot's reply to one visitor message.
#[derive(Debug, Clone)]
pub struct Reply {
    pub text: String,
    pub info: AnswerInfo,
    /// Its words already went to the visitor as a model wrote them (the stored message
    /// replaces them; when the model broke off, with the built-in answer).
    pub streamed: bool,
    /// What the confidence was computed from, when retrieval ran (the evaluation harness
    /// calibrates on it).
    pub evidence: Option<Evidence>,
    /// What the question says of the visitor: its intent (with the question's vector when
    /// retrieval made one) and sentiment.
    pub insight: MessageInsight,
    /// The visitor's message with the intent read better than when it was stored (by its
    /// vector), to store in its place; `None` when nothing changed.
    pub question: Option<MessageView>,
    /// The passages a model reads for this answer, best first (empty when the bot declined
    /// or needed no knowledge).
    pub read: Vec<Passage>,
}

/// "Test your bot": what retrieval found, the reply, and the prompt a model would be sent.
#[derive(Debug, Clone)]
pub struct Tested {
    pub passages: Vec<Passage>,
    pub reply: Reply,
    /// The prompt a model would get (whether or not the bot has one); none when the bot would
    /// not ask a model (it declines, hands over or chats).
    pub prompt: Option<String>,
}

/// The signals behind an answer's confidence.
#[derive(Debug, Clone, PartialEq)]
pub struct Evidence {
    /// The best passage's first 240 characters.
    pub snippet: String,
    /// Share of the question's content words the best passage holds.
    pub coverage: f32,
    /// The best passage's cosine to the question, with vectors.
    pub cosine: Option<f32>,
    /// The question's content words.
    pub words: usize,
}

/// Where a bot's tokens go as a model writes them.
pub type Tokens = UnboundedSender<String>;

/// The language models answers may be worded by: the server's own (configured globally) and
/// each bot's own endpoint, its key sealed as an integration credential.
#[derive(Clone)]
pub struct Models {
    /// The server's model: `OPENAI_BASE_URL` / `OPENAI_API_KEY` / `CHATSUPPORT_LLM_MODEL`.
    pub platform: Option<llm::Endpoint>,
    /// The server's stronger model for hard questions (`CHATSUPPORT_LLM_MODEL_COMPLEX`).
    pub complex: Option<String>,
    pub llm: llm::Llm,
    pub secrets: SecretBox,
}

impl Models {
    pub fn from_config(config: &crate::config::Config, secrets: SecretBox) -> Self {
        let limits = llm::Limits {
            first_token: std::time::Duration::from_millis(config.llm_first_token_ms),
            total: std::time::Duration::from_millis(config.llm_total_ms),
        };
        let base_url = match (&config.llm_url, &config.llm_api_key) {
            (Some(url), _) => Some(url.clone()),
            (None, Some(_)) => Some("https://api.openai.com/v1".to_owned()),
            (None, None) => None,
        };
        let platform = base_url.map(|base_url| llm::Endpoint {
            base_url,
            api_key: config.llm_api_key.clone(),
            model: config.llm_model.clone(),
            temperature: 0.3,
            max_tokens: 500,
        });
        Self { platform, complex: config.llm_model_complex.clone(), llm: llm::Llm::new(limits), secrets }
    }

    /// The endpoint that words `bot`'s answers: `Ok(None)` for the built-in answerer,
    /// `Err` with the reason when the bot's own endpoint cannot be used (its key is gone, or
    /// its plan does not include the model). A bot on the server's default model gets the
    /// stronger one for a hard question when its plan is above Starter (PRD §5.5.1).
    async fn endpoint_for(
        &self,
        db: &sea_orm::DatabaseConnection,
        bot: &Bot,
        question: &str,
        earlier: &[MessageView],
    ) -> Result<Option<llm::Endpoint>, String> {
        let ai = &bot.settings.ai;
        let (base_url, api_key, default_model) = match ai.provider {
            AiProvider::BuiltIn => return Ok(None),
            AiProvider::Platform => match &self.platform {
                Some(p) => (p.base_url.clone(), p.api_key.clone(), p.model.clone()),
                None => return Ok(None),
            },
            AiProvider::Custom => {
                let Some(url) = ai.base_url.clone() else { return Ok(None) };
                let key = match ai.credential_id {
                    Some(id) => Some(
                        crate::integrations::reveal(db, &self.secrets, bot.organization_id.0, id)
                            .await
                            .map_err(|e| format!("the bot's API key cannot be read: {e}"))?,
                    ),
                    None => None,
                };
                (url, key, "gpt-4o-mini".to_owned())
            }
        };
        let plan = crate::bots::plan_of(db, bot.organization_id, bot.workspace_id).await.ok().flatten();
        if let (Some(family), Some(plan)) = (ai.family(), &plan)
            && let Some(why) = crate::bots::plan_refuses(plan, family)
        {
            return Err(why);
        }
        let model = match (&ai.model, &self.complex, ai.provider) {
            (None, Some(strong), AiProvider::Platform)
                if plan.as_ref().is_some_and(|p| !pricing::LIGHT_PLANS.contains(&p.id.as_str()))
                    && pricing::complexity(question, unhelpful_before(earlier, question).count > 0)
                        == pricing::Complexity::Complex =>
            {
                strong.clone()
            }
            (Some(model), _, _) => model.clone(),
            (None, _, _) => default_model,
        };
        Ok(Some(llm::Endpoint {
            base_url,
            api_key,
            model,
            temperature: ai.temperature,
            max_tokens: ai.max_tokens,
        }))
    }
}

impl Reply {
    /// Why the conversation goes to a person, if it does.
    pub fn hand_over(&self) -> Option<&str> {
        self.info.handover_reason.as_deref()
    }
}

#[derive(Clone)]
pub struct Answerer {
    db: sea_orm::DatabaseConnection,
    knowledge: KnowledgeService,
    conversations: ConversationService,
    models: Models,
    query_vectors: Arc<Mutex<HashMap<String, Arc<Vec<f32>>>>>,
    /// The intent examples' vectors (`signals::intent::EXAMPLES`), embedded on first need.
    intent_examples: Arc<tokio::sync::OnceCell<Vec<Vec<f32>>>>,
    /// The examples are being embedded (started by the first question that needed them).
    warming: Arc<std::sync::atomic::AtomicBool>,
    /// Answers worked out at once, and when the server is too busy for new conversations.
    gate: gate::AnswerGate,
}

impl Answerer {
    pub fn new(
        db: sea_orm::DatabaseConnection,
        knowledge: KnowledgeService,
        conversations: ConversationService,
        models: Models,
        gate: gate::AnswerGate,
    ) -> Self {
        Self {
            db,
            knowledge,
            conversations,
            models,
            query_vectors: Arc::default(),
            intent_examples: Arc::default(),
            warming: Arc::default(),
            gate,
        }
    }

    /// The answers' queue: the widget asks it whether a new conversation can start now.
    pub fn gate(&self) -> &gate::AnswerGate {
        &self.gate
    }

    /// The bot's reply to the visitor's message `seq` in `conversation` (read with the
    /// messages before it; later ones — the visitor writing again, the answer to an earlier
    /// message stored meanwhile — are not its business). `None` when that message cannot be
    /// read or is not the visitor's: the caller answers with the fallback.
    ///
    /// A model's words go to `tokens` as it writes them.
    pub async fn reply_to(
        &self,
        bot: &Bot,
        conversation: ConversationId,
        seq: i64,
        tokens: &Tokens,
    ) -> Option<Reply> {
        let recent =
            match self.conversations.recent_messages(bot.organization_id, conversation, seq, 12).await {
                Ok(recent) => recent,
                Err(err) => {
                    tracing::warn!(error = %err, %conversation, "reading the conversation to answer it");
                    return None;
                }
            };
        let (question, earlier) = recent.split_last()?;
        if question.sender.kind != SenderKind::Visitor || question.seq != seq {
            return None;
        }
        let mut reply = self.answer(bot, &question.content, earlier, Some(conversation), tokens).await;
        if question.insight.map(|i| i.intent) != Some(reply.insight.intent) {
            reply.question = Some(MessageView { insight: Some(reply.insight), ..question.clone() });
        }
        Some(reply)
    }

    /// After the answer went out: the visitor's message `seq` read again by the bot's language
    /// model, when it has one and the rules did not decide already ([`understand`]); the
    /// stored reading is replaced. Nothing happens when the model fails.
    pub async fn understand(&self, bot: &Bot, conversation: ConversationId, seq: i64) {
        if bot.settings.ai.provider == AiProvider::BuiltIn {
            return;
        }
        let Ok(recent) = self.conversations.recent_messages(bot.organization_id, conversation, seq, 1).await
        else {
            return;
        };
        let Some(question) =
            recent.into_iter().last().filter(|m| m.seq == seq && m.sender.kind == SenderKind::Visitor)
        else {
            return;
        };
        let score = question.insight.map_or(0.0, |i| i.sentiment_score);
        if signals::decided(&question.content, score).is_some() {
            return;
        }
        // The default model (an empty question is never "complex").
        let Ok(Some(endpoint)) = self.models.endpoint_for(&self.db, bot, "", &[]).await else { return };
        let said =
            self.models.llm.complete(&endpoint, &understand::instructions(), &question.content, 80).await;
        match said.map(|text| understand::parse(&text)) {
            Ok(Some(insight)) => {
                if let Err(err) = self.conversations.understood(bot.organization_id, question, insight).await
                {
                    tracing::warn!(error = %err, %conversation, "storing the model's reading of a message failed");
                }
            }
            Ok(None) => {
                tracing::debug!(%conversation, "the model's reading did not parse: the built-in one stays")
            }
            Err(reason) => {
                tracing::debug!(%reason, %conversation, "the model did not read the message: the built-in reading stays")
            }
        }
    }

    /// The bot's reply to `question`, after `earlier` messages of the conversation, from an
    /// unknown visitor, not streamed.
    pub async fn reply(&self, bot: &Bot, question: &str, earlier: &[MessageView]) -> Reply {
        let (nowhere, _) = unbounded_channel();
        self.answer(bot, question, earlier, None, &nowhere).await
    }

    /// The bot's reply to `question` in `conversation` (`None`: asked outside one, "test your
    /// bot"), after `earlier` messages of it; a model's words go to `tokens` as it writes them.
    pub async fn answer(
        &self,
        bot: &Bot,
        question: &str,
        earlier: &[MessageView],
        conversation: Option<ConversationId>,
        tokens: &Tokens,
    ) -> Reply {
        let started = Instant::now();
        let mut insight = signals::read(question);
        let said = |text: String, outcome, confidence, reason: Option<&str>| Reply {
            streamed: false,
            evidence: None,
            insight,
            question: None,
            read: Vec::new(),
            text,
            info: AnswerInfo {
                confidence,
                outcome,
                sources: Vec::new(),
                handover_reason: reason.map(str::to_owned),
                model: BUILT_IN.into(),
                retrieval_ms: 0,
                generation_ms: elapsed_ms(started),
                tokens_in: 0,
                tokens_out: 0,
                cost_micros: Some(0),
                fallback_reason: None,
                formatted: Vec::new(),
            },
        };
        if let Some(why) = signals::handover_scored(question, insight.sentiment_score) {
            return said(
                voice(bot.personality).handing_over.into(),
                AnswerOutcome::HandedOver,
                1.0,
                Some(why.reason()),
            );
        }
        if let Some(talk) = signals::small_talk(question) {
            let v = voice(bot.personality);
            let text = match talk {
                signals::SmallTalk::Greeting => v.greeting,
                signals::SmallTalk::Thanks => v.thanks,
                signals::SmallTalk::Goodbye => v.goodbye,
            };
            return said(text.into(), AnswerOutcome::SmallTalk, 1.0, None);
        }
        // The CPU of this answer (embedding, retrieval, the extractive answer) waits its turn;
        // with the queue full the bot says it is busy at once (ARCHITECTURE.md "Capacity").
        let Some(turn) = self.gate.enter().await else {
            let mut busy = said(voice(bot.personality).busy.into(), AnswerOutcome::Declined, 0.0, None);
            busy.info.fallback_reason = Some(format!(
                "the server had {} answers waiting: the busy answer, no knowledge read",
                self.gate.waiting()
            ));
            return busy;
        };
        let query = folded(question, earlier);
        let language = crate::knowledge::index::language_index(bot.settings.language.as_deref());
        let vector = self.query_vector(&query).await;
        if let Some(v) = vector.as_deref()
            && signals::decided(question, insight.sentiment_score).is_none()
            && let Some(refined) = self.intent_by_vector(question, v)
        {
            insight.intent = refined.intent;
            insight.intent_confidence = refined.confidence;
        }
        let passages = match self.knowledge.passages_for(
            bot.organization_id,
            bot.id,
            language,
            &query,
            vector.as_deref().map(Vec::as_slice),
            PASSAGES,
        ) {
            Ok(found) => distinct(found),
            Err(err) => {
                tracing::warn!(error = %err, bot = %bot.id, "retrieval failed: answering with the fallback");
                Vec::new()
            }
        };
        let retrieval_ms = elapsed_ms(started);
        let generating = Instant::now();
        let index = self.knowledge.index();
        let stems = |text: &str| index.stems(language, text);
        let asked = stems(&builtin::content_words(&query));
        // The first passages re-ranked by how much of the question they hold, beside their
        // retrieval rank (BM25 rewards a word repeated in a boosted field; an answer needs
        // the words asked).
        let top = passages.first().map_or(1.0, |p| p.score.max(f32::EPSILON));
        let best = passages.iter().take(RERANKED).map(|p| (p, builtin::draft(&asked, p, &stems))).max_by(
            |(a, da), (b, db)| {
                let rank = |p: &Passage, d: &builtin::Draft| {
                    RANK_WEIGHT * p.score / top + (1.0 - RANK_WEIGHT) * d.coverage
                };
                rank(a, da).total_cmp(&rank(b, db))
            },
        );
        let best_evidence = best.as_ref().map(|(p, d)| Evidence {
            snippet: p.content.chars().take(240).collect(),
            coverage: d.coverage,
            cosine: p.cosine,
            words: asked.len(),
        });
        let confidence = best_evidence.as_ref().map_or(0.0, |e| confidence(e.coverage, e.cosine, e.words));
        let before = unhelpful_before(earlier, question);
        // A model's wording only waits on the network: the next answer may start.
        drop(turn);
        let v = voice(bot.personality);
        let mut written = Written::built_in();
        let mut read_for_model: Vec<Passage> = Vec::new();
        let (text, outcome, sources) = match best {
            Some((p, d)) if confidence >= SUGGEST => {
                let outcome = if confidence >= ANSWER {
                    AnswerOutcome::Answered
                } else if confidence >= CAVEAT {
                    AnswerOutcome::Caveat
                } else {
                    AnswerOutcome::SuggestPerson
                };
                let lead = match outcome {
                    AnswerOutcome::Caveat => format!("{}\n\n", v.caveat),
                    _ => String::new(),
                };
                let tail = match outcome {
                    AnswerOutcome::SuggestPerson => format!("\n\n{}", v.suggest_person),
                    _ => String::new(),
                };
                // The best passage first, then the rest retrieval ranked highest.
                let read: Vec<&Passage> = std::iter::once(p)
                    .chain(passages.iter().take(RERANKED).filter(|q| q.chunk_id != p.chunk_id))
                    .collect();
                written = self.written(bot, question, earlier, conversation, &read, &lead, tokens).await;
                read_for_model = read.iter().map(|p| (*p).clone()).collect();
                match &written.text {
                    Some(_) if written.declined => {
                        (bot.fallback_message.clone(), AnswerOutcome::Declined, Vec::new())
                    }
                    Some(words) => {
                        if !tail.is_empty() {
                            let _ = tokens.send(tail.clone());
                        }
                        let mut cited = vec![source(p)];
                        cited.extend(read[1..].iter().filter(|q| mentioned(q, words)).map(|q| source(q)));
                        (format!("{lead}{words}{tail}"), outcome, cited)
                    }
                    None => (format!("{lead}{}{tail}", d.text), outcome, vec![source(p)]),
                }
            }
            _ => (bot.fallback_message.clone(), AnswerOutcome::Declined, Vec::new()),
        };
        // Asked again, the bot would say what did not help the first time.
        let says_again = before.repeated
            && sources.first().map(|s| s.source_id) == before.last_source
            && before.last_source.is_some();
        let unhelpful_now = outcome == AnswerOutcome::Declined || says_again;
        let handover_reason = (unhelpful_now && before.count + 1 >= UNHELPFUL_BEFORE_HANDOVER).then(|| {
            if before.all_declined && outcome == AnswerOutcome::Declined {
                format!("the bot could not answer {UNHELPFUL_BEFORE_HANDOVER} questions in a row")
            } else {
                format!("{UNHELPFUL_BEFORE_HANDOVER} answers in a row did not help the visitor")
            }
        });
        let (text, outcome) = match &handover_reason {
            Some(_) => (v.handing_over.to_owned(), AnswerOutcome::HandedOver),
            None => (text, outcome),
        };
        let formatted = crate::shared::markdown::blocks_if_formatted(&text);
        Reply {
            text,
            streamed: written.streamed,
            evidence: best_evidence,
            insight,
            question: None,
            read: read_for_model,
            info: AnswerInfo {
                confidence,
                outcome,
                sources,
                handover_reason,
                cost_micros: pricing::cost_micros(&written.model, written.tokens_in, written.tokens_out),
                model: written.model,
                retrieval_ms,
                generation_ms: elapsed_ms(generating),
                tokens_in: written.tokens_in,
                tokens_out: written.tokens_out,
                fallback_reason: written.fallback_reason,
                formatted,
            },
        }
    }

    /// The answer as the bot's model words it from `read`, when the bot has one and it
    /// answers; its words go to `tokens` led by `lead`.
    #[allow(clippy::too_many_arguments)]
    async fn written(
        &self,
        bot: &Bot,
        question: &str,
        earlier: &[MessageView],
        conversation: Option<ConversationId>,
        read: &[&Passage],
        lead: &str,
        tokens: &Tokens,
    ) -> Written {
        let endpoint = match self.models.endpoint_for(&self.db, bot, question, earlier).await {
            Ok(Some(endpoint)) => endpoint,
            Ok(None) => return Written::built_in(),
            Err(reason) => return Written { fallback_reason: Some(reason), ..Written::built_in() },
        };
        // Read only when a model is asked: the built-in answer needs neither.
        let company = self.company(bot).await;
        let (name, email) = match conversation {
            Some(c) => self.conversations.visitor_contact(bot.organization_id, c).await.unwrap_or_default(),
            None => (None, None),
        };
        let customer = prompt::Customer { name, email };
        let prompt = prompt::build(bot, &company, read, earlier, &customer, question);
        match self.models.llm.generate(&endpoint, &prompt, lead, tokens).await {
            Ok(g) => Written {
                declined: g.declined,
                text: Some(g.text),
                model: endpoint.model,
                streamed: !g.declined,
                tokens_in: g.tokens_in.unwrap_or(0),
                tokens_out: g.tokens_out.unwrap_or(0),
                fallback_reason: None,
            },
            Err(failure) => {
                tracing::warn!(reason = %failure.reason, model = %endpoint.model, bot = %bot.id,
                    "the model did not answer: the built-in answer stands in");
                Written {
                    streamed: failure.streamed,
                    fallback_reason: Some(format!("{}: {}", endpoint.model, failure.reason)),
                    ..Written::built_in()
                }
            }
        }
    }

    /// The organization's name, as the prompt introduces the company.
    async fn company(&self, bot: &Bot) -> String {
        use sea_orm::EntityTrait;
        crate::entities::organization::Entity::find_by_id(bot.organization_id.0)
            .one(&self.db)
            .await
            .ok()
            .flatten()
            .map_or_else(|| bot.name.clone(), |o| o.name)
    }

    /// "Test your bot": the passages `query` finds for the bot (the first `top_k`) and the
    /// reply a visitor asking it first would get.
    ///
    /// For `viewer` (who may read knowledge), on one of their organization's bots; the
    /// question is checked ([`routes::check_test_query`]) and `top_k` is 1–20. What the REST
    /// route and the dashboard's port both call.
    pub async fn test(
        &self,
        viewer: &app::ssr::Viewer,
        bot: app::dto::BotId,
        query: &str,
        top_k: usize,
    ) -> crate::error::Result<Tested> {
        viewer.require(app::auth::Permission::ViewKnowledge)?;
        let query = routes::check_test_query(query)?;
        if !(1..=20).contains(&top_k) {
            return Err(app::ApiError::validation("top_k", "List between 1 and 20 passages.").into());
        }
        let bot = &crate::bots::find(&self.db, viewer.organization_id, bot).await?;
        self.test_on(bot, query, top_k).await
    }

    /// [`Self::test`] on a bot already found and a question already checked (the evaluation
    /// runs ask their questions this way).
    pub async fn test_on(&self, bot: &Bot, query: &str, top_k: usize) -> crate::error::Result<Tested> {
        let language = crate::knowledge::index::language_index(bot.settings.language.as_deref());
        let vector = self.query_vector(query).await;
        let passages = self.knowledge.passages_for(
            bot.organization_id,
            bot.id,
            language,
            query,
            vector.as_deref().map(Vec::as_slice),
            top_k,
        )?;
        let reply = self.reply(bot, query, &[]).await;
        let prompt = if reply.read.is_empty() {
            None
        } else {
            let read: Vec<&Passage> = reply.read.iter().collect();
            let company = self.company(bot).await;
            Some(prompt::build(bot, &company, &read, &[], &prompt::Customer::default(), query).as_text())
        };
        Ok(Tested { passages: distinct(passages), reply, prompt })
    }

    /// The question's intent read from its vector beside the labelled examples'; `None`
    /// until the examples are embedded: the first question that needs them starts that in the
    /// background ([`Self::warm_intents`]) and keeps the words' intent — an answer never waits
    /// for them, and at startup the knowledge's own embedding goes first.
    fn intent_by_vector(&self, question: &str, vector: &[f32]) -> Option<signals::intent::Classified> {
        match self.intent_examples.get() {
            Some(examples) => Some(signals::intent::by_vector(question, vector, examples)),
            None => {
                if !self.warming.swap(true, std::sync::atomic::Ordering::Relaxed) {
                    let answers = self.clone();
                    tokio::spawn(async move {
                        answers.warm_intents().await;
                        answers.warming.store(false, std::sync::atomic::Ordering::Relaxed);
                    });
                }
                None
            }
        }
    }

    /// Embeds the intent examples once (a second call waits for the first, or tries again
    /// after a failure); nothing without an embedder.
    pub async fn warm_intents(&self) {
        let Some(embedder) = self.knowledge.embedder() else { return };
        let embedded = self
            .intent_examples
            .get_or_try_init(|| async {
                // In small batches, as knowledge is embedded: a visitor's question waits for
                // one batch at most, never for all of them.
                let mut vectors = Vec::with_capacity(signals::intent::EXAMPLES.len());
                for batch in signals::intent::EXAMPLES.chunks(8) {
                    vectors.extend(
                        embedder.embed(batch.iter().map(|(_, text)| (*text).to_owned()).collect()).await?,
                    );
                }
                anyhow::Ok(vectors)
            })
            .await;
        if let Err(err) = embedded {
            tracing::warn!(error = %err, "embedding the intent examples failed: intents by words alone");
        }
    }

    /// The query's vector from the configured embedder (cached), or `None` (no embedder, or
    /// it failed: retrieval goes on by keywords).
    async fn query_vector(&self, query: &str) -> Option<Arc<Vec<f32>>> {
        let embedder = self.knowledge.embedder()?;
        if let Some(hit) = self.query_vectors.lock().ok()?.get(query) {
            return Some(hit.clone());
        }
        match embedder.embed_one(query).await {
            Ok(v) => {
                let v = Arc::new(v);
                if let Ok(mut cache) = self.query_vectors.lock() {
                    if cache.len() >= QUERY_CACHE {
                        cache.clear();
                    }
                    cache.insert(query.to_owned(), v.clone());
                }
                Some(v)
            }
            Err(err) => {
                tracing::warn!(error = %err, "embedding a visitor's question failed: answering by keywords");
                None
            }
        }
    }
}

/// Who wrote an answer and what it cost.
struct Written {
    /// The model's words; `None`: the built-in answer's.
    text: Option<String>,
    /// The model said the passages do not hold the answer.
    declined: bool,
    model: String,
    streamed: bool,
    tokens_in: u32,
    tokens_out: u32,
    fallback_reason: Option<String>,
}

impl Written {
    fn built_in() -> Self {
        Self {
            text: None,
            declined: false,
            model: BUILT_IN.into(),
            streamed: false,
            tokens_in: 0,
            tokens_out: 0,
            fallback_reason: None,
        }
    }
}

/// The model's answer names the passage (its address or its title).
fn mentioned(p: &Passage, words: &str) -> bool {
    p.url.as_deref().is_some_and(|url| words.contains(url)) || (p.title.len() > 8 && words.contains(&p.title))
}

fn elapsed_ms(since: Instant) -> u32 {
    u32::try_from(since.elapsed().as_millis()).unwrap_or(u32::MAX)
}

/// Words a follow-up opens with ("and on Windows?", "what about Austria?"), in the widget's
/// languages.
const FOLLOW_UP_CUES: &[&str] = &[
    "and", "or", "also", "what", "how", "but", "und", "oder", "auch", "et", "ou", "y", "o", "e", "en", "of",
    "ook",
];

/// A follow-up ("and on Windows?", "what about Austria?": one content word, or up to three
/// after an opening "and", "what about"…) is read together with the visitor's message before
/// it, so retrieval knows what it follows up on. A short question that stands on its own
/// ("How do I reset my password?") is read alone.
fn folded(question: &str, earlier: &[MessageView]) -> String {
    let words = builtin::content_words(question).split_whitespace().count();
    let opens = question
        .split(|c: char| !c.is_alphanumeric())
        .find(|w| !w.is_empty())
        .is_some_and(|w| FOLLOW_UP_CUES.contains(&w.to_lowercase().as_str()));
    let follow_up = words <= 1 || (opens && words <= 3 && !standalone(question));
    let previous = earlier.iter().rev().find(|m| m.sender.kind == SenderKind::Visitor);
    match previous {
        Some(p) if follow_up => format!("{} {}", p.content, question),
        _ => question.to_owned(),
    }
}

/// "How do I…", "What is…": a question with its own verb after its opening word stands alone.
fn standalone(question: &str) -> bool {
    let lower = question.to_lowercase();
    ["how do", "how can", "how long", "how much", "how many", "what is", "what are", "what does", "what do"]
        .iter()
        .any(|opening| lower.trim_start().starts_with(opening))
}

/// Passages that say the same thing (the same text in two sources, an overlap) are kept once.
fn distinct(passages: Vec<Passage>) -> Vec<Passage> {
    let mut seen: Vec<String> = Vec::new();
    let mut out = Vec::with_capacity(passages.len());
    for p in passages {
        let key: String = p.content.split_whitespace().take(24).collect::<Vec<_>>().join(" ").to_lowercase();
        if seen.contains(&key) {
            continue;
        }
        seen.push(key);
        out.push(p);
    }
    out
}

/// The bot's last answers that did not help, in a row (PRD §4.2 "Smart Escalation Detection").
struct Unhelpful {
    count: usize,
    /// Each of them said it did not know.
    all_declined: bool,
    /// The visitor asks again what they asked before the last answer.
    repeated: bool,
    /// The source the last answer came from.
    last_source: Option<app::ids::SourceId>,
}

/// Counts back over the bot's answers: one that said it did not know, got a thumbs down, or —
/// the newest — is followed by the visitor asking the same again (`question`) did not help. A
/// person writing in between (an agent who took over and gave the conversation back), or a
/// message of the bot's that is not an answer (its greeting), starts the count again.
fn unhelpful_before(earlier: &[MessageView], question: &str) -> Unhelpful {
    let repeated = earlier
        .iter()
        .rev()
        .find(|m| m.sender.kind == SenderKind::Visitor)
        .is_some_and(|m| same_question(&m.content, question));
    let mut found = Unhelpful { count: 0, all_declined: true, repeated, last_source: None };
    for (i, m) in earlier.iter().rev().filter(|m| m.sender.kind != SenderKind::Visitor).enumerate() {
        let Some(a) = m.answer.as_deref().filter(|_| m.sender.kind == SenderKind::Bot) else { break };
        if i == 0 {
            found.last_source = a.sources.first().map(|s| s.source_id);
        }
        let declined = a.outcome == AnswerOutcome::Declined;
        let answered = matches!(
            a.outcome,
            AnswerOutcome::Answered | AnswerOutcome::Caveat | AnswerOutcome::SuggestPerson
        );
        if !(declined || m.helpful == Some(false) || (i == 0 && repeated && answered)) {
            break;
        }
        found.all_declined &= declined;
        found.count += 1;
    }
    found
}

/// Two messages ask the same: most of their content words are the same (Jaccard ≥ 0.8).
fn same_question(a: &str, b: &str) -> bool {
    let words = |t: &str| {
        builtin::content_words(t)
            .split_whitespace()
            .map(str::to_owned)
            .collect::<std::collections::HashSet<_>>()
    };
    let (a, b) = (words(a), words(b));
    if a.is_empty() || b.is_empty() {
        return false;
    }
    let shared = a.intersection(&b).count();
    shared as f32 / (a.len() + b.len() - shared) as f32 >= 0.8
}

/// How sure the answer is, in [0, 1] (a starting point; the evaluation set calibrates it):
/// with vectors, mostly how close the passage is in meaning (MiniLM puts unrelated text at
/// about 0.1–0.25 and a paraphrase of the same question at 0.6 and more), plus how much of the
/// question's words it holds; by keywords alone, the share of the question's words it holds,
/// a one-word question counting less.
pub fn confidence(coverage: f32, cosine: Option<f32>, question_words: usize) -> f32 {
    let lexical = coverage * if question_words <= 1 { 0.85 } else { 1.0 };
    let value = match cosine {
        Some(c) => 0.6 * ((c - 0.25) / 0.45).clamp(0.0, 1.0) + 0.4 * lexical,
        None => lexical,
    };
    value.clamp(0.0, 1.0)
}

/// How a passage is cited: "Title › Heading, page 3" and its URL.
fn source(p: &Passage) -> AnswerSource {
    AnswerSource {
        source_id: p.source_id,
        title: cited_title(p),
        url: p.url.clone(),
        snippet: p.content.chars().take(240).collect(),
    }
}

/// A passage's place as an answer cites it: "Title › Heading, page 3".
pub fn cited_title(p: &Passage) -> String {
    let mut title = if p.heading_path.is_empty() || p.heading_path == p.title {
        p.title.clone()
    } else if p.heading_path.starts_with(&p.title) {
        p.heading_path.clone()
    } else {
        format!("{}{}{}", p.title, crate::knowledge::chunking::PATH_SEPARATOR, p.heading_path)
    };
    if let Some(page) = p.page {
        title.push_str(&format!(", page {page}"));
    }
    title
}

/// What the bot says around its answers, in its voice.
struct Voice {
    greeting: &'static str,
    thanks: &'static str,
    goodbye: &'static str,
    caveat: &'static str,
    suggest_person: &'static str,
    handing_over: &'static str,
    /// Too many questions at once (the answers' queue is full).
    busy: &'static str,
}

fn voice(personality: Personality) -> Voice {
    match personality {
        Personality::Professional => Voice {
            greeting: "Hello! How can I help you today?",
            thanks: "You're welcome. Is there anything else I can help with?",
            goodbye: "Goodbye, and thank you for getting in touch.",
            caveat: "This may not answer your question exactly, but here is what I found:",
            suggest_person: "If this does not answer your question, a member of our team can help: press “Talk to a person”.",
            handing_over: "I'm passing your conversation to a member of our team. They will reply here as soon as they can.",
            busy: "We are answering a great many questions right now. A member of our team will see your message and reply here.",
        },
        Personality::Friendly => Voice {
            greeting: "Hi there! What can I help you with?",
            thanks: "You're very welcome! Anything else I can do for you?",
            goodbye: "Bye for now, and have a lovely day!",
            caveat: "I think this is what you're looking for:",
            suggest_person: "If that's not quite it, someone from our team is happy to help: just press “Talk to a person”.",
            handing_over: "Let me get someone from our team for you. They'll reply right here as soon as they can.",
            busy: "So many people are asking right now! Someone from our team will see your message and reply right here.",
        },
        Personality::Casual => Voice {
            greeting: "Hey! What's up?",
            thanks: "Anytime! Anything else?",
            goodbye: "See you!",
            caveat: "Not 100% sure, but this might help:",
            suggest_person: "Not it? Hit “Talk to a person” and someone from the team will jump in.",
            handing_over: "Getting a human for you. They'll reply right here.",
            busy: "Super busy right now! Someone from the team will see this and reply here.",
        },
    }
}

/// The answer engine's routes ("test your bot", the gaps report).
pub fn install(w: &mut crate::wiring::Wiring, answers: &Answerer) {
    let h = w.handles();
    w.routes(routes::router(routes::AnswerRoutes { answers: answers.clone(), auth: h.auth.clone() }));
}

#[cfg(test)]
mod tests {
    use super::*;

    fn said(kind: SenderKind, outcome: Option<AnswerOutcome>) -> MessageView {
        MessageView {
            id: app::dto::MessageId(uuid::Uuid::now_v7()),
            conversation_id: ConversationId(uuid::Uuid::nil()),
            seq: 0,
            sender: app::dto::Sender { kind, name: "x".into() },
            content: String::new(),
            created_at: String::new(),
            client_msg_id: None,
            helpful: None,
            verdict: None,
            insight: None,
            answer: outcome.map(|outcome| {
                Box::new(AnswerInfo {
                    confidence: 0.0,
                    outcome,
                    sources: Vec::new(),
                    handover_reason: None,
                    model: BUILT_IN.into(),
                    retrieval_ms: 0,
                    generation_ms: 0,
                    tokens_in: 0,
                    tokens_out: 0,
                    cost_micros: None,
                    fallback_reason: None,
                    formatted: Vec::new(),
                })
            }),
        }
    }

    #[test]
    fn unhelpful_answers_are_counted_back_to_the_last_helpful_one_or_person() {
        use AnswerOutcome::*;
        use SenderKind::{Agent, Bot, Visitor};
        let declined = || said(Bot, Some(Declined));
        let asked = || said(Visitor, None);
        let count = |earlier: &[MessageView]| unhelpful_before(earlier, "something new").count;
        assert_eq!(count(&[]), 0);
        assert_eq!(count(&[said(Bot, None), asked(), declined(), asked()]), 1);
        assert_eq!(count(&[asked(), declined(), asked(), declined(), asked()]), 2);
        assert_eq!(count(&[declined(), asked(), said(Bot, Some(Answered)), asked()]), 0);
        // An agent answered after the bot's "don't know" and gave the conversation back.
        assert_eq!(count(&[asked(), declined(), asked(), said(Agent, None), asked()]), 0);
        // A thumbs down makes an answer unhelpful too.
        let mut disliked = said(Bot, Some(Answered));
        disliked.helpful = Some(false);
        let found = unhelpful_before(&[asked(), declined(), asked(), disliked, asked()], "something new");
        assert_eq!((found.count, found.all_declined), (2, false));
        // Asking the same again says the answer did not help.
        let mut question = said(Visitor, None);
        question.content = "How long does shipping to Norway take?".into();
        let again =
            unhelpful_before(&[question, said(Bot, Some(Answered))], "how long does shipping to norway take");
        assert!(again.repeated);
        assert_eq!(again.count, 1);
        assert!(!same_question("How long does shipping take?", "How much does shipping cost?"));
    }

    #[test]
    fn only_a_follow_up_is_read_with_the_question_before_it() {
        let mut before = said(SenderKind::Visitor, None);
        before.content = "How long does shipping take?".into();
        let earlier = [before, said(SenderKind::Bot, Some(AnswerOutcome::Answered))];
        assert_eq!(folded("And to Austria?", &earlier), "How long does shipping take? And to Austria?");
        assert_eq!(
            folded("What about express delivery?", &earlier),
            "How long does shipping take? What about express delivery?"
        );
        assert_eq!(folded("How do I reset my password?", &earlier), "How do I reset my password?");
        assert_eq!(folded("Can I return an item?", &earlier), "Can I return an item?");
        assert_eq!(folded("Austria?", &[]), "Austria?");
    }

    #[test]
    fn confidence_rises_with_meaning_and_words_and_stays_in_bounds() {
        assert_eq!(confidence(0.0, None, 3), 0.0);
        assert_eq!(confidence(1.0, None, 3), 1.0);
        assert!(confidence(1.0, None, 1) < SUGGEST + 0.4);
        assert!(confidence(1.0, Some(0.9), 3) > ANSWER);
        assert!(confidence(0.0, Some(0.1), 3) < SUGGEST);
        assert!(confidence(0.5, Some(0.5), 2) < confidence(0.5, Some(0.7), 2));
        assert!((0.0..=1.0).contains(&confidence(2.0, Some(3.0), 2)));
    }
}
