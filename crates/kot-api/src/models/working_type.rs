//! Working types (`GET /working-types`).

use serde::{Deserialize, Serialize};

use super::ids::WorkingTypeCode;

/// 勤務形態 (working type) as returned by `GET /working-types`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct WorkingType {
    /// 勤務形態コード (working type code).
    pub code: WorkingTypeCode,
    /// 勤務形態名 (working type name), e.g. `"正社員"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}
