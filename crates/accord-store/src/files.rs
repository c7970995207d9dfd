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

/// How many entries one file holds in [`definition_files_chunked`].
pub const ENTRIES_PER_FILE: usize = 512;

/// Like [`definition_files`], with at most `per_file` entries in a file: the first file of a
/// table keeps the usual name (`parties.toml`), the next ones are numbered
/// (`parties.2.toml` …). The dataset loader's time per entry grows with the number of
/// entries in its file, so a large dataset is validated much faster in pieces; a dataset
/// small enough gives exactly the files of [`definition_files`].
pub fn definition_files_chunked(
    ds: &Dataset,
    prefix: &str,
    per_file: usize,
) -> Result<Vec<SourceFile>> {
    fn chunks<T: Serialize>(
        out: &mut Vec<SourceFile>,
        prefix: &str,
        name: &str,
        table: &str,
        items: &[T],
        per_file: usize,
    ) -> Result<()> {
        for (i, part) in items.chunks(per_file.max(1)).enumerate() {
            let path = if i == 0 {
                format!("{prefix}{name}.toml")
            } else {
                format!("{prefix}{name}.{}.toml", i + 1)
            };
            out.extend(table_file(&path, table, part)?);
        }
        Ok(())
    }
    let mut v = Vec::new();
    chunks(&mut v, prefix, "parties", "party", &ds.parties, per_file)?;
    chunks(&mut v, prefix, "sources", "source", &ds.sources, per_file)?;
    chunks(
        &mut v,
        prefix,
        "instruments",
        "instrument",
        &ds.instruments,
        per_file,
    )?;
    chunks(&mut v, prefix, "tracks", "track", &ds.tracks, per_file)?;
    chunks(
        &mut v,
        prefix,
        "packages",
        "package",
        &ds.packages,
        per_file,
    )?;
    chunks(&mut v, prefix, "links", "link", &ds.links, per_file)?;
    chunks(&mut v, prefix, "pledges", "pledge", &ds.pledges, per_file)?;
    Ok(v)
}
