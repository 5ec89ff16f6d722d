//! The organization's logo: PNG or JPEG up to 2 MB, decoded, scaled to fit 256 × 256, served.

use std::io::Cursor;

use app::ApiError;

use crate::helpers::{TestApp, error_of, spawn_app};

fn png(width: u32, height: u32) -> Vec<u8> {
    let image = image::RgbImage::from_pixel(width, height, image::Rgb([240, 90, 40]));
    let mut out = Vec::new();
    image::DynamicImage::ImageRgb8(image)
        .write_to(&mut Cursor::new(&mut out), image::ImageFormat::Png)
        .expect("png");
    out
}

/// A `multipart/form-data` body with one file field, as a browser sends it.
fn form(field: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----chatsupport-test-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"{field}\"; filename=\"logo.png\"\r\nContent-Type: image/png\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn upload(app: &TestApp, cookie: &str, file: &[u8], accept: &str) -> reqwest::Response {
    let (content_type, body) = form("logo", file);
    app.http
        .post(app.url("/api/v1/organization/logo"))
        .header("cookie", cookie)
        .header("content-type", content_type)
        .header("accept", accept)
        .body(body)
        .send()
        .await
        .expect("upload answers")
}

#[tokio::test]
async fn a_logo_is_decoded_scaled_stored_served_and_removed() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let response = upload(&app, &owner, &png(600, 300), "application/json").await;
    assert_eq!(response.status(), 200);
    let org: serde_json::Value = response.json().await.expect("json");
    let url = org["logo_url"].as_str().expect("a logo url").to_owned();
    assert!(url.starts_with("/files/logos/"));

    let served = app.http.get(app.url(&url)).send().await.expect("GET logo");
    assert_eq!(served.status(), 200, "logos are public (the widget shows them)");
    assert!(served.headers()["cache-control"].to_str().unwrap_or_default().contains("immutable"));
    let bytes = served.bytes().await.expect("bytes");
    let stored = image::load_from_memory(&bytes).expect("a picture");
    assert_eq!((stored.width(), stored.height()), (256, 128));

    let (_, log) = app.get_json("/api/v1/audit-log?action=organization.logo_uploaded", &owner).await;
    assert_eq!(log["entries"].as_array().map(Vec::len), Some(1));

    let removed = app
        .http
        .delete(app.url("/api/v1/organization/logo"))
        .header("cookie", &owner)
        .send()
        .await
        .expect("a");
    assert_eq!(removed.status(), 200);
    let (_, org) = app.get_json("/api/v1/organization", &owner).await;
    assert!(org["logo_url"].is_null());
    assert_eq!(app.http.get(app.url(&url)).send().await.expect("a").status(), 404, "the file is gone");
}

#[tokio::test]
async fn files_that_are_not_small_png_or_jpeg_images_are_refused_and_change_nothing() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    for (file, expected) in [
        (b"GIF89a....".to_vec(), "must be a PNG or JPEG"),
        (b"<svg xmlns='http://www.w3.org/2000/svg' onload='alert(1)'/>".to_vec(), "must be a PNG or JPEG"),
        (vec![7u8; 2 * 1024 * 1024 + 10], "at most 2 MB"),
    ] {
        let (status, error) = error_of(upload(&app, &owner, &file, "application/json").await).await;
        assert_eq!(status, 422);
        assert!(
            matches!(&error, ApiError::Validation { .. }) && error.to_string().contains(expected),
            "{error}"
        );
    }
    let way_too_big = upload(&app, &owner, &vec![1u8; 4 * 1024 * 1024], "application/json").await;
    assert!(way_too_big.status().is_client_error(), "a body far over the limit is cut off");
    let (_, org) = app.get_json("/api/v1/organization", &owner).await;
    assert!(org["logo_url"].is_null(), "nothing was stored");

    // A browser's form post is sent back to the settings page with the reason.
    let page = upload(&app, &owner, b"GIF89a", "text/html,application/xhtml+xml").await;
    assert_eq!(page.status(), 200, "followed the redirect");
    assert!(page.url().as_str().ends_with("/settings?logo_error=not_an_image"), "{}", page.url());
}
