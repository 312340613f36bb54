//! A plain web host serving fixed files and redirects: where a URL dependency's tarball
//! lives (PhantomRaven's own server, a CDN behind a redirect), or, over TLS with a CA of
//! its own, a stand-in for a git host's tarballs.

use crate::http::{Request, Response, Server};
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, MutexGuard};

enum Entry {
    File(Vec<u8>, &'static str),
    Redirect(String),
}

#[derive(Default)]
struct State {
    entries: HashMap<String, Entry>,
    requests: Vec<String>,
}

/// The host on `127.0.0.1:<random port>`; stops when dropped. Unknown paths are 404.
pub struct TestFileHost {
    state: Arc<Mutex<State>>,
    server: Server,
    ca_pem: Option<String>,
}

impl TestFileHost {
    pub fn start() -> TestFileHost {
        TestFileHost::start_with(None)
    }

    /// Over TLS, with a certificate for each of `names` from a CA made for it (see
    /// [`TestFileHost::ca_pem`]).
    pub fn start_tls(names: &[&str]) -> TestFileHost {
        TestFileHost::start_with(Some(names))
    }

    fn start_with(names: Option<&[&str]>) -> TestFileHost {
        let state = Arc::new(Mutex::new(State::default()));
        let tls = names.map(crate::tls::server_for);
        let server = {
            let state = Arc::clone(&state);
            Server::start_with(
                "dsca-test-files",
                tls.as_ref().map(|(config, _)| Arc::clone(config)),
                move |request| {
                    let mut state = state.lock().unwrap_or_else(|e| e.into_inner());
                    respond(&mut state, request)
                },
            )
        };
        TestFileHost {
            state,
            server,
            ca_pem: tls.map(|(_, pem)| pem),
        }
    }

    /// The CA a TLS host's certificate comes from (PEM), for a client's trust store.
    pub fn ca_pem(&self) -> Option<&str> {
        self.ca_pem.as_deref()
    }

    pub fn addr(&self) -> SocketAddr {
        self.server.addr()
    }

    /// Serve `body` at `path` (`/pkg/helper-1.0.0.tgz`; a query is part of the path).
    pub fn serve(&self, path: &str, body: Vec<u8>) {
        self.serve_typed(path, "application/octet-stream", body);
    }

    /// Serve `body` at `path` as `content_type`.
    pub fn serve_typed(&self, path: &str, content_type: &'static str, body: Vec<u8>) {
        self.lock()
            .entries
            .insert(path.to_string(), Entry::File(body, content_type));
    }

    /// Answer `path` with a 302 to `location`.
    pub fn redirect(&self, path: &str, location: &str) {
        self.lock()
            .entries
            .insert(path.to_string(), Entry::Redirect(location.to_string()));
    }

    /// The paths asked for so far, in order.
    pub fn requests(&self) -> Vec<String> {
        self.lock().requests.clone()
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

fn respond(state: &mut State, request: &Request) -> Response {
    state.requests.push(request.path.clone());
    match state.entries.get(&request.path) {
        Some(Entry::File(body, content_type)) => Response {
            status: 200,
            content_type,
            body: body.clone(),
            extra_headers: Vec::new(),
        },
        Some(Entry::Redirect(location)) => Response {
            status: 302,
            content_type: "text/plain",
            body: Vec::new(),
            extra_headers: vec![("Location", location.clone())],
        },
        None => Response {
            status: 404,
            content_type: "text/plain",
            body: b"not found\n".to_vec(),
            extra_headers: Vec::new(),
        },
    }
}
