//! A cgroup around one sandboxed run: one memory limit and one process limit for all of
//! its processes together. The per-process limits (RLIMIT_DATA, RLIMIT_NPROC) stop one
//! process; many processes that each stay under them could still take the host's memory.
//!
//! Made under `dsca/` at the top of the hierarchy: cgroup v2 (`/sys/fs/cgroup`, memory
//! and pids controllers) or v1 (`/sys/fs/cgroup/memory` and `/sys/fs/cgroup/pids`). That
//! needs root (or those directories given to dsca's user); without it the run goes on
//! with the per-process limits alone and the report says so.

use std::ffi::CString;
use std::io;
use std::path::{Path, PathBuf};
use std::time::Duration;

const ROOT: &str = "/sys/fs/cgroup";

/// What the kernel said about the run's memory when it ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct MemoryUse {
    /// The most the run's processes held at once, when the kernel keeps it.
    pub peak_bytes: Option<u64>,
    /// Processes the kernel ended because the run reached its limit.
    pub oom_kills: u64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Version {
    V1,
    V2,
}

#[derive(Debug)]
pub(crate) struct RunCgroup {
    version: Version,
    /// Where the memory controller's files are (v2: the one directory).
    memory_dir: PathBuf,
    /// Every directory made for the run, removed at the end.
    dirs: Vec<PathBuf>,
    /// `cgroup.procs` of each directory, for the sandbox's first process to join itself
    /// to between fork and exec.
    procs_files: Vec<CString>,
}

impl RunCgroup {
    /// A cgroup for one run (`name` unique on the host), limited to `memory_bytes`
    /// (swap included where the kernel counts it) and `max_pids` processes and threads.
    /// Err says why there is none, in a phrase.
    pub fn create(name: &str, memory_bytes: u64, max_pids: u64) -> Result<RunCgroup, String> {
        let root = Path::new(ROOT);
        let version = if root.join("cgroup.controllers").exists() {
            Version::V2
        } else if root.join("memory/memory.limit_in_bytes").exists() {
            Version::V1
        } else {
            return Err(format!("no cgroup memory controller under {ROOT}"));
        };
        let mut made = RunCgroup {
            version,
            memory_dir: PathBuf::new(),
            dirs: Vec::new(),
            procs_files: Vec::new(),
        };
        let result = match version {
            Version::V2 => made.set_up_v2(root, name, memory_bytes, max_pids),
            Version::V1 => made.set_up_v1(root, name, memory_bytes, max_pids),
        };
        match result {
            Ok(()) => Ok(made),
            // `made` removes what was made so far as it drops.
            Err(err) => Err(err.to_string()),
        }
    }

    fn set_up_v2(
        &mut self,
        root: &Path,
        name: &str,
        memory_bytes: u64,
        max_pids: u64,
    ) -> io::Result<()> {
        // A cgroup with controllers for its children holds no processes itself: the
        // runs are leaves under `dsca`, which the top of the hierarchy gives both.
        enable_controllers(root)?;
        let parent = root.join("dsca");
        make_dir(&parent)?;
        enable_controllers(&parent)?;
        let dir = self.make_run_dir(&parent, name)?;
        write(&dir.join("memory.max"), memory_bytes)?;
        // Swap would let a memory bomb go on past the limit, slowly.
        if dir.join("memory.swap.max").exists() {
            write(&dir.join("memory.swap.max"), 0)?;
        }
        write(&dir.join("pids.max"), max_pids)?;
        self.memory_dir = dir;
        Ok(())
    }

    fn set_up_v1(
        &mut self,
        root: &Path,
        name: &str,
        memory_bytes: u64,
        max_pids: u64,
    ) -> io::Result<()> {
        let memory = self.make_run_dir(&root.join("memory/dsca"), name)?;
        write(&memory.join("memory.limit_in_bytes"), memory_bytes)?;
        if memory.join("memory.memsw.limit_in_bytes").exists() {
            write(&memory.join("memory.memsw.limit_in_bytes"), memory_bytes)?;
        }
        self.memory_dir = memory;
        let pids = root.join("pids");
        if !pids.join("cgroup.procs").exists() {
            // RLIMIT_NPROC still holds the processes down, one user at a time.
            return Ok(());
        }
        let pids = self.make_run_dir(&pids.join("dsca"), name)?;
        write(&pids.join("pids.max"), max_pids)
    }

    /// `parent/name`, made (with `parent` when it is new), to join and to remove.
    fn make_run_dir(&mut self, parent: &Path, name: &str) -> io::Result<PathBuf> {
        make_dir(parent)?;
        let dir = parent.join(name);
        make_dir(&dir)?;
        self.dirs.push(dir.clone());
        let procs = dir.join("cgroup.procs");
        let procs = CString::new(procs.as_os_str().as_encoded_bytes())
            .map_err(|_| io::Error::other("a cgroup path with a NUL byte"))?;
        self.procs_files.push(procs);
        Ok(dir)
    }

    /// The `cgroup.procs` files the sandbox's first process writes itself into before
    /// it execs (see [`join_self`]), so that everything it starts is inside.
    pub fn procs_files(&self) -> Vec<CString> {
        self.procs_files.clone()
    }

    /// Whether `pid` is in every directory of the cgroup (it joined them all).
    pub fn holds(&self, pid: u32) -> bool {
        let pid = pid.to_string();
        self.dirs.iter().all(|dir| {
            std::fs::read_to_string(dir.join("cgroup.procs"))
                .is_ok_and(|procs| procs.lines().any(|line| line.trim() == pid))
        })
    }

    /// The memory the run used, read before the cgroup goes.
    pub fn memory_use(&self) -> MemoryUse {
        let read = |file: &str| std::fs::read_to_string(self.memory_dir.join(file)).ok();
        let peak_bytes = match self.version {
            Version::V2 => read("memory.peak"),
            Version::V1 => read("memory.max_usage_in_bytes"),
        }
        .and_then(|text| text.trim().parse().ok());
        let events = match self.version {
            Version::V2 => read("memory.events"),
            Version::V1 => read("memory.oom_control"),
        };
        MemoryUse {
            peak_bytes,
            oom_kills: events.as_deref().map_or(0, oom_kills),
        }
    }
}

impl Drop for RunCgroup {
    fn drop(&mut self) {
        // The sandbox's processes are gone by now (its PID 1 was killed and reaped), but
        // the kernel may still be ending the last of them: a busy cgroup is asked again
        // soon (for up to half a second).
        for dir in self.dirs.iter().rev() {
            // Whatever is still inside (a run that ended in an error) goes first.
            if let Ok(procs) = std::fs::read_to_string(dir.join("cgroup.procs")) {
                for pid in procs
                    .lines()
                    .filter_map(|l| l.trim().parse::<libc::pid_t>().ok())
                {
                    // SAFETY: a signal to a process of this run's cgroup.
                    unsafe { libc::kill(pid, libc::SIGKILL) };
                }
            }
            for _ in 0..500 {
                match std::fs::remove_dir(dir) {
                    Err(err) if err.raw_os_error() == Some(libc::EBUSY) => {
                        std::thread::sleep(Duration::from_millis(1))
                    }
                    _ => break,
                }
            }
        }
    }
}

/// Between fork and exec: write this process into each `cgroup.procs` ("0" is the
/// writing process itself).
pub(crate) fn join_self(procs_files: &[CString]) -> io::Result<()> {
    for file in procs_files {
        write_between_fork_and_exec(file, b"0")?;
    }
    Ok(())
}

/// Between fork and exec: ask the kernel's OOM killer to pass this process (and what it
/// forks until they say otherwise) over. Needs root; without it nothing changes.
pub(crate) fn spare_self_from_oom_killer() {
    let _ = write_between_fork_and_exec(c"/proc/self/oom_score_adj", b"-1000");
}

/// Writes `bytes` to the file at `path` with only async-signal-safe calls (open, write,
/// close), as a forked child may before it execs.
pub(crate) fn write_between_fork_and_exec(path: &std::ffi::CStr, bytes: &[u8]) -> io::Result<()> {
    // SAFETY: a NUL-terminated path; the fd is closed below.
    let fd = unsafe { libc::open(path.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    // SAFETY: `bytes` is a live buffer of that length; the fd is ours.
    let written = unsafe { libc::write(fd, bytes.as_ptr().cast(), bytes.len()) };
    let err = io::Error::last_os_error();
    // SAFETY: closing the fd opened above.
    unsafe { libc::close(fd) };
    if written != bytes.len() as isize {
        return Err(err);
    }
    Ok(())
}

fn make_dir(dir: &Path) -> io::Result<()> {
    match std::fs::create_dir(dir) {
        Err(err) if err.kind() == io::ErrorKind::AlreadyExists => Ok(()),
        result => {
            result.map_err(|err| io::Error::new(err.kind(), format!("{}: {err}", dir.display())))
        }
    }
}

fn write(file: &Path, value: impl std::fmt::Display) -> io::Result<()> {
    std::fs::write(file, value.to_string())
        .map_err(|err| io::Error::new(err.kind(), format!("{}: {err}", file.display())))
}

/// Let the children of `dir` have the memory and pids controllers (already so on most
/// systemd hosts; a controller the kernel lacks makes the write fail).
fn enable_controllers(dir: &Path) -> io::Result<()> {
    let control = dir.join("cgroup.subtree_control");
    let enabled = std::fs::read_to_string(&control).unwrap_or_default();
    let missing: Vec<&str> = ["memory", "pids"]
        .into_iter()
        .filter(|controller| !enabled.split_whitespace().any(|c| c == *controller))
        .collect();
    if missing.is_empty() {
        return Ok(());
    }
    let line = missing
        .iter()
        .map(|c| format!("+{c}"))
        .collect::<Vec<_>>()
        .join(" ");
    write(&control, line)
}

/// The `oom_kill N` line of `memory.events` (v2) or `memory.oom_control` (v1).
fn oom_kills(text: &str) -> u64 {
    text.lines()
        .find_map(|line| line.strip_prefix("oom_kill "))
        .and_then(|n| n.trim().parse().ok())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn oom_kills_come_from_either_version() {
        let v2 = "low 0\nhigh 0\nmax 12\noom 3\noom_kill 2\noom_group_kill 0\n";
        assert_eq!(oom_kills(v2), 2);
        let v1 = "oom_kill_disable 0\nunder_oom 0\noom_kill 5\n";
        assert_eq!(oom_kills(v1), 5);
        assert_eq!(oom_kills("oom_kill_disable 0\nunder_oom 0\n"), 0);
        assert_eq!(oom_kills("oom_kill many\n"), 0);
    }
}
