//! What pages, the widget and API clients are shown: ids, conversations, messages, search hits.
//! Plain data with a stable JSON shape; no behaviour beyond parsing and display.

use std::str::FromStr;

use crate::names::by_name;
use serde::{Deserialize, Serialize};

pub use crate::ids::{BotId, ConversationId, MessageId, OrganizationId, WorkspaceId};

/// The PRD §5.3.1 conversation states (wire names are the PRD's).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum ConversationStatus {
    Active,
    Waiting,
    Escalated,
    AgentHandling,
    Resolved,
    Abandoned,
    Archived,
}

impl ConversationStatus {
    /// The lifecycle (PRD §5.3.1), in one place: whether a conversation in this state may move
    /// to `next`. The PRD's transitions, its automatic ones (agent silent → waiting), anything
    /// to archived, and one of ours: a visitor writing into an abandoned conversation reopens
    /// it (abandoned → active), so no message lands in a closed conversation.
    pub fn can_become(self, next: Self) -> bool {
        use ConversationStatus::*;
        matches!(
            (self, next),
            (Active, Waiting)
                | (Active, Escalated)
                | (Waiting, Active)
                | (Waiting, Abandoned)
                | (Escalated, AgentHandling)
                | (AgentHandling, Resolved)
                | (AgentHandling, Active)
                | (AgentHandling, Waiting)
                | (Resolved, Active)
                | (Abandoned, Active)
        ) || (next == Archived && self != Archived)
    }

    pub const ALL: [Self; 7] = [
        Self::Active,
        Self::Waiting,
        Self::Escalated,
        Self::AgentHandling,
        Self::Resolved,
        Self::Abandoned,
        Self::Archived,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Active => "active",
            Self::Waiting => "waiting",
            Self::Escalated => "escalated",
            Self::AgentHandling => "agent_handling",
            Self::Resolved => "resolved",
            Self::Abandoned => "abandoned",
            Self::Archived => "archived",
        }
    }

    /// The statuses of a conversation still under way (the inbox's "mine" and "unassigned").
    pub const OPEN: [Self; 4] = [Self::Active, Self::Waiting, Self::Escalated, Self::AgentHandling];

    pub fn is_open(self) -> bool {
        Self::OPEN.contains(&self)
    }

    /// Words for a badge in the dashboard.
    pub fn label(self) -> &'static str {
        match self {
            Self::Active => "Active",
            Self::Waiting => "Waiting",
            Self::Escalated => "Escalated",
            Self::AgentHandling => "Agent handling",
            Self::Resolved => "Resolved",
            Self::Abandoned => "Abandoned",
            Self::Archived => "Archived",
        }
    }
}

impl FromStr for ConversationStatus {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::ALL
            .into_iter()
            .find(|status| status.as_str() == s)
            .ok_or_else(|| format!("unknown conversation status `{s}`"))
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum SenderKind {
    Visitor,
    Bot,
    Agent,
}

impl SenderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Visitor => "visitor",
            Self::Bot => "bot",
            Self::Agent => "agent",
        }
    }
}

impl FromStr for SenderKind {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "visitor" => Ok(Self::Visitor),
            "bot" => Ok(Self::Bot),
            "agent" => Ok(Self::Agent),
            other => Err(format!("unknown sender kind `{other}`")),
        }
    }
}

/// Who wrote a message, as the PRD's `sender` object.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Sender {
    #[serde(rename = "type")]
    pub kind: SenderKind,
    pub name: String,
}

/// One stored message. `seq` orders messages within a conversation and lets a client that
/// reconnects ask for everything after the last one it saw.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessageView {
    pub id: MessageId,
    pub conversation_id: ConversationId,
    pub seq: i64,
    pub sender: Sender,
    pub content: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    /// The id the sending client chose, echoed so it can match its optimistic copy.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_msg_id: Option<String>,
    /// For a bot's answer: what it was based on and how sure it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub answer: Option<Box<AnswerInfo>>,
    /// For a bot's answer: the visitor's thumbs, up (`true`) or down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub helpful: Option<bool>,
    /// For a bot's answer: a teammate's review (never sent to the visitor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verdict: Option<AnswerVerdict>,
    /// For a visitor's message: what they want and how they sound (never sent to the visitor).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub insight: Option<MessageInsight>,
}

impl MessageView {
    /// The message as a visitor may see it: without what the team noted (a review of an
    /// answer, the intent and sentiment read from the visitor's words).
    pub fn for_visitor(self) -> Self {
        let answer = self.answer.map(|a| Box::new(AnswerInfo { cost_micros: None, ..*a }));
        Self { verdict: None, insight: None, answer, ..self }
    }
}

/// What a visitor's message says of its writer (PRD §5.5.4, §5.5.5), stored with it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MessageInsight {
    pub intent: Intent,
    /// How sure the classifier is of the intent, in [0, 1].
    pub intent_confidence: f32,
    pub sentiment: Sentiment,
    /// From −1 (furious) to 1 (delighted).
    pub sentiment_score: f32,
}

/// The scores are never NaN (the classifiers clamp them), so equality is total.
impl Eq for MessageInsight {}

/// What the visitor wants (PRD §5.5.4's list).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum Intent {
    PasswordReset,
    AccountCreation,
    LoginIssue,
    AccountDeletion,
    BillingQuestion,
    SubscriptionUpgrade,
    SubscriptionCancel,
    RefundRequest,
    PaymentIssue,
    TechnicalIssue,
    FeatureQuestion,
    IntegrationHelp,
    BugReport,
    PricingInquiry,
    FeatureRequest,
    ProductComparison,
    GeneralQuestion,
    Greeting,
    Gratitude,
    Complaint,
    SpeakToHuman,
    Unknown,
}

by_name!(Intent, "intent" {
    PasswordReset = "password_reset",
    AccountCreation = "account_creation",
    LoginIssue = "login_issue",
    AccountDeletion = "account_deletion",
    BillingQuestion = "billing_question",
    SubscriptionUpgrade = "subscription_upgrade",
    SubscriptionCancel = "subscription_cancel",
    RefundRequest = "refund_request",
    PaymentIssue = "payment_issue",
    TechnicalIssue = "technical_issue",
    FeatureQuestion = "feature_question",
    IntegrationHelp = "integration_help",
    BugReport = "bug_report",
    PricingInquiry = "pricing_inquiry",
    FeatureRequest = "feature_request",
    ProductComparison = "product_comparison",
    GeneralQuestion = "general_question",
    Greeting = "greeting",
    Gratitude = "gratitude",
    Complaint = "complaint",
    SpeakToHuman = "speak_to_human",
    Unknown = "unknown",
});

impl Intent {
    /// The intent in words ("Billing question").
    pub fn label(self) -> String {
        let name = self.as_str().replace('_', " ");
        let mut chars = name.chars();
        chars.next().map(|c| c.to_uppercase().chain(chars).collect()).unwrap_or_default()
    }
}

/// How the visitor sounds (PRD §5.5.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum Sentiment {
    /// Angry, frustrated.
    VeryNegative,
    /// Disappointed, unhappy.
    Negative,
    /// Factual.
    Neutral,
    /// Satisfied, appreciative.
    Positive,
    /// Delighted.
    VeryPositive,
}

by_name!(Sentiment, "sentiment" {
    VeryNegative = "very_negative",
    Negative = "negative",
    Neutral = "neutral",
    Positive = "positive",
    VeryPositive = "very_positive",
});

impl Sentiment {
    /// The band in words, as the inbox shows it.
    pub fn label(self) -> &'static str {
        match self {
            Self::VeryNegative => "frustrated",
            Self::Negative => "unhappy",
            Self::Neutral => "neutral",
            Self::Positive => "happy",
            Self::VeryPositive => "delighted",
        }
    }
}

/// A teammate's review of one bot answer (PRD story 4.3: "mark responses as correct or
/// incorrect"); incorrect answers show in the knowledge-gaps report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum AnswerVerdict {
    Correct,
    Incorrect,
}

by_name!(AnswerVerdict, "verdict" { Correct = "correct", Incorrect = "incorrect" });

/// What the answer engine knew when the bot answered: shown to the visitor as source links,
/// to agents and owners as the answer's evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnswerInfo {
    /// How sure the bot was that this answers the question, in [0, 1].
    pub confidence: f32,
    pub outcome: AnswerOutcome,
    /// The passages it answered from, best first.
    #[serde(default)]
    pub sources: Vec<AnswerSource>,
    /// Why the conversation was handed to a person, when it was.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub handover_reason: Option<String>,
    /// Which answerer wrote it: "built-in" or the LLM's model.
    #[serde(default)]
    pub model: String,
    #[serde(default)]
    pub retrieval_ms: u32,
    #[serde(default)]
    pub generation_ms: u32,
    /// The model's tokens read and written (0 for the built-in answerer).
    #[serde(default)]
    pub tokens_in: u32,
    #[serde(default)]
    pub tokens_out: u32,
    /// What the model's tokens cost at list price, in micro-dollars (0 for the built-in
    /// answerer and a self-hosted model; absent when the model's price is not known). Never
    /// sent to a visitor.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost_micros: Option<u64>,
    /// Why the configured model did not write it, when the built-in answer stood in.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback_reason: Option<String>,
    /// The answer's formatting (lists, links, bold, code), when it has any: drawn in place of
    /// the plain text. The message's `content` keeps the words as written.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub formatted: Vec<crate::format::Block>,
}

/// `confidence` is never NaN (the engine clamps it into [0, 1]), so equality is total.
impl Eq for AnswerInfo {}

/// How the bot decided to answer (PRD §5.5.3's confidence bands, plus the cases that need no
/// knowledge).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AnswerOutcome {
    /// Sure enough to answer.
    Answered,
    /// Answered, saying it may not be exactly what was asked.
    Caveat,
    /// Answered with what it found, and offered a person.
    SuggestPerson,
    /// Did not know: said so and offered a person.
    Declined,
    /// Handed the conversation to a person (`handover_reason` says why).
    HandedOver,
    /// A greeting or thanks, answered without knowledge.
    SmallTalk,
}

impl AnswerOutcome {
    /// How the bot decided, in words (the inbox, the test panel).
    pub fn label(self) -> &'static str {
        match self {
            Self::Answered => "Answered",
            Self::Caveat => "Answered with a caveat",
            Self::SuggestPerson => "Answered, suggested a person",
            Self::Declined => "Did not know",
            Self::HandedOver => "Handed over",
            Self::SmallTalk => "Small talk",
        }
    }
}

/// One passage an answer came from, as it is cited.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AnswerSource {
    pub source_id: crate::ids::SourceId,
    /// "Warranty and repairs › How to claim", with ", page 3" for a PDF page.
    pub title: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
    #[serde(default)]
    pub snippet: String,
}

/// One of twelve avatar colours, the same for the same name everywhere (`avatar-hue-N`).
pub fn avatar_hue(name: &str) -> u32 {
    // FNV-1a: stable across builds and targets, unlike std's hasher.
    let hash = name.bytes().fold(0x811c_9dc5_u32, |h, b| (h ^ u32::from(b)).wrapping_mul(0x0100_0193));
    hash % 12
}

/// Up to two initials for an avatar ("Amber Otter" → "AO").
pub fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next()).take(2).flat_map(char::to_uppercase).collect()
}

/// A conversation as the dashboard's list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConversationView {
    pub id: ConversationId,
    pub bot_id: BotId,
    pub bot_name: String,
    pub visitor_name: String,
    /// From the pre-chat or offline form, when the visitor gave it.
    pub visitor_email: Option<String>,
    pub status: ConversationStatus,
    pub preview: String,
    pub message_count: i64,
    /// RFC 3339, UTC.
    pub started_at: String,
    /// RFC 3339, UTC: the last change of any kind.
    pub updated_at: String,
    /// RFC 3339, UTC: when the visitor or an agent last wrote. The inbox shows escalated
    /// conversations first, then sorts by this, newest first.
    #[serde(default)]
    pub last_activity_at: String,
    /// The agent holding the conversation (or who resolved it).
    #[serde(default)]
    pub assigned_agent: Option<AgentRef>,
    /// RFC 3339, UTC, when an agent resolved it.
    #[serde(default)]
    pub resolved_at: Option<String>,
    /// The visitor's answer to the survey after resolution.
    #[serde(default)]
    pub satisfaction: Option<Satisfaction>,
    /// The mood of the visitor's latest message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<Sentiment>,
    /// The team's tags, in the order they were added.
    #[serde(default)]
    pub tags: Vec<String>,
    /// A transfer the holder asked of a teammate, waiting for their answer.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transfer: Option<crate::assignment::TransferView>,
}

/// A member of the team as a visitor and the inbox see them in a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AgentRef {
    pub id: uuid::Uuid,
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub avatar_url: Option<String>,
    /// Job title from their profile ("Support Specialist").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<String>,
}

/// A visitor's rating of a resolved conversation (PRD "satisfaction_rating").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Satisfaction {
    /// 1 (bad) to 5 (great).
    pub score: u8,
    pub comment: Option<String>,
    /// RFC 3339, UTC.
    pub rated_at: String,
}

/// One line of a conversation's history: created, escalated, agent_joined, returned_to_ai,
/// agent_left, resolved, reopened, rated, abandoned, archived.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConversationEventView {
    pub kind: String,
    /// `visitor`, `agent`, `bot` or `system`.
    pub actor_kind: String,
    pub actor_name: Option<String>,
    /// The event's details: `from`/`to` states, a resolution `note`, a rating's `score` and
    /// `comment`.
    #[cfg_attr(feature = "ssr", schema(value_type = Object))]
    pub data: serde_json::Value,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// A conversation with everything an agent needs to take it: its messages and its history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ConversationDetail {
    pub conversation: ConversationView,
    pub messages: Vec<MessageView>,
    pub events: Vec<ConversationEventView>,
    /// The team's internal notes, oldest first (never the visitor's to see).
    #[serde(default)]
    pub notes: Vec<NoteView>,
    /// The customer's other conversations (the same visitor, or the same email), newest
    /// first: their history, and what can be merged into this one.
    #[serde(default)]
    pub others: Vec<ConversationView>,
}

/// An internal note on a conversation: Markdown by a teammate, `@mentions` resolved to the
/// teammates named (who are told live). Only the team ever reads it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct NoteView {
    pub id: uuid::Uuid,
    pub conversation_id: ConversationId,
    pub author: AgentRef,
    /// As written (Markdown).
    pub content: String,
    /// The note drawn: paragraphs, lists, links, bold, code (`app::format`), never raw HTML.
    #[serde(default)]
    pub formatted: Vec<crate::format::Block>,
    #[serde(default)]
    pub mentions: Vec<AgentRef>,
    /// RFC 3339, UTC.
    pub created_at: String,
}

/// What an agent does with a conversation from the inbox or the REST API.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConversationAction {
    /// Take it from the bot (or the queue); with a first message, optionally.
    TakeOver { message: Option<String> },
    /// Write to the visitor (taking the conversation over first if nobody holds it).
    Reply { content: String },
    /// Give it back to the bot.
    ReturnToBot,
    /// Close it; the visitor is asked to rate it.
    Resolve { note: Option<String> },
}

/// The organization's profile (PRD story 1.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OrganizationView {
    pub id: OrganizationId,
    pub name: String,
    pub slug: String,
    pub website: Option<String>,
    pub industry: Option<String>,
    /// One of `1-10`, `11-50`, `51-200`, `201-1000`, `1000+`.
    pub company_size: Option<String>,
    /// `#rrggbb`.
    pub primary_color: Option<String>,
    pub secondary_color: Option<String>,
    /// `/files/logos/…`, when a logo was uploaded.
    #[serde(default)]
    pub logo_url: Option<String>,
}

/// Company sizes the profile offers.
pub const COMPANY_SIZES: [&str; 5] = ["1-10", "11-50", "51-200", "201-1000", "1000+"];

pub use crate::billing::WorkspaceView;

/// A bot as the API lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChatbotView {
    pub id: BotId,
    pub workspace_id: WorkspaceId,
    pub name: String,
    pub status: String,
    pub description: String,
    /// The key in the embed snippet (`data-bot`).
    pub public_key: String,
    pub greeting: String,
    /// The one line to paste into a site: `<script src="…/embed.js" data-bot="…" async></script>`.
    pub embed_code: String,
    /// Where the widget was last seen running (the loader's ping), and when (RFC 3339).
    pub installed_origin: Option<String>,
    pub installed_seen_at: Option<String>,
    /// What the bot says when it has no answer.
    pub fallback_message: String,
    pub settings: crate::bot_settings::BotSettings,
    pub personality: Personality,
    /// The configuration's version: 1 when created, bumped by every change.
    pub version: i32,
    pub created_at: String,
    /// When it was archived (then `status` is `archived` and its widget is off).
    pub archived_at: Option<String>,
}

/// How a bot speaks (PRD story 1.2): the voice its answers take.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum Personality {
    #[default]
    Professional,
    Friendly,
    Casual,
}

impl Personality {
    pub const ALL: [Self; 3] = [Self::Professional, Self::Friendly, Self::Casual];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Professional => "professional",
            Self::Friendly => "friendly",
            Self::Casual => "casual",
        }
    }

    pub fn parse(text: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|p| p.as_str() == text)
    }

    /// What the guided flow shows beside each choice.
    pub fn label(self) -> (&'static str, &'static str) {
        match self {
            Self::Professional => ("Professional", "Clear and courteous, no small talk."),
            Self::Friendly => ("Friendly", "Warm and helpful, like your best support person."),
            Self::Casual => ("Casual", "Relaxed and brief, first names and plain words."),
        }
    }
}

impl std::str::FromStr for Personality {
    type Err = String;
    fn from_str(name: &str) -> Result<Self, String> {
        Self::parse(name).ok_or_else(|| format!("unknown personality `{name}`"))
    }
}

/// One version of a bot's configuration, with what changed from the version before
/// (`GET /api/v1/chatbots/{id}/versions`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BotVersionView {
    pub version: i32,
    /// "Created", "Settings changed", "Restored version 2"…
    pub summary: String,
    pub changed_by: Option<String>,
    pub created_at: String,
    /// Each changed field (dotted path such as `settings.widget.position`) with its value
    /// before and after; empty for the first version.
    pub changes: Vec<FieldChange>,
}

/// A field's value before and after a change, as text a person reads.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

/// What the loader (`embed.js`) needs to draw the launcher on the host page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct LoaderConfig {
    pub name: String,
    pub widget: crate::bot_settings::WidgetSettings,
}

/// What the widget needs to draw itself before the first message (sent on connect and again,
/// as `widget:config`, whenever the bot's settings change).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct BotProfile {
    pub name: String,
    pub greeting: String,
    pub avatar_url: Option<String>,
    /// The panel's look from the bot's widget settings, ready to apply: CSS classes
    /// (`scheme-dark bubble-square font-large`) and custom properties (`--accent:#…;…`). Flat
    /// strings keep the widget's decoder (and so its download) small.
    pub look_class: String,
    pub look_style: String,
    /// What the pre-chat form asks.
    pub collect_name: bool,
    pub collect_email: bool,
    /// Inside business hours (or none set): chat; outside: the offline form.
    pub online: bool,
    pub offline_message: String,
    pub show_typing_indicator: bool,
    /// The bot's language; `None` follows the browser.
    pub language: Option<String>,
    /// Whether the widget sends the visitor's draft to the team while they type.
    #[serde(default)]
    pub share_drafts: bool,
}

/// A message found by full-text search. `highlights` are byte ranges of `snippet` that matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SearchHit {
    pub message_id: MessageId,
    pub conversation_id: ConversationId,
    pub sender_kind: SenderKind,
    pub snippet: String,
    pub highlights: Vec<(usize, usize)>,
    pub created_at: String,
    /// Who the conversation is with (the name they gave, or their readable alias).
    #[serde(default)]
    pub visitor_name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_status_round_trips_through_its_wire_name() {
        for status in ConversationStatus::ALL {
            assert_eq!(status.as_str().parse::<ConversationStatus>(), Ok(status));
            let json = serde_json::to_string(&status).expect("serializes");
            assert_eq!(json, format!("\"{}\"", status.as_str()));
        }
        assert!("open".parse::<ConversationStatus>().is_err());
    }

    #[test]
    fn the_lifecycle_allows_exactly_the_prd_transitions() {
        use ConversationStatus::*;
        let allowed = [
            (Active, Waiting),
            (Active, Escalated),
            (Waiting, Active),
            (Waiting, Abandoned),
            (Escalated, AgentHandling),
            (AgentHandling, Resolved),
            (AgentHandling, Active),
            (AgentHandling, Waiting),
            (Resolved, Active),
            (Abandoned, Active),
        ];
        for from in ConversationStatus::ALL {
            for to in ConversationStatus::ALL {
                let expected = allowed.contains(&(from, to)) || (to == Archived && from != Archived);
                assert_eq!(from.can_become(to), expected, "{from:?} -> {to:?}");
            }
        }
        assert!(!Archived.can_become(Active), "archived is the end");
        assert!(!Escalated.can_become(Resolved), "an escalation is resolved by the agent who takes it");
    }
}

/// An integration credential as lists show it: never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CredentialView {
    pub id: uuid::Uuid,
    pub provider: String,
    pub label: String,
    /// `…` and the secret's last four characters.
    pub hint: String,
    pub created_at: String,
}

/// Services an integration credential may be for.
pub const CREDENTIAL_PROVIDERS: [&str; 8] =
    ["slack", "zendesk", "hubspot", "salesforce", "openai", "smtp", "webhook", "custom"];

/// A mail the server sent (or tried to), as the Outbox page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct OutboxEntry {
    pub id: uuid::Uuid,
    pub to: String,
    pub subject: String,
    /// The text; a personal sign-in link for someone else is hidden.
    pub body: String,
    pub kind: String,
    pub created_at: String,
    /// When the SMTP server took it; `None` without SMTP or on failure.
    pub sent_at: Option<String>,
    pub error: Option<String>,
}

/// An API key as lists show it: never the key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ApiKeyView {
    pub id: uuid::Uuid,
    pub name: String,
    /// The key's first characters, e.g. `cs_live_ab12`.
    pub prefix: String,
    pub role: crate::auth::Role,
    pub created_at: String,
    pub last_used_at: Option<String>,
}

/// A key just created: the only time `key` is shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CreatedApiKey {
    pub key: String,
    pub api_key: ApiKeyView,
}

crate::names::by_name!(@decode ConversationStatus, SenderKind, Personality);
