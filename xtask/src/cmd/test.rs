//! `cargo xtask test <family|row> [FLAGS]`: some rows of the matrix; and
//! `cargo xtask test -w ... --bin ...` (a flag first): one Maelstrom test,
//! so the Fly.io pages' command lines work with this command in place of
//! `./maelstrom`.

use super::ExitCode;
use crate::matrix::{self, args::MatrixArgs, bins::Node};

pub const HELP: &str =
    "Usage: cargo xtask test-all [--bin PATH] [--bin FAMILY=PATH ...] [--test-count N] [FLAGS]
       cargo xtask test <family|row> [--bin PATH] [--bin FAMILY=PATH ...] [--test-count N] [FLAGS]
       cargo xtask test -w WORKLOAD --bin PATH [MAELSTROM FLAGS]

test-all runs every row, test some (a family, or a row id such as 3d); one table.
  --bin PATH         someone's binary for every Fly.io row (tutorial rows and our
                     node's variant rows are shown as not run)
  --bin FAMILY=PATH  the binary for one family (repeatable; wins over --bin PATH)
  --test-count N     each row N times, seeds s, s+1, ... (--seed s, else random)
  FLAGS              passed to every run, e.g. --time-limit 5, --engine embedded
Without --bin, our own nodes run (built first; --sim hosts them in virtual time).

The last form (a flag right after `test`) is Maelstrom's own `test`, exactly as
`cargo xtask maelstrom test` (see `cargo xtask maelstrom test --help`).";

pub fn command(args: &[String]) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("-h" | "--help") => {
            println!("{HELP}");
            ExitCode::OK
        }
        // A flag first: Maelstrom's `test`, the Fly.io pages' command line.
        Some(flag) if flag.starts_with('-') => {
            let words: Vec<String> = std::iter::once("test".to_string())
                .chain(args.iter().cloned())
                .collect();
            super::maelstrom::command(&words)
        }
        Some(selector) => run(selector, &args[1..]),
        None => super::usage(
            "test needs a family or row (`cargo xtask test kafka`) or Maelstrom's flags (`cargo xtask test -w echo --bin PATH ...`)",
        ),
    }
}

/// One line, then the usage exit status (254, Maelstrom's, as for every
/// other bad command line of this tool).
fn refuse(msg: &str) -> ExitCode {
    eprintln!("{msg}");
    ExitCode::USAGE
}

/// Runs the rows `selector` names as the words after it ask, and prints the
/// table: OK iff every row that ran passed. Shared with `test-all`.
pub fn run(selector: &str, words: &[String]) -> ExitCode {
    let rows = match matrix::select(selector) {
        Ok(r) => r,
        Err(e) => return super::usage(&e),
    };
    let args = match matrix::args::parse(words) {
        Ok(a) => a,
        Err(e) => return refuse(&e),
    };
    if args.sim() && !args.bins.is_empty() {
        return refuse(
            "--sim cannot run a binary given with --bin: virtual time hosts our own nodes in-process; run without --sim",
        );
    }
    if needs_our_nodes(&rows, &args) && !args.sim() {
        if let Err(e) = crate::our_nodes::build() {
            eprintln!("{e}");
            return ExitCode::CRASH;
        }
    }
    let outcomes = matrix::run_rows(&rows, &args);
    let cwd = std::env::current_dir().unwrap_or_default();
    println!("{}", matrix::table(&outcomes, &cwd));
    if !outcomes.iter().any(|o| o.ran()) {
        // Nothing to judge: neither valid nor invalid (Maelstrom's 2, unknown).
        eprintln!("nothing ran: no row of {selector:?} has a binary (see the reasons above)");
        return ExitCode::UNKNOWN;
    }
    ExitCode::ok_if(outcomes.iter().filter(|o| o.ran()).all(|o| o.passed()))
}

/// Whether some row runs one of our nodes (which must be built first).
fn needs_our_nodes(rows: &[matrix::Row], args: &MatrixArgs) -> bool {
    let all = matrix::rows();
    rows.iter()
        .any(|r| args.bins.node_for(r, &all) == Node::Ours)
}
