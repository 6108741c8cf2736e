//! Challenges 6a-6c: a totally available, read-committed key-value store of
//! read/write registers (the `txn-rw-register` workload).
//!
//! Every transaction runs entirely on the node that received it, in one step,
//! and is answered at once (no aborts, no round trip, so partitions cannot
//! make it unavailable). Its final write of each key becomes one committed,
//! versioned commit that is applied locally and replicated in batches to
//! every peer, which applies it whole under last-writer-wins. See
//! `store.rs` for versions and execution, `replication.rs` for the protocol.

pub mod replication;
pub mod store;

#[cfg(test)]
mod tests;

use crate::messages;
use crate::runtime::{Ctx, ErrorCode, Node, Request};
use replication::{Incoming, Replicator, Timing, WireTxn};
use store::{MicroOp, Store, MAX_PEER_LAMPORT};

messages! {
    /// The txn-rw-register workload, and node-to-node replication.
    pub TxnRw {
        txn { txn: Vec<MicroOp> } -> txn_ok { txn: Vec<MicroOp> },
        /// Commits `first, first+1, ...` of the sender; the sender's
        /// cumulative ack of the receiver's commits and the highest one it saw.
        internal replicate { first: u64, txns: Vec<WireTxn>, ack: u64, seen: u64 },
    }
}

/// The node's only timer: time to send the next batches.
#[derive(Debug)]
pub struct Tick;

/// A replica of the register store.
pub struct TxnNode {
    store: Store,
    replicator: Replicator,
}

impl Node for TxnNode {
    type Msg = TxnRwRequest;
    type Timer = Tick;

    fn init(ctx: &mut Ctx<'_, Self>) -> Self {
        let info = ctx.info();
        let index = info.index() as u32;
        let replicator = Replicator::new(&info.id, &info.ids, Timing::for_cluster(info.ids.len()));
        if replicator.has_peers() {
            let tick = replicator.timing().tick;
            ctx.set_timer(tick, Tick);
        }
        TxnNode {
            store: Store::new(index),
            replicator,
        }
    }

    fn on_message(&mut self, mut msg: Request<TxnRwRequest>, ctx: &mut Ctx<'_, Self>) {
        match &mut msg.body {
            TxnRwRequest::Txn(Txn { txn }) => {
                let ops = std::mem::take(txn);
                self.on_txn(&msg, ops, ctx);
            }
            TxnRwRequest::Replicate(r) => self.on_replicate(&msg.src, r, ctx),
        }
    }

    fn on_timer(&mut self, _tick: Tick, ctx: &mut Ctx<'_, Self>) {
        for batch in self.replicator.on_tick(ctx.now()) {
            let body = Replicate {
                first: batch.first,
                txns: batch.txns,
                ack: batch.ack,
                seen: batch.seen,
            };
            ctx.send(&batch.dest, &body);
        }
        let tick = self.replicator.timing().tick;
        ctx.set_timer(tick, Tick);
    }
}

impl TxnNode {
    /// A client's transaction: run and answered at once.
    fn on_txn(&mut self, req: &Request<TxnRwRequest>, ops: Vec<MicroOp>, ctx: &mut Ctx<'_, Self>) {
        if self.store.clock_exhausted() && ops.iter().any(|(f, _, _)| f == "w") {
            let text = "this node's Lamport clock is exhausted";
            ctx.reply_error(req, ErrorCode::TemporarilyUnavailable, text);
            return;
        }
        match self.store.execute(ops) {
            Ok((txn, commit)) => {
                if let Some(commit) = commit {
                    self.replicator.record(&commit);
                }
                ctx.reply(req, &TxnOk { txn });
            }
            Err(bad) => ctx.reply_error(req, ErrorCode::MalformedRequest, &bad.0),
        }
    }

    /// A peer's batch of commits, applied once every earlier one is.
    fn on_replicate(&mut self, src: &str, r: &mut Replicate, ctx: &mut Ctx<'_, Self>) {
        if let Some((lamport, _)) = r.txns.iter().find(|(l, _)| *l > MAX_PEER_LAMPORT) {
            ctx.log(format!(
                "dropping a malformed replicate batch from {src}: Lamport time {lamport} is above {MAX_PEER_LAMPORT}"
            ));
            return;
        }
        let batch = Incoming {
            first: r.first,
            txns: std::mem::take(&mut r.txns),
            ack: r.ack,
            seen: r.seen,
        };
        let ready = self.replicator.on_batch(src, batch, ctx.now());
        for commit in &ready {
            self.store.apply(commit);
        }
    }

    /// The node's registers (tests and inspection).
    pub fn store(&self) -> &Store {
        &self.store
    }

    /// The node's replication state (tests and inspection).
    pub fn replicator(&self) -> &Replicator {
        &self.replicator
    }
}
