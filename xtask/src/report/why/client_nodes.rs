//! Which node served a client process's operations: Jepsen binds each
//! worker thread to one node, and a process to its thread.
//!
//! jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/generator/interpreter.clj,
//! `client-nemesis-worker`: `(ClientWorker. (nth nodes (mod id (count
//! nodes))) nil nil)` for thread `id`; a process is renumbered by the
//! concurrency after each `:info` (`with-next-process`), so its thread is
//! `(mod process concurrency)`. Our engine's workers.rs does the same
//! (`node: t % n`). Every drawer that names a client's node asks this one.

use serde_json::Value;
use std::collections::BTreeSet;
use std::path::Path;

/// The node ids and the concurrency of a run, from its `run.json`.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientNodes {
    nodes: Vec<String>,
    concurrency: u64,
}

impl ClientNodes {
    /// Panics on no nodes or zero concurrency: callers build it from
    /// literals; input from outside goes through [`ClientNodes::of_run`].
    pub fn new(nodes: Vec<String>, concurrency: u64) -> Self {
        assert!(
            !nodes.is_empty() && concurrency > 0,
            "a cluster has nodes and clients"
        );
        ClientNodes { nodes, concurrency }
    }

    /// Reads `dir/run.json`'s command-line arguments; None when it is
    /// missing or its flags do not parse (the pictures then name no node).
    pub fn of_run(dir: &Path) -> Option<ClientNodes> {
        let text = std::fs::read_to_string(dir.join("run.json")).ok()?;
        let run: Value = serde_json::from_str(&text).ok()?;
        let args: Vec<String> = run
            .get("args")?
            .as_array()?
            .iter()
            .filter_map(|a| a.as_str().map(String::from))
            .collect();
        let t = crate::cli::parse_options(&args).ok()?;
        (!t.opts.node_ids.is_empty() && t.opts.concurrency > 0)
            .then(|| ClientNodes::new(t.opts.node_ids, t.opts.concurrency as u64))
    }

    /// The node client process `process` talked to.
    pub fn node_of(&self, process: u64) -> &str {
        &self.nodes[self.position_of(process)]
    }

    /// The nodes the client processes `processes` talked to, once each, in
    /// node order.
    pub fn nodes_of(&self, processes: &[u64]) -> Vec<String> {
        let picked: BTreeSet<usize> = processes.iter().map(|p| self.position_of(*p)).collect();
        picked.into_iter().map(|i| self.nodes[i].clone()).collect()
    }

    /// `of_run` and every caller of `new` keep both non-zero.
    fn position_of(&self, process: u64) -> usize {
        let thread = process % self.concurrency;
        (thread % self.nodes.len() as u64) as usize
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_process_keeps_its_threads_node_after_renumbering() {
        let c = ClientNodes::new(vec!["n0".into(), "n1".into()], 4);
        // Threads 0..3 use n0 n1 n0 n1; process 6 is thread 2 renumbered.
        let nodes: Vec<&str> = [0, 1, 2, 3, 6, 7].iter().map(|p| c.node_of(*p)).collect();
        assert_eq!(nodes, ["n0", "n1", "n0", "n1", "n0", "n1"]);
        // (moved from elle/context.rs) 3 nodes, concurrency 4: thread 3
        // talks to n0; process 7 is thread 3 after an :info.
        let c = ClientNodes::new(vec!["n0".into(), "n1".into(), "n2".into()], 4);
        assert_eq!(c.node_of(7), "n0");
        assert_eq!(c.node_of(3), "n0");
    }

    /// (moved from linear/nodes.rs) 2 nodes, concurrency 4: threads 0 and 2
    /// talk to n0, 1 and 3 to n1; process 6 is thread 2 after a crash.
    #[test]
    fn a_window_names_each_node_once_in_node_order() {
        let c = ClientNodes::new(vec!["n0".into(), "n1".into()], 4);
        assert_eq!(c.nodes_of(&[0, 2, 6]), ["n0"]);
        assert_eq!(c.nodes_of(&[3, 6]), ["n0", "n1"]);
        assert!(c.nodes_of(&[]).is_empty());
    }

    #[test]
    fn run_json_gives_the_nodes_and_concurrency() {
        let dir = tempfile::tempdir().unwrap();
        let args = [
            "-w",
            "broadcast",
            "--bin",
            "x",
            "--node-count",
            "3",
            "--concurrency",
            "2n",
        ];
        crate::report::why::test_run::write_run_json(dir.path(), &args);
        let c = ClientNodes::of_run(dir.path()).unwrap();
        assert_eq!(
            c,
            ClientNodes::new(vec!["n0".into(), "n1".into(), "n2".into()], 6)
        );
        std::fs::write(dir.path().join("run.json"), "{not json").unwrap();
        assert_eq!(ClientNodes::of_run(dir.path()), None);
        assert_eq!(ClientNodes::of_run(&dir.path().join("missing")), None);
    }
}
