//! `MessageContent`: message text that has been checked at the boundary (not blank, not too
//! long), so the service never sees bad text.

use app::{ApiError, protocol::MAX_MESSAGE_CHARS};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MessageContent(String);

impl MessageContent {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for MessageContent {
    type Error = ApiError;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err(ApiError::validation("content", "A message cannot be empty."));
        }
        let chars = trimmed.chars().count();
        if chars > MAX_MESSAGE_CHARS {
            return Err(ApiError::validation(
                "content",
                format!(
                    "A message can be at most {MAX_MESSAGE_CHARS} characters long (this one has {chars})."
                ),
            ));
        }
        Ok(Self(trimmed.to_owned()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_and_oversize_text_is_refused_with_the_field_named() {
        for bad in [String::new(), "   \n".into(), "x".repeat(MAX_MESSAGE_CHARS + 1)] {
            match MessageContent::try_from(bad) {
                Err(ApiError::Validation { fields }) => assert_eq!(fields[0].field, "content"),
                other => panic!("expected a validation error, got {other:?}"),
            }
        }
    }

    #[test]
    fn surrounding_whitespace_is_trimmed_and_the_limit_counts_characters_not_bytes() {
        assert_eq!(MessageContent::try_from("  Hello \n".to_owned()).map(|c| c.0), Ok("Hello".to_owned()));
        assert!(MessageContent::try_from("é".repeat(MAX_MESSAGE_CHARS)).is_ok());
    }
}
