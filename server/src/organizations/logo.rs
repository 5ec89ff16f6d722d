//! The organization's logo (PRD story 1.1): a PNG or JPEG of at most 2 MB, checked by decoding
//! it (not by trusting its name or type), scaled to fit 256 × 256 and stored as PNG in file
//! storage's public `logos` area (`storage::LOGOS`), served at `/files/logos/<org>/<hash>.png`
//! (a content-addressed name, so it can be cached for good). Owners and admins upload and
//! remove it; each change is audited.

use std::io::Cursor;

use app::{ApiError, auth::Permission, dto::OrganizationView, ssr::Viewer};
use image::{ImageFormat, ImageReader, Limits, imageops::FilterType};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::{
    audit, db,
    entities::organization,
    error::Result,
    shared::ClientInfo,
    storage::{FileKey, FileStore, LOGOS},
};

/// Largest logo accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = LOGOS.max_bytes;
/// The stored logo fits this square.
const LOGO_SIDE: u32 = 256;
/// Images larger than this in either dimension are refused before decoding.
const MAX_SOURCE_SIDE: u32 = 8192;

/// The stored logo of an organization row: a storage key, or the bare file name of a logo
/// stored before file storage (under the same `logos/` folder).
pub fn stored_logo(logo_path: &str) -> Option<FileKey> {
    if logo_path.contains('/') {
        FileKey::parse(logo_path)
    } else {
        FileKey::parse(&format!("logos/{logo_path}"))
    }
}

/// Why an upload was refused, as a short code (the settings page words it).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogoProblem {
    Missing,
    TooLarge,
    NotAnImage,
}

impl LogoProblem {
    pub fn code(self) -> &'static str {
        match self {
            Self::Missing => "missing",
            Self::TooLarge => "too_large",
            Self::NotAnImage => "not_an_image",
        }
    }

    pub fn error(self) -> ApiError {
        ApiError::validation(
            "logo",
            match self {
                Self::Missing => "Choose a PNG or JPEG file to upload.",
                Self::TooLarge => "The logo can be at most 2 MB.",
                Self::NotAnImage => "The logo must be a PNG or JPEG image.",
            },
        )
    }
}

/// Decodes a PNG or JPEG and scales it to fit the logo square, as PNG bytes.
pub fn normalize(bytes: &[u8]) -> std::result::Result<Vec<u8>, LogoProblem> {
    if bytes.is_empty() {
        return Err(LogoProblem::Missing);
    }
    if bytes.len() > MAX_LOGO_BYTES {
        return Err(LogoProblem::TooLarge);
    }
    let mut reader =
        ImageReader::new(Cursor::new(bytes)).with_guessed_format().map_err(|_| LogoProblem::NotAnImage)?;
    if !matches!(reader.format(), Some(ImageFormat::Png | ImageFormat::Jpeg)) {
        return Err(LogoProblem::NotAnImage);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SOURCE_SIDE);
    limits.max_image_height = Some(MAX_SOURCE_SIDE);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let image = reader.decode().map_err(|_| LogoProblem::NotAnImage)?;
    let scaled = if image.width() > LOGO_SIDE || image.height() > LOGO_SIDE {
        image.resize(LOGO_SIDE, LOGO_SIDE, FilterType::Lanczos3)
    } else {
        image
    };
    let mut out = Vec::new();
    scaled.write_to(&mut Cursor::new(&mut out), ImageFormat::Png).map_err(|_| LogoProblem::NotAnImage)?;
    Ok(out)
}

/// An uploaded image that decoded as a PNG or JPEG, scaled to the logo square (PNG bytes).
pub struct Logo(Vec<u8>);

impl Logo {
    /// Decodes off the async runtime; the problem is what the person is told.
    pub async fn decode(bytes: Vec<u8>) -> std::result::Result<Self, LogoProblem> {
        match tokio::task::spawn_blocking(move || normalize(&bytes)).await {
            Ok(decoded) => decoded.map(Self),
            Err(_) => Err(LogoProblem::NotAnImage),
        }
    }
}

/// Stores a new logo for the viewer's organization (owners and admins).
pub async fn upload(
    db: &DatabaseConnection,
    files: &FileStore,
    viewer: &Viewer,
    Logo(png): Logo,
    client: &ClientInfo,
) -> Result<OrganizationView> {
    viewer.require(Permission::ManageSettings)?;
    let key = files.put(LOGOS, viewer.organization_id, &png, "png").await.map_err(anyhow::Error::from)?;
    replace(db, files, viewer, Some(key), client).await
}

pub async fn remove(
    db: &DatabaseConnection,
    files: &FileStore,
    viewer: &Viewer,
    client: &ClientInfo,
) -> Result<OrganizationView> {
    viewer.require(Permission::ManageSettings)?;
    replace(db, files, viewer, None, client).await
}

async fn replace(
    db: &DatabaseConnection,
    files: &FileStore,
    viewer: &Viewer,
    new: Option<FileKey>,
    client: &ClientInfo,
) -> Result<OrganizationView> {
    // The row and its audit entry change together; the old file goes only after they did.
    let txn = db::begin_write(db).await?;
    let found = organization::Entity::find_by_id(viewer.organization_id.0)
        .one(&txn)
        .await?
        .ok_or_else(|| ApiError::not_found("organization"))?;
    let old = found.logo_path.clone();
    let mut active: organization::ActiveModel = found.into();
    active.logo_path = Set(new.as_ref().map(|key| key.as_str().to_owned()));
    let updated = sea_orm::ActiveModelTrait::update(active, &txn).await?;
    audit::record_by(
        &txn,
        viewer,
        client,
        audit::Change {
            action: if new.is_some() { "organization.logo_uploaded" } else { "organization.logo_removed" },
            target_type: "organization",
            target_id: Some(viewer.organization_id.to_string()),
            before: None,
            after: None,
        },
    )
    .await?;
    txn.commit().await?;
    if let Some(old) = old.as_deref().and_then(stored_logo).filter(|old| Some(old) != new.as_ref()) {
        // A failure only leaves a stray file behind.
        if let Err(err) = files.delete(&old).await {
            tracing::warn!(error = %err, key = old.as_str(), "removing a replaced logo failed");
        }
    }
    Ok(super::view(updated))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn png(width: u32, height: u32) -> Vec<u8> {
        let image = image::RgbImage::from_pixel(width, height, image::Rgb([79, 70, 229]));
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(image)
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .expect("png");
        out
    }

    #[test]
    fn logos_are_scaled_to_fit_and_other_files_refused() {
        let stored = normalize(&png(1024, 512)).expect("a png");
        let back = image::load_from_memory(&stored).expect("decodes");
        assert_eq!((back.width(), back.height()), (256, 128), "fits the square, keeps its shape");
        let small = image::load_from_memory(&normalize(&png(64, 64)).expect("png")).expect("decodes");
        assert_eq!(small.width(), 64, "small logos are not blown up");
        assert_eq!(normalize(b"GIF89a not really"), Err(LogoProblem::NotAnImage));
        assert_eq!(normalize(b"<svg xmlns='http://www.w3.org/2000/svg'/>"), Err(LogoProblem::NotAnImage));
        assert_eq!(normalize(&[]), Err(LogoProblem::Missing));
        assert_eq!(normalize(&vec![0u8; MAX_LOGO_BYTES + 1]), Err(LogoProblem::TooLarge));
    }
}
