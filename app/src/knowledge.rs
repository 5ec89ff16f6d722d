//! What a bot knows, as the dashboard, the REST API and the socket show it: knowledge sources
//! (documents, sites, FAQs, snippets), where their processing stands, and search hits.

use serde::{Deserialize, Serialize};

use crate::{
    ids::{BotId, SourceId},
    names::by_name,
};

/// What kind of thing a source is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum SourceKind {
    Document,
    Url,
    Faq,
    Snippet,
}

by_name!(SourceKind, "source kind" { Document = "document", Url = "url", Faq = "faq", Snippet = "snippet" });

impl SourceKind {
    /// How the Knowledge page names it.
    pub fn label(self) -> &'static str {
        match self {
            Self::Document => "File",
            Self::Url => "Website",
            Self::Faq => "FAQ",
            Self::Snippet => "Text",
        }
    }
}

/// Where a source's processing stands: pending → extracting → chunking → indexing →
/// completed, or failed (with a reason) from any step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum SourceStatus {
    Pending,
    /// A website's pages are being fetched (its extracting step).
    Crawling,
    Extracting,
    Chunking,
    Indexing,
    Completed,
    Failed,
}

by_name!(SourceStatus, "source status" {
    Pending = "pending", Crawling = "crawling", Extracting = "extracting", Chunking = "chunking", Indexing = "indexing",
    Completed = "completed", Failed = "failed",
});

impl SourceStatus {
    /// Still being worked on.
    pub fn is_working(self) -> bool {
        !matches!(self, Self::Completed | Self::Failed)
    }

    /// Overall progress in percent, from the step and the progress within it.
    pub fn overall(self, within: u8) -> u8 {
        let within = u16::from(within.min(100));
        let (from, span) = match self {
            Self::Pending => (0, 5),
            Self::Extracting => (5, 35),
            // A website reads, splits and indexes each page as it comes.
            Self::Crawling => (5, 90),
            Self::Chunking => (40, 20),
            Self::Indexing => (60, 40),
            Self::Completed | Self::Failed => return 100,
        };
        (from + span * within / 100) as u8
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Waiting",
            Self::Crawling => "Crawling",
            Self::Extracting => "Reading",
            Self::Chunking => "Splitting",
            Self::Indexing => "Indexing",
            Self::Completed => "Ready",
            Self::Failed => "Failed",
        }
    }
}

/// Why a source failed, as the PRD's error object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SourceError {
    /// e.g. `encrypted_pdf`, `not_text`, `empty`, `too_large`, `timeout`.
    pub code: String,
    /// What a person reads: "This PDF is password-protected…".
    pub message: String,
}

/// A knowledge source as lists show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SourceView {
    pub id: SourceId,
    pub chatbot_id: BotId,
    pub kind: SourceKind,
    /// The document's title (or file name), the FAQ's question, the site's address.
    pub title: String,
    pub status: SourceStatus,
    /// 0–100 over the whole pipeline.
    pub progress: u8,
    pub error: Option<SourceError>,
    pub chunks: u32,
    pub size_bytes: u64,
    pub filename: Option<String>,
    pub mime_type: Option<String>,
    pub url: Option<String>,
    /// An FAQ's answer, a snippet's text.
    pub body: Option<String>,
    pub category: Option<String>,
    pub tags: Vec<String>,
    pub priority: Option<String>,
    pub created_at: String,
    pub updated_at: String,
    pub processing_started_at: Option<String>,
    pub processing_completed_at: Option<String>,
    /// How long the last processing took, once it finished.
    pub processing_seconds: Option<u64>,
    /// A website: pages seen, read and refused in its last crawl.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages_found: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages_processed: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pages_failed: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_crawled_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next_crawl_at: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub crawl_settings: Option<CrawlSettings>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule: Option<CrawlSchedule>,
}

/// How a website is crawled (PRD §5.4.2 `crawl_settings`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct CrawlSettings {
    /// Pages read at most (1–1,000).
    pub max_pages: u32,
    /// Links followed from the start page at most (0: only the start page; at most 10).
    pub max_depth: u32,
    /// Path patterns a page must match (`*` any characters), none: every page.
    pub include_patterns: Vec<String>,
    /// Path patterns no page may match.
    pub exclude_patterns: Vec<String>,
    /// Follow links to other sites (otherwise only the start page's host).
    pub follow_external_links: bool,
    pub respect_robots_txt: bool,
    /// Pause between two fetches, in milliseconds (robots.txt's `Crawl-delay` wins if longer).
    pub delay_ms: u32,
}

impl Default for CrawlSettings {
    fn default() -> Self {
        Self {
            max_pages: 50,
            max_depth: 3,
            include_patterns: Vec::new(),
            exclude_patterns: Vec::new(),
            follow_external_links: false,
            respect_robots_txt: true,
            delay_ms: 100,
        }
    }
}

/// When a website is crawled again by itself (PRD §5.4.2 `schedule`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CrawlSchedule {
    #[serde(default = "yes")]
    pub enabled: bool,
    /// `daily`, `weekly` or `monthly`.
    pub frequency: String,
    /// For weekly: `monday`…`sunday` (default monday). Monthly crawls run on the 1st.
    #[serde(default)]
    pub day_of_week: Option<String>,
    /// `HH:MM`, UTC (default 02:00).
    #[serde(default)]
    pub time: Option<String>,
}

fn yes() -> bool {
    true
}

/// A source as the Knowledge page draws it: the fields of `SourceView` its row shows. The
/// dashboard reads it from the socket's and the upload's whole `SourceView` JSON too (other
/// fields skipped), so its bundle carries this small decoder rather than `SourceView`'s.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SourceCard {
    pub id: SourceId,
    pub chatbot_id: BotId,
    pub kind: SourceKind,
    pub title: String,
    pub status: SourceStatus,
    pub progress: u8,
    #[serde(default)]
    pub error: Option<SourceError>,
    pub chunks: u32,
    pub size_bytes: u64,
    /// An FAQ's answer.
    #[serde(default)]
    pub body: Option<String>,
    #[serde(default)]
    pub processing_completed_at: Option<String>,
    #[serde(default)]
    pub pages_processed: Option<u32>,
    #[serde(default)]
    pub pages_failed: Option<u32>,
    #[serde(default)]
    pub last_crawled_at: Option<String>,
    pub created_at: String,
}

impl From<SourceView> for SourceCard {
    fn from(s: SourceView) -> Self {
        Self {
            id: s.id,
            chatbot_id: s.chatbot_id,
            kind: s.kind,
            title: s.title,
            status: s.status,
            progress: s.progress,
            error: s.error,
            chunks: s.chunks,
            size_bytes: s.size_bytes,
            body: s.body.filter(|_| s.kind == SourceKind::Faq),
            processing_completed_at: s.processing_completed_at,
            pages_processed: s.pages_processed,
            pages_failed: s.pages_failed,
            last_crawled_at: s.last_crawled_at,
            created_at: s.created_at,
        }
    }
}

/// A passage found by the knowledge search, with where it comes from.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KnowledgeHit {
    pub source_id: SourceId,
    pub source_title: String,
    pub kind: SourceKind,
    /// "Getting started › Installing".
    pub heading_path: String,
    pub page: Option<u32>,
    pub url: Option<String>,
    /// The passage around the match; `highlights` are byte ranges in it.
    pub snippet: String,
    pub highlights: Vec<(usize, usize)>,
    pub score: f32,
}

/// "Test your bot": what a visitor asking the question would be answered, and the passages
/// behind it, best first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BotTest {
    pub answer: String,
    pub info: crate::dto::AnswerInfo,
    /// What the question says of the one asking (intent, sentiment).
    pub insight: crate::dto::MessageInsight,
    /// The prompt a language model would be sent; none when the bot would not ask one.
    pub prompt: Option<String>,
    pub passages: Vec<TestedPassage>,
}

/// One passage a test found.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TestedPassage {
    /// "Warranty and repairs › How to claim".
    pub place: String,
    pub kind: SourceKind,
    /// The fused retrieval score.
    pub score: f32,
    /// Its cosine to the question, with vectors.
    pub cosine: Option<f32>,
    pub snippet: String,
}

/// The knowledge-gaps report (PRD §5.4.4 `GET /api/v1/knowledge-base/gaps`): what visitors
/// asked that the bot answered unsure, could not answer, or answered wrongly (a thumbs down,
/// a teammate's "incorrect"), grouped by topic, most asked first.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KnowledgeGaps {
    pub period: GapPeriod,
    /// Questions the bot answered from its knowledge in the period (not greetings or thanks).
    pub total_queries: u32,
    /// Answered with confidence under 0.70.
    pub low_confidence_queries: u32,
    /// The bot did not know.
    pub no_result_queries: u32,
    /// Visitors' thumbs down.
    pub thumbs_down: u32,
    /// Answers a teammate marked incorrect.
    pub marked_incorrect: u32,
    pub gaps: Vec<KnowledgeGap>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GapPeriod {
    /// RFC 3339, UTC.
    pub start: String,
    pub end: String,
}

/// One topic visitors asked about that the knowledge does not answer well.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KnowledgeGap {
    /// The words the questions share ("mobile app").
    pub query_pattern: String,
    /// How many questions.
    pub count: u32,
    pub avg_confidence: f32,
    /// Up to five of the questions, most recent first.
    pub sample_queries: Vec<String>,
    pub thumbs_down: u32,
    pub marked_incorrect: u32,
    /// When it was last asked (RFC 3339).
    pub last_asked_at: String,
    pub suggested_action: String,
    /// Asked again now, the bot answers it with confidence ≥ 0.70 (an FAQ or a source was
    /// added since): the gap is closed.
    pub answered_now: bool,
    /// The confidence the bot has for the first sample question now.
    pub confidence_now: f32,
    /// The passages the bot finds for it now, best first: what an FAQ draft starts from.
    pub best_passages: Vec<GapPassage>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct GapPassage {
    /// "Guide › Installing".
    pub place: String,
    pub content: String,
}

/// The Knowledge page's data for one bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnowledgePage {
    pub chatbot_id: BotId,
    pub bot_name: String,
    pub sources: Vec<SourceCard>,
    /// May the viewer add, change and delete (owners and admins)?
    pub can_manage: bool,
    /// The plan's per-file limit in bytes, for the upload's own check.
    pub max_file_bytes: u64,
    /// Files the plan allows (`None`: no limit) and files the organization has.
    pub max_files: Option<u32>,
    pub files: u32,
    /// Set when retrieval runs on keywords alone (no embedding model): what that means.
    pub keyword_only: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overall_progress_only_moves_forward_through_the_steps() {
        let steps =
            [SourceStatus::Pending, SourceStatus::Extracting, SourceStatus::Chunking, SourceStatus::Indexing];
        let mut last = 0;
        for step in steps {
            for within in [0, 50, 100] {
                let now = step.overall(within);
                assert!(now >= last, "{step:?} {within}: {now} < {last}");
                last = now;
            }
        }
        assert_eq!(SourceStatus::Completed.overall(0), 100);
        assert!(SourceStatus::Indexing.overall(99) < 100);
        assert!(SourceStatus::Crawling.overall(0) >= SourceStatus::Pending.overall(100));
        assert!(SourceStatus::Crawling.overall(100) < 100);
    }

    #[test]
    fn kinds_and_statuses_read_back_by_name() {
        for kind in SourceKind::ALL {
            assert_eq!(serde_json::to_string(kind).expect("writes"), format!("\"{}\"", kind.as_str()));
            assert_eq!(kind.as_str().parse::<SourceKind>(), Ok(*kind));
        }
        for status in SourceStatus::ALL {
            assert_eq!(serde_json::to_string(status).expect("writes"), format!("\"{}\"", status.as_str()));
        }
        assert!(serde_json::from_str::<SourceStatus>("\"done\"").is_err());
    }
}
