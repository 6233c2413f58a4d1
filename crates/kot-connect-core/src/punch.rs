//! Punches (打刻): what every rule produces and the plan posts to KOT.

use std::fmt;

use chrono::{DateTime, FixedOffset, NaiveDate};
use compact_str::CompactString;
use kot_api::models::{EmployeeCode, EmployeeKey, PunchCode};
use serde::{Deserialize, Serialize};

/// The kind of a punch, as KOT knows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PunchKind {
    /// 出勤: clock-in.
    ClockIn,
    /// 退勤: clock-out.
    ClockOut,
    /// 休憩開始: break start.
    BreakStart,
    /// 休憩終了: break end.
    BreakEnd,
    /// 外出: going out during work.
    GoOut,
    /// 戻り: back from going out.
    Return,
}

impl PunchKind {
    /// Every kind, in KOT's code order.
    pub const ALL: [PunchKind; 6] = [
        PunchKind::ClockIn,
        PunchKind::ClockOut,
        PunchKind::BreakStart,
        PunchKind::BreakEnd,
        PunchKind::GoOut,
        PunchKind::Return,
    ];

    /// The Japanese label administrators read: 出勤, 退勤, 休憩開始, 休憩終了,
    /// 外出 or 戻り.
    pub fn label_ja(self) -> &'static str {
        match self {
            PunchKind::ClockIn => "出勤",
            PunchKind::ClockOut => "退勤",
            PunchKind::BreakStart => "休憩開始",
            PunchKind::BreakEnd => "休憩終了",
            PunchKind::GoOut => "外出",
            PunchKind::Return => "戻り",
        }
    }

    /// The English label: `clock-in`, `clock-out`, `break-start`,
    /// `break-end`, `go-out` or `return`.
    pub fn label_en(self) -> &'static str {
        match self {
            PunchKind::ClockIn => "clock-in",
            PunchKind::ClockOut => "clock-out",
            PunchKind::BreakStart => "break-start",
            PunchKind::BreakEnd => "break-end",
            PunchKind::GoOut => "go-out",
            PunchKind::Return => "return",
        }
    }

    /// KOT's punch code for this kind.
    pub fn to_punch_code(self) -> PunchCode {
        match self {
            PunchKind::ClockIn => PunchCode::ClockIn,
            PunchKind::ClockOut => PunchCode::ClockOut,
            PunchKind::BreakStart => PunchCode::BreakStart,
            PunchKind::BreakEnd => PunchCode::BreakEnd,
            PunchKind::GoOut => PunchCode::GoOut,
            PunchKind::Return => PunchCode::Return,
        }
    }

    /// The kind of a KOT punch code; `None` for a code KOT added later.
    pub fn from_punch_code(code: &PunchCode) -> Option<Self> {
        match code {
            PunchCode::ClockIn => Some(PunchKind::ClockIn),
            PunchCode::ClockOut => Some(PunchKind::ClockOut),
            PunchCode::BreakStart => Some(PunchKind::BreakStart),
            PunchCode::BreakEnd => Some(PunchKind::BreakEnd),
            PunchCode::GoOut => Some(PunchKind::GoOut),
            PunchCode::Return => Some(PunchKind::Return),
            _ => None,
        }
    }
}

impl fmt::Display for PunchKind {
    /// The Japanese label, as in the manuals' messages.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label_ja())
    }
}

/// The system a punch came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum SourceSystem {
    /// SenseLink / SenseThunder face recognition.
    SenseLink,
    /// cyzen status presses.
    Cyzen,
    /// MaLion PC logon/logoff logs.
    MaLion,
    /// WowTalk chat commands.
    WowTalk,
}

impl SourceSystem {
    /// A stable lowercase name: `senselink`, `cyzen`, `malion`, `wowtalk`.
    pub fn as_str(self) -> &'static str {
        match self {
            SourceSystem::SenseLink => "senselink",
            SourceSystem::Cyzen => "cyzen",
            SourceSystem::MaLion => "malion",
            SourceSystem::WowTalk => "wowtalk",
        }
    }
}

impl std::str::FromStr for SourceSystem {
    type Err = ParseSourceRefError;

    /// The name [`SourceSystem::as_str`] gives.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        [
            SourceSystem::SenseLink,
            SourceSystem::Cyzen,
            SourceSystem::MaLion,
            SourceSystem::WowTalk,
        ]
        .into_iter()
        .find(|system| system.as_str() == s)
        .ok_or_else(|| ParseSourceRefError {
            input: s.to_owned(),
        })
    }
}

/// Text that is not a [`SourceRef`] (`system:record id`) or a
/// [`SourceSystem`] name.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{input:?} is not a source record: expected `system:record id` with system senselink, cyzen, malion or wowtalk"
)]
pub struct ParseSourceRefError {
    input: String,
}

impl fmt::Display for SourceSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Where a punch came from: the source system and the id of its record
/// there. It identifies the punch in the ledger across runs.
///
/// Ids of up to 24 bytes (every SenseLink id, cyzen history id and MaLion
/// log id seen so far) are stored inline, so building or cloning a
/// reference does not allocate.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SourceRef {
    /// The source system.
    pub system: SourceSystem,
    /// The record's id in that system (stable across fetches).
    pub record_id: CompactString,
}

impl SourceRef {
    /// A reference to record `record_id` of `system`.
    pub fn new(system: SourceSystem, record_id: impl Into<CompactString>) -> Self {
        Self {
            system,
            record_id: record_id.into(),
        }
    }
}

impl std::str::FromStr for SourceRef {
    type Err = ParseSourceRefError;

    /// The form [`Display`](fmt::Display) writes: `system:record id`
    /// (e.g. `senselink:1001`, `cyzen:h-42`); the id is everything after
    /// the first colon and may not be empty.
    ///
    /// # Errors
    /// [`ParseSourceRefError`] for another form or an unknown system.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let error = || ParseSourceRefError {
            input: s.to_owned(),
        };
        let (system, id) = s.split_once(':').ok_or_else(error)?;
        if id.is_empty() {
            return Err(error());
        }
        let system = system.parse().map_err(|_| error())?;
        Ok(SourceRef::new(system, id))
    }
}

impl fmt::Display for SourceRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.system, self.record_id)
    }
}

/// A position in decimal degrees (WGS 84), as KOT's punch accepts it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Location {
    /// Latitude, -90..=90.
    pub latitude: f64,
    /// Longitude, -180..=180.
    pub longitude: f64,
}

/// One punch (打刻) for one employee.
///
/// `employee` is the KOT employee code (従業員コード) the source record was
/// matched to; `key` is the employee key once the code has been looked up in
/// KOT's directory (KOT's punch endpoint takes the key).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Punch {
    /// The KOT employee code.
    pub employee: EmployeeCode,
    /// The KOT employee key, once matched.
    pub key: Option<EmployeeKey>,
    /// 出勤, 退勤, ...
    pub kind: PunchKind,
    /// When it happened, in JST.
    pub at: DateTime<FixedOffset>,
    /// The work date it belongs to (see [`crate::time::DayBorder`]).
    pub work_date: NaiveDate,
    /// The source record it came from.
    pub source: SourceRef,
    /// Where, when the source knows.
    pub location: Option<Location>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_refs_read_back_what_they_write() {
        for source in [
            SourceRef::new(SourceSystem::SenseLink, "1001"),
            SourceRef::new(SourceSystem::Cyzen, "h:with:colons"),
            SourceRef::new(SourceSystem::MaLion, "L00000001"),
            SourceRef::new(SourceSystem::WowTalk, "m-1"),
        ] {
            assert_eq!(source.to_string().parse::<SourceRef>(), Ok(source));
        }
        for bad in ["", "senselink", "senselink:", "kot:1", "SenseLink:1", ":1"] {
            let error = bad.parse::<SourceRef>().unwrap_err();
            assert!(error.to_string().contains(&format!("{bad:?}")), "{error}");
        }
    }

    #[test]
    fn kinds_round_trip_through_kot_codes() {
        for kind in PunchKind::ALL {
            assert_eq!(
                PunchKind::from_punch_code(&kind.to_punch_code()),
                Some(kind)
            );
            assert_eq!(Some(kind.label_ja()), kind.to_punch_code().label_ja());
        }
        assert_eq!(
            PunchKind::from_punch_code(&PunchCode::Unknown("9".into())),
            None
        );
    }

    #[test]
    fn labels_follow_the_manuals() {
        assert_eq!(PunchKind::ClockIn.to_string(), "出勤");
        assert_eq!(PunchKind::BreakEnd.label_en(), "break-end");
        assert_eq!(
            SourceRef::new(SourceSystem::MaLion, "42").to_string(),
            "malion:42"
        );
    }
}
