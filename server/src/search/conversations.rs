//! The conversation index (tantivy, `<data>/index/conversations`): one document per
//! conversation with everything a search reads — what was said (each message a value of
//! `messages`), the internal notes, the customer's name and email, the tags — and what it
//! filters, sorts and counts on as fast fields (organization, status, bot, agent, tags, rating,
//! notes or not, start and last activity). Written by the one writer task (`writer.rs`),
//! batched; a conversation that changed is read again from the database and put whole
//! (`listen`), so the index never holds half a conversation. Every query is filtered by
//! organization. Rebuilt from the database when it is behind (`rebuild_if_behind`, and
//! `chatsupport reindex`).

use std::{collections::HashSet, ops::Bound, path::Path, sync::Arc, time::Instant};

use anyhow::Context;
use app::{
    conversation_search::{
        DateField, SearchAggregations, SearchFilters, SearchRequest, SortField, SortOrder,
    },
    dto::{ConversationId, OrganizationId},
};
use sea_orm::{ColumnTrait, DatabaseConnection, EntityTrait, QueryFilter, QueryOrder, QuerySelect};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, Order, ReloadPolicy, TantivyDocument, Term,
    aggregation::{AggregationCollector, agg_req::Aggregations},
    collector::{Count, TopDocs},
    directory::MmapDirectory,
    query::{AllQuery, BooleanQuery, BoostQuery, Occur, Query, QueryParser, RangeQuery, TermQuery},
    schema::{FAST, Field, INDEXED, IndexRecordOption, STORED, STRING, Schema, TEXT, Value},
    snippet::SnippetGenerator,
};
use tokio::sync::{mpsc, oneshot};
use uuid::Uuid;

use super::writer;
use crate::{
    entities::{conversation, conversation_note, message},
    error::Result,
    events::DomainEvent,
};

const WRITER_HEAP_BYTES: usize = 30_000_000;
/// Conversations read from the database in one go (index rebuilds and batches of changes).
const LOAD_BATCH: usize = 500;

/// One conversation as the index holds it.
#[derive(Debug, Clone, PartialEq)]
pub struct ConversationDoc {
    pub organization_id: Uuid,
    pub id: Uuid,
    pub bot_id: Uuid,
    pub status: String,
    pub agent_id: Option<Uuid>,
    pub tags: Vec<String>,
    pub satisfaction: Option<u8>,
    /// Milliseconds since the epoch (two conversations started in the same second keep
    /// their order).
    pub started_at: i64,
    pub updated_at: i64,
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub messages: Vec<String>,
    pub notes: Vec<String>,
}

#[derive(Clone, Copy)]
pub struct Fields {
    id: Field,
    organization_id: Field,
    bot_id: Field,
    status: Field,
    agent: Field,
    tags: Field,
    tags_text: Field,
    satisfaction: Field,
    has_notes: Field,
    started_at: Field,
    updated_at: Field,
    customer: Field,
    email: Field,
    messages: Field,
    notes: Field,
}

/// A request to the writer task.
pub enum ConversationOp {
    /// Puts the conversation whole, in place of what the index had.
    Put(Box<ConversationDoc>),
    Clear,
    Flush(oneshot::Sender<()>),
}

impl writer::WriteOp for ConversationOp {
    type Fields = Fields;

    fn apply(self, writer: &mut IndexWriter, f: Fields) -> Option<oneshot::Sender<()>> {
        match self {
            ConversationOp::Put(doc) => {
                writer.delete_term(Term::from_field_text(f.id, &doc.id.to_string()));
                if let Err(err) = writer.add_document(document(&doc, f)) {
                    tracing::error!(error = %err, "indexing a conversation failed");
                }
                None
            }
            ConversationOp::Clear => {
                if let Err(err) = writer.delete_all_documents() {
                    tracing::error!(error = %err, "clearing the conversation index failed");
                }
                None
            }
            ConversationOp::Flush(done) => Some(done),
        }
    }

    fn is_flush(&self) -> bool {
        matches!(self, ConversationOp::Flush(_))
    }
}

fn document(c: &ConversationDoc, f: Fields) -> TantivyDocument {
    let mut doc = TantivyDocument::default();
    doc.add_text(f.id, c.id.to_string());
    doc.add_text(f.organization_id, c.organization_id.to_string());
    doc.add_text(f.bot_id, c.bot_id.to_string());
    doc.add_text(f.status, &c.status);
    doc.add_text(f.agent, c.agent_id.map_or_else(|| "unassigned".to_owned(), |a| a.to_string()));
    for tag in &c.tags {
        doc.add_text(f.tags, tag);
        doc.add_text(f.tags_text, tag.replace('-', " "));
    }
    doc.add_u64(f.satisfaction, c.satisfaction.map_or(0, u64::from));
    doc.add_u64(f.has_notes, u64::from(!c.notes.is_empty()));
    doc.add_i64(f.started_at, c.started_at);
    doc.add_i64(f.updated_at, c.updated_at);
    let customer = match &c.customer_email {
        Some(email) => format!("{} {email}", c.customer_name),
        None => c.customer_name.clone(),
    };
    doc.add_text(f.customer, customer);
    if let Some(email) = &c.customer_email {
        doc.add_text(f.email, email.to_lowercase());
    }
    for text in &c.messages {
        doc.add_text(f.messages, text);
    }
    for text in &c.notes {
        doc.add_text(f.notes, text);
    }
    doc
}

/// One conversation found: its id, and the passage that matched with its highlights.
#[derive(Debug, Clone, PartialEq)]
pub struct Found {
    pub id: ConversationId,
    pub snippet: String,
    pub highlights: Vec<(usize, usize)>,
    pub matched_in: &'static str,
}

/// A page of conversations found, the total and the counts.
#[derive(Debug, Clone)]
pub struct FoundPage {
    pub found: Vec<Found>,
    pub total: u64,
    pub aggregations: SearchAggregations,
    pub took_ms: u64,
}

#[derive(Clone)]
pub struct ConversationSearch {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    ops: mpsc::Sender<ConversationOp>,
}

impl ConversationSearch {
    /// Opens (or creates) the index under `dir` and starts its writer task.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        let dir = dir.join("conversations");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut b = Schema::builder();
        let fields = Fields {
            id: b.add_text_field("id", STRING | STORED),
            organization_id: b.add_text_field("organization_id", STRING),
            bot_id: b.add_text_field("bot_id", STRING | FAST),
            status: b.add_text_field("status", STRING | FAST),
            agent: b.add_text_field("agent", STRING | FAST),
            tags: b.add_text_field("tags", STRING | STORED),
            tags_text: b.add_text_field("tags_text", TEXT),
            satisfaction: b.add_u64_field("satisfaction", INDEXED | FAST),
            has_notes: b.add_u64_field("has_notes", INDEXED | FAST),
            started_at: b.add_i64_field("started_at", INDEXED | FAST),
            updated_at: b.add_i64_field("updated_at", INDEXED | FAST),
            customer: b.add_text_field("customer", TEXT | STORED),
            email: b.add_text_field("email", STRING),
            messages: b.add_text_field("messages", TEXT | STORED),
            notes: b.add_text_field("notes", TEXT | STORED),
        };
        let directory = MmapDirectory::open(&dir).with_context(|| format!("opening {}", dir.display()))?;
        let index = Index::open_or_create(directory, b.build()).context("opening the conversation index")?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("opening the conversation index reader")?;
        let writer: IndexWriter =
            index.writer_with_num_threads(1, WRITER_HEAP_BYTES).context("taking the index writer")?;
        let (ops, rx) = mpsc::channel(writer::BATCH_MAX * 2);
        writer::spawn("conversations", writer, reader.clone(), fields, rx);
        Ok(Self { index, reader, fields, ops })
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Queues a conversation to be put whole.
    pub async fn put(&self, doc: ConversationDoc) {
        if self.ops.send(ConversationOp::Put(Box::new(doc))).await.is_err() {
            tracing::error!("the conversation index writer has stopped; a conversation was not indexed");
        }
    }

    pub async fn clear(&self) {
        let _ = self.ops.send(ConversationOp::Clear).await;
    }

    /// Waits until everything queued so far is committed and searchable.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.ops.send(ConversationOp::Flush(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }

    /// The organization's conversations that match `request` (already checked: see
    /// `app::conversation_search`), one page, with the counts over all of them.
    #[tracing::instrument(skip(self, request))]
    pub fn search(&self, organization: OrganizationId, request: &SearchRequest) -> Result<FoundPage> {
        let started = Instant::now();
        let f = self.fields;
        let searcher = self.reader.searcher();
        let words = request.query.trim();
        let mut must: Vec<(Occur, Box<dyn Query>)> =
            vec![(Occur::Must, term(f.organization_id, &organization.to_string()))];
        let exact = if words.is_empty() {
            None
        } else {
            let text_fields = vec![f.messages, f.notes, f.customer, f.tags_text];
            let mut parser = QueryParser::for_index(&self.index, text_fields.clone());
            parser.set_conjunction_by_default();
            let (exact, _) = parser.parse_query_lenient(words);
            // The same words, each forgiving one typo (two from eight letters); an exact match
            // scores higher.
            let mut fuzzy = QueryParser::for_index(&self.index, text_fields.clone());
            fuzzy.set_conjunction_by_default();
            for field in text_fields {
                fuzzy.set_field_fuzzy(field, false, if words.chars().count() >= 8 { 2 } else { 1 }, true);
            }
            let (fuzzy, _) = fuzzy.parse_query_lenient(words);
            let either = BooleanQuery::new(vec![
                (Occur::Should, Box::new(BoostQuery::new(exact.box_clone(), 2.0)) as Box<dyn Query>),
                (Occur::Should, fuzzy),
            ]);
            must.push((Occur::Must, Box::new(either)));
            Some(exact)
        };
        must.extend(filters(f, &request.filters)?);
        let query = if must.len() == 1 && words.is_empty() && request.filters == SearchFilters::default() {
            BooleanQuery::new(vec![must.remove(0), (Occur::Must, Box::new(AllQuery))])
        } else {
            BooleanQuery::new(must)
        };

        let limit = usize::try_from(request.limit).unwrap_or(20).max(1);
        let offset = usize::try_from(request.page.saturating_sub(1) * request.limit).unwrap_or(0);
        let top = TopDocs::with_limit(limit).and_offset(offset);
        let aggs = AggregationCollector::from_aggs(aggregations(), Default::default());
        let by_relevance = request.sort.field == SortField::Relevance && exact.is_some();
        let (total, addresses, counts) = if by_relevance {
            let (total, docs, counts) = searcher.search(&query, &(Count, top.order_by_score(), aggs))?;
            (total, docs.into_iter().map(|(_, a)| a).collect::<Vec<DocAddress>>(), counts)
        } else {
            let field = match request.sort.field {
                SortField::CreatedAt => "started_at",
                SortField::UpdatedAt | SortField::Relevance => "updated_at",
            };
            let order = match request.sort.order {
                SortOrder::Asc => Order::Asc,
                SortOrder::Desc => Order::Desc,
            };
            let (total, docs, counts) =
                searcher.search(&query, &(Count, top.order_by_fast_field::<i64>(field, order), aggs))?;
            (total, docs.into_iter().map(|(_, a)| a).collect(), counts)
        };

        let mut generators = Vec::new();
        if let Some(exact) = &exact {
            for (field, name) in [(f.messages, "message"), (f.notes, "note"), (f.customer, "customer")] {
                generators.push((SnippetGenerator::create(&searcher, &**exact, field)?, field, name));
            }
        }
        let mut found = Vec::with_capacity(addresses.len());
        for address in addresses {
            let doc: TantivyDocument = searcher.doc(address)?;
            let Some(Ok(id)) = doc.get_first(f.id).and_then(|v| v.as_str()).map(str::parse::<ConversationId>)
            else {
                continue;
            };
            let mut hit = Found { id, snippet: String::new(), highlights: Vec::new(), matched_in: "message" };
            for (generator, field, name) in &generators {
                let snippet = generator.snippet_from_doc(&doc);
                if !snippet.fragment().is_empty() && !snippet.highlighted().is_empty() {
                    let whole: Vec<&str> = doc.get_all(*field).filter_map(|v| v.as_str()).collect();
                    let (text, highlights) = super::widen(
                        &whole.join(" "),
                        snippet.fragment(),
                        snippet.highlighted().iter().map(|r| (r.start, r.end)).collect(),
                    );
                    hit = Found { id, snippet: text, highlights, matched_in: name };
                    break;
                }
            }
            if hit.snippet.is_empty() {
                // Matched by a forgiven typo or a tag, or no words: the latest thing said.
                let last = doc.get_all(f.messages).filter_map(|v| v.as_str()).last().unwrap_or_default();
                hit.snippet = last.chars().take(200).collect();
                if exact.is_some() && doc.get_all(f.tags).next().is_some() {
                    hit.matched_in = "tags";
                }
            }
            found.push(hit);
        }
        Ok(FoundPage {
            found,
            total: total as u64,
            aggregations: read_aggregations(counts)?,
            took_ms: started.elapsed().as_millis() as u64,
        })
    }
}

fn term(field: Field, value: &str) -> Box<dyn Query> {
    Box::new(TermQuery::new(Term::from_field_text(field, value), IndexRecordOption::Basic))
}

/// The filters as clauses every match must meet. A date that does not read is a 422 naming it.
fn filters(f: Fields, filters: &SearchFilters) -> Result<Vec<(Occur, Box<dyn Query>)>> {
    let mut out: Vec<(Occur, Box<dyn Query>)> = Vec::new();
    if !filters.status.is_empty() {
        let any = filters.status.iter().map(|s| (Occur::Should, term(f.status, s.as_str()))).collect();
        out.push((Occur::Must, Box::new(BooleanQuery::new(any))));
    }
    if let Some(bot) = filters.chatbot_id {
        out.push((Occur::Must, term(f.bot_id, &bot.to_string())));
    }
    if let Some(agent) = &filters.assigned_agent {
        out.push((Occur::Must, term(f.agent, agent.trim())));
    }
    for tag in &filters.tags {
        out.push((Occur::Must, term(f.tags, tag)));
    }
    if let Some(email) = &filters.customer_email {
        out.push((Occur::Must, term(f.email, &email.trim().to_lowercase())));
    }
    if let Some(notes) = filters.has_internal_notes {
        out.push((
            Occur::Must,
            Box::new(TermQuery::new(
                Term::from_field_u64(f.has_notes, u64::from(notes)),
                IndexRecordOption::Basic,
            )),
        ));
    }
    if let Some(range) = &filters.satisfaction_rating {
        let low = u64::from(range.min.unwrap_or(1).max(1));
        let high = u64::from(range.max.unwrap_or(5).min(5));
        out.push((
            Occur::Must,
            Box::new(RangeQuery::new(
                Bound::Included(Term::from_field_u64(f.satisfaction, low)),
                Bound::Included(Term::from_field_u64(f.satisfaction, high)),
            )),
        ));
    }
    if let Some(range) = &filters.date_range {
        let field = match range.field {
            DateField::CreatedAt => f.started_at,
            DateField::UpdatedAt => f.updated_at,
        };
        let read = |value: &Option<String>, end: bool, name: &str| -> Result<Bound<Term>> {
            match value.as_deref().map(str::trim).filter(|v| !v.is_empty()) {
                None => Ok(Bound::Unbounded),
                Some(v) => instant(v, end)
                    // The index keeps milliseconds; an end takes its whole last second.
                    .map(|t| {
                        Bound::Included(Term::from_field_i64(field, t * 1_000 + if end { 999 } else { 0 }))
                    })
                    .ok_or_else(|| {
                        app::ApiError::validation(
                            name,
                            "Give a date as YYYY-MM-DD or an instant as 2026-12-07T10:00:00Z.",
                        )
                        .into()
                    }),
            }
        };
        let start = read(&range.start, false, "filters.date_range.start")?;
        let end = read(&range.end, true, "filters.date_range.end")?;
        out.push((Occur::Must, Box::new(RangeQuery::new(start, end))));
    }
    Ok(out)
}

/// Seconds since the epoch at the start (`end == false`) or end of what `value` names:
/// RFC 3339, or a `YYYY-MM-DD` day (UTC). `None` when it is neither.
pub fn instant(value: &str, end: bool) -> Option<i64> {
    if let Ok(at) = chrono::DateTime::parse_from_rfc3339(value) {
        return Some(at.timestamp());
    }
    let day = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d").ok()?;
    let time = if end { day.and_hms_opt(23, 59, 59)? } else { day.and_hms_opt(0, 0, 0)? };
    Some(time.and_utc().timestamp())
}

fn aggregations() -> Aggregations {
    let terms = |field: &str| serde_json::json!({ "terms": { "field": field, "size": 100 } });
    serde_json::from_value(serde_json::json!({
        "by_status": terms("status"),
        "by_agent": terms("agent"),
        "by_bot": terms("bot_id"),
        "by_satisfaction": terms("satisfaction"),
    }))
    .unwrap_or_default()
}

fn read_aggregations(
    results: tantivy::aggregation::agg_result::AggregationResults,
) -> Result<SearchAggregations> {
    let json = serde_json::to_value(results).map_err(anyhow::Error::from)?;
    let buckets = |name: &str| -> std::collections::BTreeMap<String, u64> {
        json[name]["buckets"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|b| {
                        let key = match &b["key"] {
                            serde_json::Value::String(s) => s.clone(),
                            serde_json::Value::Number(n) => n.as_f64().map(|v| (v as u64).to_string())?,
                            _ => return None,
                        };
                        Some((key, b["doc_count"].as_u64()?))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut by_satisfaction = buckets("by_satisfaction");
    by_satisfaction.remove("0");
    let (sum, count) = by_satisfaction
        .iter()
        .filter_map(|(k, n)| Some((k.parse::<u64>().ok()? * n, *n)))
        .fold((0u64, 0u64), |(s, c), (x, n)| (s + x, c + n));
    Ok(SearchAggregations {
        by_status: buckets("by_status"),
        by_agent: buckets("by_agent"),
        by_bot: buckets("by_bot"),
        avg_satisfaction: (count > 0).then(|| (sum as f64 / count as f64 * 100.0).round() / 100.0),
        by_satisfaction,
    })
}

/// Reads conversations whole from the database, as the index holds them (in `ids` order;
/// ones that are gone are skipped).
pub async fn load(db: &DatabaseConnection, ids: &[Uuid]) -> Result<Vec<ConversationDoc>> {
    if ids.is_empty() {
        return Ok(Vec::new());
    }
    let rows =
        conversation::Entity::find().filter(conversation::Column::Id.is_in(ids.to_vec())).all(db).await?;
    let said: Vec<(Uuid, String)> = message::Entity::find()
        .select_only()
        .column(message::Column::ConversationId)
        .column(message::Column::Content)
        .filter(message::Column::ConversationId.is_in(ids.to_vec()))
        .order_by_asc(message::Column::ConversationId)
        .order_by_asc(message::Column::Seq)
        .into_tuple()
        .all(db)
        .await?;
    let noted: Vec<(Uuid, String)> = conversation_note::Entity::find()
        .select_only()
        .column(conversation_note::Column::ConversationId)
        .column(conversation_note::Column::Content)
        .filter(conversation_note::Column::ConversationId.is_in(ids.to_vec()))
        .order_by_asc(conversation_note::Column::CreatedAt)
        .into_tuple()
        .all(db)
        .await?;
    let mut docs = Vec::with_capacity(rows.len());
    for row in rows {
        let texts = |all: &[(Uuid, String)]| {
            all.iter().filter(|(c, _)| *c == row.id).map(|(_, t)| t.clone()).collect()
        };
        docs.push(ConversationDoc {
            organization_id: row.organization_id,
            id: row.id,
            bot_id: row.bot_id,
            status: row.status.clone(),
            agent_id: row.assigned_agent_id,
            tags: crate::conversations::tags::read_tags(row.tags.as_deref()),
            satisfaction: row.satisfaction_rating.and_then(|s| u8::try_from(s).ok()),
            started_at: row.started_at.timestamp_millis(),
            updated_at: row.last_activity_at.unwrap_or(row.updated_at).timestamp_millis(),
            customer_name: crate::conversations::names::visitor_label(
                row.visitor_name.as_deref(),
                &row.visitor_id,
            ),
            customer_email: row.visitor_email.clone(),
            messages: texts(&said),
            notes: texts(&noted),
        });
    }
    Ok(docs)
}

/// The conversation an event changed, if any.
fn changed(event: &DomainEvent) -> Option<Uuid> {
    Some(match event {
        DomainEvent::MessageCreated { conversation, .. }
        | DomainEvent::StatusChanged { conversation, .. }
        | DomainEvent::Rated { conversation, .. }
        | DomainEvent::TeamChanged { conversation, .. }
        | DomainEvent::Reassigned { conversation, .. }
        | DomainEvent::Merged { conversation, .. } => conversation.id.0,
        DomainEvent::NoteAdded { note, .. } => note.conversation_id.0,
        DomainEvent::AnswerRated { .. }
        | DomainEvent::MessageUnderstood { .. }
        | DomainEvent::QueueMoved { .. }
        | DomainEvent::BotUpdated { .. }
        | DomainEvent::KnowledgeChanged { .. }
        | DomainEvent::KnowledgeRemoved { .. }
        | DomainEvent::JobProgress { .. } => return None,
    })
}

/// Keeps the conversation index current: the conversations events changed are gathered for a
/// batch window, read again whole and put.
pub async fn listen(
    search: ConversationSearch,
    db: DatabaseConnection,
    mut events: mpsc::Receiver<Arc<DomainEvent>>,
) {
    let mut open = true;
    while open {
        let Some(first) = events.recv().await else { break };
        let mut dirty: HashSet<Uuid> = changed(&first).into_iter().collect();
        let deadline = tokio::time::Instant::now() + writer::BATCH_WINDOW;
        while dirty.len() < LOAD_BATCH {
            match tokio::time::timeout_at(deadline, events.recv()).await {
                Ok(Some(event)) => dirty.extend(changed(&event)),
                Ok(None) => {
                    open = false;
                    break;
                }
                Err(_) => break,
            }
        }
        let ids: Vec<Uuid> = dirty.into_iter().collect();
        match load(&db, &ids).await {
            Ok(docs) => {
                for doc in docs {
                    search.put(doc).await;
                }
            }
            Err(err) => tracing::error!(error = %err, "reading changed conversations for the index failed"),
        }
    }
}

/// Rebuilds the index from the database when it holds another number of conversations than
/// the database (first run, a lost or older index), or always with `force`.
pub async fn rebuild_if_behind(
    search: &ConversationSearch,
    db: &DatabaseConnection,
    force: bool,
) -> Result<u64> {
    use sea_orm::PaginatorTrait;
    let stored = conversation::Entity::find().count(db).await?;
    if !force && search.num_docs() == stored {
        return Ok(stored);
    }
    tracing::info!(stored, indexed = search.num_docs(), "rebuilding the conversation index");
    search.clear().await;
    let mut after: Option<Uuid> = None;
    loop {
        let mut page = conversation::Entity::find()
            .select_only()
            .column(conversation::Column::Id)
            .order_by_asc(conversation::Column::Id);
        if let Some(last) = after {
            page = page.filter(conversation::Column::Id.gt(last));
        }
        let ids: Vec<Uuid> = page.limit(LOAD_BATCH as u64).into_tuple().all(db).await?;
        let Some(last) = ids.last().copied() else { break };
        for doc in load(db, &ids).await? {
            search.put(doc).await;
        }
        after = Some(last);
    }
    search.flush().await;
    Ok(search.num_docs())
}
