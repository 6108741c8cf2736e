//! `cargo xtask test-all [FLAGS]`: every row of the matrix.

use super::ExitCode;

pub fn command(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{}", super::test::HELP);
        return ExitCode::OK;
    }
    super::test::run("all", args)
}
