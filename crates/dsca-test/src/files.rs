//! A plain web host serving fixed files and redirects: where a URL dependency's tarball
//! lives (PhantomRaven's own server, a CDN behind a redirect), or, over TLS with a CA of
//! its own, a stand-in for a git host (refs, packs and commit tarballs).

use crate::http::{Request, Response, Server};
use std::collections::HashMap;
use std::io::{Read as _, Write as _};
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::{Arc, Mutex, MutexGuard};

enum Entry {
    File(Vec<u8>, &'static str),
    Redirect(String),
    /// A bare repository served over git's smart HTTP (`git upload-pack`).
    GitRepository(PathBuf),
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

    /// Serve the bare repository `dir` under `prefix` (`/acme/helpers.git`) as a git
    /// host does over smart HTTP: its refs at `prefix/info/refs?service=git-upload-pack`
    /// and packs at `prefix/git-upload-pack`, answered by `git upload-pack` (protocol
    /// version 0, as to a client that asks for no other).
    pub fn serve_git_repository(&self, prefix: &str, dir: &Path) {
        self.lock()
            .entries
            .insert(prefix.to_string(), Entry::GitRepository(dir.to_path_buf()));
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
    let git = state
        .entries
        .iter()
        .find_map(|(prefix, entry)| match entry {
            Entry::GitRepository(dir) => request
                .path
                .strip_prefix(prefix.as_str())
                .map(|rest| (rest.to_string(), dir.clone())),
            _ => None,
        });
    if let Some((rest, dir)) = git {
        return git_response(&rest, &dir, request);
    }
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
        Some(Entry::GitRepository(_)) | None => Response {
            status: 404,
            content_type: "text/plain",
            body: b"not found\n".to_vec(),
            extra_headers: Vec::new(),
        },
    }
}

fn git_response(rest: &str, dir: &Path, request: &Request) -> Response {
    let (content_type, body) = match (request.method.as_str(), rest) {
        ("GET", "/info/refs?service=git-upload-pack") => {
            let mut body = b"001e# service=git-upload-pack\n0000".to_vec();
            body.extend_from_slice(&upload_pack(dir, &["--advertise-refs"], &[]));
            ("application/x-git-upload-pack-advertisement", body)
        }
        ("POST", "/git-upload-pack") => {
            let mut input = request.body.clone();
            if request
                .header("content-encoding")
                .is_some_and(|e| e.eq_ignore_ascii_case("gzip"))
            {
                let mut plain = Vec::new();
                let _ = flate2::read::GzDecoder::new(&input[..]).read_to_end(&mut plain);
                input = plain;
            }
            (
                "application/x-git-upload-pack-result",
                upload_pack(dir, &[], &input),
            )
        }
        _ => {
            return Response {
                status: 404,
                content_type: "text/plain",
                body: b"not found\n".to_vec(),
                extra_headers: Vec::new(),
            };
        }
    };
    Response {
        status: 200,
        content_type,
        body,
        extra_headers: vec![("Cache-Control", "no-cache".to_string())],
    }
}

/// `git upload-pack --stateless-rpc` on `dir`, fed `input`.
fn upload_pack(dir: &Path, args: &[&str], input: &[u8]) -> Vec<u8> {
    let mut child = Command::new("git")
        .arg("upload-pack")
        .arg("--stateless-rpc")
        .args(args)
        .arg(dir)
        .env_remove("GIT_PROTOCOL")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("git upload-pack runs");
    if let Some(mut stdin) = child.stdin.take() {
        let _ = stdin.write_all(input);
    }
    child
        .wait_with_output()
        .map(|output| output.stdout)
        .unwrap_or_default()
}
