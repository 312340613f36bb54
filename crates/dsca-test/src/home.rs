//! A throwaway home for tests of anything that reads `~/.npmrc` or writes a cache.

use std::path::{Path, PathBuf};
use tempfile::TempDir;

/// `<tmp>/home`, `<tmp>/cache` and `<tmp>/project`, removed when dropped. Pass
/// [`TempHome::envs`] to a child process (e.g. `assert_cmd`) instead of touching the
/// test process's own environment, which other tests share.
pub struct TempHome {
    dir: TempDir,
}

impl TempHome {
    pub fn new() -> TempHome {
        let dir = tempfile::tempdir().expect("create a temporary home");
        for sub in ["home", "cache", "project"] {
            std::fs::create_dir_all(dir.path().join(sub)).expect("create a temporary home");
        }
        TempHome { dir }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    pub fn home(&self) -> PathBuf {
        self.dir.path().join("home")
    }

    pub fn cache_dir(&self) -> PathBuf {
        self.dir.path().join("cache")
    }

    pub fn project_dir(&self) -> PathBuf {
        self.dir.path().join("project")
    }

    /// Writes the user-level `~/.npmrc` and returns its path.
    pub fn write_user_npmrc(&self, contents: &str) -> PathBuf {
        let path = self.home().join(".npmrc");
        std::fs::write(&path, contents).expect("write ~/.npmrc");
        path
    }

    /// Writes `<project>/.npmrc` and returns its path.
    pub fn write_project_npmrc(&self, contents: &str) -> PathBuf {
        let path = self.project_dir().join(".npmrc");
        std::fs::write(&path, contents).expect("write project .npmrc");
        path
    }

    /// Environment that points a dsca process at this home and cache only.
    pub fn envs(&self) -> Vec<(&'static str, PathBuf)> {
        vec![
            ("HOME", self.home()),
            ("DSCA_CACHE_DIR", self.cache_dir()),
            ("XDG_CACHE_HOME", self.path().join("xdg-cache")),
            ("NPM_CONFIG_USERCONFIG", self.home().join(".npmrc")),
        ]
    }
}

impl Default for TempHome {
    fn default() -> Self {
        TempHome::new()
    }
}
