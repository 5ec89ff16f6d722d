//! The inbox's list (issue "The agent inbox", PRD story 3.1, §5.3.3): which conversations an
//! agent is looking at — a view ("mine", "unassigned", "escalated"), filters, an order and a
//! page — read from the page's URL and from the REST query string by one parser, and the one
//! predicate ([`InboxQuery::matches`]) the page applies to live updates, so a conversation that
//! stops fitting the view leaves it and one that starts fitting arrives without a reload.

use serde::{Deserialize, Serialize};

use crate::{
    ApiError,
    dto::{ConversationStatus, ConversationView, Sentiment},
    error::FieldError,
    ids::BotId,
    names::by_name,
};

/// Longest tag name, in characters.
pub const MAX_TAG_CHARS: usize = 32;

/// A tag as stored and shown: trimmed, lower case, spaces and `_` as `-`; letters, digits and
/// `-` (nothing a `LIKE` pattern or the stored list's commas would read specially).
pub fn tag_name(raw: &str) -> Result<String, ApiError> {
    let name: String =
        raw.trim().to_lowercase().replace('_', " ").split_whitespace().collect::<Vec<_>>().join("-");
    if name.is_empty() {
        return Err(ApiError::validation("tags", "A tag needs a name."));
    }
    if name.chars().count() > MAX_TAG_CHARS {
        return Err(ApiError::validation(
            "tags",
            format!("Keep tags to {MAX_TAG_CHARS} characters or fewer."),
        ));
    }
    if !name.chars().all(|c| c.is_alphanumeric() || c == '-') {
        return Err(ApiError::validation(
            "tags",
            format!("“{}” has a character tags cannot hold: use letters, digits and -.", raw.trim()),
        ));
    }
    Ok(name)
}

/// Conversations per page of the inbox (the REST `limit` defaults to it).
pub const INBOX_PAGE_SIZE: u64 = 25;
/// The most a REST caller may ask for in one page.
pub const INBOX_MAX_LIMIT: u64 = 100;

/// The inbox's tabs: each a preset over the filters, counted for the whole organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum InboxView {
    /// Every conversation, open or closed.
    #[default]
    All,
    /// Open conversations the viewer holds.
    Mine,
    /// Open conversations no agent holds (the bot's, and those waiting for a person).
    Unassigned,
    /// Conversations waiting for a person (the visitor asked, or the bot handed over).
    Escalated,
}

by_name!(InboxView, "view" {
    All = "all",
    Mine = "mine",
    Unassigned = "unassigned",
    Escalated = "escalated",
});

impl InboxView {
    pub fn label(self) -> &'static str {
        match self {
            Self::All => "All",
            Self::Mine => "Mine",
            Self::Unassigned => "Unassigned",
            Self::Escalated => "Escalated",
        }
    }
}

/// The list's order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case", try_from = "String")]
pub enum InboxSort {
    /// Escalated first (someone waits for a person), then the latest activity first.
    #[default]
    Priority,
    /// The latest activity (the visitor or an agent wrote) first.
    Recent,
    /// The longest wait first: the oldest last activity of the open conversations first.
    Waiting,
}

by_name!(InboxSort, "sort" { Priority = "priority", Recent = "recent", Waiting = "waiting" });

impl InboxSort {
    /// The order the server's query gives, for a list merged with live updates.
    pub fn compare(self, a: &ConversationView, b: &ConversationView) -> std::cmp::Ordering {
        let newest = |a: &ConversationView, b: &ConversationView| {
            b.last_activity_at.cmp(&a.last_activity_at).then_with(|| b.updated_at.cmp(&a.updated_at))
        };
        match self {
            Self::Priority => {
                let escalated = |c: &ConversationView| c.status != ConversationStatus::Escalated;
                escalated(a).cmp(&escalated(b)).then_with(|| newest(a, b))
            }
            Self::Recent => newest(a, b),
            Self::Waiting => {
                let closed = |c: &ConversationView| !c.status.is_open();
                closed(a).cmp(&closed(b)).then_with(|| newest(b, a))
            }
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Priority => "Escalated first",
            Self::Recent => "Latest activity",
            Self::Waiting => "Longest waiting",
        }
    }
}

/// Whose conversations.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Assignee {
    /// Held by the viewer.
    Me,
    /// Held by nobody.
    Unassigned,
    /// Held by this teammate.
    Agent(uuid::Uuid),
}

impl Assignee {
    pub fn as_param(self) -> String {
        match self {
            Self::Me => "me".into(),
            Self::Unassigned => "unassigned".into(),
            Self::Agent(id) => id.to_string(),
        }
    }
}

impl std::str::FromStr for Assignee {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        match s {
            "me" => Ok(Self::Me),
            "unassigned" => Ok(Self::Unassigned),
            other => other.parse().map(Self::Agent).map_err(|_| format!("unknown assignee `{other}`")),
        }
    }
}

/// What the inbox shows: a view, filters, an order and a page. Every field is optional; the
/// default is every conversation, escalated first, page 1.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboxQuery {
    #[serde(default)]
    pub view: InboxView,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status: Option<ConversationStatus>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bot: Option<BotId>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assignee: Option<Assignee>,
    /// The mood of the visitor's latest message.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sentiment: Option<Sentiment>,
    /// Tagged with this tag.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tag: Option<String>,
    /// Started on or after this day (`YYYY-MM-DD`, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    /// Started on or before this day (`YYYY-MM-DD`, UTC).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    #[serde(default)]
    pub sort: InboxSort,
    /// 1-based.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub page: Option<u64>,
    /// Conversations per page (REST; the page uses [`INBOX_PAGE_SIZE`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub limit: Option<u64>,
}

impl InboxQuery {
    /// Reads the query from named text values (a URL's query, REST parameters); empty values
    /// count as absent. Every value that does not fit is named in the errors (the REST route
    /// refuses the request with them; the page ignores them and shows the rest).
    pub fn parse(get: impl Fn(&str) -> Option<String>) -> (Self, Vec<FieldError>) {
        let mut errors = Vec::new();
        let text = |key: &str| get(key).map(|v| v.trim().to_owned()).filter(|v| !v.is_empty());
        let mut fail =
            |field: &str, message: String| errors.push(FieldError { field: field.into(), message });
        let mut query = Self::default();
        if let Some(v) = text("view") {
            match v.parse() {
                Ok(view) => query.view = view,
                Err(_) => fail("view", "Choose a view: all, mine, unassigned or escalated.".into()),
            }
        }
        if let Some(v) = text("status") {
            match v.parse() {
                Ok(status) => query.status = Some(status),
                Err(_) => fail(
                    "status",
                    format!(
                        "Choose a status: {}.",
                        ConversationStatus::ALL.iter().map(|s| s.as_str()).collect::<Vec<_>>().join(", ")
                    ),
                ),
            }
        }
        // The PRD's REST name is `chatbot_id`; the page's is `bot`.
        if let Some(v) = text("bot").or_else(|| text("chatbot_id")) {
            match v.parse() {
                Ok(bot) => query.bot = Some(bot),
                Err(_) => fail("bot", "Give the bot as its id.".into()),
            }
        }
        if let Some(v) = text("assignee") {
            match v.parse() {
                Ok(who) => query.assignee = Some(who),
                Err(_) => fail("assignee", "Give the assignee as me, unassigned or a teammate's id.".into()),
            }
        }
        if let Some(v) = text("sentiment") {
            match v.parse() {
                Ok(mood) => query.sentiment = Some(mood),
                Err(_) => fail(
                    "sentiment",
                    "Choose a sentiment: very_negative, negative, neutral, positive or very_positive.".into(),
                ),
            }
        }
        if let Some(v) = text("tag") {
            match tag_name(&v) {
                Ok(name) => query.tag = Some(name),
                Err(_) => fail(
                    "tag",
                    format!("A tag is letters, digits and -, at most {MAX_TAG_CHARS} characters."),
                ),
            }
        }
        for (key, slot) in [("from", &mut query.from), ("to", &mut query.to)] {
            if let Some(v) = text(key) {
                if is_day(&v) {
                    *slot = Some(v);
                } else {
                    fail(key, "Give the day as YYYY-MM-DD, for example 2026-12-01.".into());
                }
            }
        }
        if let (Some(from), Some(to)) = (&query.from, &query.to)
            && from > to
        {
            fail("to", "The last day comes before the first.".into());
        }
        if let Some(v) = text("sort") {
            // The PRD's `sort=-updated_at` is the latest activity first.
            let sort = match v.as_str() {
                "-updated_at" | "-last_activity_at" => Ok(InboxSort::Recent),
                "updated_at" | "last_activity_at" => Ok(InboxSort::Waiting),
                other => other.parse(),
            };
            match sort {
                Ok(sort) => query.sort = sort,
                Err(_) => fail("sort", "Sort by priority, recent or waiting.".into()),
            }
        }
        if let Some(v) = text("page") {
            match v.parse::<u64>() {
                Ok(page) if page >= 1 => query.page = Some(page),
                _ => fail("page", "Pages are numbered from 1.".into()),
            }
        }
        if let Some(v) = text("limit") {
            match v.parse::<u64>() {
                Ok(limit) if (1..=INBOX_MAX_LIMIT).contains(&limit) => query.limit = Some(limit),
                _ => fail("limit", format!("Ask for 1 to {INBOX_MAX_LIMIT} conversations a page.")),
            }
        }
        (query, errors)
    }

    /// [`Self::parse`] for the REST route: any value that does not fit refuses the request.
    pub fn parse_strict(get: impl Fn(&str) -> Option<String>) -> Result<Self, ApiError> {
        let (query, errors) = Self::parse(get);
        if errors.is_empty() { Ok(query) } else { Err(ApiError::Validation { fields: errors }) }
    }

    pub fn page(&self) -> u64 {
        self.page.unwrap_or(1).max(1)
    }

    pub fn per_page(&self) -> u64 {
        self.limit.unwrap_or(INBOX_PAGE_SIZE).clamp(1, INBOX_MAX_LIMIT)
    }

    /// Whether the conversation belongs in this list, for the viewer `me` — the same rules the
    /// server's query applies (the page filters live updates with it).
    pub fn matches(&self, c: &ConversationView, me: uuid::Uuid) -> bool {
        // The agent holding it, or who resolved it.
        let assigned = c.assigned_agent.as_ref().map(|a| a.id);
        let view = match self.view {
            InboxView::All => true,
            InboxView::Mine => c.status.is_open() && assigned == Some(me),
            InboxView::Unassigned => c.status.is_open() && assigned.is_none(),
            InboxView::Escalated => c.status == ConversationStatus::Escalated,
        };
        let assignee = match self.assignee {
            None => true,
            Some(Assignee::Me) => assigned == Some(me),
            Some(Assignee::Unassigned) => assigned.is_none(),
            Some(Assignee::Agent(id)) => assigned == Some(id),
        };
        let day = c.started_at.get(..10).unwrap_or_default();
        view && assignee
            && self.status.is_none_or(|s| s == c.status)
            && self.bot.is_none_or(|b| b == c.bot_id)
            && self.sentiment.is_none_or(|s| c.sentiment == Some(s))
            && self.tag.as_ref().is_none_or(|t| c.tags.contains(t))
            && self.from.as_deref().is_none_or(|from| day >= from)
            && self.to.as_deref().is_none_or(|to| day <= to)
    }

    /// The query as URL parameters (without the page), for links that keep the filters.
    pub fn to_params(&self) -> String {
        let mut out: Vec<(&str, String)> = Vec::new();
        if self.view != InboxView::All {
            out.push(("view", self.view.as_str().into()));
        }
        if let Some(s) = self.status {
            out.push(("status", s.as_str().into()));
        }
        if let Some(b) = self.bot {
            out.push(("bot", b.to_string()));
        }
        if let Some(a) = self.assignee {
            out.push(("assignee", a.as_param()));
        }
        if let Some(s) = self.sentiment {
            out.push(("sentiment", s.as_str().into()));
        }
        if let Some(t) = &self.tag {
            out.push(("tag", t.clone()));
        }
        if let Some(f) = &self.from {
            out.push(("from", f.clone()));
        }
        if let Some(t) = &self.to {
            out.push(("to", t.clone()));
        }
        if self.sort != InboxSort::Priority {
            out.push(("sort", self.sort.as_str().into()));
        }
        // Every value is a fixed name, an id or a checked day: nothing to escape.
        out.into_iter().map(|(k, v)| format!("{k}={v}")).collect::<Vec<_>>().join("&")
    }

    /// Whether any filter beyond the view is set.
    pub fn is_filtered(&self) -> bool {
        self.status.is_some()
            || self.bot.is_some()
            || self.assignee.is_some()
            || self.sentiment.is_some()
            || self.tag.is_some()
            || self.from.is_some()
            || self.to.is_some()
    }
}

fn is_day(v: &str) -> bool {
    let b = v.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter().enumerate().all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && (1..=12).contains(&v[5..7].parse::<u32>().unwrap_or(0))
        && (1..=31).contains(&v[8..10].parse::<u32>().unwrap_or(0))
}

/// How many conversations each tab holds, for the whole organization.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboxCounts {
    pub all: u64,
    pub mine: u64,
    pub unassigned: u64,
    pub escalated: u64,
}

impl InboxCounts {
    pub fn of(&self, view: InboxView) -> u64 {
        match view {
            InboxView::All => self.all,
            InboxView::Mine => self.mine,
            InboxView::Unassigned => self.unassigned,
            InboxView::Escalated => self.escalated,
        }
    }
}

/// Where a page sits in the whole list (PRD §5.3.3's `pagination`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Pagination {
    pub page: u64,
    pub limit: u64,
    /// Conversations matching the query, on all pages.
    pub total: u64,
    pub total_pages: u64,
}

impl Pagination {
    pub fn new(page: u64, limit: u64, total: u64) -> Self {
        Self { page, limit, total, total_pages: total.div_ceil(limit.max(1)).max(1) }
    }
}

/// One page of the inbox.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboxListing {
    pub conversations: Vec<ConversationView>,
    pub pagination: Pagination,
    pub counts: InboxCounts,
    /// Who asked (the "mine" view and the live filter read it).
    pub viewer_id: uuid::Uuid,
    /// The organization's bots, by name (the bot filter's choices).
    pub bots: Vec<InboxBot>,
    /// The organization's tags, by name (the tag filter's choices and the autocomplete).
    #[serde(default)]
    pub tags: Vec<TagView>,
    /// The caller's saved filters and the team's shared ones, by name.
    #[serde(default)]
    pub saved: Vec<SavedFilter>,
}

/// A saved inbox filter (PRD §5.3.4): opening it opens the inbox at `query`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SavedFilter {
    pub id: uuid::Uuid,
    pub name: String,
    /// The inbox query as URL parameters (`view=mine&tag=billing`).
    pub query: String,
    /// Seen by the whole team (otherwise only by who saved it).
    pub shared: bool,
    /// Saved by the caller (who may delete it).
    pub mine: bool,
}

impl InboxQuery {
    /// Reads URL parameters (`view=mine&tag=billing`) as [`Self::parse`] does.
    pub fn from_params(params: &str) -> (Self, Vec<FieldError>) {
        let pairs: Vec<(&str, &str)> = params.split('&').filter_map(|kv| kv.split_once('=')).collect();
        Self::parse(|key| pairs.iter().find(|(k, _)| *k == key).map(|(_, v)| (*v).to_owned()))
    }
}

/// A tag of the organization's catalogue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TagView {
    pub name: String,
    /// One of the dashboard's twelve colours (`avatar-hue-N`).
    pub hue: u32,
}

/// A bot as the inbox's filter names it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InboxBot {
    pub id: BotId,
    pub name: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(pairs: &[(&str, &str)]) -> (InboxQuery, Vec<FieldError>) {
        InboxQuery::parse(|k| pairs.iter().find(|(key, _)| *key == k).map(|(_, v)| (*v).to_owned()))
    }

    #[test]
    fn a_query_reads_back_from_its_own_parameters() {
        let (query, errors) = parse(&[
            ("view", "mine"),
            ("status", "escalated"),
            ("assignee", "unassigned"),
            ("sentiment", "very_negative"),
            ("tag", "needs-refund"),
            ("from", "2026-12-01"),
            ("to", "2026-12-07"),
            ("sort", "waiting"),
        ]);
        assert!(errors.is_empty(), "{errors:?}");
        let params = query.to_params();
        let pairs: Vec<(String, String)> = params
            .split('&')
            .map(|kv| kv.split_once('=').map(|(k, v)| (k.to_owned(), v.to_owned())).expect("k=v"))
            .collect();
        let (again, _) =
            InboxQuery::parse(|k| pairs.iter().find(|(key, _)| key == k).map(|(_, v)| v.clone()));
        assert_eq!(again, query);
        assert_eq!(query.view, InboxView::Mine);
        assert_eq!(query.sort, InboxSort::Waiting);
    }

    #[test]
    fn values_that_do_not_fit_are_named_and_empty_ones_ignored() {
        let (query, errors) = parse(&[
            ("status", "lost"),
            ("from", "12/01/2026"),
            ("page", "0"),
            ("limit", "500"),
            ("tag", "a,b"),
            ("bot", ""),
            ("sort", "-updated_at"),
        ]);
        let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(fields, ["status", "tag", "from", "page", "limit"]);
        assert_eq!(query.bot, None);
        assert_eq!(query.sort, InboxSort::Recent, "the PRD's sort name");
        let (_, backwards) = parse(&[("from", "2026-12-07"), ("to", "2026-12-01")]);
        assert_eq!(backwards[0].field, "to");
    }
}
