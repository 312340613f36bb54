//! Network activity seen in a packet capture (or, later, recorded by the sandbox): the
//! names that were looked up, the connections that were opened, and the host names
//! that TLS and HTTP clients announced. Plain data; the capture reader fills it in.

use serde::{Deserialize, Serialize};

/// Everything a capture showed about name lookups and connections. Lists are sorted
/// so output is deterministic; times are RFC 3339 in UTC with microseconds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkActivity {
    /// Packets read from the capture, skipped ones included.
    pub packets: u64,
    /// Captured bytes of those packets.
    pub bytes: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_packet: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_packet: Option<String>,
    /// Every distinct name asked for or answered, by kind (unicast DNS, mDNS, LLMNR).
    pub names: Vec<NameActivity>,
    /// Connections by destination address, port and protocol.
    pub connections: Vec<ConnectionActivity>,
    /// Server names (SNI) of TLS ClientHellos.
    pub tls_server_names: Vec<HostActivity>,
    /// `Host` of HTTP requests.
    pub http_hosts: Vec<HostActivity>,
    /// Packets (or parts of the file) that could not be used, counted by reason.
    pub skipped: Vec<SkippedPackets>,
}

/// Which resolution protocol a name was seen in. mDNS and LLMNR stay on the local link,
/// so they are kept apart from unicast DNS.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NameKind {
    Dns,
    Mdns,
    Llmnr,
}

impl NameKind {
    pub fn as_str(self) -> &'static str {
        match self {
            NameKind::Dns => "dns",
            NameKind::Mdns => "mdns",
            NameKind::Llmnr => "llmnr",
        }
    }
}

/// One looked-up name and everything seen about it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameActivity {
    /// Lower-cased, without the trailing dot; bytes outside printable ASCII as `\DDD`.
    pub name: String,
    pub kind: NameKind,
    /// Whether the allowlist covers the name (always true for mDNS and LLMNR).
    pub allowed: bool,
    pub queries: u64,
    pub responses: u64,
    pub first_seen: String,
    pub last_seen: String,
    /// Query types asked for, e.g. `A`, `AAAA`, `TYPE65`.
    pub query_types: Vec<String>,
    /// Response codes other than NOERROR, e.g. `NXDOMAIN`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub response_codes: Vec<String>,
    /// Addresses that answered.
    pub servers: Vec<String>,
    /// Answer data: addresses, `CNAME target`.
    pub answers: Vec<String>,
    /// Addresses that asked.
    pub clients: Vec<String>,
}

/// Connections to one destination address and port.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ConnectionActivity {
    /// `tcp` (counted by SYN) or `udp` (counted by new flow).
    pub protocol: String,
    pub destination: String,
    pub port: u16,
    /// Names that resolved to the destination before the connection, if any.
    pub names: Vec<String>,
    pub count: u64,
    pub first_seen: String,
    pub last_seen: String,
    pub clients: Vec<String>,
}

/// A host name a client announced (TLS SNI or HTTP `Host`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostActivity {
    pub host: String,
    pub allowed: bool,
    pub count: u64,
    pub first_seen: String,
    pub last_seen: String,
    /// `address:port` the host name was sent to.
    pub destinations: Vec<String>,
    /// For HTTP: the first request lines seen (`GET /path`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub requests: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedPackets {
    pub reason: String,
    pub count: u64,
}
