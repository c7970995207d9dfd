//! accord's domain model.
//!
//! Plain data: parties, sources, instruments (with sections, provisions and commitments),
//! tracks, packages, typed links, pledges and claims, plus dates with precision, standard
//! codes and the status vocabulary. Serde derives give the dataset format its field names;
//! `accord-dataset` adds spans and validation on top.

pub mod claim;
pub mod codes;
pub mod dataset;
pub mod date;
pub mod instrument;
pub mod link;
pub mod party;
pub mod pledge;
pub mod source;
pub mod track;
pub mod vocab;

/// Ids are short lowercase names, unique across a dataset: `epd`, `tpd`, `tech_track`.
pub type Id = String;

pub use claim::{Asserts, Channel, Claim};
pub use dataset::{Dataset, DatasetMeta, Entry, ProgressThresholds};
pub use date::{DateError, FuzzyDate, Precision};
pub use instrument::{
    Commitment, Discontinuation, ExternalId, Instrument, InstrumentKind, NoticeForm, Provision,
    Section,
};
pub use link::{Link, LinkKind, LinkMode};
pub use party::{Party, PartyKind, Role};
pub use pledge::{Money, Pledge, PledgeKind, Quantity};
pub use rust_decimal::Decimal;
pub use source::{Source, SourceKind};
pub use track::{Package, ProductCode, Track, TrackKind};
pub use vocab::{ItemKind, Status, Tone, Vocabulary};

/// Whether `id` is a valid id: `[a-z][a-z0-9_]*` segments joined by `.`.
pub fn is_valid_id(id: &str) -> bool {
    !id.is_empty()
        && id.split('.').all(|seg| {
            let mut b = seg.bytes();
            matches!(b.next(), Some(c) if c.is_ascii_lowercase())
                && b.all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
        })
}
