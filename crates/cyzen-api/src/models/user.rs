//! Users (`GET /users`) and user tags.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use super::macros::{lenient_bool, string_or_number};
use super::{GroupId, UserCode, UserId, UserTagId, empty_as_none, null_as_default};

/// A cyzen user, as `GET /users` returns it.
///
/// `groups` and `user_tags` are filled only when the list was asked with
/// `field=all` (the default of [`ListUsers`](crate::api::ListUsers)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct User {
    /// `user_id`: the immutable id.
    pub user_id: UserId,
    /// `user_code` (ユーザーコード): equals the KOT 従業員コード for linked
    /// users. `None` when cyzen sends none or an empty string.
    #[serde(
        default,
        deserialize_with = "empty_as_none",
        skip_serializing_if = "Option::is_none"
    )]
    pub user_code: Option<UserCode>,
    /// `user_name` (ユーザー名).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_name: Option<String>,
    /// `user_login_id`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_login_id: Option<String>,
    /// `account_status`: 1 = active (有効), 0 = suspended (利用停止).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub account_status: Option<AccountStatus>,
    /// `groups`: the groups the user belongs to (with `field=all`).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub groups: Vec<UserGroup>,
    /// `user_tags` (メンバー属性, with `field=all`).
    #[serde(
        default,
        deserialize_with = "null_as_default",
        skip_serializing_if = "Vec::is_empty"
    )]
    pub user_tags: Vec<UserTag>,
    /// `app_version` of the user's cyzen app.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub app_version: Option<String>,
    /// `device` of the user's phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// `os_version` of the user's phone.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub os_version: Option<String>,
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
    /// Fields this crate does not model, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl User {
    /// A user with only an id; the other fields are empty. For tests and fakes.
    pub fn new(user_id: impl Into<UserId>) -> Self {
        Self {
            user_id: user_id.into(),
            user_code: None,
            user_name: None,
            user_login_id: None,
            account_status: None,
            groups: Vec::new(),
            user_tags: Vec::new(),
            app_version: None,
            device: None,
            os_version: None,
            created_at: None,
            updated_at: None,
            extra: Map::new(),
        }
    }

    /// True when the account is active (`account_status` 1). A user whose
    /// status was not sent counts as active: the field is absent on some
    /// tenants, and cyzen lists suspended users with `0`.
    pub fn is_active(&self) -> bool {
        self.account_status
            .as_ref()
            .is_none_or(AccountStatus::is_active)
    }
}

/// `account_status` of a user. Sent as a number (`1`, `0`); a string is
/// accepted too. Unknown values are kept.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum AccountStatus {
    /// `1` 有効 (active).
    Active,
    /// `0` 利用停止 (suspended).
    Suspended,
    /// A value this crate does not know, kept as received.
    Unknown(String),
}

impl AccountStatus {
    /// True for [`AccountStatus::Active`].
    pub fn is_active(&self) -> bool {
        matches!(self, AccountStatus::Active)
    }

    /// The wire value, as a string (`"1"`, `"0"`, or the unknown value).
    pub fn as_str(&self) -> &str {
        match self {
            AccountStatus::Active => "1",
            AccountStatus::Suspended => "0",
            AccountStatus::Unknown(raw) => raw,
        }
    }

    /// The label administrators see: 有効, 利用停止, or `None` when unknown.
    pub fn label_ja(&self) -> Option<&'static str> {
        match self {
            AccountStatus::Active => Some("有効"),
            AccountStatus::Suspended => Some("利用停止"),
            AccountStatus::Unknown(_) => None,
        }
    }
}

impl From<&str> for AccountStatus {
    fn from(raw: &str) -> Self {
        match raw.trim() {
            "1" => AccountStatus::Active,
            "0" => AccountStatus::Suspended,
            other => AccountStatus::Unknown(other.to_owned()),
        }
    }
}

impl Serialize for AccountStatus {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_str().parse::<i64>() {
            Ok(n) => s.serialize_i64(n),
            Err(_) => s.serialize_str(self.as_str()),
        }
    }
}

impl<'de> Deserialize<'de> for AccountStatus {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        string_or_number(d).map(|raw| AccountStatus::from(raw.as_str()))
    }
}

/// A group membership of a user (`users[].groups[]`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserGroup {
    /// `group_id`.
    pub group_id: GroupId,
    /// `group_name`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group_name: Option<String>,
    /// `is_group_owner`: the user administers the group.
    #[serde(
        default,
        deserialize_with = "lenient_bool",
        skip_serializing_if = "Option::is_none"
    )]
    pub is_group_owner: Option<bool>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

/// A user tag (メンバー属性), on a user or from `/user_tags`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct UserTag {
    /// `user_tag_id`.
    pub user_tag_id: UserTagId,
    /// `user_tag_name`, e.g. クローザー.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_tag_name: Option<String>,
    /// `user_tag_category_name`, e.g. 役割.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user_tag_category_name: Option<String>,
    /// Fields this crate does not model.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}
