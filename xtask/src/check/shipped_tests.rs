//! `check` on excerpts of the histories Porcupine, Knossos and Elle ship,
//! as shipped (xtask/tests/fixtures/histories/, each named after its source
//! file and the lines it keeps), with the verdict their own tests assert.

use crate::checkers::Validity;
use crate::cmd::check::run;
use serde_json::{json, Value};

fn fixture_path(name: &str) -> String {
    format!(
        "{}/tests/fixtures/histories/{name}",
        env!("CARGO_MANIFEST_DIR")
    )
}

/// Checks the fixture `name` as `workload`; the results map and verdict.
fn check_fixture(workload: &str, name: &str) -> (Value, Validity) {
    check_fixture_with(workload, name, &[])
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

/// Checks the fixture with extra `maelstrom test` flags.
fn check_fixture_with(workload: &str, name: &str, flags: &[&str]) -> (Value, Validity) {
    let mut args = vec![workload.to_string(), fixture_path(name)];
    args.extend(flags.iter().map(|f| f.to_string()));
    run(&args).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// jepsen-io/knossos v0.3.9 data/cas-register/bad/rethink-fail-minimal.edn,
/// whole: one list of ops over 14 lines, `;` comments among them, no
/// `:index` or `:time`. test/knossos/linear_test.clj
/// `rethink-fail-minimal-test` reads it with `(analysis (cas-register nil)
/// ..)` and asserts `(= false (:valid? a))` and `(= {:process 1 :type :ok
/// :f :read :value 3 :index 4} (:op a))`: the ops are numbered in file
/// order (`read-history-2`), comments not counted, so the read of 3 is the
/// fifth op, index 4. Maelstrom's lin-kv model is `(model/cas-register)`,
/// nil at first, as in that test.
#[test]
fn knossos_list_of_ops_with_comments_reads_and_fails_where_knossos_says() {
    let (results, valid) = check_fixture("lin-kv", "knossos_rethink-fail-minimal.edn");
    assert_eq!(valid, Validity::False, "{results:#}");
    // Recognised by its first line too, under a name that says nothing.
    let dir = tempfile::tempdir().unwrap();
    let renamed = dir.path().join("history.txt");
    std::fs::copy(fixture_path("knossos_rethink-fail-minimal.edn"), &renamed).unwrap();
    let (again, _) = run(&["lin-kv".into(), renamed.display().to_string()]).unwrap();
    assert_eq!(again, results);
    let op = &results["workload"]["op"];
    let brief: Vec<&Value> = ["process", "type", "f", "value", "index"]
        .iter()
        .map(|k| &op[*k])
        .collect();
    assert_eq!(
        brief,
        [
            &json!(1),
            &json!("ok"),
            &json!("read"),
            &json!(3),
            &json!(4)
        ],
        "{results:#}"
    );
}

/// jepsen-io/knossos v0.3.9 data/cas-register/good/cas-register-bug.edn,
/// whole: a comment line, then a vector of ops over 11 lines. Under
/// data/cas-register/good, so linearizable.
#[test]
fn knossos_vector_of_ops_after_a_comment_reads_as_one_register() {
    let (results, valid) = check_fixture("lin-kv", "knossos_cas-register-bug.edn");
    assert_eq!(results["workload"]["valid?"], true, "{results:#}");
    assert_eq!(results["stats"]["count"], 5, "{results:#}");
    assert_eq!(valid, Validity::True, "{results:#}");
}

/// jepsen-io/elle histories/si-without-g-single.edn (shipped from v0.2.1,
/// c095a60), whole: 8 comment lines and blank lines before the ops, a
/// comment before each transaction, sparse `:index` values 10, 11, 20, ..
/// (jepsen.history reads a history whose first op has an `:index` as a
/// sparse one). Elle v0.2.1 test/elle/list_append_test.clj
/// `si-without-g-single-test`: `(cf {:consistency-models
/// [:snapshot-isolation :repeatable-read]} ..)`, then `(= [:G2-item]
/// (:anomaly-types r))` and `(= #{:repeatable-read} (:not r))`. Maelstrom
/// splits `--consistency-models` on " , ".
#[test]
fn elle_history_with_comments_and_sparse_indices_reads_and_finds_what_elle_finds() {
    let (results, valid) = check_fixture_with(
        "txn-list-append",
        "elle_si-without-g-single.edn",
        &[
            "--consistency-models",
            "snapshot-isolation , repeatable-read",
        ],
    );
    assert_eq!(valid, Validity::False, "{results:#}");
    assert_eq!(results["workload"]["anomaly-types"], json!(["G2-item"]));
    assert_eq!(results["workload"]["not"], json!(["repeatable-read"]));
}

/// jepsen-io/elle v0.1.6 (bd95353) histories/paper-example.edn, whole: ops
/// with `:index`, `:type` and `:value` only. jepsen.history gives them
/// `:time -1` and no `:process`, so none is a client op (`client-op?` is
/// `(integer? (:process op))`), and Elle 0.1.6 list_append.clj `check`
/// begins `(let [history (h/client-ops history) ..`: no transaction is
/// left, and Elle's verdict on no transactions is `:unknown` with
/// `:empty-transaction-graph`.
#[test]
fn elle_ops_without_process_f_or_time_read_as_no_clients_ops() {
    let (results, valid) = check_fixture("txn-list-append", "elle_paper-example.edn");
    assert_eq!(valid, Validity::Unknown, "{results:#}");
    assert_eq!(
        results["workload"]["anomaly-types"],
        json!(["empty-transaction-graph"]),
        "{results:#}"
    );
}
