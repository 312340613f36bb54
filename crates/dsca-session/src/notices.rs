//! What a session tells its user while it works, beside its reports: warnings (a
//! stale advisory database, an expired policy entry), the progress of long jobs, and
//! what npm said when it failed. The library says them through a [`Reporter`]; the CLI
//! uses [`StandardError`], another front end passes its own in [`crate::Settings`].

use dsca_report::sanitize_for_terminal;
use std::io::{IsTerminal as _, Write as _};
use std::sync::Arc;

/// One thing to tell the user.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Notice<'a> {
    /// Something the user should know that does not stop the work.
    Warning(&'a str),
    /// What a long job did (queued names, replayed journals, final counts).
    Progress(&'a str),
    /// The running status of a long job, told often; `last` when the job is done.
    Status { line: &'a str, last: bool },
    /// A line another program (npm) wrote, passed on as it wrote it.
    Relayed(&'a str),
}

/// Where a session's notices go.
pub trait Reporter: Send + Sync {
    fn notify(&self, notice: Notice<'_>);

    /// Whether [`Notice::Status`] is shown in place (so it may come often).
    fn live(&self) -> bool {
        false
    }
}

/// Standard error, as the CLI shows notices: `dsca: warning: …` and `dsca: …` lines;
/// on a terminal the running status is one line redrawn in place.
pub struct StandardError {
    terminal: bool,
}

impl Default for StandardError {
    fn default() -> Self {
        StandardError {
            terminal: std::io::stderr().is_terminal(),
        }
    }
}

impl Reporter for StandardError {
    fn notify(&self, notice: Notice<'_>) {
        let mut stderr = std::io::stderr().lock();
        // Notices can quote registry data and npm's output: never let it drive the
        // terminal.
        let _ = match notice {
            Notice::Warning(text) => {
                writeln!(stderr, "dsca: warning: {}", sanitize_for_terminal(text))
            }
            Notice::Progress(text) => writeln!(stderr, "dsca: {}", sanitize_for_terminal(text)),
            Notice::Status { line, last } if self.terminal => {
                let _ = write!(stderr, "\r\x1b[2K{}", sanitize_for_terminal(line));
                if last { writeln!(stderr) } else { Ok(()) }
            }
            Notice::Status { line, .. } => {
                writeln!(stderr, "dsca: {}", sanitize_for_terminal(line))
            }
            Notice::Relayed(line) => writeln!(stderr, "{}", sanitize_for_terminal(line)),
        };
    }

    fn live(&self) -> bool {
        self.terminal
    }
}

/// A session's reporter, shared by its threads.
#[derive(Clone)]
pub struct Notices(Arc<dyn Reporter>);

impl Notices {
    pub fn new(reporter: impl Reporter + 'static) -> Notices {
        Notices(Arc::new(reporter))
    }

    pub fn warning(&self, text: &str) {
        self.0.notify(Notice::Warning(text));
    }

    pub fn progress(&self, text: &str) {
        self.0.notify(Notice::Progress(text));
    }

    pub fn status(&self, line: &str, last: bool) {
        self.0.notify(Notice::Status { line, last });
    }

    pub fn relay(&self, line: &str) {
        self.0.notify(Notice::Relayed(line));
    }

    pub fn live(&self) -> bool {
        self.0.live()
    }
}

impl Default for Notices {
    fn default() -> Self {
        Notices::new(StandardError::default())
    }
}

impl std::fmt::Debug for Notices {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Notices")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// A reporter that keeps what it was told.
    #[derive(Default)]
    struct Kept(Mutex<Vec<String>>);

    impl Reporter for Arc<Kept> {
        fn notify(&self, notice: Notice<'_>) {
            self.0.lock().unwrap().push(format!("{notice:?}"));
        }
    }

    #[test]
    fn notices_reach_the_reporter_given() {
        let kept = Arc::new(Kept::default());
        let notices = Notices::new(kept.clone());
        notices.warning("old");
        notices.status("1/2", true);
        assert_eq!(
            *kept.0.lock().unwrap(),
            ["Warning(\"old\")", "Status { line: \"1/2\", last: true }"]
        );
        assert!(!notices.live());
    }
}
