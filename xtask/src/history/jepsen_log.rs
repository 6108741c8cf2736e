//! A reader for Jepsen's operation log lines, as Jepsen's `jepsen.util/log-op`
//! writes them and Porcupine's test data keeps them
//! (anishathalye/porcupine test_data/jepsen/etcd_*.log):
//!
//! ```text
//! INFO  jepsen.util - 3    :invoke    :cas    [4 0]
//! INFO  jepsen.util - 3    :fail    :cas    [4 0]
//! INFO  jepsen.util - 1    :info    :write    :timed-out
//! ```
//!
//! (the fields are tab-separated in the files). Process, type, f, then the value as EDN (the rest of the line). Fields may
//! be separated by tabs or spaces; text before `jepsen.util - ` (a
//! timestamp, a thread name) is ignored, and lines without it are skipped.
//! Ops get dense indices; their time is their index (the lines carry none).

use crate::edn;
use crate::history::{Op, OpType, Process};
use serde_json::Value;

const MARK: &str = "jepsen.util - ";

/// Parses every op line of a Jepsen log into history ops.
pub fn parse_jepsen_log(text: &str) -> Result<Vec<Op>, String> {
    let mut ops = Vec::new();
    for (n, line) in text.lines().enumerate() {
        if let Some(op) = op_in_line(line, ops.len()) {
            ops.push(op.map_err(|e| format!("line {}: {e}", n + 1))?);
        }
    }
    Ok(ops)
}

/// Whether a line is an op line of a Jepsen log.
pub fn is_op_line(line: &str) -> bool {
    line.contains(MARK)
}

/// The op of one log line, numbered `index`; None for a line that is not
/// an op line. Errors quote the line, cut to a readable length.
pub fn op_in_line(line: &str, index: usize) -> Option<Result<Op, String>> {
    let at = line.find(MARK)?;
    let rest = line[at + MARK.len()..].trim();
    Some(parse_op(rest, index).map_err(|e| {
        let shown: String = line.chars().take(120).collect();
        let cut = if shown.len() < line.len() { "..." } else { "" };
        format!("{e}: {shown:?}{cut}")
    }))
}

/// Splits off the next whitespace-separated token.
fn token(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    if s.is_empty() {
        return None;
    }
    let end = s.find(char::is_whitespace).unwrap_or(s.len());
    Some((&s[..end], &s[end..]))
}

fn parse_op(rest: &str, index: usize) -> Result<Op, String> {
    let (process, rest) = token(rest).ok_or("no process")?;
    let (kind, rest) = token(rest).ok_or("no type")?;
    let (f, rest) = token(rest).ok_or("no :f")?;
    let process = match process {
        ":nemesis" => Process::Nemesis,
        p => Process::Client(
            p.parse()
                .map_err(|_| format!("process {p:?} is not a number or :nemesis"))?,
        ),
    };
    let kind = match kind {
        ":invoke" => OpType::Invoke,
        ":ok" => OpType::Ok,
        ":fail" => OpType::Fail,
        ":info" => OpType::Info,
        other => return Err(format!("unknown op type {other:?}")),
    };
    let f = f
        .strip_prefix(':')
        .ok_or_else(|| format!(":f {f:?} is not a keyword"))?;
    let (value_text, error_text) = split_error(rest.trim())?;
    let value = if value_text.is_empty() {
        Value::Null
    } else {
        edn::parse(value_text).map_err(|e| format!("value: {e}"))?
    };
    let error = match error_text {
        // `(str err)`: a keyword or vector reads as EDN, a string is its text.
        Some(e) => Some(edn::parse(e).unwrap_or_else(|_| Value::String(e.to_string()))),
        None => (kind == OpType::Info && value.is_string()).then(|| value.clone()),
    };
    Ok(Op {
        index,
        time: index as u64,
        process,
        kind,
        f: f.to_string(),
        value,
        error,
        exception: None,
        is_final: false,
    })
}

/// The value's text and the error's after it: jepsen-io/jepsen v0.3.1
/// jepsen/src/jepsen/util.clj `op->str` ends the line with `(when-let [err
/// (:error op)] (str \tab err))`. Only a tab after a whole value starts
/// the error; any other text after the value is an error of the line.
fn split_error(text: &str) -> Result<(&str, Option<&str>), String> {
    let end = match edn::next_form(text, true) {
        Ok(edn::Next::Form(_, range)) => range.end,
        // The value's own parse says what is wrong with it.
        _ => return Ok((text, None)),
    };
    let rest = &text[end..];
    match rest.strip_prefix('\t') {
        Some(e) if !e.trim().is_empty() => Ok((&text[..end], Some(e.trim()))),
        _ => Ok((text, None)),
    }
}

/// Lines in the shape of Porcupine's `test_data/jepsen/etcd_*.log`, with a
/// line that is not an op and a nemesis op, for the reader's tests and the
/// etcd model's.
#[cfg(test)]
pub(crate) const PORCUPINE_SAMPLE: &str = "INFO  jepsen.util - 0\t:invoke\t:read\tnil\n\
                    some other line\n\
                    INFO  jepsen.util - 2   :invoke :cas    [4 0]\n\
                    INFO  jepsen.util - 0\t:ok\t:read\t3\n\
                    INFO  jepsen.util - 2\t:fail\t:cas\t[4 0]\n\
                    INFO  jepsen.util - 1\t:invoke\t:write\t2\n\
                    INFO  jepsen.util - 1\t:info\t:write\t:timed-out\n\
                    2017-01-01 INFO [worker 3] jepsen.util - :nemesis :info :start nil\n";

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn reads_porcupines_etcd_lines() {
        let ops = parse_jepsen_log(PORCUPINE_SAMPLE).unwrap();
        assert_eq!(ops.len(), 7);
        let brief: Vec<_> = ops
            .iter()
            .map(|o| (o.index, o.process, o.kind, o.f.as_str(), o.value.clone()))
            .collect();
        use OpType::*;
        use Process::*;
        assert_eq!(
            brief,
            vec![
                (0, Client(0), Invoke, "read", json!(null)),
                (1, Client(2), Invoke, "cas", json!([4, 0])),
                (2, Client(0), Ok, "read", json!(3)),
                (3, Client(2), Fail, "cas", json!([4, 0])),
                (4, Client(1), Invoke, "write", json!(2)),
                (5, Client(1), Info, "write", json!("timed-out")),
                (6, Nemesis, Info, "start", json!(null)),
            ]
        );
        assert_eq!(ops[5].error, Some(json!("timed-out")));
    }

    #[test]
    fn bad_lines_are_errors_with_their_line_number() {
        let e = parse_jepsen_log("x\nINFO jepsen.util - 0 :invoke read nil\n").unwrap_err();
        assert!(e.starts_with("line 2:"), "{e}");
        assert!(parse_jepsen_log("INFO jepsen.util - p :invoke :read nil").is_err());
        assert!(parse_jepsen_log("INFO jepsen.util - 0 :begin :read nil").is_err());
        assert!(parse_jepsen_log("INFO jepsen.util - 0 :ok :read [1").is_err());
        assert!(parse_jepsen_log("INFO jepsen.util - 0").is_err());
    }
}
