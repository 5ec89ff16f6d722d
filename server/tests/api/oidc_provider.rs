//! A stand-in for Google's OpenID provider that speaks the real protocol over HTTP on
//! 127.0.0.1: the discovery document, `/authorize` (no consent screen: it answers at once for
//! the configured identity), `/token` (client secret, single-use code, redirect URI and PKCE
//! S256 checked; answers with an RS256-signed ID token) and `/jwks`. Tests choose who signs in
//! and how the provider misbehaves through [`OidcProvider`].

use std::{
    collections::HashMap,
    sync::{Arc, Mutex},
};

use axum::{
    Form, Json, Router,
    extract::{Query, State},
    http::{HeaderMap, StatusCode, header},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
};
use base64::{
    Engine,
    engine::general_purpose::{STANDARD, URL_SAFE_NO_PAD},
};
use jsonwebtoken::{Algorithm, EncodingKey, Header, jwk::AlgorithmParameters};
use sha2::{Digest, Sha256};

pub const CLIENT_ID: &str = "chatsupport-tests.apps.example";
pub const CLIENT_SECRET: &str = "stand-in-client-secret";
const KEY_ID: &str = "stand-in-key-1";
/// The key the JWKS publishes, and one it does not (same `kid`, as a forger would claim).
const PROVIDER_KEY: &str = include_str!("../fixtures/oidc_provider_key.pem");
const IMPOSTOR_KEY: &str = include_str!("../fixtures/oidc_impostor_key.pem");

/// Who the provider says signs in.
#[derive(Debug, Clone)]
pub struct Identity {
    pub subject: String,
    pub email: String,
    pub email_verified: bool,
    pub name: String,
}

impl Identity {
    pub fn new(email: &str, name: &str) -> Self {
        Self {
            subject: format!("{}", uuid::Uuid::new_v4().as_u128()),
            email: email.to_owned(),
            email_verified: true,
            name: name.to_owned(),
        }
    }
}

/// What `/authorize` was asked, for assertions.
pub type AuthorizationRequest = HashMap<String, String>;

struct Grant {
    redirect_uri: String,
    nonce: String,
    code_challenge: String,
    identity: Identity,
}

struct Provider {
    issuer: String,
    identity: Identity,
    sign_with_impostor_key: bool,
    codes: HashMap<String, Grant>,
    authorizations: Vec<AuthorizationRequest>,
    token_requests: usize,
}

#[derive(Clone)]
pub struct OidcProvider {
    pub issuer: String,
    state: Arc<Mutex<Provider>>,
}

impl OidcProvider {
    /// Serves on a free loopback port until the test ends.
    pub async fn start(identity: Identity) -> Self {
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.expect("a free port");
        let issuer = format!("http://{}", listener.local_addr().expect("bound"));
        let state = Arc::new(Mutex::new(Provider {
            issuer: issuer.clone(),
            identity,
            sign_with_impostor_key: false,
            codes: HashMap::new(),
            authorizations: Vec::new(),
            token_requests: 0,
        }));
        let router = Router::new()
            .route("/.well-known/openid-configuration", get(discovery))
            .route("/authorize", get(authorize))
            .route("/token", post(token))
            .route("/jwks", get(jwks))
            .with_state(state.clone());
        tokio::spawn(async move { axum::serve(listener, router).await });
        Self { issuer, state }
    }

    pub fn set_identity(&self, identity: Identity) {
        self.lock().identity = identity;
    }

    /// From now on ID tokens are signed with a key the JWKS does not publish.
    pub fn sign_with_impostor_key(&self) {
        self.lock().sign_with_impostor_key = true;
    }

    pub fn last_authorization(&self) -> AuthorizationRequest {
        self.lock().authorizations.last().cloned().expect("an authorization request")
    }

    pub fn token_requests(&self) -> usize {
        self.lock().token_requests
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, Provider> {
        self.state.lock().expect("provider state")
    }
}

type Shared = State<Arc<Mutex<Provider>>>;

async fn discovery(State(state): Shared) -> Json<serde_json::Value> {
    let issuer = state.lock().expect("provider state").issuer.clone();
    Json(serde_json::json!({
        "issuer": issuer,
        "authorization_endpoint": format!("{issuer}/authorize"),
        "token_endpoint": format!("{issuer}/token"),
        "jwks_uri": format!("{issuer}/jwks"),
        "response_types_supported": ["code"],
        "subject_types_supported": ["public"],
        "id_token_signing_alg_values_supported": ["RS256"],
        "scopes_supported": ["openid", "email", "profile"],
        "token_endpoint_auth_methods_supported": ["client_secret_basic", "client_secret_post"],
        "claims_supported": ["aud", "email", "email_verified", "exp", "iat", "iss", "name", "sub", "nonce"],
        "code_challenge_methods_supported": ["S256"],
    }))
}

/// Validates the request as Google does (an error page, not a redirect, for a bad client or
/// redirect URI) and sends the browser straight back with a code.
async fn authorize(State(state): Shared, Query(query): Query<HashMap<String, String>>) -> Response {
    let mut provider = state.lock().expect("provider state");
    provider.authorizations.push(query.clone());
    let param = |name: &str| query.get(name).cloned().unwrap_or_default();
    let scopes: Vec<String> = param("scope").split(' ').map(str::to_owned).collect();
    let problem = if param("client_id") != CLIENT_ID {
        Some("unknown client_id")
    } else if param("response_type") != "code" {
        Some("response_type must be code")
    } else if !scopes.iter().any(|s| s == "openid") {
        Some("scope must include openid")
    } else if param("code_challenge_method") != "S256" || param("code_challenge").is_empty() {
        Some("PKCE S256 required")
    } else if param("redirect_uri").is_empty() || param("state").is_empty() || param("nonce").is_empty() {
        Some("redirect_uri, state and nonce required")
    } else {
        None
    };
    if let Some(problem) = problem {
        return (StatusCode::BAD_REQUEST, problem).into_response();
    }
    let code = uuid::Uuid::new_v4().simple().to_string();
    let grant = Grant {
        redirect_uri: param("redirect_uri"),
        nonce: param("nonce"),
        code_challenge: param("code_challenge"),
        identity: provider.identity.clone(),
    };
    provider.codes.insert(code.clone(), grant);
    let back =
        reqwest::Url::parse_with_params(&param("redirect_uri"), [("code", code), ("state", param("state"))])
            .expect("a redirect URI");
    Redirect::to(back.as_str()).into_response()
}

fn oauth_error(status: StatusCode, error: &str) -> Response {
    (status, Json(serde_json::json!({ "error": error }))).into_response()
}

/// Client id and secret from HTTP Basic (`client_secret_basic`) or the form (`_post`).
fn client_credentials(headers: &HeaderMap, form: &HashMap<String, String>) -> Option<(String, String)> {
    if let Some(basic) = headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Basic "))
    {
        let decoded = String::from_utf8(STANDARD.decode(basic).ok()?).ok()?;
        let (id, secret) = decoded.split_once(':')?;
        return Some((id.to_owned(), secret.to_owned()));
    }
    Some((form.get("client_id")?.clone(), form.get("client_secret")?.clone()))
}

async fn token(
    State(state): Shared,
    headers: HeaderMap,
    Form(form): Form<HashMap<String, String>>,
) -> Response {
    let mut provider = state.lock().expect("provider state");
    provider.token_requests += 1;
    if client_credentials(&headers, &form) != Some((CLIENT_ID.to_owned(), CLIENT_SECRET.to_owned())) {
        return oauth_error(StatusCode::UNAUTHORIZED, "invalid_client");
    }
    if form.get("grant_type").map(String::as_str) != Some("authorization_code") {
        return oauth_error(StatusCode::BAD_REQUEST, "unsupported_grant_type");
    }
    let Some(grant) = form.get("code").and_then(|code| provider.codes.remove(code)) else {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    };
    let verifier = form.get("code_verifier").cloned().unwrap_or_default();
    let challenge = URL_SAFE_NO_PAD.encode(Sha256::digest(verifier.as_bytes()));
    if form.get("redirect_uri") != Some(&grant.redirect_uri) || challenge != grant.code_challenge {
        return oauth_error(StatusCode::BAD_REQUEST, "invalid_grant");
    }
    let now = chrono::Utc::now().timestamp();
    let claims = serde_json::json!({
        "iss": provider.issuer,
        "aud": CLIENT_ID,
        "azp": CLIENT_ID,
        "sub": grant.identity.subject,
        "email": grant.identity.email,
        "email_verified": grant.identity.email_verified,
        "name": grant.identity.name,
        "nonce": grant.nonce,
        "iat": now,
        "exp": now + 3600,
    });
    let pem = if provider.sign_with_impostor_key { IMPOSTOR_KEY } else { PROVIDER_KEY };
    let mut header = Header::new(Algorithm::RS256);
    header.kid = Some(KEY_ID.into());
    let id_token = jsonwebtoken::encode(&header, &claims, &signing_key(pem)).expect("an ID token");
    Json(serde_json::json!({
        "access_token": format!("ya29.{}", uuid::Uuid::new_v4().simple()),
        "token_type": "Bearer",
        "expires_in": 3599,
        "scope": "openid email profile",
        "id_token": id_token,
    }))
    .into_response()
}

async fn jwks() -> Json<serde_json::Value> {
    let jwk = jsonwebtoken::jwk::Jwk::from_encoding_key(&signing_key(PROVIDER_KEY), Algorithm::RS256)
        .expect("a public JWK");
    let AlgorithmParameters::RSA(rsa) = jwk.algorithm else { panic!("an RSA key") };
    Json(serde_json::json!({
        "keys": [{ "kty": "RSA", "use": "sig", "alg": "RS256", "kid": KEY_ID, "n": rsa.n, "e": rsa.e }]
    }))
}

/// A PKCS#1 PEM as jsonwebtoken's DER key (the workspace builds it without PEM support).
fn signing_key(pem: &str) -> EncodingKey {
    let body: String = pem.lines().filter(|line| !line.starts_with("-----")).collect();
    EncodingKey::from_rsa_der(&STANDARD.decode(body).expect("base64 PEM body"))
}
