//! The README's rule tables and the JSON Schema's enum of rule ids are made from the
//! rule table (`crates/dsca-rules/src/codes.rs`). These tests fail when either falls
//! behind it; `DSCA_BLESS=1 cargo test -p dsca --test generated_docs` rewrites them.

use dsca_report::Format;
use dsca_rules::Family;
use std::path::{Path, PathBuf};

fn workspace_file(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(name)
}

/// Passes when `current` is what `path` holds; rewrites the file instead with
/// `DSCA_BLESS=1`.
fn assert_current_or_bless(path: &Path, old: &str, current: &str) {
    if current == old {
        return;
    }
    if std::env::var_os("DSCA_BLESS").is_some_and(|value| value == "1") {
        std::fs::write(path, current).unwrap();
        return;
    }
    panic!(
        "{} differs from the rule table; run \
         `DSCA_BLESS=1 cargo test -p dsca --test generated_docs` and commit it",
        path.display()
    );
}

/// What `dsca rules --family <family> --format markdown` prints.
fn table(family: Family) -> String {
    let mut out = Vec::new();
    dsca_report::catalogue::write(
        &mut out,
        Format::Markdown,
        &dsca_rules::catalogue_of(family),
        &[],
    )
    .unwrap();
    String::from_utf8(out).unwrap()
}

/// The line that marks a generated table in the README; the table follows it.
fn marker(family: Family) -> String {
    format!("<!-- dsca rules --family {family} --format markdown -->")
}

/// `text` with the table after each family's marker replaced by the current one.
fn with_current_tables(text: &str) -> Result<String, String> {
    let mut out = String::with_capacity(text.len());
    let mut lines = text.lines().peekable();
    let mut seen = Vec::new();
    while let Some(line) = lines.next() {
        out.push_str(line);
        out.push('\n');
        let Some(family) = Family::ALL.into_iter().find(|f| line == marker(*f)) else {
            continue;
        };
        seen.push(family);
        // Skip the old table: every line up to the first that is not a table row.
        while lines.peek().is_some_and(|next| next.starts_with('|')) {
            lines.next();
        }
        out.push_str(&table(family));
    }
    for family in Family::ALL {
        if !seen.contains(&family) {
            return Err(format!("the README has no `{}` line", marker(family)));
        }
    }
    Ok(out)
}

#[test]
fn the_readme_rule_tables_are_current() {
    let path = workspace_file("README.md");
    let readme = std::fs::read_to_string(&path).unwrap();
    let current = with_current_tables(&readme).unwrap_or_else(|err| panic!("{err}"));
    assert_current_or_bless(&path, &readme, &current);
}

/// The schema's `rule_id` line, as the rule table makes it.
fn rule_id_line() -> String {
    let ids: Vec<String> = dsca_rules::catalogue()
        .iter()
        .map(|rule| format!("\"{}\"", rule.id))
        .collect();
    format!(
        "    \"rule_id\": {{\"description\": \"Every rule id dsca has, from its rule table (`dsca rules`).\", \"enum\": [{}]}},",
        ids.join(", ")
    )
}

#[test]
fn the_schema_lists_every_rule_id() {
    let path = workspace_file("schema/report.schema.json");
    let schema = std::fs::read_to_string(&path).unwrap();
    let line = rule_id_line();
    let current: String = schema
        .lines()
        .map(|old| {
            if old.starts_with("    \"rule_id\":") {
                line.as_str()
            } else {
                old
            }
        })
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    assert!(
        current.contains(&line),
        "the schema has no `rule_id` definition"
    );
    serde_json::from_str::<serde_json::Value>(&current).expect("the schema is JSON");
    assert_current_or_bless(&path, &schema, &current);
}
