//! Static assets. They are built ahead of time into the site dir, fingerprinted and
//! precompressed (brotli + gzip) by `chatsupport assets`; they are served with the encoding the
//! browser accepts and cache rules that fit their names: a name that carries its content's hash
//! is cached for a year, any other is revalidated.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use anyhow::Context;
use app::Area;
use axum::{
    Router,
    http::{HeaderName, HeaderValue, header},
};
use tower_http::{
    services::{ServeDir, ServeFile},
    set_header::SetResponseHeaderLayer,
};

/// Hex digits of the content hash in a fingerprinted name (`chatsupport-0123456789abcdef.js`).
const HASH_LEN: usize = 16;
const MANIFEST: &str = "manifest.json";
/// What a bundle's files are named after its base name (`chatsupport-bots` + `_bg.wasm`).
const BUNDLE_FILES: [&str; 3] = [".js", "_bg.wasm", ".css"];

pub use app::areas::Bundles;

/// The names the pages load the dashboard's bundles by, from `pkg/manifest.json`. Without one
/// (a build that skipped `chatsupport assets`) they are the build's own names, revalidated on
/// each load.
pub fn bundles(site_dir: &Path) -> Bundles {
    let path = site_dir.join("pkg").join(MANIFEST);
    match std::fs::read_to_string(&path).map(|text| serde_json::from_str::<Bundles>(&text)) {
        Ok(Ok(bundles)) => bundles,
        Ok(Err(error)) => {
            tracing::warn!(%error, path = %path.display(), "unreadable asset manifest: serving unhashed names");
            Bundles::default()
        }
        Err(_) => Bundles::default(),
    }
}

/// Copies each area's bundle in `site_dir/pkg` (`app::areas`) to names that carry a hash of
/// their content (a script and its wasm share one hash; the stylesheet, shared by all areas,
/// has its own), removes the copies of earlier builds and writes `pkg/manifest.json`. Returns
/// what it wrote. A site without the main bundle (no `pkg/chatsupport.js`) is left alone; an
/// area whose bundle was not built keeps its build name.
pub fn fingerprint(site_dir: &Path) -> anyhow::Result<Option<Bundles>> {
    use sha2::{Digest, Sha256};
    let pkg = site_dir.join("pkg");
    let main = Area::Main.build_name();
    if !pkg.join(format!("{main}.js")).exists() {
        return Ok(None);
    }
    let read = |path: PathBuf| std::fs::read(&path).with_context(|| format!("reading {}", path.display()));
    let hash = |parts: &[&[u8]]| {
        let mut digest = Sha256::new();
        for part in parts {
            digest.update((part.len() as u64).to_le_bytes());
            digest.update(part);
        }
        digest.finalize().iter().take(HASH_LEN / 2).map(|b| format!("{b:02x}")).collect::<String>()
    };
    // (bytes, fingerprinted name) of every file the pages will load.
    let mut copies = Vec::new();
    let mut bundles = Bundles::default();
    for area in Area::ALL {
        let build = area.build_name();
        let js_path = pkg.join(format!("{build}.js"));
        if !js_path.exists() {
            continue;
        }
        let (js, wasm) = (read(js_path)?, read(pkg.join(format!("{build}_bg.wasm")))?);
        let name = format!("{build}-{}", hash(&[&js, &wasm]));
        copies.push((js, format!("{name}.js")));
        copies.push((wasm, format!("{name}_bg.wasm")));
        *bundles.script_mut(area) = name;
    }
    let css = read(pkg.join(format!("{main}.css")))?;
    bundles.stylesheet = format!("{main}-{}.css", hash(&[&css]));
    copies.push((css, bundles.stylesheet.clone()));

    for entry in std::fs::read_dir(&pkg).with_context(|| format!("reading {}", pkg.display()))? {
        let path = entry?.path();
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or_default();
        let base = name.trim_end_matches(".br").trim_end_matches(".gz");
        if is_fingerprinted(base) && !copies.iter().any(|(_, current)| current == base) {
            std::fs::remove_file(&path).with_context(|| format!("removing {}", path.display()))?;
        }
    }
    for (bytes, name) in &copies {
        let path = pkg.join(name);
        if !path.exists() {
            std::fs::write(&path, bytes).with_context(|| format!("writing {}", path.display()))?;
        }
    }
    std::fs::write(pkg.join(MANIFEST), serde_json::to_vec_pretty(&bundles)?)?;
    Ok(Some(bundles))
}

/// `chatsupport-<16 hex>.js`, `chatsupport-bots-<16 hex>_bg.wasm`, `….css`: a name of one of
/// our bundles that changes with the content.
fn is_fingerprinted(name: &str) -> bool {
    let Some(stem) = BUNDLE_FILES.iter().find_map(|suffix| name.strip_suffix(suffix)) else { return false };
    let Some((build, hash)) = stem.rsplit_once('-') else { return false };
    hash.len() == HASH_LEN
        && hash.bytes().all(|b| b.is_ascii_hexdigit())
        && Area::ALL.iter().any(|area| area.build_name() == build)
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
        assert!(is_fingerprinted(&format!("{}.js", first.script(Area::Main))), "{first:?}");
        assert!(is_fingerprinted(&first.stylesheet), "{first:?}");
        let pkg = site.path().join("pkg");
        assert_eq!(
            std::fs::read(pkg.join(format!("{}.js", first.script(Area::Main)))).expect("copied"),
            b"one()"
        );
        assert!(pkg.join(format!("{}_bg.wasm", first.script(Area::Main))).exists());
        assert_eq!(bundles(site.path()), first, "the manifest names what was written");

        // A new script gets a new name; the stylesheet, unchanged, keeps its own.
        std::fs::write(pkg.join("chatsupport.js"), "two()").expect("write");
        std::fs::write(pkg.join(format!("{}.js.br", first.script(Area::Main))), b"old").expect("write");
        let second = fingerprint(site.path()).expect("fingerprints").expect("a bundle");
        assert_ne!(second.script(Area::Main), first.script(Area::Main));
        assert_eq!(second.stylesheet, first.stylesheet);
        assert!(
            !pkg.join(format!("{}.js", first.script(Area::Main))).exists(),
            "the old build's copy is gone"
        );
        assert!(
            !pkg.join(format!("{}.js.br", first.script(Area::Main))).exists(),
            "and its compressed siblings"
        );
        assert!(pkg.join("chatsupport.js").exists(), "the build's own files stay");
    }

    #[test]
    fn each_built_area_gets_its_own_name_and_one_not_built_keeps_the_build_name() {
        let site = bundle_site("main()", "body{}");
        let pkg = site.path().join("pkg");
        std::fs::write(pkg.join("chatsupport-bots.js"), "bots()").expect("write");
        std::fs::write(pkg.join("chatsupport-bots_bg.wasm"), b"\0asm bots").expect("write");
        let bundles = fingerprint(site.path()).expect("fingerprints").expect("bundles");
        let bots = bundles.script(Area::Bots);
        assert!(
            bots.starts_with("chatsupport-bots-") && is_fingerprinted(&format!("{bots}.js")),
            "{bundles:?}"
        );
        assert_eq!(std::fs::read(pkg.join(format!("{bots}_bg.wasm"))).expect("copied"), b"\0asm bots");
        assert_ne!(bundles.script(Area::Main), bots);
        assert_eq!(bundles.script(Area::Admin), "chatsupport-admin", "not built: the build name");
    }

    #[test]
    fn without_a_manifest_the_pages_load_the_build_names() {
        let site = tempfile::tempdir().expect("temp dir");
        assert_eq!(bundles(site.path()), Bundles::default());
        assert_eq!(fingerprint(site.path()).expect("no bundle is fine"), None);
        assert!(!is_fingerprinted("chatsupport.js"));
        assert!(!is_fingerprinted("chatsupport-0123456789abcdeg.js"));
        assert!(is_fingerprinted("chatsupport-0123456789abcdef_bg.wasm"));
        assert!(is_fingerprinted("chatsupport-admin-0123456789abcdef.js"));
        assert!(!is_fingerprinted("someone-else-0123456789abcdef.js"), "only our bundles' names");
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
