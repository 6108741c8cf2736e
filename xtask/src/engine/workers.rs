//! Client worker threads (common.md sections 2-3): the global stagger, the
//! round-robin cursor, one op in flight per thread, process renumbering after
//! `:info`, client replacement, the time limit and the final phase.

use super::core::{Engine, Phase, Role, Timer, SEC};
use crate::history::{OpType, Process};
use crate::workload::{Client, Completion, FinalStep, OpSpec, RpcOutcome, Step};
use serde_json::Value;

/// The operation a worker is running.
pub struct InFlight {
    pub invoke_index: usize,
    pub f: String,
    pub is_final: bool,
}

pub struct Worker {
    /// Index of the node this thread always talks to.
    pub node: usize,
    /// Jepsen process number: thread, then + concurrency after each :info.
    pub process: u64,
    /// Network client id, opened lazily.
    pub conn: Option<String>,
    /// The process `conn` was opened for. A non-reusable client is replaced
    /// when the thread's next invocation carries another process.
    pub conn_process: u64,
    pub client: Option<Box<dyn Client>>,
    pub inflight: Option<InFlight>,
    pub final_done: bool,
}

impl Worker {
    pub fn new(thread: usize, node: usize) -> Self {
        Worker {
            node,
            process: thread as u64,
            conn: None,
            conn_process: thread as u64,
            client: None,
            inflight: None,
            final_done: false,
        }
    }
}

impl Engine<'_> {
    pub fn start_main(&mut self) {
        self.phase = Phase::Main;
        let now = self.now();
        self.t0 = Some(now);
        self.cutoff_ns = now + self.spec.opts.time_limit_s * SEC;
        self.schedule(self.cutoff_ns, Timer::MainCutoff);
        if self.spec.opts.rate > 0.0 && !self.workers.is_empty() {
            self.schedule(now, Timer::Stagger);
        }
        if self.spec.opts.nemesis_partition {
            self.schedule(now, Timer::Nemesis);
        }
    }

    fn free_thread(&self) -> Option<usize> {
        let c = self.workers.len();
        (0..c)
            .map(|k| (self.cursor + k) % c)
            .find(|&t| self.workers[t].inflight.is_none())
    }

    /// The stagger releases one op: hand it to the first free thread at or
    /// after the cursor, or wait for one (no catch-up afterwards).
    pub fn on_stagger(&mut self) {
        if self.phase != Phase::Main || self.now() >= self.cutoff_ns {
            return;
        }
        match self.free_thread() {
            Some(t) => self.release_to(t),
            None => self.stagger_waiting = true,
        }
    }

    fn release_to(&mut self, t: usize) {
        self.stagger_waiting = false;
        self.cursor = (self.cursor + 1) % self.workers.len();
        let rel = self.rel_now();
        let spec = self.gen.next(t, rel, &mut self.rng_gen);
        self.start_op(t, spec, false);
        // Next gap U[0, 2/rate) from the actual release time.
        let gap = self.rng_stagger.f64() * 2.0 / self.spec.opts.rate;
        let at = self.now() + (gap * SEC as f64) as u64;
        self.schedule(at, Timer::Stagger);
    }

    fn start_op(&mut self, t: usize, spec: OpSpec, is_final: bool) {
        // Jepsen 0.3.1 jepsen/src/jepsen/generator/interpreter.clj,
        // `ClientWorker/invoke!`: `(if (and (not= process (:process op))
        // (not (client/is-reusable? client test))) (do (close! this test) ...`.
        // The client of a process that went :info is closed here, at the
        // thread's next invocation, not at the :info: until then its id stays
        // registered, so a late reply to it is dropped harmlessly. A thread
        // with no next invocation (a timed-out final read) keeps it to the end.
        let w = &self.workers[t];
        if w.conn.is_some() && w.conn_process != w.process && !self.workload.client_reusable() {
            if let Some(id) = self.workers[t].conn.take() {
                self.close_client(&id);
            }
            self.workers[t].client = None;
        }
        if self.workers[t].conn.is_none() {
            let id = self.open_client(Role::Worker(t));
            self.workers[t].conn = Some(id);
            self.workers[t].conn_process = self.workers[t].process;
            self.workers[t].client = None;
        }
        if self.workers[t].client.is_none() {
            self.workers[t].client = Some(self.workload.client(&self.spec.opts));
        }
        let process = Process::Client(self.workers[t].process);
        let idx = self.record(
            process,
            OpType::Invoke,
            &spec.f,
            spec.value.clone(),
            None,
            None,
            is_final,
        );
        self.workers[t].inflight = Some(InFlight {
            invoke_index: idx,
            f: spec.f.clone(),
            is_final,
        });
        let step = match self.workers[t].client.as_mut() {
            Some(c) => c.invoke(&spec),
            None => return,
        };
        self.handle_step(t, step);
    }

    fn handle_step(&mut self, t: usize, step: Step) {
        match step {
            Step::Complete(c) => self.complete(t, c),
            Step::Send(body) => {
                let node = self.nodes[self.workers[t].node].id.clone();
                let conn = self.workers[t].conn.clone().unwrap_or_default();
                let timeout = self.workload.rpc_timeout_ms(&self.spec.opts) * 1_000_000;
                if let Err(e) = self.client_send(&conn, &node, body, timeout) {
                    let value = self.invoke_value(t);
                    self.complete(t, Completion::exception(value, e));
                }
            }
        }
    }

    fn invoke_value(&self, t: usize) -> Value {
        self.workers[t]
            .inflight
            .as_ref()
            .and_then(|f| self.history.get(f.invoke_index))
            .map(|o| o.value.clone())
            .unwrap_or(Value::Null)
    }

    fn resume(&mut self, t: usize, outcome: RpcOutcome<'_>) {
        let Some(mut client) = self.workers[t].client.take() else {
            return;
        };
        let step = client.on_rpc(outcome);
        self.workers[t].client = Some(client);
        self.handle_step(t, step);
    }

    pub fn on_worker_reply(&mut self, t: usize, body: Value) {
        self.resume(t, RpcOutcome::Reply(&body));
    }

    pub fn on_worker_timeout(&mut self, t: usize) {
        self.resume(t, RpcOutcome::Timeout);
    }

    fn complete(&mut self, t: usize, c: Completion) {
        let Some(fl) = self.workers[t].inflight.take() else {
            return;
        };
        let process = Process::Client(self.workers[t].process);
        let kind = if c.kind == OpType::Invoke {
            OpType::Info
        } else {
            c.kind
        };
        let idx = self.record(
            process,
            kind,
            &fl.f,
            c.value,
            c.error,
            c.exception,
            fl.is_final,
        );
        if let (Some(inv), Some(done)) = (self.history.get(fl.invoke_index), self.history.get(idx))
        {
            self.gen.observe(inv, done);
        }
        if kind == OpType::Info {
            self.workers[t].process += self.workers.len() as u64;
        }
        match self.phase {
            Phase::Main if self.stagger_waiting && self.now() < self.cutoff_ns => {
                if let Some(free) = self.free_thread() {
                    self.release_to(free);
                }
            }
            Phase::Drain => self.maybe_end_drain(),
            Phase::Final => self.final_step(t),
            _ => {}
        }
    }

    pub fn on_main_cutoff(&mut self) {
        if self.phase == Phase::Main {
            self.phase = Phase::Drain;
            self.maybe_end_drain();
        }
    }

    /// All in-flight ops are done: heal + recovery + final ops, or the end.
    fn maybe_end_drain(&mut self) {
        if self.workers.iter().any(|w| w.inflight.is_some()) {
            return;
        }
        if self.workload.final_phase().is_none() {
            self.phase = Phase::Done;
            return;
        }
        if self.spec.opts.nemesis_partition {
            self.nemesis_stop();
        }
        if !self.spec.quiet {
            println!("INFO Waiting for recovery...");
        }
        self.phase = Phase::Recovery;
        let at = self.now() + 10 * SEC;
        self.schedule(at, Timer::RecoveryDone);
    }

    pub fn start_final(&mut self) {
        self.phase = Phase::Final;
        if let Some(limit) = self.workload.final_phase().and_then(|f| f.time_limit_ns) {
            let at = self.now() + limit;
            self.schedule(at, Timer::FinalCutoff);
        }
        for t in 0..self.workers.len() {
            self.final_step(t);
        }
        self.maybe_end_final();
    }

    pub fn final_step(&mut self, t: usize) {
        if self.phase != Phase::Final
            || self.workers[t].inflight.is_some()
            || self.workers[t].final_done
        {
            return;
        }
        if self.final_cutoff {
            self.workers[t].final_done = true;
        } else {
            let rel = self.rel_now();
            match self.gen.final_next(t, rel, &mut self.rng_gen) {
                FinalStep::Op(spec) => self.start_op(t, spec, true),
                FinalStep::Sleep(ns) => {
                    let at = self.now() + ns;
                    self.schedule(at, Timer::FinalWake(t));
                }
                FinalStep::Done => self.workers[t].final_done = true,
            }
        }
        self.maybe_end_final();
    }

    pub fn on_final_cutoff(&mut self) {
        self.final_cutoff = true;
        for t in 0..self.workers.len() {
            if self.workers[t].inflight.is_none() {
                self.workers[t].final_done = true;
            }
        }
        self.maybe_end_final();
    }

    fn maybe_end_final(&mut self) {
        if self.phase == Phase::Final
            && self
                .workers
                .iter()
                .all(|w| w.final_done && w.inflight.is_none())
        {
            self.phase = Phase::Done;
        }
    }
}
