//! The status vocabulary: canonical states per kind of item, and the words sources use for them.
//!
//! The original wording of a claim is always kept; the canonical state is what the engine
//! reasons with.

use std::collections::BTreeMap;
use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// The kinds of item a claim can be about.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    Instrument,
    Commitment,
    Track,
    Package,
    Pledge,
}

impl ItemKind {
    pub const ALL: [ItemKind; 5] = [
        ItemKind::Instrument,
        ItemKind::Commitment,
        ItemKind::Track,
        ItemKind::Package,
        ItemKind::Pledge,
    ];

    pub fn name(self) -> &'static str {
        match self {
            ItemKind::Instrument => "instrument",
            ItemKind::Commitment => "commitment",
            ItemKind::Track => "track",
            ItemKind::Package => "package",
            ItemKind::Pledge => "pledge",
        }
    }
}

impl fmt::Display for ItemKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A canonical status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Proposed,
    Negotiating,
    Active,
    Agreed,
    Signed,
    InForce,
    Stalled,
    Suspended,
    Concluded,
    Discontinued,
    Superseded,
    Open,
    InProgress,
    Met,
    Missed,
    Announced,
    Affirmed,
    Delivered,
    Withdrawn,
}

/// Whether a status is good news, neutral, or trouble for what depends on the item.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Tone {
    Positive,
    Neutral,
    Negative,
}

use ItemKind as K;
use Status as S;

const INSTR: &[ItemKind] = &[K::Instrument];
const TRACK: &[ItemKind] = &[K::Track];
const COMMIT: &[ItemKind] = &[K::Commitment];
const PLEDGE: &[ItemKind] = &[K::Pledge];
const I_T_P: &[ItemKind] = &[K::Instrument, K::Track, K::Package];
const I_T_PK_PL: &[ItemKind] = &[K::Instrument, K::Track, K::Package, K::Pledge];
const T_PK: &[ItemKind] = &[K::Track, K::Package];
const C_PL: &[ItemKind] = &[K::Commitment, K::Pledge];

/// (status, name, kinds it applies to, tone)
type CanonicalRow = (Status, &'static str, &'static [ItemKind], Tone);
/// (phrase, the canonical status it means for each group of kinds)
type SynonymRow = (&'static str, &'static [(&'static [ItemKind], Status)]);

const CANONICAL: &[CanonicalRow] = &[
    (S::Proposed, "proposed", I_T_PK_PL, Tone::Neutral),
    (S::Negotiating, "negotiating", INSTR, Tone::Neutral),
    (S::Active, "active", T_PK, Tone::Positive),
    (
        S::Agreed,
        "agreed",
        &[K::Instrument, K::Track],
        Tone::Positive,
    ),
    (S::Signed, "signed", INSTR, Tone::Positive),
    (S::InForce, "in_force", INSTR, Tone::Positive),
    (S::Stalled, "stalled", I_T_P, Tone::Negative),
    (S::Suspended, "suspended", I_T_PK_PL, Tone::Negative),
    (S::Concluded, "concluded", TRACK, Tone::Positive),
    (S::Discontinued, "discontinued", I_T_P, Tone::Negative),
    (S::Superseded, "superseded", INSTR, Tone::Neutral),
    (S::Open, "open", COMMIT, Tone::Neutral),
    (S::InProgress, "in_progress", C_PL, Tone::Neutral),
    (S::Met, "met", COMMIT, Tone::Positive),
    (S::Missed, "missed", COMMIT, Tone::Negative),
    (S::Announced, "announced", PLEDGE, Tone::Neutral),
    (S::Affirmed, "affirmed", PLEDGE, Tone::Positive),
    (S::Delivered, "delivered", PLEDGE, Tone::Positive),
    (S::Withdrawn, "withdrawn", C_PL, Tone::Negative),
];

/// Words and phrases sources use, and the canonical status they mean for each kind of item.
/// Phrases are matched on whole words after folding case, `_` and `-` to spaces.
const SYNONYMS: &[SynonymRow] = &[
    ("announced", &[(I_T_P, S::Proposed), (PLEDGE, S::Announced)]),
    ("trailed", &[(I_T_PK_PL, S::Proposed)]),
    ("floated", &[(I_T_PK_PL, S::Proposed)]),
    ("mooted", &[(I_T_PK_PL, S::Proposed)]),
    ("planned", &[(I_T_PK_PL, S::Proposed)]),
    (
        "under negotiation",
        &[(INSTR, S::Negotiating), (T_PK, S::Active)],
    ),
    (
        "being negotiated",
        &[(INSTR, S::Negotiating), (T_PK, S::Active)],
    ),
    ("in talks", &[(INSTR, S::Negotiating), (T_PK, S::Active)]),
    (
        "talks ongoing",
        &[(INSTR, S::Negotiating), (T_PK, S::Active)],
    ),
    ("ongoing", &[(T_PK, S::Active), (C_PL, S::InProgress)]),
    (
        "active conversations",
        &[(T_PK, S::Active), (INSTR, S::Negotiating)],
    ),
    ("live", &[(T_PK, S::Active)]),
    ("continuing", &[(T_PK, S::Active)]),
    ("progressing", &[(T_PK, S::Active), (C_PL, S::InProgress)]),
    ("resumed", &[(T_PK, S::Active)]),
    ("alive", &[(T_PK, S::Active)]),
    (
        "agreed in principle",
        &[(&[K::Instrument, K::Track], S::Agreed)],
    ),
    (
        "agreement in principle",
        &[(&[K::Instrument, K::Track], S::Agreed)],
    ),
    ("deal reached", &[(&[K::Instrument, K::Track], S::Agreed)]),
    ("struck", &[(&[K::Instrument, K::Track], S::Agreed)]),
    ("finalised", &[(&[K::Instrument, K::Track], S::Agreed)]),
    ("finalized", &[(&[K::Instrument, K::Track], S::Agreed)]),
    ("in effect", &[(INSTR, S::InForce)]),
    ("effective", &[(INSTR, S::InForce)]),
    ("took effect", &[(INSTR, S::InForce)]),
    ("came into effect", &[(INSTR, S::InForce)]),
    ("entered into force", &[(INSTR, S::InForce)]),
    ("came into force", &[(INSTR, S::InForce)]),
    ("come into force", &[(INSTR, S::InForce)]),
    ("comes into force", &[(INSTR, S::InForce)]),
    ("in force", &[(INSTR, S::InForce)]),
    ("operational", &[(INSTR, S::InForce)]),
    ("implemented", &[(INSTR, S::InForce), (COMMIT, S::Met)]),
    ("stuck", &[(I_T_P, S::Stalled)]),
    ("deadlocked", &[(I_T_P, S::Stalled)]),
    ("deadlock", &[(I_T_P, S::Stalled)]),
    ("stalemate", &[(I_T_P, S::Stalled)]),
    ("impasse", &[(I_T_P, S::Stalled)]),
    ("blocked", &[(I_T_P, S::Stalled)]),
    ("bogged down", &[(I_T_P, S::Stalled)]),
    ("delayed", &[(I_T_P, S::Stalled)]),
    ("headwinds", &[(I_T_P, S::Stalled)]),
    ("stalls", &[(I_T_P, S::Stalled)]),
    ("paused", &[(I_T_PK_PL, S::Suspended)]),
    ("pause", &[(I_T_PK_PL, S::Suspended)]),
    ("on hold", &[(I_T_PK_PL, S::Suspended)]),
    ("put on hold", &[(I_T_PK_PL, S::Suspended)]),
    ("indefinite hold", &[(I_T_PK_PL, S::Suspended)]),
    ("shelved", &[(I_T_PK_PL, S::Suspended)]),
    ("frozen", &[(I_T_PK_PL, S::Suspended)]),
    ("halted", &[(I_T_PK_PL, S::Suspended)]),
    ("on ice", &[(I_T_PK_PL, S::Suspended)]),
    ("suspension", &[(I_T_PK_PL, S::Suspended)]),
    (
        "completed",
        &[
            (TRACK, S::Concluded),
            (COMMIT, S::Met),
            (PLEDGE, S::Delivered),
        ],
    ),
    ("finished", &[(TRACK, S::Concluded)]),
    ("terminated", &[(I_T_P, S::Discontinued)]),
    (
        "cancelled",
        &[(I_T_P, S::Discontinued), (C_PL, S::Withdrawn)],
    ),
    (
        "canceled",
        &[(I_T_P, S::Discontinued), (C_PL, S::Withdrawn)],
    ),
    (
        "abandoned",
        &[(I_T_P, S::Discontinued), (C_PL, S::Withdrawn)],
    ),
    ("collapsed", &[(I_T_P, S::Discontinued)]),
    (
        "scrapped",
        &[(I_T_P, S::Discontinued), (C_PL, S::Withdrawn)],
    ),
    ("ended", &[(I_T_P, S::Discontinued)]),
    ("replaced", &[(INSTR, S::Superseded)]),
    ("pending", &[(COMMIT, S::Open)]),
    ("outstanding", &[(COMMIT, S::Open)]),
    ("unmet", &[(COMMIT, S::Open)]),
    ("not yet met", &[(COMMIT, S::Open)]),
    ("unfulfilled", &[(COMMIT, S::Open)]),
    ("under way", &[(C_PL, S::InProgress), (T_PK, S::Active)]),
    ("underway", &[(C_PL, S::InProgress), (T_PK, S::Active)]),
    ("partly met", &[(COMMIT, S::InProgress)]),
    ("partially met", &[(COMMIT, S::InProgress)]),
    ("fulfilled", &[(COMMIT, S::Met)]),
    ("honoured", &[(COMMIT, S::Met)]),
    ("honored", &[(COMMIT, S::Met)]),
    ("done", &[(COMMIT, S::Met)]),
    ("delivered", &[(COMMIT, S::Met), (PLEDGE, S::Delivered)]),
    ("breached", &[(COMMIT, S::Missed)]),
    ("not met", &[(COMMIT, S::Missed)]),
    ("failed", &[(COMMIT, S::Missed)]),
    ("broken", &[(COMMIT, S::Missed)]),
    ("unaffected", &[(PLEDGE, S::Affirmed)]),
    ("remain in place", &[(PLEDGE, S::Affirmed)]),
    ("remains in place", &[(PLEDGE, S::Affirmed)]),
    ("reaffirmed", &[(PLEDGE, S::Affirmed)]),
    ("confirmed", &[(PLEDGE, S::Affirmed)]),
    (
        "on track",
        &[(PLEDGE, S::Affirmed), (COMMIT, S::InProgress)],
    ),
    ("pulled", &[(PLEDGE, S::Withdrawn)]),
    (
        "withdrawn",
        &[(C_PL, S::Withdrawn), (I_T_P, S::Discontinued)],
    ),
];

impl Status {
    pub const ALL: [Status; 19] = [
        S::Proposed,
        S::Negotiating,
        S::Active,
        S::Agreed,
        S::Signed,
        S::InForce,
        S::Stalled,
        S::Suspended,
        S::Concluded,
        S::Discontinued,
        S::Superseded,
        S::Open,
        S::InProgress,
        S::Met,
        S::Missed,
        S::Announced,
        S::Affirmed,
        S::Delivered,
        S::Withdrawn,
    ];

    fn row(self) -> &'static CanonicalRow {
        // CANONICAL lists every variant in declaration order.
        &CANONICAL[self as usize]
    }

    pub fn name(self) -> &'static str {
        self.row().1
    }

    /// The kinds of item this status applies to.
    pub fn kinds(self) -> &'static [ItemKind] {
        self.row().2
    }

    pub fn applies_to(self, kind: ItemKind) -> bool {
        self.kinds().contains(&kind)
    }

    pub fn tone(self) -> Tone {
        self.row().3
    }

    /// Stalled, suspended, discontinued, missed or withdrawn: trouble for what depends on it.
    pub fn is_negative(self) -> bool {
        self.tone() == Tone::Negative
    }

    /// The canonical statuses for a kind of item, in vocabulary order.
    pub fn for_kind(kind: ItemKind) -> impl Iterator<Item = Status> {
        Status::ALL.into_iter().filter(move |s| s.applies_to(kind))
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Status {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Status::ALL
            .into_iter()
            .find(|st| st.name() == s)
            .ok_or_else(|| format!("`{s}` is not a canonical status"))
    }
}

/// Folds wording for matching: lowercase, `_` and `-` to spaces, single spaces, no punctuation.
pub fn fold(wording: &str) -> String {
    let mut out = String::with_capacity(wording.len());
    for c in wording.chars() {
        let c = if c == '_' || c == '-' || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c.is_alphanumeric() || c == ' ' {
            out.extend(c.to_lowercase());
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Words that, just before a phrase, turn its meaning around ("not yet in force").
const NEGATIONS: &[&str] = &[
    "not",
    "no",
    "never",
    "yet to",
    "isnt",
    "hasnt",
    "havent",
    "wasnt",
    "arent",
    "without",
    "no longer",
    "failed to",
    "has yet to",
    "have yet to",
];

/// Whether `phrase` occurs in `haystack` on word boundaries with no negation in the two words
/// before it (a phrase that itself starts with a negation, like "not met", is taken as is).
fn contains_phrase(haystack: &str, phrase: &str) -> bool {
    let h = format!(" {haystack} ");
    let needle = format!(" {phrase} ");
    let mut from = 0;
    while let Some(pos) = h[from..].find(&needle) {
        let at = from + pos;
        let before: Vec<&str> = h[..at].split_whitespace().collect();
        let tail = before[before.len().saturating_sub(2)..].join(" ");
        let negated = NEGATIONS.iter().any(|n| {
            tail == *n || tail.ends_with(&format!(" {n}")) || tail.split(' ').any(|w| w == *n)
        });
        if !negated {
            return true;
        }
        from = at + 1;
    }
    false
}

/// The vocabulary in force for a dataset: the built-in table plus the dataset's own synonyms.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vocabulary {
    /// Extra phrases (folded) and the canonical status they mean, for any kind it applies to.
    pub extra: BTreeMap<String, Status>,
}

/// The result of mapping wording to a status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Mapped {
    pub status: Status,
    /// The phrase that decided it (canonical name, built-in synonym or dataset synonym).
    pub matched: String,
}

impl Vocabulary {
    /// Maps the wording a source used to a canonical status for an item of `kind`.
    ///
    /// An exact canonical name wins, then the dataset's synonyms, then the built-in ones; among
    /// phrases found inside longer wording, the longest wins ("put on hold" over "on hold").
    pub fn canonical(&self, kind: ItemKind, wording: &str) -> Option<Mapped> {
        let folded = fold(wording);
        let underscored = folded.replace(' ', "_");
        if let Ok(s) = underscored.parse::<Status>()
            && s.applies_to(kind)
        {
            return Some(Mapped {
                status: s,
                matched: s.name().to_string(),
            });
        }
        fn consider(
            best: &mut Option<(usize, Mapped)>,
            folded: &str,
            phrase: &str,
            status: Status,
        ) {
            if contains_phrase(folded, phrase)
                && best.as_ref().is_none_or(|(len, _)| phrase.len() > *len)
            {
                *best = Some((
                    phrase.len(),
                    Mapped {
                        status,
                        matched: phrase.to_string(),
                    },
                ));
            }
        }
        let mut best: Option<(usize, Mapped)> = None;
        for (phrase, status) in &self.extra {
            if status.applies_to(kind) {
                consider(&mut best, &folded, phrase, *status);
            }
        }
        if best.is_none() {
            for (phrase, options) in SYNONYMS {
                for (kinds, status) in options.iter() {
                    if kinds.contains(&kind) {
                        consider(&mut best, &folded, phrase, *status);
                    }
                }
            }
            for s in Status::for_kind(kind) {
                consider(&mut best, &folded, &s.name().replace('_', " "), s);
            }
        }
        best.map(|(_, m)| m)
    }

    /// Every word that names a status for some kind: canonical names and synonyms, folded
    /// with `_` for spaces, as the condition language writes them (`on_hold`).
    pub fn status_words(&self) -> Vec<String> {
        let mut v: Vec<String> = Status::ALL.iter().map(|s| s.name().to_string()).collect();
        v.extend(SYNONYMS.iter().map(|(p, _)| p.replace(' ', "_")));
        v.extend(self.extra.keys().map(|p| p.replace(' ', "_")));
        v.sort();
        v.dedup();
        v
    }

    /// Maps a status word as written in a condition (`on_hold`, `stalled`) for any kind:
    /// the canonical statuses it may stand for.
    pub fn word_statuses(&self, word: &str) -> Vec<Status> {
        let mut out: Vec<Status> = ItemKind::ALL
            .iter()
            .filter_map(|k| self.canonical(*k, word).map(|m| m.status))
            .collect();
        out.sort();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_table_is_in_declaration_order() {
        for (i, s) in Status::ALL.iter().enumerate() {
            assert_eq!(*s as usize, i);
            assert_eq!(CANONICAL[i].0, *s);
        }
    }

    #[test]
    fn synonyms_map_by_kind() {
        let v = Vocabulary::default();
        let c = |k, w| v.canonical(k, w).map(|m| m.status);
        assert_eq!(c(K::Track, "paused"), Some(S::Suspended));
        assert_eq!(c(K::Track, "on indefinite hold"), Some(S::Suspended));
        assert_eq!(c(K::Instrument, "On_Hold"), Some(S::Suspended));
        assert_eq!(c(K::Track, "shelved"), Some(S::Suspended));
        assert_eq!(c(K::Track, "frozen"), Some(S::Suspended));
        assert_eq!(c(K::Track, "active conversations"), Some(S::Active));
        assert_eq!(c(K::Instrument, "implemented"), Some(S::InForce));
        assert_eq!(c(K::Commitment, "implemented"), Some(S::Met));
        assert_eq!(
            c(K::Pledge, "understood to be unaffected"),
            Some(S::Affirmed)
        );
        assert_eq!(c(K::Track, "stalled"), Some(S::Stalled));
        assert_eq!(c(K::Commitment, "stalled"), None);
        assert_eq!(c(K::Track, "banana"), None);
        assert_eq!(c(K::Instrument, "came into force"), Some(S::InForce));
        assert_eq!(c(K::Commitment, "not met"), Some(S::Missed));
        assert_eq!(c(K::Commitment, "not yet met"), Some(S::Open));
    }

    #[test]
    fn negated_wording_is_not_taken_at_face_value() {
        let v = Vocabulary::default();
        let c = |k, w| v.canonical(k, w).map(|m| m.status);
        assert_eq!(c(K::Instrument, "not yet in effect"), None);
        assert_eq!(c(K::Instrument, "yet to come into force"), None);
        assert_eq!(c(K::Instrument, "has not entered into force"), None);
        assert_eq!(c(K::Track, "no longer stalled"), None);
        assert_eq!(
            c(K::Track, "talks are not stalled but active"),
            Some(S::Active)
        );
    }

    #[test]
    fn dataset_synonyms_win() {
        let mut v = Vocabulary::default();
        v.extra.insert("put on ice".into(), S::Stalled);
        assert_eq!(
            v.canonical(K::Track, "put on ice").map(|m| m.status),
            Some(S::Stalled)
        );
    }
}
