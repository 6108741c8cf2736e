//! `cargo xtask check <workload> FILE [--journal FILE] [test flags]`: the
//! command line of `check` (what it does is `crate::check`). Its test flags
//! are `maelstrom test`'s, read by the flag table.

use super::ExitCode;
use crate::check;
use crate::checkers::Validity;
use crate::engine::analysis;
use serde_json::Value;
use std::path::Path;

pub const USAGE: &str =
    "Usage: cargo xtask check <workload> FILE [--journal net-journal.jsonl] [--pictures DIR] [TEST FLAGS]

Runs the workload's checker and the common ones (stats, availability,
exceptions; net with --journal) on a recorded history and prints the results
map and Maelstrom's verdict line. FILE (a regular file; lines of at most
16 MiB) is our store/.../history.jsonl, a Jepsen/Maelstrom history.edn, an
Elle or Knossos EDN history (one vector of ops, `;` comments), or a Jepsen
log (`INFO jepsen.util - 3 :invoke :read nil` lines). TEST FLAGS are
`maelstrom test` flags the checkers read, e.g. --consistency-models,
--availability. --pictures DIR (lin-kv only) draws each failing key's
counterexample into DIR, as a run does: independent/<key>/linear.svg and
linear.html (linear.svg and linear.html for a history of one register);
without it, check writes nothing. The results print in EDN, as a run's
console ends; --json prints them as JSON.
Exit: 0 valid, 1 invalid, 2 unknown, 254 usage or unreadable input.";

/// The command; returns the exit status.
pub fn command(args: &[String]) -> ExitCode {
    if args.iter().any(|a| a == "-h" || a == "--help") {
        println!("{USAGE}");
        return ExitCode::OK;
    }
    match run(args) {
        Ok((results, valid)) => {
            // As a run's console ends (fidelity X34): the results map in
            // EDN and the verdict, or with `--json` the map as JSON.
            let verdict = analysis::verdict_line(valid);
            if args.iter().any(|a| a == "--json") {
                let pretty = serde_json::to_string_pretty(&results).unwrap_or_default();
                println!("{pretty}\n\n\n{verdict}");
            } else {
                print!(
                    "{}",
                    crate::jepsen_files::results_and_last_line(&results, verdict)
                );
            }
            ExitCode::from(valid.exit_code())
        }
        Err(msg) => {
            eprintln!("xtask check: {msg}\n\n{USAGE}");
            ExitCode::USAGE
        }
    }
}

/// Parses the arguments, reads the files, runs the checkers.
pub fn run(args: &[String]) -> Result<(Value, Validity), String> {
    let Args {
        workload,
        file,
        journal,
        pictures,
        flags,
    } = split_args(args)?;
    let Some(w) = crate::workloads::by_name(workload) else {
        return Err(format!("no {workload:?} workload in the bench"));
    };
    if pictures.is_some() && workload != "lin-kv" {
        return Err(format!(
            "--pictures draws lin-kv's counterexamples only, not {workload}'s"
        ));
    }
    // The test flags mean what they mean for `maelstrom test`; --bin,
    // required there, is irrelevant here (`parse_options` lets it be).
    let parsed = match crate::cli::parse_options(&flags) {
        Ok(t) => t,
        Err(crate::cli::CliError::Usage(m)) => return Err(m),
        Err(crate::cli::CliError::Help) => return Err("see --help".into()),
    };
    if let Some(extra) = parsed.node_args.first() {
        return Err(format!("unexpected argument {extra:?}"));
    }
    // An unusable DIR is said before the check, not after it.
    if let Some(dir) = pictures {
        std::fs::create_dir_all(dir)
            .map_err(|e| format!("--pictures: cannot create {dir}: {e}"))?;
    }
    let (results, valid) = check::check_files(
        w.as_ref(),
        &parsed.opts,
        Path::new(file),
        journal.map(Path::new),
    )?;
    if let Some(dir) = pictures {
        // The verdict stands whatever happens to a picture.
        if let Err(e) = draw_pictures(Path::new(file), &results, Path::new(dir)) {
            eprintln!("WARN could not draw the pictures: {e}");
        }
    }
    Ok((results, valid))
}

/// `--pictures DIR`: the counterexample of every failing key, drawn from
/// the history read again (the checkers hold none of it once done).
fn draw_pictures(file: &Path, results: &Value, dir: &Path) -> Result<(), String> {
    let history = check::read_history(file)?;
    let drawn = crate::report::why::linear::draw_history(&history, &results["workload"], dir)?;
    for d in drawn {
        eprintln!("drew {}", dir.join(&d.picture.file).display());
    }
    Ok(())
}

/// The command line, split: ours, and the `maelstrom test` flags.
struct Args<'a> {
    workload: &'a str,
    file: &'a str,
    journal: Option<&'a str>,
    pictures: Option<&'a str>,
    flags: Vec<String>,
}

/// `<workload> FILE` first, then flags: `--journal FILE` and `--pictures
/// DIR` are ours, the rest go to the `maelstrom test` parser.
fn split_args(args: &[String]) -> Result<Args<'_>, String> {
    let (workload, file) = match args {
        [w, f, ..] if !w.starts_with('-') && !f.starts_with('-') => (w.as_str(), f.as_str()),
        _ => return Err("expected a workload name and a history file first".into()),
    };
    let mut journal = None;
    let mut pictures = None;
    let mut flags = Vec::new();
    let mut it = args[2..].iter();
    while let Some(a) = it.next() {
        if a == "--journal" {
            journal = Some(it.next().ok_or("--journal needs a file")?.as_str());
        } else if let Some(j) = a.strip_prefix("--journal=") {
            journal = Some(j);
        } else if a == "--pictures" {
            pictures = Some(it.next().ok_or("--pictures needs a directory")?.as_str());
        } else if let Some(d) = a.strip_prefix("--pictures=") {
            pictures = Some(d);
        } else {
            flags.push(a.clone());
        }
    }
    Ok(Args {
        workload,
        file,
        journal,
        pictures,
        flags,
    })
}
