//! The rules a capture is checked against (DSCA901-DSCA949, category network).

use dsca_model::{Category, Rule, Severity, Signal};

pub const DNS_LOOKUP_OUTSIDE_ALLOWLIST: Rule = Rule {
    id: "DSCA901",
    name: "dns-lookup-outside-allowlist",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Medium,
    title: "DNS lookup of a name outside the allowlist",
    problem: "The capture shows a DNS query for a name that is neither the npm registry nor \
              on the allowlist. An install that only fetches packages has no reason to \
              resolve other names; malicious install scripts resolve their command-and-control \
              or exfiltration hosts, and some leak data inside the queried name itself.",
    next_steps: "Find which process asked (the client address and time tell when in the build). \
                 If the name is expected (a mirror, a binary download host of a known native \
                 package), add it with --allow or --allow-file. Otherwise treat the packages \
                 installed in that build as suspect and look for install scripts that reach \
                 the network.",
};

pub const TLS_SNI_OUTSIDE_ALLOWLIST: Rule = Rule {
    id: "DSCA902",
    name: "tls-sni-outside-allowlist",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Medium,
    title: "TLS connection to a server name outside the allowlist",
    problem: "A TLS client announced a server name (SNI) that is not on the allowlist. \
              The build opened an encrypted connection to a host other than the registry, \
              which is how a dropper fetches its payload or a stealer sends what it found.",
    next_steps: "Match the connection to a step of the build by its time and client address. \
                 Allow the name if it is expected; otherwise find the package that connects \
                 and treat the credentials the build could reach as exposed.",
};

pub const HTTP_HOST_OUTSIDE_ALLOWLIST: Rule = Rule {
    id: "DSCA903",
    name: "http-host-outside-allowlist",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Medium,
    title: "Plain HTTP request to a host outside the allowlist",
    problem: "An HTTP request went to a host that is not on the allowlist, unencrypted. \
              Payload downloads and beacons often use plain HTTP; anything fetched this way \
              could also have been altered on the path.",
    next_steps: "Look at the request line for what was fetched or sent. Allow the host if it \
                 is expected; otherwise find the package that made the request.",
};

pub const CONNECTION_TO_UNRESOLVED_IP: Rule = Rule {
    id: "DSCA904",
    name: "connection-to-unresolved-ip",
    category: Category::Network,
    signal: Signal::Destination,
    severity: Severity::Medium,
    title: "Connection to an address no DNS answer in the capture gave",
    problem: "A connection went to an IP address that no name in the capture resolved to. \
              Malware often carries a hard-coded address to avoid DNS-based blocking and \
              logging. (The address may also come from a lookup made before the capture \
              started, or from /etc/hosts.)",
    next_steps: "Check who owns the address and whether the capture started before the build. \
                 If the connection is unexplained, find the package that opened it.",
};

/// Every network rule, in id order.
pub fn catalogue() -> Vec<&'static Rule> {
    vec![
        &DNS_LOOKUP_OUTSIDE_ALLOWLIST,
        &TLS_SNI_OUTSIDE_ALLOWLIST,
        &HTTP_HOST_OUTSIDE_ALLOWLIST,
        &CONNECTION_TO_UNRESOLVED_IP,
    ]
}
