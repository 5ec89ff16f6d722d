//! A bot's knowledge: the sources an owner gives it (uploaded documents, crawled websites,
//! FAQs, typed snippets), each processed by a persistent job through pending → extracting
//! (crawling, for a website) → chunking → indexing → completed | failed, cut into passages kept in
//! `knowledge_chunks` and indexed per organization and bot ([`index::KnowledgeIndex`]).
//! Deleting a source removes its passages from the database and the index at once.
//!
//! Agents read a bot's knowledge; owners and admins change it (`Permission::ManageKnowledge`).

pub mod chunking;
pub mod crawl;
pub mod demo;
pub mod extract;
pub mod index;
pub mod ingest;
pub mod routes;
pub mod vectors;
pub mod websites;

use std::sync::Arc;

use app::{
    ApiError,
    auth::Permission,
    dto::{BotId, OrganizationId},
    error::FieldError,
    ids::SourceId,
    knowledge::{KnowledgeHit, KnowledgePage, SourceCard, SourceError, SourceKind, SourceStatus, SourceView},
    ssr::Viewer,
};
use chrono::Utc;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, ConnectionTrait, DatabaseConnection, EntityTrait,
    IntoActiveModel, PaginatorTrait, QueryFilter, QueryOrder,
};
use uuid::Uuid;

use crate::{
    audit,
    embeddings::Embedder,
    entities::{bot, knowledge_chunk, knowledge_source as source, organization, plan, workspace},
    error::Result,
    events::{DomainEvent, EventBus},
    jobs,
    shared::{ClientInfo, time::rfc3339},
    storage::{Area, FileKey, FileStore},
    wiring::Wiring,
};

pub use index::KnowledgeIndex;
pub use websites::{CrawledPage, UrlInput};

/// The organization's bot (404 for another's), as the bots feature reads it.
use crate::bots::lifecycle::own_bot;

/// Uploaded knowledge files: a private area of file storage.
pub const KNOWLEDGE_FILES: Area = crate::storage::KNOWLEDGE;

/// Why a source could not be turned into knowledge, as a code (stored, and sent as the PRD's
/// `error.code`) and the words a person reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Problem {
    Empty,
    NotText,
    Image,
    CorruptPdf,
    EncryptedPdf,
    ScannedPdf,
    CorruptDocx,
    /// A document that unpacks to far more than it weighs (a zip bomb).
    Bomb,
    Unsupported,
    BadCsv(String),
    TimedOut,
    Unreadable,
    /// The stored file is gone (a data directory restored without its files).
    Missing,
    /// A website that could not be crawled (`crawl::`): unreachable, refused, not a page…
    Site {
        code: &'static str,
        message: String,
    },
}

impl Problem {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Empty => "empty",
            Self::NotText => "not_text",
            Self::Image => "image",
            Self::CorruptPdf => "corrupt_pdf",
            Self::EncryptedPdf => "encrypted_pdf",
            Self::ScannedPdf => "scanned_pdf",
            Self::CorruptDocx => "corrupt_docx",
            Self::Bomb => "unpacks_too_large",
            Self::Unsupported => "unsupported",
            Self::BadCsv(_) => "bad_csv",
            Self::TimedOut => "timeout",
            Self::Unreadable => "unreadable",
            Self::Missing => "file_missing",
            Self::Site { code, .. } => code,
        }
    }

    pub fn message(&self) -> String {
        match self {
            Self::Empty => "No text found: the file is empty.".into(),
            Self::NotText => "This file is not text (it looks like a program or other binary file). \
                Upload PDF, DOCX, TXT, Markdown, HTML or CSV."
                .into(),
            Self::Image => {
                "This is an image; the bot learns from text. Upload the text as PDF, DOCX or TXT.".into()
            }
            Self::CorruptPdf => "Unable to read this PDF: the file may be damaged.".into(),
            Self::EncryptedPdf => {
                "This PDF is password-protected. Remove the password and upload it again.".into()
            }
            Self::ScannedPdf => {
                "No text found — is this a scanned PDF? Upload a PDF with selectable text.".into()
            }
            Self::CorruptDocx => "Unable to read this Word document: the file may be damaged.".into(),
            Self::Bomb => "This document unpacks to more than 64 MB of text, so it was not read.".into(),
            Self::Unsupported => {
                "This file type is not supported. Upload PDF, DOCX, TXT, Markdown, HTML or CSV.".into()
            }
            Self::BadCsv(detail) => format!("This CSV could not be read ({detail})."),
            Self::TimedOut => "Reading this file took longer than a minute, so it was stopped.".into(),
            Self::Unreadable => "This file could not be read.".into(),
            Self::Missing => "The uploaded file is missing from storage; upload it again.".into(),
            Self::Site { message, .. } => message.clone(),
        }
    }
}

/// The knowledge service: what the REST routes, the server functions and the answer engine
/// call. Cheap to clone.
#[derive(Clone)]
pub struct KnowledgeService {
    db: DatabaseConnection,
    files: FileStore,
    index: KnowledgeIndex,
    events: EventBus,
    wakeup: jobs::Wakeup,
    fetcher: crawl::fetch::Fetcher,
    embedder: Option<Embedder>,
}

/// A file as it arrived.
pub struct Upload {
    pub filename: String,
    pub bytes: Vec<u8>,
    /// The PRD's `metadata` object (title, category, language, version…).
    pub metadata: Option<serde_json::Value>,
}

/// An FAQ as typed or imported.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct FaqInput {
    pub question: String,
    pub answer: String,
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub tags: Vec<String>,
    /// `high`, `medium` (the default) or `low`.
    #[serde(default)]
    pub priority: Option<String>,
}

/// What the plan allows this organization's bot to take.
#[derive(Debug, Clone, Copy)]
pub struct FileLimits {
    pub max_bytes: u64,
    pub max_files: Option<u32>,
    pub files: u32,
    plan_label: &'static str,
}

impl FileLimits {
    /// `QuotaExceeded` when one more file is over the plan's count.
    pub fn room_for_one(&self) -> Result<()> {
        match self.max_files {
            Some(max) if self.files >= max => Err(ApiError::QuotaExceeded {
                message: format!(
                    "Your plan includes {max} knowledge files and all are in use. Delete one, or upgrade on the Billing page{}.",
                    self.plan_label
                ),
            }
            .into()),
            _ => Ok(()),
        }
    }

    /// `PayloadTooLarge` for a file over the plan's size.
    pub fn size_fits(&self, bytes: u64) -> Result<()> {
        if bytes > self.max_bytes {
            return Err(ApiError::PayloadTooLarge {
                max_bytes: usize::try_from(self.max_bytes).unwrap_or(usize::MAX),
            }
            .into());
        }
        Ok(())
    }
}

/// What a CSV import did (PRD §5.4.3).
#[derive(Debug, Clone, Default, serde::Serialize, utoipa::ToSchema)]
pub struct FaqImport {
    pub imported: u32,
    pub skipped: u32,
    pub errors: Vec<ImportError>,
}

#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct ImportError {
    /// The CSV line (the header is line 1).
    pub row: usize,
    pub error: String,
}

/// Rows one import reads.
pub const MAX_IMPORT_ROWS: usize = 5_000;

const PRIORITIES: [&str; 3] = ["high", "medium", "low"];
const MAX_QUESTION: usize = 500;
const MAX_ANSWER: usize = 10_000;
const MAX_SNIPPET: usize = 100_000;

impl KnowledgeService {
    pub fn new(
        db: DatabaseConnection,
        files: FileStore,
        index: KnowledgeIndex,
        events: EventBus,
        wakeup: jobs::Wakeup,
        fetcher: crawl::fetch::Fetcher,
        embedder: Option<Embedder>,
    ) -> Self {
        Self { db, files, index, events, wakeup, fetcher, embedder }
    }

    pub fn index(&self) -> &KnowledgeIndex {
        &self.index
    }

    /// What makes the passages' vectors; `None`: retrieval is BM25 alone.
    pub fn embedder(&self) -> Option<&Embedder> {
        self.embedder.as_ref()
    }

    /// What passages are measured in ([`chunking::Sizer`]).
    pub fn passage_sizer(&self) -> chunking::Sizer {
        self.embedder
            .as_ref()
            .and_then(Embedder::word_pieces)
            .map_or(chunking::Sizer::Characters, chunking::Sizer::WordPieces)
    }

    /// The Knowledge page's data for one bot.
    pub async fn page(&self, viewer: &Viewer, bot: BotId) -> Result<KnowledgePage> {
        viewer.require(Permission::ViewKnowledge)?;
        let found = own_bot(&self.db, viewer.organization_id, bot).await?;
        let limits = self.limits(viewer.organization_id, &found).await?;
        Ok(KnowledgePage {
            chatbot_id: bot,
            bot_name: found.name,
            sources: self.list(viewer, bot, None).await?.into_iter().map(SourceCard::from).collect(),
            can_manage: viewer.role.can(Permission::ManageKnowledge),
            max_file_bytes: limits.max_bytes,
            max_files: limits.max_files,
            files: limits.files,
            keyword_only: self.embedder.is_none().then(|| crate::embeddings::retrieval_mode(None).note),
        })
    }

    /// A bot's sources, newest first, optionally of one kind.
    pub async fn list(
        &self,
        viewer: &Viewer,
        bot: BotId,
        kind: Option<SourceKind>,
    ) -> Result<Vec<SourceView>> {
        viewer.require(Permission::ViewKnowledge)?;
        own_bot(&self.db, viewer.organization_id, bot).await?;
        let mut query = source::Entity::find()
            .filter(source::Column::OrganizationId.eq(viewer.organization_id.0))
            .filter(source::Column::BotId.eq(bot.0));
        if let Some(kind) = kind {
            query = query.filter(source::Column::Kind.eq(stored_kind(kind)));
        }
        let rows = query.order_by_desc(source::Column::CreatedAt).all(&self.db).await?;
        Ok(rows.into_iter().map(view).collect())
    }

    /// One source of the viewer's organization.
    pub async fn get(&self, viewer: &Viewer, id: SourceId) -> Result<SourceView> {
        viewer.require(Permission::ViewKnowledge)?;
        Ok(view(own_source(&self.db, viewer.organization_id, id).await?))
    }

    /// The plan's file limits for a bot of `organization`.
    pub async fn limits(&self, organization: OrganizationId, bot: &bot::Model) -> Result<FileLimits> {
        let space = workspace::Entity::find_by_id(bot.workspace_id)
            .filter(workspace::Column::OrganizationId.eq(organization.0))
            .one(&self.db)
            .await?
            .ok_or_else(|| ApiError::not_found("workspace"))?;
        let org = organization::Entity::find_by_id(organization.0)
            .one(&self.db)
            .await?
            .ok_or_else(|| ApiError::not_found("organization"))?;
        let plan = plan::Entity::find_by_id(space.plan.clone()).one(&self.db).await?;
        let max_mb = plan.as_ref().and_then(|p| p.max_file_size_mb).unwrap_or(50).max(1);
        let max_bytes =
            (u64::try_from(max_mb).unwrap_or(50) * 1024 * 1024).min(KNOWLEDGE_FILES.max_bytes as u64);
        let max_files = org
            .custom_max_file_uploads
            .or(plan.as_ref().and_then(|p| p.max_file_uploads))
            .and_then(|n| u32::try_from(n).ok());
        let bots: Vec<Uuid> = bot::Entity::find()
            .filter(bot::Column::OrganizationId.eq(organization.0))
            .filter(bot::Column::WorkspaceId.eq(bot.workspace_id))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|b| b.id)
            .collect();
        let files = source::Entity::find()
            .filter(source::Column::OrganizationId.eq(organization.0))
            .filter(source::Column::BotId.is_in(bots))
            .filter(source::Column::Kind.eq(source::SourceKind::Document))
            .count(&self.db)
            .await?;
        Ok(FileLimits {
            max_bytes,
            max_files,
            files: u32::try_from(files).unwrap_or(u32::MAX),
            plan_label: if plan.is_some() { "" } else { " (no plan found)" },
        })
    }

    /// The limits for an upload to `bot`, checked before its body is read.
    pub async fn upload_limits(&self, viewer: &Viewer, bot: BotId) -> Result<FileLimits> {
        let limits = self.file_limits(viewer, bot).await?;
        limits.room_for_one()?;
        Ok(limits)
    }

    /// The plan's file limits for `bot` (a replaced file only has to fit their size).
    pub async fn file_limits(&self, viewer: &Viewer, bot: BotId) -> Result<FileLimits> {
        viewer.require(Permission::ManageKnowledge)?;
        let found = own_bot(&self.db, viewer.organization_id, bot).await?;
        self.limits(viewer.organization_id, &found).await
    }

    /// Stores an uploaded file and queues its processing. Over-limit files are refused here,
    /// before anything is stored; what the file holds is found out by the job.
    pub async fn add_document(
        &self,
        viewer: &Viewer,
        client: &ClientInfo,
        bot: BotId,
        upload: Upload,
    ) -> Result<SourceView> {
        let limits = self.upload_limits(viewer, bot).await?;
        limits.size_fits(upload.bytes.len() as u64)?;
        let filename = clean_filename(&upload.filename);
        let title = upload
            .metadata
            .as_ref()
            .and_then(|m| m.get("title"))
            .and_then(|t| t.as_str())
            .map(str::trim)
            .filter(|t| !t.is_empty())
            .map_or_else(|| filename.clone(), |t| t.chars().take(300).collect());
        let extension = filename.rsplit_once('.').map_or("bin", |(_, e)| e);
        let key = self
            .files
            .put(KNOWLEDGE_FILES, viewer.organization_id, &upload.bytes, extension)
            .await
            .map_err(|err| crate::error::Error::from(anyhow::anyhow!(err)))?;
        let mut row = new_row(viewer, bot, source::SourceKind::Document, title);
        row.filename = Set(Some(filename.clone()));
        row.size_bytes = Set(upload.bytes.len() as i64);
        row.file_key = Set(Some(key.as_str().to_owned()));
        row.metadata = Set(upload.metadata.as_ref().map(serde_json::Value::to_string));
        self.insert_and_queue(viewer, client, row, "knowledge.document_added").await
    }

    /// Replaces a document's file with a new version: the source keeps its id, metadata and
    /// title (unless the title was the old file's name), the new file is checked against the
    /// plan's size like an upload and processed again; its passages replace the old ones when
    /// it is done, so until then the bot still knows the old version.
    pub async fn replace_document(
        &self,
        viewer: &Viewer,
        client: &ClientInfo,
        id: SourceId,
        upload: Upload,
    ) -> Result<SourceView> {
        viewer.require(Permission::ManageKnowledge)?;
        let current = own_source_of_kind(
            &self.db,
            viewer.organization_id,
            id,
            source::SourceKind::Document,
            "document",
        )
        .await?;
        // The count stays as it is: only the size is the plan's business here.
        self.file_limits(viewer, BotId(current.bot_id)).await?.size_fits(upload.bytes.len() as u64)?;
        let filename = clean_filename(&upload.filename);
        let extension = filename.rsplit_once('.').map_or("bin", |(_, e)| e);
        let key = self
            .files
            .put(KNOWLEDGE_FILES, viewer.organization_id, &upload.bytes, extension)
            .await
            .map_err(|err| crate::error::Error::from(anyhow::anyhow!(err)))?;
        let old_key = current.file_key.clone();
        let mut row = current.clone().into_active_model();
        if current.filename.as_deref() == Some(current.title.as_str()) {
            row.title = Set(filename.clone());
        }
        row.filename = Set(Some(filename));
        row.size_bytes = Set(upload.bytes.len() as i64);
        row.file_key = Set(Some(key.as_str().to_owned()));
        row.mime_type = Set(None);
        let saved = self.requeue(viewer, client, row, "knowledge.document_replaced").await?;
        if let Some(old) = old_key.filter(|old| old != key.as_str()) {
            self.release_file(viewer.organization_id, &old).await?;
        }
        Ok(saved)
    }

    /// Deletes a stored file once no source of the organization names it.
    async fn release_file(&self, organization: OrganizationId, key: &str) -> Result<()> {
        let used = source::Entity::find()
            .filter(source::Column::OrganizationId.eq(organization.0))
            .filter(source::Column::FileKey.eq(key))
            .count(&self.db)
            .await?
            > 0;
        if !used
            && let Some(key) = FileKey::parse(key)
            && let Err(err) = self.files.delete(&key).await
        {
            tracing::warn!(error = %err, key = key.as_str(), "a replaced document's file stayed in storage");
        }
        Ok(())
    }

    /// Adds an FAQ (indexed as one passage, its question weighted).
    pub async fn add_faq(
        &self,
        viewer: &Viewer,
        client: &ClientInfo,
        bot: BotId,
        faq: FaqInput,
    ) -> Result<SourceView> {
        viewer.require(Permission::ManageKnowledge)?;
        own_bot(&self.db, viewer.organization_id, bot).await?;
        let faq = check_faq(faq)?;
        let mut row = new_row(viewer, bot, source::SourceKind::Faq, faq.question.clone());
        fill_faq(&mut row, &faq);
        self.insert_and_queue(viewer, client, row, "knowledge.faq_added").await
    }

    /// Imports FAQs from a CSV (PRD §5.4.3: `question,answer,category,tags`, plus an optional
    /// `priority`; tags comma-separated inside their cell). A row with a question the bot has
    /// already (ignoring case), or had earlier in the file, is skipped — or, with
    /// `overwrite`, replaces the existing FAQ's answer. Rows that do not read or do not pass
    /// the FAQ rules are reported by their line number and change nothing.
    pub async fn import_faqs(
        &self,
        viewer: &Viewer,
        client: &ClientInfo,
        bot: BotId,
        csv_bytes: &[u8],
        overwrite: bool,
    ) -> Result<FaqImport> {
        viewer.require(Permission::ManageKnowledge)?;
        own_bot(&self.db, viewer.organization_id, bot).await?;
        let text = extract::decode_text(csv_bytes)
            .map_err(|_| ApiError::validation("file", "Upload the FAQs as a CSV text file."))?;
        let mut reader =
            csv::ReaderBuilder::new().flexible(true).trim(csv::Trim::All).from_reader(text.as_bytes());
        let headers: Vec<String> = reader
            .headers()
            .map_err(|e| {
                ApiError::validation("file", format!("The CSV's first line could not be read ({e})."))
            })?
            .iter()
            .map(|h| h.to_ascii_lowercase())
            .collect();
        let column = |name: &str| headers.iter().position(|h| h == name);
        let (Some(q_col), Some(a_col)) = (column("question"), column("answer")) else {
            return Err(ApiError::validation("file", "The first line must name the columns `question` and `answer` (and optionally `category`, `tags`, `priority`).").into());
        };
        let (c_col, t_col, p_col) = (column("category"), column("tags"), column("priority"));
        let mut existing: std::collections::HashMap<String, source::Model> = source::Entity::find()
            .filter(source::Column::OrganizationId.eq(viewer.organization_id.0))
            .filter(source::Column::BotId.eq(bot.0))
            .filter(source::Column::Kind.eq(source::SourceKind::Faq))
            .all(&self.db)
            .await?
            .into_iter()
            .map(|m| (m.title.to_lowercase(), m))
            .collect();
        let mut seen = std::collections::HashSet::new();
        let mut report = FaqImport::default();
        for (i, record) in reader.records().enumerate() {
            let row = i + 2; // the header is line 1
            if row > MAX_IMPORT_ROWS + 1 {
                report.errors.push(ImportError {
                    row,
                    error: format!("Only {MAX_IMPORT_ROWS} rows are read per import."),
                });
                break;
            }
            let record = match record {
                Ok(record) => record,
                Err(err) => {
                    report
                        .errors
                        .push(ImportError { row, error: format!("The row could not be read ({err}).") });
                    continue;
                }
            };
            let cell = |col: Option<usize>| col.and_then(|c| record.get(c)).unwrap_or("").to_owned();
            let input = FaqInput {
                question: cell(Some(q_col)),
                answer: cell(Some(a_col)),
                category: Some(cell(c_col)),
                tags: cell(t_col).split(',').map(str::to_owned).collect(),
                priority: Some(cell(p_col)),
            };
            let faq = match check_faq(input) {
                Ok(faq) => faq,
                Err(crate::error::Error::Api(ApiError::Validation { fields })) => {
                    let words: Vec<String> = fields.into_iter().map(|f| f.message).collect();
                    report.errors.push(ImportError { row, error: words.join(" ") });
                    continue;
                }
                Err(other) => return Err(other),
            };
            let key = faq.question.to_lowercase();
            if !seen.insert(key.clone()) {
                report.skipped += 1;
                report.errors.push(ImportError {
                    row,
                    error: "Duplicate question found (earlier in the file).".into(),
                });
                continue;
            }
            match existing.remove(&key) {
                Some(current) if overwrite => {
                    let mut row = current.into_active_model();
                    fill_faq(&mut row, &faq);
                    self.requeue(viewer, client, row, "knowledge.faq_updated").await?;
                    report.imported += 1;
                }
                Some(current) => {
                    existing.insert(key, current);
                    report.skipped += 1;
                    report.errors.push(ImportError { row, error: "Duplicate question found".into() });
                }
                None => {
                    let mut new = new_row(viewer, bot, source::SourceKind::Faq, faq.question.clone());
                    fill_faq(&mut new, &faq);
                    self.insert_and_queue(viewer, client, new, "knowledge.faq_added").await?;
                    report.imported += 1;
                }
            }
        }
        Ok(report)
    }

    /// Changes an FAQ; it is indexed again.
    pub async fn update_faq(
        &self,
        viewer: &Viewer,
        client: &ClientInfo,
        id: SourceId,
        faq: FaqInput,
    ) -> Result<SourceView> {
        viewer.require(Permission::ManageKnowledge)?;
        let current =
            own_source_of_kind(&self.db, viewer.organization_id, id, source::SourceKind::Faq, "FAQ").await?;
        let faq = check_faq(faq)?;
        let mut row = current.into_active_model();
        fill_faq(&mut row, &faq);
        self.requeue(viewer, client, row, "knowledge.faq_updated").await
    }

    /// Adds a text snippet typed in the dashboard.
    pub async fn add_snippet(
        &self,
        viewer: &Viewer,
        client: &ClientInfo,
        bot: BotId,
        title: &str,
        text: &str,
    ) -> Result<SourceView> {
        viewer.require(Permission::ManageKnowledge)?;
        own_bot(&self.db, viewer.organization_id, bot).await?;
        let mut fields = Vec::new();
        let title = title.trim();
        let text = text.trim();
        if title.is_empty() || title.chars().count() > 300 {
            fields.push(FieldError {
                field: "title".into(),
                message: "Give the text a title of at most 300 characters.".into(),
            });
        }
        if text.is_empty() || text.chars().count() > MAX_SNIPPET {
            fields.push(FieldError {
                field: "text".into(),
                message: format!("Write the text the bot should know (at most {MAX_SNIPPET} characters)."),
            });
        }
        if !fields.is_empty() {
            return Err(ApiError::Validation { fields }.into());
        }
        let mut row = new_row(viewer, bot, source::SourceKind::Snippet, title.to_owned());
        row.body = Set(Some(text.to_owned()));
        row.size_bytes = Set(text.len() as i64);
        self.insert_and_queue(viewer, client, row, "knowledge.snippet_added").await
    }

    /// Deletes a source: its passages leave the database and the index now, its file (unless
    /// another source has the same bytes) the store.
    pub async fn delete(&self, viewer: &Viewer, client: &ClientInfo, id: SourceId) -> Result<()> {
        viewer.require(Permission::ManageKnowledge)?;
        let txn = crate::db::begin_write(&self.db).await?;
        let current = own_source(&txn, viewer.organization_id, id).await?;
        knowledge_chunk::Entity::delete_many()
            .filter(knowledge_chunk::Column::OrganizationId.eq(viewer.organization_id.0))
            .filter(knowledge_chunk::Column::SourceId.eq(current.id))
            .exec(&txn)
            .await?;
        crate::entities::knowledge_page::Entity::delete_many()
            .filter(crate::entities::knowledge_page::Column::OrganizationId.eq(viewer.organization_id.0))
            .filter(crate::entities::knowledge_page::Column::SourceId.eq(current.id))
            .exec(&txn)
            .await?;
        source::Entity::delete_by_id(current.id).exec(&txn).await?;
        if let Some(job) = current.job_id {
            jobs::cancel(&txn, Some(viewer.organization_id.0), job).await?;
        }
        audit::record_by(
            &txn,
            viewer,
            client,
            audit::Change {
                action: "knowledge.source_deleted",
                target_type: "knowledge_source",
                target_id: Some(current.id.to_string()),
                before: Some(
                    serde_json::json!({ "kind": kind_of(current.kind).as_str(), "title": current.title }),
                ),
                after: None,
            },
        )
        .await?;
        let still_used = match &current.file_key {
            Some(key) => {
                source::Entity::find()
                    .filter(source::Column::OrganizationId.eq(viewer.organization_id.0))
                    .filter(source::Column::FileKey.eq(key.clone()))
                    .count(&txn)
                    .await?
                    > 0
            }
            None => true,
        };
        txn.commit().await?;
        self.index.delete_source(SourceId(current.id)).await;
        self.index.flush().await;
        self.events
            .publish(DomainEvent::KnowledgeRemoved {
                organization_id: viewer.organization_id,
                bot_id: BotId(current.bot_id),
                source_id: SourceId(current.id),
            })
            .await;
        if !still_used
            && let Some(key) = current.file_key.as_deref().and_then(FileKey::parse)
            && let Err(err) = self.files.delete(&key).await
        {
            tracing::warn!(error = %err, key = key.as_str(), "a deleted source's file stayed in storage");
        }
        Ok(())
    }

    /// Passages of the bot's knowledge matching `query`, best first.
    pub async fn search(
        &self,
        viewer: &Viewer,
        bot: BotId,
        query: &str,
        limit: usize,
    ) -> Result<Vec<KnowledgeHit>> {
        viewer.require(Permission::ViewKnowledge)?;
        own_bot(&self.db, viewer.organization_id, bot).await?;
        let vector = match (&self.embedder, query.trim().is_empty()) {
            (Some(e), false) => match e.embed_one(query.trim()).await {
                Ok(v) => Some(v),
                Err(err) => {
                    tracing::warn!(error = %err, "embedding a knowledge query failed: searching by keywords");
                    None
                }
            },
            _ => None,
        };
        let language = bot_language(&self.db, viewer.organization_id.0, bot.0).await?;
        self.index.search(viewer.organization_id, bot, language, query, vector.as_deref(), limit.clamp(1, 50))
    }

    /// The passages of `bot` (of `organization`) for a visitor's `query`, best first, whole,
    /// with how each was found — what the answer engine reads. `language` is the bot's
    /// ([`index::language_index`]); the query's vector, if given, was made by [`Self::embedder`].
    pub fn passages_for(
        &self,
        organization: OrganizationId,
        bot: BotId,
        language: usize,
        query: &str,
        query_vector: Option<&[f32]>,
        limit: usize,
    ) -> Result<Vec<index::Passage>> {
        self.index.retrieve(organization, bot, language, query, query_vector, limit.clamp(1, 50))
    }

    /// Saves a new source (`id` unset) or an edited one, queues its processing in the same
    /// transaction, records it in the audit log and announces it.
    async fn insert_and_queue(
        &self,
        viewer: &Viewer,
        client: &ClientInfo,
        row: source::ActiveModel,
        action: &'static str,
    ) -> Result<SourceView> {
        self.save_and_queue(viewer, client, row, true, action).await
    }

    async fn requeue(
        &self,
        viewer: &Viewer,
        client: &ClientInfo,
        row: source::ActiveModel,
        action: &'static str,
    ) -> Result<SourceView> {
        self.save_and_queue(viewer, client, row, false, action).await
    }

    async fn save_and_queue(
        &self,
        viewer: &Viewer,
        client: &ClientInfo,
        mut row: source::ActiveModel,
        new: bool,
        action: &'static str,
    ) -> Result<SourceView> {
        let txn = crate::db::begin_write(&self.db).await?;
        let id = match (&row.id, new) {
            (_, true) => Uuid::now_v7(),
            (sea_orm::ActiveValue::Set(id) | sea_orm::ActiveValue::Unchanged(id), false) => *id,
            (sea_orm::ActiveValue::NotSet, false) => {
                return Err(ApiError::not_found("knowledge source").into());
            }
        };
        row.id = Set(id);
        let website = matches!(&row.kind, sea_orm::ActiveValue::Set(k) | sea_orm::ActiveValue::Unchanged(k) if *k == source::SourceKind::Url);
        let job = if website {
            crawl::job(viewer.organization_id, SourceId(id))
        } else {
            ingest::job(viewer.organization_id, SourceId(id))
        };
        let job = jobs::enqueue(&txn, job).await?;
        row.job_id = Set(Some(job));
        let saved = if new {
            row.insert(&txn).await?
        } else {
            row.status = Set(source::SourceStatus::Pending);
            row.progress = Set(0);
            row.error = Set(None);
            row.error_code = Set(None);
            row.updated_at = Set(Utc::now());
            row.update(&txn).await?
        };
        audit::record_by(
            &txn,
            viewer,
            client,
            audit::Change {
                action,
                target_type: "knowledge_source",
                target_id: Some(saved.id.to_string()),
                before: None,
                after: Some(
                    serde_json::json!({ "kind": kind_of(saved.kind).as_str(), "title": saved.title }),
                ),
            },
        )
        .await?;
        txn.commit().await?;
        self.wakeup.notify();
        let view = view(saved);
        self.announce(viewer.organization_id, &view).await;
        Ok(view)
    }

    async fn announce(&self, organization_id: OrganizationId, source: &SourceView) {
        self.announce_with(organization_id, source, None).await;
    }

    /// Announces where a source stands; a crawl names the page it just read.
    async fn announce_with(
        &self,
        organization_id: OrganizationId,
        source: &SourceView,
        current_url: Option<String>,
    ) {
        self.events
            .publish(DomainEvent::KnowledgeChanged {
                organization_id,
                source: Box::new(source.clone()),
                current_url,
            })
            .await;
    }
}

fn new_row(viewer: &Viewer, bot: BotId, kind: source::SourceKind, title: String) -> source::ActiveModel {
    let now = Utc::now();
    source::ActiveModel {
        id: Set(Uuid::nil()),
        organization_id: Set(viewer.organization_id.0),
        bot_id: Set(bot.0),
        kind: Set(kind),
        title: Set(title),
        status: Set(source::SourceStatus::Pending),
        progress: Set(0),
        error_code: Set(None),
        error: Set(None),
        chunk_count: Set(0),
        size_bytes: Set(0),
        filename: Set(None),
        mime_type: Set(None),
        file_key: Set(None),
        metadata: Set(None),
        url: Set(None),
        crawl_settings: Set(None),
        schedule: Set(None),
        pages_found: Set(0),
        pages_processed: Set(0),
        pages_failed: Set(0),
        last_crawled_at: Set(None),
        next_crawl_at: Set(None),
        question: Set(None),
        body: Set(None),
        category: Set(None),
        tags: Set(None),
        priority: Set(None),
        content_hash: Set(None),
        job_id: Set(None),
        created_by: Set(Some(viewer.user_id)),
        created_at: Set(now),
        updated_at: Set(now),
        processing_started_at: Set(None),
        processing_completed_at: Set(None),
    }
}

fn check_faq(mut faq: FaqInput) -> Result<FaqInput> {
    let mut fields = Vec::new();
    faq.question = faq.question.trim().to_owned();
    faq.answer = faq.answer.trim().to_owned();
    if faq.question.is_empty() || faq.question.chars().count() > MAX_QUESTION {
        fields.push(FieldError {
            field: "question".into(),
            message: format!("Write the question (at most {MAX_QUESTION} characters)."),
        });
    }
    if faq.answer.is_empty() || faq.answer.chars().count() > MAX_ANSWER {
        fields.push(FieldError {
            field: "answer".into(),
            message: format!("Write the answer (at most {MAX_ANSWER} characters)."),
        });
    }
    faq.category = faq.category.map(|c| c.trim().to_owned()).filter(|c| !c.is_empty());
    if faq.category.as_ref().is_some_and(|c| c.chars().count() > 50) {
        fields.push(FieldError {
            field: "category".into(),
            message: "A category has at most 50 characters.".into(),
        });
    }
    faq.tags = faq.tags.iter().map(|t| t.trim().to_owned()).filter(|t| !t.is_empty()).collect();
    faq.tags.dedup();
    if faq.tags.len() > 20 || faq.tags.iter().any(|t| t.chars().count() > 40) {
        fields.push(FieldError {
            field: "tags".into(),
            message: "At most 20 tags of at most 40 characters each.".into(),
        });
    }
    match faq.priority.as_deref().map(str::trim) {
        None | Some("") => faq.priority = Some("medium".into()),
        Some(p) if PRIORITIES.contains(&p) => faq.priority = Some(p.to_owned()),
        Some(_) => fields.push(FieldError {
            field: "priority".into(),
            message: "Priority is high, medium or low.".into(),
        }),
    }
    if fields.is_empty() { Ok(faq) } else { Err(ApiError::Validation { fields }.into()) }
}

fn fill_faq(row: &mut source::ActiveModel, faq: &FaqInput) {
    row.title = Set(faq.question.clone());
    row.question = Set(Some(faq.question.clone()));
    row.body = Set(Some(faq.answer.clone()));
    row.category = Set(faq.category.clone());
    row.tags = Set(Some(serde_json::to_string(&faq.tags).unwrap_or_else(|_| "[]".into())));
    row.priority = Set(faq.priority.clone());
    row.size_bytes = Set((faq.question.len() + faq.answer.len()) as i64);
}

/// A file name fit to show and store: its last path part, no control characters, ≤ 255 bytes.
fn clean_filename(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or(raw);
    let clean: String = base.chars().filter(|c| !c.is_control()).collect::<String>().trim().to_owned();
    let mut clean = if clean.is_empty() { "upload".to_owned() } else { clean };
    while clean.len() > 255 {
        clean.pop();
    }
    clean
}

async fn own_source<C: ConnectionTrait>(
    db: &C,
    organization: OrganizationId,
    id: SourceId,
) -> Result<source::Model> {
    source::Entity::find_by_id(id.0)
        .filter(source::Column::OrganizationId.eq(organization.0))
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("knowledge source").into())
}

/// The stemmer ([`index::language_index`]) of a bot's `language` setting.
pub(crate) async fn bot_language<C: ConnectionTrait>(
    db: &C,
    organization: Uuid,
    bot_id: Uuid,
) -> Result<usize> {
    let found =
        bot::Entity::find_by_id(bot_id).filter(bot::Column::OrganizationId.eq(organization)).one(db).await?;
    let language = found
        .and_then(|b| serde_json::from_str::<app::bot_settings::BotSettings>(&b.settings).ok())
        .and_then(|s| s.language);
    Ok(index::language_index(language.as_deref()))
}

/// One of the organization's sources of `kind`; another kind is as unknown as another
/// organization's (`what` names it in the not-found answer).
async fn own_source_of_kind<C: ConnectionTrait>(
    db: &C,
    organization: OrganizationId,
    id: SourceId,
    kind: source::SourceKind,
    what: &str,
) -> Result<source::Model> {
    let found = own_source(db, organization, id).await?;
    if found.kind != kind {
        return Err(ApiError::not_found(what).into());
    }
    Ok(found)
}

fn stored_kind(kind: SourceKind) -> source::SourceKind {
    match kind {
        SourceKind::Document => source::SourceKind::Document,
        SourceKind::Url => source::SourceKind::Url,
        SourceKind::Faq => source::SourceKind::Faq,
        SourceKind::Snippet => source::SourceKind::Snippet,
    }
}

fn kind_of(kind: source::SourceKind) -> SourceKind {
    match kind {
        source::SourceKind::Document => SourceKind::Document,
        source::SourceKind::Url => SourceKind::Url,
        source::SourceKind::Faq => SourceKind::Faq,
        source::SourceKind::Snippet => SourceKind::Snippet,
    }
}

fn status_of(status: source::SourceStatus) -> SourceStatus {
    match status {
        source::SourceStatus::Pending => SourceStatus::Pending,
        source::SourceStatus::Crawling => SourceStatus::Crawling,
        source::SourceStatus::Extracting => SourceStatus::Extracting,
        source::SourceStatus::Chunking => SourceStatus::Chunking,
        source::SourceStatus::Indexing => SourceStatus::Indexing,
        source::SourceStatus::Completed => SourceStatus::Completed,
        source::SourceStatus::Failed => SourceStatus::Failed,
    }
}

/// A stored source as the API shows it.
pub fn view(row: source::Model) -> SourceView {
    let status = status_of(row.status);
    let website = row.kind == source::SourceKind::Url;
    let count = |n: i32| u32::try_from(n).unwrap_or(0);
    SourceView {
        id: SourceId(row.id),
        chatbot_id: BotId(row.bot_id),
        kind: kind_of(row.kind),
        title: row.title,
        status,
        progress: status.overall(u8::try_from(row.progress.clamp(0, 100)).unwrap_or(0)),
        error: row.error_code.map(|code| SourceError { code, message: row.error.unwrap_or_default() }),
        chunks: u32::try_from(row.chunk_count).unwrap_or(0),
        size_bytes: u64::try_from(row.size_bytes).unwrap_or(0),
        filename: row.filename,
        mime_type: row.mime_type,
        url: row.url,
        body: row.body,
        category: row.category,
        tags: row.tags.and_then(|t| serde_json::from_str(&t).ok()).unwrap_or_default(),
        priority: row.priority,
        created_at: rfc3339(row.created_at),
        updated_at: rfc3339(row.updated_at),
        processing_seconds: row
            .processing_started_at
            .zip(row.processing_completed_at)
            .and_then(|(from, to)| u64::try_from((to - from).num_seconds()).ok()),
        processing_started_at: row.processing_started_at.map(rfc3339),
        processing_completed_at: row.processing_completed_at.map(rfc3339),
        pages_found: website.then(|| count(row.pages_found)),
        pages_processed: website.then(|| count(row.pages_processed)),
        pages_failed: website.then(|| count(row.pages_failed)),
        last_crawled_at: row.last_crawled_at.map(rfc3339),
        next_crawl_at: row.next_crawl_at.map(rfc3339),
        crawl_settings: row.crawl_settings.as_deref().and_then(|s| serde_json::from_str(s).ok()),
        schedule: row.schedule.as_deref().and_then(|s| serde_json::from_str(s).ok()),
    }
}

/// Plugs knowledge in: its REST routes (uploads with their own body limit) and the
/// ingestion job.
pub fn install(w: &mut Wiring, knowledge: &KnowledgeService) {
    let h = w.handles();
    let state = routes::KnowledgeRoutes { knowledge: knowledge.clone(), auth: h.auth.clone() };
    w.routes(routes::router(state.clone()));
    w.upload_routes(routes::upload_router(state));
    w.job(ingest::KIND, Arc::new(ingest::Ingest { knowledge: knowledge.clone() }));
    w.job(crawl::KIND, Arc::new(crawl::Crawl { knowledge: knowledge.clone() }));
    w.background("knowledge.crawl_schedule", websites::run_schedule(knowledge.clone()));
    let k = knowledge.clone();
    w.listener("knowledge", move |mut events| async move {
        while let Some(event) = events.recv().await {
            if let DomainEvent::BotUpdated { bot_id, .. } = event.as_ref()
                && let Err(err) = ingest::restem(&k, *bot_id).await
            {
                tracing::warn!(error = %err, bot = %bot_id.0, "indexing a bot's knowledge in its new language failed");
            }
        }
    });
    if knowledge.embedder().is_some() {
        // Knowledge that came in before the model was installed (or while the endpoint was
        // down) gets its vectors now, in the background.
        let k = knowledge.clone();
        w.background("knowledge.embed_missing", async move {
            match ingest::embed_missing(&k, false).await {
                Ok(0) => {}
                Ok(n) => tracing::info!(passages = n, "embedded the knowledge that had no vectors"),
                Err(err) => tracing::warn!(
                    error = %err,
                    "embedding the knowledge without vectors stopped; `chatsupport reindex` finishes it"
                ),
            }
        });
    }
}
