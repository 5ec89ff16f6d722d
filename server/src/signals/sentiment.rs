//! How the visitor sounds (PRD §5.5.5): a score in [-1, 1] and its band, from VADER (Hutto &
//! Gilbert 2014, the `vader_sentiment` crate: a 7,500-word English lexicon with negation,
//! boosters, "but", capitals, exclamation marks and emoji) over its lexicon widened with the
//! words support chats use for trouble ("not working", "stuck", "still waiting") and the
//! commonest feeling words of the other languages the widget speaks. No model, microseconds a
//! message; the intent set (`server/tests/fixtures/eval/intents.json`) measures it.

use std::{collections::HashMap, sync::LazyLock};

use app::dto::Sentiment;
use unicase::UniCase;
use vader_sentiment::SentimentIntensityAnalyzer;

/// Valences on VADER's scale (−4 … 4) for words its lexicon lacks.
const EXTRA: &[(&str, f64)] = &[
    // Support trouble: what a visitor writes when something goes wrong.
    ("broken", -1.6),
    ("stuck", -1.3),
    ("crash", -1.6),
    ("crashes", -1.6),
    ("crashed", -1.6),
    ("crashing", -1.6),
    ("fails", -1.3),
    ("failing", -1.3),
    ("buggy", -1.5),
    ("glitch", -1.2),
    ("unusable", -2.5),
    ("overcharged", -2.0),
    ("scam", -2.8),
    ("ripoff", -2.6),
    ("rip-off", -2.6),
    ("ridiculous", -2.2),
    ("unacceptable", -2.6),
    ("wtf", -2.5),
    ("ugh", -1.5),
    ("annoying", -1.8),
    ("useless", -2.4),
    ("lost", -1.0),
    ("missing", -0.9),
    ("delayed", -1.0),
    ("waiting", -0.6),
    ("again", -0.3),
    ("still", -0.4),
    ("can't", -0.6),
    ("cannot", -0.6),
    ("won't", -0.5),
    ("unable", -0.8),
    ("declined", -1.2),
    ("expired", -0.4),
    ("nightmare", -2.5),
    ("theft", -2.6),
    ("errored", -1.5),
    ("dropping", -0.6),
    // German
    ("danke", 1.5),
    ("toll", 2.2),
    ("super", 2.2),
    ("prima", 2.0),
    ("klasse", 2.2),
    ("gut", 1.8),
    ("schlecht", -2.2),
    ("leider", -0.9),
    ("enttäuscht", -2.3),
    ("ärgerlich", -2.0),
    ("wütend", -2.8),
    ("sauer", -2.0),
    ("katastrophe", -3.0),
    ("frechheit", -2.9),
    ("unverschämt", -2.8),
    ("nutzlos", -2.4),
    ("kaputt", -1.8),
    ("fehler", -1.2),
    // Spanish
    ("gracias", 1.5),
    ("genial", 2.5),
    ("excelente", 3.0),
    ("perfecto", 2.6),
    ("bueno", 1.8),
    ("encantado", 2.6),
    ("malo", -2.2),
    ("mal", -1.8),
    ("terrible", -2.8),
    ("pésimo", -3.0),
    ("decepcionado", -2.3),
    ("enfadado", -2.5),
    ("harto", -2.3),
    ("vergüenza", -2.5),
    ("inútil", -2.4),
    // French
    ("merci", 1.5),
    ("génial", 2.6),
    ("parfait", 2.6),
    ("formidable", 2.8),
    ("bien", 1.2),
    ("nul", -2.3),
    ("déçu", -2.3),
    ("déçue", -2.3),
    ("énervé", -2.4),
    ("fâché", -2.3),
    ("inadmissible", -2.8),
    ("honte", -2.4),
    ("inutile", -2.2),
    // Portuguese
    ("obrigado", 1.5),
    ("obrigada", 1.5),
    ("ótimo", 2.6),
    ("maravilhoso", 3.0),
    ("péssimo", -3.0),
    ("ruim", -2.2),
    ("chateado", -2.0),
    ("decepcionada", -2.3),
    ("absurdo", -2.4),
    // Dutch
    ("bedankt", 1.5),
    ("geweldig", 2.8),
    ("fijn", 1.8),
    ("goed", 1.6),
    ("slecht", -2.2),
    ("teleurgesteld", -2.3),
    ("boos", -2.4),
    ("belachelijk", -2.6),
    ("waardeloos", -2.8),
    ("nutteloos", -2.4),
];

/// Words VADER scores as feelings that support chats use plainly ("please help", "support",
/// "save", "what kind of"): their valence here, replacing VADER's.
const PLAIN: &[(&str, f64)] = &[
    ("please", 0.0),
    ("support", 0.0),
    ("help", 0.3),
    ("credit", 0.0),
    ("save", 0.3),
    ("share", 0.3),
    ("sure", 0.5),
    ("yes", 0.5),
    ("ok", 0.3),
    ("okay", 0.3),
    ("interested", 0.5),
    ("kind", 0.5),
    ("create", 0.0),
    ("ready", 0.3),
    ("dear", 0.3),
    ("true", 0.3),
    ("well", 0.3),
    ("hope", 0.6),
    ("hopefully", 0.5),
    ("free", 0.6),
    ("like", 0.8),
    ("no", -0.4),
    ("cancel", -0.3),
    ("joke", 0.0),
];

/// Trouble said in several words, on the same scale, added once each when present.
const PHRASES: &[(&[&str], f64)] = &[
    (&["not", "working"], -1.6),
    (&["doesn't", "work"], -1.6),
    (&["does", "not", "work"], -1.6),
    (&["don't", "work"], -1.6),
    (&["isn't", "working"], -1.6),
    (&["won't", "work"], -1.6),
    (&["stopped", "working"], -1.8),
    (&["never", "arrived"], -1.9),
    (&["hasn't", "arrived"], -1.3),
    (&["still", "not"], -1.0),
    (&["still", "waiting"], -1.5),
    (&["no", "response"], -1.4),
    (&["no", "reply"], -1.4),
    (&["fed", "up"], -2.4),
    (&["waste", "of", "time"], -2.5),
    (&["can't", "believe"], -1.2),
    (&["absolute", "joke"], -2.5),
    (&["what", "a", "joke"], -2.3),
    (&["done", "with"], -1.5),
    (&["white", "screen"], -1.0),
    (&["never", "came"], -1.5),
    (&["never", "arrives"], -1.5),
    (&["not", "convinced"], -1.0),
    (&["sick", "of"], -2.0),
    (&["funktioniert", "nicht"], -1.6),
    (&["geht", "nicht"], -1.4),
    (&["no", "funciona"], -1.6),
    (&["ne", "marche", "pas"], -1.6),
    (&["ne", "fonctionne", "pas"], -1.6),
    (&["não", "funciona"], -1.6),
    (&["werkt", "niet"], -1.6),
];

static ANALYZER: LazyLock<SentimentIntensityAnalyzer<'static>> = LazyLock::new(|| {
    static LEXICON: LazyLock<HashMap<UniCase<&'static str>, f64>> = LazyLock::new(|| {
        let mut lexicon = vader_sentiment::LEXICON.clone();
        for (word, valence) in EXTRA {
            lexicon.entry(UniCase::new(*word)).or_insert(*valence);
        }
        for (word, valence) in PLAIN {
            lexicon.insert(UniCase::new(*word), *valence);
        }
        lexicon
    });
    SentimentIntensityAnalyzer::from_lexicon(&LEXICON)
});

/// VADER's normalisation constant: compound = x / √(x² + α).
const ALPHA: f64 = 15.0;

/// The text's sentiment score in [-1, 1] and its band.
pub fn sentiment(text: &str) -> (Sentiment, f32) {
    let score = score(text);
    (band(score), score)
}

/// The band of a score. Wider than VADER's ±0.05 neutral band: support chats are full of
/// mild words ("problem", "please") that carry no feeling.
pub fn band(score: f32) -> Sentiment {
    match score {
        s if s <= -0.6 => Sentiment::VeryNegative,
        s if s <= -0.2 => Sentiment::Negative,
        s if s >= 0.7 => Sentiment::VeryPositive,
        s if s >= 0.3 => Sentiment::Positive,
        _ => Sentiment::Neutral,
    }
}

fn score(text: &str) -> f32 {
    if text.trim().is_empty() {
        return 0.0;
    }
    // The crate is old and indexes freely: a panic on odd input must not cost the message.
    let compound = std::panic::catch_unwind(|| ANALYZER.polarity_scores(text).get("compound").copied())
        .ok()
        .flatten()
        .filter(|c| c.is_finite())
        .unwrap_or(0.0)
        .clamp(-0.9999, 0.9999);
    // Back to VADER's sum, plus the phrases, and normalised again.
    let mut sum = compound * (ALPHA / (1.0 - compound * compound)).sqrt();
    let words = super::words(text);
    for (phrase, valence) in PHRASES {
        if super::has_phrase(&words, phrase) {
            sum += valence;
        }
    }
    (sum / (sum * sum + ALPHA).sqrt()) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn anger_disappointment_facts_and_delight_fall_in_their_bands() {
        for (text, expected) in [
            ("This is the worst service ever, I am furious!!!", Sentiment::VeryNegative),
            ("Your app is useless and I'm fed up with waiting", Sentiment::VeryNegative),
            ("the export still fails", Sentiment::Negative),
            ("my parcel never arrived", Sentiment::Negative),
            ("How long does shipping to Austria take?", Sentiment::Neutral),
            ("Where do I enter my VAT ID?", Sentiment::Neutral),
            ("Thanks, that helped", Sentiment::Positive),
            ("Wow, this is amazing, I love the new dashboard!", Sentiment::VeryPositive),
            ("Das ist eine Frechheit, der Export funktioniert nicht", Sentiment::VeryNegative),
            ("Merci, c'est parfait !", Sentiment::VeryPositive),
            ("It is not bad at all", Sentiment::Positive),
        ] {
            let (band, score) = sentiment(text);
            assert_eq!(band, expected, "{text}: {score}");
            assert!((-1.0..=1.0).contains(&score));
        }
    }

    #[test]
    fn odd_input_scores_without_panicking() {
        for text in ["", " ", "!!!", "😡😡😡", "\u{0}", "a", "NOT", "but", "kind of", "ǅ̈̈̈", &"x".repeat(5000)]
        {
            let (_, score) = sentiment(text);
            assert!(score.is_finite() && (-1.0..=1.0).contains(&score), "{text:?}");
        }
    }
}
