//! Maelstrom's availability checker: ok-fraction = #ok / #invoke.

use crate::checkers::{CheckResult, OpFold, Validity};
#[cfg(test)]
use crate::history::History;
use crate::history::{Op, OpType};
use crate::opts::Availability as Expected;

/// Counts every invocation and every `:ok` (nemesis ops included, as the
/// history's `:type`s are counted whole).
pub struct Availability {
    expected: Option<Expected>,
    invokes: u64,
    oks: u64,
}

impl Availability {
    pub fn new(expected: Option<Expected>) -> Self {
        Availability {
            expected,
            invokes: 0,
            oks: 0,
        }
    }
}

impl OpFold for Availability {
    fn observe(&mut self, op: &Op) {
        match op.kind {
            OpType::Invoke => self.invokes += 1,
            OpType::Ok => self.oks += 1,
            _ => {}
        }
    }

    fn finish(self: Box<Self>) -> CheckResult {
        let frac = if self.invokes == 0 {
            1.0
        } else {
            self.oks as f64 / self.invokes as f64
        };
        let valid = match self.expected {
            None => true,
            Some(Expected::Total) => frac == 1.0,
            Some(Expected::Fraction(x)) => frac >= x,
        };
        CheckResult::new(Validity::from_bool(valid)).with("ok-fraction", frac)
    }
}

#[cfg(test)]
pub fn check(history: &History, expected: Option<Expected>) -> CheckResult {
    crate::checkers::fold_history(Box::new(Availability::new(expected)), history)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checkers::testing::op;
    use serde_json::json;

    #[test]
    fn thresholds() {
        let h = History::new(vec![
            op(0, 0, OpType::Invoke, "echo"),
            op(1, 0, OpType::Ok, "echo"),
            op(2, 0, OpType::Invoke, "echo"),
            op(3, 0, OpType::Fail, "echo"),
        ]);
        assert_eq!(check(&h, None).valid, Validity::True);
        assert_eq!(check(&h, None).fields["ok-fraction"], json!(0.5));
        assert_eq!(check(&h, Some(Expected::Total)).valid, Validity::False);
        assert_eq!(
            check(&h, Some(Expected::Fraction(0.5))).valid,
            Validity::True
        );
        assert_eq!(
            check(&h, Some(Expected::Fraction(0.6))).valid,
            Validity::False
        );
        assert_eq!(
            check(&History::default(), Some(Expected::Total)).valid,
            Validity::True
        );
    }
}
