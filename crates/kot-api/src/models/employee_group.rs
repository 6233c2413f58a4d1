//! Employee groups (`GET /employee-groups`).

use serde::{Deserialize, Serialize};

use super::ids::EmployeeGroupCode;

/// 従業員グループ (employee group) as returned by `GET /employee-groups`.
///
/// Companies that cannot use the employee-group feature get an error instead.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EmployeeGroup {
    /// 従業員グループコード (group code), e.g. `"0001"`.
    pub code: EmployeeGroupCode,
    /// 従業員グループ名 (group name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// カテゴリ (category); only with `additionalFields=category`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<EmployeeGroupCategory>,
}

/// Category of an employee group, e.g. `{"code": "KEIKAN", "name": "経営管理本部"}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EmployeeGroupCategory {
    /// カテゴリコード (category code).
    pub code: String,
    /// カテゴリ名 (category name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
