//! Unit enums travel by name (`"bottom-right"`, `"agent_handling"`). Serde's derived decoder
//! gives every enum its own visitor (~3.5 KB of the dashboard's bundle each); with
//! `#[serde(try_from = "String")]` they all share the one string reader and differ only in a
//! `match`. Writing stays serde's derive (its `rename_all` names); a test per enum checks
//! both agree.

/// `as_str`, `ALL`, `FromStr` and `TryFrom<String>` for a unit enum from its wire names.
/// `@decode` adds only `TryFrom<String>` to an enum that has `FromStr` already.
macro_rules! by_name {
    (@decode $($ty:ty),+) => {
        $(impl TryFrom<String> for $ty {
            type Error = String;
            fn try_from(name: String) -> Result<Self, String> {
                name.parse()
            }
        })+
    };
    ($ty:ident, $what:literal { $($variant:ident = $name:literal),+ $(,)? }) => {
        impl $ty {
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $name),+
                }
            }
        }

        impl std::str::FromStr for $ty {
            type Err = String;
            fn from_str(name: &str) -> Result<Self, String> {
                match name {
                    $($name => Ok(Self::$variant),)+
                    other => Err(format!(concat!("unknown ", $what, " `{}`"), other)),
                }
            }
        }

        by_name!(@decode $ty);
    };
}

pub(crate) use by_name;

#[cfg(test)]
mod tests {
    use serde::{Serialize, de::DeserializeOwned};

    /// Every variant reads back from what serde's derive writes, and nonsense is refused.
    fn round_trips<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug + Copy>(all: &[T]) {
        for value in all {
            let text = serde_json::to_vec(value).expect("writes");
            let back: T = serde_json::from_slice(&text).expect("reads back");
            assert_eq!(&back, value);
        }
        assert!(serde_json::from_slice::<T>(br#""no-such-name""#).is_err());
    }

    #[test]
    fn every_enum_reads_back_by_the_name_it_is_written_with() {
        use crate::bot_settings::{BubbleStyle, ColorScheme, LauncherPosition, Size};
        round_trips(LauncherPosition::ALL);
        round_trips(Size::ALL);
        round_trips(ColorScheme::ALL);
        round_trips(BubbleStyle::ALL);
        round_trips(&crate::dto::Personality::ALL);
        round_trips(&crate::dto::ConversationStatus::ALL);
        round_trips(&[
            crate::dto::SenderKind::Visitor,
            crate::dto::SenderKind::Bot,
            crate::dto::SenderKind::Agent,
        ]);
        round_trips(&crate::auth::Role::ALL);
        round_trips(crate::dto::AnswerVerdict::ALL);
        round_trips(crate::dto::Intent::ALL);
        round_trips(crate::dto::Sentiment::ALL);
        round_trips(crate::assignment::AgentStatus::ALL);
        round_trips(crate::assignment::Availability::ALL);
        round_trips(crate::assignment::AssignmentMode::ALL);
        round_trips(crate::evaluation::Expectation::ALL);
        round_trips(crate::evaluation::EvalOrigin::ALL);
        round_trips(crate::evaluation::RunStatus::ALL);
        round_trips(crate::evaluation::RunTrigger::ALL);
    }
}
