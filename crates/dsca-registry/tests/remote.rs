//! URL dependencies fetched on the host: the file host is a local server reached only
//! through `--connect-to` entries (trusted as given); everything else must be a public
//! address, redirects included.

use dsca_registry::{ConnectTo, RemoteFetcher, RemoteOptions};
use dsca_test::TestFileHost;

fn fetcher_to(host: &TestFileHost, names: &[&str]) -> RemoteFetcher {
    RemoteFetcher::new(RemoteOptions {
        connect_to: names
            .iter()
            .map(|name| ConnectTo {
                host: name.to_string(),
                port: 80,
                to: host.addr(),
            })
            .collect(),
        ..RemoteOptions::default()
    })
}

#[test]
fn a_declared_tarball_is_fetched_through_its_redirects() {
    let host = TestFileHost::start();
    host.redirect("/dl/helper.tgz", "http://cdn.example/blob/helper-1.0.0.tgz");
    host.serve("/blob/helper-1.0.0.tgz", b"tarball bytes".to_vec());
    let fetched = fetcher_to(&host, &["packages.example", "cdn.example"])
        .get("http://packages.example/dl/helper.tgz")
        .expect("fetched");
    assert_eq!(fetched.status, 200);
    assert_eq!(fetched.body, b"tarball bytes");
    assert_eq!(fetched.url, "http://cdn.example/blob/helper-1.0.0.tgz");
    assert_eq!(
        host.requests(),
        ["/dl/helper.tgz", "/blob/helper-1.0.0.tgz"]
    );
}

#[test]
fn a_redirect_to_a_private_address_is_refused() {
    let host = TestFileHost::start();
    let inside = format!("http://{}/secret", host.addr());
    host.redirect("/dl/helper.tgz", &inside);
    host.redirect("/meta", "http://169.254.169.254/latest/meta-data/");
    let fetcher = fetcher_to(&host, &["packages.example"]);
    for path in ["/dl/helper.tgz", "/meta"] {
        let error = fetcher
            .get(&format!("http://packages.example{path}"))
            .unwrap_err();
        assert_eq!(error.code(), "refused", "{error}");
        assert!(
            error.to_string().contains("not a public address"),
            "{error}"
        );
    }
    // The private address itself was never asked.
    assert_eq!(host.requests(), ["/dl/helper.tgz", "/meta"]);
}

#[test]
fn the_remote_hosts_answer_and_limits_are_kept() {
    let host = TestFileHost::start();
    host.serve("/big.tgz", vec![7u8; 4096]);
    let fetched = fetcher_to(&host, &["packages.example"])
        .get("http://packages.example/missing.tgz")
        .expect("a 404 is an answer");
    assert_eq!(fetched.status, 404);
    let small = RemoteFetcher::new(RemoteOptions {
        max_bytes: 1024,
        connect_to: vec![ConnectTo {
            host: "packages.example".into(),
            port: 80,
            to: host.addr(),
        }],
        ..RemoteOptions::default()
    });
    let error = small.get("http://packages.example/big.tgz").unwrap_err();
    assert!(
        error.to_string().contains("larger than the limit"),
        "{error}"
    );
    host.redirect("/loop", "/loop");
    let error = fetcher_to(&host, &["packages.example"])
        .get("http://packages.example/loop")
        .unwrap_err();
    assert!(error.to_string().contains("redirects"), "{error}");
}
