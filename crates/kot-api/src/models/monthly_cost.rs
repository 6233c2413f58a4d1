//! Monthly cost data (`GET /monthly-workings/cost/{YYYY-MM}`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::employee::CurrentDateEmployee;
use super::ids::EmployeeKey;

/// 月別費用データ: one employee's costs for one month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct MonthlyCost {
    /// 年 (year). A numeric string is accepted too.
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub year: i32,
    /// 月 (month, 1..=12). A numeric string is accepted too.
    #[serde(deserialize_with = "super::macros::lenient_int")]
    pub month: u32,
    /// 従業員識別キー (employee key).
    pub employee_key: EmployeeKey,
    /// 集計開始日 (first day of the period).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub start_date: Option<NaiveDate>,
    /// 集計終了日 (last day of the period).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub end_date: Option<NaiveDate>,
    /// 人件費概算 (estimated labour cost, yen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labor_cost_estimate: Option<i64>,
    /// 交通費 (transportation expense, yen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transportation_expense: Option<i64>,
    /// 今日時点の従業員データ; only with `additionalFields=currentDateEmployee`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_date_employee: Option<CurrentDateEmployee>,
}
