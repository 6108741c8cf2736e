//! Maelstrom's built-in services: lin-kv, seq-kv, lww-kv and lin-tso
//! (jepsen-io/maelstrom v0.2.3 src/maelstrom/service.clj, `default-services`). The engine routes a request addressed to one of
//! `SERVICE_IDS` here and sends the returned body back to `src`, through the
//! same latency machinery as any message and exempt from partitions.

mod kv;
mod seq_kv;

use kv::{with_in_reply_to, Flavor, KvRequest, KvState};
use seq_kv::SeqKv;
use serde_json::{json, Value};

/// The service node ids, exactly as Maelstrom registers them.
pub const SERVICE_IDS: [&str; 4] = ["lin-kv", "seq-kv", "lww-kv", "lin-tso"];

/// The four services' state; requests are handled one at a time in the order
/// the engine delivers them, with no processing delay.
pub struct Services {
    lin_kv: KvState,
    seq_kv: SeqKv,
    /// lww-kv as v0.2.3 runs it: two replicas that never exchange data.
    /// Maelstrom computes a merge on every request but rebuilds the replica
    /// vector from the pre-merge value, so the merge is lost (service.clj,
    /// `Eventual/handle!`: the second `replicas'` is `(assoc replicas i ..)`). Per-entry timestamps and the Lamport clock are therefore
    /// unobservable and not kept.
    /// fidelity D17: lww-kv's two replicas never merge.
    lww_kv: [KvState; 2],
    /// The next timestamp lin-tso hands out.
    lin_tso: u64,
}

impl Default for Services {
    fn default() -> Self {
        Self::new()
    }
}

impl Services {
    pub fn new() -> Self {
        Services {
            lin_kv: KvState::default(),
            seq_kv: SeqKv::default(),
            lww_kv: Default::default(),
            lin_tso: 0,
        }
    }

    /// Handle one request delivered to `service` from `src`; Some(reply body)
    /// or None (unknown service or request type: Maelstrom logs an exception
    /// and sends nothing, so the caller times out). The reply carries
    /// `in_reply_to` (null if the request had no `msg_id`) and no `msg_id`.
    pub fn handle(
        &mut self,
        service: &str,
        src: &str,
        body: &Value,
        rng: &mut fastrand::Rng,
    ) -> Option<Value> {
        let reply = match service {
            "lin-kv" => self
                .lin_kv
                .apply_in_place(&KvRequest::parse(body)?, Flavor::Standard),
            "seq-kv" => self.seq_kv.handle(src, &KvRequest::parse(body)?, rng),
            "lww-kv" => {
                let req = KvRequest::parse(body)?;
                // fidelity X15: one random draw per lww-kv request, where Maelstrom draws three.
                let replica = rng.usize(0..self.lww_kv.len());
                self.lww_kv[replica].apply_in_place(&req, Flavor::Lww)
            }
            "lin-tso" => {
                if body.get("type").and_then(Value::as_str) != Some("ts") {
                    return None;
                }
                let ts = self.lin_tso;
                self.lin_tso += 1;
                json!({"type": "ts_ok", "ts": ts})
            }
            _ => return None,
        };
        Some(with_in_reply_to(reply, body))
    }
}

#[cfg(test)]
mod tests;
