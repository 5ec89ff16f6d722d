//! Cuts extracted sections into passages: each section (text under one heading path, on one
//! page) is split at its own structure — paragraphs, then lines, then sentences — by
//! `text-splitter` with a little overlap, so a passage never mixes two sections and always
//! knows the headings it sits under.
//!
//! Passages are measured in what reads them ([`Sizer`]). With the local embedding model they
//! are measured in its own word pieces (its `tokenizer.json`), [`PASSAGE_WORD_PIECES`] each
//! and never more than what fits, with the heading path that leads the embedded text, into
//! the [`MAX_TOKENS`] the model reads: no passage loses its end to the model's cut. Without it
//! (keyword search alone, or an endpoint that reads thousands of tokens) they are measured in
//! characters, [`PASSAGE_CHARS`]. The answer engine's evaluation set will tune both.

use std::{ops::Range, sync::Arc};

use text_splitter::{Characters, ChunkConfig, ChunkSizer, TextSplitter};
use tokenizers::Tokenizer;

use super::extract::Extracted;
use crate::embeddings::minilm::MAX_TOKENS;

/// Characters per passage, at least and at most, when passages are measured in characters.
pub const PASSAGE_CHARS: Range<usize> = 300..1_200;
/// Characters a passage repeats from the end of the one before (context across a cut).
pub const OVERLAP_CHARS: usize = 120;
/// Word pieces per passage, at least and at most, when measured by the embedding model's
/// tokenizer: ≈ 150 English words at most, a paragraph or two.
pub const PASSAGE_WORD_PIECES: Range<usize> = 64..200;
/// Word pieces a passage repeats from the one before.
pub const OVERLAP_WORD_PIECES: usize = 24;
/// Word pieces kept free in the embedded text for `[CLS]`, `[SEP]`, the source's title and the
/// line break before the passage (the heading path is counted section by section).
const RESERVED_WORD_PIECES: usize = 32;

/// One passage, as stored in `knowledge_chunks` and indexed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Passage {
    /// "Getting started › Installing".
    pub heading_path: String,
    pub content: String,
    pub page: Option<u32>,
}

/// How heading paths read.
pub const PATH_SEPARATOR: &str = " › ";

/// The unit passages are measured in.
#[derive(Clone, Default)]
pub enum Sizer {
    #[default]
    Characters,
    /// The local embedding model's word pieces (its tokenizer, without truncation).
    WordPieces(Arc<Tokenizer>),
}

impl std::fmt::Debug for Sizer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            Sizer::Characters => "characters",
            Sizer::WordPieces(_) => "word pieces",
        })
    }
}

pub fn passages(extracted: &Extracted, sizer: &Sizer) -> Vec<Passage> {
    match sizer {
        Sizer::Characters => split(extracted, |_| PASSAGE_CHARS, OVERLAP_CHARS, Characters),
        Sizer::WordPieces(tokenizer) => {
            let known = std::cell::RefCell::default();
            let tokenizer = WordPieces { tokenizer: tokenizer.as_ref(), known: &known };
            let fits = |heading_path: &str| {
                let room = MAX_TOKENS.saturating_sub(RESERVED_WORD_PIECES + tokenizer.size(heading_path));
                let end = PASSAGE_WORD_PIECES.end.min(room).max(OVERLAP_WORD_PIECES * 2);
                PASSAGE_WORD_PIECES.start.min(end)..end
            };
            split(extracted, fits, OVERLAP_WORD_PIECES, tokenizer)
        }
    }
}

/// [`passages`] on a blocking thread (tokenizing a long document takes a while). Should the
/// tokenizer fail, the passages are measured in characters instead.
pub async fn passages_off_thread(extracted: Extracted, sizer: Sizer) -> Vec<Passage> {
    let fallback = matches!(sizer, Sizer::WordPieces(_)).then(|| extracted.clone());
    match tokio::task::spawn_blocking(move || passages(&extracted, &sizer)).await {
        Ok(passages) => passages,
        Err(e) => {
            tracing::warn!(error = %e, "cutting passages by word pieces failed: by characters instead");
            fallback.map(|x| passages(&x, &Sizer::Characters)).unwrap_or_default()
        }
    }
}

/// A tokenizer as `text-splitter` measures with (its own `tokenizers` feature would build the
/// Oniguruma C library, and panics on text it cannot tokenize; this counts characters then).
///
/// The splitter measures the same text many times over (each level of structure, each
/// overlap), and tokenizing whole texts made chunking 300 times slower than by characters. So
/// it counts word by word, remembering each word's count: BERT's tokenizer never joins pieces
/// across whitespace and normalizes character by character, so a text's count is the sum of
/// its whitespace-separated words' counts ([`word_pieces`]).
#[derive(Clone, Copy)]
struct WordPieces<'a> {
    tokenizer: &'a Tokenizer,
    known: &'a std::cell::RefCell<std::collections::HashMap<String, usize>>,
}

impl ChunkSizer for WordPieces<'_> {
    fn size(&self, chunk: &str) -> usize {
        let mut known = self.known.borrow_mut();
        chunk
            .split_whitespace()
            .map(|word| match known.get(word) {
                Some(n) => *n,
                None => {
                    let n = word_pieces(self.tokenizer, word);
                    known.insert(word.to_owned(), n);
                    n
                }
            })
            .sum()
    }
}

/// The word pieces `text` is read as (no `[CLS]`/`[SEP]`); its characters if it cannot be
/// tokenized.
pub fn word_pieces(tokenizer: &Tokenizer, text: &str) -> usize {
    match tokenizer.encode_fast(text, false) {
        Ok(encoding) => encoding.len(),
        Err(_) => text.chars().count(),
    }
}

/// The same count as [`word_pieces`], summed word by word as the splitter measures.
pub fn word_pieces_by_word(tokenizer: &Tokenizer, text: &str) -> usize {
    let known = std::cell::RefCell::default();
    WordPieces { tokenizer, known: &known }.size(text)
}

/// Splits each section into passages whose size (by `sizer`) is in `range(heading path)`.
fn split<S: ChunkSizer + Copy>(
    extracted: &Extracted,
    range: impl Fn(&str) -> Range<usize>,
    overlap: usize,
    sizer: S,
) -> Vec<Passage> {
    let mut out = Vec::new();
    for section in &extracted.sections {
        let heading_path = section.headings.join(PATH_SEPARATOR);
        let capacity = range(&heading_path);
        let config = || ChunkConfig::new(capacity.clone()).with_sizer(sizer);
        let splitter = match config().with_overlap(overlap.min(capacity.end / 2)) {
            Ok(config) => TextSplitter::new(config),
            Err(_) => TextSplitter::new(config()),
        };
        for piece in splitter.chunks(&section.text) {
            let content = piece.trim();
            if content.is_empty() {
                continue;
            }
            out.push(Passage {
                heading_path: heading_path.clone(),
                content: content.to_owned(),
                page: section.page,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::knowledge::extract::Section;

    #[test]
    fn long_sections_are_cut_at_paragraphs_and_keep_their_headings_and_pages() {
        let paragraph = "The installer checks your system first. ".repeat(12);
        let text = format!("{paragraph}\n\n{paragraph}\n\n{paragraph}");
        let extracted = Extracted {
            mime: "application/pdf",
            title: None,
            sections: vec![
                Section { headings: vec!["Guide".into(), "Installing".into()], text, page: Some(3) },
                Section {
                    headings: vec!["Guide".into(), "Using".into()],
                    text: "Short.".into(),
                    page: Some(4),
                },
            ],
        };
        let got = passages(&extracted, &Sizer::Characters);
        assert!(got.len() >= 3, "{}", got.len());
        for p in &got[..got.len() - 1] {
            assert_eq!(p.heading_path, "Guide › Installing");
            assert_eq!(p.page, Some(3));
            assert!(p.content.chars().count() <= PASSAGE_CHARS.end, "{}", p.content.len());
        }
        let last = got.last().expect("a passage");
        assert_eq!(
            (last.heading_path.as_str(), last.content.as_str(), last.page),
            ("Guide › Using", "Short.", Some(4))
        );
    }
}
