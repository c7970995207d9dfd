//! Extraction throughput on one core over the PolNeAR training articles.
//!
//! `cargo run -p accord-ingest --release --example throughput [-- RUNS [CORPUS_DIR]]`
//!
//! Reads the 840 article texts once, then extracts from all of them RUNS times (default 7)
//! on the calling thread, and prints the median MB/s (10^6 bytes of UTF-8 text per second)
//! with the fastest and slowest run, and the median MB per CPU second of the thread (steadier
//! than the wall clock when other work shares the cores). Three ways: an [`Extractor`]
//! prepared once (outside the timing) for the bundled `us-uk` dataset, one for an empty
//! dataset, and the convenience function [`extract`], which prepares the `us-uk` dataset
//! again for every document. Reading files is not timed.

use std::path::PathBuf;
use std::time::Instant;

use accord_ingest::eval::load_corpus;
use accord_ingest::{Document, Extractor, Proposal, extract};
use accord_model::Dataset;

/// CPU seconds this thread has used (user + system), from `/proc/thread-self/stat` in clock
/// ticks of 1/100 s (Linux); `None` elsewhere. On a loaded machine the CPU time is a steadier
/// measure than the wall clock.
fn thread_cpu_secs() -> Option<f64> {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").ok()?;
    // Fields after the command name in parentheses: state is field 3, utime 14, stime 15.
    let rest = stat.rsplit_once(')')?.1;
    let f: Vec<&str> = rest.split_whitespace().collect();
    let utime: f64 = f.get(11)?.parse().ok()?;
    let stime: f64 = f.get(12)?.parse().ok()?;
    Some((utime + stime) / 100.0)
}

/// One way of extracting from a document.
type ExtractFn<'a> = dyn Fn(&Document) -> Vec<Proposal> + 'a;

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs: usize = args.get(1).and_then(|x| x.parse().ok()).unwrap_or(7).max(1);
    let dir = args.get(2).map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/corpora/polnear-train")
    });
    let docs: Vec<Document> = load_corpus(&dir, usize::MAX)
        .into_iter()
        .map(|a| Document {
            text: a.text,
            published: a.published,
            ..Document::default()
        })
        .collect();
    if docs.is_empty() {
        eprintln!("no corpus at {}", dir.display());
        return;
    }
    let bytes: usize = docs.iter().map(|d| d.text.len()).sum();
    let chars: usize = docs.iter().map(|d| d.text.chars().count()).sum();
    println!(
        "{} articles, {bytes} bytes ({chars} characters), {runs} runs each, one thread",
        docs.len()
    );
    let bundled = accord_dataset::load_bundled("us-uk")
        .map(|l| l.dataset)
        .unwrap_or_default();
    let empty = Dataset::default();
    let prepared = Extractor::new(&bundled);
    let prepared_empty = Extractor::new(&empty);
    let cases: [(&str, &ExtractFn); 3] = [
        ("us-uk dataset, prepared once", &|d| prepared.extract(d)),
        ("empty dataset, prepared once", &|d| {
            prepared_empty.extract(d)
        }),
        ("us-uk dataset, extract() per document", &|d| {
            extract(d, &bundled)
        }),
    ];
    for (name, run) in cases {
        let mut rates = Vec::with_capacity(runs);
        let mut cpu_rates = Vec::with_capacity(runs);
        let mut proposals = 0;
        for _ in 0..runs {
            let cpu = thread_cpu_secs();
            let t = Instant::now();
            proposals = docs.iter().map(|d| run(d).len()).sum::<usize>();
            let secs = t.elapsed().as_secs_f64();
            rates.push(bytes as f64 / 1e6 / secs);
            if let (Some(a), Some(b)) = (cpu, thread_cpu_secs())
                && b > a
            {
                cpu_rates.push(bytes as f64 / 1e6 / (b - a));
            }
        }
        rates.sort_by(f64::total_cmp);
        cpu_rates.sort_by(f64::total_cmp);
        let median = rates[rates.len() / 2];
        let cpu = cpu_rates
            .get(cpu_rates.len() / 2)
            .map(|m| format!("; per CPU second: median {m:.2} MB/s"))
            .unwrap_or_default();
        println!(
            "{name}: median {median:.2} MB/s (min {:.2}, max {:.2}){cpu}; {proposals} proposals per run",
            rates[0],
            rates[rates.len() - 1]
        );
    }
}
