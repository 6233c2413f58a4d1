//! Groups (グループ) of persons: employees, visitors, blacklist.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de;
use super::ids::GroupId;

/// A group as SenseLink lists it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Group {
    /// The group's ID (`id`, or `groupId` on `/sl/api/v5`).
    #[serde(alias = "groupId")]
    pub id: GroupId,
    /// The group's name.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    /// The group's kind (`type`; employee, visitor or blacklist groups; the
    /// numbering is not documented).
    #[serde(default, rename = "type", deserialize_with = "de::opt_i64")]
    pub group_type: Option<i64>,
    /// Remark.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub remark: Option<String>,
    /// Fields this crate does not know, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Group {
    /// A group with an ID and a name (for fakes and tests).
    pub fn new(id: GroupId, name: impl Into<String>) -> Self {
        Self {
            id,
            name: Some(name.into()),
            group_type: None,
            remark: None,
            extra: Map::new(),
        }
    }
}

/// A group to create (`POST /api/v1/group`). The form field names other than
/// `name` are not documented publicly (provisional).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct NewGroup {
    /// The name (`name`).
    pub name: String,
    /// The kind (`type`).
    pub group_type: Option<i64>,
    /// Remark (`remark`).
    pub remark: Option<String>,
}

impl NewGroup {
    /// A group with a name.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            group_type: None,
            remark: None,
        }
    }

    /// Sets the kind (`type`).
    pub fn group_type(mut self, group_type: i64) -> Self {
        self.group_type = Some(group_type);
        self
    }

    /// Sets the remark (`remark`).
    pub fn remark(mut self, remark: impl Into<String>) -> Self {
        self.remark = Some(remark.into());
        self
    }

    pub(crate) fn form_fields(&self) -> Vec<(&'static str, String)> {
        let mut out = vec![("name", self.name.clone())];
        if let Some(t) = self.group_type {
            out.push(("type", t.to_string()));
        }
        if let Some(r) = &self.remark {
            out.push(("remark", r.clone()));
        }
        out
    }
}
