//! The client worker threads: the global stagger, the round-robin cursor,
//! one operation in flight per thread, process renumbering after `:info`,
//! client replacement, the time limit and the final phase. Sources:
//! jepsen 0.3.1 jepsen/src/jepsen/generator/interpreter.clj (`run!`,
//! `ClientWorker`), jepsen/src/jepsen/generator.clj (`stagger`,
//! `time-limit`, `each-thread`), and the workloads' `:final-generator`s in
//! jepsen-io/maelstrom v0.2.3 src/maelstrom/workload/. `Workers` owns all of
//! that state; the loop lends it the `Fabric` to record, send and schedule.

use super::fabric::{Fabric, Record, Role, Timer, SEC};
use crate::history::{OpType, Process};
use crate::opts::TestOpts;
use crate::workload::{
    Client, Completion, FinalStep, Generator, OpSpec, RpcOutcome, Step, Workload,
};
use serde_json::Value;

/// The operation a thread is running.
struct InFlight {
    invoke_index: usize,
    f: String,
    is_final: bool,
}

/// One worker thread.
struct Thread {
    /// Index of the node this thread always talks to (thread mod node count).
    node: usize,
    /// Jepsen process number: the thread, then + concurrency after each :info.
    process: u64,
    /// Network client id, opened lazily.
    conn: Option<String>,
    /// The process `conn` was opened for.
    conn_process: u64,
    client: Option<Box<dyn Client>>,
    inflight: Option<InFlight>,
    final_done: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Stage {
    Before,
    Main,
    /// Past the time limit, waiting for in-flight operations.
    Drain,
    /// Between the drain and the final phase (heal, recovery).
    Idle,
    Final,
    Done,
}

/// What the loop should do after a call.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum After {
    Continue,
    /// The main phase is over and nothing is in flight.
    Drained,
    /// Every thread finished the final phase.
    FinalDone,
}

pub struct Workers<'a> {
    workload: &'a dyn Workload,
    opts: TestOpts,
    threads: Vec<Thread>,
    cursor: usize,
    /// The stagger released an op while every thread was busy.
    stagger_waiting: bool,
    gen: Box<dyn Generator>,
    rng_gen: fastrand::Rng,
    rng_stagger: fastrand::Rng,
    stage: Stage,
    cutoff_ns: u64,
    final_cutoff: bool,
}

impl<'a> Workers<'a> {
    pub fn new(
        workload: &'a dyn Workload,
        opts: &TestOpts,
        rng_gen: fastrand::Rng,
        rng_stagger: fastrand::Rng,
    ) -> Self {
        let n = opts.node_ids.len().max(1);
        let threads = (0..opts.concurrency)
            .map(|t| Thread {
                node: t % n,
                process: t as u64,
                conn: None,
                conn_process: t as u64,
                client: None,
                inflight: None,
                final_done: false,
            })
            .collect();
        Workers {
            workload,
            opts: opts.clone(),
            threads,
            cursor: 0,
            stagger_waiting: false,
            gen: workload.generator(opts),
            rng_gen,
            rng_stagger,
            stage: Stage::Before,
            cutoff_ns: u64::MAX,
            final_cutoff: false,
        }
    }

    /// The main phase begins now: the stagger's first release and the time limit.
    pub fn start_main(&mut self, fabric: &mut Fabric<'_>) {
        self.stage = Stage::Main;
        let now = fabric.now();
        self.cutoff_ns = now + self.opts.time_limit_s * SEC;
        fabric.schedule(self.cutoff_ns, Timer::MainCutoff);
        if self.opts.rate > 0.0 && !self.threads.is_empty() {
            fabric.schedule(now, Timer::Stagger);
        }
    }

    /// Whether the main phase is on and before its time limit at `now`.
    pub fn in_main_phase(&self, now: u64) -> bool {
        self.stage == Stage::Main && now < self.cutoff_ns
    }

    fn free_thread(&self) -> Option<usize> {
        let c = self.threads.len();
        (0..c)
            .map(|k| (self.cursor + k) % c)
            .find(|&t| self.threads[t].inflight.is_none())
    }

    /// The stagger releases one op: hand it to the first free thread at or
    /// after the cursor, or wait for one (no catch-up afterwards).
    pub fn on_stagger(&mut self, fabric: &mut Fabric<'_>) {
        if !self.in_main_phase(fabric.now()) {
            return;
        }
        match self.free_thread() {
            Some(t) => self.release_to(t, fabric),
            None => self.stagger_waiting = true,
        }
    }

    fn release_to(&mut self, t: usize, fabric: &mut Fabric<'_>) {
        self.stagger_waiting = false;
        self.cursor = (self.cursor + 1) % self.threads.len();
        let spec = self.gen.next(t, fabric.rel_now(), &mut self.rng_gen);
        self.start_op(t, spec, false, fabric);
        // Next gap U[0, 2/rate) from the actual release time.
        let gap = self.rng_stagger.f64() * 2.0 / self.opts.rate;
        let at = fabric.now() + (gap * SEC as f64) as u64;
        fabric.schedule(at, Timer::Stagger);
    }

    fn start_op(&mut self, t: usize, spec: OpSpec, is_final: bool, fabric: &mut Fabric<'_>) {
        // Jepsen 0.3.1 jepsen/src/jepsen/generator/interpreter.clj,
        // `ClientWorker/invoke!`: `(if (and (not= process (:process op))
        // (not (client/is-reusable? client test))) (do (close! this test) ...`.
        // The client of a process that went :info is closed here, at the
        // thread's next invocation, not at the :info: until then its id stays
        // registered, so a late reply to it is dropped harmlessly. A thread
        // with no next invocation (a timed-out final read) keeps it to the end.
        let reusable = self.workload.client_reusable();
        let th = &mut self.threads[t];
        if th.conn.is_some() && th.conn_process != th.process && !reusable {
            if let Some(id) = th.conn.take() {
                fabric.close_client(&id);
            }
            th.client = None;
        }
        if th.conn.is_none() {
            th.conn = Some(fabric.open_client(Role::Worker(t)));
            th.conn_process = th.process;
            th.client = None;
        }
        if th.client.is_none() {
            th.client = Some(self.workload.client(&self.opts));
        }
        let mut invoke = Record::new(
            Process::Client(th.process),
            OpType::Invoke,
            &spec.f,
            spec.value.clone(),
        );
        invoke.is_final = is_final;
        let invoke_index = fabric.record(invoke);
        th.inflight = Some(InFlight {
            invoke_index,
            f: spec.f.clone(),
            is_final,
        });
        let step = match th.client.as_mut() {
            Some(c) => c.invoke(&spec),
            None => return,
        };
        self.handle_step(t, step, fabric);
    }

    fn handle_step(&mut self, t: usize, step: Step, fabric: &mut Fabric<'_>) -> After {
        match step {
            Step::Complete(c) => self.complete(t, c, fabric),
            Step::Send(body) => {
                let node = self.opts.node_ids[self.threads[t].node].clone();
                let conn = self.threads[t].conn.clone().unwrap_or_default();
                let timeout = self.workload.rpc_timeout_ms(&self.opts) * 1_000_000;
                match fabric.client_send(&conn, &node, body, timeout) {
                    Ok(_) => After::Continue,
                    Err(e) => {
                        let value = self.invoke_value(t, fabric);
                        self.complete(t, Completion::exception(value, e), fabric)
                    }
                }
            }
        }
    }

    fn invoke_value(&self, t: usize, fabric: &Fabric<'_>) -> Value {
        self.threads[t]
            .inflight
            .as_ref()
            .and_then(|f| fabric.op(f.invoke_index))
            .map(|o| o.value.clone())
            .unwrap_or(Value::Null)
    }

    fn resume(&mut self, t: usize, outcome: RpcOutcome<'_>, fabric: &mut Fabric<'_>) -> After {
        let Some(mut client) = self.threads.get_mut(t).and_then(|th| th.client.take()) else {
            return After::Continue;
        };
        let step = client.on_rpc(outcome);
        self.threads[t].client = Some(client);
        self.handle_step(t, step, fabric)
    }

    /// The reply to thread `t`'s pending request arrived.
    pub fn on_reply(&mut self, t: usize, body: Value, fabric: &mut Fabric<'_>) -> After {
        self.resume(t, RpcOutcome::Reply(&body), fabric)
    }

    /// Thread `t`'s pending request timed out.
    pub fn on_timeout(&mut self, t: usize, fabric: &mut Fabric<'_>) -> After {
        self.resume(t, RpcOutcome::Timeout, fabric)
    }

    fn complete(&mut self, t: usize, c: Completion, fabric: &mut Fabric<'_>) -> After {
        let Some(fl) = self.threads[t].inflight.take() else {
            return After::Continue;
        };
        let kind = if c.kind == OpType::Invoke {
            OpType::Info
        } else {
            c.kind
        };
        let idx = fabric.record(Record {
            process: Process::Client(self.threads[t].process),
            kind,
            f: &fl.f,
            value: c.value,
            error: c.error,
            exception: c.exception,
            is_final: fl.is_final,
        });
        if let (Some(inv), Some(done)) = (fabric.op(fl.invoke_index), fabric.op(idx)) {
            self.gen.observe(inv, done);
        }
        if kind == OpType::Info {
            // interpreter.clj `run!`: a crashed (:info) process is replaced
            // by one numbered `(+ process concurrency)`.
            self.threads[t].process += self.threads.len() as u64;
        }
        match self.stage {
            Stage::Main if self.stagger_waiting && fabric.now() < self.cutoff_ns => {
                if let Some(free) = self.free_thread() {
                    self.release_to(free, fabric);
                }
                After::Continue
            }
            Stage::Drain => self.drained(),
            Stage::Final => self.final_step(t, fabric),
            _ => After::Continue,
        }
    }

    /// The time limit passed: no new operations; wait for those in flight.
    pub fn on_cutoff(&mut self) -> After {
        if self.stage != Stage::Main {
            return After::Continue;
        }
        self.stage = Stage::Drain;
        self.drained()
    }

    fn drained(&mut self) -> After {
        if self.threads.iter().any(|th| th.inflight.is_some()) {
            return After::Continue;
        }
        self.stage = Stage::Idle;
        After::Drained
    }

    /// The final phase begins (after the heal and the recovery sleep).
    pub fn start_final(&mut self, fabric: &mut Fabric<'_>) -> After {
        self.stage = Stage::Final;
        if let Some(limit) = self.workload.final_phase().and_then(|f| f.time_limit_ns) {
            fabric.schedule(fabric.now() + limit, Timer::FinalCutoff);
        }
        for t in 0..self.threads.len() {
            if self.final_step(t, fabric) == After::FinalDone {
                return After::FinalDone;
            }
        }
        self.final_finished()
    }

    /// Thread `t` asks its final generator for the next step.
    pub fn final_step(&mut self, t: usize, fabric: &mut Fabric<'_>) -> After {
        let th = &self.threads[t];
        if self.stage != Stage::Final || th.inflight.is_some() || th.final_done {
            return After::Continue;
        }
        if self.final_cutoff {
            self.threads[t].final_done = true;
        } else {
            match self.gen.final_next(t, fabric.rel_now(), &mut self.rng_gen) {
                FinalStep::Op(spec) => self.start_op(t, spec, true, fabric),
                FinalStep::Sleep(ns) => fabric.schedule(fabric.now() + ns, Timer::FinalWake(t)),
                FinalStep::Done => self.threads[t].final_done = true,
            }
        }
        self.final_finished()
    }

    /// The final phase's time limit passed: threads stop once idle.
    pub fn on_final_cutoff(&mut self) -> After {
        self.final_cutoff = true;
        for th in &mut self.threads {
            if th.inflight.is_none() {
                th.final_done = true;
            }
        }
        self.final_finished()
    }

    fn final_finished(&mut self) -> After {
        let all_done = self
            .threads
            .iter()
            .all(|th| th.final_done && th.inflight.is_none());
        if self.stage == Stage::Final && all_done {
            self.stage = Stage::Done;
            return After::FinalDone;
        }
        After::Continue
    }
}
