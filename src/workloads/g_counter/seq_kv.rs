//! g-counter's `seq-kv` mode: a grow-only counter kept in Maelstrom's `seq-kv`.
//!
//! Each node owns one key, `count-<node>`, holding `[count, stamp]`; only its
//! owner ever writes it. seq-kv gives every caller read-your-writes (a
//! state-changing request moves the caller's view to the newest state), so
//! the owner's own value never goes stale and it keeps it in memory after
//! recovering it once at start.
//!
//! Adds are batched into the next write of the own key (an absolute write of
//! `count + pending`, so retrying after an ambiguous failure cannot double
//! count); each add is acknowledged once a write that includes it succeeded.
//!
//! A read must not see a stale view of the other nodes' keys. So it first
//! waits for a write of the own key *sent after the read arrived*; every
//! write bumps `stamp`, so it always changes the newest state, which moves
//! this node's seq-kv view to the head. The other keys are then read: seq-kv
//! serves them from a state at least that new, which contains every add
//! acknowledged (anywhere) before the read arrived. Per node, read results
//! never go back: the node keeps the largest count seen per peer key.
//!
//! Nodes never talk to each other, so partitions between them change nothing.

use super::reads::ReadRounds;
use super::{AddOk, GCounterNode, ReadOk, Timer};
use crate::runtime::services::SEQ_KV;
use crate::runtime::{Ctx, ErrorBody, ErrorCode, Request, RpcError};
use serde_json::Value;
use std::collections::BTreeMap;

/// Timeout of one seq-kv request (the service is never partitioned).
const KV_TIMEOUT_MS: u64 = 1_000;
/// Wait before retrying the start-up read of the own key.
const RECOVER_RETRY_MS: u64 = 100;
/// First wait before rewriting the own key after a failed write; it doubles
/// with each failure in a row up to `WRITE_RETRY_MAX_MS` and resets on
/// success (an immediate retry made ~12k writes/s against a failing seq-kv).
const WRITE_RETRY_MIN_MS: u64 = 10;
const WRITE_RETRY_MAX_MS: u64 = 1_000;

/// Someone waiting for an answer: a client request's `src` and `msg_id`.
#[derive(Clone, Debug)]
pub(crate) struct Waiter {
    src: String,
    msg_id: Option<u64>,
}

impl<M> From<&Request<M>> for Waiter {
    fn from(req: &Request<M>) -> Self {
        Waiter {
            src: req.src.clone(),
            msg_id: req.msg_id,
        }
    }
}

/// Adds and reads waiting for the next write of the own key.
#[derive(Default)]
struct Batch {
    delta: u64,
    adds: Vec<Waiter>,
    reads: Vec<Waiter>,
}

impl Batch {
    fn is_empty(&self) -> bool {
        self.adds.is_empty() && self.reads.is_empty()
    }

    /// Puts an earlier batch (whose write failed) in front of this one.
    fn prepend(&mut self, mut earlier: Batch) {
        earlier.adds.append(&mut self.adds);
        earlier.reads.append(&mut self.reads);
        self.adds = earlier.adds;
        self.reads = earlier.reads;
        self.delta += earlier.delta;
    }
}

/// A stateless-in-spirit g-counter: the counts live in seq-kv. Its RPC
/// continuations resume the whole node and find this mode's state in it.
pub struct SeqKvCounter {
    own_key: String,
    peer_keys: Vec<String>,
    /// The own key's value in seq-kv; `None` until recovered at start.
    own: Option<OwnValue>,
    /// Waiting for the next write.
    pending: Batch,
    write_in_flight: bool,
    /// Wait before the next retry after a failed write (0: the last write
    /// succeeded); while `retry_armed`, no write is sent.
    retry_backoff_ms: u64,
    retry_armed: bool,
    /// Largest count seen per peer key.
    peer_counts: BTreeMap<String, u64>,
    rounds: ReadRounds,
}

/// What this node last wrote to its own key.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct OwnValue {
    count: u64,
    stamp: u64,
}

fn key_of(node: &str) -> String {
    format!("count-{node}")
}

/// Parses a key's `[count, stamp]`.
fn parse_value(v: &Value) -> Option<OwnValue> {
    let pair = v.as_array()?;
    match pair.as_slice() {
        [count, stamp] => Some(OwnValue {
            count: count.as_u64()?,
            stamp: stamp.as_u64()?,
        }),
        _ => None,
    }
}

impl SeqKvCounter {
    /// Starts the mode: recovers the own count from seq-kv.
    pub fn init(ctx: &mut Ctx<'_, GCounterNode>) -> Self {
        let info = ctx.info().clone();
        let mut node = SeqKvCounter {
            own_key: key_of(&info.id),
            peer_keys: info
                .ids
                .iter()
                .filter(|n| **n != info.id)
                .map(|n| key_of(n))
                .collect(),
            own: None,
            pending: Batch::default(),
            write_in_flight: false,
            retry_backoff_ms: 0,
            retry_armed: false,
            peer_counts: BTreeMap::new(),
            rounds: ReadRounds::default(),
        };
        node.recover(ctx);
        node
    }

    /// An add of `delta` (already known to be non-negative).
    pub(super) fn add(&mut self, delta: u64, req: Waiter, ctx: &mut Ctx<'_, GCounterNode>) {
        self.pending.delta = self.pending.delta.saturating_add(delta);
        self.pending.adds.push(req);
        self.write_if_due(ctx);
    }

    /// A read: answered after the next write of the own key.
    pub(super) fn read(&mut self, req: Waiter, ctx: &mut Ctx<'_, GCounterNode>) {
        self.pending.reads.push(req);
        self.write_if_due(ctx);
    }

    /// Reads the own key once at start (a restarted node resumes its count;
    /// read-your-writes makes this read fresh).
    pub fn recover(&mut self, ctx: &mut Ctx<'_, GCounterNode>) {
        let key = self.own_key.clone();
        SEQ_KV.read(
            ctx,
            &key,
            KV_TIMEOUT_MS,
            |outer: &mut GCounterNode, ctx, r: Result<Value, RpcError>| {
                if let Some(node) = outer.seq_kv() {
                    node.on_recover_reply(r, ctx);
                }
            },
        );
    }

    /// The answer to `recover`'s read of the own key.
    fn on_recover_reply(&mut self, r: Result<Value, RpcError>, ctx: &mut Ctx<'_, GCounterNode>) {
        let own = match r {
            Ok(v) => parse_value(&v),
            Err(e) if e.code == ErrorCode::KeyDoesNotExist => Some(OwnValue { count: 0, stamp: 0 }),
            Err(_) => None,
        };
        match own {
            Some(own) => {
                self.own = Some(own);
                self.write_if_due(ctx);
            }
            None => {
                ctx.log("could not recover the own count; retrying");
                ctx.set_timer(RECOVER_RETRY_MS, Timer::Recover);
            }
        }
    }

    /// Writes the own key if anyone waits for a write and none is in flight.
    fn write_if_due(&mut self, ctx: &mut Ctx<'_, GCounterNode>) {
        let Some(own) = self.own else { return };
        if self.write_in_flight || self.retry_armed || self.pending.is_empty() {
            return;
        }
        let batch = std::mem::take(&mut self.pending);
        let next = OwnValue {
            count: own.count.saturating_add(batch.delta),
            // The stamp comes back from seq-kv at start: never let it wrap.
            stamp: own.stamp.saturating_add(1),
        };
        self.write_in_flight = true;
        let value = [next.count, next.stamp];
        SEQ_KV.write(
            ctx,
            &self.own_key,
            &value,
            KV_TIMEOUT_MS,
            move |outer: &mut GCounterNode, ctx, r| {
                if let Some(node) = outer.seq_kv() {
                    node.on_write_reply(own, next, batch, r, ctx);
                }
            },
        );
    }

    /// The answer to `write_if_due`'s write of `next` (over `own`), which
    /// carried `batch`.
    fn on_write_reply(
        &mut self,
        own: OwnValue,
        next: OwnValue,
        batch: Batch,
        r: Result<(), RpcError>,
        ctx: &mut Ctx<'_, GCounterNode>,
    ) {
        self.write_in_flight = false;
        match r {
            Ok(()) => {
                self.retry_backoff_ms = 0;
                self.own = Some(next);
                for add in &batch.adds {
                    ctx.reply_to(&add.src, add.msg_id, &AddOk {});
                }
                if !batch.reads.is_empty() {
                    self.start_read_round(batch.reads, ctx);
                }
            }
            Err(e) => {
                // Maybe applied, maybe not: the next write is absolute and
                // includes this batch again, so either way it counts once.
                // The stamp still moves on, so that write changes state.
                ctx.log(format!("write of {} failed: {e}", self.own_key));
                self.own = Some(OwnValue {
                    stamp: next.stamp,
                    ..own
                });
                self.pending.prepend(batch);
                self.retry_backoff_ms =
                    (self.retry_backoff_ms * 2).clamp(WRITE_RETRY_MIN_MS, WRITE_RETRY_MAX_MS);
                self.retry_armed = true;
                ctx.set_timer(self.retry_backoff_ms, Timer::RetryWrite);
            }
        }
        self.write_if_due(ctx);
    }

    /// The backoff after a failed write is over: write again if anything waits.
    pub(super) fn retry_write(&mut self, ctx: &mut Ctx<'_, GCounterNode>) {
        self.retry_armed = false;
        self.write_if_due(ctx);
    }

    /// Reads every peer key (our view is now fresh) and answers `readers`.
    fn start_read_round(&mut self, readers: Vec<Waiter>, ctx: &mut Ctx<'_, GCounterNode>) {
        if self.peer_keys.is_empty() {
            let total = self.total();
            for r in &readers {
                ctx.reply_to(&r.src, r.msg_id, &ReadOk { value: total });
            }
            return;
        }
        let round = self.rounds.start(readers, self.peer_keys.len());
        for key in self.peer_keys.clone() {
            let k = key.clone();
            SEQ_KV.read(
                ctx,
                &key,
                KV_TIMEOUT_MS,
                move |outer: &mut GCounterNode, ctx, r: Result<Value, RpcError>| {
                    if let Some(node) = outer.seq_kv() {
                        node.on_peer_read_reply(round, k, r, ctx);
                    }
                },
            );
        }
    }

    /// The answer to read round `round`'s read of peer key `key`; the last
    /// answer of the round answers its readers.
    fn on_peer_read_reply(
        &mut self,
        round: u64,
        key: String,
        r: Result<Value, RpcError>,
        ctx: &mut Ctx<'_, GCounterNode>,
    ) {
        let ok = match r {
            Ok(v) => match parse_value(&v) {
                Some(peer) => {
                    let seen = self.peer_counts.entry(key).or_default();
                    *seen = (*seen).max(peer.count);
                    true
                }
                None => false,
            },
            // The peer never wrote: its count is 0.
            Err(e) if e.code == ErrorCode::KeyDoesNotExist => true,
            Err(_) => false,
        };
        if let Some((readers, all_ok)) = self.rounds.finish_one(round, ok) {
            let total = self.total();
            for r in &readers {
                if all_ok {
                    ctx.reply_to(&r.src, r.msg_id, &ReadOk { value: total });
                } else {
                    let text = "a peer count could not be read";
                    let error = ErrorBody::new(ErrorCode::TemporarilyUnavailable, text);
                    ctx.reply_to(&r.src, r.msg_id, &error);
                }
            }
        }
    }

    /// Own count plus the largest count seen of every peer.
    fn total(&self) -> u64 {
        let own = self.own.map_or(0, |o| o.count);
        self.peer_counts
            .values()
            .fold(own, |a, c| a.saturating_add(*c))
    }
}
