//! `ApiError`: the one error vocabulary every client sees — server functions, REST bodies and
//! WebSocket `error` frames. It carries only what a person or a program may know: never a
//! database message or a stack of causes (the server logs those under the `request_id`).

use serde::{Deserialize, Serialize};

/// One invalid input field and what is wrong with it, in words a person understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

///
/// On the wire `{"code": "not_found", "resource": "bot"}`: the variant's fields beside its code.
/// It is read back through the flat [`WireError`] rather than serde's internally tagged enum
/// decoding, which buffers every value first and cost the dashboard's bundle ~20 KB brotli.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "code", rename_all = "snake_case", try_from = "WireError")]
pub enum ApiError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("That email and password do not match an account.")]
    InvalidCredentials,
    #[error("You are not allowed to do that.")]
    Forbidden,
    #[error("Please verify your email address first: we sent you a link.")]
    EmailNotVerified,
    #[error("The {resource} was not found.")]
    NotFound { resource: String },
    #[error("{}", validation_summary(fields))]
    Validation { fields: Vec<FieldError> },
    #[error("{message}")]
    Conflict { message: String },
    #[error("Too many requests. Please try again in {retry_after_secs} seconds.")]
    RateLimited { retry_after_secs: u64 },
    #[error("The request is too large (at most {max_bytes} bytes).")]
    PayloadTooLarge { max_bytes: usize },
    #[error("{message}")]
    BadRequest { message: String },
    /// A usage pool of the workspace is spent and its plan bills no overage.
    #[error("{message}")]
    QuotaExceeded { message: String },
    /// A platform admin suspended or banned the account or its organization.
    #[error("{message}")]
    AccountSuspended { message: String },
    /// The password was right; now the code from the authenticator app, sent with `challenge`
    /// (valid 5 minutes).
    #[error("Enter the 6-digit code from your authenticator app.")]
    MfaRequired { challenge: String },
    /// The organization only accepts requests from its IP allow-list.
    #[error("Your network address is not on this organization's allow-list.")]
    IpNotAllowed,
    #[error("Something went wrong on our side. Reference: {request_id}.")]
    Internal { request_id: String },
    /// Raised on the client only: the request never got an answer.
    #[error("Could not reach the server: {message}")]
    Network { message: String },
}

/// Every field any [`ApiError`] variant has, beside its `code`: what the decoder reads.
#[derive(Deserialize)]
struct WireError {
    code: String,
    resource: Option<String>,
    fields: Option<Vec<FieldError>>,
    message: Option<String>,
    retry_after_secs: Option<u64>,
    max_bytes: Option<usize>,
    challenge: Option<String>,
    request_id: Option<String>,
}

impl TryFrom<WireError> for ApiError {
    type Error = String;

    fn try_from(w: WireError) -> Result<Self, String> {
        let code = w.code;
        let missing = |field: &str| format!("the `{code}` error has no `{field}`");
        let message = |m: Option<String>| m.ok_or_else(|| missing("message"));
        Ok(match code.as_str() {
            "unauthenticated" => Self::Unauthenticated,
            "invalid_credentials" => Self::InvalidCredentials,
            "forbidden" => Self::Forbidden,
            "email_not_verified" => Self::EmailNotVerified,
            "ip_not_allowed" => Self::IpNotAllowed,
            "not_found" => Self::NotFound { resource: w.resource.ok_or_else(|| missing("resource"))? },
            "validation" => Self::Validation { fields: w.fields.ok_or_else(|| missing("fields"))? },
            "conflict" => Self::Conflict { message: message(w.message)? },
            "rate_limited" => Self::RateLimited {
                retry_after_secs: w.retry_after_secs.ok_or_else(|| missing("retry_after_secs"))?,
            },
            "payload_too_large" => {
                Self::PayloadTooLarge { max_bytes: w.max_bytes.ok_or_else(|| missing("max_bytes"))? }
            }
            "bad_request" => Self::BadRequest { message: message(w.message)? },
            "quota_exceeded" => Self::QuotaExceeded { message: message(w.message)? },
            "account_suspended" => Self::AccountSuspended { message: message(w.message)? },
            "mfa_required" => {
                Self::MfaRequired { challenge: w.challenge.ok_or_else(|| missing("challenge"))? }
            }
            "internal" => Self::Internal { request_id: w.request_id.ok_or_else(|| missing("request_id"))? },
            "network" => Self::Network { message: message(w.message)? },
            other => return Err(format!("unknown error code `{other}`")),
        })
    }
}

fn validation_summary(fields: &[FieldError]) -> String {
    match fields {
        [] => "Some of the input is not valid.".to_owned(),
        [one] => one.message.clone(),
        many => many.iter().map(|f| f.message.as_str()).collect::<Vec<_>>().join(" "),
    }
}

impl ApiError {
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation { fields: vec![FieldError { field: field.into(), message: message.into() }] }
    }

    pub fn not_found(resource: impl Into<String>) -> Self {
        Self::NotFound { resource: resource.into() }
    }

    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest { message: message.into() }
    }

    /// The HTTP status every transport maps this error to (REST and server functions alike).
    pub fn status_code(&self) -> u16 {
        match self {
            Self::Unauthenticated | Self::InvalidCredentials | Self::MfaRequired { .. } => 401,
            Self::Forbidden | Self::EmailNotVerified | Self::AccountSuspended { .. } | Self::IpNotAllowed => {
                403
            }
            Self::QuotaExceeded { .. } => 402,
            Self::NotFound { .. } => 404,
            Self::Validation { .. } => 422,
            Self::Conflict { .. } => 409,
            Self::RateLimited { .. } => 429,
            Self::PayloadTooLarge { .. } => 413,
            Self::BadRequest { .. } => 400,
            Self::Internal { .. } => 500,
            Self::Network { .. } => 503,
        }
    }

    /// The JSON body REST handlers send: the error's fields plus a readable `message`.
    pub fn to_body(&self) -> ErrorBody {
        ErrorBody { error: self.clone(), message: self.to_string() }
    }
}

/// What a REST response or WebSocket `error` frame carries.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ErrorBody {
    pub error: ApiError,
    pub message: String,
}

impl leptos::server_fn::error::FromServerFnError for ApiError {
    type Encoder = leptos::server_fn::codec::JsonEncoding;

    fn from_server_fn_error(value: leptos::server_fn::error::ServerFnErrorErr) -> Self {
        use leptos::server_fn::error::ServerFnErrorErr as E;
        match value {
            E::Request(message) => Self::Network { message },
            E::Args(message) | E::MissingArg(message) => Self::BadRequest { message },
            E::Deserialization(message) | E::Serialization(message) => {
                Self::BadRequest { message: format!("The data could not be read: {message}") }
            }
            _ => Self::Internal { request_id: "server-fn".to_owned() },
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_wire_shape_names_the_code_and_keeps_fields() {
        let err = ApiError::validation("content", "A message cannot be empty.");
        let json = serde_json::to_value(err.to_body()).expect("serializes");
        assert_eq!(json["error"]["code"], "validation");
        assert_eq!(json["error"]["fields"][0]["field"], "content");
        assert_eq!(json["message"], "A message cannot be empty.");
    }

    #[test]
    fn every_error_reads_back_as_it_was_written() {
        let all = [
            ApiError::Unauthenticated,
            ApiError::InvalidCredentials,
            ApiError::Forbidden,
            ApiError::EmailNotVerified,
            ApiError::not_found("bot"),
            ApiError::validation("name", "A name is needed."),
            ApiError::Conflict { message: "taken".into() },
            ApiError::RateLimited { retry_after_secs: 7 },
            ApiError::PayloadTooLarge { max_bytes: 1024 },
            ApiError::bad_request("no"),
            ApiError::QuotaExceeded { message: "spent".into() },
            ApiError::AccountSuspended { message: "suspended".into() },
            ApiError::MfaRequired { challenge: "c".into() },
            ApiError::IpNotAllowed,
            ApiError::Internal { request_id: "r".into() },
            ApiError::Network { message: "down".into() },
        ];
        for err in all {
            let json = serde_json::to_string(&err).expect("serializes");
            let back: ApiError = serde_json::from_str(&json).expect("reads back");
            assert_eq!(back, err, "{json}");
        }
    }

    #[test]
    fn an_error_with_an_unknown_code_or_a_missing_field_does_not_read() {
        assert!(serde_json::from_str::<ApiError>(r#"{"code":"teapot"}"#).is_err());
        let err = serde_json::from_str::<ApiError>(r#"{"code":"not_found"}"#).unwrap_err();
        assert!(err.to_string().contains("`resource`"), "{err}");
    }

    #[test]
    fn internal_errors_reveal_only_a_reference() {
        let err = ApiError::Internal { request_id: "r-1".into() };
        assert_eq!(err.to_string(), "Something went wrong on our side. Reference: r-1.");
        assert_eq!(err.status_code(), 500);
    }
}
