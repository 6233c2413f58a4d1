//! Status presses (`GET /histories`) and the latest press per member
//! (`GET /members_statuses`).

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::macros::lenient_f64;
use super::{GroupId, HistoryId, StatusId, UserCode, UserId, empty_as_none};

/// One status press (打刻): a user pressed a status in the cyzen app, at a
/// time and a place, maybe with a comment.
///
/// The time is read from `create_at` (the spelling cyzen has used) or
/// `created_at`, whichever is present; it is written back as `create_at`.
/// Coordinates are read from `history_latitude` / `history_longitude` /
/// `history_accuracy` (or `latitude` / `longitude` / `accuracy`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawHistory")]
#[non_exhaustive]
pub struct History {
    /// `history_id`: stable id of the press.
    pub history_id: HistoryId,
    /// `user_id` of the user who pressed.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_id: Option<UserId>,
    /// `user_code`, when the row carries it (older rows carry only `user_id`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub user_code: Option<UserCode>,
    /// `group_id` the press was made in.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub group_id: Option<GroupId>,
    /// `status_id` of the pressed status (join with `/statuses`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_id: Option<StatusId>,
    /// `status_name`, when the row carries it.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub status_name: Option<String>,
    /// `history_comment` (簡易報告のコメント).
    #[serde(rename = "history_comment", skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    /// `address` of the place of the press, e.g. 東京都調布市.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `history_latitude`.
    #[serde(rename = "history_latitude", skip_serializing_if = "Option::is_none")]
    pub latitude: Option<f64>,
    /// `history_longitude`.
    #[serde(rename = "history_longitude", skip_serializing_if = "Option::is_none")]
    pub longitude: Option<f64>,
    /// `history_accuracy`, in metres.
    #[serde(rename = "history_accuracy", skip_serializing_if = "Option::is_none")]
    pub accuracy: Option<f64>,
    /// When the status was pressed (`create_at` / `created_at`, UTC). A
    /// back-dated clock-out (さかのぼり退勤) carries the chosen earlier time.
    #[serde(rename = "create_at", with = "super::datetime::utc")]
    pub pressed_at: DateTime<Utc>,
    /// `updated_at` (UTC).
    #[serde(
        with = "super::datetime::utc::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub updated_at: Option<DateTime<Utc>>,
    /// Fields this crate does not model, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl History {
    /// A press with only an id and a time. For tests and fakes.
    pub fn new(history_id: impl Into<HistoryId>, pressed_at: DateTime<Utc>) -> Self {
        Self {
            history_id: history_id.into(),
            user_id: None,
            user_code: None,
            group_id: None,
            status_id: None,
            status_name: None,
            comment: None,
            address: None,
            latitude: None,
            longitude: None,
            accuracy: None,
            pressed_at,
            updated_at: None,
            extra: Map::new(),
        }
    }

    /// The place of the press, when it has coordinates.
    pub fn location(&self) -> Option<Location> {
        Some(Location {
            latitude: self.latitude?,
            longitude: self.longitude?,
            accuracy: self.accuracy,
        })
    }
}

/// Coordinates of a press (WGS 84 degrees) and their accuracy in metres.
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Location {
    /// Latitude.
    pub latitude: f64,
    /// Longitude.
    pub longitude: f64,
    /// Accuracy radius in metres, when sent.
    pub accuracy: Option<f64>,
}

#[derive(Deserialize)]
struct RawHistory {
    history_id: HistoryId,
    #[serde(default, deserialize_with = "empty_as_none")]
    user_id: Option<UserId>,
    #[serde(default, deserialize_with = "empty_as_none")]
    user_code: Option<UserCode>,
    #[serde(default, deserialize_with = "empty_as_none")]
    group_id: Option<GroupId>,
    #[serde(default, deserialize_with = "empty_as_none")]
    status_id: Option<StatusId>,
    #[serde(default)]
    status_name: Option<String>,
    #[serde(default)]
    history_comment: Option<String>,
    #[serde(default)]
    address: Option<String>,
    #[serde(default, alias = "latitude", deserialize_with = "lenient_f64")]
    history_latitude: Option<f64>,
    #[serde(default, alias = "longitude", deserialize_with = "lenient_f64")]
    history_longitude: Option<f64>,
    #[serde(default, alias = "accuracy", deserialize_with = "lenient_f64")]
    history_accuracy: Option<f64>,
    #[serde(default, with = "super::datetime::utc::option")]
    create_at: Option<DateTime<Utc>>,
    #[serde(default, with = "super::datetime::utc::option")]
    created_at: Option<DateTime<Utc>>,
    #[serde(default, with = "super::datetime::utc::option")]
    updated_at: Option<DateTime<Utc>>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl TryFrom<RawHistory> for History {
    type Error = String;

    fn try_from(raw: RawHistory) -> Result<Self, Self::Error> {
        let pressed_at = raw.create_at.or(raw.created_at).ok_or_else(|| {
            format!(
                "history {} has neither `create_at` nor `created_at`",
                raw.history_id
            )
        })?;
        Ok(History {
            history_id: raw.history_id,
            user_id: raw.user_id,
            user_code: raw.user_code,
            group_id: raw.group_id,
            status_id: raw.status_id,
            status_name: raw.status_name,
            comment: raw.history_comment,
            address: raw.address,
            latitude: raw.history_latitude,
            longitude: raw.history_longitude,
            accuracy: raw.history_accuracy,
            pressed_at,
            updated_at: raw.updated_at,
            extra: raw.extra,
        })
    }
}

/// One entry of `GET /members_statuses`: a member's latest status press and
/// latest route-record point (either may be absent).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemberStatus {
    /// `history`: the latest status press.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<MemberHistory>,
    /// `tracking`: the latest route auto-record (ルート自動記録) point.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub tracking: Option<Tracking>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// The latest press inside a [`MemberStatus`] (no `history_id` is known there).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct MemberHistory {
    /// `user_id`.
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_id: Option<UserId>,
    /// `group_id`.
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub group_id: Option<GroupId>,
    /// `status_id`, when sent.
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub status_id: Option<StatusId>,
    /// `address`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub address: Option<String>,
    /// `history_latitude`.
    #[serde(
        default,
        rename = "history_latitude",
        alias = "latitude",
        deserialize_with = "lenient_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub latitude: Option<f64>,
    /// `history_longitude`.
    #[serde(
        default,
        rename = "history_longitude",
        alias = "longitude",
        deserialize_with = "lenient_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub longitude: Option<f64>,
    /// `history_accuracy`, in metres.
    #[serde(
        default,
        rename = "history_accuracy",
        alias = "accuracy",
        deserialize_with = "lenient_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub accuracy: Option<f64>,
    /// `create_at` (or `created_at`), UTC.
    #[serde(
        default,
        rename = "create_at",
        alias = "created_at",
        with = "super::datetime::utc::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub pressed_at: Option<DateTime<Utc>>,
    /// `updated_at`, UTC.
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

/// A route auto-record point inside a [`MemberStatus`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Tracking {
    /// `tracking_latitude`.
    #[serde(
        default,
        rename = "tracking_latitude",
        deserialize_with = "lenient_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub latitude: Option<f64>,
    /// `tracking_longitude`.
    #[serde(
        default,
        rename = "tracking_longitude",
        deserialize_with = "lenient_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub longitude: Option<f64>,
    /// `tracking_accuracy`, in metres.
    #[serde(
        default,
        rename = "tracking_accuracy",
        deserialize_with = "lenient_f64",
        skip_serializing_if = "Option::is_none"
    )]
    pub accuracy: Option<f64>,
    /// `create_at` (or `created_at`), UTC.
    #[serde(
        default,
        rename = "create_at",
        alias = "created_at",
        with = "super::datetime::utc::option",
        skip_serializing_if = "Option::is_none"
    )]
    pub recorded_at: Option<DateTime<Utc>>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
