//! Rules about a lockfile entry rather than the package itself, raised by `dsca audit`
//! when it compares what the lockfile pins with what the registry serves.

pub mod integrity_mismatch;
pub mod untrusted_source;

pub use untrusted_source::origin;

/// What a lockfile pins for one package, as the lockfile checks read it.
#[derive(Debug, Clone, Copy)]
pub struct PinnedEntry<'a> {
    pub name: &'a str,
    pub version: &'a str,
    /// The lockfile's integrity (SRI) and resolved URL, when it records them.
    pub integrity: Option<&'a str>,
    pub resolved: Option<&'a str>,
}

#[cfg(test)]
pub(crate) mod tests {
    use super::PinnedEntry;

    /// left-pad 1.3.0 as a lockfile pins it.
    pub fn entry<'a>(integrity: Option<&'a str>, resolved: Option<&'a str>) -> PinnedEntry<'a> {
        PinnedEntry {
            name: "left-pad",
            version: "1.3.0",
            integrity,
            resolved,
        }
    }
}
