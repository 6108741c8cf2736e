//! Maelstrom's lin-kv workload served by Raft (Ongaro & Ousterhout, "In
//! Search of an Understandable Consensus Algorithm", 2014; Ongaro's thesis
//! for pre-vote, check-quorum and ReadIndex).
//!
//! * `election.rs`: terms, votes, pre-vote and leader stickiness.
//! * `log.rs`: the log and the follower's side of AppendEntries.
//! * `replication.rs`: the leader's view of its followers, batching, the
//!   commit rule, check-quorum.
//! * `state_machine.rs`: the key-value map and request ids.
//! * `reads.rs`: ReadIndex reads, and why they are linearizable.
//! * `routing.rs`: forwarding to the leader, waiting for one.
//!
//! This file holds the node: it dispatches messages and the tick timer to
//! those parts. Writes and cas are log entries, answered when applied; reads
//! are answered by the leader after a round of AppendEntries confirms it is
//! still leader. Everything runs on one `TICK_MS` timer: elections, batched
//! AppendEntries, heartbeats and check-quorum.

mod absurd;
mod election;
mod log;
mod reads;
mod replication;
mod routing;
mod state_machine;

use crate::messages;
use crate::runtime::{Ctx, ErrorBody, ErrorCode, Node, Request, RpcResult};
use election::{decide, election_timeout, Ballot, Voter, Votes, ELECTION_MIN_MS};
use log::{Entry, Log, Refusal};
use reads::{PendingRead, ReadQueue};
use replication::{new_commit, Leader, HEARTBEAT_MS, TICK_MS};
use routing::{Command, Parked, Routed, FORWARD_TIMEOUT_MS, PARK_MS};
use serde_json::Value;
use state_machine::{Op, OpId, Outcome, StateMachine};
use std::collections::BTreeMap;

messages! {
    /// Maelstrom's lin-kv requests, and the messages between Raft nodes.
    pub LinKv {
        read { key: Value } -> read_ok { value: Value },
        write { key: Value, value: Value } -> write_ok,
        cas { key: Value, from: Value, to: Value } -> cas_ok,
        /// A client's write or cas, passed by a follower to the leader; the
        /// leader answers as it would the client. `client` and `req` (the
        /// client's msg_id) identify the request in the log.
        internal forward { op: Op, client: String, req: u64 },
        /// A client's read, passed by a follower to the leader.
        internal forward_read { key: Value },
        /// A vote request for `term`; with `pre`, only asks whether the
        /// receiver would vote in that term (nobody changes state).
        internal request_vote { term: u64, last_log_index: u64, last_log_term: u64, pre: bool },
        internal request_vote_result { term: u64, granted: bool, pre: bool },
        internal append_entries {
            term: u64,
            prev_index: u64,
            prev_term: u64,
            entries: Vec<Entry>,
            commit: u64,
            round: u64,
        },
        /// `index` is how far the log now matches the leader's (success) or
        /// where the leader should retry from (refusal).
        internal append_entries_result { term: u64, round: u64, success: bool, index: u64 },
    }
}

/// A leader that reaches us sends at least every `HEARTBEAT_MS` (plus a
/// tick); after this much silence we stop forwarding to it.
const LEADER_SILENT_MS: u64 = 2 * HEARTBEAT_MS + 5 * TICK_MS;

/// Whom to answer, and which of their requests.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReplyTo {
    pub dest: String,
    pub msg_id: Option<u64>,
}

impl ReplyTo {
    fn of<M>(req: &Request<M>) -> Self {
        ReplyTo {
            dest: req.src.clone(),
            msg_id: req.msg_id,
        }
    }
}

/// The node's one timer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    Tick,
}

enum Role {
    Follower { leader: Option<String> },
    PreCandidate(Votes),
    Candidate(Votes),
    Leader(Box<Leading>),
}

struct Leading {
    repl: Leader,
    reads: ReadQueue,
}

/// Someone to answer once the entry at some index is applied, if that entry
/// is still the one of `term` appended for them.
struct Waiter {
    term: u64,
    reply_to: ReplyTo,
}

/// A Raft node serving lin-kv.
pub struct RaftNode {
    me: String,
    /// The other nodes, in the test's order.
    peers: Vec<String>,
    term: u64,
    voted_for: Option<String>,
    role: Role,
    log: Log,
    commit: u64,
    applied: u64,
    sm: StateMachine,
    election_deadline: u64,
    /// When the current leader was last heard from (followers only).
    leader_contact: u64,
    waiters: BTreeMap<u64, Vec<Waiter>>,
    parked: Parked,
}

impl Node for RaftNode {
    type Msg = LinKvRequest;
    type Timer = Timer;

    fn init(ctx: &mut Ctx<'_, Self>) -> Self {
        let info = ctx.info().clone();
        let peers = info
            .ids
            .iter()
            .filter(|n| **n != info.id)
            .cloned()
            .collect();
        // Nobody leads yet, so the first election need not wait a full
        // timeout; the spread still makes a split vote unlikely.
        let first = ctx.rng().u64(ELECTION_MIN_MS / 8..ELECTION_MIN_MS / 4);
        ctx.set_timer(TICK_MS, Timer::Tick);
        RaftNode {
            me: info.id,
            peers,
            term: 0,
            voted_for: None,
            role: Role::Follower { leader: None },
            log: Log::default(),
            commit: 0,
            applied: 0,
            sm: StateMachine::default(),
            election_deadline: ctx.now() + first,
            leader_contact: 0,
            waiters: BTreeMap::new(),
            parked: Parked::default(),
        }
    }

    /// Every `internal` type reaches here from cluster members only: the
    /// driver drops the rest (a vote, a log or a forwarded request from
    /// outside would break every majority argument and the request ids).
    fn on_message(&mut self, msg: Request<LinKvRequest>, ctx: &mut Ctx<'_, Self>) {
        if let Some(why) = absurd::refusal(&msg.body, self.term) {
            ctx.log(format!("refusing a message from {}: {why}", msg.src));
            return;
        }
        let reply_to = ReplyTo::of(&msg);
        match msg.body {
            LinKvRequest::Read(Read { key }) => {
                self.on_client_request(Command::Read(key), reply_to, ctx)
            }
            LinKvRequest::Write(Write { key, value }) => {
                self.on_client_request(Command::Update(Op::Write { key, value }), reply_to, ctx)
            }
            LinKvRequest::Cas(Cas { key, from, to }) => {
                self.on_client_request(Command::Update(Op::Cas { key, from, to }), reply_to, ctx)
            }
            LinKvRequest::Forward(f) => self.on_forward(f, reply_to, ctx),
            LinKvRequest::ForwardRead(f) => self.on_forward_read(f, reply_to, ctx),
            LinKvRequest::RequestVote(v) => self.on_request_vote(&msg.src, v, ctx),
            LinKvRequest::RequestVoteResult(r) => self.on_request_vote_result(&msg.src, r, ctx),
            LinKvRequest::AppendEntries(a) => self.on_append_entries(&msg.src, a, ctx),
            LinKvRequest::AppendEntriesResult(r) => self.on_append_entries_result(&msg.src, r, ctx),
        }
    }

    fn on_timer(&mut self, _tick: Timer, ctx: &mut Ctx<'_, Self>) {
        let now = ctx.now();
        match &self.role {
            Role::Leader(l) if !l.repl.has_quorum(now) => {
                ctx.log(format!(
                    "term {}: no majority heard from in {ELECTION_MIN_MS} ms, stepping down",
                    self.term
                ));
                self.become_follower(self.term, None, ctx);
            }
            Role::Leader(_) => self.replicate(false, ctx),
            _ if now >= self.election_deadline => self.start_pre_vote(ctx),
            _ => {}
        }
        self.route_parked(ctx);
        ctx.set_timer(TICK_MS, Timer::Tick);
    }
}

impl RaftNode {
    fn cluster_size(&self) -> usize {
        self.peers.len() + 1
    }

    /// The leader to send client requests to (`me` when we lead): the
    /// leader we follow, unless it has been silent for `LEADER_SILENT_MS`.
    /// A request forwarded to a leader we cannot reach would only time out,
    /// leaving the client in doubt; parked, it goes to the next leader, or
    /// fails definitely.
    fn known_leader(&self, now: u64) -> Option<&str> {
        match &self.role {
            Role::Leader(_) => Some(&self.me),
            Role::Follower { leader } if now < self.leader_contact + LEADER_SILENT_MS => {
                leader.as_deref()
            }
            _ => None,
        }
    }

    fn reset_election_timer(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.election_deadline = ctx.now() + election_timeout(ctx.rng());
    }

    // ---- client requests -------------------------------------------------

    /// A client's read, write or cas.
    fn on_client_request(&mut self, command: Command, reply_to: ReplyTo, ctx: &mut Ctx<'_, Self>) {
        let deadline = ctx.now() + PARK_MS;
        self.route(
            Routed {
                command,
                reply_to,
                deadline,
                refused_by: None,
            },
            ctx,
        );
    }

    /// A client's write or cas, forwarded to us as the leader.
    fn on_forward(&mut self, f: Forward, reply_to: ReplyTo, ctx: &mut Ctx<'_, Self>) {
        let Forward { op, client, req } = f;
        if op == Op::Noop {
            let text = "a no-op is not a client request";
            reply_error(ctx, &reply_to, ErrorCode::MalformedRequest, text);
        } else {
            self.serve_forwarded(Command::Update(op), reply_to, Some((client, req)), ctx);
        }
    }

    /// A client's read, forwarded to us as the leader.
    fn on_forward_read(&mut self, f: ForwardRead, reply_to: ReplyTo, ctx: &mut Ctx<'_, Self>) {
        self.serve_forwarded(Command::Read(f.key), reply_to, None, ctx)
    }

    /// The leader's answer to a forward: relayed to the client, except a
    /// definite refusal (error 11), which sends the request elsewhere.
    fn on_forward_reply(
        &mut self,
        to: String,
        mut r: Routed,
        res: RpcResult,
        ctx: &mut Ctx<'_, Self>,
    ) {
        match res {
            Ok(mut body) => {
                if let Some(fields) = body.as_object_mut() {
                    fields.remove("msg_id");
                    fields.remove("in_reply_to");
                }
                ctx.reply_to(&r.reply_to.dest, r.reply_to.msg_id, &body);
            }
            Err(e) if e.code == ErrorCode::TemporarilyUnavailable && ctx.now() < r.deadline => {
                r.refused_by = Some(to);
                self.route(r, ctx);
            }
            Err(e) => reply_error(ctx, &r.reply_to, e.code, &e.text),
        }
    }

    /// Serves `r` if we lead, else forwards it to the leader, else parks it.
    fn route(&mut self, r: Routed, ctx: &mut Ctx<'_, Self>) {
        if matches!(self.role, Role::Leader(_)) {
            let id = op_id(&r.reply_to);
            self.lead(r.command, r.reply_to, id, ctx);
            return;
        }
        match self.known_leader(ctx.now()) {
            Some(l) if r.refused_by.as_deref() != Some(l) => {
                let leader = l.to_string();
                self.forward(leader, r, ctx);
            }
            _ => self.parked.push(r),
        }
    }

    fn route_parked(&mut self, ctx: &mut Ctx<'_, Self>) {
        if self.parked.is_empty() {
            return;
        }
        let leader = self.known_leader(ctx.now()).map(String::from);
        let (expired, routable) = self.parked.take(ctx.now(), leader.as_deref());
        for r in expired {
            unavailable(ctx, &r.reply_to, "no leader known");
        }
        for r in routable {
            self.route(r, ctx);
        }
    }

    fn forward(&mut self, leader: String, r: Routed, ctx: &mut Ctx<'_, Self>) {
        // Serialised before the request moves into the continuation.
        let body = match &r.command {
            Command::Read(key) => serde_json::to_value(ForwardRead { key: key.clone() }),
            Command::Update(op) => serde_json::to_value(Forward {
                op: op.clone(),
                client: r.reply_to.dest.clone(),
                req: r.reply_to.msg_id.unwrap_or(0),
            }),
        };
        let body = match body {
            Ok(b) => b,
            Err(e) => return reply_error(ctx, &r.reply_to, ErrorCode::Crash, &e.to_string()),
        };
        let dest = leader.clone();
        ctx.call(&dest, &body, FORWARD_TIMEOUT_MS, move |node, ctx, res| {
            node.on_forward_reply(leader, r, res, ctx)
        });
    }

    /// A request another node forwarded to us as its leader.
    fn serve_forwarded(
        &mut self,
        command: Command,
        reply_to: ReplyTo,
        id: Option<OpId>,
        ctx: &mut Ctx<'_, Self>,
    ) {
        if matches!(self.role, Role::Leader(_)) {
            self.lead(command, reply_to, id, ctx);
        } else {
            // Definite: we append nothing, so the sender may try elsewhere.
            unavailable(ctx, &reply_to, "not the leader");
        }
    }

    /// Serves a request as leader: a read joins the ReadIndex queue; an
    /// update is appended and answered once applied.
    fn lead(
        &mut self,
        command: Command,
        reply_to: ReplyTo,
        id: Option<OpId>,
        ctx: &mut Ctx<'_, Self>,
    ) {
        let Role::Leader(l) = &mut self.role else {
            return;
        };
        match command {
            Command::Read(key) => {
                l.reads.push(PendingRead {
                    key,
                    reply_to,
                    after_round: l.repl.round,
                    index: self.commit.max(l.repl.term_start),
                });
                self.serve_reads(ctx);
            }
            Command::Update(op) => {
                if let Some(done) = id.as_ref().and_then(|id| self.sm.outcome_of(id)) {
                    // Already applied (a copy that reached the log before).
                    answer(ctx, &reply_to, &op, done);
                    return;
                }
                let term = self.term;
                let index = self.log.append(Entry { term, op, id });
                self.waiters
                    .entry(index)
                    .or_default()
                    .push(Waiter { term, reply_to });
                // A single node commits on its own; others at the next tick.
                self.advance_commit(ctx);
            }
        }
    }

    fn serve_reads(&mut self, ctx: &mut Ctx<'_, Self>) {
        let Role::Leader(l) = &mut self.role else {
            return;
        };
        for r in l.reads.ready(l.repl.quorum_round(), self.applied) {
            match self.sm.read(&r.key) {
                Some(value) => {
                    let body = ReadOk {
                        value: value.clone(),
                    };
                    ctx.reply_to(&r.reply_to.dest, r.reply_to.msg_id, &body);
                }
                None => reply_error(
                    ctx,
                    &r.reply_to,
                    ErrorCode::KeyDoesNotExist,
                    "key does not exist",
                ),
            }
        }
    }

    // ---- elections -------------------------------------------------------

    fn on_request_vote(&mut self, src: &str, v: RequestVote, ctx: &mut Ctx<'_, Self>) {
        let now = ctx.now();
        let in_lease = match &self.role {
            Role::Leader(_) => true,
            Role::Follower { leader: Some(_) } => now < self.leader_contact + ELECTION_MIN_MS,
            _ => false,
        };
        let d = decide(
            &Voter {
                term: self.term,
                voted_for: self.voted_for.as_deref(),
                log: &self.log,
                in_lease,
            },
            &Ballot {
                candidate: src,
                term: v.term,
                last_index: v.last_log_index,
                last_term: v.last_log_term,
                pre: v.pre,
            },
        );
        if let Some(term) = d.adopt_term {
            self.become_follower(term, None, ctx);
        }
        if d.grant && !v.pre {
            self.voted_for = Some(src.to_string());
            self.reset_election_timer(ctx);
        }
        let body = RequestVoteResult {
            term: self.term,
            granted: d.grant,
            pre: v.pre,
        };
        ctx.send(src, &body);
    }

    fn on_request_vote_result(&mut self, src: &str, r: RequestVoteResult, ctx: &mut Ctx<'_, Self>) {
        if r.term > self.term {
            self.become_follower(r.term, None, ctx);
            return;
        }
        if !r.granted {
            return;
        }
        let size = self.cluster_size();
        let term = self.term;
        let (pre_vote_won, election_won) = match &mut self.role {
            Role::PreCandidate(votes) if r.pre => (votes.grant(src, size), false),
            Role::Candidate(votes) if !r.pre && r.term == term => (false, votes.grant(src, size)),
            _ => (false, false),
        };
        if pre_vote_won {
            self.become_candidate(ctx);
        } else if election_won {
            self.become_leader(ctx);
        }
    }

    fn ballot_body(&self, term: u64, pre: bool) -> RequestVote {
        RequestVote {
            term,
            last_log_index: self.log.last_index(),
            last_log_term: self.log.last_term(),
            pre,
        }
    }

    fn start_pre_vote(&mut self, ctx: &mut Ctx<'_, Self>) {
        self.reset_election_timer(ctx);
        let Some(next) = self.next_term(ctx) else {
            return;
        };
        self.role = Role::PreCandidate(Votes::new(&self.me));
        if Votes::new(&self.me).won(self.cluster_size()) {
            self.become_candidate(ctx);
            return;
        }
        let body = self.ballot_body(next, true);
        for p in &self.peers {
            ctx.send(p, &body);
        }
    }

    /// The term after ours; `None` (logged) if there is none. Unreachable
    /// while `absurd::refusal` bounds the terms we adopt, but a wrapped
    /// term would ask for votes in term 0, which nobody grants.
    fn next_term(&self, ctx: &mut Ctx<'_, Self>) -> Option<u64> {
        let next = self.term.checked_add(1);
        if next.is_none() {
            ctx.log(format!(
                "term {} cannot be incremented: not standing",
                self.term
            ));
        }
        next
    }

    fn become_candidate(&mut self, ctx: &mut Ctx<'_, Self>) {
        let Some(next) = self.next_term(ctx) else {
            return;
        };
        self.term = next;
        self.voted_for = Some(self.me.clone());
        self.role = Role::Candidate(Votes::new(&self.me));
        self.reset_election_timer(ctx);
        if Votes::new(&self.me).won(self.cluster_size()) {
            self.become_leader(ctx);
            return;
        }
        let body = self.ballot_body(self.term, false);
        for p in &self.peers {
            ctx.send(p, &body);
        }
    }

    fn become_leader(&mut self, ctx: &mut Ctx<'_, Self>) {
        ctx.log(format!("term {}: elected leader", self.term));
        // The no-op commits everything of earlier terms (§5.4.2, §8).
        let term_start = self.log.append(Entry {
            term: self.term,
            op: Op::Noop,
            id: None,
        });
        self.role = Role::Leader(Box::new(Leading {
            repl: Leader::new(self.peers.iter(), term_start, ctx.now()),
            reads: ReadQueue::default(),
        }));
        self.advance_commit(ctx);
        self.replicate(true, ctx);
        self.route_parked(ctx);
    }

    /// Moves to `term` (if higher) as a follower of `leader`. A leader that
    /// steps down refuses its pending reads (definite: a read changes nothing).
    fn become_follower(&mut self, term: u64, leader: Option<String>, ctx: &mut Ctx<'_, Self>) {
        if term > self.term {
            self.term = term;
            self.voted_for = None;
        }
        let old = std::mem::replace(&mut self.role, Role::Follower { leader });
        if let Role::Leader(mut l) = old {
            ctx.log(format!("term {}: no longer leader", self.term));
            for r in l.reads.take_all() {
                unavailable(ctx, &r.reply_to, "leadership lost");
            }
            self.reset_election_timer(ctx);
        }
    }

    // ---- replication -----------------------------------------------------

    fn on_append_entries(&mut self, src: &str, a: AppendEntries, ctx: &mut Ctx<'_, Self>) {
        if a.term < self.term {
            let body = AppendEntriesResult {
                term: self.term,
                round: a.round,
                success: false,
                index: 0,
            };
            ctx.send(src, &body);
            return;
        }
        let is_new_leader = !matches!(&self.role, Role::Follower { leader: Some(l) } if l == src);
        if a.term > self.term || is_new_leader {
            if matches!(self.role, Role::Leader(_)) && a.term == self.term {
                ctx.log(format!("term {}: {src} also claims to lead", self.term));
            }
            self.become_follower(a.term, Some(src.to_string()), ctx);
        }
        self.leader_contact = ctx.now();
        self.reset_election_timer(ctx);
        let (success, index) =
            match self
                .log
                .accept(a.prev_index, a.prev_term, &a.entries, self.commit)
            {
                Ok(matched) => {
                    self.commit = self.commit.max(a.commit.min(matched));
                    self.apply(ctx);
                    (true, matched)
                }
                Err(Refusal::Mismatch { retry_from }) => (false, retry_from),
                Err(Refusal::WouldTruncateCommitted) => {
                    ctx.log(format!(
                        "term {}: {src} sent entries conflicting with committed index {}",
                        self.term, self.commit
                    ));
                    (false, self.commit + 1)
                }
            };
        let body = AppendEntriesResult {
            term: self.term,
            round: a.round,
            success,
            index,
        };
        ctx.send(src, &body);
    }

    fn on_append_entries_result(
        &mut self,
        src: &str,
        r: AppendEntriesResult,
        ctx: &mut Ctx<'_, Self>,
    ) {
        if r.term > self.term {
            self.become_follower(r.term, None, ctx);
            return;
        }
        let Role::Leader(l) = &mut self.role else {
            return;
        };
        if r.term != self.term {
            return;
        }
        let result = if r.success { Ok(r.index) } else { Err(r.index) };
        l.repl
            .on_reply(src, r.round, result, self.log.last_index(), ctx.now());
        self.advance_commit(ctx);
        self.serve_reads(ctx);
    }

    /// Sends AppendEntries to the followers that need one (all with `force`).
    fn replicate(&mut self, force: bool, ctx: &mut Ctx<'_, Self>) {
        let Role::Leader(l) = &mut self.role else {
            return;
        };
        let now = ctx.now();
        let last = self.log.last_index();
        let read_round = l.reads.wants_round_after(l.repl.quorum_round());
        for peer in &self.peers {
            let Some(s) = l.repl.plan(peer, last, read_round, now, force) else {
                continue;
            };
            let prev_index = s.from - 1;
            let body = AppendEntries {
                term: self.term,
                prev_index,
                prev_term: self.log.term_at(prev_index).unwrap_or(0),
                entries: self.log.slice(s.from, s.max).to_vec(),
                commit: self.commit,
                round: s.round,
            };
            ctx.send(peer, &body);
        }
    }

    /// Commits what a majority stores, by the commit rule (`new_commit`).
    fn advance_commit(&mut self, ctx: &mut Ctx<'_, Self>) {
        let Role::Leader(l) = &self.role else {
            return;
        };
        let quorum_match = l.repl.quorum_match(self.log.last_index());
        if let Some(n) = new_commit(&self.log, self.term, quorum_match, self.commit) {
            self.commit = n;
            self.apply(ctx);
            self.serve_reads(ctx);
        }
    }

    /// Applies committed entries in order and answers whoever waits on them.
    fn apply(&mut self, ctx: &mut Ctx<'_, Self>) {
        while self.applied < self.commit {
            let index = self.applied + 1;
            let Some(entry) = self.log.get(index) else {
                break;
            };
            self.applied = index;
            let outcome = self.sm.apply(&entry.op, entry.id.as_ref());
            for w in self.waiters.remove(&index).unwrap_or_default() {
                if w.term == entry.term {
                    answer(ctx, &w.reply_to, &entry.op, &outcome);
                } else {
                    // Another entry took this index, so ours can never be
                    // applied, and the request is in no other entry that
                    // could (`routing.rs`): a definite failure.
                    unavailable(ctx, &w.reply_to, "lost to a new leader");
                }
            }
        }
    }
}

/// The id of a client's request (its client and msg_id), for the log.
fn op_id(reply_to: &ReplyTo) -> Option<OpId> {
    reply_to.msg_id.map(|m| (reply_to.dest.clone(), m))
}

fn reply_error(ctx: &mut Ctx<'_, RaftNode>, reply_to: &ReplyTo, code: ErrorCode, text: &str) {
    let body = ErrorBody::new(code, text);
    ctx.reply_to(&reply_to.dest, reply_to.msg_id, &body);
}

/// Error 11, temporarily-unavailable: definite, the request had no effect.
fn unavailable(ctx: &mut Ctx<'_, RaftNode>, reply_to: &ReplyTo, why: &str) {
    reply_error(ctx, reply_to, ErrorCode::TemporarilyUnavailable, why);
}

/// Answers an applied update.
fn answer(ctx: &mut Ctx<'_, RaftNode>, reply_to: &ReplyTo, op: &Op, outcome: &Outcome) {
    match (outcome, op) {
        (Outcome::Failed(code, text), _) => reply_error(ctx, reply_to, *code, text),
        (Outcome::Ok, Op::Write { .. }) => {
            ctx.reply_to(&reply_to.dest, reply_to.msg_id, &WriteOk {})
        }
        (Outcome::Ok, Op::Cas { .. }) => ctx.reply_to(&reply_to.dest, reply_to.msg_id, &CasOk {}),
        (Outcome::Ok, Op::Noop) => {}
    }
}

#[cfg(test)]
mod tests;
