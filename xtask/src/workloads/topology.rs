//! Broadcast's `--topology` neighbour maps (jepsen-io/maelstrom v0.2.3
//! src/maelstrom/workload/broadcast.clj, `topologies`), in Maelstrom's exact
//! neighbour order.

use serde_json::{Map, Value};

/// Every name `--topology` accepts.
pub const NAMES: [&str; 7] = ["grid", "line", "tree", "tree2", "tree3", "tree4", "total"];

/// The topology map for `name` over `nodes` (test order), or None for an
/// unknown name (the CLI rejects those before a run starts).
pub fn build(name: &str, nodes: &[String]) -> Option<Map<String, Value>> {
    let pairs = match name {
        "grid" => grid(nodes),
        "line" => line(nodes),
        "tree" | "tree2" => tree(2, nodes),
        "tree3" => tree(3, nodes),
        "tree4" => tree(4, nodes),
        "total" => total(nodes),
        _ => return None,
    };
    Some(
        pairs
            .into_iter()
            .map(|(node, neighbours)| {
                (
                    node,
                    Value::Array(neighbours.into_iter().map(Value::String).collect()),
                )
            })
            .collect(),
    )
}

type Neighbours = Vec<(String, Vec<String>)>;

/// side = ceil(sqrt(N)); node k at (k div side, k mod side); neighbours
/// (i+1,j), (i-1,j), (i,j+1), (i,j-1) when they exist.
fn grid(nodes: &[String]) -> Neighbours {
    let n = nodes.len();
    let side = (n as f64).sqrt().ceil() as i64;
    let at = |i: i64, j: i64| -> Option<String> {
        if i < 0 || j < 0 || j >= side {
            return None;
        }
        nodes.get(usize::try_from(i * side + j).ok()?).cloned()
    };
    (0..n)
        .map(|k| {
            let (i, j) = (k as i64 / side, k as i64 % side);
            let around = [at(i + 1, j), at(i - 1, j), at(i, j + 1), at(i, j - 1)];
            (nodes[k].clone(), around.into_iter().flatten().collect())
        })
        .collect()
}

/// A chain; inner nodes list [left, right]. Fewer than two nodes: `{}`.
fn line(nodes: &[String]) -> Neighbours {
    if nodes.len() < 2 {
        return Vec::new();
    }
    let last = nodes.len() - 1;
    (0..=last)
        .map(|k| {
            let neighbours = if k == 0 {
                vec![nodes[1].clone()]
            } else if k == last {
                vec![nodes[last - 1].clone()]
            } else {
                vec![nodes[k - 1].clone(), nodes[k + 1].clone()]
            };
            (nodes[k].clone(), neighbours)
        })
        .collect()
}

/// Nodes fill tiers of size 1, b, b^2, ... breadth-first; the j-th node of
/// a tier is a child of node j div b of the tier above. Neighbours: parent
/// first (if any), then children in order.
fn tree(b: usize, nodes: &[String]) -> Neighbours {
    // Tier start offsets: node at global position p, in tier t at offset j.
    let mut tiers: Vec<(usize, usize)> = Vec::new(); // (start, len)
    let (mut start, mut size) = (0usize, 1usize);
    while start < nodes.len() {
        let len = size.min(nodes.len() - start);
        tiers.push((start, len));
        start += len;
        size = size.saturating_mul(b);
    }
    let mut out = Vec::with_capacity(nodes.len());
    for (t, &(start, len)) in tiers.iter().enumerate() {
        for j in 0..len {
            let mut neighbours = Vec::new();
            if t > 0 {
                neighbours.push(nodes[tiers[t - 1].0 + j / b].clone());
            }
            if let Some(&(child_start, child_len)) = tiers.get(t + 1) {
                let first = j * b;
                for c in first..(first + b).min(child_len) {
                    neighbours.push(nodes[child_start + c].clone());
                }
            }
            out.push((nodes[start + j].clone(), neighbours));
        }
    }
    out
}

/// Everyone lists everyone else, in node order.
fn total(nodes: &[String]) -> Neighbours {
    nodes
        .iter()
        .map(|me| {
            (
                me.clone(),
                nodes.iter().filter(|n| *n != me).cloned().collect(),
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn nodes(n: usize) -> Vec<String> {
        (0..n).map(|i| format!("n{i}")).collect()
    }

    fn topo(name: &str, n: usize) -> Value {
        Value::Object(build(name, &nodes(n)).unwrap())
    }

    #[test]
    fn five_node_examples_from_the_spec() {
        assert_eq!(
            topo("grid", 5),
            json!({"n0":["n3","n1"],"n1":["n4","n2","n0"],"n2":["n1"],"n3":["n0","n4"],"n4":["n1","n3"]})
        );
        assert_eq!(
            topo("line", 5),
            json!({"n0":["n1"],"n1":["n0","n2"],"n2":["n1","n3"],"n3":["n2","n4"],"n4":["n3"]})
        );
        assert_eq!(
            topo("tree2", 5),
            json!({"n0":["n1","n2"],"n1":["n0","n3","n4"],"n2":["n0"],"n3":["n1"],"n4":["n1"]})
        );
        assert_eq!(topo("tree", 5), topo("tree2", 5));
        assert_eq!(
            topo("tree4", 5),
            json!({"n0":["n1","n2","n3","n4"],"n1":["n0"],"n2":["n0"],"n3":["n0"],"n4":["n0"]})
        );
        assert_eq!(
            topo("total", 3),
            json!({"n0":["n1","n2"],"n1":["n0","n2"],"n2":["n0","n1"]})
        );
    }

    #[test]
    fn twenty_five_nodes() {
        let g = topo("grid", 25);
        assert_eq!(g["n0"], json!(["n5", "n1"]));
        assert_eq!(g["n6"], json!(["n11", "n1", "n7", "n5"]));
        assert_eq!(g["n24"], json!(["n19", "n23"]));
        let edges: usize = g
            .as_object()
            .unwrap()
            .values()
            .map(|v| v.as_array().unwrap().len())
            .sum();
        assert_eq!(edges, 80);
        let t = topo("tree4", 25);
        assert_eq!(t["n0"], json!(["n1", "n2", "n3", "n4"]));
        assert_eq!(t["n1"], json!(["n0", "n5", "n6", "n7", "n8"]));
        assert_eq!(t["n5"], json!(["n1", "n21", "n22", "n23", "n24"]));
        assert_eq!(t["n6"], json!(["n1"]));
        assert_eq!(t["n24"], json!(["n5"]));
        let t3 = topo("tree3", 5);
        assert_eq!(
            t3,
            json!({"n0":["n1","n2","n3"],"n1":["n0","n4"],"n2":["n0"],"n3":["n0"],"n4":["n1"]})
        );
    }

    #[test]
    fn small_clusters() {
        for name in ["grid", "tree", "tree2", "tree3", "tree4", "total"] {
            assert_eq!(topo(name, 1), json!({"n0": []}), "{name}");
        }
        assert_eq!(topo("line", 1), json!({}));
        assert_eq!(topo("line", 2), json!({"n0":["n1"],"n1":["n0"]}));
        assert_eq!(topo("grid", 2), json!({"n0":["n1"],"n1":["n0"]}));
        assert_eq!(
            topo("grid", 3),
            json!({"n0":["n2","n1"],"n1":["n0"],"n2":["n0"]})
        );
        assert!(build("ring", &nodes(3)).is_none());
    }

    #[test]
    fn every_topology_is_symmetric() {
        for name in NAMES {
            for n in [1, 2, 3, 5, 7, 10, 25] {
                let t = topo(name, n);
                for (a, ns) in t.as_object().unwrap() {
                    for b in ns.as_array().unwrap() {
                        let back = t[b.as_str().unwrap()].as_array().unwrap();
                        assert!(
                            back.contains(&json!(a)),
                            "{name} n={n}: {a}->{b} not mirrored"
                        );
                    }
                }
            }
        }
    }
}
