//! What the crawler reads from a site: a page's text, title, links and canonical address;
//! sitemaps; and which addresses a crawl's settings let it follow.

use std::panic::{AssertUnwindSafe, catch_unwind};

use app::knowledge::CrawlSettings;
use globset::{Glob, GlobSet, GlobSetBuilder};
use reqwest::Url;

use super::fetch::{MAX_URL_CHARS, without_fragment};
use crate::knowledge::{
    Problem,
    extract::{self, Extracted},
};

/// A page as read.
#[derive(Debug, Clone)]
pub struct Page {
    pub extracted: Extracted,
    /// Links to follow (absolute, without fragments); empty under `nofollow`.
    pub links: Vec<Url>,
    pub canonical: Option<Url>,
    /// `<meta name="robots" content="noindex">`: read for links, not indexed.
    pub noindex: bool,
}

/// Why a fetched page gave no text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Unreadable {
    /// Not a page of text (an image, a video, an archive…), with its type.
    NotAPage(String),
    Content(Problem),
}

impl Unreadable {
    pub fn message(&self) -> String {
        match self {
            Self::NotAPage(mime) => format!("This address is not a web page (it answered {mime})."),
            Self::Content(problem) => problem.message(),
        }
    }
}

/// Links one page contributes at most.
const MAX_LINKS: usize = 500;

/// Reads a fetched body by its `Content-Type` (on a blocking thread, panics caught).
pub async fn read(url: Url, content_type: String, body: Vec<u8>) -> Result<Page, Unreadable> {
    let work = tokio::task::spawn_blocking(move || {
        catch_unwind(AssertUnwindSafe(|| read_now(&url, &content_type, &body)))
            .unwrap_or(Err(Unreadable::Content(Problem::Unreadable)))
    });
    match tokio::time::timeout(extract::TIME_LIMIT, work).await {
        Ok(Ok(result)) => result,
        Ok(Err(_)) => Err(Unreadable::Content(Problem::Unreadable)),
        Err(_) => Err(Unreadable::Content(Problem::TimedOut)),
    }
}

fn read_now(url: &Url, content_type: &str, body: &[u8]) -> Result<Page, Unreadable> {
    let mime = content_type.split(';').next().unwrap_or_default().trim().to_ascii_lowercase();
    let plain = |filename: &str| {
        extract::extract(body, filename)
            .map(|extracted| Page { extracted, links: Vec::new(), canonical: None, noindex: false })
            .map_err(Unreadable::Content)
    };
    match mime.as_str() {
        "text/html" | "application/xhtml+xml" | "" => {
            let text = extract::decode_text(body).map_err(Unreadable::Content)?;
            Ok(html(url, &text))
        }
        "text/plain" => plain("page.txt"),
        "text/markdown" | "text/x-markdown" => plain("page.md"),
        "text/csv" => plain("page.csv"),
        "application/pdf" => plain("page.pdf"),
        other => Err(Unreadable::NotAPage(other.to_owned())),
    }
}

fn html(url: &Url, text: &str) -> Page {
    use scraper::{Html, Selector};
    let extracted = extract::html(text);
    let doc = Html::parse_document(text);
    let select = |s: &str| Selector::parse(s).ok();
    let base = select("base[href]")
        .and_then(|s| {
            doc.select(&s).next().and_then(|e| e.value().attr("href")).and_then(|h| url.join(h).ok())
        })
        .unwrap_or_else(|| url.clone());
    let robots = select("meta[name]")
        .map(|s| {
            doc.select(&s)
                .filter(|e| e.value().attr("name").is_some_and(|n| n.eq_ignore_ascii_case("robots")))
                .filter_map(|e| e.value().attr("content"))
                .map(str::to_ascii_lowercase)
                .collect::<Vec<_>>()
                .join(",")
        })
        .unwrap_or_default();
    let canonical = select("link[rel][href]").and_then(|s| {
        doc.select(&s)
            .find(|e| {
                e.value()
                    .attr("rel")
                    .is_some_and(|r| r.split_whitespace().any(|r| r.eq_ignore_ascii_case("canonical")))
            })
            .and_then(|e| e.value().attr("href"))
            .and_then(|h| base.join(h).ok())
            .map(without_fragment)
    });
    let mut links = Vec::new();
    if !robots.contains("nofollow")
        && let Some(s) = select("a[href]")
    {
        for a in doc.select(&s) {
            if a.value().attr("rel").is_some_and(|r| r.split_whitespace().any(|r| r == "nofollow")) {
                continue;
            }
            let Some(href) = a.value().attr("href") else { continue };
            let Ok(link) = base.join(href.trim()) else { continue };
            if !matches!(link.scheme(), "http" | "https") || link.as_str().len() > MAX_URL_CHARS {
                continue;
            }
            let link = without_fragment(link);
            if !links.contains(&link) {
                links.push(link);
            }
            if links.len() >= MAX_LINKS {
                break;
            }
        }
    }
    Page { extracted, links, canonical, noindex: robots.contains("noindex") }
}

/// The addresses a sitemap lists: pages, and (for a sitemap index) further sitemaps.
pub fn sitemap(body: &[u8]) -> (Vec<String>, Vec<String>) {
    use quick_xml::{Reader, events::Event};
    let Ok(xml) = std::str::from_utf8(body) else { return (Vec::new(), Vec::new()) };
    let mut reader = Reader::from_str(xml);
    let (mut pages, mut sitemaps) = (Vec::new(), Vec::new());
    let (mut index, mut in_loc, mut loc) = (false, false, String::new());
    loop {
        match reader.read_event() {
            Ok(Event::Start(e)) => match e.local_name().as_ref() {
                "sitemapindex" => index = true,
                "loc" => {
                    in_loc = true;
                    loc.clear();
                }
                _ => {}
            },
            Ok(Event::Text(t)) if in_loc => loc.push_str(&t.into_inner()),
            Ok(Event::CData(t)) if in_loc => loc.push_str(&t.into_inner()),
            Ok(Event::GeneralRef(r)) if in_loc && r.as_ref() == "amp" => loc.push('&'),
            Ok(Event::End(e)) if e.local_name().as_ref() == "loc" => {
                in_loc = false;
                let found = loc.trim().to_owned();
                if !found.is_empty() && pages.len() + sitemaps.len() < 50_000 {
                    if index { sitemaps.push(found) } else { pages.push(found) }
                }
            }
            Ok(Event::Eof) | Err(_) => break,
            _ => {}
        }
    }
    (pages, sitemaps)
}

/// Which addresses a crawl follows: the start page's site (unless external links are
/// allowed), matching an include pattern if there are any, matching no exclude pattern.
pub struct Scope {
    start: Url,
    follow_external: bool,
    include: Option<GlobSet>,
    exclude: GlobSet,
}

/// A pattern the settings hold that is not a valid pattern.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BadPattern(pub String);

fn globs(patterns: &[String]) -> Result<GlobSet, BadPattern> {
    let mut set = GlobSetBuilder::new();
    for p in patterns {
        set.add(Glob::new(p.trim()).map_err(|_| BadPattern(p.clone()))?);
    }
    set.build().map_err(|_| BadPattern(patterns.join(", ")))
}

impl Scope {
    pub fn new(start: &Url, settings: &CrawlSettings) -> Result<Self, BadPattern> {
        let include = if settings.include_patterns.is_empty() {
            None
        } else {
            Some(globs(&settings.include_patterns)?)
        };
        Ok(Self {
            start: start.clone(),
            follow_external: settings.follow_external_links,
            include,
            exclude: globs(&settings.exclude_patterns)?,
        })
    }

    fn same_site(&self, url: &Url) -> bool {
        let host = |u: &Url| u.host_str().unwrap_or_default().trim_start_matches("www.").to_owned();
        host(url) == host(&self.start) && url.port_or_known_default() == self.start.port_or_known_default()
    }

    pub fn allows(&self, url: &Url) -> bool {
        if url == &self.start {
            return true;
        }
        if !self.follow_external && !self.same_site(url) {
            return false;
        }
        let path = url.path();
        if self.exclude.is_match(path) {
            return false;
        }
        self.include.as_ref().is_none_or(|i| i.is_match(path))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(s: &str) -> Url {
        Url::parse(s).expect("url")
    }

    #[test]
    fn links_are_absolute_without_fragments_and_nofollow_is_respected() {
        let page = html(
            &url("https://docs.example.com/guide/start"),
            r##"<html><head><title>Start</title><link rel="canonical" href="/guide/start#top"></head><body>
            <a href="install">Install</a><a href="/faq#refunds">FAQ</a><a href="#top">Top</a>
            <a href="mailto:help@example.com">Mail</a><a href="javascript:alert(1)">x</a>
            <a rel="nofollow" href="/login">Login</a><a href="https://other.example.org/">Other</a></body></html>"##,
        );
        let links: Vec<&str> = page.links.iter().map(Url::as_str).collect();
        assert_eq!(
            links,
            [
                "https://docs.example.com/guide/install",
                "https://docs.example.com/faq",
                "https://docs.example.com/guide/start",
                "https://other.example.org/"
            ]
        );
        assert_eq!(page.canonical.as_ref().map(Url::as_str), Some("https://docs.example.com/guide/start"));
        assert!(!page.noindex);
        let closed = html(
            &url("https://a.example/"),
            r#"<meta name="robots" content="noindex, nofollow"><a href="/b">b</a>"#,
        );
        assert!(closed.noindex && closed.links.is_empty());
    }

    #[test]
    fn sitemaps_and_sitemap_indexes_list_their_addresses() {
        let (pages, maps) = sitemap(
            br#"<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
            <url><loc>https://a.example/one</loc></url><url><loc> https://a.example/two?x=1&amp;y=2 </loc></url></urlset>"#,
        );
        assert_eq!(pages, ["https://a.example/one", "https://a.example/two?x=1&y=2"]);
        assert!(maps.is_empty());
        let (pages, maps) = sitemap(
            br#"<sitemapindex><sitemap><loc>https://a.example/s1.xml</loc></sitemap></sitemapindex>"#,
        );
        assert!(pages.is_empty());
        assert_eq!(maps, ["https://a.example/s1.xml"]);
        assert_eq!(sitemap(b"not xml <<<"), (Vec::new(), Vec::new()));
    }

    #[test]
    fn the_scope_keeps_to_the_site_and_its_patterns() {
        let settings = CrawlSettings {
            include_patterns: vec!["/docs/*".into(), "/help/*".into()],
            exclude_patterns: vec!["/docs/old/*".into()],
            ..CrawlSettings::default()
        };
        let scope = Scope::new(&url("https://example.com/docs/"), &settings).expect("patterns");
        assert!(scope.allows(&url("https://example.com/docs/")));
        assert!(scope.allows(&url("https://www.example.com/docs/a/b")));
        assert!(scope.allows(&url("https://example.com/help/x")));
        assert!(!scope.allows(&url("https://example.com/blog/x")));
        assert!(!scope.allows(&url("https://example.com/docs/old/x")));
        assert!(!scope.allows(&url("https://other.com/docs/x")));
        let bad = CrawlSettings { exclude_patterns: vec!["/a/[".into()], ..CrawlSettings::default() };
        assert!(Scope::new(&url("https://example.com/"), &bad).is_err());
    }

    #[test]
    fn images_are_not_pages() {
        assert_eq!(
            read_now(&url("https://a.example/logo.png"), "image/png", b"\x89PNG").err(),
            Some(Unreadable::NotAPage("image/png".into()))
        );
    }
}
