//! `cargo xtask check -w WORKLOAD [--consistency-models M] HISTORY`: runs a
//! workload's checker over a history file, without running a test. The file
//! is Jepsen/Elle's `history.edn` (one op map per line, keywords as in
//! `{:type :ok, :f :txn, :value [[:append 1 2]], :process 0, :index 3}`) or
//! this bench's `history.jsonl`. Missing `:process` is 0, missing `:time`
//! the op's position, missing `:f` is `txn`. Prints the workload's result
//! map and the time the check took; exits as `maelstrom test` would.

use crate::edn;
use crate::history::{History, Op, OpType, Process};
use crate::workload::TestOpts;
use serde_json::Value;
use std::time::Instant;

pub fn command(args: &[String]) -> i32 {
    let mut workload = None;
    let mut models: Option<Vec<String>> = None;
    let mut file = None;
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "-w" | "--workload" => workload = it.next().cloned(),
            "--consistency-models" => models = it.next().map(|m| crate::cli::split_models(m)),
            f if !f.starts_with('-') && file.is_none() => file = Some(f.to_string()),
            other => return usage(&format!("unknown argument {other}")),
        }
    }
    let (Some(workload), Some(file)) = (workload, file) else {
        return usage("check needs -w WORKLOAD and a history file");
    };
    let Some(w) = crate::workloads::by_name(&workload) else {
        return usage(&format!("no workload {workload:?}"));
    };
    let history = match std::fs::read_to_string(&file)
        .map_err(|e| format!("{file}: {e}"))
        .and_then(|text| parse_history(&text))
    {
        Ok(h) => h,
        Err(e) => {
            eprintln!("{e}");
            return 255;
        }
    };
    let mut opts = TestOpts::defaults(vec!["n0".into()]);
    if let Some(m) = models {
        opts.consistency_models = m;
    }
    let start = Instant::now();
    let result = w.check(&history, &opts);
    let took = start.elapsed();
    let json = serde_json::to_string_pretty(&result.to_json()).unwrap_or_default();
    println!("{json}");
    eprintln!(
        "checked {} ops ({} completions) in {:.3} s",
        history.ops.len(),
        history.ops.iter().filter(|o| !o.is_invoke()).count(),
        took.as_secs_f64()
    );
    result.valid.exit_code()
}

fn usage(msg: &str) -> i32 {
    eprintln!("{msg}\n\nUsage: cargo xtask check -w WORKLOAD [--consistency-models MODELS] HISTORY(.edn|.jsonl)");
    254
}

/// One op per non-empty line, EDN or JSON.
pub fn parse_history(text: &str) -> Result<History, String> {
    let mut ops = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let line = line.trim();
        if line.is_empty() || line.starts_with(';') {
            continue;
        }
        let v = if line.starts_with('{') && line.contains("\":") {
            serde_json::from_str(line).map_err(|e| e.to_string())
        } else {
            edn::parse(line)
        }
        .map_err(|e| format!("line {}: {e}", n + 1))?;
        ops.push(op_of(&v, ops.len()).map_err(|e| format!("line {}: {e}", n + 1))?);
    }
    Ok(History::new(ops))
}

fn op_of(v: &Value, index: usize) -> Result<Op, String> {
    let kind = match v["type"].as_str() {
        Some("invoke") => OpType::Invoke,
        Some("ok") => OpType::Ok,
        Some("fail") => OpType::Fail,
        Some("info") => OpType::Info,
        other => return Err(format!("unknown op type {other:?}")),
    };
    let process = match &v["process"] {
        Value::Null => Process::Client(0),
        Value::String(s) if s == "nemesis" => Process::Nemesis,
        p => Process::Client(p.as_u64().ok_or_else(|| format!("bad process {p}"))?),
    };
    Ok(Op {
        index,
        time: v["time"].as_u64().unwrap_or(index as u64),
        process,
        kind,
        f: v["f"].as_str().unwrap_or("txn").to_string(),
        value: v["value"].clone(),
        error: v.get("error").cloned(),
        exception: None,
        is_final: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn edn_and_jsonl_histories_parse_alike() {
        let edn = "{:index 0 :type :invoke, :value [[:append 253 1] [:r 253 nil]]}\n\
                   {:index 1 :type :ok, :process 2, :value [[:append 253 1] [:r 253 [1]]]}\n";
        let h = parse_history(edn).unwrap();
        assert_eq!(h.ops.len(), 2);
        assert_eq!(h.ops[1].process, Process::Client(2));
        assert_eq!(
            h.ops[1].value,
            serde_json::json!([["append", 253, 1], ["r", 253, [1]]])
        );
        let jsonl =
            "{\"index\":0,\"time\":5,\"process\":0,\"type\":\"invoke\",\"f\":\"txn\",\"value\":[]}";
        assert_eq!(parse_history(jsonl).unwrap().ops[0].time, 5);
        assert!(parse_history("{:type :bogus}").is_err());
    }
}
