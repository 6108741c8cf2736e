//! What every part of the engine acts through: the clock, the network, the
//! client connections (`cK`), the timer queue and the history. The event
//! loop (`core.rs`) owns one; the workers and the nemesis get it lent for the
//! duration of a call, so each part keeps its own state and the loop stays
//! one thread without locks.

use super::clock::Clock;
use super::net::Network;
use crate::history::log::HistoryLog;
use crate::history::{Op, OpType, Process};
use serde_json::Value;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

pub const MS: u64 = 1_000_000;
pub const SEC: u64 = 1_000_000_000;

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

/// What a client connection (`cK`) is for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Role {
    Init(usize),
    Setup(usize),
    Worker(usize),
}

/// One open client connection: at most one request in flight.
pub struct Conn {
    pub role: Role,
    next_msg_id: u64,
    pub pending: Option<u64>,
}

/// One history entry before the fabric gives it its index and time.
pub struct Record<'r> {
    pub process: Process,
    pub kind: OpType,
    pub f: &'r str,
    pub value: Value,
    pub error: Option<Value>,
    pub exception: Option<String>,
    pub is_final: bool,
}

impl<'r> Record<'r> {
    /// A record with no error, exception or final flag.
    pub fn new(process: Process, kind: OpType, f: &'r str, value: Value) -> Self {
        Record {
            process,
            kind,
            f,
            value,
            error: None,
            exception: None,
            is_final: false,
        }
    }
}

pub struct Fabric<'a> {
    clock: &'a dyn Clock,
    pub net: Network,
    timers: BinaryHeap<Reverse<(u64, u64, Timer)>>,
    timer_seq: u64,
    /// Inboxes whose consumer may have work (see `Engine::flush`).
    pub dirty: Vec<String>,
    conns: HashMap<String, Conn>,
    next_client: u64,
    history: HistoryLog,
    /// Engine time of the first operation (the history's time origin).
    t0: Option<u64>,
}

impl<'a> Fabric<'a> {
    pub fn new(clock: &'a dyn Clock, net: Network) -> Self {
        Fabric {
            clock,
            net,
            timers: BinaryHeap::new(),
            timer_seq: 0,
            dirty: Vec::new(),
            conns: HashMap::new(),
            next_client: 0,
            history: HistoryLog::in_memory(),
            t0: None,
        }
    }

    pub fn clock(&self) -> &'a dyn Clock {
        self.clock
    }

    pub fn now(&self) -> u64 {
        self.clock.now_ns()
    }

    /// Marks now as the first operation's time.
    pub fn start_history(&mut self) {
        self.t0 = Some(self.now());
    }

    pub fn t0(&self) -> Option<u64> {
        self.t0
    }

    /// Nanoseconds since the first operation (0 before the main phase).
    pub fn rel_now(&self) -> u64 {
        self.now().saturating_sub(self.t0.unwrap_or(u64::MAX))
    }

    pub fn schedule(&mut self, at: u64, t: Timer) {
        self.timer_seq += 1;
        self.timers.push(Reverse((at, self.timer_seq, t)));
    }

    /// The earliest scheduled time.
    pub fn next_timer_at(&self) -> Option<u64> {
        self.timers.peek().map(|Reverse((at, _, _))| *at)
    }

    /// The earliest timer if it is due at `now`, with its scheduled time.
    pub fn pop_due(&mut self, now: u64) -> Option<(u64, Timer)> {
        if self.next_timer_at()? > now {
            return None;
        }
        self.timers.pop().map(|Reverse((at, _, t))| (at, t))
    }

    /// Sends the history to `log` instead of memory (before the first op).
    pub fn set_history_log(&mut self, log: HistoryLog) {
        self.history = log;
    }

    /// Appends one history op; its time is relative to the first operation.
    pub fn record(&mut self, r: Record<'_>) -> usize {
        let time = self.rel_now();
        self.history.record(Op {
            index: 0,
            time,
            process: r.process,
            kind: r.kind,
            f: r.f.to_string(),
            value: r.value,
            error: r.error,
            exception: r.exception,
            is_final: r.is_final,
        })
    }

    /// A client invocation still in flight.
    pub fn invocation(&self, index: usize) -> Option<&Op> {
        self.history.invocation(index)
    }

    /// Removes a client invocation from the in-flight set once it completes.
    pub fn take_invocation(&mut self, index: usize) -> Option<Op> {
        self.history.take_invocation(index)
    }

    /// The op recorded last.
    pub fn last_op(&self) -> Option<&Op> {
        self.history.last()
    }

    /// Client outcomes so far (the progress line).
    pub fn counts(&self) -> crate::history::log::Counts {
        self.history.counts()
    }

    /// Every op so far, when the history is kept in memory (tests).
    #[cfg(test)]
    pub fn history(&self) -> &[Op] {
        self.history.ops()
    }

    /// The history log, once the run is over.
    pub fn take_history(&mut self) -> HistoryLog {
        std::mem::replace(&mut self.history, HistoryLog::in_memory())
    }

    /// Opens a new client connection `cK` and registers it in the network.
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

    pub fn conn_mut(&mut self, id: &str) -> Option<&mut Conn> {
        self.conns.get_mut(id)
    }

    /// Sends `body` (an object) from client `client` to `dest` with the next
    /// msg_id and arms its timeout. Returns the msg_id.
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
        self.net.send_from_client(client, dest, body, now)?;
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
}
