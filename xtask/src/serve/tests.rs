//! End to end over loopback: a store with two runs, a server on a free port.

use super::*;
use std::io::{Read, Write};
use std::net::TcpStream;

/// Builds store/ with an older passing broadcast run (results.json, pictures,
/// history, a node log) and a newer failing echo run (results.edn only).
pub(super) fn store() -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    let store = root.path().join("store");
    let old = store.join("broadcast/20240101T100000.000Z");
    std::fs::create_dir_all(old.join("node-logs")).unwrap();
    let results = r#"{"valid?": true, "net": {"servers": {"msgs-per-op": 3.5}},
                      "workload": {"valid?": true, "stable-latencies": {"0.5": 12, "0.99": 95}}}"#;
    std::fs::write(old.join("results.json"), results).unwrap();
    std::fs::write(old.join("history.txt"), "0\t:invoke\t:read\tnil\n").unwrap();
    std::fs::write(old.join("node-logs/n0.log"), "n0 says <hi>\n").unwrap();
    crate::report::write_pictures(&old, Default::default(), Vec::new(), 0).unwrap();
    let new = store.join("echo/20240202T100000.000Z");
    std::fs::create_dir_all(&new).unwrap();
    std::fs::write(
        new.join("results.edn"),
        "{:valid? false, :workload {:valid? false}}",
    )
    .unwrap();
    std::os::unix::fs::symlink("echo/20240202T100000.000Z", store.join("latest")).unwrap();
    std::os::unix::fs::symlink("/etc", store.join("evil")).unwrap();
    root
}

/// A GET of `path`: (status, content type, body). A server that does not
/// answer within 10 s fails the test instead of hanging it.
pub(super) fn get(addr: std::net::SocketAddr, path: &str) -> (u16, String, String) {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(std::time::Duration::from_secs(10)))
        .unwrap();
    write!(stream, "GET {path} HTTP/1.1\r\nHost: localhost\r\n\r\n").unwrap();
    let mut raw = String::new();
    if let Err(e) = stream.read_to_string(&mut raw) {
        panic!("GET {path}: {e}");
    }
    let (head, body) = raw.split_once("\r\n\r\n").unwrap();
    let status = head.split_whitespace().nth(1).unwrap().parse().unwrap();
    let content_type = head
        .lines()
        .find_map(|l| l.strip_prefix("Content-Type: "))
        .unwrap_or("")
        .to_string();
    (status, content_type, body.to_string())
}

#[test]
fn browses_runs_pictures_and_logs_over_loopback() {
    let root = store();
    let server = bind(&root.path().join("store"), 0).unwrap();
    let addr = server.local_addr().unwrap();
    let paths = [
        "/",
        "/run/broadcast/20240101T100000.000Z",
        "/files/broadcast/20240101T100000.000Z/messages.svg",
        "/files/broadcast/20240101T100000.000Z/node-logs/n0.log",
        "/files/broadcast/",
        "/files/../secret",
        "/files/%2e%2e/secret",
        "/files/evil/hostname",
        "/files/broadcast/nope",
        "/run/broadcast/nope",
        "/elsewhere",
    ];
    // Serve exactly as many requests as the test makes, then stop.
    let n = paths.len();
    let handle = std::thread::spawn(move || (0..n).for_each(|_| server.handle_next()));
    let got: Vec<(u16, String, String)> = paths.iter().map(|p| get(addr, p)).collect();
    handle.join().unwrap();

    let (status, _, index) = &got[0];
    assert_eq!(*status, 200);
    let (echo, broadcast) = (
        index.find(">echo<").unwrap(),
        index.find(">broadcast<").unwrap(),
    );
    assert!(echo < broadcast, "newest run first");
    assert!(
        index.contains("background:#FEB5DA\">false") && index.contains("background:#6DB6FE\">true")
    );
    assert!(index.contains("msgs-per-op: 3.50") && index.contains("0.99: 95"));
    // Direct links to results and history where the run has them.
    assert!(index.contains(
        "<a class=\"results\" href=\"/files/broadcast/20240101T100000.000Z/results.json\">"
    ));
    assert!(index.contains("/files/broadcast/20240101T100000.000Z/history.txt\">history<"));
    assert!(index.contains("/files/echo/20240202T100000.000Z/results.edn\">results<"));
    assert!(!index.contains("/files/echo/20240202T100000.000Z/history.txt"));

    let (status, _, run) = &got[1];
    assert_eq!(*status, 200);
    for picture in crate::report::PICTURES {
        assert!(
            run.contains(&format!(
                "src=\"/files/broadcast/20240101T100000.000Z/{picture}\""
            )),
            "{picture}"
        );
    }
    assert!(
        run.contains("node-logs/n0.log")
            && run.contains("history.txt")
            && run.contains("&quot;msgs-per-op&quot;: 3.5")
    );

    assert_eq!((got[2].0, got[2].1.as_str()), (200, "image/svg+xml"));
    assert!(got[2].2.starts_with("<svg"));
    assert_eq!((got[3].0, got[3].2.as_str()), (200, "n0 says <hi>\n"));
    assert!(got[4].2.contains("20240101T100000.000Z/"));
    let statuses: Vec<u16> = got[5..].iter().map(|g| g.0).collect();
    assert_eq!(statuses, [403, 403, 403, 404, 404, 404]);
}

/// A FIFO at `path` that no writer ever opens.
pub(super) fn mkfifo(path: &std::path::Path) {
    use std::os::unix::ffi::OsStrExt;
    let c = std::ffi::CString::new(path.as_os_str().as_bytes()).unwrap();
    // SAFETY: `c` is a NUL-terminated path that outlives the call.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0, "mkfifo");
}

#[test]
fn percent_decoding_rejects_malformed_escapes() {
    assert_eq!(http::percent_decode("/a%20b"), Some("/a b".into()));
    assert_eq!(http::percent_decode("/a%2"), None);
    assert_eq!(http::percent_decode("/a%zz"), None);
    assert_eq!(http::percent_decode("/%ff"), None);
}

/// 15 clients sending their request one byte every 2 s and 5 that ask for a
/// 64 MiB file and never read it hold 20 connections; other clients are
/// still answered at once, and the file is streamed whole to one that reads.
#[test]
fn twenty_slow_clients_do_not_stall_another() {
    use std::time::{Duration, Instant};
    let root = store();
    let rel = "broadcast/20240101T100000.000Z/net-journal.jsonl";
    let big = root.path().join("store").join(rel);
    std::fs::File::create(&big)
        .unwrap()
        .set_len(64 << 20)
        .unwrap();
    let server = bind(&root.path().join("store"), 0).unwrap();
    let addr = server.local_addr().unwrap();
    std::thread::spawn(move || server.run());
    let mut drips = Vec::new();
    for _ in 0..15 {
        let mut s = TcpStream::connect(addr).unwrap();
        s.write_all(b"G").unwrap();
        drips.push(s);
    }
    let mut sinks = Vec::new();
    for _ in 0..5 {
        let mut s = TcpStream::connect(addr).unwrap();
        write!(s, "GET /files/{rel} HTTP/1.1\r\n\r\n").unwrap();
        sinks.push(s);
    }
    let dripping = std::thread::spawn(move || {
        for b in b"ET" {
            std::thread::sleep(Duration::from_secs(2));
            for s in &mut drips {
                let _ = s.write_all(&[*b]);
            }
        }
        drips
    });
    // Let the big responses fill the non-readers' socket buffers.
    std::thread::sleep(Duration::from_millis(500));
    for _ in 0..3 {
        let t = Instant::now();
        let (status, _, index) = get(addr, "/");
        assert_eq!(status, 200);
        assert!(index.contains(">broadcast<"));
        assert!(
            t.elapsed() < Duration::from_secs(2),
            "took {:?}",
            t.elapsed()
        );
    }
    let mut stream = TcpStream::connect(addr).unwrap();
    write!(stream, "GET /files/{rel} HTTP/1.1\r\n\r\n").unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let head_len = raw.windows(4).position(|w| w == b"\r\n\r\n").unwrap() + 4;
    assert!(String::from_utf8_lossy(&raw[..head_len]).contains("Content-Length: 67108864"));
    assert_eq!(raw.len() - head_len, 64 << 20);
    drop(sinks);
    drop(dripping.join().unwrap());
}

#[test]
fn a_request_head_that_is_too_slow_or_too_large_is_refused() {
    use std::time::{Duration, Instant};
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let mut slow = TcpStream::connect(addr).unwrap();
    slow.write_all(b"GET / HT").unwrap();
    let (conn, _) = listener.accept().unwrap();
    let t = Instant::now();
    let r = http::read_request(&conn, t + Duration::from_millis(300));
    assert_eq!(r.err().map(|r| r.status), Some(408));
    assert!(t.elapsed() < Duration::from_secs(2));

    let mut big = TcpStream::connect(addr).unwrap();
    let (conn, _) = listener.accept().unwrap();
    // The head ends, after MAX_HEAD: the rest is read before the 431.
    let filler = format!(
        "GET / HTTP/1.1\r\nX: {}\r\n\r\n",
        "a".repeat(http::MAX_HEAD)
    );
    let writer = std::thread::spawn(move || {
        let _ = big.write_all(filler.as_bytes());
        big
    });
    let r = http::read_request(&conn, Instant::now() + Duration::from_secs(5));
    assert_eq!(r.err().map(|r| r.status), Some(431));
    drop(conn);
    drop(writer.join().unwrap());
    drop(slow);
}
