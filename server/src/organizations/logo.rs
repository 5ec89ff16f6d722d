//! The organization's logo (PRD story 1.1): a PNG or JPEG of at most 2 MB, checked by decoding
//! it (not by trusting its name or type), scaled to fit 256 × 256 and stored as PNG under
//! `<data dir>/files/logos/`, served at `/files/logos/…` with a new name per upload (so it can
//! be cached for good). Owners and admins upload and remove it; each change is audited.

use std::{io::Cursor, path::PathBuf};

use app::{ApiError, auth::Permission, dto::OrganizationView, ssr::Viewer};
use axum::{
    Json, Router,
    extract::{DefaultBodyLimit, Multipart, State},
    http::{HeaderMap, header, request::Parts},
    response::{IntoResponse, Redirect, Response},
    routing::post,
};
use image::{ImageFormat, ImageReader, Limits, imageops::FilterType};
use sea_orm::{ActiveValue::Set, DatabaseConnection, EntityTrait};

use crate::{
    accounts::{
        ClientInfo,
        routes::{ApiCaller, client_of},
    },
    audit,
    entities::organization,
    error::Result,
    startup::AppState,
};

/// Largest logo accepted, in bytes.
pub const MAX_LOGO_BYTES: usize = 2 * 1024 * 1024;
/// The stored logo fits this square.
const LOGO_SIDE: u32 = 256;
/// Images larger than this in either dimension are refused before decoding.
const MAX_SOURCE_SIDE: u32 = 8192;

/// Where logos live under the data dir, and the URL path they are served at.
pub fn logo_dir(data_dir: &std::path::Path) -> PathBuf {
    data_dir.join("files").join("logos")
}
pub const LOGO_URL_PREFIX: &str = "/files/logos/";

/// The upload route, with its own body limit (the rest of the API takes at most 1 MB). The body
/// may be a little over the 2 MB the handler allows: it answers "too large" itself.
pub fn upload_router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/organization/logo", post(upload_route).delete(remove_route))
        .layer(DefaultBodyLimit::max(UPLOAD_BODY_LIMIT))
        .layer(tower_http::limit::RequestBodyLimitLayer::new(UPLOAD_BODY_LIMIT))
}

/// Largest request body the upload route reads.
const UPLOAD_BODY_LIMIT: usize = MAX_LOGO_BYTES + 64 * 1024;

/// Serves stored logos; each name is new per upload, so they are cached for good.
pub fn files_router(data_dir: &std::path::Path) -> Router<AppState> {
    use tower_http::{services::ServeDir, set_header::SetResponseHeaderLayer};
    let immutable = SetResponseHeaderLayer::overriding(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("public, max-age=31536000, immutable"),
    );
    Router::new().nest_service(
        "/files/logos",
        tower::ServiceBuilder::new().layer(immutable).service(ServeDir::new(logo_dir(data_dir))),
    )
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

    fn error(self) -> ApiError {
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

/// Stores a new logo for the viewer's organization (owners and admins).
pub async fn upload(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    viewer: &Viewer,
    bytes: Vec<u8>,
    client: &ClientInfo,
) -> Result<OrganizationView> {
    viewer.require(Permission::ManageSettings)?;
    let png = tokio::task::spawn_blocking(move || normalize(&bytes))
        .await
        .map_err(anyhow::Error::from)?
        .map_err(LogoProblem::error)?;
    let dir = logo_dir(data_dir);
    tokio::fs::create_dir_all(&dir).await.map_err(anyhow::Error::from)?;
    let name = format!("{}-{}.png", viewer.organization_id.0, uuid::Uuid::new_v4().simple());
    tokio::fs::write(dir.join(&name), &png).await.map_err(anyhow::Error::from)?;
    replace(db, data_dir, viewer, Some(name), client).await
}

pub async fn remove(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    viewer: &Viewer,
    client: &ClientInfo,
) -> Result<OrganizationView> {
    viewer.require(Permission::ManageSettings)?;
    replace(db, data_dir, viewer, None, client).await
}

async fn replace(
    db: &DatabaseConnection,
    data_dir: &std::path::Path,
    viewer: &Viewer,
    name: Option<String>,
    client: &ClientInfo,
) -> Result<OrganizationView> {
    let found = organization::Entity::find_by_id(viewer.organization_id.0)
        .one(db)
        .await?
        .ok_or_else(|| ApiError::not_found("organization"))?;
    let old = found.logo_path.clone();
    let mut active: organization::ActiveModel = found.into();
    active.logo_path = Set(name.clone());
    let updated = sea_orm::ActiveModelTrait::update(active, db).await?;
    if let Some(old) = old.filter(|o| !o.contains('/') && !o.contains("..")) {
        // The old file goes; a failure only leaves a stray file behind.
        let _ = tokio::fs::remove_file(logo_dir(data_dir).join(old)).await;
    }
    audit::record_by(
        db,
        viewer,
        client,
        audit::Change {
            action: if name.is_some() { "organization.logo_uploaded" } else { "organization.logo_removed" },
            target_type: "organization",
            target_id: Some(viewer.organization_id.to_string()),
            before: None,
            after: None,
        },
    )
    .await?;
    Ok(crate::organizations::view(updated))
}

/// A browser's form post gets a page back, not JSON.
fn wants_page(headers: &HeaderMap) -> bool {
    headers.get(header::ACCEPT).and_then(|a| a.to_str().ok()).is_some_and(|a| a.contains("text/html"))
}

/// Uploads the logo: `multipart/form-data` with a `logo` file field (PNG or JPEG, at most
/// 2 MB). A browser form is sent back to the settings page.
#[utoipa::path(post, path = "/api/v1/organization/logo", tag = "organization", security(("bearer" = [])),
    request_body(content_type = "multipart/form-data", description = "a `logo` file field: PNG or JPEG, at most 2 MB"),
    responses((status = 200, body = OrganizationView), (status = 403, body = app::error::ErrorBody),
              (status = 422, body = app::error::ErrorBody)))]
pub async fn upload_route(
    State(state): State<AppState>,
    caller: ApiCaller,
    request: axum::extract::Request,
) -> Result<Response> {
    // Who may comes before reading a 2 MB body.
    caller.viewer.require(Permission::ManageSettings)?;
    let (parts, body) = request.into_parts();
    let page = wants_page(&parts.headers);
    let client = client_of(&parts);
    let request = axum::extract::Request::from_parts(parts, body);
    let read = match <Multipart as axum::extract::FromRequest<()>>::from_request(request, &()).await {
        Ok(multipart) => read_logo_field(multipart).await,
        Err(_) => Err(LogoProblem::Missing),
    };
    let outcome = match read {
        Ok(bytes) => upload(&state.db, &state.config.data_dir, &caller.viewer, bytes, &client).await,
        Err(problem) => Err(problem.error().into()),
    };
    match (outcome, page) {
        (Ok(_), true) => Ok(Redirect::to("/settings?logo=saved").into_response()),
        (Ok(view), false) => Ok(Json(view).into_response()),
        (Err(crate::error::Error::Api(ApiError::Validation { fields })), true) => {
            let code = match fields.first().map(|f| f.message.as_str()) {
                Some(m) if m.contains("2 MB") => LogoProblem::TooLarge,
                Some(m) if m.contains("Choose") => LogoProblem::Missing,
                _ => LogoProblem::NotAnImage,
            };
            Ok(Redirect::to(&format!("/settings?logo_error={}", code.code())).into_response())
        }
        (Err(err), _) => Err(err),
    }
}

async fn read_logo_field(mut multipart: Multipart) -> std::result::Result<Vec<u8>, LogoProblem> {
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("logo") => {
                let bytes = field.bytes().await.map_err(|_| LogoProblem::TooLarge)?;
                return Ok(bytes.to_vec());
            }
            Ok(Some(_)) => continue,
            Ok(None) => return Err(LogoProblem::Missing),
            Err(_) => return Err(LogoProblem::TooLarge),
        }
    }
}

/// Removes the logo.
#[utoipa::path(delete, path = "/api/v1/organization/logo", tag = "organization", security(("bearer" = [])),
    responses((status = 200, body = OrganizationView), (status = 403, body = app::error::ErrorBody)))]
pub async fn remove_route(
    State(state): State<AppState>,
    caller: ApiCaller,
    request: Parts,
) -> Result<Response> {
    let view = remove(&state.db, &state.config.data_dir, &caller.viewer, &client_of(&request)).await?;
    Ok(if wants_page(&request.headers) {
        Redirect::to("/settings?logo=removed").into_response()
    } else {
        Json(view).into_response()
    })
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
