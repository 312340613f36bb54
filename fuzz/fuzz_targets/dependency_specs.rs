#![no_main]
//! Any text as a dependency spec of a manifest: what the sandbox's proxy reads as a
//! hosted git repository or a URL dependency never panics, and a repository found
//! allows only its own commit tarballs.
use dsca_registry::hosted_git::hosted_repo;
use dsca_registry::remote::normalize;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(spec) = std::str::from_utf8(data) else {
        return;
    };
    let _ = normalize(spec);
    if let Some(repo) = hosted_repo(spec) {
        assert!(!repo.owner.contains('/') && !repo.repo.contains('/'), "{repo:?}");
        let tarball = format!(
            "https://codeload.github.com/{}/{}/tar.gz/{}",
            repo.owner,
            repo.repo,
            "0".repeat(40)
        );
        assert_eq!(repo.allows(&tarball), repo.host == dsca_registry::hosted_git::GitHost::GitHub);
        if repo.allows(spec) {
            assert!(spec.to_ascii_lowercase().starts_with("https://"), "{spec}");
        }
    }
});
