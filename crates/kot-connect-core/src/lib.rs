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
//! - [`rules::cyzen`]: cyzen status presses → punches (勤務開始 → 出勤,
//!   勤務終了 → 退勤, 休憩開始/休憩終了), the per-user enable list and the
//!   "whole current month on the first run" fetch window.
//! - [`rules::wowtalk`]: WowTalk chat commands (`出勤`, `clock in`, ...) →
//!   punches.
//! - [`schedule`]: manual, daily (前日/当日) and monthly runs in JST, moved
//!   out of KOT's time bands.
//! - [`report`]: the sync log (連携ログ) as a table, and the failure report
//!   CSV for Excel.
//! - [`employee_sync`]: 社員情報連携, KOT employees → SenseLink persons.
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod employee_sync;
pub mod punch;
pub mod report;
pub mod rules;
pub mod schedule;
pub mod time;

pub use employee_sync::{EmployeeSyncPlan, PersonFields, SenseLinkPerson, plan_employee_sync};
pub use kot_api::models::{EmployeeCode, EmployeeKey};
pub use punch::{Location, Punch, PunchKind, SourceRef, SourceSystem};
pub use report::{FailureReason, FailureRow, SyncCounts, SyncLog, SyncStatus};
pub use schedule::{Schedule, TargetDay};
pub use time::DayBorder;
