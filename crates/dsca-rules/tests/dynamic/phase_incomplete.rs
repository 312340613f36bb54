use super::*;

#[test]
fn dsca1010_a_timeout_and_dropped_events() {
    let mut run = benign();
    if let Some(install) = run.phases.first_mut() {
        install.status = PhaseStatus::Timeout;
        install.exit_code = None;
        install.duration_ms = 120_000;
        install.stderr_tail = "npm warn deprecated x\nsleeping…\n".into();
    }
    run.dropped.push(DroppedEvents {
        table: "files".into(),
        count: 1_200,
    });
    let found = findings(&run, "DSCA1010");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Low);
    assert!(findings(&benign(), "DSCA1010").is_empty());
}
