//! `cargo xtask serve`: a results browser for `./store` on 127.0.0.1, in the
//! spirit of `maelstrom serve` (which runs jepsen-io/jepsen v0.3.1
//! jepsen/src/jepsen/web.clj). Plain std networking:
//! one GET at a time is all a local browser needs.

mod http;
mod pages;
mod store;

use http::{read_request, write_response, Response};
use std::net::{SocketAddr, TcpListener};
use std::path::{Path, PathBuf};
use store::Refused;

/// A bound browser, not yet serving.
pub struct Server {
    listener: TcpListener,
    store: PathBuf,
}

/// Serves `store` on 127.0.0.1:`port` until the process is killed.
pub fn serve(store: &Path, port: u16) -> Result<(), String> {
    let server = bind(store, port)?;
    println!("Listening on http://{}/", server.local_addr()?);
    server.run();
    Ok(())
}

/// Binds 127.0.0.1:`port` (0 picks a free port; see `Server::local_addr`).
pub fn bind(store: &Path, port: u16) -> Result<Server, String> {
    let listener = TcpListener::bind(("127.0.0.1", port))
        .map_err(|e| format!("cannot listen on 127.0.0.1:{port}: {e}"))?;
    Ok(Server {
        listener,
        store: store.to_path_buf(),
    })
}

impl Server {
    pub fn local_addr(&self) -> Result<SocketAddr, String> {
        self.listener.local_addr().map_err(|e| e.to_string())
    }

    /// Answers requests forever.
    pub fn run(&self) {
        loop {
            self.handle_next();
        }
    }

    /// Accepts one connection and answers its request.
    pub fn handle_next(&self) {
        let Ok((stream, _)) = self.listener.accept() else {
            return;
        };
        let response = match read_request(&stream) {
            Ok(path) => self.respond(&path),
            Err(response) => response,
        };
        write_response(&stream, &response);
    }

    fn respond(&self, path: &str) -> Response {
        if path == "/" {
            return Response::html(pages::index(&self.store, &store::runs(&self.store)));
        }
        if let Some(rel) = path.strip_prefix("/run/") {
            return match store::resolve(&self.store, rel) {
                Ok(dir) if dir.is_dir() => {
                    let rel = rel.trim_matches('/');
                    let (workload, timestamp) = rel.split_once('/').unwrap_or((rel, ""));
                    let run = store::Run {
                        workload: workload.into(),
                        timestamp: timestamp.into(),
                        results: store::read_results(&dir),
                    };
                    Response::html(pages::run(&run, &dir))
                }
                Err(Refused::Escapes) => Response::error(403, "outside the store"),
                _ => Response::error(404, "no such run"),
            };
        }
        if let Some(rel) =
            path.strip_prefix("/files/")
                .or(if path == "/files" { Some("") } else { None })
        {
            return match store::resolve(&self.store, rel) {
                Ok(p) if p.is_dir() => Response::html(pages::listing(rel, &p)),
                Ok(p) => match std::fs::read(&p) {
                    Ok(body) => Response {
                        status: 200,
                        content_type: content_type(&p),
                        body,
                    },
                    Err(_) => Response::error(404, "unreadable"),
                },
                Err(Refused::Escapes) => Response::error(403, "outside the store"),
                Err(Refused::NotFound) => Response::error(404, "not found"),
            };
        }
        Response::error(404, "not found")
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
mod tests;
