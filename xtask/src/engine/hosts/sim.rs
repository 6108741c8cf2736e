//! The in-process host: our own nodes (`gossip_glomers::nodes`) run as
//! `HostedNode`s inside the bench's process, under a `VirtualClock`. The
//! engine talks to it through `Host` exactly as it talks to processes: lines
//! in, lines out. When no node has output waiting, the clock jumps to the
//! earlier of the engine's next deadline and the nodes' next timer, so a
//! 20 s run costs only its computation, and one seed replays it exactly.

use super::{Host, HostEvent};
use crate::engine::clock::{Clock, VirtualClock};
use crate::engine::core::MS;
use gossip_glomers::runtime::{HostedNode, Setup};

/// Makes a fresh node of the named kind, or None for a name it does not
/// know. `gossip_glomers::nodes::hosted` knows every binary of ours; tests
/// pass their own to host fixture nodes that are not shipped.
pub type NodeFactory = fn(&str, Setup) -> Option<Box<dyn HostedNode>>;
use std::collections::{BTreeMap, VecDeque};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::rc::Rc;
use std::time::Duration;

struct Slot {
    node: Box<dyn HostedNode>,
    silenced: bool,
    /// Set when the node panicked: it is gone, as a crashed process is.
    crashed: Option<String>,
    /// Where this node's milliseconds begin on the virtual clock, within the
    /// first one (see `local_ms`).
    offset_ns: u64,
    /// The node's next timer in virtual ns, as of the last time it ran: a
    /// node's timers change only while it runs, so the host asks it once
    /// per run (`with_node`) rather than every node for every event.
    deadline_ns: Option<u64>,
}

impl Slot {
    /// The node's own clock at virtual time `ns`. A process counts whole
    /// milliseconds from its own start, so two nodes' millisecond timers
    /// never fire at the same instant in real time. Without an offset every
    /// in-process node would tick at the same virtual instant: two nodes
    /// gossiping on the same period would always cross exactly, which real
    /// processes never do (it cost CRDT nodes ~5 % extra messages).
    fn local_ms(&self, ns: u64) -> u64 {
        ns.saturating_sub(self.offset_ns) / MS
    }

    /// Asks the node for its next timer and keeps it in `deadline_ns`
    /// (none for a crashed node, whose timers never fire).
    fn refresh_deadline(&mut self) {
        self.deadline_ns = match self.crashed {
            Some(_) => None,
            None => self
                .node
                .next_deadline()
                .map(|d| d.saturating_mul(MS).saturating_add(self.offset_ns)),
        };
    }
}

pub struct SimHost {
    clock: Rc<VirtualClock>,
    slots: Vec<Slot>,
    /// What nodes wrote and the engine has not yet taken, in order.
    ready: VecDeque<HostEvent>,
    /// Timer rounds run at the current virtual millisecond: a node that keeps
    /// re-arming 0 ms timers would otherwise stop time (see `next_event`).
    rounds_this_ms: (u64, u32),
}

/// Timer rounds one virtual millisecond may hold before time moves on.
const MAX_ROUNDS_PER_MS: u32 = 10_000;

/// A per-node number from the run's seed (splitmix64 of seed and index), so
/// each node's rng and incarnation differ and are fixed by the seed.
fn mix(seed: u64, k: u64) -> u64 {
    let mut z = seed ^ k.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

impl SimHost {
    /// `count` fresh nodes of our binary `name`, seeded from `seed`, each
    /// with `env` as its environment.
    pub fn new(
        clock: Rc<VirtualClock>,
        factory: NodeFactory,
        name: &str,
        count: usize,
        seed: u64,
        env: &BTreeMap<String, String>,
    ) -> Result<Self, String> {
        let mut slots = Vec::with_capacity(count);
        for i in 0..count {
            let setup = Setup {
                incarnation: mix(seed, i as u64),
                rng_salt: mix(seed, u64::MAX),
                env: env.clone(),
            };
            let node = factory(name, setup).ok_or_else(|| unknown_node(name))?;
            let mut slot = Slot {
                node,
                silenced: false,
                crashed: None,
                offset_ns: mix(seed, i as u64 ^ 0x0ff5e7) % MS,
                deadline_ns: None,
            };
            slot.refresh_deadline();
            slots.push(slot);
        }
        Ok(SimHost {
            clock,
            slots,
            ready: VecDeque::new(),
            rounds_this_ms: (0, 0),
        })
    }

    fn now_ms(&self) -> u64 {
        self.clock.now_ns() / MS
    }

    fn local_ms(&self, i: usize) -> u64 {
        self.slots[i].local_ms(self.clock.now_ns())
    }

    /// Runs `f` on node `i`; a panic crashes that node (reported through
    /// `exit_status`) instead of the bench.
    fn with_node(&mut self, i: usize, f: impl FnOnce(&mut dyn HostedNode)) {
        let Some(slot) = self.slots.get_mut(i) else {
            return;
        };
        if slot.crashed.is_some() {
            return;
        }
        if let Err(p) = catch_unwind(AssertUnwindSafe(|| f(&mut *slot.node))) {
            let msg = p
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_default();
            slot.crashed = Some(format!("a panic: {msg}"));
        }
        slot.refresh_deadline();
        self.collect(i);
    }

    /// Queues what node `i` wrote: its stdout lines, then its log lines.
    fn collect(&mut self, i: usize) {
        let slot = &mut self.slots[i];
        let out = slot.node.take_output();
        if !slot.silenced {
            for line in out.split(|&b| b == b'\n').filter(|l| !l.is_empty()) {
                self.ready.push_back(HostEvent::Stdout {
                    node: i,
                    line: String::from_utf8_lossy(line).into_owned(),
                });
            }
        }
        for line in slot.node.take_log() {
            self.ready.push_back(HostEvent::Stderr { node: i, line });
        }
    }

    /// The earliest timer deadline of any live node, in virtual ns.
    fn next_node_deadline(&self) -> Option<u64> {
        self.slots.iter().filter_map(|s| s.deadline_ns).min()
    }
}

/// The error for a `--sim` node name that is not one of ours.
pub fn unknown_node(name: &str) -> String {
    format!(
        "--sim runs our own nodes only; {name:?} is not one of {}",
        gossip_glomers::nodes::NAMES.join(", ")
    )
}

impl Host for SimHost {
    fn deliver(&mut self, node: usize, line: String) {
        if node >= self.slots.len() {
            return;
        }
        let now = self.local_ms(node);
        self.with_node(node, |n| n.handle_line(line.as_bytes(), now));
    }

    /// An in-process node takes each line as it is handed over.
    fn accepts(&self, _node: usize) -> bool {
        true
    }

    fn next_event(&mut self, _clock: &dyn Clock, deadline_ns: u64) -> Option<HostEvent> {
        loop {
            if let Some(ev) = self.ready.pop_front() {
                return Some(ev);
            }
            match self.next_node_deadline() {
                Some(at_ns) if at_ns <= deadline_ns => {
                    self.clock.advance_to(at_ns);
                    let mut now = self.now_ms();
                    if self.rounds_this_ms.0 == now {
                        self.rounds_this_ms.1 += 1;
                        if self.rounds_this_ms.1 > MAX_ROUNDS_PER_MS {
                            // A node is busy-looping on 0 ms timers: let its
                            // work cost a millisecond, as it would in real time.
                            now += 1;
                            self.clock.advance_to(now * MS);
                            self.rounds_this_ms = (now, 0);
                        }
                    } else {
                        self.rounds_this_ms = (now, 0);
                    }
                    let now_ns = self.clock.now_ns();
                    for i in 0..self.slots.len() {
                        if self.slots[i].deadline_ns.is_some_and(|d| d <= now_ns) {
                            let local = self.local_ms(i);
                            self.with_node(i, |n| n.tick(local));
                        }
                    }
                }
                _ => {
                    self.clock.advance_to(deadline_ns);
                    return None;
                }
            }
        }
    }

    fn silence_stdout(&mut self, node: usize) {
        if let Some(s) = self.slots.get_mut(node) {
            s.silenced = true;
        }
    }

    fn exit_status(&mut self, node: usize) -> Option<String> {
        self.slots.get(node)?.crashed.clone()
    }

    fn shutdown(&mut self, _grace: Duration) {}
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;

    thread_local! {
        /// (node runs: lines and ticks, `next_deadline` calls) on this thread.
        static CALLS: Cell<(u64, u64)> = const { Cell::new((0, 0)) };
    }

    /// One of our nodes, counting what the host asks of it.
    struct Counted(Box<dyn HostedNode>);

    impl HostedNode for Counted {
        fn handle_line(&mut self, line: &[u8], now_ms: u64) {
            CALLS.with(|c| c.set((c.get().0 + 1, c.get().1)));
            self.0.handle_line(line, now_ms)
        }
        fn tick(&mut self, now_ms: u64) {
            CALLS.with(|c| c.set((c.get().0 + 1, c.get().1)));
            self.0.tick(now_ms)
        }
        fn next_deadline(&mut self) -> Option<u64> {
            CALLS.with(|c| c.set((c.get().0, c.get().1 + 1)));
            self.0.next_deadline()
        }
        fn take_output(&mut self) -> Vec<u8> {
            self.0.take_output()
        }
        fn take_log(&mut self) -> Vec<String> {
            self.0.take_log()
        }
    }

    fn counted(name: &str, setup: Setup) -> Option<Box<dyn HostedNode>> {
        let node = gossip_glomers::nodes::hosted(name, setup)?;
        Some(Box::new(Counted(node)))
    }

    /// A node's timers change only while it runs, so the host asks each
    /// node for its next deadline once per run of it (and once at the
    /// start), not every node after every event: that was 16 % of a 3d
    /// run's CPU (25 nodes asked ~18 000 times each).
    #[test]
    fn a_node_is_asked_for_its_next_timer_once_per_run() {
        let words: Vec<String> =
            "--bin broadcast -w broadcast --node-count 5 --time-limit 3 --rate 20"
                .split_whitespace()
                .map(String::from)
                .collect();
        let args = crate::cli::parse(&words).unwrap();
        let nodes = crate::engine::Nodes::InProcess {
            name: "broadcast".into(),
            env: BTreeMap::new(),
            factory: counted,
        };
        let w = crate::workloads::by_name("broadcast").unwrap();
        CALLS.with(|c| c.set((0, 0)));
        let out = crate::engine::execute(w.as_ref(), &args.opts, &nodes, 3, None).unwrap();
        assert_eq!(out.analysis.unwrap().1, crate::checkers::Validity::True);
        let (runs, asked) = CALLS.with(Cell::get);
        assert!(runs > 500, "only {runs} node runs");
        assert!(
            asked <= runs + 5,
            "{asked} deadline queries for {runs} runs"
        );
    }
}
