//! `cargo xtask bench broadcast`: the batching-knob sweep, the comparison
//! of implementations (`--bin`) and the scale mode (`--scale`).

use crate::bench::{self, broadcast, compare};
use crate::cmd::ExitCode;

/// `bench broadcast [--settings 0,50,...] [--docs] [extra test flags]`,
/// or with `--bin`/`--scale` the comparison and the scale modes.
pub fn command(args: &[String]) -> ExitCode {
    match compare::parse(args) {
        Ok(Some(c)) => return compare_command(&c),
        Ok(None) => {}
        Err(e) => {
            eprintln!("bench broadcast: {e}");
            return ExitCode::USAGE;
        }
    }
    let mut settings = broadcast::DEFAULT_SETTINGS.to_vec();
    let mut docs = false;
    let mut replot = false;
    let mut sim = false;
    let mut seeds = 10u64;
    let mut extra = Vec::new();
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--docs" => docs = true,
            "--replot" => replot = true,
            "--sim" => sim = true,
            "--seeds" => match it.next().and_then(|v| v.parse::<u64>().ok()) {
                Some(n) if n > 0 => seeds = n,
                _ => {
                    eprintln!("bench broadcast: --seeds takes a positive whole number");
                    return ExitCode::USAGE;
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
                        return ExitCode::USAGE;
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
                return ExitCode::INVALID;
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
                return ExitCode::INVALID;
            }
        }
    } else {
        if let Err(e) = crate::our_nodes::build() {
            eprintln!("{e}");
            return ExitCode::CRASH;
        }
        let bin = crate::our_nodes::release_dir().join("broadcast");
        match broadcast::sweep(&bin, &settings, &extra) {
            Ok(p) => (
                p,
                crate::engine::store::timestamp(std::time::SystemTime::now()),
            ),
            Err(e) => {
                eprintln!("bench broadcast failed: {e}");
                return ExitCode::INVALID;
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
        return ExitCode::INVALID;
    }
    let table = broadcast::table(&points);
    println!("\n{table}");
    let svg_path = std::path::Path::new("xtask/docs/broadcast-frontier.svg");
    if let Err(e) = std::fs::write(svg_path, broadcast::plot(&points)) {
        eprintln!("cannot write {}: {e}", svg_path.display());
        return ExitCode::INVALID;
    }
    println!("plot: {}", svg_path.display());
    if docs {
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
            "Measured with `{cmd}` at {measured_at} (each row {each} of `{}` with the knob set; the figures are kept in `xtask/docs/broadcast-frontier.json`):\n\n{table}\n![broadcast frontier]({})\n",
            broadcast::FLAGS,
            bench::link_from(bench::BROADCAST_PAGE, "xtask/docs/broadcast-frontier.svg"),
        );
        let page = std::path::Path::new(bench::BROADCAST_PAGE);
        if let Err(e) = bench::update_block(page, "broadcast-sweep", &block) {
            eprintln!("{e}");
            return ExitCode::INVALID;
        }
    }
    ExitCode::OK
}

/// Writes `files` into a fresh `store/bench-broadcast/<timestamp>/`.
fn to_store(stamp: &str, files: &[(&str, &str)]) -> Result<std::path::PathBuf, String> {
    let dir = std::path::Path::new("store/bench-broadcast").join(stamp);
    std::fs::create_dir_all(&dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for (name, text) in files {
        std::fs::write(dir.join(name), text).map_err(|e| format!("{name}: {e}"))?;
    }
    Ok(dir)
}

/// The comparison (`--bin ...`) and scale (`--scale`) modes.
fn compare_command(c: &compare::CompareArgs) -> ExitCode {
    let stamp = crate::engine::store::timestamp(std::time::SystemTime::now());
    let shown_args = |c: &compare::CompareArgs| {
        let mut words = Vec::new();
        for g in &c.groups {
            words.push(format!("--bin {}", g.bin));
            words.extend(g.env.iter().map(|(k, v)| format!("{k}={v}")));
            if let Some((k, vs)) = &g.sweep {
                words.push(format!("{k}={}", vs.join(",")));
            }
        }
        words.extend(c.extra.iter().cloned());
        words.join(" ")
    };
    if !c.scale.is_empty() {
        let rows = match compare::run_scale(c) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("bench broadcast --scale failed: {e}");
                return ExitCode::INVALID;
            }
        };
        let table = compare::scale_table(&rows);
        println!("\n{table}");
        let json = serde_json::to_string_pretty(&rows).unwrap_or_default() + "\n";
        match to_store(&stamp, &[("scale.md", &table), ("scale.json", &json)]) {
            Ok(d) => println!("stored in {}", d.display()),
            Err(e) => {
                eprintln!("{e}");
                return ExitCode::INVALID;
            }
        }
        if c.docs {
            let nodes: Vec<String> = c.scale.iter().map(usize::to_string).collect();
            let block = format!(
                "Measured with `cargo xtask bench broadcast --scale --nodes {} --seeds {} {}` at {stamp} (each row the median of {} seeds in virtual time, range in brackets; `{}` with `--node-count` and `--rate` (4 ops/s per node) as in the row):\n\n{table}",
                nodes.join(","),
                c.seeds,
                shown_args(c),
                c.seeds,
                broadcast::FLAGS
            );
            let page = std::path::Path::new(bench::BROADCAST_PAGE);
            if let Err(e) = bench::update_block(page, "broadcast-scale", &block) {
                eprintln!("{e}");
                return ExitCode::INVALID;
            }
        }
        return ExitCode::OK;
    }
    let recorded = || -> Result<Vec<compare::Entry>, String> {
        let text = std::fs::read_to_string("xtask/docs/broadcast-compare.json")
            .map_err(|e| format!("xtask/docs/broadcast-compare.json: {e}"))?;
        serde_json::from_str(&text).map_err(|e| e.to_string())
    };
    let entries = match if c.replot {
        recorded()
    } else {
        compare::run(c)
    } {
        Ok(e) => e,
        Err(e) => {
            eprintln!("bench broadcast failed: {e}");
            return ExitCode::INVALID;
        }
    };
    let table = compare::table(&entries);
    println!("\n{table}");
    let svg = compare::plot(&entries, "broadcast implementations at the same flags");
    let json = serde_json::to_string_pretty(&entries).unwrap_or_default() + "\n";
    match to_store(
        &stamp,
        &[
            ("frontier.md", &table),
            ("frontier.svg", &svg),
            ("frontier.json", &json),
        ],
    ) {
        Ok(d) => println!("stored in {}", d.display()),
        Err(e) => {
            eprintln!("{e}");
            return ExitCode::INVALID;
        }
    }
    if c.docs {
        let svg_path = "xtask/docs/broadcast-compare.svg";
        let json_path = "xtask/docs/broadcast-compare.json";
        for (path, text) in [(svg_path, &svg), (json_path, &json)] {
            if let Err(e) = std::fs::write(path, text) {
                eprintln!("cannot write {path}: {e}");
                return ExitCode::INVALID;
            }
        }
        if c.replot {
            // The figures are the recorded ones: redraw the plot, keep the block.
            println!("{svg_path} redrawn");
            return ExitCode::OK;
        }
        let block = format!(
            "Measured with `cargo xtask bench broadcast {} --seeds {} --runs {}` at {stamp} (flags `{}` plus any given; our node: the median of {} seeds in virtual time, range in brackets and as bars; other binaries: {} real-time run(s) per point; the figures are kept in `{json_path}`):\n\n{table}\n![broadcast frontier]({})\n",
            shown_args(c),
            c.seeds,
            c.runs,
            broadcast::FLAGS,
            c.seeds,
            c.runs,
            bench::link_from(bench::BROADCAST_PAGE, svg_path),
        );
        let page = std::path::Path::new(bench::BROADCAST_PAGE);
        if let Err(e) = bench::update_block(page, "broadcast-frontier", &block) {
            eprintln!("{e}");
            return ExitCode::INVALID;
        }
    }
    ExitCode::OK
}
