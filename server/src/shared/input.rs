//! Account input checked at the boundary: a service never sees a malformed email, a weak
//! password or an over-long name.

use app::ApiError;

/// A lower-cased, plausibly deliverable email address.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EmailAddress(String);

impl EmailAddress {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for EmailAddress {
    type Error = ApiError;
    fn try_from(raw: String) -> Result<Self, ApiError> {
        let email = raw.trim().to_lowercase();
        let invalid = || ApiError::validation("email", "Enter an email address like name@example.com.");
        if email.len() > 254 {
            return Err(ApiError::validation(
                "email",
                "An email address can be at most 254 characters long.",
            ));
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !email.chars().any(|c| c.is_whitespace() || c.is_control())
            && !domain.contains('@');
        if ok { Ok(Self(email)) } else { Err(invalid()) }
    }
}

/// A new password meeting the PRD policy: at least 8 characters with an uppercase letter, a
/// digit and a special character; at most 128 (hashing cost).
#[derive(Clone, PartialEq, Eq)]
pub struct NewPassword(String);

impl std::fmt::Debug for NewPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("NewPassword(…)")
    }
}

impl NewPassword {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NewPassword {
    type Error = ApiError;
    fn try_from(raw: String) -> Result<Self, ApiError> {
        let chars = raw.chars().count();
        let mut missing = Vec::new();
        if chars < 8 {
            missing.push("at least 8 characters");
        }
        if !raw.chars().any(|c| c.is_uppercase()) {
            missing.push("an uppercase letter");
        }
        if !raw.chars().any(|c| c.is_ascii_digit()) {
            missing.push("a number");
        }
        if !raw.chars().any(|c| !c.is_alphanumeric() && !c.is_whitespace()) {
            missing.push("a special character such as ! or #");
        }
        if chars > 128 {
            return Err(ApiError::validation("password", "A password can be at most 128 characters long."));
        }
        if missing.is_empty() {
            Ok(Self(raw))
        } else {
            Err(ApiError::validation("password", format!("The password needs {}.", missing.join(", "))))
        }
    }
}

/// A trimmed, non-empty name of at most `max` characters, for the field `field`.
pub fn name(field: &str, raw: String, max: usize) -> Result<String, ApiError> {
    let trimmed = raw.trim();
    if trimmed.is_empty() {
        return Err(ApiError::validation(field, format!("The {} cannot be empty.", field.replace('_', " "))));
    }
    if trimmed.chars().count() > max {
        return Err(ApiError::validation(
            field,
            format!("The {} can be at most {max} characters long.", field.replace('_', " ")),
        ));
    }
    if trimmed.chars().any(char::is_control) {
        return Err(ApiError::validation(
            field,
            format!("The {} has characters that are not allowed.", field.replace('_', " ")),
        ));
    }
    Ok(trimmed.to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn field_of(err: ApiError) -> String {
        match err {
            ApiError::Validation { fields } => fields[0].field.clone(),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }

    #[test]
    fn emails_are_lower_cased_and_malformed_ones_refused() {
        assert_eq!(
            EmailAddress::try_from(" Jane@Acme.COM ".to_owned()).map(|e| e.0),
            Ok("jane@acme.com".to_owned())
        );
        for bad in ["", "jane", "jane@", "@acme.com", "jane@acme", "ja ne@acme.com", "a@b@c.com", "jane@.com"]
        {
            assert_eq!(field_of(EmailAddress::try_from(bad.to_owned()).expect_err(bad)), "email", "{bad}");
        }
        assert!(EmailAddress::try_from(format!("{}@acme.com", "a".repeat(250))).is_err());
    }

    #[test]
    fn passwords_follow_the_policy_and_say_what_is_missing() {
        assert!(NewPassword::try_from("Str0ng!pass".to_owned()).is_ok());
        match NewPassword::try_from("weak".to_owned()) {
            Err(ApiError::Validation { fields }) => {
                let message = &fields[0].message;
                assert!(
                    message.contains("8 characters")
                        && message.contains("uppercase")
                        && message.contains("number")
                );
            }
            other => panic!("{other:?}"),
        }
        assert!(NewPassword::try_from("NoDigits!!".to_owned()).is_err());
        assert!(NewPassword::try_from("nouppercase1!".to_owned()).is_err());
        assert!(NewPassword::try_from("NoSpecial123".to_owned()).is_err());
        assert!(NewPassword::try_from(format!("Aa1!{}", "x".repeat(130))).is_err());
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(name("name", "  Jane  ".into(), 10), Ok("Jane".to_owned()));
        assert!(name("name", "   ".into(), 10).is_err());
        assert!(name("organization_name", "x".repeat(11), 10).is_err());
        assert!(name("name", "a\u{0}b".into(), 10).is_err());
    }
}
