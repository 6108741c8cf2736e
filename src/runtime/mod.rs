//! The node runtime: sans-IO node logic (`Node`, `Ctx`, `Driver`) and the mio
//! reactor that hosts it on stdin/stdout.

mod context;
mod driver;
mod error;
mod framing;
mod hosted;
pub mod kv_rules;
mod message;
mod node;
#[cfg(test)]
pub mod one_node;
mod outbuf;
mod reactor;
pub mod services;
#[cfg(test)]
pub(crate) mod sim;
mod timer;

pub use context::{Continuation, Ctx, RpcResult};
pub use driver::{Driver, Setup};
pub use error::{ErrorCode, RpcError};
pub use framing::{LineFramer, TooLong, MAX_LINE_BYTES};
pub use hosted::HostedNode;
pub use message::{write_envelope, Decode, DecodeError, Envelope, ErrorBody, Header, NoMessages};
pub use node::{Node, NodeInfo, Request};
pub use reactor::run;
pub use timer::{TimerId, TimerWheel};
