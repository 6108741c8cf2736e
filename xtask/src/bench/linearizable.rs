//! `cargo xtask bench linearizable [--porcupine DIR] [--knossos DIR] [--rounds N]`:
//! our linearizability checker on public known-answer data, timed, and
//! Porcupine's own test suite timed side by side when Go is installed.
//!
//! - Porcupine's etcd logs (DIR/test_data/jepsen/etcd_*.log): the expected
//!   verdict of each is the one porcupine_test.go asserts
//!   (`checkJepsen(t, N, true|false)`; 095 has none and is skipped). Checked
//!   with Porcupine's etcd model (its reading of the logs), and, for the
//!   record, with Knossos's cas-register reading (failed ops dropped, nil
//!   reads unknown), which Maelstrom's lin-kv uses.
//! - Porcupine's kv histories (DIR/test_data/kv/c*-ok|bad.txt) with its
//!   get/put/append model, partitioned by key and as one map.
//! - Knossos's data/cas-register/good and bad (DIR/data/cas-register).
//!
//! Times are medians over the rounds of parse + check, in this process;
//! Porcupine's are the in-process durations its compiled test binary
//! reports for the matching tests (`go test -c` first, then `-test.v`), so
//! neither compilation nor process start is timed.

use crate::checkers::linearizable::etcd_calls::etcd_calls;
use crate::checkers::linearizable::independent::{check_register, check_register_from};
use crate::checkers::linearizable::models::{EtcdRegister, KvKey, KvMap, KvOp};
use crate::checkers::linearizable::{check, check_partitions, Budget, Call, Verdict};
use crate::checkers::Validity;
use crate::edn;
use crate::history::jepsen_log::parse_jepsen_log;
use crate::history::{History, Op, OpType, Process};
use serde_json::Value;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

pub mod hard;

pub struct Opts {
    pub porcupine: Option<PathBuf>,
    pub knossos: Option<PathBuf>,
    pub rounds: usize,
}

/// One line of the report.
struct Row {
    what: String,
    files: usize,
    agree: usize,
    ours: Duration,
    theirs: Option<Duration>,
}

fn budget() -> Budget {
    Budget::new(Duration::from_secs(120), 2 << 30)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// Runs `f` `rounds` times; its verdicts from the first round and the median time.
fn timed<T>(rounds: usize, mut f: impl FnMut() -> T) -> (T, Duration) {
    let mut times = Vec::new();
    let mut first = None;
    for _ in 0..rounds.max(1) {
        let t = Instant::now();
        let out = f();
        times.push(t.elapsed());
        first.get_or_insert(out);
    }
    (first.expect("at least one round"), median(times))
}

/// `checkJepsen(t, N, true|false)` lines of porcupine_test.go.
fn etcd_expectations(test_go: &str) -> HashMap<u32, bool> {
    let mut m = HashMap::new();
    for line in test_go.lines() {
        let Some(rest) = line.trim().strip_prefix("checkJepsen(t, ") else {
            continue;
        };
        let mut parts = rest.trim_end_matches(')').split(", ");
        if let (Some(n), Some(b)) = (parts.next(), parts.next()) {
            if let (Ok(n), Ok(b)) = (n.parse(), b.parse()) {
                m.insert(n, b);
            }
        }
    }
    m
}

fn read(p: &Path) -> Result<String, String> {
    std::fs::read_to_string(p).map_err(|e| format!("{}: {e}", p.display()))
}

fn etcd_rows(dir: &Path, rounds: usize) -> Result<Vec<Row>, String> {
    let expected = etcd_expectations(&read(&dir.join("porcupine_test.go"))?);
    let mut logs: Vec<(u32, bool, String)> = Vec::new();
    let mut names: Vec<_> = std::fs::read_dir(dir.join("test_data/jepsen"))
        .map_err(|e| format!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    names.sort();
    for p in names {
        let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
        let Some(n) = stem.strip_prefix("etcd_").and_then(|n| n.parse().ok()) else {
            continue;
        };
        if let Some(&want) = expected.get(&n) {
            logs.push((n, want, read(&p)?));
        }
    }
    eprintln!("bench linearizable: {} etcd logs", logs.len());
    let ours = |text: &str| -> Result<Validity, String> {
        let calls = etcd_calls(&parse_jepsen_log(text)?)?;
        Ok(check(&EtcdRegister, &calls, &budget()).validity())
    };
    let (verdicts, t) = timed(rounds, || {
        logs.iter()
            .map(|(_, _, text)| ours(text))
            .collect::<Result<Vec<_>, _>>()
    });
    let verdicts = verdicts?;
    let mut agree = 0;
    for ((n, want, _), got) in logs.iter().zip(&verdicts) {
        if *got == Validity::from_bool(*want) {
            agree += 1;
        } else {
            eprintln!("etcd_{n:03}: Porcupine says {want}, we say {got:?}");
        }
    }
    let knossos_reading = |text: &str| -> Result<Validity, String> {
        let h = History::new(parse_jepsen_log(text)?);
        Ok(check_register(&h, &budget()).valid)
    };
    let (kverdicts, kt) = timed(rounds, || {
        logs.iter()
            .map(|(_, _, text)| knossos_reading(text))
            .collect::<Result<Vec<_>, _>>()
    });
    let kverdicts = kverdicts?;
    let kagree = logs
        .iter()
        .zip(&kverdicts)
        .filter(|((_, want, _), got)| **got == Validity::from_bool(*want))
        .count();
    for ((n, want, _), got) in logs.iter().zip(&kverdicts) {
        if *got != Validity::from_bool(*want) {
            eprintln!("etcd_{n:03} (Knossos's reading): Porcupine says {want}, we say {got:?}");
        }
    }
    Ok(vec![
        Row {
            what: "etcd logs, Porcupine's etcd model".into(),
            files: logs.len(),
            agree,
            ours: t,
            theirs: None,
        },
        Row {
            what: "etcd logs, Knossos's cas-register reading".into(),
            files: logs.len(),
            agree: kagree,
            ours: kt,
            theirs: None,
        },
    ])
}

/// Porcupine's kv files: one EDN map per line, paired by process; an
/// invocation that never completes is indeterminate.
fn kv_calls(text: &str) -> Result<(Vec<Call<KvOp>>, usize), String> {
    let mut keys: HashMap<String, usize> = HashMap::new();
    let mut calls: Vec<Call<KvOp>> = Vec::new();
    let mut open: HashMap<u64, usize> = HashMap::new();
    for (i, line) in text
        .lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
    {
        let m = edn::parse(line).map_err(|e| format!("line {}: {e}", i + 1))?;
        let s = |k: &str| m.get(k).and_then(Value::as_str).unwrap_or("").to_string();
        let p = m
            .get("process")
            .and_then(Value::as_u64)
            .ok_or_else(|| format!("line {}: no process", i + 1))?;
        let n = keys.len();
        let key = *keys.entry(s("key")).or_insert(n);
        let value: Arc<str> = Arc::from(s("value"));
        match s("type").as_str() {
            "invoke" => {
                let op = match s("f").as_str() {
                    "get" => KvOp::Get {
                        key,
                        out: Arc::from(""),
                    },
                    "put" => KvOp::Put { key, value },
                    "append" => KvOp::Append { key, value },
                    f => return Err(format!("line {}: unknown :f {f}", i + 1)),
                };
                open.insert(p, calls.len());
                calls.push(Call {
                    op,
                    call: i as u64,
                    ret: None,
                    process: p,
                });
            }
            "ok" => {
                let c = open
                    .remove(&p)
                    .ok_or_else(|| format!("line {}: :ok without an invocation", i + 1))?;
                if let KvOp::Get { out, .. } = &mut calls[c].op {
                    *out = value;
                }
                calls[c].ret = Some(i as u64);
            }
            t => return Err(format!("line {}: unexpected :type {t}", i + 1)),
        }
    }
    Ok((calls, keys.len()))
}

fn kv_partitioned(calls: &[Call<KvOp>], keys: usize) -> Validity {
    let mut parts: Vec<Vec<Call<KvOp>>> = vec![Vec::new(); keys];
    for c in calls {
        parts[c.op.key()].push(c.clone());
    }
    check_partitions(&KvKey, &parts, &budget())
        .iter()
        .map(Verdict::validity)
        .fold(Validity::True, Validity::merge)
}

fn kv_rows(dir: &Path, rounds: usize, go: Option<&Path>) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    let cases = [
        ("c01", "1Client", true),
        ("c10", "10Clients", true),
        ("c50", "50Clients", false),
    ];
    for (file, test, also_unpartitioned) in cases {
        for (suffix, want) in [("ok", true), ("bad", false)] {
            let text = read(&dir.join(format!("test_data/kv/{file}-{suffix}.txt")))?;
            eprintln!("bench linearizable: kv {file}-{suffix}");
            let go_name =
                |prefix: &str| format!("^Test{prefix}{test}{}$", if want { "Ok" } else { "Bad" });
            let (got, t) = timed(rounds, || {
                kv_calls(&text).map(|(calls, keys)| kv_partitioned(&calls, keys))
            });
            rows.push(Row {
                what: format!("kv {file}-{suffix}, per key"),
                files: 1,
                agree: usize::from(got? == Validity::from_bool(want)),
                ours: t,
                theirs: go
                    .map(|g| go_time(g, dir, &go_name("Kv"), rounds))
                    .transpose()?,
            });
            if also_unpartitioned {
                let (got, t) = timed(rounds, || {
                    kv_calls(&text)
                        .map(|(calls, keys)| check(&KvMap { keys }, &calls, &budget()).validity())
                });
                rows.push(Row {
                    what: format!("kv {file}-{suffix}, one map"),
                    files: 1,
                    agree: usize::from(got? == Validity::from_bool(want)),
                    ours: t,
                    theirs: go
                        .map(|g| go_time(g, dir, &go_name("KvNoPartition"), rounds))
                        .transpose()?,
                });
            }
        }
    }
    Ok(rows)
}

/// A Knossos data file: one EDN vector or list of op maps.
fn knossos_history(text: &str) -> Result<History, String> {
    let v = edn::parse(text)?;
    let items = v.as_array().ok_or("not a vector of ops")?;
    let mut ops = Vec::new();
    for m in items {
        let process = match m.get("process") {
            Some(Value::Number(n)) => Process::Client(n.as_u64().ok_or("bad process")?),
            _ => Process::Nemesis,
        };
        let kind = match m.get("type").and_then(Value::as_str) {
            Some("invoke") => OpType::Invoke,
            Some("ok") => OpType::Ok,
            Some("fail") => OpType::Fail,
            Some("info") => OpType::Info,
            other => return Err(format!("unknown :type {other:?}")),
        };
        let index = ops.len();
        ops.push(Op {
            index,
            time: index as u64,
            process,
            kind,
            f: m.get("f").and_then(Value::as_str).unwrap_or("").to_string(),
            value: m.get("value").cloned().unwrap_or(Value::Null),
            error: None,
            exception: None,
            is_final: false,
        });
    }
    Ok(History::new(ops))
}

fn knossos_rows(dir: &Path, rounds: usize) -> Result<Vec<Row>, String> {
    let mut rows = Vec::new();
    for (folder, want) in [("good", true), ("bad", false)] {
        let d = dir.join("data/cas-register").join(folder);
        let mut files: Vec<PathBuf> = std::fs::read_dir(&d)
            .map_err(|e| format!("{}: {e}", d.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "edn"))
            .collect();
        files.sort();
        let texts: Vec<(PathBuf, String)> = files
            .into_iter()
            .map(|p| read(&p).map(|t| (p, t)))
            .collect::<Result<_, _>>()?;
        let (verdicts, t) = timed(rounds, || {
            texts
                .iter()
                // core_test.clj `test-examples`: `{:cas-register (model/cas-register 0) ..}`.
                .map(|(_, text)| {
                    knossos_history(text)
                        .map(|h| check_register_from(&h, &Value::from(0), &budget()).valid)
                })
                .collect::<Result<Vec<_>, _>>()
        });
        let verdicts = verdicts?;
        let mut agree = 0;
        for ((p, _), v) in texts.iter().zip(&verdicts) {
            if *v == Validity::from_bool(want) {
                agree += 1;
            } else {
                eprintln!("{}: expected {want}, got {v:?}", p.display());
            }
        }
        rows.push(Row {
            what: format!("Knossos cas-register/{folder}"),
            files: texts.len(),
            agree,
            ours: t,
            theirs: None,
        });
    }
    Ok(rows)
}

/// Compiles Porcupine's tests once; None when Go is not installed.
fn go_test_binary(dir: &Path) -> Result<Option<PathBuf>, String> {
    if Command::new("go").arg("version").output().is_err() {
        eprintln!("bench linearizable: no `go` on PATH; Porcupine's own timings are skipped");
        return Ok(None);
    }
    let bin = std::env::temp_dir().join("xtask-porcupine.test");
    let out = Command::new("go")
        .args(["test", "-c", "-o"])
        .arg(&bin)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("go test -c: {e}"))?;
    if !out.status.success() {
        return Err(format!(
            "go test -c failed in {}:\n{}",
            dir.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(Some(bin))
}

/// Below this, the hundredths of a second Go's test runner prints are too
/// coarse for a ratio: such tests are timed over many runs in one process.
const GO_FINE_BELOW: Duration = Duration::from_millis(100);

/// Median time of the compiled test binary running `pattern`, in-process:
/// the sum of the durations Go's test runner reports for each test
/// (`-test.v`: `--- PASS: TestName (0.52s)`, the test function's own time,
/// reading its data and checking, as ours is parse + check), so process
/// start is not counted. Its tests must pass (they assert the verdicts).
/// Under [`GO_FINE_BELOW`], the time is `(wall(K runs) - wall(no test)) /
/// K` with `-test.count K` in one process: process start and Go's set-up
/// cancel out, and K runs last long enough to be measured.
fn go_time(bin: &Path, dir: &Path, pattern: &str, rounds: usize) -> Result<Duration, String> {
    let mut times = Vec::new();
    for _ in 0..rounds.max(1) {
        let (stdout, _) = go_run(bin, dir, pattern, 1)?;
        let secs = go_test_seconds(&stdout)
            .ok_or_else(|| format!("no `--- PASS` durations from {pattern}:\n{stdout}"))?;
        times.push(Duration::from_secs_f64(secs));
    }
    let coarse = median(times);
    if coarse >= GO_FINE_BELOW {
        return Ok(coarse);
    }
    // Enough runs for about half a second (at least 5, at most 500).
    let per = coarse.max(Duration::from_millis(1));
    let k = (Duration::from_millis(500).as_nanos() / per.as_nanos()).clamp(5, 500) as u32;
    let mut fine = Vec::new();
    for _ in 0..rounds.max(1) {
        let (_, idle) = go_run(bin, dir, "^$", 1)?;
        let (_, busy) = go_run(bin, dir, pattern, k)?;
        fine.push(busy.saturating_sub(idle) / k);
    }
    Ok(median(fine))
}

/// One run of the test binary on `pattern`, `count` times over: its stdout
/// and wall time. It must pass and run a test (unless `pattern` is `^$`).
fn go_run(bin: &Path, dir: &Path, pattern: &str, count: u32) -> Result<(String, Duration), String> {
    let t = Instant::now();
    let out = Command::new(bin)
        .args([
            "-test.run",
            pattern,
            "-test.count",
            &count.to_string(),
            "-test.v",
        ])
        .current_dir(dir)
        .output()
        .map_err(|e| format!("{}: {e}", bin.display()))?;
    let wall = t.elapsed();
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() || (pattern != "^$" && stdout.contains("no tests to run")) {
        return Err(format!("Porcupine's {pattern} did not pass:\n{stdout}"));
    }
    Ok((stdout, wall))
}

/// The sum of the top-level `--- PASS: Name (1.23s)` durations, if any.
fn go_test_seconds(stdout: &str) -> Option<f64> {
    let durations: Vec<f64> = stdout
        .lines()
        .filter_map(|l| l.strip_prefix("--- PASS: "))
        .filter_map(|l| l.rsplit_once(" (")?.1.strip_suffix("s)")?.parse().ok())
        .collect();
    (!durations.is_empty()).then(|| durations.iter().sum())
}

/// Seconds, or milliseconds under 10 ms (where three decimals of a second
/// would print 0.000 s for Porcupine's smallest histories).
fn secs(d: Duration) -> String {
    if d < Duration::from_millis(10) {
        format!("{:.2} ms", d.as_secs_f64() * 1e3)
    } else {
        format!("{:.3} s", d.as_secs_f64())
    }
}

pub fn run(opts: &Opts) -> Result<String, String> {
    let mut rows = Vec::new();
    if let Some(dir) = &opts.porcupine {
        let go = go_test_binary(dir)?;
        let mut etcd = etcd_rows(dir, opts.rounds)?;
        if let Some(g) = &go {
            etcd[0].theirs = Some(go_time(g, dir, "^TestEtcdJepsen", opts.rounds)?);
        }
        rows.extend(etcd);
        rows.extend(kv_rows(dir, opts.rounds, go.as_deref())?);
    }
    if let Some(dir) = &opts.knossos {
        rows.extend(knossos_rows(dir, opts.rounds)?);
    }
    if rows.is_empty() {
        return Err("nothing to run: give --porcupine DIR and/or --knossos DIR".into());
    }
    let mut s = String::from(
        "| data | files | verdicts as expected | ours | Porcupine | Porcupine / ours |\n\
         |---|---:|---:|---:|---:|---:|\n",
    );
    for r in &rows {
        let (theirs, ratio) = match r.theirs {
            Some(t) => (
                secs(t),
                format!("{:.1}x", t.as_secs_f64() / r.ours.as_secs_f64().max(1e-9)),
            ),
            None => ("-".into(), "-".into()),
        };
        s.push_str(&format!(
            "| {} | {} | {}/{} | {} | {theirs} | {ratio} |\n",
            r.what,
            r.files,
            r.agree,
            r.files,
            secs(r.ours)
        ));
    }
    Ok(s)
}

#[cfg(test)]
mod tests {
    /// Go's `-test.v` lines, top-level only (subtests are indented).
    #[test]
    fn go_test_durations_are_summed_from_the_pass_lines() {
        let out = "=== RUN   TestA\n--- PASS: TestA (0.52s)\n    --- PASS: TestA/sub (0.10s)\n--- PASS: TestB (1.00s)\nPASS\n";
        let secs = super::go_test_seconds(out).unwrap();
        assert!((secs - 1.52).abs() < 1e-9, "{secs}");
        assert_eq!(super::go_test_seconds("PASS\n"), None);
    }
}
