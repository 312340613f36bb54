//! Thin, checked wrappers over the Linux calls the sandbox needs. Every `unsafe` block of
//! the crate's process and mount handling lives here; each wrapper turns `-1` into an
//! `io::Error` naming the call.

use std::ffi::CString;
use std::io;
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;
use std::path::Path;

fn check(ret: libc::c_int, what: &str) -> io::Result<libc::c_int> {
    if ret == -1 {
        let err = io::Error::last_os_error();
        Err(io::Error::new(err.kind(), format!("{what}: {err}")))
    } else {
        Ok(ret)
    }
}

fn cstring(path: &Path) -> io::Result<CString> {
    use std::os::unix::ffi::OsStrExt as _;
    CString::new(path.as_os_str().as_bytes())
        .map_err(|_| io::Error::new(io::ErrorKind::InvalidInput, "path holds a NUL byte"))
}

pub fn unshare(flags: libc::c_int) -> io::Result<()> {
    // SAFETY: unshare takes plain flags and changes only this process's namespaces.
    check(unsafe { libc::unshare(flags) }, "unshare").map(drop)
}

pub fn mount(
    source: Option<&Path>,
    target: &Path,
    fstype: Option<&str>,
    flags: libc::c_ulong,
    data: Option<&str>,
) -> io::Result<()> {
    let source = source.map(cstring).transpose()?;
    let target_c = cstring(target)?;
    let fstype = fstype.map(|s| CString::new(s).unwrap_or_default());
    let data = data.map(|s| CString::new(s).unwrap_or_default());
    // SAFETY: every pointer is either null or a NUL-terminated string that outlives the call.
    let ret = unsafe {
        libc::mount(
            source.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            target_c.as_ptr(),
            fstype.as_ref().map_or(std::ptr::null(), |s| s.as_ptr()),
            flags,
            data.as_ref()
                .map_or(std::ptr::null(), |s| s.as_ptr().cast()),
        )
    };
    check(ret, &format!("mount {}", target.display())).map(drop)
}

/// Makes `target` and every mount below it read-only, nosuid and nodev in one step
/// (`mount_setattr` with `AT_RECURSIVE`, Linux 5.12). The error keeps its OS code, so
/// the caller can tell an old kernel (`ENOSYS`) from a refusal.
pub fn make_tree_read_only(target: &Path) -> io::Result<()> {
    #[repr(C)]
    struct MountAttr {
        attr_set: u64,
        attr_clr: u64,
        propagation: u64,
        userns_fd: u64,
    }
    const MOUNT_ATTR_RDONLY: u64 = 0x1;
    const MOUNT_ATTR_NOSUID: u64 = 0x2;
    const MOUNT_ATTR_NODEV: u64 = 0x4;
    let attr = MountAttr {
        attr_set: MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV,
        attr_clr: 0,
        propagation: 0,
        userns_fd: 0,
    };
    let path = cstring(target)?;
    // SAFETY: a NUL-terminated path and a mount_attr of the size passed, both alive for
    // the call; the kernel only reads them.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_mount_setattr,
            libc::AT_FDCWD,
            path.as_ptr(),
            libc::AT_RECURSIVE as libc::c_uint,
            &attr as *const MountAttr,
            std::mem::size_of::<MountAttr>(),
        )
    };
    if ret == -1 {
        Err(io::Error::last_os_error())
    } else {
        Ok(())
    }
}

pub fn umount_detach(target: &Path) -> io::Result<()> {
    let target_c = cstring(target)?;
    // SAFETY: a NUL-terminated path.
    check(
        unsafe { libc::umount2(target_c.as_ptr(), libc::MNT_DETACH) },
        "umount",
    )
    .map(drop)
}

pub fn pivot_root(new_root: &Path, put_old: &Path) -> io::Result<()> {
    let new_root = cstring(new_root)?;
    let put_old = cstring(put_old)?;
    // SAFETY: two NUL-terminated paths; pivot_root has no libc wrapper.
    let ret = unsafe { libc::syscall(libc::SYS_pivot_root, new_root.as_ptr(), put_old.as_ptr()) };
    check(ret as libc::c_int, "pivot_root").map(drop)
}

pub fn sethostname(name: &str) -> io::Result<()> {
    // SAFETY: pointer and length of a live byte slice.
    check(
        unsafe { libc::sethostname(name.as_ptr().cast(), name.len()) },
        "sethostname",
    )
    .map(drop)
}

pub fn set_ids(uid: u32, gid: u32) -> io::Result<()> {
    // SAFETY: plain integer arguments. Groups first: after the uid changes we may no
    // longer be allowed to change them.
    unsafe {
        if gid != u32::MAX {
            check(libc::setresgid(gid, gid, gid), "setresgid")?;
        }
        check(libc::setresuid(uid, uid, uid), "setresuid")?;
    }
    Ok(())
}

pub fn clear_groups() -> io::Result<()> {
    // SAFETY: an empty list.
    check(unsafe { libc::setgroups(0, std::ptr::null()) }, "setgroups").map(drop)
}

/// A pidfd for `pid` (a child of this process): readable once it has exited (see
/// [`wait_readable`]).
pub fn pidfd_open(pid: libc::pid_t) -> io::Result<OwnedFd> {
    // SAFETY: pidfd_open takes a pid and flags; the descriptor is owned from here on.
    let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
    if fd < 0 {
        return Err(io::Error::last_os_error());
    }
    let fd = i32::try_from(fd).map_err(|_| io::Error::other("pidfd out of range"))?;
    // SAFETY: a fresh descriptor nothing else owns.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// Waits until `fd` is readable (a pending connection, an exited pidfd), at most `timeout`, or
/// until `wake` (an eventfd that stays readable once written) says to stop waiting.
pub fn wait_readable(fd: RawFd, wake: Option<RawFd>, timeout: std::time::Duration) -> bool {
    let mut pollfds = [
        libc::pollfd {
            fd,
            events: libc::POLLIN,
            revents: 0,
        },
        libc::pollfd {
            // poll ignores negative descriptors.
            fd: wake.unwrap_or(-1),
            events: libc::POLLIN,
            revents: 0,
        },
    ];
    let millis = i32::try_from(timeout.as_millis()).unwrap_or(i32::MAX);
    // SAFETY: two valid pollfds for the duration of the call.
    let ready = unsafe { libc::poll(pollfds.as_mut_ptr(), 2, millis) };
    ready > 0 && pollfds[0].revents & libc::POLLIN != 0
}

/// The CPUs this process may run on.
pub fn allowed_cpus() -> io::Result<Vec<usize>> {
    // SAFETY: a zeroed cpu_set_t is an empty set; the kernel writes at most its size.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    check(
        unsafe { libc::sched_getaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &mut set) },
        "sched_getaffinity",
    )?;
    let bits = 8 * std::mem::size_of::<libc::cpu_set_t>();
    // SAFETY: CPU_ISSET reads the set within its size.
    Ok((0..bits)
        .filter(|&cpu| unsafe { libc::CPU_ISSET(cpu, &set) })
        .collect())
}

/// Run this process (and what it starts) on `cpu` only.
pub fn pin_to_cpu(cpu: usize) -> io::Result<()> {
    if cpu >= 8 * std::mem::size_of::<libc::cpu_set_t>() {
        return Err(io::Error::other(format!("no CPU {cpu}")));
    }
    // SAFETY: a zeroed cpu_set_t is an empty set; CPU_SET writes within it.
    let mut set: libc::cpu_set_t = unsafe { std::mem::zeroed() };
    unsafe { libc::CPU_SET(cpu, &mut set) };
    check(
        unsafe { libc::sched_setaffinity(0, std::mem::size_of::<libc::cpu_set_t>(), &set) },
        "sched_setaffinity",
    )
    .map(drop)
}

pub fn set_rlimit(resource: libc::__rlimit_resource_t, value: u64) -> io::Result<()> {
    let limit = libc::rlimit {
        rlim_cur: value,
        rlim_max: value,
    };
    // SAFETY: a pointer to a live rlimit.
    check(unsafe { libc::setrlimit(resource, &limit) }, "setrlimit").map(drop)
}

/// Ask the kernel to SIGKILL this process when its parent dies, so nothing of a sandbox
/// survives a supervisor that was killed.
pub fn die_with_parent() -> io::Result<()> {
    // SAFETY: prctl with integer arguments.
    check(
        unsafe { libc::prctl(libc::PR_SET_PDEATHSIG, libc::SIGKILL, 0, 0, 0) },
        "prctl(PR_SET_PDEATHSIG)",
    )
    .map(drop)
}

pub enum Forked {
    Child,
    Parent(libc::pid_t),
}

/// fork(2). Only call it while the process has a single thread.
pub fn fork() -> io::Result<Forked> {
    // SAFETY: the callers fork from single-threaded processes (the sandbox's init and its
    // PID 1), where the child may run any code.
    let pid = check(unsafe { libc::fork() }, "fork")?;
    Ok(if pid == 0 {
        Forked::Child
    } else {
        Forked::Parent(pid)
    })
}

/// The status of a child that ended: `Exited(code)` or `Signaled(signal)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    Exited(i32),
    Signaled(i32),
}

/// waitpid with WNOHANG (or blocking): `Ok(None)` when nothing has ended yet.
pub fn wait_any(pid: libc::pid_t, block: bool) -> io::Result<Option<(libc::pid_t, ExitStatus)>> {
    let mut status = 0;
    let flags = if block { 0 } else { libc::WNOHANG };
    // SAFETY: a pointer to a live int.
    let ret = unsafe { libc::waitpid(pid, &mut status, flags | libc::__WALL) };
    if ret == -1 {
        let err = io::Error::last_os_error();
        if err.raw_os_error() == Some(libc::ECHILD) {
            return Ok(None);
        }
        return Err(err);
    }
    if ret == 0 {
        return Ok(None);
    }
    let exit = if libc::WIFEXITED(status) {
        ExitStatus::Exited(libc::WEXITSTATUS(status))
    } else if libc::WIFSIGNALED(status) {
        ExitStatus::Signaled(libc::WTERMSIG(status))
    } else {
        return Ok(None);
    };
    Ok(Some((ret, exit)))
}

pub fn kill(pid: libc::pid_t, signal: libc::c_int) -> io::Result<()> {
    // SAFETY: plain integers.
    check(unsafe { libc::kill(pid, signal) }, "kill").map(drop)
}

/// Duplicate `fd` onto `target` (for a child before exec), without close-on-exec.
pub fn dup_onto(fd: RawFd, target: RawFd) -> io::Result<()> {
    // SAFETY: dup2 of integers; the target is replaced atomically.
    check(unsafe { libc::dup2(fd, target) }, "dup2").map(drop)
}

/// exec a program; returns only on failure.
pub fn exec(program: &str, argv: &[String], env: &[(String, String)]) -> io::Error {
    let Ok(program_c) = CString::new(program) else {
        return io::Error::new(io::ErrorKind::InvalidInput, "program holds a NUL byte");
    };
    let to_c = |s: &str| CString::new(s).unwrap_or_default();
    let argv_c: Vec<CString> = argv.iter().map(|a| to_c(a)).collect();
    let env_c: Vec<CString> = env.iter().map(|(k, v)| to_c(&format!("{k}={v}"))).collect();
    let mut argv_p: Vec<*const libc::c_char> = argv_c.iter().map(|a| a.as_ptr()).collect();
    argv_p.push(std::ptr::null());
    let mut env_p: Vec<*const libc::c_char> = env_c.iter().map(|a| a.as_ptr()).collect();
    env_p.push(std::ptr::null());
    // SAFETY: NUL-terminated strings in null-terminated arrays that outlive the call.
    unsafe { libc::execve(program_c.as_ptr(), argv_p.as_ptr(), env_p.as_ptr()) };
    io::Error::last_os_error()
}

/// The audit architecture of this build's system calls (seccomp_data.arch).
#[cfg(target_arch = "x86_64")]
const AUDIT_ARCH_NATIVE: u32 = 0xC000_003E;
#[cfg(target_arch = "aarch64")]
const AUDIT_ARCH_NATIVE: u32 = 0xC000_00B7;
/// x32 system calls on x86_64 carry this bit in their number.
const X32_SYSCALL_BIT: u32 = 0x4000_0000;

/// From here on, for this process and all it starts: no ptrace, no reading or writing
/// another process's memory, no taking another process's descriptors (EPERM), and no
/// system calls of another architecture. A script may not take over npm or the script
/// shells, which run untraced with the same user id. Also sets no_new_privs.
#[cfg(any(target_arch = "x86_64", target_arch = "aarch64"))]
pub fn deny_process_tampering() -> io::Result<()> {
    let statement = |code: u32, k: u32, jt: u8, jf: u8| libc::sock_filter {
        code: code as u16,
        jt,
        jf,
        k,
    };
    let load = libc::BPF_LD | libc::BPF_W | libc::BPF_ABS;
    let jump_eq = libc::BPF_JMP | libc::BPF_JEQ | libc::BPF_K;
    let jump_ge = libc::BPF_JMP | libc::BPF_JGE | libc::BPF_K;
    let ret = libc::BPF_RET | libc::BPF_K;
    let denied = [
        libc::SYS_ptrace,
        libc::SYS_process_vm_readv,
        libc::SYS_process_vm_writev,
        libc::SYS_pidfd_getfd,
    ]
    .map(|call| call as u32);
    let deny = libc::SECCOMP_RET_ERRNO | (libc::EPERM as u32 & libc::SECCOMP_RET_DATA);
    // seccomp_data: nr at offset 0, arch at offset 4.
    let mut program = vec![
        statement(load, 4, 0, 0),
        // Another architecture: denied outright (its numbers mean other calls).
        statement(jump_eq, AUDIT_ARCH_NATIVE, 1, 0),
        statement(ret, deny, 0, 0),
        statement(load, 0, 0, 0),
        statement(jump_ge, X32_SYSCALL_BIT, 0, 1),
        statement(ret, deny, 0, 0),
    ];
    for call in denied {
        program.push(statement(jump_eq, call, 0, 1));
        program.push(statement(ret, deny, 0, 0));
    }
    program.push(statement(ret, libc::SECCOMP_RET_ALLOW, 0, 0));
    let filter = libc::sock_fprog {
        len: program.len() as u16,
        filter: program.as_mut_ptr(),
    };
    // SAFETY: prctl with integer arguments.
    check(
        unsafe { libc::prctl(libc::PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) },
        "no_new_privs",
    )?;
    // SAFETY: the program outlives the call; the kernel copies it.
    let installed = unsafe {
        libc::syscall(
            libc::SYS_seccomp,
            libc::SECCOMP_SET_MODE_FILTER,
            0,
            &filter as *const libc::sock_fprog,
        )
    };
    if installed < 0 {
        let err = io::Error::last_os_error();
        return Err(io::Error::new(err.kind(), format!("seccomp: {err}")));
    }
    Ok(())
}

/// Send `signal` to the process of a pidfd (never to a later process that reused its pid).
pub fn pidfd_signal(pidfd: RawFd, signal: libc::c_int) -> io::Result<()> {
    // SAFETY: pidfd_send_signal with no siginfo and no flags.
    let ret = unsafe {
        libc::syscall(
            libc::SYS_pidfd_send_signal,
            pidfd,
            signal,
            std::ptr::null::<libc::siginfo_t>(),
            0,
        )
    };
    if ret < 0 {
        return Err(io::Error::last_os_error());
    }
    Ok(())
}

/// Close `fd` on exec.
pub fn set_cloexec(fd: RawFd) -> io::Result<()> {
    // SAFETY: fcntl on a descriptor number; a bad one fails with EBADF.
    let flags = check(unsafe { libc::fcntl(fd, libc::F_GETFD) }, "F_GETFD")?;
    // SAFETY: as above.
    check(
        unsafe { libc::fcntl(fd, libc::F_SETFD, flags | libc::FD_CLOEXEC) },
        "F_SETFD",
    )
    .map(drop)
}

/// A pipe (read end, write end), both closed on exec.
pub fn pipe() -> io::Result<(OwnedFd, OwnedFd)> {
    let mut fds = [0 as RawFd; 2];
    // SAFETY: pipe2 writes two descriptors into the array we own.
    check(
        unsafe { libc::pipe2(fds.as_mut_ptr(), libc::O_CLOEXEC) },
        "pipe2",
    )?;
    // SAFETY: two fresh descriptors nothing else owns.
    Ok(unsafe { (OwnedFd::from_raw_fd(fds[0]), OwnedFd::from_raw_fd(fds[1])) })
}

/// The pid of the process at the other end of a connected Unix socket (SO_PEERCRED).
pub fn peer_pid(socket: RawFd) -> io::Result<libc::pid_t> {
    let mut credentials = libc::ucred {
        pid: 0,
        uid: 0,
        gid: 0,
    };
    let mut length = std::mem::size_of::<libc::ucred>() as libc::socklen_t;
    // SAFETY: getsockopt writes at most `length` bytes into the ucred we own.
    let ret = unsafe {
        libc::getsockopt(
            socket,
            libc::SOL_SOCKET,
            libc::SO_PEERCRED,
            (&mut credentials as *mut libc::ucred).cast(),
            &mut length,
        )
    };
    check(ret, "SO_PEERCRED")?;
    Ok(credentials.pid)
}

/// Send `bytes` with `fds` attached (SCM_RIGHTS).
pub fn send_with_fds(socket: &UnixStream, bytes: &[u8], fds: &[RawFd]) -> io::Result<()> {
    let fd_bytes = std::mem::size_of_val(fds);
    // SAFETY: CMSG_SPACE is a pure size computation.
    let space = unsafe { libc::CMSG_SPACE(fd_bytes as u32) } as usize;
    // u64s: the buffer is read and written as cmsghdr, which needs its alignment.
    let mut control = vec![0u64; space.div_ceil(8)];
    let mut iov = libc::iovec {
        iov_base: bytes.as_ptr() as *mut libc::c_void,
        iov_len: bytes.len(),
    };
    // SAFETY: msghdr is plain data; every pointer set below refers to live buffers.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = space;
    // SAFETY: the control buffer is CMSG_SPACE(fd_bytes) long, enough for one header
    // followed by the fds.
    unsafe {
        let cmsg = libc::CMSG_FIRSTHDR(&msg);
        if cmsg.is_null() {
            return Err(io::Error::other("no room for the control message"));
        }
        (*cmsg).cmsg_level = libc::SOL_SOCKET;
        (*cmsg).cmsg_type = libc::SCM_RIGHTS;
        (*cmsg).cmsg_len = libc::CMSG_LEN(fd_bytes as u32) as usize;
        std::ptr::copy_nonoverlapping(fds.as_ptr(), libc::CMSG_DATA(cmsg).cast(), fds.len());
    }
    // SAFETY: msg points at live buffers.
    let sent = unsafe { libc::sendmsg(socket.as_raw_fd(), &msg, libc::MSG_NOSIGNAL) };
    if sent < 0 {
        return Err(io::Error::last_os_error());
    }
    if sent as usize != bytes.len() {
        return Err(io::Error::other("short send of a message with descriptors"));
    }
    Ok(())
}

/// Receive up to `buffer.len()` bytes and at most `max_fds` descriptors.
pub fn recv_with_fds(
    socket: &UnixStream,
    buffer: &mut [u8],
    max_fds: usize,
) -> io::Result<(usize, Vec<OwnedFd>)> {
    let fd_bytes = max_fds * std::mem::size_of::<RawFd>();
    // SAFETY: a pure size computation.
    let space = unsafe { libc::CMSG_SPACE(fd_bytes as u32) } as usize;
    // u64s: the buffer is read and written as cmsghdr, which needs its alignment.
    let mut control = vec![0u64; space.div_ceil(8)];
    let mut iov = libc::iovec {
        iov_base: buffer.as_mut_ptr().cast(),
        iov_len: buffer.len(),
    };
    // SAFETY: plain data, pointers set below refer to live buffers.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_iov = &mut iov;
    msg.msg_iovlen = 1;
    msg.msg_control = control.as_mut_ptr().cast();
    msg.msg_controllen = space;
    // SAFETY: msg points at live buffers; MSG_CMSG_CLOEXEC keeps the new fds private.
    let got = unsafe { libc::recvmsg(socket.as_raw_fd(), &mut msg, libc::MSG_CMSG_CLOEXEC) };
    if got < 0 {
        return Err(io::Error::last_os_error());
    }
    let mut fds = Vec::new();
    // SAFETY: walking the control messages the kernel wrote into our buffer.
    unsafe {
        let mut cmsg = libc::CMSG_FIRSTHDR(&msg);
        while !cmsg.is_null() {
            if (*cmsg).cmsg_level == libc::SOL_SOCKET && (*cmsg).cmsg_type == libc::SCM_RIGHTS {
                let data = libc::CMSG_DATA(cmsg);
                let header = libc::CMSG_LEN(0) as usize;
                let count = ((*cmsg).cmsg_len - header) / std::mem::size_of::<RawFd>();
                for index in 0..count {
                    let fd = std::ptr::read_unaligned(data.cast::<RawFd>().add(index));
                    fds.push(OwnedFd::from_raw_fd(fd));
                }
            }
            cmsg = libc::CMSG_NXTHDR(&msg, cmsg);
        }
    }
    if msg.msg_flags & libc::MSG_CTRUNC != 0 {
        return Err(io::Error::other("descriptors were cut off in transit"));
    }
    Ok((got as usize, fds))
}

pub fn chown(path: &Path, uid: u32, gid: u32) -> io::Result<()> {
    std::os::unix::fs::lchown(path, Some(uid), Some(gid))
        .map_err(|err| io::Error::new(err.kind(), format!("chown {}: {err}", path.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pinned_thread_runs_on_its_one_cpu_and_out_of_range_cpus_are_refused() {
        let cpus = allowed_cpus().expect("affinity");
        assert!(!cpus.is_empty());
        let last = *cpus.last().expect("a CPU");
        // On a thread of its own: the affinity of the test runner's threads stays as it was.
        let pinned = std::thread::spawn(move || {
            pin_to_cpu(last).expect("pin");
            allowed_cpus().expect("affinity")
        })
        .join()
        .expect("thread");
        assert_eq!(pinned, vec![last]);
        assert_eq!(allowed_cpus().expect("affinity"), cpus);
        assert!(pin_to_cpu(1 << 20).is_err());
    }
}
