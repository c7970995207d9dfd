//! Export: the dataset format (a directory `accord check` accepts and `accord import` reads
//! back to the same state), canonical JSON, and CSV per table for spreadsheets.

use std::collections::BTreeMap;
use std::path::Path;

use accord_model::Dataset;
use serde::Serialize;
use serde_json::Value;

/// Why an export failed.
#[derive(Debug)]
pub struct ExportError(pub String);

impl std::fmt::Display for ExportError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for ExportError {}

type Result<T> = std::result::Result<T, ExportError>;

fn io(path: &Path, e: std::io::Error) -> ExportError {
    ExportError(format!("could not write `{}`: {e}", path.display()))
}

/// Refuses to write into a directory that already holds files, so an export never
/// overwrites or mixes with other files; creates it when missing.
pub fn prepare_dir(dir: &Path) -> Result<()> {
    if dir.exists() {
        if !dir.is_dir() {
            return Err(ExportError(format!(
                "`{}` exists and is not a directory; give a new or empty directory",
                dir.display()
            )));
        }
        let mut rd = std::fs::read_dir(dir).map_err(|e| io(dir, e))?;
        if rd.next().is_some() {
            return Err(ExportError(format!(
                "`{}` is not empty; give a new or empty directory so that nothing is overwritten",
                dir.display()
            )));
        }
        return Ok(());
    }
    std::fs::create_dir_all(dir).map_err(|e| io(dir, e))
}

fn write(path: &Path, text: &[u8]) -> Result<()> {
    if let Some(p) = path.parent() {
        std::fs::create_dir_all(p).map_err(|e| io(p, e))?;
    }
    std::fs::write(path, text).map_err(|e| io(path, e))
}

/// Writes the dataset as a dataset directory; returns the files written (relative paths).
pub fn export_dataset(ds: &Dataset, dir: &Path) -> Result<Vec<String>> {
    prepare_dir(dir)?;
    let files = crate::files::dataset_files(ds).map_err(|e| ExportError(e.to_string()))?;
    let mut out = Vec::new();
    for f in files {
        write(&dir.join(&f.path), f.text.as_bytes())?;
        out.push(f.path);
    }
    Ok(out)
}

/// The dataset as canonical JSON: the model's serde form, keys sorted, two-space indent,
/// a final newline. The same dataset always gives the same bytes.
pub fn canonical_json(ds: &Dataset) -> Result<String> {
    let v = serde_json::to_value(ds).map_err(|e| ExportError(e.to_string()))?;
    let v = sort_keys(v);
    let mut s = serde_json::to_string_pretty(&v).map_err(|e| ExportError(e.to_string()))?;
    s.push('\n');
    Ok(s)
}

fn sort_keys(v: Value) -> Value {
    match v {
        Value::Object(m) => {
            let sorted: BTreeMap<String, Value> =
                m.into_iter().map(|(k, v)| (k, sort_keys(v))).collect();
            Value::Object(sorted.into_iter().collect())
        }
        Value::Array(a) => Value::Array(a.into_iter().map(sort_keys).collect()),
        x => x,
    }
}

/// Guards a CSV cell against formula injection: a cell that a spreadsheet would run as a
/// formula (starting with `=`, `+`, `-`, `@`, a tab or a carriage return) gets a leading `'`.
pub fn guard_cell(s: &str) -> String {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    }
}

/// Flattens a JSON value into columns: nested objects as `a.b`, lists of plain values joined
/// with `; `, lists of objects as JSON text.
fn flatten(v: &Value, prefix: &str, out: &mut BTreeMap<String, String>) {
    match v {
        Value::Object(m) => {
            for (k, x) in m {
                let key = if prefix.is_empty() {
                    k.clone()
                } else {
                    format!("{prefix}.{k}")
                };
                flatten(x, &key, out);
            }
        }
        Value::Array(a) => {
            let text = if a.iter().any(|x| x.is_object() || x.is_array()) {
                serde_json::to_string(a).unwrap_or_default()
            } else {
                a.iter().map(scalar).collect::<Vec<_>>().join("; ")
            };
            out.insert(prefix.to_string(), text);
        }
        x => {
            out.insert(prefix.to_string(), scalar(x));
        }
    }
}

fn scalar(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        x => x.to_string(),
    }
}

/// One table: rows of flattened values, `id`-like leading columns first, the rest sorted.
struct Table {
    lead: &'static [&'static str],
    rows: Vec<BTreeMap<String, String>>,
}

impl Table {
    fn new(lead: &'static [&'static str]) -> Self {
        Table { lead, rows: vec![] }
    }

    fn push<T: Serialize>(&mut self, x: &T, extra: &[(&str, String)], drop: &[&str]) -> Result<()> {
        let mut v = serde_json::to_value(x).map_err(|e| ExportError(e.to_string()))?;
        if let Value::Object(m) = &mut v {
            for d in drop {
                m.remove(*d);
            }
        }
        let mut row = BTreeMap::new();
        flatten(&v, "", &mut row);
        for (k, x) in extra {
            row.insert((*k).to_string(), x.clone());
        }
        self.rows.push(row);
        Ok(())
    }

    fn to_csv(&self) -> Result<Vec<u8>> {
        let mut cols: Vec<String> = self.lead.iter().map(|s| s.to_string()).collect();
        let mut rest: Vec<String> = self
            .rows
            .iter()
            .flat_map(|r| r.keys().cloned())
            .filter(|k| !self.lead.contains(&k.as_str()))
            .collect();
        rest.sort();
        rest.dedup();
        cols.extend(rest);
        let mut w = csv::Writer::from_writer(vec![]);
        let err = |e: csv::Error| ExportError(e.to_string());
        w.write_record(&cols).map_err(err)?;
        for r in &self.rows {
            let rec: Vec<String> = cols
                .iter()
                .map(|c| guard_cell(r.get(c).map(String::as_str).unwrap_or("")))
                .collect();
            w.write_record(&rec).map_err(err)?;
        }
        w.into_inner().map_err(|e| ExportError(e.to_string()))
    }
}

/// Writes one CSV file per table (UTF-8, ISO 8601 dates, formula-injection guard); returns
/// the files written with their row counts.
pub fn export_csv(ds: &Dataset, dir: &Path) -> Result<Vec<(String, usize)>> {
    prepare_dir(dir)?;
    let mut tables: Vec<(&str, Table)> = Vec::new();

    let mut t = Table::new(&["id", "kind", "name"]);
    let mut roles = Table::new(&["party", "title", "of", "from", "to"]);
    for p in &ds.parties {
        t.push(p, &[], &["role"])?;
        for r in &p.roles {
            roles.push(r, &[("party", p.id.clone())], &[])?;
        }
    }
    tables.push(("parties.csv", t));
    tables.push(("party_roles.csv", roles));

    let mut t = Table::new(&["id", "kind", "title", "published"]);
    for s in &ds.sources {
        t.push(s, &[], &[])?;
    }
    tables.push(("sources.csv", t));

    let mut t = Table::new(&["id", "kind", "name", "parties", "signed", "in_force"]);
    let mut sections = Table::new(&["instrument", "id", "number", "title"]);
    let mut commitments = Table::new(&["instrument", "id", "summary", "obligor"]);
    for ins in &ds.instruments {
        let ext = ins
            .external_ids
            .iter()
            .map(|e| format!("{}:{}", e.scheme, e.value))
            .collect::<Vec<_>>()
            .join("; ");
        t.push(
            ins,
            &[
                ("external_ids", ext),
                ("binding", ins.is_binding().to_string()),
            ],
            &["section", "commitment", "external_ids"],
        )?;
        for s in &ins.sections {
            sections.push(s, &[("instrument", ins.id.clone())], &[])?;
        }
        for c in &ins.commitments {
            commitments.push(c, &[("instrument", ins.id.clone())], &[])?;
        }
    }
    tables.push(("instruments.csv", t));
    tables.push(("sections.csv", sections));
    tables.push(("commitments.csv", commitments));

    let mut t = Table::new(&["id", "kind", "name", "parties", "topic"]);
    for x in &ds.tracks {
        t.push(x, &[], &[])?;
    }
    tables.push(("tracks.csv", t));
    let mut t = Table::new(&["id", "name"]);
    for x in &ds.packages {
        t.push(x, &[], &[])?;
    }
    tables.push(("packages.csv", t));
    let mut t = Table::new(&["id", "kind", "from", "to"]);
    for x in &ds.links {
        t.push(x, &[], &[])?;
    }
    tables.push(("links.csv", t));
    let mut t = Table::new(&["id", "kind", "name", "pledgor", "recipient"]);
    for x in &ds.pledges {
        t.push(x, &[], &[])?;
    }
    tables.push(("pledges.csv", t));
    let mut t = Table::new(&[
        "id",
        "about",
        "asserts",
        "value",
        "valid",
        "valid_start",
        "valid_end",
        "known",
        "source",
    ]);
    for c in &ds.claims {
        t.push(
            c,
            &[
                ("valid_start", c.valid.start.to_string()),
                ("valid_end", c.valid.end.to_string()),
            ],
            &[],
        )?;
    }
    tables.push(("claims.csv", t));

    let mut out = Vec::new();
    for (name, t) in tables {
        write(&dir.join(name), &t.to_csv()?)?;
        out.push((name.to_string(), t.rows.len()));
    }
    Ok(out)
}
