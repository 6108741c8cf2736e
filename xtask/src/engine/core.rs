//! The engine's core: ONE event loop over a clock and a timer queue. Node
//! output arrives from the host; the network, services, clients, nemesis and
//! history all live here, on the loop thread, without locks.

use super::clock::Clock;
use super::fabric::{Fabric, Role, Timer};
use super::hosts::{Host, HostEvent};
use super::nemesis::Nemesis;
use super::net::{Message, Network, Pump};
use super::progress::Progress;
use super::services::{Services, SERVICE_IDS};
use super::workers::{After, Workers};
use crate::workloads::{TestOpts, Workload};
use serde_json::Value;
use std::collections::{HashMap, VecDeque};

pub use super::fabric::{MS, SEC};
const TICK_NS: u64 = 200 * MS;
const CRASH_LINES: usize = 32;
/// A stdin blocked this long has stopped reading, for the report; shorter
/// blocks are a busy node's pipe filling for a moment.
const STOPPED_READING_NS: u64 = SEC;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Init,
    Setup,
    Main,
    /// Past the time limit: waiting for operations in flight.
    Drain,
    Recovery,
    Final,
    Done,
}

/// Per-node bookkeeping for logs and crash reports.
struct NodeState {
    id: String,
    silenced: bool,
    exited: Option<String>,
    /// Since when (engine time) its stdin has not taken the line handed to it.
    blocked_since: Option<u64>,
    /// The cap dropped a message to it and the console was told.
    drop_warned: bool,
    stdout_tail: VecDeque<String>,
    stderr_tail: VecDeque<String>,
    log: Option<super::node_log::NodeLog>,
}

/// Fixed inputs of one run.
pub struct RunSpec {
    pub opts: TestOpts,
    pub seed: u64,
    /// Where node logs go (`<dir>/node-logs/<id>.log`); None keeps no logs.
    pub store_dir: Option<std::path::PathBuf>,
    /// Show the progress line on stderr.
    pub progress: bool,
    /// Print nothing (exploration runs many engines at once).
    pub quiet: bool,
}

/// What a finished run leaves behind.
pub struct Finished {
    /// Every op, read back from the store when the run streamed it there;
    /// Err: the history could not be written or read back.
    pub history: Result<crate::history::recorded::Recorded, String>,
    /// The journal's events when kept in memory (none when streamed).
    pub journal: Vec<crate::journal::JournalEvent>,
    pub net: crate::checkers::net::NetCounts,
    pub t0: Option<u64>,
    pub fatal: Option<String>,
    pub crashes: Vec<String>,
    /// Nodes that stopped reading their stdin (see `stalls.rs`).
    pub stalls: Vec<super::stalls::StalledNode>,
    /// Events the loop handled: timers fired, host events (node output
    /// lines, log lines) and messages delivered (`bench sim` divides by it).
    pub events: u64,
}

/// The event loop: node output and timers in, the parts' reactions out.
/// Node processes or in-process nodes sit behind `Host`, time behind the
/// fabric's `Clock`; the workers, the nemesis and the services own their state.
pub struct Engine<'a> {
    host: &'a mut dyn Host,
    workload: &'a dyn Workload,
    spec: RunSpec,
    fabric: Fabric<'a>,
    services: Services,
    rng_services: fastrand::Rng,
    workers: Workers<'a>,
    nemesis: Option<Nemesis>,
    phase: Phase,
    nodes: Vec<NodeState>,
    node_index: HashMap<String, usize>,
    pending_setup: usize,
    fatal: Option<String>,
    progress: Progress,
    /// See `Finished::events`.
    events: u64,
}

impl<'a> Engine<'a> {
    pub fn new(
        clock: &'a dyn Clock,
        host: &'a mut dyn Host,
        workload: &'a dyn Workload,
        spec: RunSpec,
        net: Network,
        history: crate::history::log::HistoryLog,
    ) -> Self {
        let seed = spec.seed;
        let rng = |k: u64| fastrand::Rng::with_seed(seed ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let mut nodes = Vec::new();
        let mut node_index = HashMap::new();
        for (i, id) in spec.opts.node_ids.iter().enumerate() {
            let log = spec
                .store_dir
                .as_ref()
                .and_then(|d| super::node_log::NodeLog::create(d, id));
            nodes.push(NodeState {
                id: id.clone(),
                silenced: false,
                exited: None,
                blocked_since: None,
                drop_warned: false,
                stdout_tail: VecDeque::new(),
                stderr_tail: VecDeque::new(),
                log,
            });
            node_index.insert(id.clone(), i);
        }
        let mut fabric = Fabric::new(clock, net);
        fabric.set_history_log(history);
        Engine {
            host,
            workload,
            fabric,
            services: Services::new(),
            rng_services: rng(4),
            workers: Workers::new(workload, &spec.opts, rng(1), rng(2)),
            nemesis: Nemesis::of(&spec.opts, rng(3)),
            phase: Phase::Init,
            nodes,
            node_index,
            pending_setup: 0,
            fatal: None,
            progress: Progress::new(spec.opts.time_limit_s, spec.progress),
            spec,
            events: 0,
        }
    }

    fn now(&self) -> u64 {
        self.fabric.now()
    }

    fn fail_run(&mut self, msg: String) {
        if self.fatal.is_none() {
            self.fatal = Some(msg);
        }
        self.phase = Phase::Done;
    }

    /// Run every inbox consumer that may have work, delivering what is due.
    /// A node's consumer waits while its stdin has not taken the last line
    /// (`Host::accepts`): the backlog stays in the network's queue, to be
    /// partition-checked and journaled `recv` when taken, as in Maelstrom.
    pub fn flush(&mut self) {
        while let Some(dest) = self.fabric.dirty.pop() {
            let node = self.node_index.get(&dest).copied();
            loop {
                let now = self.now();
                if let Some(i) = node {
                    if !self.host.accepts(i) {
                        self.nodes[i].blocked_since.get_or_insert(now);
                        break;
                    }
                }
                match self.fabric.net.pump(&dest, now) {
                    Pump::Deliver(m) => self.deliver(m),
                    Pump::Sleep(at) => {
                        self.fabric.schedule(at, Timer::Deliver(dest.clone()));
                        break;
                    }
                    Pump::Idle => break,
                }
            }
        }
    }

    fn deliver(&mut self, m: Message) {
        self.events += 1;
        if let Some(&i) = self.node_index.get(&m.dest) {
            self.host.deliver(i, m.to_line());
        } else if SERVICE_IDS.contains(&m.dest.as_str()) {
            if let Some(reply) =
                self.services
                    .handle(&m.dest, &m.src, &m.body.value(), &mut self.rng_services)
            {
                let now = self.now();
                match self.fabric.net.send(&m.dest, &m.src, reply, now) {
                    Ok(()) => self.fabric.dirty.push(m.src.clone()),
                    Err(e) => eprintln!("WARN service {} could not reply: {e}", m.dest),
                }
            }
        } else if let Some(conn) = self.fabric.conn_mut(&m.dest) {
            // A client waits for exactly the reply whose in_reply_to equals its
            // msg_id (an integer: 1.0 does not match); everything else is dropped.
            let body = m.body.into_value();
            let irt = body
                .get("in_reply_to")
                .and_then(|v| if v.is_f64() { None } else { v.as_u64() });
            if conn.pending.is_some() && irt == conn.pending {
                conn.pending = None;
                let role = conn.role;
                self.on_client_reply(&m.dest, role, body);
            }
        }
    }

    fn on_client_reply(&mut self, client: &str, role: Role, body: Value) {
        match role {
            Role::Init(_) => self.on_init_reply(client, body),
            Role::Setup(i) => self.on_setup_reply(i, body),
            Role::Worker(t) => {
                let after = self.workers.on_reply(t, body, &mut self.fabric);
                self.after(after);
            }
        }
    }

    fn on_rpc_timeout(&mut self, client: &str, msg_id: u64) {
        let Some(conn) = self.fabric.conn_mut(client) else {
            return;
        };
        if conn.pending != Some(msg_id) {
            return;
        }
        conn.pending = None;
        match conn.role {
            Role::Init(i) => {
                let id = self.nodes[i].id.clone();
                self.fail_run(format!(
                    "Expected node {id} to respond to an init message, but node did not respond."
                ))
            }
            Role::Setup(i) => {
                let id = self.nodes[i].id.clone();
                self.fail_run(format!(
                    "Client setup for node {id} failed: the setup RPC timed out."
                ))
            }
            Role::Worker(t) => {
                let after = self.workers.on_timeout(t, &mut self.fabric);
                self.after(after);
            }
        }
    }

    // ---- init and setup (v0.2.3 src/maelstrom/db.clj `db` `setup!`: the init
    // RPC and its init_ok check; then each workload client's `setup!`) ----

    pub fn start(&mut self) {
        let now = self.now();
        let ids: Vec<String> = self.nodes.iter().map(|n| n.id.clone()).collect();
        for i in 0..ids.len() {
            // fidelity X5: init clients are `c0..c(N-1)` in node order.
            let c = self.fabric.open_client(Role::Init(i));
            let body = serde_json::json!({"type": "init", "node_id": ids[i], "node_ids": ids});
            if let Err(e) = self.fabric.client_send(&c, &ids[i], body, 10 * SEC) {
                self.fail_run(e);
            }
        }
        self.pending_setup = ids.len();
        self.fabric.schedule(now + TICK_NS, Timer::Tick);
    }

    fn on_init_reply(&mut self, client: &str, body: Value) {
        self.fabric.close_client(client);
        if body.get("type").and_then(Value::as_str) != Some("init_ok") {
            return self.fail_run(format!(
                "Expected an init_ok message, but node responded with {body}"
            ));
        }
        self.pending_setup -= 1;
        if self.pending_setup == 0 {
            self.start_setup();
        }
    }

    fn start_setup(&mut self) {
        self.phase = Phase::Setup;
        let ids: Vec<String> = self.nodes.iter().map(|n| n.id.clone()).collect();
        let mut clients = Vec::new();
        for i in 0..ids.len() {
            clients.push(self.fabric.open_client(Role::Setup(i)));
        }
        self.pending_setup = 0;
        for (i, c) in clients.iter().enumerate() {
            if let Some(body) = self.workload.setup_request(&ids[i], &self.spec.opts) {
                self.pending_setup += 1;
                if let Err(e) = self.fabric.client_send(c, &ids[i], body, 5 * SEC) {
                    return self.fail_run(e);
                }
            }
        }
        if self.pending_setup == 0 {
            self.start_main();
        }
    }

    fn on_setup_reply(&mut self, i: usize, body: Value) {
        let id = self.nodes[i].id.clone();
        let res = if body.get("type").and_then(Value::as_str) == Some("error") {
            Err(format!("error reply {body}"))
        } else {
            self.workload.check_setup_reply(&body)
        };
        if let Err(e) = res {
            return self.fail_run(format!("Client setup for node {id} failed: {e}"));
        }
        self.pending_setup -= 1;
        if self.pending_setup == 0 {
            self.start_main();
        }
    }

    // ---- node output (v0.2.3 src/maelstrom/process.clj `stdout-thread`,
    // `parse-msg`) ----

    fn on_host_event(&mut self, ev: HostEvent) {
        match ev {
            HostEvent::Stderr { node, line } => {
                let now = self.now();
                let Some(n) = self.nodes.get_mut(node) else {
                    return;
                };
                if let Some(log) = &mut n.log {
                    log.write_line(now, &line);
                }
                if self.spec.opts.log_stderr {
                    println!("INFO [{} stderr] {line}", n.id);
                }
                push_tail(&mut n.stderr_tail, short_copy(&line));
            }
            HostEvent::StdinFree { node } => {
                let Some(n) = self.nodes.get_mut(node) else {
                    return;
                };
                n.blocked_since = None;
                let id = n.id.clone();
                self.fabric.dirty.push(id);
            }
            HostEvent::Stdout { node, line } => {
                let Some(n) = self.nodes.get_mut(node) else {
                    return;
                };
                if n.silenced {
                    return;
                }
                push_tail(&mut n.stdout_tail, short_copy(&line));
                if let Err(reason) = self.accept_line(&line) {
                    let id = self.nodes[node].id.clone();
                    if !self.spec.quiet {
                        eprintln!(
                            "WARN node {id}: bad STDOUT line ({reason}): {line:?}\n     \
                         Maelstrom ignores everything this node prints from now on; so do we."
                        );
                    }
                    self.nodes[node].silenced = true;
                    self.host.silence_stdout(node);
                }
            }
        }
    }

    /// Validate one stdout line against the closed envelope and send it.
    fn accept_line(&mut self, line: &str) -> Result<(), String> {
        let mut v: Value = serde_json::from_str(line)
            .map_err(|e| format!("printed a line to STDOUT which was not well-formed JSON: {e}"))?;
        let obj = v
            .as_object_mut()
            .ok_or("Malformed network message: not a JSON object")?;
        for k in obj.keys() {
            if !matches!(k.as_str(), "src" | "dest" | "body" | "id") {
                return Err(format!("Malformed network message: disallowed key {k:?}"));
            }
        }
        // Moved out, not copied: a body may be a large read reply. Read
        // after src, dest and id, whose errors come first.
        let body = obj.remove("body");
        let Some(Value::String(src)) = obj.get("src") else {
            return Err("Malformed network message: src must be a string".into());
        };
        let Some(Value::String(dest)) = obj.get("dest") else {
            return Err("Malformed network message: dest must be a string".into());
        };
        if let Some(id) = obj.get("id") {
            if !(id.is_i64() || id.is_u64()) {
                return Err("Malformed network message: id must be an integer".into());
            }
        }
        let body = body_as_map(body)?;
        let now = self.now();
        self.fabric.net.send(src, dest, body, now)?;
        self.fabric.dirty.push(dest.to_string());
        Ok(())
    }

    // ---- the loop ----

    fn on_timer(&mut self, t: Timer) {
        match t {
            Timer::Deliver(dest) => self.fabric.dirty.push(dest),
            Timer::RpcTimeout { client, msg_id } => self.on_rpc_timeout(&client, msg_id),
            Timer::Stagger => self.workers.on_stagger(&mut self.fabric),
            Timer::Nemesis => {
                if let Some(n) = &mut self.nemesis {
                    if self.workers.in_main_phase(self.fabric.now()) {
                        n.step(&mut self.fabric);
                    }
                }
            }
            Timer::MainCutoff => {
                let after = self.workers.on_cutoff();
                self.phase = Phase::Drain;
                self.after(after);
            }
            Timer::RecoveryDone => {
                self.phase = Phase::Final;
                let after = self.workers.start_final(&mut self.fabric);
                self.after(after);
            }
            Timer::FinalWake(t) => {
                let after = self.workers.final_step(t, &mut self.fabric);
                self.after(after);
            }
            Timer::FinalCutoff => {
                let after = self.workers.on_final_cutoff();
                self.after(after);
            }
            Timer::Tick => self.on_tick(),
        }
    }

    /// Moves the run on after the workers report a milestone.
    fn after(&mut self, after: After) {
        match after {
            After::Continue => {}
            After::FinalDone => self.phase = Phase::Done,
            After::Drained if self.workload.final_phase().is_none() => self.phase = Phase::Done,
            After::Drained => {
                // The final heal, then the recovery sleep before the final
                // generator (maelstrom v0.2.3 src/maelstrom/core.clj,
                // `maelstrom-test`: `(gen/nemesis (:final-generator nemesis))`,
                // `(gen/log "Waiting for recovery...")`, `(gen/sleep 10)`).
                if let Some(n) = &mut self.nemesis {
                    n.stop(&mut self.fabric);
                }
                // On stderr with the engine's other log lines, so that
                // stdout holds only the results (fidelity X34: `--json`).
                if !self.spec.quiet {
                    eprintln!("INFO Waiting for recovery...");
                }
                self.phase = Phase::Recovery;
                let at = self.now() + 10 * SEC;
                self.fabric.schedule(at, Timer::RecoveryDone);
            }
        }
    }

    fn start_main(&mut self) {
        self.phase = Phase::Main;
        self.fabric.start_history();
        self.workers.start_main(&mut self.fabric);
        if self.nemesis.is_some() {
            let now = self.now();
            self.fabric.schedule(now, Timer::Nemesis);
        }
    }

    fn on_tick(&mut self) {
        for i in 0..self.nodes.len() {
            if self.nodes[i].exited.is_none() {
                if let Some(st) = self.host.exit_status(i) {
                    if self.phase == Phase::Init {
                        return self.fail_init_exit(i, st);
                    }
                    if !self.spec.quiet {
                        eprintln!(
                            "WARN node {} exited during the run with {st}",
                            self.nodes[i].id
                        );
                    }
                    self.nodes[i].exited = Some(st);
                }
            }
        }
        self.warn_dropped();
        let now = self.now();
        let counts = if self.spec.progress {
            self.fabric.counts()
        } else {
            Default::default()
        };
        self.progress.show(
            self.fabric.rel_now(),
            self.fabric.t0().is_some(),
            counts,
            self.fabric.net.messages_sent(),
        );
        self.fabric.schedule(now + TICK_NS, Timer::Tick);
    }

    /// Tells the console, once per node, that the backlog cap began to drop
    /// messages to it.
    fn warn_dropped(&mut self) {
        for i in 0..self.nodes.len() {
            if self.nodes[i].drop_warned {
                continue;
            }
            let report = self.stall_report(i);
            if report.dropped > 0 {
                self.nodes[i].drop_warned = true;
                if !self.spec.quiet {
                    let since = match report.stopped_reading_at {
                        Some(t) => format!("has not read its stdin since {t:.3} s"),
                        None => "reads its stdin too slowly".into(),
                    };
                    eprintln!(
                        "WARN node {} {since}: its network queue is at the bench's cap, \
                         and messages to it are dropped from now on (Maelstrom has no cap)",
                        report.id
                    );
                }
            }
        }
    }

    /// What node `i`'s stdin and network queue look like now.
    fn stall_report(&self, i: usize) -> super::stalls::StalledNode {
        let n = &self.nodes[i];
        let secs = |ns: u64| {
            let t0 = self.fabric.t0().unwrap_or(0);
            // Rounded to the ms shown, and `+ 0.0` turns -0.0 into 0.0.
            ((ns as f64 - t0 as f64) / SEC as f64 * 1e3).round() / 1e3 + 0.0
        };
        let (backlog, still_queued) = match self.fabric.net.backlog(&n.id) {
            Some((b, waiting)) => (b.clone(), waiting),
            None => Default::default(),
        };
        super::stalls::StalledNode {
            id: n.id.clone(),
            stopped_reading_at: n
                .blocked_since
                .filter(|&t| self.now().saturating_sub(t) >= STOPPED_READING_NS)
                .map(secs),
            still_queued,
            dropped: backlog.dropped,
            first_drop_at: backlog.first_drop_ns.map(secs),
            read_after_drop: backlog.taken_after_drop,
        }
    }

    /// A node that exits before answering `init` fails the run at once, with
    /// its status and last stderr lines, instead of waiting out the 10 s
    /// init timeout (Maelstrom would report only that it did not respond).
    /// fidelity X9: a node that exits before `init_ok` fails the run at once.
    fn fail_init_exit(&mut self, node: usize, status: String) {
        // Its last stderr lines may still be in the host's queue.
        let until = self.now() + 50 * MS;
        while let Some(ev) = self.host.next_event(self.fabric.clock(), until) {
            self.on_host_event(ev);
        }
        let n = &self.nodes[node];
        let err: Vec<&str> = n.stderr_tail.iter().map(String::as_str).collect();
        let msg = format!(
            "{} exited with {status} during init. Its last STDERR lines:\n\n{}",
            n.id,
            err.join("\n")
        );
        self.nodes[node].exited = Some(status);
        self.fail_run(msg);
    }

    /// Run until the test is over (or failed in setup).
    pub fn run(&mut self) {
        self.start();
        self.flush();
        while self.phase != Phase::Done {
            // Everything due now.
            while let Some((at, t)) = self.fabric.pop_due(self.now()) {
                let now = self.now();
                if !matches!(t, Timer::Tick) {
                    self.progress.lateness(now.saturating_sub(at));
                }
                self.events += 1;
                self.on_timer(t);
                self.flush();
                if self.phase == Phase::Done {
                    break;
                }
            }
            if self.phase == Phase::Done {
                break;
            }
            let next = self.fabric.next_timer_at().unwrap_or(self.now() + TICK_NS);
            if let Some(ev) = self.host.next_event(self.fabric.clock(), next) {
                self.events += 1;
                self.on_host_event(ev);
                self.flush();
            }
        }
        self.progress.finish();
        // Final exit check before teardown: exits from now on are teardown's.
        for i in 0..self.nodes.len() {
            if self.nodes[i].exited.is_none() {
                self.nodes[i].exited = self.host.exit_status(i);
            }
        }
    }

    /// The run's history, journal and what went wrong, once `run` returned.
    pub fn finish(mut self) -> Finished {
        let history = self.fabric.take_history().finish();
        let journal = std::mem::take(&mut self.fabric.net.journal);
        let (journal, net, journal_error) = journal.finish();
        if let Some(e) = journal_error {
            // The net checker counted as the run went; only the file is short.
            eprintln!("WARN {e}");
        }
        let fatal = self.fatal.take();
        let stalls: Vec<_> = (0..self.nodes.len())
            .map(|i| self.stall_report(i))
            .filter(|s| s.matters())
            .collect();
        if !self.spec.quiet {
            for s in &stalls {
                eprintln!("WARN {}", s.describe());
            }
        }
        Finished {
            stalls,
            history,
            journal,
            net,
            t0: self.fabric.t0(),
            fatal,
            crashes: self.crash_reports(),
            events: self.events,
        }
    }

    /// Crash reports for nodes that exited before teardown (v0.2.3
    /// src/maelstrom/process.clj `stop-node!`: "Node ... crashed with exit status").
    fn crash_reports(&self) -> Vec<String> {
        self.nodes
            .iter()
            .filter_map(|n| {
                let st = n.exited.as_ref()?;
                let out: Vec<&str> = n.stdout_tail.iter().map(String::as_str).collect();
                let err: Vec<&str> = n.stderr_tail.iter().map(String::as_str).collect();
                let logs = match &self.spec.store_dir {
                    Some(d) => format!(
                        "\n\nFull STDERR logs are available in {}",
                        d.join("node-logs").join(format!("{}.log", n.id)).display()
                    ),
                    None => String::new(),
                };
                Some(format!(
                    "Node {} crashed with {st}. Before crashing, it wrote to STDOUT:\n\n{}\n\nAnd to STDERR:\n\n{}{logs}",
                    n.id,
                    out.join("\n"),
                    err.join("\n"),
                ))
            })
            .collect()
    }
}

/// A node's `body` as Maelstrom v0.2.3 reads it: jepsen-io/maelstrom v0.2.3
/// src/maelstrom/process.clj, `parse-msg`, `(update :body keywordize-keys-1)`,
/// where `keywordize-keys-1` is `(reduce (fn [m [k v]] (assoc! m (keyword k) v))
/// (transient {}) m)`. Evaluated by hand: a missing body or `null` reduces over
/// nil and gives `{}`; so do `""` and `[]` (empty seqs); `[["a", 1], ["b"]]`
/// destructures each pair and gives `{"a": 1, "b": null}` (later pairs win);
/// an object keeps its entries. A non-empty string (its chars cannot be
/// destructured), a number or a boolean (not seqable), or an array element
/// that is not a `[k ...]` array throws there, and the node is silenced.
/// fidelity D11: a stdout body is read the way `keywordize-keys-1` reads it.
fn body_as_map(body: Option<Value>) -> Result<Value, String> {
    let bad = |b: &Value| Err(format!("Malformed network message: body {b} is not a map"));
    match body {
        None | Some(Value::Null) => Ok(Value::Object(Default::default())),
        Some(b @ Value::Object(_)) => Ok(b),
        Some(Value::String(s)) if s.is_empty() => Ok(Value::Object(Default::default())),
        Some(Value::Array(items)) => {
            let mut map = serde_json::Map::new();
            for item in &items {
                // `(keyword k)` of a non-string is nil, a key JSON cannot
                // carry: we reject those (a known difference, docs/fidelity.md).
                // fidelity X10: a body array with a non-string key is rejected.
                match item.as_array().map(Vec::as_slice) {
                    Some([Value::String(k), rest @ ..]) => {
                        map.insert(k.clone(), rest.first().cloned().unwrap_or(Value::Null));
                    }
                    _ => return bad(&Value::Array(items.clone())),
                }
            }
            Ok(Value::Object(map))
        }
        Some(b) => bad(&b),
    }
}

/// A line as the crash report keeps it: whole up to 4 KiB, else its head
/// and size. Maelstrom's ring buffer keeps 32 whole lines; 32 replies of
/// 15 MiB would be 480 MiB held for a report that may never be printed.
fn short_copy(line: &str) -> String {
    crate::checkers::elide::elided(line).unwrap_or_else(|| line.to_string())
}

fn push_tail(tail: &mut VecDeque<String>, line: String) {
    if tail.len() == CRASH_LINES {
        tail.pop_front();
    }
    tail.push_back(line);
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clock::VirtualClock;
    use crate::engine::net::latency::Latency;
    use crate::engine::net::partition::Grudge;
    use crate::journal::JournalKind;
    use crate::opts::LatencyDist;
    use serde_json::json;
    use std::cell::Cell;
    use std::rc::Rc;
    use std::time::Duration;

    /// A host whose nodes take `budget` more lines, then block.
    struct Pipes {
        budget: Rc<Cell<usize>>,
        taken: Rc<Cell<usize>>,
    }

    impl Host for Pipes {
        fn deliver(&mut self, _node: usize, _line: String) {
            self.budget.set(self.budget.get().saturating_sub(1));
            self.taken.set(self.taken.get() + 1);
        }
        fn accepts(&self, _node: usize) -> bool {
            self.budget.get() > 0
        }
        fn next_event(&mut self, _: &dyn Clock, _: u64) -> Option<HostEvent> {
            None
        }
        fn silence_stdout(&mut self, _: usize) {}
        fn exit_status(&mut self, _: usize) -> Option<String> {
            None
        }
        fn shutdown(&mut self, _: Duration) {}
    }

    fn recvs(e: &Engine) -> usize {
        e.fabric
            .net
            .journal
            .events()
            .iter()
            .filter(|e| e.kind == JournalKind::Recv)
            .count()
    }

    #[test]
    fn a_blocked_stdin_leaves_the_backlog_queued_unreceived_and_partition_checked_when_taken() {
        // Maelstrom's stdin thread `recv!`s (partition check, then
        // `log-recv!`) only once its last write returned (process.clj
        // `stdin-thread`), so a backlog waits unreceived in the queue.
        let clock = VirtualClock::new();
        let (budget, taken) = (Rc::new(Cell::new(1)), Rc::new(Cell::new(0)));
        let mut host = Pipes {
            budget: Rc::clone(&budget),
            taken: Rc::clone(&taken),
        };
        let workload = crate::workloads::by_name("echo").unwrap();
        let ids = vec!["n0".to_string(), "n1".to_string()];
        let spec = RunSpec {
            opts: TestOpts::defaults(ids.clone()),
            seed: 1,
            store_dir: None,
            progress: false,
            quiet: true,
        };
        let mut net = Network::new(
            Latency::new(0, LatencyDist::Constant).unwrap(),
            fastrand::Rng::with_seed(1),
        );
        for id in &ids {
            net.register(id);
        }
        let history = crate::history::log::HistoryLog::in_memory();
        let mut e = Engine::new(&clock, &mut host, workload.as_ref(), spec, net, history);
        for k in 0..3 {
            e.fabric.net.send("n1", "n0", json!({"k": k}), 0).unwrap();
        }
        e.fabric.dirty.push("n0".into());
        e.flush();
        // One line went into the pipe; the other two wait in the queue.
        assert_eq!((recvs(&e), taken.get()), (1, 1));
        assert_eq!(e.fabric.net.backlog("n0").unwrap().1, 2);
        assert_eq!(e.nodes[0].blocked_since, Some(0));
        // Reported as stopped only once blocked for a second.
        assert_eq!(e.stall_report(0).stopped_reading_at, None);
        clock.advance_to(SEC);
        let report = e.stall_report(0);
        assert_eq!(report.stopped_reading_at, Some(0.0));
        assert_eq!(report.still_queued, 2);
        assert!(report.matters());
        // Partitioned while they wait; nothing is taken while blocked.
        let g: Grudge = [("n0".to_string(), ["n1".to_string()].into())].into();
        e.fabric.net.partition(&g);
        e.fabric.dirty.push("n0".into());
        e.flush();
        assert_eq!(e.fabric.net.backlog("n0").unwrap().1, 2);
        // The pipe drains: both are taken, and the partition drops them.
        budget.set(5);
        e.on_host_event(HostEvent::StdinFree { node: 0 });
        assert_eq!(e.nodes[0].blocked_since, None);
        e.flush();
        assert_eq!(e.fabric.net.backlog("n0").unwrap().1, 0);
        assert_eq!((recvs(&e), taken.get()), (1, 1));
        // Healed: the next one is received and written.
        e.fabric.net.heal();
        e.fabric.net.send("n1", "n0", json!({"k": 3}), 0).unwrap();
        e.fabric.dirty.push("n0".into());
        e.flush();
        assert_eq!((recvs(&e), taken.get()), (2, 2));
    }

    #[test]
    fn bodies_read_as_keywordize_keys_1_reads_them() {
        let empty = json!({});
        assert_eq!(body_as_map(None), Ok(empty.clone()));
        assert_eq!(body_as_map(Some(json!(null))), Ok(empty.clone()));
        assert_eq!(body_as_map(Some(json!(""))), Ok(empty.clone()));
        assert_eq!(body_as_map(Some(json!([]))), Ok(empty));
        assert_eq!(
            body_as_map(Some(json!([["type", "a"], ["n", 1], ["type", "b"], ["x"]]))),
            Ok(json!({"type": "b", "n": 1, "x": null}))
        );
        assert_eq!(
            body_as_map(Some(json!({"type": "echo"}))),
            Ok(json!({"type": "echo"}))
        );
        for bad in [
            json!("echo"),
            json!(7),
            json!(true),
            json!([1, 2]),
            json!([{"a": 1}]),
            json!([[1, 2]]),
        ] {
            assert!(body_as_map(Some(bad.clone())).is_err(), "{bad}");
        }
    }
}
