use super::*;

fn timed_out_import(cpu_ms: Option<u64>) -> DynamicAnalysis {
    let mut run = benign();
    let import = run
        .phases
        .iter_mut()
        .find(|p| p.name == "import")
        .expect("an import phase");
    import.status = PhaseStatus::Timeout;
    import.exit_code = None;
    import.duration_ms = 30_020;
    import.busy_ms_at_timeout = cpu_ms;
    run
}

#[test]
fn dsca1014_an_import_that_spins_until_the_limit_is_high() {
    let run = timed_out_import(Some(29_400));
    let found = findings(&run, "DSCA1014");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::High);
    assert!(
        found[0].message.contains("29400 ms of it running"),
        "{}",
        found[0].message
    );
    // Measured against the limit, not the phase's length with the clean-up after it: a
    // one-second limit spun through is a spin.
    let mut short = timed_out_import(Some(950));
    let import = short
        .phases
        .iter_mut()
        .find(|p| p.name == "import")
        .expect("import");
    import.timeout_ms = 1_000;
    import.duration_ms = 3_400;
    assert_eq!(findings(&short, "DSCA1014").len(), 1);
}

#[test]
fn dsca1014_an_import_that_waits_or_an_install_that_spins_is_not_reported() {
    // A module that waits on a socket or a timer at load: time out, little CPU.
    assert!(findings(&timed_out_import(Some(900)), "DSCA1014").is_empty());
    // Older records without the figure.
    assert!(findings(&timed_out_import(None), "DSCA1014").is_empty());
    // A native build that takes the whole install limit compiling is the install's.
    let mut build = benign();
    build.phases[0].status = PhaseStatus::Timeout;
    build.phases[0].duration_ms = 120_000;
    build.phases[0].busy_ms_at_timeout = Some(118_000);
    assert!(findings(&build, "DSCA1014").is_empty());
}
