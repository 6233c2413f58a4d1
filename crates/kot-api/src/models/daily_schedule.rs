//! Daily schedules (`GET /daily-schedules`, `GET /daily-schedules/{date}`).

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use super::daily_working::HolidaysObtained;
use super::datetime::kot_minutes;
use super::employee::CurrentDateEmployee;
use super::ids::{DivisionCode, EmployeeKey};

/// The schedules of one date: an item of `GET /daily-schedules`, or the whole
/// body of `GET /daily-schedules/{date}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DailySchedulesOfDay {
    /// 日付 (the date).
    pub date: NaiveDate,
    /// One schedule per employee.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub daily_schedules: Vec<DailySchedule>,
}

/// 日別スケジュール: one employee's planned schedule for one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DailySchedule {
    /// 年月日 (the date).
    pub date: NaiveDate,
    /// 従業員識別キー (employee key).
    pub employee_key: EmployeeKey,
    /// 出勤予定時間 (scheduled clock-in; minute form).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_minutes::option"
    )]
    pub clock_in_schedule: Option<DateTime<FixedOffset>>,
    /// 退勤予定時間 (scheduled clock-out; minute form).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_minutes::option"
    )]
    pub clock_out_schedule: Option<DateTime<FixedOffset>>,
    /// 休憩予定時間 (scheduled break, minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_schedule: Option<i64>,
    /// 休憩開始終了予定 (scheduled breaks with start and end).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub start_end_break_schedule: Vec<TimeSpan>,
    /// 休暇取得 (holidays planned on the day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holidays_obtained: Option<HolidaysObtained>,
    /// 勤務日種別名 (work day type name), e.g. `"平日"`. Note the capital `D` in
    /// the JSON key `workDayTypeName` (daily workings use `workdayTypeName`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_day_type_name: Option<String>,
    /// 半休種別コード (half-day holiday type code). Its type is undocumented; a
    /// number is kept as its decimal text.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::macros::lenient_string_opt"
    )]
    pub half_day_vacation_type_code: Option<String>,
    /// 半休種別名 (half-day holiday type name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub half_day_vacation_type_name: Option<String>,
    /// 残業上限時間 (overtime limit, minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime_upper_limit: Option<i64>,
    /// 出勤先所属コード (division to work at).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_place_division_code: Option<DivisionCode>,
    /// 出勤先所属名 (name of the division to work at).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub work_place_division_name: Option<String>,
    /// 振替出勤 (substitute work/holiday label), e.g. `"振休"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub substitution_clock_in_name: Option<String>,
    /// スケジュール種別 (schedule type), e.g. `"通常勤務"`, `"シフト"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub schedule_type_name: Option<String>,
    /// 今日時点の従業員データ; only with `additionalFields=currentDateEmployee`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_date_employee: Option<CurrentDateEmployee>,
}

/// A scheduled interval (e.g. a planned break), minute form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct TimeSpan {
    /// 開始 (start).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_minutes::option"
    )]
    pub start: Option<DateTime<FixedOffset>>,
    /// 終了 (end).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "kot_minutes::option"
    )]
    pub end: Option<DateTime<FixedOffset>>,
}
