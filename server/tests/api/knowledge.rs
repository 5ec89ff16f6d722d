//! A bot's knowledge: files, FAQs and text through the ingestion job to the knowledge search;
//! each bad file failing with its reason and nothing else; limits before storage; roles;
//! tenants; the dashboard socket's `document:*` frames.

use std::{io::Write, time::Duration};

use app::{ApiError, auth::Role, protocol::ServerMsg};
use serde_json::{Value, json};

use crate::helpers::{TestApp, error_of, spawn_app};

/// A PDF with one page per text (Helvetica, so no font is embedded), offsets computed;
/// `encrypted` adds a standard security handler nobody has the password for.
pub fn pdf(pages: &[&str], encrypted: bool) -> Vec<u8> {
    let mut objects: Vec<String> = Vec::new();
    let n = pages.len();
    let kids: Vec<String> = (0..n).map(|i| format!("{} 0 R", 4 + i * 2)).collect();
    objects.push("<< /Type /Catalog /Pages 2 0 R >>".into());
    objects.push(format!("<< /Type /Pages /Kids [{}] /Count {n} >>", kids.join(" ")));
    objects.push("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>".into());
    for (i, text) in pages.iter().enumerate() {
        objects.push(format!(
            "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R >> >> /Contents {} 0 R >>",
            5 + i * 2
        ));
        let stream = format!("BT /F1 12 Tf 72 720 Td ({text}) Tj ET");
        objects.push(format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()));
    }
    if encrypted {
        objects.push(format!(
            "<< /Filter /Standard /V 1 /R 2 /O <{}> /U <{}> /P -44 >>",
            "ab".repeat(32),
            "cd".repeat(32)
        ));
    }
    let mut out = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(out.len());
        out.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = out.len();
    out.extend_from_slice(format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes());
    for offset in offsets {
        out.extend_from_slice(format!("{offset:010} 00000 n \n").as_bytes());
    }
    let encrypt = if encrypted {
        format!(" /Encrypt {} 0 R /ID [<{}> <{}>]", objects.len(), "01".repeat(16), "01".repeat(16))
    } else {
        String::new()
    };
    out.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R{encrypt} >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    out
}

/// A DOCX whose body is `document_xml` (`word/document.xml`), deflated.
pub fn docx(document_xml: &[u8]) -> Vec<u8> {
    let mut zip = zip::ZipWriter::new(std::io::Cursor::new(Vec::new()));
    let options =
        zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
    zip.start_file("[Content_Types].xml", options).expect("entry");
    zip.write_all(br#"<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>"#)
        .expect("write");
    zip.start_file("word/document.xml", options).expect("entry");
    zip.write_all(document_xml).expect("write");
    zip.finish().expect("zip").into_inner()
}

pub fn docx_paragraphs(heading: &str, text: &str) -> Vec<u8> {
    docx(
        format!(
            r#"<?xml version="1.0" encoding="UTF-8"?><w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>
<w:p><w:pPr><w:pStyle w:val="Heading1"/></w:pPr><w:r><w:t>{heading}</w:t></w:r></w:p>
<w:p><w:r><w:t>{text}</w:t></w:r></w:p></w:body></w:document>"#
        )
        .as_bytes(),
    )
}

/// A `multipart/form-data` body: `chatbot_id`, then one file.
fn form(bot: &str, filename: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "----chatsupport-knowledge-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"chatbot_id\"\r\n\r\n{bot}\r\n\
         --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

pub async fn upload(
    app: &TestApp,
    cookie: &str,
    bot: &str,
    filename: &str,
    file: &[u8],
) -> reqwest::Response {
    let (content_type, body) = form(bot, filename, file);
    app.http
        .post(app.url("/api/v1/knowledge-base/documents"))
        .header("cookie", cookie)
        .header("origin", app.url(""))
        .header("content-type", content_type)
        .body(body)
        .send()
        .await
        .expect("upload answers")
}

/// Uploads and returns the new document's id.
pub async fn uploaded(app: &TestApp, cookie: &str, bot: &str, filename: &str, file: &[u8]) -> String {
    let response = upload(app, cookie, bot, filename, file).await;
    assert_eq!(response.status(), 201, "{filename}");
    let doc: Value = response.json().await.expect("json");
    assert_eq!(doc["chatbot_id"], bot);
    doc["id"].as_str().expect("id").to_owned()
}

/// Waits until the source is completed or failed; its last state.
pub async fn settled(app: &TestApp, cookie: &str, id: &str) -> Value {
    let mut last = Value::Null;
    for _ in 0..600 {
        let (status, source) = app.get_json(&format!("/api/v1/knowledge-base/sources/{id}"), cookie).await;
        assert_eq!(status, 200, "{source}");
        if matches!(source["status"].as_str(), Some("completed" | "failed")) {
            return source;
        }
        last = source;
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("source {id} never finished: {last}");
}

pub async fn search(app: &TestApp, cookie: &str, bot: &str, q: &str) -> Vec<Value> {
    let (status, body) = app
        .get_json(
            &format!("/api/v1/knowledge-base/search?chatbot_id={bot}&q={}", q.replace(' ', "+")),
            cookie,
        )
        .await;
    assert_eq!(status, 200, "{body}");
    body["results"].as_array().expect("results").clone()
}

/// A newly registered organization (free plan) with one bot: its owner's cookie and the bot.
pub async fn own_tenant(app: &TestApp, email: &str, brand: &str) -> (String, String) {
    let owner = app.register_verified(email, &format!("{brand} Shop")).await;
    let (_, workspaces) = app.get_json("/api/v1/workspaces", &owner).await;
    assert_eq!(workspaces["workspaces"][0]["plan"], "free");
    let workspace: uuid::Uuid =
        workspaces["workspaces"][0]["id"].as_str().expect("id").parse().expect("uuid");
    let demo = app.demo_org().await;
    let row = <chatsupport::entities::workspace::Entity as sea_orm::EntityTrait>::find_by_id(workspace)
        .one(&app.state.handles.db)
        .await
        .expect("q")
        .expect("workspace");
    assert_ne!(row.organization_id, demo.0);
    let (bot, _) = app.add_bot(row.organization_id, workspace, brand).await;
    (owner, bot.to_string())
}

pub async fn demo_bot(app: &TestApp, cookie: &str) -> String {
    let (_, bots) = app.get_json("/api/v1/chatbots", cookie).await;
    bots["chatbots"][0]["id"].as_str().expect("a bot").to_owned()
}

#[tokio::test]
async fn files_of_every_format_become_passages_the_search_finds_with_where_they_are() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let files: Vec<(&str, Vec<u8>, &str)> = vec![
        ("manual.pdf", pdf(&["Welcome to the Zephyr manual.", "Descale the kettle monthly with citric acid."], false), "citric acid"),
        ("returns.docx", docx_paragraphs("Returns", "Parcels go back through the Quokka courier."), "Quokka courier"),
        ("notes.txt", b"Our warehouse in Tromso closes at noon on Fridays.".to_vec(), "Tromso warehouse"),
        (
            "guide.md",
            b"# Setup\n\nIntro.\n\n## Pairing\n\nHold the glimmer button for five seconds.".to_vec(),
            "glimmer button",
        ),
        (
            "page.html",
            b"<!doctype html><html><head><title>Shipping</title></head><body><nav>menu</nav><h1>Abroad</h1><p>We ship to Reykjavik in four days.</p></body></html>".to_vec(),
            "Reykjavik",
        ),
        ("prices.csv", b"plan,price\nMarmot,49 dollars\nPro,149 dollars\n".to_vec(), "Marmot"),
    ];
    let mut ids = Vec::new();
    for (name, bytes, _) in &files {
        ids.push(uploaded(&app, &owner, &bot, name, bytes).await);
    }
    for ((name, _, words), id) in files.iter().zip(&ids) {
        let source = settled(&app, &owner, id).await;
        assert_eq!(source["status"], "completed", "{name}: {source}");
        assert_eq!(source["progress"], 100);
        assert!(source["chunks"].as_u64() >= Some(1), "{name}");
        let hits = search(&app, &owner, &bot, words).await;
        assert_eq!(
            hits.first().map(|h| h["source_id"].clone()),
            Some(json!(id)),
            "{name}: {words} → {hits:?}"
        );
    }
    // Where a passage comes from: the PDF's page, the Markdown's and the DOCX's headings.
    let pdf_hit = &search(&app, &owner, &bot, "citric acid").await[0];
    assert_eq!(pdf_hit["page"], 2);
    assert_eq!(search(&app, &owner, &bot, "glimmer").await[0]["heading_path"], "Setup › Pairing");
    assert_eq!(search(&app, &owner, &bot, "Quokka").await[0]["heading_path"], "Returns");
    // Stemmed: "descaling" finds "Descale".
    assert!(!search(&app, &owner, &bot, "descaling").await.is_empty());
    let html = settled(&app, &owner, &ids[4]).await;
    assert_eq!((html["title"].as_str(), html["mime_type"].as_str()), (Some("page.html"), Some("text/html")));

    let (_, list) = app.get_json(&format!("/api/v1/knowledge-base/documents?chatbot_id={bot}"), &owner).await;
    assert_eq!(list["documents"].as_array().map(Vec::len), Some(files.len()));

    // Deleting a document takes its passages out of the search at once.
    let gone = app
        .http
        .delete(app.url(&format!("/api/v1/knowledge-base/documents/{}", ids[0])))
        .header("cookie", &owner)
        .header("origin", app.url(""))
        .send()
        .await
        .expect("delete");
    assert_eq!(gone.status(), 204);
    assert!(search(&app, &owner, &bot, "citric acid").await.is_empty());
    let (status, _) = app.get_json(&format!("/api/v1/knowledge-base/documents/{}", ids[0]), &owner).await;
    assert_eq!(status, 404);
    assert!(!search(&app, &owner, &bot, "Quokka").await.is_empty(), "the others stay");
}

#[tokio::test]
async fn each_bad_file_fails_with_its_reason_and_nothing_else_is_touched() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let good = uploaded(&app, &owner, &bot, "good.txt", b"The lighthouse opens at dawn.").await;
    assert_eq!(settled(&app, &owner, &good).await["status"], "completed");

    let bomb = {
        let mut xml = b"<w:document xmlns:w=\"w\"><w:body><w:p><w:r><w:t>".to_vec();
        xml.resize(70 * 1024 * 1024, b'a');
        docx(&xml)
    };
    assert!(bomb.len() < 1024 * 1024, "a bomb is small: {}", bomb.len());
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog".to_vec(), "corrupt_pdf"),
        ("locked.pdf", pdf(&["Secret plans."], true), "encrypted_pdf"),
        ("scan.pdf", pdf(&[""], false), "scanned_pdf"),
        ("bomb.docx", bomb, "unpacks_too_large"),
        ("program.txt", b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0\x01\0\0\0".repeat(20), "not_text"),
        ("empty.txt", Vec::new(), "empty"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01".to_vec(), "image"),
        ("table.csv", b"question,answer\n\"unclosed,quote\nnext,row,extra\n".to_vec(), "bad_csv"),
    ];
    for (name, bytes, code) in cases {
        let id = uploaded(&app, &owner, &bot, name, &bytes).await;
        let source = settled(&app, &owner, &id).await;
        assert_eq!(source["status"], "failed", "{name}: {source}");
        assert_eq!(source["error"]["code"], code, "{name}: {source}");
        let message = source["error"]["message"].as_str().unwrap_or_default();
        assert!(
            message.len() > 20 && !message.contains("Error"),
            "{name}: a sentence for a person: {message}"
        );
        assert_eq!(source["chunks"], 0);
    }
    let locked = search(&app, &owner, &bot, "lighthouse").await;
    assert_eq!(locked.len(), 1, "the good file is still there, alone");
    assert_eq!(settled(&app, &owner, &good).await["status"], "completed");
}

#[tokio::test]
async fn the_plans_file_size_and_count_are_refused_before_anything_is_stored() {
    let app = spawn_app().await;
    // A free workspace: 5 files of at most 5 MB.
    let (owner, bot) = own_tenant(&app, "kb-free@example.com", "Pebble").await;
    let big = vec![b'a'; 5 * 1024 * 1024 + 1];
    let (status, error) = error_of(upload(&app, &owner, &bot, "big.txt", &big).await).await;
    assert_eq!(status, 413);
    assert!(matches!(error, ApiError::PayloadTooLarge { max_bytes } if max_bytes == 5 * 1024 * 1024));
    let (_, list) = app.get_json(&format!("/api/v1/knowledge-base/documents?chatbot_id={bot}"), &owner).await;
    assert_eq!(list["documents"].as_array().map(Vec::len), Some(0), "nothing stored");
    let files_dir = app.state.handles.config.data_dir.join("files").join("knowledge");
    assert!(!files_dir.exists() || std::fs::read_dir(&files_dir).map(|d| d.count()).unwrap_or(0) == 0);

    for i in 0..5 {
        uploaded(&app, &owner, &bot, &format!("f{i}.txt"), format!("File number {i}.").as_bytes()).await;
    }
    let (status, error) = error_of(upload(&app, &owner, &bot, "sixth.txt", b"One too many.").await).await;
    assert_eq!(status, 402);
    assert!(
        matches!(&error, ApiError::QuotaExceeded { message } if message.contains("5 knowledge files")),
        "{error:?}"
    );
}

#[tokio::test]
async fn faqs_and_text_are_added_checked_changed_found_and_deleted() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let faq = json!({ "chatbot_id": bot, "question": "How do I recalibrate the zorbium sensor?",
        "answer": "Hold the quill dial for ten seconds.", "category": "devices",
        "tags": ["sensor", "calibration"], "priority": "high" });
    let response = app.send_json("POST", "/api/v1/knowledge-base/faqs", &owner, faq).await;
    assert_eq!(response.status(), 201);
    let created: Value = response.json().await.expect("json");
    let id = created["id"].as_str().expect("id").to_owned();
    assert_eq!((created["kind"].as_str(), created["priority"].as_str()), (Some("faq"), Some("high")));
    assert_eq!(settled(&app, &owner, &id).await["status"], "completed");
    // Found by the question's words, though the answer does not have them.
    let hits = search(&app, &owner, &bot, "recalibrate zorbium").await;
    assert_eq!(hits[0]["source_id"], json!(id));
    assert_eq!(hits[0]["kind"], "faq");

    let bad = json!({ "chatbot_id": bot, "question": " ", "answer": "", "priority": "urgent" });
    let (status, error) =
        error_of(app.send_json("POST", "/api/v1/knowledge-base/faqs", &owner, bad).await).await;
    assert_eq!(status, 422);
    let ApiError::Validation { fields } = error else { panic!("validation") };
    let named: Vec<&str> = fields.iter().map(|f| f.field.as_str()).collect();
    assert_eq!(named, ["question", "answer", "priority"]);

    let patch =
        json!({ "question": "How do I clean the zorbium sensor?", "answer": "Wipe it with a dry flannel." });
    let response = app.send_json("PATCH", &format!("/api/v1/knowledge-base/faqs/{id}"), &owner, patch).await;
    assert_eq!(response.status(), 200);
    assert_eq!(settled(&app, &owner, &id).await["status"], "completed");
    assert!(search(&app, &owner, &bot, "quill").await.is_empty(), "the old answer is gone");
    assert_eq!(search(&app, &owner, &bot, "flannel").await[0]["source_id"], json!(id));

    let text = json!({ "chatbot_id": bot, "title": "Opening hours", "text": "# Hours\n\nThe studio opens at nine." });
    let response = app.send_json("POST", "/api/v1/knowledge-base/snippets", &owner, text).await;
    assert_eq!(response.status(), 201);
    let snippet: Value = response.json().await.expect("json");
    let snippet_id = snippet["id"].as_str().expect("id").to_owned();
    assert_eq!(settled(&app, &owner, &snippet_id).await["status"], "completed");
    assert_eq!(search(&app, &owner, &bot, "studio").await[0]["heading_path"], "Hours");

    let deleted = app
        .http
        .delete(app.url(&format!("/api/v1/knowledge-base/faqs/{id}")))
        .header("cookie", &owner)
        .header("origin", app.url(""))
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status(), 204);
    assert!(search(&app, &owner, &bot, "zorbium").await.is_empty());
    // An FAQ route does not reach a snippet.
    let (status, _) = app.get_json(&format!("/api/v1/knowledge-base/documents/{snippet_id}"), &owner).await;
    assert_eq!(status, 404);
}

#[tokio::test]
async fn agents_read_knowledge_owners_and_admins_change_it_viewers_do_neither() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let id = uploaded(&app, &owner, &bot, "a.txt", b"Agents can read this.").await;
    settled(&app, &owner, &id).await;
    let agent = app.member_with_role(Role::Agent).await;
    assert_eq!(search(&app, &agent, &bot, "agents").await.len(), 1);
    let (status, error) = error_of(upload(&app, &agent, &bot, "b.txt", b"no").await).await;
    assert_eq!((status, error), (403, ApiError::Forbidden));
    let viewer = app.member_with_role(Role::Viewer).await;
    let (status, _) =
        app.get_json(&format!("/api/v1/knowledge-base/sources?chatbot_id={bot}"), &viewer).await;
    assert_eq!(status, 403);
}

#[tokio::test]
async fn another_organization_can_neither_list_read_search_nor_delete_a_source() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let id = uploaded(&app, &owner, &bot, "secret.txt", b"The vault code is tangerine.").await;
    settled(&app, &owner, &id).await;
    let mut theirs = app.dashboard().await;
    let (other, own_bot) = own_tenant(&app, "kb-other@example.com", "Other").await;
    let mut others = app.authed_socket("/api/v1/ws/dashboard", &other).await;
    for path in [
        format!("/api/v1/knowledge-base/sources?chatbot_id={bot}"),
        format!("/api/v1/knowledge-base/documents?chatbot_id={bot}"),
        format!("/api/v1/knowledge-base/search?chatbot_id={bot}&q=tangerine"),
        format!("/api/v1/knowledge-base/sources/{id}"),
        format!("/api/v1/knowledge-base/documents/{id}"),
    ] {
        let (status, body) = app.get_json(&path, &other).await;
        assert_eq!(status, 404, "{path}: {body}");
    }
    assert!(search(&app, &other, &own_bot, "tangerine").await.is_empty(), "their own bot does not see it");
    let deleted = app
        .http
        .delete(app.url(&format!("/api/v1/knowledge-base/sources/{id}")))
        .header("cookie", &other)
        .header("origin", app.url(""))
        .send()
        .await
        .expect("delete");
    assert_eq!(deleted.status(), 404);
    assert_eq!(search(&app, &owner, &bot, "tangerine").await.len(), 1);

    // The socket: Acme's dashboard hears the next source's progress, the other one nothing.
    let next = uploaded(&app, &owner, &bot, "next.txt", b"More to know.").await;
    let frame = theirs
        .recv_until(|m| matches!(m, ServerMsg::DocumentProcessed { document_id, .. } if document_id.to_string() == next))
        .await;
    let ServerMsg::DocumentProcessed { chunks_created, source, .. } = frame else { unreachable!() };
    assert_eq!((chunks_created, source.title.as_str()), (1, "next.txt"));
    assert!(others.is_silent_for(Duration::from_millis(500)).await, "no other tenant's knowledge frames");
}

#[tokio::test]
async fn the_demo_bot_knows_its_faqs_and_articles_on_first_run() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let (_, sources) =
        app.get_json(&format!("/api/v1/knowledge-base/sources?chatbot_id={bot}"), &owner).await;
    let sources = sources["sources"].as_array().expect("sources").clone();
    assert_eq!(sources.len(), 8, "six FAQs and two articles");
    for s in &sources {
        let id = s["id"].as_str().expect("id");
        assert_eq!(settled(&app, &owner, id).await["status"], "completed", "{s}");
    }
    let hits = search(&app, &owner, &bot, "how long does delivery take").await;
    assert_eq!(hits[0]["source_title"], "How long does shipping take?");
    let warranty = search(&app, &owner, &bot, "warranty claim photo").await;
    assert_eq!(warranty[0]["heading_path"], "Warranty and repairs › How to claim");
}

#[tokio::test]
async fn a_csv_of_faqs_is_imported_with_a_report_of_each_row_skipped_or_refused() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let bot = demo_bot(&app, &owner).await;
    let csv = "question,answer,category,tags\n\
        \"Do you gift-wrap?\",\"Yes, for 3 euros per parcel.\",orders,\"gift,wrap\"\n\
        \"How long does shipping take?\",\"A new answer.\",shipping,\n\
        \"Do you gift-wrap?\",\"Twice in one file.\",orders,\n\
        ,\"An answer without a question.\",misc,\n\
        \"Can I pay in crypto?\",\"No, only cards and PayPal.\",billing,payment\n";
    let import = |overwrite: bool| {
        let boundary = "----faq-import";
        let body = format!(
            "--{boundary}\r\nContent-Disposition: form-data; name=\"chatbot_id\"\r\n\r\n{bot}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"overwrite_existing\"\r\n\r\n{overwrite}\r\n\
             --{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"faqs.csv\"\r\nContent-Type: text/csv\r\n\r\n{csv}\r\n--{boundary}--\r\n"
        );
        app.http
            .post(app.url("/api/v1/knowledge-base/faqs/import"))
            .header("cookie", &owner)
            .header("content-type", format!("multipart/form-data; boundary={boundary}"))
            .body(body)
            .send()
    };
    let response = import(false).await.expect("import");
    assert_eq!(response.status(), 200);
    let report: Value = response.json().await.expect("json");
    assert_eq!((report["imported"].as_u64(), report["skipped"].as_u64()), (Some(2), Some(2)), "{report}");
    let rows: Vec<u64> =
        report["errors"].as_array().expect("errors").iter().filter_map(|e| e["row"].as_u64()).collect();
    assert_eq!(rows, [3, 4, 5], "{report}");
    assert_eq!(report["errors"][0]["error"], "Duplicate question found");
    assert!(report["errors"][2]["error"].as_str().unwrap_or_default().contains("question"), "{report}");
    app.knowledge_jobs_done().await;
    assert_eq!(search(&app, &owner, &bot, "gift wrap").await[0]["source_title"], "Do you gift-wrap?");
    assert!(search(&app, &owner, &bot, "crypto").await.len() == 1);

    // Again with overwrite: the demo's shipping FAQ takes the new answer; nothing is doubled.
    let report: Value = import(true).await.expect("import").json().await.expect("json");
    assert_eq!((report["imported"].as_u64(), report["skipped"].as_u64()), (Some(3), Some(1)), "{report}");
    app.knowledge_jobs_done().await;
    let (_, faqs) = app.get_json(&format!("/api/v1/knowledge-base/faqs?chatbot_id={bot}"), &owner).await;
    let faqs = faqs["faqs"].as_array().expect("faqs").clone();
    assert_eq!(faqs.len(), 8, "six demo FAQs and two new ones");
    let shipping = faqs.iter().find(|f| f["title"] == "How long does shipping take?").expect("shipping");
    assert_eq!(shipping["body"], "A new answer.");
}

/// `PUT …/documents/{id}` with a new file.
async fn replace(app: &TestApp, cookie: &str, id: &str, filename: &str, file: &[u8]) -> reqwest::Response {
    let boundary = "----chatsupport-replace-boundary";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{filename}\"\r\nContent-Type: application/octet-stream\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    app.http
        .put(app.url(&format!("/api/v1/knowledge-base/documents/{id}")))
        .header("cookie", cookie)
        .header("origin", app.url(""))
        .header("content-type", format!("multipart/form-data; boundary={boundary}"))
        .body(body)
        .send()
        .await
        .expect("replace answers")
}

#[tokio::test]
async fn a_new_version_of_a_document_replaces_the_old_in_place_even_at_the_plans_file_count() {
    let app = spawn_app().await;
    // A free workspace (5 files): all five in use, a new version still goes in.
    let (owner, bot) = own_tenant(&app, "kb-replace@example.com", "Versions").await;
    let manual = uploaded(&app, &owner, &bot, "f0.txt", b"The Alpaca manual, version one.").await;
    for i in 1..5 {
        uploaded(&app, &owner, &bot, &format!("f{i}.txt"), format!("File number {i}.").as_bytes()).await;
    }
    assert_eq!(settled(&app, &owner, &manual).await["status"], "completed");
    let files_dir = app.state.handles.config.data_dir.join("files").join("knowledge");
    let stored = || walk(&files_dir);
    let before = stored();

    let response = replace(&app, &owner, &manual, "manual-v2.txt", b"The Llama manual, version two.").await;
    assert_eq!(response.status(), 200);
    let replaced: Value = response.json().await.expect("json");
    assert_eq!(replaced["id"], manual.as_str(), "the same source");
    assert_eq!(replaced["title"], "manual-v2.txt", "its title was its file's name, so it follows the file");
    let done = settled(&app, &owner, &manual).await;
    assert_eq!(done["status"], "completed", "{done}");
    let hits = search(&app, &owner, &bot, "Llama manual").await;
    assert_eq!(hits.first().map(|h| h["source_title"].clone()), Some(json!("manual-v2.txt")), "{hits:?}");
    assert!(search(&app, &owner, &bot, "Alpaca").await.is_empty(), "the old version is gone");
    assert_eq!(stored(), before, "the old file was deleted, the new one stored");

    // Too big: refused, and the document is as it was.
    let big = vec![b'a'; 5 * 1024 * 1024 + 1];
    let (status, _) = error_of(replace(&app, &owner, &manual, "huge.txt", &big).await).await;
    assert_eq!(status, 413);
    assert_eq!(settled(&app, &owner, &manual).await["title"], "manual-v2.txt");
    assert_eq!(search(&app, &owner, &bot, "Llama").await.len(), 1);

    // Another organization's owner cannot reach it; an FAQ is not a document.
    let (stranger, _) = own_tenant(&app, "kb-stranger@example.com", "Stranger").await;
    let (status, _) = error_of(replace(&app, &stranger, &manual, "x.txt", b"Mine now.").await).await;
    assert_eq!(status, 404);
    assert_eq!(search(&app, &owner, &bot, "Llama").await.len(), 1);
    let created = app
        .send_json(
            "POST",
            "/api/v1/knowledge-base/faqs",
            &owner,
            json!({ "chatbot_id": bot, "question": "Is this a document?", "answer": "No, it is an FAQ." }),
        )
        .await;
    assert_eq!(created.status(), 201);
    let faq: Value = created.json().await.expect("faq");
    let faq_id = faq["id"].as_str().expect("faq id");
    let (status, _) = error_of(replace(&app, &owner, faq_id, "x.txt", b"Not an FAQ.").await).await;
    assert_eq!(status, 404);
}

/// How many files are under `dir`, at any depth.
fn walk(dir: &std::path::Path) -> usize {
    std::fs::read_dir(dir)
        .map(|entries| entries.flatten().map(|e| if e.path().is_dir() { walk(&e.path()) } else { 1 }).sum())
        .unwrap_or(0)
}

#[tokio::test]
async fn words_are_stemmed_in_the_bots_language_and_a_new_language_reindexes_its_knowledge() {
    let app = spawn_app().await;
    let (owner, bot) = own_tenant(&app, "kb-deutsch@example.com", "Katzenhaus").await;
    let id = uploaded(&app, &owner, &bot, "tiere.txt", "Wir pflegen Katzen und Hunde.".as_bytes()).await;
    assert_eq!(settled(&app, &owner, &id).await["status"], "completed");
    // English stemming: "Katze" and "Katzen" are different words.
    assert!(search(&app, &owner, &bot, "Katze").await.is_empty());

    let changed = app
        .patch_json(&format!("/api/v1/chatbots/{bot}"), &owner, json!({ "settings": { "language": "de" } }))
        .await;
    assert_eq!(changed.status(), 200);
    let mut found = Vec::new();
    for _ in 0..200 {
        found = search(&app, &owner, &bot, "Katze").await;
        if !found.is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    assert_eq!(found.first().map(|h| h["source_title"].clone()), Some(json!("tiere.txt")), "German stemming");
    // New knowledge of the bot is stemmed in German from the start.
    let more = uploaded(&app, &owner, &bot, "mehr.txt", "Der Garten hat viele Bäume.".as_bytes()).await;
    assert_eq!(settled(&app, &owner, &more).await["status"], "completed");
    assert_eq!(
        search(&app, &owner, &bot, "Baum").await.first().map(|h| h["source_title"].clone()),
        Some(json!("mehr.txt"))
    );
}
