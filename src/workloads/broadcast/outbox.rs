//! New values waiting for the end of the batching window, and where they
//! came from (so a batch made only of one peer's values is not echoed back
//! to that peer), when the oldest arrived (so an uplink can say how long
//! its values waited) and when the batch is due (the earliest deadline of
//! its values).

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
    /// When the oldest value arrived.
    oldest_at: Option<u64>,
    /// When the batch must be flushed: the earliest deadline pushed.
    due: Option<u64>,
    /// The pending flush timer, if one is set, and when it fires.
    pub timer: Option<(TimerId, u64)>,
}

/// One flushed batch, shared by every peer it is sent to.
pub struct Batch {
    pub values: Rc<[Elem]>,
    sources: Sources,
    /// When the oldest value arrived.
    pub oldest_at: u64,
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
            oldest_at: None,
            due: None,
            timer: None,
        }
    }

    /// Adds a value that came from `source` (a peer or this node's id) at
    /// `now` and must be flushed by `deadline`.
    pub fn push(&mut self, value: Elem, source: &str, now: u64, deadline: u64) {
        self.values.push(value);
        self.oldest_at.get_or_insert(now);
        self.due = Some(self.due.map_or(deadline, |d| d.min(deadline)));
        self.sources = match std::mem::replace(&mut self.sources, Sources::Nobody) {
            Sources::Nobody => Sources::Only(source.to_string()),
            Sources::Only(p) if p == source => Sources::Only(p),
            _ => Sources::Several,
        };
    }

    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// When the batch must be flushed (`None` if empty).
    pub fn due(&self) -> Option<u64> {
        self.due
    }

    /// Empties the outbox into a batch.
    pub fn take(&mut self) -> Batch {
        let values: Rc<[Elem]> = std::mem::take(&mut self.values).into();
        let sources = std::mem::replace(&mut self.sources, Sources::Nobody);
        self.due = None;
        let oldest_at = self.oldest_at.take().unwrap_or(0);
        Batch {
            values,
            sources,
            oldest_at,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_knows_when_it_is_all_one_peers_values() {
        let mut o = Outbox::new();
        o.push(Elem::from(1), "n1", 10, 300);
        o.push(Elem::from(2), "n1", 20, 200);
        assert_eq!(o.due(), Some(200), "the earliest deadline");
        let b = o.take();
        assert!(o.is_empty());
        assert_eq!((b.oldest_at, o.due()), (10, None));
        assert_eq!(b.values.len(), 2);
        assert!(b.only_from("n1"));
        assert!(!b.only_from("n2"));

        o.push(Elem::from(3), "n1", 30, 40);
        o.push(Elem::from(4), "n0", 31, 41);
        let b = o.take();
        assert!(!b.only_from("n1") && !b.only_from("n0"));
    }
}
