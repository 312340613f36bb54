//! Git dependencies on GitHub, GitLab and Bitbucket (`github:owner/repo#ref`,
//! `owner/repo`, `git+https://github.com/owner/repo.git`, `git@github.com:owner/repo`):
//! npm installs one with git's list of the repository's refs (`GET
//! …/info/refs?service=git-upload-pack`), a clone when the spec names a branch or a tag
//! (`POST …/git-upload-pack`, whose body may only be git's own request for objects:
//! see [`pack_request_problem`]), and the host's tarball of the commit; pinned to a
//! commit (TanStack's payload, May 2026), the tarball alone. Those requests are all the
//! sandbox lets through for it; the dependency's `prepare` then runs in the sandbox
//! like any install script. Other git hosts are not fetched.

/// The hosts npm knows by name (hosted-git-info's), with a tarball per commit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum GitHost {
    GitHub,
    GitLab,
    Bitbucket,
}

impl GitHost {
    fn domain(self) -> &'static str {
        match self {
            GitHost::GitHub => "github.com",
            GitHost::GitLab => "gitlab.com",
            GitHost::Bitbucket => "bitbucket.org",
        }
    }

    fn by_shortcut(shortcut: &str) -> Option<GitHost> {
        match shortcut {
            "github" => Some(GitHost::GitHub),
            "gitlab" => Some(GitHost::GitLab),
            "bitbucket" => Some(GitHost::Bitbucket),
            _ => None,
        }
    }

    fn by_domain(domain: &str) -> Option<GitHost> {
        let domain = domain.strip_prefix("www.").unwrap_or(domain);
        [GitHost::GitHub, GitHost::GitLab, GitHost::Bitbucket]
            .into_iter()
            .find(|host| host.domain().eq_ignore_ascii_case(domain))
    }
}

/// A repository on one of the [`GitHost`]s, names lowercased (the hosts ignore case).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct HostedRepo {
    pub host: GitHost,
    pub owner: String,
    pub repo: String,
}

/// Longest dependency spec looked at.
const MAX_SPEC: usize = 512;

fn valid_part(part: &str) -> bool {
    !part.is_empty()
        && part.len() <= 100
        && part != "."
        && part != ".."
        && part
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn repo(host: GitHost, owner: &str, repo: &str) -> Option<HostedRepo> {
    let repo = repo.strip_suffix(".git").unwrap_or(repo);
    (valid_part(owner) && valid_part(repo)).then(|| HostedRepo {
        host,
        owner: owner.to_ascii_lowercase(),
        repo: repo.to_ascii_lowercase(),
    })
}

/// The hosted repository a dependency spec names, as npm reads it; `None` for a
/// version range, a tarball URL, a path or a repository elsewhere.
pub fn hosted_repo(spec: &str) -> Option<HostedRepo> {
    let spec = spec.trim();
    if spec.len() > MAX_SPEC {
        return None;
    }
    // The committish (a branch, a tag, a commit, `semver:…`) does not change the repo.
    let spec = spec.split('#').next().unwrap_or_default();
    if let Some((shortcut, rest)) = spec.split_once(':')
        && let Some(host) = GitHost::by_shortcut(shortcut)
    {
        let (owner, name) = rest.split_once('/')?;
        return repo(host, owner, name);
    }
    // `owner/repo`: GitHub's shorthand (a scope starts with `@`, a path with `.` or `/`).
    if !spec.contains(':')
        && !spec.starts_with(['@', '.', '/', '~'])
        && let Some((owner, name)) = spec.split_once('/')
    {
        return repo(GitHost::GitHub, owner, name);
    }
    // `git@github.com:owner/repo.git`, also after `git+ssh://`.
    let scp = spec.strip_prefix("git+ssh://").unwrap_or(spec);
    if let Some((user_host, path)) = scp.split_once(':')
        && let Some((_, domain)) = user_host.split_once('@')
        && !path.starts_with('/')
        && !path.starts_with(|c: char| c.is_ascii_digit())
        && let Some(host) = GitHost::by_domain(domain)
    {
        let (owner, name) = path.split_once('/')?;
        return repo(host, owner, name);
    }
    // URLs: git+https, git+ssh, git, and https to the repository itself (an https URL
    // to anything deeper, an archive, is a tarball dependency).
    let (scheme, rest) = spec.split_once("://")?;
    if !matches!(
        scheme,
        "git+https" | "git+http" | "git+ssh" | "git" | "https" | "http" | "ssh"
    ) {
        return None;
    }
    let (authority, path) = rest.split_once('/')?;
    let domain = authority.rsplit('@').next().unwrap_or(authority);
    let domain = domain.split(':').next().unwrap_or(domain);
    let host = GitHost::by_domain(domain)?;
    let mut parts = path.trim_end_matches('/').split('/');
    let (owner, name) = (parts.next()?, parts.next()?);
    if parts.next().is_some() {
        return None;
    }
    repo(host, owner, name)
}

fn is_commit(text: &str) -> bool {
    text.len() == 40 && text.bytes().all(|b| b.is_ascii_hexdigit())
}

impl HostedRepo {
    /// git's request for the repository's refs (`git ls-remote`, the start of a clone).
    pub fn refs_url(&self) -> String {
        format!(
            "https://{}/{}/{}.git/info/refs?service=git-upload-pack",
            self.host.domain(),
            self.owner,
            self.repo
        )
    }

    /// git's request for a pack of the repository's objects (a clone).
    pub fn pack_url(&self) -> String {
        format!(
            "https://{}/{}/{}.git/git-upload-pack",
            self.host.domain(),
            self.owner,
            self.repo
        )
    }

    /// Whether a POST to `url` is this repository's pack request.
    pub fn allows_pack(&self, url: &str) -> bool {
        url.eq_ignore_ascii_case(&self.pack_url())
    }

    /// Whether a GET of `url` (normalised, see [`crate::remote::normalize`]) is this
    /// repository's refs or the host's tarball of one of its commits.
    pub fn allows(&self, url: &str) -> bool {
        let url = url.to_ascii_lowercase();
        if url == self.refs_url() {
            return true;
        }
        let (owner, repo) = (&self.owner, &self.repo);
        match self.host {
            GitHost::GitHub => url
                .strip_prefix(&format!(
                    "https://codeload.github.com/{owner}/{repo}/tar.gz/"
                ))
                .is_some_and(is_commit),
            GitHost::GitLab => url
                .strip_prefix(&format!(
                    "https://gitlab.com/{owner}/{repo}/repository/archive.tar.gz?ref="
                ))
                .is_some_and(is_commit),
            GitHost::Bitbucket => url
                .strip_prefix(&format!("https://bitbucket.org/{owner}/{repo}/get/"))
                .and_then(|rest| rest.strip_suffix(".tar.gz"))
                .is_some_and(is_commit),
        }
    }
}

/// Longest pack request forwarded, and most lines in it.
pub const MAX_PACK_REQUEST: usize = 64 * 1024;
const MAX_PACK_LINES: usize = 4096;

fn is_object_id(word: &str) -> bool {
    matches!(word.len(), 40 | 64) && word.bytes().all(|b| b.is_ascii_hexdigit())
}

/// The capabilities a client names in its first `want` line (protocol version 0).
const CAPABILITIES: &[&str] = &[
    "multi_ack",
    "multi_ack_detailed",
    "no-done",
    "thin-pack",
    "side-band",
    "side-band-64k",
    "ofs-delta",
    "shallow",
    "deepen-since",
    "deepen-not",
    "deepen-relative",
    "no-progress",
    "include-tag",
    "allow-tip-sha1-in-want",
    "allow-reachable-sha1-in-want",
    "filter",
];

fn is_capability(word: &str) -> bool {
    if CAPABILITIES.contains(&word) {
        return true;
    }
    match word.split_once('=') {
        // git's own agent string: `git/2.47.3`, a version and nothing else.
        Some(("agent", agent)) => agent.strip_prefix("git/").is_some_and(|version| {
            !version.is_empty()
                && version.len() <= 32
                && version
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b".-_".contains(&b))
        }),
        Some(("object-format", format)) => matches!(format, "sha1" | "sha256"),
        // git's trace2 session id, sent when the host advertises `session-id`.
        Some(("session-id", id)) => {
            !id.is_empty()
                && id.len() <= 80
                && id
                    .bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._:-".contains(&b))
        }
        _ => false,
    }
}

/// A `filter` spec git sends: `blob:none`, `blob:limit=<n>[kmg]`, `tree:<depth>`.
fn is_filter_spec(spec: &str) -> bool {
    let number = |text: &str| {
        let digits = text.trim_end_matches(['k', 'm', 'g']);
        !digits.is_empty() && digits.len() <= 20 && digits.bytes().all(|b| b.is_ascii_digit())
    };
    spec == "blob:none"
        || spec.strip_prefix("blob:limit=").is_some_and(number)
        || spec.strip_prefix("tree:").is_some_and(number)
}

/// A ref name a shallow clone may exclude (`deepen-not`).
fn is_ref_name(name: &str) -> bool {
    name.starts_with("refs/")
        && name.len() <= 256
        && !name.contains("..")
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b"._/-".contains(&b))
}

/// Why `body` is not git's own upload-pack request (protocol version 0: `want`, `have`,
/// `shallow`, `deepen…` and `filter` lines with object ids, git's known capabilities,
/// its `agent=git/<version>`, filter specs and ref names; flushes and `done`), or `None`
/// when it is one. Only such a body is sent on from the sandbox; what else it can carry
/// (a choice of object ids, a version string) reaches only the git host.
pub fn pack_request_problem(body: &[u8]) -> Option<String> {
    if body.len() > MAX_PACK_REQUEST {
        return Some(format!("longer than {MAX_PACK_REQUEST} bytes"));
    }
    let mut rest = body;
    let mut lines = 0;
    while !rest.is_empty() {
        lines += 1;
        if lines > MAX_PACK_LINES {
            return Some(format!("more than {MAX_PACK_LINES} lines"));
        }
        let Some(length) = rest
            .get(..4)
            .filter(|hex| hex.iter().all(u8::is_ascii_hexdigit))
            .and_then(|hex| std::str::from_utf8(hex).ok())
            .and_then(|hex| usize::from_str_radix(hex, 16).ok())
        else {
            return Some("not a sequence of git packet lines".to_string());
        };
        if length == 0 {
            rest = &rest[4..];
            continue;
        }
        let Some(line) = rest.get(4..length).filter(|_| length > 4) else {
            return Some("a packet line runs past the end".to_string());
        };
        rest = &rest[length..];
        let Ok(line) = std::str::from_utf8(line) else {
            return Some("a line is not text".to_string());
        };
        let line = line.strip_suffix('\n').unwrap_or(line);
        let mut words = line.split(' ');
        let command = words.next().unwrap_or_default();
        let arguments: Vec<&str> = words.collect();
        let plain = match command {
            "want" => {
                arguments.first().is_some_and(|id| is_object_id(id))
                    && arguments[1..].iter().all(|w| is_capability(w))
            }
            "have" | "shallow" => arguments.len() == 1 && is_object_id(arguments[0]),
            "deepen" | "deepen-since" => {
                arguments.len() == 1
                    && (1..=20).contains(&arguments[0].len())
                    && arguments[0].bytes().all(|b| b.is_ascii_digit())
            }
            "deepen-not" => arguments.len() == 1 && is_ref_name(arguments[0]),
            "filter" => arguments.len() == 1 && is_filter_spec(arguments[0]),
            "done" => arguments.is_empty(),
            _ => false,
        };
        if !plain {
            return Some(format!(
                "the line `{}` is not a request for objects",
                line.chars().take(60).collect::<String>()
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn on(host: GitHost, owner: &str, name: &str) -> Option<HostedRepo> {
        Some(HostedRepo {
            host,
            owner: owner.into(),
            repo: name.into(),
        })
    }

    #[test]
    fn npms_ways_of_naming_a_hosted_repository_are_read() {
        let tanstack = on(GitHost::GitHub, "tanstack", "router");
        for spec in [
            "github:TanStack/router#79ac49eedf774dd4b0cfa308722bc463cfe5885c",
            "TanStack/router",
            "tanstack/router#semver:^1.0.0",
            "git+https://github.com/TanStack/router.git#main",
            "git+ssh://git@github.com/tanstack/router.git",
            "git+ssh://git@github.com:tanstack/router.git",
            "git@github.com:tanstack/router.git",
            "git://github.com/tanstack/router.git",
            "https://github.com/tanstack/router",
        ] {
            assert_eq!(hosted_repo(spec), tanstack, "{spec}");
        }
        assert_eq!(
            hosted_repo("gitlab:group/tool#v1"),
            on(GitHost::GitLab, "group", "tool")
        );
        assert_eq!(
            hosted_repo("git+https://bitbucket.org/team/lib.git"),
            on(GitHost::Bitbucket, "team", "lib")
        );
    }

    #[test]
    fn ranges_tarballs_paths_and_other_hosts_are_not_hosted_repositories() {
        for spec in [
            "^1.2.3",
            "latest",
            "npm:other@1",
            "@scope/name",
            "file:../lib",
            "./lib/x",
            "https://github.com/o/r/archive/v1.tar.gz",
            "https://codeload.github.com/o/r/tar.gz/main",
            "git+https://git.example/o/r.git",
            "github:o",
            "github:o/../x",
            "workspace:*",
        ] {
            assert_eq!(hosted_repo(spec), None, "{spec}");
        }
    }

    #[test]
    fn only_the_refs_and_a_commits_tarball_are_allowed() {
        let sha = "79ac49eedf774dd4b0cfa308722bc463cfe5885c";
        let github = on(GitHost::GitHub, "o", "r").unwrap();
        assert!(github.allows("https://github.com/o/r.git/info/refs?service=git-upload-pack"));
        assert!(github.allows_pack("https://github.com/O/r.git/git-upload-pack"));
        assert!(!github.allows_pack("https://github.com/o/other.git/git-upload-pack"));
        assert!(github.allows(&format!("https://codeload.github.com/O/r/tar.gz/{sha}")));
        assert!(!github.allows("https://codeload.github.com/o/r/tar.gz/main"));
        assert!(!github.allows(&format!("https://codeload.github.com/o/other/tar.gz/{sha}")));
        assert!(!github.allows("https://github.com/o/r.git/git-upload-pack"));
        assert!(!github.allows("https://github.com/o/r/raw/main/payload.sh"));
        let gitlab = on(GitHost::GitLab, "g", "t").unwrap();
        assert!(gitlab.allows(&format!(
            "https://gitlab.com/g/t/repository/archive.tar.gz?ref={sha}"
        )));
        let bitbucket = on(GitHost::Bitbucket, "b", "l").unwrap();
        assert!(bitbucket.allows(&format!("https://bitbucket.org/b/l/get/{sha}.tar.gz")));
        assert!(!bitbucket.allows("https://bitbucket.org/b/l/get/main.tar.gz"));
    }

    fn packet(line: &str) -> String {
        format!("{:04x}{line}", line.len() + 4)
    }

    #[test]
    fn only_gits_own_request_for_objects_is_a_pack_request() {
        let sha = "79ac49eedf774dd4b0cfa308722bc463cfe5885c";
        let clone = format!(
            "{}{}{}0000{}",
            packet(&format!(
                "want {sha} multi_ack_detailed side-band-64k thin-pack ofs-delta deepen-since agent=git/2.47.3\n"
            )),
            packet(&format!("want {sha}\n")),
            packet("deepen 1\n"),
            packet("done\n"),
        );
        assert_eq!(pack_request_problem(clone.as_bytes()), None);
        let fetch = format!(
            "{}0000{}{}",
            packet(&format!("want {sha}\n")),
            packet(&format!("have {sha}\n")),
            packet("done\n")
        );
        assert_eq!(pack_request_problem(fetch.as_bytes()), None);
        for smuggled in [
            packet("want npm_secret_token_in_a_want\n"),
            packet(&format!("want {sha} token=AKIA(EXAMPLE)\n")),
            packet(&format!("want {sha} agent=bnBtX3NlY3JldA\n")),
            packet(&format!("want {sha} side-band-64k exfil=1\n")),
            packet("filter blob:secretdata\n"),
            packet("deepen-not npm_secret\n"),
            format!("+01c{}", &packet(&format!("want {sha}\n"))[4..]),
            packet(&format!("have {sha} extra\n")),
            packet("command=ls-refs\n"),
            "0009done".to_string(),
            "zzzz".to_string(),
            "0003".to_string(),
        ] {
            assert!(
                pack_request_problem(smuggled.as_bytes()).is_some(),
                "{smuggled}"
            );
        }
        assert!(pack_request_problem(&vec![b'0'; MAX_PACK_REQUEST + 1]).is_some());
    }
}
