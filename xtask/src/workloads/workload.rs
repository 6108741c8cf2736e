//! The contract between the engine and a workload (echo, broadcast, kafka, ...).
//!
//! The engine owns time, the network, processes, the rate limiter (stagger),
//! worker threads, msg_ids, RPC timeouts, process numbers and the history.
//! A workload supplies three things, mirroring Maelstrom's workload maps:
//! a generator of operations, a client that turns an operation into zero or
//! more RPCs and then a completion, and a checker over the finished history.
//! All three are plain state machines: no I/O, no clock except the `now_ns`
//! handed in, randomness only from the `fastrand::Rng` handed in (seeded by
//! the engine, so a `--seed` replays the same choices).

use crate::checkers::{CheckResult, OpFold};
use crate::history::{History, Op, OpType};
use serde_json::Value;

pub use crate::opts::TestOpts;

/// An operation the generator asks for: Jepsen's `{:f .. :value ..}`.
#[derive(Clone, Debug, PartialEq)]
pub struct OpSpec {
    pub f: String,
    pub value: Value,
}

impl OpSpec {
    pub fn new(f: &str, value: Value) -> Self {
        OpSpec {
            f: f.to_string(),
            value,
        }
    }
}

/// How an operation ended, as the client records it.
#[derive(Clone, Debug, PartialEq)]
pub struct Completion {
    /// Ok, Fail or Info (never Invoke).
    pub kind: OpType,
    pub value: Value,
    pub error: Option<Value>,
    pub exception: Option<String>,
}

impl Completion {
    pub fn ok(value: Value) -> Self {
        Completion {
            kind: OpType::Ok,
            value,
            error: None,
            exception: None,
        }
    }
    pub fn fail(value: Value, error: Value) -> Self {
        Completion {
            kind: OpType::Fail,
            value,
            error: Some(error),
            exception: None,
        }
    }
    pub fn info(value: Value, error: Value) -> Self {
        Completion {
            kind: OpType::Info,
            value,
            error: Some(error),
            exception: None,
        }
    }
    /// `:info` with an exception (malformed reply, client-side crash).
    pub fn exception(value: Value, text: impl Into<String>) -> Self {
        let text = text.into();
        Completion {
            kind: OpType::Info,
            value,
            error: Some(Value::String(format!("indeterminate: {text}"))),
            exception: Some(text),
        }
    }
}

/// What a client wants next.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    /// Send this RPC body to the client's node and wait. The engine adds
    /// `msg_id` (per-client counter from 1), waits up to the workload's
    /// timeout and calls `Client::on_rpc` with the outcome.
    Send(Value),
    /// The operation is complete.
    Complete(Completion),
}

/// What came back for the last `Step::Send`.
#[derive(Clone, Copy, Debug)]
pub enum RpcOutcome<'a> {
    /// The reply body (whole body, including `type`, `in_reply_to`, ...).
    Reply(&'a Value),
    /// No matching reply within the timeout.
    Timeout,
}

/// One Maelstrom network client (`cK`): at most one request in flight.
/// A non-reusable client is dropped and recreated after an `:info`.
pub trait Client {
    /// Begin an operation.
    fn invoke(&mut self, op: &OpSpec) -> Step;
    /// Continue the current operation after its RPC ended.
    fn on_rpc(&mut self, outcome: RpcOutcome<'_>) -> Step;
}

/// What the final phase asks a worker thread to do next.
#[derive(Clone, Debug, PartialEq)]
pub enum FinalStep {
    Op(OpSpec),
    /// Sleep this many nanoseconds, then ask again.
    Sleep(u64),
    /// This thread has no more final operations.
    Done,
}

/// Jepsen's generator for one test. The engine calls `next` whenever the
/// stagger releases an operation and some thread is free; `observe` after
/// every completion (kafka tracks offsets from them).
pub trait Generator {
    /// The next main-phase operation for worker `thread` at `now_ns`.
    fn next(&mut self, thread: usize, now_ns: u64, rng: &mut fastrand::Rng) -> OpSpec;
    /// Called with each invocation and its completion, in completion order.
    fn observe(&mut self, _invoke: &Op, _completion: &Op) {}
    /// Final phase, per thread (only called when `Workload::final_phase` is Some).
    fn final_next(&mut self, _thread: usize, _now_ns: u64, _rng: &mut fastrand::Rng) -> FinalStep {
        FinalStep::Done
    }
}

/// The final phase of a workload that has one: after the final heal and
/// `(gen/sleep 10)` (jepsen-io/maelstrom v0.2.3 src/maelstrom/core.clj,
/// `maelstrom-test`, the `:final-generator` branch).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct FinalPhase {
    /// Upper bound on the final phase (kafka: 10 s), after the 10 s recovery sleep.
    pub time_limit_ns: Option<u64>,
}

/// A Maelstrom workload.
pub trait Workload {
    /// `-w` name, e.g. "broadcast".
    fn name(&self) -> &'static str;
    /// A fresh generator for this test.
    fn generator(&self, opts: &TestOpts) -> Box<dyn Generator>;
    /// A fresh network client.
    fn client(&self, opts: &TestOpts) -> Box<dyn Client>;
    /// Checks the options before the run (Jepsen asserts them in the
    /// generator, and the test crashes). Err aborts the run (exit 255).
    fn validate(&self, _opts: &TestOpts) -> Result<(), String> {
        Ok(())
    }
    /// Whether a client survives an `:info` (lin-kv, unique-ids, txn-*: yes).
    fn client_reusable(&self) -> bool;
    /// RPC timeout in ms (5000 except lin-kv).
    fn rpc_timeout_ms(&self, _opts: &TestOpts) -> u64 {
        5000
    }
    /// Some for workloads with heal + 10 s + final ops.
    fn final_phase(&self) -> Option<FinalPhase> {
        None
    }
    /// The setup request sent by each node's setup client before the main
    /// phase (broadcast: topology). `None` = no setup RPC.
    fn setup_request(&self, _node: &str, _opts: &TestOpts) -> Option<Value> {
        None
    }
    /// Validate the setup reply (closed schema). Err aborts the run (exit 255).
    fn check_setup_reply(&self, _reply: &Value) -> Result<(), String> {
        Ok(())
    }
    /// The workload checker (`:workload` in results).
    fn check(&self, history: &History, opts: &TestOpts) -> CheckResult;
    /// The same checker as a fold over the ops in order, for a workload
    /// whose checker keeps only a small state (echo): the analysis then
    /// streams the history instead of reading it back whole. `check` and
    /// this must give the same result.
    fn streaming_check(&self, _opts: &TestOpts) -> Option<Box<dyn OpFold>> {
        None
    }
}
