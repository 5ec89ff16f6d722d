//! The built-in answerer (no model configured, the default): extractive. It answers with the
//! sentences of the best passage that answer the question — an FAQ's answer whole, a short
//! passage whole, else the sentence that holds most of the question's words and the one or
//! two after it — and cites where they came from. Nothing is invented: every word of the
//! answer is the owner's.

use crate::knowledge::index::Passage;

/// Words that say nothing about what is asked (English; other languages keep all their
/// words, which only makes coverage stricter).
const STOPWORDS: &[&str] = &[
    "a",
    "about",
    "after",
    "all",
    "also",
    "am",
    "an",
    "and",
    "any",
    "are",
    "as",
    "at",
    "be",
    "been",
    "before",
    "being",
    "but",
    "by",
    "can",
    "could",
    "did",
    "do",
    "does",
    "doing",
    "for",
    "from",
    "get",
    "got",
    "had",
    "has",
    "have",
    "having",
    "he",
    "her",
    "here",
    "him",
    "his",
    "how",
    "i",
    "i'm",
    "if",
    "in",
    "into",
    "is",
    "it",
    "it's",
    "its",
    "just",
    "me",
    "might",
    "more",
    "most",
    "much",
    "must",
    "my",
    "no",
    "not",
    "now",
    "of",
    "on",
    "one",
    "or",
    "our",
    "out",
    "please",
    "shall",
    "she",
    "should",
    "so",
    "some",
    "such",
    "than",
    "that",
    "the",
    "their",
    "them",
    "then",
    "there",
    "these",
    "they",
    "this",
    "those",
    "to",
    "too",
    "up",
    "us",
    "very",
    "was",
    "we",
    "were",
    "what",
    "what's",
    "when",
    "where",
    "which",
    "while",
    "who",
    "whom",
    "why",
    "will",
    "with",
    "would",
    "you",
    "your",
    "yours",
    "hi",
    "hello",
    "hey",
    "thanks",
    "thank",
    "want",
    "need",
    "know",
    "tell",
    "way",
    "there",
    "anything",
    "something",
    "possible",
    "able",
    "still",
    "yes",
    "ok",
    "okay",
    "really",
    "again",
    "any",
    "other",
    "and",
    "also",
    "let",
    "lets",
    "let's",
    "don't",
    "doesn't",
    "can't",
    "cannot",
    "i've",
    "i'd",
    "you're",
    "we're",
];

/// The words of `text` that carry meaning (stopwords dropped), as one string to stem.
pub fn content_words(text: &str) -> String {
    crate::signals::words(text)
        .into_iter()
        .filter(|w| !STOPWORDS.contains(&w.as_str()) && w.chars().any(char::is_alphanumeric))
        .collect::<Vec<_>>()
        .join(" ")
}

/// An answer drafted from one passage.
#[derive(Debug, Clone, PartialEq)]
pub struct Draft {
    pub text: String,
    /// The share of the question's words found in the passage (its title and headings too).
    pub coverage: f32,
}

/// A passage shorter than this is answered whole.
const WHOLE_PASSAGE_CHARS: usize = 420;
/// The sentences picked from a longer passage stop growing past this.
const ANSWER_CHARS: usize = 360;

/// The passage's sentences, in order: lines, then sentence ends within a line.
pub fn sentences(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    for line in text.lines() {
        let line = line.trim().trim_start_matches('#').trim();
        if line.is_empty() {
            continue;
        }
        let mut start = 0;
        let chars: Vec<(usize, char)> = line.char_indices().collect();
        for (i, &(at, c)) in chars.iter().enumerate() {
            let ends = matches!(c, '.' | '!' | '?')
                && chars.get(i + 1).is_some_and(|(_, n)| n.is_whitespace())
                && chars.get(i + 2).is_some_and(|(_, n)| n.is_uppercase() || n.is_ascii_digit());
            if ends {
                out.push(line[start..=at].trim().to_owned());
                start = at + c.len_utf8();
            }
        }
        let rest = line[start..].trim();
        if !rest.is_empty() {
            out.push(rest.to_owned());
        }
    }
    out
}

/// The answer `passage` gives to a question whose content stems are `question`; `stems`
/// reads a text's stems as the index does.
pub fn draft(question: &[String], passage: &Passage, stems: &dyn Fn(&str) -> Vec<String>) -> Draft {
    // The passage with the ones beside it in its section (`Passage::read_text`).
    let read = passage.read_text();
    let whole = format!("{} {} {}", passage.title, passage.heading_path, read);
    let found = stems(&whole);
    let coverage = if question.is_empty() {
        0.0
    } else {
        question.iter().filter(|q| found.contains(q)).count() as f32 / question.len() as f32
    };
    let content = read.trim();
    if passage.kind == app::knowledge::SourceKind::Faq || content.chars().count() <= WHOLE_PASSAGE_CHARS {
        return Draft { text: tidy(content), coverage };
    }
    let sentences = sentences(content);
    let score = |s: &String| {
        let words = stems(s);
        question.iter().filter(|q| words.contains(q)).count()
    };
    // The sentence holding most of the question's words (the first of equals), then what
    // follows it up to the answer's length.
    let (best, _) = sentences
        .iter()
        .enumerate()
        .map(|(i, s)| (i, score(s)))
        .fold((0, 0), |best, (i, n)| if n > best.1 { (i, n) } else { best });
    let mut text = String::new();
    for s in sentences.iter().skip(best).take(3) {
        if !text.is_empty() && text.len() + s.len() > ANSWER_CHARS {
            break;
        }
        if !text.is_empty() {
            text.push(' ');
        }
        text.push_str(s);
    }
    Draft { text, coverage }
}

/// A passage as an answer: Markdown headings dropped, paragraphs kept.
fn tidy(text: &str) -> String {
    let mut out = Vec::new();
    for paragraph in text.split("\n\n") {
        let lines: Vec<&str> =
            paragraph.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).collect();
        if !lines.is_empty() {
            out.push(lines.join("\n"));
        }
    }
    out.join("\n\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn passage(kind: app::knowledge::SourceKind, content: &str) -> Passage {
        Passage {
            chunk_id: uuid::Uuid::nil(),
            source_id: app::ids::SourceId(uuid::Uuid::nil()),
            kind,
            title: "Warranty".into(),
            heading_path: "Warranty › How to claim".into(),
            page: None,
            url: None,
            content: content.into(),
            ordinal: 0,
            context_before: None,
            context_after: None,
            score: 1.0,
            keyword: 1.0,
            bm25: 1.0,
            cosine: None,
        }
    }

    fn stems(text: &str) -> Vec<String> {
        crate::signals::words(text).into_iter().map(|w| w.trim_end_matches('s').to_owned()).collect()
    }

    #[test]
    fn sentences_end_at_full_stops_before_a_capital_and_at_line_ends() {
        assert_eq!(
            sentences("# Title\n\nFirst one. Second, v2.1 is fine! Third?\n- a list item"),
            ["Title", "First one.", "Second, v2.1 is fine!", "Third?", "- a list item"]
        );
    }

    #[test]
    fn a_long_passage_answers_with_the_sentence_that_holds_the_question_and_what_follows() {
        let filler = "Acme makes controllers for garden irrigation and sells them across Europe. ".repeat(5);
        let text = format!(
            "{filler}Repairs take about ten working days. Write to support with your order number. We send a label. The end."
        );
        let question = stems(&content_words("How long do repairs take?"));
        let d = draft(&question, &passage(app::knowledge::SourceKind::Document, &text), &stems);
        assert!(d.text.starts_with("Repairs take about ten working days."), "{}", d.text);
        assert!(d.text.len() <= ANSWER_CHARS + 80);
        assert!(!d.text.contains("irrigation"));
        assert!(d.coverage > 0.5, "{}", d.coverage);
    }

    #[test]
    fn an_faq_answers_whole_and_coverage_counts_the_questions_words() {
        let faq = passage(app::knowledge::SourceKind::Faq, "Yes. Return any unused item within 30 days.");
        let d = draft(&stems(&content_words("weather in Paris")), &faq, &stems);
        assert_eq!(d.text, "Yes. Return any unused item within 30 days.");
        assert_eq!(d.coverage, 0.0);
    }
}
