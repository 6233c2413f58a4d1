//! Groups (`GET /groups`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::GroupId;

/// A group (グループ). Statuses are defined per group.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Group {
    /// `group_id`.
    pub group_id: GroupId,
    /// `group_code`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_code: Option<String>,
    /// `group_name`, e.g. 関東エリア.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    /// `group_join_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_join_id: Option<String>,
    /// `created_at` (UTC).
    #[serde(
        default,
        with = "super::datetime::utc::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub created_at: Option<DateTime<Utc>>,
    /// `updated_at` (UTC).
    #[serde(
        default,
        with = "super::datetime::utc::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_at: Option<DateTime<Utc>>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Group {
    /// A group with only an id. For tests and fakes.
    pub fn new(group_id: impl Into<GroupId>) -> Self {
        Self {
            group_id: group_id.into(),
            group_code: None,
            group_name: None,
            group_join_id: None,
            created_at: None,
            updated_at: None,
            extra: Map::new(),
        }
    }
}
