//! Splitting a node's stdout / stderr into lines the way Java's
//! BufferedReader does (Maelstrom reads node output with `line-seq` over a
//! BufferedReader: jepsen-io/maelstrom v0.2.3 src/maelstrom/process.clj,
//! `stdout-thread`): `\n`, `\r\n` and `\r` all end a line; a final
//! unterminated line counts at EOF.
//!
//! Unlike the JVM, a line is never held past `cap` bytes: once a line
//! crosses it, `TooLong` is reported at once with the line's first bytes,
//! and the rest of that line is skipped as it arrives. Memory per stream is
//! bounded by the cap whatever the node prints.

/// A piece of a stream.
#[derive(Debug, PartialEq, Eq)]
pub enum Piece {
    Line(String),
    /// A line crossed the cap; `head` is its first `HEAD` bytes (lossy UTF-8).
    TooLong {
        head: String,
    },
}

/// Bytes of an over-long line kept for the report.
const HEAD: usize = 200;

pub struct LineSplitter {
    cap: usize,
    line: Vec<u8>,
    after_cr: bool,
    /// Inside an over-long line already reported: skip to its end.
    skipping: bool,
}

impl LineSplitter {
    pub fn new(cap: usize) -> Self {
        LineSplitter {
            cap,
            line: Vec::new(),
            after_cr: false,
            skipping: false,
        }
    }

    /// Feeds bytes; `emit` gets every piece they complete.
    pub fn feed(&mut self, bytes: &[u8], mut emit: impl FnMut(Piece)) {
        let mut rest = bytes;
        while !rest.is_empty() {
            if self.after_cr && rest[0] == b'\n' {
                // The `\n` of a `\r\n` already ended the line.
                self.after_cr = false;
                rest = &rest[1..];
                continue;
            }
            self.after_cr = false;
            match rest.iter().position(|b| *b == b'\n' || *b == b'\r') {
                Some(end) => {
                    self.take(&rest[..end], &mut emit);
                    if !self.skipping {
                        let line = std::mem::take(&mut self.line);
                        emit(Piece::Line(String::from_utf8_lossy(&line).into_owned()));
                    }
                    self.skipping = false;
                    self.line.clear();
                    self.after_cr = rest[end] == b'\r';
                    rest = &rest[end + 1..];
                }
                None => {
                    self.take(rest, &mut emit);
                    rest = &[];
                }
            }
        }
    }

    /// End of the stream: a last unterminated line counts.
    pub fn finish(&mut self, mut emit: impl FnMut(Piece)) {
        if !self.line.is_empty() && !self.skipping {
            let line = std::mem::take(&mut self.line);
            emit(Piece::Line(String::from_utf8_lossy(&line).into_owned()));
        }
        self.line = Vec::new();
        self.skipping = false;
    }

    /// Forgets any partial line (the stream will not be read again).
    pub fn discard(&mut self) {
        self.line = Vec::new();
    }

    /// Bytes held for the current line (for tests).
    #[cfg(test)]
    pub fn held(&self) -> usize {
        self.line.capacity()
    }

    /// Appends part of the current line, reporting it once if it crosses the cap.
    fn take(&mut self, part: &[u8], emit: &mut impl FnMut(Piece)) {
        if self.skipping {
            return;
        }
        if self.line.len() + part.len() <= self.cap {
            self.line.extend_from_slice(part);
            return;
        }
        let mut head = std::mem::take(&mut self.line);
        head.extend_from_slice(&part[..part.len().min(HEAD)]);
        head.truncate(HEAD);
        emit(Piece::TooLong {
            head: String::from_utf8_lossy(&head).into_owned(),
        });
        self.skipping = true;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn split(chunks: &[&[u8]], cap: usize) -> Vec<Piece> {
        let mut s = LineSplitter::new(cap);
        let mut out = Vec::new();
        for c in chunks {
            s.feed(c, |p| out.push(p));
        }
        s.finish(|p| out.push(p));
        out
    }

    fn lines(v: &[&str]) -> Vec<Piece> {
        v.iter().map(|l| Piece::Line(l.to_string())).collect()
    }

    #[test]
    fn lines_split_like_java() {
        assert_eq!(
            split(&[b"a\nb\r\nc\rd\n\ne"], 100),
            lines(&["a", "b", "c", "d", "", "e"])
        );
        // The same bytes in one-byte chunks: `\r` and `\n` in separate reads.
        let bytes = b"a\nb\r\nc\rd\n\ne";
        let chunks: Vec<&[u8]> = bytes.chunks(1).collect();
        assert_eq!(split(&chunks, 100), lines(&["a", "b", "c", "d", "", "e"]));
        assert_eq!(split(&[b"\r\r\n"], 100), lines(&["", ""]));
    }

    #[test]
    fn a_line_over_the_cap_is_reported_once_and_skipped_without_being_held() {
        let mut s = LineSplitter::new(1_000);
        let mut out = Vec::new();
        s.feed(b"ok\n{\"src\":", |p| out.push(p));
        for _ in 0..10_000 {
            s.feed(&[b'x'; 4096], |p| out.push(p));
            assert!(s.held() <= 2 * 1_000 + 4096, "held {}", s.held());
        }
        s.feed(b"yyy\r\nnext\n", |p| out.push(p));
        assert_eq!(out.len(), 3, "{out:?}");
        assert_eq!(out[0], Piece::Line("ok".into()));
        let Piece::TooLong { head } = &out[1] else {
            panic!("{out:?}")
        };
        assert!(head.starts_with("{\"src\":xxx") && head.len() == HEAD);
        assert_eq!(out[2], Piece::Line("next".into()));
    }

    #[test]
    fn a_line_exactly_at_the_cap_is_a_line() {
        let line = vec![b'a'; 50];
        let mut input = line.clone();
        input.push(b'\n');
        assert_eq!(
            split(&[&input], 50),
            vec![Piece::Line(String::from_utf8(line).unwrap())]
        );
        assert!(matches!(split(&[&input], 49)[..], [Piece::TooLong { .. }]));
    }
}
