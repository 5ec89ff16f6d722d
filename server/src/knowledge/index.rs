//! The knowledge index (tantivy, on disk under `<data>/index/knowledge-v2`): one document per
//! passage, with its organization, bot and source as exact terms and its source title,
//! heading path, FAQ question and text stemmed in its bot's language ([`LANGUAGES`]) for BM25. One writer task
//! (`search::writer`); every query is `AND`ed with the organization and the bot, so a bot only
//! ever finds its own organization's, its own knowledge. Derived data: rebuilt from
//! `knowledge_chunks` when it does not match them.

use std::{collections::HashMap, path::Path};

use anyhow::Context;
use app::{
    dto::{BotId, OrganizationId},
    ids::SourceId,
    knowledge::{KnowledgeHit, SourceKind},
};
use tantivy::{
    Index, IndexReader, IndexWriter, ReloadPolicy, TantivyDocument, Term,
    collector::TopDocs,
    directory::MmapDirectory,
    doc,
    query::{BooleanQuery, Occur, QueryParser, TermQuery},
    schema::{
        Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TextFieldIndexing, TextOptions, Value,
    },
    snippet::SnippetGenerator,
    tokenizer::{LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, TextAnalyzer},
};
use tokio::sync::{mpsc, oneshot};

use super::vectors::{NewVector, Vectors};
use crate::{error::Result, search::writer};

const WRITER_HEAP_BYTES: usize = 30_000_000;

/// The languages passages are stemmed in (a bot's `language` setting; English otherwise),
/// with tantivy's stemmer for each.
pub const LANGUAGES: [(&str, tantivy::tokenizer::Language); 6] = [
    ("en", tantivy::tokenizer::Language::English),
    ("de", tantivy::tokenizer::Language::German),
    ("es", tantivy::tokenizer::Language::Spanish),
    ("fr", tantivy::tokenizer::Language::French),
    ("pt", tantivy::tokenizer::Language::Portuguese),
    ("nl", tantivy::tokenizer::Language::Dutch),
];

/// The position of `code` in [`LANGUAGES`] (English for anything else).
pub fn language_index(code: Option<&str>) -> usize {
    code.and_then(|c| LANGUAGES.iter().position(|(l, _)| *l == c)).unwrap_or(0)
}

/// The searchable (stemmed, not stored) fields of one language.
#[derive(Clone, Copy)]
struct Stemmed {
    title: Field,
    heading: Field,
    question: Field,
    content: Field,
}

#[derive(Clone, Copy)]
pub struct Fields {
    chunk_id: Field,
    source_id: Field,
    organization_id: Field,
    bot_id: Field,
    kind: Field,
    language: Field,
    /// What is shown and cited (stored, not searched).
    title: Field,
    heading: Field,
    content: Field,
    page: Field,
    url: Field,
    ordinal: Field,
    stemmed: [Stemmed; 6],
}

/// A passage to index, with what it cites.
#[derive(Debug, Clone)]
pub struct IndexedPassage {
    pub chunk_id: uuid::Uuid,
    pub organization_id: OrganizationId,
    pub bot_id: BotId,
    pub source_id: SourceId,
    pub kind: SourceKind,
    /// Its place in its source (0 first): a passage is read with the ones beside it.
    pub ordinal: u32,
    pub title: String,
    pub heading_path: String,
    /// An FAQ's question (weighted above the rest).
    pub question: Option<String>,
    pub content: String,
    pub page: Option<u32>,
    pub url: Option<String>,
    /// Its embedding, when an embedder made one.
    pub vector: Option<Vec<f32>>,
    /// Its bot's language ([`language_index`]): the stemmer its words go through.
    pub language: usize,
}

impl IndexedPassage {
    /// What the embedder reads for this passage: where it sits, then what it says.
    pub fn embedding_text(&self) -> String {
        embedding_text(&self.title, &self.heading_path, self.question.as_deref(), &self.content)
    }

    fn new_vector(&mut self) -> Option<NewVector> {
        self.vector.take().map(|vector| NewVector {
            chunk: self.chunk_id,
            organization: self.organization_id,
            bot: self.bot_id,
            source: self.source_id,
            vector,
        })
    }
}

/// The text embedded for a passage: its title and heading path (or FAQ question), a line
/// break, its text. The title is left out when the heading path already starts with it.
pub fn embedding_text(title: &str, heading_path: &str, question: Option<&str>, content: &str) -> String {
    let mut lead = String::new();
    if let Some(q) = question.filter(|q| !q.is_empty()) {
        lead.push_str(q);
    } else {
        if !title.is_empty() && !heading_path.starts_with(title) {
            lead.push_str(title);
        }
        if !heading_path.is_empty() {
            if !lead.is_empty() {
                lead.push_str(super::chunking::PATH_SEPARATOR);
            }
            lead.push_str(heading_path);
        }
    }
    if lead.is_empty() { content.to_owned() } else { format!("{lead}\n{content}") }
}

pub enum Op {
    /// Replace every passage of a source with these.
    Replace(SourceId, Vec<IndexedPassage>),
    DeleteSource(SourceId),
    /// Take these passages out and put those in (one page of a website).
    Swap(Vec<uuid::Uuid>, Vec<IndexedPassage>),
    Clear,
    Flush(oneshot::Sender<()>),
}

impl writer::WriteOp for Op {
    type Fields = Fields;

    fn apply(self, w: &mut IndexWriter, f: Fields) -> Option<oneshot::Sender<()>> {
        match self {
            Op::Replace(source, passages) => {
                w.delete_term(Term::from_field_text(f.source_id, &source.to_string()));
                add(w, f, passages);
                None
            }
            Op::Swap(remove, passages) => {
                for id in remove {
                    w.delete_term(Term::from_field_text(f.chunk_id, &id.to_string()));
                }
                add(w, f, passages);
                None
            }
            Op::DeleteSource(source) => {
                w.delete_term(Term::from_field_text(f.source_id, &source.to_string()));
                None
            }
            Op::Clear => {
                if let Err(err) = w.delete_all_documents() {
                    tracing::error!(error = %err, "clearing the knowledge index failed");
                }
                None
            }
            Op::Flush(done) => Some(done),
        }
    }

    fn is_flush(&self) -> bool {
        matches!(self, Op::Flush(_))
    }
}

fn add(w: &mut IndexWriter, f: Fields, passages: Vec<IndexedPassage>) {
    for p in passages {
        let (code, _) = LANGUAGES[p.language.min(LANGUAGES.len() - 1)];
        let stemmed = f.stemmed[p.language.min(LANGUAGES.len() - 1)];
        let mut d = doc!(
            f.chunk_id => p.chunk_id.to_string(),
            f.source_id => p.source_id.to_string(),
            f.organization_id => p.organization_id.to_string(),
            f.bot_id => p.bot_id.to_string(),
            f.kind => p.kind.as_str(),
            f.ordinal => u64::from(p.ordinal),
            f.language => code,
            stemmed.title => p.title.clone(),
            stemmed.heading => p.heading_path.clone(),
            stemmed.content => p.content.clone(),
            f.title => p.title,
            f.heading => p.heading_path,
            f.content => p.content,
        );
        if let Some(q) = p.question {
            d.add_text(stemmed.question, q);
        }
        if let Some(page) = p.page {
            d.add_u64(f.page, u64::from(page));
        }
        if let Some(url) = p.url {
            d.add_text(f.url, url);
        }
        if let Err(err) = w.add_document(d) {
            tracing::error!(error = %err, "indexing a passage failed");
        }
    }
}

#[derive(Clone)]
pub struct KnowledgeIndex {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    ops: mpsc::Sender<Op>,
    vectors: Vectors,
}

impl KnowledgeIndex {
    /// Opens (or creates) the index under `dir` and starts its writer task.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        // v2: a set of stemmed fields per language; v3: each passage's place in its source. The
        // index is derived data: an older one is removed and rebuilt from the database at
        // startup.
        for old in ["knowledge", "knowledge-v2"] {
            let old = dir.join(old);
            if old.exists() {
                let _ = std::fs::remove_dir_all(&old);
            }
        }
        let dir = dir.join("knowledge-v3");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut b = Schema::builder();
        let stemmed: Vec<Stemmed> = LANGUAGES
            .iter()
            .map(|(code, _)| {
                let options = TextOptions::default().set_indexing_options(
                    TextFieldIndexing::default()
                        .set_tokenizer(&format!("stem_{code}"))
                        .set_index_option(IndexRecordOption::WithFreqsAndPositions),
                );
                Stemmed {
                    title: b.add_text_field(&format!("title_{code}"), options.clone()),
                    heading: b.add_text_field(&format!("heading_{code}"), options.clone()),
                    question: b.add_text_field(&format!("question_{code}"), options.clone()),
                    content: b.add_text_field(&format!("content_{code}"), options),
                }
            })
            .collect();
        let stemmed: [Stemmed; 6] =
            stemmed.try_into().map_err(|_| anyhow::anyhow!("one set of fields per language"))?;
        let fields = Fields {
            chunk_id: b.add_text_field("chunk_id", STRING | STORED),
            source_id: b.add_text_field("source_id", STRING | STORED),
            organization_id: b.add_text_field("organization_id", STRING),
            bot_id: b.add_text_field("bot_id", STRING),
            kind: b.add_text_field("kind", STRING | STORED),
            language: b.add_text_field("language", STRING | STORED),
            title: b.add_text_field("title", STORED),
            heading: b.add_text_field("heading", STORED),
            content: b.add_text_field("content", STORED),
            page: b.add_u64_field("page", INDEXED | STORED),
            url: b.add_text_field("url", STRING | STORED),
            ordinal: b.add_u64_field("ordinal", INDEXED | STORED),
            stemmed,
        };
        let directory = MmapDirectory::open(&dir).with_context(|| format!("opening {}", dir.display()))?;
        let index = Index::open_or_create(directory, b.build()).context("opening the knowledge index")?;
        for (code, language) in LANGUAGES {
            let analyzer = TextAnalyzer::builder(SimpleTokenizer::default())
                .filter(RemoveLongFilter::limit(40))
                .filter(LowerCaser)
                .filter(Stemmer::new(language))
                .build();
            index.tokenizers().register(&format!("stem_{code}"), analyzer);
        }
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("opening the knowledge index reader")?;
        let w: IndexWriter = index
            .writer_with_num_threads(1, WRITER_HEAP_BYTES)
            .context("taking the knowledge index writer")?;
        let (ops, rx) = mpsc::channel(1_024);
        writer::spawn("knowledge", w, reader.clone(), fields, rx);
        Ok(Self { index, reader, fields, ops, vectors: Vectors::default() })
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    async fn send(&self, op: Op) {
        if self.ops.send(op).await.is_err() {
            tracing::error!("the knowledge index writer has stopped");
        }
    }

    /// The stemmer a bot's passages are indexed with (`None`: it has none).
    pub fn language_of(&self, bot: BotId) -> Result<Option<usize>> {
        let searcher = self.reader.searcher();
        let query = TermQuery::new(
            Term::from_field_text(self.fields.bot_id, &bot.to_string()),
            IndexRecordOption::Basic,
        );
        let Some((_, address)) =
            searcher.search(&query, &TopDocs::with_limit(1).order_by_score())?.first().copied()
        else {
            return Ok(None);
        };
        let doc: TantivyDocument = searcher.doc(address)?;
        Ok(Some(language_index(doc.get_first(self.fields.language).and_then(|v| v.as_str()))))
    }

    /// The vectors kept beside the index.
    pub fn vectors(&self) -> &Vectors {
        &self.vectors
    }

    pub async fn replace_source(&self, source: SourceId, mut passages: Vec<IndexedPassage>) {
        let vectors = passages.iter_mut().filter_map(IndexedPassage::new_vector).collect();
        self.vectors.replace_source(source, vectors);
        self.send(Op::Replace(source, passages)).await;
    }

    pub async fn swap(&self, remove: Vec<uuid::Uuid>, mut add: Vec<IndexedPassage>) {
        if !remove.is_empty() || !add.is_empty() {
            let vectors = add.iter_mut().filter_map(IndexedPassage::new_vector).collect();
            self.vectors.swap(&remove, vectors);
            self.send(Op::Swap(remove, add)).await;
        }
    }

    pub async fn delete_source(&self, source: SourceId) {
        self.vectors.delete_source(source);
        self.send(Op::DeleteSource(source)).await;
    }

    pub async fn clear(&self) {
        self.vectors.clear();
        self.send(Op::Clear).await;
    }

    /// Waits until everything queued so far is committed and searchable.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.ops.send(Op::Flush(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }

    /// The bot's passages for `query`, best first, each with a snippet (highlighted where
    /// its words match). See [`Self::retrieve`] for how they are found and ranked.
    pub fn search(
        &self,
        organization: OrganizationId,
        bot: BotId,
        language: usize,
        query: &str,
        query_vector: Option<&[f32]>,
        limit: usize,
    ) -> Result<Vec<KnowledgeHit>> {
        let Some(found) = self.find(organization, bot, language, query, query_vector, limit)? else {
            return Ok(Vec::new());
        };
        let mut snippets = SnippetGenerator::create(&found.searcher, &*found.query, found.content_field)?;
        snippets.set_max_num_chars(240);
        let mut hits = Vec::with_capacity(found.ranked.len());
        for ranked in &found.ranked {
            let Some(p) = self.passage(&found.searcher, ranked)? else { continue };
            let snippet = snippets.snippet(&p.content);
            let (snippet, highlights) = if snippet.fragment().is_empty() {
                (p.content.chars().take(240).collect(), Vec::new())
            } else {
                crate::search::widen(
                    &p.content,
                    snippet.fragment(),
                    snippet.highlighted().iter().map(|r| (r.start, r.end)).collect(),
                )
            };
            hits.push(KnowledgeHit {
                source_id: p.source_id,
                source_title: p.title,
                kind: p.kind,
                heading_path: p.heading_path,
                page: p.page,
                url: p.url,
                snippet,
                highlights,
                score: p.score,
            });
        }
        Ok(hits)
    }

    /// The bot's passages for `query`, best first, whole, with how each was found (what the
    /// answer engine reads). BM25 reads the query leniently (any word may match, more matches
    /// rank higher); with the query's vector, passages close in meaning join in and the two
    /// are fused — BM25 scaled to the best keyword match, weighted [`KEYWORD_WEIGHT`] (0.15),
    /// plus the cosine, weighted 0.85 (tuned on the evaluation set; `../shared/AI-MODELS.md`
    /// started from 0.3).
    pub fn retrieve(
        &self,
        organization: OrganizationId,
        bot: BotId,
        language: usize,
        query: &str,
        query_vector: Option<&[f32]>,
        limit: usize,
    ) -> Result<Vec<Passage>> {
        let Some(found) = self.find(organization, bot, language, query, query_vector, limit)? else {
            return Ok(Vec::new());
        };
        let mut passages = Vec::with_capacity(found.ranked.len());
        for ranked in &found.ranked {
            passages.extend(self.passage(&found.searcher, ranked)?);
        }
        self.with_neighbours(&found.searcher, organization, bot, passages)
    }

    /// Each passage of a document or website read with the passages beside it in the same
    /// section (the answer often sits one passage on from the one that matched the question:
    /// "write output to a log file" finds the Commentary's opening, `--log-file` is in the
    /// next). A passage already read within a better one's window is left out, so the first
    /// few are different places in the knowledge. FAQs are read as they are.
    fn with_neighbours(
        &self,
        searcher: &tantivy::Searcher,
        organization: OrganizationId,
        bot: BotId,
        passages: Vec<Passage>,
    ) -> Result<Vec<Passage>> {
        let f = self.fields;
        let widened = |p: &Passage| p.kind != SourceKind::Faq;
        // (source, page address — empty for a document —, place): a website's pages each count
        // from 0, so a place is only a place within its page.
        type Place = (SourceId, String, u32);
        let place_of = |p: &Passage, ordinal: u32| (p.source_id, p.url.clone().unwrap_or_default(), ordinal);
        let wanted: Vec<Place> = passages
            .iter()
            .filter(|p| widened(p))
            .flat_map(|p| {
                let before = p.ordinal.checked_sub(1).map(|o| place_of(p, o));
                std::iter::once(place_of(p, p.ordinal + 1)).chain(before)
            })
            .collect();
        // place → (chunk, section, text).
        let mut beside: HashMap<Place, (uuid::Uuid, String, String)> = HashMap::new();
        if !wanted.is_empty() {
            let any_of: Vec<(Occur, Box<dyn tantivy::query::Query>)> = wanted
                .iter()
                .map(|(source, url, ordinal)| {
                    let place = Term::from_field_u64(f.ordinal, u64::from(*ordinal));
                    let mut clauses = vec![
                        (Occur::Must, term(f.source_id, source.to_string())),
                        (
                            Occur::Must,
                            Box::new(TermQuery::new(place, IndexRecordOption::Basic))
                                as Box<dyn tantivy::query::Query>,
                        ),
                    ];
                    if !url.is_empty() {
                        clauses.push((Occur::Must, term(f.url, url.clone())));
                    }
                    (Occur::Should, Box::new(BooleanQuery::new(clauses)) as Box<dyn tantivy::query::Query>)
                })
                .collect();
            let mut scoped = within_bot(f, organization, bot);
            scoped.push((Occur::Must, Box::new(BooleanQuery::new(any_of))));
            let scoped = BooleanQuery::new(scoped);
            for (_, address) in
                searcher.search(&scoped, &TopDocs::with_limit(wanted.len()).order_by_score())?
            {
                let doc: TantivyDocument = searcher.doc(address)?;
                let text = |field: Field| {
                    doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned()
                };
                let (Ok(source), Ok(chunk), Some(ordinal)) = (
                    text(f.source_id).parse::<SourceId>(),
                    text(f.chunk_id).parse::<uuid::Uuid>(),
                    doc.get_first(f.ordinal).and_then(|v| v.as_u64()).and_then(|o| u32::try_from(o).ok()),
                ) else {
                    continue;
                };
                beside.insert((source, text(f.url), ordinal), (chunk, text(f.heading), text(f.content)));
            }
        }
        // Each place read once; the passages of one section found more than once are read
        // together (in the document's order) under the best of them.
        let mut read: std::collections::HashSet<uuid::Uuid> = std::collections::HashSet::new();
        let mut out: Vec<(Passage, std::collections::BTreeMap<u32, String>)> =
            Vec::with_capacity(passages.len());
        for p in passages {
            if !widened(&p) {
                out.push((p, std::collections::BTreeMap::new()));
                continue;
            }
            if !read.insert(p.chunk_id) {
                continue;
            }
            let (source, url, section, at) =
                (p.source_id, p.url.clone().unwrap_or_default(), p.heading_path.clone(), p.ordinal);
            let mut neighbour = |ordinal: u32| -> Option<(u32, String)> {
                let (chunk, heading, content) = beside.get(&(source, url.clone(), ordinal))?;
                (*heading == section && read.insert(*chunk)).then(|| (ordinal, content.clone()))
            };
            let mut parts: Vec<(u32, String)> = Vec::with_capacity(3);
            parts.extend(at.checked_sub(1).and_then(&mut neighbour));
            parts.extend(neighbour(at + 1));
            let same_section = out.iter_mut().find(|(q, window)| {
                widened(q)
                    && q.source_id == source
                    && q.url.as_deref().unwrap_or_default() == url
                    && q.heading_path == section
                    // Itself and its neighbours still fit the window beside the passage.
                    && window.len() + 1 + parts.len() < SECTION_PARTS
            });
            match same_section {
                Some((_, window)) => {
                    window.insert(at, p.content);
                    window.extend(parts);
                }
                None => out.push((p, parts.into_iter().collect())),
            }
        }
        let out = out
            .into_iter()
            .map(|(mut p, parts)| {
                let join = |texts: Vec<String>| Some(texts.join("\n\n")).filter(|t| !t.is_empty());
                let (before, after): (Vec<_>, Vec<_>) = parts.into_iter().partition(|(o, _)| *o < p.ordinal);
                p.context_before = join(before.into_iter().map(|(_, t)| t).collect());
                p.context_after = join(after.into_iter().map(|(_, t)| t).collect());
                p
            })
            .collect();
        Ok(out)
    }

    fn passage(&self, searcher: &tantivy::Searcher, ranked: &Ranked) -> Result<Option<Passage>> {
        let f = self.fields;
        let doc: TantivyDocument = searcher.doc(ranked.address)?;
        let text =
            |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
        let (Ok(chunk_id), Ok(source_id), Ok(kind)) = (
            text(f.chunk_id).parse::<uuid::Uuid>(),
            text(f.source_id).parse::<SourceId>(),
            text(f.kind).parse::<SourceKind>(),
        ) else {
            return Ok(None);
        };
        Ok(Some(Passage {
            chunk_id,
            source_id,
            kind,
            title: text(f.title),
            heading_path: text(f.heading),
            page: doc.get_first(f.page).and_then(|v| v.as_u64()).and_then(|p| u32::try_from(p).ok()),
            url: Some(text(f.url)).filter(|u| !u.is_empty()),
            ordinal: doc
                .get_first(f.ordinal)
                .and_then(|v| v.as_u64())
                .and_then(|o| u32::try_from(o).ok())
                .unwrap_or(0),
            content: text(f.content),
            context_before: None,
            context_after: None,
            score: ranked.score,
            keyword: ranked.keyword,
            bm25: ranked.bm25,
            cosine: ranked.cosine,
        }))
    }

    fn find(
        &self,
        organization: OrganizationId,
        bot: BotId,
        language: usize,
        query: &str,
        query_vector: Option<&[f32]>,
        limit: usize,
    ) -> Result<Option<Found>> {
        let query = query.trim();
        if query.is_empty() {
            return Ok(None);
        }
        let f = self.fields;
        let searcher = self.reader.searcher();
        let lang = f.stemmed[language.min(LANGUAGES.len() - 1)];
        let mut parser =
            QueryParser::for_index(&self.index, vec![lang.content, lang.heading, lang.title, lang.question]);
        parser.set_field_boost(lang.question, 2.5);
        parser.set_field_boost(lang.heading, 1.5);
        parser.set_field_boost(lang.title, 1.2);
        let (user_query, _ignored) = parser.parse_query_lenient(&plain_words(query));
        let scope = || within_bot(f, organization, bot);
        let mut scoped = scope();
        scoped.push((Occur::Must, user_query.box_clone()));
        let wide = if query_vector.is_some() { limit.max(10) * 3 } else { limit };
        let keyword =
            searcher.search(&BooleanQuery::new(scoped), &TopDocs::with_limit(wide).order_by_score())?;
        let chunk_of = |address: tantivy::DocAddress| -> Option<uuid::Uuid> {
            let doc: TantivyDocument = searcher.doc(address).ok()?;
            doc.get_first(f.chunk_id).and_then(|v| v.as_str()).and_then(|s| s.parse().ok())
        };
        let best = keyword.first().map_or(1.0, |(s, _)| s.max(f32::EPSILON));
        let mut ranked: Vec<Ranked> = match query_vector {
            None => keyword
                .into_iter()
                .map(|(bm25, address)| Ranked {
                    address,
                    score: bm25,
                    keyword: bm25 / best,
                    bm25,
                    cosine: None,
                })
                .collect(),
            Some(qv) => {
                let keyed: Vec<(tantivy::DocAddress, f32, Option<uuid::Uuid>)> =
                    keyword.iter().map(|(s, a)| (*a, *s, chunk_of(*a))).collect();
                let ids: Vec<uuid::Uuid> = keyed.iter().filter_map(|(_, _, c)| *c).collect();
                let cosines = self.vectors.similarity(organization, bot, qv, &ids);
                let mut fused: Vec<Ranked> = keyed
                    .iter()
                    .map(|(address, bm25, c)| {
                        let cosine = c.and_then(|c| cosines.get(&c).copied());
                        let keyword = bm25 / best;
                        // Without a vector (not embedded yet) a passage keeps only its BM25 share.
                        let score = KEYWORD_WEIGHT * keyword + (1.0 - KEYWORD_WEIGHT) * cosine.unwrap_or(0.0);
                        Ranked { address: *address, score, keyword, bm25: *bm25, cosine }
                    })
                    .collect();
                let by_meaning: HashMap<uuid::Uuid, f32> = self
                    .vectors
                    .nearest(organization, bot, qv, wide, MEANING_FLOOR)
                    .into_iter()
                    .filter(|(chunk, _)| !ids.contains(chunk))
                    .collect();
                if !by_meaning.is_empty() {
                    // The passages found by meaning alone, in one lookup, within the bot.
                    let any_of: Vec<(Occur, Box<dyn tantivy::query::Query>)> = by_meaning
                        .keys()
                        .map(|chunk| (Occur::Should, term(f.chunk_id, chunk.to_string())))
                        .collect();
                    let mut scoped = scope();
                    scoped.push((Occur::Must, Box::new(BooleanQuery::new(any_of))));
                    let found = searcher.search(
                        &BooleanQuery::new(scoped),
                        &TopDocs::with_limit(by_meaning.len()).order_by_score(),
                    )?;
                    for (_, address) in found {
                        if let Some(cos) = chunk_of(address).and_then(|c| by_meaning.get(&c)) {
                            fused.push(Ranked {
                                address,
                                score: (1.0 - KEYWORD_WEIGHT) * cos,
                                keyword: 0.0,
                                bm25: 0.0,
                                cosine: Some(*cos),
                            });
                        }
                    }
                }
                fused.sort_by(|a, b| b.score.total_cmp(&a.score));
                fused
            }
        };
        ranked.truncate(limit);
        Ok(Some(Found { searcher, query: user_query, content_field: lang.content, ranked }))
    }

    /// The stems of `text`'s words in `language`, as the index reads them.
    pub fn stems(&self, language: usize, text: &str) -> Vec<String> {
        let code = LANGUAGES[language.min(LANGUAGES.len() - 1)].0;
        let Some(mut analyzer) = self.index.tokenizers().get(&format!("stem_{code}")) else {
            return Vec::new();
        };
        let mut stream = analyzer.token_stream(text);
        let mut out = Vec::new();
        while stream.advance() {
            out.push(stream.token().text.clone());
        }
        out
    }
}

/// A passage of a bot's knowledge found for a query.
#[derive(Debug, Clone)]
pub struct Passage {
    pub chunk_id: uuid::Uuid,
    pub source_id: SourceId,
    pub kind: SourceKind,
    /// The source's title (an FAQ's question).
    pub title: String,
    pub heading_path: String,
    pub page: Option<u32>,
    pub url: Option<String>,
    /// Its place in its source.
    pub ordinal: u32,
    /// The passage's text (an FAQ's answer).
    pub content: String,
    /// The passages just before and after it in the same section, read with it (documents
    /// and websites; see [`KnowledgeIndex::retrieve`]).
    pub context_before: Option<String>,
    pub context_after: Option<String>,
    /// The fused score it was ranked by.
    pub score: f32,
    /// Its BM25 score over the best one's (0 when found by meaning alone).
    pub keyword: f32,
    /// Its BM25 score.
    pub bm25: f32,
    /// Its cosine to the query, with a query vector and its own.
    pub cosine: Option<f32>,
}

impl Passage {
    /// What is read of it: the passage with the ones beside it, in order.
    pub fn read_text(&self) -> String {
        [self.context_before.as_deref(), Some(self.content.as_str()), self.context_after.as_deref()]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("\n\n")
    }
}

struct Ranked {
    address: tantivy::DocAddress,
    score: f32,
    keyword: f32,
    bm25: f32,
    cosine: Option<f32>,
}

struct Found {
    searcher: tantivy::Searcher,
    query: Box<dyn tantivy::query::Query>,
    content_field: Field,
    ranked: Vec<Ranked>,
}

/// BM25's share of a fused score (the cosine has the rest). 0.15 was best of 0, 0.07, 0.15,
/// 0.3 and 0.5 on the Valgrind evaluation set (`examples/answer_eval.rs`: hybrid hit@3 70.9,
/// 77.3, 78.2, 67.3, 58.2 %); BENCHMARKS.md "Answer engine evaluation".
const KEYWORD_WEIGHT: f32 = 0.15;

/// A query for documents whose `field` is exactly `value`.
fn term(field: Field, value: String) -> Box<dyn tantivy::query::Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, &value), IndexRecordOption::Basic))
}

/// The clauses every read of a bot's knowledge starts with: its organization and the bot.
fn within_bot(
    f: Fields,
    organization: OrganizationId,
    bot: BotId,
) -> Vec<(Occur, Box<dyn tantivy::query::Query>)> {
    vec![
        (Occur::Must, term(f.organization_id, organization.to_string())),
        (Occur::Must, term(f.bot_id, bot.to_string())),
    ]
}

/// At most this many passages read beside one found passage (its neighbours, and other
/// passages of its section found after it with theirs).
const SECTION_PARTS: usize = 6;
/// A passage found by meaning alone must be at least this close (MiniLM puts unrelated
/// English text at about 0–0.2).
const MEANING_FLOOR: f32 = 0.3;

/// A visitor's question as plain words for the query parser: what it would read as syntax
/// ("-v" excludes, "field:value", "+", quotes, AND / OR) or cut into a phrase
/// ("--leak-check=full") becomes separate, lower-cased words. A question is not a query
/// language, and tantivy 0.27's phrase scorer can seek backwards inside a boolean query
/// (quickwit-oss/tantivy#2811: a debug assertion, so a panic in debug builds).
pub fn plain_words(query: &str) -> String {
    query.chars().map(|c| if c.is_alphanumeric() { c } else { ' ' }).collect::<String>().to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(
        org: OrganizationId,
        bot: BotId,
        source: SourceId,
        ordinal: u32,
        heading: &str,
        content: &str,
    ) -> IndexedPassage {
        IndexedPassage {
            chunk_id: uuid::Uuid::now_v7(),
            organization_id: org,
            bot_id: bot,
            source_id: source,
            kind: SourceKind::Document,
            ordinal,
            title: "manual.html".into(),
            heading_path: heading.into(),
            question: None,
            content: content.into(),
            page: None,
            url: None,
            vector: None,
            language: 0,
        }
    }

    /// An empty index in a temporary directory (kept while the test runs), with an
    /// organization, a bot and a source to fill it for.
    fn fresh_index() -> (tempfile::TempDir, KnowledgeIndex, OrganizationId, BotId, SourceId) {
        let dir = tempfile::tempdir().expect("a temporary directory");
        let index = KnowledgeIndex::open(dir.path()).expect("the index opens");
        let id = || uuid::Uuid::now_v7();
        (dir, index, OrganizationId(id()), BotId(id()), SourceId(id()))
    }

    #[tokio::test]
    async fn a_passage_is_read_with_its_section_around_it_and_its_section_once() {
        let (_dir, index, org, bot, source) = fresh_index();
        let logging = "Core › The Commentary";
        index
            .replace_source(
                source,
                vec![
                    passage(
                        org,
                        bot,
                        source,
                        0,
                        "Core › Getting started",
                        "Compile your program with -g first.",
                    ),
                    passage(org, bot, source, 1, logging, "The commentary goes to the terminal by default."),
                    passage(org, bot, source, 2, logging, "To send it elsewhere use --log-file=filename."),
                    passage(org, bot, source, 3, logging, "A commentary line starts with the process id."),
                    passage(
                        org,
                        bot,
                        source,
                        4,
                        "Core › Suppressions",
                        "Suppression files hide known errors.",
                    ),
                ],
            )
            .await;
        index.flush().await;

        let found = index.retrieve(org, bot, 0, "where does the commentary go", None, 5).expect("retrieves");
        let first = found.first().expect("a passage");
        assert_eq!(first.heading_path, logging);
        assert_eq!(
            first.read_text(),
            "The commentary goes to the terminal by default.\n\nTo send it elsewhere use --log-file=filename.\n\nA commentary line starts with the process id.",
            "the section's passages in order (the neighbour holding --log-file read with it), no other section's"
        );
        assert!(
            found.iter().filter(|p| p.heading_path == logging).count() == 1,
            "the section is one passage, not three: {found:?}"
        );
        assert!(
            index
                .retrieve(OrganizationId(uuid::Uuid::now_v7()), bot, 0, "commentary", None, 5)
                .expect("retrieves")
                .is_empty(),
            "another organization reads none of it"
        );
    }

    #[tokio::test]
    async fn a_website_page_is_read_with_its_own_neighbours_not_another_pages() {
        let (_dir, index, org, bot, site) = fresh_index();
        // Every page counts its passages from 0, under the same heading.
        let page = |url: &str, ordinal: u32, content: &str| {
            let mut p = passage(org, bot, site, ordinal, "Help", content);
            p.kind = SourceKind::Url;
            p.url = Some(url.into());
            p
        };
        let mut passages = Vec::new();
        for n in 0..30 {
            let url = format!("https://help.example/page-{n}");
            passages.push(page(&url, 0, &format!("Page {n} opens here.")));
            passages.push(page(&url, 1, &format!("Page {n} says more.")));
        }
        passages.push(page("https://help.example/otters", 0, "Otters hold hands while they sleep."));
        passages.push(page("https://help.example/otters", 1, "They float on their backs in kelp."));
        index.replace_source(site, passages).await;
        index.flush().await;
        let found = index.retrieve(org, bot, 0, "do otters hold hands", None, 3).expect("retrieves");
        assert_eq!(
            found.first().map(Passage::read_text).as_deref(),
            Some("Otters hold hands while they sleep.\n\nThey float on their backs in kelp."),
            "{found:?}"
        );
    }

    #[test]
    fn a_question_reaches_the_parser_as_words_without_query_syntax() {
        let words = |q: &str| plain_words(q).split_whitespace().map(str::to_owned).collect::<Vec<_>>();
        assert_eq!(
            words("How do I use --leak-check=full?"),
            ["how", "do", "i", "use", "leak", "check", "full"]
        );
        assert_eq!(words("-v OR +x title:\"AND\""), ["v", "or", "x", "title", "and"]);
        assert_eq!(words("Wie lösche ich mein Konto?"), ["wie", "lösche", "ich", "mein", "konto"]);
    }
}
