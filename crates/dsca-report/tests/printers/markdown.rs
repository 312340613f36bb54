use crate::fixtures;
use dsca_report::write_markdown;

fn render(reports: &[dsca_model::Report]) -> String {
    let mut out = Vec::new();
    write_markdown(&mut out, "dsca scan", reports).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("markdown is UTF-8")
}

#[test]
fn snapshot_markdown_summarises_the_sandboxed_run() {
    let text = render(&[fixtures::clean(), fixtures::sandboxed()]);
    assert!(text.contains("- Sandbox: install completed, import timed out"));
    // Package-controlled names cannot format the comment.
    assert!(!text.contains("\u{1b}") && !text.contains("`c2"));
    insta::assert_snapshot!(text);
}

#[test]
fn markdown_shows_the_prevalence_of_a_finding_from_a_store() {
    let text = render(&[fixtures::malicious()]);
    assert!(
        text.contains(
            "  - Prevalence: found in 0 of the top 100, 3 of the top 1k, 5 of the top 10k \
             and 9 of all 15000 scanned packages\n"
        ),
        "{text}"
    );
}
