//! Exploration across machines: `--shard K/N` runs the K-th of N disjoint
//! blocks of the seeds and writes a summary file; `--merge` joins the files
//! of every shard into the report one `explore` over all seeds prints.
//! Maelstrom has no such mode (nor explore itself): fidelity X32.

use super::{report, SeedRun, FIGURES};
use serde_json::{json, Value};
use std::collections::BTreeMap;
use std::ops::{Range, RangeInclusive};
use std::path::{Path, PathBuf};

/// Shard `k` of `n`, 1-based: `1 <= k <= n`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shard {
    pub k: u64,
    pub n: u64,
}

impl Shard {
    /// `K/N` as on the command line, e.g. `2/8`.
    pub fn parse(s: &str) -> Result<Shard, String> {
        let bad = || format!("--shard takes K/N with 1 <= K <= N (e.g. 2/8), not {s:?}");
        let (k, n) = s.split_once('/').ok_or_else(bad)?;
        let (k, n) = (
            k.parse::<u64>().map_err(|_| bad())?,
            n.parse::<u64>().map_err(|_| bad())?,
        );
        if k == 0 || k > n {
            return Err(bad());
        }
        Ok(Shard { k, n })
    }

    /// The seeds of this shard out of `seeds` seeds from `first`: the K-th
    /// of N contiguous blocks, sizes differing by at most one (a shard may
    /// be empty when N > seeds). Over K = 1..=N the blocks are disjoint and
    /// cover `first..first + seeds` exactly (tested).
    pub fn seeds(self, first: u64, seeds: u64) -> Range<u64> {
        let at = |k: u64| first + (seeds as u128 * k as u128 / self.n as u128) as u64;
        at(self.k - 1)..at(self.k)
    }
}

/// What a shard's summary file must agree on with the others' to be merged:
/// the test (row and replay command, which holds every flag), and the whole
/// seed range and shard count.
#[derive(Clone, Debug, PartialEq)]
pub struct PlanKey {
    pub row: Option<String>,
    pub replay: String,
    pub first_seed: u64,
    pub seeds: u64,
    pub shards: u64,
}

/// The summary file of one shard: its plan, its shard and its seeds' runs.
pub fn to_json(key: &PlanKey, shard: Shard, runs: &[SeedRun]) -> Value {
    json!({
        "explore-summary": 1,
        "row": key.row,
        "replay": key.replay,
        "first-seed": key.first_seed,
        "seeds": key.seeds,
        "shard": [shard.k, shard.n],
        "runs": runs.iter().map(|r| json!({
            "seed": r.seed,
            "passed": r.passed,
            "why": r.why,
            "figures": r.figures,
        })).collect::<Vec<_>>(),
    })
}

/// A summary file read back: its plan, its shard and its runs.
pub fn from_json(v: &Value) -> Result<(PlanKey, Shard, Vec<SeedRun>), String> {
    if v.get("explore-summary") != Some(&json!(1)) {
        return Err("not an explore summary (no \"explore-summary\": 1)".into());
    }
    let u64_at = |k: &str| {
        v.get(k)
            .and_then(Value::as_u64)
            .ok_or(format!("{k:?} is not a whole number"))
    };
    let shard = match v.get("shard").and_then(Value::as_array).map(Vec::as_slice) {
        Some([k, n]) => Shard {
            k: k.as_u64().unwrap_or(0),
            n: n.as_u64().unwrap_or(0),
        },
        _ => return Err("\"shard\" is not [K, N]".into()),
    };
    if shard.k == 0 || shard.k > shard.n {
        return Err(format!(
            "\"shard\" [{}, {}] is not 1 <= K <= N",
            shard.k, shard.n
        ));
    }
    let key = PlanKey {
        row: match v.get("row") {
            Some(Value::String(s)) => Some(s.clone()),
            Some(Value::Null) | None => None,
            Some(_) => return Err("\"row\" is not a string or null".into()),
        },
        replay: v
            .get("replay")
            .and_then(Value::as_str)
            .ok_or("\"replay\" is not a string")?
            .to_string(),
        first_seed: u64_at("first-seed")?,
        seeds: u64_at("seeds")?,
        shards: shard.n,
    };
    let runs = v
        .get("runs")
        .and_then(Value::as_array)
        .ok_or("\"runs\" is not a list")?
        .iter()
        .map(run_from_json)
        .collect::<Result<_, _>>()?;
    Ok((key, shard, runs))
}

fn run_from_json(v: &Value) -> Result<SeedRun, String> {
    let seed = v
        .get("seed")
        .and_then(Value::as_u64)
        .ok_or("a run without a whole-number \"seed\"")?;
    let mut figures = BTreeMap::new();
    if let Some(map) = v.get("figures").and_then(Value::as_object) {
        for (label, x) in map {
            // Only the figures explore knows: their labels are &'static.
            let (label, _) = FIGURES
                .iter()
                .find(|(l, _)| l == label)
                .ok_or(format!("seed {seed}: unknown figure {label:?}"))?;
            let x = x
                .as_f64()
                .ok_or(format!("seed {seed}: figure {label:?} is not a number"))?;
            figures.insert(*label, x);
        }
    }
    Ok(SeedRun {
        seed,
        passed: v
            .get("passed")
            .and_then(Value::as_bool)
            .ok_or(format!("seed {seed}: \"passed\" is not true or false"))?,
        why: v
            .get("why")
            .and_then(Value::as_str)
            .unwrap_or_default()
            .to_string(),
        figures,
    })
}

/// The summaries of every shard joined: the plan, all runs in seed order,
/// and the plan's seeds no summary has (as inclusive ranges: a plan of
/// 2^60 seeds must not make a list of them).
pub struct Merged {
    pub key: PlanKey,
    pub runs: Vec<SeedRun>,
    pub missing: Vec<RangeInclusive<u64>>,
}

impl Merged {
    /// The report one `explore` over all of the plan's seeds prints
    /// (without its wall time).
    pub fn report(&self) -> String {
        report(&self.runs, &self.key.replay)
    }

    /// How many of the plan's seeds no summary has.
    pub fn missing_count(&self) -> u128 {
        self.missing
            .iter()
            .map(|r| (*r.end() - *r.start()) as u128 + 1)
            .sum()
    }
}

/// Joins summaries, each named by where it came from (for errors).
/// Refuses summaries of different plans, a seed in two places and a seed
/// outside the plan's.
pub fn merge(summaries: Vec<(String, PlanKey, Vec<SeedRun>)>) -> Result<Merged, String> {
    let (first_name, key) = match summaries.first() {
        Some((name, key, _)) => (name.clone(), key.clone()),
        None => return Err("no summary to merge".into()),
    };
    let all = plan_seeds(&key)?;
    let mut from: BTreeMap<u64, String> = BTreeMap::new();
    let mut runs = Vec::new();
    for (name, k, more) in summaries {
        if k != key {
            return Err(format!(
                "{name} is a different exploration from {first_name}:\n  {k:?}\n  {key:?}"
            ));
        }
        for r in more {
            if !all.contains(&r.seed) {
                return Err(format!(
                    "seed {} ({name}) is outside the plan's seeds {}..{}",
                    r.seed, all.start, all.end
                ));
            }
            if let Some(other) = from.insert(r.seed, name.clone()) {
                return Err(format!("seed {} is in both {other} and {name}", r.seed));
            }
            runs.push(r);
        }
    }
    runs.sort_by_key(|r| r.seed);
    // The gaps between consecutive seeds present, and at both ends.
    let mut missing = Vec::new();
    let mut next = all.start;
    for seed in from.keys().copied().chain([all.end]) {
        if seed > next {
            missing.push(next..=seed - 1);
        }
        next = seed.saturating_add(1);
    }
    Ok(Merged { key, runs, missing })
}

/// The plan's seeds, `first-seed..first-seed + seeds`, if that fits in u64.
fn plan_seeds(key: &PlanKey) -> Result<Range<u64>, String> {
    let end = key.first_seed.checked_add(key.seeds).ok_or(format!(
        "first seed {} + {} seeds is past 2^64",
        key.first_seed, key.seeds
    ))?;
    Ok(key.first_seed..end)
}

/// Every `*.json` file under `paths` (files as given, directories' files
/// sorted), read and parsed.
pub fn read_summaries(paths: &[String]) -> Result<Vec<(String, PlanKey, Vec<SeedRun>)>, String> {
    let mut files: Vec<PathBuf> = Vec::new();
    for p in paths {
        let p = Path::new(p);
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| format!("{}: {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.extension().is_some_and(|x| x == "json"))
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(p.to_path_buf());
        }
    }
    files
        .iter()
        .map(|f| {
            let name = f.display().to_string();
            let text = read_summary(f).map_err(|e| format!("{name}: {e}"))?;
            let v: Value = serde_json::from_str(&text).map_err(|e| format!("{name}: {e}"))?;
            let (key, _, runs) = from_json(&v).map_err(|e| format!("{name}: {e}"))?;
            Ok((name, key, runs))
        })
        .collect()
}

/// The most a summary file may hold: about 400 000 seeds' outcomes.
const MAX_SUMMARY_BYTES: u64 = 256 << 20;

/// A summary file's text: a regular file only (a FIFO would block the
/// merge forever), and at most `MAX_SUMMARY_BYTES`, read without holding
/// more than that.
fn read_summary(path: &std::path::Path) -> Result<String, String> {
    use std::io::Read;
    let file = crate::history::source::open_regular(path)?;
    let mut text = String::new();
    file.take(MAX_SUMMARY_BYTES + 1)
        .read_to_string(&mut text)
        .map_err(|e| e.to_string())?;
    if text.len() as u64 > MAX_SUMMARY_BYTES {
        return Err(format!(
            "larger than {MAX_SUMMARY_BYTES} bytes: not a summary"
        ));
    }
    Ok(text)
}

/// Where a shard's summary goes without `--out`.
pub fn default_path(shard: Shard) -> PathBuf {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    PathBuf::from(format!(
        "store/explore/{secs}-shard-{}-of-{}.json",
        shard.k, shard.n
    ))
}

/// Seed ranges for a short warning: `3..=5, 9`.
pub fn ranges(seeds: &[RangeInclusive<u64>]) -> String {
    seeds
        .iter()
        .map(|r| {
            if r.start() == r.end() {
                r.start().to_string()
            } else {
                format!("{}..={}", r.start(), r.end())
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A FIFO given to `--merge` is refused at once instead of blocking the
    /// merge in `open()`, and so is a directory entry that is not a file.
    #[test]
    fn a_summary_must_be_a_regular_file() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("s.json");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        let e = read_summary(&fifo).unwrap_err();
        assert!(e.contains("not a regular file"), "{e}");
        let ok = dir.path().join("t.json");
        std::fs::write(&ok, "{}").unwrap();
        assert_eq!(read_summary(&ok).unwrap(), "{}");
    }

    /// For every seed count and shard count up to 12 and two first seeds,
    /// the N blocks are disjoint, in order, and their union is exactly the
    /// seeds.
    #[test]
    fn shards_are_disjoint_and_cover_the_seeds() {
        for first in [0, 1 << 40] {
            for seeds in 0..=12 {
                for n in 1..=12 {
                    let mut next = first;
                    for k in 1..=n {
                        let r = Shard { k, n }.seeds(first, seeds);
                        assert_eq!(r.start, next, "{seeds} seeds, {k}/{n}");
                        assert!(r.end >= r.start);
                        assert!(r.end - r.start <= seeds / n + 1);
                        next = r.end;
                    }
                    assert_eq!(next, first + seeds, "{seeds} seeds, N={n}");
                }
            }
        }
        assert_eq!(Shard { k: 2, n: 3 }.seeds(100, 10), 103..106);
        assert_eq!(
            Shard { k: 1, n: 1 }.seeds(u64::MAX - 5, 5),
            u64::MAX - 5..u64::MAX
        );
    }

    #[test]
    fn shard_parses_k_of_n() {
        assert_eq!(Shard::parse("1/1"), Ok(Shard { k: 1, n: 1 }));
        assert_eq!(Shard::parse("3/8"), Ok(Shard { k: 3, n: 8 }));
        for bad in ["0/1", "2/1", "1/0", "1", "/", "a/b", "-1/2", "1/2/3"] {
            assert!(Shard::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn ranges_of_missing_seeds() {
        assert_eq!(ranges(&[3..=5, 9..=9]), "3..=5, 9");
        assert_eq!(ranges(&[]), "");
    }

    fn key(first_seed: u64, seeds: u64) -> PlanKey {
        PlanKey {
            row: None,
            replay: "cargo xtask maelstrom test -w echo --sim".into(),
            first_seed,
            seeds,
            shards: 2,
        }
    }

    fn run(seed: u64) -> SeedRun {
        SeedRun {
            seed,
            passed: true,
            why: String::new(),
            figures: BTreeMap::new(),
        }
    }

    /// A hostile or mistaken summary (2^64 - 1 seeds, a seed range past
    /// 2^64) is an error or a short answer, never a panic or a list of
    /// every seed.
    #[test]
    fn merge_survives_huge_and_overflowing_plans() {
        let m = merge(vec![("a".into(), key(5, u64::MAX - 5), vec![run(7)])]).unwrap();
        assert_eq!(m.missing, [5..=6, 8..=u64::MAX - 1]);
        assert_eq!(m.missing_count(), u64::MAX as u128 - 6);
        let e = merge(vec![("a".into(), key(u64::MAX, 2), vec![])]).err();
        assert!(e.is_some_and(|e| e.contains("past 2^64")));
        let e = merge(vec![("a".into(), key(5, 4), vec![run(9)])]).err();
        assert!(e.is_some_and(|e| e.contains("outside")));
    }

    #[test]
    fn a_seed_twice_in_one_file_is_refused() {
        let e = merge(vec![("a".into(), key(5, 4), vec![run(6), run(6)])]).err();
        assert!(e.is_some_and(|e| e.contains("seed 6 is in both a and a")));
    }
}
