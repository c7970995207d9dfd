//! The loader never panics, whatever the files hold, and every diagnostic points into its
//! file: the small valid dataset of `tests/valid/small` with random edits (characters that
//! matter to TOML, JSON and dates deleted, inserted or replaced) is loaded and rendered, and
//! no diagnostic is reported twice.

use std::path::Path;

use accord_dataset::{SourceFile, load_dir, load_files};
use proptest::prelude::*;

/// Characters that matter to TOML, JSON, dates, ids and conditions.
const PIECES: &[&str] = &[
    "\"", "'", "[", "]", "[[", "]]", "{", "}", "=", ",", ".", "\n", "\\", "\\u00e9", ":", "-", "T",
    "Z", "0", "9", "1.5", "é", "(", ")", "#", " ", "\"\"\"", "'''", "~", "/", "Q", "null", "true",
    "id", "kind", "x_y",
];

fn base() -> Vec<SourceFile> {
    load_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/valid/small"))
        .map(|l| l.files)
        .unwrap_or_default()
}

/// Applies an edit at a fraction `at` of the file: delete `del` bytes, insert `ins`.
fn edit(text: &str, at: f64, del: usize, ins: &str) -> String {
    let mut start = ((text.len() as f64) * at) as usize;
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (start + del).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    format!("{}{ins}{}", &text[..start], &text[end..])
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn edited_datasets_load_without_panicking(
        edits in prop::collection::vec(
            (0usize..8, 0.0f64..1.0, 0usize..6, prop::sample::select(PIECES)),
            1..4,
        )
    ) {
        let mut files = base();
        prop_assume!(!files.is_empty());
        for (f, at, del, ins) in edits {
            let i = f % files.len();
            files[i].text = edit(&files[i].text, at, del, ins);
        }
        let loaded = load_files(files);
        let rendered = loaded.render_diagnostics();
        prop_assert_eq!(loaded.diagnostics_json().len(), loaded.diagnostics.len());
        let mut seen = std::collections::BTreeSet::new();
        for d in &loaded.diagnostics {
            prop_assert!(
                seen.insert((d.file.clone(), d.span.start, d.span.end, d.message.clone())),
                "reported twice: {:?}\n{}", d, rendered
            );
            let text = loaded
                .files
                .iter()
                .find(|f| f.path == d.file)
                .map(|f| f.text.as_str())
                .unwrap_or("");
            prop_assert!(d.span.start <= d.span.end, "{:?}", d);
            prop_assert!(d.span.end <= text.len(), "span past the end of {}: {:?}\n{}", d.file, d, rendered);
            prop_assert!(!d.message.is_empty() && d.help.is_some(), "{:?}", d);
        }
    }
}
