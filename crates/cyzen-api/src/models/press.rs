//! A status press joined with its status and its user: what a sync engine
//! needs to turn a cyzen press into a KOT punch.

use chrono::{DateTime, FixedOffset, Utc};

use super::{History, HistoryId, Location, Status, StatusKind, User, UserCode, jst};

/// A [`History`] with the [`Status`] it pressed and the [`User`] who
/// pressed it, as streamed by
/// [`ListHistories::presses`](crate::api::ListHistories::presses).
///
/// The joins are by `status_id` and `user_id`. When the status master or the
/// user list does not know the id (a deleted status, a user outside the
/// token's reach), the press is still delivered with `status` or `user`
/// `None`: nothing is dropped, and the caller decides how to report it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StatusPress {
    /// The press as cyzen sent it.
    pub history: History,
    /// The pressed status from the status master, when known.
    pub status: Option<Status>,
    /// The user who pressed, when known.
    pub user: Option<User>,
}

impl StatusPress {
    /// Joins a press with its status and user.
    pub fn new(history: History, status: Option<Status>, user: Option<User>) -> Self {
        Self {
            history,
            status,
            user,
        }
    }

    /// The stable id of the press: use it as the source-record id.
    pub fn history_id(&self) -> &HistoryId {
        &self.history.history_id
    }

    /// When the status was pressed (UTC).
    pub fn pressed_at(&self) -> DateTime<Utc> {
        self.history.pressed_at
    }

    /// When the status was pressed, in JST.
    pub fn pressed_at_jst(&self) -> DateTime<FixedOffset> {
        self.history.pressed_at.with_timezone(&jst())
    }

    /// The kind (種類) of the pressed status: 勤務開始 → 出勤, 勤務終了 → 退勤.
    /// `None` when the status is unknown or its kind was not readable.
    pub fn kind(&self) -> Option<&StatusKind> {
        self.status.as_ref()?.kind.as_ref()
    }

    /// The name of the pressed status (breaks are 勤務中 statuses named
    /// exactly 休憩開始 / 休憩終了): the master's name, else the row's own.
    pub fn status_name(&self) -> Option<&str> {
        self.status
            .as_ref()
            .and_then(|s| s.status_name.as_deref())
            .or(self.history.status_name.as_deref())
    }

    /// The user code (== KOT 従業員コード): the user's, else the row's own.
    pub fn user_code(&self) -> Option<&UserCode> {
        self.user
            .as_ref()
            .and_then(|u| u.user_code.as_ref())
            .or(self.history.user_code.as_ref())
    }

    /// The user's name, when the user is known.
    pub fn user_name(&self) -> Option<&str> {
        self.user.as_ref()?.user_name.as_deref()
    }

    /// The address of the place of the press.
    pub fn address(&self) -> Option<&str> {
        self.history.address.as_deref()
    }

    /// The coordinates of the press.
    pub fn location(&self) -> Option<Location> {
        self.history.location()
    }

    /// The comment entered with the press.
    pub fn comment(&self) -> Option<&str> {
        self.history.comment.as_deref()
    }
}
