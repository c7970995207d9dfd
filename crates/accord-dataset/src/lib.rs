//! Reading accord datasets.
//!
//! A dataset is a directory of TOML files (definitions and claims) and JSON Lines files
//! (claims in bulk), described in `docs/dataset-format.md`. [`load_dir`] and [`load_files`]
//! read one into an [`accord_model::Dataset`] and collect **every** problem found, each as a
//! [`Diag`] with its file and byte span, so that `accord check` can report them all at once.
//!
//! Loading is all-or-nothing for callers that care: a dataset with any error-level
//! diagnostic must not be used (see [`Loaded::has_errors`]).

mod diag;
mod json;
mod messages;
mod read;
mod repair;
mod strings;
mod tree;
mod validate;

use std::path::Path;

use accord_model::Dataset;
use serde::Serialize;

pub use diag::{Diag, Severity};

/// A file of a dataset: its path relative to the dataset directory, and its text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceFile {
    pub path: String,
    pub text: String,
}

/// A dataset as read, with everything found wrong with it.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub dataset: Dataset,
    pub files: Vec<SourceFile>,
    pub diagnostics: Vec<Diag>,
}

/// Counts by kind, for the summary `accord check` prints.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub files: usize,
    pub parties: usize,
    pub sources: usize,
    pub instruments: usize,
    pub sections: usize,
    pub commitments: usize,
    pub tracks: usize,
    pub packages: usize,
    pub links: usize,
    pub pledges: usize,
    pub claims: usize,
    pub conditions: usize,
}

impl Loaded {
    pub fn has_errors(&self) -> bool {
        self.error_count() > 0
    }

    pub fn error_count(&self) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Error)
            .count()
    }

    pub fn warning_count(&self) -> usize {
        self.diagnostics.len() - self.error_count()
    }

    fn text_of(&self, file: &str) -> &str {
        self.files
            .iter()
            .find(|f| f.path == file)
            .map(|f| f.text.as_str())
            .unwrap_or("")
    }

    /// Every diagnostic rendered for a terminal, in file order.
    pub fn render_diagnostics(&self) -> String {
        let mut out = String::new();
        for d in &self.diagnostics {
            out.push_str(&d.render(self.text_of(&d.file)));
            out.push('\n');
        }
        out
    }

    /// Every diagnostic in the JSON form.
    pub fn diagnostics_json(&self) -> Vec<serde_json::Value> {
        self.diagnostics
            .iter()
            .map(|d| d.to_json(self.text_of(&d.file)))
            .collect()
    }

    pub fn summary(&self) -> Summary {
        let ds = &self.dataset;
        let conditions = ds
            .instruments
            .iter()
            .filter(|i| i.activation.is_some())
            .count()
            + ds.instruments
                .iter()
                .flat_map(|i| &i.commitments)
                .filter(|c| c.condition.is_some())
                .count()
            + ds.links.iter().filter(|l| l.condition.is_some()).count();
        Summary {
            files: self.files.len(),
            parties: ds.parties.len(),
            sources: ds.sources.len(),
            instruments: ds.instruments.len(),
            sections: ds.instruments.iter().map(|i| i.sections.len()).sum(),
            commitments: ds.instruments.iter().map(|i| i.commitments.len()).sum(),
            tracks: ds.tracks.len(),
            packages: ds.packages.len(),
            links: ds.links.len(),
            pledges: ds.pledges.len(),
            claims: ds.claims.len(),
            conditions,
        }
    }

    /// The dataset if it loaded without errors, else the rendered diagnostics.
    pub fn into_result(self) -> Result<Dataset, String> {
        if self.has_errors() {
            Err(self.render_diagnostics())
        } else {
            Ok(self.dataset)
        }
    }
}

/// Errors that stop a dataset from being read at all (as opposed to problems in its files).
#[derive(Debug)]
pub enum LoadError {
    NotFound(String),
    NotADirectory(String),
    Io(String, std::io::Error),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NotFound(p) => write!(
                f,
                "dataset directory `{p}` does not exist; give the path of a directory holding `accord.toml`"
            ),
            LoadError::NotADirectory(p) => write!(
                f,
                "`{p}` is not a directory; a dataset is a directory holding `accord.toml` and other `.toml` or `.jsonl` files"
            ),
            LoadError::Io(p, e) => write!(f, "could not read `{p}`: {e}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// Reads every `.toml` and `.jsonl` file under `dir` (sorted, skipping hidden entries).
pub fn read_dir_files(dir: &Path) -> Result<Vec<SourceFile>, LoadError> {
    if !dir.exists() {
        return Err(LoadError::NotFound(dir.display().to_string()));
    }
    if !dir.is_dir() {
        return Err(LoadError::NotADirectory(dir.display().to_string()));
    }
    let mut out = Vec::new();
    walk(dir, dir, &mut out)?;
    Ok(out)
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<SourceFile>) -> Result<(), LoadError> {
    let io = |e| LoadError::Io(dir.display().to_string(), e);
    let mut entries: Vec<_> = std::fs::read_dir(dir)
        .map_err(io)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    for p in entries {
        let hidden = p
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with('.'));
        if hidden {
            continue;
        }
        if p.is_dir() {
            walk(root, &p, out)?;
        } else if matches!(
            p.extension().and_then(|e| e.to_str()),
            Some("toml") | Some("jsonl")
        ) {
            let text = std::fs::read_to_string(&p)
                .map_err(|e| LoadError::Io(p.display().to_string(), e))?;
            let rel = p
                .strip_prefix(root)
                .unwrap_or(&p)
                .to_string_lossy()
                .replace('\\', "/");
            out.push(SourceFile { path: rel, text });
        }
    }
    Ok(())
}

/// Reads and validates the dataset in `dir`.
pub fn load_dir(dir: &Path) -> Result<Loaded, LoadError> {
    Ok(load_files(read_dir_files(dir)?))
}

/// Reads and validates a dataset given as files (path relative to the dataset, text).
pub fn load_files(files: Vec<SourceFile>) -> Loaded {
    let (dataset, diagnostics) = read::read_and_validate(&files);
    Loaded {
        dataset,
        files,
        diagnostics,
    }
}

mod bundled {
    include!(concat!(env!("OUT_DIR"), "/bundled.rs"));
}

/// The names of the datasets compiled into the binary (`us-uk`).
pub fn bundled_names() -> Vec<&'static str> {
    let mut v: Vec<&str> = bundled::BUNDLED.iter().map(|(n, _, _)| *n).collect();
    v.dedup();
    v
}

/// The files of a bundled dataset, if there is one by that name.
pub fn bundled_files(name: &str) -> Option<Vec<SourceFile>> {
    let files: Vec<SourceFile> = bundled::BUNDLED
        .iter()
        .filter(|(n, _, _)| *n == name)
        .map(|(_, p, t)| SourceFile {
            path: p.to_string(),
            text: t.to_string(),
        })
        .collect();
    (!files.is_empty()).then_some(files)
}

/// Loads a bundled dataset by name.
pub fn load_bundled(name: &str) -> Option<Loaded> {
    bundled_files(name).map(load_files)
}
