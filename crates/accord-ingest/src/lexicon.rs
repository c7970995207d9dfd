//! Word lists: attribution cues, pronouns, titles, function words.

/// How a cue verb relates speaker and content.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CueClass {
    /// say, tell, add, state …: speech.
    Speech,
    /// write, post, tweet: written speech (channel hints).
    Written,
    /// report, learn, understand (an outlet's own reporting).
    Reporting,
    /// believe, think, hope, want: a stance rather than a statement.
    Stance,
    /// describe / characterise / view … as.
    Describe,
}

/// Cue verbs: (base form, irregular past, class). Regular forms are derived.
const VERBS: &[(&str, Option<&str>, CueClass)] = &[
    ("say", Some("said"), CueClass::Speech),
    ("tell", Some("told"), CueClass::Speech),
    ("add", None, CueClass::Speech),
    ("state", None, CueClass::Speech),
    ("claim", None, CueClass::Speech),
    ("argue", None, CueClass::Speech),
    ("note", None, CueClass::Speech),
    ("explain", None, CueClass::Speech),
    ("warn", None, CueClass::Speech),
    ("insist", None, CueClass::Speech),
    ("suggest", None, CueClass::Speech),
    ("acknowledge", None, CueClass::Speech),
    ("affirm", None, CueClass::Speech),
    ("reaffirm", None, CueClass::Speech),
    ("confirm", None, CueClass::Speech),
    ("announce", None, CueClass::Speech),
    ("indicate", None, CueClass::Speech),
    ("express", None, CueClass::Speech),
    ("emphasize", None, CueClass::Speech),
    ("emphasise", None, CueClass::Speech),
    ("stress", None, CueClass::Speech),
    ("articulate", None, CueClass::Speech),
    ("underscore", None, CueClass::Speech),
    ("underline", None, CueClass::Speech),
    ("highlight", None, CueClass::Speech),
    ("reveal", None, CueClass::Speech),
    ("admit", None, CueClass::Speech),
    ("predict", None, CueClass::Speech),
    ("declare", None, CueClass::Speech),
    ("promise", None, CueClass::Speech),
    ("vow", None, CueClass::Speech),
    ("pledge", None, CueClass::Speech),
    ("urge", None, CueClass::Speech),
    ("deny", Some("denied"), CueClass::Speech),
    ("reply", Some("replied"), CueClass::Speech),
    ("respond", None, CueClass::Speech),
    ("ask", None, CueClass::Speech),
    ("conclude", None, CueClass::Speech),
    ("recall", None, CueClass::Speech),
    ("remark", None, CueClass::Speech),
    ("observe", None, CueClass::Speech),
    ("contend", None, CueClass::Speech),
    ("maintain", None, CueClass::Speech),
    ("assert", None, CueClass::Speech),
    ("concede", None, CueClass::Speech),
    ("accuse", None, CueClass::Speech),
    ("complain", None, CueClass::Speech),
    ("agree", None, CueClass::Speech),
    ("mention", None, CueClass::Speech),
    ("point", None, CueClass::Speech), // only as "point(ed) out"
    ("call", None, CueClass::Speech),  // only as "called it / called for / called X Y"
    ("cite", None, CueClass::Speech),
    ("question", None, CueClass::Speech),
    ("criticize", None, CueClass::Speech),
    ("criticise", None, CueClass::Speech),
    ("praise", None, CueClass::Speech),
    ("write", Some("wrote"), CueClass::Written),
    ("post", None, CueClass::Written),
    ("tweet", None, CueClass::Written),
    ("report", None, CueClass::Reporting),
    ("learn", Some("learned"), CueClass::Reporting),
    ("understand", Some("understood"), CueClass::Reporting),
    ("believe", None, CueClass::Stance),
    ("think", Some("thought"), CueClass::Stance),
    ("hope", None, CueClass::Stance),
    ("fear", None, CueClass::Stance),
    ("want", None, CueClass::Stance),
    ("expect", None, CueClass::Stance),
    ("show", None, CueClass::Stance),
    ("find", Some("found"), CueClass::Stance),
    ("describe", None, CueClass::Describe),
    ("characterize", None, CueClass::Describe),
    ("characterise", None, CueClass::Describe),
    ("view", None, CueClass::Describe),
    ("see", Some("saw"), CueClass::Describe),
];

/// Irregular -ing / third-person forms that the regular rules get wrong.
const EXTRA_FORMS: &[(&str, &str)] = &[
    ("learnt", "learn"),
    ("written", "write"),
    ("seen", "see"),
    ("told", "tell"),
    ("says", "say"),
    ("denies", "deny"),
    ("replies", "reply"),
    ("seeing", "see"),
];

/// The cue verb a folded word is a form of, with its tense ("ing" for participles).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct VerbForm {
    pub base: &'static str,
    pub class: CueClass,
    pub participle: bool,
}

fn regular_forms(base: &str) -> [String; 3] {
    let stem_e = base.strip_suffix('e');
    let ed = match stem_e {
        Some(_) => format!("{base}d"),
        None => format!("{base}ed"),
    };
    let ing = match stem_e {
        Some(s) if !base.ends_with("ee") => format!("{s}ing"),
        _ => format!("{base}ing"),
    };
    let s = if base.ends_with("ss") || base.ends_with("sh") || base.ends_with("ch") {
        format!("{base}es")
    } else {
        format!("{base}s")
    };
    [ed, ing, s]
}

pub(crate) fn verb_form(word: &str) -> Option<VerbForm> {
    for &(base, past, class) in VERBS {
        if word == base {
            return Some(VerbForm {
                base,
                class,
                participle: false,
            });
        }
        if past == Some(word) {
            return Some(VerbForm {
                base,
                class,
                participle: false,
            });
        }
        let [ed, ing, s] = regular_forms(base);
        let ing = if base == "deny" || base == "reply" {
            format!("{base}ing")
        } else {
            ing
        };
        if (word == ed && past.is_none()) || word == s {
            return Some(VerbForm {
                base,
                class,
                participle: false,
            });
        }
        if word == ing {
            return Some(VerbForm {
                base,
                class,
                participle: true,
            });
        }
    }
    for &(form, base) in EXTRA_FORMS {
        if word == form {
            return verb_form(base).map(|v| VerbForm {
                participle: form.ends_with("ing"),
                ..v
            });
        }
    }
    None
}

/// Auxiliaries and adverbs that join a cue verb: "has said", "also told", "had previously
/// expressed", "is reaffirming".
pub(crate) const CUE_AUX: &[&str] = &[
    "has",
    "have",
    "had",
    "is",
    "was",
    "were",
    "are",
    "did",
    "does",
    "do",
    "will",
    "would",
    "also",
    "further",
    "later",
    "previously",
    "repeatedly",
    "then",
    "again",
    "publicly",
    "privately",
    "recently",
    "earlier",
    "first",
    "reportedly",
    "separately",
    "already",
    "once",
    "often",
    "has also",
    "had also",
    "similarly",
    "quickly",
    "explicitly",
    "directly",
];

pub(crate) const PRONOUNS_PERSON: &[&str] = &["he", "she"];
pub(crate) const PRONOUNS_PLURAL: &[&str] = &["they"];
pub(crate) const PRONOUNS_OTHER: &[&str] = &["it", "we", "i"];

/// Words that end a noun phrase when walking back from a cue.
pub(crate) const NP_STOP: &[&str] = &[
    "that",
    "which",
    "who",
    "whom",
    "whose",
    "when",
    "while",
    "where",
    "because",
    "but",
    "or",
    "if",
    "as",
    "since",
    "after",
    "before",
    "although",
    "though",
    "however",
    "so",
    "then",
    "than",
    "is",
    "are",
    "was",
    "were",
    "be",
    "been",
    "being",
    "has",
    "have",
    "had",
    "do",
    "does",
    "did",
    "will",
    "would",
    "could",
    "should",
    "can",
    "may",
    "might",
    "must",
    "to",
    "not",
    "there",
    "here",
    "and",
    "also",
    "said",
    "says",
    "told",
    "added",
    "yet",
    "nevertheless",
    "meanwhile",
    "instead",
    "what",
    "how",
    "why",
    "whether",
    "until",
    "unless",
    "in",
    "on",
    "at",
    "with",
    "by",
    "from",
    "into",
    "over",
    "about",
    "against",
    "during",
    "without",
    "under",
    "within",
    "across",
    "through",
    "upon",
    "amid",
    "despite",
    "like",
    "said:",
    "according",
    "now",
    "even",
    "just",
    "still",
    "all",
    "only",
    "each",
    "other",
    "such",
];

/// Prepositions allowed inside a noun phrase ("the chief executive of UK Steel").
pub(crate) const NP_INNER: &[&str] = &["of", "for", "at", "in", "on"];

/// Titles and descriptions that may precede a name.
pub(crate) const TITLES: &[&str] = &[
    "president",
    "prime",
    "minister",
    "sir",
    "dame",
    "lord",
    "lady",
    "mr",
    "mrs",
    "ms",
    "miss",
    "dr",
    "mr.",
    "mrs.",
    "ms.",
    "dr.",
    "prof",
    "prof.",
    "professor",
    "secretary",
    "senator",
    "sen",
    "sen.",
    "rep",
    "rep.",
    "representative",
    "gov",
    "gov.",
    "governor",
    "chancellor",
    "director",
    "chief",
    "executive",
    "ceo",
    "chairman",
    "chairwoman",
    "chair",
    "attorney",
    "general",
    "speaker",
    "leader",
    "shadow",
    "business",
    "trade",
    "technology",
    "science",
    "foreign",
    "home",
    "health",
    "commerce",
    "treasury",
    "deputy",
    "vice",
    "ambassador",
    "king",
    "queen",
    "judge",
    "justice",
    "officer",
    "spokesperson",
    "spokeswoman",
    "spokesman",
    "adviser",
    "advisor",
    "defense",
    "defence",
    "state",
    "press",
    "then",
    "former",
    "then-us",
    "us",
    "uk",
    "u.s.",
    "british",
    "american",
    "labour",
    "conservative",
    "democratic",
    "republican",
    "democrat",
    "candidate",
    "presidential",
    "nominee",
    "economist",
    "analyst",
    "commissioner",
    "mayor",
    "managing",
    "editor",
    "correspondent",
    "chairperson",
    "assistant",
    "to",
    "the",
    "of",
    "and",
    "gen.",
    "lt.",
    "col.",
    "capt.",
    "sgt.",
    "rev.",
    "hon.",
    "senior",
    "adviser,",
    "strategist",
    "founder",
    "co-founder",
    "host",
    "anchor",
    "author",
    "professor,",
    "rabbi",
    "pastor",
];

/// Heads of noun phrases that stand for an organisation's people ("BBC sources",
/// "White House officials").
pub(crate) const ORG_HEADS: &[&str] = &[
    "sources",
    "source",
    "officials",
    "official",
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "spokespeople",
    "staff",
    "team",
    "aides",
    "aide",
    "insiders",
    "insider",
    "representatives",
    "representative",
    "people",
    "figures",
    "ministers",
    "officers",
];

/// Definite descriptions that refer back to a speaker named earlier.
pub(crate) const BACK_REFERENCES: &[&str] = &[
    "spokesperson",
    "spokesman",
    "spokeswoman",
    "minister",
    "secretary",
    "president",
    "company",
    "firm",
    "department",
    "office",
    "government",
    "administration",
    "official",
    "adviser",
    "advisor",
    "campaign",
    "candidate",
    "senator",
    "governor",
    "director",
    "executive",
    "group",
];

/// Nouns for an agreement ("the deal", "a proposed agreement").
pub(crate) const DEAL_NOUNS: &[&str] = &[
    "deal",
    "deals",
    "agreement",
    "agreements",
    "pact",
    "partnership",
    "arrangement",
    "accord",
    "mou",
    "memorandum",
    "framework",
    "treaty",
];

/// Nouns for negotiations ("the talks").
pub(crate) const TALK_NOUNS: &[&str] = &[
    "talks",
    "negotiations",
    "negotiation",
    "discussions",
    "conversations",
    "dialogue",
];

/// Nouns for investment pledges.
pub(crate) const PLEDGE_NOUNS: &[&str] = &[
    "investment",
    "investments",
    "pledge",
    "pledges",
    "spending",
    "commitments",
];

/// Sector words and the stems they share with item names and aliases.
pub(crate) const SECTORS: &[&[&str]] = &[
    &["steel", "aluminium", "aluminum", "metals"],
    &[
        "pharmaceutical",
        "pharmaceuticals",
        "pharma",
        "medicines",
        "drug",
        "drugs",
    ],
    &[
        "car",
        "cars",
        "auto",
        "autos",
        "automobile",
        "automobiles",
        "automotive",
        "vehicle",
        "vehicles",
        "carmakers",
    ],
    &["aerospace", "aircraft"],
    &["beef"],
    &["ethanol", "bioethanol"],
];

/// Discourse connectives stripped from the start of content ("However, …").
pub(crate) const CONNECTIVES: &[&str] = &[
    "however",
    "nevertheless",
    "meanwhile",
    "separately",
    "crucially",
    "still",
    "but",
    "and",
    "moreover",
    "furthermore",
    "indeed",
    "instead",
    "yet",
];

/// Words that introduce a condition: items named inside such a clause are what the claim
/// depends on, not what it is about.
pub(crate) const CONDITION_WORDS: &[&str] = &["once", "until", "unless", "if", "provided"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verb_forms() {
        let f = |w| verb_form(w).map(|v| (v.base, v.participle));
        assert_eq!(f("said"), Some(("say", false)));
        assert_eq!(f("says"), Some(("say", false)));
        assert_eq!(f("saying"), Some(("say", true)));
        assert_eq!(f("told"), Some(("tell", false)));
        assert_eq!(f("noted"), Some(("note", false)));
        assert_eq!(f("stating"), Some(("state", true)));
        assert_eq!(f("emphasized"), Some(("emphasize", false)));
        assert_eq!(f("expressed"), Some(("express", false)));
        assert_eq!(f("expresses"), Some(("express", false)));
        assert_eq!(f("characterizing"), Some(("characterize", true)));
        assert_eq!(f("learned"), Some(("learn", false)));
        assert_eq!(f("understands"), Some(("understand", false)));
        assert_eq!(f("denied"), Some(("deny", false)));
        assert_eq!(f("sayed"), None);
        assert_eq!(f("banana"), None);
    }
}
