//! What JavaScript can do, by module and by function name: one table that the AST walk
//! (`code/js.rs`) and the reader of inline `node -e` code (`inline_code.rs`) both
//! consult, so that a module or function one of them knows the other knows too.
//!
//! The byte-level pass (`code/bytes.rs`) keeps its own needles: it reads shell, Python,
//! PowerShell and broken JavaScript by substring, where a bare module name such as
//! `cluster` or `os` would match prose; it looks for call shapes (`https.request`,
//! `socket.socket(`) instead.

/// What a module or function lets code do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Capability {
    /// Starts programs or processes.
    StartsPrograms,
    /// Talks to the network.
    Network,
    /// Evaluates code built at run time.
    Evaluates,
    /// Decodes text hidden in another form.
    Decodes,
    /// Reads and writes files.
    Files,
    /// Tells about the host and its user.
    HostDetails,
    /// Loads and compiles modules (`module`).
    LoadsModules,
}

use Capability::*;

/// A module by what it lets code do; `builtin` for Node's own modules, which a loader
/// has no reason to hide.
pub(crate) struct Module {
    pub name: &'static str,
    pub capability: Capability,
    pub builtin: bool,
}

const fn builtin(name: &'static str, capability: Capability) -> Module {
    Module {
        name,
        capability,
        builtin: true,
    }
}

const fn package(name: &'static str, capability: Capability) -> Module {
    Module {
        name,
        capability,
        builtin: false,
    }
}

static MODULES: &[Module] = &[
    builtin("child_process", StartsPrograms),
    builtin("worker_threads", StartsPrograms),
    builtin("cluster", StartsPrograms),
    builtin("http", Network),
    builtin("https", Network),
    builtin("http2", Network),
    builtin("net", Network),
    builtin("tls", Network),
    builtin("dns", Network),
    builtin("dgram", Network),
    builtin("vm", Evaluates),
    builtin("module", LoadsModules),
    builtin("fs", Files),
    builtin("fs/promises", Files),
    builtin("os", HostDetails),
    // Packages that wrap `fs`.
    package("fs-extra", Files),
    package("graceful-fs", Files),
    package("promise-fs", Files),
    package("mz/fs", Files),
    package("original-fs", Files),
    // HTTP client packages: calling them is making a request.
    package("axios", Network),
    package("node-fetch", Network),
    package("request", Network),
    package("got", Network),
    package("superagent", Network),
    package("needle", Network),
    package("undici", Network),
    package("cross-fetch", Network),
    package("isomorphic-fetch", Network),
    package("phin", Network),
    package("sync-request", Network),
    package("request-promise", Network),
    package("request-promise-native", Network),
    package("node-superfetch", Network),
    package("make-fetch-happen", Network),
];

/// Functions by what they do, whatever object holds them (`cp.exec`, a destructured
/// `exec`, `global['eval']`).
static FUNCTIONS: &[(&str, Capability)] = &[
    ("exec", StartsPrograms),
    ("execSync", StartsPrograms),
    ("execFile", StartsPrograms),
    ("execFileSync", StartsPrograms),
    ("spawn", StartsPrograms),
    ("spawnSync", StartsPrograms),
    ("fork", StartsPrograms),
    ("fetch", Network),
    ("XMLHttpRequest", Network),
    ("WebSocket", Network),
    ("eval", Evaluates),
    ("Function", Evaluates),
    ("runInThisContext", Evaluates),
    ("runInNewContext", Evaluates),
    ("runInContext", Evaluates),
    ("compileFunction", Evaluates),
    ("_compile", Evaluates),
    ("atob", Decodes),
    ("fromCharCode", Decodes),
];

/// The module `name` (`node:` prefix and all), if the table knows it.
pub(crate) fn module(name: &str) -> Option<&'static Module> {
    let name = name.strip_prefix("node:").unwrap_or(name);
    MODULES.iter().find(|module| module.name == name)
}

/// What the module `name` lets code do.
pub(crate) fn of_module(name: &str) -> Option<Capability> {
    module(name).map(|module| module.capability)
}

/// One of Node's built-in modules that a loader has no reason to hide.
pub(crate) fn is_builtin(name: &str) -> bool {
    module(name).is_some_and(|module| module.builtin)
}

/// An HTTP client package: calling it is making a request.
pub(crate) fn is_http_client(name: &str) -> bool {
    module(name).is_some_and(|module| !module.builtin && module.capability == Network)
}

/// What the function `name` does, if the table knows it.
pub(crate) fn of_function(name: &str) -> Option<Capability> {
    FUNCTIONS
        .iter()
        .find(|(function, _)| *function == name)
        .map(|(_, capability)| *capability)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn modules_and_functions_are_listed_once() {
        let mut names: Vec<&str> = MODULES.iter().map(|module| module.name).collect();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), MODULES.len());
        let mut functions: Vec<&str> = FUNCTIONS.iter().map(|(name, _)| *name).collect();
        functions.sort_unstable();
        functions.dedup();
        assert_eq!(functions.len(), FUNCTIONS.len());
    }

    #[test]
    fn lookups() {
        assert_eq!(of_module("node:child_process"), Some(StartsPrograms));
        assert!(is_builtin("dgram") && !is_builtin("axios"));
        assert!(is_http_client("undici") && !is_http_client("https"));
        assert_eq!(of_module("fs-extra"), Some(Files));
        assert_eq!(of_function("execFileSync"), Some(StartsPrograms));
        assert_eq!(of_function("log"), None);
    }
}
