//! The `dsca` command line: parses arguments, runs the pipeline, picks a printer.
//! Exit codes: 0 success, 1 a finding at or above `--fail-on`, 2 an error.

mod audit;
mod batch;
mod cli;
mod eval;
mod guard;
mod output;
mod pcap;
mod scan;
mod stats;

use clap::Parser as _;
use dsca_report::Format;
use dsca_session::{SetupError, advisories};
use std::process::ExitCode;

/// mimalloc: the scan allocates and frees many small objects (JSON values, AST strings,
/// findings) on several threads at once, where it is markedly faster than glibc's malloc.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Places of the mimalloc options set below in `mi_option_t` (the same in mimalloc 2 and
/// 3; the Rust bindings do not name them).
const MI_OPTION_ARENA_EAGER_COMMIT: libmimalloc_sys::mi_option_t = 4;
const MI_OPTION_PURGE_DELAY: libmimalloc_sys::mi_option_t = 15;

/// By default mimalloc hands freed pages back to the kernel 10 ms after they empty, and a
/// scan frees whole packages' worth of memory (and its worker threads) every few
/// milliseconds: that cost more system time than the allocator saved. Memory is still
/// reused; only the kernel round trip goes. It also commits whole arenas up front, which
/// the kernel backs with huge pages that it zeroes 2 MiB at a time; committing on demand
/// halved the system time of `dsca eval`. The `MIMALLOC_*` variables still override both.
///
/// It runs as an ELF constructor, before Rust's runtime makes its first allocation: by
/// `main` mimalloc has already committed its first arena.
#[used]
#[unsafe(link_section = ".init_array")]
static TUNE_ALLOCATOR: extern "C" fn() = tune_allocator;

extern "C" fn tune_allocator() {
    for (variable, option, value) in [
        ("MIMALLOC_PURGE_DELAY", MI_OPTION_PURGE_DELAY, -1),
        (
            "MIMALLOC_ARENA_EAGER_COMMIT",
            MI_OPTION_ARENA_EAGER_COMMIT,
            0,
        ),
    ] {
        if std::env::var_os(variable).is_none() {
            // SAFETY: sets a plain integer option; no thread exists yet.
            unsafe { libmimalloc_sys::mi_option_set(option, value) };
        }
    }
}

/// Exit status when the policy threshold (`--fail-on`) was reached.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status on any error: bad arguments, unreachable registry, unreadable package.
pub const EXIT_ERROR: u8 = 2;

fn main() -> ExitCode {
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
        }) => dsca_session::policy::write_starter(path.as_deref()).map(|path| {
            eprintln!("dsca: wrote {}", path.display());
            0
        }),
        cli::Command::Pcap(args) => pcap::run(args),
        cli::Command::Batch(args) => batch::run_batch(args),
        cli::Command::Worker(args) => batch::run_worker(args),
        cli::Command::Stats(args) => stats::run(args),
        cli::Command::Export(args) => dsca_store::Store::open(&args.store.db)
            .map_err(anyhow::Error::from)
            .and_then(|store| {
                dsca_session::export::export(&store, args.format, args.output.as_deref())
            })
            .map(|()| 0),
        cli::Command::Db(args) => database(args.command),
        cli::Command::Sandbox(cli::SandboxArgs {
            command: cli::SandboxCommand::Check,
        }) => sandbox_check(),
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

/// The error and its causes on one line, as `outer: inner: root`; the session's set-up
/// errors name the flag they come from.
fn one_line(err: &anyhow::Error) -> String {
    if let Some(setup) = err.downcast_ref::<SetupError>() {
        return match setup {
            SetupError::CaptureNeedsOnePackage => {
                "--pcap records one package at a time: give dsca scan a single spec".to_string()
            }
            SetupError::SandboxUnavailable(why) => format!("--dynamic: {why}"),
            SetupError::NoResultsStore(path) => {
                format!("--db {}: no such results store", path.display())
            }
        };
    }
    err.chain()
        .map(|cause| cause.to_string())
        .collect::<Vec<_>>()
        .join(": ")
        .replace('\n', " ")
}

/// `dsca db update` and `dsca db status`.
fn database(command: cli::DbCommand) -> anyhow::Result<u8> {
    match command {
        cli::DbCommand::Update {
            from,
            cache_dir,
            verbose,
        } => {
            let (info, skipped) = advisories::update(from.as_deref(), cache_dir.as_deref())?;
            dsca_report::deliver(None, |out| {
                dsca_report::machine::write_update(out, &info, &skipped, verbose)
            })?;
        }
        cli::DbCommand::Status { cache_dir, json } => {
            let info = advisories::status(cache_dir.as_deref())?;
            let format = if json { Format::Json } else { Format::Text };
            dsca_report::deliver(None, |out| {
                dsca_report::machine::write_database(out, format, &info)
            })?;
        }
    }
    Ok(0)
}

/// `dsca sandbox check`: every requirement of `--dynamic`, met or not; 1 when one that
/// the run cannot go without is missing.
fn sandbox_check() -> anyhow::Result<u8> {
    let requirements = dsca_sandbox::requirements();
    dsca_report::deliver(None, |out| {
        dsca_report::machine::write_requirements(out, &requirements)
    })?;
    Ok(u8::from(requirements.iter().any(|r| r.blocks())))
}
