//! A history file, read as lines of bounded length. Only a regular file is
//! read: `/dev/zero`, `/dev/urandom` or a FIFO would never end, or never
//! start (opening a FIFO blocks until a writer comes). A line longer than
//! [`MAX_LINE_BYTES`] is an error, not a buffer that grows with it, so what
//! `check` holds is the parsed history plus one line.

use std::fs::File;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// The longest line (or, in a multi-line EDN file, the longest op) read.
/// A Maelstrom op line is small; the largest we write, a final read of
/// 100 000 broadcast values, is under 1 MiB, and an Elle transaction or a
/// Kafka poll a few hundred KiB.
/// fidelity X28: lines and ops of at most 16 MiB.
pub const MAX_LINE_BYTES: usize = 16 << 20;

/// Opens `path` if it is a regular file. It is looked at before it is
/// opened (`stat` does not block on a FIFO, `open` does), and the file
/// opened is looked at again, in case the path changed in between.
pub fn open_regular(path: &Path) -> Result<File, String> {
    let cannot = |e: std::io::Error| format!("cannot read {}: {e}", path.display());
    let not_regular = || {
        format!(
            "{} is not a regular file (a history is read from a file, not a device, FIFO or directory)",
            path.display()
        )
    };
    if !std::fs::metadata(path).map_err(cannot)?.is_file() {
        return Err(not_regular());
    }
    let file = File::open(path).map_err(cannot)?;
    if !file.metadata().map_err(cannot)?.is_file() {
        return Err(not_regular());
    }
    Ok(file)
}

/// The lines of a file, each without its line ending, numbered from 1.
pub struct Lines {
    reader: BufReader<File>,
    number: usize,
    buf: Vec<u8>,
}

impl Lines {
    pub fn open(path: &Path) -> Result<Self, String> {
        Ok(Lines {
            reader: BufReader::with_capacity(1 << 16, open_regular(path)?),
            number: 0,
            buf: Vec::new(),
        })
    }

    /// The next line and its number; None at the end of the file. Err: a
    /// read error, a line longer than [`MAX_LINE_BYTES`], or one that is
    /// not UTF-8.
    pub fn next_line(&mut self) -> Option<Result<(usize, &str), String>> {
        self.buf.clear();
        self.number += 1;
        let n = self.number;
        // At most one byte more than a line may hold: enough to tell.
        let limit = (MAX_LINE_BYTES + 2) as u64;
        let read = (&mut self.reader)
            .take(limit)
            .read_until(b'\n', &mut self.buf);
        match read {
            Err(e) => return Some(Err(format!("line {n}: {e}"))),
            Ok(0) => return None,
            Ok(_) => {}
        }
        let mut line = self.buf.as_slice();
        line = line.strip_suffix(b"\n").unwrap_or(line);
        line = line.strip_suffix(b"\r").unwrap_or(line);
        if line.len() > MAX_LINE_BYTES {
            return Some(Err(format!(
                "line {n} is longer than {MAX_LINE_BYTES} bytes"
            )));
        }
        Some(
            std::str::from_utf8(line)
                .map(|l| (n, l))
                .map_err(|e| format!("line {n} is not UTF-8: {e}")),
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lines_of(bytes: &[u8]) -> (tempfile::TempDir, Lines) {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("h.edn");
        std::fs::write(&path, bytes).unwrap();
        let lines = Lines::open(&path).unwrap();
        (dir, lines)
    }

    #[test]
    fn lines_are_numbered_and_lose_their_endings() {
        let (_d, mut lines) = lines_of(b"a\r\n\nb");
        let mut seen = Vec::new();
        while let Some(l) = lines.next_line() {
            let (n, text) = l.unwrap();
            seen.push((n, text.to_string()));
        }
        assert_eq!(seen, [(1, "a".into()), (2, "".into()), (3, "b".into())]);
    }

    #[test]
    fn a_line_over_the_cap_is_an_error_and_one_at_the_cap_is_not() {
        let mut text = vec![b'x'; MAX_LINE_BYTES];
        text.push(b'\n');
        text.extend(vec![b'y'; MAX_LINE_BYTES + 1]);
        let (_d, mut lines) = lines_of(&text);
        assert_eq!(lines.next_line().unwrap().unwrap().1.len(), MAX_LINE_BYTES);
        let err = lines.next_line().unwrap().unwrap_err();
        assert_eq!(err, format!("line 2 is longer than {MAX_LINE_BYTES} bytes"));
        let (_d, mut lines) = lines_of(b"ok\n\xff\xfe\n");
        assert!(lines.next_line().unwrap().is_ok());
        assert!(lines
            .next_line()
            .unwrap()
            .unwrap_err()
            .contains("line 2 is not UTF-8"));
    }

    #[test]
    fn only_regular_files_are_opened() {
        for dev in ["/dev/zero", "/dev/urandom", "/"] {
            let err = open_regular(Path::new(dev)).unwrap_err();
            assert!(err.contains("is not a regular file"), "{err}");
        }
    }
}
