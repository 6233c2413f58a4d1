//! Administrators (`GET /administrators`).

use serde::{Deserialize, Serialize};

use super::ids::{AdministratorCode, AdministratorKey, EmployeeCode, EmployeeKey};

/// 管理者 (administrator) as returned by `GET /administrators`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Administrator {
    /// 管理者コード (administrator code), e.g. `"admin"`.
    pub code: AdministratorCode,
    /// 管理者識別キー (administrator key, immutable).
    pub key: AdministratorKey,
    /// 管理者名 (administrator name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// メールアドレス (e-mail addresses); only with
    /// `additionalFields=emailAddresses`. Sources disagree on whether KOT sends a
    /// string or an array; both are accepted and normalised to a list.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::macros::string_or_seq"
    )]
    pub email_addresses: Vec<String>,
    /// 割当従業員 (employees linked to this administrator); only with
    /// `additionalFields=associatedEmployees`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub associated_employees: Vec<AssociatedEmployee>,
}

/// An employee linked to an administrator (割当従業員).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct AssociatedEmployee {
    /// 従業員コード (employee code).
    pub code: EmployeeCode,
    /// 従業員識別キー (employee key).
    pub key: EmployeeKey,
    /// 姓 (family name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// 名 (given name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
}
