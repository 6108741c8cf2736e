//! New values waiting for the end of the batching window, and where they
//! came from (so a batch made only of one peer's values is not echoed back
//! to that peer).

use super::elem::Elem;
use crate::runtime::TimerId;
use std::rc::Rc;

/// Who the values of a batch came from.
#[derive(Clone, Debug, PartialEq, Eq)]
enum Sources {
    Nobody,
    Only(String),
    Several,
}

/// The values to forward at the next flush.
pub struct Outbox {
    values: Vec<Elem>,
    sources: Sources,
    /// The pending flush timer, if one is set.
    pub timer: Option<TimerId>,
}

/// One flushed batch, shared by every peer it is sent to.
pub struct Batch {
    pub values: Rc<[Elem]>,
    sources: Sources,
}

impl Batch {
    /// Whether every value of the batch came from `peer` (nothing new for it).
    pub fn only_from(&self, peer: &str) -> bool {
        matches!(&self.sources, Sources::Only(p) if p == peer)
    }
}

impl Outbox {
    pub fn new() -> Self {
        Outbox {
            values: Vec::new(),
            sources: Sources::Nobody,
            timer: None,
        }
    }

    /// Adds a value that came from `source` (a peer or this node's id).
    pub fn push(&mut self, value: Elem, source: &str) {
        self.values.push(value);
        self.sources = match std::mem::replace(&mut self.sources, Sources::Nobody) {
            Sources::Nobody => Sources::Only(source.to_string()),
            Sources::Only(p) if p == source => Sources::Only(p),
            _ => Sources::Several,
        };
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Empties the outbox into a batch.
    pub fn take(&mut self) -> Batch {
        let values: Rc<[Elem]> = std::mem::take(&mut self.values).into();
        let sources = std::mem::replace(&mut self.sources, Sources::Nobody);
        Batch { values, sources }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_knows_when_it_is_all_one_peers_values() {
        let mut o = Outbox::new();
        o.push(Elem::from(1), "n1");
        o.push(Elem::from(2), "n1");
        let b = o.take();
        assert!(o.is_empty());
        assert_eq!(b.values.len(), 2);
        assert!(b.only_from("n1"));
        assert!(!b.only_from("n2"));

        o.push(Elem::from(3), "n1");
        o.push(Elem::from(4), "n0");
        let b = o.take();
        assert!(!b.only_from("n1") && !b.only_from("n0"));
    }
}
