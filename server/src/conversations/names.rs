//! What an anonymous visitor is called: a readable name that stays the same for one visitor
//! ("Amber Otter"), so an inbox of anonymous chats is not a column of "Visitor".

use sha2::{Digest, Sha256};

const ADJECTIVES: [&str; 32] = [
    "Amber", "Azure", "Brave", "Bright", "Calm", "Clever", "Coral", "Crimson", "Daring", "Eager", "Gentle",
    "Golden", "Happy", "Indigo", "Jade", "Jolly", "Kind", "Lively", "Lucky", "Merry", "Mint", "Noble",
    "Olive", "Plum", "Quick", "Quiet", "Rosy", "Ruby", "Sunny", "Swift", "Teal", "Witty",
];

const ANIMALS: [&str; 32] = [
    "Badger", "Bear", "Beaver", "Bison", "Crane", "Deer", "Dolphin", "Eagle", "Falcon", "Finch", "Fox",
    "Gecko", "Hare", "Heron", "Ibis", "Koala", "Lark", "Lemur", "Lynx", "Moose", "Otter", "Owl", "Panda",
    "Puffin", "Quail", "Raven", "Robin", "Seal", "Swan", "Tiger", "Wolf", "Wren",
];

/// The same name for the same visitor id, on every server and after every restart.
pub fn visitor_alias(visitor_id: &str) -> String {
    let digest = Sha256::digest(visitor_id.as_bytes());
    let adjective = ADJECTIVES[usize::from(digest[0]) % ADJECTIVES.len()];
    let animal = ANIMALS[usize::from(digest[1]) % ANIMALS.len()];
    format!("{adjective} {animal}")
}

/// The name a conversation's visitor goes by: the one they gave, or their alias.
pub fn visitor_label(name: Option<&str>, visitor_id: &str) -> String {
    match name.map(str::trim).filter(|n| !n.is_empty()) {
        Some(name) => name.to_owned(),
        None => visitor_alias(visitor_id),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_alias_is_stable_per_visitor_and_differs_between_visitors() {
        let first = visitor_alias("v-1f2e3d");
        assert_eq!(first, visitor_alias("v-1f2e3d"));
        assert_eq!(first.split(' ').count(), 2, "{first}");
        let names: std::collections::HashSet<String> =
            (0..200).map(|i| visitor_alias(&format!("visitor-{i}"))).collect();
        assert!(names.len() > 150, "200 visitors share too few names: {}", names.len());
    }

    #[test]
    fn a_given_name_wins_over_the_alias() {
        assert_eq!(visitor_label(Some("Ada"), "v1"), "Ada");
        assert_eq!(visitor_label(Some("  "), "v1"), visitor_alias("v1"));
        assert_eq!(visitor_label(None, "v1"), visitor_alias("v1"));
    }
}
