//! A conversation's transcript to download (issue "The agent inbox"): CSV, one row per
//! message; JSON, the conversation with its messages as the REST API gives them; or a PDF to
//! read and print (`pdf`) — the
//! visitor's, the bot's and the team's words as they were, never the team's internal notes.

use app::{
    ApiError,
    dto::{ConversationId, MessageView},
    ssr::Viewer,
};

use super::ConversationService;
use crate::error::Result;

/// How a transcript is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TranscriptFormat {
    Csv,
    Json,
    Pdf,
}

impl TranscriptFormat {
    /// `csv` or `json`; anything else is a validation error naming `format`.
    pub fn parse(name: Option<&str>) -> std::result::Result<Self, ApiError> {
        match name.map(str::trim).filter(|n| !n.is_empty()) {
            None | Some("json") => Ok(Self::Json),
            Some("csv") => Ok(Self::Csv),
            Some("pdf") => Ok(Self::Pdf),
            Some(_) => Err(ApiError::validation("format", "Choose the format csv, json or pdf.")),
        }
    }
}

/// A file to send: its name, type and bytes.
pub struct Transcript {
    pub filename: String,
    pub content_type: &'static str,
    pub body: Vec<u8>,
}

impl ConversationService {
    /// The conversation's transcript in `format`, for anyone who may read it.
    #[tracing::instrument(skip(self, viewer), fields(org = %viewer.organization_id))]
    pub async fn transcript(
        &self,
        viewer: &Viewer,
        id: ConversationId,
        format: TranscriptFormat,
    ) -> Result<Transcript> {
        let detail = self.detail(viewer, id).await?;
        let day = detail.conversation.started_at.get(..10).unwrap_or_default().to_owned();
        let stem = format!("conversation-{day}-{}", &id.to_string()[..8]);
        Ok(match format {
            TranscriptFormat::Json => Transcript {
                filename: format!("{stem}.json"),
                content_type: "application/json",
                body: serde_json::to_vec_pretty(&serde_json::json!({
                    "conversation": detail.conversation,
                    "messages": detail.messages,
                }))
                .map_err(anyhow::Error::from)?,
            },
            TranscriptFormat::Pdf => Transcript {
                filename: format!("{stem}.pdf"),
                content_type: "application/pdf",
                body: super::pdf::transcript_pdf(&detail.conversation, &detail.messages)?,
            },
            TranscriptFormat::Csv => Transcript {
                filename: format!("{stem}.csv"),
                content_type: "text/csv; charset=utf-8",
                body: csv_rows(&detail.messages)?,
            },
        })
    }
}

/// One row per message, oldest first.
fn csv_rows(messages: &[MessageView]) -> Result<Vec<u8>> {
    let mut out = csv::Writer::from_writer(Vec::new());
    let header = [
        "seq",
        "sent_at",
        "sender_type",
        "sender_name",
        "content",
        "intent",
        "sentiment",
        "confidence",
        "sources",
    ];
    out.write_record(header).map_err(anyhow::Error::from)?;
    for m in messages {
        let sources = m
            .answer
            .as_ref()
            .map(|a| a.sources.iter().map(|s| s.title.as_str()).collect::<Vec<_>>().join("; "))
            .unwrap_or_default();
        out.write_record([
            m.seq.to_string(),
            m.created_at.clone(),
            m.sender.kind.as_str().to_owned(),
            cell(&m.sender.name),
            cell(&m.content),
            m.insight.map(|i| i.intent.as_str().to_owned()).unwrap_or_default(),
            m.insight.map(|i| i.sentiment.as_str().to_owned()).unwrap_or_default(),
            m.answer.as_ref().map(|a| format!("{:.2}", a.confidence)).unwrap_or_default(),
            cell(&sources),
        ])
        .map_err(anyhow::Error::from)?;
    }
    out.into_inner().map_err(|e| anyhow::anyhow!("writing the transcript: {e}").into())
}

/// A visitor's words as a spreadsheet cell: text that a spreadsheet would read as a formula
/// (`=`, `+`, `-`, `@` first) starts with `'`, so opening the file runs nothing.
fn cell(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) { format!("'{text}") } else { text.to_owned() }
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_formula_in_a_message_stays_text_in_a_spreadsheet() {
        assert_eq!(super::cell("=HYPERLINK(\"http://evil\")"), "'=HYPERLINK(\"http://evil\")");
        assert_eq!(super::cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(super::cell("Hello"), "Hello");
    }
}
