//! Known typosquats are caught with the right target; popular names are left alone.

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
    let data = include_str!("../data/npm-top-10000.tsv");
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
