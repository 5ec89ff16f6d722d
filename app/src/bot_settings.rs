//! A bot's settings (PRD §5.2.1–5.2.2): how its widget looks, when the team is in, what the
//! pre-chat form asks, how the bot behaves. One JSON document per bot; every field has a
//! default, so a partial document (an older row, a PATCH) reads as a whole one. The rules in
//! [`BotSettings::validate`] are the PRD's validation rules and run on the server for every
//! change; the dashboard runs them too, to show errors before a round trip.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::error::{ApiError, FieldError};
use crate::names::by_name;

by_name!(LauncherPosition, "launcher position" { BottomRight = "bottom-right", BottomLeft = "bottom-left" });
by_name!(Size, "size" { Small = "small", Medium = "medium", Large = "large" });
by_name!(ColorScheme, "colour scheme" { Light = "light", Dark = "dark", Auto = "auto" });
by_name!(BubbleStyle, "bubble style" { Rounded = "rounded", Square = "square" });
by_name!(AiProvider, "answer writer" { Platform = "platform", BuiltIn = "built-in", Custom = "custom" });

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BotSettings {
    pub widget: WidgetSettings,
    pub business_hours: BusinessHours,
    pub data_collection: DataCollection,
    pub behavior: BehaviorSettings,
    /// Who writes the bot's answers: the built-in answerer or a language model.
    pub ai: AiSettings,
    /// The widget's language (`en`, `de`, …); `None` follows the visitor's browser.
    pub language: Option<String>,
    /// Sites that may show the widget (CSP `frame-ancestors` sources such as
    /// `https://www.example.com` or `*.example.com`); empty allows any site.
    pub allowed_domains: Vec<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case", try_from = "String")]
pub enum LauncherPosition {
    #[default]
    BottomRight,
    BottomLeft,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum Size {
    Small,
    #[default]
    Medium,
    Large,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum ColorScheme {
    Light,
    Dark,
    #[default]
    Auto,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "lowercase", try_from = "String")]
pub enum BubbleStyle {
    #[default]
    Rounded,
    Square,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct WidgetTheme {
    pub primary_color: String,
    pub secondary_color: String,
    pub text_color: String,
    pub background_color: String,
}

impl Default for WidgetTheme {
    fn default() -> Self {
        Self {
            primary_color: "#4F46E5".into(),
            secondary_color: "#3730A3".into(),
            text_color: "#FFFFFF".into(),
            background_color: "#FFFFFF".into(),
        }
    }
}

/// The launcher the loader draws on the host page, and the look of the chat panel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct WidgetSettings {
    pub position: LauncherPosition,
    pub theme: WidgetTheme,
    /// An https (or same-server) image shown on the launcher and in the panel's header.
    pub avatar_url: Option<String>,
    /// Shown beside the launcher's icon; empty for an icon-only round button.
    pub button_text: String,
    pub size: Size,
    /// Open the panel on page load instead of waiting for a click.
    pub auto_expand: bool,
    pub color_scheme: ColorScheme,
    pub bubble_style: BubbleStyle,
    pub font_size: Size,
}

impl Default for WidgetSettings {
    fn default() -> Self {
        Self {
            position: LauncherPosition::default(),
            theme: WidgetTheme::default(),
            avatar_url: None,
            button_text: String::new(),
            size: Size::Medium,
            auto_expand: false,
            color_scheme: ColorScheme::Auto,
            bubble_style: BubbleStyle::Rounded,
            font_size: Size::Medium,
        }
    }
}

impl WidgetSettings {
    /// The chat panel's look as the widget applies it: CSS classes and custom properties.
    /// Colours are validated hex codes, so the style string cannot carry anything else.
    pub fn look(&self) -> (String, String) {
        let (scheme, bubble, font) =
            (self.color_scheme.as_str(), self.bubble_style.as_str(), self.font_size.as_str());
        let class = format!("scheme-{scheme} bubble-{bubble} font-{font}");
        let t = &self.theme;
        let style = format!(
            "--accent:{};--accent-ink:{};--bg-light:{}",
            t.primary_color, t.text_color, t.background_color
        );
        (class, style)
    }
}

/// Opening hours of one day, `HH:MM` in the bot's timezone; `end` after `start`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DayHours {
    pub start: String,
    pub end: String,
}

pub const WEEKDAYS: [&str; 7] =
    ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"];

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BusinessHours {
    /// Off: the team is always "in" and the widget never shows the offline form.
    pub enabled: bool,
    /// An IANA timezone name (`Europe/Berlin`).
    pub timezone: String,
    /// Weekday name (`monday` … `sunday`) → hours; a missing day is closed.
    pub schedule: BTreeMap<String, DayHours>,
    /// Shown above the "leave a message" form outside the hours.
    pub offline_message: String,
}

impl Default for BusinessHours {
    fn default() -> Self {
        let nine_to_five = DayHours { start: "09:00".into(), end: "17:00".into() };
        Self {
            enabled: false,
            timezone: "UTC".into(),
            schedule: WEEKDAYS[..5].iter().map(|d| ((*d).to_owned(), nine_to_five.clone())).collect(),
            offline_message: "We're away right now. Leave a message and we'll get back to you by email."
                .into(),
        }
    }
}

/// What the pre-chat form asks before the first message.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct DataCollection {
    pub collect_name: bool,
    pub collect_email: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct BehaviorSettings {
    /// How long the bot "types" before it answers, 0–5000 ms.
    pub response_delay_ms: u32,
    pub show_typing_indicator: bool,
    /// Agents see what a visitor is typing before they send it (draft preview). Off by
    /// default: a visitor may not expect it.
    pub share_drafts: bool,
    /// Visitor messages after which the bot offers a person, 0 = never.
    pub max_conversation_length: u32,
    /// What the bot says when it offers a person.
    pub handoff_message: String,
    /// A waiting conversation with no visitor message for this long is abandoned,
    /// 60 000–1 800 000 ms (1–30 minutes).
    pub inactivity_timeout_ms: u32,
}

impl Default for BehaviorSettings {
    fn default() -> Self {
        Self {
            response_delay_ms: 1_000,
            show_typing_indicator: true,
            share_drafts: false,
            max_conversation_length: 50,
            handoff_message: "We've covered a lot. Would you like a person from our team to take over? \
                              Press “Talk to a person” below."
                .into(),
            inactivity_timeout_ms: 300_000,
        }
    }
}

/// Who writes a bot's answers (PRD §5.5.1). Retrieval, confidence and hand-overs are the same
/// for every writer; a model only words the answer from the passages found.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "kebab-case", try_from = "String")]
pub enum AiProvider {
    /// The language model the server is configured with (`OPENAI_BASE_URL` /
    /// `OPENAI_API_KEY`), else the built-in answerer.
    #[default]
    Platform,
    /// Always the built-in extractive answerer: no model, no cost.
    BuiltIn,
    /// The organization's own OpenAI-compatible endpoint and key (OpenAI, vLLM, llama.cpp,
    /// Ollama…).
    Custom,
}

impl AiProvider {
    pub const fn label(self) -> &'static str {
        match self {
            Self::Platform => "ChatSupport's model (built-in when none is set up)",
            Self::BuiltIn => "Built-in answers only (no model)",
            Self::Custom => "Our own OpenAI-compatible endpoint",
        }
    }
}

/// Where a model comes from, as plans name what they include (`allowed_ai_providers`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ModelFamily {
    OpenAi,
    Anthropic,
    Google,
    /// A model on the customer's own server (Ollama, vLLM, llama.cpp…).
    SelfHosted,
}

/// The hosted APIs whose models count as their provider's; any other endpoint is self-hosted.
const PROVIDER_HOSTS: [&str; 3] =
    ["api.openai.com", "api.anthropic.com", "generativelanguage.googleapis.com"];

impl ModelFamily {
    /// A model's family by its name (`gpt-4o-mini`, `claude-sonnet-4.5`, `gemini-1.5-pro`;
    /// anything else is self-hosted).
    pub fn of(model: &str) -> Self {
        let name = model.trim().to_ascii_lowercase();
        let name = name.rsplit('/').next().unwrap_or_default();
        if name.starts_with("gpt-")
            || name.starts_with("chatgpt")
            || ["o1", "o3", "o4"].iter().any(|p| name.starts_with(p))
        {
            Self::OpenAi
        } else if name.starts_with("claude") {
            Self::Anthropic
        } else if name.starts_with("gemini") {
            Self::Google
        } else {
            Self::SelfHosted
        }
    }

    /// Its name in the plan catalog.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::OpenAi => "openai",
            Self::Anthropic => "anthropic",
            Self::Google => "google",
            Self::SelfHosted => "self_hosted",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::OpenAi => "OpenAI models",
            Self::Anthropic => "Anthropic models",
            Self::Google => "Google models",
            Self::SelfHosted => "self-hosted models",
        }
    }
}

impl AiSettings {
    /// The family of the model these settings ask for, which the bot's plan must include;
    /// `None` for the built-in answerer and the server's own default model (every plan has
    /// them). An endpoint other than a provider's hosted API is self-hosted, whatever the
    /// model is called.
    pub fn family(&self) -> Option<ModelFamily> {
        match self.provider {
            AiProvider::BuiltIn => None,
            AiProvider::Platform => self.model.as_deref().map(ModelFamily::of),
            AiProvider::Custom => {
                let host = self
                    .base_url
                    .as_deref()
                    .and_then(|u| u.split("://").nth(1))
                    .and_then(|rest| rest.split(['/', ':']).next())
                    .unwrap_or_default()
                    .to_ascii_lowercase();
                if PROVIDER_HOSTS.contains(&host.as_str()) {
                    Some(ModelFamily::of(self.model.as_deref().unwrap_or("gpt-4o-mini")))
                } else {
                    Some(ModelFamily::SelfHosted)
                }
            }
        }
    }
}

/// How a bot's answers are written (PRD §5.2.1 `ai_settings`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(default)]
pub struct AiSettings {
    pub provider: AiProvider,
    /// The model asked for (`gpt-4o-mini`, `llama3.1:8b`…); `None` is the server's default.
    pub model: Option<String>,
    /// For `custom`: the endpoint's base URL, such as `https://api.openai.com/v1` or
    /// `http://localhost:11434/v1`.
    pub base_url: Option<String>,
    /// For `custom`: the integration credential (provider `openai`) holding the API key;
    /// `None` sends no key (a local server).
    pub credential_id: Option<uuid::Uuid>,
    /// 0–2: how freely the model words its answer.
    pub temperature: f32,
    /// The longest answer, 50–4000 tokens.
    pub max_tokens: u32,
    /// What the owner tells the model besides the knowledge ("never promise delivery
    /// dates"), up to 2000 characters.
    pub instructions: String,
}

/// `temperature` is validated finite (and JSON has no NaN), so equality is total.
impl Eq for AiSettings {}

impl Default for AiSettings {
    fn default() -> Self {
        Self {
            provider: AiProvider::Platform,
            model: None,
            base_url: None,
            credential_id: None,
            temperature: 0.3,
            max_tokens: 500,
            instructions: String::new(),
        }
    }
}

/// Languages the widget speaks.
pub const LANGUAGES: [(&str, &str); 6] = [
    ("en", "English"),
    ("de", "Deutsch"),
    ("es", "Español"),
    ("fr", "Français"),
    ("pt", "Português"),
    ("nl", "Nederlands"),
];

/// Parses `HH:MM` (24 h) to minutes after midnight.
pub fn parse_hhmm(text: &str) -> Option<u32> {
    let (h, m) = text.split_once(':')?;
    if h.len() != 2 || m.len() != 2 {
        return None;
    }
    let (h, m) = (h.parse::<u32>().ok()?, m.parse::<u32>().ok()?);
    (h < 24 && m < 60).then_some(h * 60 + m)
}

/// A CSP host-source: optional `http(s)://`, a host name whose first label may be `*`, and an
/// optional port — nothing that could end the directive or add another.
pub fn is_host_source(text: &str) -> bool {
    let rest = text.strip_prefix("https://").or_else(|| text.strip_prefix("http://")).unwrap_or(text);
    let (host, port) = match rest.rsplit_once(':') {
        Some((host, port)) => (host, Some(port)),
        None => (rest, None),
    };
    let host = host.strip_prefix("*.").unwrap_or(host);
    let labels_ok = !host.is_empty()
        && host.len() <= 253
        && host.split('.').all(|l| {
            !l.is_empty() && l.len() <= 63 && l.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
        });
    labels_ok && port.is_none_or(|p| !p.is_empty() && p.len() <= 5 && p.chars().all(|c| c.is_ascii_digit()))
}

fn is_hex_color(text: &str) -> bool {
    text.strip_prefix('#')
        .is_some_and(|hex| matches!(hex.len(), 3 | 6) && hex.chars().all(|c| c.is_ascii_hexdigit()))
}

impl BotSettings {
    /// Every broken rule, by field path (`widget.theme.primary_color`), or `Ok`.
    pub fn validate(&self) -> Result<(), ApiError> {
        let mut errors = Vec::new();
        let mut fail = |field: &str, message: &str| {
            errors.push(FieldError { field: field.to_owned(), message: message.to_owned() })
        };
        let theme = &self.widget.theme;
        for (field, value) in [
            ("primary_color", &theme.primary_color),
            ("secondary_color", &theme.secondary_color),
            ("text_color", &theme.text_color),
            ("background_color", &theme.background_color),
        ] {
            if !is_hex_color(value) {
                fail(&format!("widget.theme.{field}"), "Use a hex colour such as #4F46E5.");
            }
        }
        if let Some(url) = &self.widget.avatar_url {
            let ok = url.len() <= 500
                && (url.starts_with("https://") || url.starts_with("http://") || url.starts_with("/files/"))
                && !url.contains(['"', '\'', '<', '>', ' ', '(', ')', '\\']);
            if !ok {
                fail("widget.avatar_url", "Use an http(s) address of an image, up to 500 characters.");
            }
        }
        if self.widget.button_text.chars().count() > 30 {
            fail("widget.button_text", "Keep the button text to 30 characters or fewer.");
        }
        let hours = &self.business_hours;
        if !valid_timezone(&hours.timezone) {
            fail("business_hours.timezone", "Pick a timezone from the list, such as Europe/Berlin.");
        }
        for (day, span) in &hours.schedule {
            if !WEEKDAYS.contains(&day.as_str()) {
                fail("business_hours.schedule", "Days are monday … sunday.");
                continue;
            }
            match (parse_hhmm(&span.start), parse_hhmm(&span.end)) {
                (Some(start), Some(end)) if start < end => {}
                (Some(_), Some(_)) => fail(
                    &format!("business_hours.schedule.{day}"),
                    "Closing time must be after opening time.",
                ),
                _ => fail(&format!("business_hours.schedule.{day}"), "Use 24-hour times such as 09:00."),
            }
        }
        if hours.enabled && hours.schedule.is_empty() {
            fail("business_hours.schedule", "Open at least one day, or turn business hours off.");
        }
        if hours.offline_message.trim().is_empty() || hours.offline_message.chars().count() > 500 {
            fail("business_hours.offline_message", "Write an offline message of 1–500 characters.");
        }
        let behavior = &self.behavior;
        if behavior.response_delay_ms > 5_000 {
            fail("behavior.response_delay_ms", "The response delay is 0–5000 ms.");
        }
        if !(60_000..=1_800_000).contains(&behavior.inactivity_timeout_ms) {
            fail("behavior.inactivity_timeout_ms", "The inactivity timeout is 1–30 minutes.");
        }
        if behavior.handoff_message.trim().is_empty() || behavior.handoff_message.chars().count() > 500 {
            fail("behavior.handoff_message", "Write the offer of a person in 1–500 characters.");
        }
        if behavior.max_conversation_length > 1_000 {
            fail(
                "behavior.max_conversation_length",
                "Offer a person after at most 1000 messages (0 = never).",
            );
        }
        let ai = &self.ai;
        if !(0.0..=2.0).contains(&ai.temperature) {
            fail("ai.temperature", "The temperature is 0–2.");
        }
        if ai.instructions.chars().count() > 2_000 {
            fail("ai.instructions", "Keep the instructions to 2000 characters or fewer.");
        }
        if !(50..=4_000).contains(&ai.max_tokens) {
            fail("ai.max_tokens", "The longest answer is 50–4000 tokens.");
        }
        if let Some(model) = &ai.model
            && (model.trim().is_empty()
                || model.len() > 100
                || !model.chars().all(|c| c.is_ascii_alphanumeric() || "-_.:/@".contains(c)))
        {
            fail(
                "ai.model",
                "Name the model as its server does, such as gpt-4o-mini (up to 100 characters).",
            );
        }
        match (&ai.provider, &ai.base_url) {
            (AiProvider::Custom, None) => {
                fail("ai.base_url", "Give the endpoint's address, such as https://api.openai.com/v1.")
            }
            (_, Some(url)) if !is_endpoint_url(url) => {
                fail("ai.base_url", "Use an http(s) address such as https://api.openai.com/v1.")
            }
            _ => {}
        }
        if self.allowed_domains.len() > 20 {
            fail("allowed_domains", "List at most 20 sites.");
        }
        for domain in &self.allowed_domains {
            if !is_host_source(domain) {
                fail(
                    "allowed_domains",
                    &format!(
                        "“{domain}” is not a site address such as https://www.example.com or *.example.com."
                    ),
                );
            }
        }
        if let Some(lang) = &self.language
            && !LANGUAGES.iter().any(|(code, _)| code == lang)
        {
            fail("language", "That language is not available for the widget.");
        }
        if errors.is_empty() { Ok(()) } else { Err(ApiError::Validation { fields: errors }) }
    }
}

/// An http(s) base URL with a host and no spaces or quotes, up to 300 characters.
fn is_endpoint_url(url: &str) -> bool {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
    url.len() <= 300
        && rest.is_some_and(|r| !r.is_empty() && !r.starts_with('/'))
        && !url.contains(['"', '\'', '<', '>', ' ', '\\'])
}

/// A timezone name the server knows. The browser build cannot check it (no tz database), so it
/// accepts any plausible name and leaves the final word to the server.
#[cfg(feature = "ssr")]
pub fn valid_timezone(name: &str) -> bool {
    name.parse::<chrono_tz::Tz>().is_ok()
}

#[cfg(not(feature = "ssr"))]
pub fn valid_timezone(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || "/_+-".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_a_partial_document_fills_in_the_rest() {
        assert_eq!(BotSettings::default().validate(), Ok(()));
        let partial: BotSettings =
            serde_json::from_str(r#"{"widget":{"position":"bottom-left"}}"#).expect("parses");
        assert_eq!(partial.widget.position, LauncherPosition::BottomLeft);
        assert_eq!(partial.widget.theme, WidgetTheme::default());
        assert_eq!(partial.behavior, BehaviorSettings::default());
    }

    #[test]
    fn each_prd_rule_names_its_field() {
        let mut s = BotSettings::default();
        s.widget.theme.primary_color = "blue".into();
        s.behavior.response_delay_ms = 6_000;
        s.behavior.inactivity_timeout_ms = 59_999;
        s.business_hours
            .schedule
            .insert("monday".into(), DayHours { start: "17:00".into(), end: "09:00".into() });
        s.business_hours.timezone = "Mars/Olympus".into();
        s.widget.avatar_url = Some("javascript:alert(1)".into());
        s.language = Some("xx".into());
        s.ai = AiSettings {
            provider: AiProvider::Custom,
            model: Some("gpt 4; rm".into()),
            base_url: None,
            credential_id: None,
            temperature: 2.5,
            max_tokens: 10,
            instructions: String::new(),
        };
        let Err(ApiError::Validation { fields }) = s.validate() else { panic!("invalid settings pass") };
        let names: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
        for expected in [
            "widget.theme.primary_color",
            "widget.avatar_url",
            "business_hours.timezone",
            "business_hours.schedule.monday",
            "behavior.response_delay_ms",
            "behavior.inactivity_timeout_ms",
            "language",
            "ai.temperature",
            "ai.max_tokens",
            "ai.model",
            "ai.base_url",
        ] {
            assert!(names.contains(&expected), "{expected} missing from {names:?}");
        }
    }

    #[test]
    fn a_models_family_comes_from_its_name_and_an_own_server_is_self_hosted() {
        let ai = |provider, model: Option<&str>, base_url: Option<&str>| AiSettings {
            provider,
            model: model.map(str::to_owned),
            base_url: base_url.map(str::to_owned),
            ..AiSettings::default()
        };
        assert_eq!(ai(AiProvider::BuiltIn, None, None).family(), None);
        assert_eq!(ai(AiProvider::Platform, None, None).family(), None, "the server's default: every plan");
        assert_eq!(
            ai(AiProvider::Platform, Some("claude-opus-4"), None).family(),
            Some(ModelFamily::Anthropic)
        );
        let hosted = ai(AiProvider::Custom, Some("gpt-4o"), Some("https://api.openai.com/v1"));
        assert_eq!(hosted.family(), Some(ModelFamily::OpenAi));
        let own = ai(AiProvider::Custom, Some("gpt-4o"), Some("http://localhost:11434/v1"));
        assert_eq!(own.family(), Some(ModelFamily::SelfHosted));
        assert_eq!(ModelFamily::of("models/gemini-1.5-pro"), ModelFamily::Google);
        assert_eq!(ModelFamily::of("llama3.1:8b"), ModelFamily::SelfHosted);
    }

    #[test]
    fn a_model_endpoint_is_an_http_address_with_a_host() {
        for good in ["https://api.openai.com/v1", "http://localhost:11434/v1", "http://127.0.0.1:8000/v1"] {
            assert!(is_endpoint_url(good), "{good}");
        }
        for bad in
            ["", "api.openai.com/v1", "https://", "http:///v1", "ftp://x", "https://a b", "https://x\"y"]
        {
            assert!(!is_endpoint_url(bad), "{bad}");
        }
    }

    #[test]
    fn allowed_domains_are_host_sources_that_cannot_break_the_csp() {
        for good in
            ["https://www.example.com", "*.example.com", "http://localhost:8080", "shop.example.co.uk"]
        {
            assert!(is_host_source(good), "{good}");
        }
        for bad in
            ["", "*", "https://", "example.com; script-src *", "example.com/path", "exa mple.com", "'self'"]
        {
            assert!(!is_host_source(bad), "{bad}");
        }
    }

    #[test]
    fn the_panel_look_follows_the_settings() {
        let mut w = WidgetSettings {
            color_scheme: ColorScheme::Dark,
            bubble_style: BubbleStyle::Square,
            font_size: Size::Large,
            ..WidgetSettings::default()
        };
        w.theme.primary_color = "#FF5500".into();
        let (class, style) = w.look();
        assert_eq!(class, "scheme-dark bubble-square font-large");
        assert!(style.starts_with("--accent:#FF5500;"), "{style}");
    }

    #[test]
    fn times_parse_as_24_hour_clock() {
        assert_eq!(parse_hhmm("09:30"), Some(570));
        assert_eq!(parse_hhmm("23:59"), Some(1439));
        for bad in ["24:00", "9:30", "09:60", "ab:cd", ""] {
            assert_eq!(parse_hhmm(bad), None, "{bad}");
        }
    }
}
