//! Which node served a client process's operations: Jepsen binds each
//! worker thread to one node, and a process to its thread.
//!
//! jepsen-io/jepsen v0.3.1 jepsen/src/jepsen/generator/interpreter.clj,
//! `client-nemesis-worker`: `(ClientWorker. (nth nodes (mod id (count
//! nodes))) nil nil)` for thread `id`; a process is renumbered by the
//! concurrency after each `:info` (`with-next-process`), so its thread is
//! `(mod process concurrency)`. Our engine's workers.rs does the same
//! (`node: t % n`).

use serde_json::Value;
use std::path::Path;

/// The node ids and the concurrency of a run, from its `run.json`.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientNodes {
    nodes: Vec<String>,
    concurrency: u64,
}

impl ClientNodes {
    pub fn new(nodes: Vec<String>, concurrency: u64) -> Self {
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
        let thread = process % self.concurrency;
        &self.nodes[(thread % self.nodes.len() as u64) as usize]
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
        std::fs::write(
            dir.path().join("run.json"),
            serde_json::json!({ "args": args }).to_string(),
        )
        .unwrap();
        let c = ClientNodes::of_run(dir.path()).unwrap();
        assert_eq!(
            c,
            ClientNodes::new(vec!["n0".into(), "n1".into(), "n2".into()], 6)
        );
        std::fs::write(dir.path().join("run.json"), "{not json").unwrap();
        assert_eq!(ClientNodes::of_run(dir.path()), None);
    }
}
