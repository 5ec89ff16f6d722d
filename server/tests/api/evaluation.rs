//! Evaluation sets: an owner keeps questions with what a right answer does; a run (a job)
//! asks each as a visitor would and records what passed and why; a change to the knowledge
//! runs the set again by itself, and the pass rate over time shows the change helped. Bad
//! input changes nothing; agents read but do not change or run.

use std::time::Duration;

use serde_json::{Value, json};

use crate::{
    answers::ask,
    helpers::{DEMO_BOT, TestApp, api_error, spawn_app},
};

/// Waits until the bot's newest run finished and returns the set.
async fn settled_set(app: &TestApp, owner: &str, bot: &str, runs: usize) -> Value {
    for _ in 0..300 {
        let (status, set) = app.get_json(&format!("/api/v1/chatbots/{bot}/evaluation"), owner).await;
        assert_eq!(status, 200, "{set}");
        let listed = set["runs"].as_array().map_or(0, Vec::len);
        if listed >= runs && set["runs"][0]["status"] != "queued" && set["runs"][0]["status"] != "running" {
            return set;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("the evaluation run did not finish");
}

/// The demo owner's session, the demo bot, and the id of its source titled `title`.
async fn demo_source(app: &TestApp, title: &str) -> (String, String, String) {
    app.knowledge_jobs_done().await;
    let owner = app.demo_owner().await;
    let bot = crate::knowledge::demo_bot(app, &owner).await;
    let (_, sources) =
        app.get_json(&format!("/api/v1/knowledge-base/sources?chatbot_id={bot}"), &owner).await;
    let id = sources["sources"]
        .as_array()
        .and_then(|s| s.iter().find(|s| s["title"] == title))
        .and_then(|s| s["id"].as_str())
        .map(str::to_owned)
        .unwrap_or_else(|| panic!("the demo source “{title}”"));
    (owner, bot, id)
}

fn question_in<'a>(set: &'a Value, text: &str) -> &'a Value {
    set["questions"].as_array().and_then(|q| q.iter().find(|q| q["question"] == text)).expect("the question")
}

#[tokio::test]
async fn a_run_asks_every_question_records_why_each_passed_and_runs_again_when_the_knowledge_changes() {
    let app = spawn_app().await;
    let (owner, bot, shipping) = demo_source(&app, "How long does shipping take?").await;
    let questions_url = format!("/api/v1/chatbots/{bot}/evaluation/questions");
    let add = |body: Value| {
        let (app, owner, url) = (&app, owner.clone(), questions_url.clone());
        async move { app.send_json("POST", &url, &owner, body).await }
    };

    // Nothing to run yet.
    let empty =
        app.send_json("POST", &format!("/api/v1/chatbots/{bot}/evaluation/runs"), &owner, json!({})).await;
    let (status, error, _) = api_error(empty).await;
    assert_eq!(status, 409);
    assert!(error.to_string().contains("empty"), "{error}");

    // Worded unlike the FAQ; out of the knowledge; not known yet; the answer's words.
    for body in [
        json!({ "question": "How many days until my parcel arrives?", "expected_source_id": shipping }),
        json!({ "question": "Do you sell garden gnomes?", "expects": "declined" }),
        json!({ "question": "Do you have a mobile app for iPhone?" }),
        json!({ "question": "How long is the warranty on Acme products?", "expects": "answer",
                "expected_answer": "A two-year warranty from the date of delivery." }),
    ] {
        let response = add(body).await;
        assert_eq!(response.status(), 201, "{}", response.text().await.unwrap_or_default());
    }

    // Bad input is refused with the field named, and adds nothing.
    for (body, field) in [
        (json!({ "question": "   " }), "question"),
        (json!({ "question": "Where is it?", "expects": "source" }), "expected_source_id"),
        (
            json!({ "question": "Where is it?", "expected_source_id": uuid::Uuid::nil() }),
            "expected_source_id",
        ),
        (
            json!({ "question": "Where is it?", "expects": "answer", "expected_answer": "the a" }),
            "expected_answer",
        ),
    ] {
        let (status, error, _) = api_error(add(body.clone()).await).await;
        assert_eq!(status, 422, "{body}");
        assert!(
            matches!(&error, app::ApiError::Validation { fields } if fields[0].field == field),
            "{error:?}"
        );
    }
    let (status, _, _) = api_error(add(json!({ "question": "Q?", "expects": "always" })).await).await;
    assert!(status == 400 || status == 422, "an unknown expectation is refused ({status})");

    // The run is a job: accepted at once, finished a moment later.
    let started =
        app.send_json("POST", &format!("/api/v1/chatbots/{bot}/evaluation/runs"), &owner, json!({})).await;
    assert_eq!(started.status(), 202);
    let started: Value = started.json().await.expect("the run");
    assert_eq!((started["status"].as_str(), started["trigger"].as_str()), (Some("queued"), Some("manual")));
    let set = settled_set(&app, &owner, &bot, 1).await;
    assert_eq!(set["questions"].as_array().map(Vec::len), Some(4));
    let run = &set["runs"][0];
    assert_eq!(
        (run["status"].as_str(), run["total"].as_u64(), run["passed"].as_u64()),
        (Some("completed"), Some(4), Some(3)),
        "{set}"
    );
    let parcel = &question_in(&set, "How many days until my parcel arrives?")["last"];
    assert_eq!(parcel["passed"], true, "{parcel}");
    assert!(parcel["rank"].as_u64() <= Some(3), "{parcel}");
    assert!(
        parcel["reason"].as_str().is_some_and(|r| r.contains("How long does shipping take?")),
        "{parcel}"
    );
    assert_eq!(question_in(&set, "Do you sell garden gnomes?")["last"]["passed"], true);
    let app_question = &question_in(&set, "Do you have a mobile app for iPhone?")["last"];
    assert_eq!(
        (app_question["passed"].as_bool(), app_question["outcome"].as_str()),
        (Some(false), Some("declined"))
    );
    let warranty = &question_in(&set, "How long is the warranty on Acme products?")["last"];
    assert_eq!(warranty["passed"], true, "{warranty}");

    // The run read alone carries every result.
    let run_id = run["id"].as_str().expect("run id");
    let (status, alone) =
        app.get_json(&format!("/api/v1/chatbots/{bot}/evaluation/runs/{run_id}"), &owner).await;
    assert_eq!(status, 200);
    assert_eq!(alone["results"].as_array().map(Vec::len), Some(4), "{alone}");

    // An FAQ for what was missing: the set runs again by itself, and now all four pass.
    let faq = json!({ "chatbot_id": bot, "question": "Is there an Acme app for iPhone?",
        "answer": "Yes: our iPhone app is free on the App Store; search for Acme Shop." });
    assert_eq!(app.send_json("POST", "/api/v1/knowledge-base/faqs", &owner, faq).await.status(), 201);
    let set = settled_set(&app, &owner, &bot, 2).await;
    let rerun = &set["runs"][0];
    assert_eq!(rerun["trigger"], "knowledge", "{set}");
    assert_eq!((rerun["total"].as_u64(), rerun["passed"].as_u64()), (Some(4), Some(4)), "{set}");
    assert_eq!(set["runs"][1]["passed"], 3, "the earlier run stays as it was: the pass rate over time");

    // Every FAQ at once: those the set holds (by source or by words) are skipped.
    let from_faqs = || async {
        let url = format!("/api/v1/chatbots/{bot}/evaluation/questions/from-faqs");
        let added: Value = app.send_json("POST", &url, &owner, json!({})).await.json().await.expect("added");
        added
    };
    let added = from_faqs().await;
    assert_eq!(added["added"], 6, "five demo FAQs and the new one: {added}");
    let again = from_faqs().await;
    assert_eq!(again["added"], 0);

    // A question removed is gone; removing it again is not found.
    let gnomes = question_in(&set, "Do you sell garden gnomes?")["id"].as_str().expect("id").to_owned();
    let url = format!("/api/v1/chatbots/{bot}/evaluation/questions/{gnomes}");
    assert_eq!(app.send_json("DELETE", &url, &owner, json!({})).await.status(), 204);
    assert_eq!(app.send_json("DELETE", &url, &owner, json!({})).await.status(), 404);
    let (_, set) = app.get_json(&format!("/api/v1/chatbots/{bot}/evaluation"), &owner).await;
    assert_eq!(set["questions"].as_array().map(Vec::len), Some(9), "{set}");
}

#[tokio::test]
async fn a_visitors_message_from_a_transcript_becomes_a_question_and_agents_only_read() {
    let app = spawn_app().await;
    app.knowledge_jobs_done().await;
    let owner = app.demo_owner().await;
    let bot = crate::knowledge::demo_bot(&app, &owner).await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    let reply = ask(&mut visitor, "e-1", None, "Can I pay by bank transfer?").await;
    let (_, detail) = app.get_json(&format!("/api/v1/conversations/{}", reply.conversation_id), &owner).await;
    let said = |kind: &str| {
        detail["messages"]
            .as_array()
            .and_then(|m| m.iter().find(|m| m["sender"]["type"] == kind))
            .expect("a message")["id"]
            .clone()
    };
    let url = format!("/api/v1/chatbots/{bot}/evaluation/questions");
    let taken = app.send_json("POST", &url, &owner, json!({ "message_id": said("visitor") })).await;
    assert_eq!(taken.status(), 201);
    let taken: Value = taken.json().await.expect("question");
    assert_eq!(
        (taken["question"].as_str(), taken["origin"].as_str()),
        (Some("Can I pay by bank transfer?"), Some("transcript"))
    );
    assert_eq!(taken["expects"], "answered");
    let (status, error, _) =
        api_error(app.send_json("POST", &url, &owner, json!({ "message_id": said("bot") })).await).await;
    assert_eq!(status, 422);
    assert!(error.to_string().contains("visitor's message"), "{error}");

    // An agent reads the set but neither changes nor runs it.
    let agent = app.member_with_role(app::auth::Role::Agent).await;
    let (status, set) = app.get_json(&format!("/api/v1/chatbots/{bot}/evaluation"), &agent).await;
    assert_eq!(status, 200);
    assert_eq!(set["can_manage"], false);
    assert_eq!(set["questions"].as_array().map(Vec::len), Some(1));
    let refused =
        app.send_json("POST", &format!("/api/v1/chatbots/{bot}/evaluation/runs"), &agent, json!({})).await;
    assert_eq!(refused.status(), 403);
    let refused = app.send_json("POST", &url, &agent, json!({ "question": "Anything?" })).await;
    assert_eq!(refused.status(), 403);
    let (_, set) = app.get_json(&format!("/api/v1/chatbots/{bot}/evaluation"), &owner).await;
    assert_eq!(
        (set["questions"].as_array().map(Vec::len), set["runs"].as_array().map(Vec::len)),
        (Some(1), Some(0))
    );
}

#[tokio::test]
async fn a_question_a_knowledge_change_broke_is_named_as_newly_failing() {
    let app = spawn_app().await;
    let (owner, bot, shipping) = demo_source(&app, "How long does shipping take?").await;
    let (_, _, returns) = demo_source(&app, "Can I return an item?").await;
    for (question, source) in
        [("How many days until my parcel arrives?", &shipping), ("How do I return an item?", &returns)]
    {
        let body = json!({ "question": question, "expected_source_id": source });
        let url = format!("/api/v1/chatbots/{bot}/evaluation/questions");
        assert_eq!(app.send_json("POST", &url, &owner, body).await.status(), 201);
    }
    let run = || {
        let (app, url, owner) = (&app, format!("/api/v1/chatbots/{bot}/evaluation/runs"), owner.clone());
        async move { app.send_json("POST", &url, &owner, json!({})).await.status() }
    };
    assert_eq!(run().await, 202);
    let set = settled_set(&app, &owner, &bot, 1).await;
    assert_eq!(set["runs"][0]["passed"], 2, "{set}");
    assert!(set["questions"].as_array().is_some_and(|q| q.iter().all(|q| q["newly_failing"] == false)));

    // The shipping FAQ is deleted: the set runs again by itself, and the question that cited
    // it is named as what the change broke; the other passed both times.
    let deleted =
        app.send_json("DELETE", &format!("/api/v1/knowledge-base/faqs/{shipping}"), &owner, json!({})).await;
    assert_eq!(deleted.status(), 204);
    let set = settled_set(&app, &owner, &bot, 2).await;
    assert_eq!(
        (set["runs"][0]["trigger"].as_str(), set["runs"][0]["passed"].as_u64()),
        (Some("knowledge"), Some(1))
    );
    let parcel = question_in(&set, "How many days until my parcel arrives?");
    assert_eq!(
        (parcel["last"]["passed"].as_bool(), parcel["newly_failing"].as_bool()),
        (Some(false), Some(true))
    );
    assert_eq!(question_in(&set, "How do I return an item?")["newly_failing"], false);

    // Run again with nothing changed: still failing, no longer new.
    assert_eq!(run().await, 202);
    let set = settled_set(&app, &owner, &bot, 3).await;
    let parcel = question_in(&set, "How many days until my parcel arrives?");
    assert_eq!(
        (parcel["last"]["passed"].as_bool(), parcel["newly_failing"].as_bool()),
        (Some(false), Some(false))
    );
}
