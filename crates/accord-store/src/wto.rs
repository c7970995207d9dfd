//! Importer for the WTO Regional Trade Agreements list ("export all RTAs", `AllRTAs.csv`).
//!
//! Each row becomes an [`Instrument`] (kind `treaty`, external id `wto_rta`) with its parties,
//! signature, entry-into-force and inactive dates, and one status claim that keeps the WTO's
//! wording ("In Force", "Inactive", "Early announcement-Under negotiation" …), sourced to the
//! WTO database. The quirks of the file are handled: quoted multi-line fields (the `csv`
//! crate), trailing spaces ("Early announcement-Signed "), the sentinel date `01-Jan-9999`
//! (= no date), blocs among the parties ("European Union", "Southern Common Market
//! (MERCOSUR)"), WTO country names ("Korea, Republic of", "Chinese Taipei"), and early
//! announcements with no signatories (parties taken from the name, "Canada - Singapore").
//!
//! Every row is either imported or reported with its line number and the reason. Rows whose
//! entries fail validation (for example an entry into force before the signature) are
//! reported with the validator's message and left out; the rest go in as one transaction.

use std::collections::{BTreeMap, BTreeSet, HashMap};

use accord_dataset::SourceFile;
use accord_model::codes::{CountryCode, country_alpha2, country_by_name};
use accord_model::date::FuzzyDate;
use accord_model::{
    Asserts, Channel, Claim, DatasetMeta, ExternalId, Instrument, InstrumentKind, Party, PartyKind,
    Source, SourceKind, Status,
};
use jiff::civil::Date;

use crate::files::{meta_file, table_file};
use crate::ops::{OpError, prepare_import};
use crate::{Store, StoreError};

/// The source every imported fact is attributed to.
pub const SOURCE_ID: &str = "wto_rta_db";
/// The date of the export (the workbook's internal timestamps).
const EXPORT_DATE: (i16, i8, i8) = (2026, 2, 25);

/// A row that was not imported.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejected {
    /// The line of the file where the row starts (1-based; the header is line 1).
    pub line: u64,
    pub rta_id: Option<String>,
    pub reason: String,
}

/// What the import did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WtoReport {
    /// Data rows read.
    pub rows: usize,
    /// Agreements imported now.
    pub imported: usize,
    /// Agreements already in the store (same WTO RTA id), left as they are.
    pub already: usize,
    pub new_parties: usize,
    pub claims: usize,
    /// Names that matched no ISO 3166-1 country and were kept as blocs or organisations.
    pub non_country_parties: Vec<String>,
    pub rejected: Vec<Rejected>,
}

const COLUMNS: &[&str] = &[
    "RTA ID",
    "RTA Name",
    "Coverage",
    "Type",
    "Notification",
    "Status",
    "Date of Signature (G)",
    "Date of Signature (S)",
    "Date of Entry into Force (G)",
    "Date of Entry into Force (S)",
    "Inactive Date",
    "Accession?",
    "RTA Composition",
    "Region",
    "Current signatories",
    "Original signatories",
    "Specific Entry/Exit dates",
    "Remarks",
];

/// The WTO's status wording, mapped to accord's canonical statuses through the dataset's
/// synonyms (so claims keep the WTO's words).
const STATUS_SYNONYMS: &[(&str, Status)] = &[
    ("In Force", Status::InForce),
    ("In force for at least one Party", Status::InForce),
    ("Inactive", Status::Discontinued),
    ("Early announcement-Under negotiation", Status::Negotiating),
    ("Early announcement-Signed", Status::Signed),
];

/// WTO names of members and territories whose ISO 3166-1 alpha-2 code a name lookup misses.
const WTO_NAMES: &[(&str, &str)] = &[
    ("Bahrain, Kingdom of", "BH"),
    ("Bolivia, Plurinational State of", "BO"),
    (
        "British Overseas Territory of Saint Helena, Ascension and Tristan da Cunha",
        "SH",
    ),
    ("Cabo Verde", "CV"),
    ("Chinese Taipei", "TW"),
    ("Congo", "CG"),
    ("Czech Republic", "CZ"),
    ("Côte d'Ivoire", "CI"),
    ("Democratic Republic of the Congo", "CD"),
    ("Eswatini", "SZ"),
    ("Falkland Islands (Islas Malvinas)", "FK"),
    ("Faroe Islands", "FO"),
    ("Faeroe Islands", "FO"),
    ("Hong Kong, China", "HK"),
    ("Iran", "IR"),
    ("Korea, Democratic People's Republic of", "KP"),
    ("Korea, Republic of", "KR"),
    ("Kuwait, the State of", "KW"),
    ("Kyrgyz Republic", "KG"),
    ("Lao People's Democratic Republic", "LA"),
    ("Lebanese Republic", "LB"),
    ("Macao, China", "MO"),
    ("Micronesia, Federated States of", "FM"),
    ("Moldova, Republic of", "MD"),
    ("Republic of Moldova", "MD"),
    ("Netherlands, Kingdom of, with respect to Aruba", "AW"),
    ("North Macedonia", "MK"),
    ("Palestine", "PS"),
    ("Russian Federation", "RU"),
    ("Saint Kitts and Nevis", "KN"),
    ("Sao Tomé and Principe", "ST"),
    ("Saudi Arabia, Kingdom of", "SA"),
    ("Slovak Republic", "SK"),
    ("Syrian Arab Republic", "SY"),
    ("Tanzania", "TZ"),
    ("The Gambia", "GM"),
    ("Türkiye", "TR"),
    ("United Kingdom", "GB"),
    ("United States of America", "US"),
    ("US", "US"),
    ("Venezuela, Bolivarian Republic of", "VE"),
    ("Viet Nam", "VN"),
    ("Virgin Islands, British", "VG"),
    ("Wallis and Futuna Islands", "WF"),
    ("Western Sahara", "EH"),
];

/// Short forms used in agreement names for parties whose full WTO name differs.
const NAME_SHORT_FORMS: &[(&str, &str)] = &[
    ("EU", "European Union"),
    ("EC", "European Union"),
    ("EFTA", "European Free Trade Association (EFTA)"),
    ("MERCOSUR", "Southern Common Market (MERCOSUR)"),
    ("SACU", "Southern African Customs Union (SACU)"),
    ("GCC", "Gulf Cooperation Council (GCC)"),
    ("EAEU", "Eurasian Economic Union (EAEU)"),
    ("CACM", "Central American Common Market (CACM)"),
    ("AFTA", "ASEAN Free Trade Area (AFTA)"),
    ("ASEAN", "ASEAN Free Trade Area (AFTA)"),
];

fn export_date() -> Date {
    Date::new(EXPORT_DATE.0, EXPORT_DATE.1, EXPORT_DATE.2).unwrap_or_default()
}

/// A date cell: ISO `YYYY-MM-DD` or `DD-Mon-YYYY`; empty or the `01-Jan-9999` sentinel is none.
fn parse_date(cell: &str) -> Result<Option<Date>, String> {
    let t = cell.trim();
    if t.is_empty() || t == "01-Jan-9999" || t.starts_with("9999-") {
        return Ok(None);
    }
    if let Ok(d) = t.parse::<Date>() {
        return Ok(Some(d));
    }
    // 27-Jun-2014
    let parts: Vec<&str> = t.split('-').collect();
    if let [d, m, y] = parts.as_slice() {
        const MONTHS: [&str; 12] = [
            "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
        ];
        let mi = MONTHS
            .iter()
            .position(|x| x.eq_ignore_ascii_case(m))
            .map(|i| i as i8 + 1);
        if let (Ok(d), Some(mi), Ok(y)) = (d.parse::<i8>(), mi, y.parse::<i16>())
            && y != 9999
        {
            if let Ok(date) = Date::new(y, mi, d) {
                return Ok(Some(date));
            }
        } else if y.trim() == "9999" {
            return Ok(None);
        }
    }
    Err(format!("`{t}` is not a date"))
}

fn earliest(a: Option<Date>, b: Option<Date>) -> Option<Date> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}

/// A lowercase id segment made from a name: `[a-z][a-z0-9_]*`.
fn slug(name: &str) -> String {
    let mut s = String::new();
    for c in name.chars() {
        let c = match c {
            'à'..='å' | 'À'..='Å' => 'a',
            'ç' | 'Ç' => 'c',
            'è'..='ë' | 'É' => 'e',
            'ì'..='ï' => 'i',
            'ò'..='ö' | 'Ö' => 'o',
            'ù'..='ü' | 'Ü' => 'u',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            s.push(c.to_ascii_lowercase());
        } else if !s.ends_with('_') && !s.is_empty() {
            s.push('_');
        }
    }
    let s = s.trim_end_matches('_').to_string();
    let s = if s.len() > 40 {
        s[..40].trim_end_matches('_').to_string()
    } else {
        s
    };
    if s.starts_with(|c: char| c.is_ascii_lowercase()) {
        s
    } else {
        format!("p_{s}")
    }
}

/// The acronym in parentheses at the end of a name: "Southern Common Market (MERCOSUR)".
fn acronym(name: &str) -> Option<&str> {
    let open = name.rfind('(')?;
    let inner = name[open + 1..].strip_suffix(')')?;
    (inner.len() >= 2 && inner.chars().all(|c| c.is_ascii_uppercase() || c == '-')).then_some(inner)
}

fn looks_like_bloc(name: &str) -> bool {
    acronym(name).is_some()
        || [
            "Union",
            "Community",
            "Association",
            "Market",
            "Council",
            "Free Trade Area",
            "Cooperation",
            "Customs",
        ]
        .iter()
        .any(|w| name.contains(w))
}

fn country_code(name: &str) -> Option<CountryCode> {
    let n = name.trim();
    if let Some((_, a2)) = WTO_NAMES.iter().find(|(w, _)| *w == n) {
        return country_alpha2(a2);
    }
    // The name table matches names written without spaces or punctuation ("newzealand").
    let squash = |s: &str| -> String {
        s.chars()
            .filter(|c| c.is_alphanumeric())
            .flat_map(char::to_lowercase)
            .collect()
    };
    let by_name = |s: &str| country_by_name(s).or_else(|| country_by_name(&squash(s)));
    by_name(n).or_else(|| {
        // "X, Kingdom of" → "X"
        n.split_once(',').and_then(|(head, _)| by_name(head))
    })
}

/// Resolves party names to ids, reusing the store's parties and making new ones as needed.
struct Parties {
    /// Existing and new parties: id → party.
    by_id: BTreeMap<String, Party>,
    /// Normalised name or alias → id.
    by_name: HashMap<String, String>,
    /// ISO alpha-2 → id.
    by_iso2: HashMap<String, String>,
    /// Every id in use in the store (any kind), to keep new ids unique.
    taken: BTreeSet<String>,
    new: Vec<String>,
    non_country: BTreeSet<String>,
}

fn norm(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Parties {
    fn new(existing: &[Party], taken: BTreeSet<String>) -> Self {
        let mut p = Parties {
            by_id: BTreeMap::new(),
            by_name: HashMap::new(),
            by_iso2: HashMap::new(),
            taken,
            new: vec![],
            non_country: BTreeSet::new(),
        };
        for x in existing {
            p.index(x);
        }
        p
    }

    fn index(&mut self, x: &Party) {
        self.by_name.entry(norm(&x.name)).or_insert(x.id.clone());
        for a in &x.aliases {
            self.by_name.entry(norm(a)).or_insert(x.id.clone());
        }
        if let Some(c) = &x.iso2 {
            self.by_iso2.entry(c.clone()).or_insert(x.id.clone());
        }
        self.by_id.insert(x.id.clone(), x.clone());
    }

    fn fresh_id(&mut self, base: &str) -> String {
        let mut id = base.to_string();
        let mut n = 2;
        while self.taken.contains(&id) {
            id = format!("{base}_{n}");
            n += 1;
        }
        self.taken.insert(id.clone());
        id
    }

    fn resolve(&mut self, raw: &str) -> String {
        let name = raw.split_whitespace().collect::<Vec<_>>().join(" ");
        let name = NAME_SHORT_FORMS
            .iter()
            .find(|(s, _)| *s == name)
            .map(|(_, full)| full.to_string())
            .unwrap_or(name);
        if let Some(id) = self.by_name.get(&norm(&name)) {
            return id.clone();
        }
        let party = match country_code(&name) {
            Some(c) => {
                if let Some(id) = self.by_iso2.get(&c.alpha2).cloned() {
                    self.by_name.insert(norm(&name), id.clone());
                    return id;
                }
                let id = self.fresh_id(&c.alpha3.to_lowercase());
                Party {
                    id,
                    kind: PartyKind::Country,
                    name: name.clone(),
                    aliases: if c.name != name {
                        vec![c.name.clone()]
                    } else {
                        vec![]
                    },
                    iso2: Some(c.alpha2.clone()),
                    iso3: Some(c.alpha3.clone()),
                    m49: Some(c.numeric),
                    members: vec![],
                    country: None,
                    roles: vec![],
                    wikidata: None,
                    lei: None,
                    note: None,
                }
            }
            None => {
                self.non_country.insert(name.clone());
                let bloc = looks_like_bloc(&name);
                let base = acronym(&name)
                    .map(|a| a.to_lowercase().replace('-', "_"))
                    .unwrap_or_else(|| slug(&name));
                let id = self.fresh_id(&base);
                Party {
                    id,
                    kind: if bloc {
                        PartyKind::Bloc
                    } else {
                        PartyKind::Organisation
                    },
                    name: name.clone(),
                    aliases: acronym(&name).map(|a| vec![a.to_string()]).unwrap_or_default(),
                    iso2: None,
                    iso3: None,
                    m49: None,
                    members: vec![],
                    country: None,
                    roles: vec![],
                    wikidata: None,
                    lei: None,
                    note: (!bloc).then(|| {
                        "a party to WTO agreements without a current ISO 3166-1 code (a former state or a separate customs territory)".to_string()
                    }),
                }
            }
        };
        let id = party.id.clone();
        self.index(&party);
        self.new.push(id.clone());
        id
    }
}

/// One row read from the file, before validation.
struct Row {
    line: u64,
    rta_id: String,
    instrument: Instrument,
    claim: Claim,
}

/// 1-based line numbers of byte offsets, for offsets visited in increasing order.
struct LineCounter<'t> {
    text: &'t [u8],
    at: usize,
    line: u64,
}

impl<'t> LineCounter<'t> {
    fn new(text: &'t str) -> Self {
        LineCounter {
            text: text.as_bytes(),
            at: 0,
            line: 1,
        }
    }

    /// The line a record starting at `byte` begins on (line ends before it are skipped).
    fn line_at(&mut self, byte: u64) -> u64 {
        let mut b = usize::try_from(byte)
            .unwrap_or(usize::MAX)
            .min(self.text.len());
        while matches!(self.text.get(b), Some(b'\r' | b'\n')) {
            b += 1;
        }
        if b < self.at {
            self.at = 0;
            self.line = 1;
        }
        let seen = self.text.get(self.at..b).unwrap_or(&[]);
        self.line += seen.iter().filter(|c| **c == b'\n').count() as u64;
        self.at = b;
        self.line
    }
}

fn field<'r>(rec: &'r csv::StringRecord, cols: &HashMap<&str, usize>, name: &str) -> &'r str {
    cols.get(name)
        .and_then(|i| rec.get(*i))
        .unwrap_or("")
        .trim()
}

/// Reads the rows; returns those that could be mapped and the rejected ones.
fn read_rows(
    text: &str,
    parties: &mut Parties,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<(Vec<Row>, Vec<Rejected>, usize), OpError> {
    let mut rdr = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let headers = rdr
        .headers()
        .map_err(|e| OpError::Input(format!("could not read the header line: {e}")))?
        .clone();
    let cols: HashMap<&str, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.trim(), i))
        .collect();
    let missing: Vec<&str> = COLUMNS
        .iter()
        .copied()
        .filter(|c| !cols.contains_key(c))
        .collect();
    if !missing.is_empty() {
        return Err(OpError::Input(format!(
            "this is not the WTO RTA list (\"export all RTAs\"): its header has no column {}",
            missing
                .iter()
                .map(|c| format!("`{c}`"))
                .collect::<Vec<_>>()
                .join(", ")
        )));
    }
    let total = text.lines().count();
    let known = export_date();
    let mut rows = Vec::new();
    let mut rejected = Vec::new();
    let mut seen: HashMap<String, u64> = HashMap::new();
    let mut count = 0;
    // Line numbers counted from byte offsets: the reader's own count is one short after a
    // CRLF line end (the file's records end in CRLF, its multi-line fields in LF).
    let mut lines = LineCounter::new(text);
    for (i, rec) in rdr.records().enumerate() {
        let rec = match rec {
            Ok(r) => r,
            Err(e) => {
                let line = e.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
                rejected.push(Rejected {
                    line,
                    rta_id: None,
                    reason: format!("the row cannot be read as CSV: {e}"),
                });
                continue;
            }
        };
        count += 1;
        let line = rec.position().map(|p| lines.line_at(p.byte())).unwrap_or(0);
        if i % 50 == 0 {
            progress(line as usize, total);
        }
        let mut reject = |rta: Option<&str>, reason: String| {
            rejected.push(Rejected {
                line,
                rta_id: rta.map(str::to_string),
                reason,
            })
        };
        if rec.len() != headers.len() {
            reject(
                None,
                format!(
                    "the row has {} fields, and the header {}",
                    rec.len(),
                    headers.len()
                ),
            );
            continue;
        }
        let rta = field(&rec, &cols, "RTA ID");
        if rta.is_empty() || !rta.bytes().all(|b| b.is_ascii_digit()) {
            reject(None, format!("`RTA ID` is `{rta}`, not a number"));
            continue;
        }
        if let Some(first) = seen.get(rta) {
            reject(
                Some(rta),
                format!("RTA ID {rta} appears twice (first on line {first})"),
            );
            continue;
        }
        seen.insert(rta.to_string(), line);
        let name = field(&rec, &cols, "RTA Name").to_string();
        if name.is_empty() {
            reject(Some(rta), "the agreement has no name".into());
            continue;
        }
        let status = field(&rec, &cols, "Status").to_string();
        let Some((_, canonical)) = STATUS_SYNONYMS
            .iter()
            .find(|(w, _)| w.eq_ignore_ascii_case(&status))
        else {
            reject(
                Some(rta),
                format!(
                    "unknown status `{status}`; known: {}",
                    STATUS_SYNONYMS
                        .iter()
                        .map(|(w, _)| format!("`{w}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            );
            continue;
        };
        let mut dates = BTreeMap::new();
        let mut bad = None;
        for c in [
            "Date of Signature (G)",
            "Date of Signature (S)",
            "Date of Entry into Force (G)",
            "Date of Entry into Force (S)",
            "Inactive Date",
        ] {
            match parse_date(field(&rec, &cols, c)) {
                Ok(d) => {
                    dates.insert(c, d);
                }
                Err(e) => {
                    bad = Some(format!("`{c}`: {e}"));
                    break;
                }
            }
        }
        if let Some(b) = bad {
            reject(Some(rta), b);
            continue;
        }
        let d = |c: &str| dates.get(c).copied().flatten();
        let signed = earliest(d("Date of Signature (G)"), d("Date of Signature (S)"));
        let in_force = earliest(
            d("Date of Entry into Force (G)"),
            d("Date of Entry into Force (S)"),
        );
        let inactive = d("Inactive Date");
        // Parties: current signatories, else original ones, else the names in the title.
        let split = |s: &str| -> Vec<String> {
            s.split(';')
                .map(|x| x.trim().to_string())
                .filter(|x| !x.is_empty())
                .collect()
        };
        let mut names = split(field(&rec, &cols, "Current signatories"));
        if names.is_empty() {
            names = split(field(&rec, &cols, "Original signatories"));
        }
        let mut from_title = false;
        if names.is_empty() {
            let parts: Vec<String> = name
                .split(" - ")
                .flat_map(|p| p.split(" – "))
                .flat_map(|p| p.split(" / "))
                .map(|p| p.trim().to_string())
                .filter(|p| !p.is_empty())
                .collect();
            if parts.len() >= 2 {
                names = parts
                    .into_iter()
                    .map(|p| {
                        let mut p = p;
                        for tail in [" EPA", " TTIP", " Deep and Comprehensive Free Trade Area"] {
                            if let Some(s) = p.strip_suffix(tail) {
                                p = s.trim().to_string();
                            }
                        }
                        p
                    })
                    .collect();
                from_title = true;
            }
        }
        if names.is_empty() {
            reject(
                Some(rta),
                format!(
                    "no parties: the row lists no signatories, and its name `{name}` does not name them (`A - B`)"
                ),
            );
            continue;
        }
        let mut ids: Vec<String> = Vec::new();
        for n in &names {
            let id = parties.resolve(n);
            if !ids.contains(&id) {
                ids.push(id);
            }
        }
        let mut note = Vec::new();
        for (label, col) in [
            ("coverage", "Coverage"),
            ("type", "Type"),
            ("notification", "Notification"),
            ("composition", "RTA Composition"),
            ("region", "Region"),
            ("accession", "Accession?"),
            ("specific entry/exit dates", "Specific Entry/Exit dates"),
        ] {
            let v = field(&rec, &cols, col);
            if !v.is_empty() {
                note.push(format!("{label}: {v}"));
            }
        }
        if from_title {
            note.push("parties taken from the agreement's name (no signatories listed)".into());
        }
        let original = field(&rec, &cols, "Original signatories");
        if !original.is_empty() && original != field(&rec, &cols, "Current signatories") {
            note.push(format!("original signatories: {original}"));
        }
        let remarks = field(&rec, &cols, "Remarks");
        if !remarks.is_empty() {
            note.push(format!("remarks: {remarks}"));
        }
        let id = format!("wto_rta_{rta}");
        let instrument = Instrument {
            id: id.clone(),
            kind: InstrumentKind::Treaty,
            name: name.clone(),
            aliases: vec![],
            binding: None,
            parties: ids,
            parent: None,
            announced: None,
            signed,
            in_force,
            discontinued: inactive,
            activation: None,
            discontinuation: None,
            sections: vec![],
            commitments: vec![],
            external_ids: vec![ExternalId {
                scheme: "wto_rta".into(),
                value: rta.to_string(),
            }],
            sources: vec![SOURCE_ID.into()],
            note: Some(format!("WTO RTA {rta}; {}", note.join("; "))),
        };
        // When the status began, if the row says; else as of the export.
        let began = match canonical {
            Status::InForce => in_force,
            Status::Discontinued => inactive,
            Status::Signed => signed,
            _ => None,
        }
        .unwrap_or(known);
        let claim = Claim {
            id: format!("{id}_status"),
            about: id,
            asserts: Asserts::Status,
            value: Some(status.clone()),
            by: None,
            valid: FuzzyDate::day(began),
            known,
            source: SOURCE_ID.into(),
            speaker: None,
            role: None,
            side: None,
            channel: Channel::Document,
            quote: None,
            confidence: 1.0,
            retracts: None,
            supersedes: None,
            reason: None,
            note: None,
        };
        rows.push(Row {
            line,
            rta_id: rta.to_string(),
            instrument,
            claim,
        });
    }
    progress(total, total);
    Ok((rows, rejected, count))
}

fn row_file(r: &Row) -> Result<SourceFile, StoreError> {
    let mut text = table_file("x", "instrument", std::slice::from_ref(&r.instrument))?
        .map(|f| f.text)
        .unwrap_or_default();
    text.push('\n');
    text.push_str(
        &table_file("x", "claim", std::slice::from_ref(&r.claim))?
            .map(|f| f.text)
            .unwrap_or_default(),
    );
    Ok(SourceFile {
        path: format!("line-{}.toml", r.line),
        text,
    })
}

/// Imports the WTO RTA list (`text`, read from `label`) into the store. Rows already in the
/// store (by WTO RTA id) are left alone, so importing the same file twice changes nothing.
pub fn import(
    store: &mut dyn Store,
    text: &str,
    label: &str,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<WtoReport, OpError> {
    for _ in 0..20 {
        let snap = store.snapshot(false)?;
        let ds = snap.to_dataset()?;
        let taken: BTreeSet<String> = snap.defs.iter().map(|d| d.id.clone()).collect();
        let present: BTreeSet<String> = ds
            .instruments
            .iter()
            .flat_map(|i| &i.external_ids)
            .filter(|e| e.scheme == "wto_rta")
            .map(|e| e.value.clone())
            .collect();
        let mut parties = Parties::new(&ds.parties, taken);
        let (rows, mut rejected, count) = read_rows(text, &mut parties, progress)?;
        let (already, mut rows): (Vec<Row>, Vec<Row>) =
            rows.into_iter().partition(|r| present.contains(&r.rta_id));
        // Settings: the WTO's status wording as synonyms (merged into existing settings).
        let meta = DatasetMeta {
            name: "wto-rta".into(),
            title: Some("WTO Regional Trade Agreements".into()),
            synonyms: STATUS_SYNONYMS
                .iter()
                .map(|(w, s)| (w.to_string(), *s))
                .collect(),
            ..DatasetMeta::default()
        };
        let mut common = vec![meta_file(&meta)?];
        if !snap.defs.iter().any(|d| d.id == SOURCE_ID) {
            let src = Source {
                id: SOURCE_ID.into(),
                kind: SourceKind::Official,
                outlet: None,
                title: "WTO Regional Trade Agreements database: export of all RTAs".into(),
                url: Some("https://rtais.wto.org/UI/PublicMaintainRTAHome.aspx".into()),
                published: export_date(),
                note: Some(format!("imported from `{label}`")),
            };
            common.extend(table_file("wto-source.toml", "source", &[src])?);
        }
        let new_parties: Vec<Party> = parties
            .new
            .iter()
            .filter_map(|id| parties.by_id.get(id).cloned())
            .collect();
        // Validate; leave out the rows the validator finds wrong, then validate again.
        let prepared = loop {
            let mut files = common.clone();
            // Only the parties the remaining rows use.
            let used: BTreeSet<&str> = rows
                .iter()
                .flat_map(|r| r.instrument.parties.iter().map(String::as_str))
                .collect();
            let ps: Vec<Party> = new_parties
                .iter()
                .filter(|p| used.contains(p.id.as_str()))
                .cloned()
                .collect();
            files.extend(table_file("wto-parties.toml", "party", &ps)?);
            for r in &rows {
                files.push(row_file(r)?);
            }
            let p = prepare_import(store, &files, label)?;
            if !p.loaded.has_errors() {
                break p;
            }
            let mut bad: BTreeMap<u64, String> = BTreeMap::new();
            let mut other = Vec::new();
            for d in p
                .loaded
                .diagnostics
                .iter()
                .filter(|d| d.severity == accord_dataset::Severity::Error)
            {
                let line = d
                    .file
                    .rsplit('/')
                    .next()
                    .and_then(|f| f.strip_prefix("line-"))
                    .and_then(|f| f.strip_suffix(".toml"))
                    .and_then(|n| n.parse::<u64>().ok());
                match line {
                    Some(l) => {
                        bad.entry(l).or_insert_with(|| match &d.help {
                            Some(h) => format!("{} ({h})", d.message),
                            None => d.message.clone(),
                        });
                    }
                    None => other.push(d.clone()),
                }
            }
            if !other.is_empty() || bad.is_empty() {
                return Err(OpError::Invalid(crate::ops::Problems {
                    rendered: p.loaded.render_diagnostics(),
                    errors: p.loaded.error_count(),
                    warnings: p.loaded.warning_count(),
                    json: p.loaded.diagnostics_json(),
                }));
            }
            rows.retain(|r| match bad.get(&r.line) {
                Some(reason) => {
                    rejected.push(Rejected {
                        line: r.line,
                        rta_id: Some(r.rta_id.clone()),
                        reason: reason.clone(),
                    });
                    false
                }
                None => true,
            });
        };
        rejected.sort_by_key(|r| r.line);
        let mut report = WtoReport {
            rows: count,
            imported: rows.len(),
            already: already.len(),
            new_parties: prepared.outcome.defs.get("party").copied().unwrap_or(0),
            claims: prepared.outcome.claims,
            non_country_parties: parties.non_country.iter().cloned().collect(),
            rejected,
        };
        if prepared.batch.defs.is_empty() && prepared.batch.claims.is_empty() {
            report.imported = 0;
            return Ok(report);
        }
        match store.apply(&prepared.batch) {
            Ok(_) => return Ok(report),
            Err(StoreError::Stale) => continue,
            Err(e) => return Err(e.into()),
        }
    }
    Err(StoreError::Stale.into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_and_sentinel() {
        assert_eq!(parse_date(""), Ok(None));
        assert_eq!(parse_date("01-Jan-9999"), Ok(None));
        assert_eq!(parse_date("9999-01-01"), Ok(None));
        assert_eq!(
            parse_date("2014-06-27 ").map(|d| d.map(|d| d.to_string())),
            Ok(Some("2014-06-27".into()))
        );
        assert_eq!(
            parse_date("27-Jun-2014").map(|d| d.map(|d| d.to_string())),
            Ok(Some("2014-06-27".into()))
        );
        assert!(parse_date("soon").is_err());
    }

    #[test]
    fn names() {
        assert_eq!(
            acronym("Southern Common Market (MERCOSUR)"),
            Some("MERCOSUR")
        );
        assert_eq!(acronym("Falkland Islands (Islas Malvinas)"), None);
        assert_eq!(
            slug("Kosovo (under UNSC res. 1244)"),
            "kosovo_under_unsc_res_1244"
        );
        for n in [
            "Korea, Republic of",
            "Chinese Taipei",
            "Türkiye",
            "United States of America",
            "Hong Kong, China",
            "Bahrain, Kingdom of",
            "New Zealand",
            "Bosnia and Herzegovina",
            "United Arab Emirates",
        ] {
            assert!(country_code(n).is_some(), "{n}");
        }
        assert!(country_code("European Union").is_none());
    }
}
