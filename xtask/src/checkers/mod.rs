//! Checkers over a finished history (the `:workload` checkers of each
//! workload, and the composed ones every run gets).

pub mod counter;
pub mod set_full;
pub mod unique_ids;
pub mod value_order;
