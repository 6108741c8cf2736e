//! `xtask serve` under 64 concurrent requests on a hostile store stays
//! under 100 MB (issue 22 row 6): a run with a 200 MB results.json (it was
//! read whole on every `GET /`: 375 MiB per request) and runs without a
//! summary whose 1 MiB results.json each parse to ~20 MiB of values. The
//! server is the xtask binary; its peak RSS is VmHWM in /proc/<pid>/status.

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Barrier};
use std::time::{Duration, Instant};

const CLIENTS: usize = 64;
const LIMIT_KIB: u64 = 100_000;

struct Server(Child);

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// `xtask serve` in `cwd` on a free port, once it answers.
fn start_server(cwd: &Path) -> (Server, u16) {
    let port = TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let child = Command::new(env!("CARGO_BIN_EXE_glomers"))
        .current_dir(cwd)
        .args(["serve", "--port", &port.to_string()])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("xtask serve starts");
    let server = Server(child);
    let deadline = Instant::now() + Duration::from_secs(10);
    while get(port, "/nothing-here").is_err() {
        assert!(Instant::now() < deadline, "xtask serve never answered");
        std::thread::sleep(Duration::from_millis(50));
    }
    (server, port)
}

/// The status of a GET of `path`, after reading the whole response.
fn get(port: u16, path: &str) -> Result<u16, String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).map_err(|e| e.to_string())?;
    s.set_read_timeout(Some(Duration::from_secs(60))).unwrap();
    write!(s, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").map_err(|e| e.to_string())?;
    let mut raw = Vec::new();
    s.read_to_end(&mut raw).map_err(|e| e.to_string())?;
    let head = String::from_utf8_lossy(&raw[..raw.len().min(32)]).to_string();
    head.split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .ok_or_else(|| format!("no status in {head:?}"))
}

/// `CLIENTS` GETs of `path` at once; all must be answered 200.
fn concurrent_gets(port: u16, path: &'static str) {
    let barrier = Arc::new(Barrier::new(CLIENTS));
    let clients: Vec<_> = (0..CLIENTS)
        .map(|_| {
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                get(port, path)
            })
        })
        .collect();
    for c in clients {
        assert_eq!(c.join().unwrap(), Ok(200), "GET {path}");
    }
}

fn peak_rss_kib(pid: u32) -> u64 {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap();
    status
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))
        .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
        .expect("VmHWM in /proc/<pid>/status")
}

#[test]
fn serve_stays_under_100_mb_with_64_concurrent_requests_on_a_hostile_store() {
    let cwd = tempfile::tempdir().unwrap();
    let store = cwd.path().join("store");
    // 200 MB that start as a results map (sparse: the test writes little).
    let big = store.join("broadcast/20240101T000000.000Z");
    std::fs::create_dir_all(&big).unwrap();
    std::fs::write(big.join("results.json"), "{\"valid?\": true, \"pad\": \"").unwrap();
    std::fs::File::options()
        .write(true)
        .open(big.join("results.json"))
        .unwrap()
        .set_len(200 << 20)
        .unwrap();
    std::fs::write(big.join("summary.json"), "{\"valid?\": true}").unwrap();
    // Twenty runs without a summary, each results.json 1 MiB of `[0,0,...]`.
    let zeros = vec!["0"; (1 << 19) - 16].join(",");
    let results = format!("{{\"valid?\": false, \"lost\": [{zeros}]}}");
    assert!(results.len() <= 1 << 20);
    for i in 0..20 {
        let run = store.join(format!("echo/20240102T0000{i:02}.000Z"));
        std::fs::create_dir_all(&run).unwrap();
        std::fs::write(run.join("results.json"), &results).unwrap();
    }
    let (server, port) = start_server(cwd.path());
    concurrent_gets(port, "/");
    concurrent_gets(port, "/run/broadcast/20240101T000000.000Z");
    concurrent_gets(port, "/run/echo/20240102T000000.000Z");
    let peak = peak_rss_kib(server.0.id());
    eprintln!("xtask serve peak RSS (VmHWM): {peak} KiB");
    assert!(peak < LIMIT_KIB, "peak RSS {peak} KiB");
}
