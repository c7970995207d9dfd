//! Second pass: ids, references, codes, conditions and claims, checked across the whole
//! dataset. Every problem becomes a [`Diag`]; nothing stops at the first one.

use std::collections::{BTreeMap, BTreeSet};

use accord_model::{
    Asserts, Dataset, Entry, ItemKind, PledgeKind, Status, Vocabulary, codes, is_valid_id,
};

use crate::Diag;
use crate::messages::{a, assign, list};
use crate::read::{Origin, Read, Seg};

use Seg::{I, K};

/// What a reference must point at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Want {
    Party,
    Source,
    Instrument,
    Item,
    Pledge,
}

impl Want {
    fn what(self) -> &'static str {
        match self {
            Want::Party => "party",
            Want::Source => "source",
            Want::Instrument => "instrument",
            Want::Item => "item",
            Want::Pledge => "pledge",
        }
    }

    /// What to name, for a help line.
    fn described(self) -> String {
        match self {
            Want::Item => "an instrument, commitment, track, package or pledge".to_string(),
            w => a(w.what()),
        }
    }

    fn accepts(self, e: Entry) -> bool {
        match self {
            Want::Party => matches!(e, Entry::Party(_)),
            Want::Source => matches!(e, Entry::Source(_)),
            Want::Instrument => matches!(e, Entry::Instrument(_)),
            Want::Item => e.item_kind().is_some(),
            Want::Pledge => matches!(e, Entry::Pledge(_)),
        }
    }
}

struct Ctx<'d> {
    ds: &'d Dataset,
    vocab: Vocabulary,
    diags: Vec<Diag>,
    /// Ids of entries that could not be read; references to them are not reported again.
    broken: &'d BTreeSet<String>,
    /// Values of repaired entries that are placeholders (see `read`).
    suppressed: &'d [(String, std::ops::Range<usize>)],
}

impl Ctx<'_> {
    /// Whether the field at `path` of the entry is a placeholder put in by the repair.
    fn is_placeholder(&self, o: &Origin<'_>, path: &[Seg<'_>]) -> bool {
        crate::read::is_suppressed(self.suppressed, &o.file.path, &o.at(path))
    }
}

impl Ctx<'_> {
    fn ids_of(&self, want: Want) -> Vec<&str> {
        self.ds
            .ids()
            .filter(|(_, e)| want.accepts(*e))
            .map(|(id, _)| id.as_str())
            .collect()
    }

    /// Checks that `id` names something of the wanted kind; reports it otherwise.
    fn reference(
        &mut self,
        o: &Origin<'_>,
        path: &[Seg<'_>],
        id: &str,
        want: Want,
        code: &'static str,
    ) {
        match self.ds.lookup(id) {
            Some(e) if want.accepts(e) => {}
            Some(e) => {
                let d = Diag::error(
                    "D013",
                    &o.file.path,
                    o.at(path),
                    format!(
                        "`{id}` is {}, but {} is expected here",
                        a(e.type_name()),
                        a(want.what())
                    ),
                )
                .label(format!("expected {}", a(want.what())));
                let cands = self.ids_of(want);
                let d = match accord_lang::suggest(id, cands.iter().copied()) {
                    Some(s) if s != id => d.help(format!("did you mean `{s}`?")),
                    _ => d.help(format!("name {} defined in the dataset", want.described())),
                };
                self.diags.push(d);
            }
            None if self.broken.contains(id) => {}
            None => {
                let cands = self.ids_of(want);
                let help = match accord_lang::suggest(id, cands.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => format!(
                        "define {} with `id = \"{id}\"`, or name one that exists",
                        want.described()
                    ),
                };
                self.diags.push(
                    Diag::error(
                        code,
                        &o.file.path,
                        o.at(path),
                        format!("unknown {} `{id}`", want.what()),
                    )
                    .label(format!("no {} has this id", want.what()))
                    .help(help),
                );
            }
        }
    }

    fn references(&mut self, o: &Origin<'_>, key: &str, ids: &[String], want: Want) {
        for (i, id) in ids.iter().enumerate() {
            self.reference(o, &[K(key), I(i)], id, want, "D005");
        }
    }

    fn condition(&mut self, o: &Origin<'_>, path: &[Seg<'_>], text: &str) {
        // Where each byte of the condition is in the file, so that escapes, multi-line
        // strings and a trimmed first newline do not shift the underline.
        let offsets = o.string_offsets(path, text).unwrap_or_else(|| {
            let start = o.at(path).start + 1;
            (0..=text.len()).map(|i| start + i).collect()
        });
        let at = |i: usize| offsets.get(i).or(offsets.last()).copied().unwrap_or(0);
        let resolver = DatasetResolver {
            ds: self.ds,
            vocab: &self.vocab,
        };
        let ds = match accord_lang::parse(text) {
            Ok(expr) => accord_lang::check(&expr, &resolver),
            Err(ds) => ds,
        };
        for d in ds {
            // An unknown name that is the id of an entry that could not be read has been
            // reported with that entry.
            let named = text.get(d.span.start..d.span.end).unwrap_or("");
            if d.message.starts_with("unknown") && self.broken.contains(named) {
                continue;
            }
            let mut x = Diag::error(
                d.code,
                &o.file.path,
                at(d.span.start)..at(d.span.end),
                d.message,
            )
            .label(d.label);
            x.help = Some(d.help.unwrap_or_else(|| {
                "see docs/condition-language.md for how conditions are written".to_string()
            }));
            self.diags.push(x);
        }
    }
}

struct DatasetResolver<'d> {
    ds: &'d Dataset,
    vocab: &'d Vocabulary,
}

impl accord_lang::Resolver for DatasetResolver<'_> {
    fn item_kind(&self, id: &str) -> Option<accord_lang::ItemKind> {
        Some(match self.ds.item_kind(id)? {
            ItemKind::Instrument => accord_lang::ItemKind::Instrument,
            ItemKind::Commitment => accord_lang::ItemKind::Commitment,
            ItemKind::Track => accord_lang::ItemKind::Track,
            ItemKind::Package => accord_lang::ItemKind::Package,
            ItemKind::Pledge => accord_lang::ItemKind::Pledge,
        })
    }
    fn item_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.ds.items().into_iter().map(|(id, _)| id).collect();
        let mut seen = BTreeSet::new();
        ids.retain(|id| is_valid_id(id) && seen.insert(id.clone()));
        ids
    }
    fn party_exists(&self, id: &str) -> bool {
        self.ds.party(id).is_some()
    }
    fn party_ids(&self) -> Vec<String> {
        self.ds.parties.iter().map(|p| p.id.clone()).collect()
    }
    fn is_status(&self, name: &str) -> bool {
        !self.vocab.word_statuses(name).is_empty()
    }
    fn status_names(&self) -> Vec<String> {
        Status::ALL.iter().map(|s| s.name().to_string()).collect()
    }
}

fn id_check(diags: &mut Vec<Diag>, o: &Origin<'_>, path: &[Seg<'_>], id: &str) {
    if !is_valid_id(id) {
        let fixed: String = id
            .to_lowercase()
            .chars()
            .map(|c| {
                if c.is_ascii_alphanumeric() || c == '.' {
                    c
                } else {
                    '_'
                }
            })
            .collect();
        diags.push(
            Diag::error("D012", &o.file.path, o.at(path), format!("`{id}` is not a valid id"))
                .label("invalid id")
                .help(format!(
                    "ids are lowercase letters, digits and `_`, starting with a letter, in segments joined by `.`, e.g. `{fixed}`"
                )),
        );
    }
}

pub(crate) fn validate(mut r: Read<'_>) -> (Dataset, Vec<Diag>) {
    let read_diags = std::mem::take(&mut r.diags);
    let mut diags = Vec::new();
    let meta = r.meta.as_ref().map(|(m, _)| m.clone()).unwrap_or_default();

    // Ids: syntax and uniqueness across every kind.
    let mut first: BTreeMap<String, (&str, String, &str, usize)> = BTreeMap::new();
    let mut all_ids: Vec<(&str, &str, &Origin<'_>, Vec<Seg<'_>>)> = Vec::new();
    for (x, o) in &r.parties {
        all_ids.push((&x.id, "party", o, vec![K("id")]));
    }
    for (x, o) in &r.sources {
        all_ids.push((&x.id, "source", o, vec![K("id")]));
    }
    for (x, o) in &r.instruments {
        all_ids.push((&x.id, "instrument", o, vec![K("id")]));
        for (j, c) in x.commitments.iter().enumerate() {
            all_ids.push((&c.id, "commitment", o, vec![K("commitment"), I(j), K("id")]));
        }
    }
    for (x, o) in &r.tracks {
        all_ids.push((&x.id, "track", o, vec![K("id")]));
    }
    for (x, o) in &r.packages {
        all_ids.push((&x.id, "package", o, vec![K("id")]));
    }
    for (x, o) in &r.links {
        all_ids.push((&x.id, "link", o, vec![K("id")]));
    }
    for (x, o) in &r.pledges {
        all_ids.push((&x.id, "pledge", o, vec![K("id")]));
    }
    for (x, o) in &r.claims {
        all_ids.push((&x.id, "claim", o, vec![K("id")]));
    }
    for (id, kind, o, path) in &all_ids {
        id_check(&mut diags, o, path, id);
        let span = o.at(path);
        match first.get(*id) {
            Some((was, file, text, at)) => {
                // The line is worked out only for a duplicate: counting lines for every id
                // would make validation quadratic in the size of a file.
                let line = accord_lang::line_col(text, *at).0;
                diags.push(
                    Diag::error("D004", &o.file.path, span, format!("duplicate id `{id}`"))
                        .label(format!("{} has this id already", a(was)))
                        .help(format!(
                            "ids must be unique across the whole dataset, and `{id}` is already {} at {file}:{line}; rename one of them",
                            a(was)
                        )),
                );
            }
            None => {
                first.insert(
                    id.to_string(),
                    (kind, o.file.path.clone(), o.file.text.as_str(), span.start),
                );
            }
        }
    }

    let mut ds = Dataset::default();
    ds.meta = meta;
    ds.parties = r.parties.iter().map(|(x, _)| x.clone()).collect();
    ds.sources = r.sources.iter().map(|(x, _)| x.clone()).collect();
    ds.instruments = r.instruments.iter().map(|(x, _)| x.clone()).collect();
    ds.tracks = r.tracks.iter().map(|(x, _)| x.clone()).collect();
    ds.packages = r.packages.iter().map(|(x, _)| x.clone()).collect();
    ds.links = r.links.iter().map(|(x, _)| x.clone()).collect();
    ds.pledges = r.pledges.iter().map(|(x, _)| x.clone()).collect();
    ds.claims = r.claims.iter().map(|(x, _)| x.clone()).collect();
    ds.reindex();
    let vocab = ds.vocabulary();
    let mut cx = Ctx {
        ds: &ds,
        vocab,
        diags,
        broken: &r.broken_ids,
        suppressed: &r.suppressed,
    };

    // accord.toml
    if let Some((m, o)) = &r.meta
        && !["limited", "substantial", "complete"]
            .iter()
            .any(|k| cx.is_placeholder(o, &[K("progress"), K(k)]))
    {
        let p = &m.progress;
        let steps = [
            ("limited", p.limited),
            ("substantial", p.substantial),
            ("complete", p.complete),
        ];
        // The first threshold out of place: not above 0, below the one before it, or above 1.
        let mut problem = None;
        if p.limited.is_nan() || p.limited <= 0.0 {
            problem = Some((
                "limited",
                format!("`limited` must be above 0, not `{}`", p.limited),
            ));
        }
        for w in steps.windows(2) {
            if problem.is_none() && (w[0].1 > w[1].1 || w[1].1.is_nan()) {
                problem = Some((
                    w[0].0,
                    format!(
                        "`{} = {}` is above `{} = {}`{}",
                        w[0].0,
                        w[0].1,
                        w[1].0,
                        w[1].1,
                        // A threshold left out has its default.
                        if o.at(&[K("progress"), K(w[1].0)]) == o.at(&[K("progress")]) {
                            " (the default)"
                        } else {
                            ""
                        }
                    ),
                ));
            }
        }
        if problem.is_none() && (p.complete > 1.0 || p.complete.is_nan()) {
            problem = Some((
                "complete",
                format!("`complete` must be at most 1, not `{}`", p.complete),
            ));
        }
        if let Some((field, message)) = problem {
            // Point at the threshold if it is written, else at the table.
            let at = o.at(&[K("progress"), K(field)]);
            cx.diags.push(
                Diag::error("D003", &o.file.path, at, format!("progress thresholds out of order: {message}"))
                    .label("out of order")
                    .help("the thresholds are fractions of commitments met, rising: 0 < `limited` ≤ `substantial` ≤ `complete` ≤ 1"),
            );
        }
    }

    for (p, o) in &r.parties {
        party_codes(&mut cx.diags, p, o);
        cx.references(o, "members", &p.members, Want::Party);
        if let Some(c) = &p.country {
            cx.reference(o, &[K("country")], c, Want::Party, "D005");
        }
        for (i, role) in p.roles.iter().enumerate() {
            if let Some(of) = &role.of {
                cx.reference(o, &[K("role"), I(i), K("of")], of, Want::Party, "D005");
            }
            for (j, s) in role.sources.iter().enumerate() {
                cx.reference(
                    o,
                    &[K("role"), I(i), K("sources"), I(j)],
                    s,
                    Want::Source,
                    "D005",
                );
            }
            if let (Some(f), Some(t)) = (role.from, role.to)
                && t < f
            {
                cx.diags.push(
                    Diag::error(
                        "D006",
                        &o.file.path,
                        o.at(&[K("role"), I(i), K("to")]),
                        format!("the role ends on `{t}`, before it starts on `{f}`"),
                    )
                    .label("before `from`")
                    .help("swap `from` and `to`, or fix the date"),
                );
            }
        }
    }
    for (s, o) in &r.sources {
        if let Some(out) = &s.outlet {
            cx.reference(o, &[K("outlet")], out, Want::Party, "D005");
        }
    }
    for (ins, o) in &r.instruments {
        cx.references(o, "parties", &ins.parties, Want::Party);
        cx.references(o, "sources", &ins.sources, Want::Source);
        if let Some(p) = &ins.parent {
            cx.reference(o, &[K("parent")], p, Want::Instrument, "D005");
        }
        if let Some(a) = &ins.activation {
            cx.condition(o, &[K("activation")], a);
        }
        let mut sections = BTreeSet::new();
        for (i, s) in ins.sections.iter().enumerate() {
            if !sections.insert(s.id.as_str()) {
                cx.diags.push(
                    Diag::error(
                        "D004",
                        &o.file.path,
                        o.at(&[K("section"), I(i), K("id")]),
                        format!("duplicate section id `{}` in instrument `{}`", s.id, ins.id),
                    )
                    .label("defined again here")
                    .help("section ids must be unique within their instrument"),
                );
            }
        }
        let section_ref = |cx: &mut Ctx<'_>, path: &[Seg<'_>], sec: &str| {
            if !sections.contains(sec) {
                let help = match accord_lang::suggest(sec, sections.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None if sections.is_empty() => format!(
                        "instrument `{}` defines no sections; add an `[[instrument.section]]` with `id = \"{sec}\"`",
                        ins.id
                    ),
                    None => format!(
                        "the sections of `{}` are {}",
                        ins.id,
                        list(&sections.iter().copied().collect::<Vec<_>>())
                    ),
                };
                cx.diags.push(
                    Diag::error(
                        "D021",
                        &o.file.path,
                        o.at(path),
                        format!("unknown section `{sec}` in instrument `{}`", ins.id),
                    )
                    .label("no such section")
                    .help(help),
                );
            }
        };
        if let Some(d) = &ins.discontinuation
            && let Some(sec) = &d.section
        {
            section_ref(&mut cx, &[K("discontinuation"), K("section")], sec);
        }
        for (j, c) in ins.commitments.iter().enumerate() {
            let at = |k| [K("commitment"), I(j), K(k)];
            cx.reference(o, &at("obligor"), &c.obligor, Want::Party, "D005");
            if let Some(b) = &c.beneficiary {
                cx.reference(o, &at("beneficiary"), b, Want::Party, "D005");
            }
            if let Some(sec) = &c.section {
                section_ref(&mut cx, &at("section"), sec);
            }
            if let Some(cond) = &c.condition {
                cx.condition(o, &at("condition"), cond);
            }
            for (k, s) in c.sources.iter().enumerate() {
                cx.reference(
                    o,
                    &[K("commitment"), I(j), K("sources"), I(k)],
                    s,
                    Want::Source,
                    "D005",
                );
            }
        }
        // Dates in order.
        if let (Some(a), Some(b)) = (ins.signed, ins.in_force)
            && b < a
        {
            cx.diags.push(
                Diag::error(
                    "D006",
                    &o.file.path,
                    o.at(&[K("in_force")]),
                    format!("`in_force` is `{b}`, before `signed` (`{a}`)"),
                )
                .label("before the signature")
                .help("check the dates against the source"),
            );
        }
    }
    // Parent chains must not loop; each loop is reported once, at its first instrument.
    let mut in_reported_loop: BTreeSet<String> = BTreeSet::new();
    for (ins, o) in &r.instruments {
        if in_reported_loop.contains(&ins.id) {
            continue;
        }
        let mut chain = vec![ins.id.clone()];
        let mut cur = ins.parent.clone();
        while let Some(p) = cur {
            if p == ins.id {
                let shown: Vec<String> =
                    chain.iter().chain([&p]).map(|x| format!("`{x}`")).collect();
                cx.diags.push(
                    Diag::error("D018", &o.file.path, o.at(&[K("parent")]), format!("the `parent` chain of instrument `{}` loops back to it", ins.id))
                        .label(format!("the loop: {}", shown.join(" → ")))
                        .help("an instrument's parent is a different, higher-level instrument; remove the `parent` that closes the loop"),
                );
                in_reported_loop.extend(chain);
                break;
            }
            if chain.contains(&p) {
                break;
            }
            chain.push(p.clone());
            cur = ds.instrument(&p).and_then(|i| i.parent.clone());
        }
    }
    for (t, o) in &r.tracks {
        cx.references(o, "parties", &t.parties, Want::Party);
        cx.references(o, "instruments", &t.instruments, Want::Instrument);
        cx.references(o, "sources", &t.sources, Want::Source);
        for (i, p) in t.products.iter().enumerate() {
            let known = ["hs", "htsus", "uk_tariff", "cpc"];
            if !known.contains(&p.system.as_str()) {
                cx.diags.push(
                    Diag::error(
                        "D003",
                        &o.file.path,
                        o.at(&[K("product"), I(i), K("system")]),
                        format!("unknown product classification `{}`", p.system),
                    )
                    .label("not a known classification")
                    .help(format!("use one of {}", list(&known))),
                );
            }
            let digits = p.code.chars().all(|c| c.is_ascii_digit() || c == '.');
            let count = p.code.chars().filter(|c| c.is_ascii_digit()).count();
            if p.system == "hs" && (!digits || ![2, 4, 6].contains(&count)) {
                cx.diags.push(
                    Diag::error("D003", &o.file.path, o.at(&[K("product"), I(i), K("code")]), format!("`{}` is not an HS code", p.code))
                        .label("not an HS code")
                        .help("an HS code has 2 (chapter), 4 (heading) or 6 (subheading) digits, e.g. `code = \"8703\"`"),
                );
            }
        }
    }
    for (p, o) in &r.packages {
        cx.references(o, "sources", &p.sources, Want::Source);
    }
    for (l, o) in &r.links {
        cx.reference(o, &[K("from")], &l.from, Want::Item, "D005");
        cx.reference(o, &[K("to")], &l.to, Want::Item, "D005");
        cx.references(o, "sources", &l.sources, Want::Source);
        if l.from == l.to {
            cx.diags.push(
                Diag::error(
                    "D017",
                    &o.file.path,
                    o.at(&[K("to")]),
                    format!("link `{}` joins `{}` to itself", l.id, l.from),
                )
                .label("same as `from`")
                .help("a link joins two different items"),
            );
        }
        if l.kind == accord_model::LinkKind::PartOf
            && ds.item_kind(&l.to).is_some_and(|k| k != ItemKind::Package)
        {
            cx.diags.push(
                Diag::error(
                    "D013",
                    &o.file.path,
                    o.at(&[K("to")]),
                    format!(
                        "a `part_of` link must point at a package, and `{}` is not one",
                        l.to
                    ),
                )
                .label("not a package")
                .help("define a `[[package]]` and point `to` at it, or use another link kind"),
            );
        }
        if let Some(c) = &l.condition {
            cx.condition(o, &[K("condition")], c);
        }
    }
    for (p, o) in &r.pledges {
        if let Some(x) = &p.pledgor {
            cx.reference(o, &[K("pledgor")], x, Want::Party, "D005");
        }
        if let Some(x) = &p.recipient {
            cx.reference(o, &[K("recipient")], x, Want::Party, "D005");
        }
        if let Some(m) = &p.money {
            if !codes::is_currency(&m.currency) {
                let all = codes::currency_codes();
                let up = m.currency.to_uppercase();
                let help = if codes::is_currency(&up) {
                    format!("currency codes are upper case: `{up}`")
                } else {
                    match accord_lang::suggest(&up, all.iter().map(|s| s.as_str())) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "use an ISO 4217 code such as `GBP`, `USD` or `EUR`".into(),
                    }
                };
                cx.diags.push(
                    Diag::error(
                        "D007",
                        &o.file.path,
                        o.at(&[K("money"), K("currency")]),
                        format!("`{}` is not an ISO 4217 currency code", m.currency),
                    )
                    .label("unknown currency")
                    .help(help),
                );
            }
            if m.amount.is_sign_negative() {
                cx.diags.push(
                    Diag::error(
                        "D003",
                        &o.file.path,
                        o.at(&[K("money"), K("amount")]),
                        "a pledged amount cannot be negative".into(),
                    )
                    .label("negative")
                    .help("write the amount pledged as a positive number"),
                );
            }
        }
        if p.money.is_none() && p.quantity.is_none() && p.kind == PledgeKind::Single && !o.damaged {
            cx.diags.push(
                Diag::error("D003", &o.file.path, o.span.clone(), format!("pledge `{}` has neither `money` nor `quantity`", p.id))
                    .label("nothing pledged")
                    .help("add `money = { amount = \"…\", currency = \"GBP\" }` or `quantity = { amount = …, unit = \"…\" }`")
                    .warning(),
            );
        }
        if let Some(pk) = &p.package {
            cx.reference(o, &[K("package")], pk, Want::Pledge, "D005");
            // Unless the other pledge's `kind` was unreadable and is a stand-in.
            let other = r.pledges.iter().find(|(x, _)| &x.id == pk);
            if let Some((x, xo)) = other
                && x.kind != PledgeKind::Aggregate
                && !cx.is_placeholder(xo, &[K("kind")])
            {
                cx.diags.push(
                    Diag::error("D013", &o.file.path, o.at(&[K("package")]), format!("`{pk}` is a single pledge; `package` must name an aggregate pledge"))
                        .label("not an aggregate")
                        .help(format!("set `kind = \"aggregate\"` on `{pk}`, or name the package it was announced in")),
                );
            }
        }
        cx.references(o, "overlaps", &p.overlaps, Want::Pledge);
        cx.references(o, "tied_to", &p.tied_to, Want::Item);
        cx.references(o, "sources", &p.sources, Want::Source);
    }
    for (c, o) in &r.claims {
        claim(&mut cx, c, o);
    }

    // Drop what would be about the placeholders of repaired entries: their real problem has
    // been reported when they were read.
    let mut diags = read_diags;
    diags.extend(
        cx.diags
            .into_iter()
            .filter(|d| !crate::read::is_suppressed(&r.suppressed, &d.file, &d.span)),
    );
    diags.sort_by(|a, b| (a.file.as_str(), a.span.start).cmp(&(b.file.as_str(), b.span.start)));
    (ds, diags)
}

fn party_codes(diags: &mut Vec<Diag>, p: &accord_model::Party, o: &Origin<'_>) {
    let mut a2 = None;
    let mut a3 = None;
    if let Some(c) = &p.iso2 {
        match codes::country_alpha2(c) {
            Some(x) => a2 = Some(x),
            None => {
                let help = match c.as_str() {
                    "UK" => "the ISO 3166-1 code of the United Kingdom is `GB` (`UK` is reserved)"
                        .to_string(),
                    "EU" => "the EU is not a country; give it `kind = \"bloc\"` and no ISO code"
                        .to_string(),
                    _ => match accord_lang::suggest(
                        &c.to_uppercase(),
                        codes::country_alpha2_codes().iter().map(|s| s.as_str()),
                    ) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => "use an ISO 3166-1 alpha-2 code such as `GB` or `US`".into(),
                    },
                };
                diags.push(
                    Diag::error(
                        "D008",
                        &o.file.path,
                        o.at(&[K("iso2")]),
                        format!("`{c}` is not an ISO 3166-1 alpha-2 country code"),
                    )
                    .label("unknown country code")
                    .help(help),
                );
            }
        }
    }
    if let Some(c) = &p.iso3 {
        match codes::country_alpha3(c) {
            Some(x) => a3 = Some(x),
            None => {
                let help = match accord_lang::suggest(
                    &c.to_uppercase(),
                    codes::country_alpha3_codes().iter().map(|s| s.as_str()),
                ) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "use an ISO 3166-1 alpha-3 code such as `GBR` or `USA`".into(),
                };
                diags.push(
                    Diag::error(
                        "D008",
                        &o.file.path,
                        o.at(&[K("iso3")]),
                        format!("`{c}` is not an ISO 3166-1 alpha-3 country code"),
                    )
                    .label("unknown country code")
                    .help(help),
                );
            }
        }
    }
    if let (Some(x), Some(y)) = (&a2, &a3)
        && x.alpha3 != y.alpha3
    {
        diags.push(
            Diag::error(
                "D008",
                &o.file.path,
                o.at(&[K("iso3")]),
                format!("`{}` and `{}` name different countries", x.alpha2, y.alpha3),
            )
            .label(format!(
                "`{}` is the alpha-3 code of `{}`",
                y.alpha3, y.alpha2
            ))
            .help(format!(
                "the alpha-3 code of `{}` is `{}`",
                x.alpha2, x.alpha3
            )),
        );
    }
    if let Some(n) = p.m49 {
        let known = a2.as_ref().or(a3.as_ref());
        // Name the country by the code the party was given.
        let given = |k: &codes::CountryCode| {
            if a2.is_some() {
                k.alpha2.clone()
            } else {
                k.alpha3.clone()
            }
        };
        match (codes::country_numeric(n), known) {
            (Some(c), Some(k)) if c.alpha2 != k.alpha2 => diags.push(
                Diag::error(
                    "D008",
                    &o.file.path,
                    o.at(&[K("m49")]),
                    format!("M49 code `{n}` does not match `{}`", given(k)),
                )
                .label(format!("`{n}` is the code of `{}`", given(&c)))
                .help(format!("the M49 code of `{}` is `{}`", given(k), k.numeric)),
            ),
            (None, Some(k)) => diags.push(
                Diag::error(
                    "D008",
                    &o.file.path,
                    o.at(&[K("m49")]),
                    format!("`{n}` is not a UN M49 country code"),
                )
                .label("unknown M49 code")
                .help(format!("the M49 code of `{}` is `{}`", given(k), k.numeric)),
            ),
            (None, None) if p.kind == accord_model::PartyKind::Country => diags.push(
                Diag::error(
                    "D008",
                    &o.file.path,
                    o.at(&[K("m49")]),
                    format!("`{n}` is not a UN M49 country code"),
                )
                .label("unknown M49 code")
                .help("a country's M49 code is its ISO 3166-1 numeric code, e.g. `826` for `GB`"),
            ),
            _ => {}
        }
    }
    if p.kind == accord_model::PartyKind::Country
        && p.iso2.is_none()
        && p.iso3.is_none()
        && !o.damaged
    {
        diags.push(
            Diag::error(
                "D008",
                &o.file.path,
                o.at(&[K("kind")]),
                format!("country `{}` has no ISO 3166-1 code", p.id),
            )
            .label("a country needs a code")
            .help("add `iso2 = \"…\"` and `iso3 = \"…\"` (ISO 3166-1), e.g. `GB` and `GBR`")
            .warning(),
        );
    }
}

fn claim(cx: &mut Ctx<'_>, c: &accord_model::Claim, o: &Origin<'_>) {
    let ds = cx.ds;
    let kind = match ds.lookup(&c.about) {
        Some(e) => match e.item_kind() {
            Some(k) => Some(k),
            None => {
                cx.reference(o, &[K("about")], &c.about, Want::Item, "D010");
                None
            }
        },
        None if cx.broken.contains(&c.about) => None,
        None => {
            let cands: Vec<String> = ds.items().into_iter().map(|(id, _)| id).collect();
            let help = match accord_lang::suggest(&c.about, cands.iter().map(|s| s.as_str())) {
                Some(s) => format!("did you mean `{s}`?"),
                None => "a claim must be about an instrument, commitment, track, package or pledge of the dataset".into(),
            };
            cx.diags.push(
                Diag::error(
                    "D010",
                    &o.file.path,
                    o.at(&[K("about")]),
                    format!("claim `{}` is about unknown item `{}`", c.id, c.about),
                )
                .label("no item has this id")
                .help(help),
            );
            None
        }
    };
    cx.reference(o, &[K("source")], &c.source, Want::Source, "D005");
    if let Some(s) = &c.speaker {
        cx.reference(o, &[K("speaker")], s, Want::Party, "D005");
    }
    if let Some(s) = &c.side {
        cx.reference(o, &[K("side")], s, Want::Party, "D005");
    }
    if let Some(b) = &c.by {
        cx.reference(o, &[K("by")], b, Want::Party, "D005");
    }
    if !(0.0..=1.0).contains(&c.confidence) || c.confidence.is_nan() {
        cx.diags.push(
            Diag::error(
                "D019",
                &o.file.path,
                o.at(&[K("confidence")]),
                format!("confidence `{}` is outside 0 to 1", c.confidence),
            )
            .label("out of range")
            .help(if c.confidence > 1.0 && c.confidence <= 100.0 {
                format!(
                    "confidence is a fraction, not a percentage: {}",
                    assign(
                        "confidence",
                        &(c.confidence / 100.0).to_string(),
                        o.file.path.ends_with(".jsonl")
                    )
                )
            } else {
                format!(
                    "write a number from 0 (no confidence) to 1 (certain), e.g. {}",
                    assign("confidence", "0.8", o.file.path.ends_with(".jsonl"))
                )
            }),
        );
    }
    // When `asserts` was unreadable it holds a stand-in, and `value` cannot be judged by it.
    let asserts = if cx.is_placeholder(o, &[K("asserts")]) {
        Asserts::Statement
    } else {
        c.asserts
    };
    match asserts {
        Asserts::Status => match (&c.value, kind) {
            (None, _) if o.damaged => {}
            (None, _) => cx.diags.push(
                Diag::error("D015", &o.file.path, o.at(&[K("asserts")]), format!("claim `{}` asserts a status but gives no `value`", c.id))
                    .label("needs a `value`")
                    .help("add `value = \"…\"` with the wording the source used, e.g. `value = \"paused\"`"),
            ),
            (Some(v), Some(k)) => {
                if cx.vocab.canonical(k, v).is_none() {
                    let names: Vec<&str> = Status::for_kind(k).map(|s| s.name()).collect();
                    let help = match accord_lang::suggest(&v.replace(' ', "_"), names.iter().copied()) {
                        Some(s) => format!("did you mean `{s}`? otherwise map the wording to a status in `[dataset.synonyms]` in `accord.toml`"),
                        None => format!(
                            "{} can be {}; map new wording to one of them in `[dataset.synonyms]` in `accord.toml`",
                            a(&k.to_string()),
                            list(&names)
                        ),
                    };
                    cx.diags.push(
                        Diag::error("D014", &o.file.path, o.at(&[K("value")]), format!("`{v}` is not a status {} can have", a(&k.to_string())))
                            .label("unknown status wording")
                            .help(help),
                    );
                }
            }
            (Some(_), None) => {}
        },
        Asserts::Progress => match &c.value {
            None if o.damaged => {}
            None => cx.diags.push(
                Diag::error("D015", &o.file.path, o.at(&[K("asserts")]), format!("claim `{}` asserts progress but gives no `value`", c.id))
                    .label("needs a `value`")
                    .help("add `value = \"…\"` with a level: `none`, `limited`, `substantial` or `complete`"),
            ),
            Some(v) => {
                if v.parse::<accord_lang::Level>().is_err() {
                    let levels = ["none", "limited", "substantial", "complete"];
                    let help = match accord_lang::suggest(v, levels) {
                        Some(s) => format!("did you mean `{s}`?"),
                        None => format!("a progress level is one of {}", list(&levels)),
                    };
                    cx.diags.push(
                        Diag::error("D015", &o.file.path, o.at(&[K("value")]), format!("`{v}` is not a progress level"))
                            .label("not a level")
                            .help(help),
                    );
                }
            }
        },
        Asserts::Met | Asserts::Missed => {
            if let Some(k) = kind
                && k != ItemKind::Commitment
            {
                cx.diags.push(
                    Diag::error("D013", &o.file.path, o.at(&[K("asserts")]), format!("only a commitment can be met or missed, and `{}` is {}", c.about, a(&k.to_string())))
                        .label("not a commitment")
                        .help("point `about` at a commitment, or assert a `status` instead"),
                );
            }
        }
        Asserts::Statement | Asserts::DeclinedToComment | Asserts::NoResponse => {}
    }
    for (key, target) in [("retracts", &c.retracts), ("supersedes", &c.supersedes)] {
        let Some(t) = target else { continue };
        match ds.claim(t) {
            // The other claim could not be read whole; its `about` may be a stand-in.
            Some(other) if other.about == crate::read::PLACEHOLDER => {}
            Some(other) => {
                if other.id == c.id {
                    cx.diags.push(
                        Diag::error(
                            "D011",
                            &o.file.path,
                            o.at(&[K(key)]),
                            format!("claim `{}` corrects itself", c.id),
                        )
                        .label("points at its own claim")
                        .help("a correction names an earlier, different claim"),
                    );
                } else if other.about != c.about {
                    cx.diags.push(
                        Diag::error(
                            "D011",
                            &o.file.path,
                            o.at(&[K(key)]),
                            format!(
                                "claim `{}` is about `{}` but corrects `{t}`, which is about `{}`",
                                c.id, c.about, other.about
                            ),
                        )
                        .label("about another item")
                        .help("a correction must be about the same item as the claim it corrects"),
                    );
                }
            }
            None if cx.broken.contains(t) => {}
            None => {
                let cands: Vec<&str> = ds
                    .claims
                    .iter()
                    .map(|x| x.id.as_str())
                    .filter(|x| *x != c.id)
                    .collect();
                let help = match accord_lang::suggest(t, cands.iter().copied()) {
                    Some(s) => format!("did you mean `{s}`?"),
                    None => "name the id of an earlier claim in this dataset".into(),
                };
                cx.diags.push(
                    Diag::error(
                        "D011",
                        &o.file.path,
                        o.at(&[K(key)]),
                        format!("claim `{}` {key} `{t}`, which does not exist", c.id),
                    )
                    .label("dangling correction")
                    .help(help),
                );
            }
        }
    }
    if c.retracts.is_some() && c.supersedes.is_some() {
        cx.diags.push(
            Diag::error(
                "D011",
                &o.file.path,
                o.at(&[K("supersedes")]),
                format!("claim `{}` both retracts and supersedes", c.id),
            )
            .label("pick one")
            .help("use `retracts` to withdraw a claim, or `supersedes` to replace it"),
        );
    }
    if let Some(src) = ds.source(&c.source)
        && c.known < src.published
    {
        cx.diags.push(
            Diag::error("D006", &o.file.path, o.at(&[K("known")]), format!("claim `{}` is known on `{}`, before its source was published on `{}`", c.id, c.known, src.published))
                .label("before the source existed")
                .help("`known` is when the claim became known, normally no earlier than its source was published; check both dates against the source")
                .warning(),
        );
    }
}
