//! Tarballs a manifest names by URL (`"helper": "https://host/helper.tgz"`), fetched on
//! the host so that the sandbox's npm installs what a real install would (PhantomRaven's
//! payload lived only there). A manifest is written by whoever published the package,
//! so the fetch is held tight: only http(s), only to public addresses (a manifest must
//! not make dsca's machine reach its own network or a cloud's metadata service), the
//! address checked is the address connected to (no second DNS answer), every redirect
//! checked again, no credentials, a bounded body and time.

use crate::error::RegistryError;
use crate::http;
use std::net::{IpAddr, SocketAddr, ToSocketAddrs};
use std::str::FromStr;
use std::time::Duration;
use url::Url;

/// `HOST:PORT:TO_HOST:TO_PORT`, as curl's `--connect-to`: connections for HOST:PORT go
/// to TO_HOST:TO_PORT instead, which is trusted as given (a mirror, a test server).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectTo {
    pub host: String,
    pub port: u16,
    pub to: SocketAddr,
}

impl FromStr for ConnectTo {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let shape = || format!("`{text}` is not HOST:PORT:ADDRESS:PORT");
        let (host, rest) = text.split_once(':').ok_or_else(shape)?;
        let (port, to) = rest.split_once(':').ok_or_else(shape)?;
        let port: u16 = port.parse().map_err(|_| shape())?;
        let to = to
            .to_socket_addrs()
            .map_err(|err| format!("`{to}` in `{text}`: {err}"))?
            .next()
            .ok_or_else(shape)?;
        if host.is_empty() {
            return Err(shape());
        }
        if host.parse::<IpAddr>().is_ok() || host.starts_with('[') {
            return Err(format!(
                "`{text}`: HOST must be a name (a connection to an address goes there)"
            ));
        }
        Ok(ConnectTo {
            host: host.to_ascii_lowercase(),
            port,
            to,
        })
    }
}

/// What the fetch introduces itself as: npm's own agent, as the install in the sandbox
/// would (a host that answered dsca differently could hide its payload from it).
pub const NPM_USER_AGENT: &str = "npm/10.9.2 node/v20.19.0 linux x64 workspaces/false";

#[derive(Debug, Clone)]
pub struct RemoteOptions {
    /// The whole exchange, redirects included.
    pub timeout: Duration,
    pub max_bytes: u64,
    pub max_redirects: usize,
    pub connect_to: Vec<ConnectTo>,
    pub user_agent: String,
}

impl Default for RemoteOptions {
    fn default() -> Self {
        RemoteOptions {
            timeout: Duration::from_secs(60),
            max_bytes: 64 * 1024 * 1024,
            max_redirects: 5,
            connect_to: Vec::new(),
            user_agent: NPM_USER_AGENT.to_string(),
        }
    }
}

/// What the remote host answered (after its redirects).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RemoteResponse {
    pub status: u16,
    pub content_type: String,
    pub body: Vec<u8>,
    /// The URL that answered, after redirects.
    pub url: String,
}

pub struct RemoteFetcher {
    options: RemoteOptions,
}

/// `url` as npm and the sandbox's proxy both write it (default port dropped, fragment
/// dropped), when it is an http(s) URL.
pub fn normalize(url: &str) -> Option<String> {
    let mut url = Url::parse(url.trim()).ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return None;
    }
    url.set_fragment(None);
    Some(url.to_string())
}

impl RemoteFetcher {
    pub fn new(options: RemoteOptions) -> RemoteFetcher {
        RemoteFetcher { options }
    }

    /// GET `url`, following redirects (each checked like the first).
    pub fn get(&self, url: &str) -> Result<RemoteResponse, RegistryError> {
        self.send(url, &self.options.user_agent, None)
    }

    /// [`RemoteFetcher::get`], introducing itself as `agent` (`git/2.47.0`).
    pub fn get_as(&self, url: &str, agent: &str) -> Result<RemoteResponse, RegistryError> {
        self.send(url, agent, None)
    }

    /// POST `body` as `content_type` to `url` as `agent`; a redirect is returned as it
    /// came.
    pub fn post_as(
        &self,
        url: &str,
        agent: &str,
        content_type: &str,
        body: Vec<u8>,
    ) -> Result<RemoteResponse, RegistryError> {
        self.send(url, agent, Some((content_type, body)))
    }

    fn send(
        &self,
        url: &str,
        agent: &str,
        post: Option<(&str, Vec<u8>)>,
    ) -> Result<RemoteResponse, RegistryError> {
        let started = std::time::Instant::now();
        let mut url = Url::parse(url).map_err(|err| refused(url, &format!("not a URL: {err}")))?;
        for _ in 0..=self.options.max_redirects {
            let left = self
                .options
                .timeout
                .checked_sub(started.elapsed())
                .ok_or_else(|| RegistryError::Network {
                    url: url.to_string(),
                    reason: "timed out".to_string(),
                })?;
            let client = self.client_for(&url, left)?;
            let request = match &post {
                None => client.get(url.clone()),
                Some((content_type, body)) => client
                    .post(url.clone())
                    .header(reqwest::header::CONTENT_TYPE, *content_type)
                    .body(body.clone()),
            };
            let response = request
                .header(reqwest::header::ACCEPT, "*/*")
                .header(reqwest::header::USER_AGENT, agent)
                .send()
                .map_err(|err| http::network(&url, &err))?;
            let status = response.status();
            if status.is_redirection()
                && post.is_none()
                && let Some(location) = response
                    .headers()
                    .get(reqwest::header::LOCATION)
                    .and_then(|value| value.to_str().ok())
            {
                url = url
                    .join(location)
                    .map_err(|err| refused(url.as_str(), &format!("bad redirect: {err}")))?;
                continue;
            }
            let content_type = response
                .headers()
                .get(reqwest::header::CONTENT_TYPE)
                .and_then(|value| value.to_str().ok())
                .unwrap_or("application/octet-stream")
                .to_string();
            let deadline = started + self.options.timeout;
            let body =
                match http::read_body(response, &url, self.options.max_bytes, None, Some(deadline))
                {
                    Ok((body, _)) => body,
                    Err(http::Failure::Fatal(error) | http::Failure::Retryable { error, .. }) => {
                        return Err(error);
                    }
                };
            return Ok(RemoteResponse {
                status: status.as_u16(),
                content_type,
                body,
                url: url.to_string(),
            });
        }
        Err(refused(
            url.as_str(),
            &format!("more than {} redirects", self.options.max_redirects),
        ))
    }

    /// A client that connects to `url`'s host at one checked address only, and follows
    /// no redirect by itself.
    fn client_for(
        &self,
        url: &Url,
        timeout: Duration,
    ) -> Result<reqwest::blocking::Client, RegistryError> {
        if !matches!(url.scheme(), "http" | "https") {
            return Err(refused(url.as_str(), "only http and https are fetched"));
        }
        if !url.username().is_empty() || url.password().is_some() {
            return Err(refused(
                url.as_str(),
                "a URL with credentials is not fetched",
            ));
        }
        let (Some(host), Some(port)) = (url.host_str(), url.port_or_known_default()) else {
            return Err(refused(url.as_str(), "no host"));
        };
        let host = host.trim_start_matches('[').trim_end_matches(']');
        let address = match self
            .options
            .connect_to
            .iter()
            .find(|c| c.host.eq_ignore_ascii_case(host) && c.port == port)
        {
            Some(connect_to) => connect_to.to,
            None => public_address(host, port).map_err(|reason| refused(url.as_str(), &reason))?,
        };
        reqwest::blocking::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(timeout)
            .connect_timeout(timeout.min(Duration::from_secs(15)))
            .user_agent(self.options.user_agent.clone())
            .no_proxy()
            .resolve(host, address)
            .build()
            .map_err(|err| RegistryError::Setup(http::error_chain(&err)))
    }
}

fn refused(url: &str, reason: &str) -> RegistryError {
    RegistryError::Refused {
        url: url.to_string(),
        reason: reason.to_string(),
    }
}

/// The first public address of `host` (an address literal is its own), or why none.
fn public_address(host: &str, port: u16) -> Result<SocketAddr, String> {
    let addresses: Vec<SocketAddr> = match host.parse::<IpAddr>() {
        Ok(ip) => vec![SocketAddr::new(ip, port)],
        Err(_) => (host, port)
            .to_socket_addrs()
            .map_err(|err| format!("cannot resolve {host}: {err}"))?
            .collect(),
    };
    let own = local_addresses();
    addresses
        .iter()
        .copied()
        .find(|address| is_public(address.ip()) && !own.contains(&address.ip()))
        .ok_or_else(|| {
            let shown: Vec<String> = addresses.iter().map(|a| a.ip().to_string()).collect();
            format!(
                "{host} is not a public address ({}): not fetched from this machine",
                if shown.is_empty() {
                    "no address".to_string()
                } else {
                    shown.join(", ")
                }
            )
        })
}

/// The addresses of this machine's own interfaces: a public one among them reaches the
/// machine itself (its services listening on every address), not the internet.
fn local_addresses() -> Vec<IpAddr> {
    let mut found = Vec::new();
    let mut list: *mut libc::ifaddrs = std::ptr::null_mut();
    // SAFETY: getifaddrs fills `list` with a linked list we only read, then free.
    if unsafe { libc::getifaddrs(&mut list) } != 0 {
        return found;
    }
    let mut entry = list;
    while !entry.is_null() {
        // SAFETY: `entry` is a node of the list getifaddrs returned, not yet freed.
        let address = unsafe { (*entry).ifa_addr };
        if !address.is_null() {
            // SAFETY: the family says which sockaddr the pointer holds.
            match i32::from(unsafe { (*address).sa_family }) {
                libc::AF_INET => {
                    let v4 = unsafe { &*(address as *const libc::sockaddr_in) };
                    found.push(IpAddr::from(u32::from_be(v4.sin_addr.s_addr).to_be_bytes()));
                }
                libc::AF_INET6 => {
                    let v6 = unsafe { &*(address as *const libc::sockaddr_in6) };
                    found.push(IpAddr::from(v6.sin6_addr.s6_addr));
                }
                _ => {}
            }
        }
        // SAFETY: as above.
        entry = unsafe { (*entry).ifa_next };
    }
    // SAFETY: the list getifaddrs made, freed once.
    unsafe { libc::freeifaddrs(list) };
    found
}

/// Globally routable unicast: not loopback, private, link-local, shared (CGNAT),
/// documentation, benchmarking, reserved, multicast or unspecified; nor a cloud's
/// host-only service (Azure's WireServer) or an IPv6 range that tunnels to IPv4
/// (6to4, Teredo) or is deprecated site-local.
pub fn is_public(ip: IpAddr) -> bool {
    match ip {
        IpAddr::V4(v4) => {
            let [a, b, c, _] = v4.octets();
            !(v4.is_private()
                || v4.is_loopback()
                || v4.is_link_local()
                || v4.is_broadcast()
                || v4.is_documentation()
                || v4.is_unspecified()
                || v4.is_multicast()
                || a == 0
                || (a == 100 && (64..128).contains(&b))
                || (a == 192 && b == 0 && c == 0)
                || (a == 198 && (b == 18 || b == 19))
                || v4.octets() == [168, 63, 129, 16]
                || a >= 240)
        }
        IpAddr::V6(v6) => {
            if let Some(v4) = v6.to_ipv4_mapped() {
                return is_public(IpAddr::V4(v4));
            }
            let first = v6.segments()[0];
            !(v6.is_loopback()
                || v6.is_unspecified()
                || v6.is_multicast()
                || (first & 0xfe00) == 0xfc00
                || (first & 0xffc0) == 0xfe80
                || (first == 0x2001 && v6.segments()[1] == 0x0db8)
                || (first == 0x0064 && v6.segments()[1] == 0xff9b)
                || first == 0x2002
                || (first == 0x2001 && v6.segments()[1] == 0)
                || (first & 0xffc0) == 0xfec0
                || first == 0)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_globally_routable_addresses_are_public() {
        for private in [
            "127.0.0.1",
            "10.1.2.3",
            "172.16.0.1",
            "192.168.1.1",
            "169.254.169.254",
            "100.64.0.1",
            "0.0.0.0",
            "192.0.2.7",
            "198.51.100.1",
            "203.0.113.9",
            "198.18.0.1",
            "255.255.255.255",
            "240.0.0.1",
            "224.0.0.1",
            "::1",
            "::",
            "fd00::1",
            "fe80::1",
            "2001:db8::1",
            "::ffff:127.0.0.1",
            "::ffff:169.254.169.254",
            "64:ff9b::a9fe:a9fe",
            "168.63.129.16",
            "2002:7f00:1::1",
            "2001:0:4136:e378::1",
            "fec0::1",
        ] {
            assert!(!is_public(private.parse().unwrap()), "{private}");
        }
        for public in ["1.1.1.1", "104.16.0.1", "2606:4700::1111", "::ffff:8.8.8.8"] {
            assert!(is_public(public.parse().unwrap()), "{public}");
        }
    }

    #[test]
    fn connect_to_reads_like_curls() {
        let parsed: ConnectTo = "Payload.example:80:127.0.0.1:4321".parse().unwrap();
        assert_eq!(parsed.host, "payload.example");
        assert_eq!(parsed.port, 80);
        assert_eq!(parsed.to, "127.0.0.1:4321".parse().unwrap());
        let v6: ConnectTo = "h.example:443:[::1]:8443".parse().unwrap();
        assert_eq!(v6.to, "[::1]:8443".parse().unwrap());
        for bad in [
            "payload.example",
            "h:x:1.2.3.4:5",
            ":80:1.2.3.4:5",
            "h:80:nowhere",
            "10.0.0.5:80:1.2.3.4:80",
        ] {
            assert!(bad.parse::<ConnectTo>().is_err(), "{bad}");
        }
    }

    #[test]
    fn urls_are_compared_as_npm_writes_them() {
        assert_eq!(
            normalize("HTTPS://Host.example:443/a/b.tgz#frag").as_deref(),
            Some("https://host.example/a/b.tgz")
        );
        assert_eq!(normalize("git+https://h.example/x.git"), None);
        assert_eq!(normalize("file:../x"), None);
    }

    #[test]
    fn this_machines_own_addresses_are_not_the_internet() {
        let own = local_addresses();
        assert!(own.iter().any(|ip| ip.is_loopback()), "{own:?}");
        for ip in own.into_iter().filter(|ip| is_public(*ip)) {
            let error = public_address(&ip.to_string(), 80).unwrap_err();
            assert!(error.contains("not a public address"), "{error}");
        }
    }

    #[test]
    fn private_hosts_and_odd_urls_are_refused_before_any_connection() {
        let fetcher = RemoteFetcher::new(RemoteOptions::default());
        for url in [
            "http://127.0.0.1:9/x.tgz",
            "http://169.254.169.254/latest/meta-data/",
            "http://[::1]/x.tgz",
            "http://localhost/x.tgz",
            "http://user:pw@1.1.1.1/x.tgz",
            "ftp://1.1.1.1/x.tgz",
        ] {
            let error = fetcher.get(url).unwrap_err();
            assert_eq!(error.code(), "refused", "{url}: {error}");
        }
    }
}
