//! Checkers shared by workloads.

pub mod elle;
