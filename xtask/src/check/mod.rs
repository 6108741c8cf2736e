//! What `cargo xtask check` does (command line in `cmd/check.rs`): the
//! checkers of a run (the workload's, then stats, availability, exceptions,
//! and net when a network journal is given) on a recorded history, as
//! Maelstrom would analyse it, without running anything.

mod assemble;
mod formats;
#[cfg(test)]
mod shipped_tests;
#[cfg(test)]
mod tests;

use crate::checkers::net::NetCounts;
use crate::checkers::Validity;
use crate::engine::analysis;
use crate::history::History;
use crate::opts::TestOpts;
use serde_json::Value;
use std::path::Path;

/// Runs workload `w`'s checkers and the common ones on the history in
/// `file` (and the network journal in `journal`), with the test's options.
pub fn check_files(
    w: &dyn crate::workloads::Workload,
    opts: &TestOpts,
    file: &Path,
    journal: Option<&Path>,
) -> Result<(Value, Validity), String> {
    let history = read_history(file)?;
    let journal = journal.map(read_journal).transpose()?;
    analysis::analyze(
        w,
        opts,
        &crate::history::recorded::Recorded::Memory(history),
        journal.as_ref(),
        opts.availability,
    )
}

/// Reads a history in whichever format [`formats::reader_for`] recognises.
pub fn read_history(path: &Path) -> Result<History, String> {
    // Opened first, so a missing file or a device is said plainly.
    let mut lines = crate::history::source::Lines::open(path)?;
    let (format, read) =
        formats::reader_for(path).map_err(|e| format!("{}: {e}", path.display()))?;
    read(&mut lines).map_err(|e| format!("{} ({format}): {e}", path.display()))
}

/// Our `net-journal.jsonl`, counted for the net checker as it is read (a
/// journal of any length in constant memory). The first bad line is an
/// error. Read as a history is: a regular file, in lines of bounded length.
fn read_journal(path: &Path) -> Result<NetCounts, String> {
    let mut counts = NetCounts::default();
    let mut lines = crate::history::source::Lines::open(path)?;
    while let Some(line) = lines.next_line() {
        let (n, text) = line.map_err(|e| format!("{}: {e}", path.display()))?;
        if text.trim().is_empty() {
            continue;
        }
        let e: crate::journal::JournalEvent = serde_json::from_str(text)
            .map_err(|e| format!("{} line {n}: not a journal event: {e}", path.display()))?;
        counts.add(e.kind, e.msg_id, &e.src, &e.dest);
    }
    Ok(counts)
}
