//! Daily working data (`GET /daily-workings`, `GET /daily-workings/{date}`).

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::datetime::kot_seconds;
use super::employee::CurrentDateEmployee;
use super::ids::{DivisionCode, EmployeeKey};

/// The daily working data of one date: an item of `GET /daily-workings`, or the
/// whole body of `GET /daily-workings/{date}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DailyWorkingsOfDay {
    /// 日付 (the date).
    pub date: NaiveDate,
    /// One record per employee.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub daily_workings: Vec<DailyWorking>,
}

/// 日別勤怠データ: one employee's computed working data for one work date.
///
/// All durations are whole **minutes**. Punch times are not here; see the
/// time-record endpoints.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DailyWorking {
    /// 日付 (work date).
    pub date: NaiveDate,
    /// 従業員識別キー (employee key).
    pub employee_key: EmployeeKey,
    /// 今日時点の従業員データ; only with `additionalFields=currentDateEmployee`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_date_employee: Option<CurrentDateEmployee>,
    /// 出勤先所属コード (division worked at).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_place_division_code: Option<DivisionCode>,
    /// 出勤先所属名 (name of the division worked at).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_place_division_name: Option<String>,
    /// 締め状況 (whether the day is closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_closing: Option<bool>,
    /// ヘルプ勤務状況 (whether this is help work at another division).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_help: Option<bool>,
    /// エラー勤務状況 (whether the day has an error, e.g. a missing punch).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_error: Option<bool>,
    /// 勤務日種別名 (work day type name), e.g. `"平日"`. Note the lowercase `d`
    /// in the JSON key `workdayTypeName` (schedules use `workDayTypeName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub workday_type_name: Option<String>,
    /// 所定時間 (scheduled working minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned: Option<i64>,
    /// 所定外時間 (minutes outside the schedule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unassigned: Option<i64>,
    /// 残業時間 (overtime minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime: Option<i64>,
    /// 深夜時間 (late-night minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_night: Option<i64>,
    /// 深夜所定外時間 (late-night minutes outside the schedule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_night_unassigned: Option<i64>,
    /// 深夜残業時間 (late-night overtime minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_night_overtime: Option<i64>,
    /// 休憩時間 (break minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_time: Option<i64>,
    /// 遅刻時間 (late-arrival minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late: Option<i64>,
    /// 早退時間 (early-leave minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_leave: Option<i64>,
    /// 労働合計時間 (total working minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub total_work: Option<i64>,
    /// 休暇取得 (holidays taken on the day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holidays_obtained: Option<HolidaysObtained>,
    /// 自動休憩無効: absent = automatic breaks apply; 1 雇用区分休憩無効
    /// (employee-type breaks off), 2 スケジュール休憩無効 (schedule breaks off),
    /// 3 全ての自動休憩無効 (all automatic breaks off).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub auto_break_off: Option<u8>,
    /// 休暇みなし時間 (minutes deemed worked because of holidays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discretionary_vacation: Option<i64>,
    /// 日別カスタム勤怠項目 (custom daily items).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_daily_workings: Vec<CustomDailyWorking>,
}

/// 休暇取得: holidays taken on one day (also used by schedules).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HolidaysObtained {
    /// 全休 (a full-day holiday).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fulltime_holiday: Option<HolidayRef>,
    /// 半休 (half-day holidays).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub halfday_holidays: Vec<HalfdayHoliday>,
    /// 時間休 (hourly holidays).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub hour_holidays: Vec<HourHoliday>,
}

/// A holiday type (休暇区分), e.g. `{"code": 1, "name": "有休"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HolidayRef {
    /// 休暇区分コード (holiday type code; 1 有休 and 2 代休 are built in).
    /// A numeric string is accepted too.
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub code: u32,
    /// 休暇区分名 (holiday type name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// A half-day holiday (半休).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HalfdayHoliday {
    /// 半休種別名 (which half), e.g. `"PM休"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// 休暇区分コード (holiday type code).
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub code: u32,
    /// 休暇区分名 (holiday type name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// An hourly holiday (時間休).
///
/// `start`/`end` come with seconds in daily workings and without in schedules;
/// both are read, and they are written with seconds.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HourHoliday {
    /// 休暇開始時間 (start).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_seconds::option"
    )]
    pub start: Option<DateTime<FixedOffset>>,
    /// 休暇終了時間 (end).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_seconds::option"
    )]
    pub end: Option<DateTime<FixedOffset>>,
    /// 休暇取得時間 (minutes taken).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
    /// 休暇区分コード (holiday type code).
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub code: u32,
    /// 休暇区分名 (holiday type name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// 日別カスタム勤怠項目: a company-defined daily item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomDailyWorking {
    /// 日別カスタム表示コード (item code), e.g. `"dCus1"`.
    pub code: String,
    /// 日別カスタム表示名 (item name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 計算単位コード (unit): 1 日数 (days), 2 時間 (time), 4 数値 (number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculation_unit_code: Option<u32>,
    /// 計算結果 (result). KOT sends one decimal place, hence `f64`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculation_result: Option<f64>,
}
