//! Node logic for each challenge family. Each module is a sans-IO `Node`.
//!
//! # Conventions
//!
//! A node's file reads top down:
//!
//! 1. its messages (`messages!`), constants and small helper types;
//! 2. the state struct, then `impl Node` for it right after: `init`, then
//!    `on_message`, which is a table of the message types (an arm answers
//!    from the state at once, or calls the message's handler), then
//!    `on_timer`;
//! 3. `impl` of the state: first the handlers, each named after the message
//!    it handles (`on_gossip` for `gossip`, `on_request_vote_result` for
//!    `request_vote_result`; one handler for messages that share one path is
//!    named for what they share, e.g. raft's `on_client_request` for read,
//!    write and cas), then what they call, then accessors for tests. A
//!    large node groups its methods by concern (raft: client requests,
//!    elections, replication), each group opening with its handlers.
//!
//! A reply continuation (`Ctx::call`, the `services` calls) only calls a
//! named method, `on_<request>_reply`, passing what it captured: e.g.
//! `forward` sends a request to the leader and `on_forward_reply` handles
//! the answer; list-append's `attempt` sends a cas and `on_cas_reply`
//! handles the answer. The logic stays out of closures, where it cannot be
//! named, documented or found.
//!
//! Knobs come from `Ctx::env` through `knobs::load`, each declared once with
//! its default and accepted values (`knobs::Ms`, `knobs::OneOf`).

pub mod broadcast;
pub mod crdt;
pub mod echo;
#[cfg(test)]
mod forged_senders;
pub mod g_counter;
pub mod g_set;
pub mod kafka;
pub mod knobs;
pub mod list_append;
pub mod pn_counter;
pub mod raft;
pub mod txn;
pub mod unique_ids;
