//! Issue 22 row 14: a client answered 431 or 503 must see that status, not
//! a reset. Closing a socket with unread bytes sends a TCP reset, and the
//! server answered both before reading the request. Each test runs a real
//! server on 127.0.0.1 and counts a read that ends in an error as a failure.

use super::tests::store;
use super::*;
use std::io::Read;

/// Sends `request` (ignoring a write error: the reply is what counts) and
/// reads the reply to its end.
fn exchange(addr: SocketAddr, request: &[u8]) -> Result<Vec<u8>, String> {
    let mut stream = TcpStream::connect(addr).map_err(|e| e.to_string())?;
    stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let _ = stream.write_all(request);
    let mut raw = Vec::new();
    match stream.read_to_end(&mut raw) {
        Ok(_) => Ok(raw),
        Err(e) => Err(format!("{e} after {} bytes", raw.len())),
    }
}

fn serve_in_background(store: &Path) -> SocketAddr {
    let server = bind(store, 0).unwrap();
    let addr = server.local_addr().unwrap();
    std::thread::spawn(move || server.run());
    addr
}

/// A 64 KiB head: the server reads 16 KiB of it, then the rest, then
/// answers 431 and closes cleanly (it used to close with 48 KiB unread).
#[test]
fn a_head_over_the_cap_gets_its_431_and_a_clean_close() {
    let root = store();
    let addr = serve_in_background(&root.path().join("store"));
    let request = format!("GET / HTTP/1.1\r\nX: {}\r\n\r\n", "a".repeat(64 << 10));
    for attempt in 0..20 {
        let reply = exchange(addr, request.as_bytes());
        let reply = reply.unwrap_or_else(|e| panic!("attempt {attempt}: {e}"));
        assert!(
            reply.starts_with(b"HTTP/1.1 431 "),
            "attempt {attempt}: {}",
            String::from_utf8_lossy(&reply)
        );
    }
}

/// With every connection slot held, later clients are read, then answered
/// 503, then closed cleanly (the 503 used to be written at accept, and the
/// request that followed it reset the connection).
#[test]
fn connections_over_the_cap_get_their_503_and_a_clean_close() {
    let root = store();
    let addr = serve_in_background(&root.path().join("store"));
    // Connected and silent: each holds its slot until HEAD_DEADLINE.
    let held: Vec<TcpStream> = (0..MAX_CONNECTIONS)
        .map(|_| TcpStream::connect(addr).unwrap())
        .collect();
    let start = Instant::now();
    let request = format!(
        "GET / HTTP/1.1\r\nHost: localhost\r\nX: {}\r\n\r\n",
        "a".repeat(8 << 10)
    );
    for attempt in 0..20 {
        let reply = exchange(addr, request.as_bytes());
        let reply = reply.unwrap_or_else(|e| panic!("attempt {attempt}: {e}"));
        assert!(
            reply.starts_with(b"HTTP/1.1 503 "),
            "attempt {attempt}: {}",
            String::from_utf8_lossy(&reply)
        );
    }
    // The slots were held throughout, or the test proved nothing.
    assert!(start.elapsed() < HEAD_DEADLINE);
    drop(held);
}
