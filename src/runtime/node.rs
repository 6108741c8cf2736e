//! The state-machine interface every workload implements.

use super::context::Ctx;
use super::message::Decode;

/// Who this node is, from `init`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeInfo {
    /// This node's id, e.g. `n0`.
    pub id: String,
    /// Every node id in test order, this one included.
    pub ids: Vec<String>,
    /// A random number chosen by the host when the process started: differs
    /// between two runs (or restarts) of the same node id.
    pub incarnation: u64,
}

impl NodeInfo {
    /// Position of this node in `ids`.
    pub fn index(&self) -> usize {
        self.ids.iter().position(|n| *n == self.id).unwrap_or(0)
    }
}

/// A decoded incoming request (anything that is not a reply to our own RPC).
#[derive(Clone, Debug, PartialEq)]
pub struct Request<M> {
    /// Sender id (a client `c..`, a peer `n..`, or a service).
    pub src: String,
    /// The sender's `msg_id`, if it expects a reply.
    pub msg_id: Option<u64>,
    pub body: M,
}

/// A node's logic: a state machine driven by messages and timers.
///
/// It never touches I/O or the clock: everything goes through `Ctx`, so the
/// same node runs under the mio reactor and under a virtual-time simulator.
pub trait Node: Sized + 'static {
    /// The requests this node understands (a `messages!` enum).
    type Msg: Decode;
    /// Payload of the node's own timers (use `()` if none).
    type Timer: 'static;

    /// Builds the node once `init` arrived (`ctx.info()` is filled in).
    fn init(ctx: &mut Ctx<'_, Self>) -> Self;

    /// Handles one request from a client, a peer or a service.
    fn on_message(&mut self, msg: Request<Self::Msg>, ctx: &mut Ctx<'_, Self>);

    /// Handles a timer set with `Ctx::set_timer`.
    fn on_timer(&mut self, _timer: Self::Timer, _ctx: &mut Ctx<'_, Self>) {}
}
