//! Instruments: treaties, agreements, MOUs, frameworks, executive orders; their sections,
//! provisions and commitments.

use jiff::civil::Date;
use serde::{Deserialize, Serialize};

use crate::{FuzzyDate, Id};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InstrumentKind {
    Treaty,
    ExecutiveAgreement,
    MemorandumOfUnderstanding,
    /// General terms or a framework agreement under which sector arrangements are made.
    Framework,
    /// A sector arrangement under a framework.
    SectorArrangement,
    JointStatement,
    /// An agreement in principle, announced but not yet written down.
    AgreementInPrinciple,
    ExecutiveOrder,
    Proclamation,
    StatutoryInstrument,
    Other,
}

impl InstrumentKind {
    /// Whether instruments of this kind are binding unless a dataset says otherwise.
    pub fn binding_by_default(self) -> bool {
        matches!(
            self,
            InstrumentKind::Treaty
                | InstrumentKind::ExecutiveAgreement
                | InstrumentKind::ExecutiveOrder
                | InstrumentKind::Proclamation
                | InstrumentKind::StatutoryInstrument
        )
    }
}

/// A numbered part of an instrument's text, with a stable id local to the instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Section {
    pub id: Id,
    /// The number as printed ("III", "1(c)(i)").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub number: Option<String>,
    pub title: String,
    #[serde(default, rename = "provision", skip_serializing_if = "Vec::is_empty")]
    pub provisions: Vec<Provision>,
}

/// One provision of a section, summarised in the dataset's own words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Provision {
    pub id: Id,
    pub summary: String,
}

/// Something a party undertakes to do under an instrument.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// Globally unique id, so that conditions and claims can name it.
    pub id: Id,
    pub summary: String,
    /// The party that must act.
    pub obligor: Id,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due: Option<FuzzyDate>,
    /// The section (id local to the instrument) that holds it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Id>,
    /// A condition (in the condition language) the commitment depends on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub condition: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Id>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeForm {
    Written,
    Any,
}

/// How an instrument can be ended by one side.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Discontinuation {
    pub notice: NoticeForm,
    /// Days from notice to effect, when no other date is agreed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period_days: Option<u32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub section: Option<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// An identifier in another system: `us_eo` 14309, `fr_doc` 2025-11xxx, `wto_rta` 123.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExternalId {
    pub scheme: String,
    pub value: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Instrument {
    pub id: Id,
    pub kind: InstrumentKind,
    pub name: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    /// Legally binding; defaults by kind when left out.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub binding: Option<bool>,
    pub parties: Vec<Id>,
    /// The framework this instrument hangs off.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Id>,
    #[serde(
        default,
        with = "crate::date::day::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub announced: Option<Date>,
    #[serde(
        default,
        with = "crate::date::day::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub signed: Option<Date>,
    #[serde(
        default,
        with = "crate::date::day::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub in_force: Option<Date>,
    #[serde(
        default,
        with = "crate::date::day::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub discontinued: Option<Date>,
    /// The condition (condition language) under which the instrument is operative.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub activation: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discontinuation: Option<Discontinuation>,
    #[serde(default, rename = "section", skip_serializing_if = "Vec::is_empty")]
    pub sections: Vec<Section>,
    #[serde(default, rename = "commitment", skip_serializing_if = "Vec::is_empty")]
    pub commitments: Vec<Commitment>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub external_ids: Vec<ExternalId>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub sources: Vec<Id>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Instrument {
    pub fn is_binding(&self) -> bool {
        self.binding.unwrap_or(self.kind.binding_by_default())
    }
}
