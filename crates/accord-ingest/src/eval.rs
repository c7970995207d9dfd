//! Scoring the extractor against human attribution labels in brat standoff format (as in
//! the PolNeAR corpus): `T` lines are spans typed `Source`, `Cue` or `Content` (possibly
//! discontinuous, `s e;s e`), with character offsets into the article text.
//!
//! Three measures per role, each as precision and recall:
//! - **exact**: a predicted span equals a gold span of the same role, after trimming
//!   spaces, quote marks and final punctuation at both ends;
//! - **overlap**: a predicted span shares at least one character with a gold span;
//! - **chars**: over characters (not spaces) labelled with the role.

use std::collections::HashSet;

use crate::{Proposal, ProposalKind};

/// A labelled role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Role {
    Source,
    Cue,
    Content,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Source, Role::Cue, Role::Content];
    pub fn name(self) -> &'static str {
        match self {
            Role::Source => "source",
            Role::Cue => "cue",
            Role::Content => "content",
        }
    }
}

/// A span with its role: character ranges (several for a discontinuous span).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Labelled {
    pub role: Role,
    pub ranges: Vec<(usize, usize)>,
}

/// Reads the `Source`, `Cue` and `Content` spans of a brat `.ann` file.
pub fn parse_ann(ann: &str) -> Vec<Labelled> {
    let mut out = Vec::new();
    for line in ann.lines() {
        let mut parts = line.split('\t');
        let (Some(id), Some(def)) = (parts.next(), parts.next()) else {
            continue;
        };
        if !id.starts_with('T') {
            continue;
        }
        let Some((typ, rest)) = def.split_once(' ') else {
            continue;
        };
        let role = match typ {
            "Source" => Role::Source,
            "Cue" => Role::Cue,
            "Content" => Role::Content,
            _ => continue,
        };
        let ranges: Vec<(usize, usize)> = rest
            .split(';')
            .filter_map(|seg| {
                let mut n = seg.split_whitespace().map(|x| x.parse::<usize>().ok());
                Some((n.next()??, n.next()??))
            })
            .collect();
        if !ranges.is_empty() {
            out.push(Labelled { role, ranges });
        }
    }
    out
}

/// The labelled spans the extractor predicts for a document.
pub fn predicted(proposals: &[Proposal]) -> Vec<Labelled> {
    let mut out = Vec::new();
    for p in proposals {
        out.push(Labelled {
            role: Role::Cue,
            ranges: vec![(p.cue.start, p.cue.end)],
        });
        if let Some(s) = &p.speaker
            && s.span.start < s.span.end
            && s.text == s.span.text
        {
            out.push(Labelled {
                role: Role::Source,
                ranges: vec![(s.span.start, s.span.end)],
            });
        }
        let content = if p.kind == ProposalKind::Direct && p.quote_parts.len() > 1 {
            p.quote_parts.iter().map(|q| (q.start, q.end)).collect()
        } else {
            vec![(p.content.start, p.content.end)]
        };
        out.push(Labelled {
            role: Role::Content,
            ranges: content,
        });
    }
    out
}

/// Counts for one role.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub gold: usize,
    pub pred: usize,
    pub exact_tp_pred: usize,
    pub exact_tp_gold: usize,
    pub overlap_tp_pred: usize,
    pub overlap_tp_gold: usize,
    pub gold_chars: usize,
    pub pred_chars: usize,
    pub both_chars: usize,
}

impl Counts {
    pub fn add(&mut self, o: &Counts) {
        self.gold += o.gold;
        self.pred += o.pred;
        self.exact_tp_pred += o.exact_tp_pred;
        self.exact_tp_gold += o.exact_tp_gold;
        self.overlap_tp_pred += o.overlap_tp_pred;
        self.overlap_tp_gold += o.overlap_tp_gold;
        self.gold_chars += o.gold_chars;
        self.pred_chars += o.pred_chars;
        self.both_chars += o.both_chars;
    }

    fn ratio(a: usize, b: usize) -> f64 {
        if b == 0 { 0.0 } else { a as f64 / b as f64 }
    }

    /// (precision, recall) for exact spans.
    pub fn exact(&self) -> (f64, f64) {
        (
            Self::ratio(self.exact_tp_pred, self.pred),
            Self::ratio(self.exact_tp_gold, self.gold),
        )
    }
    /// (precision, recall) for overlapping spans.
    pub fn overlap(&self) -> (f64, f64) {
        (
            Self::ratio(self.overlap_tp_pred, self.pred),
            Self::ratio(self.overlap_tp_gold, self.gold),
        )
    }
    /// (precision, recall) over characters.
    pub fn chars(&self) -> (f64, f64) {
        (
            Self::ratio(self.both_chars, self.pred_chars),
            Self::ratio(self.both_chars, self.gold_chars),
        )
    }
}

fn trimmed(text: &[char], (s, e): (usize, usize)) -> (usize, usize) {
    let strip = |c: char| {
        c.is_whitespace()
            || matches!(
                c,
                '"' | '“' | '”' | '\'' | '‘' | '’' | '.' | ',' | ';' | ':' | '?' | '!'
            )
    };
    let (mut s, mut e) = (s.min(text.len()), e.min(text.len()));
    while s < e && strip(text[s]) {
        s += 1;
    }
    while e > s && strip(text[e - 1]) {
        e -= 1;
    }
    (s, e)
}

fn chars_of(text: &[char], l: &Labelled) -> HashSet<usize> {
    l.ranges
        .iter()
        .flat_map(|&(s, e)| s.min(text.len())..e.min(text.len()))
        .filter(|&i| !text[i].is_whitespace())
        .collect()
}

/// Scores predictions against gold labels for one document, per role.
pub fn score(text: &str, gold: &[Labelled], pred: &[Labelled]) -> [Counts; 3] {
    let chars: Vec<char> = text.chars().collect();
    let mut out = [Counts::default(); 3];
    for (ri, role) in Role::ALL.iter().enumerate() {
        let g: Vec<&Labelled> = gold.iter().filter(|l| l.role == *role).collect();
        let p: Vec<&Labelled> = pred.iter().filter(|l| l.role == *role).collect();
        let key = |l: &Labelled| -> Vec<(usize, usize)> {
            l.ranges
                .iter()
                .map(|r| trimmed(&chars, *r))
                .filter(|(s, e)| s < e)
                .collect()
        };
        let gk: Vec<Vec<(usize, usize)>> = g.iter().map(|l| key(l)).collect();
        let pk: Vec<Vec<(usize, usize)>> = p.iter().map(|l| key(l)).collect();
        let gc: Vec<HashSet<usize>> = g.iter().map(|l| chars_of(&chars, l)).collect();
        let pc: Vec<HashSet<usize>> = p.iter().map(|l| chars_of(&chars, l)).collect();
        let c = &mut out[ri];
        c.gold = g.len();
        c.pred = p.len();
        c.exact_tp_pred = pk.iter().filter(|k| gk.contains(k)).count();
        c.exact_tp_gold = gk.iter().filter(|k| pk.contains(k)).count();
        c.overlap_tp_pred = pc
            .iter()
            .filter(|x| gc.iter().any(|y| !x.is_disjoint(y)))
            .count();
        c.overlap_tp_gold = gc
            .iter()
            .filter(|y| pc.iter().any(|x| !x.is_disjoint(y)))
            .count();
        let ga: HashSet<usize> = gc.iter().flatten().copied().collect();
        let pa: HashSet<usize> = pc.iter().flatten().copied().collect();
        c.gold_chars = ga.len();
        c.pred_chars = pa.len();
        c.both_chars = ga.intersection(&pa).count();
    }
    out
}

/// A labelled attribution: its cue (with the cue's words) and, when labelled, its source
/// and content.
#[derive(Debug, Clone)]
pub struct GoldAttribution {
    pub cue_words: String,
    pub cue: Labelled,
    pub source: Option<Labelled>,
    pub content: Option<Labelled>,
}

/// Reads the attributions (`E` lines tying `Cue`, `Source` and `Content` spans) of a brat file.
pub fn parse_attributions(ann: &str) -> Vec<GoldAttribution> {
    let mut spans: std::collections::HashMap<&str, (Labelled, &str)> =
        std::collections::HashMap::new();
    for line in ann.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() >= 3
            && f[0].starts_with('T')
            && let Some(l) = parse_ann(line).into_iter().next()
        {
            spans.insert(f[0], (l, f[2]));
        }
    }
    let mut out = Vec::new();
    for line in ann.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 2 || !f[0].starts_with('E') {
            continue;
        }
        let mut cue = None;
        let mut source = None;
        let mut content = None;
        for part in f[1].split_whitespace() {
            let Some((k, id)) = part.split_once(':') else {
                continue;
            };
            let Some((l, words)) = spans.get(id) else {
                continue;
            };
            match k {
                "Cue" => cue = Some((l.clone(), words.to_string())),
                "Source" => source = Some(l.clone()),
                "Content" => content = Some(l.clone()),
                _ => {}
            }
        }
        if let Some((cue, cue_words)) = cue {
            out.push(GoldAttribution {
                cue_words,
                cue,
                source,
                content,
            });
        }
    }
    out
}

/// Whether a labelled cue is a plain speech cue ("said", "told", "according to", "wrote" …),
/// the kind of attribution claims come from.
pub fn is_speech_cue(words: &str) -> bool {
    const CUES: &[&str] = &[
        "said",
        "says",
        "say",
        "saying",
        "told",
        "tells",
        "telling",
        "according to",
        "added",
        "adds",
        "adding",
        "wrote",
        "writes",
        "tweeted",
        "stated",
        "explained",
        "noted",
        "argued",
        "insisted",
        "warned",
        "claimed",
        "said in a statement",
    ];
    let w = words.to_lowercase();
    let w = ["has ", "have ", "had ", "also ", "later "]
        .iter()
        .fold(w.as_str(), |acc, p| acc.strip_prefix(p).unwrap_or(acc))
        .to_string();
    CUES.contains(&w.as_str())
}

/// Recall (overlap) on the speech-cue attributions: (count, cue, source, content) hits.
pub fn speech_recall(text: &str, gold: &[GoldAttribution], pred: &[Labelled]) -> [usize; 4] {
    let chars: Vec<char> = text.chars().collect();
    let hit = |l: &Labelled, role: Role| {
        let g = chars_of(&chars, l);
        pred.iter()
            .filter(|p| p.role == role)
            .any(|p| !chars_of(&chars, p).is_disjoint(&g))
    };
    let mut out = [0; 4];
    for a in gold.iter().filter(|a| is_speech_cue(&a.cue_words)) {
        out[0] += 1;
        out[1] += usize::from(hit(&a.cue, Role::Cue));
        out[2] += usize::from(a.source.as_ref().is_some_and(|s| hit(s, Role::Source)));
        out[3] += usize::from(a.content.as_ref().is_some_and(|c| hit(c, Role::Content)));
    }
    out
}

/// The harmonic mean of precision and recall.
pub fn f1((p, r): (f64, f64)) -> f64 {
    if p + r == 0.0 {
        0.0
    } else {
        2.0 * p * r / (p + r)
    }
}

/// A table of the three measures per role, for people: strict (exact span) and overlap
/// precision, recall and F1, and character precision and recall.
pub fn report(totals: &[Counts; 3]) -> String {
    let mut s = String::from(
        "role     |  gold |  pred | strict P  R    F1   | overlap P  R    F1   | chars P  R\n",
    );
    for (ri, role) in Role::ALL.iter().enumerate() {
        let c = &totals[ri];
        let (ep, er) = c.exact();
        let (op, or) = c.overlap();
        let (cp, cr) = c.chars();
        s.push_str(&format!(
            "{:<8} | {:>5} | {:>5} | {:.2}  {:.2}  {:.2}      | {:.2}  {:.2}  {:.2}      | {:.2}  {:.2}\n",
            role.name(),
            c.gold,
            c.pred,
            ep,
            er,
            f1((ep, er)),
            op,
            or,
            f1((op, or)),
            cp,
            cr
        ));
    }
    s
}

/// One labelled article of a brat corpus laid out as PolNeAR is (`text/NAME.txt`,
/// `attributions/NAME_ANNOTATOR.ann`, `metadata.tsv`).
#[derive(Debug, Clone)]
pub struct Article {
    pub name: String,
    pub text: String,
    /// The first annotator's labels (brat standoff).
    pub ann: String,
    pub published: Option<jiff::civil::Date>,
}

/// Reads the articles of a corpus directory, each with its first annotator's file, in name
/// order (at most `limit`). Missing or unreadable files are skipped.
pub fn load_corpus(dir: &std::path::Path, limit: usize) -> Vec<Article> {
    let mut dates = std::collections::HashMap::new();
    if let Ok(meta) = std::fs::read_to_string(dir.join("metadata.tsv")) {
        for line in meta.lines().skip(1) {
            let f: Vec<&str> = line.split('\t').collect();
            if f.len() > 5 {
                dates.insert(f[1].to_string(), f[5].to_string());
            }
        }
    }
    let mut anns: Vec<std::path::PathBuf> = std::fs::read_dir(dir.join("attributions"))
        .map(|r| r.filter_map(|e| e.ok().map(|e| e.path())).collect())
        .unwrap_or_default();
    anns.sort();
    let mut seen = HashSet::new();
    let mut out = Vec::new();
    for ann in anns {
        if out.len() >= limit {
            break;
        }
        let Some(stem) = ann.file_stem().and_then(|s| s.to_str()) else {
            continue;
        };
        let Some((article, _annotator)) = stem.rsplit_once('_') else {
            continue;
        };
        if !seen.insert(article.to_string()) {
            continue;
        }
        let Ok(text) = std::fs::read_to_string(dir.join("text").join(format!("{article}.txt")))
        else {
            continue;
        };
        let Ok(ann) = std::fs::read_to_string(&ann) else {
            continue;
        };
        let published = dates
            .get(article)
            .map(String::as_str)
            .or_else(|| article.split('_').nth(1))
            .and_then(|d| d.parse().ok());
        out.push(Article {
            name: article.to_string(),
            text,
            ann,
            published,
        });
    }
    out
}

/// The held-out fifth of a corpus: articles whose name hashes (FNV-1a, 64 bit) to 0 modulo
/// 5. Stable across runs and machines, independent of the order files are read in.
pub fn held_out(name: &str) -> bool {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in name.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h.is_multiple_of(5)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_brat_and_scores() {
        let ann = "T1\tSource 0 3\tBob\nT2\tCue 4 8\tsaid\nT3\tContent 9 14;20 22\thello yo\nE1\tAttribution:T4 Source:T1\n";
        let gold = parse_ann(ann);
        assert_eq!(gold.len(), 3);
        assert_eq!(gold[2].ranges, vec![(9, 14), (20, 22)]);
        let text = "Bob said hello there yo.";
        let pred = vec![
            Labelled {
                role: Role::Source,
                ranges: vec![(0, 3)],
            },
            Labelled {
                role: Role::Cue,
                ranges: vec![(4, 9)],
            },
            Labelled {
                role: Role::Content,
                ranges: vec![(9, 14)],
            },
        ];
        let s = score(text, &gold, &pred);
        assert_eq!(s[0].exact(), (1.0, 1.0));
        assert_eq!(s[1].exact(), (1.0, 1.0), "trailing space is trimmed");
        assert_eq!(s[2].exact(), (0.0, 0.0));
        assert_eq!(s[2].overlap(), (1.0, 1.0));
    }
}
