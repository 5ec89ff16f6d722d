//! Sign in with Google: the OpenID Connect relying party for the authorization-code flow with
//! PKCE. It owns provider discovery (cached), the short-lived signed flow cookie that carries
//! `state`, `nonce` and the PKCE verifier from `/auth/google` to the callback, the code
//! exchange and the ID-token checks (RS256 signature against the provider's JWKS, `iss`,
//! `aud`, `exp`, `nonce`, `email_verified`). It knows nothing of users or sessions: it hands a
//! checked [`GoogleIdentity`] to `AccountService::sign_in_with_google`.

use std::{
    sync::Arc,
    time::{Duration, Instant},
};

use app::auth::SignInProblem;
use jsonwebtoken::{Algorithm, DecodingKey, EncodingKey, Header, Validation};
use openidconnect::{
    AuthenticationFlow, AuthorizationCode, ClientId, ClientSecret, CsrfToken, IssuerUrl, Nonce,
    PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    core::{CoreClient, CoreProviderMetadata, CoreResponseType},
    reqwest,
};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use tokio::sync::Mutex;

use crate::config::Config;
use crate::shared::input::EmailAddress;

/// How long a person has between leaving for Google and coming back.
pub const FLOW_SECONDS: i64 = 10 * 60;
/// Discovery (endpoints and signing keys) is read again after this long, so key rotation at
/// the provider reaches us without a restart.
const DISCOVERY_TTL: Duration = Duration::from_secs(60 * 60);
const HTTP_TIMEOUT: Duration = Duration::from_secs(10);
/// Where the provider sends the browser back to, under the public URL.
pub const CALLBACK_PATH: &str = "/auth/google/callback";

/// What the provider vouched for, after every check passed.
#[derive(Debug, Clone)]
pub struct GoogleIdentity {
    pub email: EmailAddress,
    /// The `name` claim, else `given_name`, else the address' local part; at most 100 chars.
    pub name: String,
}

/// Where to send the browser, and the signed flow to keep in its cookie meanwhile.
pub struct Authorization {
    pub url: String,
    pub flow: String,
}

/// What came back to the callback.
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    /// Set instead of `code` when the person cancelled or the provider refused.
    pub error: Option<String>,
}

/// The flow cookie's claims. Signed (not encrypted): the verifier only matters together with a
/// code, and the code never passes through the browser's cookies.
#[derive(Debug, Serialize, Deserialize)]
struct Flow {
    /// Always [`FLOW_PURPOSE`], so no other token signed with a related key passes as a flow.
    purpose: String,
    state: String,
    nonce: String,
    pkce_verifier: String,
    exp: i64,
}

const FLOW_PURPOSE: &str = "google_sign_in";

/// A client of the discovered provider: authorization and token endpoints set, the rest
/// unused.
type ProviderClient = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

#[derive(Clone)]
pub struct GoogleSignIn {
    inner: Arc<Inner>,
}

struct Inner {
    client_id: ClientId,
    client_secret: ClientSecret,
    issuer: IssuerUrl,
    redirect: RedirectUrl,
    http: reqwest::Client,
    flow_encoding: EncodingKey,
    flow_decoding: DecodingKey,
    provider: Mutex<Option<(Instant, CoreProviderMetadata)>>,
}

impl GoogleSignIn {
    /// `None` unless both the client id and secret are configured.
    pub fn from_config(config: &Config, public_url: &str, secret: &[u8]) -> anyhow::Result<Option<Self>> {
        let (Some(client_id), Some(client_secret)) = (
            config.google_client_id.as_deref().filter(|id| !id.trim().is_empty()),
            config.google_client_secret.as_deref().filter(|s| !s.trim().is_empty()),
        ) else {
            return Ok(None);
        };
        let issuer = IssuerUrl::new(config.google_issuer.trim_end_matches('/').to_owned())
            .map_err(|e| anyhow::anyhow!("CHATSUPPORT_GOOGLE_ISSUER is not a URL: {e}"))?;
        let redirect = RedirectUrl::new(format!("{}{CALLBACK_PATH}", public_url.trim_end_matches('/')))
            .map_err(|e| anyhow::anyhow!("the public URL does not make a redirect URL: {e}"))?;
        let http = reqwest::Client::builder()
            // Following redirects from the provider's endpoints would open a path to SSRF.
            .redirect(reqwest::redirect::Policy::none())
            .timeout(HTTP_TIMEOUT)
            .build()?;
        // A key of its own, derived from the server secret: a flow cookie can never pass as an
        // API access token or the other way round.
        let flow_key =
            Sha256::new().chain_update(b"chatsupport google sign-in flow\0").chain_update(secret).finalize();
        Ok(Some(Self {
            inner: Arc::new(Inner {
                client_id: ClientId::new(client_id.trim().to_owned()),
                client_secret: ClientSecret::new(client_secret.trim().to_owned()),
                issuer,
                redirect,
                http,
                flow_encoding: EncodingKey::from_secret(&flow_key),
                flow_decoding: DecodingKey::from_secret(&flow_key),
                provider: Mutex::new(None),
            }),
        }))
    }

    /// The provider's authorization URL (code flow, `openid email profile`, fresh state and
    /// nonce, PKCE S256) and the signed flow the callback will need.
    #[tracing::instrument(skip(self))]
    pub async fn authorize(&self) -> Result<Authorization, SignInProblem> {
        let client = self.client().await?;
        let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
        let (url, state, nonce) = client
            .authorize_url(
                AuthenticationFlow::<CoreResponseType>::AuthorizationCode,
                CsrfToken::new_random,
                Nonce::new_random,
            )
            .add_scope(Scope::new("email".into()))
            .add_scope(Scope::new("profile".into()))
            .set_pkce_challenge(challenge)
            .url();
        let flow = Flow {
            purpose: FLOW_PURPOSE.into(),
            state: state.secret().clone(),
            nonce: nonce.secret().clone(),
            pkce_verifier: verifier.secret().clone(),
            exp: chrono::Utc::now().timestamp() + FLOW_SECONDS,
        };
        let flow = jsonwebtoken::encode(&Header::new(Algorithm::HS256), &flow, &self.inner.flow_encoding)
            .map_err(|e| failed("signing the flow cookie", e))?;
        Ok(Authorization { url: url.to_string(), flow })
    }

    /// Checks what came back against the flow cookie, exchanges the code and verifies the ID
    /// token. Every failure is logged here and answered with what the login page may say.
    #[tracing::instrument(skip_all)]
    pub async fn finish(
        &self,
        flow: Option<&str>,
        callback: Callback,
    ) -> Result<GoogleIdentity, SignInProblem> {
        let flow = flow.and_then(|token| self.read_flow(token)).ok_or(SignInProblem::Expired)?;
        // The state ties this callback to the browser that started the flow (login CSRF).
        if callback.state.as_deref() != Some(flow.state.as_str()) {
            tracing::warn!("google sign-in: the state does not match the flow cookie");
            return Err(SignInProblem::Expired);
        }
        if let Some(error) = callback.error {
            tracing::info!(%error, "google sign-in: the provider answered with an error");
            return Err(SignInProblem::Cancelled);
        }
        let code = callback.code.filter(|c| !c.is_empty()).ok_or(SignInProblem::Failed)?;
        let client = self.client().await?;
        let response = client
            .exchange_code(AuthorizationCode::new(code))
            .map_err(|e| failed("the provider has no token endpoint", e))?
            .set_pkce_verifier(PkceCodeVerifier::new(flow.pkce_verifier))
            .request_async(&self.inner.http)
            .await
            .map_err(|e| failed("exchanging the code", e))?;
        let id_token = openidconnect::TokenResponse::id_token(&response)
            .ok_or_else(|| failed("the token response has no id_token", "missing"))?;
        // The issuer is checked below, allowing Google's documented scheme-less form.
        let verifier = client.id_token_verifier().require_issuer_match(false);
        let claims = id_token
            .claims(&verifier, &Nonce::new(flow.nonce))
            .map_err(|e| failed("verifying the ID token", e))?;
        if !issuer_matches(self.inner.issuer.as_str(), claims.issuer().as_str()) {
            return Err(failed("the ID token's issuer", claims.issuer().as_str()));
        }
        let email = claims.email().ok_or_else(|| failed("the ID token has no email", "missing"))?;
        if claims.email_verified() != Some(true) {
            tracing::info!("google sign-in: the provider has not verified the address");
            return Err(SignInProblem::EmailNotVerified);
        }
        let email = EmailAddress::try_from(email.as_str().to_owned())
            .map_err(|e| failed("the ID token's email", e))?;
        let name = claims
            .name()
            .and_then(|n| n.get(None))
            .map(|n| n.as_str())
            .or_else(|| claims.given_name().and_then(|n| n.get(None)).map(|n| n.as_str()))
            .map(str::trim)
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or_default())
            .chars()
            .take(100)
            .collect();
        Ok(GoogleIdentity { email, name })
    }

    fn read_flow(&self, token: &str) -> Option<Flow> {
        let mut validation = Validation::new(Algorithm::HS256);
        validation.set_required_spec_claims(&["exp"]);
        validation.leeway = 0;
        let flow = jsonwebtoken::decode::<Flow>(token, &self.inner.flow_decoding, &validation).ok()?.claims;
        (flow.purpose == FLOW_PURPOSE).then_some(flow)
    }

    /// A client built from the cached discovery document, read again when it is stale. The
    /// lock is held across the read so concurrent sign-ins wait for one discovery.
    async fn client(&self) -> Result<ProviderClient, SignInProblem> {
        let metadata = {
            let mut cached = self.inner.provider.lock().await;
            match cached.as_ref() {
                Some((read_at, metadata)) if read_at.elapsed() < DISCOVERY_TTL => metadata.clone(),
                _ => {
                    let metadata =
                        CoreProviderMetadata::discover_async(self.inner.issuer.clone(), &self.inner.http)
                            .await
                            .map_err(|e| failed("reading the provider's discovery document", e))?;
                    *cached = Some((Instant::now(), metadata.clone()));
                    metadata
                }
            }
        };
        Ok(CoreClient::from_provider_metadata(
            metadata,
            self.inner.client_id.clone(),
            Some(self.inner.client_secret.clone()),
        )
        .set_redirect_uri(self.inner.redirect.clone()))
    }
}

/// Logs why a sign-in failed (for the operator) and answers what the person is told.
fn failed(what: &str, cause: impl std::fmt::Display) -> SignInProblem {
    tracing::warn!(cause = %cause, "google sign-in failed: {what}");
    SignInProblem::Failed
}

/// Google documents ID tokens with `iss` either `https://accounts.google.com` or
/// `accounts.google.com`; any other provider must match exactly.
fn issuer_matches(expected: &str, actual: &str) -> bool {
    let expected = expected.trim_end_matches('/');
    actual.trim_end_matches('/') == expected
        || (expected == "https://accounts.google.com" && actual == "accounts.google.com")
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &[u8] = b"0123456789abcdef0123456789abcdef";

    fn configured(id: Option<&str>, secret: Option<&str>, server_secret: &[u8]) -> Option<GoogleSignIn> {
        let mut config = Config::for_tests("unused");
        config.google_client_id = id.map(str::to_owned);
        config.google_client_secret = secret.map(str::to_owned);
        GoogleSignIn::from_config(&config, "http://127.0.0.1:3000", server_secret).expect("a valid config")
    }

    #[test]
    fn google_sign_in_is_off_unless_both_client_id_and_secret_are_set() {
        assert!(configured(None, None, SECRET).is_none());
        assert!(configured(Some("id"), None, SECRET).is_none());
        assert!(configured(None, Some("secret"), SECRET).is_none());
        assert!(configured(Some("id"), Some(" "), SECRET).is_none());
        assert!(configured(Some("id"), Some("secret"), SECRET).is_some());
    }

    #[test]
    fn a_flow_cookie_is_refused_when_expired_made_for_something_else_or_signed_with_another_key() {
        let google = configured(Some("id"), Some("secret"), SECRET).expect("configured");
        let other =
            configured(Some("id"), Some("secret"), b"another server secret, 32+ characters").expect("on");
        let now = chrono::Utc::now().timestamp();
        let flow = |purpose: &str, exp: i64| Flow {
            purpose: purpose.into(),
            state: "state".into(),
            nonce: "nonce".into(),
            pkce_verifier: "verifier".into(),
            exp,
        };
        let signed = |flow: Flow, key: &EncodingKey| {
            jsonwebtoken::encode(&Header::new(Algorithm::HS256), &flow, key).expect("signed")
        };
        let own = &google.inner.flow_encoding;
        assert!(google.read_flow(&signed(flow(FLOW_PURPOSE, now + 60), own)).is_some());
        assert!(google.read_flow(&signed(flow(FLOW_PURPOSE, now - 1), own)).is_none());
        assert!(google.read_flow(&signed(flow("api_access", now + 60), own)).is_none());
        assert!(
            google.read_flow(&signed(flow(FLOW_PURPOSE, now + 60), &other.inner.flow_encoding)).is_none()
        );
        // The server secret itself (which signs API access tokens) does not make a valid flow.
        let server_key = EncodingKey::from_secret(SECRET);
        assert!(google.read_flow(&signed(flow(FLOW_PURPOSE, now + 60), &server_key)).is_none());
    }

    #[test]
    fn the_issuer_must_match_except_for_googles_schemeless_form() {
        assert!(issuer_matches("https://accounts.google.com", "https://accounts.google.com"));
        assert!(issuer_matches("https://accounts.google.com", "accounts.google.com"));
        assert!(issuer_matches("http://127.0.0.1:4000", "http://127.0.0.1:4000/"));
        assert!(!issuer_matches("http://127.0.0.1:4000", "127.0.0.1:4000"));
        assert!(!issuer_matches("https://accounts.google.com", "https://evil.example"));
    }
}
