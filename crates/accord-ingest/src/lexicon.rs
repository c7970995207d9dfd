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
    /// A position taken towards something or someone: support, oppose, endorse, criticise,
    /// propose, seek, plan (PolNeAR labels these as attributions of the source's stance).
    Position,
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
    ("make", Some("made"), CueClass::Speech), // only as "made (it) clear", "made the case/point"
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
    // Speech acts beyond "say".
    ("answer", None, CueClass::Speech),
    ("repeat", None, CueClass::Speech),
    ("reiterate", None, CueClass::Speech),
    ("echo", None, CueClass::Speech),
    ("recount", None, CueClass::Speech),
    ("testify", Some("testified"), CueClass::Speech),
    ("boast", None, CueClass::Speech),
    ("brag", None, CueClass::Speech),
    ("joke", None, CueClass::Speech),
    ("quip", None, CueClass::Speech),
    ("muse", None, CueClass::Speech),
    ("lament", None, CueClass::Speech),
    ("allege", None, CueClass::Speech),
    ("charge", None, CueClass::Speech), // only with "that"
    ("demand", None, CueClass::Speech),
    ("request", None, CueClass::Speech),
    ("advise", None, CueClass::Speech),
    ("recommend", None, CueClass::Speech),
    ("remind", None, CueClass::Speech),
    ("assure", None, CueClass::Speech),
    ("reassure", None, CueClass::Speech),
    ("caution", None, CueClass::Speech),
    ("threaten", None, CueClass::Speech),
    ("swear", Some("swore"), CueClass::Speech),
    ("hint", None, CueClass::Speech),
    ("imply", Some("implied"), CueClass::Speech),
    ("signal", None, CueClass::Speech),
    ("disclose", None, CueClass::Speech),
    ("concur", None, CueClass::Speech),
    ("disagree", None, CueClass::Speech),
    ("object", None, CueClass::Speech), // only with "to" or "that"
    ("protest", None, CueClass::Speech),
    ("apologize", None, CueClass::Speech),
    ("apologise", None, CueClass::Speech),
    ("plead", None, CueClass::Speech),
    ("discuss", None, CueClass::Speech),
    ("talk", None, CueClass::Speech), // only as "talk(ed) about / of"
    ("speak", Some("spoke"), CueClass::Speech), // only as "spoke about / of / out"
    ("refer", None, CueClass::Speech), // only as "referred to"
    ("comment", None, CueClass::Speech), // only as "commented on" / "that"
    ("continue", None, CueClass::Speech), // only before a quotation or a colon
    ("read", None, CueClass::Written), // only before a quotation or a colon
    ("retweet", None, CueClass::Written),
    ("publish", None, CueClass::Written),
    ("unveil", None, CueClass::Speech),
    ("outline", None, CueClass::Speech),
    ("detail", None, CueClass::Speech),
    ("list", None, CueClass::Speech),
    ("liken", None, CueClass::Describe),
    ("label", None, CueClass::Describe),
    ("brand", None, CueClass::Describe),
    ("dub", None, CueClass::Describe),
    ("portray", None, CueClass::Describe),
    ("depict", None, CueClass::Describe),
    ("consider", None, CueClass::Stance),
    // Mental states.
    ("know", Some("knew"), CueClass::Stance),
    ("feel", Some("felt"), CueClass::Stance),
    ("suspect", None, CueClass::Stance),
    ("doubt", None, CueClass::Stance),
    ("worry", Some("worried"), CueClass::Stance),
    ("wonder", None, CueClass::Stance),
    ("assume", None, CueClass::Stance),
    ("estimate", None, CueClass::Stance),
    ("anticipate", None, CueClass::Stance),
    ("forecast", None, CueClass::Stance),
    ("realize", None, CueClass::Stance),
    ("realise", None, CueClass::Stance),
    ("recognize", None, CueClass::Stance),
    ("recognise", None, CueClass::Stance),
    ("remember", None, CueClass::Stance),
    ("wish", None, CueClass::Stance),
    ("prefer", None, CueClass::Stance),
    ("intend", None, CueClass::Stance),
    ("plan", None, CueClass::Stance), // only before "to"
    ("aim", None, CueClass::Stance),  // only before "to"
    ("decide", None, CueClass::Stance),
    ("demonstrate", None, CueClass::Stance),
    // Positions.
    ("support", None, CueClass::Position),
    ("endorse", None, CueClass::Position),
    ("back", None, CueClass::Position),
    ("favor", None, CueClass::Position),
    ("favour", None, CueClass::Position),
    ("champion", None, CueClass::Position),
    ("defend", None, CueClass::Position),
    ("oppose", None, CueClass::Position),
    ("reject", None, CueClass::Position),
    ("dismiss", None, CueClass::Position),
    ("dispute", None, CueClass::Position),
    ("challenge", None, CueClass::Position),
    ("refute", None, CueClass::Position),
    ("rebut", None, CueClass::Position),
    ("condemn", None, CueClass::Position),
    ("denounce", None, CueClass::Position),
    ("decry", Some("decried"), CueClass::Position),
    ("blast", None, CueClass::Position),
    ("slam", None, CueClass::Position),
    ("bash", None, CueClass::Position),
    ("attack", None, CueClass::Position),
    ("ridicule", None, CueClass::Position),
    ("mock", None, CueClass::Position),
    ("lambast", None, CueClass::Position),
    ("lambaste", None, CueClass::Position),
    ("berate", None, CueClass::Position),
    ("scold", None, CueClass::Position),
    ("rebuke", None, CueClass::Position),
    ("assail", None, CueClass::Position),
    ("blame", None, CueClass::Position),
    ("applaud", None, CueClass::Position),
    ("commend", None, CueClass::Position),
    ("hail", None, CueClass::Position),
    ("laud", None, CueClass::Position),
    ("tout", None, CueClass::Position),
    ("welcome", None, CueClass::Position),
    ("thank", None, CueClass::Position),
    ("congratulate", None, CueClass::Position),
    ("propose", None, CueClass::Position),
    ("seek", Some("sought"), CueClass::Position),
    ("advocate", None, CueClass::Position),
    ("offer", None, CueClass::Position),
    ("refuse", None, CueClass::Position),
    ("vote", None, CueClass::Position), // only as "voted for / against"
    ("voice", None, CueClass::Speech),
    ("order", None, CueClass::Speech),
    ("rail", None, CueClass::Position), // only as "railed against"
    ("email", None, CueClass::Written),
    ("push", None, CueClass::Position),  // only as "pushed for"
    ("press", None, CueClass::Position), // only as "pressed for"
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
    ("admitted", "admit"),
    ("admitting", "admit"),
    ("planned", "plan"),
    ("planning", "plan"),
    ("referred", "refer"),
    ("referring", "refer"),
    ("preferred", "prefer"),
    ("preferring", "prefer"),
    ("slammed", "slam"),
    ("slamming", "slam"),
    ("dubbed", "dub"),
    ("dubbing", "dub"),
    ("rebutted", "rebut"),
    ("rebutting", "rebut"),
    ("concurred", "concur"),
    ("concurring", "concur"),
    ("quipped", "quip"),
    ("quipping", "quip"),
    ("bragged", "brag"),
    ("bragging", "brag"),
    ("labelled", "label"),
    ("labelling", "label"),
    ("signalled", "signal"),
    ("signalling", "signal"),
    ("spoken", "speak"),
    ("known", "know"),
    ("sworn", "swear"),
    ("thought", "think"),
    ("echoes", "echo"),
    ("testifies", "testify"),
    ("implies", "imply"),
    ("decries", "decry"),
    ("worries", "worry"),
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

/// Every form of every cue verb, built once.
fn verb_table() -> &'static std::collections::HashMap<String, VerbForm> {
    static TABLE: std::sync::OnceLock<std::collections::HashMap<String, VerbForm>> =
        std::sync::OnceLock::new();
    TABLE.get_or_init(|| {
        let mut t = std::collections::HashMap::new();
        // Later entries never override earlier ones: the first listing of a verb decides its
        // class.
        let mut put = |w: String, v: VerbForm| {
            t.entry(w).or_insert(v);
        };
        for &(base, past, class) in VERBS {
            let finite = VerbForm {
                base,
                class,
                participle: false,
            };
            put(base.to_string(), finite);
            if let Some(p) = past {
                put(p.to_string(), finite);
            }
            let [ed, ing, s] = regular_forms(base);
            let ing = if base.ends_with('y') {
                format!("{base}ing")
            } else {
                ing
            };
            let ed = if base.ends_with('y') && !base.ends_with("ay") && !base.ends_with("ey") {
                format!("{}ied", base.trim_end_matches('y'))
            } else {
                ed
            };
            if past.is_none() {
                put(ed, finite);
            }
            put(s, finite);
            put(
                ing,
                VerbForm {
                    participle: true,
                    ..finite
                },
            );
        }
        for &(form, base) in EXTRA_FORMS {
            if let Some(&(b, _, class)) = VERBS.iter().find(|v| v.0 == base) {
                t.insert(
                    form.to_string(),
                    VerbForm {
                        base: b,
                        class,
                        participle: form.ends_with("ing"),
                    },
                );
            }
        }
        t
    })
}

pub(crate) fn verb_form(word: &str) -> Option<VerbForm> {
    verb_table().get(word).copied()
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
    "now",
    "still",
    "just",
    "even",
    "since",
    "long",
    "quickly",
    "soon",
    "ultimately",
    "finally",
    "initially",
    "originally",
    "subsequently",
    "immediately",
    "openly",
    "frequently",
    "consistently",
    "been",
    "not",
    "never",
    "didn't",
    "doesn't",
    "don't",
    "hasn't",
    "haven't",
    "hadn't",
    "wasn't",
    "isn't",
    "won't",
    "wouldn't",
    "can't",
    "couldn't",
    "may",
    "might",
    "could",
    "should",
    "must",
    "can",
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

/// A pronoun with a contracted auxiliary, as one token ("he's predicting", "they're
/// saying"): the pronoun.
pub(crate) fn contracted_pronoun(low: &str) -> Option<&'static str> {
    Some(match low {
        "he's" | "he'd" | "he'll" => "he",
        "she's" | "she'd" | "she'll" => "she",
        "they're" | "they've" | "they'd" | "they'll" => "they",
        "we're" | "we've" | "we'd" | "we'll" => "we",
        "i'm" | "i've" | "i'd" | "i'll" => "i",
        "you're" | "you've" | "you'd" | "you'll" => "you",
        "who's" | "who've" | "who'd" | "who'll" => "who",
        _ => return None,
    })
}

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
