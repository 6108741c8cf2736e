//! One seed fixes a virtual-time run: the same seed twice gives the same
//! history.jsonl and results.json, byte for byte, for every workload of the
//! bench (with partitions where the workload's matrix row has them), and
//! another seed gives another history.

use super::{run, Test};
use crate::engine::{history_jsonl, results_json};
use crate::opts::LatencyDist;

/// Each workload's row (matrix/rows.rs), shortened to 5 s, partitions every second.
fn rows() -> [Test; 6] {
    [
        Test::new("echo").nodes(1),
        Test::new("unique-ids")
            .rate(1000.0)
            .nodes(3)
            .total_availability()
            .partitions()
            .nemesis_interval(1.0),
        Test::new("broadcast")
            .nodes(25)
            .rate(100.0)
            .latency(100)
            .partitions()
            .nemesis_interval(1.0),
        Test::new("g-counter")
            .nodes(3)
            .rate(100.0)
            .partitions()
            .nemesis_interval(1.0),
        Test::new("kafka")
            .nodes(2)
            .concurrency_per_node(2)
            .rate(1000.0)
            .latency(5)
            .latency_dist(LatencyDist::Exponential),
        Test::new("txn-rw-register")
            .nodes(2)
            .concurrency_per_node(2)
            .rate(1000.0)
            .model("read-committed")
            .total_availability()
            .partitions()
            .nemesis_interval(1.0),
    ]
}

/// history.jsonl and results.json of one run, as `maelstrom test` writes them.
fn files(test: &Test, seed: u64) -> (String, String) {
    let r = run(&test.clone().time_limit(5), seed);
    (history_jsonl(&r.out.history), results_json(&r.results))
}

#[test]
fn the_same_seed_gives_byte_identical_files_for_every_workload() {
    for test in rows() {
        let flags = test.workload;
        let (h1, r1) = files(&test, 7);
        let (h2, r2) = files(&test, 7);
        assert!(h1.lines().count() > 20, "{flags}: a real history");
        assert!(
            h1 == h2,
            "{flags}: history.jsonl differs between two runs of seed 7"
        );
        assert!(
            r1 == r2,
            "{flags}: results.json differs between two runs of seed 7"
        );
        let (h3, _) = files(&test, 8);
        assert!(h1 != h3, "{flags}: seeds 7 and 8 gave the same history");
    }
}
