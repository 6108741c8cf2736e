//! `cargo xtask bench engine`: the embedded engine's own throughput.

use crate::bench::engine;
use crate::cmd::ExitCode;

/// `bench engine [--time-limit S] [--scenario NAME ...]`.
pub fn command(args: &[String]) -> ExitCode {
    let mut time_limit = 20u64;
    let mut only: Vec<String> = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match (a.as_str(), it.next()) {
            ("--time-limit", Some(v)) => match v.parse::<u64>() {
                Ok(n) if n > 0 => time_limit = n,
                _ => {
                    eprintln!(
                        "bench engine: --time-limit takes a positive whole number of seconds"
                    );
                    return ExitCode::USAGE;
                }
            },
            ("--scenario", Some(v)) if v == "flood" || v == "echo" => only.push(v.clone()),
            _ => {
                eprintln!("bench engine: bad option {a} (--time-limit S, --scenario flood|echo)");
                return ExitCode::USAGE;
            }
        }
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let fixture = std::process::Command::new(cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "xtask",
            "--example",
            "flood-node",
        ])
        .status();
    if !fixture.is_ok_and(|s| s.success()) {
        eprintln!("bench engine: building the flood-node fixture failed");
        return ExitCode::CRASH;
    }
    if let Err(e) = crate::matrix::build_nodes() {
        eprintln!("{e}");
        return ExitCode::CRASH;
    }
    let mut rows = Vec::new();
    for s in engine::scenarios(&crate::matrix::release_dir(), time_limit) {
        if !only.is_empty() && !only.iter().any(|o| o == s.name) {
            continue;
        }
        match engine::run(&s) {
            Ok(m) => rows.push(m),
            Err(e) => {
                eprintln!("bench engine {}: {e}", s.name);
                return ExitCode::INVALID;
            }
        }
    }
    println!("{}", engine::table(&rows));
    ExitCode::OK
}
