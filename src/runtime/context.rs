//! `Ctx`: the only door from node logic to the world (send, reply, call,
//! timers, clock, randomness), and the per-node state behind it.

use super::error::{ErrorCode, RpcError};
use super::message::{write_envelope, ErrorBody};
use super::node::{Node, NodeInfo, Request};
use super::timer::{TimerId, TimerWheel};
use serde::Serialize;
use serde_json::Value;
use slab::Slab;
use std::collections::BTreeMap;

/// What an RPC continuation receives: the reply body, or why there is none.
pub type RpcResult = Result<Value, RpcError>;

/// A continuation resumed exactly once: by the reply, an error reply or the timeout.
pub type Continuation<N> = Box<dyn FnOnce(&mut N, &mut Ctx<'_, N>, RpcResult)>;

pub(crate) enum TimerEvent<T> {
    User(T),
    RpcTimeout { key: usize, msg_id: u64 },
}

pub(crate) struct Pending<N: Node> {
    pub msg_id: u64,
    /// Where the request went: only this node's reply resumes the call.
    pub dest: String,
    pub timer: TimerId,
    pub cont: Continuation<N>,
}

/// Why a reply resumed no call.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum NoCall {
    /// No call with that msg_id is pending (late, duplicate or made up).
    Unknown,
    /// The call is pending, but it went to this node, not the reply's sender.
    WrongSender(String),
}

/// Low bits of a msg_id hold the slab key of its continuation, so a reply
/// finds it in O(1); the high bits are a sequence number, so a msg_id is never
/// reused and a late reply can never resume a newer call.
const KEY_BITS: u32 = 24;

/// Everything a node owns besides its own logic.
pub(crate) struct Core<N: Node> {
    pub info: NodeInfo,
    pub out: Vec<u8>,
    pub log: Vec<String>,
    pub timers: TimerWheel<TimerEvent<N::Timer>>,
    pub pending: Slab<Pending<N>>,
    pub rpc_seq: u64,
    pub now: u64,
    pub rng: fastrand::Rng,
    /// The node's knobs (the process environment under the reactor, the run's
    /// settings under an in-process host).
    pub env: BTreeMap<String, String>,
}

impl<N: Node> Core<N> {
    pub fn new(now: u64) -> Self {
        Core {
            info: NodeInfo::default(),
            out: Vec::with_capacity(64 * 1024),
            log: Vec::new(),
            timers: TimerWheel::new(now),
            pending: Slab::new(),
            rpc_seq: 0,
            now,
            rng: fastrand::Rng::with_seed(0),
            env: BTreeMap::new(),
        }
    }

    /// Finds and removes the continuation of `msg_id` if `src` is the node
    /// the call went to, cancelling its timeout. A reply from anyone else
    /// (a forged or misrouted one) leaves the call pending.
    pub fn take_pending(&mut self, msg_id: u64, src: &str) -> Result<Continuation<N>, NoCall> {
        let key = (msg_id & ((1 << KEY_BITS) - 1)) as usize;
        match self.pending.get(key) {
            Some(p) if p.msg_id == msg_id && p.dest == src => {
                let p = self.pending.remove(key);
                self.timers.cancel(p.timer);
                Ok(p.cont)
            }
            Some(p) if p.msg_id == msg_id => Err(NoCall::WrongSender(p.dest.clone())),
            _ => Err(NoCall::Unknown),
        }
    }

    /// Removes the continuation of a timed-out call (its timer already fired).
    pub fn take_timed_out(&mut self, key: usize, msg_id: u64) -> Option<Continuation<N>> {
        match self.pending.get(key) {
            Some(p) if p.msg_id == msg_id => Some(self.pending.remove(key).cont),
            _ => None,
        }
    }

    pub fn emit<B: Serialize + ?Sized>(
        &mut self,
        dest: &str,
        body: &B,
        msg_id: Option<u64>,
        in_reply_to: Option<u64>,
    ) {
        if let Err(e) = write_envelope(
            &mut self.out,
            &self.info.id,
            dest,
            body,
            msg_id,
            in_reply_to,
        ) {
            self.log.push(format!("dropped a message to {dest}: {e}"));
        }
    }
}

/// The handle node logic gets with every event.
pub struct Ctx<'a, N: Node> {
    pub(crate) core: &'a mut Core<N>,
}

impl<'a, N: Node> Ctx<'a, N> {
    /// This node's id and the cluster's ids.
    pub fn info(&self) -> &NodeInfo {
        &self.core.info
    }

    /// This node's id.
    pub fn id(&self) -> &str {
        &self.core.info.id
    }

    /// Milliseconds since the node started: the only clock node logic sees.
    pub fn now(&self) -> u64 {
        self.core.now
    }

    /// A setting of the node's environment: `std::env` under the reactor,
    /// the run's `--node-env` settings under the bench's in-process host.
    /// Node logic reads its knobs here, never from `std::env`.
    pub fn env(&self, name: &str) -> Option<&str> {
        self.core.env.get(name).map(String::as_str)
    }

    /// The node's random number generator (seeded from its id and the host's seed).
    pub fn rng(&mut self) -> &mut fastrand::Rng {
        &mut self.core.rng
    }

    /// Writes a line to the node's log (stderr under the reactor).
    pub fn log(&mut self, line: impl Into<String>) {
        self.core.log.push(line.into());
    }

    /// Sends a one-way message (no `msg_id`).
    pub fn send<B: Serialize + ?Sized>(&mut self, dest: &str, body: &B) {
        self.core.emit(dest, body, None, None);
    }

    /// Replies to a request; `in_reply_to` is the request's `msg_id`.
    pub fn reply<M, B: Serialize + ?Sized>(&mut self, req: &Request<M>, body: &B) {
        self.reply_to(&req.src, req.msg_id, body);
    }

    /// Replies to `dest`'s request `msg_id` (for answers given later, after
    /// the request itself was consumed).
    pub fn reply_to<B: Serialize + ?Sized>(&mut self, dest: &str, msg_id: Option<u64>, body: &B) {
        if msg_id.is_none() {
            self.core
                .log
                .push(format!("reply to {dest} has no request msg_id to answer"));
        }
        self.core.emit(dest, body, None, msg_id);
    }

    /// Replies with an error body.
    pub fn reply_error<M>(&mut self, req: &Request<M>, code: ErrorCode, text: &str) {
        self.reply_to(&req.src.clone(), req.msg_id, &ErrorBody::new(code, text));
    }

    /// Sends a request and resumes `cont` exactly once: with the reply body,
    /// with the error of an error reply, or with a timeout after `timeout_ms`.
    /// Returns the request's `msg_id`.
    pub fn call<B, F>(&mut self, dest: &str, body: &B, timeout_ms: u64, cont: F) -> u64
    where
        B: Serialize + ?Sized,
        F: FnOnce(&mut N, &mut Ctx<'_, N>, RpcResult) + 'static,
    {
        let core = &mut *self.core;
        let entry = core.pending.vacant_entry();
        let key = entry.key();
        assert!(key < (1 << KEY_BITS), "more than 16M RPCs in flight");
        core.rpc_seq += 1;
        let msg_id = (core.rpc_seq << KEY_BITS) | key as u64;
        let timer = core.timers.set(
            core.now + timeout_ms,
            TimerEvent::RpcTimeout { key, msg_id },
        );
        entry.insert(Pending {
            msg_id,
            dest: dest.to_string(),
            timer,
            cont: Box::new(cont),
        });
        core.emit(dest, body, Some(msg_id), None);
        msg_id
    }

    /// Sets a timer that fires `after_ms` from now.
    pub fn set_timer(&mut self, after_ms: u64, timer: N::Timer) -> TimerId {
        let at = self.core.now + after_ms;
        self.core.timers.set(at, TimerEvent::User(timer))
    }

    /// Cancels a timer; returns its payload if it had not fired yet.
    pub fn cancel_timer(&mut self, id: TimerId) -> Option<N::Timer> {
        match self.core.timers.cancel(id) {
            Some(TimerEvent::User(t)) => Some(t),
            Some(other) => {
                // Not a user timer id (cannot happen through this API); put it back.
                self.core.timers.set(self.core.now, other);
                None
            }
            None => None,
        }
    }

    /// Number of RPCs waiting for a reply.
    pub fn rpcs_in_flight(&self) -> usize {
        self.core.pending.len()
    }
}
