use super::*;

#[test]
fn dsca1007_a_daemon_left_running() {
    let mut daemon = process(
        31,
        Some(30),
        "install",
        vec![exec(400, &["node", "/tmp/.x/miner.js"])],
    );
    daemon.outlived = true;
    daemon.end = None;
    let run = with_script(benign(), "nohup node /tmp/.x/miner.js &", vec![daemon]);
    let found = findings(&run, "DSCA1007");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::High);
    assert!(findings(&benign(), "DSCA1007").is_empty());
}
