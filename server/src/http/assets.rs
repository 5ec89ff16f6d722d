//! Static assets. They are built ahead of time into the site dir and precompressed (brotli +
//! gzip, by `chatsupport assets`); they are served with the encoding the browser accepts and
//! cache rules that fit their names.

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

/// Assets whose names do not change between builds: the browser must revalidate.
const REVALIDATE: &str = "no-cache";
/// Assets whose names carry a content hash (the widget's): cached for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";
/// The loader sites embed: its URL never changes, so a short cache lets fixes reach them.
const LOADER: &str = "public, max-age=300";

pub fn router<S: Clone + Send + Sync + 'static>(site_dir: &Path) -> Router<S> {
    let cache = |value: &'static str| {
        SetResponseHeaderLayer::overriding(header::CACHE_CONTROL, HeaderValue::from_static(value))
    };
    let dir = |sub: &str| ServeDir::new(site_dir.join(sub)).precompressed_br().precompressed_gzip();
    Router::new()
        .nest_service("/pkg", tower::ServiceBuilder::new().layer(cache(REVALIDATE)).service(dir("pkg")))
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
