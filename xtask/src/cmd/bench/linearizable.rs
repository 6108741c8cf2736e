//! `cargo xtask bench linearizable`: our linearizability checker against
//! Porcupine's and Knossos's known answers.

use crate::bench::linearizable::{self, hard};
use crate::cmd::ExitCode;
use std::time::Duration;

const USAGE: &str =
    "Usage: cargo xtask bench linearizable [--porcupine DIR] [--knossos DIR] [--rounds N]
       cargo xtask bench linearizable --hard [--pending N,N,...] [--seed S] [--values K] [--budget SECS]

Times our linearizability checker on public known-answer data and counts the
verdicts that agree: Porcupine's etcd logs and kv histories (DIR is a
checkout of anishathalye/porcupine; its own tests are timed too when `go` is
on PATH) and Knossos's data/cas-register (DIR is a checkout of
jepsen-io/knossos). --rounds N: median of N rounds (default 3).

--hard: the hard class (issue 26): 5 processes x 300 reads and writes on one
register, N of the writes `:info`, a stale final read (invalid). One child
process per N (default 9,13,20,30): check time and peak RSS. --values K:
writes draw values from 1..=K instead of all distinct. --budget: the
checker's time budget in seconds (default 60; memory 2 GiB).";

/// `--hard [--pending N,N] [--seed S] [--values K] [--budget SECS]`, and the
/// child's `--hard-one N [...]`.
fn hard_command(args: &[String]) -> ExitCode {
    let mut pendings = vec![9, 13, 20, 30];
    let mut one = None;
    let mut seed = 26u64;
    let mut values = None;
    let mut budget = 60u64;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        if a == "--hard" {
            continue;
        }
        let v = it.next().map(String::as_str).unwrap_or("");
        let ok = match a.as_str() {
            "--pending" => v
                .split(',')
                .map(str::parse)
                .collect::<Result<Vec<usize>, _>>()
                .map(|p| pendings = p)
                .is_ok(),
            "--hard-one" => v.parse().map(|n| one = Some(n)).is_ok(),
            "--seed" => v.parse().map(|s| seed = s).is_ok(),
            "--values" => v
                .parse()
                .map(|k| values = Some(k))
                .is_ok_and(|_| values != Some(0)),
            "--budget" => v.parse().map(|b| budget = b).is_ok(),
            _ => false,
        };
        if !ok {
            eprintln!("bench linearizable: bad option {a} {v}\n\n{USAGE}");
            return ExitCode::USAGE;
        }
    }
    let shape = |pending| hard::Shape {
        pending,
        seed,
        values,
    };
    if let Some(n) = one {
        let o = hard::check_one(shape(n), Duration::from_secs(budget), 2 << 30);
        println!("{}", hard::one_line(&o));
        return ExitCode::OK;
    }
    match hard::table(&pendings, seed, values, budget) {
        Ok(t) => {
            println!("{t}");
            ExitCode::OK
        }
        Err(e) => {
            eprintln!("bench linearizable --hard failed: {e}");
            ExitCode::INVALID
        }
    }
}

/// `bench linearizable [--porcupine DIR] [--knossos DIR] [--rounds N]`.
pub fn command(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::OK;
    }
    if args.iter().any(|a| a == "--hard" || a == "--hard-one") {
        return hard_command(args);
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
