//! The lines a node wrote to its log (`node-logs/<id>.log`) in a window of
//! engine time, found with the time index the engine writes beside it
//! (`node-log-times/<id>.tsv`, see `engine::node_log`). Bounded: at most
//! `MAX_LINES` lines of at most `MAX_LINE_CHARS` characters are kept, and
//! the index is read only up to the window's end.

use super::lines::{CappedLines, Line};
use super::regular;
use crate::engine::node_log::{INDEX_STEP_NS, TIMES_DIR};
use std::io::{Read, Seek, SeekFrom};
use std::path::Path;

/// Lines shown per node.
pub const MAX_LINES: usize = 40;
/// Characters shown of one line.
pub const MAX_LINE_CHARS: usize = 300;
/// A log line longer than this is shown as a placeholder, unread.
const MAX_LINE_BYTES: usize = 64 << 10;

/// A node's log lines in a window.
#[derive(Debug, PartialEq)]
pub struct Excerpt {
    pub lines: Vec<String>,
    /// More lines of the window were not kept.
    pub more: bool,
}

/// Whether `id` can name a node's log file: letters, digits, `-` and `_`.
pub fn is_node_id(id: &str) -> bool {
    !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

/// The byte range of the log written in `[from_ns, to_ns]`, from the index.
fn byte_range(dir: &Path, node: &str, from_ns: u64, to_ns: u64) -> Result<(u64, u64), String> {
    let path = dir.join(TIMES_DIR).join(format!("{node}.tsv"));
    let (file, _) = regular::open(&path).map_err(|_| format!("{node} has no log time index"))?;
    // The lines of an entry were written within a step of its time: the
    // first entry that reaches `from_ns` starts the range, the first that
    // begins after `to_ns` ends it.
    let (mut start, mut end) = (None, u64::MAX);
    for line in CappedLines::new(file, 64) {
        let Line::Text(line) = line else { continue };
        let Some((t, off)) = line.split_once(' ') else {
            continue;
        };
        let (Ok(t), Ok(off)) = (t.parse::<u64>(), off.parse::<u64>()) else {
            continue;
        };
        if t > to_ns {
            end = off;
            break;
        }
        if start.is_none() && t.saturating_add(INDEX_STEP_NS) > from_ns {
            start = Some(off);
        }
    }
    let start = start.unwrap_or(end);
    Ok((start, end.max(start)))
}

/// The lines `node` logged in `[from_ns, to_ns]` (engine time), to within
/// the index's step.
pub fn excerpt(dir: &Path, node: &str, from_ns: u64, to_ns: u64) -> Result<Excerpt, String> {
    if !is_node_id(node) {
        return Err("not a node id".into());
    }
    let (start, end) = byte_range(dir, node, from_ns, to_ns)?;
    let path = dir.join("node-logs").join(format!("{node}.log"));
    let (mut file, _) = regular::open(&path).map_err(|_| format!("{node} has no log"))?;
    file.seek(SeekFrom::Start(start))
        .map_err(|e| format!("{node}.log: {e}"))?;
    let mut lines = Vec::new();
    let mut more = false;
    for line in CappedLines::new(file.take(end - start), MAX_LINE_BYTES) {
        if lines.len() == MAX_LINES {
            more = true;
            break;
        }
        lines.push(match line {
            Line::Text(t) if t.chars().count() > MAX_LINE_CHARS => {
                let mut cut: String = t.chars().take(MAX_LINE_CHARS - 1).collect();
                cut.push('…');
                cut
            }
            Line::Text(t) => t,
            Line::Skipped => "[a line too long or not UTF-8, not shown]".into(),
        });
    }
    Ok(Excerpt { lines, more })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::node_log::NodeLog;

    const MS: u64 = INDEX_STEP_NS;

    fn logged(lines: &[(u64, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("node-logs")).unwrap();
        let mut log = NodeLog::create(dir.path(), "n1").unwrap();
        for (t, line) in lines {
            log.write_line(*t, line);
        }
        dir
    }

    #[test]
    fn the_excerpt_is_the_window_to_within_a_step() {
        let dir = logged(&[
            (0, "before"),
            (10 * MS, "in 1"),
            (10 * MS + 5, "in 2"),
            (12 * MS, "in 3"),
            (30 * MS, "after"),
        ]);
        let got = excerpt(dir.path(), "n1", 10 * MS, 20 * MS).unwrap();
        assert_eq!(got.lines, ["in 1", "in 2", "in 3"]);
        assert!(!got.more);
        assert_eq!(excerpt(dir.path(), "n1", 0, 0).unwrap().lines, ["before"]);
        let all = excerpt(dir.path(), "n1", 0, u64::MAX).unwrap();
        assert_eq!(all.lines.len(), 5);
    }

    #[test]
    fn the_excerpt_is_bounded_and_hostile_names_are_refused() {
        let long = "y".repeat(MAX_LINE_CHARS + 50);
        let huge = "z".repeat(MAX_LINE_BYTES + 1);
        let mut lines: Vec<(u64, &str)> = vec![(0, long.as_str()), (0, huge.as_str())];
        lines.extend((0..100).map(|i| (i * MS, "x")));
        let dir = logged(&lines);
        let got = excerpt(dir.path(), "n1", 0, u64::MAX).unwrap();
        assert_eq!(got.lines.len(), MAX_LINES);
        assert!(got.more);
        assert_eq!(got.lines[0].chars().count(), MAX_LINE_CHARS);
        assert!(got.lines[1].starts_with("[a line too long"));
        for bad in ["../n1", "n1/x", "", "n 1"] {
            assert!(excerpt(dir.path(), bad, 0, 1).is_err(), "{bad}");
        }
        assert!(excerpt(dir.path(), "n2", 0, 1).is_err());
    }

    #[test]
    fn a_garbled_index_or_a_fifo_costs_nothing() {
        let dir = logged(&[(0, "a"), (5 * MS, "b")]);
        let index = dir.path().join(TIMES_DIR).join("n1.tsv");
        std::fs::write(&index, "junk\n0 0\nx y\n99999999999999999999999 4\n").unwrap();
        assert_eq!(excerpt(dir.path(), "n1", 0, MS).unwrap().lines, ["a", "b"]);
        std::fs::remove_file(&index).unwrap();
        crate::serve::tests::mkfifo(&index);
        assert!(excerpt(dir.path(), "n1", 0, MS).is_err());
    }
}
