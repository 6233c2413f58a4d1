//! Identifier newtypes: each ID is its own type, so that a person ID can
//! never be passed where a group ID is expected.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize};

use super::de;

macro_rules! int_id {
    ($(#[$meta:meta])* $name:ident) => {
        $(#[$meta])*
        ///
        /// Read from a JSON number or a numeric string; written as a number.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
        #[serde(transparent)]
        pub struct $name(pub i64);

        impl $name {
            /// The raw value.
            pub fn get(self) -> i64 {
                self.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                fmt::Display::fmt(&self.0, f)
            }
        }

        impl From<i64> for $name {
            fn from(value: i64) -> Self {
                $name(value)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                de::lenient_i64(d).map($name)
            }
        }
    };
}

int_id! {
    /// A recognition record's ID (`id` of a record): stable and unique per
    /// tenant, so a punch derived from a record can carry it as its source.
    RecordId
}

int_id! {
    /// A person's (登録者) ID, assigned by SenseLink (`user_id` in records).
    PersonId
}

int_id! {
    /// A group's ID.
    GroupId
}

int_id! {
    /// A device's ID (not its serial number: see `ldid`).
    DeviceId
}

/// 従業員番号 (`jobNumber` / `job_number`): the person's employee number in
/// SenseLink, which the KING OF TIME integration fills with the KOT
/// 従業員コード. Opaque: leading zeros are significant; never validated.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(transparent)]
pub struct JobNumber(String);

impl JobNumber {
    /// Wraps a job number.
    pub fn new(value: impl Into<String>) -> Self {
        Self(value.into())
    }

    /// The raw value.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Unwraps the raw value.
    pub fn into_inner(self) -> String {
        self.0
    }
}

impl fmt::Display for JobNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

impl From<&str> for JobNumber {
    fn from(value: &str) -> Self {
        Self(value.to_owned())
    }
}

impl From<String> for JobNumber {
    fn from(value: String) -> Self {
        Self(value)
    }
}

impl AsRef<str> for JobNumber {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl std::borrow::Borrow<str> for JobNumber {
    fn borrow(&self) -> &str {
        &self.0
    }
}

impl<'de> Deserialize<'de> for JobNumber {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        de::opt_string(d)?
            .map(JobNumber)
            .ok_or_else(|| serde::de::Error::custom("expected a job number"))
    }
}

/// An optional job number where `null` and blank mean "none".
pub(crate) fn opt_job_number<'de, D: Deserializer<'de>>(
    d: D,
) -> Result<Option<JobNumber>, D::Error> {
    Ok(de::opt_nonblank(d)?.map(JobNumber))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn ids_read_numbers_and_numeric_strings() {
        let ids: Vec<RecordId> = serde_json::from_str(r#"[1392523, "7"]"#).unwrap();
        assert_eq!(ids, vec![RecordId(1_392_523), RecordId(7)]);
        assert_eq!(serde_json::to_string(&ids[0]).unwrap(), "1392523");
        assert!(serde_json::from_str::<GroupId>(r#""g1""#).is_err());
        assert!(serde_json::from_str::<GroupId>("null").is_err());
    }

    #[test]
    fn job_numbers_keep_leading_zeros_and_read_integers() {
        let j: JobNumber = serde_json::from_str(r#""0012""#).unwrap();
        assert_eq!(j.as_str(), "0012");
        let j: JobNumber = serde_json::from_str("2022").unwrap();
        assert_eq!(j.as_str(), "2022");
    }
}
