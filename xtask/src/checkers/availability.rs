//! Maelstrom's availability checker: ok-fraction = #ok / #invoke.

use crate::checker::{CheckResult, Validity};
use crate::history::{History, OpType};
use crate::opts::Availability;

pub fn check(history: &History, expected: Option<Availability>) -> CheckResult {
    let invokes = history
        .ops
        .iter()
        .filter(|o| o.kind == OpType::Invoke)
        .count();
    let oks = history.ops.iter().filter(|o| o.kind == OpType::Ok).count();
    let frac = if invokes == 0 {
        1.0
    } else {
        oks as f64 / invokes as f64
    };
    let valid = match expected {
        None => true,
        Some(Availability::Total) => frac == 1.0,
        Some(Availability::Fraction(x)) => frac >= x,
    };
    CheckResult::new(Validity::from_bool(valid)).with("ok-fraction", frac)
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
        assert_eq!(check(&h, Some(Availability::Total)).valid, Validity::False);
        assert_eq!(
            check(&h, Some(Availability::Fraction(0.5))).valid,
            Validity::True
        );
        assert_eq!(
            check(&h, Some(Availability::Fraction(0.6))).valid,
            Validity::False
        );
        assert_eq!(
            check(&History::default(), Some(Availability::Total)).valid,
            Validity::True
        );
    }
}
