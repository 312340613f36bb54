use crate::fixtures;
use dsca_report::{TextOptions, write_text};

fn render(reports: &[dsca_model::Report], options: TextOptions) -> String {
    let mut out = Vec::new();
    write_text(&mut out, reports, &options).expect("writing to a Vec cannot fail");
    String::from_utf8(out).expect("text output is UTF-8")
}

const PLAIN: TextOptions = TextOptions {
    color: false,
    verbose: false,
};

#[test]
fn snapshot_all_reports() {
    insta::assert_snapshot!(render(&fixtures::all(), PLAIN));
}

#[test]
fn snapshot_single_clean_report_has_no_summary() {
    insta::assert_snapshot!(render(&[fixtures::clean()], PLAIN));
}

#[test]
fn snapshot_verbose_shows_all_evidence() {
    let options = TextOptions {
        color: false,
        verbose: true,
    };
    insta::assert_snapshot!(render(&[fixtures::malicious()], options));
}

#[test]
fn plain_output_has_no_escape_byte_even_from_package_data() {
    let reports = fixtures::all();
    assert!(
        reports[1]
            .package
            .description
            .as_deref()
            .is_some_and(|d| d.contains('\u{1b}'))
    );
    for verbose in [false, true] {
        let text = render(
            &reports,
            TextOptions {
                color: false,
                verbose,
            },
        );
        assert!(
            !text.contains('\u{1b}'),
            "escape byte in plain output:\n{text}"
        );
        assert!(!text.contains('\u{7}') && !text.contains('\u{202e}'));
        assert!(
            text.contains("\\u{1b}]0;pwned\\u{7}"),
            "hostile text is shown, escaped"
        );
    }
}

#[test]
fn colour_output_colours_the_verdict_but_not_package_escapes() {
    let text = render(
        &fixtures::all(),
        TextOptions {
            color: true,
            verbose: false,
        },
    );
    assert!(text.contains('\u{1b}'), "colour was asked for");
    // Only SGR sequences (ESC '[' ... 'm') come from the printer.
    for (i, _) in text.match_indices('\u{1b}') {
        let rest = &text[i + 1..];
        let end = rest.find('m').expect("every escape is an SGR sequence");
        assert!(
            rest.starts_with('[')
                && rest[1..end]
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b == b';')
        );
    }
    assert!(text.contains("MALICIOUS"));
}

#[test]
fn summary_counts_each_verdict() {
    let text = render(&fixtures::all(), PLAIN);
    assert!(text.ends_with("3 packages: 1 malicious, 0 suspicious, 1 clean, 1 failed\n"));
    assert_eq!(
        render(&[], PLAIN),
        "0 packages: 0 malicious, 0 suspicious, 0 clean, 0 failed\n"
    );
}

#[test]
fn wrapped_paragraphs_stay_within_88_columns() {
    let text = render(&fixtures::all(), PLAIN);
    for line in text
        .lines()
        // Wrapped paragraphs, not evidence (`- `) or snippets (`| `), which are never wrapped.
        .filter(|l| l.starts_with("      ") && !l.trim_start().starts_with(['-', '|']))
    {
        assert!(line.chars().count() <= 88, "too long: {line:?}");
    }
}

#[test]
fn snapshot_sandboxed_report_has_a_dynamic_section() {
    let text = render(&[fixtures::sandboxed()], PLAIN);
    assert!(!text.contains('\u{1b}') && !text.contains('\u{7}'));
    assert!(text.contains("evil\\u{1b}]0;pwned\\u{7}.example"));
    insta::assert_snapshot!(text);
}

#[test]
fn verbose_dynamic_section_lists_everything() {
    let plain = render(&[fixtures::sandboxed()], PLAIN);
    let verbose = render(
        &[fixtures::sandboxed()],
        TextOptions {
            color: false,
            verbose: true,
        },
    );
    assert!(plain.contains("… and 3 more (use verbose output to see all)"));
    assert!(verbose.contains("/home/user/.local/share/x/11"));
    assert!(!verbose.contains("use verbose output"));
}

#[test]
fn the_runs_memory_shows_only_when_its_limit_was_reached_or_missing() {
    let mut report = fixtures::sandboxed();
    let quiet = render(std::slice::from_ref(&report), PLAIN);
    assert!(!quiet.contains("memory:"), "{quiet}");
    let sandbox = &mut report.dynamic.as_mut().expect("a sandboxed run").sandbox;
    sandbox.memory = Some(dsca_model::dynamic::RunMemory {
        limit_bytes: 256 * 1024 * 1024,
        peak_bytes: Some(255 * 1024 * 1024),
        oom_kills: 3,
    });
    let killed = render(std::slice::from_ref(&report), PLAIN);
    assert!(
        killed
            .contains("memory: the run reached its limit of 256 MiB; the kernel ended 3 processes"),
        "{killed}"
    );
    let sandbox = &mut report.dynamic.as_mut().expect("a sandboxed run").sandbox;
    sandbox.memory = None;
    sandbox.memory_limit_missing = "/sys/fs/cgroup/memory/dsca: Permission denied".into();
    let unlimited = render(std::slice::from_ref(&report), PLAIN);
    assert!(
        unlimited.contains(
            "memory: limited per process only (/sys/fs/cgroup/memory/dsca: Permission denied)"
        ),
        "{unlimited}"
    );
}
