//! The script shell outside a sandbox: with no PID 1 to hand the script to, it must not
//! run it (fail closed), and says so in one line.

use std::process::Command;

#[test]
fn the_script_shell_never_runs_a_script_itself() {
    let dir = tempfile::tempdir().expect("temporary directory");
    let marker = dir.path().join("ran");
    let output = Command::new(env!("CARGO_BIN_EXE_dsca-script-shell"))
        .arg("-c")
        .arg(format!("touch '{}'", marker.display()))
        .output()
        .expect("the script shell starts");
    assert_eq!(output.status.code(), Some(126), "{output:?}");
    assert!(!marker.exists(), "the script ran outside the sandbox");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.starts_with("dsca sandbox: script not run: cannot reach the sandbox"),
        "{stderr}"
    );
}
