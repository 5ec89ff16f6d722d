//! Where a request came from. Behind a reverse proxy the peer is the proxy, so the client is
//! read from `X-Forwarded-For` — but only when the peer is one of the configured trusted
//! proxies (`--trusted-proxies`); anyone else could write the header. The [`client_address`]
//! middleware works the address out once per request; everything after it (the allow-list,
//! the sign-in rate limit, login history, audit entries) reads it through [`client_of`].

use std::{
    net::{IpAddr, SocketAddr},
    sync::Arc,
};

use axum::{
    extract::{ConnectInfo, FromRequestParts, Request, State},
    http::{HeaderMap, header, request::Parts},
    middleware::Next,
    response::Response,
};
use ipnet::IpNet;

use crate::shared::ClientInfo;

/// The client's address as [`client_address`] worked it out.
#[derive(Debug, Clone, Copy)]
pub struct ClientAddr(pub IpAddr);

/// The proxies whose `X-Forwarded-For` is believed.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(pub Arc<Vec<IpNet>>);

impl TrustedProxies {
    /// The client behind `peer`: walking `X-Forwarded-For` from the right (each proxy appends
    /// the address it saw), the first address that is not a trusted proxy. A header from an
    /// untrusted peer is ignored.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let trusted = |ip: &IpAddr| self.0.iter().any(|net| net.contains(ip));
        if !trusted(&peer) {
            return peer;
        }
        let forwarded = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect::<Vec<_>>();
        let mut client = peer;
        for hop in forwarded.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else { break };
            client = ip;
            if !trusted(&ip) {
                break;
            }
        }
        client
    }
}

/// Works out the client's address once (see the module doc) and leaves it in the request.
pub async fn client_address(
    State(proxies): State<TrustedProxies>,
    mut request: Request,
    next: Next,
) -> Response {
    if let Some(ConnectInfo(peer)) = request.extensions().get::<ConnectInfo<SocketAddr>>().copied() {
        let client = proxies.client(peer.ip(), request.headers());
        request.extensions_mut().insert(ClientAddr(client));
    }
    next.run(request).await
}

/// Where a request came from.
pub fn client_of(parts: &Parts) -> ClientInfo {
    client_from(&parts.extensions, &parts.headers)
}

/// [`client_of`] for a whole request (middleware).
pub fn client_of_request(request: &Request) -> ClientInfo {
    client_from(request.extensions(), request.headers())
}

fn client_from(extensions: &axum::http::Extensions, headers: &HeaderMap) -> ClientInfo {
    let ip = match extensions.get::<ClientAddr>() {
        Some(ClientAddr(ip)) => Some(*ip),
        None => extensions.get::<ConnectInfo<SocketAddr>>().map(|ConnectInfo(addr)| addr.ip()),
    };
    ClientInfo {
        ip: ip.map(|ip| ip.to_string()),
        user_agent: headers.get(header::USER_AGENT).and_then(|v| v.to_str().ok()).map(str::to_owned),
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientInfo {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(client_of(parts))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn proxies(list: &[&str]) -> TrustedProxies {
        TrustedProxies(Arc::new(list.iter().map(|n| n.parse().expect("net")).collect()))
    }

    fn forwarded(value: &str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", value.parse().expect("header"));
        headers
    }

    #[test]
    fn an_untrusted_peer_cannot_name_another_client() {
        let none = proxies(&[]);
        let peer: IpAddr = "203.0.113.9".parse().expect("ip");
        assert_eq!(none.client(peer, &forwarded("198.51.100.1")), peer);
    }

    #[test]
    fn a_trusted_proxy_names_the_client_and_spoofed_hops_to_the_left_are_ignored() {
        let trusted = proxies(&["10.0.0.0/8"]);
        let peer: IpAddr = "10.0.0.2".parse().expect("ip");
        // The visitor wrote "1.2.3.4" themselves; the proxy appended the address it saw.
        let client = trusted.client(peer, &forwarded("1.2.3.4, 198.51.100.7"));
        assert_eq!(client, "198.51.100.7".parse::<IpAddr>().expect("ip"));
        // Two trusted hops: the first untrusted address from the right.
        let client = trusted.client(peer, &forwarded("198.51.100.7, 10.1.1.1"));
        assert_eq!(client, "198.51.100.7".parse::<IpAddr>().expect("ip"));
        // No header: the proxy itself.
        assert_eq!(trusted.client(peer, &HeaderMap::new()), peer);
    }
}
