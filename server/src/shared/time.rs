//! How times go on the wire: RFC 3339 in UTC, to the second.

use chrono::{DateTime, SecondsFormat, Utc};

pub fn rfc3339(at: DateTime<Utc>) -> String {
    at.to_rfc3339_opts(SecondsFormat::Secs, true)
}
