//! The domain rules of kot-connect, free of HTTP.
//!
//! Every integration applies the same rules: which source record becomes
//! which punch (打刻), who is who, when KOT may be called, and what counts as
//! already done. They live here as pure functions over plain data, so they
//! are tested without a network and shared by every connector.
//!
//! - [`punch`]: the [`Punch`] and its [`PunchKind`] (出勤, 退勤, 休憩開始,
//!   休憩終了, 外出, 戻り), with where it came from.
//! - [`time`]: JST work dates with a division's day border, and KOT's API
//!   time bands.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod directory;
pub mod ledger;
pub mod matching;
pub mod plan;
pub mod punch;
pub mod rules;
pub mod time;

pub use directory::{Directory, DirectoryEntry, ResolveError};
pub use kot_api::models::{EmployeeCode, EmployeeKey};
pub use ledger::{Ledger, LedgerEntry, LedgerError, LedgerState, MemoryLedger};
pub use matching::{LinkTable, MatchOutcome, Matcher};
pub use plan::{Decision, Equivalence, ExistingPunch, KotRecords, Plan, PlannedPunch, Planner};
pub use punch::{Location, Punch, PunchKind, SourceRef, SourceSystem};
pub use time::DayBorder;
