//! A conversation's transcript as a PDF (issue "The agent inbox"): A4 pages in the standard
//! Helvetica (every PDF reader has it, so nothing is embedded), a title, who and when, then
//! each message under its sender and time, wrapped to the page and continued on new pages.
//! Characters Helvetica's Latin alphabet lacks are shown as `?`; the JSON and CSV transcripts
//! keep every character.

use app::dto::{ConversationView, MessageView};
use lopdf::{
    Document, Object, Stream,
    content::{Content, Operation},
    dictionary,
};

const PAGE_WIDTH: f32 = 595.0;
const PAGE_HEIGHT: f32 = 842.0;
const MARGIN: f32 = 50.0;
const BODY_SIZE: f32 = 10.0;
const LINE: f32 = 14.0;

/// The transcript's bytes.
pub fn transcript_pdf(conversation: &ConversationView, messages: &[MessageView]) -> anyhow::Result<Vec<u8>> {
    let mut pages = Pages::default();
    pages.line("F2", 16.0, &format!("Conversation with {}", conversation.visitor_name), 22.0);
    let mut about = format!(
        "{} · started {} · {}",
        conversation.bot_name,
        day_and_time(&conversation.started_at),
        conversation.status.label()
    );
    if let Some(email) = &conversation.visitor_email {
        about.push_str(&format!(" · {email}"));
    }
    pages.wrapped("F1", BODY_SIZE, &about);
    pages.gap(LINE);
    for m in messages {
        pages.keep(LINE * 3.0);
        pages.line("F2", BODY_SIZE, &format!("{} · {}", m.sender.name, day_and_time(&m.created_at)), LINE);
        for paragraph in m.content.lines() {
            pages.wrapped("F1", BODY_SIZE, paragraph);
        }
        pages.gap(LINE / 2.0);
    }
    pages.finish()
}

/// "2026-12-07 14:03" from RFC 3339.
fn day_and_time(at: &str) -> String {
    match (at.get(..10), at.get(11..16)) {
        (Some(day), Some(time)) => format!("{day} {time} UTC"),
        _ => at.to_owned(),
    }
}

/// Pages being written: the operations of each, and where the next line goes.
struct Pages {
    done: Vec<Vec<Operation>>,
    current: Vec<Operation>,
    y: f32,
}

impl Default for Pages {
    fn default() -> Self {
        Self { done: Vec::new(), current: Vec::new(), y: PAGE_HEIGHT - MARGIN }
    }
}

impl Pages {
    fn new_page(&mut self) {
        self.done.push(std::mem::take(&mut self.current));
        self.y = PAGE_HEIGHT - MARGIN;
    }

    /// Starts a new page unless `height` still fits on this one.
    fn keep(&mut self, height: f32) {
        if self.y - height < MARGIN {
            self.new_page();
        }
    }

    fn gap(&mut self, height: f32) {
        self.y -= height;
    }

    fn line(&mut self, font: &str, size: f32, text: &str, height: f32) {
        self.keep(height);
        self.y -= height;
        self.current.extend([
            Operation::new("BT", vec![]),
            Operation::new("Tf", vec![font.into(), size.into()]),
            Operation::new("Td", vec![MARGIN.into(), self.y.into()]),
            Operation::new("Tj", vec![Object::string_literal(win_ansi(text))]),
            Operation::new("ET", vec![]),
        ]);
    }

    /// `text` in lines that fit the page's width, broken between words (a word longer than
    /// a line is broken where it must).
    fn wrapped(&mut self, font: &str, size: f32, text: &str) {
        let room = PAGE_WIDTH - 2.0 * MARGIN;
        let width = |s: &str| s.chars().map(|c| f32::from(glyph_width(c))).sum::<f32>() * size / 1000.0;
        let mut line = String::new();
        for word in text.split_whitespace() {
            let candidate = if line.is_empty() { word.to_owned() } else { format!("{line} {word}") };
            if width(&candidate) <= room {
                line = candidate;
                continue;
            }
            if !line.is_empty() {
                self.line(font, size, &line, LINE);
            }
            line = String::new();
            for c in word.chars() {
                line.push(c);
                if width(&line) > room {
                    line.pop();
                    self.line(font, size, &line, LINE);
                    line = c.to_string();
                }
            }
        }
        if !line.is_empty() || text.trim().is_empty() {
            self.line(font, size, &line, LINE);
        }
    }

    fn finish(mut self) -> anyhow::Result<Vec<u8>> {
        self.done.push(std::mem::take(&mut self.current));
        let mut doc = Document::with_version("1.5");
        let pages_id = doc.new_object_id();
        let font = |doc: &mut Document, name: &str| {
            doc.add_object(dictionary! {
                "Type" => "Font",
                "Subtype" => "Type1",
                "BaseFont" => name,
                "Encoding" => "WinAnsiEncoding",
            })
        };
        let (regular, bold) = (font(&mut doc, "Helvetica"), font(&mut doc, "Helvetica-Bold"));
        let resources =
            doc.add_object(dictionary! { "Font" => dictionary! { "F1" => regular, "F2" => bold } });
        let mut kids: Vec<Object> = Vec::new();
        for operations in self.done {
            let content = Content { operations }.encode()?;
            let contents = doc.add_object(Stream::new(dictionary! {}, content));
            kids.push(
                doc.add_object(
                    dictionary! { "Type" => "Page", "Parent" => pages_id, "Contents" => contents },
                )
                .into(),
            );
        }
        let count = kids.len() as i64;
        doc.objects.insert(
            pages_id,
            Object::Dictionary(dictionary! {
                "Type" => "Pages",
                "Kids" => kids,
                "Count" => count,
                "Resources" => resources,
                "MediaBox" => vec![0.into(), 0.into(), PAGE_WIDTH.into(), PAGE_HEIGHT.into()],
            }),
        );
        let catalog = doc.add_object(dictionary! { "Type" => "Catalog", "Pages" => pages_id });
        doc.trailer.set("Root", catalog);
        doc.compress();
        let mut out = Vec::new();
        doc.save_to(&mut out)?;
        Ok(out)
    }
}

/// Text in the fonts' encoding (WinAnsi: Latin-1 and a few more); what it lacks becomes `?`.
fn win_ansi(text: &str) -> Vec<u8> {
    text.chars()
        .map(|c| match c {
            '\u{20}'..='\u{7e}' | '\u{a0}'..='\u{ff}' => c as u8,
            '€' => 0x80,
            '‚' => 0x82,
            '„' => 0x84,
            '…' => 0x85,
            '‘' => 0x91,
            '’' => 0x92,
            '“' => 0x93,
            '”' => 0x94,
            '•' => 0x95,
            '–' => 0x96,
            '—' => 0x97,
            '™' => 0x99,
            '\t' => b' ',
            _ => b'?',
        })
        .collect()
}

/// Helvetica's advance widths (its AFM), in thousandths of the size, for printable ASCII;
/// the rest as a typical letter.
fn glyph_width(c: char) -> u16 {
    const ASCII: [u16; 95] = [
        278, 278, 355, 556, 556, 889, 667, 191, 333, 333, 389, 584, 278, 333, 278, 278, // ' '../
        556, 556, 556, 556, 556, 556, 556, 556, 556, 556, // 0-9
        278, 278, 584, 584, 584, 556, 1015, // :..@
        667, 667, 722, 722, 667, 611, 778, 722, 278, 500, 667, 556, 833, 722, 778, 667, 778, 722, 667, 611,
        722, 667, 944, 667, 667, 611, // A-Z
        278, 278, 278, 469, 556, 333, // [..`
        556, 556, 500, 556, 556, 278, 556, 556, 222, 222, 500, 222, 833, 556, 556, 556, 556, 333, 500, 278,
        556, 500, 722, 500, 500, 500, // a-z
        334, 260, 334, 584, // {..~
    ];
    match c {
        ' '..='~' => ASCII[c as usize - 32],
        _ => 556,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn helvetica_widths_line_up_with_their_characters() {
        assert_eq!(glyph_width(' '), 278);
        assert_eq!(glyph_width('0'), 556);
        assert_eq!(glyph_width('@'), 1015);
        assert_eq!(glyph_width('W'), 944);
        assert_eq!(glyph_width('i'), 222);
        assert_eq!(glyph_width('~'), 584);
    }

    #[test]
    fn a_long_conversation_runs_over_pages_and_reads_back_in_order() {
        let conversation: ConversationView = serde_json::from_value(serde_json::json!({
            "id": uuid::Uuid::nil(), "bot_id": uuid::Uuid::nil(), "bot_name": "Helper",
            "visitor_name": "Ada Lovelace", "status": "resolved", "preview": "", "message_count": 120,
            "started_at": "2026-12-07T10:00:00Z", "updated_at": "2026-12-07T10:00:00Z"
        }))
        .expect("a conversation");
        let messages: Vec<MessageView> = (1..=120)
            .map(|n| {
                serde_json::from_value(serde_json::json!({
                    "id": uuid::Uuid::from_u128(n), "conversation_id": uuid::Uuid::nil(), "seq": n,
                    "sender": {"type": "visitor", "name": "Ada"},
                    "content": format!("Message number {n} {}", "and a rather long line that has to wrap ".repeat(4)),
                    "created_at": "2026-12-07T10:00:00Z"
                }))
                .expect("a message")
            })
            .collect();
        let bytes = transcript_pdf(&conversation, &messages).expect("written");
        let doc = Document::load_mem(&bytes).expect("a PDF that opens");
        assert!(doc.get_pages().len() > 3, "{} pages", doc.get_pages().len());
        let text = pdf_extract::extract_text_from_mem(&bytes).expect("text");
        let first = text.find("Message number 1 ").expect("the first");
        let last = text.find("Message number 120 ").expect("the last");
        assert!(first < last);
        assert!(text.contains("Conversation with Ada Lovelace"));
    }

    #[test]
    fn text_outside_the_fonts_alphabet_is_shown_as_a_question_mark() {
        assert_eq!(win_ansi("Café “ok” 日本"), b"Caf\xe9 \x93ok\x94 ??".to_vec());
    }
}
