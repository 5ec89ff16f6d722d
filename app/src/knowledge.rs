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
    Extracting,
    Chunking,
    Indexing,
    Completed,
    Failed,
}

by_name!(SourceStatus, "source status" {
    Pending = "pending", Extracting = "extracting", Chunking = "chunking", Indexing = "indexing",
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
            Self::Chunking => (40, 20),
            Self::Indexing => (60, 40),
            Self::Completed | Self::Failed => return 100,
        };
        (from + span * within / 100) as u8
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Waiting",
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

/// The Knowledge page's data for one bot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KnowledgePage {
    pub chatbot_id: BotId,
    pub bot_name: String,
    pub sources: Vec<SourceView>,
    /// May the viewer add, change and delete (owners and admins)?
    pub can_manage: bool,
    /// The plan's per-file limit in bytes, for the upload's own check.
    pub max_file_bytes: u64,
    /// Files the plan allows (`None`: no limit) and files the organization has.
    pub max_files: Option<u32>,
    pub files: u32,
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
