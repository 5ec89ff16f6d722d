//! The small, safe formatting an answer may carry (paragraphs, bullet and numbered lists,
//! links, bold, code) as a structure the server builds from the answer's Markdown and the
//! widget and the inbox draw — never raw HTML, and no Markdown parser in a browser bundle.
//! Flat structs with one-letter fields keep the JSON short and the decoders small (the widget
//! reads them through the protocol's `JsonFields`, the dashboard with serde).

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One block of a formatted answer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Block {
    /// `p` paragraph, `ul` bullets, `ol` numbered list, `pre` code block.
    pub k: String,
    /// A paragraph's text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub i: Vec<Inline>,
    /// A list's items, each its text.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub l: Vec<Item>,
    /// A code block's text.
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub s: String,
}

/// One item of a list.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Item {
    pub i: Vec<Inline>,
}

/// A run of text in a block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Inline {
    /// `t` plain, `b` bold, `c` code, `a` link.
    pub k: String,
    pub s: String,
    /// A link's address: `http(s):` or `mailto:` only (the server drops any other).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub u: Option<String>,
}

impl Inline {
    pub fn new(kind: &str, text: impl Into<String>) -> Self {
        Self { k: kind.into(), s: text.into(), u: None }
    }
}

/// An address a link may point to.
pub fn safe_url(url: &str) -> bool {
    let lower = url.trim_start().to_ascii_lowercase();
    lower.starts_with("https://") || lower.starts_with("http://") || lower.starts_with("mailto:")
}

fn inlines(runs: Vec<Inline>) -> impl IntoView {
    runs.into_iter()
        .map(|run| match (run.k.as_str(), run.u) {
            ("b", _) => view! { <strong>{run.s}</strong> }.into_any(),
            ("c", _) => view! { <code>{run.s}</code> }.into_any(),
            // `target=_blank` opens without `window.opener`; `nofollow`: the bot's words.
            ("a", Some(url)) if safe_url(&url) => {
                view! { <a href=url target="_blank" rel="noopener nofollow">{run.s}</a> }.into_any()
            }
            _ => run.s.into_any(),
        })
        .collect_view()
}

/// The formatted answer, drawn.
pub fn blocks_view(blocks: Vec<Block>) -> impl IntoView {
    blocks
        .into_iter()
        .map(|b| {
            let items =
                |l: Vec<Item>| l.into_iter().map(|it| view! { <li>{inlines(it.i)}</li> }).collect_view();
            match b.k.as_str() {
                "ul" => view! { <ul>{items(b.l)}</ul> }.into_any(),
                "ol" => view! { <ol>{items(b.l)}</ol> }.into_any(),
                "pre" => view! { <pre><code>{b.s}</code></pre> }.into_any(),
                _ => view! { <p>{inlines(b.i)}</p> }.into_any(),
            }
        })
        .collect_view()
}
