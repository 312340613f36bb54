//! DSCA812: the code deletes the user's home directory or the whole disk (wipers,
//! protestware, "dead man's switches").

use super::facts::Kind;
use super::{CodeContext, Reach, evidence, reach_clause};
use crate::Analysis;
use crate::metadata::finding_with_evidence;
use dsca_model::{Category, Rule, Severity, Signal};

pub const RULE: Rule = Rule {
    id: "DSCA812",
    name: "destructive",
    category: Category::Filesystem,
    signal: Signal::Behaviour,
    severity: Severity::High,
    title: "Destroys the home directory or the disk, hangs whatever loads it, or targets a country",
    problem: "The code deletes the user's home directory or a filesystem root recursively \
        (`rm -rf ~`, `fs.rmSync(os.homedir(), { recursive: true })`, `del /s %USERPROFILE%`, \
        `Remove-Item -Recurse $HOME`, `shutil.rmtree(os.path.expanduser('~'))`). No library \
        or installer needs that: it is how wipers and sabotaged releases destroy the machines \
        that install them. A loop with no way out in code that runs at install or import \
        is sabotage too: it hangs every program and build that loads the package. So is a \
        side effect kept for one country's users (the code compares the time zone, the \
        locale or a geo-IP answer with a country, then writes or overwrites files: \
        node-ipc and peacenotwar, 2022).",
    next_steps: "Do not install or run this version. On machines that ran it, restore the \
        home directory from backups and check what else the package did before deleting \
        (wipers often steal credentials first).",
    severities: &[Severity::Medium, Severity::High, Severity::Critical],
    catches: "a loop with no way out in code that runs at install or import (high: it hangs \
        every dependent); deletes the home directory or a filesystem root recursively \
        (`rm -rf ~`, `fs.rmSync(os.homedir(), {recursive: true})`, `del /s \
        %USERPROFILE%`, `Remove-Item -Recurse $HOME`, `shutil.rmtree(~)`): high, critical \
        at install or from the entry point; lists the home directory or a root and writes \
        to what it finds: medium, high when it runs by itself; a side effect kept for one \
        country's users (the time zone, locale or a geo-IP answer compared with a \
        country, then files written): medium, high when it runs by itself or overwrites \
        or deletes, critical when both",
};

pub(crate) fn check(code: &CodeContext, out: &mut Analysis) {
    for file in &code.files {
        if super::ignorable(code, &file.path) {
            continue;
        }
        let mut hits = Vec::new();
        for event in &file.events {
            let wiped = match &event.kind {
                // The walk writes unknown parts of a path as `*`: only a byte-level (shell)
                // target is a glob.
                Kind::Delete {
                    target: Some(target),
                    recursive: true,
                } if is_home_or_root(target, !file.parsed) => Some(target.clone()),
                Kind::Exec {
                    command: Some(command),
                    ..
                } => wipe_command(command),
                _ => None,
            };
            if let Some(target) = wiped {
                hits.push(evidence(
                    file,
                    event,
                    format!(
                        "deletes `{}` recursively",
                        crate::inline_code::short(&target)
                    ),
                ));
            }
        }
        let runs = code.reach(&file.path) != Reach::Unknown;
        let (severity, what) = if !hits.is_empty() {
            let severity = if runs {
                Severity::Critical
            } else {
                Severity::High
            };
            (severity, "deletes the home directory or a filesystem root")
        } else if runs && let Some(endless) = file.first(|k| matches!(k, Kind::EndlessLoop)) {
            // A loop with no way out in code that runs by itself hangs every program,
            // build and install that loads the package (colors, Jan 2022).
            hits = vec![evidence(
                file,
                endless,
                "loops forever: no exit in the loop",
            )];
            (
                Severity::High,
                "hangs whatever loads it with a loop that never ends",
            )
        } else if let Some((country, mut geo)) = geo_targeting(file) {
            // Sabotage aimed at one country's users (node-ipc, peacenotwar, 2022): the
            // side effect waits for the victim's time zone, locale or geo-IP answer.
            let overwrites = file.has(|k| matches!(k, Kind::ListDir(_)))
                && file.has(|k| matches!(k, Kind::FileWrite { target } if target.as_deref().is_none_or(|t| t.contains('*'))));
            let deletes = file.has(|k| matches!(k, Kind::Delete { .. }));
            let destroys = overwrites || deletes;
            let severity = match (runs, destroys) {
                (true, true) => Severity::Critical,
                (true, false) | (false, true) => Severity::High,
                (false, false) => Severity::Medium,
            };
            hits.append(&mut geo);
            let what = if destroys {
                format!("overwrites or deletes files only for users in {country}")
            } else {
                format!("changes the machine only for users in {country}")
            };
            let message = format!("`{}` {what}{}", file.path, reach_clause(code, &file.path));
            out.findings
                .push(finding_with_evidence(&RULE, severity, message, hits));
            continue;
        } else if let Some(walk) = overwrite_walk(file) {
            // Listing the home folder and writing to names found there is a wiper's
            // shape, but only a shape: one step below a delete of the folder.
            hits = walk;
            let severity = if runs {
                Severity::High
            } else {
                Severity::Medium
            };
            (
                severity,
                "lists the home directory or a filesystem root and writes to what it finds",
            )
        } else {
            continue;
        };
        let message = format!("`{}` {what}{}", file.path, reach_clause(code, &file.path));
        out.findings
            .push(finding_with_evidence(&RULE, severity, message, hits));
    }
}

/// The country a file singles out, with the evidence: it names the country (or a time
/// zone only it uses), finds out where it runs (time zone, locale, or a request whose
/// answer it compares) and writes, deletes or runs something.
fn geo_targeting(
    file: &super::facts::FileFacts,
) -> Option<(&'static str, Vec<dsca_model::Evidence>)> {
    if file.names_other_countries {
        return None;
    }
    let target = file.first(|k| matches!(k, Kind::GeoTarget(_)))?;
    let Kind::GeoTarget(country) = target.kind else {
        return None;
    };
    let locates = file.first(|k| matches!(k, Kind::LocaleRead | Kind::Http(_)))?;
    let acts = file.first(|k| {
        matches!(k, Kind::FileWrite { .. } | Kind::Delete { .. }) || k.runs_variable_code()
    })?;
    Some((
        country,
        vec![
            evidence(file, target, format!("names {country}")),
            evidence(file, locates, "finds out where it runs"),
            evidence(file, acts, "acts on the machine"),
        ],
    ))
}

/// A wiper that overwrites instead of deleting: the file lists the home directory or a
/// root and writes to paths it builds at run time (from the names it listed).
fn overwrite_walk(file: &super::facts::FileFacts) -> Option<Vec<dsca_model::Evidence>> {
    let list =
        file.first(|k| matches!(k, Kind::ListDir(target) if is_home_or_root(target, false)))?;
    let write = file.first(|k| {
        matches!(k, Kind::FileWrite { target } if target.as_deref().is_some_and(|t| t.contains('*')))
    })?;
    let Kind::ListDir(target) = &list.kind else {
        return None;
    };
    Some(vec![
        evidence(
            file,
            list,
            format!("lists `{}`", crate::inline_code::short(target)),
        ),
        evidence(file, write, "writes to a path built at run time"),
    ])
}

/// Whether `target` names the home directory or a filesystem root (`~`, `$HOME`,
/// `%USERPROFILE%`, `/`, `C:\`). With `globs`, everything in them counts too (`~/*`,
/// `/*`, `~/.[!.]*`); a folder inside them (`~/.cache/tool`) never does.
pub(crate) fn is_home_or_root(target: &str, globs: bool) -> bool {
    let mut text = target
        .trim()
        .trim_matches(['"', '\'', '`'])
        .to_ascii_lowercase()
        .replace('\\', "/");
    if text.is_empty() {
        return false;
    }
    loop {
        let before = text.len();
        for tail in ["/.[!.]*", "/.??*", "/.*", "/*.*", "/*", "/"] {
            if (globs || tail == "/")
                && text.len() > tail.len()
                && let Some(head) = text.strip_suffix(tail)
            {
                text = head.to_string();
            }
        }
        if text.len() == before {
            break;
        }
    }
    matches!(
        text.as_str(),
        "~" | "/"
            | "$home"
            | "${home}"
            | "$env:home"
            | "$env:userprofile"
            | "${env:userprofile}"
            | "%userprofile%"
            | "%homepath%"
            | "%homedrive%%homepath%"
            | "%systemdrive%"
            | "$env:systemdrive"
            | "c:"
            | "/home"
            | "/users"
            | "/root"
    ) || (globs && matches!(text.as_str(), "/*" | "~/*" | "c:/*"))
}

/// The home or root folder a command line deletes recursively, if it does: `rm -rf ~`,
/// `del /s /q %USERPROFILE%\*`, `rd /s /q C:\`, `Remove-Item -Recurse -Force $HOME`,
/// `shutil.rmtree(os.path.expanduser('~'))`, also behind `cmd /c`, `sh -c` and
/// `powershell -Command`.
pub(crate) fn wipe_command(line: &str) -> Option<String> {
    if line.len() > 4096 {
        return None;
    }
    if let Some(target) = python_rmtree(line) {
        return Some(target);
    }
    for command in crate::shell::shell_commands(line) {
        let mut words: Vec<String> = command.iter().map(|w| w.to_ascii_lowercase()).collect();
        // `cmd /c …`, `sh -c …`, `powershell -NoP -Command …`: judge the inner command.
        while let Some(program) = words.first() {
            let program = program.trim_end_matches(".exe");
            let runner = matches!(
                program,
                "cmd" | "sh" | "bash" | "zsh" | "powershell" | "pwsh"
            );
            if !runner {
                break;
            }
            let inner = words
                .iter()
                .skip(1)
                .position(|w| matches!(w.as_str(), "/c" | "/k" | "-c" | "-command"))
                .map(|at| at + 2);
            match inner {
                Some(at) if at < words.len() => {
                    words.drain(..at);
                }
                _ => break,
            }
        }
        let Some((program, args)) = words.split_first() else {
            continue;
        };
        let recursive = match program.trim_end_matches(".exe") {
            "rm" => args.iter().any(|a| {
                (a.starts_with('-') && !a.starts_with("--") && a.contains('r'))
                    || a == "--recursive"
                    || a.starts_with("-recurse")
            }),
            "del" | "erase" | "rd" | "rmdir" | "remove-item" | "ri" => args
                .iter()
                .any(|a| a == "/s" || a.starts_with("-r") || a == "--recursive"),
            _ => false,
        };
        if !recursive {
            continue;
        }
        let windows = !program.starts_with("rm") || program == "rmdir";
        if let Some(target) = args.iter().find(|a| {
            let option = a.starts_with('-') || (windows && a.starts_with('/') && a.len() == 2);
            !option && is_home_or_root(a, true)
        }) {
            return Some(target.clone());
        }
    }
    None
}

/// `shutil.rmtree(<home or root>)`.
fn python_rmtree(line: &str) -> Option<String> {
    let at = line.find("rmtree(")?;
    let rest = &line[at + "rmtree(".len()..];
    // The argument: up to the `)` or `,` that closes it.
    let mut depth = 0usize;
    let mut end = rest.len();
    for (i, c) in rest.char_indices() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' if depth > 0 => depth -= 1,
            ')' | ',' if depth == 0 => {
                end = i;
                break;
            }
            _ => {}
        }
    }
    let argument = &rest[..end];
    let bare: String = argument
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '"' | '\''))
        .collect::<String>()
        .to_ascii_lowercase();
    let home = [
        "os.path.expanduser(~)",
        "path.expanduser(~)",
        "expanduser(~)",
        "pathlib.path.home()",
        "path.home()",
        "os.environ[home]",
        "os.environ[userprofile]",
        "os.getenv(home)",
        "os.getenv(userprofile)",
        "os.path.expanduser(~/)",
    ];
    if home.contains(&bare.as_str()) {
        Some("~".to_string())
    } else {
        matches!(bare.as_str(), "/" | "c:/" | "c://" | "c:").then(|| "/".to_string())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn home_and_root_targets() {
        for target in [
            "~",
            "~/",
            "$HOME",
            "\"$HOME\"",
            "${HOME}",
            "/",
            "%USERPROFILE%",
        ] {
            assert!(is_home_or_root(target, false), "{target}");
        }
        for target in ["~/*", "~/.[!.]*", "/*", "%USERPROFILE%\\*", "$HOME/*"] {
            assert!(is_home_or_root(target, true), "{target}");
            assert!(
                !is_home_or_root(target, false) || target == "/*",
                "{target}"
            );
        }
        for target in [
            "~/.cache/mytool",
            "./dist",
            "node_modules",
            "/tmp/x",
            "*/x",
            "",
        ] {
            assert!(!is_home_or_root(target, true), "{target}");
        }
    }

    #[test]
    fn wipe_commands() {
        for line in [
            "rm -rf ~",
            "rm -rf ~/* ~/.[!.]* 2>/dev/null",
            "sudo rm -rf --no-preserve-root /",
            "rm -fr \"$HOME\"",
            "rm -rf /*",
            "cmd /c \"del /F /Q /S %USERPROFILE%\\* & rd /S /Q %USERPROFILE%\"",
            "Remove-Item -Recurse -Force $HOME",
            "Remove-Item -Path ~ -Recurse -Force",
            "powershell -NoP -Command \"Remove-Item -Recurse -Force $env:USERPROFILE\"",
            "shutil.rmtree(os.path.expanduser('~'))",
            "shutil.rmtree(Path.home(), ignore_errors=True)",
        ] {
            assert!(wipe_command(line).is_some(), "{line}");
        }
        for line in [
            "rm -rf node_modules",
            "rm -rf ~/.cache/mytool",
            "rm -f ~/.npmrc.bak",
            "rm ~",
            "rm -rf \"$HOME/.cache/tool\"",
            "rm -rf build dist",
            "del /q %TEMP%\\x.txt",
            "Remove-Item -Recurse -Force .\\dist",
            "shutil.rmtree(os.path.expanduser('~/.cache/tool'))",
            "shutil.rmtree(build_dir)",
        ] {
            assert_eq!(wipe_command(line), None, "{line}");
        }
    }
}
