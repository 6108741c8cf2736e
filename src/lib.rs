//! Nodes for the Fly.io Gossip Glomers challenges.

pub mod nodes;
pub mod runtime;
pub mod workloads;

/// Lets generated code name this crate as `::gossip_glomers` from inside it too.
extern crate self as gossip_glomers;

pub use macros::messages;

/// Paths used by code that `messages!` generates. Not a public API.
#[doc(hidden)]
pub mod __private {
    pub use crate::runtime::{Decode, DecodeError};
    pub use serde;
    pub use serde_json;
}
