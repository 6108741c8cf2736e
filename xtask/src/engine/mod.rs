//! The embedded engine. (This worktree holds only the parts owned by the
//! services/real-Maelstrom helper; the lead reconciles this file at merge.)

pub mod real;
pub mod services;
