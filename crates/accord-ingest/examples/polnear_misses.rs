//! Studies what the extractor misses and what it gets wrong on the PolNeAR training split,
//! on the studied four fifths only (the held-out fifth is never printed).
//!
//! `cargo run -p accord-ingest --release --example polnear_misses [-- [CUE] [SAMPLES]]`
//!
//! Prints the missed labelled attributions (no predicted content overlaps the labelled
//! content) counted by cue words and by construction (content before or after the cue,
//! quoted or not, with or without a source), then the predicted contents that overlap no
//! labelled content, counted by cue. With CUE, prints SAMPLES missed examples of that cue
//! ("-" for all, "+fp" for false positives), the cue in [brackets], the source in {braces}
//! and the content in <angles>. Output is for study on the console; never commit it.

use std::collections::{BTreeMap, HashSet};
use std::path::PathBuf;

use accord_ingest::eval::{
    GoldAttribution, Labelled, Role, held_out, load_corpus, parse_attributions, predicted,
};
use accord_ingest::{Document, Extractor};
use accord_model::Dataset;

fn chars(l: &Labelled) -> HashSet<usize> {
    l.ranges.iter().flat_map(|&(s, e)| s..e).collect()
}

fn lemma(words: &str) -> String {
    let w = words.to_lowercase().replace('’', "'");
    let aux = [
        "has ", "have ", "had ", "also ", "later ", "was ", "is ", "were ", "are ", "would ",
        "will ", "did ", "does ", "not ", "n't ",
    ];
    let mut s = w.as_str();
    loop {
        let before = s;
        for a in aux {
            s = s.strip_prefix(a).unwrap_or(s);
        }
        if s == before {
            break;
        }
    }
    s.split_whitespace().take(3).collect::<Vec<_>>().join(" ")
}

fn mark(text: &[char], a: &GoldAttribution) -> String {
    let lo = a
        .cue
        .ranges
        .iter()
        .chain(a.source.iter().flat_map(|s| s.ranges.iter()))
        .chain(a.content.iter().flat_map(|s| s.ranges.iter()))
        .map(|r| r.0)
        .min()
        .unwrap_or(0);
    let hi = a
        .cue
        .ranges
        .iter()
        .chain(a.source.iter().flat_map(|s| s.ranges.iter()))
        .chain(a.content.iter().flat_map(|s| s.ranges.iter()))
        .map(|r| r.1)
        .max()
        .unwrap_or(0);
    let lo = lo.saturating_sub(60);
    let hi = (hi + 40).min(text.len());
    let mut s = String::new();
    let tag = |i: usize, open: bool| -> Option<char> {
        let ranges = [
            (Some(&a.cue), '[', ']'),
            (a.source.as_ref(), '{', '}'),
            (a.content.as_ref(), '<', '>'),
        ];
        for (l, o, c) in ranges {
            if let Some(l) = l {
                for r in &l.ranges {
                    if open && r.0 == i {
                        return Some(o);
                    }
                    if !open && r.1 == i {
                        return Some(c);
                    }
                }
            }
        }
        None
    };
    for (i, &ch) in text.iter().enumerate().take(hi).skip(lo) {
        if let Some(c) = tag(i, false) {
            s.push(c);
        }
        if let Some(c) = tag(i, true) {
            s.push(c);
        }
        s.push(if ch == '\n' { '¶' } else { ch });
    }
    s
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let want = args.get(1).cloned();
    let samples: usize = args.get(2).and_then(|x| x.parse().ok()).unwrap_or(15);
    let dir =
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/polnear-train");
    let corpus = load_corpus(&dir, usize::MAX);
    let ds = Dataset::default();
    let extractor = Extractor::new(&ds);
    let mut by_cue: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut by_shape: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut fp_cue: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    let mut shown = 0;
    for a in corpus.iter().filter(|a| !held_out(&a.name)) {
        let text: Vec<char> = a.text.chars().collect();
        let doc = Document {
            text: a.text.clone(),
            published: a.published,
            ..Document::default()
        };
        let ps = extractor.extract(&doc);
        let pred = predicted(&ps);
        let pred_content: Vec<HashSet<usize>> = pred
            .iter()
            .filter(|l| l.role == Role::Content)
            .map(chars)
            .collect();
        let pred_cue: Vec<HashSet<usize>> = pred
            .iter()
            .filter(|l| l.role == Role::Cue)
            .map(chars)
            .collect();
        let gold = parse_attributions(&a.ann);
        let gold_content: Vec<HashSet<usize>> = gold
            .iter()
            .filter_map(|g| g.content.as_ref())
            .map(chars)
            .collect();
        for g in &gold {
            let Some(c) = &g.content else { continue };
            let gc = chars(c);
            let hit = pred_content.iter().any(|p| !p.is_disjoint(&gc));
            let l = lemma(&g.cue_words);
            let cue_at = g.cue.ranges[0].0;
            let c_at = c.ranges[0].0;
            let quoted = c.ranges.iter().any(|r| {
                text.get(r.0.saturating_sub(1)..(r.0 + 1).min(text.len()))
                    .is_some_and(|w| w.iter().any(|ch| matches!(ch, '"' | '“' | '‘' | '\'')))
            });
            let cue_found = pred_cue.iter().any(|p| !p.is_disjoint(&chars(&g.cue)));
            let shape = format!(
                "{}{}{}{}{}",
                if c_at < cue_at {
                    "content-before-cue"
                } else {
                    "cue-before-content"
                },
                if quoted { " quoted" } else { "" },
                if g.source.is_none() { " no-source" } else { "" },
                if c.ranges.len() > 1 {
                    " discontinuous"
                } else {
                    ""
                },
                if cue_found { " cue-found" } else { "" },
            );
            let e = by_cue.entry(l.clone()).or_default();
            e.0 += 1;
            e.1 += usize::from(!hit);
            let e = by_shape.entry(shape).or_default();
            e.0 += 1;
            e.1 += usize::from(!hit);
            if !hit
                && shown < samples
                && want.as_deref().is_some_and(|w| {
                    (w == "+cue" && cue_found)
                        || w == "-"
                        || w == l
                        || (w.ends_with('*') && l.starts_with(w.trim_end_matches('*')))
                })
            {
                shown += 1;
                println!("MISS {} | {}\n", a.name, mark(&text, g));
            }
        }
        for p in &ps {
            let pc: HashSet<usize> = (p.content.start..p.content.end).collect();
            let ok = gold_content.iter().any(|g| !g.is_disjoint(&pc));
            let l = lemma(&p.cue.text);
            let e = fp_cue.entry(l.clone()).or_default();
            e.0 += 1;
            e.1 += usize::from(!ok);
            if !ok && shown < samples && want.as_deref() == Some("+fp") {
                shown += 1;
                let lo = p.cue.start.min(p.content.start).saturating_sub(60);
                let hi = (p.cue.end.max(p.content.end) + 30).min(text.len());
                let ctx: String = text[lo..hi]
                    .iter()
                    .map(|c| if *c == '\n' { '¶' } else { *c })
                    .collect();
                println!(
                    "FP {} | cue `{}` speaker `{}` content `{}`\n   …{}…\n",
                    a.name,
                    p.cue.text,
                    p.speaker.as_ref().map(|s| s.text.as_str()).unwrap_or(""),
                    p.content.text,
                    ctx
                );
            }
        }
    }
    let mut v: Vec<_> = by_cue.into_iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1.1));
    println!("missed / labelled, by cue (studied slice):");
    let total_missed: usize = v.iter().map(|x| x.1.1).sum();
    let total: usize = v.iter().map(|x| x.1.0).sum();
    println!("  all: {total_missed} / {total}");
    let top: usize = std::env::var("MISSES_TOP")
        .ok()
        .and_then(|x| x.parse().ok())
        .unwrap_or(70);
    for (k, (n, m)) in v.iter().take(top) {
        println!("  {m:>5} / {n:<5} {k}");
    }
    println!("missed / labelled, by construction:");
    let mut v: Vec<_> = by_shape.into_iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1.1));
    for (k, (n, m)) in v {
        println!("  {m:>5} / {n:<5} {k}");
    }
    println!("predicted content overlapping no labelled content, by cue: wrong / predicted");
    let mut v: Vec<_> = fp_cue.into_iter().collect();
    v.sort_by_key(|x| std::cmp::Reverse(x.1.1));
    for (k, (n, m)) in v.iter().take(30) {
        println!("  {m:>5} / {n:<5} {k}");
    }
}
