//! Which nodes a window's client processes talked to, from the run's
//! command line (run.json's `args`, read by the same flag table): worker
//! thread t opens its client to node t mod n, and a process that crashed
//! (`:info`) comes back as process + concurrency on the same thread
//! (engine/workers.rs `Workers::new`: `node: t % n`; jepsen v0.3.1
//! generator/interpreter.clj `run!` renumbers a crashed process by
//! `(+ process concurrency)`).

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// The nodes in node order and the concurrency, if run.json can be read.
pub fn cluster(run_dir: &Path) -> Option<(Vec<String>, usize)> {
    let text = std::fs::read_to_string(run_dir.join("run.json")).ok()?;
    let run: Value = serde_json::from_str(&text).ok()?;
    let args: Vec<String> = run
        .get("args")?
        .as_array()?
        .iter()
        .filter_map(|a| a.as_str().map(String::from))
        .collect();
    let opts = crate::cli::parse_options(&args).ok()?.opts;
    (!opts.node_ids.is_empty() && opts.concurrency > 0).then_some((opts.node_ids, opts.concurrency))
}

/// The nodes the client processes `processes` talked to, in node order.
pub fn nodes_of(processes: &[u64], (nodes, concurrency): &(Vec<String>, usize)) -> Vec<String> {
    let n = nodes.len() as u64;
    let picked: BTreeSet<usize> = processes
        .iter()
        .map(|p| (p % *concurrency as u64 % n) as usize)
        .collect();
    picked.into_iter().map(|i| nodes[i].clone()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 2 nodes, concurrency 4: threads 0 and 2 talk to n0, 1 and 3 to n1;
    /// process 6 is thread 2 after a crash (6 mod 4).
    #[test]
    fn a_process_talks_to_its_thread_s_node() {
        let cluster = (vec!["n0".to_string(), "n1".to_string()], 4);
        assert_eq!(nodes_of(&[0, 2, 6], &cluster), ["n0"]);
        assert_eq!(nodes_of(&[3, 6], &cluster), ["n0", "n1"]);
        assert!(nodes_of(&[], &cluster).is_empty());
    }

    #[test]
    fn run_json_gives_the_nodes_and_the_concurrency() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(cluster(dir.path()), None);
        let args = [
            "-w",
            "lin-kv",
            "--bin",
            "x",
            "--node-count",
            "3",
            "--concurrency",
            "2n",
        ];
        let run = serde_json::json!({ "args": args });
        std::fs::write(dir.path().join("run.json"), run.to_string()).unwrap();
        let (nodes, c) = cluster(dir.path()).expect("read");
        assert_eq!((nodes.len(), c), (3, 6));
        std::fs::write(dir.path().join("run.json"), "{").unwrap();
        assert_eq!(cluster(dir.path()), None);
    }
}
