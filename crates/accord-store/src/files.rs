//! A dataset written out as dataset files (TOML definitions, JSON Lines claims), the format
//! `docs/dataset-format.md` describes. Used by `accord export --format dataset` and to feed
//! the store's content to `accord-dataset`'s validator together with new content.

use std::collections::BTreeMap;

use accord_dataset::SourceFile;
use accord_model::{Claim, Dataset, DatasetMeta};
use serde::Serialize;

use crate::{Result, StoreError};

fn toml_err(e: toml::ser::Error) -> StoreError {
    StoreError::Data(format!("could not write TOML: {e}"))
}

/// `accord.toml` for the given settings.
pub fn meta_file(meta: &DatasetMeta) -> Result<SourceFile> {
    #[derive(Serialize)]
    struct MetaFile<'a> {
        dataset: &'a DatasetMeta,
    }
    Ok(SourceFile {
        path: "accord.toml".into(),
        text: toml::to_string(&MetaFile { dataset: meta }).map_err(toml_err)?,
    })
}

/// One TOML file holding the entries of one table (`[[party]]` …), or None when empty.
pub fn table_file<T: Serialize>(
    path: &str,
    table: &str,
    items: &[T],
) -> Result<Option<SourceFile>> {
    if items.is_empty() {
        return Ok(None);
    }
    let mut m: BTreeMap<&str, &[T]> = BTreeMap::new();
    m.insert(table, items);
    Ok(Some(SourceFile {
        path: path.into(),
        text: toml::to_string(&m).map_err(toml_err)?,
    }))
}

/// Claims as JSON Lines, one claim per line, in order.
pub fn claims_file(path: &str, claims: &[Claim]) -> Result<Option<SourceFile>> {
    if claims.is_empty() {
        return Ok(None);
    }
    let mut text = String::new();
    for c in claims {
        text.push_str(&crate::canonical_json(c)?);
        text.push('\n');
    }
    Ok(Some(SourceFile {
        path: path.into(),
        text,
    }))
}

/// The definitions of a dataset as files, one per table, named `{prefix}parties.toml` etc.
/// Re-reading them gives the same definitions in the same order.
pub fn definition_files(ds: &Dataset, prefix: &str) -> Result<Vec<SourceFile>> {
    let p = |n: &str| format!("{prefix}{n}");
    let files = [
        table_file(&p("parties.toml"), "party", &ds.parties)?,
        table_file(&p("sources.toml"), "source", &ds.sources)?,
        table_file(&p("instruments.toml"), "instrument", &ds.instruments)?,
        table_file(&p("tracks.toml"), "track", &ds.tracks)?,
        table_file(&p("packages.toml"), "package", &ds.packages)?,
        table_file(&p("links.toml"), "link", &ds.links)?,
        table_file(&p("pledges.toml"), "pledge", &ds.pledges)?,
    ];
    Ok(files.into_iter().flatten().collect())
}

/// The whole dataset as files: `accord.toml`, one TOML file per table, and
/// `claims/claims.jsonl` (JSON Lines keep the append order exactly).
pub fn dataset_files(ds: &Dataset) -> Result<Vec<SourceFile>> {
    let mut v = vec![meta_file(&ds.meta)?];
    v.extend(definition_files(ds, "")?);
    v.extend(claims_file("claims/claims.jsonl", &ds.claims)?);
    Ok(v)
}
