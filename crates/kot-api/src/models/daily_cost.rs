//! Daily cost data (`GET /daily-workings/cost`, `GET /daily-workings/cost/{date}`).

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::employee::CurrentDateEmployee;
use super::ids::EmployeeKey;

/// 日別費用データ of one date: an item of `GET /daily-workings/cost`, or the
/// whole body of `GET /daily-workings/cost/{date}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DailyCostsOfDay {
    /// 日付 (the date).
    pub date: NaiveDate,
    /// One record per employee (KOT names this list `dailyWorkings`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub daily_workings: Vec<DailyCost>,
}

/// One employee's costs for one date.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct DailyCost {
    /// 日付 (the date).
    pub date: NaiveDate,
    /// 従業員識別キー (employee key).
    pub employee_key: EmployeeKey,
    /// 今日時点の従業員データ; only with `additionalFields=currentDateEmployee`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub current_date_employee: Option<CurrentDateEmployee>,
    /// 人件費概算 (estimated labour cost, yen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labor_cost_estimate: Option<i64>,
    /// 交通費 (transportation expense, yen).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub transportation_expense: Option<i64>,
}
