//! Maelstrom's `g-set` workload: a grow-only set, as a state-based CRDT
//! replicated by delta gossip (`workloads::crdt`). Adds and reads are
//! answered at once from the node's own replica; elements are any JSON.

use crate::messages;
use crate::runtime::{Ctx, Node, Request};
use crate::workloads::broadcast::Elem;
use crate::workloads::crdt::{self, Replicator};

messages! {
    /// The g-set workload, and the gossip between nodes (`crdt` module).
    pub GSet {
        add { element: Elem } -> add_ok,
        read -> read_ok { value: Vec<Elem> },
        internal gossip { seq?: u64, delta?: Vec<Elem>, ack?: u64 },
    }
}

/// The node's only timer: check the links.
pub struct Housekeeping;

/// A g-set replica.
pub struct GSetNode {
    replica: Replicator<crdt::GSet>,
}

impl Node for GSetNode {
    type Msg = GSetRequest;
    type Timer = Housekeeping;

    fn init(ctx: &mut Ctx<'_, Self>) -> Self {
        GSetNode {
            replica: Replicator::start(crdt::GSet::default(), ctx, Housekeeping),
        }
    }

    fn on_message(&mut self, msg: Request<GSetRequest>, ctx: &mut Ctx<'_, Self>) {
        match msg.body {
            GSetRequest::Add(Add { ref element }) => {
                let element = element.clone();
                self.replica.update(|s| s.add(element));
                ctx.reply(&msg, &AddOk {});
            }
            GSetRequest::Read(Read {}) => {
                let value = self.replica.state().elements().iter().cloned().collect();
                ctx.reply(&msg, &ReadOk { value });
            }
            GSetRequest::Gossip(Gossip { seq, delta, ack }) => {
                self.replica.on_gossip(&msg.src, seq, delta, ack, ctx);
            }
        }
    }

    fn on_timer(&mut self, _timer: Housekeeping, ctx: &mut Ctx<'_, Self>) {
        self.replica.on_timer(ctx, Housekeeping);
    }
}

impl GSetNode {
    /// The replica (for tests).
    pub fn set(&self) -> &crdt::GSet {
        self.replica.state()
    }
}

#[cfg(test)]
mod tests;
