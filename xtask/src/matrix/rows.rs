//! The matrix's rows: every challenge page's command line (and the
//! tutorials'), with the targets a row is judged by and our node's
//! environment for it.

use crate::cli::{self, TestArgs};
use crate::workloads;

/// A performance target a row is judged by, beyond Maelstrom's verdict.
#[derive(Clone, Copy, Debug)]
pub struct Target {
    /// A path into the results map, e.g. ["net", "servers", "msgs-per-op"].
    pub path: &'static [&'static str],
    pub label: &'static str,
    /// The figure must be strictly below this.
    pub below: f64,
}

/// One challenge row.
#[derive(Clone, Debug)]
pub struct Row {
    pub id: &'static str,
    pub name: &'static str,
    pub bin: &'static str,
    /// Flags after `--bin`, exactly as the challenge page gives them.
    pub flags: &'static str,
    pub targets: &'static [Target],
    /// Environment variables the node runs with (a node's mode or knobs).
    pub env: &'static [(&'static str, &'static str)],
}

pub(super) const MSGS: &[&str] = &["net", "servers", "msgs-per-op"];
pub(super) const MEDIAN: &[&str] = &["workload", "stable-latencies", "0.5"];
pub(super) const MAX: &[&str] = &["workload", "stable-latencies", "1"];
const G_COUNTER: &str =
    "-w g-counter --node-count 3 --rate 100 --time-limit 20 --nemesis partition";
/// Challenges 3d and 3e's flags (the broadcast benches run row 3d).
pub const BCAST_25: &str = "-w broadcast --node-count 25 --time-limit 20 --rate 100 --latency 100";

impl Row {
    /// The workload the row's `-w` names.
    pub fn workload(&self) -> &'static str {
        let mut words = self.flags.split_whitespace();
        let name = words.find(|w| *w == "-w").and_then(|_| words.next());
        name.and_then(workloads::entry).map_or("", |e| e.name)
    }

    /// The row's family (`cargo xtask test FAMILY`): its workload's, from
    /// the workload table.
    pub fn family(&self) -> &'static str {
        workloads::entry(self.workload()).map_or("", |e| e.family)
    }

    /// The `maelstrom test` words of this row's run: `--bin BIN`, the row's
    /// flags, its environment as `--node-env` (which reaches in-process
    /// nodes; a real Maelstrom's nodes get it from the child's environment),
    /// then `extra` (later flags win). The one place a row becomes a run:
    /// `test`, `test-all`, `explore` and the benches all start here.
    pub fn words(&self, bin: &str, extra: &[String]) -> Vec<String> {
        self.words_with(bin, self.env, extra)
    }

    /// [`Row::words`] for someone else's binary: the challenge page's
    /// flags only, never our node's environment (a knob of ours could mean
    /// anything to another program).
    pub fn foreign_words(&self, bin: &str, extra: &[String]) -> Vec<String> {
        self.words_with(bin, &[], extra)
    }

    fn words_with(&self, bin: &str, env: &[(&str, &str)], extra: &[String]) -> Vec<String> {
        let mut words = vec!["--bin".to_string(), bin.to_string()];
        words.extend(self.flags.split_whitespace().map(String::from));
        for (k, v) in env {
            words.extend(["--node-env".to_string(), format!("{k}={v}")]);
        }
        words.extend(extra.iter().cloned());
        words
    }

    /// Whether the row is a Maelstrom tutorial's rather than a Fly.io
    /// challenge's.
    pub fn is_tutorial(&self) -> bool {
        TUTORIAL_FAMILIES.contains(&self.family())
    }

    /// The earlier row of `all` this one repeats with only our node's
    /// environment changed (4-crdt: row 4 with `G_COUNTER_MODE=crdt`), if
    /// any. Such a row tests a mode of our node, so another binary has
    /// nothing new to show on it. (3d and 3e share flags and environment:
    /// one run judged against two pages' targets, no variant.)
    pub fn variant_of<'a>(&self, all: &'a [Row]) -> Option<&'a Row> {
        all.iter()
            .take_while(|r| r.id != self.id)
            .find(|r| r.flags == self.flags && r.env != self.env)
    }

    /// The row's flags, after its environment variables (`K=V ... flags`).
    pub fn command_line(&self) -> String {
        let mut line = String::new();
        for (k, v) in self.env {
            line.push_str(&format!("{k}={v} "));
        }
        line + self.flags
    }

    /// The options of this row's run with `user_flags` after its own, as a
    /// `test` child parses [`Row::words`]: the row's flags are the challenge
    /// page's command line (data, read by the flag table like any command
    /// line), and `user_flags` are words a person typed after the row id.
    /// Callers change the result as a value (`args.sim = true`), never by
    /// adding flag words of their own.
    pub fn test_args(&self, user_flags: &[String]) -> Result<TestArgs, String> {
        match cli::parse(&self.words(self.bin, user_flags)) {
            Ok(args) => Ok(args),
            Err(cli::CliError::Help) => Err("--help is no flag of a row".into()),
            Err(cli::CliError::Usage(m)) => Err(m),
        }
    }
}

/// The families of Maelstrom's own tutorials, not Fly.io challenges:
/// `--bin PATH` alone runs only the Fly.io rows (a binary built for the
/// challenges rarely speaks these workloads); `--bin g-set=PATH` runs them.
pub const TUTORIAL_FAMILIES: &[&str] = &["g-set", "pn-counter", "txn-list-append", "lin-kv"];

/// Every challenge page's command (plus 3d's flags with partitions, which the
/// 3d page requires to stay correct).
pub fn rows() -> Vec<Row> {
    vec![
        Row { id: "1", name: "Echo", bin: "echo", flags: "-w echo --node-count 1 --time-limit 10", targets: &[], env: &[] },
        Row {
            id: "2",
            name: "Unique ID Generation",
            bin: "unique-ids",
            flags: "-w unique-ids --time-limit 30 --rate 1000 --node-count 3 --availability total --nemesis partition",
            targets: &[],
            env: &[],
        },
        Row { id: "3a", name: "Single-Node Broadcast", bin: "broadcast", flags: "-w broadcast --node-count 1 --time-limit 20 --rate 10", targets: &[], env: &[] },
        Row { id: "3b", name: "Multi-Node Broadcast", bin: "broadcast", flags: "-w broadcast --node-count 5 --time-limit 20 --rate 10", targets: &[], env: &[] },
        Row {
            id: "3c",
            name: "Fault Tolerant Broadcast",
            bin: "broadcast",
            flags: "-w broadcast --node-count 5 --time-limit 20 --rate 10 --nemesis partition",
            targets: &[],
            env: &[],
        },
        Row {
            id: "3c-25",
            name: "Broadcast, 3d flags + partitions",
            bin: "broadcast",
            flags: "-w broadcast --node-count 25 --time-limit 20 --rate 100 --latency 100 --nemesis partition",
            targets: &[],
            env: &[],
        },
        Row {
            id: "3d",
            name: "Efficient Broadcast, Part I",
            bin: "broadcast",
            flags: BCAST_25,
            targets: &[
                Target { path: MSGS, label: "msgs-per-op", below: 30.0 },
                Target { path: MEDIAN, label: "median ms", below: 400.0 },
                Target { path: MAX, label: "max ms", below: 600.0 },
            ],
            env: &[],
        },
        Row {
            id: "3e",
            name: "Efficient Broadcast, Part II",
            bin: "broadcast",
            flags: BCAST_25,
            targets: &[
                Target { path: MSGS, label: "msgs-per-op", below: 20.0 },
                Target { path: MEDIAN, label: "median ms", below: 1000.0 },
                Target { path: MAX, label: "max ms", below: 2000.0 },
            ],
            env: &[],
        },
        Row {
            id: "4",
            name: "Grow-Only Counter",
            bin: "g-counter",
            flags: G_COUNTER,
            targets: &[],
            // Explicit, so a G_COUNTER_MODE in the caller's shell cannot
            // make both rows run the same design.
            env: &[("G_COUNTER_MODE", "seq-kv")],
        },
        Row {
            id: "4-crdt",
            name: "Grow-Only Counter, CRDT mode",
            bin: "g-counter",
            flags: G_COUNTER,
            targets: &[Target { path: MSGS, label: "msgs-per-op", below: 0.15 }],
            env: &[("G_COUNTER_MODE", "crdt")],
        },
        Row {
            id: "5a",
            name: "Single-Node Kafka-Style Log",
            bin: "kafka",
            flags: "-w kafka --node-count 1 --concurrency 2n --time-limit 20 --rate 1000",
            targets: &[],
            env: &[],
        },
        Row {
            id: "5b",
            name: "Multi-Node Kafka-Style Log",
            bin: "kafka",
            flags: "-w kafka --node-count 2 --concurrency 2n --time-limit 20 --rate 1000",
            targets: &[],
            env: &[],
        },
        Row {
            id: "5c",
            name: "Efficient Kafka-Style Log",
            bin: "kafka",
            flags: "-w kafka --node-count 2 --concurrency 2n --time-limit 20 --rate 1000",
            targets: &[],
            env: &[],
        },
        Row {
            id: "6a",
            name: "Single-Node, Totally-Available Transactions",
            bin: "txn-rw-register",
            flags: "-w txn-rw-register --node-count 1 --time-limit 20 --rate 1000 --concurrency 2n --consistency-models read-uncommitted --availability total",
            targets: &[],
            env: &[],
        },
        Row {
            id: "6b-i",
            name: "Totally-Available, Read Uncommitted Transactions",
            bin: "txn-rw-register",
            flags: "-w txn-rw-register --node-count 2 --concurrency 2n --time-limit 20 --rate 1000 --consistency-models read-uncommitted",
            targets: &[],
            env: &[],
        },
        Row {
            id: "6b-ii",
            name: "Totally-Available, Read Uncommitted, partitions",
            bin: "txn-rw-register",
            flags: "-w txn-rw-register --node-count 2 --concurrency 2n --time-limit 20 --rate 1000 --consistency-models read-uncommitted --availability total --nemesis partition",
            targets: &[],
            env: &[],
        },
        Row {
            id: "6c",
            name: "Totally-Available, Read Committed Transactions",
            bin: "txn-rw-register",
            // Challenge 6c's page writes `–-nemesis` (an en dash): a typo for `--nemesis`.
            flags: "-w txn-rw-register --node-count 2 --concurrency 2n --time-limit 20 --rate 1000 --consistency-models read-committed --availability total --nemesis partition",
            targets: &[],
            env: &[],
        },
        // Maelstrom's CRDT tutorial (doc/04-crdts), not a Fly.io challenge.
        Row {
            id: "g-set",
            name: "Grow-Only Set (Maelstrom tutorial)",
            bin: "g-set",
            flags: "-w g-set --time-limit 30 --rate 10 --nemesis partition",
            targets: &[],
            env: &[],
        },
        Row {
            id: "pn-counter",
            name: "PN-Counter (Maelstrom tutorial)",
            bin: "pn-counter",
            flags: "-w pn-counter --time-limit 30 --rate 10 --nemesis partition",
            targets: &[],
            env: &[],
        },
        // Maelstrom's own tutorial (doc/05-datomic) runs txn-list-append with
        // these flags; the third row is strict serializability under partitions.
        Row {
            id: "la-2",
            name: "List-Append Transactions, 2 nodes",
            bin: "txn-list-append",
            flags: "-w txn-list-append --time-limit 10 --node-count 2 --rate 100",
            targets: &[],
            env: &[],
        },
        Row {
            id: "la-1",
            name: "List-Append Transactions, 1 node, 10 clients",
            bin: "txn-list-append",
            flags: "-w txn-list-append --time-limit 30 --node-count 1 --concurrency 10n --rate 100",
            targets: &[],
            env: &[],
        },
        Row {
            id: "la-3p",
            name: "List-Append, Strict Serializable, partitions",
            bin: "txn-list-append",
            flags: "-w txn-list-append --consistency-models strict-serializable --nemesis partition --node-count 3 --time-limit 20 --rate 100",
            targets: &[],
            env: &[],
        },
        // Not a Gossip Glomers challenge: Maelstrom's Raft tutorial
        // (jepsen-io/maelstrom v0.2.3 doc/06-raft), against our Raft node.
        Row {
            id: "lin-kv",
            name: "Linearizable key-value store (Raft)",
            bin: "lin-kv",
            flags: "-w lin-kv --time-limit 10 --node-count 3 --concurrency 2n --rate 100",
            targets: &[],
            env: &[],
        },
        Row {
            id: "lin-kv-partition",
            name: "Linearizable key-value store (Raft), partitions",
            bin: "lin-kv",
            flags: "-w lin-kv --node-count 3 --concurrency 4n --rate 30 --time-limit 60 --nemesis partition --nemesis-interval 10",
            targets: &[],
            env: &[],
        },
    ]
}

/// The rows `test <selector>` names: a family, a row id, or `all`.
pub fn select(selector: &str) -> Result<Vec<Row>, String> {
    let all = rows();
    if selector == "all" {
        return Ok(all);
    }
    let picked: Vec<Row> = all
        .into_iter()
        .filter(|r| r.family() == selector || r.id == selector)
        .collect();
    if picked.is_empty() {
        let families = workloads::families();
        let ids: Vec<&str> = rows().iter().map(|r| r.id).collect();
        return Err(format!(
            "no challenge {selector:?}: use a family ({}) or a row ({})",
            families.join(", "),
            ids.join(", ")
        ));
    }
    Ok(picked)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_challenge_of_challenges_md_has_a_row() {
        let ids: Vec<&str> = rows().iter().map(|r| r.id).collect();
        for id in [
            "1", "2", "3a", "3b", "3c", "3d", "3e", "4", "5a", "5b", "5c", "6a", "6b-i", "6b-ii",
            "6c",
        ] {
            assert!(ids.contains(&id), "missing row {id}");
        }
        assert!(select("kafka")
            .unwrap()
            .iter()
            .all(|r| r.family() == "kafka"));
        assert_eq!(select("txn-list-append").unwrap().len(), 3);
        let lin_kv = select("lin-kv").unwrap();
        assert_eq!(lin_kv.len(), 2);
        assert!(lin_kv.iter().all(|r| r.bin == "lin-kv"));
        assert_eq!(select("3d").unwrap().len(), 1);
        assert!(select("nope").is_err());
        assert!(
            rows().iter().all(|r| !r.flags.contains('\u{2013}')),
            "6c's en-dash typo must not be copied"
        );
    }

    /// The families come from the workload table: every row names a
    /// workload of it, and every workload has a row.
    #[test]
    fn every_workload_has_a_row_and_every_row_a_workload() {
        for row in rows() {
            assert!(!row.workload().is_empty(), "row {}: no known -w", row.id);
        }
        for family in workloads::families() {
            assert!(select(family).is_ok(), "no row for {family}");
        }
        for family in TUTORIAL_FAMILIES {
            assert!(workloads::families().contains(family), "{family}");
        }
    }

    /// `--bin PATH` runs exactly these: the Fly.io challenges and 3c-25,
    /// without the tutorials and without 4-crdt (our node's other mode).
    #[test]
    fn the_fly_io_rows_are_the_challenges_and_3c_25() {
        let all = rows();
        let fly: Vec<&str> = all
            .iter()
            .filter(|r| !r.is_tutorial() && r.variant_of(&all).is_none())
            .map(|r| r.id)
            .collect();
        assert_eq!(
            fly,
            [
                "1", "2", "3a", "3b", "3c", "3c-25", "3d", "3e", "4", "5a", "5b", "5c", "6a",
                "6b-i", "6b-ii", "6c"
            ]
        );
        let crdt = select("4-crdt").unwrap().remove(0);
        assert_eq!(crdt.variant_of(&all).map(|r| r.id), Some("4"));
        let e = select("3e").unwrap().remove(0);
        assert!(e.variant_of(&all).is_none(), "3e is 3d's run, no variant");
    }

    #[test]
    fn rows_that_differ_only_in_environment_have_different_command_lines() {
        let seq_kv = select("4").unwrap().remove(0);
        let crdt = select("4-crdt").unwrap().remove(0);
        assert_eq!(seq_kv.flags, crdt.flags);
        assert_ne!(seq_kv.command_line(), crdt.command_line());
        assert!(crdt
            .command_line()
            .starts_with("G_COUNTER_MODE=crdt -w g-counter"));
        assert!(seq_kv
            .words("x", &[])
            .contains(&"G_COUNTER_MODE=seq-kv".to_string()));
        assert_eq!(
            seq_kv.foreign_words("x", &[]).join(" "),
            format!("--bin x {G_COUNTER}"),
            "no --node-env for someone else's binary"
        );
        assert_eq!(select("g-counter").unwrap().len(), 2);
        assert_eq!(select("g-set").unwrap()[0].bin, "g-set");
        assert_eq!(select("pn-counter").unwrap()[0].bin, "pn-counter");
    }
}
