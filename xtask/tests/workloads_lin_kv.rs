//! End-to-end runs of the lin-kv workload: a node that forwards every op to
//! Maelstrom's own linearizable `lin-kv` service must pass, with and without
//! partitions; a node whose replicas never talk to each other must be
//! rejected, with a counterexample.

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::json;
use support::{fixture, flags, maelstrom_test, Run};

fn run(node: &str, flag_line: &str) -> Run {
    let args = [&["-w", "lin-kv"], &flags(flag_line)[..]].concat();
    maelstrom_test(&fixture(node), &args)
}

fn ok_count(r: &Run, f: &str) -> u64 {
    r.results()["stats"]["by-f"][f]["ok-count"]
        .as_u64()
        .unwrap_or(0)
}

#[test]
fn a_proxy_to_the_lin_kv_service_passes_under_partitions() {
    let r = run(
        "lin_kv_proxy.py",
        "--node-count 3 --concurrency 2n --time-limit 3 --rate 100 --seed 4 \
         --nemesis partition --nemesis-interval 0.5",
    );
    assert_eq!(r.code, 0, "{}", r.tail());
    assert_eq!(r.workload()["valid?"], json!(true), "{}", r.tail());
    assert_eq!(r.workload()["failures"], json!([]));
    let key0 = &r.workload()["results"]["0"];
    assert_eq!(key0["valid?"], json!(true));
    assert_eq!(key0["linearizable"]["valid?"], json!(true));
    assert!(key0["linearizable"]["model"].get("value").is_some());
    for f in ["read", "write", "cas"] {
        assert!(ok_count(&r, f) > 0, "no ok {f}\n{}", r.tail());
    }
    // Six threads on one key, as Jepsen groups them: 2 x 3 nodes.
    let history = r.history();
    assert!(history
        .iter()
        .filter(|op| op["process"].is_u64())
        .all(|op| op["value"][0] == json!(0)));
}

#[test]
fn uncoordinated_replicas_are_rejected_with_a_counterexample() {
    // Two nodes: thread 0 reads from n0, thread 1 from n1, threads 2 and 3
    // write and cas through n0 and n1; each node only knows its own writes.
    let r = run(
        "lin_kv_local.py",
        "--node-count 2 --concurrency 2n --time-limit 3 --rate 100 --seed 1",
    );
    assert_eq!(r.code, 1, "{}", r.tail());
    let w = r.workload();
    assert_eq!(w["valid?"], json!(false), "{w:#}");
    assert_eq!(w["failures"], json!([0]));
    let lin = &w["results"]["0"]["linearizable"];
    assert_eq!(lin["valid?"], json!(false));
    assert_eq!(lin["op"]["type"], json!("ok"), "{lin:#}");
    assert!(lin["op"]["index"].is_u64());
    let configs = lin["configs"].as_array().expect("configs");
    assert!(!configs.is_empty() && configs.len() <= 10);
    assert!(configs.iter().all(|c| c["model"].get("value").is_some()));
    let paths = lin["final-paths"].as_array().expect("final-paths");
    assert!(!paths.is_empty(), "{lin:#}");
    for p in paths {
        let last = p.as_array().and_then(|s| s.last()).expect("a step");
        let msg = last["model"]["msg"].as_str().unwrap_or("");
        assert!(msg.starts_with("can't"), "{p:#}");
    }
}

#[test]
fn concurrency_not_a_multiple_of_2n_aborts_like_jepsen() {
    let r = run("lin_kv_proxy.py", "--node-count 2 --time-limit 1 --rate 10");
    assert_eq!(r.code, 255, "{}", r.tail());
    assert!(r.stderr.contains("at least 4"), "{}", r.stderr);
    let r = run(
        "lin_kv_proxy.py",
        "--node-count 2 --concurrency 6 --time-limit 1 --rate 10",
    );
    assert_eq!(r.code, 255, "{}", r.tail());
    assert!(r.stderr.contains("multiple of 4"), "{}", r.stderr);
}

/// `--rate 0` (the Raft chapter's setting): no client op at all, so the
/// workload section is Jepsen's `independent` checker on no keys, `{:valid?
/// true, :results {}, :failures []}`, not one register's Knossos map.
#[test]
fn a_run_without_client_ops_is_checked_per_key() {
    let r = run(
        "lin_kv_proxy.py",
        "--node-count 1 --concurrency 2n --time-limit 1 --rate 0",
    );
    assert_eq!(r.code, 0, "{}", r.tail());
    assert_eq!(
        r.workload(),
        &json!({"valid?": true, "results": {}, "failures": []}),
        "{}",
        r.tail()
    );
}
