//! Website sources: the `knowledge.crawl` job reads a site breadth-first from its start page
//! (PRD §5.4.2) — robots.txt respected, `sitemap.xml` used when present, include/exclude
//! patterns, the start page's site unless external links are allowed, canonical addresses and
//! duplicate text recognised, a politeness delay between fetches — and keeps every page it
//! found in `knowledge_pages`. Each page read is cut into passages (cited with its address)
//! as it arrives; the dashboard sees `crawl:progress` after every page and `crawl:completed`
//! at the end.
//!
//! The frontier lives in the database (the run's queued pages), so a crawl cut off by a
//! restart goes on from where it stopped and reads each page once. A re-crawl (on demand or
//! on the source's schedule) sends each page's `ETag`/`Last-Modified` back and compares the
//! text's hash: unchanged pages keep their passages, changed ones are replaced, and pages the
//! site no longer links to leave the bot's knowledge. Fetches go through [`fetch::Fetcher`],
//! which refuses internal addresses.

pub mod fetch;
pub mod schedule;
pub mod site;

use std::{collections::HashMap, time::Duration};

use app::{dto::OrganizationId, ids::SourceId, knowledge::CrawlSettings};
use chrono::Utc;
use reqwest::Url;
use sea_orm::{
    ActiveModelTrait, ActiveValue::Set, ColumnTrait, EntityTrait, IntoActiveModel, PaginatorTrait,
    QueryFilter, QueryOrder, QuerySelect,
};
use uuid::Uuid;

use self::{
    fetch::{FetchError, Fetched, Validators},
    site::{Scope, Unreadable},
};
use super::{KnowledgeService, Problem, chunking, ingest};
use crate::{
    entities::{
        knowledge_chunk as chunk,
        knowledge_page::{self as page, PageState},
        knowledge_source as source,
    },
    jobs::{JobContext, JobError, JobHandler, NewJob},
};

pub const KIND: &str = "knowledge.crawl";

#[derive(serde::Deserialize)]
struct Payload {
    source_id: Uuid,
}

/// The job that crawls `source` (once; a re-crawl is a new job).
pub fn job(organization: OrganizationId, source: SourceId) -> NewJob {
    NewJob::new(KIND, serde_json::json!({ "source_id": source.0 })).for_organization(organization.0)
}

/// Sitemaps read per crawl at most (an index and its children).
const MAX_SITEMAPS: usize = 5;
/// robots.txt's `Crawl-delay` is obeyed up to this.
const MAX_DELAY: Duration = Duration::from_secs(10);
/// A crawl keeps at most this many times `max_pages` addresses in its frontier.
const FRONTIER_FACTOR: u64 = 4;

pub struct Crawl {
    pub knowledge: KnowledgeService,
}

impl FetchError {
    pub fn code(&self) -> &'static str {
        match self {
            Self::Scheme | Self::TooLong | Self::BadRedirect => "bad_url",
            Self::Port(_) => "blocked_port",
            Self::Blocked(_) => "blocked_address",
            Self::Unreachable(..) => "unreachable",
            Self::TimedOut(_) => "timeout",
            Self::TooLarge(_) => "too_large",
            Self::RedirectLoop | Self::TooManyRedirects => "redirect_loop",
        }
    }
}

/// Why a page was not read, and the code a failed start page gives its source.
struct Refusal {
    code: &'static str,
    message: String,
    status: Option<u16>,
}

impl From<FetchError> for Refusal {
    fn from(e: FetchError) -> Self {
        Self { code: e.code(), message: e.to_string(), status: None }
    }
}

fn http_refusal(status: u16) -> Refusal {
    let words = match status {
        401 | 403 => "access denied",
        404 | 410 => "not found",
        429 => "too many requests",
        500..=599 => "server error",
        _ => "not a page",
    };
    Refusal {
        code: "http_error",
        message: format!("The page answered {status} ({words})."),
        status: Some(status),
    }
}

#[async_trait::async_trait]
impl JobHandler for Crawl {
    async fn run(&self, ctx: &JobContext) -> Result<(), JobError> {
        let payload: Payload = ctx.payload()?;
        let Some(org) = ctx.job.organization_id else {
            return Err(JobError::Fatal("a crawl without an organization".into()));
        };
        let k = &self.knowledge;
        let Some(row) = find(k, org, payload.source_id).await? else { return Ok(()) };
        if row.job_id.is_some_and(|j| j != ctx.job.id) {
            return Ok(());
        }
        let settings: CrawlSettings =
            row.crawl_settings.as_deref().and_then(|s| serde_json::from_str(s).ok()).unwrap_or_default();
        let Some(start) = row.url.as_deref().and_then(|u| Url::parse(u).ok()) else {
            return fail(k, row, "bad_url", "The website address is not valid.".into()).await;
        };
        let scope = match Scope::new(&start, &settings) {
            Ok(scope) => scope,
            Err(site::BadPattern(p)) => {
                return fail(k, row, "bad_pattern", format!("The pattern “{p}” is not valid.")).await;
            }
        };
        let language = super::bot_language(&k.db, org, row.bot_id).await?;
        let mut crawler = Crawler {
            k,
            ctx,
            org,
            run: ctx.job.id,
            row,
            settings,
            scope,
            robots: HashMap::new(),
            last_fetch: None,
            language,
        };
        let resumed = crawler.pages_in(&[]).await? > 0;
        if !resumed {
            crawler.begin(&start).await?;
        }
        crawler.crawl(&start).await
    }
}

/// One origin's robots.txt: `None` allows everything.
struct Robots {
    rules: Option<texting_robots::Robot>,
    /// A server error answering robots.txt: the site is not crawled now (RFC 9309).
    unavailable: Option<u16>,
}

struct Crawler<'a> {
    k: &'a KnowledgeService,
    ctx: &'a JobContext,
    org: Uuid,
    run: Uuid,
    row: source::Model,
    settings: CrawlSettings,
    scope: Scope,
    robots: HashMap<String, Robots>,
    /// When this process last fetched a page: the politeness delay is the time between two
    /// fetches, so what the last page took to read, split and embed counts towards it.
    last_fetch: Option<std::time::Instant>,
    /// The stemmer of the bot's language (read once per crawl; a change mid-crawl is caught
    /// by `ingest::restem`).
    language: usize,
}

enum Visit {
    Done,
    /// The start page could not be read: the source fails with this.
    StartFailed(Refusal),
}

impl Crawler<'_> {
    fn pages(&self) -> sea_orm::Select<page::Entity> {
        page::Entity::find()
            .filter(page::Column::OrganizationId.eq(self.org))
            .filter(page::Column::SourceId.eq(self.row.id))
    }

    /// Pages of this run in `states` (all of them when empty).
    async fn pages_in(&self, states: &[PageState]) -> Result<u64, JobError> {
        let mut q = self.pages().filter(page::Column::RunId.eq(self.run));
        if !states.is_empty() {
            q = q.filter(page::Column::State.is_in(states.iter().copied()));
        }
        Ok(q.count(&self.k.db).await?)
    }

    /// A fresh run: the source shows it is crawling, the start page and the sitemap's pages
    /// are queued.
    async fn begin(&mut self, start: &Url) -> Result<(), JobError> {
        let mut active = self.row.clone().into_active_model();
        active.status = Set(source::SourceStatus::Crawling);
        active.progress = Set(0);
        active.error = Set(None);
        active.error_code = Set(None);
        active.pages_found = Set(0);
        active.pages_processed = Set(0);
        active.pages_failed = Set(0);
        active.processing_started_at = Set(Some(Utc::now()));
        active.processing_completed_at = Set(None);
        active.updated_at = Set(Utc::now());
        self.row = active.update(&self.k.db).await?;
        self.announce(None).await;
        let listed = self.sitemap_pages(start).await;
        self.enqueue(start, 0).await?;
        for url in listed {
            if self.scope.allows(&url) {
                self.enqueue(&url, 1).await?;
            }
        }
        Ok(())
    }

    /// The pages the site's sitemaps list (robots.txt's `Sitemap:` lines, else `/sitemap.xml`).
    async fn sitemap_pages(&mut self, start: &Url) -> Vec<Url> {
        let mut maps: Vec<Url> = match self.robots_of(start).await.and_then(|r| r.rules.as_ref()) {
            Some(rules) if !rules.sitemaps.is_empty() => {
                rules.sitemaps.iter().filter_map(|s| Url::parse(s).ok()).collect()
            }
            _ => start.join("/sitemap.xml").into_iter().collect(),
        };
        let mut pages = Vec::new();
        let mut read = 0;
        while let Some(map) = maps.pop() {
            if read >= MAX_SITEMAPS {
                break;
            }
            read += 1;
            let Ok(fetched) = self.k.fetcher.get(&map, None).await else { continue };
            if fetched.status != 200 {
                continue;
            }
            let (listed, children) = site::sitemap(&fetched.body);
            pages.extend(listed.iter().filter_map(|u| Url::parse(u).ok()).map(fetch::without_fragment));
            maps.extend(children.iter().filter_map(|u| Url::parse(u).ok()));
        }
        pages.truncate(usize::try_from(self.settings.max_pages).unwrap_or(usize::MAX) * 2);
        pages
    }

    /// The robots.txt of `url`'s origin, fetched once per crawl. `None` when robots.txt is
    /// not respected.
    async fn robots_of(&mut self, url: &Url) -> Option<&Robots> {
        if !self.settings.respect_robots_txt {
            return None;
        }
        let origin = url.origin().ascii_serialization();
        if !self.robots.contains_key(&origin) {
            let robots = match url.join("/robots.txt") {
                Ok(at) => match self.k.fetcher.get(&at, None).await {
                    Ok(Fetched { status: 200, body, .. }) => Robots {
                        rules: texting_robots::Robot::new(fetch::AGENT_NAME, &body).ok(),
                        unavailable: None,
                    },
                    Ok(Fetched { status, .. }) if status >= 500 => {
                        Robots { rules: None, unavailable: Some(status) }
                    }
                    // 4xx: no rules. A network failure shows on the page's own fetch.
                    _ => Robots { rules: None, unavailable: None },
                },
                Err(_) => Robots { rules: None, unavailable: None },
            };
            self.robots.insert(origin.clone(), robots);
        }
        self.robots.get(&origin)
    }

    fn delay(&self) -> Duration {
        let asked = self
            .robots
            .values()
            .filter_map(|r| r.rules.as_ref().and_then(|r| r.delay))
            .map(|s| Duration::from_secs_f32(s.clamp(0.0, MAX_DELAY.as_secs_f32())))
            .max()
            .unwrap_or_default();
        asked.max(Duration::from_millis(u64::from(self.settings.delay_ms)))
    }

    /// Queues `url` in this run unless the run has seen it; true if queued.
    async fn enqueue(&self, url: &Url, depth: i32) -> Result<bool, JobError> {
        let key = url.as_str();
        let existing = self.pages().filter(page::Column::Url.eq(key)).one(&self.k.db).await?;
        let now = Utc::now();
        match existing {
            Some(p) if p.run_id == self.run => Ok(false),
            Some(p) => {
                let mut active = p.into_active_model();
                active.run_id = Set(self.run);
                active.state = Set(PageState::Queued);
                active.depth = Set(depth);
                active.error = Set(None);
                active.updated_at = Set(now);
                active.update(&self.k.db).await?;
                Ok(true)
            }
            None => {
                let frontier = u64::from(self.settings.max_pages) * FRONTIER_FACTOR;
                if self.pages_in(&[]).await? >= frontier {
                    return Ok(false);
                }
                page::ActiveModel {
                    id: Set(Uuid::now_v7()),
                    organization_id: Set(self.org),
                    source_id: Set(self.row.id),
                    url: Set(key.to_owned()),
                    depth: Set(depth),
                    state: Set(PageState::Queued),
                    http_status: Set(None),
                    error: Set(None),
                    title: Set(None),
                    etag: Set(None),
                    last_modified: Set(None),
                    content_hash: Set(None),
                    links: Set(None),
                    chunk_count: Set(0),
                    run_id: Set(self.run),
                    fetched_at: Set(None),
                    created_at: Set(now),
                    updated_at: Set(now),
                }
                .insert(&self.k.db)
                .await?;
                Ok(true)
            }
        }
    }

    async fn crawl(&mut self, start: &Url) -> Result<(), JobError> {
        let fetched_states = [PageState::Read, PageState::Unchanged, PageState::Duplicate, PageState::Failed];
        loop {
            if self.ctx.is_cancelled() {
                return Ok(());
            }
            if self.pages_in(&fetched_states).await? >= u64::from(self.settings.max_pages) {
                break;
            }
            let next = self
                .pages()
                .filter(page::Column::RunId.eq(self.run))
                .filter(page::Column::State.eq(PageState::Queued))
                .order_by_asc(page::Column::Depth)
                .order_by_asc(page::Column::CreatedAt)
                .order_by_asc(page::Column::Id)
                .one(&self.k.db)
                .await?;
            let Some(next) = next else { break };
            let current = next.url.clone();
            let visit = self.visit(next).await?;
            self.progress(Some(current)).await?;
            if let Visit::StartFailed(refusal) = visit {
                return fail(self.k, self.row.clone(), refusal.code, refusal.message).await;
            }
        }
        self.finish(start).await
    }

    /// Fetches and reads one page.
    async fn visit(&mut self, p: page::Model) -> Result<Visit, JobError> {
        let start = p.depth == 0 && self.row.url.as_deref() == Some(p.url.as_str());
        let Ok(url) = Url::parse(&p.url) else {
            self.settle(p, PageState::Failed, Some("The address is not valid.".into()), None).await?;
            return Ok(Visit::Done);
        };
        if let Some(robots) = self.robots_of(&url).await {
            if let Some(status) = robots.unavailable {
                let refusal = Refusal {
                    code: "robots_unavailable",
                    message: format!("The site's robots.txt answered {status}, so the site was not crawled."),
                    status: None,
                };
                return self.refused(p, start, refusal).await;
            }
            if robots.rules.as_ref().is_some_and(|r| !r.allowed(url.as_str())) {
                let words = "robots.txt asks crawlers not to read this page.";
                if start {
                    let refusal = Refusal {
                        code: "robots_disallowed",
                        message: format!("The site's {words}"),
                        status: None,
                    };
                    return self.refused(p, true, refusal).await;
                }
                self.settle(p, PageState::Skipped, Some(words.into()), None).await?;
                return Ok(Visit::Done);
            }
        }
        if let Some(last) = self.last_fetch {
            tokio::select! {
                () = tokio::time::sleep(self.delay().saturating_sub(last.elapsed())) => {}
                () = self.ctx.cancelled() => return Ok(Visit::Done),
            }
        }
        self.last_fetch = Some(std::time::Instant::now());
        let validators = p
            .content_hash
            .as_ref()
            .map(|_| Validators { etag: p.etag.clone(), last_modified: p.last_modified.clone() });
        let fetched = match self.k.fetcher.get(&url, validators.as_ref()).await {
            Ok(f) => f,
            Err(e) => return self.refused(p, start, e.into()).await,
        };
        if fetched.not_modified() && p.content_hash.is_some() {
            let links: Vec<Url> = p
                .links
                .as_deref()
                .and_then(|l| serde_json::from_str::<Vec<String>>(l).ok())
                .unwrap_or_default()
                .iter()
                .filter_map(|l| Url::parse(l).ok())
                .collect();
            self.follow(&links, p.depth).await?;
            self.settle(p, PageState::Unchanged, None, Some(304)).await?;
            return Ok(Visit::Done);
        }
        if !(200..300).contains(&fetched.status) {
            return self.refused(p, start, http_refusal(fetched.status)).await;
        }
        let status = fetched.status;
        let (etag, last_modified) = (fetched.etag.clone(), fetched.last_modified.clone());
        let read = match site::read(fetched.url.clone(), fetched.content_type, fetched.body).await {
            Ok(read) => read,
            Err(why) => {
                let code = match &why {
                    Unreadable::NotAPage(_) => "not_a_page",
                    Unreadable::Content(problem) => problem.code(),
                };
                return self
                    .refused(p, start, Refusal { code, message: why.message(), status: Some(status) })
                    .await;
            }
        };
        self.follow(&read.links, p.depth).await?;
        let links = serde_json::to_string(&read.links.iter().map(Url::as_str).collect::<Vec<_>>()).ok();
        let title = read.extracted.title.clone();
        let mut p = p.into_active_model();
        p.etag = Set(etag);
        p.last_modified = Set(last_modified);
        p.links = Set(links);
        p.title = Set(title.as_deref().map(|t| t.chars().take(300).collect()));
        let p = p.update(&self.k.db).await?;
        // A canonical address read already: this page is a copy of it.
        if let Some(canonical) = read.canonical.as_ref().filter(|c| c.as_str() != p.url) {
            let original = self
                .pages()
                .filter(page::Column::RunId.eq(self.run))
                .filter(page::Column::Url.eq(canonical.as_str()))
                .filter(page::Column::State.is_in([PageState::Read, PageState::Unchanged]))
                .one(&self.k.db)
                .await?;
            if original.is_some() {
                self.replace_passages(&p, Vec::new(), None).await?;
                let why = format!("The same page as {canonical} (its canonical address).");
                self.settle(p, PageState::Duplicate, Some(why), Some(status)).await?;
                return Ok(Visit::Done);
            }
        }
        if read.noindex {
            self.replace_passages(&p, Vec::new(), None).await?;
            let why = "The page asks not to be indexed (noindex).".to_owned();
            self.settle(p, PageState::Skipped, Some(why), Some(status)).await?;
            return Ok(Visit::Done);
        }
        let passages = passages_of(read.extracted, self.k.passage_sizer()).await;
        let hash = ingest::text_hash(&passages);
        if !passages.is_empty() {
            let twin = self
                .pages()
                .filter(page::Column::RunId.eq(self.run))
                .filter(page::Column::ContentHash.eq(hash.as_str()))
                .filter(page::Column::Url.ne(p.url.as_str()))
                .filter(page::Column::State.is_in([PageState::Read, PageState::Unchanged]))
                .one(&self.k.db)
                .await?;
            if let Some(twin) = twin {
                self.replace_passages(&p, Vec::new(), None).await?;
                let why = format!("The same text as {}.", twin.url);
                self.settle(p, PageState::Duplicate, Some(why), Some(status)).await?;
                return Ok(Visit::Done);
            }
        }
        if p.content_hash.as_deref() == Some(hash.as_str()) && p.chunk_count > 0 {
            self.settle(p, PageState::Unchanged, None, Some(status)).await?;
            return Ok(Visit::Done);
        }
        let count = passages.len();
        self.replace_passages(&p, passages, Some(hash)).await?;
        let p = find_page(self.k, self.org, p.id).await?.unwrap_or(p);
        let why = (count == 0).then(|| "No text found on this page.".to_owned());
        self.settle(p, PageState::Read, why, Some(status)).await?;
        Ok(Visit::Done)
    }

    /// A page that could not be read; the start page's refusal fails the source.
    async fn refused(&self, p: page::Model, start: bool, refusal: Refusal) -> Result<Visit, JobError> {
        self.settle(p, PageState::Failed, Some(refusal.message.clone()), refusal.status).await?;
        Ok(if start { Visit::StartFailed(refusal) } else { Visit::Done })
    }

    async fn follow(&self, links: &[Url], depth: i32) -> Result<(), JobError> {
        if depth >= i32::try_from(self.settings.max_depth).unwrap_or(i32::MAX) {
            return Ok(());
        }
        for link in links.iter().filter(|l| self.scope.allows(l)) {
            self.enqueue(link, depth + 1).await?;
        }
        Ok(())
    }

    /// Records where a page ended up.
    async fn settle(
        &self,
        p: page::Model,
        state: PageState,
        error: Option<String>,
        status: Option<u16>,
    ) -> Result<(), JobError> {
        let mut active = p.into_active_model();
        active.state = Set(state);
        active.error = Set(error);
        active.http_status = Set(status.map(i32::from));
        active.fetched_at = Set(Some(Utc::now()));
        active.updated_at = Set(Utc::now());
        active.update(&self.k.db).await?;
        Ok(())
    }

    /// Puts `passages` in place of the page's, in the database and then the index.
    async fn replace_passages(
        &self,
        p: &page::Model,
        passages: Vec<chunking::Passage>,
        hash: Option<String>,
    ) -> Result<(), JobError> {
        let now = Utc::now();
        // Vectors first: nothing waits on the database while the embedder works.
        let (mut models, mut indexed) = ingest::records(&self.row, &passages, Some(&p.url), self.language);
        if let Some(embedder) = self.k.embedder() {
            for (m, i) in models.chunks_mut(ingest::EMBED_BATCH).zip(indexed.chunks_mut(ingest::EMBED_BATCH))
            {
                ingest::embed_batch(embedder, m, i).await;
            }
        }
        let txn = crate::db::begin_write(&self.k.db).await?;
        let old: Vec<Uuid> = chunk::Entity::find()
            .select_only()
            .column(chunk::Column::Id)
            .filter(chunk::Column::OrganizationId.eq(self.org))
            .filter(chunk::Column::SourceId.eq(self.row.id))
            .filter(chunk::Column::Url.eq(p.url.as_str()))
            .into_tuple()
            .all(&txn)
            .await?;
        if !old.is_empty() {
            chunk::Entity::delete_many().filter(chunk::Column::Id.is_in(old.clone())).exec(&txn).await?;
        }
        for batch in models.chunks(200) {
            chunk::Entity::insert_many(batch.to_vec()).exec(&txn).await?;
        }
        let mut active = p.clone().into_active_model();
        active.content_hash = Set(hash);
        active.chunk_count = Set(i32::try_from(passages.len()).unwrap_or(i32::MAX));
        active.updated_at = Set(now);
        active.update(&txn).await?;
        txn.commit().await?;
        self.k.index.swap(old, indexed).await;
        Ok(())
    }

    /// Counts on the source's row, and `crawl:progress`.
    async fn progress(&mut self, current: Option<String>) -> Result<(), JobError> {
        let found = self.pages_in(&[]).await?;
        // Pages left over at the limit were found but never looked at.
        let waiting = self.pages_in(&[PageState::Queued, PageState::OverLimit]).await?;
        let failed = self.pages_in(&[PageState::Failed]).await?;
        let done = found - waiting;
        let max = u64::from(self.settings.max_pages).max(1);
        let within = (done * 100 / found.min(max).max(done).max(1)).min(99);
        let mut active = self.row.clone().into_active_model();
        active.pages_found = Set(i32::try_from(found).unwrap_or(i32::MAX));
        active.pages_processed = Set(i32::try_from(done).unwrap_or(i32::MAX));
        active.pages_failed = Set(i32::try_from(failed).unwrap_or(i32::MAX));
        active.progress = Set(i32::try_from(within).unwrap_or(99));
        active.chunk_count = Set(i32::try_from(self.chunks().await?).unwrap_or(i32::MAX));
        active.updated_at = Set(Utc::now());
        self.row = active.update(&self.k.db).await?;
        self.announce(current).await;
        Ok(())
    }

    async fn chunks(&self) -> Result<u64, JobError> {
        Ok(chunk::Entity::find()
            .filter(chunk::Column::OrganizationId.eq(self.org))
            .filter(chunk::Column::SourceId.eq(self.row.id))
            .count(&self.k.db)
            .await?)
    }

    async fn announce(&self, current: Option<String>) {
        self.k.announce_with(OrganizationId(self.org), &super::view(self.row.clone()), current).await;
    }

    /// The run's end: what it did not reach leaves the bot's knowledge, the source is ready.
    async fn finish(&mut self, start: &Url) -> Result<(), JobError> {
        // Still queued: found after the maximum of pages was read.
        page::Entity::update_many()
            .col_expr(page::Column::State, sea_orm::sea_query::Expr::value(PageState::OverLimit))
            .filter(page::Column::OrganizationId.eq(self.org))
            .filter(page::Column::SourceId.eq(self.row.id))
            .filter(page::Column::RunId.eq(self.run))
            .filter(page::Column::State.eq(PageState::Queued))
            .exec(&self.k.db)
            .await?;
        // Pages an earlier crawl read that this one did not find: gone from the site.
        let gone = self.pages().filter(page::Column::RunId.ne(self.run)).all(&self.k.db).await?;
        for p in gone {
            self.replace_passages(&p, Vec::new(), None).await?;
            page::Entity::delete_by_id(p.id).exec(&self.k.db).await?;
        }
        self.progress(None).await?;
        self.k.index.flush().await;
        if self.chunks().await? == 0 {
            let message = format!("No text found on {start} or the pages it links to.");
            return fail(self.k, self.row.clone(), "no_text", message).await;
        }
        let now = Utc::now();
        let next = self
            .row
            .schedule
            .as_deref()
            .and_then(|s| serde_json::from_str(s).ok())
            .and_then(|s| schedule::next_after(&s, now));
        let mut active = self.row.clone().into_active_model();
        active.status = Set(source::SourceStatus::Completed);
        active.progress = Set(100);
        active.last_crawled_at = Set(Some(now));
        active.next_crawl_at = Set(next);
        active.processing_completed_at = Set(Some(now));
        active.updated_at = Set(now);
        self.row = active.update(&self.k.db).await?;
        self.announce(None).await;
        Ok(())
    }
}

/// A page's passages: its title leads every heading path, so an answer cites
/// "Pricing › Refunds".
async fn passages_of(extracted: super::extract::Extracted, sizer: chunking::Sizer) -> Vec<chunking::Passage> {
    let title = extracted.title.clone();
    let mut passages = chunking::passages_off_thread(extracted, sizer).await;
    if let Some(title) = title.as_deref() {
        for p in &mut passages {
            if p.heading_path.is_empty() {
                p.heading_path = title.to_owned();
            } else if !p.heading_path.starts_with(title) {
                p.heading_path = format!("{title}{}{}", chunking::PATH_SEPARATOR, p.heading_path);
            }
        }
    }
    passages
}

async fn find(k: &KnowledgeService, org: Uuid, id: Uuid) -> Result<Option<source::Model>, JobError> {
    Ok(source::Entity::find_by_id(id).filter(source::Column::OrganizationId.eq(org)).one(&k.db).await?)
}

async fn find_page(k: &KnowledgeService, org: Uuid, id: Uuid) -> Result<Option<page::Model>, JobError> {
    Ok(page::Entity::find_by_id(id).filter(page::Column::OrganizationId.eq(org)).one(&k.db).await?)
}

/// The whole source failed (its start page, its settings): its passages leave the index.
async fn fail(
    k: &KnowledgeService,
    row: source::Model,
    code: &'static str,
    message: String,
) -> Result<(), JobError> {
    let problem = Problem::Site { code, message };
    ingest::fail(k, row, &problem).await
}
