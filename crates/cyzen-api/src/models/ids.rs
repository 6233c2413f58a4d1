//! Opaque identifier newtypes.
//!
//! Each identifier is its own type, so that a user *code* (the key the KING
//! OF TIME integration matches on) can never be passed where a user *id* is
//! expected. None of them is validated: cyzen owns their format.

use super::macros::id_newtype;

id_newtype! {
    /// The tenant id (`company_id`, 32 hex characters in every known
    /// example) that goes with every call. Production and verification
    /// tenants have different ids.
    CompanyId
}

id_newtype! {
    /// `user_id`: cyzen's opaque, immutable id of a user.
    UserId
}

id_newtype! {
    /// `user_code` (ユーザーコード): assigned by administrators, **mutable**.
    /// The KING OF TIME integration links a cyzen user to the KOT employee
    /// whose 従業員コード equals this code, so leading zeros matter.
    UserCode
}

id_newtype! {
    /// `group_id`: a group (グループ). Statuses are defined per group.
    GroupId
}

id_newtype! {
    /// `status_id`: one status of the status master (per group).
    StatusId
}

id_newtype! {
    /// `history_id`: one status press (打刻). Stable: the natural source-record
    /// id when a press is synced elsewhere.
    HistoryId
}

id_newtype! {
    /// `user_tag_id`: a user tag (メンバー属性).
    UserTagId
}
