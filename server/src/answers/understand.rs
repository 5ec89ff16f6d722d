//! Intent and sentiment read by the bot's language model (PRD §5.5.4–5.5.5), when it has one:
//! after the answer went out, the visitor's message is classified by the model in one short
//! completion and its stored reading replaced (the inbox redraws it through
//! `message:updated`). The built-in reading (`signals`) stays when the model fails, answers
//! something that does not parse, or the rules already decided (a greeting, a request for a
//! person, a refund: those the rules know for sure and act on at once).

use app::dto::{Intent, MessageInsight, Sentiment};

/// What the model is asked, with every intent and sentiment by its stored name.
pub fn instructions() -> String {
    let intents: Vec<&str> = Intent::ALL.iter().map(|i| i.as_str()).collect();
    let sentiments: Vec<&str> = Sentiment::ALL.iter().map(|s| s.as_str()).collect();
    format!(
        "Classify the customer's message for a support team. Reply with one JSON object and \
         nothing else: {{\"intent\": one of [{}], \"intent_confidence\": 0 to 1, \"sentiment\": one \
         of [{}], \"sentiment_score\": -1 (furious) to 1 (delighted)}}.",
        intents.join(", "),
        sentiments.join(", ")
    )
}

/// The model's reading, if its answer holds one that fits (confidences clamped into range).
pub fn parse(said: &str) -> Option<MessageInsight> {
    let start = said.find('{')?;
    let end = said.rfind('}')?;
    let mut insight: MessageInsight = serde_json::from_str(said.get(start..=end)?).ok()?;
    if !insight.intent_confidence.is_finite() || !insight.sentiment_score.is_finite() {
        return None;
    }
    insight.intent_confidence = insight.intent_confidence.clamp(0.0, 1.0);
    insight.sentiment_score = insight.sentiment_score.clamp(-1.0, 1.0);
    Some(insight)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_models_json_is_read_even_with_words_around_it_and_nonsense_is_refused() {
        let said = "Sure: {\"intent\": \"refund_request\", \"intent_confidence\": 1.4, \
                    \"sentiment\": \"negative\", \"sentiment_score\": -0.6}";
        let insight = parse(said).expect("a reading");
        assert_eq!((insight.intent, insight.sentiment), (Intent::RefundRequest, Sentiment::Negative));
        assert!((insight.intent_confidence - 1.0).abs() < f32::EPSILON, "clamped");
        assert!(parse("{\"intent\": \"wants_pizza\", \"intent_confidence\": 0.5, \"sentiment\": \"neutral\", \"sentiment_score\": 0}").is_none());
        assert!(parse("I think it is a refund").is_none());
        assert!(instructions().contains("password_reset") && instructions().contains("very_negative"));
    }
}
