//! `cargo xtask serve`: a results browser for `./store` on 127.0.0.1, in the
//! spirit of `maelstrom serve` (which runs jepsen-io/jepsen v0.3.1
//! jepsen/src/jepsen/web.clj). Plain std networking,
//! one thread per connection up to `MAX_CONNECTIONS` (a browser opens a
//! handful; a thread costs nothing while it waits), so a client that sends
//! its request slowly or never reads its response holds only its own
//! thread, and only until its deadline: `HEAD_DEADLINE` for the request
//! head, `REQUEST_DEADLINE` for the whole exchange, `http::WRITE_STALL` for
//! any one write. Every answer, 431 and 503 included, is sent after the
//! request is read and ends with a lingering close (see `http`).
//!
//! No file in the store can stop it: only regular files are opened, without
//! blocking (`regular`); the index reads each run's small `summary.json`, or
//! a bounded results file, parsed one at a time and once (`results`).

mod http;
mod lines;
mod log_window;
mod pages;
mod regular;
mod results;
mod store;
pub mod summary;
mod summary_cache;
mod why;

use http::{read_request, write_response, Body, Response};
use std::io::Write;
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};
use store::Refused;

/// Connections served at once; more are answered 503.
pub const MAX_CONNECTIONS: usize = 64;
/// Connections over `MAX_CONNECTIONS` whose request is read (for at most
/// `REFUSE_DEADLINE`) before their 503, so that they see it and not a
/// reset; beyond these, the 503 is written at once and may be lost.
pub const MAX_REFUSING: usize = 64;
/// Time a refused client has to send its request head and read the 503.
pub const REFUSE_DEADLINE: Duration = Duration::from_secs(2);
/// Time a client has to send its request head.
pub const HEAD_DEADLINE: Duration = Duration::from_secs(10);
/// Time for the whole exchange, response included (a 400 MB journal takes
/// a few seconds over loopback).
pub const REQUEST_DEADLINE: Duration = Duration::from_secs(120);

/// A bound browser, not yet serving.
pub struct Server {
    listener: TcpListener,
    store: Arc<PathBuf>,
    active: Arc<AtomicUsize>,
    refusing: Arc<AtomicUsize>,
}

/// Serves `store` on 127.0.0.1:`port` until the process is killed.
pub fn serve(store: &Path, port: u16) -> Result<(), String> {
    keep_freed_memory_from_piling_up();
    let server = bind(store, port)?;
    println!("Listening on http://{}/", server.local_addr()?);
    server.run();
    Ok(())
}

/// glibc serves a thread from one of up to 8 arenas per core and keeps what
/// is freed there for reuse; and after the first large block is freed it
/// raises the size above which blocks are mapped (and unmapped on free)
/// up to 32 MiB. The parse of a 1 MiB results file then leaves ~18 MiB in
/// each arena it ran in: 288 MiB of RSS measured after 64 concurrent
/// `GET /`. A fixed 128 KiB threshold (glibc's default start) returns
/// large blocks to the system when freed.
fn keep_freed_memory_from_piling_up() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter, under glibc's own
    // lock.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 << 10);
    }
}

/// Binds 127.0.0.1:`port` (0 picks a free port; see `Server::local_addr`).
pub fn bind(store: &Path, port: u16) -> Result<Server, String> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    Ok(Server {
        listener,
        store: Arc::new(store.to_path_buf()),
        active: Arc::new(AtomicUsize::new(0)),
        refusing: Arc::new(AtomicUsize::new(0)),
    })
}

impl Server {
    pub fn local_addr(&self) -> Result<SocketAddr, String> {
        self.listener.local_addr().map_err(|e| e.to_string())
    }

    /// Answers requests forever, each connection on its own thread.
    pub fn run(&self) {
        loop {
            let Ok((stream, _)) = self.listener.accept() else {
                continue;
            };
            if self.active.fetch_add(1, Ordering::SeqCst) >= MAX_CONNECTIONS {
                self.active.fetch_sub(1, Ordering::SeqCst);
                self.refuse(stream);
                continue;
            }
            let (store, active) = (self.store.clone(), self.active.clone());
            let spawned = std::thread::Builder::new()
                .name("serve".into())
                .spawn(move || {
                    handle(&store, &stream);
                    active.fetch_sub(1, Ordering::SeqCst);
                });
            if spawned.is_err() {
                // The stream moved into the closure and is closed with it.
                self.active.fetch_sub(1, Ordering::SeqCst);
            }
        }
    }

    /// Over the connection cap: a 503 after reading the request, on a
    /// thread of its own while fewer than `MAX_REFUSING` are; past that,
    /// written at once.
    fn refuse(&self, stream: TcpStream) {
        if self.refusing.fetch_add(1, Ordering::SeqCst) >= MAX_REFUSING {
            self.refusing.fetch_sub(1, Ordering::SeqCst);
            refuse_now(stream);
            return;
        }
        let refusing = self.refusing.clone();
        let spawned = std::thread::Builder::new()
            .name("serve-503".into())
            .spawn(move || {
                let deadline = Instant::now() + REFUSE_DEADLINE;
                let head_only = read_request(&stream, deadline).is_ok_and(|r| r.head_only);
                let busy = Response::error(503, "too many connections, try again");
                write_response(&stream, busy, head_only, deadline);
                refusing.fetch_sub(1, Ordering::SeqCst);
            });
        if spawned.is_err() {
            self.refusing.fetch_sub(1, Ordering::SeqCst);
        }
    }

    /// Accepts one connection and answers its request on this thread.
    #[cfg(test)]
    pub fn handle_next(&self) {
        if let Ok((stream, _)) = self.listener.accept() {
            handle(&self.store, &stream);
        }
    }
}

/// Answers one connection's request within the deadlines.
fn handle(store: &Path, stream: &TcpStream) {
    let start = Instant::now();
    let (response, head_only) = match read_request(stream, start + HEAD_DEADLINE) {
        Ok(req) => (respond(store, &req.path), req.head_only),
        Err(response) => (response, false),
    };
    write_response(stream, response, head_only, start + REQUEST_DEADLINE);
}

/// Over both caps: a 503 written without waiting (a fresh socket's send
/// buffer takes it whole), then close.
fn refuse_now(stream: TcpStream) {
    let _ = stream.set_nonblocking(true);
    let _ = (&stream).write_all(
        b"HTTP/1.1 503 Service Unavailable\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
    );
}

/// The response to a GET of `path`.
fn respond(root: &Path, path: &str) -> Response {
    if path == "/" {
        return Response::html(pages::index(root, &store::runs(root)));
    }
    if let Some(rel) = path.strip_prefix("/run/") {
        return match store::resolve(root, rel) {
            Ok(dir) if dir.is_dir() => {
                let rel = rel.trim_matches('/');
                let (workload, timestamp) = rel.split_once('/').unwrap_or((rel, ""));
                let (results, text) = results::page_results(&dir);
                let run = store::Run {
                    workload: workload.into(),
                    timestamp: timestamp.into(),
                    results,
                };
                Response::html(pages::run(&run, &text, &dir))
            }
            Err(Refused::Escapes) => Response::error(403, "outside the store"),
            _ => Response::error(404, "no such run"),
        };
    }
    if let Some(rest) = path.strip_prefix("/why/") {
        return cut_diagram(root, rest);
    }
    if let Some(rel) =
        path.strip_prefix("/files/")
            .or(if path == "/files" { Some("") } else { None })
    {
        return match store::resolve(root, rel) {
            Ok(p) if p.is_dir() => Response::html(pages::listing(rel, &p)),
            Ok(p) => match regular::open(&p) {
                Ok((file, meta)) => Response {
                    status: 200,
                    content_type: content_type(&p),
                    body: Body::File(file, meta.len()),
                },
                Err(regular::Unread::NotRegular) => Response::error(404, "not a regular file"),
                Err(_) => Response::error(404, "unreadable"),
            },
            Err(Refused::Escapes) => Response::error(403, "outside the store"),
            Err(Refused::NotFound) => Response::error(404, "not found"),
        };
    }
    Response::error(404, "not found")
}

/// `<workload>/<timestamp>/<n>/messages.svg`: the Lamport diagram cut to
/// the run's manifest entry `n` (see `why`).
fn cut_diagram(root: &Path, rest: &str) -> Response {
    let parsed = rest
        .strip_suffix("/messages.svg")
        .and_then(|r| r.rsplit_once('/'))
        .and_then(|(rel, n)| Some((rel, n.parse::<usize>().ok()?)));
    let Some((rel, n)) = parsed else {
        return Response::error(404, "not found");
    };
    match store::resolve(root, rel) {
        Ok(dir) if dir.is_dir() => why::cut_diagram(&dir, n),
        Err(Refused::Escapes) => Response::error(403, "outside the store"),
        _ => Response::error(404, "no such run"),
    }
}

fn content_type(path: &Path) -> &'static str {
    match path.extension().and_then(|e| e.to_str()).unwrap_or("") {
        "svg" => "image/svg+xml",
        "html" => "text/html; charset=utf-8",
        "png" => "image/png",
        "json" => "application/json",
        "txt" | "log" | "edn" | "jsonl" => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

#[cfg(test)]
mod hostile_client_tests;
#[cfg(test)]
mod hostile_store_tests;
#[cfg(test)]
mod tests;
