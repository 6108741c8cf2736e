//! Challenges 3a-3e: a grow-only set replicated by gossip.
//!
//! Overlay: a star (`overlay.rs`): leaves send their clients' values to the
//! hub as they arrive; the hub gathers what arrives during a window
//! (`BROADCAST_BATCH_MS`) and fans the batch out to every leaf, one message
//! each. Gossip carries deltas, never the whole set. Reliability
//! (`link.rs`): deltas are numbered per link, acknowledgements ride on
//! gossip that is sent anyway (a lone ack only after a delay), and whatever
//! stays unacknowledged is merged and resent with backoff, so every value
//! reaches every node after a partition heals. Reads and broadcasts are
//! answered at once from the node's own state.

mod config;
mod elem;
mod link;
mod outbox;
mod overlay;
#[cfg(test)]
mod tests;

pub use config::Config;
pub use elem::Elem;
pub use overlay::Role;

use crate::messages;
use crate::runtime::{Ctx, Node, Request};
use link::Link;
use outbox::Outbox;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

messages! {
    /// The broadcast workload, and the gossip between nodes.
    pub Broadcast {
        broadcast { message: Elem } -> broadcast_ok,
        read -> read_ok { messages: Vec<Elem> },
        topology { topology?: Value } -> topology_ok,
        /// A numbered delta (`seq`, `values`) and/or acknowledgements of the
        /// peer's deltas (`acks`).
        gossip { seq?: u64, values?: Vec<Elem>, acks?: Vec<u64> },
    }
}

/// How often links are checked for due retransmissions and lone acks.
const HOUSEKEEPING_MS: u64 = 50;

/// The node's timers.
pub enum Tick {
    /// The batching window closed: forward the outbox.
    Flush,
    /// Check every link for due retransmissions and acknowledgements.
    Housekeeping,
}

/// The broadcast node (a replica of the grow-only set), configured from
/// `BROADCAST_*` in its environment (`Ctx::env`).
pub struct BroadcastNode {
    config: Config,
    role: Role,
    values: BTreeSet<Elem>,
    links: BTreeMap<String, Link>,
    outbox: Outbox,
}

impl BroadcastNode {
    /// Every value this node holds.
    pub fn values(&self) -> &BTreeSet<Elem> {
        &self.values
    }

    /// This node's role in the overlay.
    pub fn role(&self) -> &Role {
        &self.role
    }

    /// Values sent to peers and not yet acknowledged (with repeats).
    pub fn unacked_values(&self) -> usize {
        self.links.values().map(Link::unacked_values).sum()
    }

    /// Adds a value; if it is new and this node relays values from `from`,
    /// queues it for the next flush.
    fn add(&mut self, value: Elem, from: Option<&str>, ctx: &mut Ctx<'_, Self>) {
        if self.values.contains(&value) {
            return;
        }
        if self.role.relays(from) {
            self.outbox.push(value.clone(), from.unwrap_or(ctx.id()));
        }
        self.values.insert(value);
    }

    /// Forwards the outbox now if the window is zero, else makes sure a
    /// flush is scheduled for the end of the window.
    fn schedule_flush(&mut self, ctx: &mut Ctx<'_, Self>) {
        if self.outbox.is_empty() || self.outbox.timer.is_some() {
            return;
        }
        match self.role.window_ms(&self.config) {
            0 => self.flush(ctx),
            window => self.outbox.timer = Some(ctx.set_timer(window, Tick::Flush)),
        }
    }

    /// Sends the outbox to every peer that has not seen all of it.
    fn flush(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.outbox.timer = None;
        if self.outbox.is_empty() {
            return;
        }
        let batch = self.outbox.take();
        let now = ctx.now();
        for peer in self.role.peers() {
            if batch.only_from(peer) {
                continue;
            }
            if let Some(link) = self.links.get_mut(peer) {
                let msg = link.send(batch.values.clone(), now);
                ctx.send(peer, &msg);
            }
        }
    }

    fn on_gossip(&mut self, src: &str, gossip: Gossip, ctx: &mut Ctx<'_, Self>) {
        let now = ctx.now();
        // Links exist for cluster members only: anything else may carry
        // values (harmless in a grow-only set) but is never acknowledged.
        if !self.links.contains_key(src)
            && src != ctx.id()
            && ctx.info().ids.iter().any(|i| i == src)
        {
            self.links
                .insert(src.to_string(), Link::new(now, &self.config));
        }
        if let Some(link) = self.links.get_mut(src) {
            if let Some(resend) = link.on_receive(&gossip, now, &self.config) {
                ctx.send(src, &resend);
            }
        }
        for value in gossip.values.unwrap_or_default() {
            self.add(value, Some(src), ctx);
        }
        self.schedule_flush(ctx);
    }

    fn housekeeping(&mut self, ctx: &mut Ctx<'_, Self>) {
        let now = ctx.now();
        for (peer, link) in self.links.iter_mut() {
            if let Some(msg) = link.poll(now, &self.config) {
                ctx.send(peer, &msg);
            }
        }
        ctx.set_timer(HOUSEKEEPING_MS, Tick::Housekeeping);
    }
}

impl Node for BroadcastNode {
    type Msg = BroadcastRequest;
    type Timer = Tick;

    fn init(ctx: &mut Ctx<'_, Self>) -> Self {
        let (config, warnings) = Config::from_lookup(|name| ctx.env(name).map(String::from));
        for w in warnings {
            ctx.log(w);
        }
        let role = Role::of(ctx.id(), &ctx.info().ids);
        ctx.log(format!("broadcast: {role:?}, {config:?}"));
        let now = ctx.now();
        let links = role
            .peers()
            .iter()
            .map(|p| (p.clone(), Link::new(now, &config)))
            .collect();
        if role != Role::Alone {
            ctx.set_timer(HOUSEKEEPING_MS, Tick::Housekeeping);
        }
        BroadcastNode {
            config,
            role,
            values: BTreeSet::new(),
            links,
            outbox: Outbox::new(),
        }
    }

    fn on_message(&mut self, msg: Request<BroadcastRequest>, ctx: &mut Ctx<'_, Self>) {
        match msg.body {
            BroadcastRequest::Broadcast(Broadcast { ref message }) => {
                ctx.reply(&msg, &BroadcastOk {});
                let value = message.clone();
                self.add(value, None, ctx);
                self.schedule_flush(ctx);
            }
            BroadcastRequest::Read(Read {}) => {
                let messages = self.values.iter().cloned().collect();
                ctx.reply(&msg, &ReadOk { messages });
            }
            BroadcastRequest::Topology(_) => ctx.reply(&msg, &TopologyOk {}),
            BroadcastRequest::Gossip(gossip) => self.on_gossip(&msg.src, gossip, ctx),
        }
    }

    fn on_timer(&mut self, timer: Tick, ctx: &mut Ctx<'_, Self>) {
        match timer {
            Tick::Flush => self.flush(ctx),
            Tick::Housekeeping => self.housekeeping(ctx),
        }
    }
}
