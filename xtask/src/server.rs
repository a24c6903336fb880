//! A static file server for `www/`, for development and the end-to-end tests.
//!
//! It serves files only from below its root, with the MIME types browsers insist on
//! (`application/wasm` for streaming compilation, `text/javascript` for modules) and
//! the same security headers a production host should send. It is not a production
//! server: a thread per request, no range requests, no compression.

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

/// Starts serving `root` on `127.0.0.1:port` (0 picks a free port) in a thread.
pub fn start(root: PathBuf, port: u16) -> io::Result<Serving> {
    let server =
        Server::http(("127.0.0.1", port)).map_err(|e| io::Error::new(io::ErrorKind::AddrInUse, e.to_string()))?;
    let addr = server
        .server_addr()
        .to_ip()
        .ok_or_else(|| io::Error::other("not an IP listener"))?;
    let server = std::sync::Arc::new(server);
    let worker = server.clone();
    let thread = std::thread::spawn(move || {
        for request in worker.incoming_requests() {
            // One thread per request: a browser may leave one response unread while it
            // waits for another (a preload it does not need yet), and a single serving
            // thread blocked on writing the first would stall the page.
            let root = root.clone();
            std::thread::spawn(move || {
                let response = respond(&root, request.url());
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

fn respond(root: &Path, url: &str) -> Response<io::Cursor<Vec<u8>>> {
    let (status, content_type, body) =
        match resolve(root, url).and_then(|path| std::fs::read(&path).ok().map(|b| (path, b))) {
            Some((path, body)) => (200, mime_type(&path), body),
            None => (404, "text/plain; charset=utf-8", b"not found\n".to_vec()),
        };
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
    fn wasm_and_modules_get_the_types_browsers_require() {
        assert_eq!(mime_type(Path::new("pkg/x_bg.wasm")), "application/wasm");
        assert!(mime_type(Path::new("app.js")).starts_with("text/javascript"));
    }
}
