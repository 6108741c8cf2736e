//! `counter.svg` for g-counter and pn-counter runs: every read against
//! the range of values it may return ([`bounds`]), the final reads the
//! checker judged, the failing ones marked ([`picture`]). An invalid run's
//! picture is an anomaly, its window the failing final reads' and its
//! nodes those that answered them ([`nodes`]); a valid run's is context.
//! Maelstrom draws nothing of the kind: the name is ours.

pub mod bounds;
pub mod nodes;
pub mod picture;

use super::ops::for_each_op;
use super::{Picture, RunView};
use bounds::Bounds;
use picture::Judgement;
use serde_json::Value;

pub const FILE: &str = "counter.svg";

pub fn draw(run: &RunView) -> Result<Vec<Picture>, String> {
    if !matches!(run.workload, "g-counter" | "pn-counter") {
        return Ok(vec![]);
    }
    let mut end = 0;
    if !for_each_op(run.dir, |op| end = end.max(op.time))? {
        return Ok(vec![]);
    }
    let mut bounds = Bounds::new(end);
    let mut bad = None;
    for_each_op(run.dir, |op| {
        if bad.is_none() {
            bad = bounds.push(op).err();
        }
    })?;
    if let Some(e) = bad {
        return Err(e);
    }
    let checker = &run.results["workload"];
    let judgement = Judgement::from_results(checker);
    let failing: Vec<_> = bounds
        .finals()
        .iter()
        .filter(|f| judgement.failing.contains(&f.index))
        .collect();
    let invalid = checker["valid?"] == Value::Bool(false);
    let title = if invalid {
        format!(
            "{}: {} final read(s) outside the acceptable values {}",
            run.workload,
            judgement.failing.len(),
            judgement.acceptable_text()
        )
    } else {
        format!("{}: every read against the acceptable range", run.workload)
    };
    let svg = picture::svg(&bounds, end, &judgement, &title);
    std::fs::write(run.dir.join(FILE), svg).map_err(|e| format!("cannot write {FILE}: {e}"))?;
    let window_ns = failing
        .iter()
        .map(|f| (f.invoked_ns, f.time_ns))
        .reduce(|(a, b), (c, d)| (a.min(c), b.max(d)));
    let reads: Vec<nodes::Read> = failing
        .iter()
        .map(|f| (f.invoked_ns, f.time_ns, f.value))
        .collect();
    Ok(vec![Picture {
        file: FILE.into(),
        title,
        anomaly: invalid,
        window_ns,
        nodes: if reads.is_empty() {
            vec![]
        } else {
            nodes::nodes_answering(run.dir, &reads)
        },
    }])
}

#[cfg(test)]
mod tests;
