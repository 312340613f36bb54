//! Which host names a build may reach. A pattern is a host name (`registry.npmjs.org`,
//! matched exactly) or `*.` and a domain (`*.npmjs.org`: any name below it, not the
//! domain itself); `*` alone allows everything. Matching ignores case and a trailing dot.

/// The npm registry's own hosts, allowed unless the user opts out.
pub const DEFAULT_ALLOWED: &[&str] = &[
    "registry.npmjs.org",
    "registry.npmjs.com",
    "npmjs.org",
    "npmjs.com",
    "www.npmjs.org",
    "www.npmjs.com",
    "api.npmjs.org",
    "replicate.npmjs.com",
    "registry.yarnpkg.com",
    "yarnpkg.com",
];

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Allowlist {
    exact: Vec<String>,
    suffixes: Vec<String>,
    everything: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid allowlist pattern `{0}`: expected a host name, `*.domain` or `*`")]
pub struct PatternError(pub String);

impl Allowlist {
    pub fn npm_registry() -> Self {
        let mut list = Allowlist::default();
        for pattern in DEFAULT_ALLOWED {
            list.add(pattern).expect("the default patterns are valid");
        }
        list
    }

    pub fn add(&mut self, pattern: &str) -> Result<(), PatternError> {
        let normal = pattern.trim().trim_end_matches('.').to_ascii_lowercase();
        if normal == "*" {
            self.everything = true;
            return Ok(());
        }
        let (suffix, host) = match normal.strip_prefix("*.") {
            Some(domain) => (true, domain),
            None => (false, normal.as_str()),
        };
        let valid = !host.is_empty()
            && host.split('.').all(|label| {
                !label.is_empty() && !label.contains('*') && !label.contains(char::is_whitespace)
            });
        if !valid {
            return Err(PatternError(pattern.to_string()));
        }
        if suffix {
            self.suffixes.push(format!(".{host}"));
        } else {
            self.exact.push(host.to_string());
        }
        Ok(())
    }

    /// Patterns of an allow file: one per line; blank lines and `#` comments ignored.
    pub fn add_lines(&mut self, text: &str) -> Result<(), PatternError> {
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or_default().trim();
            if !line.is_empty() {
                self.add(line)?;
            }
        }
        Ok(())
    }

    pub fn allows(&self, host: &str) -> bool {
        if self.everything {
            return true;
        }
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.exact.contains(&host)
            || self
                .suffixes
                .iter()
                .any(|suffix| host.ends_with(suffix.as_str()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn exact_and_wildcard_patterns() {
        let mut list = Allowlist::npm_registry();
        list.add("*.Example.org.").unwrap();
        assert!(list.allows("registry.npmjs.org"));
        assert!(list.allows("REGISTRY.npmjs.org."));
        assert!(!list.allows("evil-registry.npmjs.org.example"));
        assert!(list.allows("a.b.example.org"));
        assert!(!list.allows("example.org"));
        assert!(!list.allows("badexample.org"));
        assert!(list.add("a.*.org").is_err());
        assert!(list.add("").is_err());
        list.add("*").unwrap();
        assert!(list.allows("anything.invalid"));
    }

    #[test]
    fn allow_file_lines() {
        let mut list = Allowlist::default();
        list.add_lines("# mirrors\nmirror.example  # ours\n\n*.corp.example\n")
            .unwrap();
        assert!(list.allows("mirror.example"));
        assert!(list.allows("x.corp.example"));
        assert!(!list.allows("registry.npmjs.org"));
    }
}
