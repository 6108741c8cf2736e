//! Compose the checkers as Maelstrom does (jepsen-io/maelstrom v0.2.3 src/maelstrom/core.clj,
//! `maelstrom-test`; jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/checker.clj, `compose`,
//! `check-safe`): each runs
//! on its own; a panicking checker becomes `unknown` with an error.

use crate::checkers::net::{self, NetCounts};
use crate::checkers::{availability, exceptions, stats};
use crate::checkers::{CheckResult, OpFold, Validity};
use crate::history::recorded::Recorded;
use crate::history::Op;
use crate::opts::Availability;
use crate::workloads::{TestOpts, Workload};
use serde_json::{Map, Value};
use std::panic::{catch_unwind, AssertUnwindSafe};

fn safe(f: impl FnOnce() -> CheckResult) -> CheckResult {
    catch_unwind(AssertUnwindSafe(f))
        .unwrap_or_else(|p| CheckResult::unknown(format!("checker panicked: {}", panic_text(p))))
}

fn panic_text(p: Box<dyn std::any::Any + Send>) -> String {
    p.downcast_ref::<String>()
        .cloned()
        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "checker panicked".into())
}

/// A fold whose panic is caught (`check-safe`): it stops observing and
/// reports `unknown` with the panic's text.
/// fidelity D23: a checker that throws makes only its own section `unknown`.
struct Guarded<'a> {
    fold: Option<Box<dyn OpFold + 'a>>,
    panic: Option<String>,
}

impl<'a> Guarded<'a> {
    fn new(fold: Box<dyn OpFold + 'a>) -> Self {
        Guarded {
            fold: Some(fold),
            panic: None,
        }
    }

    fn observe(&mut self, op: &Op) {
        let Some(fold) = self.fold.as_mut() else {
            return;
        };
        if let Err(p) = catch_unwind(AssertUnwindSafe(|| fold.observe(op))) {
            self.panic = Some(panic_text(p));
            self.fold = None;
        }
    }

    fn finish(self) -> CheckResult {
        match (self.fold, self.panic) {
            (Some(fold), _) => safe(|| fold.finish()),
            (None, p) => {
                CheckResult::unknown(format!("checker panicked: {}", p.unwrap_or_default()))
            }
        }
    }
}

/// The results map (keys as in results.edn without colons) and its verdict.
/// Stats, availability, net and exceptions are folds over the ops; so is the
/// workload checker where it has one ([`Workload::streaming_check`]), and
/// then a history kept in `history.jsonl` is read once, an op at a time,
/// and never held whole. Err: the recorded history cannot be read back.
pub fn analyze(
    workload: &dyn Workload,
    opts: &TestOpts,
    history: &Recorded,
    net_counts: Option<&NetCounts>,
    expected: Option<Availability>,
) -> Result<(Value, Validity), String> {
    let mut folds: Vec<(&str, Guarded)> = vec![
        ("stats", Guarded::new(Box::<stats::Stats>::default())),
        (
            "availability",
            Guarded::new(Box::new(availability::Availability::new(expected))),
        ),
    ];
    if let Some(counts) = net_counts {
        folds.push(("net", Guarded::new(Box::new(net::Net::new(counts)))));
    }
    folds.push((
        "exceptions",
        Guarded::new(Box::<exceptions::Exceptions>::default()),
    ));
    let workload_result = match workload.streaming_check(opts) {
        Some(fold) => {
            folds.insert(0, ("workload", Guarded::new(fold)));
            history.for_each(|op| folds.iter_mut().for_each(|(_, f)| f.observe(op)))?;
            None
        }
        None => {
            let loaded = history.load()?;
            for op in &loaded.ops {
                folds.iter_mut().for_each(|(_, f)| f.observe(op));
            }
            Some(safe(|| workload.check(&loaded, opts)))
        }
    };
    let mut results: Vec<(&str, CheckResult)> = Vec::new();
    if let Some(r) = workload_result {
        results.push(("workload", r));
    }
    results.extend(folds.into_iter().map(|(k, f)| (k, f.finish())));
    let mut valid = Validity::True;
    let mut m = Map::new();
    for (k, r) in results {
        valid = valid.merge(r.valid);
        m.insert(k.into(), r.to_json());
    }
    m.insert("valid?".into(), valid.to_json());
    Ok((Value::Object(m), valid))
}

/// Maelstrom's final line (jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/core.clj, `log-results`).
/// fidelity D35: the final line and exit codes are Jepsen's.
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
    use crate::checkers::testing::op;
    use crate::history::{History, OpType};
    use crate::workloads::{Client, Generator};

    /// Panics in its whole-history check, or, when `streaming`, in its
    /// fold at the second op.
    struct Panicky {
        streaming: bool,
    }
    impl Workload for Panicky {
        fn name(&self) -> &'static str {
            if self.streaming {
                "panicky fold"
            } else {
                "panicky"
            }
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
            assert!(
                !self.streaming,
                "a workload with a fold is never checked whole"
            );
            panic!("boom")
        }
        fn streaming_check(&self, _: &TestOpts) -> Option<Box<dyn OpFold>> {
            self.streaming
                .then(|| Box::new(PanickyFold) as Box<dyn OpFold>)
        }
    }

    struct PanickyFold;
    impl OpFold for PanickyFold {
        fn observe(&mut self, op: &Op) {
            assert!(op.index < 1, "boom at {}", op.index);
        }
        fn finish(self: Box<Self>) -> CheckResult {
            CheckResult::new(Validity::True)
        }
    }

    fn two_ops() -> History {
        History::new(vec![
            op(0, 0, OpType::Invoke, "echo"),
            op(1, 0, OpType::Ok, "echo"),
        ])
    }

    #[test]
    fn a_panicking_checker_is_unknown_not_a_crash() {
        let opts = TestOpts::defaults(vec!["n0".into()]);
        for w in [Panicky { streaming: false }, Panicky { streaming: true }] {
            let (v, valid) = analyze(
                &w,
                &opts,
                &Recorded::Memory(two_ops()),
                Some(&NetCounts::default()),
                None,
            )
            .unwrap();
            assert_eq!(valid, Validity::Unknown, "{}", w.name());
            assert_eq!(v["workload"]["valid?"], serde_json::json!("unknown"));
            assert!(v["workload"]["error"].as_str().unwrap().contains("boom"));
            assert_eq!(v["stats"]["valid?"], serde_json::json!(true));
            assert_eq!(v["stats"]["count"], serde_json::json!(1), "{v}");
        }
    }

    #[test]
    fn a_streamed_file_gives_the_results_of_the_history_in_memory() {
        let opts = TestOpts::defaults(vec!["n0".into()]);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("history.jsonl");
        let mut h = two_ops();
        h.ops[1].value = serde_json::json!({"type": "echo_ok", "echo": "other"});
        h.ops[0].value = serde_json::json!("Please echo 1");
        let lines: String = h
            .ops
            .iter()
            .map(|o| serde_json::to_string(o).unwrap() + "\n")
            .collect();
        std::fs::write(&path, lines).unwrap();
        let echo = crate::workloads::echo::Echo;
        let file = Recorded::File { path, len: 2 };
        let streamed = analyze(&echo, &opts, &file, None, None).unwrap();
        let whole = analyze(&echo, &opts, &Recorded::Memory(h), None, None).unwrap();
        assert_eq!(streamed, whole);
        assert_eq!(streamed.1, Validity::False, "the echo mismatch is found");
        let short = Recorded::File {
            path: dir.path().join("history.jsonl"),
            len: 3,
        };
        let err = analyze(&echo, &opts, &short, None, None).unwrap_err();
        assert!(err.contains("holds 2 ops, the run recorded 3"), "{err}");
    }
}
