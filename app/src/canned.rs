//! Canned replies (issue "The agent inbox"): saved answers an agent inserts in the reply box
//! by typing `/shortcut`. Variables in braces are filled in from the conversation as it is
//! inserted — `{customer.name}`, `{customer.email}`, `{agent.name}`, `{bot.name}` — and left as
//! written when unknown, so an agent sees what still needs them.

use serde::{Deserialize, Serialize};

use crate::ApiError;

/// Longest shortcut, in characters (without the `/`).
pub const MAX_SHORTCUT_CHARS: usize = 32;
/// Longest canned reply, in characters (a message's limit).
pub const MAX_CONTENT_CHARS: usize = crate::protocol::MAX_MESSAGE_CHARS;

/// A saved answer as the inbox and REST show it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CannedReply {
    pub id: uuid::Uuid,
    /// Without the `/`.
    pub shortcut: String,
    pub content: String,
    pub created_by: String,
}

/// A shortcut as stored: without a leading `/`, trimmed, lower case, spaces and `_` as `-`;
/// letters, digits and `-`.
pub fn shortcut_name(raw: &str) -> Result<String, ApiError> {
    let name: String = raw
        .trim()
        .trim_start_matches('/')
        .to_lowercase()
        .replace('_', " ")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join("-");
    if name.is_empty() {
        return Err(ApiError::validation("shortcut", "Give the reply a shortcut, like /thanks."));
    }
    if name.chars().count() > MAX_SHORTCUT_CHARS {
        return Err(ApiError::validation(
            "shortcut",
            format!("Keep shortcuts to {MAX_SHORTCUT_CHARS} characters or fewer."),
        ));
    }
    if !name.chars().all(|c| c.is_alphanumeric() || c == '-') {
        return Err(ApiError::validation("shortcut", "A shortcut holds letters, digits and - only."));
    }
    Ok(name)
}

/// What the variables stand for in one conversation.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Variables {
    pub customer_name: String,
    pub customer_email: Option<String>,
    pub agent_name: Option<String>,
    pub bot_name: String,
}

/// `template` with its known variables filled in; unknown ones (or an email nobody gave) stay
/// as written.
pub fn expand(template: &str, vars: &Variables) -> String {
    let value = |name: &str| -> Option<String> {
        match name.trim() {
            "customer.name" => Some(vars.customer_name.clone()),
            "customer.first_name" => vars.customer_name.split_whitespace().next().map(str::to_owned),
            "customer.email" => vars.customer_email.clone(),
            "agent.name" => vars.agent_name.clone(),
            "agent.first_name" => vars.agent_name.as_deref()?.split_whitespace().next().map(str::to_owned),
            "bot.name" => Some(vars.bot_name.clone()),
            _ => None,
        }
    };
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if !after[..close].contains('{') => {
                match value(&after[..close]) {
                    Some(v) => out.push_str(&v),
                    None => out.push_str(&rest[open..open + close + 2]),
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// The `/word` being typed at the end of `text` (after a space or at the start), without the
/// slash: what the reply box offers canned replies for.
pub fn typed_shortcut(text: &str) -> Option<&str> {
    let start = text.rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
    let word = text[start..].strip_prefix('/')?;
    word.chars().all(|c| c.is_alphanumeric() || c == '-' || c == '_').then_some(word)
}

/// `text` with the `/word` at its end replaced by `content`.
pub fn insert(text: &str, content: &str) -> String {
    let start = text.rfind(|c: char| c.is_whitespace()).map_or(0, |i| i + 1);
    format!("{}{content}", &text[..start])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vars() -> Variables {
        Variables {
            customer_name: "Ada Lovelace".into(),
            customer_email: None,
            agent_name: Some("Kim Inbox".into()),
            bot_name: "Acme Helper".into(),
        }
    }

    #[test]
    fn known_variables_are_filled_in_and_the_rest_stay_as_written() {
        assert_eq!(
            expand("Hi {customer.first_name}, {agent.name} here from {bot.name}.", &vars()),
            "Hi Ada, Kim Inbox here from Acme Helper."
        );
        assert_eq!(expand("Mail {customer.email} soon", &vars()), "Mail {customer.email} soon");
        assert_eq!(expand("{unknown} and { customer.name }", &vars()), "{unknown} and Ada Lovelace");
        assert_eq!(expand("a { b {customer.name} }", &vars()), "a { b Ada Lovelace }");
        assert_eq!(expand("no close {customer.name", &vars()), "no close {customer.name");
    }

    #[test]
    fn shortcuts_are_read_into_one_form() {
        assert_eq!(shortcut_name("/Thanks").unwrap(), "thanks");
        assert_eq!(shortcut_name(" refund_policy ").unwrap(), "refund-policy");
        assert!(shortcut_name("/").is_err());
        assert!(shortcut_name("a/b").is_err());
        assert!(shortcut_name(&"x".repeat(33)).is_err());
    }

    #[test]
    fn the_reply_box_knows_the_shortcut_being_typed_and_replaces_it() {
        assert_eq!(typed_shortcut("/th"), Some("th"));
        assert_eq!(typed_shortcut("Hello /ref"), Some("ref"));
        assert_eq!(typed_shortcut("Hello"), None);
        assert_eq!(typed_shortcut("a/b"), None);
        assert_eq!(insert("Hello /ref", "Our policy…"), "Hello Our policy…");
        assert_eq!(insert("/th", "Thanks!"), "Thanks!");
    }
}
