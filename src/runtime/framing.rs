//! Newline framing over a reusable buffer.
//!
//! Bytes arrive in arbitrary chunks (partial lines, many lines per read,
//! lines longer than one read); `LineFramer` hands out complete lines without
//! copying them and compacts its buffer only when needed.

/// Splits a byte stream into lines. `\n` ends a line; a trailing `\r` is
/// stripped so `\r\n` input also works.
#[derive(Debug, Default)]
pub struct LineFramer {
    /// Storage; only `buf[start..end]` holds unconsumed data. Its length is
    /// the allocated (and zeroed once) size, so reads never re-zero it.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    /// How far past `start` we already searched for a newline.
    scanned: usize,
}

impl LineFramer {
    pub fn new() -> Self {
        LineFramer {
            buf: vec![0; 64 * 1024],
            start: 0,
            end: 0,
            scanned: 0,
        }
    }

    /// Space to read into, at least `min` bytes, after the buffered data
    /// (consumed bytes are compacted away first). Call `commit(n)` with the
    /// number of bytes written into it.
    pub fn spare(&mut self, min: usize) -> &mut [u8] {
        if self.start > 0 && (self.start == self.end || self.buf.len() - self.end < min) {
            self.buf.copy_within(self.start..self.end, 0);
            self.end -= self.start;
            self.start = 0;
        }
        if self.buf.len() - self.end < min {
            let size = (self.buf.len() * 2).max(self.end + min);
            self.buf.resize(size, 0);
        }
        &mut self.buf[self.end..]
    }

    /// Marks the first `n` bytes of the last `spare` slice as filled.
    pub fn commit(&mut self, n: usize) {
        self.end = (self.end + n).min(self.buf.len());
    }

    /// Appends bytes (convenience for tests and simulators).
    pub fn push(&mut self, bytes: &[u8]) {
        let spare = self.spare(bytes.len());
        spare[..bytes.len()].copy_from_slice(bytes);
        self.commit(bytes.len());
    }

    /// The next complete line, without its terminator.
    pub fn next_line(&mut self) -> Option<&[u8]> {
        let from = self.start + self.scanned;
        match self.buf[from..self.end].iter().position(|&b| b == b'\n') {
            Some(i) => {
                let end = from + i;
                let line_start = self.start;
                self.start = end + 1;
                self.scanned = 0;
                let mut line = &self.buf[line_start..end];
                if line.last() == Some(&b'\r') {
                    line = &line[..line.len() - 1];
                }
                Some(line)
            }
            None => {
                self.scanned = self.end - self.start;
                None
            }
        }
    }

    /// At EOF: the last line if it had no newline.
    pub fn finish(&mut self) -> Option<&[u8]> {
        if self.start >= self.end {
            return None;
        }
        let line = &self.buf[self.start..self.end];
        self.start = self.end;
        self.scanned = 0;
        Some(line)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn drain(f: &mut LineFramer) -> Vec<Vec<u8>> {
        let mut out = vec![];
        while let Some(l) = f.next_line() {
            out.push(l.to_vec());
        }
        out
    }

    #[test]
    fn partial_and_multiple_lines() {
        let mut f = LineFramer::new();
        f.push(b"ab");
        assert!(drain(&mut f).is_empty());
        f.push(b"c\nde\nf");
        assert_eq!(drain(&mut f), vec![b"abc".to_vec(), b"de".to_vec()]);
        f.push(b"g\r\n");
        assert_eq!(drain(&mut f), vec![b"fg".to_vec()]);
        assert_eq!(f.finish(), None);
    }

    #[test]
    fn last_line_without_newline_is_returned_at_eof() {
        let mut f = LineFramer::new();
        f.push(b"one\ntwo");
        assert_eq!(drain(&mut f), vec![b"one".to_vec()]);
        assert_eq!(f.finish(), Some(&b"two"[..]));
        assert_eq!(f.finish(), None);
    }

    #[test]
    fn one_mebibyte_line_in_small_chunks() {
        let mut f = LineFramer::new();
        let line: Vec<u8> = (0..1 << 20).map(|i| b'a' + (i % 26) as u8).collect();
        for chunk in line.chunks(4096) {
            f.push(chunk);
            assert!(f.next_line().is_none());
        }
        f.push(b"\nnext\n");
        assert_eq!(f.next_line().map(|l| l.len()), Some(1 << 20));
        assert_eq!(f.next_line(), Some(&b"next"[..]));
    }

    #[test]
    fn buffer_is_reused_across_many_lines() {
        let mut f = LineFramer::new();
        for i in 0..100_000 {
            f.push(format!("line {i}\n").as_bytes());
            assert_eq!(f.next_line().unwrap(), format!("line {i}").as_bytes());
        }
        assert!(f.buf.len() < 1 << 20, "buffer grew to {}", f.buf.len());
    }
}
