//! `txn-list-append`: a strict-serializable store of append-only lists, in
//! the design of Maelstrom's tutorial (doc/05-datomic): the whole database
//! is one immutable value under one key of the `lin-kv` service, and a
//! transaction commits by compare-and-set of that key from the state it ran
//! on to the state it produced.
//!
//! Nodes never talk to each other, so partitions between them change
//! nothing; Maelstrom never partitions the services (jepsen 0.3.1
//! `jepsen.nemesis.combined/grudge` only splits `(:nodes test)`, and the
//! services are not among them). Every transaction is linearized at its
//! successful compare-and-set, which happens between its request and its
//! reply: strict serializability. Read-only transactions commit the same way
//! (the value swapped for itself), which proves the state they read was
//! current.
//!
//! Each node commits the transactions that arrived while its previous commit
//! was in flight as one batch, run in arrival order against its cached copy
//! of the database. A failed compare-and-set (another node committed) means
//! nothing of the batch happened: the node reads the current database and
//! runs the batch again, until `RETRY_FOR_MS` has passed; then each
//! transaction gets the definite error 30 (txn-conflict), or 14 (abort) if
//! `root` holds no database, or 11 if lin-kv cannot be read. Only a
//! compare-and-set that times out leaves its batch in doubt (error 13, crash).

pub mod db;
#[cfg(test)]
mod tests;

use crate::messages;
use crate::runtime::services::LIN_KV;
use crate::runtime::{Ctx, ErrorBody, ErrorCode, Node, Request, RpcError};
use db::{Db, MicroOp};
use serde_json::Value;

messages! {
    /// The txn-list-append workload.
    pub ListAppend {
        txn { txn: Vec<MicroOp> } -> txn_ok { txn: Vec<MicroOp> },
    }
}

/// The lin-kv key holding the database.
const ROOT: &str = "root";
/// Timeout of one lin-kv request. The service is never partitioned, so only
/// an overloaded machine gets near it; with `RETRY_FOR_MS` it keeps a
/// transaction's answer well inside the client's 5 s.
const KV_TIMEOUT_MS: u64 = 2_000;
/// How long a batch keeps retrying after conflicts before it fails.
const RETRY_FOR_MS: u64 = 1_000;
/// Wait before retrying a read of the database that failed.
const REREAD_MS: u64 = 20;

/// A transaction waiting for its commit.
struct Pending {
    src: String,
    msg_id: Option<u64>,
    ops: Vec<MicroOp>,
}

/// One compare-and-set attempt's transactions.
struct Batch {
    txns: Vec<Pending>,
    /// When its first attempt started.
    started: u64,
}

/// Why a read of the database gave none.
enum Unread {
    /// `root` holds a value that is not a stored database.
    NotADatabase,
    /// The read failed (lin-kv answered an error or timed out).
    Failed,
}

/// The node's timers.
#[derive(Debug)]
pub enum Timer {
    /// Read the database again, then retry the batch in flight.
    Reread,
}

pub struct ListAppendNode {
    /// The database as last read or written, and its stored form (the
    /// `from` of the next compare-and-set).
    db: Db,
    stored: Value,
    queue: Vec<Pending>,
    /// The batch being committed (one at a time per node).
    in_flight: Option<Batch>,
}

impl Node for ListAppendNode {
    type Msg = ListAppendRequest;
    type Timer = Timer;

    fn init(_ctx: &mut Ctx<'_, Self>) -> Self {
        let db = Db::default();
        ListAppendNode {
            stored: db.to_value(),
            db,
            queue: Vec::new(),
            in_flight: None,
        }
    }

    fn on_message(&mut self, mut msg: Request<ListAppendRequest>, ctx: &mut Ctx<'_, Self>) {
        let ListAppendRequest::Txn(Txn { txn }) = &mut msg.body;
        if let Err(bad) = Db::validate(txn) {
            ctx.reply_error(&msg, ErrorCode::MalformedRequest, &bad.0);
            return;
        }
        self.queue.push(Pending {
            src: msg.src.clone(),
            msg_id: msg.msg_id,
            ops: std::mem::take(txn),
        });
        self.commit_next(ctx);
    }

    fn on_timer(&mut self, timer: Timer, ctx: &mut Ctx<'_, Self>) {
        match timer {
            Timer::Reread => self.reread(ctx),
        }
    }
}

impl ListAppendNode {
    /// Starts committing the queued transactions if no batch is in flight.
    fn commit_next(&mut self, ctx: &mut Ctx<'_, Self>) {
        if self.in_flight.is_some() || self.queue.is_empty() {
            return;
        }
        self.in_flight = Some(Batch {
            txns: std::mem::take(&mut self.queue),
            started: ctx.now(),
        });
        self.attempt(ctx);
    }

    /// Runs the batch in flight on the cached database and tries to swap it in.
    fn attempt(&mut self, ctx: &mut Ctx<'_, Self>) {
        let Some(batch) = &self.in_flight else { return };
        let mut next = self.db.clone();
        let results: Vec<Vec<MicroOp>> = batch.txns.iter().map(|t| next.execute(&t.ops)).collect();
        let to = next.to_value();
        let sent = to.clone();
        LIN_KV.cas(
            ctx,
            &ROOT,
            &self.stored,
            &sent,
            true,
            KV_TIMEOUT_MS,
            move |node: &mut Self, ctx, r: Result<(), RpcError>| {
                node.on_cas_reply(next, to, results, r, ctx)
            },
        );
    }

    /// The answer to the compare-and-set of `attempt`, which would make
    /// `next` (stored as `to`) the database, with the batch's `results`.
    fn on_cas_reply(
        &mut self,
        next: Db,
        to: Value,
        results: Vec<Vec<MicroOp>>,
        r: Result<(), RpcError>,
        ctx: &mut Ctx<'_, Self>,
    ) {
        match r {
            Ok(()) => {
                self.db = next;
                self.stored = to;
                self.finish(ctx, |i| {
                    Ok(TxnOk {
                        txn: results[i].clone(),
                    })
                });
            }
            Err(e) if e.code.is_definite() => self.reread(ctx),
            Err(e) => {
                // In doubt: the swap may still happen. Never run this
                // batch again; read before the next attempt.
                ctx.log(format!("commit in doubt: {e}"));
                self.finish(ctx, |_| {
                    Err(ErrorBody::new(ErrorCode::Crash, "commit in doubt"))
                });
            }
        }
    }

    /// Reads the current database, then retries the batch in flight (or
    /// fails it once it has retried for long enough).
    ///
    /// Every attempt of the batch so far failed definitely (a compare-and-set
    /// in doubt ends the batch at once, `attempt`), so nothing of it
    /// happened: when the retry time is up, each failure `on_reread_reply`
    /// gives is definite.
    fn reread(&mut self, ctx: &mut Ctx<'_, Self>) {
        LIN_KV.read(
            ctx,
            &ROOT,
            KV_TIMEOUT_MS,
            |node: &mut Self, ctx, r: Result<Value, RpcError>| node.on_reread_reply(r, ctx),
        );
    }

    /// The answer to the read of `reread`: retries the batch in flight on
    /// the database read, or fails it once the retry time is up.
    fn on_reread_reply(&mut self, r: Result<Value, RpcError>, ctx: &mut Ctx<'_, Self>) {
        let fresh = match r {
            Ok(v) => Db::from_value(&v)
                .map(|db| (db, v))
                .ok_or(Unread::NotADatabase),
            Err(e) if e.code == ErrorCode::KeyDoesNotExist => {
                Ok((Db::default(), Db::default().to_value()))
            }
            Err(_) => Err(Unread::Failed),
        };
        let expired = self
            .in_flight
            .as_ref()
            .is_some_and(|b| ctx.now().saturating_sub(b.started) >= RETRY_FOR_MS);
        match fresh {
            Ok((db, stored)) => {
                self.db = db;
                self.stored = stored;
                if expired {
                    self.fail(
                        ctx,
                        ErrorCode::TxnConflict,
                        "lost the race to commit; retry",
                    );
                } else {
                    self.attempt(ctx);
                }
            }
            // Issue 22 row 10: re-read every 20 ms forever. Abort is
            // the definite catch-all (jepsen-io/maelstrom v0.2.3
            // resources/errors.edn):
            //   {:code 14 :name :abort :definite? true :doc "... when
            //    you specifically know that the requested operation
            //    has not taken place. ..."}
            // fidelity D10: error 14 is the definite catch-all.
            Err(Unread::NotADatabase) if expired => self.fail(
                ctx,
                ErrorCode::Abort,
                "lin-kv key root does not hold a database: nothing was committed",
            ),
            Err(Unread::Failed) if expired => self.fail(
                ctx,
                ErrorCode::TemporarilyUnavailable,
                "cannot read the database from lin-kv: nothing was committed",
            ),
            Err(_) => {
                ctx.set_timer(REREAD_MS, Timer::Reread);
            }
        }
    }

    /// Answers every transaction of the batch in flight with a definite
    /// error, then starts the next.
    fn fail(&mut self, ctx: &mut Ctx<'_, Self>, code: ErrorCode, text: &'static str) {
        if self.in_flight.is_some() {
            ctx.log(format!(
                "failing a batch with error {}: {text}",
                code.code()
            ));
        }
        self.finish(ctx, |_| Err(ErrorBody::new(code, text)));
    }

    /// Answers every transaction of the batch in flight, then starts the next.
    fn finish(
        &mut self,
        ctx: &mut Ctx<'_, Self>,
        answer: impl Fn(usize) -> Result<TxnOk, ErrorBody<'static>>,
    ) {
        let Some(batch) = self.in_flight.take() else {
            return;
        };
        for (i, t) in batch.txns.iter().enumerate() {
            match answer(i) {
                Ok(ok) => ctx.reply_to(&t.src, t.msg_id, &ok),
                Err(err) => ctx.reply_to(&t.src, t.msg_id, &err),
            }
        }
        self.commit_next(ctx);
    }
}
