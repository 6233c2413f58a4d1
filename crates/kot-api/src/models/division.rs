//! Divisions (`GET /divisions`).

use chrono::NaiveTime;
use serde::{Deserialize, Serialize};

use super::ids::DivisionCode;

/// 所属 (division) as returned by `GET /divisions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Division {
    /// 所属コード (division code).
    pub code: DivisionCode,
    /// 所属名 (division name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 日付変更時間 (day boundary) as sent, `"HH:MM"` (e.g. `"05:00"`): punches
    /// before this time belong to the previous work date. See
    /// [`Division::day_border_time`] for the parsed value.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_border_time: Option<String>,
}

impl Division {
    /// The day boundary parsed as a time of day; `None` if absent or not `HH:MM`
    /// (`HH:MM:SS` is accepted too).
    pub fn day_border_time(&self) -> Option<NaiveTime> {
        let raw = self.day_border_time.as_deref()?.trim();
        NaiveTime::parse_from_str(raw, "%H:%M")
            .or_else(|_| NaiveTime::parse_from_str(raw, "%H:%M:%S"))
            .ok()
    }
}
