use sea_orm::entity::prelude::*;

/// A page a website source's crawl found (`knowledge::crawl`), with what the next crawl needs
/// to fetch only what changed.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "knowledge_pages")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub id: Uuid,
    pub organization_id: Uuid,
    pub source_id: Uuid,
    #[sea_orm(column_type = "Text")]
    pub url: String,
    /// Links followed from the start page to reach it.
    pub depth: i32,
    pub state: PageState,
    pub http_status: Option<i32>,
    /// Why it failed or was skipped, in words.
    #[sea_orm(column_type = "Text", nullable)]
    pub error: Option<String>,
    pub title: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub etag: Option<String>,
    #[sea_orm(column_type = "Text", nullable)]
    pub last_modified: Option<String>,
    /// sha256 of the text last indexed from it.
    pub content_hash: Option<String>,
    /// JSON array of the (absolute) links it had, followed again when it answers 304.
    #[sea_orm(column_type = "Text", nullable)]
    pub links: Option<String>,
    pub chunk_count: i32,
    /// The crawl job that last queued or read it.
    pub run_id: Uuid,
    pub fetched_at: Option<DateTimeUtc>,
    pub created_at: DateTimeUtc,
    pub updated_at: DateTimeUtc,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, EnumIter, DeriveActiveEnum)]
#[sea_orm(rs_type = "String", db_type = "String(StringLen::N(20))")]
pub enum PageState {
    /// Found, not yet fetched in this run.
    #[sea_orm(string_value = "queued")]
    Queued,
    /// Fetched and indexed.
    #[sea_orm(string_value = "read")]
    Read,
    /// Fetched (or answered 304) with the same text as last time: its passages stay.
    #[sea_orm(string_value = "unchanged")]
    Unchanged,
    /// The same text as another page (or a canonical URL already read).
    #[sea_orm(string_value = "duplicate")]
    Duplicate,
    /// Not fetched: robots.txt forbids it.
    #[sea_orm(string_value = "skipped")]
    Skipped,
    #[sea_orm(string_value = "failed")]
    Failed,
    /// Found after the crawl had read its maximum of pages.
    #[sea_orm(string_value = "over_limit")]
    OverLimit,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
