//! A static file server for `www/`, for development and the end-to-end tests.
//!
//! It serves files only from below its root, with the MIME types browsers insist on
//! (`application/wasm` for streaming compilation, `text/javascript` for modules) and
//! the same security headers a production host should send. It is not a production
//! server: a thread per request, no range requests, no compression.
//!
//! For the end-to-end tests it can also misbehave on purpose: [`start_with_faults`]
//! answers chosen paths with a [`Fault`] (a 404, a cut or damaged body, a wrong
//! `Content-Type`, a script of the test's own in place of the file, on every request or
//! only the n-th), so tests can show what the page does when a download or a worker
//! goes wrong.
//! `cargo xtask serve` never injects faults.

use std::collections::HashMap;
use std::io;
use std::net::SocketAddr;
use std::path::{Component, Path, PathBuf};
use std::thread::JoinHandle;
use tiny_http::{Header, Response, Server};

/// The policy the page is written for: nothing but its own origin, wasm compilation
/// allowed, no plugins, no base-URL games.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' blob: data:; style-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub struct Serving {
    pub addr: SocketAddr,
    server: std::sync::Arc<Server>,
    thread: Option<JoinHandle<()>>,
}

impl Serving {
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.server.unblock();
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

/// A way for one path to go wrong, for the end-to-end tests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// 404 Not Found, as if the file were missing from the deployment.
    NotFound,
    /// Only the first this many bytes, with a `Content-Length` to match, as a cache or
    /// proxy that kept part of the file would serve it.
    Truncate(usize),
    /// The byte at this offset inverted, the length unchanged: damaged in transit.
    Corrupt(usize),
    /// This `Content-Type` instead of the file's own.
    ContentType(&'static str),
    /// This text instead of the file, under the file's own `Content-Type`: a script
    /// that fails in a way a test chooses.
    Body(&'static str),
    /// These bytes instead of the file: another file's contents in its place.
    Bytes(Vec<u8>),
    /// The inner fault on the n-th request for the path (counting from 1) and the
    /// file itself on every other: a worker that fails once, then works.
    Nth(usize, Box<Fault>),
}

/// Starts serving `root` on `127.0.0.1:port` (0 picks a free port) in a thread.
pub fn start(root: PathBuf, port: u16) -> io::Result<Serving> {
    start_with_faults(root, port, HashMap::new())
}

/// Like [`start`], but requests for a path in `faults` (such as
/// `/data/numpy-2020/responses.tsv`, compared without the query) get that fault.
pub fn start_with_faults(root: PathBuf, port: u16, faults: HashMap<String, Fault>) -> io::Result<Serving> {
    let server =
        Server::http(("127.0.0.1", port)).map_err(|e| io::Error::new(io::ErrorKind::AddrInUse, e.to_string()))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| io::Error::other("not an IP listener"))?;
    let server = std::sync::Arc::new(server);
    let worker = server.clone();
    let faults = std::sync::Arc::new(faults);
    let hits: std::sync::Arc<std::sync::Mutex<HashMap<String, usize>>> = Default::default();
    let thread = std::thread::spawn(move || {
        for request in worker.incoming_requests() {
            // One thread per request: a browser may leave one response unread while it
            // waits for another (a preload it does not need yet), and a single serving
            // thread blocked on writing the first would stall the page.
            let root = root.clone();
            let faults = faults.clone();
            let hits = hits.clone();
            std::thread::spawn(move || {
                let path = request.url().split(['?', '#']).next().unwrap_or("/");
                let fault = match faults.get(path) {
                    Some(Fault::Nth(n, inner)) => {
                        let mut hits = hits.lock().unwrap_or_else(|e| e.into_inner());
                        let hit = hits.entry(path.to_string()).or_insert(0);
                        *hit += 1;
                        (*hit == *n).then_some(&**inner)
                    }
                    other => other,
                };
                let response = respond(&root, request.url(), fault);
                let _ = request.respond(response);
            });
        }
    });
    Ok(Serving {
        addr,
        server,
        thread: Some(thread),
    })
}

fn header(name: &str, value: &str) -> Header {
    Header::from_bytes(name.as_bytes(), value.as_bytes()).expect("static header is valid")
}

fn respond(root: &Path, url: &str, fault: Option<&Fault>) -> Response<io::Cursor<Vec<u8>>> {
    let found = match fault {
        Some(Fault::NotFound) => None,
        _ => resolve(root, url).and_then(|path| std::fs::read(&path).ok().map(|b| (path, b))),
    };
    let (status, mut content_type, mut body) = match found {
        Some((path, body)) => (200, mime_type(&path), body),
        None => (404, "text/plain; charset=utf-8", b"not found\n".to_vec()),
    };
    if status == 200 {
        match fault {
            Some(Fault::Truncate(len)) => body.truncate(*len),
            Some(Fault::Corrupt(offset)) => {
                if let Some(b) = body.get_mut(*offset) {
                    *b = !*b;
                }
            }
            Some(Fault::ContentType(wrong)) => content_type = wrong,
            Some(Fault::Body(text)) => body = text.as_bytes().to_vec(),
            Some(Fault::Bytes(bytes)) => body = bytes.clone(),
            // Resolved to its inner fault, or to none, before this point.
            Some(Fault::Nth(..)) | Some(Fault::NotFound) | None => {}
        }
    }
    Response::from_data(body)
        .with_status_code(status)
        .with_header(header("Content-Type", content_type))
        .with_header(header("Content-Security-Policy", CONTENT_SECURITY_POLICY))
        .with_header(header("Referrer-Policy", "no-referrer"))
        .with_header(header("X-Content-Type-Options", "nosniff"))
        .with_header(header("Cross-Origin-Opener-Policy", "same-origin"))
        .with_header(header("Cache-Control", "no-cache"))
}

/// Maps a request path to a file below `root`, refusing anything that would climb out.
fn resolve(root: &Path, url: &str) -> Option<PathBuf> {
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let path = if path.ends_with('/') {
        format!("{path}index.html")
    } else {
        path.to_string()
    };
    let relative = Path::new(path.trim_start_matches('/'));
    if relative.components().any(|c| !matches!(c, Component::Normal(_))) || path.contains('\\') || path.contains('%') {
        return None;
    }
    let full = root.join(relative);
    full.is_file().then_some(full)
}

pub fn mime_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "html" => "text/html; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "wasm" => "application/wasm",
        "json" => "application/json",
        "csv" => "text/csv; charset=utf-8",
        "tsv" => "text/tab-separated-values; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "ico" => "image/x-icon",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resolves_only_files_below_the_root() {
        let root = crate::root().join("www");
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/index.html?x=1#y"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/../Cargo.toml"), None);
        assert_eq!(resolve(&root, "/%2e%2e/Cargo.toml"), None);
        assert_eq!(resolve(&root, "/no-such-file"), None);
    }

    #[test]
    fn faults_change_only_what_they_name() {
        let root = crate::root().join("www");
        let file = std::fs::read(root.join("index.html")).unwrap();
        let body = |fault: Option<&Fault>| {
            let response = respond(&root, "/index.html", fault);
            let status = response.status_code().0;
            let mut bytes = Vec::new();
            io::Read::read_to_end(&mut response.into_reader(), &mut bytes).unwrap();
            (status, bytes)
        };
        assert_eq!(body(None), (200, file.clone()));
        assert_eq!(body(Some(&Fault::NotFound)).0, 404);
        assert_eq!(body(Some(&Fault::Truncate(10))), (200, file[..10].to_vec()));
        let (status, damaged) = body(Some(&Fault::Corrupt(3)));
        assert_eq!((status, damaged.len()), (200, file.len()));
        assert_eq!(damaged[3], !file[3]);
        assert_eq!(damaged[..3], file[..3]);
        assert_eq!(damaged[4..], file[4..]);
        let response = respond(&root, "/index.html", Some(&Fault::ContentType("text/plain")));
        let content_type = response
            .headers()
            .iter()
            .find(|h| h.field.equiv("Content-Type"))
            .unwrap();
        assert_eq!(content_type.value.as_str(), "text/plain");
        assert_eq!(body(Some(&Fault::Body("throw 1;"))), (200, b"throw 1;".to_vec()));
        assert_eq!(body(Some(&Fault::Bytes(vec![0, 255]))), (200, vec![0, 255]));
    }

    #[test]
    fn an_nth_fault_hits_only_its_request() {
        let root = crate::root().join("www");
        let file = std::fs::read(root.join("index.html")).unwrap();
        let faults = HashMap::from([(
            "/index.html".to_string(),
            Fault::Nth(2, Box::new(Fault::Body("second"))),
        )]);
        let serving = start_with_faults(root, 0, faults).unwrap();
        let get = || {
            let mut stream = std::net::TcpStream::connect(serving.addr).unwrap();
            io::Write::write_all(&mut stream, b"GET /index.html HTTP/1.0\r\n\r\n").unwrap();
            let mut response = Vec::new();
            io::Read::read_to_end(&mut stream, &mut response).unwrap();
            let at = response.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
            response[at..].to_vec()
        };
        assert_eq!(get(), file);
        assert_eq!(get(), b"second");
        assert_eq!(get(), file);
    }

    #[test]
    fn wasm_and_modules_get_the_types_browsers_require() {
        assert_eq!(mime_type(Path::new("pkg/x_bg.wasm")), "application/wasm");
        assert!(mime_type(Path::new("app.js")).starts_with("text/javascript"));
    }
}
