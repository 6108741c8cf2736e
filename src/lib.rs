//! Nodes for the Fly.io Gossip Glomers challenges.

pub mod runtime;
