//! The status master (`GET /statuses`) and the kind of a status.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{GroupId, StatusId};

/// One status of the status master (ステータス), defined per group.
///
/// Every status has a kind (種類: 勤務前, 勤務開始, 勤務中, 勤務終了, ...),
/// which decides what the KING OF TIME integration does with a press. The
/// JSON name and encoding of that field are **not public** (provisional): the
/// raw field stays in [`extra`](Self::extra), and the client fills
/// [`kind`](Self::kind) through its [`StatusKindRule`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Status {
    /// `status_id`.
    pub status_id: StatusId,
    /// `status_name` (ステータス名), tenant-defined: e.g. 出勤, 休憩開始.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub status_name: Option<String>,
    /// `group_id`: the group the status belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_id: Option<GroupId>,
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
    /// The kind (種類), read from [`extra`](Self::extra) by the client's
    /// [`StatusKindRule`]; `None` when the status carries no such field.
    /// Never serialized (the raw field is, in `extra`).
    #[serde(skip)]
    pub kind: Option<StatusKind>,
    /// Fields this crate does not model, kept as received (the kind field
    /// among them).
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Status {
    /// A status with only an id. For tests and fakes.
    pub fn new(status_id: impl Into<StatusId>) -> Self {
        Self {
            status_id: status_id.into(),
            status_name: None,
            group_id: None,
            created_at: None,
            updated_at: None,
            kind: None,
            extra: Map::new(),
        }
    }
}

/// The kind (種類) of a status. Forward compatible: a kind this crate does
/// not know is kept as [`StatusKind::Unknown`].
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum StatusKind {
    /// 勤務前 (before work): records no location, stops route recording.
    BeforeWork,
    /// 勤務開始 (work start): synced to KOT as 出勤.
    WorkStart,
    /// 勤務中 (during work): synced only when named 休憩開始 / 休憩終了.
    Working,
    /// 勤務終了 (work end): synced to KOT as 退勤.
    WorkEnd,
    /// A kind this crate does not know, kept as received.
    Unknown(String),
}

impl StatusKind {
    /// All named kinds.
    pub const KNOWN: &'static [StatusKind] = &[
        StatusKind::BeforeWork,
        StatusKind::WorkStart,
        StatusKind::Working,
        StatusKind::WorkEnd,
    ];

    /// The Japanese label of the kind, as in cyzen's admin screens; the raw
    /// value for an unknown kind.
    pub fn label_ja(&self) -> &str {
        match self {
            StatusKind::BeforeWork => "勤務前",
            StatusKind::WorkStart => "勤務開始",
            StatusKind::Working => "勤務中",
            StatusKind::WorkEnd => "勤務終了",
            StatusKind::Unknown(raw) => raw,
        }
    }

    /// Reads a Japanese label (勤務前, 勤務開始, 勤務中, 勤務終了); anything else
    /// is [`StatusKind::Unknown`].
    pub fn from_label(raw: &str) -> Self {
        match raw.trim() {
            "勤務前" => StatusKind::BeforeWork,
            "勤務開始" => StatusKind::WorkStart,
            "勤務中" => StatusKind::Working,
            "勤務終了" => StatusKind::WorkEnd,
            other => StatusKind::Unknown(other.to_owned()),
        }
    }
}

impl fmt::Display for StatusKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.label_ja())
    }
}

/// Where the kind of a status is found in the `/statuses` JSON (provisional).
///
/// The public sources do not name the field nor its encoding. The default
/// reads the field [`DEFAULT_KIND_FIELD`](Self::DEFAULT_KIND_FIELD) and
/// understands the Japanese labels (勤務開始, ...). Once a real tenant shows the
/// field, configure it here without a new release: another field name, and
/// values such as `1` mapped to a kind.
///
/// ```
/// use cyzen_api::models::{StatusKind, StatusKindRule};
///
/// let rule = StatusKindRule::field("status_kind")
///     .value("1", StatusKind::WorkStart)
///     .value("3", StatusKind::WorkEnd);
/// # let _ = rule;
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatusKindRule {
    field: String,
    values: Vec<(String, StatusKind)>,
}

impl Default for StatusKindRule {
    fn default() -> Self {
        Self::field(Self::DEFAULT_KIND_FIELD)
    }
}

impl StatusKindRule {
    /// The field read by default: `status_type` (a guess; provisional).
    pub const DEFAULT_KIND_FIELD: &'static str = "status_type";

    /// Reads the kind from the field `name`, understanding the Japanese labels.
    pub fn field(name: impl Into<String>) -> Self {
        Self {
            field: name.into(),
            values: Vec::new(),
        }
    }

    /// Maps one raw value (a string, or a number written in decimal) to a kind.
    pub fn value(mut self, raw: impl Into<String>, kind: StatusKind) -> Self {
        self.values.push((raw.into(), kind));
        self
    }

    /// The field name read.
    pub fn field_name(&self) -> &str {
        &self.field
    }

    /// The kind of `status` by this rule: `None` when the field is absent or
    /// null, [`StatusKind::Unknown`] for a value that is neither mapped nor a
    /// known label.
    pub fn kind_of(&self, status: &Status) -> Option<StatusKind> {
        let raw = match status.extra.get(&self.field)? {
            Value::Null => return None,
            Value::String(s) => s.trim().to_owned(),
            other => other.to_string(),
        };
        if raw.is_empty() {
            return None;
        }
        Some(
            self.values
                .iter()
                .find(|(value, _)| *value == raw)
                .map_or_else(|| StatusKind::from_label(&raw), |(_, kind)| kind.clone()),
        )
    }

    /// Sets [`Status::kind`] from this rule.
    pub fn apply(&self, status: &mut Status) {
        status.kind = self.kind_of(status);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn status(json: &str) -> Status {
        serde_json::from_str(json).unwrap()
    }

    #[test]
    fn the_default_rule_reads_japanese_labels() {
        let rule = StatusKindRule::default();
        let s = status(r#"{"status_id":"s1","status_name":"出勤","status_type":"勤務開始"}"#);
        assert_eq!(rule.kind_of(&s), Some(StatusKind::WorkStart));
        let s = status(r#"{"status_id":"s1","status_type":"移動中"}"#);
        assert_eq!(rule.kind_of(&s), Some(StatusKind::Unknown("移動中".into())));
        let s = status(r#"{"status_id":"s1","status_type":null}"#);
        assert_eq!(rule.kind_of(&s), None);
        let s = status(r#"{"status_id":"s1"}"#);
        assert_eq!(rule.kind_of(&s), None);
    }

    #[test]
    fn a_configured_rule_maps_numbers() {
        let rule = StatusKindRule::field("kind")
            .value("2", StatusKind::WorkStart)
            .value("4", StatusKind::WorkEnd);
        let mut s = status(r#"{"status_id":"s1","kind":4}"#);
        rule.apply(&mut s);
        assert_eq!(s.kind, Some(StatusKind::WorkEnd));
        assert_eq!(
            rule.kind_of(&status(r#"{"status_id":"s","kind":9}"#)),
            Some(StatusKind::Unknown("9".into()))
        );
    }

    #[test]
    fn labels_round_trip() {
        for kind in StatusKind::KNOWN {
            assert_eq!(&StatusKind::from_label(kind.label_ja()), kind);
        }
    }
}
