//! `cargo xtask bench ...`: measurements reported as ratios and as
//! Maelstrom's own figures, never asserted as wall-clock unit tests.

pub mod runtime;

use std::path::PathBuf;

/// Dispatches `bench <what>`.
pub fn command(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("runtime") => runtime_command(&args[1..]),
        _ => {
            eprintln!("Usage: cargo xtask bench runtime [--requests N] [--rounds N]");
            254
        }
    }
}

fn runtime_command(args: &[String]) -> i32 {
    let mut bench = runtime::RuntimeBench {
        ours: PathBuf::new(),
        baseline: PathBuf::new(),
        pipelined: 300_000,
        ping_pong: 20_000,
        rounds: 3,
    };
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it.next().and_then(|v| v.parse::<usize>().ok());
        match (a.as_str(), v) {
            ("--requests", Some(n)) if n > 0 => bench.pipelined = n,
            ("--rounds", Some(n)) if n > 0 => bench.rounds = n,
            _ => {
                eprintln!("bench runtime: bad option {a}");
                return 254;
            }
        }
    }
    if let Err(e) = crate::matrix::build_nodes() {
        eprintln!("{e}");
        return 255;
    }
    let dir = crate::matrix::release_dir();
    bench.ours = dir.join("echo");
    bench.baseline = dir.join("baseline-echo");
    if !bench.baseline.exists() {
        eprintln!(
            "{} is missing: build xtask in release mode (cargo xtask does)",
            bench.baseline.display()
        );
        return 255;
    }
    match bench.run() {
        Ok((ours, base)) => {
            println!("{}", runtime::report(&ours, &base, &bench));
            0
        }
        Err(e) => {
            eprintln!("bench runtime failed: {e}");
            1
        }
    }
}
