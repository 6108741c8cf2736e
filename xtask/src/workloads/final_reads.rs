//! `(gen/each-thread {:f :read, :final? true})`: the final phase of the
//! broadcast, g-set and counter workloads, one read per worker thread.

use crate::workloads::{FinalStep, OpSpec};
use serde_json::Value;
use std::collections::HashSet;

/// Hands each worker thread exactly one final `read`.
#[derive(Debug, Default)]
pub struct OneReadPerThread {
    done: HashSet<usize>,
}

impl OneReadPerThread {
    /// The thread's final read the first time it asks, then `Done`.
    pub fn next(&mut self, thread: usize) -> FinalStep {
        if self.done.insert(thread) {
            FinalStep::Op(OpSpec::new("read", Value::Null))
        } else {
            FinalStep::Done
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_thread_gets_exactly_one_read() {
        let mut f = OneReadPerThread::default();
        assert_eq!(f.next(0), FinalStep::Op(OpSpec::new("read", Value::Null)));
        assert_eq!(f.next(1), FinalStep::Op(OpSpec::new("read", Value::Null)));
        assert_eq!(f.next(0), FinalStep::Done);
        assert_eq!(f.next(1), FinalStep::Done);
    }
}
