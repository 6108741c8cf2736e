//! `check` on excerpts of the histories Porcupine, Knossos and Elle ship,
//! as shipped (xtask/tests/fixtures/histories/, each named after its source
//! file and the lines it keeps), with the verdict their own tests assert.

use super::run;
use crate::checker::Validity;
use serde_json::Value;

/// Checks the fixture `name` as `workload`; the results map and verdict.
fn check_fixture(workload: &str, name: &str) -> (Value, Validity) {
    let path = format!(
        "{}/tests/fixtures/histories/{name}",
        env!("CARGO_MANIFEST_DIR")
    );
    run(&[workload.to_string(), path]).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// anishathalye/porcupine (55508eb) test_data/jepsen/etcd_002.log lines
/// 1-60 and etcd_003.log lines 1-70: porcupine_test.go asserts
/// `checkJepsen(t, 2, true)` and `checkJepsen(t, 3, false)`; 003 is already
/// not linearizable by line 70 (69 lines are). Both hold `:cas [from to]`
/// ops, which are not `[key value]` tuples: the log is one register.
#[test]
fn porcupine_etcd_logs_with_cas_are_one_register() {
    let (results, valid) = check_fixture("lin-kv", "porcupine_etcd_002_lines_1-60.log");
    assert_eq!(valid, Validity::True, "{results:#}");
    assert_eq!(results["workload"]["analyzer"], "wgl", "{results:#}");
    let (results, valid) = check_fixture("lin-kv", "porcupine_etcd_003_lines_1-70.log");
    assert_eq!(valid, Validity::False, "{results:#}");
    assert_eq!(results["workload"]["valid?"], false, "{results:#}");
}
