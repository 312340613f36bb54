//! Where reports go: standard output, or a file that is written whole or not at all.

use crate::cli::ColorChoice;
use anyhow::Context as _;
use std::io::{IsTerminal as _, Write};
use std::path::Path;

/// Render with `render` into memory, then deliver: to a `path` that is (or will be) a
/// regular file through a temporary file in the same directory and a rename (so a
/// failure never leaves half a report), to any other `path` (a device, a pipe) directly,
/// or to standard output.
pub fn deliver(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> anyhow::Result<()> {
    let mut buffer = Vec::new();
    render(&mut buffer).context("cannot render the report")?;
    match path {
        // `-o /dev/null`, `-o /dev/stdout`, a named pipe: written to as they are. A
        // rename would put a regular file in their place (as root, even /dev/null).
        Some(path) if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .with_context(|| format!("cannot open {}", path.display()))?;
            file.write_all(&buffer)
                .and_then(|()| file.flush())
                .with_context(|| format!("cannot write {}", path.display()))
        }
        Some(path) => write_atomically(path, &buffer),
        None => {
            let mut stdout = std::io::stdout().lock();
            stdout.write_all(&buffer)?;
            stdout.flush()?;
            Ok(())
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let file_name = path
        .file_name()
        .with_context(|| format!("--output {} does not name a file", path.display()))?;
    let temp = dir.join(format!(
        ".{}.dsca-{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.with_context(|| format!("cannot write {}", path.display()))
}

/// Colour only for a terminal, unless forced; NO_COLOR wins over auto detection.
pub fn use_color(choice: ColorChoice, to_file: bool) -> bool {
    match choice {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                return false;
            }
            if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
                return true;
            }
            !to_file && std::io::stdout().is_terminal()
        }
    }
}

/// A reader that went away (`dsca scan x | head`) is not an error.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}
