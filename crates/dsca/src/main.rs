//! The `dsca` command line: parses arguments, runs the pipeline, picks a printer.
//! Exit codes: 0 success, 1 a finding at or above `--fail-on`, 2 an error.

mod audit;
mod batch;
mod cli;
mod eval;
mod export;
mod guard;
mod output;
mod pcap;
mod policy;
mod scan;
mod stats;

use clap::Parser as _;
use std::process::ExitCode;

/// mimalloc: the scan allocates and frees many small objects (JSON values, AST strings,
/// findings) on several threads at once, where it is markedly faster than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// mimalloc's `mi_option_purge_delay` (its place in `mi_option_t`, the same in mimalloc 2
/// and 3; the Rust bindings do not name it).
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// By default mimalloc hands freed pages back to the kernel 10 ms after they empty, and a
/// scan frees whole packages' worth of memory (and its worker threads) every few
/// milliseconds: that cost more system time than the allocator saved. Memory is still
/// reused; only the kernel round trip goes. `MIMALLOC_PURGE_DELAY` still overrides this.
fn tune_allocator() {
    if std::env::var_os("MIMALLOC_PURGE_DELAY").is_none() {
        // SAFETY: sets a plain integer option; no other thread exists yet.
        unsafe { libmimalloc_sys::mi_option_set(MI_OPTION_PURGE_DELAY, -1) };
    }
}

/// Exit status when the policy threshold (`--fail-on`) was reached.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status on any error: bad arguments, unreachable registry, unreadable package.
pub const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
    tune_allocator();
    // The sandbox's own init process is this program too; it must start before anything
    // else runs (a single thread is needed to enter new namespaces).
    if std::env::args_os().nth(1).as_deref()
        == Some(std::ffi::OsStr::new(dsca_sandbox::init::INIT_ARG))
    {
        dsca_sandbox::init::main();
    }
    let cli = match cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(err) => {
            // clap prints help and version to stdout with success; usage errors to stderr.
            let code = if err.use_stderr() { EXIT_ERROR } else { 0 };
            let _ = err.print();
            return ExitCode::from(code);
        }
    };
    let result = match cli.command {
        cli::Command::Scan(args) => scan::run(args),
        cli::Command::Rules(args) => scan::list_rules(args),
        cli::Command::Eval(args) => eval::run(args),
        cli::Command::Audit(args) => audit::run(args),
        cli::Command::Npm(args) => guard::run(args),
        cli::Command::Policy(cli::PolicyArgs {
            command: cli::PolicyCommand::Init { path },
        }) => policy::init(path.as_deref()),
        cli::Command::Pcap(args) => pcap::run(args),
        cli::Command::Batch(args) => batch::run_batch(args),
        cli::Command::Worker(args) => batch::run_worker(args),
        cli::Command::Stats(args) => stats::run(args),
        cli::Command::Export(args) => export::run(args),
    };
    match result {
        Ok(code) => ExitCode::from(code),
        Err(err) if output::is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("dsca: error: {}", one_line(&err));
            ExitCode::from(EXIT_ERROR)
        }
    }
}

/// The error and its causes on one line, as `outer: inner: root`.
fn one_line(err: &anyhow::Error) -> String {
    err.chain()
        .map(|cause| cause.to_string())
        .collect::<Vec<_>>()
        .join(": ")
        .replace('\n', " ")
}
