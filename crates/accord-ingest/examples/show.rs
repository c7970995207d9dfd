//! Prints the proposals for a text file: `cargo run --example show -- FILE [DATE]`.
use accord_ingest::{Document, extract};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: show FILE [PUBLISHED]");
        return;
    };
    let text = std::fs::read_to_string(path).unwrap_or_default();
    let published = args.get(2).and_then(|d| d.parse().ok());
    let ds = accord_dataset::load_bundled("us-uk").map(|l| l.dataset).unwrap_or_default();
    let doc = Document { text, published, ..Document::default() };
    for p in extract(&doc, &ds) {
        println!(
            "--- {:?} conf={} | speaker={:?} party={:?} | cue={:?} | item={:?} | {:?} {:?} value={:?} | valid={} ch={:?}",
            p.kind,
            p.confidence,
            p.speaker.as_ref().map(|s| s.text.as_str()),
            p.speaker.as_ref().and_then(|s| s.party_id.as_deref()),
            p.cue.text,
            p.item.as_ref().map(|i| format!("{}<{}>", i.id, i.matched_text)),
            p.asserts,
            p.status,
            p.value,
            p.valid,
            p.channel
        );
        println!("    content: {}", p.content.text.replace('\n', " "));
        for e in &p.explanation {
            println!("    · {e}");
        }
    }
}
