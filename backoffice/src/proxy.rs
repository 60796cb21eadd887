//! Who the client is behind a TLS proxy. The TCP peer of every request is then the proxy, so
//! the address a person is counted, shown and audited by comes from `X-Forwarded-For` (or
//! RFC 7239 `Forwarded: for=`) — but only when the peer is one of `server.trusted_proxies`:
//! anyone else could write any address there.
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use crate::AppState;

/// An address block such as `10.0.0.0/8` or `fd00::/8`; a bare address is a block of one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Cidr {
    net: IpAddr,
    prefix: u8,
}

impl FromStr for Cidr {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let s = s.trim();
        let bad = || format!("{s:?} is not an address block such as 10.0.0.0/8 or fd00::/8");
        let (addr, prefix) = match s.split_once('/') {
            Some((a, p)) => (a, Some(p)),
            None => (s, None),
        };
        let net = IpAddr::from_str(addr).map_err(|_| bad())?.to_canonical();
        let max = if net.is_ipv4() { 32 } else { 128 };
        let prefix = match prefix {
            None => max,
            Some(p) if !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()) => {
                p.parse::<u8>().ok().filter(|p| *p <= max).ok_or_else(bad)?
            }
            Some(_) => return Err(bad()),
        };
        Ok(Cidr { net, prefix })
    }
}

impl Cidr {
    pub fn contains(&self, ip: IpAddr) -> bool {
        match (self.net, ip.to_canonical()) {
            (IpAddr::V4(net), IpAddr::V4(ip)) => {
                same_prefix(u32::from(net).into(), u32::from(ip).into(), 32, self.prefix)
            }
            (IpAddr::V6(net), IpAddr::V6(ip)) => {
                same_prefix(u128::from(net), u128::from(ip), 128, self.prefix)
            }
            _ => false,
        }
    }
}

/// Whether the top `prefix` of `bits` bits agree.
fn same_prefix(a: u128, b: u128, bits: u32, prefix: u8) -> bool {
    let prefix = u32::from(prefix);
    prefix == 0 || (a ^ b) >> (bits - prefix) == 0
}

/// `server.trusted_proxies`: the peers whose forwarding headers are believed. Empty (the
/// default): none are, and the client is the TCP peer.
#[derive(Clone, Debug, Default)]
pub struct TrustedProxies(Vec<Cidr>);

impl TrustedProxies {
    /// Parses the configured blocks; a bad one is refused with what is wrong with it.
    pub fn parse<S: AsRef<str>>(blocks: &[S]) -> Result<Self, String> {
        blocks
            .iter()
            .map(|b| b.as_ref().parse())
            .collect::<Result<_, _>>()
            .map(TrustedProxies)
    }

    pub fn trusts(&self, ip: IpAddr) -> bool {
        self.0.iter().any(|c| c.contains(ip))
    }

    /// The client's address. A trusted peer's forwarding chain is walked from the right (the
    /// hop nearest us) past every trusted proxy; the first address that is not one is the
    /// client (when all are, the leftmost). `X-Forwarded-For` is read when present, else
    /// `Forwarded`. A chain with anything that is not an address in it, or none at all,
    /// leaves the peer: it is what we know for sure.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let peer = peer.to_canonical();
        if !self.trusts(peer) {
            return peer;
        }
        let chain = if headers.contains_key(X_FORWARDED_FOR) {
            joined(headers, X_FORWARDED_FOR).and_then(|xff| xff.split(',').map(node).collect())
        } else {
            joined(headers, FORWARDED).and_then(|f| forwarded_for(&f))
        };
        let Some(chain) = chain.filter(|c| !c.is_empty()) else {
            return peer;
        };
        chain
            .iter()
            .rev()
            .find(|ip| !self.trusts(**ip))
            .or(chain.first())
            .copied()
            .unwrap_or(peer)
    }
}

const X_FORWARDED_FOR: &str = "x-forwarded-for";
const FORWARDED: &str = "forwarded";

/// Every value of a header joined with commas (a repeated header is one list); `None` when
/// there is none or one is not text.
fn joined(headers: &HeaderMap, name: &str) -> Option<String> {
    let texts: Option<Vec<&str>> = headers
        .get_all(name)
        .iter()
        .map(|v| v.to_str().ok())
        .collect();
    texts.filter(|t| !t.is_empty()).map(|t| t.join(","))
}

/// The `for=` addresses of each element of a `Forwarded` header, in order; `None` when an
/// element has none, or one that is not an address (`unknown`, `_hidden`, garbage).
fn forwarded_for(header: &str) -> Option<Vec<IpAddr>> {
    header
        .split(',')
        .map(|element| {
            let value = element.split(';').find_map(|pair| {
                let (k, v) = pair.split_once('=')?;
                k.trim().eq_ignore_ascii_case("for").then_some(v)
            })?;
            node(value.trim().trim_matches('"'))
        })
        .collect()
}

/// One hop: `192.0.2.1`, `192.0.2.1:4711`, `2001:db8::1` or `[2001:db8::1]:4711`.
fn node(text: &str) -> Option<IpAddr> {
    let text = text.trim();
    if let Some(rest) = text.strip_prefix('[') {
        let (v6, after) = rest.split_once(']')?;
        if !(after.is_empty() || port(after.strip_prefix(':')?)) {
            return None;
        }
        return Ipv6Addr::from_str(v6)
            .ok()
            .map(|ip| IpAddr::V6(ip).to_canonical());
    }
    if let Ok(ip) = IpAddr::from_str(text) {
        return Some(ip.to_canonical());
    }
    let (v4, p) = text.split_once(':')?;
    port(p).then_some(())?;
    Ipv4Addr::from_str(v4).ok().map(IpAddr::V4)
}

fn port(p: &str) -> bool {
    p.parse::<u16>().is_ok()
}

/// The client's address, worked out once per request (see [`TrustedProxies::client`]) and used
/// wherever one is: the login-code limit, the approval card, sessions and the audit log. Absent
/// when the server runs without connection info (router tests that give none).
#[derive(Clone, Copy, Debug)]
pub struct ClientIp(pub Option<IpAddr>);

impl ClientIp {
    pub fn text(&self) -> Option<String> {
        self.0.map(|ip| ip.to_string())
    }

    fn of(state: &AppState, req: &Request) -> Self {
        let peer = req
            .extensions()
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        ClientIp(peer.map(|peer| state.proxies.client(peer, req.headers())))
    }
}

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(parts
            .extensions
            .get::<ClientIp>()
            .copied()
            .unwrap_or_else(|| {
                // Outside the layer: only the peer is known.
                ClientIp(
                    parts
                        .extensions
                        .get::<ConnectInfo<SocketAddr>>()
                        .map(|c| c.0.ip().to_canonical()),
                )
            }))
    }
}

/// The layer that works the address out for everything behind it.
pub async fn resolve(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let ip = ClientIp::of(&state, &req);
    req.extensions_mut().insert(ip);
    next.run(req).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> IpAddr {
        s.parse().unwrap()
    }

    fn headers(pairs: &[(&'static str, &str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.append(*k, v.parse().unwrap());
        }
        h
    }

    fn proxies(blocks: &[&str]) -> TrustedProxies {
        TrustedProxies::parse(blocks).unwrap()
    }

    #[test]
    fn blocks_of_both_families_parse_and_match() {
        let c: Cidr = "10.0.0.0/8".parse().unwrap();
        assert!(c.contains(ip("10.200.3.4")) && !c.contains(ip("11.0.0.1")));
        assert!(c.contains(ip("::ffff:10.1.2.3")), "IPv4-mapped IPv6");
        let c: Cidr = "fd00::/8".parse().unwrap();
        assert!(c.contains(ip("fd12::1")) && !c.contains(ip("fe80::1")));
        assert!(!c.contains(ip("10.0.0.1")));
        let one: Cidr = "192.0.2.7".parse().unwrap();
        assert!(one.contains(ip("192.0.2.7")) && !one.contains(ip("192.0.2.8")));
        let all: Cidr = "0.0.0.0/0".parse().unwrap();
        assert!(all.contains(ip("203.0.113.1")) && !all.contains(ip("::1")));
        let v6one: Cidr = "::1/128".parse().unwrap();
        assert!(v6one.contains(ip("::1")));
        let odd: Cidr = "172.16.0.0/12".parse().unwrap();
        assert!(odd.contains(ip("172.31.255.255")) && !odd.contains(ip("172.32.0.0")));
        for bad in [
            "",
            "10.0.0.0/33",
            "::/129",
            "10.0.0/8",
            "10.0.0.0/",
            "10.0.0.0/+8",
            "x/8",
        ] {
            assert!(bad.parse::<Cidr>().is_err(), "{bad:?}");
        }
        assert!(TrustedProxies::parse(&["10.0.0.0/8", "nope"]).is_err());
    }

    #[test]
    fn forwarded_addresses_are_believed_only_from_trusted_peers() {
        let p = proxies(&["10.0.0.0/8", "fd00::/8"]);
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("203.0.113.9"));
        assert_eq!(p.client(ip("198.51.100.1"), &h), ip("198.51.100.1"));
        assert_eq!(
            TrustedProxies::default().client(ip("10.0.0.1"), &h),
            ip("10.0.0.1")
        );
        assert_eq!(p.client(ip("fd00::5"), &h), ip("203.0.113.9"));
        assert_eq!(
            p.client(ip("::ffff:10.0.0.1"), &h),
            ip("203.0.113.9"),
            "a dual-stack listener's IPv4 peer"
        );
    }

    #[test]
    fn the_chain_is_walked_from_the_right_past_trusted_proxies() {
        let p = proxies(&["10.0.0.0/8"]);
        // The client wrote a fake first hop; our proxies appended the real ones.
        let h = headers(&[("x-forwarded-for", "1.1.1.1, 203.0.113.9, 10.0.0.2")]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("203.0.113.9"));
        // Repeated headers are one list.
        let h = headers(&[
            ("x-forwarded-for", "1.1.1.1"),
            ("x-forwarded-for", "203.0.113.9,10.0.0.3"),
        ]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("203.0.113.9"));
        // All hops trusted: the leftmost is the client (staff on the inside network).
        let h = headers(&[("x-forwarded-for", "10.9.9.9, 10.0.0.2")]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("10.9.9.9"));
        // Ports and brackets are understood.
        let h = headers(&[("x-forwarded-for", "203.0.113.9:5123, [2001:db8::7]:443")]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("2001:db8::7"));
    }

    #[test]
    fn rfc_7239_forwarded_is_read_when_there_is_no_x_forwarded_for() {
        let p = proxies(&["10.0.0.0/8"]);
        let h = headers(&[(
            "forwarded",
            "for=1.1.1.1;proto=https, For=\"[2001:db8:cafe::17]:4711\";by=10.0.0.1, for=10.0.0.2",
        )]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("2001:db8:cafe::17"));
        let h = headers(&[("forwarded", "for=192.0.2.60;proto=http;by=203.0.113.43")]);
        assert_eq!(p.client(ip("10.0.0.1"), &h), ip("192.0.2.60"));
        let both = headers(&[
            ("x-forwarded-for", "203.0.113.9"),
            ("forwarded", "for=192.0.2.60"),
        ]);
        assert_eq!(p.client(ip("10.0.0.1"), &both), ip("203.0.113.9"));
    }

    #[test]
    fn malformed_or_missing_chains_leave_the_peer() {
        let p = proxies(&["10.0.0.0/8"]);
        let peer = ip("10.0.0.1");
        for xff in [
            "",
            "  ",
            "203.0.113.9, nonsense",
            "203.0.113.9,,10.0.0.2",
            "unknown",
            "203.0.113.9:99999",
            "[2001:db8::1",
            "1.2.3.4.5",
        ] {
            let h = headers(&[("x-forwarded-for", xff)]);
            assert_eq!(p.client(peer, &h), peer, "{xff:?}");
        }
        for fwd in [
            "for=unknown",
            "for=_hidden",
            "proto=https",
            "for=\"[::1\"",
            "for=",
        ] {
            let h = headers(&[("forwarded", fwd)]);
            assert_eq!(p.client(peer, &h), peer, "{fwd:?}");
        }
        assert_eq!(p.client(peer, &HeaderMap::new()), peer);
        let mut h = HeaderMap::new();
        h.insert(
            "x-forwarded-for",
            axum::http::HeaderValue::from_bytes(b"203.0.113.9\xff").unwrap(),
        );
        assert_eq!(p.client(peer, &h), peer, "not text");
    }
}
