//! The sans-IO host of a node: feed it input lines and the time, take its
//! output bytes and log lines. The mio reactor is one user of it; tests and
//! simulators drive it directly, under virtual time.

use super::context::{Core, Ctx, NoCall, TimerEvent};
use super::error::{ErrorCode, RpcError};
use super::message::{Decode, DecodeError, Envelope, ErrorBody, Header};
use super::node::{Node, NodeInfo, Request};
use serde::Deserialize;
use serde_json::Value;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct InitBody {
    node_id: String,
    node_ids: Vec<String>,
}

/// Lines that arrive before `init` are kept (up to this many, and this many
/// bytes) and replayed after it, since peers may be initialised first
/// (jepsen-io/maelstrom v0.2.3 src/maelstrom/db.clj, `setup!` runs per node,
/// each sending its own `init`). What peers send in that window is a few
/// small messages (votes, gossip); 32 MiB still holds two lines of the
/// largest size a node reads (`MAX_LINE_BYTES`).
/// fidelity D7: peers can talk before `init`.
const MAX_EARLY_LINES: usize = 100_000;
const MAX_EARLY_BYTES: usize = 32 << 20;

/// What a host hands a node besides its input: everything that differs
/// between two runs of the same node id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Setup {
    /// `NodeInfo::incarnation` (the reactor draws it from the OS; an
    /// in-process host derives it from the run's seed).
    pub incarnation: u64,
    /// Mixed into the seed of the node's rng, which is otherwise a function
    /// of its id alone: 0 under the reactor, the run's seed in-process.
    pub rng_salt: u64,
    /// What `Ctx::env` answers.
    pub env: BTreeMap<String, String>,
}

/// One node and everything around it, without any I/O.
pub struct Driver<N: Node> {
    core: Core<N>,
    node: Option<N>,
    early: Vec<Vec<u8>>,
    /// Total length of `early`.
    early_bytes: usize,
    incarnation: u64,
    rng_salt: u64,
}

impl<N: Node> Driver<N> {
    /// A driver whose clock starts at `now` ms, with incarnation 0.
    pub fn new(now: u64) -> Self {
        Self::with_incarnation(now, 0)
    }

    /// A driver whose node gets `incarnation` in its `NodeInfo` (the reactor
    /// passes a random number; simulators pass something seeded).
    pub fn with_incarnation(now: u64, incarnation: u64) -> Self {
        Self::with_setup(
            now,
            Setup {
                incarnation,
                ..Setup::default()
            },
        )
    }

    /// A driver whose clock starts at `now` ms, set up by its host.
    pub fn with_setup(now: u64, setup: Setup) -> Self {
        let mut core = Core::new(now);
        core.env = setup.env;
        Driver {
            core,
            node: None,
            early: Vec::new(),
            early_bytes: 0,
            incarnation: setup.incarnation,
            rng_salt: setup.rng_salt,
        }
    }

    /// Whether `init` has been handled.
    pub fn is_initialised(&self) -> bool {
        self.node.is_some()
    }

    /// The node's state (after init), for tests and simulators.
    pub fn node(&self) -> Option<&N> {
        self.node.as_ref()
    }

    pub fn info(&self) -> &NodeInfo {
        &self.core.info
    }

    /// Bytes to write to stdout: complete lines only.
    pub fn output(&mut self) -> &mut Vec<u8> {
        &mut self.core.out
    }

    /// Adds a line to the node's log (for what its host refused to pass on).
    pub fn log(&mut self, line: String) {
        self.core.log.push(line);
    }

    /// Log lines produced since the last call.
    pub fn take_log(&mut self) -> Vec<String> {
        std::mem::take(&mut self.core.log)
    }

    /// The earliest timer deadline (ms), for the poll timeout.
    pub fn next_deadline(&mut self) -> Option<u64> {
        self.core.timers.next_deadline()
    }

    /// Handles one input line at time `now`.
    pub fn handle_line(&mut self, line: &[u8], now: u64) {
        self.advance(now);
        if line.iter().all(|b| b.is_ascii_whitespace()) {
            return;
        }
        let env: Envelope = match serde_json::from_slice(line) {
            Ok(e) => e,
            Err(e) => {
                let shown = excerpt(&String::from_utf8_lossy(line));
                self.core.log.push(format!(
                    "skipping a line that is not a message ({e}): {shown}"
                ));
                return;
            }
        };
        let raw = env.body.get();
        let header: Header = match serde_json::from_str(raw) {
            Ok(h) => h,
            Err(e) => {
                self.core.log.push(format!(
                    "skipping a message from {} with a bad body ({e}): {}",
                    env.src,
                    excerpt(raw)
                ));
                return;
            }
        };
        if self.node.is_none() {
            if header.kind == "init" {
                self.handle_init(&env, &header, raw);
            } else if self.early.len() < MAX_EARLY_LINES
                && self.early_bytes + line.len() <= MAX_EARLY_BYTES
            {
                self.early_bytes += line.len();
                self.early.push(line.to_vec());
            } else {
                self.core.log.push(format!(
                    "dropping a message of type {} from {} that arrived before init ({} bytes): \
                     at most {MAX_EARLY_LINES} lines and {MAX_EARLY_BYTES} bytes are kept",
                    header.kind,
                    env.src,
                    line.len()
                ));
            }
            return;
        }
        self.dispatch(&env, &header, raw);
    }

    /// Fires every timer due at `now`.
    pub fn tick(&mut self, now: u64) {
        self.advance(now);
        for event in self.core.timers.expire(now) {
            let Some(node) = self.node.as_mut() else {
                continue;
            };
            let mut ctx = Ctx {
                core: &mut self.core,
            };
            match event {
                TimerEvent::User(t) => node.on_timer(t, &mut ctx),
                TimerEvent::RpcTimeout { key, msg_id } => {
                    if let Some(cont) = ctx.core.take_timed_out(key, msg_id) {
                        cont(node, &mut ctx, Err(RpcError::timeout()));
                    }
                }
            }
        }
    }

    fn advance(&mut self, now: u64) {
        self.core.now = self.core.now.max(now);
    }

    fn handle_init(&mut self, env: &Envelope, header: &Header, raw: &str) {
        let init: InitBody = match serde_json::from_str(raw) {
            Ok(i) => i,
            Err(e) => {
                self.core
                    .log
                    .push(format!("malformed init ({e}): {}", excerpt(raw)));
                let text = format!("malformed init: {e}");
                self.core.emit(
                    &env.src,
                    &ErrorBody::new(ErrorCode::MalformedRequest, &text),
                    None,
                    header.msg_id,
                );
                return;
            }
        };
        self.core.info = NodeInfo {
            id: init.node_id,
            ids: init.node_ids,
            incarnation: self.incarnation,
        };
        self.core.rng = fastrand::Rng::with_seed(seed_from(&self.core.info.id) ^ self.rng_salt);
        self.core.emit(
            &env.src,
            &serde_json::json!({"type": "init_ok"}),
            None,
            header.msg_id,
        );
        let mut ctx = Ctx {
            core: &mut self.core,
        };
        self.node = Some(N::init(&mut ctx));
        let now = self.core.now;
        self.early_bytes = 0;
        for line in std::mem::take(&mut self.early) {
            self.handle_line(&line, now);
        }
    }

    fn dispatch(&mut self, env: &Envelope, header: &Header, raw: &str) {
        let node = self.node.as_mut().expect("dispatch after init");
        if let Some(irt) = header.in_reply_to {
            match self.core.take_pending(irt, &env.src) {
                Ok(cont) => {
                    let result = reply_result(header, raw);
                    let mut ctx = Ctx {
                        core: &mut self.core,
                    };
                    cont(node, &mut ctx, result);
                }
                Err(NoCall::Unknown) => self.core.log.push(format!(
                    "dropping a late or unexpected reply from {} to msg_id {irt}: {}",
                    env.src,
                    excerpt(raw)
                )),
                Err(NoCall::WrongSender(dest)) => self.core.log.push(format!(
                    "dropping a reply from {} to msg_id {irt}, which went to {dest}: {}",
                    env.src,
                    excerpt(raw)
                )),
            }
            return;
        }
        if header.kind == "init" {
            self.core
                .log
                .push(format!("ignoring a second init from {}", env.src));
            return;
        }
        if N::Msg::is_internal(&header.kind) && !self.core.info.ids.contains(&env.src) {
            // One check for every workload: a vote, a log entry, a forwarded
            // request or a gossip from outside `node_ids` would be believed
            // as if a peer had sent it (issue 22 row 1: a forged `forward`
            // took a client's request id, and its real write was lost).
            // A correct run never trips it: in Maelstrom a sender outside
            // `node_ids` is a service (it only replies) or a client, made by
            //   (let [id (str "c" (:next-client-id ...))] (net/add-node! net id) ..)
            // (jepsen-io/maelstrom v0.2.3 src/maelstrom/client.clj, `open!`),
            // which sends only the workload's requests.
            // fidelity D8: only the nodes in `node_ids` send node-to-node messages.
            self.core.log.push(format!(
                "ignoring a {} from {}, which is not a cluster member",
                header.kind, env.src
            ));
            return;
        }
        match N::Msg::decode(&header.kind, raw) {
            Ok(body) => {
                let req = Request {
                    src: env.src.clone(),
                    msg_id: header.msg_id,
                    body,
                };
                let mut ctx = Ctx {
                    core: &mut self.core,
                };
                node.on_message(req, &mut ctx);
            }
            Err(err) => {
                let code = match err {
                    DecodeError::UnknownType => ErrorCode::NotSupported,
                    DecodeError::Malformed(_) => ErrorCode::MalformedRequest,
                };
                let text = format!("{} request: {err}", header.kind);
                self.core.log.push(format!(
                    "answering {} from {} with error {}: {}",
                    header.kind,
                    env.src,
                    code.code(),
                    excerpt(raw)
                ));
                if header.msg_id.is_some() {
                    self.core
                        .emit(&env.src, &ErrorBody::new(code, &text), None, header.msg_id);
                }
            }
        }
    }
}

fn reply_result(header: &Header, raw: &str) -> Result<Value, RpcError> {
    let body: Value =
        serde_json::from_str(raw).map_err(|e| RpcError::new(ErrorCode::Crash, e.to_string()))?;
    if header.kind == "error" {
        let code = body.get("code").and_then(Value::as_u64).unwrap_or(13);
        let text = body
            .get("text")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_string();
        return Err(RpcError::new(
            ErrorCode::from_code(code.min(u32::MAX as u64) as u32),
            text,
        ));
    }
    Ok(body)
}

/// At most the first `EXCERPT_BYTES` of `text`, for a log line, with the
/// whole length when cut: a 16 MiB body is not copied into stderr.
fn excerpt(text: &str) -> String {
    const EXCERPT_BYTES: usize = 200;
    if text.len() <= EXCERPT_BYTES {
        return text.to_string();
    }
    let mut end = EXCERPT_BYTES;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}... ({} bytes)", &text[..end], text.len())
}

/// A stable 64-bit seed from a node id (FNV-1a).
fn seed_from(id: &str) -> u64 {
    id.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ b as u64).wrapping_mul(0x100_0000_01b3)
    })
}
