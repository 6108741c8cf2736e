//! One op as a `history.edn` line and as a `jepsen.log` op line.

use super::edn_out::{to_string, Keywords};
use crate::history::{Op, OpType, Process};

fn type_kw(kind: OpType) -> &'static str {
    match kind {
        OpType::Invoke => ":invoke",
        OpType::Ok => ":ok",
        OpType::Fail => ":fail",
        OpType::Info => ":info",
    }
}

fn process_edn(p: Process) -> Option<String> {
    match p {
        Process::Client(n) => Some(n.to_string()),
        Process::Nemesis => Some(":nemesis".into()),
        Process::Absent => None,
    }
}

/// The op's value: a txn's micro-ops carry keyword functions
/// (`[[:append 9 1] [:r 3 nil]]`), as do kafka's (`[[:send "1" [0 12]]]`,
/// `[[:poll {"1" [[0 12]]}]]`), a nemesis value's name is a keyword, other
/// values keep their strings.
///
/// maelstrom v0.2.3 src/maelstrom/workload/txn_list_append.clj, the
/// client's `invoke!`: `(->> (:value op) kw->str (array-map :txn) (txn!
/// conn node) :txn str->kw (assoc op :type :ok, :value))`; kafka.clj
/// `apply-mop!` returns `[:poll msgs]` and `[:send k [offset msg]]`, and
/// `invoke!` records `(assoc op :type :ok, :value txn')` with `txn' [mop']`.
fn value_edn(op: &Op) -> String {
    let kw = if matches!(op.f.as_str(), "txn" | "send" | "poll") {
        Keywords::MicroOps
    } else if op.process == Process::Nemesis {
        // A nemesis value names its shape: `:majorities-ring`, `[:isolated ..]`.
        Keywords::Error
    } else {
        Keywords::None
    };
    to_string(&op.value, kw)
}

/// `:f` as a keyword when it can be one, as Jepsen's are.
fn f_edn(f: &str) -> String {
    to_string(&serde_json::Value::String(f.into()), Keywords::This)
}

/// The op as Jepsen 0.3.1 `write-history!` prints it, one map per line
/// (`prn`), fields in jepsen.history's `Op` order: `{:index 0, :time 12,
/// :type :invoke, :process 0, :f :read, :value nil}`, then `:error`,
/// `:exception` and `:final?` when present.
pub fn history_edn_line(op: &Op) -> String {
    let mut s = format!(
        "{{:index {}, :time {}, :type {}",
        op.index,
        op.time,
        type_kw(op.kind)
    );
    if let Some(p) = process_edn(op.process) {
        s.push_str(&format!(", :process {p}"));
    }
    s.push_str(&format!(", :f {}, :value {}", f_edn(&op.f), value_edn(op)));
    // jepsen-io/maelstrom v0.2.3 src/maelstrom/client.clj, `with-errors`:
    // `:error :net-timeout` and `:error [(:name e#) (:text (:body e#))]`,
    // the error's name a keyword (`[:precondition-failed "..."]`).
    if let Some(e) = &op.error {
        s.push_str(&format!(", :error {}", to_string(e, Keywords::Error)));
    }
    if let Some(e) = &op.exception {
        let text = serde_json::Value::String(e.clone());
        s.push_str(&format!(
            ", :exception {}",
            to_string(&text, Keywords::None)
        ));
    }
    if op.is_final {
        s.push_str(", :final? true");
    }
    s.push_str("}\n");
    s
}

/// The op as its `history.txt` line: jepsen-io/jepsen v0.3.1
/// jepsen/src/jepsen/store.clj `write-history!` writes history.txt with
/// `(util/pwrite-history! (path! test "history.txt") (:history test))`,
/// whose printer is util.clj's `prn-op`: `(pr (:process op)) (print \tab)
/// (pr (:type op)) (print \tab) (pr (:f op)) (print \tab) (pr (:value op))
/// (when-let [err (:error op)] (print \tab) (print err)) (print \newline)`.
/// `pr` is readable EDN; `print` of the error is not: a string prints bare,
/// also inside a vector (`[:precondition-failed current value 3 is not
/// 1]`), a keyword as itself (`:net-timeout`).
pub fn history_txt_line(op: &Op) -> String {
    let process = process_edn(op.process).unwrap_or_else(|| "nil".into());
    let value = match (op.f.as_str(), op.value.get("keys")) {
        // kafka's final assign: jepsen v0.3.1 jepsen/src/jepsen/tests/kafka.clj
        // `final-polls` invokes `{:f :assign, :value (keys offsets),
        // :seek-to-beginning? true}`, so its value is the key list alone;
        // the bench keeps the flag in the value (fidelity C5).
        ("assign", Some(keys)) if op.value.is_object() => to_string(keys, Keywords::None),
        _ => value_edn(op),
    };
    let mut s = format!("{process}\t{}\t{}\t{value}", type_kw(op.kind), f_edn(&op.f));
    if let Some(e) = &op.error {
        s.push('\t');
        print_error(e, true, &mut s);
    }
    s.push('\n');
    s
}

/// Clojure's `print` of an error (`*print-readably*` false): strings bare,
/// a keyword-shaped string as a keyword where `keyword` says Maelstrom has
/// one (the error itself, or the first element of `[name text]`).
fn print_error(e: &serde_json::Value, keyword: bool, out: &mut String) {
    use serde_json::Value;
    match e {
        Value::String(s) if keyword && super::edn_out::keyword_shaped(s) => {
            out.push(':');
            out.push_str(s);
        }
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                print_error(item, keyword && i == 0, out);
            }
            out.push(']');
        }
        other => out.push_str(&to_string(other, Keywords::None)),
    }
}

/// The op as `jepsen.util/log-op` logs it: jepsen-io/jepsen v0.3.1
/// jepsen/src/jepsen/util.clj `op->str`,
/// `(str (:process op) \tab (:type op) \tab (pr-str (:f op)) \tab
/// (pr-str (:value op)) (when-let [err (:error op)] (str \tab err)))`,
/// behind the console layout's `INFO  jepsen.util - `. `str` of a keyword
/// error is `:net-timeout`, of a vector its `pr-str`, of a string its text.
pub fn log_line(op: &Op) -> String {
    let process = process_edn(op.process).unwrap_or_else(|| "nil".into());
    let mut s = format!(
        "INFO  jepsen.util - {process}\t{}\t{}\t{}",
        type_kw(op.kind),
        f_edn(&op.f),
        value_edn(op)
    );
    match &op.error {
        Some(serde_json::Value::String(e)) if !super::edn_out::keyword_shaped(e) => {
            s.push('\t');
            s.push_str(e);
        }
        Some(e) => {
            s.push('\t');
            s.push_str(&to_string(e, Keywords::Error));
        }
        None => {}
    }
    s.push('\n');
    s
}
