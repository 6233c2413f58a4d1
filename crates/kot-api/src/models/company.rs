//! Company data (`GET /company`).

use serde::{Deserialize, Serialize};

use super::enums::{DecimalTreatType, HalfDayWorkingCount, TimeDisplayFormat};
use super::ids::CompanyKey;

/// 企業 (company) as returned by `GET /company`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Company {
    /// 企業識別キー (company key).
    pub key: CompanyKey,
    /// 企業コード (company code), e.g. `"cmp"`.
    pub code: String,
    /// 企業名 (company name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// ホスト名: the tenant's admin UI host, e.g. `"s2.kingtime.jp"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub host: Option<String>,
    /// 事業年度開始日 (start of the business year) as `"MM/DD"`, e.g. `"04/01"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub business_year_start_date: Option<String>,
    /// 企業設定情報 (company settings).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub settings: Option<CompanySettings>,
}

/// 企業設定情報: display settings of the company.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CompanySettings {
    /// 表示形式 (decimal or sexagesimal duration display).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub time_display_format: Option<TimeDisplayFormat>,
    /// 10進表示の小数第3位の扱い (rounding in decimal display).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decimal_treat_type: Option<DecimalTreatType>,
    /// 半休取得時の出勤日数の計上方法 (how a half-day holiday counts as working days).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub half_day_working_count: Option<HalfDayWorkingCount>,
}
