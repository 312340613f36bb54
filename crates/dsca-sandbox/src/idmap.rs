//! Who the sandbox's users are on the host.
//!
//! Inside, id 0 runs dsca's own init and tracer, and id 1000 runs the package. Neither
//! may be an id that owns host files the package could reach:
//! - as root, both map to ids far above any real account's;
//! - as an unprivileged user, sandbox root maps to the user (who owns nothing the
//!   sandbox shows) and the package's id to one of the user's subordinate ids from
//!   /etc/subuid and /etc/subgid, through the setuid helpers newuidmap and newgidmap
//!   (Debian's uidmap package), as rootless containers do.

use crate::SandboxError;
use crate::init::host_tool;
use std::path::PathBuf;

/// Host ids that sandbox root and the sandbox user map to under root.
pub const HOST_ID_BASE: u32 = 3_000_000_000;
/// The package's user id inside the sandbox.
pub const SANDBOX_UID: u32 = 1000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum IdPlan {
    Root,
    Unprivileged {
        uid: u32,
        gid: u32,
        sub_uid: u32,
        sub_gid: u32,
        newuidmap: PathBuf,
        newgidmap: PathBuf,
    },
}

/// The first subordinate id of `user` (by name or number) in an /etc/subuid-style text.
pub fn subordinate_start(text: &str, name: Option<&str>, id: u32) -> Option<u32> {
    text.lines().find_map(|line| {
        let mut fields = line.trim().split(':');
        let owner = fields.next()?;
        let start: u32 = fields.next()?.trim().parse().ok()?;
        let count: u64 = fields.next()?.trim().parse().ok()?;
        let matches = Some(owner) == name || owner.parse::<u32>().ok() == Some(id);
        (matches && count >= 1).then_some(start)
    })
}

/// The user name of `uid` from an /etc/passwd-style text.
pub fn user_name(passwd: &str, uid: u32) -> Option<String> {
    passwd.lines().find_map(|line| {
        let mut fields = line.split(':');
        let name = fields.next()?;
        let id: u32 = fields.nth(1)?.parse().ok()?;
        (id == uid).then(|| name.to_string())
    })
}

/// How this process can map ids, or why it cannot.
pub fn plan() -> Result<IdPlan, SandboxError> {
    // SAFETY: no arguments, cannot fail.
    let (uid, gid) = unsafe { (libc::geteuid(), libc::getegid()) };
    if uid == 0 {
        return Ok(IdPlan::Root);
    }
    let unsupported = |why: String| {
        SandboxError::Unsupported(format!(
            "{why}; without root, dynamic analysis needs the uidmap package (newuidmap, newgidmap) and subordinate ids for your user in /etc/subuid and /etc/subgid (or run dsca as root)"
        ))
    };
    let (Some(newuidmap), Some(newgidmap)) = (host_tool("newuidmap"), host_tool("newgidmap"))
    else {
        return Err(unsupported(
            "newuidmap and newgidmap are missing".to_string(),
        ));
    };
    let name = std::fs::read_to_string("/etc/passwd")
        .ok()
        .and_then(|passwd| user_name(&passwd, uid));
    let read = |path: &str| std::fs::read_to_string(path).unwrap_or_default();
    let sub_uid = subordinate_start(&read("/etc/subuid"), name.as_deref(), uid)
        .ok_or_else(|| unsupported(format!("no subordinate user ids for uid {uid}")))?;
    let sub_gid = subordinate_start(&read("/etc/subgid"), name.as_deref(), uid)
        .ok_or_else(|| unsupported(format!("no subordinate group ids for uid {uid}")))?;
    Ok(IdPlan::Unprivileged {
        uid,
        gid,
        sub_uid,
        sub_gid,
        newuidmap,
        newgidmap,
    })
}

/// Write the id maps of the process `pid`, which has just created its user namespace.
pub fn write_maps(plan: &IdPlan, pid: u32) -> Result<(), SandboxError> {
    match plan {
        IdPlan::Root => {
            let map = format!(
                "0 {HOST_ID_BASE} 1\n{SANDBOX_UID} {} 1\n",
                HOST_ID_BASE + SANDBOX_UID
            );
            for file in ["uid_map", "gid_map"] {
                std::fs::write(format!("/proc/{pid}/{file}"), &map).map_err(|err| {
                    SandboxError::Setup(format!("cannot write the {file}: {err}"))
                })?;
            }
            Ok(())
        }
        IdPlan::Unprivileged {
            uid,
            gid,
            sub_uid,
            sub_gid,
            newuidmap,
            newgidmap,
        } => {
            for (program, own, sub) in [(newuidmap, uid, sub_uid), (newgidmap, gid, sub_gid)] {
                let output = std::process::Command::new(program)
                    .args([
                        pid.to_string(),
                        "0".to_string(),
                        own.to_string(),
                        "1".to_string(),
                        SANDBOX_UID.to_string(),
                        sub.to_string(),
                        "1".to_string(),
                    ])
                    .stdin(std::process::Stdio::null())
                    .output()
                    .map_err(|err| SandboxError::Setup(format!("{}: {err}", program.display())))?;
                if !output.status.success() {
                    let stderr = String::from_utf8_lossy(&output.stderr);
                    return Err(SandboxError::Setup(format!(
                        "{}: {}",
                        program.display(),
                        stderr.lines().next().unwrap_or("failed")
                    )));
                }
            }
            Ok(())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subordinate_ranges_are_found_by_name_or_number() {
        let text = "alice:100000:65536\n1001:300000:65536\nbroken\nzero:5:0\n";
        assert_eq!(subordinate_start(text, Some("alice"), 1000), Some(100_000));
        assert_eq!(subordinate_start(text, Some("bob"), 1001), Some(300_000));
        assert_eq!(subordinate_start(text, Some("carol"), 1002), None);
        assert_eq!(subordinate_start(text, Some("zero"), 7), None);
    }

    #[test]
    fn user_names_come_from_passwd() {
        let passwd = "root:x:0:0:root:/root:/bin/bash\nalice:x:1000:1000::/home/alice:/bin/sh\n";
        assert_eq!(user_name(passwd, 1000).as_deref(), Some("alice"));
        assert_eq!(user_name(passwd, 5), None);
    }
}
