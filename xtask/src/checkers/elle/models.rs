//! Consistency models and the anomalies they prohibit, as
//! `elle.consistency-model` (0.1.6) computes them from three graphs:
//! model implication, the anomalies each model directly proscribes, and
//! anomaly implication. The tables below restate those graphs; everything
//! else (closures, boundaries) is computed from them, so any Elle model
//! name works, not only the four Maelstrom users pass.

use std::collections::BTreeSet;

/// Friendly name -> canonical name.
const CANONICAL: &[(&str, &str)] = &[
    ("consistent-view", "PL-2+"),
    ("conflict-serializable", "PL-3"),
    ("cursor-stability", "PL-CS"),
    ("forward-consistent-view", "PL-FCV"),
    ("monotonic-snapshot-read", "PL-MSR"),
    ("monotonic-view", "PL-2L"),
    ("read-committed", "PL-2"),
    ("read-uncommitted", "PL-1"),
    ("repeatable-read", "PL-2.99"),
    ("serializable", "PL-3"),
    ("snapshot-isolation", "PL-SI"),
    ("strict-serializable", "PL-SS"),
    ("strong-serializable", "PL-SS"),
    ("update-serializable", "PL-3U"),
];

/// Canonical -> friendly, where the inverse is ambiguous. Elle inverts a
/// hash map (PL-SS comes out as strong-serializable, as its own tests show)
/// and pins PL-3 to serializable.
const FRIENDLY_OVERRIDES: &[(&str, &str)] =
    &[("PL-3", "serializable"), ("PL-SS", "strong-serializable")];

/// a -> b: a history satisfying a satisfies b (names canonicalized on use).
const MODELS: &[(&str, &[&str])] = &[
    ("causal-cerone", &["ROLA", "read-atomic"]),
    ("consistent-view", &["cursor-stability", "monotonic-view"]),
    ("conflict-serializable", &["view-serializable"]),
    ("cursor-stability", &["read-committed", "PL-2"]),
    ("forward-consistent-view", &["consistent-view"]),
    ("PL-2", &["PL-1"]),
    ("PL-3", &["repeatable-read", "update-serializable"]),
    ("update-serializable", &["forward-consistent-view"]),
    ("monotonic-atomic-view", &["read-committed"]),
    ("monotonic-view", &["PL-2"]),
    ("monotonic-snapshot-read", &["PL-2"]),
    ("parallel-snapshot-isolation", &["causal-cerone"]),
    ("prefix", &["causal-cerone"]),
    ("read-committed", &["read-uncommitted"]),
    (
        "repeatable-read",
        &["cursor-stability", "monotonic-atomic-view"],
    ),
    ("ROLA", &["read-atomic"]),
    (
        "serializable",
        &["repeatable-read", "snapshot-isolation", "view-serializable"],
    ),
    ("session-serializable", &["1SR"]),
    (
        "snapshot-isolation",
        &[
            "forward-consistent-view",
            "monotonic-atomic-view",
            "monotonic-snapshot-read",
            "parallel-snapshot-isolation",
            "prefix",
        ],
    ),
    (
        "strict-serializable",
        &[
            "PL-3",
            "serializable",
            "linearizable",
            "snapshot-isolation",
            "strong-snapshot-isolation",
            "strong-session-serializable",
        ],
    ),
    ("strong-serializable", &["session-serializable"]),
    ("strong-session-serializable", &["serializable"]),
    ("strong-session-snapshot-isolation", &["snapshot-isolation"]),
    (
        "strong-snapshot-isolation",
        &["strong-session-snapshot-isolation"],
    ),
    ("linearizable", &["sequential"]),
    ("sequential", &["causal"]),
    ("causal", &["writes-follow-reads", "PRAM"]),
    (
        "PRAM",
        &["monotonic-reads", "monotonic-writes", "read-your-writes"],
    ),
];

/// Model -> anomalies it directly proscribes.
const PROSCRIBED: &[(&str, &[&str])] = &[
    ("causal-cerone", &["internal", "G1a"]),
    ("cursor-stability", &["G1", "G-cursor", "lost-update"]),
    ("monotonic-view", &["G1", "G-monotonic"]),
    ("monotonic-snapshot-read", &["G1", "G-MSR"]),
    ("consistent-view", &["G1", "G-single"]),
    ("forward-consistent-view", &["G1", "G-SIb"]),
    ("parallel-snapshot-isolation", &["internal", "G1a"]),
    ("PL-3", &["G1", "G2"]),
    ("PL-2", &["G1"]),
    ("PL-1", &["G0", "duplicate-elements", "cyclic-versions"]),
    ("prefix", &["internal", "G1a"]),
    ("serializable", &["internal"]),
    (
        "snapshot-isolation",
        &["internal", "G1", "G-SI", "G-nonadjacent"],
    ),
    ("read-atomic", &["internal", "G1a"]),
    ("repeatable-read", &["G1", "G2-item", "lost-update"]),
    ("ROLA", &["lost-update"]),
    (
        "strict-serializable",
        &["G1", "G1c-realtime", "G2-realtime"],
    ),
    (
        "strong-session-snapshot-isolation",
        &["G-nonadjacent-process"],
    ),
    ("strong-snapshot-isolation", &["G-nonadjacent-realtime"]),
    (
        "strong-session-serializable",
        &["G1c-process", "G2-process"],
    ),
    ("update-serializable", &["G1", "G-update"]),
];

/// a -> b: an a anomaly is also a b anomaly.
const IMPLIED: &[(&str, &[&str])] = &[
    ("G0", &["G1c"]),
    ("G0-process", &["G1c-process", "G0-realtime"]),
    ("G0-realtime", &["G1c-realtime"]),
    ("G1a", &["G1"]),
    ("G1b", &["G1"]),
    ("G1c", &["G1"]),
    ("G1c-process", &["G1c-realtime"]),
    ("G-single", &["G-nonadjacent", "GSIb"]),
    (
        "G-single-process",
        &["G-nonadjacent-process", "G-single-realtime"],
    ),
    ("G-single-realtime", &["G-nonadjacent-realtime"]),
    ("G-nonadjacent", &["G2"]),
    (
        "G-nonadjacent-process",
        &["G2-process", "G-nonadjacent-realtime"],
    ),
    ("G-nonadjacent-realtime", &["G2-realtime"]),
    ("G2-item", &["G2"]),
    ("G2-item-process", &["G2-process", "G2-item-realtime"]),
    ("G2-item-realtime", &["G2-realtime"]),
    ("G2-process", &["G2-realtime"]),
    ("GSIa", &["GSI"]),
    ("GSIb", &["GSI"]),
    ("incompatible-order", &["G1a"]),
    ("dirty-update", &["G1a"]),
    ("lost-update", &["write-skew", "G2-item"]),
    ("write-skew", &["G2"]),
];

/// Cycle types whose name says they need real-time / process edges.
const REALTIME_TYPES: &[&str] = &[
    "G0-realtime",
    "G1c-realtime",
    "G-single-realtime",
    "G2-item-realtime",
    "G-nonadjacent-realtime",
];
const PROCESS_TYPES: &[&str] = &[
    "G0-process",
    "G1c-process",
    "G-single-process",
    "G2-item-process",
    "G-nonadjacent-process",
];

/// Meta anomalies that make Elle's verdict `:unknown` rather than false.
pub const UNKNOWN_TYPES: &[&str] = &["empty-transaction-graph", "cycle-search-timeout"];

pub fn canonical(m: &str) -> &str {
    CANONICAL
        .iter()
        .find(|(f, _)| *f == m)
        .map_or(m, |(_, c)| c)
}

pub fn friendly(m: &str) -> &str {
    if let Some((_, f)) = FRIENDLY_OVERRIDES.iter().find(|(c, _)| *c == m) {
        return f;
    }
    CANONICAL
        .iter()
        .find(|(_, c)| *c == m)
        .map_or(m, |(f, _)| f)
}

/// Canonicalized edges of a table.
fn edges(
    table: &'static [(&'static str, &'static [&'static str])],
) -> impl Iterator<Item = (&'static str, &'static str)> {
    table
        .iter()
        .flat_map(|(a, bs)| bs.iter().map(move |b| (canonical(a), canonical(b))))
}

/// Breadth-first closure from `start` (included) along the table's edges,
/// forwards or backwards.
fn closure(
    table: &'static [(&'static str, &'static [&'static str])],
    start: &[&str],
    forward: bool,
) -> BTreeSet<String> {
    let mut seen: BTreeSet<String> = start.iter().map(|s| s.to_string()).collect();
    let mut queue: Vec<String> = seen.iter().cloned().collect();
    while let Some(x) = queue.pop() {
        for (a, b) in edges(table) {
            let (from, to) = if forward { (a, b) } else { (b, a) };
            if from == x && seen.insert(to.to_string()) {
                queue.push(to.to_string());
            }
        }
    }
    seen
}

fn is_known_model(m: &str) -> bool {
    edges(MODELS).any(|(a, b)| a == m || b == m)
        || CANONICAL.iter().any(|(f, c)| *f == m || *c == m)
}

/// Every anomaly the given models prohibit (`anomalies-prohibited-by`),
/// or an error naming an unknown model.
pub fn prohibited(models: &[String]) -> Result<BTreeSet<String>, String> {
    let canon: Vec<&str> = models.iter().map(|m| canonical(m)).collect();
    if let Some(bad) = canon.iter().find(|m| !is_known_model(m)) {
        return Err(format!("Unknown consistency model {bad:?}"));
    }
    let implied = closure(MODELS, &canon, true);
    let direct: Vec<&str> = edges(PROSCRIBED)
        .filter(|(m, _)| implied.contains(*m))
        .map(|(_, a)| a)
        .collect();
    if direct.is_empty() {
        return Ok(BTreeSet::new());
    }
    Ok(closure(IMPLIED, &direct, false))
}

/// `all-anomalies-implying`: the anomalies themselves and every anomaly
/// that implies one of them (elle v0.1.6 src/elle/consistency_model.clj:
/// `(set (g/bfs (partial g/in implied-anomalies) anomalies))`).
pub fn all_anomalies_implying(anomalies: &[String]) -> BTreeSet<String> {
    let start: Vec<&str> = anomalies.iter().map(String::as_str).collect();
    closure(IMPLIED, &start, false)
}

/// Anomaly types that need the real-time / process order graph.
pub fn needs_realtime(reportable: &BTreeSet<String>) -> bool {
    REALTIME_TYPES.iter().any(|t| reportable.contains(*t))
}
pub fn needs_process(reportable: &BTreeSet<String>) -> bool {
    PROCESS_TYPES.iter().any(|t| reportable.contains(*t))
}

/// `friendly-boundary`: the weakest models the anomalies rule out (`not`)
/// and the stronger ones also ruled out (`also-not`), friendly names, sorted.
pub fn boundary(anomalies: &[&str]) -> (Vec<String>, Vec<String>) {
    let implied = closure(IMPLIED, anomalies, true);
    let direct: Vec<&str> = edges(PROSCRIBED)
        .filter(|(_, a)| implied.contains(*a))
        .map(|(m, _)| m)
        .collect();
    let impossible = closure(MODELS, &direct, false);
    let weakest: BTreeSet<String> = impossible
        .iter()
        .filter(|m| {
            let below = closure(MODELS, &[m.as_str()], true);
            !below.iter().any(|b| b != *m && impossible.contains(b))
        })
        .cloned()
        .collect();
    let friendly_sorted = |it: &mut dyn Iterator<Item = &String>| -> Vec<String> {
        it.map(|m| friendly(m).to_string())
            .collect::<BTreeSet<_>>()
            .into_iter()
            .collect()
    };
    let not = friendly_sorted(&mut weakest.iter());
    let also_not = friendly_sorted(&mut impossible.iter().filter(|m| !weakest.contains(*m)));
    (not, also_not)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn set(xs: &[&str]) -> Vec<String> {
        let mut v: Vec<String> = xs.iter().map(|s| s.to_string()).collect();
        v.sort();
        v
    }

    #[test]
    fn prohibited_sets_match_elle() {
        let rc: Vec<String> = prohibited(&["read-committed".into()])
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(
            rc,
            set(&[
                "G0",
                "G1",
                "G1a",
                "G1b",
                "G1c",
                "cyclic-versions",
                "dirty-update",
                "duplicate-elements",
                "incompatible-order"
            ])
        );
        let ru: Vec<String> = prohibited(&["read-uncommitted".into()])
            .unwrap()
            .into_iter()
            .collect();
        assert_eq!(ru, set(&["G0", "cyclic-versions", "duplicate-elements"]));
        let ser = prohibited(&["serializable".into()]).unwrap();
        for a in [
            "internal",
            "lost-update",
            "G-single",
            "G-nonadjacent",
            "G2-item",
            "G2",
            "G1c",
            "write-skew",
        ] {
            assert!(ser.contains(a), "{a}");
        }
        assert!(!ser
            .iter()
            .any(|a| a.ends_with("-realtime") || a.ends_with("-process")));
        let ss = prohibited(&["strict-serializable".into()]).unwrap();
        for a in [
            "G0-realtime",
            "G1c-process",
            "G-single-realtime",
            "G-nonadjacent-process",
            "G2-item-realtime",
            "G2-process",
        ] {
            assert!(ss.contains(a), "{a}");
        }
        assert!(needs_realtime(&ss) && !needs_realtime(&ser) && !needs_process(&ser));
        assert!(prohibited(&["stricct-snappshot-isolation".into()]).is_err());
        assert!(prohibited(&["read-committed,serializable".into()]).is_err());
        assert!(prohibited(&["snapshot-isolation".into()])
            .unwrap()
            .contains("G-nonadjacent"));
    }

    /// `:anomalies [:G1]` prohibits G1 and everything implying it
    /// (elle v0.1.6 consistency_model.clj, `implied-anomalies`: G0 -> G1c,
    /// G1a/G1b/G1c -> G1, incompatible-order / dirty-update -> G1a); `[:G2]`
    /// does not reach G0 ("G2 doesn't actually include G0", list_append_test).
    #[test]
    fn anomalies_implying_follow_elle() {
        let g1: Vec<String> = all_anomalies_implying(&["G1".into()]).into_iter().collect();
        assert_eq!(
            g1,
            set(&[
                "G0",
                "G1",
                "G1a",
                "G1b",
                "G1c",
                "dirty-update",
                "incompatible-order"
            ])
        );
        let g2 = all_anomalies_implying(&["G2".into()]);
        for a in [
            "G2",
            "G2-item",
            "G-single",
            "G-nonadjacent",
            "lost-update",
            "write-skew",
        ] {
            assert!(g2.contains(a), "{a}");
        }
        assert!(!g2.contains("G0") && !g2.contains("G1c"));
        assert!(all_anomalies_implying(&[]).is_empty());
    }

    #[test]
    fn boundaries_match_elle_tests() {
        assert_eq!(boundary(&[]), (vec![], vec![]));
        let (not, also) = boundary(&["cyclic-versions"]);
        assert_eq!(not, set(&["read-uncommitted"]));
        assert_eq!(
            also,
            set(&[
                "read-committed",
                "snapshot-isolation",
                "repeatable-read",
                "serializable",
                "strong-serializable",
                "consistent-view",
                "cursor-stability",
                "monotonic-atomic-view",
                "monotonic-snapshot-read",
                "update-serializable",
                "forward-consistent-view",
                "monotonic-view",
                "strong-session-serializable",
                "strong-session-snapshot-isolation",
                "strong-snapshot-isolation"
            ])
        );
        let (not, also) = boundary(&["internal"]);
        assert_eq!(not, set(&["read-atomic"]));
        assert_eq!(
            also,
            set(&[
                "causal-cerone",
                "parallel-snapshot-isolation",
                "prefix",
                "ROLA",
                "serializable",
                "snapshot-isolation",
                "strong-serializable",
                "strong-session-serializable",
                "strong-session-snapshot-isolation",
                "strong-snapshot-isolation"
            ])
        );
        let (not, _) = boundary(&["G1a"]);
        assert_eq!(not, set(&["read-atomic", "read-committed"]));
        let (not, also) = boundary(&["G-single"]);
        assert_eq!(not, set(&["consistent-view"]));
        assert_eq!(
            also,
            set(&[
                "snapshot-isolation",
                "serializable",
                "strong-serializable",
                "strong-session-snapshot-isolation",
                "strong-snapshot-isolation",
                "strong-session-serializable",
                "forward-consistent-view",
                "update-serializable"
            ])
        );
    }
}
