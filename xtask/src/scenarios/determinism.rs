//! One seed fixes a virtual-time run: the same seed twice gives the same
//! history.jsonl and results.json, byte for byte, for every workload of the
//! bench (with partitions where the workload's matrix row has them), and
//! another seed gives another history.

use super::run;
use crate::engine::{history_jsonl, results_json};

/// Each workload's row flags (matrix.rs), shortened to 5 s.
const ROWS: [&str; 6] = [
    "-w echo --bin echo --node-count 1",
    "-w unique-ids --bin unique-ids --rate 1000 --node-count 3 --availability total --nemesis partition --nemesis-interval 1",
    "-w broadcast --bin broadcast --node-count 25 --rate 100 --latency 100 --nemesis partition --nemesis-interval 1",
    "-w g-counter --bin g-counter --node-count 3 --rate 100 --nemesis partition --nemesis-interval 1",
    "-w kafka --bin kafka --node-count 2 --concurrency 2n --rate 1000 --latency 5 --latency-dist exponential",
    "-w txn-rw-register --bin txn-rw-register --node-count 2 --concurrency 2n --rate 1000 --consistency-models read-committed --availability total --nemesis partition --nemesis-interval 1",
];

/// history.jsonl and results.json of one run, as `maelstrom test` writes them.
fn files(flags: &str, seed: u64) -> (String, String) {
    let r = run(&format!("{flags} --time-limit 5"), seed);
    (history_jsonl(&r.out.history), results_json(&r.results))
}

#[test]
fn the_same_seed_gives_byte_identical_files_for_every_workload() {
    for flags in ROWS {
        let (h1, r1) = files(flags, 7);
        let (h2, r2) = files(flags, 7);
        assert!(h1.lines().count() > 20, "{flags}: a real history");
        assert!(
            h1 == h2,
            "{flags}: history.jsonl differs between two runs of seed 7"
        );
        assert!(
            r1 == r2,
            "{flags}: results.json differs between two runs of seed 7"
        );
        let (h3, _) = files(flags, 8);
        assert!(h1 != h3, "{flags}: seeds 7 and 8 gave the same history");
    }
}
