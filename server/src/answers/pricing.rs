//! What an answer cost and which model it deserves (PRD §5.5.1): the list price per 1,000
//! tokens, and how hard a question is — a plan above Starter sends hard questions to the
//! server's stronger model when one is configured (ARCHITECTURE.md "Models, plans and cost").
//! A model's family (the provider a plan may include) is `app::bot_settings::ModelFamily`.

use app::bot_settings::ModelFamily;

use crate::answers::builtin::content_words;

/// List prices in micro-dollars per 1,000 tokens (read and written alike, as PRD §5.5.1 lists
/// them), by model name prefix; the longest prefix that matches wins (`gpt-4o-mini-2024-07-18`
/// is `gpt-4o-mini`, not `gpt-4o`).
const PRICES: &[(&str, u64)] = &[
    ("gpt-4o-mini", 150),
    ("gpt-4o", 5_000),
    ("gpt-4.1-mini", 400),
    ("gpt-4.1", 2_000),
    ("claude-sonnet", 3_000),
    ("claude-3-5-sonnet", 3_000),
    ("claude-opus", 15_000),
    ("claude-haiku", 800),
    ("gemini-1.5-flash", 75),
    ("gemini-1.5-pro", 1_250),
];

/// What `tokens_in + tokens_out` of `model` cost, in micro-dollars (rounded up); `Some(0)` for
/// the built-in answerer and a self-hosted model (no bill), `None` for a model of a paid
/// provider whose price is not listed.
pub fn cost_micros(model: &str, tokens_in: u32, tokens_out: u32) -> Option<u64> {
    let name = model.trim().to_ascii_lowercase();
    let name = name.rsplit('/').next().unwrap_or_default();
    let tokens = u64::from(tokens_in) + u64::from(tokens_out);
    match PRICES.iter().filter(|(prefix, _)| name.starts_with(prefix)).max_by_key(|(prefix, _)| prefix.len())
    {
        Some((_, per_thousand)) => Some((tokens * per_thousand).div_ceil(1_000)),
        None if name == crate::answers::BUILT_IN => Some(0),
        None => match ModelFamily::of(name) {
            ModelFamily::SelfHosted => Some(0),
            ModelFamily::OpenAi | ModelFamily::Anthropic | ModelFamily::Google => None,
        },
    }
}

/// How hard a question is to answer well.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Complexity {
    Simple,
    Complex,
}

/// Words that ask for reasoning rather than a fact.
const REASONING: &[&str] =
    &["why", "compare", "difference", "differences", "versus", "vs", "explain", "troubleshoot", "between"];

/// A question is complex when it is long (more than 20 content words), asks several things
/// (two or more question marks, or "and" joining two asks), asks for reasoning (why, compare,
/// difference, explain…), or comes after an answer that did not help.
pub fn complexity(question: &str, after_unhelpful: bool) -> Complexity {
    let words = content_words(question);
    let count = words.split(' ').filter(|w| !w.is_empty()).count();
    let asks = question.matches('?').count();
    let lower = question.to_lowercase();
    let reasoning = lower.split(|c: char| !c.is_alphanumeric()).any(|w| REASONING.contains(&w));
    if after_unhelpful || count > 20 || asks >= 2 || reasoning {
        Complexity::Complex
    } else {
        Complexity::Simple
    }
}

/// Plans that always use the default model, whatever the question (PRD §5.5.1: "forced for
/// starter").
pub const LIGHT_PLANS: &[&str] = &["free", "starter"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prices_follow_the_model_name() {
        assert_eq!(cost_micros("built-in", 0, 0), Some(0));
        // 1,000 + 500 tokens of gpt-4o-mini at $0.00015 per 1K: 225 micro-dollars.
        assert_eq!(cost_micros("gpt-4o-mini-2024-07-18", 1_000, 500), Some(225));
        assert_eq!(cost_micros("gpt-4o", 1_000, 0), Some(5_000));
        assert_eq!(cost_micros("claude-opus-4", 1, 0), Some(15), "rounded up, never free");
        assert_eq!(cost_micros("llama3.1:8b", 9_000, 9_000), Some(0));
        assert_eq!(cost_micros("gpt-5-turbo-unknown", 10, 10), None);
    }

    #[test]
    fn long_multi_part_and_reasoning_questions_are_complex() {
        assert_eq!(complexity("How long does shipping take?", false), Complexity::Simple);
        assert_eq!(complexity("Why was my card declined?", false), Complexity::Complex);
        assert_eq!(complexity("Can I return it? And who pays the postage?", false), Complexity::Complex);
        assert_eq!(
            complexity("What is the difference between Basic and Growth?", false),
            Complexity::Complex
        );
        assert_eq!(complexity("How long does shipping take?", true), Complexity::Complex);
    }
}
