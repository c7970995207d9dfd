//! The extractor against human attribution labels (PolNeAR training split, in
//! `../shared/corpora/polnear-train`, read in place and never copied). The always-on test
//! scores a handful of articles; the ignored one scores all 840 and prints the table
//! (`cargo test -p accord-ingest --release --test polnear -- --ignored --nocapture`, or the
//! `polnear_eval` example).

#![allow(
    clippy::expect_used,
    clippy::unwrap_used,
    clippy::panic,
    reason = "test helpers fail loudly"
)]

use std::path::PathBuf;

use accord_ingest::eval::{Counts, parse_ann, predicted, report, score};
use accord_ingest::{Document, extract};
use accord_model::Dataset;

fn corpus() -> Option<PathBuf> {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/polnear-train");
    if p.join("metadata.tsv").exists() {
        Some(p)
    } else {
        eprintln!("skipped: no corpus at {}", p.display());
        None
    }
}

fn run(dir: &std::path::Path, limit: usize) -> (usize, [Counts; 3]) {
    let mut anns: Vec<PathBuf> = std::fs::read_dir(dir.join("attributions"))
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    anns.sort();
    let mut seen = std::collections::HashSet::new();
    let mut totals = [Counts::default(); 3];
    let mut n = 0;
    for ann in anns {
        let Some(stem) = ann.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let Some((article, _)) = stem.rsplit_once('_') else {
            continue;
        };
        if n >= limit || !seen.insert(article.to_string()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(dir.join("text").join(format!("{article}.txt")))
        else {
            continue;
        };
        let Ok(a) = std::fs::read_to_string(&ann) else {
            continue;
        };
        let published = article.split('_').nth(1).and_then(|d| d.parse().ok());
        let doc = Document {
            text: text.clone(),
            published,
            ..Document::default()
        };
        let ps = extract(&doc, &Dataset::default());
        let s = score(&text, &parse_ann(&a), &predicted(&ps));
        for k in 0..3 {
            totals[k].add(&s[k]);
        }
        n += 1;
    }
    (n, totals)
}

#[test]
fn a_handful_of_articles() {
    let Some(dir) = corpus() else { return };
    let (n, t) = run(&dir, 8);
    assert_eq!(n, 8);
    println!("{}", report(&t));
    let (cue_p, cue_r) = t[1].overlap();
    assert!(t[1].gold > 0 && t[1].pred > 0);
    assert!(cue_p >= 0.6, "cue overlap precision {cue_p:.2}");
    assert!(cue_r >= 0.25, "cue overlap recall {cue_r:.2}");
}

#[test]
#[ignore = "scores all 840 articles; run with --ignored --nocapture"]
fn whole_training_split() {
    let Some(dir) = corpus() else { return };
    let (n, t) = run(&dir, usize::MAX);
    println!("PolNeAR train, {n} articles\n{}", report(&t));
}
