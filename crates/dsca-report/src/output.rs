//! Where a rendered report goes: standard output, or a file written whole or not at
//! all; and whether it is coloured.

use std::io::{self, IsTerminal as _, Write};
use std::path::Path;

/// `--color`: when text output is coloured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum ColorChoice {
    /// A terminal, unless NO_COLOR is set (CLICOLOR_FORCE forces it).
    #[default]
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub const ALL: [ColorChoice; 3] = [ColorChoice::Auto, ColorChoice::Always, ColorChoice::Never];

    pub fn as_str(self) -> &'static str {
        match self {
            ColorChoice::Auto => "auto",
            ColorChoice::Always => "always",
            ColorChoice::Never => "never",
        }
    }

    /// Whether to colour output that goes to a file (`to_file`) or standard output.
    pub fn use_color(self, to_file: bool) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                if std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty()) {
                    return false;
                }
                if std::env::var_os("CLICOLOR_FORCE").is_some_and(|v| !v.is_empty() && v != "0") {
                    return true;
                }
                !to_file && io::stdout().is_terminal()
            }
        }
    }
}

/// Render with `render` into memory, then deliver: to a `path` that is (or will be) a
/// regular file through a temporary file in the same directory and a rename (so a
/// failure never leaves half a report), to any other `path` (a device, a pipe) directly,
/// or to standard output. Errors name the file.
pub fn deliver(
    path: Option<&Path>,
    render: impl FnOnce(&mut dyn Write) -> io::Result<()>,
) -> io::Result<()> {
    let mut buffer = Vec::new();
    render(&mut buffer).map_err(|err| named(err, "cannot render the report".to_string()))?;
    match path {
        // `-o /dev/null`, `-o /dev/stdout`, a named pipe: written to as they are. A
        // rename would put a regular file in their place (as root, even /dev/null).
        Some(path) if std::fs::metadata(path).is_ok_and(|m| !m.is_file()) => {
            let mut file = std::fs::OpenOptions::new()
                .write(true)
                .open(path)
                .map_err(|err| named(err, format!("cannot open {}", path.display())))?;
            file.write_all(&buffer)
                .and_then(|()| file.flush())
                .map_err(|err| named(err, format!("cannot write {}", path.display())))
        }
        Some(path) => write_atomically(path, &buffer),
        None => {
            let mut stdout = io::stdout().lock();
            stdout.write_all(&buffer)?;
            stdout.flush()
        }
    }
}

fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let Some(file_name) = path.file_name() else {
        return Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("cannot write {}: it does not name a file", path.display()),
        ));
    };
    let temp = dir.join(format!(
        ".{}.dsca-{}.tmp",
        file_name.to_string_lossy(),
        std::process::id()
    ));
    let result = std::fs::write(&temp, bytes).and_then(|()| std::fs::rename(&temp, path));
    if result.is_err() {
        let _ = std::fs::remove_file(&temp);
    }
    result.map_err(|err| named(err, format!("cannot write {}", path.display())))
}

/// `err` with what was being done in front, keeping its kind (a broken pipe stays one).
fn named(err: io::Error, what: String) -> io::Error {
    io::Error::new(err.kind(), format!("{what}: {err}"))
}

/// A reader that went away (`dsca scan x | head`) is not an error.
pub fn is_broken_pipe(err: &io::Error) -> bool {
    err.kind() == io::ErrorKind::BrokenPipe
}
