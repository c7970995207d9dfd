//! Scores the extractor on the PolNeAR training split (brat attribution labels).
//!
//! `cargo run -p accord-ingest --release --example polnear_eval [-- CORPUS_DIR [LIMIT]]`
//! CORPUS_DIR defaults to `../shared/corpora/polnear-train` beside the workspace. Each
//! article is scored against its first annotator's file. No dataset is used (names of
//! parties and items play no part in finding attributions).
//!
//! Three tables: all articles, the four fifths the rules were studied on, and the held-out
//! fifth (`eval::held_out`: a hash of the article's name), which was not looked at while
//! writing rules.

use std::path::PathBuf;

use accord_ingest::eval::{
    Counts, f1, held_out, load_corpus, parse_ann, parse_attributions, predicted, report, score,
    speech_recall,
};
use accord_ingest::{Document, Extractor};
use accord_model::Dataset;

#[derive(Default)]
struct Slice {
    articles: usize,
    proposals: usize,
    totals: [Counts; 3],
    speech: [usize; 4],
}

impl Slice {
    fn print(&self, title: &str) {
        println!(
            "\n== {title}: {} articles, {} proposals",
            self.articles, self.proposals
        );
        print!("{}", report(&self.totals));
        let r = |k: usize| {
            if self.speech[0] == 0 {
                0.0
            } else {
                self.speech[k] as f64 / self.speech[0] as f64
            }
        };
        println!(
            "speech cues only ({} labelled attributions with said/says/told/according to/added/wrote …): overlap recall cue {:.2}, source {:.2}, content {:.2}",
            self.speech[0],
            r(1),
            r(2),
            r(3)
        );
        let [s, _, c] = &self.totals;
        println!(
            "aim: overlap F1 content {:.3} (>= 0.80), source {:.3} (>= 0.70)",
            f1(c.overlap()),
            f1(s.overlap())
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let dir = args.get(1).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/polnear-train")
    });
    let limit: usize = args
        .get(2)
        .and_then(|x| x.parse().ok())
        .unwrap_or(usize::MAX);
    let corpus = load_corpus(&dir, limit);
    if corpus.is_empty() {
        eprintln!("no corpus at {}", dir.display());
        return;
    }
    let ds = Dataset::default();
    let extractor = Extractor::new(&ds);
    let started = std::time::Instant::now();
    let mut all = Slice::default();
    let mut tune = Slice::default();
    let mut held = Slice::default();
    // POLNEAR_DUMP=FILE writes every predicted span (article, role, start, end) for study.
    let mut dump = std::env::var("POLNEAR_DUMP")
        .ok()
        .and_then(|p| std::fs::File::create(p).ok());
    for a in &corpus {
        let gold = parse_ann(&a.ann);
        let doc = Document {
            text: a.text.clone(),
            published: a.published,
            ..Document::default()
        };
        let ps = extractor.extract(&doc);
        let pred = predicted(&ps);
        if let Some(f) = dump.as_mut() {
            use std::io::Write;
            for l in &pred {
                for (s, e) in &l.ranges {
                    let _ = writeln!(f, "{}\t{}\t{s}\t{e}", a.name, l.role.name());
                }
            }
        }
        let sr = speech_recall(&a.text, &parse_attributions(&a.ann), &pred);
        let s = score(&a.text, &gold, &pred);
        let part = if held_out(&a.name) {
            &mut held
        } else {
            &mut tune
        };
        for slice in [&mut all, part] {
            slice.articles += 1;
            slice.proposals += ps.len();
            for (acc, x) in slice.speech.iter_mut().zip(sr) {
                *acc += x;
            }
            for (acc, x) in slice.totals.iter_mut().zip(&s) {
                acc.add(x);
            }
        }
    }
    println!(
        "PolNeAR train ({}): {} articles, {:.1}s",
        dir.display(),
        all.articles,
        started.elapsed().as_secs_f64()
    );
    all.print("all articles");
    tune.print("studied slice (4/5, hash of the name)");
    held.print("held-out slice (1/5, hash of the name; not studied)");
}
