//! The engine's core: ONE event loop over a clock and a timer queue. Node
//! output arrives from the host; the network, services, clients, nemesis and
//! history all live here, on the loop thread, without locks.

use super::clock::Clock;
use super::host::{Host, HostEvent};
use super::network::{Message, Network, Pump};
use super::progress::Progress;
use super::services::{Services, SERVICE_IDS};
use super::workers::Worker;
use crate::history::{Op, OpType, Process};
use crate::workload::{Generator, TestOpts, Workload};
use serde_json::Value;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap, VecDeque};
use std::fs::File;
use std::io::Write;

pub const MS: u64 = 1_000_000;
pub const SEC: u64 = 1_000_000_000;
const TICK_NS: u64 = 200 * MS;
const CRASH_LINES: usize = 32;

/// Something scheduled on the loop.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Timer {
    /// Wake the consumer of this inbox (its head message is due).
    Deliver(String),
    /// The RPC `msg_id` of client `client` times out.
    RpcTimeout {
        client: String,
        msg_id: u64,
    },
    Stagger,
    Nemesis,
    MainCutoff,
    RecoveryDone,
    FinalWake(usize),
    FinalCutoff,
    Tick,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    Init,
    Setup,
    Main,
    Drain,
    Recovery,
    Final,
    Done,
}

/// What a client connection (`cK`) is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Init(usize),
    Setup(usize),
    Worker(usize),
}

pub struct Conn {
    pub role: Role,
    pub next_msg_id: u64,
    pub pending: Option<u64>,
}

/// Per-node bookkeeping for logs and crash reports.
pub struct NodeState {
    pub id: String,
    pub silenced: bool,
    pub exited: Option<String>,
    pub stdout_tail: VecDeque<String>,
    pub stderr_tail: VecDeque<String>,
    pub log: Option<File>,
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

pub struct Engine<'a> {
    pub clock: &'a dyn Clock,
    pub host: &'a mut dyn Host,
    pub workload: &'a dyn Workload,
    pub spec: RunSpec,
    pub net: Network,
    pub services: Services,
    pub gen: Box<dyn Generator>,
    pub rng_gen: fastrand::Rng,
    pub rng_stagger: fastrand::Rng,
    pub rng_nemesis: fastrand::Rng,
    pub rng_services: fastrand::Rng,
    timers: BinaryHeap<Reverse<(u64, u64, Timer)>>,
    timer_seq: u64,
    dirty: Vec<String>,
    pub phase: Phase,
    pub nodes: Vec<NodeState>,
    node_index: HashMap<String, usize>,
    pub conns: HashMap<String, Conn>,
    next_client: u64,
    pub pending_setup: usize,
    pub workers: Vec<Worker>,
    pub cursor: usize,
    pub stagger_waiting: bool,
    pub nemesis_next_start: bool,
    pub t0: Option<u64>,
    pub cutoff_ns: u64,
    pub final_cutoff: bool,
    pub history: Vec<Op>,
    pub fatal: Option<String>,
    pub progress: Progress,
}

impl<'a> Engine<'a> {
    pub fn new(
        clock: &'a dyn Clock,
        host: &'a mut dyn Host,
        workload: &'a dyn Workload,
        spec: RunSpec,
        net: Network,
    ) -> Self {
        let seed = spec.seed;
        let rng = |k: u64| fastrand::Rng::with_seed(seed ^ k.wrapping_mul(0x9E37_79B9_7F4A_7C15));
        let gen = workload.generator(&spec.opts);
        let mut nodes = Vec::new();
        let mut node_index = HashMap::new();
        for (i, id) in spec.opts.node_ids.iter().enumerate() {
            let log = spec
                .store_dir
                .as_ref()
                .and_then(|d| File::create(d.join("node-logs").join(format!("{id}.log"))).ok());
            nodes.push(NodeState {
                id: id.clone(),
                silenced: false,
                exited: None,
                stdout_tail: VecDeque::new(),
                stderr_tail: VecDeque::new(),
                log,
            });
            node_index.insert(id.clone(), i);
        }
        let n = nodes.len();
        let workers = (0..spec.opts.concurrency)
            .map(|t| Worker::new(t, t % n.max(1)))
            .collect();
        Engine {
            clock,
            host,
            workload,
            net,
            services: Services::new(),
            gen,
            rng_gen: rng(1),
            rng_stagger: rng(2),
            rng_nemesis: rng(3),
            rng_services: rng(4),
            timers: BinaryHeap::new(),
            timer_seq: 0,
            dirty: Vec::new(),
            phase: Phase::Init,
            nodes,
            node_index,
            conns: HashMap::new(),
            next_client: 0,
            pending_setup: 0,
            workers,
            cursor: 0,
            stagger_waiting: false,
            nemesis_next_start: true,
            t0: None,
            cutoff_ns: u64::MAX,
            final_cutoff: false,
            history: Vec::new(),
            fatal: None,
            progress: Progress::new(spec.opts.time_limit_s, spec.progress),
            spec,
        }
    }

    pub fn now(&self) -> u64 {
        self.clock.now_ns()
    }

    /// Nanoseconds since the first operation (0 before the main phase).
    pub fn rel_now(&self) -> u64 {
        self.now().saturating_sub(self.t0.unwrap_or(u64::MAX))
    }

    pub fn schedule(&mut self, at: u64, t: Timer) {
        self.timer_seq += 1;
        self.timers.push(Reverse((at, self.timer_seq, t)));
    }

    pub fn fail_run(&mut self, msg: String) {
        if self.fatal.is_none() {
            self.fatal = Some(msg);
        }
        self.phase = Phase::Done;
    }

    /// Append one history op; its time is relative to the first operation.
    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        process: Process,
        kind: OpType,
        f: &str,
        value: Value,
        error: Option<Value>,
        exception: Option<String>,
        is_final: bool,
    ) -> usize {
        let index = self.history.len();
        let time = self.rel_now();
        self.history.push(Op {
            index,
            time,
            process,
            kind,
            f: f.to_string(),
            value,
            error,
            exception,
            is_final,
        });
        index
    }

    /// Open a new client connection `cK` and register it in the network.
    pub fn open_client(&mut self, role: Role) -> String {
        let id = format!("c{}", self.next_client);
        self.next_client += 1;
        self.net.register(&id);
        self.conns.insert(
            id.clone(),
            Conn {
                role,
                next_msg_id: 1,
                pending: None,
            },
        );
        id
    }

    pub fn close_client(&mut self, id: &str) {
        self.net.unregister(id);
        self.conns.remove(id);
    }

    /// Send `body` (an object) from client `client` to `dest` with the next
    /// msg_id and arm its timeout. Returns the msg_id.
    pub fn client_send(
        &mut self,
        client: &str,
        dest: &str,
        mut body: Value,
        timeout_ns: u64,
    ) -> Result<u64, String> {
        let conn = self
            .conns
            .get_mut(client)
            .ok_or_else(|| format!("client {client} is closed"))?;
        let msg_id = conn.next_msg_id;
        conn.next_msg_id += 1;
        conn.pending = Some(msg_id);
        if let Some(obj) = body.as_object_mut() {
            obj.insert("msg_id".into(), Value::from(msg_id));
        }
        let now = self.now();
        self.net.send(client, dest, body, now)?;
        self.dirty.push(dest.to_string());
        self.schedule(
            now + timeout_ns,
            Timer::RpcTimeout {
                client: client.to_string(),
                msg_id,
            },
        );
        Ok(msg_id)
    }

    /// Run every inbox consumer that may have work, delivering what is due.
    pub fn flush(&mut self) {
        while let Some(dest) = self.dirty.pop() {
            loop {
                let now = self.now();
                match self.net.pump(&dest, now) {
                    Pump::Deliver(m) => self.deliver(m),
                    Pump::Sleep(at) => {
                        self.schedule(at, Timer::Deliver(dest.clone()));
                        break;
                    }
                    Pump::Idle => break,
                }
            }
        }
    }

    fn deliver(&mut self, m: Message) {
        if let Some(&i) = self.node_index.get(&m.dest) {
            self.host.deliver(i, m.to_line());
        } else if SERVICE_IDS.contains(&m.dest.as_str()) {
            if let Some(reply) =
                self.services
                    .handle(&m.dest, &m.src, &m.body, &mut self.rng_services)
            {
                let now = self.now();
                match self.net.send(&m.dest, &m.src, reply, now) {
                    Ok(()) => self.dirty.push(m.src.clone()),
                    Err(e) => eprintln!("WARN service {} could not reply: {e}", m.dest),
                }
            }
        } else if let Some(conn) = self.conns.get_mut(&m.dest) {
            // A client waits for exactly the reply whose in_reply_to equals its
            // msg_id (an integer: 1.0 does not match); everything else is dropped.
            let irt =
                m.body
                    .get("in_reply_to")
                    .and_then(|v| if v.is_f64() { None } else { v.as_u64() });
            if conn.pending.is_some() && irt == conn.pending {
                conn.pending = None;
                let role = conn.role;
                self.on_client_reply(&m.dest, role, m.body);
            }
        }
    }

    fn on_client_reply(&mut self, client: &str, role: Role, body: Value) {
        match role {
            Role::Init(_) => self.on_init_reply(client, body),
            Role::Setup(i) => self.on_setup_reply(i, body),
            Role::Worker(t) => self.on_worker_reply(t, body),
        }
    }

    fn on_rpc_timeout(&mut self, client: &str, msg_id: u64) {
        let Some(conn) = self.conns.get_mut(client) else {
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
            Role::Worker(t) => self.on_worker_timeout(t),
        }
    }

    // ---- init and setup (protocol.md section 4) ----

    pub fn start(&mut self) {
        let now = self.now();
        let ids: Vec<String> = self.nodes.iter().map(|n| n.id.clone()).collect();
        for i in 0..ids.len() {
            let c = self.open_client(Role::Init(i));
            let body = serde_json::json!({"type": "init", "node_id": ids[i], "node_ids": ids});
            if let Err(e) = self.client_send(&c, &ids[i], body, 10 * SEC) {
                self.fail_run(e);
            }
        }
        self.pending_setup = ids.len();
        self.schedule(now + TICK_NS, Timer::Tick);
    }

    fn on_init_reply(&mut self, client: &str, body: Value) {
        self.close_client(client);
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
            clients.push(self.open_client(Role::Setup(i)));
        }
        self.pending_setup = 0;
        for (i, c) in clients.iter().enumerate() {
            if let Some(body) = self.workload.setup_request(&ids[i], &self.spec.opts) {
                self.pending_setup += 1;
                if let Err(e) = self.client_send(c, &ids[i], body, 5 * SEC) {
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

    // ---- node output (protocol.md section 2) ----

    fn on_host_event(&mut self, ev: HostEvent) {
        match ev {
            HostEvent::Stderr { node, line } => {
                let Some(n) = self.nodes.get_mut(node) else {
                    return;
                };
                if let Some(f) = &mut n.log {
                    let _ = writeln!(f, "{line}");
                }
                if self.spec.opts.log_stderr {
                    println!("INFO [{} stderr] {line}", n.id);
                }
                push_tail(&mut n.stderr_tail, line);
            }
            HostEvent::Stdout { node, line } => {
                let Some(n) = self.nodes.get_mut(node) else {
                    return;
                };
                if n.silenced {
                    return;
                }
                push_tail(&mut n.stdout_tail, line.clone());
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
        let v: Value = serde_json::from_str(line)
            .map_err(|e| format!("printed a line to STDOUT which was not well-formed JSON: {e}"))?;
        let obj = v
            .as_object()
            .ok_or("Malformed network message: not a JSON object")?;
        for k in obj.keys() {
            if !matches!(k.as_str(), "src" | "dest" | "body" | "id") {
                return Err(format!("Malformed network message: disallowed key {k:?}"));
            }
        }
        let src = obj
            .get("src")
            .and_then(Value::as_str)
            .ok_or("Malformed network message: src must be a string")?;
        let dest = obj
            .get("dest")
            .and_then(Value::as_str)
            .ok_or("Malformed network message: dest must be a string")?;
        if let Some(id) = obj.get("id") {
            if !(id.is_i64() || id.is_u64()) {
                return Err("Malformed network message: id must be an integer".into());
            }
        }
        let body = body_as_map(obj.get("body"))?;
        let now = self.now();
        self.net.send(src, dest, body, now)?;
        self.dirty.push(dest.to_string());
        Ok(())
    }

    // ---- the loop ----

    fn on_timer(&mut self, t: Timer) {
        match t {
            Timer::Deliver(dest) => self.dirty.push(dest),
            Timer::RpcTimeout { client, msg_id } => self.on_rpc_timeout(&client, msg_id),
            Timer::Stagger => self.on_stagger(),
            Timer::Nemesis => self.on_nemesis(),
            Timer::MainCutoff => self.on_main_cutoff(),
            Timer::RecoveryDone => self.start_final(),
            Timer::FinalWake(t) => self.final_step(t),
            Timer::FinalCutoff => self.on_final_cutoff(),
            Timer::Tick => self.on_tick(),
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
        let now = self.now();
        let counts = if self.spec.progress {
            super::progress::Counts::of(&self.history)
        } else {
            Default::default()
        };
        self.progress.show(
            self.rel_now(),
            self.t0.is_some(),
            counts,
            self.net.messages_sent(),
        );
        self.schedule(now + TICK_NS, Timer::Tick);
    }

    /// A node that exits before answering `init` fails the run at once, with
    /// its status and last stderr lines, instead of waiting out the 10 s
    /// init timeout (Maelstrom would report only that it did not respond).
    fn fail_init_exit(&mut self, node: usize, status: String) {
        // Its last stderr lines may still be in the host's queue.
        let until = self.now() + 50 * MS;
        while let Some(ev) = self.host.next_event(self.clock, until) {
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
            while let Some(Reverse((at, _, _))) = self.timers.peek() {
                let now = self.now();
                if *at > now {
                    break;
                }
                let Some(Reverse((at, _, t))) = self.timers.pop() else {
                    break;
                };
                if !matches!(t, Timer::Tick) {
                    self.progress.lateness(now.saturating_sub(at));
                }
                self.on_timer(t);
                self.flush();
                if self.phase == Phase::Done {
                    break;
                }
            }
            if self.phase == Phase::Done {
                break;
            }
            let next = self
                .timers
                .peek()
                .map(|Reverse((at, _, _))| *at)
                .unwrap_or(self.now() + TICK_NS);
            if let Some(ev) = self.host.next_event(self.clock, next) {
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

    /// Crash reports for nodes that exited before teardown (protocol.md section 7).
    pub fn crash_reports(&self) -> Vec<String> {
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
fn body_as_map(body: Option<&Value>) -> Result<Value, String> {
    let bad = |b: &Value| Err(format!("Malformed network message: body {b} is not a map"));
    match body {
        None | Some(Value::Null) => Ok(Value::Object(Default::default())),
        Some(b @ Value::Object(_)) => Ok(b.clone()),
        Some(Value::String(s)) if s.is_empty() => Ok(Value::Object(Default::default())),
        Some(b @ Value::Array(items)) => {
            let mut map = serde_json::Map::new();
            for item in items {
                // `(keyword k)` of a non-string is nil, a key JSON cannot
                // carry: we reject those (a known difference, docs/fidelity.md).
                match item.as_array().map(Vec::as_slice) {
                    Some([Value::String(k), rest @ ..]) => {
                        map.insert(k.clone(), rest.first().cloned().unwrap_or(Value::Null));
                    }
                    _ => return bad(b),
                }
            }
            Ok(Value::Object(map))
        }
        Some(b) => bad(b),
    }
}

fn push_tail(tail: &mut VecDeque<String>, line: String) {
    if tail.len() == CRASH_LINES {
        tail.pop_front();
    }
    tail.push_back(line);
}

#[cfg(test)]
mod tests {
    use super::body_as_map;
    use serde_json::json;

    #[test]
    fn bodies_read_as_keywordize_keys_1_reads_them() {
        let empty = json!({});
        assert_eq!(body_as_map(None), Ok(empty.clone()));
        assert_eq!(body_as_map(Some(&json!(null))), Ok(empty.clone()));
        assert_eq!(body_as_map(Some(&json!(""))), Ok(empty.clone()));
        assert_eq!(body_as_map(Some(&json!([]))), Ok(empty));
        assert_eq!(
            body_as_map(Some(&json!([
                ["type", "a"],
                ["n", 1],
                ["type", "b"],
                ["x"]
            ]))),
            Ok(json!({"type": "b", "n": 1, "x": null}))
        );
        assert_eq!(
            body_as_map(Some(&json!({"type": "echo"}))),
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
            assert!(body_as_map(Some(&bad)).is_err(), "{bad}");
        }
    }
}
