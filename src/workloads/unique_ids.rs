//! Challenge 2: globally unique ids with no coordination.
//!
//! An id is the string `<node id>-<incarnation>-<counter>` with the last two
//! in lowercase hex: the node id separates nodes, the incarnation (64 random
//! bits the host draws when the process starts) separates restarts of the
//! same node id, and the counter separates ids within one process. No message
//! ever leaves the node, so generation is totally available under any
//! partition. All ids are strings, so Maelstrom's checker can order them.

use crate::messages;
use crate::runtime::{Ctx, Node, Request};

messages! {
    /// The unique-ids workload.
    pub UniqueIds {
        generate -> generate_ok { id: String },
    }
}

/// Hands out `<node>-<incarnation>-<counter>` ids.
pub struct UniqueIdsNode {
    prefix: String,
    next: u64,
}

impl Node for UniqueIdsNode {
    type Msg = UniqueIdsRequest;
    type Timer = ();

    fn init(ctx: &mut Ctx<'_, Self>) -> Self {
        let prefix = format!("{}-{:x}-", ctx.info().id, ctx.info().incarnation);
        UniqueIdsNode { prefix, next: 0 }
    }

    fn on_message(&mut self, msg: Request<UniqueIdsRequest>, ctx: &mut Ctx<'_, Self>) {
        let UniqueIdsRequest::Generate(Generate {}) = &msg.body;
        let id = format!("{}{:x}", self.prefix, self.next);
        self.next += 1;
        ctx.reply(&msg, &GenerateOk { id });
    }
}
