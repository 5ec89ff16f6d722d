//! Values the database keeps as text — statuses, roles, sender kinds — read back into their
//! types. A value that does not parse is an error that is logged with its column, never
//! silently read as some default (an unreadable role must not become `viewer`, nor an
//! unreadable status `active`).

use std::{fmt::Display, str::FromStr};

use crate::error::Result;

pub fn parse<T>(column: &'static str, raw: &str) -> Result<T>
where
    T: FromStr,
    T::Err: Display,
{
    raw.parse::<T>().map_err(|err| {
        tracing::error!(column, value = raw, error = %err, "a stored value does not parse");
        anyhow::anyhow!("the stored {column} `{raw}` does not parse: {err}").into()
    })
}

#[cfg(test)]
mod tests {
    use app::auth::Role;

    use super::*;

    #[test]
    fn a_stored_value_that_does_not_parse_is_an_error_not_a_default() {
        assert_eq!(parse::<Role>("users.role", "agent").expect("parses"), Role::Agent);
        let err = parse::<Role>("users.role", "superuser").expect_err("refused");
        assert!(format!("{err:#}").contains("users.role `superuser`"), "{err:#}");
    }
}
