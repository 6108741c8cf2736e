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
use crate::workloads::{
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
        // fidelity D12: a timed-out client is closed at its thread's next invocation.
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
            .and_then(|f| fabric.invocation(f.invoke_index))
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
        let invocation = fabric.take_invocation(fl.invoke_index);
        fabric.record(Record {
            process: Process::Client(self.threads[t].process),
            kind,
            f: &fl.f,
            value: c.value,
            error: c.error,
            exception: c.exception,
            is_final: fl.is_final,
        });
        if let (Some(inv), Some(done)) = (invocation, fabric.last_op()) {
            self.gen.observe(&inv, done);
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::clock::VirtualClock;
    use crate::engine::net::latency::Latency;
    use crate::engine::net::{Network, Pump};
    use crate::opts::LatencyDist;
    use serde_json::json;

    fn fabric(clock: &VirtualClock) -> Fabric<'_> {
        let net = Network::new(
            Latency::new(0, LatencyDist::Constant).unwrap(),
            fastrand::Rng::with_seed(1),
        );
        let mut f = Fabric::new(clock, net);
        f.net.register("n0");
        f
    }

    fn opts(concurrency: usize, rate: f64) -> TestOpts {
        let mut o = TestOpts::defaults(vec!["n0".into()]);
        o.concurrency = concurrency;
        o.rate = rate;
        o.time_limit_s = 10;
        o
    }

    fn workers<'a>(w: &'a dyn Workload, o: &TestOpts) -> Workers<'a> {
        Workers::new(
            w,
            o,
            fastrand::Rng::with_seed(2),
            fastrand::Rng::with_seed(3),
        )
    }

    /// Runs every timer due by `until` through `w`, moving the clock; n0
    /// answers every echo at once, except those from client `silent`.
    fn run_until(
        w: &mut Workers<'_>,
        f: &mut Fabric<'_>,
        clock: &VirtualClock,
        until: u64,
        silent: Option<&str>,
    ) {
        while let Some(at) = f.next_timer_at().filter(|&at| at <= until) {
            clock.advance_to(at);
            match f.pop_due(at).unwrap().1 {
                Timer::Stagger => w.on_stagger(f),
                Timer::RpcTimeout { client, msg_id } => {
                    if let Some(t) = take_pending(f, &client, msg_id) {
                        w.on_timeout(t, f);
                    }
                }
                _ => {}
            }
            while let Some((src, req)) = take_request(f, at) {
                if Some(src.as_str()) == silent {
                    continue;
                }
                let msg_id = req["msg_id"].as_u64().unwrap();
                if let Some(t) = take_pending(f, &src, msg_id) {
                    let reply =
                        json!({"type": "echo_ok", "echo": req["echo"], "in_reply_to": msg_id});
                    w.on_reply(t, reply, f);
                }
            }
        }
        clock.advance_to(until);
    }

    /// The request a client sent to n0, taken off the network.
    fn take_request(f: &mut Fabric<'_>, now: u64) -> Option<(String, Value)> {
        match f.net.pump("n0", now) {
            Pump::Deliver(m) => Some((m.src, m.body.into_value())),
            _ => None,
        }
    }

    /// The worker thread waiting on `client`'s `msg_id`, as the loop finds it.
    fn take_pending(f: &mut Fabric<'_>, client: &str, msg_id: u64) -> Option<usize> {
        let conn = f.conn_mut(client)?;
        match (conn.pending == Some(msg_id), conn.role) {
            (true, Role::Worker(t)) => {
                conn.pending = None;
                Some(t)
            }
            _ => None,
        }
    }

    #[test]
    fn the_stagger_releases_ops_at_uniform_gaps_below_twice_the_mean() {
        let echo = crate::workloads::echo::Echo;
        let o = opts(1000, 100.0);
        let clock = VirtualClock::new();
        let mut f = fabric(&clock);
        let mut w = workers(&echo, &o);
        f.start_history();
        w.start_main(&mut f);
        run_until(&mut w, &mut f, &clock, 10 * SEC - 1, None);
        let times: Vec<u64> = f
            .history()
            .iter()
            .filter(|op| op.kind == OpType::Invoke)
            .map(|op| op.time)
            .collect();
        let gaps: Vec<u64> = times.windows(2).map(|p| p[1] - p[0]).collect();
        assert!(
            gaps.iter().all(|&g| g < 20_000_000),
            "a gap of 2/rate or more"
        );
        let mean = gaps.iter().sum::<u64>() as f64 / gaps.len() as f64;
        assert!(
            (9e6..11e6).contains(&mean),
            "mean gap {mean} ns, rate 100/s"
        );
        assert!(
            (900..1100).contains(&times.len()),
            "{} ops in 10 s",
            times.len()
        );
        assert_eq!(times[0], 0, "the first op at the main phase's start");
    }

    #[test]
    fn an_info_renumbers_the_process_and_its_client_closes_at_the_next_invocation() {
        let echo = crate::workloads::echo::Echo;
        let o = opts(2, 10.0);
        let clock = VirtualClock::new();
        let mut f = fabric(&clock);
        let mut w = workers(&echo, &o);
        f.start_history();
        w.start_main(&mut f);
        // Thread 0's first request (from c0) is never answered; thread 1's are.
        let silent = "c0";
        run_until(&mut w, &mut f, &clock, 5 * SEC - 1, Some(silent));
        let first = &f.history()[0];
        assert_eq!(
            (first.kind, first.process),
            (OpType::Invoke, Process::Client(0))
        );
        // It times out at 5 s: :info, and thread 0 becomes process 2.
        run_until(&mut w, &mut f, &clock, 5 * SEC, Some(silent));
        let info = f
            .history()
            .iter()
            .find(|op| op.kind == OpType::Info)
            .unwrap()
            .clone();
        assert_eq!(info.process, Process::Client(0));
        // Until thread 0's next invocation, c0 stays registered, so a late
        // reply to it is dropped rather than addressed to nobody.
        assert!(f.conn_mut(silent).is_some(), "c0 closed at the :info");
        let next_of_thread_0 = |f: &Fabric<'_>| {
            f.history()
                .iter()
                .find(|op| op.kind == OpType::Invoke && op.process == Process::Client(2))
                .map(|op| op.time)
        };
        assert_eq!(next_of_thread_0(&f), None);
        run_until(&mut w, &mut f, &clock, 7 * SEC, Some(silent));
        let at = next_of_thread_0(&f).expect("thread 0 invokes again as process 2");
        assert!(at > 5 * SEC, "{at}");
        assert!(
            f.conn_mut(silent).is_none(),
            "c0 still open after the next invocation"
        );
        let processes: std::collections::BTreeSet<_> =
            f.history().iter().map(|op| op.process).collect();
        assert_eq!(
            processes.into_iter().collect::<Vec<_>>(),
            [Process::Client(0), Process::Client(1), Process::Client(2)]
        );
    }

    #[test]
    fn the_final_phase_runs_one_final_read_per_thread_then_reports_done() {
        let broadcast = crate::workloads::broadcast::Broadcast;
        let o = opts(3, 0.0);
        let clock = VirtualClock::new();
        let mut f = fabric(&clock);
        let mut w = workers(&broadcast, &o);
        f.start_history();
        w.start_main(&mut f);
        assert_eq!(w.on_cutoff(), After::Drained, "rate 0: nothing in flight");
        assert_eq!(w.start_final(&mut f), After::Continue);
        let finals: Vec<_> = f.history().to_vec();
        assert_eq!(finals.len(), 3);
        assert!(finals
            .iter()
            .all(|op| op.is_final && op.f == "read" && op.kind == OpType::Invoke));
        let mut after = After::Continue;
        for t in 0..3 {
            let (_, req) = take_request(&mut f, 0).expect("a final read");
            let reply = json!({"type": "read_ok", "messages": [], "in_reply_to": req["msg_id"]});
            assert_eq!(after, After::Continue, "done before thread {t} answered");
            after = w.on_reply(t, reply, &mut f);
        }
        assert_eq!(after, After::FinalDone);
        assert_eq!(
            f.history()
                .iter()
                .filter(|op| op.kind == OpType::Ok)
                .count(),
            3
        );
    }
}
