//! The lin-kv checker against a read path that skips the log: a cluster
//! whose writes all go through one owner node, but whose reads any node
//! answers from its own lagging copy, must be rejected with a stale read as
//! the counterexample; the same cluster with reads sent to the owner must
//! pass. (Our Raft node's own runs are in our_nodes.rs.)

#[allow(dead_code)] // each test file uses a part of the shared harness
mod support;

use serde_json::json;
use support::{fixture, flags, maelstrom_test, Run};

const FLAGS: &str = "-w lin-kv --node-count 3 --concurrency 2n --time-limit 5 --rate 50 --seed 3";

fn run(node: &str) -> Run {
    maelstrom_test(&fixture(node), &flags(FLAGS))
}

#[test]
fn reads_served_by_any_node_without_the_owner_are_rejected() {
    let r = run("linkv_owner_local_reads.py");
    assert_eq!(r.code, 1, "{}", r.tail());
    let w = r.workload();
    assert_eq!(w["valid?"], json!(false), "{w:#}");
    let lin = &w["results"]["0"]["linearizable"];
    assert_eq!(lin["valid?"], json!(false), "{lin:#}");
    // The operation that cannot be linearized is a read: writes and cas all
    // happen in one place, in one order; only reads see the past.
    assert_eq!(lin["op"]["f"], json!("read"), "{lin:#}");
    assert_eq!(lin["op"]["type"], json!("ok"), "{lin:#}");
    let paths = lin["final-paths"].as_array().expect("final-paths");
    assert!(!paths.is_empty(), "{lin:#}");
}

#[test]
fn the_same_cluster_reading_from_the_owner_passes() {
    let r = run("linkv_owner.py");
    assert_eq!(r.code, 0, "{}", r.tail());
    assert_eq!(r.workload()["valid?"], json!(true), "{}", r.tail());
}
