//! File storage under `<data dir>/files/`: put, read, delete and serve. Files live by area and
//! organization (`<area>/<organization>/<sha256>.<ext>`): a name is the hash of the content
//! (the same bytes stored twice are one file; a name never points at other bytes, so a
//! served file can be cached for good), each area has a size limit, and only public areas
//! (logos, which the widget shows to anyone) are served over HTTP; knowledge uploads are a
//! private area.
//!
//! It knows no feature and imports only `shared`-level types.

use std::path::{Path, PathBuf};

use app::dto::OrganizationId;
use axum::{
    Router,
    http::{HeaderValue, header},
};
use sha2::{Digest, Sha256};
use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};

/// A kind of stored file: where it goes, how large it may be, whether anyone may fetch it.
#[derive(Debug, Clone, Copy)]
pub struct Area {
    pub name: &'static str,
    pub max_bytes: usize,
    pub public: bool,
}

/// Organization logos (PNG, already normalized): public, at most 2 MB.
pub const LOGOS: Area = Area { name: "logos", max_bytes: 2 * 1024 * 1024, public: true };

/// Files owners give a bot to learn from (`knowledge::`): private — never served — and at most
/// the largest plan's limit (each plan's own is checked before storing).
pub const KNOWLEDGE: Area = Area { name: "knowledge", max_bytes: 50 * 1024 * 1024, public: false };

const AREAS: [Area; 2] = [LOGOS, KNOWLEDGE];

/// Where a stored file is: `<area>/<organization>/<sha256>.<ext>`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileKey(String);

impl FileKey {
    /// A key read back from the database; `None` for anything that could leave the store
    /// (`..`, absolute paths, odd characters) or names an unknown area.
    pub fn parse(raw: &str) -> Option<Self> {
        let mut parts = raw.split('/');
        let area = parts.next()?;
        let fine = |s: &str| {
            !s.is_empty()
                && !s.starts_with('.')
                && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"-._".contains(&b))
        };
        let rest: Vec<&str> = parts.collect();
        (AREAS.iter().any(|a| a.name == area)
            && !rest.is_empty()
            && rest.len() <= 2
            && rest.iter().all(|s| fine(s)))
        .then(|| Self(raw.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Where a public file is served (`/files/<key>`); `None` for a private area.
    pub fn url(&self) -> Option<String> {
        let area = self.0.split('/').next()?;
        AREAS.iter().any(|a| a.name == area && a.public).then(|| format!("/files/{}", self.0))
    }
}

/// Why a file was not stored.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error("the file is larger than {limit} bytes")]
    TooLarge { limit: usize },
    #[error("storing a file: {0}")]
    Io(#[from] std::io::Error),
}

#[derive(Debug, Clone)]
pub struct FileStore {
    root: PathBuf,
}

impl FileStore {
    pub fn new(data_dir: &Path) -> Self {
        Self { root: data_dir.join("files") }
    }

    fn path_of(&self, key: &FileKey) -> PathBuf {
        self.root.join(key.as_str())
    }

    /// Stores `bytes` for `organization` in `area` and returns the key. Written to a temporary
    /// file and renamed, so a reader never sees half a file.
    pub async fn put(
        &self,
        area: Area,
        organization: OrganizationId,
        bytes: &[u8],
        extension: &str,
    ) -> Result<FileKey, StorageError> {
        if bytes.len() > area.max_bytes {
            return Err(StorageError::TooLarge { limit: area.max_bytes });
        }
        let hash = format!("{:x}", Sha256::digest(bytes));
        let extension: String = extension.chars().filter(char::is_ascii_alphanumeric).take(8).collect();
        let key = FileKey(format!("{}/{}/{hash}.{extension}", area.name, organization.0));
        let path = self.path_of(&key);
        if tokio::fs::try_exists(&path).await.unwrap_or(false) {
            return Ok(key);
        }
        let dir = path.parent().map(Path::to_path_buf).unwrap_or_else(|| self.root.clone());
        tokio::fs::create_dir_all(&dir).await?;
        let temp = dir.join(format!(".{hash}.{}.tmp", &crate::shared::tokens::new_token()[..8]));
        tokio::fs::write(&temp, bytes).await?;
        tokio::fs::rename(&temp, &path).await?;
        Ok(key)
    }

    pub async fn read(&self, key: &FileKey) -> Result<Vec<u8>, StorageError> {
        Ok(tokio::fs::read(self.path_of(key)).await?)
    }

    /// Removes a file; one already gone is not an error.
    pub async fn delete(&self, key: &FileKey) -> Result<(), StorageError> {
        match tokio::fs::remove_file(self.path_of(key)).await {
            Err(err) if err.kind() != std::io::ErrorKind::NotFound => Err(err.into()),
            _ => Ok(()),
        }
    }

    /// Serves the public areas at `/files/<area>/…`, cached for good (names are content hashes).
    pub fn public_router(&self) -> Router {
        let mut router = Router::new();
        for area in AREAS.iter().filter(|a| a.public) {
            let immutable = SetResponseHeaderLayer::overriding(
                header::CACHE_CONTROL,
                HeaderValue::from_static("public, max-age=31536000, immutable"),
            );
            router = router.nest_service(
                &format!("/files/{}", area.name),
                tower::ServiceBuilder::new()
                    .layer(immutable)
                    .service(ServeDir::new(self.root.join(area.name))),
            );
        }
        router
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn files_are_named_by_content_kept_per_organization_and_limited_in_size() {
        let dir = tempfile::tempdir().expect("temp dir");
        let store = FileStore::new(dir.path());
        let (a, b) = (OrganizationId(uuid::Uuid::from_u128(1)), OrganizationId(uuid::Uuid::from_u128(2)));
        let first = store.put(LOGOS, a, b"png bytes", "png").await.expect("stored");
        let again = store.put(LOGOS, a, b"png bytes", "png").await.expect("stored");
        let other = store.put(LOGOS, b, b"png bytes", "png").await.expect("stored");
        assert_eq!(first, again, "the same content is one file");
        assert_ne!(first, other, "each organization has its own");
        assert!(first.as_str().starts_with(&format!("logos/{}/", a.0)));
        assert_eq!(store.read(&first).await.expect("read"), b"png bytes");
        assert_eq!(first.url(), Some(format!("/files/{}", first.as_str())));
        store.delete(&first).await.expect("deleted");
        store.delete(&first).await.expect("deleting twice is fine");
        assert!(store.read(&first).await.is_err());
        let big = vec![0u8; LOGOS.max_bytes + 1];
        assert!(matches!(store.put(LOGOS, a, &big, "png").await, Err(StorageError::TooLarge { .. })));
    }

    #[test]
    fn keys_from_the_database_cannot_leave_the_store() {
        assert!(FileKey::parse("logos/0000/abc.png").is_some());
        assert!(FileKey::parse("logos/legacy-name.png").is_some(), "logos stored before the store");
        for bad in [
            "../secret.key",
            "logos/../../secret.key",
            "/etc/passwd",
            "logos/.hidden",
            "secrets/x/y",
            "logos",
        ] {
            assert!(FileKey::parse(bad).is_none(), "{bad}");
        }
    }
}
