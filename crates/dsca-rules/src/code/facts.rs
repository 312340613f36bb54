//! What the JavaScript walk and the byte-level pass learn about one file: neutral facts
//! with their line and a snippet. Rules correlate them; behaviours summarise them.

use super::strings::Indicator;
use super::tables::SecretWeight;
use dsca_model::Severity;
use std::collections::BTreeSet;

/// Facts about one file of the package.
#[derive(Debug, Clone, Default)]
pub(crate) struct FileFacts {
    pub path: String,
    pub events: Vec<Event>,
    pub indicators: Vec<(u32, Indicator)>,
    /// Relative module names this file loads (`./lib/x`), as written.
    pub local_requires: Vec<String>,
    /// Code the file hands to a Node.js process it starts (`spawn(process.execPath,
    /// ['-e', CODE])`, `exec('node -e "..."')`), with the line of the call: walked and
    /// counted as this file's own (see `code::analyse`).
    pub inline_code: Vec<(u32, String)>,
    pub obfuscation: Obfuscation,
    /// Why the file was not (fully) parsed, when it was not.
    pub anomaly: Option<FileAnomaly>,
    /// The file was read by the JavaScript parser (not only the byte-level pass).
    pub parsed: bool,
    /// The file names countries or time zones nobody singles out (`'Germany'`,
    /// `'Europe/London'`): a list of all of them, not a target.
    pub names_other_countries: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FileAnomaly {
    pub kind: AnomalyKind,
    pub detail: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum AnomalyKind {
    ParseFailed,
    TooLarge,
    TooDeeplyNested,
    InvalidUtf8,
}

impl AnomalyKind {
    pub(crate) fn severity(self) -> Severity {
        match self {
            // Honest packages ship Flow-typed or broken files; a parse failure alone is weak.
            AnomalyKind::ParseFailed | AnomalyKind::InvalidUtf8 => Severity::Low,
            AnomalyKind::TooLarge => Severity::Info,
            // No generator or hand writes nesting this deep: it is made to break parsers.
            AnomalyKind::TooDeeplyNested => Severity::Medium,
        }
    }
}

/// Signals of javascript-obfuscator and of hidden content.
#[derive(Debug, Clone, Default)]
pub(crate) struct Obfuscation {
    /// Uses of `_0x1a2b`-style identifiers.
    pub hex_identifier_uses: u32,
    pub distinct_hex_identifiers: BTreeSet<String>,
    /// Line of a `array.push(array.shift())` string-array rotation.
    pub string_array_rotation: Option<u32>,
    /// Lines of long, high-entropy string literals (encoded payloads), with their length.
    pub encoded_blobs: Vec<(u32, usize)>,
    /// Lines holding bidirectional-override or zero-width characters in code.
    pub hidden_unicode: Vec<u32>,
    /// Line where code follows a long run of spaces (pushed off screen).
    pub code_after_whitespace: Option<u32>,
    /// Zero-width characters inside names (`timeout` + U+200C is another name than
    /// `timeout` that looks the same), in order of appearance.
    pub zero_width_names: Vec<ZeroWidthName>,
    /// The parser saw a name holding U+200C or U+200D (set by the JavaScript walk).
    pub joiner_in_names: bool,
    /// Runs of invisible characters long enough to carry bytes (GlassWorm), merged per
    /// line, in order of appearance.
    pub invisible_runs: Vec<InvisibleRun>,
    /// The first line of at least [`super::obfuscated_code::PACKED_LINE_BYTES`]: its
    /// number and length in bytes.
    pub packed_line: Option<(u32, usize)>,
}

/// A zero-width character inside a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct ZeroWidthName {
    pub line: u32,
    pub character: char,
    /// The visible part of the name before the character (`timeout`), cut to 40 bytes.
    pub name: String,
}

/// Invisible characters that can carry bytes, one per character.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum InvisibleKind {
    /// U+FE00–U+FE0F and U+E0100–U+E01EF: 256 values, a byte each.
    VariationSelectors,
    /// U+E0000–U+E007F: an invisible copy of ASCII.
    TagCharacters,
}

/// Invisible characters carrying data on one line: the line and how many there are in
/// runs long enough to count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct InvisibleRun {
    pub line: u32,
    pub kind: InvisibleKind,
    pub count: usize,
}

impl InvisibleKind {
    pub(crate) fn describe(self) -> &'static str {
        match self {
            InvisibleKind::VariationSelectors => {
                "variation selectors (U+FE00–U+FE0F, U+E0100–U+E01EF)"
            }
            InvisibleKind::TagCharacters => "tag characters (U+E0000–U+E007F)",
        }
    }
}

/// One thing the code does, where it does it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Event {
    pub kind: Kind,
    pub line: u32,
    pub snippet: String,
    /// Inside the callback or argument list of a network call, or fed by data that came
    /// from one: what happens here happens to downloaded data.
    pub in_network_flow: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Kind {
    /// An HTTP(S), fetch, XHR or WebSocket request, with the API used.
    Http(String),
    /// A raw TCP/TLS/UDP socket.
    Socket(String),
    Dns {
        built_from_data: bool,
    },
    /// A child process, with the command when it is a constant.
    Exec {
        api: String,
        command: Option<String>,
    },
    /// Code evaluated at run time.
    Eval {
        api: String,
        source: EvalSource,
    },
    /// `require` of a name computed at run time.
    ComputedRequire,
    /// A module name hidden by escapes, concatenation or decoding.
    HiddenModule {
        module: String,
        how: &'static str,
    },
    DynamicImport,
    ProcessBinding,
    /// Data decoded from base64, hex, char codes or a cipher.
    Decode(&'static str),
    /// The whole environment serialised or enumerated.
    EnvWhole,
    /// A credential-bearing environment variable.
    EnvSecret(String),
    /// A command that prints a credential (`gh auth token`, `aws configure get
    /// aws_secret_access_key`, a keychain look-up), as it was written.
    CredentialCommand(String),
    EnvRead,
    FileRead,
    FileWrite {
        target: Option<String>,
    },
    Chmod,
    /// A file or folder deleted (`fs.rm`, `rimraf`, `rm -rf`, `shutil.rmtree`), with its
    /// target when it is a constant (`os.homedir()` reads as `~`).
    Delete {
        target: Option<String>,
        recursive: bool,
    },
    /// A folder listed (`fs.readdir`), when its path is a constant.
    ListDir(String),
    /// A sensitive file or folder named in the code. `built`: named in a path the code
    /// builds or opens (`path.join(home, '.ssh')`, `readFile(x + '/.npmrc')`), not
    /// only as a bare string in a list.
    Sensitive {
        what: &'static str,
        weight: SecretWeight,
        built: bool,
    },
    Recon(&'static str),
    /// A loop whose condition never fails and whose body has no way out (`for (let i =
    /// 0; i < Infinity; i++)`, `while (true)` without break, return, throw, yield,
    /// await or exit): it hangs whatever runs it.
    EndlessLoop,
    /// A persistence location named in the code.
    Persistence(&'static str),
    /// A country, or a time zone of one, named in the code (`'russia'`,
    /// `'Europe/Minsk'`): what geo-targeted sabotage and CIS-sparing stealers compare
    /// the victim's location with.
    GeoTarget(&'static str),
    /// The user's time zone or locale read (`resolvedOptions().timeZone`, `$LANG`).
    LocaleRead,
    Pipe,
    /// A payment-card form field named in the code (`cvc`, `cardnumber`).
    PaymentField(String),
    /// An element injected into a page whose loading sends a request (`<link
    /// rel=prefetch>`, `<img>`), or `navigator.sendBeacon`.
    BrowserBeacon(String),
    /// A constant shell command with a risky shape (the DSCA102 analysis).
    ShellCommand {
        reason: String,
        severity: Severity,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum EvalSource {
    /// Built at run time from data that is not visibly decoded or downloaded.
    Dynamic,
    /// Decoded from base64/hex/char codes or decrypted.
    Decoded,
    /// Downloaded: a network response.
    Network,
}

impl Kind {
    /// Code evaluated, or a process started with a command that is not a constant
    /// (`exec(data)`, `spawn('/bin/sh', [file])`): what runs is decided at run time.
    pub(crate) fn runs_variable_code(&self) -> bool {
        match self {
            Kind::Eval { .. } => true,
            Kind::Exec { command, .. } => command
                .as_deref()
                .is_none_or(|c| c.contains('…') || c.contains('*')),
            _ => false,
        }
    }
}

impl FileFacts {
    pub(crate) fn has(&self, matches: impl Fn(&Kind) -> bool) -> bool {
        self.events.iter().any(|e| matches(&e.kind))
    }

    pub(crate) fn first(&self, matches: impl Fn(&Kind) -> bool) -> Option<&Event> {
        self.events.iter().find(|e| matches(&e.kind))
    }

    pub(crate) fn sends_network(&self) -> bool {
        self.has(|k| matches!(k, Kind::Http(_) | Kind::Socket(_) | Kind::Dns { .. }))
    }

    /// The file starts a download tool (`curl`, `wget`, `certutil -urlcache`,
    /// `bitsadmin`, PowerShell's `iwr`): its addresses are where that traffic goes.
    pub(crate) fn downloads_with_a_tool(&self) -> bool {
        const TOOLS: [&str; 8] = [
            "curl ",
            "wget ",
            "certutil",
            "bitsadmin",
            "invoke-webrequest",
            "iwr ",
            "downloadfile(",
            "downloadstring(",
        ];
        // A command built in a string and run through a wrapper (`run(c)`) is known by
        // its shape: the DSCA102 analysis names the download.
        let runs = self.has(|k| matches!(k, Kind::Exec { .. }));
        self.has(|k| match k {
            Kind::Exec {
                command: Some(command),
                ..
            } => {
                let command = command.to_ascii_lowercase();
                TOOLS.iter().any(|tool| command.contains(tool))
            }
            Kind::ShellCommand { reason, .. } => runs && reason.contains("download"),
            _ => false,
        })
    }
}

/// Text of `source[start..end]` on one line, cut to a readable length.
pub(crate) fn snippet(source: &str, start: usize, end: usize) -> String {
    let end = end.min(source.len()).min(start.saturating_add(400));
    let mut start = start.min(end);
    while !source.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = end;
    while !source.is_char_boundary(end) {
        end -= 1;
    }
    let text: String = source[start..end.max(start)]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(160).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Byte offsets where lines start, for 1-based line numbers.
pub(crate) struct LineIndex(Vec<usize>);

impl LineIndex {
    pub(crate) fn new(source: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', source.as_bytes()).map(|i| i + 1));
        LineIndex(starts)
    }

    pub(crate) fn line(&self, offset: usize) -> u32 {
        let index = self.0.partition_point(|&start| start <= offset);
        u32::try_from(index.max(1)).unwrap_or(u32::MAX)
    }
}
