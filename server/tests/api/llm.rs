//! The language-model path against a local stand-in that speaks OpenAI's chat-completions
//! wire format (SSE `chat.completion.chunk`s, a usage chunk, `[DONE]`, JSON errors): the
//! answer is worded by the model from the passages retrieval found, its words reach the widget
//! as they come, and whatever the model does — 429s, 500s, a stream cut in the middle, no
//! answer at all, "the passages do not say" — the visitor gets an answer or the fallback,
//! never an error and never a hang. A bot may bring its own endpoint, its key sealed as an
//! integration credential of its organization.

use std::{
    sync::{
        Arc, Mutex,
        atomic::{AtomicU32, Ordering},
    },
    time::Duration,
};

use app::{
    dto::{AnswerOutcome, ConversationId, MessageView, SenderKind},
    protocol::ServerMsg,
};
use axum::{
    Json, Router,
    body::{Body, Bytes},
    extract::State,
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Response},
    routing::post,
};
use futures::StreamExt;
use serde_json::{Value, json};

use crate::helpers::{DEMO_BOT, Socket, TestApp, send, spawn_app_with};

/// The question of the demo knowledge's shipping FAQ, worded differently.
const QUESTION: &str = "How many days does delivery take within Germany?";
/// What the FAQ says (the built-in answer quotes it).
const FAQ_SAYS: &str = "2-4 working days in Germany";
/// What the stand-in's model opens its answers with.
const OPENING: &str = "Good question! ";

#[derive(Clone, Default)]
struct StandIn {
    /// How the next requests are answered: "ok", "busy" (429 twice, then ok), "broken" (500),
    /// "cut" (two words, then the connection drops), "silent" (never answers), "none"
    /// (`NO_ANSWER`), "key" (ok only with the right bearer key, else 401), "markdown" (an
    /// answer with a list, bold, a link and a script tag).
    mode: Arc<Mutex<&'static str>>,
    busy_left: Arc<AtomicU32>,
    requests: Arc<Mutex<Vec<(HeaderMap, Value)>>>,
    /// The messages it was asked to classify (non-streamed requests).
    classified: Arc<Mutex<Vec<String>>>,
}

impl StandIn {
    fn set(&self, mode: &'static str) {
        *self.mode.lock().expect("mode") = mode;
        self.busy_left.store(2, Ordering::SeqCst);
    }

    fn requests(&self) -> Vec<(HeaderMap, Value)> {
        self.requests.lock().expect("requests").clone()
    }

    async fn serve(&self) -> String {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("bind");
        let base = format!("http://{}/v1", listener.local_addr().expect("address"));
        let router = Router::new().route("/v1/chat/completions", post(completions)).with_state(self.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        base
    }
}

fn error(status: StatusCode, kind: &str, code: &str, message: &str) -> Response {
    (status, Json(json!({"error": {"message": message, "type": kind, "param": null, "code": code}})))
        .into_response()
}

fn chunk(model: &str, delta: Value, finish: Option<&str>) -> String {
    let body = json!({
        "id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": 1_764_000_000,
        "model": model, "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    });
    format!("data: {body}\n\n")
}

/// The words a model would say: the opening, then the first passage it was given.
fn words_from(request: &Value) -> Vec<String> {
    let prompt = request["messages"].as_array().and_then(|m| m.last()).and_then(|m| m["content"].as_str());
    let passage = prompt
        .and_then(|p| p.split("[Source 1]: ").nth(1))
        .and_then(|rest| rest.lines().nth(1))
        .unwrap_or("I found nothing.");
    std::iter::once(OPENING.to_owned()).chain(passage.split_inclusive(' ').map(str::to_owned)).collect()
}

fn sse(frames: Vec<Result<String, std::io::Error>>, pause: Duration) -> Response {
    let stream = futures::stream::iter(frames).then(move |frame| async move {
        tokio::time::sleep(pause).await;
        frame.map(Bytes::from)
    });
    Response::builder()
        .header(header::CONTENT_TYPE, "text/event-stream")
        .body(Body::from_stream(stream))
        .expect("a response")
}

async fn completions(State(s): State<StandIn>, headers: HeaderMap, Json(request): Json<Value>) -> Response {
    if request["stream"] != true {
        // A classification (intent and sentiment of the visitor's message): one JSON answer.
        let asked = request["messages"][1]["content"].as_str().unwrap_or_default().to_owned();
        s.classified.lock().expect("classified").push(asked);
        let reading = r#"Here: {"intent": "refund_request", "intent_confidence": 0.91, "sentiment": "negative", "sentiment_score": -0.55}"#;
        return Json(json!({
            "id": "chatcmpl-standin", "object": "chat.completion", "created": 1_764_000_000,
            "model": request["model"],
            "choices": [{"index": 0, "finish_reason": "stop",
                "message": {"role": "assistant", "content": reading}}],
            "usage": {"prompt_tokens": 200, "completion_tokens": 30, "total_tokens": 230},
        }))
        .into_response();
    }
    s.requests.lock().expect("requests").push((headers.clone(), request.clone()));
    let mode = *s.mode.lock().expect("mode");
    let model = request["model"].as_str().unwrap_or("?").to_owned();
    match mode {
        "busy" if s.busy_left.fetch_sub(1, Ordering::SeqCst) > 0 => {
            return error(
                StatusCode::TOO_MANY_REQUESTS,
                "requests",
                "rate_limit_exceeded",
                "Rate limit reached",
            );
        }
        "broken" => {
            return error(StatusCode::INTERNAL_SERVER_ERROR, "server_error", "", "The server had an error");
        }
        "silent" => {
            tokio::time::sleep(Duration::from_secs(600)).await;
            return StatusCode::GATEWAY_TIMEOUT.into_response();
        }
        "key"
            if headers.get(header::AUTHORIZATION).and_then(|v| v.to_str().ok())
                != Some("Bearer sk-own-secret-1234") =>
        {
            return error(
                StatusCode::UNAUTHORIZED,
                "invalid_request_error",
                "invalid_api_key",
                "Incorrect API key",
            );
        }
        _ => {}
    }
    let words = match mode {
        "none" => vec!["NO_".to_owned(), "ANSWER".to_owned()],
        // As models write: Markdown, split anywhere.
        "markdown" => [
            OPENING,
            "**Standard** deli",
            "very takes 2-4 working days.\n\n- Ger",
            "many: 2-4 days\n- EU: 3-7 days\n\nSee [our ship",
            "ping page](https://shop.example/shipping) or <script>alert(1)</script>.",
        ]
        .map(str::to_owned)
        .to_vec(),
        _ => words_from(&request),
    };
    let mut frames: Vec<Result<String, std::io::Error>> =
        vec![Ok(chunk(&model, json!({"role": "assistant", "content": ""}), None))];
    if mode == "cut" {
        frames.extend(words.iter().take(2).map(|w| Ok(chunk(&model, json!({"content": w}), None))));
        frames.push(Err(std::io::Error::other("the connection drops")));
        return sse(frames, Duration::from_millis(20));
    }
    let count = u32::try_from(words.len()).unwrap_or(0);
    frames.extend(words.iter().map(|w| Ok(chunk(&model, json!({"content": w}), None))));
    frames.push(Ok(chunk(&model, json!({}), Some("stop"))));
    let usage = json!({
        "id": "chatcmpl-standin", "object": "chat.completion.chunk", "created": 1_764_000_000, "model": model,
        "choices": [], "usage": {"prompt_tokens": 321, "completion_tokens": count, "total_tokens": 321 + count},
    });
    frames.push(Ok(format!("data: {usage}\n\n")));
    frames.push(Ok("data: [DONE]\n\n".to_owned()));
    sse(frames, Duration::from_millis(5))
}

/// Asks `text` as the visitor: the streamed words and the bot's stored answer.
async fn ask(
    visitor: &mut Socket,
    id: &str,
    conversation: Option<ConversationId>,
    text: &str,
) -> (String, MessageView) {
    visitor.send(&send(id, conversation, text)).await;
    let (mut mine, mut streamed) = (None, String::new());
    loop {
        match visitor.recv().await {
            ServerMsg::MessageReceive { message } if message.client_msg_id.as_deref() == Some(id) => {
                mine = Some(message.seq);
            }
            ServerMsg::MessageStreaming { chunk, .. } => streamed.push_str(&chunk),
            ServerMsg::MessageReceive { message }
                if message.sender.kind == SenderKind::Bot && mine.is_some_and(|s| message.seq > s) =>
            {
                return (streamed, message);
            }
            _ => {}
        }
    }
}

/// Moves the demo organization's workspace to `plan`.
async fn change_plan(app: &TestApp, owner: &str, plan: &str) {
    let (_, spaces) = app.get_json("/api/v1/workspaces", owner).await;
    let space = spaces["workspaces"][0]["id"].as_str().expect("the workspace").to_owned();
    let changed =
        app.patch_json(&format!("/api/v1/workspaces/{space}"), owner, json!({ "plan": plan })).await;
    assert_eq!(changed.status(), 200, "{}", changed.text().await.unwrap_or_default());
}

async fn app_with_model(base: &str) -> TestApp {
    let base = base.to_owned();
    let app = spawn_app_with(|c| {
        c.llm_url = Some(base);
        c.llm_model = "stand-in-mini".into();
        c.llm_first_token_ms = 1_500;
        c.llm_total_ms = 4_000;
    })
    .await;
    app.knowledge_jobs_done().await;
    app
}

#[tokio::test]
async fn a_model_words_the_answer_from_the_passages_and_its_words_stream_to_the_widget() {
    let stand_in = StandIn::default();
    stand_in.set("ok");
    let app = app_with_model(&stand_in.serve().await).await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;

    let (streamed, answer) = ask(&mut visitor, "m-1", None, QUESTION).await;
    assert!(answer.content.contains(OPENING) && answer.content.contains(FAQ_SAYS), "{}", answer.content);
    assert_eq!(streamed, answer.content, "the widget saw the words the answer is made of");
    let info = answer.answer.as_deref().expect("evidence");
    assert_eq!(info.model, "stand-in-mini");
    assert_eq!((info.tokens_in, info.fallback_reason.as_deref()), (321, None));
    assert!(info.tokens_out > 3, "{}", info.tokens_out);
    assert_eq!(info.sources[0].title, "How long does shipping take?");
    assert!(info.confidence >= chatsupport::answers::SUGGEST);

    // What the model was asked (PRD §5.5.2): the bot's voice, the passages, the question,
    // streamed with usage.
    let (_, request) = stand_in.requests().pop().expect("a request");
    assert_eq!(request["stream"], true);
    assert_eq!(request["stream_options"]["include_usage"], true);
    assert_eq!(request["max_tokens"], 500);
    let messages = request["messages"].as_array().expect("messages");
    assert_eq!(messages[0]["role"], "system");
    let system = messages[0]["content"].as_str().expect("system prompt");
    assert!(system.contains("Personality: professional") && system.contains("NO_ANSWER"), "{system}");
    let user = messages.last().and_then(|m| m["content"].as_str()).expect("user prompt");
    assert!(user.contains("[Source 1]: How long does shipping take?") && user.contains(QUESTION), "{user}");

    // The conversation so far goes with the next question.
    let (_, again) = ask(&mut visitor, "m-2", Some(answer.conversation_id), "And to Austria?").await;
    assert_eq!(again.answer.as_deref().map(|a| a.model.as_str()), Some("stand-in-mini"));
    let (_, request) = stand_in.requests().pop().expect("a second request");
    let roles: Vec<&str> =
        request["messages"].as_array().expect("messages").iter().filter_map(|m| m["role"].as_str()).collect();
    // The greeting, the first question, its answer, the follow-up with the passages.
    assert_eq!(roles, ["system", "assistant", "user", "assistant", "user"], "{request}");

    // A model's Markdown reaches the widget as a structure to draw, never as markup.
    stand_in.set("markdown");
    let (_, formatted) = ask(&mut app.visitor(DEMO_BOT).await.0, "m-3", None, QUESTION).await;
    let info = formatted.answer.as_deref().expect("evidence");
    let kinds: Vec<&str> = info.formatted.iter().map(|b| b.k.as_str()).collect();
    // (A fourth paragraph may follow: the band's "press Talk to a person".)
    assert_eq!(kinds[..3], ["p", "ul", "p"], "{:?}", info.formatted);
    assert_eq!((info.formatted[0].i[1].k.as_str(), info.formatted[0].i[1].s.as_str()), ("b", "Standard"));
    assert_eq!(info.formatted[1].l.len(), 2);
    let link = info.formatted[2].i.iter().find(|r| r.k == "a").expect("a link");
    assert_eq!(
        (link.s.as_str(), link.u.as_deref()),
        ("our shipping page", Some("https://shop.example/shipping"))
    );
    let drawn: String = info.formatted.iter().flat_map(|b| b.i.iter().map(|r| r.s.as_str())).collect();
    assert!(!drawn.contains("script"), "{drawn}");
    assert!(formatted.content.contains("**Standard**"), "the message keeps the words as written");
}

#[tokio::test]
async fn whatever_the_model_does_the_visitor_gets_an_answer_or_the_fallback() {
    let stand_in = StandIn::default();
    let app = app_with_model(&stand_in.serve().await).await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;

    // Each case from a visitor of its own: the same question asked again in one conversation
    // would say the first answer did not help (and hand over).
    // Rate limited twice: asked again with backoff, then it answers.
    stand_in.set("busy");
    let (_, busy) = ask(&mut visitor, "f-1", None, QUESTION).await;
    assert!(busy.content.starts_with(OPENING), "{}", busy.content);
    assert!(stand_in.requests().len() >= 3, "two 429s and the answer");

    // A server error every time: the built-in answer, and the agent sees why.
    stand_in.set("broken");
    let (_, broken) = ask(&mut app.visitor(DEMO_BOT).await.0, "f-2", None, QUESTION).await;
    assert!(broken.content.contains(FAQ_SAYS) && !broken.content.contains(OPENING), "{}", broken.content);
    let info = broken.answer.as_deref().expect("evidence");
    assert_eq!(info.model, "built-in");
    assert!(info.fallback_reason.as_deref().is_some_and(|r| r.starts_with("stand-in-mini: ")), "{info:?}");

    // Cut after two words: those reached the widget; the stored answer (which replaces
    // them there) is the built-in one.
    stand_in.set("cut");
    let (streamed, cut) = ask(&mut app.visitor(DEMO_BOT).await.0, "f-3", None, QUESTION).await;
    assert!(streamed.starts_with(OPENING), "{streamed}");
    assert!(cut.content.contains(FAQ_SAYS) && !cut.content.contains(OPENING), "{}", cut.content);
    assert!(cut.answer.as_deref().and_then(|a| a.fallback_reason.as_deref()).is_some());

    // Never a word: after the first-token deadline, the built-in answer.
    stand_in.set("silent");
    let asked = std::time::Instant::now();
    let (_, silent) = ask(&mut app.visitor(DEMO_BOT).await.0, "f-4", None, QUESTION).await;
    assert!(silent.content.contains(FAQ_SAYS), "{}", silent.content);
    let reason = silent.answer.as_deref().and_then(|a| a.fallback_reason.clone()).unwrap_or_default();
    assert!(reason.contains("no word in time"), "{reason}");
    assert!(asked.elapsed() < Duration::from_secs(10), "no hang: {:?}", asked.elapsed());

    // "The passages do not say": the bot declines honestly; nothing of the marker shows.
    stand_in.set("none");
    let (streamed, none) = ask(&mut app.visitor(DEMO_BOT).await.0, "f-5", None, QUESTION).await;
    assert_eq!(none.content, chatsupport::demo::DEMO_FALLBACK);
    assert!(!streamed.contains("NO_"), "{streamed}");
    assert_eq!(none.answer.as_deref().map(|a| a.outcome), Some(AnswerOutcome::Declined));
}

#[tokio::test]
async fn a_bot_brings_its_own_endpoint_with_its_key_sealed_as_a_credential_of_its_organization() {
    let stand_in = StandIn::default();
    stand_in.set("key");
    let base = stand_in.serve().await;
    // No model on the server: the bot's own is the only one.
    let app = spawn_app_with(|_| {}).await;
    app.knowledge_jobs_done().await;
    let owner = app.demo_owner().await;
    let added = app
        .send_json(
            "POST",
            "/api/v1/integrations/credentials",
            &owner,
            json!({"provider": "openai", "label": "Our model", "secret": "sk-own-secret-1234"}),
        )
        .await;
    assert_eq!(added.status(), 201);
    let credential: Value = added.json().await.expect("the credential");
    let (_, bots) = app.get_json("/api/v1/chatbots", &owner).await;
    let bot = bots["chatbots"][0]["id"].as_str().expect("the demo bot").to_owned();

    // A key that is not one of the organization's own is refused by name.
    let refused = app
        .patch_json(
            &format!("/api/v1/chatbots/{bot}"),
            &owner,
            json!({"settings": {"ai": {"provider": "custom", "base_url": base, "credential_id": uuid::Uuid::now_v7()}}}),
        )
        .await;
    let (status, error) = crate::helpers::error_of(refused).await;
    assert_eq!(status, 422);
    assert!(format!("{error:?}").contains("ai.credential_id"), "{error:?}");

    // An own server is a self-hosted model: the demo's Growth plan does not include them.
    let own = json!({"settings": {"ai": {"provider": "custom", "base_url": base, "model": "own-model",
        "credential_id": credential["id"], "temperature": 0.2}}});
    let refused = app.patch_json(&format!("/api/v1/chatbots/{bot}"), &owner, own.clone()).await;
    let (status, error) = crate::helpers::error_of(refused).await;
    assert_eq!(status, 422);
    assert!(error.to_string().contains("Growth plan does not include self-hosted models"), "{error}");
    change_plan(&app, &owner, "enterprise").await;
    let saved = app.patch_json(&format!("/api/v1/chatbots/{bot}"), &owner, own).await;
    assert_eq!(saved.status(), 200);

    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    let (_, answer) = ask(&mut visitor, "k-1", None, QUESTION).await;
    assert!(answer.content.starts_with(OPENING), "{}", answer.content);
    assert_eq!(answer.answer.as_deref().map(|a| a.model.as_str()), Some("own-model"));
    let (headers, request) = stand_in.requests().pop().expect("a request");
    assert_eq!(headers[header::AUTHORIZATION], "Bearer sk-own-secret-1234");
    assert!((request["temperature"].as_f64().expect("temperature") - 0.2).abs() < 1e-6);

    // Back on Growth, the plan holds the bot to its models: built-in answers, the reason kept.
    change_plan(&app, &owner, "growth").await;
    let before = stand_in.requests().len();
    let (_, held) = ask(&mut app.visitor(DEMO_BOT).await.0, "k-3", None, QUESTION).await;
    let info = held.answer.as_deref().expect("evidence");
    assert_eq!(info.model, "built-in");
    assert!(
        info.fallback_reason.as_deref().is_some_and(|r| r.contains("does not include self-hosted")),
        "{info:?}"
    );
    assert_eq!(stand_in.requests().len(), before, "the model was not asked");

    // Built-in only: the model is not asked.
    let before = stand_in.requests().len();
    let saved = app
        .patch_json(
            &format!("/api/v1/chatbots/{bot}"),
            &owner,
            json!({"settings": {"ai": {"provider": "built-in"}}}),
        )
        .await;
    assert_eq!(saved.status(), 200);
    let (_, built_in) = ask(&mut app.visitor(DEMO_BOT).await.0, "k-2", None, QUESTION).await;
    assert!(built_in.content.contains(FAQ_SAYS) && !built_in.content.contains(OPENING));
    assert_eq!(stand_in.requests().len(), before);
}

#[tokio::test]
async fn hard_questions_get_the_stronger_model_above_starter_and_every_answer_records_its_cost() {
    let stand_in = StandIn::default();
    stand_in.set("ok");
    let base = stand_in.serve().await;
    let app = spawn_app_with(|c| {
        c.llm_url = Some(base);
        c.llm_model = "gpt-4o-mini".into();
        c.llm_model_complex = Some("gpt-4o".into());
    })
    .await;
    app.knowledge_jobs_done().await;
    let owner = app.demo_owner().await;
    let hard = "Why does delivery take 2-4 working days in Germany?";

    // Growth: a plain question gets the default model, a "why" the stronger one.
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    let (_, plain) = ask(&mut visitor, "c-1", None, QUESTION).await;
    assert_eq!(plain.answer.as_deref().map(|a| a.model.as_str()), Some("gpt-4o-mini"));
    assert_eq!(plain.answer.as_deref().and_then(|a| a.cost_micros), None, "the visitor never sees the cost");
    let (_, why) = ask(&mut app.visitor(DEMO_BOT).await.0, "c-2", None, hard).await;
    assert_eq!(why.answer.as_deref().map(|a| a.model.as_str()), Some("gpt-4o"), "{}", why.content);

    // The team sees what each cost, at the list price per 1,000 tokens.
    let cost_of = |answer: &MessageView| {
        let (app, owner, conversation, id) = (&app, owner.clone(), answer.conversation_id, answer.id);
        async move {
            let (_, detail) = app.get_json(&format!("/api/v1/conversations/{conversation}"), &owner).await;
            let message = detail["messages"].as_array().and_then(|m| m.iter().find(|m| m["id"] == json!(id)));
            message.expect("the answer")["answer"]["cost_micros"].as_u64()
        }
    };
    let tokens = |m: &MessageView| m.answer.as_deref().map_or(0, |a| u64::from(a.tokens_in + a.tokens_out));
    assert_eq!(cost_of(&plain).await, Some((tokens(&plain) * 150).div_ceil(1_000)));
    assert_eq!(cost_of(&why).await, Some((tokens(&why) * 5_000).div_ceil(1_000)));

    // Starter always gets the default model, and cannot name an Anthropic one.
    change_plan(&app, &owner, "starter").await;
    let (_, light) = ask(&mut app.visitor(DEMO_BOT).await.0, "c-3", None, hard).await;
    assert_eq!(light.answer.as_deref().map(|a| a.model.as_str()), Some("gpt-4o-mini"));
    let (_, bots) = app.get_json("/api/v1/chatbots", &owner).await;
    let bot = bots["chatbots"][0]["id"].as_str().expect("the demo bot").to_owned();
    let refused = app
        .patch_json(
            &format!("/api/v1/chatbots/{bot}"),
            &owner,
            json!({"settings": {"ai": {"model": "claude-opus-4"}}}),
        )
        .await;
    let (status, error) = crate::helpers::error_of(refused).await;
    assert_eq!(status, 422);
    assert!(error.to_string().contains("Starter plan does not include Anthropic models"), "{error}");
}

#[tokio::test]
async fn with_a_model_the_visitors_intent_and_sentiment_are_read_by_it_after_the_answer() {
    let stand_in = StandIn::default();
    stand_in.set("ok");
    let app = app_with_model(&stand_in.serve().await).await;
    let mut inbox = app.dashboard().await;
    let (mut visitor, _) = app.visitor(DEMO_BOT).await;
    // (The stand-in reads every message as a refund request: what the test follows is where
    // the model's reading goes.)
    let question = QUESTION;
    let (_, answer) = ask(&mut visitor, "i-1", None, question).await;

    // The inbox is told the model's reading of the visitor's message once it comes.
    let updated = inbox
        .recv_until(|m| {
            matches!(m, ServerMsg::MessageUpdated { message }
                if message.sender.kind == SenderKind::Visitor
                    && message.insight.is_some_and(|i| i.intent == app::dto::Intent::RefundRequest))
        })
        .await;
    let ServerMsg::MessageUpdated { message } = updated else { unreachable!() };
    let insight = message.insight.expect("a reading");
    assert_eq!(insight.sentiment, app::dto::Sentiment::Negative);
    assert!((insight.sentiment_score + 0.55).abs() < 1e-3);
    assert_eq!(stand_in.classified.lock().expect("classified").as_slice(), [question]);

    // Stored so: the conversation read again shows it.
    let owner = app.demo_owner().await;
    let (_, detail) =
        app.get_json(&format!("/api/v1/conversations/{}", answer.conversation_id), &owner).await;
    let stored =
        detail["messages"].as_array().and_then(|m| m.iter().find(|m| m["sender"]["type"] == "visitor"));
    assert_eq!(stored.expect("the visitor's message")["insight"]["intent"], "refund_request", "{detail}");

    // What the rules decide (a greeting) the model is not asked about.
    let _ = ask(&mut app.visitor(DEMO_BOT).await.0, "i-2", None, "Hello!").await;
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(stand_in.classified.lock().expect("classified").len(), 1);
}
