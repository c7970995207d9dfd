//! The dependency graph, drawn on the server as SVG with a layered layout.
//!
//! Nodes are the instruments, tracks, packages and pledges (a commitment stands for its
//! instrument). An edge `a → b` says that `a` depends on `b`: a link (`conditional_on`,
//! `linked_to`, `part_of`, `implements`, `supersedes`), an instrument's `parent`, a track's
//! instruments, a pledge's `tied_to` and aggregate `package`. Cycles are condensed (Tarjan's
//! strongly connected components) so that the members of a loop share a column; columns are
//! the longest path to a node with no dependencies (left), and the order within a column is
//! improved by a few barycentre sweeps. Every node is a link to its item page.

use std::collections::HashMap;
use std::fmt::Write as _;

use accord_engine::{Reported, Summary};
use accord_lang::Truth;
use accord_model::{Dataset, ItemKind};

use crate::html::{Ctx, esc};

/// One node: id, kind, name.
#[derive(Debug, Clone)]
pub struct GNode {
    pub id: String,
    pub kind: ItemKind,
    pub name: String,
}

/// One edge: from depends on to, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GEdge {
    pub from: usize,
    pub to: usize,
    pub label: String,
}

/// The graph of a dataset.
pub fn build(ds: &Dataset) -> (Vec<GNode>, Vec<GEdge>) {
    let mut nodes = Vec::new();
    let mut index: HashMap<String, usize> = HashMap::new();
    for (id, kind) in ds.items() {
        if kind == ItemKind::Commitment {
            continue;
        }
        index.insert(id.clone(), nodes.len());
        nodes.push(GNode {
            name: ds.name_of(&id).unwrap_or(&id).to_string(),
            id,
            kind,
        });
    }
    let node_of = |id: &str| -> Option<usize> {
        if let Some(i) = index.get(id) {
            return Some(*i);
        }
        ds.commitment(id)
            .and_then(|(inst, _)| index.get(&inst.id).copied())
    };
    let mut edges: Vec<GEdge> = Vec::new();
    let push = |edges: &mut Vec<GEdge>, a: &str, b: &str, label: String| {
        if let (Some(from), Some(to)) = (node_of(a), node_of(b))
            && from != to
            && !edges.iter().any(|e| e.from == from && e.to == to)
        {
            edges.push(GEdge { from, to, label });
        }
    };
    for l in &ds.links {
        let label = serde_json::to_value(l.kind)
            .ok()
            .and_then(|v| v.as_str().map(|s| s.replace('_', " ")))
            .unwrap_or_default();
        push(&mut edges, &l.from, &l.to, label);
    }
    for i in &ds.instruments {
        if let Some(p) = &i.parent {
            push(&mut edges, &i.id, p, "part of".into());
        }
    }
    for t in &ds.tracks {
        for i in &t.instruments {
            push(&mut edges, &t.id, i, "covers".into());
        }
    }
    for p in &ds.pledges {
        for t in &p.tied_to {
            push(&mut edges, &p.id, t, "tied to".into());
        }
        if let Some(pk) = &p.package {
            push(&mut edges, &p.id, pk, "in package".into());
        }
    }
    (nodes, edges)
}

/// Past this many items, the graph leaves out those with no edge (a list of hundreds of
/// unlinked agreements says nothing as a graph); the focused item always stays.
pub const MAX_PLAIN: usize = 150;

fn trim(nodes: Vec<GNode>, edges: Vec<GEdge>, focus: Option<&str>) -> (Vec<GNode>, Vec<GEdge>) {
    if nodes.len() <= MAX_PLAIN {
        return (nodes, edges);
    }
    let keep: Vec<bool> = (0..nodes.len())
        .map(|v| {
            focus == Some(nodes[v].id.as_str()) || edges.iter().any(|e| e.from == v || e.to == v)
        })
        .collect();
    let mut new_ix = vec![usize::MAX; nodes.len()];
    let mut kept = Vec::new();
    for (v, node) in nodes.into_iter().enumerate() {
        if keep[v] {
            new_ix[v] = kept.len();
            kept.push(node);
        }
    }
    let edges = edges
        .into_iter()
        .map(|e| GEdge {
            from: new_ix[e.from],
            to: new_ix[e.to],
            label: e.label,
        })
        .collect();
    (kept, edges)
}

/// Strongly connected components (Tarjan, iterative): the component of each node.
fn sccs(n: usize, out: &[Vec<usize>]) -> Vec<usize> {
    let mut index = vec![usize::MAX; n];
    let mut low = vec![0usize; n];
    let mut on = vec![false; n];
    let mut stack = Vec::new();
    let mut comp = vec![usize::MAX; n];
    let mut next = 0usize;
    let mut ncomp = 0usize;
    for root in 0..n {
        if index[root] != usize::MAX {
            continue;
        }
        let mut work: Vec<(usize, usize)> = vec![(root, 0)];
        while let Some((v, i)) = work.pop() {
            if i == 0 {
                index[v] = next;
                low[v] = next;
                next += 1;
                stack.push(v);
                on[v] = true;
            }
            let succ = out.get(v).map(Vec::as_slice).unwrap_or(&[]);
            if let Some(&w) = succ.get(i) {
                work.push((v, i + 1));
                if index[w] == usize::MAX {
                    work.push((w, 0));
                } else if on[w] {
                    low[v] = low[v].min(index[w]);
                }
                continue;
            }
            if low[v] == index[v] {
                while let Some(w) = stack.pop() {
                    on[w] = false;
                    comp[w] = ncomp;
                    if w == v {
                        break;
                    }
                }
                ncomp += 1;
            }
            if let Some(&(parent, _)) = work.last() {
                low[parent] = low[parent].min(low[v]);
            }
        }
    }
    comp
}

/// Column of each node: 0 for nodes that depend on nothing, else one more than the deepest
/// dependency (members of a loop share a column).
pub fn layers(n: usize, edges: &[GEdge]) -> Vec<usize> {
    let mut out = vec![Vec::new(); n];
    for e in edges {
        out[e.from].push(e.to);
    }
    let comp = sccs(n, &out);
    let ncomp = comp.iter().copied().max().map_or(0, |m| m + 1);
    // Tarjan numbers components in reverse topological order: dependencies first.
    let mut layer_of_comp = vec![0usize; ncomp];
    let mut members: Vec<Vec<usize>> = vec![Vec::new(); ncomp];
    for (v, c) in comp.iter().enumerate() {
        members[*c].push(v);
    }
    for c in 0..ncomp {
        let mut l = 0;
        for &v in &members[c] {
            for &w in &out[v] {
                let cw = comp[w];
                if cw != c {
                    l = l.max(layer_of_comp[cw] + 1);
                }
            }
        }
        layer_of_comp[c] = l;
    }
    comp.iter().map(|c| layer_of_comp[*c]).collect()
}

const W: i32 = 210;
const H: i32 = 36;
const GAP_X: i32 = 90;
const GAP_Y: i32 = 14;
const PAD: i32 = 16;

fn state_class(s: Option<&Summary>) -> &'static str {
    match s {
        Some(s) if matches!(s.reported, Reported::Contested { .. }) => "contested",
        Some(s) if s.operative == Truth::False => "bad",
        Some(s) if s.operative == Truth::Unknown => "unknown",
        Some(s) if s.at_risk.is_some() => "risk",
        Some(_) => "ok",
        None => "none",
    }
}

fn short(name: &str, max: usize) -> String {
    if name.chars().count() <= max {
        return name.to_string();
    }
    let mut s: String = name.chars().take(max.saturating_sub(1)).collect();
    s.push('…');
    s
}

/// The SVG of the graph, each node coloured by its state and linked to its page.
pub fn svg(ds: &Dataset, summaries: &[Summary], ctx: Ctx, focus: Option<&str>) -> String {
    let (nodes, edges) = build(ds);
    let (nodes, edges) = trim(nodes, edges, focus);
    let n = nodes.len();
    let layer = layers(n, &edges);
    let ncols = layer.iter().copied().max().map_or(0, |m| m + 1);
    let mut cols: Vec<Vec<usize>> = vec![Vec::new(); ncols];
    for (v, l) in layer.iter().enumerate() {
        cols[*l].push(v);
    }
    // Barycentre sweeps: order each column by the mean position of its neighbours.
    let mut pos = vec![0f64; n];
    let reset = |cols: &Vec<Vec<usize>>, pos: &mut Vec<f64>| {
        for c in cols {
            for (i, v) in c.iter().enumerate() {
                pos[*v] = i as f64;
            }
        }
    };
    reset(&cols, &mut pos);
    for sweep in 0..6 {
        let order: Vec<usize> = if sweep % 2 == 0 {
            (0..ncols).collect()
        } else {
            (0..ncols).rev().collect()
        };
        for c in order {
            let mut keyed: Vec<(f64, usize)> = cols[c]
                .iter()
                .map(|&v| {
                    let nb: Vec<f64> = edges
                        .iter()
                        .filter_map(|e| {
                            if e.from == v && layer[e.to] != c {
                                Some(pos[e.to])
                            } else if e.to == v && layer[e.from] != c {
                                Some(pos[e.from])
                            } else {
                                None
                            }
                        })
                        .collect();
                    let key = if nb.is_empty() {
                        pos[v]
                    } else {
                        nb.iter().sum::<f64>() / nb.len() as f64
                    };
                    (key, v)
                })
                .collect();
            keyed.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)));
            cols[c] = keyed.into_iter().map(|(_, v)| v).collect();
            reset(&cols, &mut pos);
        }
    }
    let tallest = cols.iter().map(Vec::len).max().unwrap_or(0) as i32;
    let height = PAD * 2 + tallest * (H + GAP_Y);
    let width = PAD * 2 + ncols as i32 * (W + GAP_X) - GAP_X;
    let mut xy = vec![(0i32, 0i32); n];
    for (c, col) in cols.iter().enumerate() {
        let off = (tallest - col.len() as i32) * (H + GAP_Y) / 2;
        for (i, v) in col.iter().enumerate() {
            xy[*v] = (
                PAD + c as i32 * (W + GAP_X),
                PAD + off + i as i32 * (H + GAP_Y),
            );
        }
    }
    let by_id: HashMap<&str, &Summary> = summaries.iter().map(|s| (s.id.as_str(), s)).collect();
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg class=\"graph\" viewBox=\"0 0 {width} {height}\" width=\"{width}\" height=\"{height}\" role=\"img\" aria-labelledby=\"graph-title\" xmlns=\"http://www.w3.org/2000/svg\">\
<title id=\"graph-title\">Dependency graph: an arrow goes from an item to what it depends on</title>\
<defs><marker id=\"arrow\" viewBox=\"0 0 10 10\" refX=\"9\" refY=\"5\" markerWidth=\"7\" markerHeight=\"7\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" class=\"arrowhead\"/></marker></defs>"
    );
    for e in &edges {
        let (fx, fy) = xy[e.from];
        let (tx, ty) = xy[e.to];
        let class = match e.label.as_str() {
            "conditional on" => "edge cond",
            "linked to" => "edge linked",
            "tied to" | "in package" => "edge tied",
            _ => "edge",
        };
        let hot = focus.is_some_and(|f| nodes[e.from].id == f || nodes[e.to].id == f);
        let class = if hot {
            format!("{class} hot")
        } else {
            class.to_string()
        };
        let path = if layer[e.from] == layer[e.to] {
            // Same column (a loop): an arc on the right side.
            let x = fx + W;
            let (y1, y2) = (fy + H / 2, ty + H / 2);
            format!("M{x},{y1} C{},{y1} {},{y2} {x},{y2}", x + 50, x + 50)
        } else if fx > tx {
            let (x1, y1, x2, y2) = (fx, fy + H / 2, tx + W, ty + H / 2);
            let mid = (x1 + x2) / 2;
            format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}")
        } else {
            let (x1, y1, x2, y2) = (fx + W, fy + H / 2, tx, ty + H / 2);
            let mid = (x1 + x2) / 2;
            format!("M{x1},{y1} C{mid},{y1} {mid},{y2} {x2},{y2}")
        };
        let _ = write!(
            s,
            "<path d=\"{path}\" class=\"{class}\" marker-end=\"url(#arrow)\"><title>{} {} {}</title></path>",
            esc(&nodes[e.from].id),
            esc(&e.label),
            esc(&nodes[e.to].id)
        );
    }
    for (v, node) in nodes.iter().enumerate() {
        let (x, y) = xy[v];
        let sm = by_id.get(node.id.as_str()).copied();
        let class = state_class(sm);
        let focus_class = if focus == Some(node.id.as_str()) {
            " focus"
        } else {
            ""
        };
        let state = match sm {
            Some(sm) => format!(
                "{}; {}",
                match sm.operative {
                    Truth::True => "operative",
                    Truth::False => "not operative",
                    Truth::Unknown => "indeterminate",
                },
                sm.reported
            ),
            None => String::new(),
        };
        let _ = write!(
            s,
            "<a href=\"{}\" class=\"node {class}{focus_class}\" data-id=\"{}\"><title>{} ({}) — {}</title>\
<rect x=\"{x}\" y=\"{y}\" width=\"{W}\" height=\"{H}\" rx=\"7\"/>\
<text x=\"{}\" y=\"{}\" class=\"kind\">{}</text><text x=\"{}\" y=\"{}\">{}</text></a>",
            ctx.item(&node.id),
            esc(&node.id),
            esc(&node.name),
            esc(&node.id),
            esc(&state),
            x + 10,
            y + 13,
            esc(&node.kind.to_string()),
            x + 10,
            y + 28,
            esc(&short(&node.name, 27)),
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, reason = "test code")]
    use super::*;

    #[test]
    fn a_loop_shares_a_column_and_dependencies_come_first() {
        let e = |from, to| GEdge {
            from,
            to,
            label: String::new(),
        };
        // 0 depends on 1; 1 and 2 depend on each other; 2 depends on 3.
        let l = layers(4, &[e(0, 1), e(1, 2), e(2, 1), e(2, 3)]);
        assert_eq!(l[3], 0);
        assert_eq!(l[1], l[2]);
        assert_eq!(l[1], 1);
        assert_eq!(l[0], 2);
    }

    #[test]
    fn the_bundled_dataset_draws_every_item_with_a_link() {
        let ds = accord_dataset::load_bundled("us-uk")
            .unwrap()
            .into_result()
            .unwrap();
        let ctx = Ctx {
            as_of: jiff::civil::date(2025, 12, 17),
            known_at: jiff::civil::date(2025, 12, 17),
            rev: None,
        };
        let out = svg(&ds, &[], ctx, Some("tpd"));
        assert!(out.contains("href=\"/item/tpd?as_of=2025-12-17&amp;known_at=2025-12-17\""));
        assert!(out.starts_with("<svg"));
        assert!(!out.contains("<script"));
    }
}
