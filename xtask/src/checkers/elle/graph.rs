//! The transaction dependency graph: vertices are transaction ids, each edge
//! carries the set of relationships (ww, wr, rw, realtime, process) that
//! link its ends, like Elle's `RelGraph`. Projection to a set of
//! relationships is a mask; an edge's projected label is `label & mask`.

use std::collections::HashMap;

pub const WW: u8 = 1;
pub const WR: u8 = 2;
pub const RW: u8 = 4;
pub const RT: u8 = 8;
pub const PROC: u8 = 16;
pub const ALL: u8 = WW | WR | RW | RT | PROC;

/// Adjacency lists: for each vertex, (successor, label), sorted by successor.
pub type Adj = Vec<Vec<(u32, u8)>>;

#[derive(Default)]
pub struct GraphBuilder {
    edges: HashMap<(u32, u32), u8>,
    /// Whether any link was ever made, even a self-link Elle removed again:
    /// Elle's "empty transaction graph" test looks at vertices, not edges.
    has_vertex: bool,
}

impl GraphBuilder {
    pub fn link(&mut self, from: u32, to: u32, label: u8) {
        self.has_vertex = true;
        *self.edges.entry((from, to)).or_default() |= label;
    }

    /// A link Elle makes and then removes as a self-edge (ww / rw): the
    /// vertex stays in the graph, the edge does not.
    pub fn touch(&mut self) {
        self.has_vertex = true;
    }

    pub fn build(self, n: usize) -> TxnGraph {
        let mut adj: Adj = vec![Vec::new(); n];
        for ((a, b), l) in self.edges {
            if (a as usize) < n && (b as usize) < n {
                adj[a as usize].push((b, l));
            }
        }
        for list in &mut adj {
            list.sort_unstable();
        }
        TxnGraph {
            adj,
            has_vertex: self.has_vertex,
        }
    }
}

pub struct TxnGraph {
    pub adj: Adj,
    pub has_vertex: bool,
}

/// The label of edge a -> b (0 if absent).
pub fn label(adj: &Adj, a: u32, b: u32) -> u8 {
    let list = &adj[a as usize];
    match list.binary_search_by_key(&b, |&(t, _)| t) {
        Ok(i) => list[i].1,
        Err(_) => 0,
    }
}

/// Iterative Tarjan over the edges whose label intersects `mask`.
/// Returns each vertex's component number and the number of components;
/// components are numbered in the order Tarjan closes them, which is a
/// reverse topological order (an edge between components goes from a
/// higher number to a lower one).
pub fn components(adj: &Adj, mask: u8) -> (Vec<u32>, u32) {
    const UNSEEN: u32 = u32::MAX;
    let n = adj.len();
    let mut index = vec![UNSEEN; n];
    let mut low = vec![0u32; n];
    let mut on_stack = vec![false; n];
    let mut comp = vec![UNSEEN; n];
    let mut stack: Vec<u32> = Vec::new();
    let mut call: Vec<(u32, usize)> = Vec::new();
    let mut counter = 0u32;
    let mut ncomp = 0u32;
    for root in 0..n as u32 {
        if index[root as usize] != UNSEEN {
            continue;
        }
        index[root as usize] = counter;
        low[root as usize] = counter;
        counter += 1;
        stack.push(root);
        on_stack[root as usize] = true;
        call.push((root, 0));
        while let Some(&mut (v, ref mut pos)) = call.last_mut() {
            let vs = v as usize;
            if *pos < adj[vs].len() {
                let (w, l) = adj[vs][*pos];
                *pos += 1;
                if l & mask == 0 {
                    continue;
                }
                let ws = w as usize;
                if index[ws] == UNSEEN {
                    index[ws] = counter;
                    low[ws] = counter;
                    counter += 1;
                    stack.push(w);
                    on_stack[ws] = true;
                    call.push((w, 0));
                } else if on_stack[ws] {
                    low[vs] = low[vs].min(index[ws]);
                }
            } else {
                call.pop();
                if let Some(&(u, _)) = call.last() {
                    low[u as usize] = low[u as usize].min(low[vs]);
                }
                if low[vs] == index[vs] {
                    while let Some(w) = stack.pop() {
                        on_stack[w as usize] = false;
                        comp[w as usize] = ncomp;
                        if w == v {
                            break;
                        }
                    }
                    ncomp += 1;
                }
            }
        }
    }
    (comp, ncomp)
}

/// Strongly connected components with more than one vertex (Bifurcan's
/// `stronglyConnectedComponents(g, false)`), each sorted, ordered by their
/// smallest vertex.
pub fn sccs(adj: &Adj, mask: u8) -> Vec<Vec<u32>> {
    let (comp, ncomp) = components(adj, mask);
    let mut groups: Vec<Vec<u32>> = vec![Vec::new(); ncomp as usize];
    for (v, &c) in comp.iter().enumerate() {
        groups[c as usize].push(v as u32);
    }
    let mut out: Vec<Vec<u32>> = groups.into_iter().filter(|g| g.len() > 1).collect();
    out.sort_by_key(|g| g[0]);
    out
}

/// A strongly connected component cut out of the whole graph, renumbered
/// 0..n in the order of the original vertex ids (so adjacency order is kept).
pub struct Sub {
    /// Local id -> original vertex id (sorted ascending).
    pub verts: Vec<u32>,
    pub adj: Adj,
}

impl Sub {
    pub fn new(whole: &Adj, members: &[u32]) -> Sub {
        let mut verts = members.to_vec();
        verts.sort_unstable();
        let local: HashMap<u32, u32> = verts
            .iter()
            .enumerate()
            .map(|(i, &v)| (v, i as u32))
            .collect();
        let adj = verts
            .iter()
            .map(|&v| {
                whole[v as usize]
                    .iter()
                    .filter_map(|&(w, l)| local.get(&w).map(|&lw| (lw, l)))
                    .collect()
            })
            .collect();
        Sub { verts, adj }
    }

    pub fn len(&self) -> usize {
        self.verts.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn adj(n: usize, edges: &[(u32, u32, u8)]) -> Adj {
        let mut b = GraphBuilder::default();
        for &(a, c, l) in edges {
            b.link(a, c, l);
        }
        b.build(n).adj
    }

    #[test]
    fn tarjan_finds_components_and_respects_masks() {
        let g = adj(
            5,
            &[
                (0, 1, WW),
                (1, 0, RW),
                (1, 2, WR),
                (2, 3, WR),
                (3, 2, WR),
                (4, 4, WR),
            ],
        );
        assert_eq!(sccs(&g, ALL), vec![vec![0, 1], vec![2, 3]]);
        assert_eq!(sccs(&g, WW | WR), vec![vec![2, 3]]);
        // Reverse topological numbering: {0,1} reaches {2,3}, so it closes later.
        let (comp, _) = components(&g, ALL);
        assert!(comp[0] > comp[2]);
    }

    #[test]
    fn tarjan_is_iterative_on_long_chains() {
        let n = 200_000u32;
        let mut edges: Vec<(u32, u32, u8)> = (0..n - 1).map(|i| (i, i + 1, WR)).collect();
        edges.push((n - 1, 0, RW));
        let g = adj(n as usize, &edges);
        let s = sccs(&g, ALL);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].len(), n as usize);
        assert!(sccs(&g, WR).is_empty());
    }
}
