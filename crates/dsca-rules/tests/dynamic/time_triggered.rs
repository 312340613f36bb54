use super::*;

/// The benign run with the time-bomb pass after the import: the same command again,
/// its clock 400 days ahead.
fn with_later_pass() -> DynamicAnalysis {
    let mut run = benign();
    let import = ["node", "-e", "require('demo-pkg')"];
    let mut later = phase("import-later", &import);
    later.clock_offset_days = Some(400);
    run.phases.push(later);
    run.processes
        .push(process(60, None, "import-later", vec![exec(900, &import)]));
    run
}

#[test]
fn dsca1013_reaching_out_only_with_the_clock_ahead_is_high() {
    let mut run = with_later_pass();
    run.dns.push(in_phase(
        dns("beacon.dormant.example", "A", RESOLVER, 60, false),
        "import-later",
    ));
    let mut post = request("POST", "https://beacon.dormant.example/x", false);
    post.phase = "import-later".into();
    run.http.push(post);
    run.processes.push(process(
        61,
        Some(60),
        "import-later",
        vec![exec(950, &["/bin/sh", "-c", "whoami"])],
    ));
    let found = findings(&run, "DSCA1013");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0].message.contains("400 days ahead"),
        "{}",
        found[0].message
    );
    assert!(
        found[0].message.contains("beacon.dormant.example"),
        "{}",
        found[0].message
    );
    assert!(
        found[0]
            .evidence
            .iter()
            .any(|e| e.detail.contains("ran `sh`"))
    );
}

#[test]
fn dsca1013_the_same_behaviour_on_both_dates_or_a_later_cache_file_is_not_a_time_bomb() {
    // An SDK that looks up its API at import, today and a year ahead alike: the other
    // rules judge the lookup; the date changed nothing.
    let mut run = with_later_pass();
    run.dns.push(in_phase(
        dns("api.vendor.example", "A", RESOLVER, 5, false),
        "import",
    ));
    run.dns.push(in_phase(
        dns("api.vendor.example", "A", RESOLVER, 60, false),
        "import-later",
    ));
    assert!(findings(&run, "DSCA1013").is_empty());
    // A data package that refreshes a file in the project when its data looks old.
    let mut stale = with_later_pass();
    let mut write = file(FileOp::Write, &format!("{PROJECT}/.cache-stamp"), 60, 920);
    write.phase = "import-later".into();
    stale.files.push(write);
    assert!(findings(&stale, "DSCA1013").is_empty());
    // Without the pass (libfaketime missing), nothing to compare.
    let mut alone = benign();
    alone.dns.push(in_phase(
        dns("beacon.dormant.example", "A", RESOLVER, 60, false),
        "import",
    ));
    assert!(findings(&alone, "DSCA1013").is_empty());
}

#[test]
fn dsca1013_a_write_outside_the_project_only_later_is_medium() {
    let mut run = with_later_pass();
    let mut write = file(
        FileOp::Write,
        &format!("{HOME}/Desktop/README.txt"),
        60,
        920,
    );
    write.phase = "import-later".into();
    run.files.push(write);
    let found = findings(&run, "DSCA1013");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Medium);
}
