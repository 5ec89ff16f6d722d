//! Searching conversations (PRD story 3.3, §5.3.4): words in what was said, the notes, the
//! customer and the tags, a typo forgiven, phrases kept whole, the filters, pages and counts;
//! never another organization's.

use app::protocol::{ClientMsg, ServerMsg};

use crate::{
    handoff::chatting,
    helpers::{TestApp, send, spawn_app},
};

async fn search(app: &TestApp, cookie: &str, body: serde_json::Value) -> (u16, serde_json::Value) {
    let response = app.send_json("POST", "/api/v1/conversations/search", cookie, body).await;
    let status = response.status().as_u16();
    (status, response.json().await.unwrap_or_default())
}

/// Asks until the index has caught up with what was just written (a batch window and a commit).
async fn eventually(app: &TestApp, cookie: &str, body: serde_json::Value, total: u64) -> serde_json::Value {
    for _ in 0..100 {
        let (status, found) = search(app, cookie, body.clone()).await;
        assert_eq!(status, 200, "{found}");
        if found["pagination"]["total"] == total {
            return found;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    panic!("{body} never found {total}: {}", search(app, cookie, body.clone()).await.1);
}

#[tokio::test]
async fn words_notes_customers_and_tags_are_found_with_typos_phrases_filters_and_counts() {
    let app = spawn_app().await;
    let owner = app.demo_owner().await;
    let (mut lisbon, _, parcel) = chatting(&app, "s-1").await;
    lisbon.send(&send("s-1b", Some(parcel), "Zebracorp parcel for Lisbon is stuck in customs")).await;
    lisbon.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq >= 5)).await;
    let (mut refund, _, money) = chatting(&app, "s-2").await;
    refund.send(&send("s-2b", Some(money), "Zebracorp refund for the blender please")).await;
    refund.recv_until(|m| matches!(m, ServerMsg::MessageReceive { message } if message.seq >= 5)).await;
    refund.send(&ClientMsg::Escalate { conversation_id: money }).await;
    refund.recv_until(|m| matches!(m, ServerMsg::ConversationEscalated { .. })).await;

    // A word of what was said, highlighted in the passage it matched.
    let found = eventually(&app, &owner, serde_json::json!({ "query": "customs" }), 1).await;
    let hit = &found["data"][0];
    assert_eq!(hit["conversation"]["id"], parcel.to_string());
    assert_eq!(hit["matched_in"], "message");
    let snippet = hit["snippet"].as_str().expect("snippet");
    let (start, end) = (
        hit["highlights"][0][0].as_u64().unwrap() as usize,
        hit["highlights"][0][1].as_u64().unwrap() as usize,
    );
    assert_eq!(&snippet[start..end], "customs");
    // A typo is forgiven; a phrase is kept whole.
    eventually(&app, &owner, serde_json::json!({ "query": "custmos" }), 1).await;
    eventually(&app, &owner, serde_json::json!({ "query": "\"stuck in customs\"" }), 1).await;
    eventually(&app, &owner, serde_json::json!({ "query": "\"customs in stuck\"" }), 0).await;

    // Notes and tags are found too; the customer by name.
    let noted = app
        .send_json(
            "POST",
            &format!("/api/v1/conversations/{money}/notes"),
            &owner,
            serde_json::json!({ "content": "Warranty claim, check the Porto warehouse" }),
        )
        .await;
    assert_eq!(noted.status(), 201);
    let found = eventually(&app, &owner, serde_json::json!({ "query": "porto" }), 1).await;
    assert_eq!(found["data"][0]["matched_in"], "note");
    let tagged = app
        .send_json(
            "PUT",
            &format!("/api/v1/conversations/{money}/tags"),
            &owner,
            serde_json::json!({ "tags": ["refund-request"] }),
        )
        .await;
    assert_eq!(tagged.status(), 200);
    let filtered = serde_json::json!({ "query": "", "filters": { "tags": ["refund-request"] } });
    let found = eventually(&app, &owner, filtered, 1).await;
    assert_eq!(found["data"][0]["conversation"]["id"], money.to_string());
    let (_, detail) = app.get_json(&format!("/api/v1/conversations/{parcel}"), &owner).await;
    let name = detail["conversation"]["visitor_name"].as_str().expect("a name").to_owned();
    let found = eventually(&app, &owner, serde_json::json!({ "query": format!("\"{name}\"") }), 1).await;
    assert_eq!(found["data"][0]["matched_in"], "customer");

    // Filters and counts: the test's two conversations, one escalated.
    let both = serde_json::json!({ "query": "zebracorp", "filters": { "status": ["active", "escalated", "waiting"] } });
    let found = eventually(&app, &owner, both.clone(), 2).await;
    assert_eq!(found["aggregations"]["by_status"]["escalated"], 1, "{}", found["aggregations"]);
    let only =
        serde_json::json!({ "query": "zebracorp", "filters": { "status": ["escalated"] }, "limit": 1 });
    let found = eventually(&app, &owner, only, 1).await;
    assert_eq!(found["data"][0]["conversation"]["id"], money.to_string());
    let paged = serde_json::json!({ "query": "zebracorp", "filters": { "status": ["active", "escalated", "waiting"] }, "limit": 1, "page": 2, "sort": { "field": "created_at", "order": "asc" } });
    let (_, page_two) = search(&app, &owner, paged).await;
    assert_eq!(page_two["pagination"]["total_pages"], 2);
    assert_eq!(page_two["data"][0]["conversation"]["id"], money.to_string(), "started second");

    // A date range: today holds both, a day long past neither.
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let range = |start: &str, end: &str| serde_json::json!({ "query": "zebracorp", "filters": { "date_range": { "field": "created_at", "start": start, "end": end } } });
    eventually(&app, &owner, range(&today, &today), 2).await;
    eventually(&app, &owner, range("2020-01-01", "2020-01-31"), 0).await;

    // Bad values are refused with the field named; another organization finds nothing of ours.
    for (body, field) in [
        (serde_json::json!({ "query": "x", "limit": 500 }), "limit"),
        (
            serde_json::json!({ "filters": { "date_range": { "start": "yesterday" } } }),
            "filters.date_range.start",
        ),
        (serde_json::json!({ "filters": { "assigned_agent": "bob" } }), "filters.assigned_agent"),
        (serde_json::json!({ "query": "x".repeat(201) }), "query"),
    ] {
        let (status, error) = search(&app, &owner, body).await;
        assert_eq!(status, 422, "{error}");
        assert!(error.to_string().contains(field), "{field}: {error}");
    }
    let stranger = app.register_verified("boss@search.example", "Elsewhere").await;
    let (status, theirs) = search(&app, &stranger, serde_json::json!({ "query": "customs" })).await;
    assert_eq!(status, 200);
    assert_eq!(theirs["pagination"]["total"], 0);
    let (_, all_theirs) = search(&app, &stranger, serde_json::json!({})).await;
    assert_eq!(all_theirs["pagination"]["total"], 0, "{all_theirs}");
}
