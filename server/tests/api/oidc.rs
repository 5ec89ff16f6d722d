//! "Sign in with Google" against the stand-in provider (`oidc_provider.rs`): the browser's
//! redirects are followed by hand, so every hop is checked.

use chatsupport::entities::{login_history, organization, user};
use chrono::Utc;
use sea_orm::{ActiveValue::Set, ColumnTrait, EntityTrait, PaginatorTrait, QueryFilter};
use uuid::Uuid;

use crate::{
    helpers::{TestApp, spawn_app, spawn_app_with},
    oidc_provider::{CLIENT_ID, CLIENT_SECRET, Identity, OidcProvider},
};

/// An app whose Google sign-in points at a fresh stand-in provider.
async fn app_with_google(identity: Identity) -> (TestApp, OidcProvider) {
    let provider = OidcProvider::start(identity).await;
    let issuer = provider.issuer.clone();
    let app = spawn_app_with(|config| {
        config.google_client_id = Some(CLIENT_ID.into());
        config.google_client_secret = Some(CLIENT_SECRET.into());
        config.google_issuer = issuer;
    })
    .await;
    (app, provider)
}

/// A browser that does not follow redirects, so each hop can be looked at.
fn browser() -> reqwest::Client {
    reqwest::Client::builder().redirect(reqwest::redirect::Policy::none()).build().expect("client")
}

fn location(response: &reqwest::Response) -> String {
    assert!(response.status().is_redirection(), "a redirect, got {}", response.status());
    response.headers()["location"].to_str().expect("ascii").to_owned()
}

/// `name=value` of a cookie the response sets with a non-empty value.
fn set_cookie(response: &reqwest::Response, name: &str) -> Option<String> {
    response
        .headers()
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .filter_map(|v| v.split(';').next())
        .find(|pair| pair.starts_with(&format!("{name}=")) && pair.len() > name.len() + 1)
        .map(str::to_owned)
}

/// The first two hops: our `/auth/google` to the provider, the provider back to our callback.
/// Returns the callback URL and the flow cookie.
async fn to_provider_and_back(app: &TestApp) -> (String, String) {
    let browser = browser();
    let start = browser.get(app.url("/auth/google")).send().await.expect("start answers");
    let to_provider = location(&start);
    let flow = set_cookie(&start, "cs_google_flow").expect("a flow cookie");
    let at_provider = browser.get(&to_provider).send().await.expect("provider answers");
    let callback = location(&at_provider);
    assert!(callback.starts_with(&app.url("/auth/google/callback?")), "{callback}");
    (callback, flow)
}

/// The whole flow as a browser goes through it. Returns where it ends and the session cookie.
async fn sign_in_with_google(app: &TestApp) -> (String, Option<String>) {
    let (callback, flow) = to_provider_and_back(app).await;
    let back = browser().get(&callback).header("cookie", flow).send().await.expect("callback answers");
    (location(&back), set_cookie(&back, "cs_session"))
}

async fn user_by_email(app: &TestApp, email: &str) -> Option<user::Model> {
    user::Entity::find()
        .filter(user::Column::Email.eq(email))
        .one(&app.state.handles.db)
        .await
        .expect("query")
}

async fn organizations(app: &TestApp) -> u64 {
    organization::Entity::find().count(&app.state.handles.db).await.expect("count")
}

#[tokio::test]
async fn a_new_person_signing_in_with_google_gets_an_organization_and_a_session() {
    let (app, provider) = app_with_google(Identity::new("Grace@Example.org", "Grace Hopper")).await;
    let before = organizations(&app).await;

    let (landed, cookie) = sign_in_with_google(&app).await;
    assert_eq!(landed, "/");
    let cookie = cookie.expect("a session cookie");

    let asked = provider.last_authorization();
    assert_eq!(asked["response_type"], "code");
    assert_eq!(asked["code_challenge_method"], "S256");
    let scopes: Vec<&str> = asked["scope"].split(' ').collect();
    assert!(["openid", "email", "profile"].iter().all(|s| scopes.contains(s)), "{scopes:?}");
    assert_eq!(asked["redirect_uri"], app.url("/auth/google/callback"));

    let (status, me) = app.get_json("/api/v1/auth/me", &cookie).await;
    assert_eq!(status, 200, "{me}");
    assert_eq!(me["user"]["email"], "grace@example.org");
    assert_eq!(me["user"]["name"], "Grace Hopper");
    assert_eq!(me["user"]["role"], "owner");
    assert_eq!(me["user"]["email_verified"], true);
    assert_eq!(me["user"]["organization_name"], "Grace Hopper's organization");
    assert_eq!(organizations(&app).await, before + 1);
    let created = user_by_email(&app, "grace@example.org").await.expect("the new owner");
    assert_eq!(created.password_hash, None, "Google-only accounts have no password");
    assert_eq!(
        app.latest_mail("grace@example.org").await.kind,
        "welcome",
        "the welcome mail goes out at once"
    );
    // The dashboard itself lets them in (verified, so no detour to /verify-email).
    let (status, _) = app.get_json("/api/v1/organization", &cookie).await;
    assert_eq!(status, 200);
    let logins = login_history::Entity::find()
        .filter(login_history::Column::UserId.eq(created.id))
        .filter(login_history::Column::Success.eq(true))
        .filter(login_history::Column::Reason.eq("google"))
        .count(&app.state.handles.db)
        .await
        .expect("count");
    assert_eq!(logins, 1);

    // Coming back signs into the same account; no second organization.
    let (landed, again) = sign_in_with_google(&app).await;
    assert_eq!(landed, "/");
    let (_, me_again) = app.get_json("/api/v1/auth/me", &again.expect("a session cookie")).await;
    assert_eq!(me_again["user"]["id"], me["user"]["id"]);
    assert_eq!(organizations(&app).await, before + 1);
}

#[tokio::test]
async fn an_existing_member_signing_in_with_google_lands_in_their_own_organization() {
    let (app, _provider) = app_with_google(Identity::new("admin@acme.com", "Someone Else")).await;
    let before = organizations(&app).await;

    let (landed, cookie) = sign_in_with_google(&app).await;
    assert_eq!(landed, "/");
    let (status, me) = app.get_json("/api/v1/auth/me", &cookie.expect("a session cookie")).await;
    assert_eq!(status, 200);
    assert_eq!(me["user"]["email"], "admin@acme.com");
    assert_eq!(me["user"]["organization_id"], app.demo_org().await.0.to_string());
    assert_eq!(me["user"]["role"], "owner");
    assert_ne!(me["user"]["name"], "Someone Else", "the account keeps its own name");
    assert_eq!(organizations(&app).await, before);
    // The password still works alongside Google.
    app.demo_owner().await;
}

#[tokio::test]
async fn google_verifies_the_address_of_an_account_still_waiting_for_its_mail() {
    let (app, provider) = app_with_google(Identity::new("placeholder@example.org", "Olive Owner")).await;
    app.register("olive@example.org", "Olive's Olives").await;
    provider.set_identity(Identity::new("olive@example.org", "Olive Owner"));

    let (landed, cookie) = sign_in_with_google(&app).await;
    assert_eq!(landed, "/");
    let (_, me) = app.get_json("/api/v1/auth/me", &cookie.expect("a session cookie")).await;
    assert_eq!(me["user"]["email_verified"], true);
    assert_eq!(me["user"]["organization_name"], "Olive's Olives");
}

#[tokio::test]
async fn a_callback_whose_state_does_not_match_is_refused_and_creates_nothing() {
    let (app, provider) = app_with_google(Identity::new("mallory@example.org", "Mallory")).await;
    let before = organizations(&app).await;
    let (callback, flow) = to_provider_and_back(&app).await;
    let forged = reqwest::Url::parse(&callback).expect("url");
    let code = forged.query_pairs().find(|(k, _)| k == "code").expect("code").1.into_owned();
    let with_forged_state = app.url(&format!("/auth/google/callback?code={code}&state=forged"));

    let tampered = format!("{flow}x");
    for (url, cookie) in [
        (with_forged_state.as_str(), flow.as_str()),
        // The right state in a browser that did not start the flow (login CSRF).
        (callback.as_str(), ""),
        // A tampered flow cookie.
        (callback.as_str(), tampered.as_str()),
    ] {
        let response = browser().get(url).header("cookie", cookie).send().await.expect("callback answers");
        assert_eq!(location(&response), "/login?error=google_expired", "{url} with {cookie:?}");
        assert_eq!(set_cookie(&response, "cs_session"), None);
    }
    assert_eq!(provider.token_requests(), 0, "the code is never exchanged");
    assert!(user_by_email(&app, "mallory@example.org").await.is_none());
    assert_eq!(organizations(&app).await, before);
}

#[tokio::test]
async fn an_id_token_signed_with_a_key_the_provider_does_not_publish_is_refused() {
    let (app, provider) = app_with_google(Identity::new("forged@example.org", "Forged")).await;
    provider.sign_with_impostor_key();
    let before = organizations(&app).await;

    let (landed, cookie) = sign_in_with_google(&app).await;
    assert_eq!(landed, "/login?error=google_failed");
    assert_eq!(cookie, None);
    assert_eq!(provider.token_requests(), 1, "refused after the exchange, at the signature");
    assert!(user_by_email(&app, "forged@example.org").await.is_none());
    assert_eq!(organizations(&app).await, before);
}

#[tokio::test]
async fn an_address_google_has_not_verified_is_refused() {
    let mut identity = Identity::new("admin@acme.com", "Not Really Admin");
    identity.email_verified = false;
    let (app, _provider) = app_with_google(identity).await;
    let before = organizations(&app).await;

    let (landed, cookie) = sign_in_with_google(&app).await;
    assert_eq!(landed, "/login?error=google_email_not_verified");
    assert_eq!(cookie, None);
    assert_eq!(organizations(&app).await, before);
}

#[tokio::test]
async fn a_deactivated_member_cannot_sign_in_with_google() {
    let (app, _provider) = app_with_google(Identity::new("former@acme.com", "Former Agent")).await;
    user::Entity::insert(user::ActiveModel {
        id: Set(Uuid::now_v7()),
        organization_id: Set(app.demo_org().await.0),
        name: Set("Former Agent".into()),
        email: Set("former@acme.com".into()),
        password_hash: Set(None),
        role: Set("agent".into()),
        status: Set("deactivated".into()),
        email_verified_at: Set(Some(Utc::now())),
        last_active_at: Set(None),
        created_at: Set(Utc::now()),
        ..Default::default()
    })
    .exec(&app.state.handles.db)
    .await
    .expect("member inserted");

    let (landed, cookie) = sign_in_with_google(&app).await;
    assert_eq!(landed, "/login?error=account_inactive");
    assert_eq!(cookie, None);
}

#[tokio::test]
async fn a_person_who_cancels_at_google_is_told_so() {
    let (app, _provider) = app_with_google(Identity::new("shy@example.org", "Shy")).await;
    let (callback, flow) = to_provider_and_back(&app).await;
    let url = reqwest::Url::parse(&callback).expect("url");
    let state = url.query_pairs().find(|(k, _)| k == "state").expect("state").1.into_owned();
    let cancelled = app.url(&format!("/auth/google/callback?error=access_denied&state={state}"));

    let response = browser().get(&cancelled).header("cookie", flow).send().await.expect("answers");
    assert_eq!(location(&response), "/login?error=google_cancelled");
    assert!(user_by_email(&app, "shy@example.org").await.is_none());
}

#[tokio::test]
async fn the_login_page_offers_google_only_when_it_is_configured_and_explains_failures() {
    let plain = spawn_app().await;
    let off = plain.http.get(plain.url("/auth/google")).send().await.expect("answers");
    assert_eq!(off.status(), 404);
    let options = plain.server_fn("sign_in_options", "", &[]).await;
    assert_eq!(
        options.json::<serde_json::Value>().await.expect("json"),
        serde_json::json!({ "google": false })
    );
    let page = plain.get("/login").await.text().await.expect("html");
    assert!(!page.contains("/auth/google"), "no Google button without Google configured");

    let (app, _provider) = app_with_google(Identity::new("someone@example.org", "Someone")).await;
    let options = app.server_fn("sign_in_options", "", &[]).await;
    assert_eq!(
        options.json::<serde_json::Value>().await.expect("json"),
        serde_json::json!({ "google": true })
    );
    let page = app.get("/login").await.text().await.expect("html");
    assert!(page.contains(r#"href="/auth/google""#), "the Google button is a plain link");
    let failed = app.get("/login?error=google_email_not_verified").await.text().await.expect("html");
    assert!(failed.contains("Google has not verified this email address"));
    let crafted = app.get("/login?error=Call%20us%20at%20555").await.text().await.expect("html");
    assert!(!crafted.contains("Call us at 555"), "unknown codes show nothing");
}
