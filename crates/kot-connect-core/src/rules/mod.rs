//! Per-source rules: which source record becomes which punch.
//!
//! Each rule takes records that were already matched to a KOT employee code
//! (see the matching step) and gives a [`RuleOutput`]: the punches it wants
//! in KOT, and every record it did not turn into a punch with the reason.
//! Nothing is dropped silently: every input record is accounted for in
//! exactly one of the two lists (a punch's [`Punch::source`] names its record).
//!
//! Rules never read the machine's clock or time zone: work dates come from
//! [`DayBorders`] in JST.

pub mod cyzen;
mod grouping;
pub mod malion;
pub mod senselink;
pub mod wowtalk;

use std::collections::HashMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::EmployeeCode;
use crate::punch::{Punch, SourceRef};
use crate::time::DayBorder;

/// The day border of each employee's division, for work dates.
pub trait DayBorders {
    /// The border that applies to `employee`.
    fn border_for(&self, employee: &EmployeeCode) -> DayBorder;
}

/// One border for everyone.
impl DayBorders for DayBorder {
    fn border_for(&self, _employee: &EmployeeCode) -> DayBorder {
        *self
    }
}

/// Per-employee borders with a fallback for employees not in the map.
#[derive(Debug, Clone, Default)]
pub struct BorderMap {
    /// Borders by employee code.
    pub by_employee: HashMap<EmployeeCode, DayBorder>,
    /// The border of employees not in `by_employee`.
    pub fallback: DayBorder,
}

impl DayBorders for BorderMap {
    fn border_for(&self, employee: &EmployeeCode) -> DayBorder {
        self.by_employee
            .get(employee)
            .copied()
            .unwrap_or(self.fallback)
    }
}

/// Why a source record did not become a punch.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum IgnoreReason {
    /// A recognition between the first and the last of the work day
    /// (SenseLink), or not the first/last log of the day (MaLion's
    /// first/last policy).
    NotFirstOrLast,
    /// The mode takes only the clock-in (SenseLink "clock-in only").
    ClockOutNotSynced,
    /// A status or event that is not synced: its name as the source gave it
    /// (a cyzen status other than 勤務開始/勤務終了/休憩開始/休憩終了, a MaLion
    /// lock, unlock or user switch, ...).
    NotSynced {
        /// The status or event name.
        name: String,
    },
    /// The same record delivered twice (e.g. MaLion's relay); the first copy
    /// is kept.
    Duplicate {
        /// The record that was kept.
        kept: SourceRef,
    },
    /// Outside the work dates this run covers.
    OutsideWindow,
    /// A chat message that is not a punch command.
    NotACommand,
    /// The user is not enabled for the KOT integration in the source
    /// (cyzen's per-user 「KING OF TIME連携」 switch is 「無効」).
    NotEnabled,
}

impl fmt::Display for IgnoreReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            IgnoreReason::NotFirstOrLast => {
                f.write_str("not the first or last record of the work day")
            }
            IgnoreReason::ClockOutNotSynced => f.write_str("clock-out is not synced in this mode"),
            IgnoreReason::NotSynced { name } => write!(f, "{name:?} is not synced"),
            IgnoreReason::Duplicate { kept } => write!(f, "duplicate of {kept}"),
            IgnoreReason::OutsideWindow => f.write_str("outside the work dates of this run"),
            IgnoreReason::NotACommand => f.write_str("not a punch command"),
            IgnoreReason::NotEnabled => {
                f.write_str("the user is not enabled for the KING OF TIME integration")
            }
        }
    }
}

/// A source record that did not become a punch, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ignored {
    /// The record.
    pub source: SourceRef,
    /// The employee it was matched to.
    pub employee: EmployeeCode,
    /// Why.
    pub reason: IgnoreReason,
}

/// What a rule made of its records.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RuleOutput {
    /// The punches wanted in KOT, ordered by employee, then time, then source.
    pub punches: Vec<Punch>,
    /// Every other record, with its reason.
    pub ignored: Vec<Ignored>,
}

impl RuleOutput {
    /// Puts both lists in the documented order: punches by employee, time,
    /// then source; ignored records by source, employee, then reason.
    pub(crate) fn sort(&mut self) {
        self.punches
            .sort_by(|a, b| (&a.employee, a.at, &a.source).cmp(&(&b.employee, b.at, &b.source)));
        self.ignored.sort_by(|a, b| {
            (&a.source, &a.employee, &a.reason).cmp(&(&b.source, &b.employee, &b.reason))
        });
    }
}
