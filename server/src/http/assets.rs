//! Static assets. They are built ahead of time into the site dir, fingerprinted and
//! precompressed (brotli + gzip) by `chatsupport assets`; they are served with the encoding the
//! browser accepts and cache rules that fit their names: a name that carries its content's hash
//! is cached for a year, any other is revalidated.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::Context;
use axum::{
    Router,
    http::{HeaderName, HeaderValue, header},
};
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

/// The dashboard's bundle as the build wrote it (`pkg/chatsupport.js`, `…_bg.wasm`, `….css`).
const BUNDLE: &str = "chatsupport";
/// Hex digits of the content hash in a fingerprinted name (`chatsupport-0123456789abcdef.js`).
const HASH_LEN: usize = 16;
const MANIFEST: &str = "manifest.json";

/// The names the pages load the dashboard by, from `pkg/manifest.json`. Without one (a build
/// that skipped `chatsupport assets`) they are the build's own names, revalidated on each load.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Bundle {
    /// Leptos's output name: the pages load `/pkg/{name}.js` and `/pkg/{name}_bg.wasm`.
    pub name: String,
    /// The file name of the stylesheet in `/pkg`.
    pub stylesheet: String,
}

impl Default for Bundle {
    fn default() -> Self {
        Self { name: BUNDLE.to_owned(), stylesheet: format!("{BUNDLE}.css") }
    }
}

impl Bundle {
    pub fn load(site_dir: &Path) -> Self {
        let path = site_dir.join("pkg").join(MANIFEST);
        match std::fs::read_to_string(&path).map(|text| serde_json::from_str::<Bundle>(&text)) {
            Ok(Ok(bundle)) => bundle,
            Ok(Err(error)) => {
                tracing::warn!(%error, path = %path.display(), "unreadable asset manifest: serving unhashed names");
                Self::default()
            }
            Err(_) => Self::default(),
        }
    }
}

/// Copies the dashboard's bundle in `site_dir/pkg` to names that carry a hash of their content
/// (the script and its wasm share one hash, the stylesheet has its own), removes the copies of
/// earlier builds and writes `pkg/manifest.json`. Returns what it wrote. A site without a
/// bundle (no `pkg/chatsupport.js`) is left alone.
pub fn fingerprint(site_dir: &Path) -> anyhow::Result<Option<Bundle>> {
    use sha2::{Digest, Sha256};
    let pkg = site_dir.join("pkg");
    let source = |suffix: &str| pkg.join(format!("{BUNDLE}{suffix}"));
    if !source(".js").exists() {
        return Ok(None);
    }
    let read = |path: PathBuf| std::fs::read(&path).with_context(|| format!("reading {}", path.display()));
    let (js, wasm, css) = (read(source(".js"))?, read(source("_bg.wasm"))?, read(source(".css"))?);
    let hash = |parts: &[&[u8]]| {
        let mut digest = Sha256::new();
        for part in parts {
            digest.update((part.len() as u64).to_le_bytes());
            digest.update(part);
        }
        digest.finalize().iter().take(HASH_LEN / 2).map(|b| format!("{b:02x}")).collect::<String>()
    };
    let bundle = Bundle {
        name: format!("{BUNDLE}-{}", hash(&[&js, &wasm])),
        stylesheet: format!("{BUNDLE}-{}.css", hash(&[&css])),
    };
    let current =
        [format!("{}.js", bundle.name), format!("{}_bg.wasm", bundle.name), bundle.stylesheet.clone()];
    for entry in std::fs::read_dir(&pkg).with_context(|| format!("reading {}", pkg.display()))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let base = name.trim_end_matches(".br").trim_end_matches(".gz");
        if is_fingerprinted(base) && !current.iter().any(|c| c == base) {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    for (bytes, name) in [(&js, &current[0]), (&wasm, &current[1]), (&css, &current[2])] {
        let path = pkg.join(name);
        if !path.exists() {
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    std::fs::write(pkg.join(MANIFEST), serde_json::to_vec_pretty(&bundle)?)?;
    Ok(Some(bundle))
}

/// `chatsupport-<16 hex>.js`, `…_bg.wasm` or `….css`: a name that changes with the content.
fn is_fingerprinted(name: &str) -> bool {
    let Some(rest) = name.strip_prefix(BUNDLE).and_then(|r| r.strip_prefix('-')) else { return false };
    let Some(hash) = rest.get(..HASH_LEN) else { return false };
    hash.bytes().all(|b| b.is_ascii_hexdigit()) && matches!(&rest[HASH_LEN..], ".js" | "_bg.wasm" | ".css")
}

/// Cache rules for `/pkg`: fingerprinted names for a year, anything else revalidated.
async fn pkg_cache(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let name = request.uri().path().rsplit('/').next().unwrap_or_default();
    let rule = if is_fingerprinted(name) { IMMUTABLE } else { REVALIDATE };
    let mut response = next.run(request).await;
    if response.status().is_success() {
        response.headers_mut().insert(header::CACHE_CONTROL, HeaderValue::from_static(rule));
    }
    response
}

/// Assets whose names do not change between builds: the browser must revalidate.
const REVALIDATE: &str = "no-cache";
/// Assets whose names carry a content hash (the widget's, the dashboard's bundle): cached for
/// a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The loader sites embed: its URL never changes, so a short cache lets fixes reach them.
const LOADER: &str = "public, max-age=300";

pub fn router<S: Clone + Send + Sync + 'static>(site_dir: &Path) -> Router<S> {
    let cache = |value: &'static str| {
        SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(value))
    };
    let dir = |sub: &str| ServeDir::new(site_dir.join(sub)).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service(
            "/pkg",
            tower::ServiceBuilder::new().layer(axum::middleware::from_fn(pkg_cache)).service(dir("pkg")),
        )
        .nest_service(
            "/widget-app",
            tower::ServiceBuilder::new().layer(cache(IMMUTABLE)).service(dir("widget")),
        )
        .route_service(
            "/embed.js",
            tower::ServiceBuilder::new()
                .layer(cache(LOADER))
                .layer(SetResponseHeaderLayer::overriding(
                    HeaderName::from_static("cross-origin-resource-policy"),
                    HeaderValue::from_static("cross-origin"),
                ))
                .service(ServeFile::new(site_dir.join("embed.js")).precompressed_br().precompressed_gzip()),
        )
}

/// Sizes of one asset as served: raw, gzip and brotli bytes.
#[derive(Debug)]
pub struct AssetSize {
    pub path: PathBuf,
    pub raw: u64,
    pub gzip: u64,
    pub brotli: u64,
}

const COMPRESSIBLE: [&str; 6] = ["js", "wasm", "css", "html", "json", "svg"];

/// Writes `.br` and `.gz` beside every compressible file under `site_dir` (skipping ones
/// that are newer than their source) and returns the sizes.
pub fn precompress(site_dir: &Path) -> anyhow::Result<Vec<AssetSize>> {
    let mut sizes = Vec::new();
    let mut stack = vec![site_dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).with_context(|| format!("reading {}", dir.display()))? {
            let path = entry?.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let compressible =
                path.extension().and_then(|e| e.to_str()).is_some_and(|ext| COMPRESSIBLE.contains(&ext));
            if !compressible {
                continue;
            }
            let raw = std::fs::read(&path).with_context(|| format!("reading {}", path.display()))?;
            let br = sibling(&path, "br");
            let gz = sibling(&path, "gz");
            if is_stale(&path, &br) {
                let mut out = Vec::new();
                let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
                writer.write_all(&raw)?;
                drop(writer);
                std::fs::write(&br, out)?;
            }
            if is_stale(&path, &gz) {
                let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
                encoder.write_all(&raw)?;
                std::fs::write(&gz, encoder.finish()?)?;
            }
            sizes.push(AssetSize {
                path: path.strip_prefix(site_dir).unwrap_or(&path).to_path_buf(),
                raw: raw.len() as u64,
                gzip: std::fs::metadata(&gz)?.len(),
                brotli: std::fs::metadata(&br)?.len(),
            });
        }
    }
    sizes.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(sizes)
}

fn sibling(path: &Path, ext: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(ext);
    PathBuf::from(name)
}

fn is_stale(source: &Path, derived: &Path) -> bool {
    let modified = |p: &Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    match (modified(source), modified(derived)) {
        (Some(src), Some(out)) => out < src,
        _ => true,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bundle_site(js: &str, css: &str) -> tempfile::TempDir {
        let dir = tempfile::tempdir().expect("temp dir");
        let pkg = dir.path().join("pkg");
        std::fs::create_dir_all(&pkg).expect("pkg");
        std::fs::write(pkg.join("chatsupport.js"), js).expect("write");
        std::fs::write(pkg.join("chatsupport_bg.wasm"), b"\0asm").expect("write");
        std::fs::write(pkg.join("chatsupport.css"), css).expect("write");
        dir
    }

    #[test]
    fn fingerprinting_names_the_bundle_by_its_content_and_drops_old_builds() {
        let site = bundle_site("one()", "body{}");
        let first = fingerprint(site.path()).expect("fingerprints").expect("a bundle");
        assert!(is_fingerprinted(&format!("{}.js", first.name)), "{first:?}");
        assert!(is_fingerprinted(&first.stylesheet), "{first:?}");
        let pkg = site.path().join("pkg");
        assert_eq!(std::fs::read(pkg.join(format!("{}.js", first.name))).expect("copied"), b"one()");
        assert!(pkg.join(format!("{}_bg.wasm", first.name)).exists());
        assert_eq!(Bundle::load(site.path()), first, "the manifest names what was written");

        // A new script gets a new name; the stylesheet, unchanged, keeps its own.
        std::fs::write(pkg.join("chatsupport.js"), "two()").expect("write");
        std::fs::write(pkg.join(format!("{}.js.br", first.name)), b"old").expect("write");
        let second = fingerprint(site.path()).expect("fingerprints").expect("a bundle");
        assert_ne!(second.name, first.name);
        assert_eq!(second.stylesheet, first.stylesheet);
        assert!(!pkg.join(format!("{}.js", first.name)).exists(), "the old build's copy is gone");
        assert!(!pkg.join(format!("{}.js.br", first.name)).exists(), "and its compressed siblings");
        assert!(pkg.join("chatsupport.js").exists(), "the build's own files stay");
    }

    #[test]
    fn without_a_manifest_the_pages_load_the_build_names() {
        let site = tempfile::tempdir().expect("temp dir");
        assert_eq!(Bundle::load(site.path()), Bundle::default());
        assert_eq!(fingerprint(site.path()).expect("no bundle is fine"), None);
        assert!(!is_fingerprinted("chatsupport.js"));
        assert!(!is_fingerprinted("chatsupport-0123456789abcdeg.js"));
        assert!(is_fingerprinted("chatsupport-0123456789abcdef_bg.wasm"));
    }

    #[test]
    fn precompressing_writes_smaller_brotli_and_gzip_siblings() {
        let dir = tempfile::tempdir().expect("temp dir");
        let js = "function hello() { return 'hello world'; }\n".repeat(200);
        std::fs::write(dir.path().join("app.js"), &js).expect("write");
        std::fs::write(dir.path().join("logo.png"), [0u8; 10]).expect("write");
        let sizes = precompress(dir.path()).expect("precompress");
        assert_eq!(sizes.len(), 1, "only compressible files are listed");
        assert_eq!(sizes[0].raw, js.len() as u64);
        assert!(sizes[0].brotli < sizes[0].raw / 10 && sizes[0].gzip < sizes[0].raw / 10);
        assert!(dir.path().join("app.js.br").exists() && dir.path().join("app.js.gz").exists());
        assert!(!dir.path().join("logo.png.br").exists());
    }
}
