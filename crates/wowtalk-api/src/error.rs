//! The one error type of the crate.

use chrono::{DateTime, FixedOffset};
use kot_api::time_band::TimeBandClosed;
use kot_connect_http::reqwest::StatusCode;

use crate::auth::VerifyError;

/// Everything that can go wrong in this crate.
///
/// Row-level problems of an import (an unknown employee, a duplicate, a
/// malformed row) are not errors: they are rows of the
/// [`ImportReport`](crate::idlink::ImportReport). An `Error` means the whole
/// operation could not be done. No variant ever holds a secret (tokens,
/// passwords).
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The ID-link import was refused because it falls inside KING OF TIME's
    /// prohibited time band (08:30-10:00 or 17:30-18:30 JST). Nothing was
    /// read or changed.
    #[error("ID連携 refused: {0}")]
    TimeBand(#[from] TimeBandClosed),
    /// The bytes are not text in the expected encoding.
    #[error("the file is not valid {expected} text{}", fmt_offset(*.valid_up_to))]
    Encoding {
        /// The encoding(s) tried, e.g. `UTF-8 or Shift_JIS`.
        expected: &'static str,
        /// How many leading bytes were valid, when known.
        valid_up_to: Option<usize>,
    },
    /// A value cannot be written in the chosen output encoding (Shift_JIS
    /// has no mapping for some characters, such as emoji).
    #[error("line {line}: {character:?} cannot be written as {encoding}")]
    Unmappable {
        /// The output encoding.
        encoding: &'static str,
        /// The first character without a mapping.
        character: char,
        /// The 1-based output line it is on.
        line: usize,
    },
    /// The CSV header lacks a required column.
    #[error("the CSV header has no {column} column (accepted names: {accepted}; found: {found})", accepted = .accepted.join(", "), found = .found.join(", "))]
    MissingColumn {
        /// What the column holds, e.g. `WowTalk user ID`.
        column: &'static str,
        /// The header names accepted for it.
        accepted: Vec<String>,
        /// The header as found.
        found: Vec<String>,
    },
    /// Two header cells name the same column.
    #[error("the CSV header names the {column} column twice: {first:?} and {second:?}")]
    AmbiguousColumn {
        /// What the column holds.
        column: &'static str,
        /// The first header cell.
        first: String,
        /// The second header cell.
        second: String,
    },
    /// A strict reader (a stored export, the member template) found a row it
    /// cannot take. The reason never holds a password.
    #[error("line {line}: {reason}")]
    InvalidRow {
        /// The 1-based line of the row in the file.
        line: u64,
        /// What is wrong.
        reason: String,
    },
    /// The CSV could not be read or written at all.
    #[error("CSV: {0}")]
    Csv(#[from] csv::Error),
    /// A link table is not one-to-one (two WowTalk users on one KOT employee).
    #[error("KOT employee {code} is linked to both {first} and {second}")]
    NotOneToOne {
        /// The shared employee code.
        code: String,
        /// One WowTalk user ID.
        first: String,
        /// The other.
        second: String,
    },
    /// A bot message (webhook body) is not the expected JSON.
    #[error("could not read the bot message: {0}")]
    Payload(#[source] serde_json::Error),
    /// An incoming webhook request failed verification.
    #[error("webhook request refused: {0}")]
    Unverified(#[from] VerifyError),
    /// Transport, HTTP status, rate limit, decoding or configuration (the
    /// provisional bot client), or an invalid setting.
    #[error(transparent)]
    Http(#[from] kot_connect_http::Error),
}

fn fmt_offset(valid_up_to: Option<usize>) -> String {
    valid_up_to
        .map(|n| format!(" (invalid byte at offset {n})"))
        .unwrap_or_default()
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Http(kot_connect_http::Error::config(message))
    }

    /// True when the import was refused because of KOT's time bands.
    pub fn is_time_band(&self) -> bool {
        matches!(self, Error::TimeBand(_))
    }

    /// When the time band that refused the import ends (JST).
    pub fn reopens_at(&self) -> Option<DateTime<FixedOffset>> {
        match self {
            Error::TimeBand(e) => Some(e.reopens_at),
            _ => None,
        }
    }

    /// True for configuration errors (nothing was sent or changed).
    pub fn is_config(&self) -> bool {
        matches!(self, Error::Http(e) if e.is_config())
    }

    /// The HTTP status, when the bot API answered.
    pub fn status(&self) -> Option<StatusCode> {
        match self {
            Error::Http(e) => e.status(),
            _ => None,
        }
    }
}
