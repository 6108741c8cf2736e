//! Cycle searches within one strongly connected component, with Elle's
//! semantics (`elle.graph/find-cycle`, `find-cycle-starting-with`,
//! `find-cycle-with`) but not its cost.
//!
//! Elle tries start vertices one by one and runs a breadth-first search of
//! "shells" from each; the first start with a cycle wins and the cycle is
//! the shortest through that start. Elle's shells keep one path per end
//! vertex per shell, which yields the same paths as an ordinary BFS with a
//! visited set. Here a linear-time test first tells which starts have a
//! cycle at all, so only the winning start is searched. Vertices are tried
//! in history order (Elle's order is Bifurcan's hash order; see the
//! fidelity notes).

use super::graph::{components, Adj, Sub, RW};
use std::time::Instant;

/// The search ran past its deadline (Elle's `:cycle-search-timeout`).
#[derive(Debug)]
pub struct TimedOut;

/// A cooperative deadline, checked every few thousand steps.
pub struct Deadline {
    at: Instant,
    ticks: u32,
}

impl Deadline {
    pub fn new(at: Instant) -> Self {
        Deadline { at, ticks: 0 }
    }

    pub fn tick(&mut self) -> Result<(), TimedOut> {
        self.ticks = self.ticks.wrapping_add(1);
        if self.ticks & 4095 == 0 && Instant::now() >= self.at {
            return Err(TimedOut);
        }
        Ok(())
    }

    pub fn check(&self) -> Result<(), TimedOut> {
        if Instant::now() >= self.at {
            return Err(TimedOut);
        }
        Ok(())
    }
}

/// A closed cycle in local ids (first == last), or None.
pub type Found = Option<Vec<u32>>;

/// The sub-graph's edges whose label intersects `mask`, labels projected.
fn project(sub: &Sub, mask: u8) -> Adj {
    sub.adj
        .iter()
        .map(|l| {
            l.iter()
                .filter(|e| e.1 & mask != 0)
                .map(|&(w, l)| (w, l & mask))
                .collect()
        })
        .collect()
}

/// Vertices with at least one projected edge: Elle renumbers the projected
/// graph from its edges, so vertices without any drop out of its vertex set.
fn touched(adj: &Adj) -> Vec<bool> {
    let mut t = vec![false; adj.len()];
    for (v, list) in adj.iter().enumerate() {
        if !list.is_empty() {
            t[v] = true;
        }
        for &(w, _) in list {
            t[w as usize] = true;
        }
    }
    t
}

/// Shortest path by BFS in `adj` from `sources` (in order) to `target`,
/// returned as [source, ..., target].
fn bfs_path(
    adj: &Adj,
    sources: &[u32],
    target: u32,
    dl: &mut Deadline,
) -> Result<Option<Vec<u32>>, TimedOut> {
    const NONE: u32 = u32::MAX;
    let n = adj.len();
    let mut parent = vec![NONE; n];
    let mut seen = vec![false; n];
    let mut queue = std::collections::VecDeque::new();
    for &s in sources {
        if s == target {
            return Ok(Some(vec![s]));
        }
        if !seen[s as usize] {
            seen[s as usize] = true;
            queue.push_back(s);
        }
    }
    while let Some(v) = queue.pop_front() {
        for &(w, _) in &adj[v as usize] {
            dl.tick()?;
            if seen[w as usize] {
                continue;
            }
            seen[w as usize] = true;
            parent[w as usize] = v;
            if w == target {
                let mut path = vec![w];
                let mut cur = w;
                while parent[cur as usize] != NONE {
                    cur = parent[cur as usize];
                    path.push(cur);
                }
                path.reverse();
                return Ok(Some(path));
            }
            queue.push_back(w);
        }
    }
    Ok(None)
}

/// `find-cycle`: a shortest cycle, using only edges in `mask`.
pub fn find_cycle(sub: &Sub, mask: u8, dl: &mut Deadline) -> Result<Found, TimedOut> {
    let adj = project(sub, mask);
    let (comp, ncomp) = components(&adj, u8::MAX);
    let mut size = vec![0u32; ncomp as usize];
    for &c in &comp {
        size[c as usize] += 1;
    }
    let self_loop = |v: usize| adj[v].iter().any(|&(w, _)| w as usize == v);
    let start = (0..adj.len()).find(|&v| size[comp[v] as usize] > 1 || self_loop(v));
    let Some(s) = start else { return Ok(None) };
    let s = s as u32;
    let succs: Vec<u32> = adj[s as usize].iter().map(|e| e.0).collect();
    Ok(bfs_path(&adj, &succs, s, dl)?.map(|p| std::iter::once(s).chain(p).collect()))
}

/// `find-cycle-starting-with`: the first edge from `first`, the rest from `rest`.
pub fn find_cycle_starting_with(
    sub: &Sub,
    first: u8,
    rest: u8,
    dl: &mut Deadline,
) -> Result<Found, TimedOut> {
    let ig = project(sub, first);
    let rg = project(sub, rest);
    let in_rg = touched(&rg);
    let (comp, ncomp) = components(&rg, u8::MAX);
    let n = sub.len();
    // Candidate first edges s -> x; s is good if x reaches s in rg.
    let mut good = vec![false; n];
    let mut pending: Vec<(u32, u32)> = Vec::new();
    for s in 0..n {
        if !in_rg[s] {
            continue;
        }
        for &(x, _) in &ig[s] {
            let xs = x as usize;
            if !in_rg[xs] {
                continue;
            }
            if xs == s || comp[xs] == comp[s] {
                good[s] = true;
            } else if comp[xs] > comp[s] {
                // Components are numbered in reverse topological order:
                // x's component can only reach s's if its number is higher.
                pending.push((s as u32, x));
            }
        }
    }
    pending.retain(|&(s, _)| !good[s as usize]);
    if !pending.is_empty() {
        reachability(&rg, &comp, ncomp, &pending, &mut good, dl)?;
    }
    let Some(s) = (0..n).find(|&s| good[s]) else {
        return Ok(None);
    };
    let s = s as u32;
    let sources: Vec<u32> = ig[s as usize]
        .iter()
        .map(|e| e.0)
        .filter(|&x| in_rg[x as usize])
        .collect();
    Ok(bfs_path(&rg, &sources, s, dl)?.map(|p| std::iter::once(s).chain(p).collect()))
}

/// Marks `good[s]` for each pending (s, x) whose x's component reaches s's
/// component in the condensation of `adj`. Bitsets over target components,
/// a chunk of 4096 targets at a time, filled in topological order.
fn reachability(
    adj: &Adj,
    comp: &[u32],
    ncomp: u32,
    pending: &[(u32, u32)],
    good: &mut [bool],
    dl: &mut Deadline,
) -> Result<(), TimedOut> {
    const WORDS: usize = 64;
    let nc = ncomp as usize;
    let mut dag: Vec<Vec<u32>> = vec![Vec::new(); nc];
    for (v, list) in adj.iter().enumerate() {
        for &(w, _) in list {
            let (cv, cw) = (comp[v], comp[w as usize]);
            if cv != cw {
                dag[cv as usize].push(cw);
            }
        }
    }
    for l in &mut dag {
        l.sort_unstable();
        l.dedup();
    }
    let mut targets: Vec<u32> = pending.iter().map(|&(s, _)| comp[s as usize]).collect();
    targets.sort_unstable();
    targets.dedup();
    let mut bit_of = vec![u32::MAX; nc];
    for chunk in targets.chunks(WORDS * 64) {
        for (i, &c) in chunk.iter().enumerate() {
            bit_of[c as usize] = i as u32;
        }
        let mut reach = vec![0u64; nc * WORDS];
        // Lower component numbers are closer to the sinks: fill them first.
        for c in 0..nc {
            dl.tick()?;
            let (done, rest) = reach.split_at_mut(c * WORDS);
            let row = &mut rest[..WORDS];
            if bit_of[c] != u32::MAX {
                let b = bit_of[c] as usize;
                row[b / 64] |= 1 << (b % 64);
            }
            for &d in &dag[c] {
                let drow = &done[d as usize * WORDS..d as usize * WORDS + WORDS];
                for (x, y) in row.iter_mut().zip(drow) {
                    *x |= *y;
                }
            }
        }
        for &(s, x) in pending {
            let cs = comp[s as usize] as usize;
            if bit_of[cs] == u32::MAX {
                continue;
            }
            let b = bit_of[cs] as usize;
            let cx = comp[x as usize] as usize;
            if reach[cx * WORDS + b / 64] & (1 << (b % 64)) != 0 {
                good[s as usize] = true;
            }
        }
        for &c in chunk {
            bit_of[c as usize] = u32::MAX;
        }
    }
    Ok(())
}

/// `find-cycle-with nonadjacent-rw`: a closed walk whose first edge is not
/// rw, with no two consecutive rw edges, containing at least two rw edges,
/// of at most as many edges as the projected graph has vertices (Elle's
/// shell limit). Like Elle, the walk may repeat vertices: a cycle with one
/// rw edge walked twice qualifies when it is short enough. An edge counts
/// as rw only if rw is its sole projected relationship.
/// fidelity D34: a short G-single walked twice is also a G-nonadjacent.
pub fn find_nonadjacent(sub: &Sub, mask: u8, dl: &mut Deadline) -> Result<Found, TimedOut> {
    let adj = project(sub, mask);
    let in_g = touched(&adj);
    let limit = in_g.iter().filter(|&&t| t).count();
    let n = adj.len();
    // H: states (v, last-was-rw). Its SCCs tell which starts may work.
    let mut h: Adj = vec![Vec::new(); 2 * n];
    for v in 0..n {
        for &(w, l) in &adj[v] {
            if l == RW {
                h[2 * v].push((2 * w + 1, 1));
            } else {
                h[2 * v].push((2 * w, 1));
                h[2 * v + 1].push((2 * w, 1));
            }
        }
    }
    let (hc, nhc) = components(&h, u8::MAX);
    let mut has_rw = vec![false; nhc as usize];
    for v in 0..n {
        for &(w, l) in &adj[v] {
            if l == RW && hc[2 * v] == hc[2 * w as usize + 1] {
                has_rw[hc[2 * v] as usize] = true;
            }
        }
    }
    for s in 0..n {
        if !in_g[s] || !(has_rw[hc[2 * s] as usize] || has_rw[hc[2 * s + 1] as usize]) {
            continue;
        }
        if let Some(walk) = nonadjacent_walk(&adj, s as u32, limit, dl)? {
            return Ok(Some(walk));
        }
    }
    Ok(None)
}

/// BFS over (vertex, rw count capped at 2, last-was-rw) from (s, 0, true)
/// to (s, 2, *), at most `limit` edges.
fn nonadjacent_walk(
    adj: &Adj,
    s: u32,
    limit: usize,
    dl: &mut Deadline,
) -> Result<Option<Vec<u32>>, TimedOut> {
    const NONE: u32 = u32::MAX;
    let state = |v: u32, n: u32, r: bool| v * 6 + n * 2 + r as u32;
    let mut parent = vec![NONE; adj.len() * 6];
    let mut depth = vec![0u32; adj.len() * 6];
    let mut seen = vec![false; adj.len() * 6];
    let start = state(s, 0, true);
    seen[start as usize] = true;
    let mut queue = std::collections::VecDeque::from([start]);
    while let Some(cur) = queue.pop_front() {
        let (v, n, r) = (cur / 6, (cur % 6) / 2, cur % 2 == 1);
        if depth[cur as usize] as usize >= limit {
            continue;
        }
        for &(w, l) in &adj[v as usize] {
            dl.tick()?;
            let rw = l == RW;
            if rw && r {
                continue;
            }
            let next = state(w, if rw { (n + 1).min(2) } else { n }, rw);
            if seen[next as usize] {
                continue;
            }
            seen[next as usize] = true;
            parent[next as usize] = cur;
            depth[next as usize] = depth[cur as usize] + 1;
            if w == s && next / 6 == s && (next % 6) / 2 == 2 {
                let mut walk = vec![w];
                let mut c = next;
                while parent[c as usize] != NONE {
                    c = parent[c as usize];
                    walk.push(c / 6);
                }
                walk.reverse();
                return Ok(Some(walk));
            }
            queue.push_back(next);
        }
    }
    Ok(None)
}

/// `fallback-cycle`: any cycle by depth-first walk from the first vertex
/// of `members` (local ids, strongly connected in some projection), using
/// every edge of the sub-graph among `members`.
pub fn fallback_cycle(sub: &Sub, members: &[u32]) -> Option<Vec<u32>> {
    let mut inside = vec![false; sub.len()];
    members.iter().for_each(|&m| inside[m as usize] = true);
    let start = *members.first()?;
    let mut path = vec![start];
    let mut pos: std::collections::HashMap<u32, usize> = [(start, 0)].into();
    loop {
        let tip = *path.last()?;
        let outs: Vec<u32> = sub.adj[tip as usize]
            .iter()
            .map(|e| e.0)
            .filter(|&w| inside[w as usize])
            .collect();
        if let Some(&i) = outs.iter().find_map(|w| pos.get(w)) {
            let mut c = path[i..].to_vec();
            c.push(path[i]);
            return Some(c);
        }
        let next = *outs.first()?;
        pos.insert(next, path.len());
        path.push(next);
    }
}
