//! Holiday balances: monthly remaining holidays and yearly holiday details.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::employee::CurrentDateEmployee;
use super::ids::EmployeeKey;

/// 月別残休暇データ: an item of
/// `GET /monthly-workings/holiday-remained/{employeeTypeCode}/{YYYY-MM}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HolidayRemained {
    /// 日付 (the reference date, e.g. the closing date of the month).
    pub date: NaiveDate,
    /// 締日 (closing day of month, e.g. 30).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::macros::lenient_int_opt"
    )]
    pub close_date: Option<u32>,
    /// 従業員識別キー (employee key).
    pub employee_key: EmployeeKey,
    /// 今日時点の従業員データ; only with `additionalFields=currentDateEmployee`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_date_employee: Option<CurrentDateEmployee>,
    /// 残休暇 (remaining holidays, per holiday type).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holiday_remained: Vec<RemainingHoliday>,
}

/// Remaining balance of one holiday type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct RemainingHoliday {
    /// 残日数 (remaining days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub day: Option<f64>,
    /// 残時間 (remaining minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
    /// 休暇区分コード (holiday type code; 1 有休, 2 代休 built in).
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub code: u32,
    /// 休暇区分名 (holiday type name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// 年別休暇データ: body of `GET /yearly-workings/holidays/{employeeTypeCode}/{year}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct YearlyHolidays {
    /// 年度 (business year) as text, e.g. `"2019"`. The official example sends a
    /// string and the schema says integer; both are accepted.
    #[serde(deserialize_with = "super::macros::lenient_string")]
    pub year: String,
    /// 年度開始日 (first day of the year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// 年度終了日 (last day of the year).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    /// 締日 (closing day of month, e.g. 30).
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        deserialize_with = "super::macros::lenient_int_opt"
    )]
    pub close_date: Option<u32>,
    /// 従業員別の休暇情報 (holidays per employee).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub employees: Vec<EmployeeHolidays>,
}

/// One employee's holidays in a [`YearlyHolidays`] response.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EmployeeHolidays {
    /// 従業員識別キー (employee key).
    pub employee_key: EmployeeKey,
    /// 今日時点の従業員データ; only with `additionalFields=currentDateEmployee`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_date_employee: Option<CurrentDateEmployee>,
    /// 休暇 (one entry per holiday type).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub holidays: Vec<HolidayBalance>,
}

/// Grants, use, balance and expiry of one holiday type over a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HolidayBalance {
    /// 休暇区分コード (holiday type code).
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub code: u32,
    /// 休暇区分名 (holiday type name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// 付与 (grants).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub granted: Vec<HolidayEntry>,
    /// 取得 (holidays taken).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub obtained: Vec<HolidayEntry>,
    /// 残 (remaining balances).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub remained: Vec<HolidayEntry>,
    /// 失効 (expired balances).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub expired: Vec<HolidayEntry>,
}

/// One dated amount in a [`HolidayBalance`]; `days` and `minutes` are each
/// absent when zero / not applicable.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct HolidayEntry {
    /// 日付 (date of the grant, use, balance or expiry).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// 日数 (days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub days: Option<f64>,
    /// 時間 (minutes).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minutes: Option<i64>,
    /// 有効期限 (expiry date of a grant).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_period: Option<NaiveDate>,
}
