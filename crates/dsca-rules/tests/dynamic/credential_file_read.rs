use super::*;

#[test]
fn dsca1008_a_script_reads_bait_and_keys() {
    let mut run = running_setup_js();
    run.honeytokens.reads.push(HoneytokenRead {
        phase: "install".into(),
        path: "~/.npmrc".into(),
        pid: 30,
        process: "node setup.js".into(),
        time_ms: 320,
    });
    run.files
        .push(file(FileOp::Read, "/home/user/.npmrc", 30, 320));
    run.files
        .push(file(FileOp::Read, "/home/user/.ssh/id_ed25519", 30, 321));
    run.files.push(file(
        FileOp::Read,
        "/home/user/.config/google-chrome/Default/Login Data",
        30,
        322,
    ));
    let found = findings(&run, "DSCA1008");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::High);
    assert_eq!(
        found[0].evidence.len(),
        3,
        "the bait read and the traced read are one"
    );
}

#[test]
fn dsca1008_looking_for_credential_files_that_are_not_there() {
    let mut run = running_setup_js();
    let mut missing = file(FileOp::Read, "/home/user/.kube/config", 30, 320);
    missing.error = Some("ENOENT".into());
    run.files.push(missing);
    let found = findings(&run, "DSCA1008");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Medium);
    assert!(
        found[0].message.starts_with("looked for"),
        "{}",
        found[0].message
    );
}

#[test]
fn dsca1008_npm_reading_its_own_config_is_normal() {
    // The benign run has npm (pid 1) reading ~/.npmrc, bait included, before its scripts.
    assert!(findings(&benign(), "DSCA1008").is_empty());
    // The same read after npm started a lifecycle script counts.
    let mut run = benign();
    run.files
        .push(file(FileOp::Read, "/home/user/.npmrc", 1, 500));
    assert_eq!(findings(&run, "DSCA1008")[0].severity, Severity::High);
}

#[test]
fn dsca1008_an_npm_a_script_runs_reading_the_token_is_medium() {
    // dash replaces itself with the last command: one pid, two programs.
    let mut run = benign();
    run.processes.push(process(
        29,
        Some(1),
        "install",
        vec![
            exec(300, &["sh", "-c", "npm run build"]),
            exec(301, &["npm", "run", "build"]),
        ],
    ));
    run.files
        .push(file(FileOp::Read, "/home/user/.npmrc", 29, 305));
    let found = findings(&run, "DSCA1008");
    assert_eq!(found[0].severity, Severity::Medium);
    assert!(
        found[0].evidence[0]
            .detail
            .contains("an npm command a script ran")
    );
}
