//! A node's log: its stderr lines in `node-logs/<id>.log`, as Maelstrom
//! writes them (no timestamps added: the file is the node's own text), and
//! beside it a time index, `node-log-times/<id>.tsv`, so the results
//! browser can show the lines a node wrote in a window of time (issue 25).
//!
//! The index has one line `<engine ns> <byte offset>` for the first log
//! line written at least [`INDEX_STEP_NS`] after the previous indexed one:
//! the lines from one entry's offset to the next's were written in
//! `[its time, its time + INDEX_STEP_NS)`. A chatty node adds at most one
//! entry per step, however many lines it writes.

use std::fs::File;
use std::io::Write;
use std::path::Path;

/// The index's resolution: a window is cut to within this much.
pub const INDEX_STEP_NS: u64 = 1_000_000;
/// The index directory, beside `node-logs/`.
pub const TIMES_DIR: &str = "node-log-times";

/// One node's log file and its time index.
pub struct NodeLog {
    log: File,
    index: Option<File>,
    written: u64,
    last_indexed: Option<u64>,
}

impl NodeLog {
    /// Creates `<dir>/node-logs/<id>.log` and `<dir>/node-log-times/<id>.tsv`;
    /// None when the log cannot be created (a run without an index still
    /// keeps its log).
    pub fn create(dir: &Path, id: &str) -> Option<NodeLog> {
        let log = File::create(dir.join("node-logs").join(format!("{id}.log"))).ok()?;
        let index = std::fs::create_dir_all(dir.join(TIMES_DIR))
            .and_then(|()| File::create(dir.join(TIMES_DIR).join(format!("{id}.tsv"))))
            .ok();
        Some(NodeLog {
            log,
            index,
            written: 0,
            last_indexed: None,
        })
    }

    /// Appends `line` and a newline, written at engine time `now`.
    pub fn write_line(&mut self, now: u64, line: &str) {
        if self
            .last_indexed
            .is_none_or(|t| now.saturating_sub(t) >= INDEX_STEP_NS)
        {
            if let Some(index) = &mut self.index {
                let _ = writeln!(index, "{now} {}", self.written);
            }
            self.last_indexed = Some(now);
        }
        if writeln!(self.log, "{line}").is_ok() {
            self.written += line.len() as u64 + 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_index_marks_the_first_line_of_each_step() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("node-logs")).unwrap();
        let mut log = NodeLog::create(dir.path(), "n1").unwrap();
        log.write_line(5, "a");
        log.write_line(6, "bb"); // same step: not indexed
        log.write_line(5 + INDEX_STEP_NS, "ccc");
        log.write_line(3 * INDEX_STEP_NS, "d");
        let text = std::fs::read_to_string(dir.path().join("node-logs/n1.log")).unwrap();
        assert_eq!(text, "a\nbb\nccc\nd\n");
        let index = std::fs::read_to_string(dir.path().join("node-log-times/n1.tsv")).unwrap();
        assert_eq!(index, "5 0\n1000005 5\n3000000 9\n");
        assert_eq!(&text[5..8], "ccc");
        assert_eq!(&text[9..], "d\n");
    }
}
