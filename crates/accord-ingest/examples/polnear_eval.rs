//! Scores the extractor on the PolNeAR training split (brat attribution labels).
//!
//! `cargo run -p accord-ingest --release --example polnear_eval [-- CORPUS_DIR [LIMIT]]`
//! CORPUS_DIR defaults to `../shared/corpora/polnear-train` beside the workspace. Each
//! article is scored against its first annotator's file. No dataset is used (names of
//! parties and items play no part in finding attributions).

use std::collections::BTreeMap;
use std::path::PathBuf;

use accord_ingest::eval::{
    Counts, parse_ann, parse_attributions, predicted, report, score, speech_recall,
};
use accord_ingest::{Document, extract};
use accord_model::Dataset;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/polnear-train")
    });
    let limit: usize = args
        .get(2)
        .and_then(|x| x.parse().ok())
        .unwrap_or(usize::MAX);
    let Ok(meta) = std::fs::read_to_string(dir.join("metadata.tsv")) else {
        eprintln!("no corpus at {}", dir.display());
        return;
    };
    let mut dates = BTreeMap::new();
    for line in meta.lines().skip(1) {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() > 5 {
            dates.insert(f[1].to_string(), f[5].to_string());
        }
    }
    let mut anns: Vec<PathBuf> = std::fs::read_dir(dir.join("attributions"))
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    anns.sort();
    let mut seen = std::collections::HashSet::new();
    let mut totals = [Counts::default(); 3];
    let ds = Dataset::default();
    let mut n = 0;
    let mut proposals = 0;
    let mut speech = [0usize; 4];
    let started = std::time::Instant::now();
    // POLNEAR_DUMP=FILE writes every predicted span (article, role, start, end) for study.
    let mut dump = std::env::var("POLNEAR_DUMP")
        .ok()
        .and_then(|p| std::fs::File::create(p).ok());
    for ann in anns {
        let Some(stem) = ann.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let Some((article, _annotator)) = stem.rsplit_once('_') else {
            continue;
        };
        if !seen.insert(article.to_string()) || n >= limit {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(dir.join("text").join(format!("{article}.txt")))
        else {
            continue;
        };
        let Ok(ann_text) = std::fs::read_to_string(&ann) else {
            continue;
        };
        let gold = parse_ann(&ann_text);
        let doc = Document {
            text: text.clone(),
            published: dates.get(article).and_then(|d| d.parse().ok()),
            ..Document::default()
        };
        let ps = extract(&doc, &ds);
        proposals += ps.len();
        let pred = predicted(&ps);
        if let Some(f) = dump.as_mut() {
            use std::io::Write;
            for l in &pred {
                for (a, b) in &l.ranges {
                    let _ = writeln!(f, "{article}\t{}\t{a}\t{b}", l.role.name());
                }
            }
        }
        let sr = speech_recall(&text, &parse_attributions(&ann_text), &pred);
        for k in 0..4 {
            speech[k] += sr[k];
        }
        let s = score(&text, &gold, &pred);
        for k in 0..3 {
            totals[k].add(&s[k]);
        }
        n += 1;
    }
    println!(
        "PolNeAR train: {n} articles, {proposals} proposals, {:.1}s",
        started.elapsed().as_secs_f64()
    );
    print!("{}", report(&totals));
    let r = |k: usize| {
        if speech[0] == 0 {
            0.0
        } else {
            speech[k] as f64 / speech[0] as f64
        }
    };
    println!(
        "speech cues only ({} labelled attributions with said/says/told/according to/added/wrote …): overlap recall cue {:.2}, source {:.2}, content {:.2}",
        speech[0],
        r(1),
        r(2),
        r(3)
    );
}
