//! State-based CRDTs replicated by delta gossip: the engine behind the
//! `g-set` and `pn-counter` nodes and g-counter's CRDT mode.
//!
//! Each node applies its clients' updates to its own replica at once and
//! answers from it. Its own updates are numbered; every peer gets, at most
//! once per gossip window, the join of the updates it has not acknowledged
//! (a delta, never the whole state), and acknowledges them on its own next
//! gossip (`peer.rs`). Updates stay until acknowledged and are resent after
//! a timeout, so a gossip lost to a partition is sent again after the heal.
//! Every node talks to every other directly; nothing is relayed, so a node
//! only ever sends its own updates. Merging is idempotent, commutative and
//! associative, so duplicates, reordering and resends are harmless.

mod config;
mod counter;
mod gset;
mod peer;

pub use config::Config;
pub use counter::{Counts, PnCounter};
pub use gset::GSet;

use crate::runtime::{Ctx, Node, NodeInfo};
use crate::workloads::knobs;
use peer::{Due, Peer};
use serde::Serialize;
use std::collections::BTreeMap;

/// How often links are checked for due gossip, resends and lone acks.
pub const HOUSEKEEPING_MS: u64 = 100;

/// A replica whose own updates can be shipped as deltas.
pub trait DeltaState {
    /// The join of some of this replica's own updates, as it goes on the wire.
    type Delta: Serialize;
    /// How many updates this replica has made itself.
    fn version(&self) -> u64;
    /// The join of the own updates after the first `acked`.
    fn delta_after(&self, acked: u64) -> Self::Delta;
    /// Merges a peer's delta.
    fn merge(&mut self, from: &str, delta: Self::Delta);
    /// Every peer has the first `acked` own updates: drop what only they
    /// needed.
    fn forget(&mut self, _acked: u64) {}
}

/// A gossip message: updates (`seq`, `delta`) and/or an ack of the
/// receiver's updates. The nodes declare the same shape in their
/// `messages!` spec to receive it.
#[derive(Serialize)]
struct GossipOut<'a, D> {
    #[serde(rename = "type")]
    kind: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    seq: Option<u64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    delta: Option<&'a D>,
    #[serde(skip_serializing_if = "Option::is_none")]
    ack: Option<u64>,
}

/// A replica and its links to every other node.
pub struct Replicator<S> {
    state: S,
    config: Config,
    peers: BTreeMap<String, Peer>,
}

impl<S: DeltaState> Replicator<S> {
    /// Links to every other node of `info`.
    pub fn new(state: S, config: Config, info: &NodeInfo, now: u64) -> Self {
        let peers = info
            .ids
            .iter()
            .filter(|id| **id != info.id)
            .map(|id| (id.clone(), Peer::new(now)))
            .collect();
        Replicator {
            state,
            config,
            peers,
        }
    }

    /// A node's replica at `init`: configuration from the node's environment (`Ctx::env`)
    /// (warnings and the result logged), links to every other node, and the
    /// first housekeeping `timer` if there is any peer.
    pub fn start<N: Node>(state: S, ctx: &mut Ctx<'_, N>, timer: N::Timer) -> Self {
        let config = knobs::load(ctx, Config::read);
        ctx.log(format!("crdt replication: {config:?}"));
        let replicator = Replicator::new(state, config, ctx.info(), ctx.now());
        if replicator.has_peers() {
            ctx.set_timer(HOUSEKEEPING_MS, timer);
        }
        replicator
    }

    pub fn state(&self) -> &S {
        &self.state
    }

    /// Applies a local update through `update`; it goes to peers on their
    /// next gossip.
    pub fn update<R>(&mut self, update: impl FnOnce(&mut S) -> R) -> R {
        update(&mut self.state)
    }

    /// Whether any peer exists (a single node never gossips).
    pub fn has_peers(&self) -> bool {
        !self.peers.is_empty()
    }

    /// Handles a gossip from `src`. Gossip from outside the cluster is
    /// dropped (logged): it could only be a misaddressed message.
    pub fn on_gossip<N: Node>(
        &mut self,
        src: &str,
        seq: Option<u64>,
        delta: Option<S::Delta>,
        ack: Option<u64>,
        ctx: &mut Ctx<'_, N>,
    ) {
        let version = self.state.version();
        let now = ctx.now();
        let Some(peer) = self.peers.get_mut(src) else {
            ctx.log(format!("ignoring gossip from {src}, not a peer"));
            return;
        };
        let back = peer.on_receive(seq, ack, version, now, &self.config);
        if let Some(delta) = delta {
            self.state.merge(src, delta);
        }
        if back {
            self.send(src, Due::Updates, ctx);
        }
        self.collect_garbage();
    }

    /// The housekeeping `timer` fired: send what is due, set it again.
    pub fn on_timer<N: Node>(&mut self, ctx: &mut Ctx<'_, N>, timer: N::Timer) {
        self.housekeeping(ctx);
        ctx.set_timer(HOUSEKEEPING_MS, timer);
    }

    /// Sends whatever is due on every link (call every `HOUSEKEEPING_MS`).
    pub fn housekeeping<N: Node>(&mut self, ctx: &mut Ctx<'_, N>) {
        let version = self.state.version();
        let now = ctx.now();
        let due: Vec<(String, Due)> = self
            .peers
            .iter()
            .filter_map(|(id, p)| Some((id.clone(), p.due(version, now, &self.config)?)))
            .collect();
        for (id, due) in due {
            self.send(&id, due, ctx);
        }
    }

    fn send<N: Node>(&mut self, to: &str, due: Due, ctx: &mut Ctx<'_, N>) {
        let version = self.state.version();
        let now = ctx.now();
        let Some(peer) = self.peers.get_mut(to) else {
            return;
        };
        let ack = peer.take_ack();
        let delta = match due {
            Due::Updates => {
                peer.sent_updates(version, now);
                Some(self.state.delta_after(peer.acked()))
            }
            Due::Ack => None,
        };
        let msg = GossipOut {
            kind: "gossip",
            seq: delta.as_ref().map(|_| version),
            delta: delta.as_ref(),
            ack,
        };
        ctx.send(to, &msg);
    }

    /// Forgets own updates every peer has.
    fn collect_garbage(&mut self) {
        if let Some(min) = self.peers.values().map(Peer::acked).min() {
            self.state.forget(min);
        }
    }
}

#[cfg(test)]
mod tests;
