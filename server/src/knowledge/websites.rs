//! Website sources as the owner manages them: adding a site with its crawl settings and
//! schedule, crawling it again, the pages its last crawl found, and the sweep that starts the
//! scheduled re-crawls. The crawl itself is `crawl::`.

use app::{
    ApiError,
    auth::Permission,
    dto::{BotId, OrganizationId},
    error::FieldError,
    ids::SourceId,
    knowledge::{CrawlSchedule, CrawlSettings, SourceView},
    ssr::Viewer,
};
use chrono::Utc;
use reqwest::Url;
use sea_orm::{
    ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, QueryFilter, QueryOrder, QuerySelect,
};

use super::{
    KnowledgeService, crawl,
    crawl::{fetch::FetchError, schedule},
    new_row, own_bot, own_source_of_kind, view,
};
use crate::{
    entities::{knowledge_page as page, knowledge_source as source},
    error::Result,
    shared::{ClientInfo, time::rfc3339},
};

/// A website to crawl (PRD §5.4.2's request, less `chatbot_id`).
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
pub struct UrlInput {
    pub url: String,
    #[serde(default)]
    pub crawl_settings: Option<CrawlSettings>,
    #[serde(default)]
    pub schedule: Option<CrawlSchedule>,
}

/// A page a crawl found, as the API lists it.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct CrawledPage {
    pub url: String,
    /// `queued`, `read`, `unchanged`, `duplicate`, `skipped`, `failed` or `over_limit`.
    pub state: String,
    pub depth: u32,
    pub http_status: Option<u16>,
    pub title: Option<String>,
    /// Why it failed or was skipped.
    pub error: Option<String>,
    pub chunks: u32,
    pub fetched_at: Option<String>,
}

pub const MAX_PAGES: u32 = 1_000;
pub const MAX_DEPTH: u32 = 10;
const MAX_PATTERNS: usize = 50;
const MAX_DELAY_MS: u32 = 60_000;

/// The settings' problems, each with the field it names.
fn check_settings(settings: &CrawlSettings, fields: &mut Vec<FieldError>) {
    let mut bad = |field: &str, message: String| {
        fields.push(FieldError { field: format!("crawl_settings.{field}"), message });
    };
    if !(1..=MAX_PAGES).contains(&settings.max_pages) {
        bad("max_pages", format!("Crawl between 1 and {MAX_PAGES} pages."));
    }
    if settings.max_depth > MAX_DEPTH {
        bad("max_depth", format!("The depth is at most {MAX_DEPTH} links from the start page."));
    }
    if settings.delay_ms > MAX_DELAY_MS {
        bad("delay_ms", "The pause between pages is at most 60,000 ms.".into());
    }
    for (name, patterns) in
        [("include_patterns", &settings.include_patterns), ("exclude_patterns", &settings.exclude_patterns)]
    {
        if patterns.len() > MAX_PATTERNS {
            bad(name, format!("At most {MAX_PATTERNS} patterns."));
        } else if let Some(p) =
            patterns.iter().find(|p| p.trim().is_empty() || globset::Glob::new(p.trim()).is_err())
        {
            bad(name, format!("“{p}” is not a valid pattern (use paths like /docs/*)."));
        }
    }
}

impl KnowledgeService {
    /// Adds a website and queues its crawl. The address must be http(s), on a standard port,
    /// and not lead to an internal address (see `crawl::fetch`).
    pub async fn add_url(
        &self,
        viewer: &Viewer,
        client: &ClientInfo,
        bot: BotId,
        input: UrlInput,
    ) -> Result<SourceView> {
        viewer.require(Permission::ManageKnowledge)?;
        own_bot(&self.db, viewer.organization_id, bot).await?;
        let mut fields = Vec::new();
        let raw = input.url.trim();
        let with_scheme = if raw.contains("://") { raw.to_owned() } else { format!("https://{raw}") };
        let url = match Url::parse(&with_scheme) {
            Ok(url) if url.host_str().is_some() => Some(crawl::fetch::without_fragment(url)),
            _ => {
                fields.push(FieldError {
                    field: "url".into(),
                    message: "Enter the website's address, like https://docs.example.com.".into(),
                });
                None
            }
        };
        if let Some(url) = &url {
            match self.fetcher.check(url).await {
                // An address that does not resolve now may later: the crawl reports it.
                Ok(()) | Err(FetchError::Unreachable(..)) => {}
                Err(e) => fields.push(FieldError { field: "url".into(), message: e.to_string() }),
            }
        }
        let settings = input.crawl_settings.unwrap_or_default();
        check_settings(&settings, &mut fields);
        if let Some(problem) = input.schedule.as_ref().and_then(schedule::problem) {
            fields.push(FieldError { field: "schedule".into(), message: problem.into() });
        }
        let Some(url) = url.filter(|_| fields.is_empty()) else {
            return Err(ApiError::Validation { fields }.into());
        };
        let title: String = url.as_str().trim_end_matches('/').chars().take(300).collect();
        let mut row = new_row(viewer, bot, source::SourceKind::Url, title);
        row.url = Set(Some(url.to_string()));
        row.crawl_settings = Set(serde_json::to_string(&settings).ok());
        row.schedule = Set(input.schedule.as_ref().and_then(|s| serde_json::to_string(s).ok()));
        row.next_crawl_at = Set(input.schedule.as_ref().and_then(|s| schedule::next_after(s, Utc::now())));
        self.insert_and_queue(viewer, client, row, "knowledge.url_added").await
    }

    /// One of the viewer's organization's websites.
    async fn own_website(&self, viewer: &Viewer, id: SourceId) -> Result<source::Model> {
        own_source_of_kind(&self.db, viewer.organization_id, id, source::SourceKind::Url, "website source")
            .await
    }

    /// Crawls a website again now (a crawl under way is left to finish: 409).
    pub async fn recrawl(&self, viewer: &Viewer, client: &ClientInfo, id: SourceId) -> Result<SourceView> {
        viewer.require(Permission::ManageKnowledge)?;
        let current = self.own_website(viewer, id).await?;
        if super::status_of(current.status).is_working() {
            return Err(ApiError::Conflict { message: "This website is being crawled now.".into() }.into());
        }
        self.requeue(viewer, client, current.into_active_model(), "knowledge.url_recrawled").await
    }

    /// The pages the website's crawls found, in the order they were found.
    pub async fn pages(&self, viewer: &Viewer, id: SourceId) -> Result<Vec<CrawledPage>> {
        viewer.require(Permission::ViewKnowledge)?;
        let current = self.own_website(viewer, id).await?;
        let rows = page::Entity::find()
            .filter(page::Column::OrganizationId.eq(viewer.organization_id.0))
            .filter(page::Column::SourceId.eq(current.id))
            .order_by_asc(page::Column::Depth)
            .order_by_asc(page::Column::CreatedAt)
            .limit(u64::from(MAX_PAGES) * 4)
            .all(&self.db)
            .await?;
        Ok(rows
            .into_iter()
            .map(|p| CrawledPage {
                url: p.url,
                state: state_name(p.state).into(),
                depth: u32::try_from(p.depth).unwrap_or(0),
                http_status: p.http_status.and_then(|s| u16::try_from(s).ok()),
                title: p.title,
                error: p.error,
                chunks: u32::try_from(p.chunk_count).unwrap_or(0),
                fetched_at: p.fetched_at.map(rfc3339),
            })
            .collect())
    }

    /// Queues the crawl of every website whose scheduled time has come. Returns how many.
    pub async fn start_due_crawls(&self) -> Result<usize> {
        let now = Utc::now();
        let due = source::Entity::find()
            .filter(source::Column::Kind.eq(source::SourceKind::Url))
            .filter(source::Column::NextCrawlAt.lte(now))
            .filter(
                source::Column::Status.is_in([source::SourceStatus::Completed, source::SourceStatus::Failed]),
            )
            .limit(100)
            .all(&self.db)
            .await?;
        let mut started = 0;
        for row in due {
            let org = OrganizationId(row.organization_id);
            let id = SourceId(row.id);
            let next = row
                .schedule
                .as_deref()
                .and_then(|s| serde_json::from_str::<CrawlSchedule>(s).ok())
                .and_then(|s| schedule::next_after(&s, now));
            let txn = crate::db::begin_write(&self.db).await?;
            let job = crate::jobs::enqueue(&txn, crawl::job(org, id)).await?;
            let mut active = row.into_active_model();
            active.job_id = Set(Some(job));
            active.status = Set(source::SourceStatus::Pending);
            active.progress = Set(0);
            active.next_crawl_at = Set(next);
            active.updated_at = Set(now);
            let saved = sea_orm::ActiveModelTrait::update(active, &txn).await?;
            txn.commit().await?;
            self.announce(org, &view(saved)).await;
            started += 1;
        }
        if started > 0 {
            self.wakeup.notify();
            tracing::info!(started, "scheduled website crawls queued");
        }
        Ok(started)
    }
}

fn state_name(state: page::PageState) -> &'static str {
    use page::PageState as S;
    match state {
        S::Queued => "queued",
        S::Read => "read",
        S::Unchanged => "unchanged",
        S::Duplicate => "duplicate",
        S::Skipped => "skipped",
        S::Failed => "failed",
        S::OverLimit => "over_limit",
    }
}

/// Every minute: the scheduled re-crawls that are due.
pub async fn run_schedule(knowledge: KnowledgeService) {
    let mut tick = tokio::time::interval(std::time::Duration::from_secs(60));
    tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
    loop {
        tick.tick().await;
        if let Err(err) = knowledge.start_due_crawls().await {
            tracing::warn!(error = %err, "starting scheduled crawls failed");
        }
    }
}
