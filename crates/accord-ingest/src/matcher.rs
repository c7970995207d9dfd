//! Finding the dataset's items and parties in text, through their names and aliases.

use std::collections::HashMap;

use accord_model::{Dataset, Id, InstrumentKind, ItemKind, PartyKind, Precision};
use jiff::civil::Date;

use crate::lexicon::SECTORS;
use crate::text::{Tok, fold_word, tokenize};

/// One way of writing a name: folded words, and whether case must match (acronyms).
#[derive(Debug, Clone)]
pub(crate) struct Pattern {
    pub words: Vec<String>,
    /// The exact words as written in the dataset, for case-sensitive acronyms.
    pub exact: Option<Vec<String>>,
    pub id: Id,
    /// `name`, `alias`, `role`, `surname` …: how the pattern was made (for explanations).
    pub how: &'static str,
    pub score: f64,
    /// For the title of a post: when it was held (`from`, `to`, each open when absent); the
    /// pattern names the holder only on days inside.
    pub held: Option<(Option<Date>, Option<Date>)>,
}

impl Pattern {
    /// Whether the pattern names its party on day `on` (always, without a day).
    pub(crate) fn live(&self, on: Option<Date>) -> bool {
        match (self.held, on) {
            (Some((from, to)), Some(d)) => from.is_none_or(|f| f <= d) && to.is_none_or(|t| d <= t),
            _ => true,
        }
    }
}

/// Patterns with an index from their first word (folded, a final full stop dropped) to
/// their positions, so that matching looks only at the patterns a token can start.
#[derive(Debug, Clone, Default)]
pub(crate) struct PatternSet {
    pub pats: Vec<Pattern>,
    index: HashMap<String, Vec<usize>>,
}

impl PatternSet {
    fn new(pats: Vec<Pattern>) -> PatternSet {
        let mut index: HashMap<String, Vec<usize>> = HashMap::new();
        for (k, p) in pats.iter().enumerate() {
            if let Some(w) = p.words.first() {
                index
                    .entry(w.trim_end_matches('.').to_string())
                    .or_default()
                    .push(k);
            }
        }
        PatternSet { pats, index }
    }

    /// The patterns whose first word is `word` (after dropping a final full stop), in order.
    pub(crate) fn starting(&self, word: &str) -> &[usize] {
        self.index
            .get(word.trim_end_matches('.'))
            .map(Vec::as_slice)
            .unwrap_or(&[])
    }

    /// Every pattern, in order.
    pub(crate) fn iter(&self) -> std::slice::Iter<'_, Pattern> {
        self.pats.iter()
    }
}

fn words_of(s: &str) -> Vec<Tok> {
    tokenize(s)
}

fn is_acronym(s: &str) -> bool {
    let letters: Vec<char> = s.chars().filter(|c| c.is_alphabetic()).collect();
    !letters.is_empty() && letters.len() <= 5 && letters.iter().all(|c| c.is_uppercase())
}

fn pattern(text: &str, id: &str, how: &'static str, score: f64) -> Option<Pattern> {
    let toks = words_of(text);
    let words: Vec<String> = toks.iter().map(|t| t.low.clone()).collect();
    if words.is_empty() {
        return None;
    }
    let exact = is_acronym(text).then(|| toks.iter().map(|t| text[t.s..t.e].to_string()).collect());
    Some(Pattern {
        words,
        exact,
        id: id.to_string(),
        how,
        score,
        held: None,
    })
}

/// Variants of a name that sources write: without "US–UK", with plain hyphens.
fn variants(name: &str) -> Vec<String> {
    let mut v = vec![name.to_string()];
    let plain = name.replace(['–', '—'], "-");
    if plain != name {
        v.push(plain.clone());
    }
    for prefix in ["US-UK ", "US–UK ", "U.S.-UK ", "UK-US ", "US ", "UK "] {
        if let Some(rest) = plain
            .strip_prefix(prefix)
            .or_else(|| name.strip_prefix(prefix))
            && rest.split_whitespace().count() >= 2
            && rest.chars().next().is_some_and(|c| c.is_uppercase())
        {
            v.push(rest.to_string());
        }
    }
    // "EPD steel and aluminium arrangement: General Terms" → the part before a colon.
    if let Some((head, _)) = name.split_once(':')
        && head.split_whitespace().count() >= 2
    {
        v.extend(variants(head.trim()));
    }
    // "tech talks" is also written "tech negotiations".
    for (a, b) in [("talks", "negotiations"), ("talks", "discussions")] {
        if plain.ends_with(&format!(" {a}")) {
            v.push(format!("{}{b}", &plain[..plain.len() - a.len()]));
        }
    }
    v.sort();
    v.dedup();
    v
}

/// A match of a pattern in text: token range and the pattern.
#[derive(Debug, Clone)]
pub(crate) struct Hit<'p> {
    pub first: usize,
    pub last: usize,
    pub pat: &'p Pattern,
}

/// Longest-first matching of patterns over tokens; titles of posts count only when held on
/// day `on` (all of them without a day).
pub(crate) fn find_hits<'p>(
    text: &str,
    toks: &[Tok],
    range: std::ops::Range<usize>,
    set: &'p PatternSet,
    on: Option<Date>,
) -> Vec<Hit<'p>> {
    let mut out = Vec::new();
    let mut cands: Vec<usize> = Vec::new();
    let mut i = range.start;
    while i < range.end {
        let mut best: Option<Hit<'p>> = None;
        // The patterns that can start here: by the word as written, and (a one-word
        // pattern, whose word is also the last) by the word without a possessive.
        cands.clear();
        cands.extend_from_slice(set.starting(&toks[i].low));
        let base = toks[i].base();
        if base != toks[i].low {
            cands.extend_from_slice(set.starting(base));
            cands.sort_unstable();
            cands.dedup();
        }
        for p in cands.iter().filter_map(|&k| set.pats.get(k)) {
            let n = p.words.len();
            if i + n > range.end || !p.live(on) {
                continue;
            }
            let ok = p.words.iter().enumerate().all(|(k, w)| {
                let t = &toks[i + k];
                // The last word may carry a possessive: "Britain's".
                let tw = if k + 1 == n { t.base() } else { t.low.as_str() };
                let tw = tw.trim_end_matches('.');
                let w = w.trim_end_matches('.');
                tw == w || t.low == *w
            });
            if !ok {
                continue;
            }
            if let Some(ex) = &p.exact {
                let same = ex.iter().enumerate().all(|(k, w)| {
                    let t = &toks[i + k];
                    text[t.s..t.e].starts_with(w.as_str())
                });
                if !same {
                    continue;
                }
            }
            let better = match &best {
                None => true,
                Some(b) => {
                    n > b.last + 1 - b.first || (n == b.last + 1 - b.first && p.score > b.pat.score)
                }
            };
            if better {
                best = Some(Hit {
                    first: i,
                    last: i + n - 1,
                    pat: p,
                });
            }
        }
        match best {
            Some(h) => {
                i = h.last + 1;
                out.push(h);
            }
            None => i += 1,
        }
    }
    out
}

/// What the extractor knows about an item.
#[derive(Debug, Clone)]
pub(crate) struct ItemInfo {
    pub id: Id,
    pub kind: ItemKind,
    pub instrument_kind: Option<InstrumentKind>,
    /// Folded words of its name and aliases, for sector matching.
    pub words: Vec<String>,
    /// The track that negotiates it (for instruments).
    pub track: Option<Id>,
    /// Money amount and currency (pledges), as (units, "GBP").
    pub money: Option<(f64, String)>,
    pub pledgor: Option<Id>,
    /// When it was announced or signed (for "at the time").
    pub date: Option<Date>,
}

/// Everything matching needs from the dataset, built once per dataset (titles of posts
/// carry the days they were held, checked at each match).
#[derive(Debug, Clone, Default)]
pub(crate) struct Matchers {
    pub items: PatternSet,
    pub parties: PatternSet,
    pub info: Vec<ItemInfo>,
    pub party_kinds: Vec<(Id, PartyKind)>,
}

impl Matchers {
    pub(crate) fn new(ds: &Dataset) -> Matchers {
        let mut items = Vec::new();
        let mut info = Vec::new();
        let mut add_item = |id: &str,
                            name: &str,
                            aliases: &[String],
                            kind: ItemKind,
                            ik: Option<InstrumentKind>,
                            info: &mut Vec<ItemInfo>| {
            let mut words = Vec::new();
            for (k, n) in std::iter::once(name)
                .chain(aliases.iter().map(|s| s.as_str()))
                .enumerate()
            {
                for v in variants(n) {
                    if let Some(p) = pattern(&v, id, if k == 0 { "name" } else { "alias" }, 0.9) {
                        words.extend(p.words.clone());
                        items.push(p);
                    }
                }
            }
            info.push(ItemInfo {
                id: id.to_string(),
                kind,
                instrument_kind: ik,
                words,
                track: None,
                money: None,
                pledgor: None,
                date: None,
            });
        };
        for ins in &ds.instruments {
            add_item(
                &ins.id,
                &ins.name,
                &ins.aliases,
                ItemKind::Instrument,
                Some(ins.kind),
                &mut info,
            );
            if let Some(last) = info.last_mut() {
                last.date = ins.signed.or(ins.announced).or(ins.in_force);
            }
        }
        for t in &ds.tracks {
            add_item(&t.id, &t.name, &t.aliases, ItemKind::Track, None, &mut info);
        }
        for p in &ds.packages {
            add_item(
                &p.id,
                &p.name,
                &p.aliases,
                ItemKind::Package,
                None,
                &mut info,
            );
        }
        for p in &ds.pledges {
            add_item(
                &p.id,
                &p.name,
                &p.aliases,
                ItemKind::Pledge,
                None,
                &mut info,
            );
            if let Some(last) = info.last_mut() {
                last.money = p.money.as_ref().and_then(|m| {
                    m.amount
                        .to_string()
                        .parse::<f64>()
                        .ok()
                        .map(|a| (a, m.currency.clone()))
                });
                last.pledgor = p.pledgor.clone();
                last.date = p.announced;
            }
        }
        for t in &ds.tracks {
            for i in &t.instruments {
                if let Some(x) = info.iter_mut().find(|x| &x.id == i)
                    && x.track.is_none()
                {
                    x.track = Some(t.id.clone());
                }
            }
        }
        // Parties: names, aliases, surnames of people, and the titles of posts they hold.
        let mut parties = Vec::new();
        let mut surnames: Vec<(String, Id)> = Vec::new();
        for p in &ds.parties {
            for (k, n) in std::iter::once(&p.name).chain(p.aliases.iter()).enumerate() {
                for v in variants(n) {
                    if let Some(pat) =
                        pattern(&v, &p.id, if k == 0 { "name" } else { "alias" }, 1.0)
                    {
                        parties.push(pat);
                    }
                }
            }
            if p.kind == PartyKind::Person
                && let Some(last) = p.name.split_whitespace().last()
            {
                surnames.push((last.to_string(), p.id.clone()));
            }
            for r in &p.roles {
                for key in role_keys(&r.title) {
                    if let Some(mut pat) = pattern(&key, &p.id, "role", 0.75) {
                        pat.held = Some((r.from, r.to));
                        parties.push(pat);
                    }
                }
            }
        }
        for (s, id) in &surnames {
            let unique = surnames.iter().filter(|(x, _)| x == s).count() == 1;
            if unique && let Some(pat) = pattern(s, id, "surname", 0.85) {
                parties.push(pat);
            }
        }
        let party_kinds = ds.parties.iter().map(|p| (p.id.clone(), p.kind)).collect();
        Matchers {
            items: PatternSet::new(items),
            parties: PatternSet::new(parties),
            info,
            party_kinds,
        }
    }

    pub(crate) fn item(&self, id: &str) -> Option<&ItemInfo> {
        self.info.iter().find(|i| i.id == id)
    }

    pub(crate) fn party_kind(&self, id: &str) -> Option<PartyKind> {
        self.party_kinds
            .iter()
            .find(|(i, _)| i == id)
            .map(|(_, k)| *k)
    }

    /// Items whose name or aliases share a sector word with `word`.
    pub(crate) fn sector_items(&self, word: &str) -> Vec<&ItemInfo> {
        let Some(group) = SECTORS.iter().find(|g| g.contains(&word)) else {
            return Vec::new();
        };
        self.info
            .iter()
            .filter(|i| {
                matches!(i.kind, ItemKind::Instrument | ItemKind::Track)
                    && i.words.iter().any(|w| group.contains(&w.as_str()))
            })
            .collect()
    }

    /// Pledges with this amount of money.
    pub(crate) fn pledges_with_money(&self, amount: f64, currency: &str) -> Vec<&ItemInfo> {
        self.info
            .iter()
            .filter(|i| {
                i.money
                    .as_ref()
                    .is_some_and(|(a, c)| c == currency && (a - amount).abs() < 0.5)
            })
            .collect()
    }

    pub(crate) fn pledges_of(&self, party: &str) -> Vec<&ItemInfo> {
        self.info
            .iter()
            .filter(|i| i.pledgor.as_deref() == Some(party))
            .collect()
    }
}

/// Short forms of a post's title that sources use: "Prime Minister" for "Prime Minister of
/// the United Kingdom", "Technology Secretary" for "Secretary of State for Science,
/// Innovation and Technology".
pub(crate) fn role_keys(title: &str) -> Vec<String> {
    let mut keys = vec![title.to_string()];
    let head = title.split([',', '(']).next().unwrap_or(title).trim();
    if let Some((before, _)) = head.split_once(" of ")
        && before.split_whitespace().count() >= 2
    {
        keys.push(before.trim().to_string());
    }
    if let Some(rest) = title.strip_prefix("Secretary of State for ") {
        let parts: Vec<String> = rest
            .split([',', '&'])
            .flat_map(|s| s.split(" and "))
            .map(|s| s.trim().to_string())
            .filter(|s| !s.is_empty())
            .collect();
        for p in &parts {
            keys.push(format!("{p} Secretary"));
        }
        if parts.len() >= 2 {
            keys.push(format!("{} Secretary", parts.join(" and ")));
        }
    }
    if let Some(rest) = title.strip_prefix("United States ") {
        keys.push(rest.to_string());
        keys.push(format!("US {rest}"));
    }
    if title.starts_with("Chief Executive Officer")
        && let Some((_, org)) = title.split_once(", ")
    {
        {
            keys.push(format!("{org}'s chief executive"));
            keys.push(format!("{org}'s CEO"));
            keys.push(format!("{org} boss"));
        }
    }
    keys
}

/// Reads an amount of money written as `£31bn`, `£31 billion`, `$1.5m`, `£400m`.
pub(crate) fn money_at(text: &str, toks: &[Tok], i: usize) -> Option<(f64, String, usize)> {
    let t = toks.get(i)?;
    let w = &text[t.s..t.e];
    let (cur, rest) = if let Some(r) = w.strip_prefix('£') {
        ("GBP", r)
    } else if let Some(r) = w.strip_prefix('$') {
        ("USD", r)
    } else if let Some(r) = w.strip_prefix('€') {
        ("EUR", r)
    } else {
        return None;
    };
    let digits: String = rest
        .chars()
        .take_while(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .filter(|c| *c != ',')
        .collect();
    let n: f64 = digits.parse().ok()?;
    let unit = &rest[rest
        .char_indices()
        .find(|(_, c)| !(c.is_ascii_digit() || *c == '.' || *c == ','))
        .map(|(k, _)| k)
        .unwrap_or(rest.len())..];
    let mult = |u: &str| match u {
        "bn" | "billion" | "b" => Some(1e9),
        "m" | "million" | "mn" => Some(1e6),
        "tn" | "trillion" => Some(1e12),
        "k" | "thousand" => Some(1e3),
        _ => None,
    };
    if !unit.is_empty() {
        return Some((n * mult(&fold_word(unit))?, cur.to_string(), i));
    }
    if let Some(next) = toks.get(i + 1)
        && let Some(m) = mult(&next.low)
    {
        return Some((n * m, cur.to_string(), i + 1));
    }
    Some((n, cur.to_string(), i))
}

/// The month precision of a day, for "at the time".
pub(crate) fn month_of(d: Date) -> accord_model::FuzzyDate {
    accord_model::FuzzyDate {
        start: d.first_of_month(),
        end: d.last_of_month(),
        precision: Precision::Month,
        approximate: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn role_keys_shorten_titles() {
        let k = role_keys("Secretary of State for Science, Innovation and Technology");
        assert!(k.contains(&"Technology Secretary".to_string()));
        assert!(k.contains(&"Science Secretary".to_string()));
        let k = role_keys("Prime Minister of the United Kingdom");
        assert!(k.contains(&"Prime Minister".to_string()));
        let k = role_keys("United States Trade Representative");
        assert!(k.contains(&"US Trade Representative".to_string()));
    }

    #[test]
    fn money_is_read() {
        let t = "about £31 billion and $42bn";
        let toks = tokenize(t);
        assert_eq!(money_at(t, &toks, 1), Some((31e9, "GBP".into(), 2)));
        assert_eq!(money_at(t, &toks, 4), Some((42e9, "USD".into(), 4)));
    }

    #[test]
    fn name_variants() {
        let v = variants("US–UK Technology Prosperity Deal");
        assert!(v.contains(&"Technology Prosperity Deal".to_string()));
        assert!(v.contains(&"US-UK Technology Prosperity Deal".to_string()));
        let v = variants("tech talks");
        assert!(v.contains(&"tech negotiations".to_string()));
    }
}
