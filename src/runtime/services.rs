//! Typed clients for Maelstrom's services (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/service.clj): `lin-kv`, `seq-kv`
//! and `lww-kv` (read, write, cas with `create_if_not_exists`) and `lin-tso`.
//! Calls go through `Ctx::call`, so replies, error bodies and timeouts reach
//! the continuation exactly once.

use super::context::Ctx;
use super::error::{ErrorCode, RpcError};
use super::node::Node;
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::Value;

crate::messages! {
    /// The KV services' requests and replies.
    pub(crate) Kv {
        read { key: Value } -> read_ok { value: Value },
        write { key: Value, value: Value } -> write_ok,
        cas { key: Value, from: Value, to: Value, create_if_not_exists?: bool } -> cas_ok,
    }

    /// The timestamp oracle's request and reply.
    pub(crate) Tso {
        ts -> ts_ok { ts: u64 },
    }
}

/// A key-value service, by its node id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Kv(&'static str);

/// Linearizable KV.
pub const LIN_KV: Kv = Kv("lin-kv");
/// Sequentially consistent KV: may serve stale reads (never older than what
/// this node last observed or wrote).
pub const SEQ_KV: Kv = Kv("seq-kv");
/// Last-write-wins KV (in v0.2.3: two replicas that never merge).
pub const LWW_KV: Kv = Kv("lww-kv");

fn to_value<T: Serialize>(v: &T) -> Value {
    serde_json::to_value(v).unwrap_or(Value::Null)
}

impl Kv {
    /// The service's node id.
    pub fn id(self) -> &'static str {
        self.0
    }

    /// Reads `key`; code 20 (`KeyDoesNotExist`) if absent.
    pub fn read<N, K, T, F>(self, ctx: &mut Ctx<'_, N>, key: &K, timeout_ms: u64, cont: F)
    where
        N: Node,
        K: Serialize,
        T: DeserializeOwned,
        F: FnOnce(&mut N, &mut Ctx<'_, N>, Result<T, RpcError>) + 'static,
    {
        let body = Read { key: to_value(key) };
        ctx.call(self.0, &body, timeout_ms, move |n, ctx, r| {
            let r = r.and_then(|b| {
                let v = b.get("value").cloned().unwrap_or(Value::Null);
                serde_json::from_value(v)
                    .map_err(|e| RpcError::new(ErrorCode::MalformedRequest, e.to_string()))
            });
            cont(n, ctx, r)
        });
    }

    /// Writes `value` under `key`.
    pub fn write<N, K, V, F>(
        self,
        ctx: &mut Ctx<'_, N>,
        key: &K,
        value: &V,
        timeout_ms: u64,
        cont: F,
    ) where
        N: Node,
        K: Serialize,
        V: Serialize,
        F: FnOnce(&mut N, &mut Ctx<'_, N>, Result<(), RpcError>) + 'static,
    {
        let body = Write {
            key: to_value(key),
            value: to_value(value),
        };
        ctx.call(self.0, &body, timeout_ms, move |n, ctx, r| {
            cont(n, ctx, r.map(|_| ()))
        });
    }

    /// Compare-and-set `key` from `from` to `to`; code 22 if the current
    /// value differs, code 20 if the key is absent and `create_if_not_exists`
    /// is false (lww-kv ignores the flag).
    #[allow(clippy::too_many_arguments)]
    pub fn cas<N, K, A, B, F>(
        self,
        ctx: &mut Ctx<'_, N>,
        key: &K,
        from: &A,
        to: &B,
        create_if_not_exists: bool,
        timeout_ms: u64,
        cont: F,
    ) where
        N: Node,
        K: Serialize,
        A: Serialize,
        B: Serialize,
        F: FnOnce(&mut N, &mut Ctx<'_, N>, Result<(), RpcError>) + 'static,
    {
        let body = Cas {
            key: to_value(key),
            from: to_value(from),
            to: to_value(to),
            create_if_not_exists: create_if_not_exists.then_some(true),
        };
        ctx.call(self.0, &body, timeout_ms, move |n, ctx, r| {
            cont(n, ctx, r.map(|_| ()))
        });
    }
}

/// The `lin-tso` timestamp oracle: strictly increasing integers from 0.
pub fn tso_ts<N, F>(ctx: &mut Ctx<'_, N>, timeout_ms: u64, cont: F)
where
    N: Node,
    F: FnOnce(&mut N, &mut Ctx<'_, N>, Result<u64, RpcError>) + 'static,
{
    ctx.call("lin-tso", &Ts {}, timeout_ms, move |n, ctx, r| {
        let r = r.and_then(|b| {
            b.get("ts").and_then(Value::as_u64).ok_or_else(|| {
                RpcError::new(ErrorCode::MalformedRequest, format!("bad ts_ok: {b}"))
            })
        });
        cont(n, ctx, r)
    });
}
