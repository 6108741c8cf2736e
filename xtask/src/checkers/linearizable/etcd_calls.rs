//! Porcupine's etcd test data as calls on its etcd model: the ops of a
//! Jepsen log (read by `history/jepsen_log.rs`) paired into [`Call`]s.

use super::models::EtcdOp;
use super::Call;
use crate::history::{Op, OpType, Process};
use serde_json::Value;
use std::collections::HashMap;

/// Porcupine's reading of such a log (porcupine_test.go `parseJepsenLog`)
/// as calls on its etcd model: a read of nil means absent; `:fail :cas` is a
/// cas that found another value; `:fail :read` (a timed-out read) can have
/// seen anything; any other completion (`:info`) leaves the op unknown,
/// returning at the end of the history. Nemesis ops are skipped.
pub fn etcd_calls(ops: &[Op]) -> Result<Vec<Call<EtcdOp>>, String> {
    let int = |v: &Value, op: &Op| {
        v.as_i64()
            .ok_or_else(|| format!("op {}: {v} is not an integer", op.index))
    };
    let mut calls: Vec<Call<EtcdOp>> = Vec::new();
    let mut open: HashMap<u64, usize> = HashMap::new();
    for op in ops {
        let Process::Client(p) = op.process else {
            continue;
        };
        if op.kind == OpType::Invoke {
            let e = match (op.f.as_str(), &op.value) {
                ("read", _) => EtcdOp::Read(None),
                ("write", v) => EtcdOp::Write(int(v, op)?),
                ("cas", Value::Array(a)) if a.len() == 2 => EtcdOp::Cas {
                    from: int(&a[0], op)?,
                    to: int(&a[1], op)?,
                    ok: None,
                },
                (f, v) => return Err(format!("op {}: no etcd op {f} {v}", op.index)),
            };
            open.insert(p, calls.len());
            calls.push(Call {
                op: e,
                call: op.index as u64,
                ret: None,
                process: p,
            });
            continue;
        }
        let Some(i) = open.remove(&p) else {
            return Err(format!(
                "op {}: a completion without an invocation",
                op.index
            ));
        };
        let c = &mut calls[i];
        let ret = Some(op.index as u64);
        match (&mut c.op, op.kind) {
            (EtcdOp::Read(r), OpType::Ok) => {
                *r = Some(if op.value.is_null() {
                    None
                } else {
                    Some(int(&op.value, op)?)
                });
                c.ret = ret;
            }
            (EtcdOp::Read(_), OpType::Fail) | (EtcdOp::Write(_), OpType::Ok) => c.ret = ret,
            (EtcdOp::Cas { ok, .. }, OpType::Ok | OpType::Fail) => {
                *ok = Some(op.kind == OpType::Ok);
                c.ret = ret;
            }
            _ => {}
        }
    }
    Ok(calls)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::history::jepsen_log::{parse_jepsen_log, PORCUPINE_SAMPLE};

    #[test]
    fn reads_porcupines_etcd_lines_as_calls() {
        let ops = parse_jepsen_log(PORCUPINE_SAMPLE).unwrap();

        let calls = etcd_calls(&ops).unwrap();
        let brief: Vec<_> = calls.iter().map(|c| (c.op, c.call, c.ret)).collect();
        assert_eq!(
            brief,
            vec![
                (EtcdOp::Read(Some(Some(3))), 0, Some(2)),
                (
                    EtcdOp::Cas {
                        from: 4,
                        to: 0,
                        ok: Some(false)
                    },
                    1,
                    Some(3)
                ),
                (EtcdOp::Write(2), 4, None),
            ]
        );
    }
}
