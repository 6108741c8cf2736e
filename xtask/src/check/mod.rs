//! `cargo xtask check <workload> FILE [--journal FILE] [test flags]`: the
//! checkers of a run (the workload's, then stats, availability, exceptions,
//! and net when a network journal is given) on a recorded history, as
//! Maelstrom would analyse it, without running anything.

mod assemble;
mod edn_ops;
mod formats;
pub mod op_map;
#[cfg(test)]
mod shipped_tests;
mod source;
#[cfg(test)]
mod tests;

use crate::checker::Validity;
use crate::checkers::net::NetCounts;
use crate::engine::analysis;
use crate::history::History;
use serde_json::Value;
use std::path::Path;

pub const USAGE: &str =
    "Usage: cargo xtask check <workload> FILE [--journal net-journal.jsonl] [TEST FLAGS]

Runs the workload's checker and the common ones (stats, availability,
exceptions; net with --journal) on a recorded history and prints the results
map and Maelstrom's verdict line. FILE (a regular file; lines of at most
16 MiB) is our store/.../history.jsonl, a Jepsen/Maelstrom history.edn, an
Elle or Knossos EDN history (one vector of ops, `;` comments), or a Jepsen
log (`INFO jepsen.util - 3 :invoke :read nil` lines). TEST FLAGS are
`maelstrom test` flags the checkers read, e.g. --consistency-models,
--availability.
Exit: 0 valid, 1 invalid, 2 unknown, 254 usage or unreadable input.";

/// Exit status for usage errors and unreadable input.
const BAD_INPUT: i32 = 254;

/// The command; returns the exit status.
pub fn command(args: &[String]) -> i32 {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return 0;
    }
    match run(args) {
        Ok((results, valid)) => {
            let pretty = serde_json::to_string_pretty(&results).unwrap_or_default();
            println!("{pretty}\n\n\n{}", analysis::verdict_line(valid));
            valid.exit_code()
        }
        Err(msg) => {
            eprintln!("xtask check: {msg}\n\n{USAGE}");
            BAD_INPUT
        }
    }
}

/// Parses the arguments, reads the files, runs the checkers.
fn run(args: &[String]) -> Result<(Value, Validity), String> {
    let (workload, file, journal, flags) = split_args(args)?;
    let Some(w) = crate::workloads::by_name(workload) else {
        return Err(format!("no {workload:?} workload in the bench"));
    };
    // The test flags mean what they mean for `maelstrom test`; --bin is
    // required there and irrelevant here.
    let mut test_args: Vec<String> = ["--workload", workload, "--bin", "-"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    test_args.extend(flags);
    let parsed = match crate::cli::parse(&test_args) {
        Ok(t) => t,
        Err(crate::cli::CliError::Usage(m)) => return Err(m),
        Err(crate::cli::CliError::Help) => return Err("see --help".into()),
    };
    if let Some(extra) = parsed.node_args.first() {
        return Err(format!("unexpected argument {extra:?}"));
    }
    let history = read_history(Path::new(file))?;
    let journal = journal.map(|j| read_journal(Path::new(j))).transpose()?;
    let opts = parsed.opts.clone();
    analysis::analyze(
        w.as_ref(),
        &opts,
        &crate::engine::recorded::Recorded::Memory(history),
        journal.as_ref(),
        parsed.opts.availability,
    )
}

type Split<'a> = (&'a str, &'a str, Option<&'a str>, Vec<String>);

/// `<workload> FILE` first, then flags: `--journal FILE` is ours, the rest
/// go to the `maelstrom test` parser.
fn split_args(args: &[String]) -> Result<Split<'_>, String> {
    let (workload, file) = match args {
        [w, f, ..] if !w.starts_with('-') && !f.starts_with('-') => (w.as_str(), f.as_str()),
        _ => return Err("expected a workload name and a history file first".into()),
    };
    let mut journal = None;
    let mut flags = Vec::new();
    let mut it = args[2..].iter();
    while let Some(a) = it.next() {
        if a == "--journal" {
            journal = Some(it.next().ok_or("--journal needs a file")?.as_str());
        } else if let Some(j) = a.strip_prefix("--journal=") {
            journal = Some(j);
        } else {
            flags.push(a.clone());
        }
    }
    Ok((workload, file, journal, flags))
}

/// Reads a history in whichever format [`formats::reader_for`] recognises.
pub fn read_history(path: &Path) -> Result<History, String> {
    // Opened first, so a missing file or a device is said plainly.
    let mut lines = source::Lines::open(path)?;
    let (format, read) =
        formats::reader_for(path).map_err(|e| format!("{}: {e}", path.display()))?;
    read(&mut lines).map_err(|e| format!("{} ({format}): {e}", path.display()))
}

/// Our `net-journal.jsonl`, counted for the net checker as it is read (a
/// journal of any length in constant memory). The first bad line is an
/// error. Read as a history is: a regular file, in lines of bounded length.
fn read_journal(path: &Path) -> Result<NetCounts, String> {
    let mut counts = NetCounts::default();
    let mut lines = source::Lines::open(path)?;
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
