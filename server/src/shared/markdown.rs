//! Markdown — an answer's (a model writes it; an owner may put it in an FAQ), a teammate's
//! internal note — read into the small structure the widget and the inbox draw
//! ([`app::format`]): paragraphs, bullet and numbered lists, links, bold, inline code and code
//! blocks. Anything else is kept as its text —
//! headings become bold paragraphs, emphasis plain text, images their alt text — and raw
//! HTML is dropped, so an answer can never carry markup or a script. Links keep only
//! `http(s):` and `mailto:` addresses.

use app::format::{Block, Inline, Item, safe_url};
use pulldown_cmark::{Event, Parser, Tag, TagEnd};

/// The answer's blocks when it has formatting worth drawing; empty for plain text (the widget
/// shows the message's words as they are, paragraphs and line breaks kept).
pub fn blocks_if_formatted(text: &str) -> Vec<Block> {
    let blocks = blocks(text);
    let plain = blocks.iter().all(|b| b.k == "p" && b.i.iter().all(|r| r.k == "t"));
    if plain { Vec::new() } else { blocks }
}

/// The answer read as blocks.
pub fn blocks(text: &str) -> Vec<Block> {
    let mut out: Vec<Block> = Vec::new();
    // Runs of the paragraph, heading or list item being read.
    let mut runs: Vec<Inline> = Vec::new();
    // Open lists, innermost last: their kind and items (a nested list's items join the
    // outer list, one level deep is all a chat bubble needs).
    let mut lists: Vec<(&'static str, Vec<Item>)> = Vec::new();
    let mut bold = 0usize;
    let mut link: Option<String> = None;
    let mut code_block: Option<String> = None;

    let push = |runs: &mut Vec<Inline>, kind: &str, text: &str, url: Option<&String>| {
        if text.is_empty() {
            return;
        }
        match runs.last_mut() {
            Some(last) if last.k == kind && last.u.as_ref() == url => last.s.push_str(text),
            _ => runs.push(Inline { k: kind.into(), s: text.into(), u: url.cloned() }),
        }
    };
    let flush = |runs: &mut Vec<Inline>, lists: &mut Vec<(&'static str, Vec<Item>)>, out: &mut Vec<Block>| {
        trim(runs);
        if runs.is_empty() {
            return;
        }
        let taken = std::mem::take(runs);
        match lists.last_mut() {
            Some((_, items)) => items.push(Item { i: taken }),
            None => out.push(Block { k: "p".into(), i: taken, l: Vec::new(), s: String::new() }),
        }
    };

    for event in Parser::new(text) {
        if let Some(code) = code_block.as_mut() {
            match event {
                Event::Text(t) => code.push_str(&t),
                Event::End(TagEnd::CodeBlock) => {
                    let code = code_block.take().unwrap_or_default();
                    out.push(Block {
                        k: "pre".into(),
                        i: Vec::new(),
                        l: Vec::new(),
                        s: code.trim_end().to_owned(),
                    });
                }
                _ => {}
            }
            continue;
        }
        let kind = if link.is_some() {
            "a"
        } else if bold > 0 {
            "b"
        } else {
            "t"
        };
        match event {
            Event::Start(Tag::Paragraph | Tag::Item) => {}
            Event::End(TagEnd::Paragraph) => {
                if lists.is_empty() {
                    flush(&mut runs, &mut lists, &mut out);
                } else {
                    // Paragraphs inside one list item stay one item.
                    push(&mut runs, "t", " ", None);
                }
            }
            Event::End(TagEnd::Item) => flush(&mut runs, &mut lists, &mut out),
            Event::Start(Tag::Heading { .. }) => bold += 1,
            Event::End(TagEnd::Heading(_)) => {
                bold = bold.saturating_sub(1);
                flush(&mut runs, &mut lists, &mut out);
            }
            Event::Start(Tag::List(first)) => {
                // Text before a nested list belongs to its item.
                flush(&mut runs, &mut lists, &mut out);
                lists.push((if first.is_some() { "ol" } else { "ul" }, Vec::new()));
            }
            Event::End(TagEnd::List(_)) => {
                flush(&mut runs, &mut lists, &mut out);
                if let Some((k, items)) = lists.pop() {
                    match lists.last_mut() {
                        Some((_, outer)) => outer.extend(items),
                        None if !items.is_empty() => {
                            out.push(Block { k: k.into(), i: Vec::new(), l: items, s: String::new() })
                        }
                        None => {}
                    }
                }
            }
            Event::Start(Tag::Strong) => bold += 1,
            Event::End(TagEnd::Strong) => bold = bold.saturating_sub(1),
            Event::Start(Tag::Link { dest_url, .. }) => {
                link = Some(dest_url.to_string()).filter(|u| safe_url(u));
            }
            Event::End(TagEnd::Link) => link = None,
            Event::Start(Tag::CodeBlock(_)) => {
                flush(&mut runs, &mut lists, &mut out);
                code_block = Some(String::new());
            }
            Event::Text(t) => push(&mut runs, kind, &t, link.as_ref()),
            Event::Code(c) => push(&mut runs, "c", &c, None),
            Event::SoftBreak => push(&mut runs, kind, " ", link.as_ref()),
            Event::HardBreak => push(&mut runs, "t", "\n", None),
            // Raw HTML is never drawn; a rule or a task box says nothing in a chat bubble.
            _ => {}
        }
    }
    flush(&mut runs, &mut lists, &mut out);
    while let Some((k, items)) = lists.pop() {
        if !items.is_empty() {
            out.push(Block { k: k.into(), i: Vec::new(), l: items, s: String::new() });
        }
    }
    out
}

/// Leading and trailing spaces of a run of text go.
fn trim(runs: &mut Vec<Inline>) {
    if let Some(first) = runs.first_mut() {
        first.s = first.s.trim_start().to_owned();
    }
    if let Some(last) = runs.last_mut() {
        last.s = last.s.trim_end().to_owned();
    }
    runs.retain(|r| !r.s.is_empty());
}

/// A link run, for tests and callers that build blocks by hand.
pub fn link(text: &str, url: &str) -> Inline {
    Inline { k: "a".into(), s: text.into(), u: Some(url.into()) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(s: &str) -> Inline {
        Inline::new("t", s)
    }

    #[test]
    fn plain_text_needs_no_structure_and_formatting_does() {
        assert!(blocks_if_formatted("Orders ship in 2-4 days.\n\nExpress is next day.").is_empty());
        let found = blocks_if_formatted("Ship with **express** or see [rates](https://shop.example/rates).");
        assert_eq!(found.len(), 1);
        assert_eq!(
            found[0].i,
            [
                t("Ship with "),
                Inline::new("b", "express"),
                t(" or see "),
                link("rates", "https://shop.example/rates"),
                t(".")
            ]
        );
    }

    #[test]
    fn lists_code_and_headings_become_blocks() {
        let found = blocks(
            "# Returns\n\n1. Open **Orders**\n2. Choose `Return item`\n   - print the label\n\n```\ncurl x\n```\n",
        );
        let kinds: Vec<&str> = found.iter().map(|b| b.k.as_str()).collect();
        assert_eq!(kinds, ["p", "ol", "pre"]);
        assert_eq!(found[0].i, [Inline::new("b", "Returns")]);
        assert_eq!(found[1].l.len(), 3, "the nested item joins the list: {:?}", found[1].l);
        assert_eq!(found[1].l[0].i, [t("Open "), Inline::new("b", "Orders")]);
        assert_eq!(found[1].l[1].i, [t("Choose "), Inline::new("c", "Return item")]);
        assert_eq!(found[2].s, "curl x");
    }

    #[test]
    fn html_and_unsafe_links_never_come_through() {
        let found = blocks(
            "<script>alert(1)</script>\n\nHi <b>there</b> [click](javascript:alert(1)) <img src=x onerror=y>",
        );
        let text: String = found.iter().flat_map(|b| b.i.iter().map(|r| r.s.clone())).collect();
        assert!(!text.contains('<') && !text.contains("script"), "{text}");
        assert!(found.iter().flat_map(|b| &b.i).all(|r| r.u.is_none() && r.k != "a"), "{found:?}");
        // The unsafe link's words stay, as plain text.
        assert!(text.contains("click"), "{found:?}");
    }
}
