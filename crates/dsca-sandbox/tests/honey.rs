//! Bait credentials: their shapes, and finding them in payloads under every encoding.

use base64::Engine as _;
use base64::engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD};
use dsca_sandbox::honey::Honeytokens;

const HOME: &str = "/home/node";

fn tokens() -> Honeytokens {
    Honeytokens::generate(HOME, "node", "node-thinkpad").expect("bait")
}

fn env<'a>(tokens: &'a Honeytokens, name: &str) -> &'a str {
    &tokens.env.iter().find(|(n, _)| n == name).expect(name).1
}

fn file<'a>(tokens: &'a Honeytokens, path: &str) -> &'a str {
    let file = tokens.files.iter().find(|f| f.path == path).expect(path);
    std::str::from_utf8(&file.content).unwrap()
}

/// `(token, encoding)` of what `data` leaks over HTTP.
fn found(tokens: &Honeytokens, channel: &str, data: &[u8]) -> Vec<(String, String)> {
    tokens
        .find_exfiltration(channel, "203.0.113.9:443", data, 7)
        .into_iter()
        .map(|e| (e.token, e.encoding))
        .collect()
}

fn one(token: &str, encoding: &str) -> Vec<(String, String)> {
    vec![(token.to_string(), encoding.to_string())]
}

fn is_base62(text: &str) -> bool {
    text.bytes().all(|b| b.is_ascii_alphanumeric())
}

#[test]
fn values_have_real_shapes() {
    let t = tokens();
    let npmrc = file(&t, ".npmrc");
    let token = npmrc
        .strip_prefix("//registry.npmjs.org/:_authToken=npm_")
        .and_then(|r| r.strip_suffix('\n'))
        .expect("an npm token line");
    assert!(token.len() == 36 && is_base62(token), "{npmrc}");

    let key_id = env(&t, "AWS_ACCESS_KEY_ID");
    assert!(key_id.len() == 20 && key_id.starts_with("AKIA"), "{key_id}");
    assert!(
        key_id
            .bytes()
            .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
    );
    let secret = env(&t, "AWS_SECRET_ACCESS_KEY");
    assert!(
        secret.len() == 40
            && secret
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'+' || b == b'/')
    );
    let credentials = file(&t, ".aws/credentials");
    assert!(
        credentials.starts_with("[default]\naws_access_key_id = AKIA"),
        "{credentials}"
    );
    assert!(credentials.contains("\naws_secret_access_key = "));
    for name in ["NPM_TOKEN", "NODE_AUTH_TOKEN"] {
        let value = env(&t, name);
        assert!(
            value.starts_with("npm_") && value.len() == 40 && is_base62(&value[4..]),
            "{value}"
        );
    }
    assert!(env(&t, "GH_TOKEN").starts_with("ghp_"));
    assert!(env(&t, "GITHUB_TOKEN").starts_with("ghs_"));
    assert!(env(&t, "DATABASE_URL").starts_with("postgres://node:"));
    assert!(file(&t, ".git-credentials").starts_with("https://node:ghp_"));
    assert!(file(&t, ".config/gh/hosts.yml").contains("oauth_token: gho_"));

    let docker: serde_json::Value = serde_json::from_str(file(&t, ".docker/config.json")).unwrap();
    let auth = docker["auths"]["https://index.docker.io/v1/"]["auth"]
        .as_str()
        .unwrap();
    let auth = String::from_utf8(STANDARD.decode(auth).unwrap()).unwrap();
    assert!(
        auth.starts_with("node:dckr_pat_") && auth.len() == "node:dckr_pat_".len() + 27,
        "{auth}"
    );

    let modes: Vec<_> = t.files.iter().map(|f| (f.path.as_str(), f.mode)).collect();
    assert!(modes.contains(&(".ssh/id_rsa", 0o600)));
    assert!(modes.contains(&(".ssh/id_rsa.pub", 0o644)));
}

fn read_u32(bytes: &[u8], at: &mut usize) -> usize {
    let value = u32::from_be_bytes(bytes[*at..*at + 4].try_into().unwrap()) as usize;
    *at += 4;
    value
}

fn read_string<'a>(bytes: &'a [u8], at: &mut usize) -> &'a [u8] {
    let length = read_u32(bytes, at);
    let value = &bytes[*at..*at + length];
    *at += length;
    value
}

#[test]
fn ssh_key_is_a_well_formed_openssh_container() {
    let t = tokens();
    let pem = file(&t, ".ssh/id_rsa");
    let body: String = pem
        .strip_prefix("-----BEGIN OPENSSH PRIVATE KEY-----\n")
        .and_then(|b| b.strip_suffix("-----END OPENSSH PRIVATE KEY-----\n"))
        .expect("PEM armour")
        .lines()
        .inspect(|line| assert!(line.len() <= 70))
        .collect();
    let bytes = STANDARD.decode(body).expect("base64 body");
    let mut at = 0;
    assert_eq!(&bytes[..15], b"openssh-key-v1\0");
    at += 15;
    assert_eq!(read_string(&bytes, &mut at), b"none");
    assert_eq!(read_string(&bytes, &mut at), b"none");
    assert_eq!(read_string(&bytes, &mut at), b"");
    assert_eq!(read_u32(&bytes, &mut at), 1);
    let public = read_string(&bytes, &mut at).to_vec();
    let private = read_string(&bytes, &mut at);
    assert_eq!(at, bytes.len());
    assert_eq!(private.len() % 8, 0);
    assert_eq!(private[..4], private[4..8], "check integers match");
    let mut p = 8;
    assert_eq!(read_string(private, &mut p), b"ssh-rsa");
    let modulus = read_string(private, &mut p);
    assert_eq!(modulus.len(), 385);
    assert_eq!(read_string(private, &mut p), [1, 0, 1]);
    for expected in [385, 193, 193, 193] {
        assert_eq!(read_string(private, &mut p).len(), expected);
    }
    assert!(read_string(private, &mut p).starts_with(b"node@"));

    let pub_line = file(&t, ".ssh/id_rsa.pub");
    let mut fields = pub_line.split(' ');
    assert_eq!(fields.next(), Some("ssh-rsa"));
    assert_eq!(STANDARD.decode(fields.next().unwrap()).unwrap(), public);
    let mut q = 0;
    assert_eq!(read_string(&public, &mut q), b"ssh-rsa");
    assert_eq!(read_string(&public, &mut q), [1, 0, 1]);
    assert_eq!(read_string(&public, &mut q), modulus);
}

#[test]
fn two_runs_differ_and_nothing_gives_the_bait_away() {
    let (a, b) = (tokens(), tokens());
    for ((name, va), (_, vb)) in a.env.iter().zip(&b.env) {
        assert_ne!(va, vb, "{name}");
    }
    for (fa, fb) in a.files.iter().zip(&b.files) {
        if fa.path != ".aws/config" {
            assert_ne!(fa.content, fb.content, "{}", fa.path);
        }
    }
    for t in [&a, &b] {
        let all: Vec<String> = t
            .files
            .iter()
            .map(|f| String::from_utf8_lossy(&f.content).to_lowercase())
            .chain(t.env.iter().map(|(_, v)| v.to_lowercase()))
            .collect();
        for text in &all {
            for word in ["dsca", "test", "fake", "example", "honey", "bait"] {
                assert!(!text.contains(word), "{word} in {text}");
            }
        }
    }
}

#[test]
fn planted_and_bait_files() {
    let t = tokens();
    let planted = t.planted();
    for expected in [
        "~/.npmrc (npm token)",
        "~/.aws/credentials (AWS access key)",
        "~/.ssh/id_rsa (SSH private key)",
        "env NPM_TOKEN",
        "env AWS_SECRET_ACCESS_KEY",
    ] {
        assert!(
            planted.iter().any(|p| p == expected),
            "{expected} in {planted:?}"
        );
    }
    assert_eq!(planted.len(), t.files.len() + t.env.len());
    assert_eq!(
        t.bait_file("/home/node/.aws/credentials").as_deref(),
        Some("~/.aws/credentials")
    );
    assert_eq!(
        t.bait_file("/home/node/./.ssh//../.ssh/id_rsa").as_deref(),
        Some("~/.ssh/id_rsa")
    );
    assert_eq!(t.bait_file("/home/node/.aws"), None);
    assert_eq!(t.bait_file("/home/nodex/.npmrc"), None);
    assert_eq!(t.bait_file("/root/.npmrc"), None);
    let slash = Honeytokens::generate("/home/node/", "node", "node-thinkpad").expect("bait");
    assert_eq!(
        slash.bait_file("/home/node/.npmrc").as_deref(),
        Some("~/.npmrc")
    );
}

#[test]
fn raw_and_encoded_values_are_found() {
    let t = tokens();
    let npm = env(&t, "NPM_TOKEN").to_string();
    let http = |data: &[u8]| found(&t, "http", data);

    assert_eq!(
        http(format!("POST /c HTTP/1.1\r\n\r\n{{\"t\":\"{npm}\"}}").as_bytes()),
        one("NPM_TOKEN", "raw")
    );
    // base64 of the value behind 0, 1 and 2 bytes of other text: every alignment.
    for prefix in ["", "a", "ab", "abc="] {
        let plain = format!("{prefix}NPM_TOKEN={npm}&x=1");
        for (engine, label) in [
            (&STANDARD, "std"),
            (&STANDARD_NO_PAD, "std no pad"),
            (&URL_SAFE, "url-safe"),
            (&URL_SAFE_NO_PAD, "url-safe no pad"),
        ] {
            let encoded = engine.encode(&plain);
            let data = format!("GET /?d={encoded} HTTP/1.1\r\n");
            assert_eq!(
                http(data.as_bytes()),
                one("NPM_TOKEN", "base64"),
                "{label} {prefix:?}"
            );
        }
    }
    let lower = hex::encode(npm.as_bytes());
    assert_eq!(
        http(format!("x{lower}y").as_bytes()),
        one("NPM_TOKEN", "hex")
    );
    assert_eq!(
        http(format!("x={}", lower.to_uppercase()).as_bytes()),
        one("NPM_TOKEN", "hex")
    );
    let percent: String = npm.bytes().map(|b| format!("%{b:02X}")).collect();
    assert_eq!(http(percent.as_bytes()), one("NPM_TOKEN", "url"));
    // base64 in a URL, its padding and slashes percent-encoded.
    let wrapped = STANDARD
        .encode(format!("{{\"k\":\"{npm}\"}}??"))
        .replace('=', "%3D")
        .replace('/', "%2F")
        .replace('+', "%2B");
    assert_eq!(http(wrapped.as_bytes()), one("NPM_TOKEN", "url+base64"));
    // `base64` wraps its output at 76 characters.
    let long = format!("{}{npm}", "z".repeat(50));
    let encoded = STANDARD.encode(long);
    let wrapped: Vec<&str> = encoded
        .as_bytes()
        .chunks(76)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    assert_eq!(
        http(wrapped.join("\n").as_bytes()),
        one("NPM_TOKEN", "base64")
    );
}

#[test]
fn whole_files_sent_out_are_recognised() {
    let t = tokens();
    let mut leaked = found(
        &t,
        "https",
        STANDARD.encode(file(&t, ".aws/credentials")).as_bytes(),
    );
    leaked.sort();
    assert_eq!(
        leaked,
        [
            (
                "~/.aws/credentials access key".to_string(),
                "base64".to_string()
            ),
            (
                "~/.aws/credentials secret key".to_string(),
                "base64".to_string()
            ),
        ]
    );
    // The Docker token is stored base64-encoded: found inside the file as it is...
    assert_eq!(
        found(&t, "tcp", file(&t, ".docker/config.json").as_bytes()),
        one("~/.docker/config.json Docker Hub token", "base64")
    );
    // ... and inside the file base64-encoded again.
    let twice = STANDARD.encode(file(&t, ".docker/config.json"));
    assert_eq!(
        found(&t, "tcp", twice.as_bytes()),
        one("~/.docker/config.json Docker Hub token", "base64+base64")
    );
    let key =
        serde_json::to_string(&serde_json::json!({ "key": file(&t, ".ssh/id_rsa") })).unwrap();
    assert_eq!(
        found(&t, "http", key.as_bytes()),
        one("~/.ssh/id_rsa private key", "raw")
    );
    assert_eq!(
        found(&t, "http", hex::encode(file(&t, ".ssh/id_rsa")).as_bytes()),
        one("~/.ssh/id_rsa private key", "hex")
    );
    // The public key is bait too: a stealer that ships it is caught in the act.
    assert!(
        found(&t, "http", file(&t, ".ssh/id_rsa.pub").as_bytes()).contains(&(
            "~/.ssh/id_rsa.pub public key".to_string(),
            "raw".to_string()
        ))
    );
}

#[test]
fn dns_names_split_across_labels() {
    let t = tokens();
    let npm = env(&t, "GITHUB_TOKEN").to_string();
    let dns = |name: &str| found(&t, "dns", name.as_bytes());

    let hex = hex::encode(npm.as_bytes());
    let labels: Vec<&str> = hex
        .as_bytes()
        .chunks(30)
        .map(|c| std::str::from_utf8(c).unwrap())
        .collect();
    let name = format!("{}.x.y.attacker.example", labels.join("."));
    assert_eq!(dns(&name), one("GITHUB_TOKEN", "dns-labels+hex"));

    // Raw and lower-cased by a resolver, split in two labels.
    let lower = npm.to_lowercase();
    let (a, b) = lower.split_at(17);
    assert_eq!(
        dns(&format!("{a}.{b}.attacker.example")),
        one("GITHUB_TOKEN", "dns-labels")
    );

    // base32 (case-insensitive, so it survives lower-casing), each label encoded alone.
    let base32 = |bytes: &[u8]| {
        let alphabet = b"abcdefghijklmnopqrstuvwxyz234567";
        let mut out = String::new();
        for chunk in bytes.chunks(5) {
            let mut block = [0u8; 5];
            block[..chunk.len()].copy_from_slice(chunk);
            let bits = block.iter().fold(0u64, |acc, &b| acc << 8 | u64::from(b));
            let chars = (chunk.len() * 8).div_ceil(5);
            for i in 0..chars {
                out.push(char::from(alphabet[((bits >> (35 - 5 * i)) & 31) as usize]));
            }
        }
        out
    };
    let per_label: Vec<String> = npm.as_bytes().chunks(10).map(base32).collect();
    let name = format!("{}.attacker.example", per_label.join("."));
    assert_eq!(dns(&name), one("GITHUB_TOKEN", "dns-labels+base32"));

    // The same payload over HTTP is not read as DNS labels.
    assert!(found(&t, "http", name.as_bytes()).is_empty());
}

#[test]
fn near_misses_do_not_match() {
    let t = tokens();
    let npm = env(&t, "NPM_TOKEN").to_string();
    // One character changed.
    let mut changed = npm.clone().into_bytes();
    changed[20] = if changed[20] == b'A' { b'B' } else { b'A' };
    assert!(found(&t, "http", &changed).is_empty());
    assert!(found(&t, "http", STANDARD.encode(&changed).as_bytes()).is_empty());
    // The public prefixes alone, and a well-formed token that is not ours.
    assert!(
        found(
            &t,
            "http",
            b"npm_ ghp_ gho_ AKIA dckr_pat_ -----BEGIN OPENSSH PRIVATE KEY-----"
        )
        .is_empty()
    );
    let other = Honeytokens::generate(HOME, "node", "node-thinkpad").expect("bait");
    assert!(found(&t, "http", env(&other, "NPM_TOKEN").as_bytes()).is_empty());
    assert!(found(&t, "http", file(&other, ".ssh/id_rsa").as_bytes()).is_empty());
    // Only the first 15 characters of the secret part.
    assert!(found(&t, "http", &npm.as_bytes()[..4 + 15]).is_empty());
}

#[test]
fn one_finding_per_token_and_payload() {
    let t = tokens();
    let npm = env(&t, "NPM_TOKEN");
    let data = format!("{npm} {npm} {}", STANDARD.encode(npm));
    let found = t.find_exfiltration("udp", "198.51.100.4:9", data.as_bytes(), 42);
    assert_eq!(found.len(), 1);
    assert_eq!(found[0].encoding, "raw");
    assert_eq!(found[0].channel, "udp");
    assert_eq!(found[0].destination, "198.51.100.4:9");
    assert_eq!(found[0].time_ms, 42);
}

#[test]
fn large_payloads_are_searched_quickly() {
    let t = tokens();
    let npm = env(&t, "NPM_TOKEN");
    // 256 KiB of base64 text with the token encoded near the end.
    let mut plain = vec![b'q'; 192 * 1024];
    plain.extend_from_slice(npm.as_bytes());
    let data = STANDARD.encode(&plain);
    let start = std::time::Instant::now();
    for _ in 0..4 {
        assert_eq!(
            found(&t, "http", data.as_bytes()),
            one("NPM_TOKEN", "base64")
        );
    }
    let random: Vec<u8> = (0..256 * 1024u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert!(found(&t, "http", &random).is_empty());
    println!("5 payloads of 256 KiB: {:?}", start.elapsed());
}

/// Arbitrary payloads (mixtures of encodings' alphabets, dots, percent signs) from a fixed
/// seed: the search must finish without panicking and find nothing it was not given.
#[test]
fn arbitrary_payloads_never_panic() {
    let t = tokens();
    let mut seed: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move || {
        seed = seed
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        (seed >> 33) as usize
    };
    let alphabet = b"abcdefABCDEF0123456789+/=-_.%\n\r ";
    for round in 0..400 {
        let len = next() % 2048;
        let data: Vec<u8> = (0..len)
            .map(|_| {
                if round % 2 == 0 {
                    alphabet[next() % alphabet.len()]
                } else {
                    (next() % 256) as u8
                }
            })
            .collect();
        for channel in ["dns", "http"] {
            assert!(found(&t, channel, &data).is_empty());
        }
    }
}

#[test]
fn the_public_key_and_the_host_name_are_bait_too() {
    let t = tokens();
    let public = file(&t, ".ssh/id_rsa.pub");
    let posted = format!("{{\"k\":{public:?},\"h\":\"x\"}}");
    assert_eq!(
        found(&t, "https", posted.as_bytes()),
        one("~/.ssh/id_rsa.pub public key", "raw")
    );
    assert_eq!(
        found(&t, "http", b"GET /c?h=node-thinkpad&u=node HTTP/1.1"),
        one("the sandbox's host name", "raw")
    );
    // The key type and exponent every RSA key shares are not the bait.
    assert!(found(&t, "https", b"ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ").is_empty());
}
