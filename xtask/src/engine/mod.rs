//! The embedded Maelstrom engine: one run = spawn nodes, init, setup, main
//! phase, optional final phase, teardown, analysis, results.
//!
//! A library: [`execute`] takes a workload, a typed options value, the
//! nodes, a seed and an optional store directory, and returns the run. It
//! imports neither the command line nor the report (`cmd/run.rs` turns a
//! command line into runs; `layering_tests.rs` holds the line). `hosts/`
//! are where nodes run (processes, in-process, the real Maelstrom), `net/`
//! the simulated network, `services/` Maelstrom's services.

pub mod analysis;
pub mod clock;
pub mod core;
pub mod fabric;
pub mod hosts;
pub mod nemesis;
pub mod net;
pub mod node_log;
pub mod progress;
pub mod services;
pub mod stalls;
pub mod store;
pub mod workers;

use crate::checkers::Validity;
use crate::history::log::HistoryLog;
use crate::history::recorded::Recorded;
use crate::history::History;
use crate::journal::JournalEvent;
use crate::opts::TestOpts;
use crate::workloads::Workload;
use clock::{RealClock, VirtualClock};
use hosts::sim::SimHost;
use hosts::{Host, ProcessHost};
use net::journal::NetJournal;
use net::latency::Latency;
use net::Network;
use serde_json::Value;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::Duration;

/// Teardown grace between closing stdin and SIGKILL.
/// fidelity X4: teardown waits 200 ms before SIGKILL.
const TEARDOWN_GRACE: Duration = Duration::from_millis(200);

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
        factory: hosts::sim::NodeFactory,
    },
}

/// What one run produced, before anything is written.
pub struct RunOutcome {
    /// In memory for a run without a store, else `history.jsonl`.
    pub history: Recorded,
    /// The network journal's events, for a run of
    /// [`execute_keeping_journal`] (a run with a store streamed them to
    /// `net-journal.jsonl`; `execute` without one only counts them). Read by
    /// the scenario tests.
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
    /// What the run cost, for `bench sim`.
    #[cfg_attr(not(test), allow(dead_code))]
    pub cost: RunCost,
}

/// What one run cost: its events, and the CPU time of this thread spent in
/// the event loop and in the analysis (the checkers).
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct RunCost {
    pub events: u64,
    pub loop_cpu_ns: u64,
    pub analysis_cpu_ns: u64,
}

/// Runs one test to the end and analyses it. With a `store_dir`, the node
/// logs, `history.jsonl` and `net-journal.jsonl` are streamed there as the
/// run goes (memory stays bounded however long it runs) and the history is
/// read back for the checkers; without one, the history stays in memory and
/// the network journal is only counted (for the net checker): nothing reads
/// its events, and keeping them was a third of a list-append run's CPU.
/// Err: the nodes could not start, or the store could not be written.
pub fn execute(
    workload: &dyn Workload,
    opts: &TestOpts,
    nodes: &Nodes,
    seed: u64,
    store_dir: Option<&Path>,
) -> Result<RunOutcome, String> {
    let journal = match store_dir {
        Some(dir) => NetJournal::to_file(&dir.join("net-journal.jsonl"))?,
        None => NetJournal::counting(),
    };
    execute_with(workload, opts, nodes, seed, store_dir, journal)
}

/// `execute` without a store, keeping the network journal's events in
/// `RunOutcome::journal` for a test to read.
#[cfg(test)]
pub fn execute_keeping_journal(
    workload: &dyn Workload,
    opts: &TestOpts,
    nodes: &Nodes,
    seed: u64,
) -> Result<RunOutcome, String> {
    execute_with(workload, opts, nodes, seed, None, NetJournal::in_memory())
}

fn execute_with(
    workload: &dyn Workload,
    opts: &TestOpts,
    nodes: &Nodes,
    seed: u64,
    store_dir: Option<&Path>,
    journal: NetJournal,
) -> Result<RunOutcome, String> {
    let latency = Latency::new(opts.latency_ms, opts.latency_dist)?;
    let mut net = Network::new(latency, fastrand::Rng::with_seed(seed ^ 0x5eed));
    net.log_send = opts.log_net_send;
    net.log_recv = opts.log_net_recv;
    net.p_loss = opts.p_loss;
    net.per_queue_cap = opts.backlog_cap_bytes;
    net.total_cap = opts.backlog_cap_bytes.saturating_mul(2);
    net.journal = journal;
    let history = match store_dir {
        Some(dir) => HistoryLog::to_file(&dir.join("history.jsonl"))?,
        None => HistoryLog::in_memory(),
    };
    // Register every id before any node starts. Maelstrom v0.2.3 adds each
    // node in src/maelstrom/process.clj `start-node!` just before spawning it,
    // the nodes in parallel; a node could only see the difference by sending
    // to a peer whose process has not started (docs/fidelity.md).
    // fidelity X8: every node id is registered before any node starts.
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
    let cpu_start = clock::thread_cpu_ns();
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
        events,
    } = engine.finish();
    let cpu_loop_end = clock::thread_cpu_ns();
    let history = history.unwrap_or_else(|e| {
        fatal.get_or_insert(e);
        Recorded::Memory(History::default())
    });
    let mut analysis = None;
    if fatal.is_none() {
        match analysis::analyze(workload, &opts, &history, Some(&net), opts.availability) {
            Ok(a) => analysis = Some(with_backlog(a, &stalls, opts.backlog_cap_bytes)),
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
        cost: RunCost {
            events,
            loop_cpu_ns: cpu_loop_end.saturating_sub(cpu_start),
            analysis_cpu_ns: clock::thread_cpu_ns().saturating_sub(cpu_loop_end),
        },
    }
}

/// Adds the `backlog` section (`stalls.rs`) to a results map, when a node
/// stopped reading, and merges its verdict in.
fn with_backlog(
    (mut results, valid): (Value, Validity),
    stalls: &[stalls::StalledNode],
    cap_bytes: usize,
) -> (Value, Validity) {
    let Some(r) = stalls::check(stalls, cap_bytes) else {
        return (results, valid);
    };
    let valid = valid.merge(r.valid);
    if let Some(m) = results.as_object_mut() {
        m.insert("backlog".into(), r.to_json());
        m.insert("valid?".into(), valid.to_json());
    }
    (results, valid)
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
