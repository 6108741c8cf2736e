//! The embedded Maelstrom engine: one run = spawn nodes, init, setup, main
//! phase, optional final phase, teardown, analysis, results.

pub mod analysis;
pub mod clock;
pub mod core;
pub mod host;
pub mod latency;
pub mod nemesis;
pub mod network;
pub mod partition;
pub mod progress;
pub mod real;
pub mod services;
pub mod store;
pub mod workers;

use crate::cli::{EngineChoice, TestArgs};
use crate::history::History;
use crate::workload::{TestOpts, Workload};
use clock::RealClock;
use host::{Host, ProcessHost};
use latency::Latency;
use network::Network;
use std::path::Path;
use std::time::Duration;

/// Teardown grace between closing stdin and SIGKILL.
const TEARDOWN_GRACE: Duration = Duration::from_millis(200);

fn crash(msg: &str) -> i32 {
    eprintln!("Oh jeez, I'm sorry, Jepsen broke. Here's why:\n\n{msg}");
    255
}

/// `maelstrom test`: pick the engine and run; returns the exit status.
pub fn run_test(args: &TestArgs) -> i32 {
    let real = match args.engine {
        EngineChoice::Embedded => None,
        EngineChoice::Auto => real::find_maelstrom(),
        EngineChoice::Maelstrom => match real::find_maelstrom() {
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

pub fn test_opts(args: &TestArgs) -> TestOpts {
    let mut o = TestOpts::defaults(args.node_ids.clone());
    o.concurrency = args.concurrency;
    o.rate = args.rate;
    o.time_limit_s = args.time_limit_s;
    o.latency_ms = args.latency_ms;
    o.topology = args.topology.clone();
    o.key_count = args.key_count;
    o.max_txn_length = args.max_txn_length;
    o.max_writes_per_key = args.max_writes_per_key;
    o.consistency_models = args.consistency_models.clone();
    o.nemesis_partition = args.nemesis_partition;
    o
}

fn run_embedded(args: &TestArgs) -> i32 {
    // v0.2.3: the -w default is an unparsed string and the run crashes.
    let Some(name) = args.workload.as_deref() else {
        return crash("java.lang.IllegalArgumentException: No workload \"lin-kv\" (Maelstrom v0.2.3 needs an explicit -w)");
    };
    let Some(workload) = crate::workloads::by_name(name) else {
        return crash(&format!("the embedded engine has no {name} workload yet"));
    };
    if let Err(e) = workload.validate(&test_opts(args)) {
        return crash(&e);
    }
    let latency = match Latency::new(args.latency_ms, args.latency_dist) {
        Ok(l) => l,
        Err(e) => return crash(&e),
    };
    let bin = match std::fs::canonicalize(&args.bin) {
        Ok(b) => b,
        Err(e) => return crash(&format!("cannot use --bin {}: {e}", args.bin)),
    };
    let seed = args.seed.unwrap_or_else(|| fastrand::u64(..));
    for k in 0..args.test_count {
        let seed = seed.wrapping_add(k);
        eprintln!("xtask: embedded engine, seed {seed} (replay with --seed {seed})");
        let code = one_run(args, workload.as_ref(), latency, &bin, seed);
        if code != 0 {
            return code;
        }
    }
    0
}

fn one_run(
    args: &TestArgs,
    workload: &dyn Workload,
    latency: Latency,
    bin: &Path,
    seed: u64,
) -> i32 {
    let store = match store::Store::create(Path::new("store"), workload.name()) {
        Ok(s) => s,
        Err(e) => return crash(&format!("cannot create the store directory: {e}")),
    };
    let opts = test_opts(args);
    let mut net = Network::new(latency, fastrand::Rng::with_seed(seed ^ 0x5eed));
    net.log_send = args.log_net_send;
    net.log_recv = args.log_net_recv;
    // Register every id before any process starts (protocol.md section 4).
    for id in opts
        .node_ids
        .iter()
        .map(String::as_str)
        .chain(services::SERVICE_IDS)
    {
        net.register(id);
    }
    // Jepsen updates the latest symlinks even when setup or the run throws
    // (core.clj: snarf-logs! in with-log-snarfing's finally), so store/latest
    // names a crashed run too, never the run before it.
    let crash_here = |msg: &str| {
        if let Err(e) = store.mark_latest() {
            eprintln!("WARN could not update store/latest: {e}");
        }
        crash(msg)
    };
    let mut host = match ProcessHost::spawn(bin, &args.node_args, opts.node_ids.len()) {
        Ok(h) => h,
        Err(e) => return crash_here(&e),
    };
    let clock = RealClock::new();
    let spec = core::RunSpec {
        opts: opts.clone(),
        seed,
        log_stderr: args.log_stderr,
        nemesis_interval_ns: (args.nemesis_interval_s * 1e9) as u64,
        store_dir: store.dir.clone(),
    };
    let mut engine = core::Engine::new(&clock, &mut host, workload, spec, net);
    engine.run();
    let history = History::new(std::mem::take(&mut engine.history));
    let journal = std::mem::take(&mut engine.net.journal);
    let fatal = engine.fatal.take();
    let crashes = engine.crash_reports();
    let t0 = engine.t0;
    drop(engine);
    host.shutdown(TEARDOWN_GRACE);

    let write = |name: &str, text: String| {
        if let Err(e) = store.write(name, &text) {
            eprintln!("WARN could not write {name}: {e}");
        }
    };
    write("history.txt", history.to_txt());
    write("history.jsonl", jsonl(&history.ops));
    write("net-journal.jsonl", jsonl(&journal));
    write(
        "run.json",
        serde_json::json!({"seed": seed, "main_phase_offset_ns": t0, "args": args.maelstrom_args})
            .to_string(),
    );
    if let Err(e) = crate::report::write_pictures(&store.dir, &history, &journal, t0.unwrap_or(0)) {
        eprintln!("WARN could not draw the pictures: {e}");
    }
    if let Some(msg) = fatal {
        return crash_here(&msg);
    }
    let (results, valid) =
        analysis::analyze(workload, &opts, &history, &journal, args.availability);
    let pretty = serde_json::to_string_pretty(&results).unwrap_or_default();
    write("results.json", format!("{pretty}\n"));
    if let Err(e) = store.mark_latest() {
        eprintln!("WARN could not update store/latest: {e}");
    }
    println!("{pretty}\n\n\n{}", analysis::verdict_line(valid));
    if !crashes.is_empty() {
        // Maelstrom detects this at teardown (exit 255); we still print the analysis.
        return crash(&crashes.join("\n\n"));
    }
    valid.exit_code()
}

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
