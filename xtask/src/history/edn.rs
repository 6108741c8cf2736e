//! The op maps of an EDN history file, one at a time, as Clojure's reader
//! reads them: forms separated by any whitespace, `;` comments and blank
//! lines, a form free to span lines. Two layouts:
//!
//! - one op after another, as Jepsen 0.3.1 writes `history.edn`
//!   (jepsen/src/jepsen/store.clj `write-history!`, a `prn` per op) and as
//!   Elle 0.1.6's tests read `histories/*.edn` (test/elle/core_test.clj
//!   `read-history`: `(repeatedly #(edn/read {:eof nil} r))`);
//! - one vector of ops across many lines, as Knossos 0.3.9 keeps
//!   `data/cas-register/**/*.edn` (read whole with `edn/read-string`).
//!
//! Only the op being read is held, never the file: an op is read from whole
//! lines, re-tried each time the text held doubles (or grows by 1 MiB), so
//! a long op costs little more parsing than its length; ops are capped at
//! [`MAX_LINE_BYTES`] as lines are.
//! fidelity C1: EDN as Clojure's reader reads it.

use super::source::{Lines, MAX_LINE_BYTES};
use crate::edn::{next_form, Next};
use serde_json::Value;

/// Reads every op of the file in order, handing each to `op` with the line
/// it starts on. Errors name their line.
pub fn read_ops(
    lines: &mut Lines,
    mut op: impl FnMut(usize, Value) -> Result<(), String>,
) -> Result<(), String> {
    let mut text = Buffer::default();
    // Inside the file's vector of ops: its closing character and line.
    let mut vector: Option<(char, usize)> = None;
    while let Some(next) = text.next(lines)? {
        match next {
            Item::Open(close, line) => vector = Some((close, line)),
            Item::Form(line, v) => op(line, v)?,
            Item::Close(line, c) if vector.is_some_and(|(close, _)| close == c) => {
                return text
                    .rest_is_blank(lines)
                    .map_err(|e| format!("after the vector of ops closed on line {line}: {e}"));
            }
            Item::Close(line, c) => return Err(format!("line {line}: unmatched {c:?}")),
        }
    }
    match vector {
        Some((close, line)) => Err(format!(
            "the vector of ops opened on line {line} is never closed (expected {close:?})"
        )),
        None => Ok(()),
    }
}

/// What the reader met next.
enum Item {
    /// The file's first form opens a vector (or list) of ops, closed by
    /// this character, on this line.
    Open(char, usize),
    Form(usize, Value),
    Close(usize, char),
}

/// The text read but not yet parsed: whole lines, the first being `line`.
#[derive(Default)]
struct Buffer {
    text: String,
    line: usize,
    /// Whether the first form has been seen (so a `[` opens an op).
    started: bool,
    /// Parse again once the text is this long (doubling, see the module).
    retry_at: usize,
    /// Whether the text was parsed since its last line came.
    parsed: bool,
    /// A line held back: appending it would pass the cap, and the text
    /// before it must be parsed first (it may hold whole ops).
    held: Option<(usize, String)>,
    eof: bool,
}

impl Buffer {
    /// The next item, reading lines as needed; None at the end.
    fn next(&mut self, lines: &mut Lines) -> Result<Option<Item>, String> {
        loop {
            if !self.started {
                let body = skip_blank(&self.text);
                if let Some(c @ ('[' | '(')) = self.text[body..].chars().next() {
                    let line = self.line_at(body);
                    self.consume(body + 1);
                    self.started = true;
                    let close = if c == '[' { ']' } else { ')' };
                    return Ok(Some(Item::Open(close, line)));
                }
            }
            let held = self.held.is_some() && !self.parsed;
            if self.text.len() >= self.retry_at || self.eof || held {
                self.parsed = true;
                match next_form(&self.text, self.eof) {
                    Ok(Next::Form(v, range)) => {
                        let line = self.line_at(range.start);
                        self.consume(range.end);
                        self.started = true;
                        self.retry_at = 0;
                        return Ok(Some(Item::Form(line, v)));
                    }
                    Ok(Next::Close(c, at)) => {
                        let line = self.line_at(at);
                        self.consume(at + c.len_utf8());
                        self.retry_at = 0;
                        return Ok(Some(Item::Close(line, c)));
                    }
                    Ok(Next::End) if self.eof => return Ok(None),
                    // Blanks and comments (whole lines): nothing to keep.
                    Ok(Next::End) => {
                        self.consume(self.text.len());
                        self.retry_at = 0;
                    }
                    Ok(Next::Incomplete) => {
                        let len = self.text.len();
                        self.retry_at = len + len.min(1 << 20);
                    }
                    Err(e) => {
                        let at = self.line_at(skip_blank(&self.text));
                        return Err(format!("line {at}: {e}"));
                    }
                }
            }
            if !self.read_line(lines)? {
                self.eof = true;
            }
        }
    }

    /// After the file's vector: only blanks and comments.
    fn rest_is_blank(&mut self, lines: &mut Lines) -> Result<(), String> {
        loop {
            let body = skip_blank(&self.text);
            if body < self.text.len() {
                return Err(format!(
                    "line {}: text after the vector of ops",
                    self.line_at(body)
                ));
            }
            self.consume(body);
            if !self.read_line(lines)? {
                return Ok(());
            }
        }
    }

    /// Appends the next line; false at the end of the file.
    fn read_line(&mut self, lines: &mut Lines) -> Result<bool, String> {
        if let Some((n, line)) = self.held.take() {
            self.append(n, &line)?;
            return Ok(true);
        }
        let Some(next) = lines.next_line() else {
            return Ok(false);
        };
        let (n, line) = next?;
        if self.text.len() + line.len() > MAX_LINE_BYTES && !self.parsed {
            self.held = Some((n, line.to_string()));
            return Ok(true);
        }
        self.append(n, line)?;
        Ok(true)
    }

    /// Appends line `n`; Err if the text would pass the cap.
    fn append(&mut self, n: usize, line: &str) -> Result<(), String> {
        if self.text.is_empty() {
            self.line = n;
        }
        if self.text.len() + line.len() > MAX_LINE_BYTES {
            return Err(format!(
                "line {}: an op longer than {MAX_LINE_BYTES} bytes",
                self.line_at(skip_blank(&self.text))
            ));
        }
        self.text.push_str(line);
        self.text.push('\n');
        self.parsed = false;
        Ok(())
    }

    /// The line number of byte `at` of the text.
    fn line_at(&self, at: usize) -> usize {
        self.line + self.text[..at].matches('\n').count()
    }

    /// Drops the text before byte `end`, keeping the line count.
    fn consume(&mut self, end: usize) {
        self.line = self.line_at(end);
        self.text.drain(..end);
    }
}

/// The byte offset of the first character that is not whitespace, a comma
/// or in a `;` comment.
fn skip_blank(text: &str) -> usize {
    let mut in_comment = false;
    for (i, c) in text.char_indices() {
        match c {
            '\n' => in_comment = false,
            _ if in_comment => {}
            ';' => in_comment = true,
            c if c.is_whitespace() || c == ',' => {}
            _ => return i,
        }
    }
    text.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The ops of `text` with their lines, or the error.
    fn ops_of(text: &str) -> Result<Vec<(usize, Value)>, String> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.edn");
        std::fs::write(&path, text).unwrap();
        let mut lines = Lines::open(&path)?;
        let mut ops = Vec::new();
        read_ops(&mut lines, |n, v| {
            ops.push((n, v));
            Ok(())
        })?;
        Ok(ops)
    }

    fn lines_of(ops: &[(usize, Value)]) -> Vec<usize> {
        ops.iter().map(|(n, _)| *n).collect()
    }

    #[test]
    fn ops_one_after_another_or_in_one_vector_with_their_lines() {
        let loose = "; a comment\n\n{:a 1}\n{:b\n 2} {:c 3}\n; end";
        assert_eq!(lines_of(&ops_of(loose).unwrap()), [3, 4, 5]);
        let vector = "; Knossos\n[{:a 1}\n ; between\n {:b 2}\n {:c\n  3}]\n\n";
        let ops = ops_of(vector).unwrap();
        assert_eq!(lines_of(&ops), [2, 4, 5]);
        assert_eq!(ops[2].1, serde_json::json!({"c": 3}));
        assert_eq!(lines_of(&ops_of("(\n{:a 1}\n)\n").unwrap()), [2]);
        assert!(ops_of("").unwrap().is_empty());
    }

    #[test]
    fn broken_files_are_errors_naming_a_line() {
        let cases = [
            (
                "[{:a 1}\n{:b 2}\n",
                "the vector of ops opened on line 1 is never closed",
            ),
            ("[{:a 1}]\n{:b 2}\n", "line 2: text after the vector of ops"),
            ("{:a 1}\n]\n", "line 2: unmatched ']'"),
            ("{:a 1}\n{:b\n", "line 2: EDN:"),
            ("{:a 1}\n{:b }}\n", "line 2:"),
        ];
        for (text, want) in cases {
            let err = ops_of(text).unwrap_err();
            assert!(err.contains(want), "{text:?}: {err}");
        }
    }

    /// An op of 8 MiB closed by a short second line, then one of 9 MiB on
    /// one line: together past the cap, each under it. The short line does
    /// not make the text long enough to parse again (the text has not grown
    /// by 1 MiB), so the 9 MiB line comes while the first op is still
    /// unparsed: it is held back until the text before it is parsed, and
    /// both ops are read. One op of 17 MiB over lines of 1 MiB is refused.
    #[test]
    fn the_cap_is_per_op_not_per_buffer() {
        let eight = "x".repeat(8 << 20);
        let nine = "y".repeat(9 << 20);
        let text = format!("{{:a \"{eight}\n end\"}}\n{{:b \"{nine}\"}}\n");
        let ops = ops_of(&text).unwrap();
        assert_eq!(lines_of(&ops), [1, 3]);
        let mib = "z".repeat(1 << 20);
        let long = format!("{{:a \"{}\"}}\n", vec![mib; 17].join("\n"));
        let err = ops_of(&long).unwrap_err();
        assert!(
            err.contains("line 1: an op longer than 16777216 bytes"),
            "{err}"
        );
    }
}
