//! The data cyzen sends: users, groups, statuses, status presses.
//!
//! Conventions: identifiers are distinct newtypes ([`UserCode`] is not a
//! [`UserId`]); every field the server may omit is an `Option` or an empty
//! `Vec`; fields this crate does not model are kept in an `extra` map, so
//! nothing cyzen sends is lost; times are [`DateTime<Utc>`](chrono::DateTime)
//! read from and written to cyzen's UTC `YYYY-MM-DDThh:mm:ss` (see
//! [`datetime`]).

pub mod datetime;
mod group;
mod history;
mod ids;
pub(crate) mod macros;
mod press;
mod status;
mod user;

pub use group::Group;
pub use history::{History, Location, MemberHistory, MemberStatus, Tracking};
pub use ids::{CompanyId, GroupId, HistoryId, StatusId, UserCode, UserId, UserTagId};
pub use press::StatusPress;
pub use status::{Status, StatusKind, StatusKindRule};
pub use user::{AccountStatus, User, UserGroup, UserTag};

use chrono::FixedOffset;
use serde::{Deserialize, Deserializer};

/// Japan Standard Time, +09:00 (no daylight saving time).
pub fn jst() -> FixedOffset {
    const JST: FixedOffset = match FixedOffset::east_opt(9 * 3600) {
        Some(offset) => offset,
        None => unreachable!(),
    };
    JST
}

/// `null` as the type's default (e.g. an empty list).
pub(crate) fn null_as_default<'de, D, T>(d: D) -> Result<T, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de> + Default,
{
    Ok(Option::<T>::deserialize(d)?.unwrap_or_default())
}

/// An optional id where `""` means absent.
pub(crate) fn empty_as_none<'de, D, T>(d: D) -> Result<Option<T>, D::Error>
where
    D: Deserializer<'de>,
    T: From<String>,
{
    let raw = macros::opt_string_or_number(d)?;
    Ok(raw.filter(|s| !s.trim().is_empty()).map(T::from))
}
