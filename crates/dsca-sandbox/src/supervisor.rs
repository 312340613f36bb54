//! The host side of a sandboxed run: start the init process, give it its id maps and
//! configuration, take the sinks' sockets, collect each phase's outcome and trace, and
//! assemble the record.

use crate::assemble::{self, PhaseRecord};
use crate::capture::{self, Capture, CaptureLimits};
use crate::cgroup::{self, RunCgroup};
use crate::honey::{self, Honeytokens};
use crate::idmap::{self, SANDBOX_UID};
use crate::init::{CONTROL_FD, INIT_ARG};
use crate::net::{self, CertificateAuthority, Listeners, NetConfig, RegistryUpstream, Sinks};
use crate::protocol::{self, FromInit, InitConfig, PhaseSpec, ResourceLimits, SandboxFile, ToInit};
use crate::sys;
use crate::{SandboxError, SandboxOptions, Target};
use dsca_model::dynamic::{
    CALLS_BEGIN_LINE, CALLS_MARKER, DynamicAnalysis, EXECUTE_PHASE, IMPORT_PHASE, INSTALL_PHASE,
    LATER_PHASE, RunMemory, SandboxInfo,
};
use std::io::Read as _;
use std::net::{TcpListener, UdpSocket};
use std::os::fd::{AsRawFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::os::unix::process::CommandExt as _;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

const REDIRECT_PORT: u16 = 15001;
/// Ports listened on directly when nftables is missing (connections to others are
/// refused inside the sandbox and seen only by the tracer).
const FALLBACK_PORTS: &[u16] = &[
    21, 22, 23, 25, 80, 443, 1337, 3000, 4444, 5000, 6667, 8000, 8080, 8443, 8888, 9001, 9999,
];
/// The address every registry host name resolves to inside the sandbox.
const REGISTRY_ADDRESS: std::net::Ipv4Addr = std::net::Ipv4Addr::new(100, 100, 0, 1);
/// The sandbox's resolver (any address works: every address is local inside).
const RESOLVER_ADDRESS: &str = "100.100.0.53";
const BUNDLE_PATHS: &[&str] = &[
    "/etc/ssl/certs/ca-certificates.crt",
    "/etc/pki/tls/certs/ca-bundle.crt",
];
/// Registry host names that lead to the proxy besides the configured registry's own.
pub const DEFAULT_REGISTRY_HOSTS: &[&str] = &["registry.npmjs.org", "registry.yarnpkg.com"];

const FIRST_NAMES: &[&str] = &[
    "alex", "sam", "maria", "jonas", "priya", "tom", "lena", "diego", "emma", "noah", "yuki",
    "omar", "sara", "lucas", "nina", "ivan",
];
const MACHINES: &[&str] = &[
    "macbook-pro",
    "thinkpad",
    "xps",
    "workstation",
    "laptop",
    "desktop",
    "dev",
    "framework",
];

fn random_index(len: usize) -> usize {
    // The bait generator refuses the run when the system's generator fails.
    let bytes: [u8; 8] = crate::honey::random_bytes(8).try_into().unwrap_or_default();
    (u64::from_le_bytes(bytes) % len.max(1) as u64) as usize
}

pub use dsca_model::dynamic::Requirement;

/// What a sandboxed run cannot go without, in the order it is checked: ids, the
/// kernel's user namespaces, the host tools that set up the network and trace, node and
/// npm.
fn required() -> Vec<Requirement> {
    let mut list = vec![Requirement {
        what: "root, or uidmap with subordinate ids",
        missing: idmap::plan().err().map(|err| match err {
            SandboxError::Unsupported(why) | SandboxError::Setup(why) => why,
        }),
        optional: false,
    }];
    let max_user_ns = std::fs::read_to_string("/proc/sys/user/max_user_namespaces")
        .ok()
        .and_then(|s| s.trim().parse::<u64>().ok());
    list.push(Requirement {
        what: "user namespaces in the kernel",
        missing: (max_user_ns == Some(0)).then(|| {
            "this kernel does not allow user namespaces (/proc/sys/user/max_user_namespaces is 0): \
             set it above 0 (sysctl user.max_user_namespaces=15000)"
                .to_string()
        }),
        optional: false,
    });
    // nft redirects every port to the sinks; without it connections to other ports could
    // not be answered or recorded, so the sandbox refuses rather than run half-blind.
    for (tool, what, package) in [
        ("strace", "strace", "strace"),
        ("ip", "ip (iproute2)", "iproute2"),
        ("nft", "nft (nftables)", "nftables"),
    ] {
        list.push(Requirement {
            what,
            missing: crate::init::host_tool(tool).is_none().then(|| {
                format!(
                    "`{tool}` is missing: install the {package} package (apt-get install {package})"
                )
            }),
            optional: false,
        });
    }
    for (tool, what) in [("node", "node on PATH"), ("npm", "npm on PATH")] {
        list.push(Requirement {
            what,
            missing: find_in_path(tool).is_none().then(|| {
                format!(
                    "`{tool}` is not on PATH: install Node.js and npm (apt-get install nodejs npm)"
                )
            }),
            optional: false,
        });
    }
    list
}

/// Everything a sandboxed run needs, in the order it is checked, then what it can do
/// without (each run's report names what it went without).
pub fn requirements() -> Vec<Requirement> {
    let mut list = required();
    list.push(Requirement {
        what: "a cgroup for the run's memory together (root)",
        missing: RunCgroup::create(&format!("check-{}", std::process::id()), 1 << 30, 64)
            .err()
            .map(|why| format!("the run's processes are limited one by one only: {why}")),
        optional: true,
    });
    list.push(Requirement {
        what: "libfaketime (the time-bomb pass)",
        missing: faketime_library()
            .is_none()
            .then(|| FAKETIME_MISSING.to_string()),
        optional: true,
    });
    list
}

/// libfaketime's settings for a clock `days` ahead. The monotonic clock stays real (it
/// drives timers, not dates), and so do file times.
fn faketime_env(library: &str, days: u32) -> Vec<(String, String)> {
    [
        ("LD_PRELOAD", library.to_string()),
        ("FAKETIME", format!("+{days}d")),
        ("FAKETIME_DONT_FAKE_MONOTONIC", "1".to_string()),
        ("NO_FAKE_STAT", "1".to_string()),
    ]
    .into_iter()
    .map(|(name, value)| (name.to_string(), value))
    .collect()
}

const FAKETIME_MISSING: &str =
    "libfaketime is missing: install the libfaketime package (apt-get install libfaketime)";

/// libfaketime's preload library, where Debian and other distributions put it (inside
/// `/usr`, which the sandbox shows read-only).
fn faketime_library() -> Option<&'static str> {
    const PLACES: &[&str] = &[
        "/usr/lib/x86_64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/aarch64-linux-gnu/faketime/libfaketime.so.1",
        "/usr/lib/faketime/libfaketime.so.1",
        "/usr/lib64/faketime/libfaketime.so.1",
    ];
    PLACES
        .iter()
        .copied()
        .find(|path| Path::new(path).is_file())
}

/// Refuse early, with the reason, when this machine cannot isolate a run.
pub fn preflight() -> Result<(), SandboxError> {
    // The optional ones are not looked at: each run says itself what it went without.
    match required().into_iter().find_map(|r| r.missing) {
        Some(missing) => Err(SandboxError::Unsupported(missing)),
        None => Ok(()),
    }
}

fn find_in_path(tool: &str) -> Option<PathBuf> {
    let path = std::env::var_os("PATH")?;
    std::env::split_paths(&path)
        .map(|dir| dir.join(tool))
        .find(|candidate| candidate.is_file())
}

/// Directories that hold node and npm when they live outside the system directories
/// (e.g. under /opt or a version manager's folder), shown read-only inside.
fn node_dirs() -> Vec<String> {
    let mut dirs = Vec::new();
    for tool in ["node", "npm"] {
        let Some(found) = find_in_path(tool) else {
            continue;
        };
        let Ok(real) = std::fs::canonicalize(&found) else {
            continue;
        };
        // .../bin/node -> the installation prefix.
        let prefix = real
            .parent()
            .and_then(Path::parent)
            .map(Path::to_path_buf)
            .unwrap_or(real);
        let shown_already = ["/usr", "/bin", "/lib", "/sbin"]
            .iter()
            .any(|system| prefix.starts_with(system));
        let text = prefix.display().to_string();
        if !shown_already && text != "/" && !dirs.contains(&text) {
            dirs.push(text);
        }
        if let Some(bin) = found.parent() {
            let bin = bin.display().to_string();
            let covered = ["/usr", "/bin", "/sbin"]
                .iter()
                .any(|system| bin.starts_with(system));
            if !covered && !dirs.contains(&bin) {
                dirs.push(bin);
            }
        }
    }
    dirs
}

fn system_ca_bundle() -> String {
    BUNDLE_PATHS
        .iter()
        .find_map(|path| std::fs::read_to_string(path).ok())
        .unwrap_or_default()
}

/// Name of the script shell's program, installed beside `dsca`.
const SCRIPT_SHELL_PROGRAM: &str = "dsca-script-shell";
/// Larger than any build of the script shell: a file beyond it is not the program.
const MAX_SCRIPT_SHELL_BYTES: u64 = 64 * 1024 * 1024;

/// The script shell's program, from beside the sandbox's init program (this one, when
/// none was given): its bytes, to copy into the sandbox.
fn script_shell_program(init_program: Option<&Path>) -> Option<Vec<u8>> {
    let program = match init_program {
        Some(path) => path.to_path_buf(),
        None => std::env::current_exe().ok()?,
    };
    let path = program.parent()?.join(SCRIPT_SHELL_PROGRAM);
    let file = std::fs::File::open(path).ok()?;
    let mut content = Vec::new();
    file.take(MAX_SCRIPT_SHELL_BYTES)
        .read_to_end(&mut content)
        .ok()?;
    (!content.is_empty()).then_some(content)
}

/// The script of the import phase: require() and import() the package in a fresh node
/// process, then give asynchronous work a moment before ending.
fn import_script(settle_ms: u64) -> String {
    format!(
        r#"import {{ createRequire }} from 'node:module';
import {{ readFileSync }} from 'node:fs';
// Started early and held: stdin ends when the install is done.
try {{ readFileSync(0); }} catch {{}}
const require = createRequire(import.meta.url);
const name = process.argv[2];
try {{ require(name); console.log('require: loaded'); }}
catch (err) {{ console.error('require: ' + (err && err.message)); }}
try {{ await import(name); console.log('import: loaded'); }}
catch (err) {{ console.error('import: ' + (err && err.message)); }}
setTimeout(() => process.exit(0), {settle_ms}).unref();
"#
    )
}

/// The execute phase: loads the package as the import does (require, then import()),
/// waits until what the load started has settled, then calls each function it exports
/// (the module itself when it is one, and the functions among its own properties, one
/// level down) with no arguments, a class with `new`. Their promises are not awaited:
/// work they wait for keeps the process alive until the settle time, and a promise that
/// waits for nothing would only cost time (100 ms each, when the calls were awaited one
/// by one). What a package does only when used shows up here. The package may not end
/// the phase early through `process.exit`.
///
/// With a clock offset the phase is also the time-bomb pass: its load, up to
/// [`CALLS_MARKER`], is reported as the import-later phase (see
/// `assemble::split_time_bomb_pass`), which saves a node start and a load per run. The
/// wait for the load to settle keeps the load's delayed work on its side of the marker:
/// until nothing but the wait's own timer and standard input and output keep node
/// alive (`getActiveResourcesInfo`), or the settle time is up, as the import's script
/// would have ended then.
fn execute_script(settle_ms: u64) -> String {
    format!(
        r#"import {{ createRequire }} from 'node:module';
import {{ readFileSync }} from 'node:fs';
try {{ readFileSync(0); }} catch {{}}
const require = createRequire(import.meta.url);
const name = process.argv[2];
const exit = process.exit.bind(process);
// Kept before the package loads: fake-timer libraries replace the globals, and a
// package could fake an idle event loop.
const {{ setTimeout: later, Date: RealDate }} = globalThis;
const resources = typeof process.getActiveResourcesInfo === 'function'
  ? process.getActiveResourcesInfo.bind(process) : null;
const handles = typeof process._getActiveHandles === 'function'
  ? process._getActiveHandles.bind(process) : () => [];
process.exit = (code) => {{ throw new Error('process.exit(' + code + ') refused'); }};
process.on('uncaughtException', (err) => console.error('uncaught: ' + (err && err.message)));
process.on('unhandledRejection', (err) => console.error('unhandled: ' + (err && err.message)));
const message = (err) => String(err && err.message).slice(0, 200);
let loaded;
try {{ loaded = require(name); }} catch (err) {{ console.error('require: ' + message(err)); }}
try {{
  const imported = await import(name);
  if (loaded === undefined) loaded = imported;
}} catch (err) {{ console.error('import: ' + message(err)); }}
// Standard input, output and error count as handles once touched; they are not work.
const stdio = () => {{
  try {{ return handles().filter((h) => h && [0, 1, 2].includes(h.fd)).length; }}
  catch {{ return 0; }}
}};
const busy = () => {{
  if (!resources) return false;
  let timers = 0, others = 0;
  for (const kind of resources()) {{
    if (kind === 'Timeout') timers += 1; else others += 1;
  }}
  return timers > 1 || others > stdio();
}};
await new Promise((resolve) => {{
  const until = RealDate.now() + {settle_ms};
  const look = () => (busy() && RealDate.now() < until ? later(look, 2) : resolve());
  later(look, 0);
}});
const calls = [];
const seen = new Set();
const collect = (value, path, depth) => {{
  if (value === null || value === undefined || calls.length >= 100) return;
  if (typeof value === 'function' && !seen.has(value)) {{ seen.add(value); calls.push([path, value]); }}
  if (depth > 0 || (typeof value !== 'object' && typeof value !== 'function')) return;
  let keys = [];
  try {{ keys = Object.keys(value); }} catch {{}}
  for (const key of keys.slice(0, 200)) {{
    let child;
    try {{ child = value[key]; }} catch {{ continue; }}
    collect(child, path + '.' + key, depth + 1);
  }}
}};
collect(loaded, name, 0);
if (loaded && typeof loaded === 'object' && loaded.default && loaded.default !== loaded) {{
  collect(loaded.default, name + '.default', 0);
}}
console.log('{CALLS_BEGIN_LINE}');
console.error('{CALLS_BEGIN_LINE}');
try {{ readFileSync('{CALLS_MARKER}'); }} catch {{}}
const deadline = RealDate.now() + 5000;
for (const [path, fn] of calls) {{
  if (RealDate.now() > deadline) break;
  let result;
  try {{ result = fn(); }}
  catch (err) {{
    if (!/without 'new'/.test(message(err))) {{ console.log('call ' + path + ': ' + message(err)); continue; }}
    try {{ result = new fn(); }} catch (err2) {{ console.log('new ' + path + ': ' + message(err2)); continue; }}
  }}
  console.log('called ' + path);
  try {{
    if (result && typeof result.then === 'function') {{
      Promise.resolve(result).catch(() => {{}});
    }}
  }} catch (err) {{ console.log('result of ' + path + ': ' + message(err)); }}
}}
later(() => exit(0), {settle_ms}).unref();
"#
    )
}

struct Layout {
    hostname: String,
    user: String,
    home: String,
    project_dir: String,
    /// The `TZ` the package sees: a developer's own zone, UTC on a CI runner.
    timezone: String,
}

/// Where developers' laptops keep time: a sandbox always on UTC looks like a server.
const TIME_ZONES: &[&str] = &[
    "America/New_York",
    "America/Chicago",
    "America/Los_Angeles",
    "America/Sao_Paulo",
    "Europe/London",
    "Europe/Berlin",
    "Europe/Paris",
    "Europe/Amsterdam",
    "Asia/Kolkata",
    "Asia/Singapore",
    "Asia/Tokyo",
    "Australia/Sydney",
];

fn layout(profile: crate::SandboxProfile) -> Layout {
    if profile == crate::SandboxProfile::Ci {
        // GitHub-hosted runners: `runner`, `fv-az123-456`, the checkout in ~/work/<repo>/<repo>.
        return Layout {
            hostname: format!(
                "fv-az{}-{}",
                100 + random_index(900),
                100 + random_index(900)
            ),
            user: "runner".to_string(),
            home: "/home/runner".to_string(),
            project_dir: "/home/runner/work/web-app/web-app".to_string(),
            timezone: "UTC".to_string(),
        };
    }
    let user = FIRST_NAMES[random_index(FIRST_NAMES.len())].to_string();
    let hostname = format!("{user}-{}", MACHINES[random_index(MACHINES.len())]);
    let home = format!("/home/{user}");
    let project_dir = format!("{home}/projects/app");
    Layout {
        hostname,
        user,
        home,
        project_dir,
        timezone: TIME_ZONES[random_index(TIME_ZONES.len())].to_string(),
    }
}

fn etc_files(layout: &Layout, ca_pem: &str) -> Vec<SandboxFile> {
    let Layout {
        hostname,
        user,
        home,
        ..
    } = layout;
    let mut bundle = system_ca_bundle();
    if !bundle.ends_with('\n') && !bundle.is_empty() {
        bundle.push('\n');
    }
    bundle.push_str(ca_pem);
    let file = |path: &str, content: String| SandboxFile {
        path: path.to_string(),
        content: content.into_bytes(),
        mode: 0o644,
        user_owned: false,
    };
    let mut files = vec![
        file("/etc/hostname", format!("{hostname}\n")),
        file(
            "/etc/hosts",
            format!("127.0.0.1\tlocalhost\n127.0.1.1\t{hostname}\n::1\tlocalhost ip6-localhost\n"),
        ),
        file(
            "/etc/resolv.conf",
            format!("nameserver {RESOLVER_ADDRESS}\n"),
        ),
        file(
            "/etc/passwd",
            format!(
                "root:x:0:0:root:/root:/bin/bash\n{user}:x:{SANDBOX_UID}:{SANDBOX_UID}:{user}:{home}:/bin/bash\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n"
            ),
        ),
        file(
            "/etc/group",
            format!("root:x:0:\n{user}:x:{SANDBOX_UID}:\nnogroup:x:65534:\n"),
        ),
    ];
    for path in BUNDLE_PATHS {
        if Path::new(path).exists() {
            files.push(file(path, bundle.clone()));
        }
    }
    files
}

fn environment(
    layout: &Layout,
    honey: &Honeytokens,
    ca_path: &str,
    profile: crate::SandboxProfile,
) -> Vec<(String, String)> {
    let mut env: Vec<(String, String)> = [
        ("HOME", layout.home.as_str()),
        ("USER", layout.user.as_str()),
        ("LOGNAME", layout.user.as_str()),
        ("SHELL", "/bin/bash"),
        ("PATH", "/usr/local/bin:/usr/bin:/bin"),
        ("LANG", "en_US.UTF-8"),
        ("TZ", layout.timezone.as_str()),
        ("TERM", "xterm-256color"),
        ("NODE_EXTRA_CA_CERTS", ca_path),
        ("SSL_CERT_FILE", ca_path),
        ("REQUESTS_CA_BUNDLE", ca_path),
        ("npm_config_registry", "https://registry.npmjs.org/"),
        ("npm_config_update_notifier", "false"),
        ("npm_config_fund", "false"),
        ("npm_config_audit", "false"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    // node-gyp asks nodejs.org for Node's headers, gets the sink's 404 and gives up, so
    // native builds (and the commands and actions of a binding.gyp) never ran. The
    // installation's own headers are shown read-only: point node-gyp at them.
    if let Some(prefix) = node_headers_prefix() {
        env.push(("npm_config_nodedir".into(), prefix));
    }
    if profile == crate::SandboxProfile::Ci {
        let run_id = format!("{}", 10_000_000_000u64 + random_index(1_000_000_000) as u64);
        for (name, value) in [
            ("CI", "true".to_string()),
            ("GITHUB_ACTIONS", "true".to_string()),
            ("GITHUB_REPOSITORY", "acme-corp/web-app".to_string()),
            ("GITHUB_REPOSITORY_OWNER", "acme-corp".to_string()),
            ("GITHUB_WORKFLOW", "CI".to_string()),
            ("GITHUB_EVENT_NAME", "push".to_string()),
            ("GITHUB_REF", "refs/heads/main".to_string()),
            ("GITHUB_RUN_ID", run_id),
            ("GITHUB_RUN_NUMBER", "412".to_string()),
            ("GITHUB_WORKSPACE", layout.project_dir.clone()),
            ("RUNNER_NAME", "GitHub Actions 17".to_string()),
            ("RUNNER_OS", "Linux".to_string()),
            ("RUNNER_ARCH", "X64".to_string()),
            ("RUNNER_ENVIRONMENT", "github-hosted".to_string()),
        ] {
            env.push((name.to_string(), value));
        }
    }
    env.extend(honey.env.iter().cloned());
    env
}

/// The prefix of the Node.js installation on PATH when it ships its headers
/// (`<prefix>/include/node/node.h`), as node-gyp's `--nodedir` wants it.
fn node_headers_prefix() -> Option<String> {
    let node = std::fs::canonicalize(find_in_path("node")?).ok()?;
    let prefix = node.parent()?.parent()?;
    prefix
        .join("include/node/node.h")
        .is_file()
        .then(|| prefix.display().to_string())
}

/// The CPU a sandbox's phases run on, held for the length of the run: the allowed CPU
/// with the fewest sandboxes on it, so runs side by side (`--jobs`) spread over the CPUs.
/// `None` on a single CPU.
struct CpuLease(Option<usize>);

/// Sandboxes running now on each CPU.
static SANDBOXES_ON_CPU: std::sync::Mutex<std::collections::BTreeMap<usize, usize>> =
    std::sync::Mutex::new(std::collections::BTreeMap::new());

impl CpuLease {
    fn take() -> CpuLease {
        let Ok(cpus) = crate::sys::allowed_cpus() else {
            return CpuLease(None);
        };
        if cpus.len() < 2 {
            return CpuLease(None);
        }
        let Ok(mut running) = SANDBOXES_ON_CPU.lock() else {
            return CpuLease(None);
        };
        let cpu = cpus
            .iter()
            .copied()
            .min_by_key(|cpu| running.get(cpu).copied().unwrap_or(0));
        if let Some(cpu) = cpu {
            *running.entry(cpu).or_default() += 1;
        }
        CpuLease(cpu)
    }
}

impl Drop for CpuLease {
    fn drop(&mut self) {
        if let (Some(cpu), Ok(mut running)) = (self.0, SANDBOXES_ON_CPU.lock())
            && let Some(count) = running.get_mut(&cpu)
        {
            *count = count.saturating_sub(1);
        }
    }
}

/// Run the package in the sandbox and return what it did.
pub fn run(
    target: &Target,
    options: &SandboxOptions,
    upstream: Arc<dyn RegistryUpstream>,
) -> Result<DynamicAnalysis, SandboxError> {
    preflight()?;
    let layout = layout(options.profile);
    let ca = Arc::new(
        CertificateAuthority::generate_for(options.clock_offset_days)
            .map_err(|err| SandboxError::Setup(format!("cannot make the run's CA: {err}")))?,
    );
    let honey = Honeytokens::generate(&layout.home, &layout.user, &layout.hostname)
        .map_err(|err| SandboxError::Setup(format!("cannot make the bait credentials: {err}")))?;
    let files = sandbox_files(&layout, &honey, &ca.certificate_pem(), options);
    // With the script shell, npm runs untraced and each lifecycle script under a tracer
    // of its own; without it (a dsca built without its second program), npm is traced
    // whole, which is slower and sees the same.
    let script_shell = script_shell_program(options.init_program.as_deref());
    let trace_scripts_only = script_shell.is_some();
    let plan = plan_phases(target, options, trace_scripts_only);
    let env = run_environment(&layout, &honey, options.profile, trace_scripts_only);

    let root_dir = make_root_dir()?;
    let result = run_in(
        &root_dir,
        RunParts {
            layout: &layout,
            files,
            env,
            phases: plan.phases,
            tarball: plan.tarball,
            script_shell: script_shell.as_deref(),
            options,
            ca,
            upstream,
            honey: &honey,
            skipped_phases: plan.skipped,
        },
    );
    let _ = std::fs::remove_dir(&root_dir);
    result
}

/// The files the run's root starts with: /etc (with the run's CA), the bait
/// credentials in the home folder, and the project that installs the package with its
/// import and execute scripts.
fn sandbox_files(
    layout: &Layout,
    honey: &Honeytokens,
    ca_pem: &str,
    options: &SandboxOptions,
) -> Vec<SandboxFile> {
    let mut files = etc_files(layout, ca_pem);
    for bait in &honey.files {
        files.push(SandboxFile {
            path: format!("{}/{}", layout.home, bait.path),
            content: bait.content.clone(),
            mode: bait.mode,
            user_owned: true,
        });
    }
    files.push(SandboxFile {
        path: format!("{}/package.json", layout.project_dir),
        content: b"{\n  \"name\": \"app\",\n  \"version\": \"1.0.0\",\n  \"private\": true\n}\n"
            .to_vec(),
        mode: 0o644,
        user_owned: true,
    });
    files.push(SandboxFile {
        path: format!("{}/main.mjs", layout.project_dir),
        content: import_script(options.import_settle.as_millis() as u64).into_bytes(),
        mode: 0o644,
        user_owned: true,
    });
    files.push(SandboxFile {
        path: format!("{}/execute.mjs", layout.project_dir),
        content: execute_script(options.import_settle.as_millis() as u64).into_bytes(),
        mode: 0o644,
        user_owned: true,
    });
    files
}

/// The phases a run goes through, the ones it skips (and why), and the tarball it
/// installs when the target is one.
struct PhasePlan<'t> {
    phases: Vec<PhaseSpec>,
    skipped: Vec<String>,
    tarball: Option<&'t [u8]>,
}

/// Install, then (for a package that can be imported) import, the time-bomb pass and
/// the exported functions called.
fn plan_phases<'t>(
    target: &'t Target,
    options: &SandboxOptions,
    trace_scripts_only: bool,
) -> PhasePlan<'t> {
    let (install_spec, import_name, tarball) = match target {
        Target::Registry { name, version } => {
            (format!("{name}@{version}"), Some(name.clone()), None)
        }
        Target::Tarball { name, bytes } => (
            "/run/dsca-pkg/package.tgz".to_string(),
            name.clone(),
            Some(bytes.as_slice()),
        ),
    };
    let argv = |words: &[&str]| words.iter().map(|w| w.to_string()).collect::<Vec<_>>();
    let mut install = argv(&[
        "npm",
        "install",
        "--no-audit",
        "--no-fund",
        "--foreground-scripts",
        "--loglevel=warn",
    ]);
    if trace_scripts_only {
        install.push(format!("--script-shell={}", protocol::SCRIPT_SHELL));
    }
    install.push(install_spec);
    let grace_ms = options.grace.as_millis() as u64;
    let linger_ms = options.linger.as_millis() as u64;
    let mut phases = vec![PhaseSpec {
        name: INSTALL_PHASE.to_string(),
        argv: install,
        timeout_ms: options.install_timeout.as_millis() as u64,
        grace_ms,
        linger_ms,
        trace_scripts_only,
        prestart: false,
        env: Vec::new(),
    }];
    let mut skipped = Vec::new();
    if let Some(name) = &import_name {
        // The package's own code from the first instruction: all of it traced. Each
        // script reads stdin to its end before it requires the package (prestart).
        let node_phase = |phase: &str, script: &str, timeout: Duration| PhaseSpec {
            name: phase.to_string(),
            argv: argv(&["node", script, name]),
            timeout_ms: timeout.as_millis() as u64,
            grace_ms,
            linger_ms,
            trace_scripts_only: false,
            prestart: true,
            env: Vec::new(),
        };
        phases.push(node_phase(IMPORT_PHASE, "main.mjs", options.import_timeout));
        let execute = !options.execute_timeout.is_zero();
        let faketime = (options.clock_offset_days > 0).then(faketime_library);
        match faketime {
            // The time-bomb pass rides on the execute phase: its load is the pass.
            Some(Some(library)) if execute => phases.push(PhaseSpec {
                env: faketime_env(library, options.clock_offset_days),
                ..node_phase(
                    EXECUTE_PHASE,
                    "execute.mjs",
                    options.import_timeout + options.execute_timeout,
                )
            }),
            Some(Some(library)) => phases.push(PhaseSpec {
                env: faketime_env(library, options.clock_offset_days),
                ..node_phase(LATER_PHASE, "main.mjs", options.import_timeout)
            }),
            Some(None) => skipped.push(format!("{LATER_PHASE}: {FAKETIME_MISSING}")),
            None => {}
        }
        if execute && !matches!(faketime, Some(Some(_))) {
            phases.push(node_phase(
                EXECUTE_PHASE,
                "execute.mjs",
                options.execute_timeout,
            ));
        }
    }

    PhasePlan {
        phases,
        skipped,
        tarball,
    }
}

/// The environment of every process of the run.
fn run_environment(
    layout: &Layout,
    honey: &Honeytokens,
    profile: crate::SandboxProfile,
    trace_scripts_only: bool,
) -> Vec<(String, String)> {
    let ca_path = BUNDLE_PATHS
        .iter()
        .find(|path| Path::new(path).exists())
        .copied()
        .unwrap_or(BUNDLE_PATHS[0]);
    let mut env = environment(layout, honey, ca_path, profile);
    if trace_scripts_only {
        // For an npm that npm or the package starts, which does not get
        // the command line's --script-shell.
        env.push((
            "npm_config_script_shell".to_string(),
            protocol::SCRIPT_SHELL.to_string(),
        ));
    }
    env
}

fn make_root_dir() -> Result<PathBuf, SandboxError> {
    use std::os::unix::fs::DirBuilderExt as _;
    let mut bytes = [0u8; 8];
    let _ = getrandom::fill(&mut bytes);
    let dir = std::env::temp_dir().join(format!(
        "dsca-sandbox-{}-{}",
        std::process::id(),
        hex::encode(bytes)
    ));
    std::fs::DirBuilder::new()
        .mode(0o755)
        .create(&dir)
        .map_err(|err| SandboxError::Setup(format!("cannot create {}: {err}", dir.display())))?;
    Ok(dir)
}

struct RunParts<'a> {
    layout: &'a Layout,
    files: Vec<SandboxFile>,
    env: Vec<(String, String)>,
    phases: Vec<PhaseSpec>,
    tarball: Option<&'a [u8]>,
    script_shell: Option<&'a [u8]>,
    options: &'a SandboxOptions,
    ca: Arc<CertificateAuthority>,
    upstream: Arc<dyn RegistryUpstream>,
    honey: &'a Honeytokens,
    skipped_phases: Vec<String>,
}

fn setup_error(what: &str) -> impl Fn(std::io::Error) -> SandboxError + '_ {
    move |err| SandboxError::Setup(format!("{what}: {err}"))
}

fn run_in(root_dir: &Path, parts: RunParts<'_>) -> Result<DynamicAnalysis, SandboxError> {
    let epoch = Instant::now();
    let epoch_micros = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|d| d.as_micros() as u64)
        .unwrap_or(0);
    let (ours, theirs) = UnixStream::pair().map_err(setup_error("socket pair"))?;
    let init_program = match &parts.options.init_program {
        Some(path) => path.clone(),
        // This very program, even if its file was replaced since it started.
        None => PathBuf::from("/proc/self/exe"),
    };
    let their_fd = theirs.as_raw_fd();
    let cgroup = RunCgroup::create(
        &format!(
            "run-{}-{}",
            std::process::id(),
            hex::encode(honey::random_bytes(4))
        ),
        parts.options.max_run_memory_bytes,
        // Tasks, threads included (node starts about ten), and dsca's own tracers.
        parts.options.max_processes.saturating_mul(2),
    );
    let procs_files = cgroup
        .as_ref()
        .map(RunCgroup::procs_files)
        .unwrap_or_default();
    let mut command = std::process::Command::new(&init_program);
    command
        .arg(INIT_ARG)
        .env_clear()
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null());
    // SAFETY: only async-signal-safe calls (dup2, fcntl, open, write, close) between
    // fork and exec.
    unsafe {
        command.pre_exec(move || {
            if libc::dup2(their_fd, CONTROL_FD) < 0 || libc::fcntl(CONTROL_FD, libc::F_SETFD, 0) < 0
            {
                return Err(std::io::Error::last_os_error());
            }
            // Inside before it starts anything: whatever it starts stays inside. A
            // cgroup it cannot join leaves the run without the limit, not refused
            // (checked below).
            let _ = cgroup::join_self(&procs_files);
            // A package that fills the memory (its tmpfs files belong to no process)
            // must not get dsca's init or PID 1 killed and the whole record lost: they
            // are spared (as root; the phases' processes reset it, see init.rs).
            cgroup::spare_self_from_oom_killer();
            Ok(())
        });
    }
    let mut child = command.spawn().map_err(|err| {
        SandboxError::Setup(format!(
            "cannot start the sandbox ({}): {err}",
            init_program.display()
        ))
    })?;
    drop(theirs);
    let joined = cgroup.as_ref().is_ok_and(|cgroup| cgroup.holds(child.id()));
    let outcome = drive(&ours, child.id(), root_dir, epoch, epoch_micros, &parts);
    let _ = child.kill();
    let _ = child.wait();
    let mut run = outcome?;
    match &cgroup {
        Ok(_) if !joined => {
            run.sandbox.memory_limit_missing =
                "the sandbox could not be moved into the cgroup made for it".to_string();
        }
        Ok(cgroup) => {
            let used = cgroup.memory_use();
            run.sandbox.memory = Some(RunMemory {
                limit_bytes: parts.options.max_run_memory_bytes,
                peak_bytes: used.peak_bytes,
                oom_kills: used.oom_kills,
            });
        }
        Err(why) => run.sandbox.memory_limit_missing = why.clone(),
    }
    Ok(run)
}

fn expect_message(control: &UnixStream) -> Result<FromInit, SandboxError> {
    match protocol::recv_message::<FromInit>(control) {
        Ok(FromInit::Error(message)) => Err(SandboxError::Setup(message)),
        Ok(message) => Ok(message),
        Err(err) if err.kind() == std::io::ErrorKind::UnexpectedEof => Err(SandboxError::Setup(
            "the sandbox ended before it was set up".to_string(),
        )),
        Err(err) => Err(SandboxError::Setup(format!(
            "sandbox control channel: {err}"
        ))),
    }
}

/// The supervisor's side of a run: configure the sandbox's init, take its sockets,
/// serve them while the phases run, and make the run's record.
fn drive(
    control: &UnixStream,
    pid: u32,
    root_dir: &Path,
    epoch: Instant,
    epoch_micros: u64,
    parts: &RunParts<'_>,
) -> Result<DynamicAnalysis, SandboxError> {
    let options = parts.options;
    let cpu = CpuLease::take();
    configure_init(control, pid, root_dir, epoch_micros, parts, cpu.0)?;
    let (listeners, capture_socket, all_ports) = receive_sockets(control)?;
    let capture = capture_socket.map(|socket| Capture::start(socket, CaptureLimits::default()));
    let registry_hosts = registry_hosts(options);
    let net_config = NetConfig {
        registry_hosts: registry_hosts.clone(),
        registry_address: REGISTRY_ADDRESS,
        response: options.response.clone(),
        limits: net::NetLimits::default(),
        probe_mark: format!(
            "{}{}",
            dsca_model::dynamic::PROBE_MARK_PREFIX,
            hex::encode(crate::honey::random_bytes(8))
        ),
    };
    let probe_mark = net_config.probe_mark.clone();
    let sinks = Sinks::start(
        listeners,
        net_config,
        parts.ca.clone(),
        parts.upstream.clone(),
        epoch,
    )
    .map_err(|err| SandboxError::Setup(format!("cannot start the network sinks: {err}")))?;
    let phases = collect_phases(control, parts);
    let net = sinks.finish();
    let captured = capture.map(Capture::finish);
    let phases = phases?;
    if let (Some(path), Some(captured)) = (&options.pcap, captured) {
        let sink = std::net::SocketAddr::from((std::net::Ipv4Addr::LOCALHOST, REDIRECT_PORT));
        capture::write_pcapng(path, &captured, &net.redirects, sink)
            .map_err(|err| SandboxError::Setup(format!("cannot write the capture: {err}")))?;
    }
    let info = SandboxInfo {
        namespaces: ["user", "mount", "pid", "net", "uts", "ipc"]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        tracer: "strace".to_string(),
        hostname: parts.layout.hostname.clone(),
        user: parts.layout.user.clone(),
        registry_hosts,
        all_ports,
        home: parts.layout.home.clone(),
        project_dir: parts.layout.project_dir.clone(),
        resolver: RESOLVER_ADDRESS.to_string(),
        timezone: parts.layout.timezone.clone(),
        skipped_phases: skipped_phases(parts, &phases),
        // Filled in once the run's processes are gone (see `run_in`).
        memory: None,
        memory_limit_missing: String::new(),
    };
    Ok(record(info, phases, net, &probe_mark, epoch_micros, parts))
}

/// Map the sandbox's ids, then send its init the configuration, the tarball and the
/// script shell.
fn configure_init(
    control: &UnixStream,
    pid: u32,
    root_dir: &Path,
    epoch_micros: u64,
    parts: &RunParts<'_>,
    cpu: Option<usize>,
) -> Result<(), SandboxError> {
    let options = parts.options;
    let setup_budget = Duration::from_secs(60);
    control
        .set_read_timeout(Some(setup_budget))
        .map_err(setup_error("control channel"))?;
    let FromInit::Unshared = expect_message(control)? else {
        return Err(SandboxError::Setup(
            "unexpected message from the sandbox".into(),
        ));
    };
    idmap::write_maps(&idmap::plan()?, pid)?;
    let config = InitConfig {
        root_dir: root_dir.display().to_string(),
        hostname: parts.layout.hostname.clone(),
        user: parts.layout.user.clone(),
        uid: SANDBOX_UID,
        home: parts.layout.home.clone(),
        project_dir: parts.layout.project_dir.clone(),
        extra_dirs: node_dirs(),
        files: parts.files.clone(),
        env: parts.env.clone(),
        phases: parts.phases.clone(),
        limits: ResourceLimits {
            max_processes: options.max_processes,
            max_file_bytes: options.max_file_bytes,
            max_data_bytes: options.max_memory_bytes,
            max_open_files: 4096,
            // Files in the sandbox's tmpfs count against the run's memory and no OOM
            // kill frees them: all of them together stay well under the limit.
            tmpfs_bytes: options.max_disk_bytes.min(options.max_run_memory_bytes / 4),
            max_trace_bytes: options.max_trace_bytes,
        },
        epoch_micros,
        redirect_port: REDIRECT_PORT,
        fallback_ports: FALLBACK_PORTS.to_vec(),
        capture: options.pcap.is_some(),
        cpu,
    };
    protocol::send_message(
        control,
        &ToInit::Config {
            config: Box::new(config),
            tarball: parts.tarball.is_some(),
            script_shell: parts.script_shell.is_some(),
        },
    )
    .map_err(setup_error("cannot configure the sandbox"))?;
    if let Some(bytes) = parts.tarball {
        protocol::send_blob(control, bytes).map_err(setup_error("cannot pass the tarball"))?;
    }
    if let Some(bytes) = parts.script_shell {
        protocol::send_blob(control, bytes).map_err(setup_error("cannot pass the script shell"))?;
    }
    Ok(())
}

/// The sockets the sandbox made inside its network namespace (they arrive with their
/// descriptors attached), the packet socket for `--pcap` if any, and whether every
/// port is caught.
fn receive_sockets(
    control: &UnixStream,
) -> Result<(net::Listeners, Option<OwnedFd>, bool), SandboxError> {
    let mut header = [0u8; 5];
    let (got, fds) = sys::recv_with_fds(control, &mut header, 16)
        .map_err(setup_error("cannot receive the sandbox's sockets"))?;
    if got == 0 {
        return Err(SandboxError::Setup(
            "the sandbox ended before its network was ready".to_string(),
        ));
    }
    if got < header.len() {
        std::io::Read::read_exact(&mut &*control, &mut header[got..])
            .map_err(setup_error("control channel"))?;
    }
    let payload = protocol::finish_frame(
        &mut &*control,
        header,
        protocol::MESSAGE_KIND,
        protocol::MESSAGE_MAX,
    )
    .map_err(setup_error("control channel"))?;
    let message: FromInit =
        protocol::decode_message(&payload).map_err(setup_error("control channel"))?;
    let (tcp_ports, all_ports, capture, ipv6, ipv6_dns) = match message {
        FromInit::Sockets {
            tcp_ports,
            all_ports,
            capture,
            ipv6,
            ipv6_dns,
        } => (tcp_ports, all_ports, capture, ipv6, ipv6_dns),
        FromInit::Error(message) => return Err(SandboxError::Setup(message)),
        _ => {
            return Err(SandboxError::Setup(
                "unexpected message from the sandbox".into(),
            ));
        }
    };
    let order = SocketOrder {
        capture,
        tcp_count: tcp_ports.len(),
        ipv6,
        ipv6_dns,
    };
    let (listeners, capture_socket) = listeners_from(fds, &order)?;
    Ok((listeners, capture_socket, all_ports))
}

/// The hosts the registry proxy answers for: npm's and the company registry's.
fn registry_hosts(options: &SandboxOptions) -> Vec<String> {
    let mut hosts: Vec<String> = DEFAULT_REGISTRY_HOSTS
        .iter()
        .map(|h| h.to_string())
        .collect();
    for host in &options.extra_registry_hosts {
        if !hosts.contains(host) {
            hosts.push(host.clone());
        }
    }
    hosts
}

/// The run's record from what came back, with each phase's limit and clock.
fn record(
    info: SandboxInfo,
    phases: Vec<PhaseRecord>,
    net: net::NetRecord,
    probe_mark: &str,
    epoch_micros: u64,
    parts: &RunParts<'_>,
) -> DynamicAnalysis {
    let options = parts.options;
    let time_bomb_in_execute = parts.phases.iter().any(carries_time_bomb_pass);
    let mut run = assemble::assemble(
        info,
        phases,
        net,
        parts.honey,
        epoch_micros,
        time_bomb_in_execute,
    );
    run.probes = assemble::probes(&run, probe_mark);
    for result in &mut run.phases {
        if let Some(spec) = parts.phases.iter().find(|spec| spec.name == result.name) {
            result.timeout_ms = spec.timeout_ms;
        }
        if time_bomb_in_execute {
            // The phase's limit is the two parts' together.
            result.timeout_ms = match result.name.as_str() {
                LATER_PHASE => options.import_timeout.as_millis() as u64,
                EXECUTE_PHASE => options.execute_timeout.as_millis() as u64,
                _ => result.timeout_ms,
            };
        }
        if result.name == LATER_PHASE {
            result.clock_offset_days = Some(options.clock_offset_days);
        }
    }
    run
}

/// The execute phase that runs with its clock moved: its load is the time-bomb pass.
fn carries_time_bomb_pass(spec: &PhaseSpec) -> bool {
    spec.name == EXECUTE_PHASE && spec.env.iter().any(|(name, _)| name == "FAKETIME")
}

/// The phases not run: those left out before the start (with why), and those the
/// sandbox skipped because the import before them never ended (they load the package
/// again, and would hang the same way).
fn skipped_phases(parts: &RunParts<'_>, ran: &[PhaseRecord]) -> Vec<String> {
    let mut skipped = parts.skipped_phases.clone();
    for spec in &parts.phases {
        if !ran.iter().any(|record| record.outcome.name == spec.name) {
            let names = if carries_time_bomb_pass(spec) {
                vec![LATER_PHASE, EXECUTE_PHASE]
            } else {
                vec![spec.name.as_str()]
            };
            skipped.extend(names.into_iter().map(|name| {
                format!("{name}: not run, the import did not end within its time limit")
            }));
        }
    }
    skipped
}

fn collect_phases(
    control: &UnixStream,
    parts: &RunParts<'_>,
) -> Result<Vec<PhaseRecord>, SandboxError> {
    let budget: u64 = parts
        .phases
        .iter()
        .map(|phase| phase.timeout_ms + phase.grace_ms.max(phase.linger_ms) + 10_000)
        .sum();
    let deadline = Instant::now() + Duration::from_millis(budget + 30_000);
    let _ = protocol::send_message(control, &ToInit::Go);
    let mut records = Vec::new();
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(SandboxError::Setup(
                "the sandbox did not finish in time".to_string(),
            ));
        }
        let _ = control.set_read_timeout(Some(left));
        match expect_message(control)? {
            FromInit::Phase(outcome) => {
                let trace = protocol::recv_blob(control)
                    .map_err(setup_error("cannot read the phase's trace"))?;
                records.push(PhaseRecord {
                    outcome: *outcome,
                    trace,
                });
            }
            FromInit::Done => return Ok(records),
            _ => {
                return Err(SandboxError::Setup(
                    "unexpected message from the sandbox".into(),
                ));
            }
        }
    }
}

/// What `FromInit::Sockets` said came, in its order.
struct SocketOrder {
    capture: bool,
    tcp_count: usize,
    ipv6: bool,
    ipv6_dns: bool,
}

fn listeners_from(
    fds: Vec<OwnedFd>,
    order: &SocketOrder,
) -> Result<(Listeners, Option<OwnedFd>), SandboxError> {
    let mut fds = fds.into_iter();
    let missing = || SandboxError::Setup("the sandbox passed too few sockets".to_string());
    let dns_udp = UdpSocket::from(fds.next().ok_or_else(missing)?);
    let dns_tcp = TcpListener::from(fds.next().ok_or_else(missing)?);
    let capture_socket = if order.capture {
        Some(fds.next().ok_or_else(missing)?)
    } else {
        None
    };
    let mut tcp = Vec::new();
    for _ in 0..order.tcp_count {
        tcp.push(TcpListener::from(fds.next().ok_or_else(missing)?));
    }
    if order.ipv6 {
        // The IPv6 listener on the redirect port.
        tcp.push(TcpListener::from(fds.next().ok_or_else(missing)?));
    }
    let (mut dns_udp6, mut dns_tcp6) = (None, None);
    if order.ipv6_dns {
        dns_udp6 = Some(UdpSocket::from(fds.next().ok_or_else(missing)?));
        dns_tcp6 = Some(TcpListener::from(fds.next().ok_or_else(missing)?));
    }
    Ok((
        Listeners {
            dns_udp,
            dns_tcp,
            dns_udp6,
            dns_tcp6,
            tcp,
        },
        capture_socket,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sandboxes_side_by_side_take_different_cpus_and_give_them_back() {
        let cpus = crate::sys::allowed_cpus().expect("affinity");
        let first = CpuLease::take();
        let second = CpuLease::take();
        if cpus.len() < 2 {
            assert_eq!((first.0, second.0), (None, None));
            return;
        }
        let (Some(a), Some(b)) = (first.0, second.0) else {
            panic!("a CPU for each sandbox");
        };
        assert_ne!(a, b);
        drop(second);
        // The freed CPU is the least busy one again.
        let third = CpuLease::take();
        assert_eq!(third.0, Some(b));
    }
}
