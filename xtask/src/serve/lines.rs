//! Lines of a store file opened by `regular::open`, each read with a cap:
//! a line longer than the cap is skipped (its bytes consumed, not held), so
//! a journal or log with a gigabyte-long line costs the cap, not the line.

use std::io::{BufRead, BufReader, Read};

/// One line of a capped read.
pub enum Line {
    Text(String),
    /// Longer than the cap, or not UTF-8: skipped.
    Skipped,
}

/// Reads lines of at most `cap` bytes from `reader`.
pub struct CappedLines<R> {
    reader: BufReader<R>,
    cap: usize,
    buf: Vec<u8>,
}

impl<R: Read> CappedLines<R> {
    pub fn new(reader: R, cap: usize) -> Self {
        CappedLines {
            reader: BufReader::with_capacity(1 << 16, reader),
            cap,
            buf: Vec::new(),
        }
    }
}

impl<R: Read> Iterator for CappedLines<R> {
    type Item = Line;

    fn next(&mut self) -> Option<Line> {
        self.buf.clear();
        let read = (&mut self.reader)
            .take(self.cap as u64 + 1)
            .read_until(b'\n', &mut self.buf)
            .ok()?;
        if read == 0 {
            return None;
        }
        if self.buf.last() != Some(&b'\n') && self.buf.len() > self.cap {
            // Too long: drop the rest of the line without keeping it.
            loop {
                let (done, used) = match self.reader.fill_buf() {
                    Ok([]) | Err(_) => (true, 0),
                    Ok(bytes) => match bytes.iter().position(|&b| b == b'\n') {
                        Some(i) => (true, i + 1),
                        None => (false, bytes.len()),
                    },
                };
                self.reader.consume(used);
                if done {
                    return Some(Line::Skipped);
                }
            }
        }
        let mut line = self.buf.as_slice();
        line = line.strip_suffix(b"\n").unwrap_or(line);
        line = line.strip_suffix(b"\r").unwrap_or(line);
        Some(match std::str::from_utf8(line) {
            Ok(text) => Line::Text(text.to_string()),
            Err(_) => Line::Skipped,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_over_the_cap_is_skipped_and_the_next_one_read() {
        let text = format!("ab\n{}\ncd\n\u{ff}x\nlast", "x".repeat(100));
        let mut bytes = text.into_bytes();
        // Invalid UTF-8 on the fourth line.
        let bad = bytes.iter().position(|&b| b == 0xc3).unwrap();
        bytes[bad] = 0xff;
        let got: Vec<String> = CappedLines::new(&bytes[..], 10)
            .map(|l| match l {
                Line::Text(t) => t,
                Line::Skipped => "<skipped>".into(),
            })
            .collect();
        assert_eq!(got, ["ab", "<skipped>", "cd", "<skipped>", "last"]);
    }
}
