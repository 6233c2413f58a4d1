//! Monthly working data (`GET /monthly-workings/{YYYY-MM}`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::employee::CurrentDateEmployee;
use super::ids::EmployeeKey;

/// 月別勤怠データ: one employee's totals for one month.
///
/// Durations are whole **minutes** (`i64`). Day counts are `f64` because a
/// half-day holiday may count as 0.5 day (see the company setting
/// `halfDayWorkingCount`). Fields marked "additional" need `additionalFields`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MonthlyWorking {
    /// 年 (year). A numeric string is accepted too.
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub year: i32,
    /// 月 (month, 1..=12). A numeric string is accepted too.
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub month: u32,
    /// 従業員識別キー (employee key).
    pub employee_key: EmployeeKey,
    /// 今日時点の従業員データ; additional (`currentDateEmployee`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_date_employee: Option<CurrentDateEmployee>,
    /// 集計開始日 (first day of the aggregation period).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// 集計終了日 (last day of the aggregation period).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    /// 総勤務回数 (number of work occurrences).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_count: Option<f64>,
    /// 平日勤務回数 (number of weekday work occurrences).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday_working_count: Option<f64>,
    /// 遅刻回数 (number of late arrivals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late_count: Option<i64>,
    /// 早退回数 (number of early leaves).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_leave_count: Option<i64>,
    /// 総勤務日数 (working days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_day_count: Option<f64>,
    /// 平日勤務日数 (weekday working days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekday_workingday_count: Option<f64>,
    /// 欠勤日数 (absent days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub absentday_count: Option<f64>,
    /// 休暇取得 (holidays taken, per holiday type).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays_obtained: Vec<MonthlyHolidayObtained>,
    /// 所定時間 (scheduled minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assigned: Option<i64>,
    /// 所定外時間 (minutes outside the schedule).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unassigned: Option<i64>,
    /// 残業時間 (overtime minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime: Option<i64>,
    /// 深夜労働時間 (late-night minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night: Option<i64>,
    /// 深夜所定外時間 (late-night minutes outside the schedule; in the schema,
    /// absent from the official example).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night_unassigned: Option<i64>,
    /// 深夜残業時間 (late-night overtime minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night_overtime: Option<i64>,
    /// 休憩時間 (break minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub break_sum: Option<i64>,
    /// 遅刻時間 (late-arrival minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub late: Option<i64>,
    /// 早退時間 (early-leave minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub early_leave: Option<i64>,
    /// 休日労働 (holiday work).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub holiday_work: Option<HolidayWork>,
    /// 割増 (premium overtime bands).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub premium_work: Option<PremiumWork>,
    /// 法定休日労働 (work on statutory holidays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub legal_holiday_work: Option<LegalHolidayWork>,
    /// 法定外休日労働 (work on non-statutory holidays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_holiday_work: Option<GeneralHolidayWork>,
    /// 拘束時間 (minutes on duty).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub bind: Option<i64>,
    /// 休暇みなし時間 (minutes deemed worked because of holidays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regarding: Option<i64>,
    /// 締め状況 (whether the month is closed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_closing: Option<bool>,
    /// 月別カスタム勤怠項目 (custom monthly items).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub custom_monthly_workings: Vec<CustomMonthlyWorking>,
    /// インターバル不足回数 (number of insufficient rest intervals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub interval_shortage_count: Option<i64>,
    /// 週の残業時間 (weekly overtime); additional (`weeklyWork`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_work: Option<WeeklyWork>,
    /// 変形労働 (variable working-hours system); additional (`variationalWork`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub variational_work: Option<VariationalWork>,
    /// 確認状況 (whether the employee confirmed the month); additional (`isConfirmation`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub is_confirmation: Option<bool>,
}

/// Holidays of one type taken in a month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MonthlyHolidayObtained {
    /// 取得日数 (days taken).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_count: Option<f64>,
    /// 取得時間 (minutes taken).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
    /// 休暇区分コード (holiday type code).
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub code: u32,
    /// 休暇区分名 (holiday type name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// 休日労働: holiday work in minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HolidayWork {
    /// 通常 (normal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal: Option<i64>,
    /// 深夜 (late night).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night: Option<i64>,
    /// 残業 (overtime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime: Option<i64>,
    /// 深夜残業 (late-night overtime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night_overtime: Option<i64>,
    /// 割増 (extra).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<i64>,
}

/// 割増: overtime split at the premium thresholds, in minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct PremiumWork {
    /// 残業1 (overtime, band 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime1: Option<i64>,
    /// 深夜残業1 (late-night overtime, band 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night_overtime1: Option<i64>,
    /// 残業2 (overtime, band 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime2: Option<i64>,
    /// 深夜残業2 (late-night overtime, band 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night_overtime2: Option<i64>,
}

/// Work on statutory (法定) or non-statutory (法定外) holidays, in minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct LegalHolidayWork {
    /// 通常 (normal).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub normal: Option<i64>,
    /// 深夜 (late night).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night: Option<i64>,
    /// 残業 (overtime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime: Option<i64>,
    /// 深夜残業 (late-night overtime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night_overtime: Option<i64>,
    /// 割増 (extra).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub extra: Option<i64>,
    /// 回数 (number of occurrences).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub count: Option<i64>,
    /// 日数 (days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day_count: Option<f64>,
}

/// 法定外休日労働: same shape as [`LegalHolidayWork`].
pub type GeneralHolidayWork = LegalHolidayWork;

/// 週の残業時間: weekly overtime, in minutes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WeeklyWork {
    /// 残業時間 (overtime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub overtime: Option<i64>,
    /// 深夜残業時間 (late-night overtime).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub night_overtime: Option<i64>,
    /// 法定外休日残業時間 (overtime on non-statutory holidays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_holiday_overtime: Option<i64>,
    /// 法定外休日深夜残業時間 (late-night overtime on non-statutory holidays).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub general_holiday_night_overtime: Option<i64>,
}

/// 変形労働: overtime under a variable working-hours system, in minutes, by
/// period (yearly / monthly / weekly).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct VariationalWork {
    /// 年の残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yearly_overtime: Option<i64>,
    /// 年の深夜残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yearly_night_overtime: Option<i64>,
    /// 月の残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_overtime: Option<i64>,
    /// 月の深夜残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_night_overtime: Option<i64>,
    /// 週の残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_overtime: Option<i64>,
    /// 週の深夜残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_night_overtime: Option<i64>,
    /// 月の法定休日残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_legal_holiday_overtime: Option<i64>,
    /// 月の法定休日深夜残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_legal_holiday_night_overtime: Option<i64>,
    /// 週の法定休日残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_legal_holiday_overtime: Option<i64>,
    /// 週の法定休日深夜残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_legal_holiday_night_overtime: Option<i64>,
    /// 年の法定外休日残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yearly_general_holiday_overtime: Option<i64>,
    /// 年の法定外休日深夜残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub yearly_general_holiday_night_overtime: Option<i64>,
    /// 月の法定外休日残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_general_holiday_overtime: Option<i64>,
    /// 月の法定外休日深夜残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_general_holiday_night_overtime: Option<i64>,
    /// 週の法定外休日残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_general_holiday_overtime: Option<i64>,
    /// 週の法定外休日深夜残業時間.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub weekly_general_holiday_night_overtime: Option<i64>,
}

/// 月別カスタム勤怠項目: a company-defined monthly item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CustomMonthlyWorking {
    /// 月別カスタム表示コード (item code), e.g. `"mCus1"`.
    pub code: String,
    /// 月別カスタム表示名 (item name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 計算単位コード (unit): 1 日数 (days), 2 時間 (time), 4 数値 (number).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculation_unit_code: Option<u32>,
    /// 計算単位名 (unit name), e.g. `"日"`, `"時間"`, `"数値"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculation_unit_name: Option<String>,
    /// 計算結果 (result; may have decimals).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub calculation_result: Option<f64>,
}
