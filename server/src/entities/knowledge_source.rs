use sea_orm::entity::prelude::*;

/// Something an owner gave a bot to know (`knowledge::`): a document, a site, an FAQ, a snippet.
/// The columns of one kind are empty on the others.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "knowledge_sources")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub bot_id: Uuid,
    pub kind: SourceKind,
    pub title: String,
    pub status: SourceStatus,
    /// 0–100, within the current status.
    pub progress: i32,
    /// Why it failed, as a code (`knowledge::Problem`) and in words.
    pub error_code: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub chunk_count: i32,
    pub size_bytes: i64,
    pub filename: Option<String>,
    pub mime_type: Option<String>,
    /// Where the uploaded bytes are (`storage::FileKey`, the private knowledge area).
    pub file_key: Option<String>,
    /// JSON the caller attached (title, category, language, version…).
    #[sea_orm(column_type = "Text", nullable)]
    pub metadata: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub url: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub crawl_settings: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub schedule: Option<String>,
    pub pages_found: i32,
    pub pages_processed: i32,
    pub pages_failed: i32,
    pub last_crawled_at: Option<DateTimeUtc>,
    pub next_crawl_at: Option<DateTimeUtc>,
    /// An FAQ's question.
    #[sea_orm(column_type = "Text", nullable)]
    pub question: Option<String>,
    /// An FAQ's answer, a snippet's text.
    #[sea_orm(column_type = "Text", nullable)]
    pub body: Option<String>,
    pub category: Option<String>,
    /// JSON array of strings.
    #[sea_orm(column_type = "Text", nullable)]
    pub tags: Option<String>,
    pub priority: Option<String>,
    /// sha256 of the text last indexed (a re-upload or re-crawl of the same text is a no-op).
    pub content_hash: Option<String>,
    /// The ingestion job working on it now.
    pub job_id: Option<Uuid>,
    pub created_by: Option<Uuid>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
    pub processing_started_at: Option<DateTimeUtc>,
    pub processing_completed_at: Option<DateTimeUtc>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum SourceKind {
    #[sea_orm(string_value = "document")]
    Document,
    #[sea_orm(string_value = "url")]
    Url,
    #[sea_orm(string_value = "faq")]
    Faq,
    #[sea_orm(string_value = "snippet")]
    Snippet,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum SourceStatus {
    #[sea_orm(string_value = "pending")]
    Pending,
    #[sea_orm(string_value = "crawling")]
    Crawling,
    #[sea_orm(string_value = "extracting")]
    Extracting,
    #[sea_orm(string_value = "chunking")]
    Chunking,
    #[sea_orm(string_value = "indexing")]
    Indexing,
    #[sea_orm(string_value = "completed")]
    Completed,
    #[sea_orm(string_value = "failed")]
    Failed,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
