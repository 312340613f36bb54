use super::*;

#[test]
fn dsca301_transposed_letters() {
    let fixture = Fixture::tarball(json!({"name": "electorn", "version": "10.0.0"}));
    assert_yaml_snapshot!(fixture.findings("DSCA301"));
}

#[test]
fn dsca301_lookalike_with_install_script_is_high() {
    let fixture = Fixture::tarball(json!({"name": "electorn", "version": "1.0.0",
        "scripts": {"postinstall": "node setup.js"}}));
    let findings = fixture.findings("DSCA301");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::High);
}

#[test]
fn dsca301_popular_name_plus_a_word_counts_only_with_an_install_script() {
    let with_script = Fixture::tarball(json!({"name": "express-exp", "version": "1.0.1",
        "scripts": {"postinstall": "node index.js"}}));
    let findings = with_script.findings("DSCA301");
    assert_yaml_snapshot!(findings);
    assert_eq!(findings[0].severity, Severity::Medium);
    let without = Fixture::tarball(json!({"name": "express-exp", "version": "1.0.1"}));
    assert!(without.findings("DSCA301").is_empty());
    for honest in ["express-session", "react-dom", "lodash-es"] {
        let listed = Fixture::tarball(json!({"name": honest, "version": "1.0.0",
            "scripts": {"postinstall": "node x.js"}}));
        assert!(
            listed.findings("DSCA301").is_empty(),
            "{honest} is itself popular"
        );
    }
}

#[test]
fn dsca301_popular_names_are_not_squats() {
    for name in ["electron", "react-dom", "lodash", "@types/node"] {
        let fixture = Fixture::tarball(json!({"name": name, "version": "1.0.0"}));
        assert!(fixture.findings("DSCA301").is_empty(), "{name}");
    }
}

/// The name matcher itself: known typosquats are caught with the right target; popular
/// names are left alone.
mod names {
    use dsca_rules::{SquatKind, find_squat};

    #[test]
    fn known_squats_name_their_target() {
        let table: &[(&str, &str, SquatKind)] = &[
            ("electorn", "electron", SquatKind::Transposition),
            ("commander-js", "commander", SquatKind::Affix("-js")),
            ("twilio-npm", "twilio", SquatKind::Affix("-npm")),
            ("crossenv", "cross-env", SquatKind::Separator),
            ("reactdom", "react-dom", SquatKind::Separator),
            ("react_dom", "react-dom", SquatKind::Separator),
            ("types-node", "@types/node", SquatKind::Scope),
            ("@types-node", "@types/node", SquatKind::Scope),
            ("lodahs", "lodash", SquatKind::Transposition),
            ("expresss", "express", SquatKind::Insertion),
            ("expres", "express", SquatKind::Deletion),
            ("l0dash", "lodash", SquatKind::Homoglyph),
            ("chaIk", "chalk", SquatKind::Homoglyph),
            ("node-express", "express", SquatKind::Affix("node-")),
        ];
        for (name, target, kind) in table {
            let squat = find_squat(name).unwrap_or_else(|| panic!("{name} should be flagged"));
            assert_eq!((squat.target, squat.kind), (*target, *kind), "{name}");
        }
    }

    #[test]
    fn popular_and_honest_names_are_not_flagged() {
        for name in [
            "react-dom",
            "lodash",
            "chalk",
            "debug",
            "ms",
            "semver",
            "lodash.get",
            "@types/node",
            "esbuild",
            "electron",
            "commander",
            "express",
            "cross-env",
            "babel-core",
            "@babel/core",
            "twilio",
            "react",
            "vue",
            "typescript",
            "webpack",
            "my-totally-unique-package-name",
            "a",
            "",
            "@scope/utils",
        ] {
            assert_eq!(find_squat(name), None, "{name}");
        }
    }

    #[test]
    fn no_top_100_name_is_flagged() {
        let data = include_str!("../../data/npm-top-10000.tsv");
        for line in data.lines().skip(1).take(100) {
            let name = line.split('\t').nth(1).expect("name column");
            assert_eq!(find_squat(name), None, "{name}");
        }
    }

    #[test]
    fn lookup_is_fast() {
        let _ = find_squat("warm-up-the-index");
        let start = std::time::Instant::now();
        for name in ["electorn", "some-random-package", "abcdefghijklmnop", "x"] {
            let _ = find_squat(name);
        }
        // Generous for unoptimised test builds; release builds are far below 1 ms a name.
        assert!(start.elapsed() < std::time::Duration::from_millis(400));
    }
}
