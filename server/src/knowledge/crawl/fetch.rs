//! Fetching for the crawler, safe against server-side request forgery. Every address a fetch
//! would reach — the start page, robots.txt, sitemaps, each redirect — is checked after DNS
//! resolution: loopback, private, link-local (the cloud metadata service), carrier-grade NAT,
//! multicast, broadcast and reserved addresses are refused, as are schemes other than HTTP(S)
//! and ports other than 80/443, unless the server runs with `CHATSUPPORT_CRAWL_ALLOW_PRIVATE`.
//! The check runs twice: before the request, for a reason a person understands, and inside the
//! HTTP client's resolver, so a name that answers differently the second time (DNS rebinding)
//! still cannot reach an inner address. Redirects are followed here, one checked hop at a time;
//! proxies from the environment are ignored (they would connect on our behalf, unchecked).
//! Each fetch has a time limit (the whole exchange, so a page that never finishes sending
//! ends) and a size limit read as the body streams.

use std::{
    collections::HashSet,
    net::{IpAddr, SocketAddr},
    sync::Arc,
    time::Duration,
};

use reqwest::{
    Url,
    dns::{Addrs, Name, Resolve, Resolving},
    header,
};

/// The crawler's `User-Agent` (robots.txt rules for `ChatSupportBot` apply to it).
pub const AGENT_NAME: &str = "ChatSupportBot";
const USER_AGENT: &str =
    concat!("ChatSupportBot/", env!("CARGO_PKG_VERSION"), " (+https://chatsupport.invalid/bot)");
const MAX_REDIRECTS: usize = 10;
/// Longest address followed.
pub const MAX_URL_CHARS: usize = 2_000;

/// What the crawler may fetch and how long it waits.
#[derive(Debug, Clone, Copy)]
pub struct Policy {
    pub allow_private: bool,
    pub timeout: Duration,
    pub max_bytes: usize,
}

impl Policy {
    pub fn new(allow_private: bool, timeout: Duration) -> Self {
        Self { allow_private, timeout, max_bytes: 5 * 1024 * 1024 }
    }
}

/// Why a fetch did not bring a page back. `Display` is what the owner reads.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FetchError {
    #[error("Only http:// and https:// addresses can be crawled.")]
    Scheme,
    #[error("Only the standard web ports (80 and 443) can be crawled; this address uses port {0}.")]
    Port(u16),
    #[error("{0} is a private or internal address, which the crawler does not fetch.")]
    Blocked(String),
    #[error("The address is too long.")]
    TooLong,
    #[error("{0} could not be reached ({1}).")]
    Unreachable(String, String),
    #[error("The page took longer than {0} seconds to arrive, so it was stopped.")]
    TimedOut(u64),
    #[error("The page is larger than {0} MB, so it was not read.")]
    TooLarge(usize),
    #[error("The address redirects in a loop.")]
    RedirectLoop,
    #[error("The address redirected more than 10 times.")]
    TooManyRedirects,
    #[error("A redirect pointed to an address that is not valid.")]
    BadRedirect,
}

/// A page as it came back.
#[derive(Debug, Clone)]
pub struct Fetched {
    /// Where it was found, after redirects.
    pub url: Url,
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

impl Fetched {
    pub fn not_modified(&self) -> bool {
        self.status == 304
    }
}

/// The validators a re-crawl sends back (`If-None-Match`, `If-Modified-Since`).
#[derive(Debug, Clone, Default)]
pub struct Validators {
    pub etag: Option<String>,
    pub last_modified: Option<String>,
}

/// Is this an address on the public internet?
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_loopback()
                || v4.is_private()
                || v4.is_link_local()
                || v4.is_multicast()
                || v4.is_broadcast()
                || v4.is_unspecified()
                || v4.is_documentation()
                || a == 0
                || a >= 240
                || (a == 100 && (b & 0xc0) == 64)
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b & 0xfe) == 18))
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let s = v6.segments();
            // NAT64 (64:ff9b::/96) reaches the IPv4 address it embeds.
            if s[..6] == [0x64, 0xff9b, 0, 0, 0, 0] {
                let [a, b] = s[6].to_be_bytes();
                let [c, d] = s[7].to_be_bytes();
                return is_public(IpAddr::V4(std::net::Ipv4Addr::new(a, b, c, d)));
            }
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || s[..6] == [0; 6]
                || (s[0] & 0xfe00) == 0xfc00
                || (s[0] & 0xffc0) == 0xfe80
                || (s[0] == 0x2001 && s[1] == 0x0db8))
        }
    }
}

/// The HTTP client's resolver: the system's answers, less every address the policy refuses.
struct Guard {
    allow_private: bool,
}

impl Resolve for Guard {
    fn resolve(&self, name: Name) -> Resolving {
        let allow_private = self.allow_private;
        Box::pin(async move {
            let found = tokio::net::lookup_host((name.as_str(), 0)).await?;
            let allowed: Vec<SocketAddr> = found.filter(|a| allow_private || is_public(a.ip())).collect();
            if allowed.is_empty() {
                return Err(format!("{} resolves only to internal addresses", name.as_str()).into());
            }
            Ok(Box::new(allowed.into_iter()) as Addrs)
        })
    }
}

/// Fetches pages under a [`Policy`]. Cheap to clone.
#[derive(Clone)]
pub struct Fetcher {
    client: reqwest::Client,
    policy: Policy,
}

impl Fetcher {
    pub fn new(policy: Policy) -> anyhow::Result<Self> {
        let client = reqwest::Client::builder()
            .user_agent(USER_AGENT)
            .redirect(reqwest::redirect::Policy::none())
            .no_proxy()
            .dns_resolver(Arc::new(Guard { allow_private: policy.allow_private }))
            .connect_timeout(Duration::from_secs(10).min(policy.timeout))
            .build()?;
        Ok(Self { client, policy })
    }

    /// The address's scheme and port (no network).
    pub fn check_form(&self, url: &Url) -> Result<(), FetchError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(FetchError::Scheme);
        }
        if url.as_str().len() > MAX_URL_CHARS {
            return Err(FetchError::TooLong);
        }
        let port = url.port_or_known_default().unwrap_or(0);
        if !self.policy.allow_private && port != 80 && port != 443 {
            return Err(FetchError::Port(port));
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(FetchError::Scheme);
        }
        Ok(())
    }

    /// The address's form, then where its name leads.
    pub async fn check(&self, url: &Url) -> Result<(), FetchError> {
        self.check_form(url)?;
        let host = url.host_str().unwrap_or_default().trim_start_matches('[').trim_end_matches(']');
        let port = url.port_or_known_default().unwrap_or(80);
        let shown = host.to_owned();
        // An IP literal is connected to as it is (the client's resolver never sees it).
        let addrs: Vec<IpAddr> = match host.parse::<IpAddr>() {
            Ok(ip) => vec![ip],
            Err(_) => tokio::net::lookup_host((host, port))
                .await
                .map_err(|_| FetchError::Unreachable(shown.clone(), "the name does not resolve".into()))?
                .map(|a| a.ip())
                .collect(),
        };
        if addrs.is_empty() {
            return Err(FetchError::Unreachable(shown, "the name does not resolve".into()));
        }
        if !self.policy.allow_private && addrs.iter().any(|ip| !is_public(*ip)) {
            return Err(FetchError::Blocked(shown));
        }
        Ok(())
    }

    /// GETs `url`, following redirects (each checked), within the policy's time and size.
    pub async fn get(&self, url: &Url, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        let seconds = self.policy.timeout.as_secs().max(1);
        match tokio::time::timeout(self.policy.timeout, self.follow(url, validators)).await {
            Ok(result) => result,
            Err(_) => Err(FetchError::TimedOut(seconds)),
        }
    }

    async fn follow(&self, start: &Url, validators: Option<&Validators>) -> Result<Fetched, FetchError> {
        let mut url = start.clone();
        let mut seen = HashSet::new();
        for _ in 0..=MAX_REDIRECTS {
            if !seen.insert(url.as_str().to_owned()) {
                return Err(FetchError::RedirectLoop);
            }
            self.check(&url).await?;
            let mut request = self
                .client
                .get(url.clone())
                .header(header::ACCEPT, "text/html,application/xhtml+xml,text/plain;q=0.9,*/*;q=0.5");
            if let Some(v) = validators.filter(|_| url == *start) {
                if let Some(etag) = &v.etag {
                    request = request.header(header::IF_NONE_MATCH, etag);
                }
                if let Some(modified) = &v.last_modified {
                    request = request.header(header::IF_MODIFIED_SINCE, modified);
                }
            }
            let mut response = request.send().await.map_err(|e| self.failure(&url, &e))?;
            let status = response.status();
            if status.is_redirection() && status != reqwest::StatusCode::NOT_MODIFIED {
                let next = response
                    .headers()
                    .get(header::LOCATION)
                    .and_then(|l| l.to_str().ok())
                    .and_then(|l| url.join(l).ok())
                    .ok_or(FetchError::BadRedirect)?;
                url = without_fragment(next);
                continue;
            }
            let text = |name| {
                response
                    .headers()
                    .get(name)
                    .and_then(|v: &header::HeaderValue| v.to_str().ok())
                    .map(str::to_owned)
            };
            let content_type = text(header::CONTENT_TYPE).unwrap_or_default();
            let etag = text(header::ETAG);
            let last_modified = text(header::LAST_MODIFIED);
            let max = self.policy.max_bytes;
            if response.content_length().is_some_and(|n| n > max as u64) {
                return Err(FetchError::TooLarge(max / (1024 * 1024)));
            }
            let mut body = Vec::new();
            while let Some(chunk) = response.chunk().await.map_err(|e| self.failure(&url, &e))? {
                if body.len() + chunk.len() > max {
                    return Err(FetchError::TooLarge(max / (1024 * 1024)));
                }
                body.extend_from_slice(&chunk);
            }
            return Ok(Fetched { url, status: status.as_u16(), content_type, body, etag, last_modified });
        }
        Err(FetchError::TooManyRedirects)
    }

    fn failure(&self, url: &Url, error: &reqwest::Error) -> FetchError {
        let host = url.host_str().unwrap_or_default().to_owned();
        if error.is_timeout() {
            return FetchError::TimedOut(self.policy.timeout.as_secs().max(1));
        }
        let why = if error.is_connect() {
            "the connection was refused or the server is down"
        } else {
            "the connection broke off"
        };
        // The resolver's own refusal (a name that changed its answer since the check).
        let mut source: Option<&dyn std::error::Error> = Some(error);
        while let Some(e) = source {
            if e.to_string().contains("resolves only to internal addresses") {
                return FetchError::Blocked(host);
            }
            source = e.source();
        }
        FetchError::Unreachable(host, why.into())
    }
}

/// The address without its `#fragment` (the same page).
pub fn without_fragment(mut url: Url) -> Url {
    url.set_fragment(None);
    url
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn internal_addresses_are_not_public() {
        for blocked in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "224.0.0.1",
            "255.255.255.255",
            "::1",
            "::",
            "fd00:ec2::254",
            "fe80::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "ff02::1",
            "192.0.0.8",
            "198.18.0.1",
        ] {
            assert!(!is_public(blocked.parse().expect("address")), "{blocked} must be refused");
        }
        for public in ["93.184.216.34", "1.1.1.1", "2606:4700:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().expect("address")), "{public} is public");
        }
    }

    #[tokio::test]
    async fn schemes_ports_and_internal_hosts_are_refused_before_any_request() {
        let f = Fetcher::new(Policy::new(false, Duration::from_secs(2))).expect("client");
        let check = |u: &str| {
            let f = f.clone();
            let u = Url::parse(u).expect("url");
            async move { f.check(&u).await }
        };
        assert_eq!(check("file:///etc/passwd").await, Err(FetchError::Scheme));
        assert_eq!(check("ftp://example.com/").await, Err(FetchError::Scheme));
        assert_eq!(check("http://example.com:8080/").await, Err(FetchError::Port(8080)));
        assert!(matches!(check("http://127.0.0.1/").await, Err(FetchError::Blocked(_))));
        assert!(matches!(check("http://[::1]/").await, Err(FetchError::Blocked(_))));
        assert!(matches!(
            check("http://169.254.169.254/latest/meta-data/").await,
            Err(FetchError::Blocked(_))
        ));
        assert!(matches!(check("http://localhost/").await, Err(FetchError::Blocked(_))));
        // Decimal and hex spellings of loopback are parsed as the address they are.
        assert!(matches!(check("http://2130706433/").await, Err(FetchError::Blocked(_))));
        assert!(matches!(check("http://0x7f.1/").await, Err(FetchError::Blocked(_))));
    }
}
