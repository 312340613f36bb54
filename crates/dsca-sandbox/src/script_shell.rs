//! The script shell: what npm runs inside the sandbox for every lifecycle script
//! (`npm install --script-shell=/run/dsca-shell`): the small `dsca-script-shell`
//! program installed beside `dsca`, copied into each sandbox. It never runs the script itself: it hands the arguments, working
//! directory, environment and its stdin/stdout/stderr to the sandbox's PID 1, which runs
//! `/bin/sh` with them as the sandbox user under a tracer of its own, and it exits with
//! the script's status. When PID 1 cannot be asked or refuses, the script does not run.

use crate::protocol::{self, SCRIPT_SOCKET, ScriptReply, ScriptRequest};
use crate::sys;
use std::io::{self, Write as _};
use std::os::linux::net::SocketAddrExt as _;
use std::os::unix::net::{SocketAddr, UnixStream};

/// Exit status when the script could not be handed over (a shell's "cannot execute").
const NOT_RUN: i32 = 126;

/// The first argument with which PID 1 runs this program under a script's tracer:
/// `dsca-shell __confine PROGRAM ARGS...` confines itself (see
/// [`sys::deny_process_tampering`]) and becomes PROGRAM. npm never passes it.
pub const CONFINE_ARG: &str = "__confine";

/// Entry point of the script shell. Never returns.
pub fn main() -> ! {
    if std::env::args_os().nth(1).as_deref() == Some(std::ffi::OsStr::new(CONFINE_ARG)) {
        confine_and_exec()
    }
    let code = match hand_over() {
        Ok(ScriptReply::Exited(code)) => code,
        Ok(ScriptReply::Signaled(signal)) => 128 + signal,
        Ok(ScriptReply::Refused(reason)) => {
            let _ = writeln!(io::stderr(), "dsca sandbox: script not run: {reason}");
            NOT_RUN
        }
        Err(err) => {
            let _ = writeln!(io::stderr(), "dsca sandbox: script not run: {err}");
            NOT_RUN
        }
    };
    std::process::exit(code)
}

fn hand_over() -> io::Result<ScriptReply> {
    let address = SocketAddr::from_abstract_name(SCRIPT_SOCKET)?;
    let stream = UnixStream::connect_addr(&address)
        .map_err(|err| io::Error::new(err.kind(), format!("cannot reach the sandbox: {err}")))?;
    let request = ScriptRequest {
        args: std::env::args_os()
            .skip(1)
            .map(|arg| arg.to_string_lossy().into_owned())
            .collect(),
        cwd: std::env::current_dir()?.display().to_string(),
        env: std::env::vars_os()
            .map(|(key, value)| {
                (
                    key.to_string_lossy().into_owned(),
                    value.to_string_lossy().into_owned(),
                )
            })
            .collect(),
    };
    // The descriptors go first with one byte, then the request as a normal frame: a
    // large environment may not arrive in one read with them.
    sys::send_with_fds(&stream, &[0], &[0, 1, 2])?;
    protocol::send_message(&stream, &request)?;
    protocol::recv_message(&stream)
}

/// `__confine PROGRAM ARGS...`: deny process tampering, then exec PROGRAM with the
/// environment as it is. A failure runs nothing.
fn confine_and_exec() -> ! {
    use std::os::unix::process::CommandExt as _;
    let mut args = std::env::args_os().skip(2);
    let error = match (args.next(), sys::deny_process_tampering()) {
        (Some(program), Ok(())) => {
            let argv0 = program.clone();
            std::process::Command::new(program)
                .arg0(argv0)
                .args(args)
                .exec()
        }
        (None, _) => io::Error::other("no program to run"),
        (_, Err(err)) => err,
    };
    let _ = writeln!(io::stderr(), "dsca sandbox: script not run: {error}");
    std::process::exit(NOT_RUN)
}
