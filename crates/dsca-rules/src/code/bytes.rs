//! The byte-level pass: for files the parser could not read (or that are not
//! JavaScript but may hold code: shell, Python, batch, PowerShell). It looks for the
//! same capabilities by their names, line by line, and runs the shell-command analysis
//! of the install-script rule on script lines.

use super::facts::{Event, FileFacts, Kind, snippet};
use super::strings;
use super::tables::is_secret_env_name;
use crate::metadata::risky_install_command::risky_shapes;

/// Only this much of a file is read byte by byte.
pub(crate) const MAX_SCANNED_BYTES: usize = 16 * 1024 * 1024;
/// Lines longer than this are only searched for names, not run through the shell analysis.
const MAX_SHELL_LINE: usize = 4096;

/// Names that show a capability, as (needle, kind builder).
fn token_kind(line: &str) -> Vec<Kind> {
    let mut kinds = Vec::new();
    let has = |needle: &str| line.contains(needle);
    if has("child_process") || has("subprocess") || has("os.system(") || has("Start-Process") {
        kinds.push(Kind::Exec {
            api: "a process API".into(),
            command: None,
        });
    }
    if has("eval(") || has("new Function(") || has("exec(compile(") || has("runInThisContext") {
        kinds.push(Kind::Eval {
            api: "eval".into(),
            source: super::facts::EvalSource::Dynamic,
        });
    }
    if has("http.request")
        || has("https.request")
        || has("http.get(")
        || has("https.get(")
        || has("fetch(")
        || has("XMLHttpRequest")
        || has("urllib")
        || has("requests.post")
        || has("requests.get")
        || has("Invoke-WebRequest")
        || has("DownloadString")
    {
        kinds.push(Kind::Http("a request API".into()));
    }
    if has("net.connect") || has("net.Socket") || has("createConnection") || has("socket.socket(") {
        kinds.push(Kind::Socket("a socket API".into()));
    }
    if has("JSON.stringify(process.env") || has("os.environ)") {
        kinds.push(Kind::EnvWhole);
    }
    if has("readFile") || has("createReadStream") || has("open(") {
        kinds.push(Kind::FileRead);
    }
    if has("writeFile") || has("Out-File") {
        kinds.push(Kind::FileWrite { target: None });
    }
    if has("hostname()") || has("userInfo(") || has("networkInterfaces(") {
        kinds.push(Kind::Recon("host details"));
    }
    if has("atob(")
        || has("'base64'")
        || has("\"base64\"")
        || has("b64decode")
        || has("FromBase64String")
    {
        kinds.push(Kind::Decode("base64"));
    }
    kinds
}

/// The language of a script, from its file name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Language {
    Shell,
    Python,
    PowerShell,
    Batch,
    /// Not a script this pass knows the commands of (VBScript, unparsable JavaScript).
    Other,
}

fn language(path: &str) -> Language {
    let lower = path.to_ascii_lowercase();
    match lower
        .rsplit_once('.')
        .map_or("", |(_, extension)| extension)
    {
        "sh" | "bash" => Language::Shell,
        "py" => Language::Python,
        "ps1" => Language::PowerShell,
        "bat" | "cmd" => Language::Batch,
        _ => Language::Other,
    }
}

/// A comment line of `language` (nothing on it runs).
fn is_comment(line: &str, language: Language) -> bool {
    let trimmed = line.trim_start();
    match language {
        Language::Shell | Language::Python | Language::PowerShell => trimmed.starts_with('#'),
        Language::Batch => {
            let lower = trimmed.trim_start_matches('@').to_ascii_lowercase();
            lower.starts_with("::") || lower == "rem" || lower.starts_with("rem ")
        }
        Language::Other => false,
    }
}

/// `word` occurs in `text` as a whole word: not inside a longer name (`curl` in
/// `curly`, `irm` in `confirm`, `gh-curl`, `x.requests.get`).
fn has_word(text: &str, word: &str) -> bool {
    let joins = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-');
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(|c| joins(c) || c == '.')
            && (word.ends_with(['.', '(']) || !after.is_some_and(joins))
    })
}

/// The arguments of a command before any redirection, without its options.
fn operands<'a>(args: &'a [&'a str]) -> impl Iterator<Item = &'a str> + 'a {
    args.iter()
        .copied()
        .take_while(|a| !is_redirection(a))
        .filter(|a| !a.starts_with('-'))
}

/// `>x`, `2>/dev/null`, `<in`, `>>log`.
fn is_redirection(word: &str) -> bool {
    word.trim_start_matches(|c: char| c.is_ascii_digit())
        .starts_with(['>', '<'])
}

/// What one command of a shell or batch script does, in the kinds of the JavaScript
/// walk. `program` is lowercased for batch (its commands ignore case).
fn command_kinds(command: &[&str], language: Language, kinds: &mut Vec<Kind>) {
    let Some((program, args)) = command.split_first() else {
        return;
    };
    let lower = program.to_ascii_lowercase();
    let program = if language == Language::Batch {
        lower.trim_end_matches(".exe")
    } else {
        program
    };
    let has_arg = |wanted: &[&str]| {
        args.iter()
            .any(|a| wanted.contains(&a.to_ascii_lowercase().as_str()))
    };
    let mut operands = operands(args).peekable();
    match program {
        "curl" | "wget" => kinds.push(Kind::Http(program.to_string())),
        "nc" | "ncat" | "netcat" | "socat" | "telnet" => {
            kinds.push(Kind::Socket(program.to_string()));
        }
        "certutil" if has_arg(&["-urlcache", "/urlcache"]) => {
            kinds.push(Kind::Http(program.to_string()));
        }
        "bitsadmin" if has_arg(&["/transfer", "/addfile"]) => {
            kinds.push(Kind::Http(program.to_string()));
        }
        _ if prints_credential(program, args) => {
            kinds.push(Kind::CredentialCommand(command.join(" ")));
        }
        "hostname" => kinds.push(Kind::Recon("the host name")),
        "whoami" | "logname" => kinds.push(Kind::Recon("the user account")),
        // `id` prints the user; `uname -m`/`-s` only pick a download for the platform,
        // `-a`/`-n` fingerprint the host.
        // `id -u` is a root check; `id`, `id -un` name the user.
        "id" if !args.iter().any(|a| *a == "-u" || *a == "-g" || *a == "-G") => {
            kinds.push(Kind::Recon("the user account"));
        }
        "uname"
            if args.iter().any(|a| {
                a.starts_with('-') && !a.starts_with("--") && (a.contains('a') || a.contains('n'))
                    || *a == "--all"
                    || *a == "--nodename"
            }) =>
        {
            kinds.push(Kind::Recon("the system details"));
        }
        "systeminfo" => kinds.push(Kind::Recon("the system details")),
        "ifconfig" | "ipconfig" => kinds.push(Kind::Recon("the network interfaces")),
        "ip" if operands
            .peek()
            .is_some_and(|o| matches!(*o, "a" | "addr" | "address")) =>
        {
            kinds.push(Kind::Recon("the network interfaces"));
        }
        // With no operand they print every variable; `env X=1 cmd` runs a command.
        "env" | "printenv" | "set" | "export"
            if operands.peek().is_none()
                && (program != "set" || args.is_empty() || args[0].starts_with(['>', '|']))
                && (program != "export" || has_arg(&["-p"])) =>
        {
            kinds.push(Kind::EnvWhole);
        }
        "printenv" => {
            for name in operands {
                if is_secret_env_name(name) {
                    kinds.push(Kind::EnvSecret(name.to_string()));
                }
            }
        }
        "cat" | "head" | "tail" | "less" | "more" | "base64" | "xxd" | "od" | "strings" | "cp"
        | "scp" | "rsync" | "tar" | "zip" | "gzip"
            if operands.peek().is_some() =>
        {
            kinds.push(Kind::FileRead);
        }
        // In batch `type` prints a file; in sh it looks a command up.
        "type" if language == Language::Batch && operands.peek().is_some() => {
            kinds.push(Kind::FileRead);
        }
        "crontab" | "systemctl" | "launchctl" | "reg" | "schtasks" | "loginctl" | "at" => {
            kinds.push(Kind::Exec {
                api: "a shell command".into(),
                command: Some(command.join(" ")),
            });
        }
        _ => {}
    }
    if matches!(program, "curl" | "wget")
        && args.iter().any(|a| {
            a.starts_with('@')
                || a.contains("=@")
                || a.starts_with("-d@")
                || matches!(*a, "-T" | "--upload-file" | "--post-file")
        })
    {
        // An upload of a file is a read of it.
        kinds.push(Kind::FileRead);
    }
}

/// What a constant command line that JavaScript hands to a shell (`exec`, `execSync`)
/// reveals about what it collects: host details, the environment, credentials a
/// command prints. (What it runs is the walk's own `Exec` event; its risky shapes are
/// DSCA809's.)
pub(crate) fn command_line_kinds(command: &str) -> Vec<Kind> {
    let mut kinds = Vec::new();
    for words in crate::shell::shell_commands(command) {
        command_kinds(&words, Language::Shell, &mut kinds);
    }
    collected_by_javascript(kinds)
}

/// The same for a program JavaScript starts without a shell (`spawn`, `execFile`): the
/// argument vector is one command, quotes and parentheses included. Node's own inline
/// code is walked as code instead (see `js::inline_node_code`).
pub(crate) fn argv_kinds(words: &[String]) -> Vec<Kind> {
    if words
        .first()
        .is_some_and(|program| is_node_program(program))
    {
        return Vec::new();
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    let mut kinds = Vec::new();
    command_kinds(&words, Language::Shell, &mut kinds);
    collected_by_javascript(kinds)
}

/// The program (a path or a name) is Node.js itself.
pub(crate) fn is_node_program(program: &str) -> bool {
    let name = program.rsplit('/').next().unwrap_or(program);
    matches!(name, "node" | "nodejs" | "node.exe")
}

/// Cloud SDKs ask their own CLI for a token (`@azure/identity` runs `az account
/// get-access-token`, Google's libraries `gcloud auth print-access-token`): from
/// JavaScript those are a credential provider at work, the other commands are not.
fn collected_by_javascript(mut kinds: Vec<Kind>) -> Vec<Kind> {
    kinds.retain(|kind| match kind {
        Kind::Recon(_) | Kind::EnvWhole | Kind::EnvSecret(_) => true,
        Kind::CredentialCommand(command) => {
            !command.starts_with("az ") && !command.starts_with("gcloud ")
        }
        _ => false,
    });
    kinds
}

/// Commands whose output is a credential: the GitHub CLI's token, the cloud CLIs' keys
/// and access tokens, npm's configured auth token, the macOS keychain and the Secret
/// Service, git's credential helper. A stealer runs them when the token is not in a
/// file it knows (THREATS.md: `gh auth token`).
fn prints_credential(program: &str, args: &[&str]) -> bool {
    let has = |word: &str| args.iter().any(|a| a.eq_ignore_ascii_case(word));
    let any_contains = |part: &str| args.iter().any(|a| a.contains(part));
    match program.rsplit('/').next().unwrap_or(program) {
        "gh" => has("auth") && (has("token") || has("--show-token") || has("-t")),
        "aws" => {
            (has("configure") && (any_contains("secret_access_key") || has("export-credentials")))
                || (has("sts") && has("get-session-token"))
                || (has("ecr") && has("get-login-password"))
        }
        "gcloud" => has("print-access-token") || has("print-identity-token"),
        "az" => has("get-access-token"),
        "npm" | "yarn" | "pnpm" => {
            has("config") && has("get") && (any_contains("_authToken") || any_contains("_auth"))
        }
        "security" => has("find-generic-password") || has("find-internet-password"),
        "secret-tool" => has("lookup"),
        "git" => has("credential") && (has("fill") || has("get")),
        "heroku" => has("auth:token"),
        "vault" => has("print") && has("token"),
        _ => false,
    }
}

/// `$NAME`, `${NAME}`, `$env:NAME`, `%NAME%`, `os.environ['NAME']`, `os.getenv("NAME")`:
/// the environment variables a script line reads.
fn env_names(line: &str, language: Language) -> Vec<&str> {
    fn name_at(text: &str) -> &str {
        let end = text
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(text.len());
        &text[..end]
    }
    let mut names = Vec::new();
    match language {
        Language::Python => {
            for marker in ["environ[", "environ.get(", "getenv("] {
                for (at, _) in line.match_indices(marker) {
                    let rest = line[at + marker.len()..].trim_start_matches(['"', '\'']);
                    names.push(name_at(rest));
                }
            }
        }
        Language::Shell | Language::PowerShell | Language::Batch | Language::Other => {
            for (at, _) in line.match_indices('$') {
                let mut rest = &line[at + 1..];
                rest = rest.strip_prefix('{').unwrap_or(rest);
                if rest.len() > 4 && rest[..4].eq_ignore_ascii_case("env:") {
                    rest = &rest[4..];
                }
                names.push(name_at(rest));
            }
            if language == Language::Batch {
                let mut parts = line.split('%');
                parts.next();
                // `%NAME%`: every other part between percent signs.
                for (i, part) in parts.enumerate() {
                    if i % 2 == 0 && !part.is_empty() && name_at(part).len() == part.len() {
                        names.push(part);
                    }
                }
            }
        }
    }
    names.retain(|name| !name.is_empty() && !name.starts_with(|c: char| c.is_ascii_digit()));
    names
}

/// Whole words of a lowercased PowerShell (or batch) line, as (needle, kind).
fn powershell_kinds(lower: &str, kinds: &mut Vec<Kind>) {
    for (word, api) in [
        ("invoke-webrequest", "Invoke-WebRequest"),
        ("iwr", "iwr"),
        ("invoke-restmethod", "Invoke-RestMethod"),
        ("irm", "irm"),
        ("net.webclient", "Net.WebClient"),
        ("start-bitstransfer", "Start-BitsTransfer"),
        ("net.http.httpclient", "HttpClient"),
    ] {
        if has_word(lower, word) {
            kinds.push(Kind::Http(api.into()));
            break;
        }
    }
    if has_word(lower, "net.sockets.tcpclient") || has_word(lower, "net.sockets.socket") {
        kinds.push(Kind::Socket("TcpClient".into()));
    }
    for (word, what) in [
        ("$env:computername", "the host name"),
        ("[environment]::machinename", "the host name"),
        ("[system.environment]::machinename", "the host name"),
        ("[system.net.dns]::gethostname", "the host name"),
        ("$env:username", "the user account"),
        ("[environment]::username", "the user account"),
        ("[system.environment]::username", "the user account"),
        ("%computername%", "the host name"),
        ("%username%", "the user account"),
        ("get-netipaddress", "the network interfaces"),
        ("get-computerinfo", "the system details"),
    ] {
        if lower.contains(word) {
            kinds.push(Kind::Recon(what));
        }
    }
    let lists_env = ["get-childitem", "gci", "dir", "ls", "get-item"]
        .iter()
        .any(|list| {
            lower.match_indices(list).any(|(at, _)| {
                let rest = lower[at + list.len()..].trim_start();
                rest.strip_prefix("env:")
                    .or_else(|| rest.strip_prefix("-path env:"))
                    .is_some_and(|after| {
                        !after.starts_with(|c: char| c.is_ascii_alphanumeric() || c == '_')
                    })
            })
        });
    if lists_env || lower.contains("[environment]::getenvironmentvariables(") {
        kinds.push(Kind::EnvWhole);
    }
    if has_word(lower, "get-content")
        || has_word(lower, "gc")
        || lower.contains("[io.file]::read")
        || lower.contains("[system.io.file]::read")
    {
        kinds.push(Kind::FileRead);
    }
    if has_word(lower, "set-content")
        || has_word(lower, "add-content")
        || lower.contains("-outfile")
    {
        kinds.push(Kind::FileWrite { target: None });
    }
    if has_word(lower, "new-itemproperty") || has_word(lower, "set-itemproperty") {
        kinds.push(Kind::Exec {
            api: "a PowerShell command".into(),
            command: None,
        });
    }
}

/// Python calls by their names.
fn python_kinds(line: &str, kinds: &mut Vec<Kind>) {
    if [
        "urllib.request",
        "urlopen(",
        "urllib2",
        "http.client",
        "httplib",
        "httpx.",
        "aiohttp",
        "pycurl",
    ]
    .iter()
    .any(|w| has_word(line, w))
        || has_word(line, "requests.")
    {
        kinds.push(Kind::Http("a Python HTTP client".into()));
    }
    if has_word(line, "socket.socket") || has_word(line, "socket.create_connection") {
        kinds.push(Kind::Socket("socket".into()));
    }
    for (call, what) in [
        ("socket.gethostname()", "the host name"),
        ("socket.getfqdn(", "the host name"),
        ("platform.node()", "the host name"),
        ("os.uname()", "the system details"),
        ("platform.uname()", "the system details"),
        ("getpass.getuser()", "the user account"),
        ("os.getlogin()", "the user account"),
    ] {
        if line.contains(call) {
            kinds.push(Kind::Recon(what));
        }
    }
    if [
        "dict(os.environ",
        "json.dumps(os.environ",
        "str(os.environ",
        "os.environ)",
    ]
    .iter()
    .any(|w| line.contains(w))
    {
        kinds.push(Kind::EnvWhole);
    }
    if line.contains("read_text(") || line.contains("read_bytes(") {
        kinds.push(Kind::FileRead);
    }
    if line.contains("write_text(")
        || line.contains("write_bytes(")
        || (line.contains("open(")
            && (line.contains("'w")
                || line.contains("\"w")
                || line.contains("'a'")
                || line.contains("\"a\"")))
    {
        kinds.push(Kind::FileWrite { target: None });
    }
    if line.contains("os.popen(") {
        kinds.push(Kind::Exec {
            api: "os.popen".into(),
            command: None,
        });
    }
}

/// The target of a shell or batch output redirection (`> file`, `>> file`), other than
/// the null device and other descriptors.
fn redirect_target(line: &str) -> Option<String> {
    let at = line.find('>')?;
    if line[..at].ends_with(['-', '=', '2']) && !line[..at].ends_with(" 2") {
        return None;
    }
    let rest = line[at..].trim_start_matches('>').trim_start();
    let target: String = rest
        .chars()
        .take_while(|c| !c.is_whitespace() && !matches!(c, ';' | '|' | '&' | ')'))
        .collect();
    let bare = target.trim_matches(['"', '\'']);
    (!bare.is_empty()
        && !bare.starts_with('&')
        && !bare.eq_ignore_ascii_case("/dev/null")
        && !bare.eq_ignore_ascii_case("nul"))
    .then_some(target)
}

/// What one line of a script does: commands, network clients, secrets, recon, reads.
fn script_kinds(line: &str, language: Language) -> Vec<Kind> {
    let mut kinds = Vec::new();
    if language == Language::Other || is_comment(line, language) {
        return kinds;
    }
    if matches!(language, Language::Shell | Language::Batch) {
        for command in crate::shell::shell_commands(line) {
            command_kinds(&command, language, &mut kinds);
        }
        if let Some(target) = redirect_target(line) {
            kinds.push(Kind::FileWrite {
                target: Some(target),
            });
        }
        // `< ~/.aws/credentials`: an input redirection (not a here-document or `<(…)`).
        if line.match_indices('<').any(|(at, _)| {
            let rest = &line[at + 1..];
            !line[..at].ends_with('<')
                && !rest.starts_with(['<', '(', '&'])
                && !rest.trim().is_empty()
        }) {
            kinds.push(Kind::FileRead);
        }
        if line.contains("/dev/tcp/") || line.contains("/dev/udp/") {
            kinds.push(Kind::Socket("/dev/tcp".into()));
        }
    }
    if matches!(language, Language::PowerShell | Language::Batch) {
        powershell_kinds(&line.to_ascii_lowercase(), &mut kinds);
    }
    if language == Language::PowerShell {
        // PowerShell aliases curl and wget to Invoke-WebRequest.
        let lower = line.to_ascii_lowercase();
        if has_word(&lower, "curl") || has_word(&lower, "wget") {
            kinds.push(Kind::Http("Invoke-WebRequest".into()));
        }
    }
    if language == Language::Python {
        python_kinds(line, &mut kinds);
    }
    for name in env_names(line, language) {
        if is_secret_env_name(name) {
            kinds.push(Kind::EnvSecret(name.to_string()));
        }
    }
    if let Some(target) = super::destructive::wipe_command(line) {
        kinds.push(Kind::Delete {
            target: Some(target),
            recursive: true,
        });
    }
    if language == Language::Shell && (line.contains("$HOSTNAME") || line.contains("${HOSTNAME}")) {
        kinds.push(Kind::Recon("the host name"));
    }
    kinds
}

/// Facts from the raw bytes of `data`; `is_script` runs the shell analysis on each line.
pub(crate) fn analyse(path: &str, data: &[u8], is_script: bool) -> FileFacts {
    let language = if is_script {
        language(path)
    } else {
        Language::Other
    };
    analyse_as(path, data, is_script, language, is_script)
}

/// Facts of the install commands of a manifest (`"postinstall": "env | curl -d @- ..."`),
/// read as the shell script they are. Their command shapes are DSCA102's, so they are
/// not reported again here.
pub(crate) fn analyse_install_commands(path: &str, commands: &str) -> FileFacts {
    analyse_as(path, commands.as_bytes(), true, Language::Shell, false)
}

fn analyse_as(
    path: &str,
    data: &[u8],
    is_script: bool,
    language: Language,
    command_shapes: bool,
) -> FileFacts {
    let data = &data[..data.len().min(MAX_SCANNED_BYTES)];
    let text = String::from_utf8_lossy(data);
    let mut facts = FileFacts {
        path: path.to_string(),
        ..FileFacts::default()
    };
    if wires_shell_to_socket(&text) {
        facts.events.push(Event {
            kind: Kind::ShellCommand {
                reason: "wires a shell to a network socket (reverse shell)".into(),
                severity: dsca_model::Severity::Critical,
            },
            line: 1,
            snippet: String::new(),
            in_network_flow: false,
        });
    }
    let mut offset = 0;
    for (index, line) in text.split('\n').enumerate() {
        let line_number = u32::try_from(index + 1).unwrap_or(u32::MAX);
        let start = offset;
        offset += line.len() + 1;
        if facts.events.len() > 2_000 {
            break;
        }
        // Nothing fits in a line this short; skipping them keeps blank-line floods cheap.
        if line.len() < 4 {
            continue;
        }
        let event = |kind: Kind| Event {
            kind,
            line: line_number,
            snippet: snippet(&text, start, start + line.len()),
            in_network_flow: false,
        };
        let mut kinds = token_kind(line);
        if is_script && line.len() <= MAX_SHELL_LINE {
            for kind in script_kinds(line, language) {
                if !kinds.contains(&kind) {
                    kinds.push(kind);
                }
            }
            if matches!(
                language,
                Language::Shell | Language::Batch | Language::PowerShell
            ) && !is_comment(line, language)
            {
                // Scripts the script starts run like it (`sh ./next.sh`, `-File x.ps1`).
                for target in super::node_targets(line, "") {
                    let target = own_directory_stripped(&target);
                    if !target.is_empty() && !target.starts_with(['/', '$', '%', '~']) {
                        facts.local_requires.push(target.to_string());
                    }
                }
            }
        }
        for kind in kinds {
            facts.events.push(event(kind));
        }
        if line.len() <= MAX_SHELL_LINE {
            if let Some((what, weight)) = strings::sensitive_place(line) {
                facts.events.push(event(Kind::Sensitive {
                    what,
                    weight,
                    built: true,
                }));
            }
            if let Some(what) = strings::persistence_place(line) {
                facts.events.push(event(Kind::Persistence(what)));
            }
            if command_shapes && line.contains(' ') {
                for hit in risky_shapes(line) {
                    facts.events.push(event(Kind::ShellCommand {
                        reason: hit.reason,
                        severity: hit.severity,
                    }));
                }
            }
        }
        if (line.contains("://") || line.contains('.')) && facts.indicators.len() < 500 {
            for indicator in strings::indicators(line) {
                facts.indicators.push((line_number, indicator));
            }
        }
    }
    facts
}

/// A script that connects a socket and hands it to a shell (Python, Perl or Ruby
/// reverse shells: `socket` + `dup2`/`pty.spawn` + a shell).
fn wires_shell_to_socket(text: &str) -> bool {
    text.contains("socket")
        && (text.contains("dup2") || text.contains("pty.spawn"))
        && (text.contains("/bin/sh") || text.contains("/bin/bash") || text.contains("cmd.exe"))
}

/// A path a script names relative to its own directory (`%~dp0x.ps1`,
/// `$PSScriptRoot\x.ps1`), relative to that directory.
fn own_directory_stripped(target: &str) -> &str {
    let target = target.trim_matches(['"', '\'', ')']);
    for prefix in [
        "%~dp0",
        "$PSScriptRoot\\",
        "$PSScriptRoot/",
        "$SCRIPT_DIR/",
        "$DIR/",
    ] {
        if let Some(rest) = target.strip_prefix(prefix) {
            return rest;
        }
    }
    target
}
