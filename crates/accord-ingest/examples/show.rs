//! Prints the proposals for a text file: `cargo run --example show -- FILE [DATE]`.
use accord_ingest::{Document, extract};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let Some(path) = args.get(1) else {
        eprintln!("usage: show FILE [PUBLISHED]");
        return;
    };
    let loaded = match accord_ingest::input::load(path, &Default::default(), &Default::default()) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("error: {e}");
            return;
        }
    };
    let mut doc: Document = loaded.documents.into_iter().next().unwrap_or_default();
    if let Some(p) = args.get(2).and_then(|d| d.parse().ok()) {
        doc.published = Some(p);
    }
    eprintln!("title={:?} published={:?}", doc.title, doc.published);
    let ds = accord_dataset::load_bundled("us-uk")
        .map(|l| l.dataset)
        .unwrap_or_default();
    for p in extract(&doc, &ds) {
        println!(
            "--- {:?} conf={} | speaker={:?} party={:?} | cue={:?} | item={:?} | {:?} {:?} value={:?} | valid={} ch={:?}",
            p.kind,
            p.confidence,
            p.speaker.as_ref().map(|s| format!(
                "{}/{}",
                s.text,
                s.name.clone().unwrap_or_default()
            )),
            p.speaker.as_ref().and_then(|s| s.party_id.as_deref()),
            p.cue.text,
            p.item
                .as_ref()
                .map(|i| format!("{}<{}>", i.id, i.matched_text)),
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
