//! What the end-to-end tests of the `dsca` binary share: the binary run as a user would
//! in a test home, the outcome of a run, and publishing at a fixed date.
// Each test file is a crate of its own and uses only part of this.
#![allow(dead_code)]

use assert_cmd::Command;
use dsca_test::{PackageBuilder, PublishOptions, TempHome, TestRegistry};
use serde_json::Value;

/// Reports are judged against this clock so age rules do not drift with the calendar.
pub const NOW: &str = "2026-01-15T12:00:00Z";
pub const PUBLISHED: &str = "2025-06-01T10:00:00.000Z";

/// `dsca` in `home`'s project directory, with the clock pinned and none of the
/// developer's settings that would change its output.
pub fn dsca(home: &TempHome) -> Command {
    let mut cmd = Command::cargo_bin("dsca").expect("the dsca binary is built");
    cmd.envs(home.envs())
        .env("DSCA_NOW", NOW)
        .env_remove("NPM_CONFIG_REGISTRY")
        .env_remove("npm_config_registry")
        // A results store in the environment would add prevalence to every finding.
        .env_remove("DSCA_DB")
        .env_remove("NO_COLOR")
        .env_remove("CLICOLOR_FORCE")
        .current_dir(home.project_dir());
    cmd
}

/// How a run of `dsca` ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

impl Run {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.stdout).unwrap_or_else(|err| {
            panic!(
                "not JSON ({err}):\n{}\nstderr: {}",
                self.stdout, self.stderr
            )
        })
    }
}

impl std::fmt::Display for Run {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "exit {}\n--- stdout\n{}\n--- stderr\n{}",
            self.code, self.stdout, self.stderr
        )
    }
}

pub fn run(cmd: &mut Command) -> Run {
    let output = cmd.output().expect("run dsca");
    Run {
        code: output.status.code().expect("dsca exited normally"),
        stdout: String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        stderr: String::from_utf8(output.stderr).expect("stderr is UTF-8"),
    }
}

/// Publish `package` with [`PUBLISHED`] as its time.
pub fn publish_at(registry: &TestRegistry, package: PackageBuilder) {
    registry.publish_with(
        package.build(),
        PublishOptions {
            time: Some(PUBLISHED.to_string()),
            ..PublishOptions::default()
        },
    );
}
