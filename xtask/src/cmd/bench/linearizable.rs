//! `cargo xtask bench linearizable`: our linearizability checker against
//! Porcupine's and Knossos's known answers.

use crate::bench::linearizable;
use crate::cmd::ExitCode;

const USAGE: &str =
    "Usage: cargo xtask bench linearizable [--porcupine DIR] [--knossos DIR] [--rounds N]

Times our linearizability checker on public known-answer data and counts the
verdicts that agree: Porcupine's etcd logs and kv histories (DIR is a
checkout of anishathalye/porcupine; its own tests are timed too when `go` is
on PATH) and Knossos's data/cas-register (DIR is a checkout of
jepsen-io/knossos). --rounds N: median of N rounds (default 3).";

/// `bench linearizable [--porcupine DIR] [--knossos DIR] [--rounds N]`.
pub fn command(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::OK;
    }
    let mut opts = linearizable::Opts {
        porcupine: None,
        knossos: None,
        rounds: 3,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it.next();
        match (a.as_str(), v) {
            ("--porcupine", Some(d)) => opts.porcupine = Some(std::path::PathBuf::from(d)),
            ("--knossos", Some(d)) => opts.knossos = Some(std::path::PathBuf::from(d)),
            ("--rounds", Some(n)) if n.parse::<usize>().is_ok_and(|n| n > 0) => {
                opts.rounds = n.parse().unwrap_or(3)
            }
            _ => {
                eprintln!("bench linearizable: bad option {a}\n\n{USAGE}");
                return ExitCode::USAGE;
            }
        }
    }
    match linearizable::run(&opts) {
        Ok(table) => {
            println!("{table}");
            ExitCode::OK
        }
        Err(e) => {
            eprintln!("bench linearizable failed: {e}");
            ExitCode::INVALID
        }
    }
}

#[cfg(test)]
mod tests {
    use super::command;
    use crate::cmd::ExitCode;

    #[test]
    fn help_prints_the_usage_and_a_bad_option_is_still_refused() {
        assert_eq!(command(&["--help".to_string()]), ExitCode::OK);
        assert_eq!(command(&["-h".to_string()]), ExitCode::OK);
        assert_eq!(command(&["--wat".to_string()]), ExitCode::USAGE);
    }
}
