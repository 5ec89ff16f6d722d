//! Full-text search over message text (tantivy, on disk under `<data>/index/messages`).
//! Exactly one `IndexWriter`, owned by [`run_writer`], fed by a channel and committing in
//! batches (a burst of messages is one commit, never one per document). Every query is
//! filtered by organization.

use std::{path::Path, sync::Arc};

use anyhow::Context;
use app::dto::{ConversationId, MessageId, MessageView, OrganizationId, SearchHit};
use tantivy::{
    DocAddress, Index, IndexReader, IndexWriter, ReloadPolicy, Score, TantivyDocument, Term,
    collector::TopDocs,
    directory::MmapDirectory,
    doc,
    query::{BooleanQuery, Occur, QueryParser, TermQuery},
    schema::{Field, IndexRecordOption, STORED, STRING, Schema, TEXT, Value},
    snippet::SnippetGenerator,
};
use tokio::sync::{mpsc, oneshot};

use crate::{error::Result, events::DomainEvent};

pub mod conversations;
pub mod routes;
pub mod writer;

pub use conversations::ConversationSearch;

const WRITER_HEAP_BYTES: usize = 20_000_000;
const MAX_HITS: usize = 50;

#[derive(Clone, Copy)]
pub struct Fields {
    message_id: Field,
    conversation_id: Field,
    organization_id: Field,
    sender_kind: Field,
    content: Field,
    created_at: Field,
}

/// A request to the writer task.
pub enum IndexOp {
    Add(OrganizationId, MessageView),
    /// Commit what is queued and answer once it is searchable.
    Flush(oneshot::Sender<()>),
    /// Remove every document (before a rebuild).
    Clear,
}

impl writer::WriteOp for IndexOp {
    type Fields = Fields;

    fn apply(self, writer: &mut IndexWriter, f: Fields) -> Option<oneshot::Sender<()>> {
        match self {
            IndexOp::Add(org, m) => {
                writer.delete_term(Term::from_field_text(f.message_id, &m.id.to_string()));
                let added = writer.add_document(doc!(
                    f.message_id => m.id.to_string(),
                    f.conversation_id => m.conversation_id.to_string(),
                    f.organization_id => org.to_string(),
                    f.sender_kind => m.sender.kind.as_str(),
                    f.content => m.content,
                    f.created_at => m.created_at,
                ));
                if let Err(err) = added {
                    tracing::error!(error = %err, "indexing a message failed");
                }
                None
            }
            IndexOp::Clear => {
                if let Err(err) = writer.delete_all_documents() {
                    tracing::error!(error = %err, "clearing the index failed");
                }
                None
            }
            IndexOp::Flush(done) => Some(done),
        }
    }

    fn is_flush(&self) -> bool {
        matches!(self, IndexOp::Flush(_))
    }
}

#[derive(Clone)]
pub struct MessageSearch {
    index: Index,
    reader: IndexReader,
    fields: Fields,
    ops: mpsc::Sender<IndexOp>,
}

impl MessageSearch {
    /// Opens (or creates) the index under `dir` and starts its writer task.
    pub fn open(dir: &Path) -> anyhow::Result<Self> {
        let dir = dir.join("messages");
        std::fs::create_dir_all(&dir).with_context(|| format!("creating {}", dir.display()))?;
        let mut builder = Schema::builder();
        let fields = Fields {
            message_id: builder.add_text_field("message_id", STRING | STORED),
            conversation_id: builder.add_text_field("conversation_id", STRING | STORED),
            organization_id: builder.add_text_field("organization_id", STRING),
            sender_kind: builder.add_text_field("sender_kind", STRING | STORED),
            content: builder.add_text_field("content", TEXT | STORED),
            created_at: builder.add_text_field("created_at", STRING | STORED),
        };
        let directory = MmapDirectory::open(&dir).with_context(|| format!("opening {}", dir.display()))?;
        let index = Index::open_or_create(directory, builder.build()).context("opening the message index")?;
        let reader = index
            .reader_builder()
            .reload_policy(ReloadPolicy::Manual)
            .try_into()
            .context("opening the index reader")?;
        // One indexing thread: chat messages are small and commits come every BATCH_WINDOW, and
        // each extra thread keeps its own arena resident.
        let writer: IndexWriter =
            index.writer_with_num_threads(1, WRITER_HEAP_BYTES).context("taking the index writer")?;
        let (ops, rx) = mpsc::channel(writer::BATCH_MAX * 2);
        writer::spawn("messages", writer, reader.clone(), fields, rx);
        Ok(Self { index, reader, fields, ops })
    }

    pub fn num_docs(&self) -> u64 {
        self.reader.searcher().num_docs()
    }

    /// Queues a message for indexing.
    pub async fn add(&self, organization: OrganizationId, message: MessageView) {
        if self.ops.send(IndexOp::Add(organization, message)).await.is_err() {
            tracing::error!("the search writer has stopped; a message was not indexed");
        }
    }

    pub async fn clear(&self) {
        let _ = self.ops.send(IndexOp::Clear).await;
    }

    /// Waits until everything queued so far is committed and searchable.
    pub async fn flush(&self) {
        let (tx, rx) = oneshot::channel();
        if self.ops.send(IndexOp::Flush(tx)).await.is_ok() {
            let _ = rx.await;
        }
    }

    /// Messages of `organization` matching `query` (tantivy query syntax, read leniently), best
    /// first, with a highlighted snippet each.
    #[tracing::instrument(skip(self))]
    pub fn search(&self, organization: OrganizationId, query: &str) -> Result<Vec<SearchHit>> {
        let query = query.trim();
        if query.is_empty() {
            return Ok(Vec::new());
        }
        let f = self.fields;
        let searcher = self.reader.searcher();
        let parser = QueryParser::for_index(&self.index, vec![f.content]);
        let (user_query, _ignored) = parser.parse_query_lenient(query);
        let tenant = TermQuery::new(
            Term::from_field_text(f.organization_id, &organization.to_string()),
            IndexRecordOption::Basic,
        );
        let scoped =
            BooleanQuery::new(vec![(Occur::Must, Box::new(tenant)), (Occur::Must, user_query.box_clone())]);
        let top: Vec<(Score, DocAddress)> =
            searcher.search(&scoped, &TopDocs::with_limit(MAX_HITS).order_by_score())?;
        let snippets = SnippetGenerator::create(&searcher, &*user_query, f.content)?;
        let mut hits = Vec::with_capacity(top.len());
        for (_score, address) in top {
            let doc: TantivyDocument = searcher.doc(address)?;
            let text =
                |field: Field| doc.get_first(field).and_then(|v| v.as_str()).unwrap_or_default().to_owned();
            let (Ok(message_id), Ok(conversation_id)) =
                (text(f.message_id).parse::<MessageId>(), text(f.conversation_id).parse::<ConversationId>())
            else {
                continue;
            };
            let snippet = snippets.snippet_from_doc(&doc);
            let content = text(f.content);
            let (snippet_text, highlights) = if snippet.fragment().is_empty() {
                (content.chars().take(200).collect(), Vec::new())
            } else {
                widen(
                    &content,
                    snippet.fragment(),
                    snippet.highlighted().iter().map(|r| (r.start, r.end)).collect(),
                )
            };
            hits.push(SearchHit {
                message_id,
                conversation_id,
                sender_kind: crate::shared::stored::parse("the index's sender_kind", &text(f.sender_kind))?,
                snippet: snippet_text,
                highlights,
                created_at: text(f.created_at),
                visitor_name: String::new(),
            });
        }
        Ok(hits)
    }
}

/// Characters of context a snippet keeps around tantivy's fragment before it cuts (with "…").
const SNIPPET_CONTEXT: usize = 60;

/// Tantivy's fragment runs from its first token to its last, so it drops what follows the last
/// word ("alert(1" for "alert(1)"). Widen it back over the message: to the message's ends when
/// they are near, else to the nearest space; mark a cut with "…"; shift the highlights along.
pub(crate) fn widen(
    content: &str,
    fragment: &str,
    highlights: Vec<(usize, usize)>,
) -> (String, Vec<(usize, usize)>) {
    let Some(at) = content.find(fragment) else { return (fragment.to_owned(), highlights) };
    let end = at + fragment.len();
    let before = &content[..at];
    let start = if before.chars().count() <= SNIPPET_CONTEXT {
        0
    } else {
        let floor = before.char_indices().rev().nth(SNIPPET_CONTEXT - 1).map_or(0, |(i, _)| i);
        before[floor..].find(char::is_whitespace).map_or(at, |space| floor + space + 1).min(at)
    };
    let after = &content[end..];
    let stop = if after.chars().count() <= SNIPPET_CONTEXT {
        content.len()
    } else {
        let window = after.char_indices().nth(SNIPPET_CONTEXT).map_or(after.len(), |(i, _)| i);
        // The last space in the window, but never inside the word the fragment ended in.
        let word_end = after.find(char::is_whitespace).unwrap_or(after.len());
        end + after[..window].rfind(char::is_whitespace).unwrap_or(window).max(word_end)
    };
    let lead = if start > 0 { "…" } else { "" };
    let tail = if stop < content.len() { "…" } else { "" };
    let shift = lead.len() + at - start;
    let text = format!("{lead}{}{tail}", &content[start..stop]);
    (text, highlights.into_iter().map(|(s, e)| (s + shift, e + shift)).collect())
}

/// The search listener: indexes every stored message.
pub async fn listen(search: MessageSearch, mut events: mpsc::Receiver<Arc<DomainEvent>>) {
    while let Some(event) = events.recv().await {
        match event.as_ref() {
            DomainEvent::MessageCreated { organization_id, message, .. } => {
                search.add(*organization_id, message.clone()).await;
            }
            // Indexed again under the conversation that holds them now.
            DomainEvent::Merged { organization_id, messages, .. } => {
                for message in messages {
                    search.add(*organization_id, message.clone()).await;
                }
            }
            DomainEvent::StatusChanged { .. }
            | DomainEvent::Rated { .. }
            | DomainEvent::AnswerRated { .. }
            | DomainEvent::MessageUnderstood { .. }
            | DomainEvent::TeamChanged { .. }
            | DomainEvent::Reassigned { .. }
            | DomainEvent::QueueMoved { .. }
            | DomainEvent::NoteAdded { .. }
            | DomainEvent::BotUpdated { .. }
            | DomainEvent::KnowledgeChanged { .. }
            | DomainEvent::KnowledgeRemoved { .. }
            | DomainEvent::JobProgress { .. } => {}
        }
    }
}

/// Keeps the message and conversation indexes current from committed events; the
/// conversation search's REST route.
pub fn install(
    w: &mut crate::wiring::Wiring,
    search: &MessageSearch,
    conversation_search: &ConversationSearch,
    conversations: &crate::conversations::ConversationService,
) {
    let messages = search.clone();
    w.listener("search", move |events| listen(messages, events));
    let (index, db) = (conversation_search.clone(), w.handles().db.clone());
    w.listener("conversation search", move |events| conversations::listen(index, db, events));
    w.routes(routes::router(routes::SearchRoutes {
        search: conversation_search.clone(),
        conversations: conversations.clone(),
        auth: w.handles().auth.clone(),
    }));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_snippet_keeps_what_follows_its_last_word_and_marks_cuts() {
        let (text, marks) = widen("<img src=x onerror=alert(1)>", "img src=x onerror=alert", vec![(0, 3)]);
        assert_eq!(text, "<img src=x onerror=alert(1)>");
        assert_eq!(&text[marks[0].0..marks[0].1], "img");
        let long = format!("{}needle here. {}", "word ".repeat(40), "tail ".repeat(40));
        let (text, marks) = widen(&long, "needle", vec![(0, 6)]);
        assert!(text.starts_with('…') && text.ends_with('…'), "{text}");
        assert_eq!(&text[marks[0].0..marks[0].1], "needle");
        assert!(text.contains("needle here."), "{text}");
        assert!(text.chars().count() < 140, "{text}");
    }
}
