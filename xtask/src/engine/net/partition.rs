//! The four partition shapes of Jepsen's combined partition nemesis, as pure
//! functions of the node list and an rng (jepsen-io/jepsen v0.3.1
//! jepsen/src/jepsen/nemesis/combined.clj, `grudge`, which Maelstrom's
//! src/maelstrom/nemesis.clj `package` uses). A grudge
//! maps each destination to the set of sources whose messages it drops.

use std::collections::{BTreeMap, BTreeSet};

pub type Grudge = BTreeMap<String, BTreeSet<String>>;

pub const SHAPES: [&str; 4] = ["one", "minority-third", "majority", "majorities-ring"];

/// Jepsen's `complete-grudge`: every node drops every node outside its own component.
fn complete_grudge(components: &[Vec<String>]) -> Grudge {
    let universe: BTreeSet<String> = components.iter().flatten().cloned().collect();
    let mut g = Grudge::new();
    for comp in components {
        let own: BTreeSet<String> = comp.iter().cloned().collect();
        for node in comp {
            g.insert(node.clone(), universe.difference(&own).cloned().collect());
        }
    }
    g
}

fn shuffled(nodes: &[String], rng: &mut fastrand::Rng) -> Vec<String> {
    let mut v = nodes.to_vec();
    rng.shuffle(&mut v);
    v
}

/// `:one`: one random node isolated from all others.
pub fn one(nodes: &[String], rng: &mut fastrand::Rng) -> Grudge {
    let v = shuffled(nodes, rng);
    let (a, b) = v.split_at(v.len().min(1));
    complete_grudge(&[a.to_vec(), b.to_vec()])
}

/// `:minority-third`: floor((n-1)/3) nodes against the rest (no-op for n <= 3).
pub fn minority_third(nodes: &[String], rng: &mut fastrand::Rng) -> Grudge {
    let v = shuffled(nodes, rng);
    let k = nodes.len().saturating_sub(1) / 3;
    let (a, b) = v.split_at(k);
    complete_grudge(&[a.to_vec(), b.to_vec()])
}

/// `:majority`: floor(n/2) nodes against the rest.
pub fn majority(nodes: &[String], rng: &mut fastrand::Rng) -> Grudge {
    let v = shuffled(nodes, rng);
    let (a, b) = v.split_at(nodes.len() / 2);
    complete_grudge(&[a.to_vec(), b.to_vec()])
}

fn majority_size(n: usize) -> usize {
    n / 2 + 1
}

/// `:majorities-ring`: perfect variant for n <= 5, stochastic above.
/// fidelity X7: the stochastic ring breaks ties with the engine's seed.
pub fn majorities_ring(nodes: &[String], rng: &mut fastrand::Rng) -> Grudge {
    if nodes.len() <= 5 {
        majorities_ring_perfect(nodes, rng)
    } else {
        majorities_ring_stochastic(nodes, rng)
    }
}

/// Ring of shuffled nodes; each window of m consecutive nodes makes its middle
/// element drop everything outside the window.
fn majorities_ring_perfect(nodes: &[String], rng: &mut fastrand::Rng) -> Grudge {
    let n = nodes.len();
    let m = majority_size(n);
    let ring = shuffled(nodes, rng);
    let universe: BTreeSet<String> = nodes.iter().cloned().collect();
    let mut g = Grudge::new();
    for start in 0..n {
        let window: BTreeSet<String> = (0..m).map(|k| ring[(start + k) % n].clone()).collect();
        let middle = ring[(start + m / 2) % n].clone();
        g.insert(middle, universe.difference(&window).cloned().collect());
    }
    g
}

/// Greedily link least-connected nodes (random among ties) until every node
/// is linked to at least a majority (itself included); drop every missing link.
/// Jepsen's exact tie-breaking is random too, so only the distribution of
/// shapes matters, and its defining property is asserted in the tests.
fn majorities_ring_stochastic(nodes: &[String], rng: &mut fastrand::Rng) -> Grudge {
    let n = nodes.len();
    let m = majority_size(n);
    let mut links: Vec<BTreeSet<usize>> = (0..n).map(|i| BTreeSet::from([i])).collect();
    loop {
        let min = links.iter().map(BTreeSet::len).min().unwrap_or(m);
        if min >= m {
            break;
        }
        let least: Vec<usize> = (0..n).filter(|&i| links[i].len() == min).collect();
        let a = least[rng.usize(..least.len())];
        let candidates: Vec<usize> = (0..n).filter(|b| !links[a].contains(b)).collect();
        let cmin = candidates
            .iter()
            .map(|&b| links[b].len())
            .min()
            .unwrap_or(0);
        let cands: Vec<usize> = candidates
            .into_iter()
            .filter(|&b| links[b].len() == cmin)
            .collect();
        if cands.is_empty() {
            break; // a is linked to everyone: cannot happen while min < m <= n
        }
        let b = cands[rng.usize(..cands.len())];
        links[a].insert(b);
        links[b].insert(a);
    }
    (0..n)
        .map(|i| {
            let dropped = (0..n)
                .filter(|j| !links[i].contains(j))
                .map(|j| nodes[j].clone())
                .collect();
            (nodes[i].clone(), dropped)
        })
        .collect()
}

/// Build the named shape.
pub fn build(shape: &str, nodes: &[String], rng: &mut fastrand::Rng) -> Grudge {
    match shape {
        "one" => one(nodes, rng),
        "minority-third" => minority_third(nodes, rng),
        "majority" => majority(nodes, rng),
        _ => majorities_ring(nodes, rng),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes(n: usize) -> Vec<String> {
        (0..n).map(|k| format!("n{k}")).collect()
    }

    fn dropped(g: &Grudge, node: &str) -> usize {
        g.get(node).map_or(0, BTreeSet::len)
    }

    fn is_symmetric(g: &Grudge) -> bool {
        g.iter()
            .all(|(d, srcs)| srcs.iter().all(|s| g.get(s).is_some_and(|x| x.contains(d))))
    }

    fn never_self(g: &Grudge) -> bool {
        g.iter().all(|(d, srcs)| !srcs.contains(d))
    }

    /// Sizes of the two sides of a clean split grudge.
    fn sides(g: &Grudge, n: usize) -> (usize, usize) {
        let mut sizes: Vec<usize> = g.values().map(|s| n - s.len()).collect();
        sizes.sort();
        let small = *sizes.first().unwrap_or(&n);
        if small == n {
            (0, n)
        } else {
            (small, n - small)
        }
    }

    #[test]
    fn every_shape_for_every_size() {
        let mut rng = fastrand::Rng::with_seed(7);
        for n in [1usize, 2, 3, 5, 7, 25] {
            let ns = nodes(n);
            for _ in 0..20 {
                let g = one(&ns, &mut rng);
                assert!(is_symmetric(&g) && never_self(&g));
                if n >= 2 {
                    assert_eq!(
                        g.values().filter(|s| s.len() == n - 1).count(),
                        if n == 2 { 2 } else { 1 }
                    );
                    assert_eq!(sides(&g, n), (1, n - 1));
                } else {
                    assert_eq!(dropped(&g, "n0"), 0);
                }

                let g = minority_third(&ns, &mut rng);
                assert!(is_symmetric(&g) && never_self(&g));
                let k = (n - 1) / 3;
                assert_eq!(sides(&g, n), (k, n - k), "minority-third n={n}");
                if n <= 3 {
                    assert!(g.values().all(BTreeSet::is_empty));
                }

                let g = majority(&ns, &mut rng);
                assert!(is_symmetric(&g) && never_self(&g));
                assert_eq!(sides(&g, n), (n / 2, n - n / 2), "majority n={n}");

                let g = majorities_ring(&ns, &mut rng);
                assert!(never_self(&g));
                assert_eq!(g.len(), n, "every node has an entry");
                let m = n / 2 + 1;
                for srcs in g.values() {
                    assert!(
                        n - srcs.len() >= m,
                        "n={n}: a node must still hear a majority"
                    );
                }
                match n {
                    1 | 2 => assert!(g.values().all(BTreeSet::is_empty)),
                    3 => {
                        // One-directional cycle: each node drops exactly one other node.
                        assert!(g.values().all(|s| s.len() == 1));
                        assert!(!is_symmetric(&g));
                        let targets: BTreeSet<&String> = g.values().flatten().collect();
                        assert_eq!(targets.len(), 3);
                    }
                    5 => {
                        assert!(is_symmetric(&g));
                        assert!(g.values().all(|s| s.len() == 2));
                        let views: BTreeSet<&BTreeSet<String>> = g.values().collect();
                        assert_eq!(views.len(), 5, "no two nodes see the same majority");
                    }
                    _ => {
                        assert!(is_symmetric(&g));
                        assert!(g.values().any(|s| !s.is_empty()), "n={n}: some link is cut");
                    }
                }
            }
        }
    }

    #[test]
    fn build_dispatches_by_name() {
        let mut rng = fastrand::Rng::with_seed(3);
        let ns = nodes(5);
        assert_eq!(sides(&build("majority", &ns, &mut rng), 5), (2, 3));
        assert_eq!(sides(&build("one", &ns, &mut rng), 5), (1, 4));
    }
}
