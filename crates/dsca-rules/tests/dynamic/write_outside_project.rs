use super::*;

#[test]
fn dsca1006_persistence_in_the_home_directory() {
    let mut run = running_setup_js();
    run.files
        .push(file(FileOp::Write, "/home/user/.bashrc", 30, 330));
    run.files.push(file(
        FileOp::Create,
        "/home/user/.local/bin/helper",
        30,
        340,
    ));
    run.files
        .push(file(FileOp::Write, "../.ssh/authorized_keys", 30, 350));
    let found = findings(&run, "DSCA1006");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Critical);
}

#[test]
fn dsca1006_a_write_elsewhere_is_high_and_npm_places_are_fine() {
    assert!(findings(&benign(), "DSCA1006").is_empty());
    let mut run = benign();
    run.files.push(file(
        FileOp::Create,
        "/home/user/.local/share/x.json",
        3,
        330,
    ));
    assert_eq!(findings(&run, "DSCA1006")[0].severity, Severity::High);
}

#[test]
fn dsca1006_a_write_the_read_only_system_refused_is_still_an_attempt() {
    let mut run = running_setup_js();
    let mut refused = file(FileOp::Create, "/etc/cron.d/updater", 30, 330);
    refused.error = Some("EROFS".into());
    run.files.push(refused);
    let found = findings(&run, "DSCA1006");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(
        found[0].message.starts_with("tried to write"),
        "{}",
        found[0].message
    );
    // A refused write is not a file that could later be run.
    let mut run = running_setup_js();
    let mut refused = file(FileOp::Create, "/usr/local/bin/helper", 30, 330);
    refused.error = Some("EROFS".into());
    run.files.push(refused);
    run.processes.push(process(
        33,
        Some(30),
        "install",
        vec![exec(340, &["/usr/local/bin/helper"])],
    ));
    assert!(findings(&run, "DSCA1004").is_empty());
    assert_eq!(
        findings(&run, "DSCA1006")[0].message,
        "tried to write `/usr/local/bin/helper` outside the project"
    );
}
