//! A static file server for `www/`, for development and the end-to-end tests.
//!
//! It serves files only from below its root, with the MIME types browsers insist on
//! (`application/wasm` for streaming compilation, `text/javascript` for modules) and
//! the same security headers a production host should send. It is not a production
//! server: `GET` and `HEAD` only, a thread per connection and one request per
//! connection (each response says `Connection: close`, so a browser never holds a
//! connection, or the thread behind it, open for reuse), no range requests, no
//! compression.
//!
//! For the end-to-end tests it can also misbehave on purpose: [`start_with_faults`]
//! answers chosen paths with a [`Fault`] (a 404, a cut or damaged body, a wrong
//! `Content-Type`, a script of the test's own in place of the file, on every request or
//! only the n-th), so tests can show what the page does when a download or a worker
//! goes wrong.
//! `cargo xtask serve` never injects faults.

use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;
use std::time::Duration;

/// The policy the page is written for: nothing but its own origin, wasm compilation
/// allowed, no plugins, no base-URL games.
pub const CONTENT_SECURITY_POLICY: &str = "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; connect-src 'self'; img-src 'self' blob: data:; style-src 'self'; worker-src 'self'; object-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

pub struct Serving {
    pub addr: SocketAddr,
    stop: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

impl Serving {
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }
}

impl Drop for Serving {
    fn drop(&mut self) {
        self.stop.store(true, Ordering::SeqCst);
        // Wakes the accepting thread, which then sees `stop`.
        let _ = TcpStream::connect(self.addr);
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
    let listener = TcpListener::bind(("127.0.0.1", port))?;
    let addr = listener.local_addr()?;
    let stop = Arc::new(AtomicBool::new(false));
    let stopping = stop.clone();
    let faults = Arc::new(faults);
    let hits: Arc<Mutex<HashMap<String, usize>>> = Default::default();
    let thread = std::thread::spawn(move || {
        for stream in listener.incoming() {
            if stopping.load(Ordering::SeqCst) {
                break;
            }
            let Ok(stream) = stream else { continue };
            // A thread per connection: a browser may leave one response unread while it
            // waits for another, and one slow reader must not hold up the rest.
            let (root, faults, hits) = (root.clone(), faults.clone(), hits.clone());
            std::thread::spawn(move || {
                let _ = serve_one(stream, &root, &faults, &hits);
            });
        }
    });
    Ok(Serving {
        addr,
        stop,
        thread: Some(thread),
    })
}

/// Reads one request from `stream`, answers it and closes the connection.
fn serve_one(
    mut stream: TcpStream,
    root: &Path,
    faults: &HashMap<String, Fault>,
    hits: &Mutex<HashMap<String, usize>>,
) -> io::Result<()> {
    stream.set_read_timeout(Some(Duration::from_secs(30)))?;
    let mut head = Vec::new();
    let mut chunk = [0u8; 4096];
    while !head.windows(4).any(|w| w == b"\r\n\r\n") {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Ok(());
        }
        head.extend_from_slice(&chunk[..n]);
        if head.len() > 64 * 1024 {
            return write_reply(&mut stream, false, &Reply::status(431));
        }
    }
    let line = String::from_utf8_lossy(&head[..head.iter().position(|&b| b == b'\r').unwrap_or(0)]).to_string();
    let mut parts = line.split(' ');
    let (method, url) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    let reply = match method {
        "GET" | "HEAD" if url.starts_with('/') => {
            let path = url.split(['?', '#']).next().unwrap_or("/");
            let fault = match faults.get(path) {
                Some(Fault::Nth(n, inner)) => {
                    let mut hits = hits.lock().unwrap_or_else(|e| e.into_inner());
                    let hit = hits.entry(path.to_string()).or_insert(0);
                    *hit += 1;
                    (*hit == *n).then_some(&**inner)
                }
                other => other,
            };
            respond(root, url, fault)
        }
        "GET" | "HEAD" => Reply::status(400),
        _ => Reply::status(405),
    };
    write_reply(&mut stream, method == "HEAD", &reply)
}

/// What the server answers: a status, a type and a body, sent with the fixed headers.
#[derive(Debug)]
struct Reply {
    status: u16,
    content_type: &'static str,
    body: Vec<u8>,
}

impl Reply {
    fn status(status: u16) -> Reply {
        Reply {
            status,
            content_type: "text/plain; charset=utf-8",
            body: format!("{status}\n").into_bytes(),
        }
    }
}

fn write_reply(stream: &mut TcpStream, head_only: bool, reply: &Reply) -> io::Result<()> {
    let reason = match reply.status {
        200 => "OK",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        431 => "Request Header Fields Too Large",
        _ => "Error",
    };
    let mut out = format!("HTTP/1.1 {} {reason}\r\n", reply.status).into_bytes();
    for (name, value) in [
        ("Content-Type", reply.content_type),
        ("Content-Length", &reply.body.len().to_string()),
        ("Content-Security-Policy", CONTENT_SECURITY_POLICY),
        ("Referrer-Policy", "no-referrer"),
        ("X-Content-Type-Options", "nosniff"),
        ("Cross-Origin-Opener-Policy", "same-origin"),
        ("Cache-Control", "no-cache"),
        ("Connection", "close"),
    ] {
        out.extend_from_slice(format!("{name}: {value}\r\n").as_bytes());
    }
    out.extend_from_slice(b"\r\n");
    if !head_only {
        out.extend_from_slice(&reply.body);
    }
    stream.write_all(&out)?;
    stream.flush()?;
    stream.shutdown(std::net::Shutdown::Write)
}

fn respond(root: &Path, url: &str, fault: Option<&Fault>) -> Reply {
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
    Reply {
        status,
        content_type,
        body,
    }
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

    /// A served folder with an `index.html`: www/'s own is written by the build, so
    /// these tests serve the committed template as it.
    fn www(test: &str) -> (crate::ScratchDir, PathBuf) {
        let dir = crate::ScratchDir::new(&format!("canvass-{test}")).unwrap();
        let root = dir.path().to_path_buf();
        std::fs::copy(crate::root().join("www/index.template.html"), root.join("index.html")).unwrap();
        (dir, root)
    }

    #[test]
    fn resolves_only_files_below_the_root() {
        let (_dir, root) = www("resolve");
        assert_eq!(resolve(&root, "/"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/index.html?x=1#y"), Some(root.join("index.html")));
        assert_eq!(resolve(&root, "/../Cargo.toml"), None);
        assert_eq!(resolve(&root, "/%2e%2e/Cargo.toml"), None);
        assert_eq!(resolve(&root, "/no-such-file"), None);
    }

    #[test]
    fn faults_change_only_what_they_name() {
        let (_dir, root) = www("faults");
        let file = std::fs::read(root.join("index.html")).unwrap();
        let body = |fault: Option<&Fault>| {
            let reply = respond(&root, "/index.html", fault);
            (reply.status, reply.body)
        };
        assert_eq!(body(None), (200, file.clone()));
        assert_eq!(body(Some(&Fault::NotFound)).0, 404);
        assert_eq!(body(Some(&Fault::Truncate(10))), (200, file[..10].to_vec()));
        let (status, damaged) = body(Some(&Fault::Corrupt(3)));
        assert_eq!((status, damaged.len()), (200, file.len()));
        assert_eq!(damaged[3], !file[3]);
        assert_eq!(damaged[..3], file[..3]);
        assert_eq!(damaged[4..], file[4..]);
        let reply = respond(&root, "/index.html", Some(&Fault::ContentType("text/plain")));
        assert_eq!(reply.content_type, "text/plain");
        assert_eq!(body(Some(&Fault::Body("throw 1;"))), (200, b"throw 1;".to_vec()));
        assert_eq!(body(Some(&Fault::Bytes(vec![0, 255]))), (200, vec![0, 255]));
    }

    #[test]
    fn an_nth_fault_hits_only_its_request() {
        let (_dir, root) = www("nth-fault");
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

    /// A burst of connections, each kept open after its response the way a browser
    /// keeps a connection for reuse unless told to close it: every request must still
    /// be answered. The server this replaced ran each connection as one task of a
    /// small thread pool, so connections held open held its threads and a burst left
    /// new ones queued, their requests never read: 12 of these 16 went unanswered,
    /// and a page that preloaded its module hung in about one cold load in seven.
    ///
    /// Every client holds its connection until all 16 have read their answer, so the
    /// test passes as soon as the last is answered, however slow the machine. The read
    /// timeout only bounds how long a broken server makes it wait to fail; it is shorter
    /// than the server's own 30 s wait for a next request, which would otherwise free a
    /// pool's threads and let the queued requests through.
    #[test]
    fn a_burst_of_kept_connections_is_answered() {
        use std::io::{Read, Write};
        use std::net::TcpStream;
        use std::sync::{Arc, Barrier};
        use std::time::Duration;
        const CLIENTS: usize = 16;
        let dir = std::env::temp_dir().join(format!("canvass-serve-burst-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("index.html"), "<!doctype html><p>hello</p>").unwrap();
        let serving = start(dir.clone(), 0).unwrap();
        let all_read = Arc::new(Barrier::new(CLIENTS));
        let clients: Vec<_> = (0..CLIENTS)
            .map(|_| {
                let addr = serving.addr;
                let all_read = all_read.clone();
                std::thread::spawn(move || {
                    let request = || -> io::Result<(TcpStream, Vec<u8>)> {
                        let mut stream = TcpStream::connect(addr)?;
                        stream.set_read_timeout(Some(Duration::from_secs(20)))?;
                        stream.write_all(
                            b"GET /index.html HTTP/1.1\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n",
                        )?;
                        let mut got = Vec::new();
                        let mut buf = [0u8; 4096];
                        while !got.windows(4).any(|w| w == b"</p>") {
                            match stream.read(&mut buf)? {
                                0 => break,
                                n => got.extend_from_slice(&buf[..n]),
                            }
                        }
                        Ok((stream, got))
                    };
                    let held = request();
                    // Hold the connection, as a browser would, until every client has
                    // its answer or has given up on it.
                    all_read.wait();
                    held.is_ok_and(|(_, got)| String::from_utf8_lossy(&got).contains("hello"))
                })
            })
            .collect();
        let answered = clients
            .into_iter()
            .map(|c| c.join().unwrap_or(false))
            .filter(|&ok| ok)
            .count();
        std::fs::remove_dir_all(&dir).ok();
        assert_eq!(answered, CLIENTS);
    }
}
