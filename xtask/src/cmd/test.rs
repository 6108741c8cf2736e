//! `cargo xtask test <family|row> [FLAGS]`: some rows of the matrix.

use super::ExitCode;
use crate::matrix;

pub fn command(args: &[String]) -> ExitCode {
    match args.first() {
        Some(selector) if !selector.starts_with('-') => run(selector, &args[1..]),
        _ => super::usage("test needs a family or row, e.g. `cargo xtask test kafka`"),
    }
}

/// Runs the rows `selector` names with `extra` flags after each row's, and
/// prints the table: OK iff every row passed. Shared with `test-all`.
pub fn run(selector: &str, extra: &[String]) -> ExitCode {
    let rows = match matrix::select(selector) {
        Ok(r) => r,
        Err(e) => return super::usage(&e),
    };
    if !matrix::is_sim(extra) {
        if let Err(e) = matrix::build_nodes() {
            eprintln!("{e}");
            return ExitCode::CRASH;
        }
    }
    let outcomes = matrix::run_rows(&rows, extra);
    println!("{}", matrix::table(&outcomes));
    ExitCode::ok_if(outcomes.iter().all(|o| o.passed))
}
