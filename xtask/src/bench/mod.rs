//! `cargo xtask bench ...`: measurements reported as ratios and as
//! Maelstrom's own figures, never asserted as wall-clock unit tests.

pub mod broadcast;
pub mod engine;
pub mod linearizable;
pub mod runtime;

/// Dispatches `bench <what>`.
pub fn command(args: &[String]) -> i32 {
    match args.first().map(String::as_str) {
        Some("runtime") => runtime_command(&args[1..]),
        Some("broadcast") => broadcast_command(&args[1..]),
        Some("linearizable") => linearizable::command(&args[1..]),
        Some("engine") => engine_command(&args[1..]),
        _ => {
            eprintln!(
                "Usage: cargo xtask bench runtime [--requests N] [--rounds N] [--bin ECHO_BINARY ...]\n       cargo xtask bench broadcast [--settings MS,MS,...] [--sim [--seeds N]] [--readme] [--replot] [MAELSTROM FLAGS ...]\n       cargo xtask bench linearizable [--porcupine DIR] [--knossos DIR] [--rounds N]\n       cargo xtask bench engine [--time-limit S] [--scenario flood|echo ...]"
            );
            254
        }
    }
}

fn runtime_command(args: &[String]) -> i32 {
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
                    return 254;
                }
            },
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
    let baseline = dir.join("baseline-echo");
    if !baseline.exists() {
        eprintln!(
            "{} is missing: build xtask in release mode (cargo xtask does)",
            baseline.display()
        );
        return 255;
    }
    bench
        .bins
        .push(("echo (mio reactor)".into(), dir.join("echo")));
    bench.bins.push(("baseline-echo".into(), baseline));
    bench.bins.extend(others);
    match bench.run() {
        Ok(rounds) => {
            println!("{}", runtime::report(&rounds, &bench));
            0
        }
        Err(e) => {
            eprintln!("bench runtime failed: {e}");
            1
        }
    }
}

/// `bench engine [--time-limit S] [--scenario NAME ...]`.
fn engine_command(args: &[String]) -> i32 {
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
                    return 254;
                }
            },
            ("--scenario", Some(v)) if v == "flood" || v == "echo" => only.push(v.clone()),
            _ => {
                eprintln!("bench engine: bad option {a} (--time-limit S, --scenario flood|echo)");
                return 254;
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
            "--bin",
            "flood-node",
        ])
        .status();
    if !fixture.is_ok_and(|s| s.success()) {
        eprintln!("bench engine: building the flood-node fixture failed");
        return 255;
    }
    if let Err(e) = crate::matrix::build_nodes() {
        eprintln!("{e}");
        return 255;
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
                return 1;
            }
        }
    }
    println!("{}", engine::table(&rows));
    0
}

/// `bench broadcast [--settings 0,50,...] [--readme] [extra test flags]`.
fn broadcast_command(args: &[String]) -> i32 {
    let mut settings = broadcast::DEFAULT_SETTINGS.to_vec();
    let mut readme = false;
    let mut replot = false;
    let mut sim = false;
    let mut seeds = 10u64;
    let mut extra = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--readme" => readme = true,
            "--replot" => replot = true,
            "--sim" => sim = true,
            "--seeds" => match it.next().and_then(|v| v.parse::<u64>().ok()) {
                Some(n) if n > 0 => seeds = n,
                _ => {
                    eprintln!("bench broadcast: --seeds takes a positive whole number");
                    return 254;
                }
            },
            "--settings" => {
                let parsed: Result<Vec<u64>, _> = it
                    .next()
                    .map(|v| v.split(',').map(str::parse).collect())
                    .unwrap_or(Ok(vec![]));
                match parsed {
                    Ok(v) if !v.is_empty() => settings = v,
                    _ => {
                        eprintln!("bench broadcast: --settings takes comma-separated milliseconds, e.g. 0,100,250");
                        return 254;
                    }
                }
            }
            other => extra.push(other.to_string()),
        }
    }
    let data_path = std::path::Path::new("xtask/docs/broadcast-frontier.json");
    // The figures come from runs: either new ones, or (--replot) the runs
    // recorded last time, redrawn without re-running them.
    let (points, measured_at) = if replot {
        match std::fs::read_to_string(data_path)
            .map_err(|e| e.to_string())
            .and_then(|t| {
                serde_json::from_str::<broadcast::Recorded>(&t).map_err(|e| e.to_string())
            }) {
            Ok(r) => (r.points, r.measured_at),
            Err(e) => {
                eprintln!(
                    "bench broadcast --replot: cannot read {}: {e}",
                    data_path.display()
                );
                return 1;
            }
        }
    } else if sim {
        match broadcast::sweep_sim(&settings, seeds, &extra) {
            Ok(p) => (
                p,
                crate::engine::store::timestamp(std::time::SystemTime::now()),
            ),
            Err(e) => {
                eprintln!("bench broadcast failed: {e}");
                return 1;
            }
        }
    } else {
        if let Err(e) = crate::matrix::build_nodes() {
            eprintln!("{e}");
            return 255;
        }
        let bin = crate::matrix::release_dir().join("broadcast");
        match broadcast::sweep(&bin, &settings, &extra) {
            Ok(p) => (
                p,
                crate::engine::store::timestamp(std::time::SystemTime::now()),
            ),
            Err(e) => {
                eprintln!("bench broadcast failed: {e}");
                return 1;
            }
        }
    };
    if let Some(dir) = data_path.parent() {
        let _ = std::fs::create_dir_all(dir);
    }
    let recorded = broadcast::Recorded {
        measured_at: measured_at.clone(),
        points: points.clone(),
    };
    if let Err(e) = std::fs::write(
        data_path,
        serde_json::to_string_pretty(&recorded).unwrap_or_default() + "\n",
    ) {
        eprintln!("cannot write {}: {e}", data_path.display());
        return 1;
    }
    let table = broadcast::table(&points);
    println!("\n{table}");
    let svg_path = std::path::Path::new("xtask/docs/broadcast-frontier.svg");
    if let Err(e) = std::fs::write(svg_path, broadcast::plot(&points)) {
        eprintln!("cannot write {}: {e}", svg_path.display());
        return 1;
    }
    println!("plot: {}", svg_path.display());
    if readme {
        let cmd = format!(
            "cargo xtask bench broadcast{}{}",
            if sim {
                format!(" --sim --seeds {seeds}")
            } else {
                String::new()
            },
            if settings == broadcast::DEFAULT_SETTINGS {
                String::new()
            } else {
                format!(
                    " --settings {}",
                    settings
                        .iter()
                        .map(u64::to_string)
                        .collect::<Vec<_>>()
                        .join(",")
                )
            }
        );
        let each = if sim {
            format!("the median of {seeds} seeds in virtual time, with the range over them in brackets and as bars on the plot,")
        } else {
            "one run".to_string()
        };
        let block = format!(
            "Measured with `{cmd}` at {measured_at} (each row {each} of `{}` with the knob set; the figures are kept in `xtask/docs/broadcast-frontier.json`):\n\n{table}\n![broadcast frontier](xtask/docs/broadcast-frontier.svg)\n",
            broadcast::FLAGS
        );
        if let Err(e) = broadcast::update_readme(std::path::Path::new("README.md"), &block) {
            eprintln!("{e}");
            return 1;
        }
        println!("README.md updated");
    }
    0
}
