//! Bait credentials: files and environment variables that look like a developer's real
//! tokens and keys, fresh and random for every run, and the search that recognises them
//! in what a package sends out.
//!
//! Values keep the shapes of real credentials (the public prefixes `npm_`, `ghp_`,
//! `AKIA`, ... included, since real ones have them) and nothing that would tell a
//! package they are bait: no fixed values, no tell-tale words. Detection looks for the
//! random part of each value only, never for a public prefix, and every searched part is
//! at least [`search::MIN_SECRET`] characters, so unrelated traffic cannot match by chance.

mod openssh;
mod search;

use dsca_model::dynamic::Exfiltration;

use search::{Matcher, Secret};

/// A file planted in the sandbox's home directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BaitFile {
    /// Relative to the home directory: `.aws/credentials`.
    pub path: String,
    pub content: Vec<u8>,
    /// Permission bits (`0o600`).
    pub mode: u32,
}

/// The bait of one run.
pub struct Honeytokens {
    pub files: Vec<BaitFile>,
    /// Environment variables for the package's processes.
    pub env: Vec<(String, String)>,
    home: String,
    planted: Vec<String>,
    matcher: Matcher,
}

impl std::fmt::Debug for Honeytokens {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Honeytokens")
            .field("home", &self.home)
            .field("planted", &self.planted)
            .finish_non_exhaustive()
    }
}

const BASE62: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
const AWS_KEY_ID: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
const AWS_SECRET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
const DOCKER_PAT: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// Words that would give the bait away; generated text never contains them.
const TELLTALE: [&str; 6] = ["dsca", "test", "fake", "example", "honey", "bait"];

pub(crate) fn is_inconspicuous(text: &[u8]) -> bool {
    let lower = text.to_ascii_lowercase();
    !TELLTALE
        .iter()
        .any(|word| lower.windows(word.len()).any(|w| w == word.as_bytes()))
}

thread_local! {
    /// The first failure of the operating system's generator on this thread, until
    /// [`Honeytokens::generate`] reports it.
    static RANDOM_FAILURE: std::cell::RefCell<Option<String>> = const { std::cell::RefCell::new(None) };
}

/// Random bytes from the operating system. Bait must not be predictable: when the
/// generator fails the bytes are zeros, the failure is remembered, and
/// [`Honeytokens::generate`] refuses the bait instead of handing out weak values.
pub(crate) fn random_bytes(count: usize) -> Vec<u8> {
    let mut bytes = vec![0u8; count];
    if let Err(e) = getrandom::fill(&mut bytes) {
        bytes.fill(0);
        RANDOM_FAILURE.with(|failure| {
            failure.borrow_mut().get_or_insert_with(|| e.to_string());
        });
    }
    bytes
}

/// `length` characters drawn uniformly from `alphabet` (which has at most 256).
fn random_from(alphabet: &[u8], length: usize) -> String {
    let size = alphabet.len().clamp(1, 256);
    // Rejection sampling: bytes at or above the largest multiple of `size` are redrawn.
    let limit = 256 - 256 % size;
    let mut out = String::with_capacity(length);
    loop {
        for byte in random_bytes(length * 2) {
            if usize::from(byte) < limit
                && let Some(&c) = alphabet.get(usize::from(byte) % size)
            {
                out.push(char::from(c));
                if out.len() == length {
                    if is_inconspicuous(out.as_bytes()) {
                        return out;
                    }
                    out.clear();
                }
            }
        }
    }
}

/// Draws again while `make` says its value gives the bait away; a bounded number of
/// times, since a user name can make that permanent.
pub(crate) fn retry_until_inconspicuous<T>(mut make: impl FnMut() -> (T, bool)) -> T {
    let mut tries = 0;
    loop {
        let (value, clean) = make();
        tries += 1;
        if clean || tries >= 64 {
            return value;
        }
    }
}

struct Builder {
    files: Vec<BaitFile>,
    env: Vec<(String, String)>,
    planted: Vec<String>,
    secrets: Vec<Secret>,
}

impl Builder {
    fn file(&mut self, path: &str, what: &str, content: String, mode: u32) {
        self.planted.push(format!("~/{path} ({what})"));
        self.files.push(BaitFile {
            path: path.to_string(),
            content: content.into_bytes(),
            mode,
        });
    }

    fn secret(&mut self, label: String, value: &str) {
        self.secrets.push(Secret::new(label, value.as_bytes()));
    }

    /// An environment variable `prefix + random`, searched by its random part.
    fn env(&mut self, name: &str, prefix: &str, alphabet: &[u8], length: usize) -> String {
        let random = random_from(alphabet, length);
        self.secret(name.to_string(), &random);
        self.planted.push(format!("env {name}"));
        self.env
            .push((name.to_string(), format!("{prefix}{random}")));
        random
    }
}

/// Base64 characters of an `ssh-rsa` public key before its modulus turns random (the
/// key type and the exponent).
const PUBLIC_KEY_HEADER: usize = 40;
/// How much of the modulus is searched for.
const PUBLIC_KEY_MARKER: usize = 48;

impl Honeytokens {
    /// Fresh bait for a run whose home directory is `home`, user `user` and host name
    /// `hostname` (itself a bait value: unique per run); an error
    /// when the operating system's random generator failed.
    /// Failures of the generator earlier on this thread since the last call (the run's
    /// host and user names) count too.
    pub fn generate(home: &str, user: &str, hostname: &str) -> Result<Honeytokens, String> {
        let mut b = Builder {
            files: Vec::new(),
            env: Vec::new(),
            planted: Vec::new(),
            secrets: Vec::new(),
        };

        let npm = random_from(BASE62, 36);
        b.secret("~/.npmrc npm token".into(), &npm);
        b.file(
            ".npmrc",
            "npm token",
            format!("//registry.npmjs.org/:_authToken=npm_{npm}\n"),
            0o600,
        );

        let key_id = random_from(AWS_KEY_ID, 16);
        let secret_key = random_from(AWS_SECRET, 40);
        b.secret("~/.aws/credentials access key".into(), &key_id);
        b.secret("~/.aws/credentials secret key".into(), &secret_key);
        b.file(
            ".aws/credentials",
            "AWS access key",
            format!("[default]\naws_access_key_id = AKIA{key_id}\naws_secret_access_key = {secret_key}\n"),
            0o600,
        );
        b.file(
            ".aws/config",
            "AWS profile",
            "[default]\nregion = us-east-1\noutput = json\n".to_string(),
            0o600,
        );

        let key = openssh::rsa_key_pair(user);
        b.secret("~/.ssh/id_rsa private key".into(), &key.private_marker);
        b.file(".ssh/id_rsa", "SSH private key", key.private_pem, 0o600);
        // The public key is bait too: a stealer that sends it proves it reads and ships
        // ~/.ssh. Searched by a run of its random modulus, past the fixed header.
        if let Some(modulus) = key
            .public_line
            .split(' ')
            .nth(1)
            .and_then(|body| body.get(PUBLIC_KEY_HEADER..PUBLIC_KEY_HEADER + PUBLIC_KEY_MARKER))
        {
            b.secret("~/.ssh/id_rsa.pub public key".into(), modulus);
        }
        b.file(".ssh/id_rsa.pub", "SSH public key", key.public_line, 0o644);

        let gh = random_from(BASE62, 36);
        b.secret("~/.config/gh/hosts.yml GitHub token".into(), &gh);
        b.file(
            ".config/gh/hosts.yml",
            "GitHub CLI token",
            format!("github.com:\n    oauth_token: gho_{gh}\n    user: {user}\n    git_protocol: https\n"),
            0o600,
        );

        let (docker, auth) = retry_until_inconspicuous(|| {
            use base64::Engine as _;
            let docker = random_from(DOCKER_PAT, 27);
            let auth = base64::engine::general_purpose::STANDARD
                .encode(format!("{user}:dckr_pat_{docker}"));
            let clean = is_inconspicuous(auth.as_bytes());
            ((docker, auth), clean)
        });
        b.secret("~/.docker/config.json Docker Hub token".into(), &docker);
        b.file(
            ".docker/config.json",
            "Docker Hub token",
            format!("{{\n\t\"auths\": {{\n\t\t\"https://index.docker.io/v1/\": {{\n\t\t\t\"auth\": \"{auth}\"\n\t\t}}\n\t}}\n}}\n"),
            0o600,
        );

        let git = random_from(BASE62, 36);
        b.secret("~/.git-credentials GitHub token".into(), &git);
        b.file(
            ".git-credentials",
            "GitHub token",
            format!("https://{user}:ghp_{git}@github.com\n"),
            0o600,
        );

        b.env("NPM_TOKEN", "npm_", BASE62, 36);
        b.env("NODE_AUTH_TOKEN", "npm_", BASE62, 36);
        b.env("GITHUB_TOKEN", "ghs_", BASE62, 36);
        b.env("GH_TOKEN", "ghp_", BASE62, 36);
        b.env("AWS_ACCESS_KEY_ID", "AKIA", AWS_KEY_ID, 16);
        b.env("AWS_SECRET_ACCESS_KEY", "", AWS_SECRET, 40);
        let password = b.env("DATABASE_URL", "", BASE62, 24);
        if let Some((_, url)) = b.env.last_mut() {
            *url = format!("postgres://{user}:{password}@127.0.0.1:5432/{user}");
        }

        // The host's name is unique to the run: in traffic it is a fingerprint sent home.
        if hostname.len() >= 7 {
            b.secret("the sandbox's host name".into(), hostname);
        }

        if let Some(error) = RANDOM_FAILURE.with(|failure| failure.borrow_mut().take()) {
            return Err(format!(
                "the operating system's random generator failed: {error}"
            ));
        }
        let home = home.trim_end_matches('/');
        Ok(Honeytokens {
            files: b.files,
            env: b.env,
            home: if home.is_empty() {
                "/".to_string()
            } else {
                home.to_string()
            },
            planted: b.planted,
            matcher: Matcher::new(b.secrets),
        })
    }

    /// What was planted: `~/.npmrc (npm token)`, `env NPM_TOKEN`, ...
    pub fn planted(&self) -> Vec<String> {
        self.planted.clone()
    }

    /// `~/.aws/credentials` when `absolute_path` (normalised first) is a bait file.
    pub fn bait_file(&self, absolute_path: &str) -> Option<String> {
        let path = crate::trace::normalise(b"/", absolute_path.as_bytes());
        let relative = path.strip_prefix(&self.home)?.strip_prefix('/')?;
        self.files
            .iter()
            .find(|f| f.path == relative)
            .map(|f| format!("~/{}", f.path))
    }

    /// Every bait value found in `data`, raw or encoded: base64 (standard or URL-safe,
    /// padded or not, at any alignment, wrapped or not), hex in either case, URL
    /// percent-encoding, layers of these, and for channel `dns` the labels of a name
    /// joined (`dns-labels`) or decoded one by one (hex, base32, base64). One
    /// [`Exfiltration`] per token found in this payload; merging payloads is the caller's.
    pub fn find_exfiltration(
        &self,
        channel: &str,
        destination: &str,
        data: &[u8],
        time_ms: u64,
    ) -> Vec<Exfiltration> {
        search::search(&self.matcher, channel == "dns", data)
            .into_iter()
            .filter_map(|(index, encoding)| {
                Some(Exfiltration {
                    phase: String::new(),
                    token: self.matcher.secrets().get(index)?.label.clone(),
                    encoding,
                    channel: channel.to_string(),
                    destination: destination.to_string(),
                    pid: None,
                    time_ms,
                })
            })
            .collect()
    }
}
