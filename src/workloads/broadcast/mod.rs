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
//!
//! With a latency budget (`BROADCAST_LATENCY_BUDGET_MS`, `budget.rs`) the
//! windows are not fixed: each value gets a deadline from the measured hop
//! latency and the budget, and a batch is flushed at its earliest deadline.

mod budget;
mod config;
mod elem;
mod link;
mod outbox;
mod overlay;
#[cfg(test)]
mod tests;

pub use budget::Budget;
pub use config::Config;
pub use elem::Elem;
pub use overlay::Role;

use crate::messages;
use crate::runtime::{Ctx, Node, Request};
use crate::workloads::knobs;
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
        /// peer's deltas (`acks`). With a latency budget: how long the newest
        /// acked delta was held before this message (`held`, ms), and on an
        /// uplink how long its oldest value waited at the leaf (`waited`).
        internal gossip { seq?: u64, values?: Vec<Elem>, acks?: Vec<u64>, held?: u64, waited?: u64 },
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
    /// The latency-budget controller, when a budget is set.
    budget: Option<Budget>,
}

impl Node for BroadcastNode {
    type Msg = BroadcastRequest;
    type Timer = Tick;

    fn init(ctx: &mut Ctx<'_, Self>) -> Self {
        let config = knobs::load(ctx, Config::read);
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
        let budget = config.budget_ms.map(|ms| {
            let b = Budget::new(ms, now);
            if config.budget_hops < 2 {
                b.without_last_hop()
            } else {
                b
            }
        });
        BroadcastNode {
            config,
            role,
            values: BTreeSet::new(),
            links,
            outbox: Outbox::new(),
            budget,
        }
    }

    fn on_message(&mut self, msg: Request<BroadcastRequest>, ctx: &mut Ctx<'_, Self>) {
        match msg.body {
            BroadcastRequest::Broadcast(Broadcast { ref message }) => {
                self.on_broadcast(&msg, message.clone(), ctx)
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
            Tick::Flush => {
                self.outbox.timer = None;
                self.schedule_flush(ctx);
            }
            Tick::Housekeeping => self.housekeeping(ctx),
        }
    }
}

impl BroadcastNode {
    /// A client's value: acknowledged at once, then forwarded when due.
    fn on_broadcast(
        &mut self,
        msg: &Request<BroadcastRequest>,
        value: Elem,
        ctx: &mut Ctx<'_, Self>,
    ) {
        ctx.reply(msg, &BroadcastOk {});
        self.add(value, None, 0, ctx);
        self.schedule_flush(ctx);
    }

    /// A peer's values and acknowledgements.
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
            if let (Some(rtt), Some(b)) = (link.take_round_trip(), &mut self.budget) {
                b.on_round_trip(rtt);
            }
        }
        let waited = gossip.waited.unwrap_or(0);
        for value in gossip.values.unwrap_or_default() {
            self.add(value, Some(src), waited, ctx);
        }
        self.schedule_flush(ctx);
    }

    /// Adds a value; if it is new and this node relays values from `from`,
    /// queues it for the next flush. `waited`: how long it already waited
    /// in a leaf's window (from the uplink that carried it).
    fn add(&mut self, value: Elem, from: Option<&str>, waited: u64, ctx: &mut Ctx<'_, Self>) {
        if self.values.contains(&value) {
            return;
        }
        let now = ctx.now();
        if let Some(b) = &mut self.budget {
            b.on_value(now, from.is_none());
        }
        if self.role.relays(from) {
            let hold = self.hold_ms(from.is_none(), waited, now);
            self.outbox
                .push(value.clone(), from.unwrap_or(ctx.id()), now, now + hold);
        }
        self.values.insert(value);
    }

    /// How long a value arriving now may wait before it is forwarded: the
    /// fixed window, or what the budget leaves it.
    fn hold_ms(&mut self, own: bool, waited: u64, now: u64) -> u64 {
        match (&self.role, &mut self.budget) {
            (Role::Hub { .. }, Some(b)) if self.config.budgeted_batch() => {
                b.hub_wait_ms(waited, if own { 1 } else { 2 })
            }
            (Role::Leaf { .. }, Some(b)) if self.config.budgeted_uplink() => {
                b.uplink_window_ms(now)
            }
            _ => self.role.window_ms(&self.config),
        }
    }

    /// Forwards the outbox now if it is due, else makes sure a flush is
    /// scheduled for when it is (earlier than before, if a value with an
    /// earlier deadline arrived).
    fn schedule_flush(&mut self, ctx: &mut Ctx<'_, Self>) {
        let Some(due) = self.outbox.due() else {
            return;
        };
        let now = ctx.now();
        if due <= now {
            if let Some((id, _)) = self.outbox.timer.take() {
                ctx.cancel_timer(id);
            }
            return self.flush(ctx);
        }
        match self.outbox.timer {
            Some((_, at)) if at <= due => {}
            Some((id, _)) => {
                ctx.cancel_timer(id);
                self.outbox.timer = Some((ctx.set_timer(due - now, Tick::Flush), due));
            }
            None => self.outbox.timer = Some((ctx.set_timer(due - now, Tick::Flush), due)),
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
        // An uplink says how long its values waited, so the hub can give
        // them only what is left of the budget.
        let waited = match (&self.role, &self.budget) {
            (Role::Leaf { .. }, Some(_)) => Some(now.saturating_sub(batch.oldest_at)),
            _ => None,
        };
        for peer in self.role.peers() {
            if batch.only_from(peer) {
                continue;
            }
            if let Some(link) = self.links.get_mut(peer) {
                let mut msg = link.send(batch.values.clone(), now);
                msg.waited = waited;
                ctx.send(peer, &msg);
            }
        }
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

    /// The budget controller's view, for tests and logs.
    pub fn budget(&self) -> Option<&Budget> {
        self.budget.as_ref()
    }
}
