//! `cargo xtask bench runtime`: the echo node against a plain baseline.

use crate::bench::runtime;
use crate::cmd::ExitCode;

pub fn command(args: &[String]) -> ExitCode {
    let mut bench = runtime::RuntimeBench {
        bins: Vec::new(),
        pipelined: 300_000,
        ping_pong: 20_000,
        rounds: 3,
    };
    let mut others = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        let v = it.next();
        let n = v.and_then(|v| v.parse::<usize>().ok());
        match (a.as_str(), n, v) {
            ("--requests", Some(n), _) if n > 0 => bench.pipelined = n,
            ("--rounds", Some(n), _) if n > 0 => bench.rounds = n,
            ("--bin", _, Some(path)) => match std::fs::canonicalize(path) {
                Ok(p) => {
                    let name = p
                        .file_name()
                        .map_or_else(|| path.clone(), |n| n.to_string_lossy().into_owned());
                    others.push((name, p))
                }
                Err(e) => {
                    eprintln!("bench runtime: --bin {path}: {e}");
                    return ExitCode::USAGE;
                }
            },
            _ => {
                eprintln!("bench runtime: bad option {a}");
                return ExitCode::USAGE;
            }
        }
    }
    if let Err(e) = crate::our_nodes::build() {
        eprintln!("{e}");
        return ExitCode::CRASH;
    }
    let built = crate::our_nodes::cargo_build(&["-p", "xtask", "--example", "baseline-echo"]);
    let dir = crate::our_nodes::release_dir();
    let baseline = dir.join("examples").join("baseline-echo");
    if built.is_err() || !baseline.exists() {
        eprintln!(
            "bench runtime: building the baseline-echo example failed ({} is missing)",
            baseline.display()
        );
        return ExitCode::CRASH;
    }
    bench
        .bins
        .push(("echo (mio reactor)".into(), dir.join("echo")));
    bench.bins.push(("baseline-echo".into(), baseline));
    bench.bins.extend(others);
    match bench.run() {
        Ok(rounds) => {
            println!("{}", runtime::report(&rounds, &bench));
            ExitCode::OK
        }
        Err(e) => {
            eprintln!("bench runtime failed: {e}");
            ExitCode::INVALID
        }
    }
}
