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
    if let Err(e) = crate::our_nodes::cargo_build(&["-p", "xtask", "--example", "flood-node"]) {
        eprintln!("bench engine: building the flood-node fixture failed: {e}");
        return ExitCode::CRASH;
    }
    if let Err(e) = crate::our_nodes::build() {
        eprintln!("{e}");
        return ExitCode::CRASH;
    }
    let mut rows = Vec::new();
    for s in engine::scenarios(&crate::our_nodes::release_dir(), time_limit) {
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
