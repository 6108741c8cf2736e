//! The workloads the embedded engine can run.

pub mod add_read_client;
pub mod broadcast;
pub mod echo;
pub mod final_reads;
pub mod g_counter;
pub mod g_set;
pub mod kafka;
pub mod lin_kv;
pub mod pn_counter;
pub mod rpc;
pub mod topology;
pub mod txn_list_append;
pub mod txn_rw_register;
pub mod unique_ids;
mod workload;

pub use workload::{
    Client, Completion, FinalPhase, FinalStep, Generator, OpSpec, RpcOutcome, Step, TestOpts,
    Workload,
};

/// One workload of the bench: its `-w` name, the matrix family its rows
/// belong to (`cargo xtask test FAMILY`), and how to make it.
pub struct Entry {
    pub name: &'static str,
    pub family: &'static str,
    make: fn() -> Box<dyn Workload>,
}

const fn row(name: &'static str, family: &'static str, make: fn() -> Box<dyn Workload>) -> Entry {
    Entry { name, family, make }
}

/// Every workload, in the order the challenges come (the help line's order).
/// The `-w` check, the usage texts, [`by_name`], the matrix families and
/// `cargo xtask`'s help line all read this table; a test ties it to the
/// node crate's `nodes::NAMES` (one node per workload, same name).
pub const TABLE: [Entry; 10] = [
    row("echo", "echo", || Box::new(echo::Echo)),
    row("unique-ids", "unique-ids", || {
        Box::new(unique_ids::UniqueIds)
    }),
    row("broadcast", "broadcast", || Box::new(broadcast::Broadcast)),
    row("g-counter", "g-counter", || Box::new(g_counter::G_COUNTER)),
    row("kafka", "kafka", || Box::new(kafka::Kafka)),
    row("txn-rw-register", "txn", || {
        Box::new(txn_rw_register::TxnRwRegister)
    }),
    row("txn-list-append", "txn-list-append", || {
        Box::new(txn_list_append::TxnListAppend)
    }),
    row("lin-kv", "lin-kv", || Box::new(lin_kv::LinKv)),
    row("g-set", "g-set", || Box::new(g_set::GSet)),
    row("pn-counter", "pn-counter", || {
        Box::new(pn_counter::PN_COUNTER)
    }),
];

/// The `-w` names, sorted (as Maelstrom's usage and errors list them).
pub fn names() -> Vec<&'static str> {
    let mut names: Vec<&str> = TABLE.iter().map(|e| e.name).collect();
    names.sort_unstable();
    names
}

/// The matrix families, in the table's order.
pub fn families() -> Vec<&'static str> {
    TABLE.iter().map(|e| e.family).collect()
}

/// The entry registered under a `-w` name.
pub fn entry(name: &str) -> Option<&'static Entry> {
    TABLE.iter().find(|e| e.name == name)
}

/// The workload registered under a `-w` name, if the embedded engine has it.
pub fn by_name(name: &str) -> Option<Box<dyn Workload>> {
    entry(name).map(|e| (e.make)())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_names_one_of_our_nodes_per_workload() {
        let mut ours = gossip_glomers::nodes::NAMES.to_vec();
        ours.sort_unstable();
        assert_eq!(names(), ours, "workload table vs nodes::NAMES");
        for e in &TABLE {
            assert_eq!(
                (e.make)().name(),
                e.name,
                "{} makes another workload",
                e.name
            );
        }
        let mut families = families();
        families.sort_unstable();
        families.dedup();
        assert_eq!(families.len(), TABLE.len(), "one family a workload");
    }
}
