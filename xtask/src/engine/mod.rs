//! The embedded Maelstrom engine: one run = spawn nodes, init, setup, main
//! phase, optional final phase, teardown, analysis, results.

pub mod analysis;
pub mod backlog;
pub mod body;
pub mod clock;
pub mod core;
pub mod fabric;
pub mod history_log;
pub mod host;
pub mod latency;
pub mod nemesis;
pub mod net_journal;
pub mod network;
pub mod partition;
pub mod progress;
pub mod real;
pub mod services;
pub mod sim_host;
pub mod stalls;
pub mod store;
pub mod workers;

use crate::checkers::Validity;
use crate::cli::{EngineChoice, TestArgs};
use crate::history::recorded::Recorded;
use crate::history::History;
use crate::journal::JournalEvent;
use crate::opts::TestOpts;
use crate::workloads::Workload;
use clock::{RealClock, VirtualClock};
use history_log::HistoryLog;
use host::{Host, ProcessHost};
use latency::Latency;
use net_journal::NetJournal;
use network::Network;
use serde_json::Value;
use sim_host::SimHost;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

/// Teardown grace between closing stdin and SIGKILL.
const TEARDOWN_GRACE: Duration = Duration::from_millis(200);

fn crash(msg: &str) -> i32 {
    eprintln!("Oh jeez, I'm sorry, Jepsen broke. Here's why:\n\n{msg}");
    255
}

/// `maelstrom test`: pick the engine and run; returns the exit status.
pub fn run_test(args: &TestArgs) -> i32 {
    // `--sim` hosts our own nodes in-process: only the embedded engine can.
    let real = match (args.sim, args.engine) {
        (true, _) | (false, EngineChoice::Embedded) => None,
        (false, EngineChoice::Auto) => real::find_maelstrom(),
        (false, EngineChoice::Maelstrom) => match real::find_maelstrom() {
            Some(p) => Some(p),
            None => {
                eprintln!("--engine maelstrom: no maelstrom executable found (set $MAELSTROM)");
                return 254;
            }
        },
    };
    if let Some(m) = real {
        eprintln!("xtask: running the real Maelstrom at {}", m.display());
        return real::run_real(&m, &args.maelstrom_args).unwrap_or_else(|e| crash(&e));
    }
    run_embedded(args)
}

/// Where the nodes of a run come from.
#[derive(Clone, Debug)]
pub enum Nodes {
    /// `--bin`: one OS process per node, in real time (the faithful path).
    Processes {
        bin: PathBuf,
        args: Vec<String>,
        env: Vec<(String, String)>,
    },
    /// `--sim`: our own node `name` in-process, in virtual time.
    InProcess {
        name: String,
        env: BTreeMap<String, String>,
        /// `gossip_glomers::nodes::hosted`, or a test's own.
        factory: sim_host::NodeFactory,
    },
}

impl Nodes {
    /// The nodes a parsed command line asks for, or one clear line saying
    /// why none can start.
    pub fn from_args(args: &TestArgs) -> Result<Nodes, String> {
        if args.sim {
            let name = Path::new(&args.bin)
                .file_name()
                .and_then(|n| n.to_str())
                .unwrap_or_default()
                .to_string();
            if !gossip_glomers::nodes::NAMES.contains(&name.as_str()) {
                return Err(sim_host::unknown_node(&args.bin));
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
}

/// What one run produced, before anything is written.
pub struct RunOutcome {
    /// In memory for a run without a store, else `history.jsonl`.
    pub history: Recorded,
    /// The network journal's events, for a run without a store (a run with
    /// one streamed them to `net-journal.jsonl` and kept none). Read by the
    /// scenario tests.
    #[cfg_attr(not(test), allow(dead_code))]
    pub journal: Vec<JournalEvent>,
    /// Nanoseconds from the engine's start to the first operation.
    pub t0: Option<u64>,
    /// Why the run was aborted (setup failed): no analysis then.
    pub fatal: Option<String>,
    /// Nodes that exited or panicked before teardown.
    pub crashes: Vec<String>,
    /// The results map and its verdict (None when `fatal`).
    pub analysis: Option<(Value, Validity)>,
}

/// Runs one test to the end and analyses it. With a `store_dir`, the node
/// logs, `history.jsonl` and `net-journal.jsonl` are streamed there as the
/// run goes (memory stays bounded however long it runs) and the history is
/// read back for the checkers; without one, both stay in memory. Err: the
/// nodes could not start, or the store could not be written.
pub fn execute(
    workload: &dyn Workload,
    opts: &TestOpts,
    nodes: &Nodes,
    seed: u64,
    store_dir: Option<&Path>,
) -> Result<RunOutcome, String> {
    let latency = Latency::new(opts.latency_ms, opts.latency_dist)?;
    let mut net = Network::new(latency, fastrand::Rng::with_seed(seed ^ 0x5eed));
    net.log_send = opts.log_net_send;
    net.log_recv = opts.log_net_recv;
    net.p_loss = opts.p_loss;
    let history = match store_dir {
        Some(dir) => {
            net.journal = NetJournal::to_file(&dir.join("net-journal.jsonl"))?;
            HistoryLog::to_file(&dir.join("history.jsonl"))?
        }
        None => HistoryLog::in_memory(),
    };
    // Register every id before any node starts. Maelstrom v0.2.3 adds each
    // node in src/maelstrom/process.clj `start-node!` just before spawning it,
    // the nodes in parallel; a node could only see the difference by sending
    // to a peer whose process has not started (docs/fidelity.md).
    for id in &opts.node_ids {
        net.register_node(id);
    }
    for id in services::SERVICE_IDS {
        net.register(id);
    }
    let spec = core::RunSpec {
        opts: opts.clone(),
        seed,
        store_dir: store_dir.map(Path::to_path_buf),
        progress: matches!(nodes, Nodes::Processes { .. }) && store_dir.is_some(),
        quiet: store_dir.is_none(),
    };
    let count = opts.node_ids.len();
    match nodes {
        Nodes::Processes { bin, args, env } => {
            let clock = RealClock::new();
            let mut host = ProcessHost::spawn(bin, args, env, count)?;
            let out = drive(&clock, &mut host, workload, spec, net, history);
            host.shutdown(TEARDOWN_GRACE);
            Ok(out)
        }
        Nodes::InProcess { name, env, factory } => {
            let clock = Rc::new(VirtualClock::new());
            let mut host = SimHost::new(Rc::clone(&clock), *factory, name, count, seed, env)?;
            Ok(drive(&*clock, &mut host, workload, spec, net, history))
        }
    }
}

/// The event loop, then the analysis.
fn drive(
    clock: &dyn clock::Clock,
    host: &mut dyn Host,
    workload: &dyn Workload,
    spec: core::RunSpec,
    net: Network,
    history: HistoryLog,
) -> RunOutcome {
    let opts = spec.opts.clone();
    let mut engine = core::Engine::new(clock, host, workload, spec, net, history);
    engine.run();
    let core::Finished {
        history,
        journal,
        net,
        t0,
        mut fatal,
        crashes,
        stalls,
    } = engine.finish();
    let history = history.unwrap_or_else(|e| {
        fatal.get_or_insert(e);
        Recorded::Memory(History::default())
    });
    let mut analysis = None;
    if fatal.is_none() {
        match analysis::analyze(workload, &opts, &history, Some(&net), opts.availability) {
            Ok(a) => analysis = Some(with_backlog(a, &stalls)),
            Err(e) => fatal = Some(e),
        }
    }
    RunOutcome {
        history,
        journal,
        t0,
        fatal,
        crashes,
        analysis,
    }
}

/// Adds the `backlog` section (`stalls.rs`) to a results map, when a node
/// stopped reading, and merges its verdict in.
fn with_backlog(
    (mut results, valid): (Value, Validity),
    stalls: &[stalls::StalledNode],
) -> (Value, Validity) {
    let Some(r) = stalls::check(stalls) else {
        return (results, valid);
    };
    let valid = valid.merge(r.valid);
    if let Some(m) = results.as_object_mut() {
        m.insert("backlog".into(), r.to_json());
        m.insert("valid?".into(), valid.to_json());
    }
    (results, valid)
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
    let nodes = match Nodes::from_args(args) {
        Ok(n) => n,
        Err(e) => {
            eprintln!("xtask: {e}");
            return 255;
        }
    };
    let seed = args.seed.unwrap_or_else(|| fastrand::u64(..));
    let clock = if args.sim { "virtual time, " } else { "" };
    for k in 0..args.test_count {
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
fn executable(bin: &str) -> Result<PathBuf, String> {
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
    let store = match store::Store::create(Path::new("store"), workload.name()) {
        Ok(s) => s,
        Err(e) => return crash(&format!("cannot create the store directory: {e}")),
    };
    // Jepsen updates the latest symlinks even when setup or the run throws
    // (core.clj: snarf-logs! in with-log-snarfing's finally), so store/latest
    // names a crashed run too, never the run before it.
    let mark_latest = || {
        if let Err(e) = store.mark_latest() {
            eprintln!("WARN could not update store/latest: {e}");
        }
    };
    let out = match execute(workload, &args.opts, nodes, seed, Some(&store.dir)) {
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
    // one more pass over the history writes history.txt and gathers what
    // the perf pictures draw.
    let mut perf = crate::report::PerfData::default();
    let txt = store.write_with("history.txt", |w| {
        let mut written = Ok(());
        out.history
            .for_each(|op| {
                perf.observe(op);
                if written.is_ok() {
                    written = op.write_txt(w);
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
    write("results.json", results_json(&results));
    // The verdict and key figures alone, so that `serve`'s index never reads
    // a whole results file (see serve/summary.rs).
    write(
        crate::serve::summary::FILE,
        crate::serve::summary::summary_json(&results),
    );
    // Printed with long strings cut short (checkers/elide.rs); the file
    // above keeps what the checkers returned.
    crate::checkers::elide::elide_long_strings(&mut results);
    let text = results_json(&results);
    let pretty = text.trim_end();
    mark_latest();
    if !out.crashes.is_empty() {
        // Maelstrom detects this at teardown and prints no verdict, only the
        // crash (exit 255). We still print the analysis, but never a
        // verdict line after it: the last line says the run crashed.
        println!("{pretty}\n\n\n{}", crashed_line(&out.crashes));
        return crash(&out.crashes.join("\n\n"));
    }
    println!("{pretty}\n\n\n{}", analysis::verdict_line(valid));
    valid.exit_code()
}

/// The last stdout line of a run in which nodes crashed: what crashed, from
/// the first sentence of each report ("Node n0 crashed with exit status:
/// 3"), in place of the verdict. jepsen-io/maelstrom v0.2.3
/// src/maelstrom/process.clj, `stop-node!`, throws `(str "Node " node-id "
/// crashed with exit status " ...)` at teardown, before any analysis, and
/// jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/cli.clj logs it with `(fatal t
/// "Oh jeez, I'm sorry, Jepsen broke. Here's why:")` and exits 255.
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

/// `history.jsonl` as a run writes it.
#[cfg(test)]
pub fn history_jsonl(history: &Recorded) -> String {
    jsonl(&history.load().expect("the recorded history reads back").ops)
}

/// `results.json` as a run writes it.
pub fn results_json(results: &Value) -> String {
    let pretty = serde_json::to_string_pretty(results).unwrap_or_default();
    format!("{pretty}\n")
}

#[cfg(test)]
fn jsonl<T: serde::Serialize>(items: &[T]) -> String {
    let mut s = String::new();
    for it in items {
        if let Ok(line) = serde_json::to_string(it) {
            s.push_str(&line);
            s.push('\n');
        }
    }
    s
}
