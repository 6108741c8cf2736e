//! Compose the checkers as Maelstrom does (jepsen-io/maelstrom v0.2.3 src/maelstrom/core.clj,
//! `maelstrom-test`; jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/checker.clj, `compose`,
//! `check-safe`): each runs
//! on its own; a panicking checker becomes `unknown` with an error.

use crate::checker::{CheckResult, Validity};
use crate::checkers::net::{self, NetCounts};
use crate::checkers::{availability, exceptions, stats};
use crate::history::History;
use crate::opts::Availability;
use crate::workload::{TestOpts, Workload};
use serde_json::{Map, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};

fn safe(f: impl FnOnce() -> CheckResult) -> CheckResult {
    match catch_unwind(AssertUnwindSafe(f)) {
        Ok(r) => r,
        Err(p) => {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "checker panicked".into());
            CheckResult::unknown(format!("checker panicked: {msg}"))
        }
    }
}

/// The results map (keys as in results.edn without colons) and its verdict.
pub fn analyze(
    workload: &dyn Workload,
    opts: &TestOpts,
    history: &History,
    net: &NetCounts,
    expected: Option<Availability>,
) -> (Value, Validity) {
    analyze_with(workload, opts, history, Some(net), expected)
}

/// As [`analyze`]; without the journal's counts there is no `net` section (an offline
/// check of a history whose network journal is not at hand).
pub fn analyze_with(
    workload: &dyn Workload,
    opts: &TestOpts,
    history: &History,
    net_counts: Option<&NetCounts>,
    expected: Option<Availability>,
) -> (Value, Validity) {
    let mut results = vec![
        ("workload", safe(|| workload.check(history, opts))),
        ("stats", safe(|| stats::check(history))),
        (
            "availability",
            safe(|| availability::check(history, expected)),
        ),
    ];
    if let Some(counts) = net_counts {
        results.push(("net", safe(|| net::check(counts, history))));
    }
    results.push(("exceptions", safe(|| exceptions::check(history))));
    let mut valid = Validity::True;
    let mut m = Map::new();
    for (k, r) in results {
        valid = valid.merge(r.valid);
        m.insert(k.into(), r.to_json());
    }
    m.insert("valid?".into(), valid.to_json());
    (Value::Object(m), valid)
}

/// Maelstrom's final line (jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/core.clj, `log-results`).
pub fn verdict_line(v: Validity) -> &'static str {
    match v {
        Validity::True => "Everything looks good! ヽ(‘ー`)ノ",
        Validity::False => "Analysis invalid! (ﾉಥ益ಥ）ﾉ ┻━┻",
        Validity::Unknown => "Errors occurred during analysis, but no anomalies found. ಠ~ಠ",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checker::CheckResult;
    use crate::workload::{Client, Generator};

    struct Panicky;
    impl Workload for Panicky {
        fn name(&self) -> &'static str {
            "panicky"
        }
        fn generator(&self, _: &TestOpts) -> Box<dyn Generator> {
            unreachable!()
        }
        fn client(&self, _: &TestOpts) -> Box<dyn Client> {
            unreachable!()
        }
        fn client_reusable(&self) -> bool {
            true
        }
        fn check(&self, _: &History, _: &TestOpts) -> CheckResult {
            panic!("boom")
        }
    }

    #[test]
    fn a_panicking_checker_is_unknown_not_a_crash() {
        let opts = TestOpts::defaults(vec!["n0".into()]);
        let (v, valid) = analyze(
            &Panicky,
            &opts,
            &History::default(),
            &NetCounts::default(),
            None,
        );
        assert_eq!(valid, Validity::Unknown);
        assert_eq!(v["workload"]["valid?"], serde_json::json!("unknown"));
        assert!(v["workload"]["error"].as_str().unwrap().contains("boom"));
        assert_eq!(v["stats"]["valid?"], serde_json::json!(true));
    }
}
