//! Just enough HTTP/1.1 for a local results browser: read a GET request
//! head (bounded in size and time), answer with one response and close the
//! connection. File bodies are streamed in chunks, never read whole.
//!
//! Whatever the client sent is read before the socket closes (up to
//! `MAX_DRAIN` bytes, for at most `LINGER`): a socket closed with unread
//! bytes sends a TCP reset, and a reset can reach the client before it has
//! read the response, which it then never sees (RFC 9112 section 9.6 asks
//! servers to close in stages for this reason).

use std::fs::File;
use std::io::{self, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

/// Largest request head (request line and headers) read.
pub const MAX_HEAD: usize = 16 << 10;
/// Longest a single write may make no progress before the client is dropped.
pub const WRITE_STALL: Duration = Duration::from_secs(10);
/// Bytes per write of a streamed file.
const CHUNK: usize = 64 << 10;
/// Most bytes read and thrown away: the rest of a head over `MAX_HEAD`
/// before its 431, and what follows the response before the close.
pub const MAX_DRAIN: usize = 1 << 20;
/// Longest wait, after the response, for the client to finish sending.
pub const LINGER: Duration = Duration::from_secs(2);

/// What a response carries.
pub enum Body {
    Bytes(Vec<u8>),
    /// An open file and its length, streamed in chunks.
    File(File, u64),
}

/// One response: status, content type and body.
pub struct Response {
    pub status: u16,
    pub content_type: &'static str,
    pub body: Body,
}

impl Response {
    pub fn html(body: String) -> Response {
        Response {
            status: 200,
            content_type: "text/html; charset=utf-8",
            body: Body::Bytes(body.into_bytes()),
        }
    }

    pub fn error(status: u16, message: &str) -> Response {
        Response {
            status,
            content_type: "text/plain; charset=utf-8",
            body: Body::Bytes(format!("{status} {message}\n").into_bytes()),
        }
    }

    fn len(&self) -> u64 {
        match &self.body {
            Body::Bytes(b) => b.len() as u64,
            Body::File(_, n) => *n,
        }
    }
}

fn reason(status: u16) -> &'static str {
    match status {
        200 => "OK",
        400 => "Bad Request",
        403 => "Forbidden",
        404 => "Not Found",
        405 => "Method Not Allowed",
        408 => "Request Timeout",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Internal Server Error",
    }
}

/// A parsed request: the decoded path (query dropped) and whether only the
/// head of the response is wanted.
pub struct Request {
    pub path: String,
    pub head_only: bool,
}

/// Reads the request head until `deadline` and returns the request, or an
/// error response to send instead (a head over `MAX_HEAD`, one that does not
/// arrive in time, a method other than GET / HEAD).
pub fn read_request(mut stream: &TcpStream, deadline: Instant) -> Result<Request, Response> {
    let mut head = Vec::with_capacity(1024);
    let mut buf = [0u8; 1024];
    let end = loop {
        if let Some(end) = head_end(&head) {
            break end;
        }
        if head.len() >= MAX_HEAD {
            discard_head(stream, &head[head.len() - 3..], deadline);
            return Err(Response::error(431, "request head too large"));
        }
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(Response::error(408, "request head not received in time"));
        }
        let _ = stream.set_read_timeout(Some(left));
        let want = buf.len().min(MAX_HEAD - head.len());
        match stream.read(&mut buf[..want]) {
            // A client that closed early: answer what came, if it parses.
            Ok(0) => break head.len(),
            Ok(n) => head.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut
                ) =>
            {
                return Err(Response::error(408, "request head not received in time"));
            }
            Err(_) => return Err(Response::error(400, "unreadable request")),
        }
    };
    let text = String::from_utf8_lossy(&head[..end]);
    let line = text.lines().next().unwrap_or("");
    let mut parts = line.split_whitespace();
    let (method, target) = (parts.next().unwrap_or(""), parts.next().unwrap_or(""));
    if method != "GET" && method != "HEAD" {
        return Err(Response::error(405, "only GET is served"));
    }
    let path = target.split(['?', '#']).next().unwrap_or("");
    let path = percent_decode(path).ok_or_else(|| Response::error(400, "bad percent-encoding"))?;
    Ok(Request {
        path,
        head_only: method == "HEAD",
    })
}

/// Reads and drops the rest of a request head whose bytes so far end with
/// `tail`, up to its blank line (or EOF, `MAX_DRAIN` bytes, `deadline`).
fn discard_head(stream: &TcpStream, tail: &[u8], deadline: Instant) {
    let mut seen = tail.to_vec();
    drain(stream, deadline, |bytes| {
        // Keep three bytes: a blank line can straddle two reads.
        seen.drain(..seen.len().saturating_sub(3));
        seen.extend_from_slice(bytes);
        head_end(&seen).is_some()
    });
}

/// Closes our side after the response, then reads and drops what the
/// client still sends until it closes too (or `MAX_DRAIN` bytes, `LINGER`).
fn linger(stream: &TcpStream) {
    if stream.shutdown(std::net::Shutdown::Write).is_ok() {
        drain(stream, Instant::now() + LINGER, |_| false);
    }
}

/// Reads and drops bytes until `done` says so of the bytes just read, EOF,
/// `MAX_DRAIN` bytes or `deadline`.
fn drain(mut stream: &TcpStream, deadline: Instant, mut done: impl FnMut(&[u8]) -> bool) {
    let mut buf = [0u8; 4096];
    let mut drained = 0;
    while drained < MAX_DRAIN {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() || stream.set_read_timeout(Some(left)).is_err() {
            return;
        }
        match stream.read(&mut buf) {
            Ok(0) => return,
            Ok(n) => {
                drained += n;
                if done(&buf[..n]) {
                    return;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(_) => return,
        }
    }
}

/// Where the head ends (at the blank line), if it has.
fn head_end(head: &[u8]) -> Option<usize> {
    let crlf = head.windows(4).position(|w| w == b"\r\n\r\n");
    let lf = head.windows(2).position(|w| w == b"\n\n");
    match (crlf, lf) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, b) => a.or(b),
    }
}

/// Sends `response`, each write bounded by `WRITE_STALL` and the whole by
/// `deadline`; a client that stops reading is dropped, not waited for.
pub fn write_response(
    mut stream: &TcpStream,
    response: Response,
    head_only: bool,
    deadline: Instant,
) {
    let head = format!(
        "HTTP/1.1 {} {}\r\nContent-Type: {}\r\nContent-Length: {}\r\nConnection: close\r\n\r\n",
        response.status,
        reason(response.status),
        response.content_type,
        response.len()
    );
    let mut send = |bytes: &[u8]| -> io::Result<()> {
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(io::ErrorKind::TimedOut.into());
        }
        stream.set_write_timeout(Some(left.min(WRITE_STALL)))?;
        stream.write_all(bytes)
    };
    if send(head.as_bytes()).is_err() {
        return;
    }
    let sent = if head_only {
        Ok(())
    } else {
        send_body(response.body, &mut send)
    };
    // A client that stopped reading is dropped; one that read gets a
    // clean close.
    if sent.is_ok() && stream.flush().is_ok() {
        linger(stream);
    }
}

/// Sends a body through `send`, a file in `CHUNK`s.
fn send_body(body: Body, send: &mut impl FnMut(&[u8]) -> io::Result<()>) -> io::Result<()> {
    match body {
        Body::Bytes(b) => send(&b),
        Body::File(f, len) => {
            // Exactly the announced length, even if the file grows meanwhile.
            let mut f = f.take(len);
            let mut buf = vec![0u8; CHUNK];
            loop {
                match f.read(&mut buf) {
                    Ok(0) | Err(_) => break Ok(()),
                    Ok(n) => {
                        if let Err(e) = send(&buf[..n]) {
                            break Err(e);
                        }
                    }
                }
            }
        }
    }
}

/// Decodes `%XX` escapes; None if an escape is malformed or the result is
/// not UTF-8.
pub fn percent_decode(s: &str) -> Option<String> {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = std::str::from_utf8(bytes.get(i + 1..i + 3)?).ok()?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Encodes a path for use in a link (each segment kept, unsafe bytes escaped).
pub fn percent_encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        if b.is_ascii_alphanumeric() || b"/-_.~:+".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Escapes text for HTML content and attributes.
pub fn esc(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&#39;")
}
