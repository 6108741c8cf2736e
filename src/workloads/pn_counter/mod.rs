//! Maelstrom's `pn-counter` workload: a counter that takes positive and
//! negative adds, as a state-based PN-counter replicated by delta gossip
//! (`workloads::crdt`). Adds and reads are answered at once from the node's
//! own replica.

use crate::messages;
use crate::runtime::{Ctx, Node, Request};
use crate::workloads::crdt::{self, Counts, Replicator};

messages! {
    /// The pn-counter workload, and the gossip between nodes (`crdt` module).
    pub PnCounter {
        add { delta: i64 } -> add_ok,
        read -> read_ok { value: i64 },
        internal gossip { seq?: u64, delta?: Counts, ack?: u64 },
    }
}

/// The node's only timer: check the links.
pub struct Housekeeping;

/// A pn-counter replica.
pub struct PnCounterNode {
    replica: Replicator<crdt::PnCounter>,
}

impl Node for PnCounterNode {
    type Msg = PnCounterRequest;
    type Timer = Housekeeping;

    fn init(ctx: &mut Ctx<'_, Self>) -> Self {
        let counter = crdt::PnCounter::new(ctx.id(), &ctx.info().ids);
        PnCounterNode {
            replica: Replicator::start(counter, ctx, Housekeeping),
        }
    }

    fn on_message(&mut self, msg: Request<PnCounterRequest>, ctx: &mut Ctx<'_, Self>) {
        match msg.body {
            PnCounterRequest::Add(Add { delta }) => {
                self.replica.update(|c| c.add(delta));
                ctx.reply(&msg, &AddOk {});
            }
            PnCounterRequest::Read(Read {}) => {
                ctx.reply(
                    &msg,
                    &ReadOk {
                        value: self.value(),
                    },
                );
            }
            PnCounterRequest::Gossip(Gossip { seq, delta, ack }) => {
                self.replica.on_gossip(&msg.src, seq, delta, ack, ctx);
            }
        }
    }

    fn on_timer(&mut self, _timer: Housekeeping, ctx: &mut Ctx<'_, Self>) {
        self.replica.on_timer(ctx, Housekeeping);
    }
}

impl PnCounterNode {
    /// The counter's value at this node.
    pub fn value(&self) -> i64 {
        self.replica.state().value()
    }
}

#[cfg(test)]
mod tests;
