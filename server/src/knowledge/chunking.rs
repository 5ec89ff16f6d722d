//! Cuts extracted sections into passages: each section (text under one heading path, on one
//! page) is split at its own structure — paragraphs, then lines, then sentences — by
//! `text-splitter` into passages of [`PASSAGE_CHARS`] with a little overlap, so a passage never
//! mixes two sections and always knows the headings it sits under. Sizes are in characters
//! for now (≈ 4 per token: 300 tokens at most, within the local embedding model's 256
//! word pieces for most English text); the answer engine's evaluation set will set them.

use std::ops::Range;

use text_splitter::{ChunkConfig, TextSplitter};

use super::extract::Extracted;

/// Characters per passage: at least, at most.
pub const PASSAGE_CHARS: Range<usize> = 300..1_200;
/// Characters a passage repeats from the end of the one before (context across a cut).
pub const OVERLAP_CHARS: usize = 120;

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

pub fn passages(extracted: &Extracted) -> Vec<Passage> {
    let splitter = match ChunkConfig::new(PASSAGE_CHARS).with_overlap(OVERLAP_CHARS) {
        Ok(config) => TextSplitter::new(config),
        Err(_) => TextSplitter::new(ChunkConfig::new(PASSAGE_CHARS)),
    };
    let mut out = Vec::new();
    for section in &extracted.sections {
        let heading_path = section.headings.join(PATH_SEPARATOR);
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
        let got = passages(&extracted);
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
