//! `cargo xtask test-all [FLAGS]`: every row of the matrix.

use super::ExitCode;

pub fn command(args: &[String]) -> ExitCode {
    super::test::run("all", args)
}
