//! `cargo xtask maelstrom test [OPTIONS]`: one test, with `maelstrom test`'s
//! flags (the flag table in `cli`), run by `cmd/run.rs`.

use super::ExitCode;
use crate::cli::{self, CliError};

pub fn command(args: &[String]) -> ExitCode {
    match args.first().map(String::as_str) {
        Some("test") => match cli::parse(&args[1..]) {
            Ok(t) => super::run::run_test(&t),
            Err(CliError::Help) => {
                println!("{}", cli::usage_text());
                ExitCode::OK
            }
            Err(CliError::Usage(msg)) => {
                eprintln!("{msg}\n\n{}", cli::usage_text());
                ExitCode::USAGE
            }
        },
        _ => {
            eprintln!("Usage: lein run -- COMMAND [OPTIONS ...]\nCommands: test");
            ExitCode::USAGE
        }
    }
}
