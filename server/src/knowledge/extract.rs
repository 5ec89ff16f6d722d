//! Text out of what an owner uploads: PDF, DOCX, HTML, Markdown, CSV and plain text, told
//! apart by their bytes (the file name is only a hint between text formats). Each format
//! yields [`Section`]s — text under a heading path, with the PDF page it is on — which
//! `chunking` cuts into passages. Runs on a blocking thread with a time limit and panics
//! caught ([`extract_guarded`]): a hostile file fails its source and nothing else.

use std::{
    io::Read,
    panic::{AssertUnwindSafe, catch_unwind},
    time::Duration,
};

use super::Problem;

/// Text under one heading path (outermost first), from one page when the format has pages.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Section {
    pub headings: Vec<String>,
    pub text: String,
    pub page: Option<u32>,
}

/// What a file held.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extracted {
    /// The format found, as a MIME type.
    pub mime: &'static str,
    /// Its own title (HTML `<title>`, the first heading), if it has one.
    pub title: Option<String>,
    pub sections: Vec<Section>,
}

impl Extracted {
    pub fn text_len(&self) -> usize {
        self.sections.iter().map(|s| s.text.len()).sum()
    }
}

/// Longest any one file may take to read.
pub const TIME_LIMIT: Duration = Duration::from_secs(60);
/// The most text a DOCX may unpack to (a zip bomb stops here).
const MAX_UNPACKED: u64 = 64 * 1024 * 1024;

/// Extracts on a blocking thread, within [`TIME_LIMIT`], a panic counted as a failed file.
pub async fn extract_guarded(bytes: Vec<u8>, filename: String) -> Result<Extracted, Problem> {
    let work = tokio::task::spawn_blocking(move || {
        catch_unwind(AssertUnwindSafe(|| extract(&bytes, &filename))).unwrap_or(Err(Problem::Unreadable))
    });
    match tokio::time::timeout(TIME_LIMIT, work).await {
        Ok(Ok(result)) => result,
        Ok(Err(_joined)) => Err(Problem::Unreadable),
        Err(_elapsed) => Err(Problem::TimedOut),
    }
}

/// The format by content: magic numbers first, then text formats.
pub fn extract(bytes: &[u8], filename: &str) -> Result<Extracted, Problem> {
    if bytes.is_empty() {
        return Err(Problem::Empty);
    }
    let head = &bytes[..bytes.len().min(1024)];
    if find(head, b"%PDF-").is_some() {
        return pdf(bytes);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return docx(bytes);
    }
    if is_image(bytes) {
        return Err(Problem::Image);
    }
    let text = decode_text(bytes)?;
    let ext = filename.rsplit_once('.').map(|(_, e)| e.to_ascii_lowercase()).unwrap_or_default();
    let sniff = text.trim_start().get(..512.min(text.trim_start().len())).unwrap_or("").to_ascii_lowercase();
    let done = if sniff.starts_with("<!doctype html")
        || sniff.starts_with("<html")
        || (ext.starts_with("htm") && sniff.starts_with('<'))
    {
        html(&text)
    } else if ext == "csv" {
        csv_rows(&text)?
    } else if ext == "md" || ext == "markdown" || looks_like_markdown(&text) {
        markdown(&text)
    } else {
        plain(&text)
    };
    if done.sections.iter().all(|s| s.text.trim().is_empty()) {
        return Err(Problem::Empty);
    }
    Ok(done)
}

fn find(hay: &[u8], needle: &[u8]) -> Option<usize> {
    hay.windows(needle.len()).position(|w| w == needle)
}

fn is_image(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x89PNG")
        || bytes.starts_with(b"\xFF\xD8\xFF")
        || bytes.starts_with(b"GIF8")
        || (bytes.starts_with(b"RIFF") && bytes.get(8..12) == Some(b"WEBP"))
}

/// UTF-8 (a BOM dropped), else Windows-1252 for text that is clearly text; binary (NUL
/// bytes, many control characters) is refused.
pub fn decode_text(bytes: &[u8]) -> Result<String, Problem> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let sample = &bytes[..bytes.len().min(8192)];
    let controls = sample.iter().filter(|b| **b < 0x09 || (**b > 0x0D && **b < 0x20)).count();
    if sample.contains(&0) || controls * 50 > sample.len().max(1) {
        return Err(Problem::NotText);
    }
    match std::str::from_utf8(bytes) {
        Ok(text) => Ok(text.replace("\r\n", "\n")),
        // Latin-1 / Windows-1252: every byte is a character (the C1 range mapped as Latin-1).
        Err(_) => Ok(bytes.iter().map(|b| char::from(*b)).collect::<String>().replace("\r\n", "\n")),
    }
}

fn looks_like_markdown(text: &str) -> bool {
    text.lines().take(200).any(|l| {
        let l = l.trim_start();
        (l.starts_with('#') && l.trim_start_matches('#').starts_with(' ')) || l.starts_with("```")
    })
}

/// Collapses runs of spaces and blank lines; keeps paragraph breaks.
pub fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.split_whitespace().collect::<Vec<_>>().join(" ");
        if line.is_empty() {
            blank += 1;
            continue;
        }
        if !out.is_empty() {
            out.push_str(if blank > 0 { "\n\n" } else { "\n" });
        }
        blank = 0;
        out.push_str(&line);
    }
    out
}

fn plain(text: &str) -> Extracted {
    Extracted {
        mime: "text/plain",
        title: None,
        sections: vec![Section { headings: Vec::new(), text: tidy(text), page: None }],
    }
}

/// Gathers text into sections as headings come: a heading at level `n` replaces the path from
/// `n` down.
#[derive(Default)]
struct Sections {
    path: Vec<(u8, String)>,
    text: String,
    done: Vec<Section>,
    first_heading: Option<String>,
}

impl Sections {
    fn heading(&mut self, level: u8, title: String) {
        self.close();
        let title = title.split_whitespace().collect::<Vec<_>>().join(" ");
        if title.is_empty() {
            return;
        }
        self.first_heading.get_or_insert_with(|| title.clone());
        self.path.retain(|(l, _)| *l < level);
        self.path.push((level, title));
    }

    fn push(&mut self, text: &str) {
        self.text.push_str(text);
    }

    fn block(&mut self) {
        if !self.text.ends_with("\n\n") && !self.text.is_empty() {
            self.text.push_str("\n\n");
        }
    }

    fn close(&mut self) {
        let text = tidy(&std::mem::take(&mut self.text));
        if !text.is_empty() {
            let headings = self.path.iter().map(|(_, t)| t.clone()).collect();
            self.done.push(Section { headings, text, page: None });
        }
    }

    fn finish(mut self, mime: &'static str, title: Option<String>) -> Extracted {
        self.close();
        Extracted { mime, title: title.or(self.first_heading), sections: self.done }
    }
}

fn markdown(text: &str) -> Extracted {
    use pulldown_cmark::{Event, Parser, Tag, TagEnd};
    let mut s = Sections::default();
    let mut heading: Option<(u8, String)> = None;
    for event in Parser::new(text) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => heading = Some((level as u8, String::new())),
            Event::End(TagEnd::Heading(_)) => {
                if let Some((level, title)) = heading.take() {
                    s.heading(level, title);
                }
            }
            Event::Text(t) | Event::Code(t) => match &mut heading {
                Some((_, title)) => title.push_str(&t),
                None => s.push(&t),
            },
            Event::SoftBreak | Event::HardBreak => s.push(" "),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::CodeBlock | TagEnd::TableRow) => s.block(),
            Event::End(TagEnd::TableCell) => s.push(" | "),
            _ => {}
        }
    }
    s.finish("text/markdown", None)
}

/// Readable text of a page: headings make the path; scripts, styles, navigation and page
/// furniture are left out.
pub fn html(text: &str) -> Extracted {
    use scraper::{Html, Node};
    let page = Html::parse_document(text);
    let title = page
        .root_element()
        .descendants()
        .find_map(|n| n.value().as_element().filter(|e| e.name() == "title").map(|_| n))
        .map(|n| {
            n.descendants().filter_map(|d| d.value().as_text().map(|t| t.to_string())).collect::<String>()
        })
        .map(|t| t.split_whitespace().collect::<Vec<_>>().join(" "))
        .filter(|t| !t.is_empty());
    let mut s = Sections::default();
    // Depth-first walk with an explicit stack (deep pages cannot overflow ours).
    let mut stack = vec![(page.tree.root(), false)];
    while let Some((node, leaving)) = stack.pop() {
        match node.value() {
            Node::Element(e) => {
                let name = e.name();
                if leaving {
                    if matches!(
                        name,
                        "p" | "li"
                            | "div"
                            | "section"
                            | "article"
                            | "tr"
                            | "pre"
                            | "blockquote"
                            | "dd"
                            | "dt"
                            | "table"
                            | "ul"
                            | "ol"
                            | "br"
                    ) {
                        s.block();
                    } else if matches!(name, "td" | "th") {
                        s.push(" | ");
                    }
                    continue;
                }
                if matches!(
                    name,
                    "script"
                        | "style"
                        | "noscript"
                        | "nav"
                        | "footer"
                        | "header"
                        | "template"
                        | "svg"
                        | "head"
                        | "form"
                        | "iframe"
                ) {
                    continue;
                }
                if let Some(level) =
                    name.strip_prefix('h').and_then(|l| l.parse::<u8>().ok()).filter(|l| (1..=6).contains(l))
                {
                    let heading: String = node
                        .descendants()
                        .filter_map(|d| d.value().as_text().map(|t| t.to_string()))
                        .collect();
                    s.heading(level, heading);
                    continue;
                }
                stack.push((node, true));
                for child in node.children().collect::<Vec<_>>().into_iter().rev() {
                    stack.push((child, false));
                }
            }
            Node::Text(t) if !leaving => {
                s.push(t);
            }
            Node::Document | Node::Fragment => {
                for child in node.children().collect::<Vec<_>>().into_iter().rev() {
                    stack.push((child, false));
                }
            }
            _ => {}
        }
    }
    s.finish("text/html", title)
}

/// A table: every row becomes "column: value" lines, so a passage reads on its own.
fn csv_rows(text: &str) -> Result<Extracted, Problem> {
    let mut reader = csv::ReaderBuilder::new().flexible(false).from_reader(text.as_bytes());
    let headers: Vec<String> =
        reader.headers().map_err(|e| Problem::BadCsv(e.to_string()))?.iter().map(str::to_owned).collect();
    let mut body = String::new();
    for (i, row) in reader.records().enumerate() {
        let row = row.map_err(|e| Problem::BadCsv(format!("row {}: {e}", i + 2)))?;
        let line: Vec<String> = headers
            .iter()
            .zip(row.iter())
            .filter(|(_, v)| !v.trim().is_empty())
            .map(|(h, v)| format!("{h}: {}", v.trim()))
            .collect();
        body.push_str(&line.join("; "));
        body.push_str("\n\n");
    }
    Ok(Extracted {
        mime: "text/csv",
        title: None,
        sections: vec![Section { headings: Vec::new(), text: tidy(&body), page: None }],
    })
}

fn pdf(bytes: &[u8]) -> Result<Extracted, Problem> {
    let encrypted = find(bytes, b"/Encrypt").is_some();
    let pages = match pdf_extract::extract_text_from_mem_by_pages(bytes) {
        Ok(pages) => pages,
        Err(_) if encrypted => return Err(Problem::EncryptedPdf),
        Err(_) => return Err(Problem::CorruptPdf),
    };
    let sections: Vec<Section> = pages
        .iter()
        .enumerate()
        .map(|(i, text)| Section { headings: Vec::new(), text: tidy(text), page: Some(i as u32 + 1) })
        .filter(|s| !s.text.is_empty())
        .collect();
    if sections.is_empty() {
        return Err(if encrypted { Problem::EncryptedPdf } else { Problem::ScannedPdf });
    }
    Ok(Extracted { mime: "application/pdf", title: None, sections })
}

fn docx(bytes: &[u8]) -> Result<Extracted, Problem> {
    let mut archive = zip::ZipArchive::new(std::io::Cursor::new(bytes)).map_err(|_| Problem::Unsupported)?;
    let mut xml = Vec::new();
    {
        let entry = archive.by_name("word/document.xml").map_err(|_| Problem::Unsupported)?;
        if entry.size() > MAX_UNPACKED {
            return Err(Problem::Bomb);
        }
        // The declared size may lie: read at most one byte past the limit.
        entry.take(MAX_UNPACKED + 1).read_to_end(&mut xml).map_err(|_| Problem::CorruptDocx)?;
        if xml.len() as u64 > MAX_UNPACKED {
            return Err(Problem::Bomb);
        }
    }
    docx_xml(&xml)
}

fn docx_xml(xml: &[u8]) -> Result<Extracted, Problem> {
    use quick_xml::{Reader, events::Event};
    let xml = std::str::from_utf8(xml).map_err(|_| Problem::CorruptDocx)?;
    let mut reader = Reader::from_str(xml);
    let mut s = Sections::default();
    let mut paragraph = String::new();
    let mut style: Option<u8> = None;
    let mut in_text = false;
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => match e.local_name().as_ref() {
                "t" => in_text = true,
                "tab" => paragraph.push('\t'),
                "br" | "cr" => paragraph.push('\n'),
                "pStyle" => {
                    let value = e
                        .attributes()
                        .flatten()
                        .find(|a| a.key.local_name().as_ref() == "val")
                        .map(|a| a.value.to_ascii_lowercase());
                    style = value.and_then(|v| {
                        if v == "title" {
                            Some(1)
                        } else {
                            v.strip_prefix("heading")
                                .and_then(|n| n.trim().parse::<u8>().ok())
                                .map(|n| n.clamp(1, 6))
                        }
                    });
                }
                _ => {}
            },
            Ok(Event::Text(t)) if in_text => paragraph.push_str(&t.into_inner()),
            Ok(Event::CData(t)) if in_text => paragraph.push_str(&t.into_inner()),
            Ok(Event::GeneralRef(r)) if in_text => {
                if let Ok(Some(c)) = r.resolve_char_ref() {
                    paragraph.push(c);
                } else {
                    paragraph.push_str(match r.into_inner().as_ref() {
                        "amp" => "&",
                        "lt" => "<",
                        "gt" => ">",
                        "quot" => "\"",
                        "apos" => "'",
                        _ => "",
                    });
                }
            }
            Ok(Event::End(e)) => match e.local_name().as_ref() {
                "t" => in_text = false,
                "p" => {
                    let text = std::mem::take(&mut paragraph);
                    match style.take() {
                        Some(level) => s.heading(level, text),
                        None => {
                            s.push(&text);
                            s.block();
                        }
                    }
                }
                _ => {}
            },
            Ok(Event::Eof) => break,
            Err(_) => return Err(Problem::CorruptDocx),
            _ => {}
        }
    }
    let done = s.finish("application/vnd.openxmlformats-officedocument.wordprocessingml.document", None);
    if done.sections.is_empty() {
        return Err(Problem::Empty);
    }
    Ok(done)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_sections_carry_their_heading_path() {
        let got = extract(
            b"# Guide\n\nIntro.\n\n## Installing\n\nRun the installer.\n\n## Using\n\nClick *go*.",
            "x.md",
        )
        .expect("reads");
        assert_eq!(got.title.as_deref(), Some("Guide"));
        let paths: Vec<_> = got.sections.iter().map(|s| (s.headings.join(" › "), s.text.as_str())).collect();
        assert_eq!(
            paths,
            [
                ("Guide".into(), "Intro."),
                ("Guide › Installing".into(), "Run the installer."),
                ("Guide › Using".into(), "Click go.")
            ]
        );
    }

    #[test]
    fn html_keeps_the_readable_text_and_drops_scripts_and_navigation() {
        let page = "<!doctype html><html><head><title>Help</title><script>var x=1</script></head><body>\
            <nav>Home | About</nav><h1>Refunds</h1><p>We refund within <b>30 days</b>.</p>\
            <h2>Exceptions</h2><ul><li>Gift cards</li><li>Sale items</li></ul></body></html>";
        let got = extract(page.as_bytes(), "page.bin").expect("reads");
        assert_eq!(got.mime, "text/html");
        assert_eq!(got.title.as_deref(), Some("Help"));
        let all: String = got.sections.iter().map(|s| s.text.clone()).collect::<Vec<_>>().join("\n");
        assert!(all.contains("We refund within 30 days."), "{all}");
        assert!(!all.contains("var x") && !all.contains("About"), "{all}");
        assert_eq!(got.sections[1].headings, ["Refunds", "Exceptions"]);
    }

    #[test]
    fn binary_empty_and_images_are_refused_with_their_reason() {
        assert_eq!(extract(b"", "a.txt"), Err(Problem::Empty));
        assert_eq!(
            extract(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0", "notes.txt"),
            Err(Problem::NotText)
        );
        assert_eq!(extract(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", "a.txt"), Err(Problem::Image));
        assert_eq!(extract(b"   \n\n  ", "a.txt"), Err(Problem::Empty));
        assert_eq!(extract(b"%PDF-1.4\n garbage", "a.pdf"), Err(Problem::CorruptPdf));
        assert_eq!(extract(b"PK\x03\x04 not really a zip", "a.docx"), Err(Problem::Unsupported));
    }

    #[test]
    fn latin1_text_reads_and_csv_rows_become_sentences() {
        let got = extract(b"caf\xe9 cr\xe8me", "menu.txt").expect("reads");
        assert_eq!(got.sections[0].text, "café crème");
        let got = extract(b"plan,price\nStarter,49\nPro,149\n", "plans.csv").expect("reads");
        assert_eq!(got.sections[0].text, "plan: Starter; price: 49\n\nplan: Pro; price: 149");
        assert!(matches!(extract(b"a,b\n1,2,3\n", "x.csv"), Err(Problem::BadCsv(_))));
    }

    #[test]
    fn docx_paragraphs_and_heading_styles_are_read() {
        let xml = br#"<?xml version="1.0"?><w:document xmlns:w="w"><w:body>
            <w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>Shipping</w:t></w:r></w:p>
            <w:p><w:r><w:t>We ship in 2 days &amp; free over $50.</w:t></w:r></w:p></w:body></w:document>"#;
        let got = docx_xml(xml).expect("reads");
        assert_eq!(
            got.sections,
            [Section {
                headings: vec!["Shipping".into()],
                text: "We ship in 2 days & free over $50.".into(),
                page: None
            }]
        );
    }
}
