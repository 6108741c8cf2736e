//! A `maelstrom test` command line becomes runs: the real Maelstrom when
//! asked for (`--engine`), else the embedded engine once per `--test-count`,
//! each run stored (`store/`), drawn (`report`), summarised and judged on
//! stdout. The engine itself is a library (`engine::execute`): it knows
//! neither the command line nor the pictures.

use super::ExitCode;
use crate::cli::{EngineChoice, TestArgs};
use crate::engine::hosts::{real, sim};
use crate::engine::net::latency::Latency;
use crate::engine::store::Store;
use crate::engine::{self, Nodes};
use crate::workloads::Workload;
use std::path::{Path, PathBuf};

fn crash(msg: &str) -> i32 {
    eprintln!("Oh jeez, I'm sorry, Jepsen broke. Here's why:\n\n{msg}");
    ExitCode::CRASH.into()
}

/// `maelstrom test`: pick the engine and run; returns the exit status.
pub fn run_test(args: &TestArgs) -> ExitCode {
    ExitCode::from(pick_and_run(args))
}

fn pick_and_run(args: &TestArgs) -> i32 {
    // `--sim` hosts our own nodes in-process: only the embedded engine can.
    let real = match (args.sim, args.engine) {
        (true, _) | (false, EngineChoice::Embedded) => None,
        (false, EngineChoice::Auto) => real::find_maelstrom(),
        (false, EngineChoice::Maelstrom) => match real::find_maelstrom() {
            Some(p) => Some(p),
            None => {
                eprintln!("--engine maelstrom: no maelstrom executable found (set $MAELSTROM)");
                return ExitCode::USAGE.into();
            }
        },
    };
    if let Some(m) = real {
        eprintln!("xtask: running the real Maelstrom at {}", m.display());
        return real::run_real(&m, &args.maelstrom_args).unwrap_or_else(|e| crash(&e));
    }
    run_embedded(args)
}

/// The nodes a parsed command line asks for, or one clear line saying
/// why none can start.
pub fn nodes(args: &TestArgs) -> Result<Nodes, String> {
    if args.sim {
        let name = Path::new(&args.bin)
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        if !gossip_glomers::nodes::NAMES.contains(&name.as_str()) {
            return Err(sim::unknown_node(&args.bin));
        }
        return Ok(Nodes::InProcess {
            name,
            env: args.node_env.iter().cloned().collect(),
            factory: gossip_glomers::nodes::hosted,
        });
    }
    Ok(Nodes::Processes {
        bin: executable(&args.bin)?,
        args: args.node_args.clone(),
        env: args.node_env.clone(),
    })
}

fn run_embedded(args: &TestArgs) -> i32 {
    // v0.2.3: the -w default is an unparsed string and the run crashes.
    let Some(name) = args.workload.as_deref() else {
        return crash("java.lang.IllegalArgumentException: No workload \"lin-kv\" (Maelstrom v0.2.3 needs an explicit -w)");
    };
    let Some(workload) = crate::workloads::by_name(name) else {
        return crash(&format!("the embedded engine has no {name} workload yet"));
    };
    if let Err(e) = workload.validate(&args.opts) {
        return crash(&e);
    }
    if let Err(e) = Latency::new(args.opts.latency_ms, args.opts.latency_dist) {
        return crash(&e);
    }
    let nodes = match nodes(args) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("xtask: {e}");
            return ExitCode::CRASH.into();
        }
    };
    let seed = args.seed.unwrap_or_else(|| fastrand::u64(..));
    let clock = if args.sim { "virtual time, " } else { "" };
    for k in 0..args.test_count {
        // fidelity X7: `--test-count N` runs use seeds seed, seed+1, ...
        let seed = seed.wrapping_add(k);
        eprintln!("xtask: embedded engine, {clock}seed {seed} (replay with --seed {seed})");
        let code = one_run(args, workload.as_ref(), &nodes, seed);
        if code != 0 {
            return code;
        }
    }
    0
}

/// `--bin` canonicalised, or one clear line saying why no node can start
/// from it (Maelstrom would crash spawning the first node, exit 255).
pub fn executable(bin: &str) -> Result<PathBuf, String> {
    use std::os::unix::fs::PermissionsExt;
    let path = std::fs::canonicalize(bin).map_err(|e| match e.kind() {
        std::io::ErrorKind::NotFound => format!("--bin {bin} does not exist"),
        _ => format!("cannot use --bin {bin}: {e}"),
    })?;
    let meta = std::fs::metadata(&path).map_err(|e| format!("cannot use --bin {bin}: {e}"))?;
    if !meta.is_file() || meta.permissions().mode() & 0o111 == 0 {
        return Err(format!(
            "--bin {bin} is not executable (chmod +x it, or pass a program)"
        ));
    }
    Ok(path)
}

/// One run from the command line: store, run, files, verdict line.
fn one_run(args: &TestArgs, workload: &dyn Workload, nodes: &Nodes, seed: u64) -> i32 {
    let store = match Store::create(Path::new("store"), workload.name()) {
        Ok(s) => s,
        Err(e) => return crash(&format!("cannot create the store directory: {e}")),
    };
    // Jepsen updates the latest symlinks even when setup or the run throws
    // (core.clj: snarf-logs! in with-log-snarfing's finally), so store/latest
    // names a crashed run too, never the run before it (fidelity N2).
    let mark_latest = || {
        if let Err(e) = store.mark_latest() {
            eprintln!("WARN could not update store/latest: {e}");
        }
    };
    let out = match engine::execute(workload, &args.opts, nodes, seed, Some(&store.dir)) {
        Ok(out) => out,
        Err(e) => {
            mark_latest();
            return crash(&e);
        }
    };
    let write = |name: &str, text: String| {
        if let Err(e) = store.write(name, &text) {
            eprintln!("WARN could not write {name}: {e}");
        }
    };
    write(
        "run.json",
        serde_json::json!({"seed": seed, "main_phase_offset_ns": out.t0, "args": args.maelstrom_args, "sim": args.sim, "node_env": args.node_env})
            .to_string(),
    );
    // history.jsonl and net-journal.jsonl were streamed as the run went;
    // one more pass over the history writes history.txt (Jepsen's lines,
    // jepsen_files::history_txt_line) and gathers what the perf pictures draw.
    let mut perf = crate::report::PerfData::default();
    let txt = store.write_with("history.txt", |w| {
        let mut written = Ok(());
        out.history
            .for_each(|op| {
                perf.observe(op);
                if written.is_ok() {
                    written = w.write_all(crate::jepsen_files::history_txt_line(op).as_bytes());
                }
            })
            .map_err(std::io::Error::other)?;
        written
    });
    if let Err(e) = txt {
        eprintln!("WARN could not write history.txt: {e}");
    }
    let journal = crate::journal::read_jsonl(&store.dir.join("net-journal.jsonl"));
    if let Err(e) = journal.and_then(|events| {
        let events = events.filter_map(Result::ok);
        crate::report::write_pictures(&store.dir, perf, events, out.t0.unwrap_or(0))
    }) {
        eprintln!("WARN could not draw the pictures: {e}");
    }
    if let Err(e) = crate::report::broadcast::write_broadcast_pictures(&store.dir) {
        eprintln!("WARN could not draw the broadcast pictures: {e}");
    }
    let Some((mut results, valid)) = out.analysis else {
        mark_latest();
        return crash(out.fatal.as_deref().unwrap_or("the run was aborted"));
    };
    write("results.json", engine::results_json(&results));
    crate::report::why::write_why_pictures(&crate::report::why::RunView {
        dir: &store.dir,
        workload: workload.name(),
        results: &results,
    });
    write_maelstrom_files(&store, &out.history, &results, valid);
    // The verdict and key figures alone, so that `serve`'s index never reads
    // a whole results file (see serve/summary.rs).
    write(
        crate::serve::summary::FILE,
        crate::serve::summary::summary_json(&results),
    );
    // Printed with long strings cut short (checkers/elide.rs); the file
    // above keeps what the checkers returned.
    crate::checkers::elide::elide_long_strings(&mut results);
    mark_latest();
    let crashed = !out.crashes.is_empty();
    // Maelstrom detects a crash at teardown and prints no verdict, only the
    // crash (exit 255). We still print the analysis, but never a verdict
    // line after it: the last line says the run crashed.
    let last = if crashed {
        crashed_line(&out.crashes)
    } else {
        engine::analysis::verdict_line(valid).to_string()
    };
    // A closed stdout loses only the printout: the store has it all.
    let _ = std::io::Write::write_all(
        &mut std::io::stdout(),
        console_end(&results, &last, args.json).as_bytes(),
    );
    if crashed {
        return crash(&out.crashes.join("\n\n"));
    }
    valid.exit_code()
}

/// What a run prints last: the results map and `last` (the verdict line or
/// the crash line), as Jepsen's `log-results` does (the map in EDN, two
/// blank lines, the verdict; see jepsen_files::results_and_last_line),
/// without the log line's `INFO jepsen.core -` prefix so that the map reads
/// back as EDN; with `--json` (ours), the map as JSON instead, for scripts.
/// fidelity X34: the console's results are plain EDN; `--json` prints JSON.
fn console_end(results: &serde_json::Value, last: &str, json: bool) -> String {
    if json {
        let text = engine::results_json(results);
        format!("{}\n\n\n{last}\n", text.trim_end())
    } else {
        crate::jepsen_files::results_and_last_line(results, last)
    }
}

/// Maelstrom's own files beside ours (see jepsen_files): results.edn,
/// history.edn and jepsen.log. A file that cannot be written is a warning,
/// as for the others.
fn write_maelstrom_files(
    store: &Store,
    history: &crate::history::recorded::Recorded,
    results: &serde_json::Value,
    valid: crate::checkers::Validity,
) {
    use crate::jepsen_files as jf;
    let written = [
        (
            "results.edn",
            store.write("results.edn", &jf::results_text(results)),
        ),
        (
            "history.edn",
            store.write_with("history.edn", |w| {
                jf::write_ops(w, history, jf::history_edn_line)
            }),
        ),
        (
            "jepsen.log",
            store.write_with("jepsen.log", |w| {
                jf::write_ops(w, history, jf::log_line)?;
                w.write_all(jf::results_log(results, valid).as_bytes())
            }),
        ),
    ];
    for (name, result) in written {
        if let Err(e) = result {
            eprintln!("WARN could not write {name}: {e}");
        }
    }
}

/// The last stdout line of a run in which nodes crashed: what crashed, from
/// the first sentence of each report ("Node n0 crashed with exit status:
/// 3"), in place of the verdict. jepsen-io/maelstrom v0.2.3
/// src/maelstrom/process.clj, `stop-node!`, throws `(str "Node " node-id "
/// crashed with exit status " ...)` at teardown, before any analysis, and
/// jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/cli.clj logs it with `(fatal t
/// "Oh jeez, I'm sorry, Jepsen broke. Here's why:")` and exits 255.
/// fidelity X1: a crashed run prints the analysis but no verdict line.
fn crashed_line(crashes: &[String]) -> String {
    let what: Vec<&str> = crashes
        .iter()
        .map(|c| c.split(". Before crashing").next().unwrap_or(c))
        .collect();
    format!(
        "Oh jeez, I'm sorry, Jepsen broke: {}. The run crashed: no verdict (Maelstrom prints none; exit 255).",
        what.join("; ")
    )
}
