use super::*;

fn probed(first_bytes: &str) -> Connection {
    Connection {
        phase: String::new(),
        protocol: "tcp".into(),
        destination: "203.0.113.88".into(),
        port: 4430,
        name: None,
        time_ms: 400,
        pid: Some(3),
        kind: "probed".into(),
        sni: None,
        first_bytes: first_bytes.into(),
        bytes_received: first_bytes.len() as u64,
    }
}

#[test]
fn dsca1012_the_probe_run_as_a_command_or_echoed_back_is_critical() {
    // Run through `exec`: the shell's command line carries the mark.
    let mut run = benign();
    run.connections.push(probed(""));
    run.processes.push(process(
        40,
        Some(3),
        "import",
        vec![exec(
            410,
            &["/bin/sh", "-c", "echo dsca-probe-00112233aabbccdd\n"],
        )],
    ));
    let found = findings(&run, "DSCA1012");
    assert_eq!(found.len(), 1, "{found:#?}");
    assert_eq!(found[0].severity, Severity::Critical);
    assert!(
        found[0].message.contains("203.0.113.88:4430"),
        "{}",
        found[0].message
    );
    // Piped into a shell's input: `echo` is a built-in, only its output comes back.
    let mut piped = benign();
    piped
        .connections
        .push(probed("dsca-probe-00112233aabbccdd\\n"));
    assert_eq!(findings(&piped, "DSCA1012").len(), 1);
}

#[test]
fn dsca1012_a_probed_client_that_runs_nothing_is_not_reported() {
    let mut run = benign();
    run.connections.push(probed(""));
    assert!(findings(&run, "DSCA1012").is_empty());
    // The mark in a connection the sandbox did not probe proves nothing.
    let mut unprobed = benign();
    let mut raw = probed("dsca-probe-00112233aabbccdd");
    raw.kind = "raw".into();
    unprobed.connections.push(raw);
    assert!(findings(&unprobed, "DSCA1012").is_empty());
}
