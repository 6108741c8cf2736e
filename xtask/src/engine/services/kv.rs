//! One key-value state and how a read / write / cas request applies to it:
//! Maelstrom's `PersistentKV` (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/service.clj). The rules live in the node crate
//! (`gossip_glomers::runtime::kv_rules`), shared with its test-only
//! simulator, so there is one set of them; the bench supplies Clojure's
//! printer for the text of error 22.

use crate::edn::{plain_str, pr_str};
use gossip_glomers::runtime::kv_rules::{self, ValueText};
use serde_json::Value;

pub use kv_rules::{with_in_reply_to, Flavor, KvRequest};

/// Values printed as Maelstrom prints them: `pr-str`, and `str` for
/// lww-kv's `from`.
/// fidelity D18: error 22's text uses Clojure's printers.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct EdnText;

impl ValueText for EdnText {
    fn readable(v: &Value) -> String {
        pr_str(v)
    }
    fn plain(v: &Value) -> String {
        plain_str(v)
    }
}

/// One KV state of a service.
pub type KvState = kv_rules::KvState<EdnText>;
