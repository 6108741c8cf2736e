//! Challenges 5a-5c: a Kafka-style log, served from memory on every node.
//!
//! Any node accepts a `send` on its own, with no message to anyone: offsets
//! come from a Lamport clock, `offset = clock * node_count + node_index`, so
//! two nodes never hand out the same offset and each node's offsets grow.
//! Nodes replicate what they accepted to each other asynchronously, in
//! batches (`replication`), so polls, commits and `list_committed_offsets`
//! are all answered locally.
//!
//! The catch is visibility. A poll must never jump over a message that will
//! later appear below an offset it already returned. So a node shows only
//! the *stable* prefix of each log: offsets whose clock is at most every
//! node's clock, as this node knows it (its own, and each peer's latest
//! promise). No node will ever assign such a clock again, and every message
//! with such a clock has reached this node; so what a poll sees is a prefix
//! of the final log, on every node, and consecutive polls can never skip.
//! Nodes raise their clock to any peer clock they hear of, so the stable
//! point keeps up with the busiest node. The price: a message becomes
//! pollable a batch interval or two after it was acknowledged, and if a node
//! were unreachable the stable point would stop (sends stay available).
//!
//! Nothing uses lin-kv: the log lives in the nodes' memory.
//!
//! Clocks are bounded (`max_peer_clock`): a peer's clock or batch position
//! that would make offset arithmetic overflow is a malformed batch, logged
//! and dropped whole, so a wrapped `clock * node_count` can never hand out
//! an offset twice.

mod log;
mod replication;

use crate::messages;
use crate::runtime::{Ctx, ErrorCode, Node, Request};
use log::Logs;
use replication::{Op, OutLog, OwnOp, PeerLink, Received, MAX_BATCH};
use serde_json::Value;
use std::collections::BTreeMap;

messages! {
    /// The kafka workload, and the replication between nodes.
    pub Kafka {
        send { key: String, msg: Value } -> send_ok { offset: u64 },
        poll { offsets: BTreeMap<String, i64> }
            -> poll_ok { msgs: BTreeMap<String, Vec<(u64, Value)>> },
        commit_offsets { offsets: BTreeMap<String, i64> } -> commit_offsets_ok,
        list_committed_offsets { keys: Vec<String> }
            -> list_committed_offsets_ok { offsets: BTreeMap<String, u64> },
        /// A batch of the sender's operations from index `from` of its
        /// outgoing log; `clock` (only when the batch reaches the log's end)
        /// promises its later sends a larger clock; `ack` is how much of the
        /// receiver's log the sender holds.
        internal replicate { from: u64, ops: Vec<Op>, clock?: u64, ack: u64 },
    }
}

/// How often batches go out (when there is something to send).
const FLUSH_MS: u64 = 25;

/// The node's timers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// Send the pending batches.
    Flush,
}

/// A kafka node: a full in-memory replica of every log.
pub struct KafkaNode {
    index: u64,
    node_count: u64,
    /// Lamport clock: every accepted send takes the next value.
    clock: u64,
    logs: Logs,
    out: OutLog,
    peers: BTreeMap<String, PeerLink>,
}

impl Node for KafkaNode {
    type Msg = KafkaRequest;
    type Timer = Timer;

    fn init(ctx: &mut Ctx<'_, Self>) -> Self {
        let info = ctx.info().clone();
        let peers: BTreeMap<String, PeerLink> = info
            .ids
            .iter()
            .filter(|n| **n != info.id)
            .map(|n| (n.clone(), PeerLink::default()))
            .collect();
        if !peers.is_empty() {
            ctx.set_timer(FLUSH_MS, Timer::Flush);
        }
        KafkaNode {
            index: info.index() as u64,
            node_count: info.ids.len().max(1) as u64,
            clock: 0,
            logs: Logs::default(),
            out: OutLog::default(),
            peers,
        }
    }

    fn on_message(&mut self, msg: Request<KafkaRequest>, ctx: &mut Ctx<'_, Self>) {
        match &msg.body {
            KafkaRequest::Send(Send { key, msg: value }) => {
                self.on_send(&msg, key, value.clone(), ctx)
            }
            KafkaRequest::Poll(Poll { offsets }) => self.on_poll(&msg, offsets, ctx),
            KafkaRequest::CommitOffsets(CommitOffsets { offsets }) => {
                self.on_commit_offsets(&msg, offsets, ctx)
            }
            KafkaRequest::ListCommittedOffsets(ListCommittedOffsets { keys }) => {
                self.on_list_committed_offsets(&msg, keys, ctx)
            }
            KafkaRequest::Replicate(batch) => self.on_replicate(&msg.src, batch, ctx),
        }
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match timer {
            Timer::Flush => {
                self.flush(ctx);
                ctx.set_timer(FLUSH_MS, Timer::Flush);
            }
        }
    }
}

impl KafkaNode {
    /// A client's message: stored and answered with its offset at once.
    fn on_send(
        &mut self,
        req: &Request<KafkaRequest>,
        key: &str,
        value: Value,
        ctx: &mut Ctx<'_, Self>,
    ) {
        match self.accept(key, value) {
            Some(offset) => ctx.reply(req, &SendOk { offset }),
            // Unreachable while peers' clocks stay within
            // `max_peer_clock`: 2^62 / node_count own sends remain.
            None => ctx.reply_error(
                req,
                ErrorCode::TemporarilyUnavailable,
                "this node's offsets are exhausted",
            ),
        }
    }

    /// Answers from the stable prefix of each log.
    fn on_poll(
        &mut self,
        req: &Request<KafkaRequest>,
        offsets: &BTreeMap<String, i64>,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let from = offsets.iter().map(|(k, o)| (k, (*o).max(0) as u64));
        let msgs = self.logs.poll(from, self.visible_below());
        ctx.reply(req, &PollOk { msgs });
    }

    /// Records the commits (and replicates those that moved an offset on).
    fn on_commit_offsets(
        &mut self,
        req: &Request<KafkaRequest>,
        offsets: &BTreeMap<String, i64>,
        ctx: &mut Ctx<'_, Self>,
    ) {
        for (key, offset) in offsets {
            let offset = (*offset).max(0) as u64;
            if self.logs.commit(key, offset) && !self.peers.is_empty() {
                self.out.push(OwnOp::Commit {
                    key: key.clone(),
                    offset,
                });
            }
        }
        ctx.reply(req, &CommitOffsetsOk {});
    }

    fn on_list_committed_offsets(
        &mut self,
        req: &Request<KafkaRequest>,
        keys: &[String],
        ctx: &mut Ctx<'_, Self>,
    ) {
        let offsets = keys
            .iter()
            .filter_map(|k| Some((k.clone(), self.logs.committed(k)?)))
            .collect();
        ctx.reply(req, &ListCommittedOffsetsOk { offsets });
    }

    fn on_replicate(&mut self, src: &str, batch: &Replicate, ctx: &mut Ctx<'_, Self>) {
        let Some(sender_index) = ctx.info().ids.iter().position(|n| n == src) else {
            ctx.log(format!("ignoring a replicate batch from non-peer {src}"));
            return;
        };
        if let Some(why) = self.malformed(batch) {
            ctx.log(format!(
                "dropping a malformed replicate batch from {src}: {why}"
            ));
            return;
        }
        let Some(link) = self.peers.get_mut(src) else {
            return;
        };
        let received = link.receive(
            batch.from,
            batch.ops.len(),
            batch.clock,
            batch.ack,
            self.out.end(),
            ctx.now(),
        );
        // Any clock a peer reached is a clock we may jump to: it lets the
        // stable point follow the busiest node.
        if let Some(c) = batch.clock {
            self.clock = self.clock.max(c);
        }
        let Received::Apply { skip } = received else {
            return;
        };
        for op in &batch.ops[skip..] {
            match op {
                Op::Send(key, offset, msg) => {
                    if offset % self.node_count != sender_index as u64 {
                        ctx.log(format!("{src} sent {key}@{offset}, not one of its offsets"));
                    } else if !self.logs.insert(key, *offset, msg.clone()) {
                        ctx.log(format!("{src} sent {key}@{offset} with another message"));
                    }
                }
                Op::Commit(key, offset) => {
                    self.logs.commit(key, *offset);
                }
            }
        }
    }

    /// Stores a client's message under the next clock; returns its offset,
    /// or None (and changes nothing) if that offset would not fit in a u64.
    fn accept(&mut self, key: &str, msg: Value) -> Option<u64> {
        let clock = self.clock.checked_add(1)?;
        let offset = clock
            .checked_mul(self.node_count)?
            .checked_add(self.index)?;
        self.clock = clock;
        self.logs.insert(key, offset, msg);
        if !self.peers.is_empty() {
            self.out.push(OwnOp::Send {
                key: key.to_string(),
                offset,
            });
        }
        Some(offset)
    }

    /// The largest clock a peer may announce: half of the clocks whose
    /// offsets fit in a u64, so after jumping to it this node still has
    /// about 2^63 / node_count sends before `accept` would overflow.
    fn max_peer_clock(&self) -> u64 {
        u64::MAX / self.node_count / 2
    }

    /// Why a batch cannot be taken, if it cannot: a clock past
    /// `max_peer_clock` or a log position past u64::MAX.
    fn malformed(&self, batch: &Replicate) -> Option<String> {
        if let Some(c) = batch.clock.filter(|c| *c > self.max_peer_clock()) {
            return Some(format!("clock {c} is above {}", self.max_peer_clock()));
        }
        if batch.from.checked_add(batch.ops.len() as u64).is_none() {
            return Some(format!(
                "from {} overflows with {} ops",
                batch.from,
                batch.ops.len()
            ));
        }
        None
    }

    /// Offsets below this are stable: every message there is known here and
    /// no node will ever assign one of them again.
    fn visible_below(&self) -> u64 {
        let stable_clock = self
            .peers
            .values()
            .map(|p| p.promised)
            .fold(self.clock, u64::min);
        stable_clock
            .saturating_add(1)
            .saturating_mul(self.node_count)
    }

    /// Sends every peer what it has not got yet (and acks, and our clock).
    fn flush(&mut self, ctx: &mut Ctx<'_, Self>) {
        let end = self.out.end();
        let now = ctx.now();
        for (peer, link) in self.peers.iter_mut() {
            let Some(from) = link.next_batch(end, self.clock, now) else {
                continue;
            };
            let ops: Vec<Op> = self
                .out
                .slice(from, MAX_BATCH)
                .map(|op| match op {
                    OwnOp::Send { key, offset } => {
                        let msg = self.logs.get(key, *offset).cloned().unwrap_or(Value::Null);
                        Op::Send(key.clone(), *offset, msg)
                    }
                    OwnOp::Commit { key, offset } => Op::Commit(key.clone(), *offset),
                })
                .collect();
            let batch_end = from + ops.len() as u64;
            let clock = (batch_end == end).then_some(self.clock);
            let body = Replicate {
                from,
                ops,
                clock,
                ack: link.have,
            };
            ctx.send(peer, &body);
            link.sent(batch_end, clock);
        }
        let all_acked = self.peers.values().map(|p| p.acked).min().unwrap_or(end);
        self.out.trim(all_acked);
    }
}

#[cfg(test)]
mod tests;
