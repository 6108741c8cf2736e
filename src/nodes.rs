//! Every node binary of this crate by name, so a host can run any of them
//! in-process (the bench's virtual-time host). `src/bin/<name>.rs` runs the
//! same type under the reactor.

use crate::runtime::{Driver, HostedNode, Node, Setup};
use crate::workloads::{
    broadcast, echo, g_counter, g_set, kafka, list_append, pn_counter, raft, txn, unique_ids,
};

/// The binaries' names, as in `src/bin/`.
pub const NAMES: &[&str] = &[
    "broadcast",
    "echo",
    "g-counter",
    "g-set",
    "kafka",
    "lin-kv",
    "pn-counter",
    "txn-list-append",
    "txn-rw-register",
    "unique-ids",
];

fn boxed<N: Node>(setup: Setup) -> Box<dyn HostedNode> {
    Box::new(Driver::<N>::with_setup(0, setup))
}

/// A fresh node of binary `name` (before `init`), or None for a name that
/// is not one of `NAMES`.
pub fn hosted(name: &str, setup: Setup) -> Option<Box<dyn HostedNode>> {
    Some(match name {
        "broadcast" => boxed::<broadcast::BroadcastNode>(setup),
        "echo" => boxed::<echo::EchoNode>(setup),
        "g-counter" => boxed::<g_counter::GCounterNode>(setup),
        "g-set" => boxed::<g_set::GSetNode>(setup),
        "kafka" => boxed::<kafka::KafkaNode>(setup),
        "lin-kv" => boxed::<raft::RaftNode>(setup),
        "pn-counter" => boxed::<pn_counter::PnCounterNode>(setup),
        "txn-list-append" => boxed::<list_append::ListAppendNode>(setup),
        "txn-rw-register" => boxed::<txn::TxnNode>(setup),
        "unique-ids" => boxed::<unique_ids::UniqueIdsNode>(setup),
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_is_hosted_and_every_binary_named() {
        for name in NAMES {
            assert!(hosted(name, Setup::default()).is_some(), "{name}");
            let bin = concat!(env!("CARGO_MANIFEST_DIR"), "/src/bin/");
            assert!(
                std::path::Path::new(&format!("{bin}{name}.rs")).exists(),
                "src/bin/{name}.rs"
            );
        }
        assert!(hosted("nope", Setup::default()).is_none());
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/src/bin");
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            let stem = path.file_stem().unwrap().to_str().unwrap().to_string();
            assert!(
                NAMES.contains(&stem.as_str()),
                "src/bin/{stem}.rs is not in NAMES"
            );
        }
    }

    #[test]
    fn a_hosted_node_answers_init() {
        let mut n = hosted("echo", Setup::default()).unwrap();
        n.handle_line(
            br#"{"src":"c0","dest":"n0","body":{"type":"init","msg_id":1,"node_id":"n0","node_ids":["n0"]}}"#,
            0,
        );
        let out = String::from_utf8(n.take_output()).unwrap();
        assert!(
            out.contains(r#""type":"init_ok""#) && out.ends_with('\n'),
            "{out}"
        );
    }
}
