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
//! - [`directory`]: KOT employees by code ([`Directory`]): the employee key
//!   at a work date, resignations, each division's day border.
//! - [`matching`]: external ids (SenseLink 従業員番号, cyzen user code,
//!   MaLion PC user name, WowTalk user id) → KOT employee codes, with
//!   unmatched and ambiguous ids reported.
//! - [`rules::senselink`] and [`rules::malion`]: which recognitions and PC
//!   logs become 出勤 / 退勤.
//! - [`plan`]: post, or already in KOT, already posted, duplicate,
//!   conflict, outcome unknown; [`ledger`]: what was sent, across runs
//!   (`SqliteLedger` with the feature `sqlite`, [`FileLedger`],
//!   [`MemoryLedger`]; the module says which to choose).
//! - [`engine`]: the sync [`Engine`] that runs any source end to end (plan,
//!   POST, ledger, log, notification, resuming what earlier runs left
//!   unsettled) and its [`StateStore`](engine::StateStore)s; [`adapters`]:
//!   the engine's traits for the real clients, one cargo feature each.
//!
//! # Quickstart
//!
//! ```
//! use chrono::{NaiveDate, TimeZone};
//! use kot_api::models::Employee;
//! use kot_connect_core::rules::senselink::{Recognition, SenseLinkMode, SenseLinkRule, TargetDay};
//! use kot_connect_core::{Directory, KotRecords, Ledger, MemoryLedger, Planner};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! // KOT's employees (normally from `GET /employees`).
//! let employees: Vec<Employee> = serde_json::from_str(
//!     r#"[{"code": "2022", "key": "8b6ee646a9620b286499c3df6918c4888a97dd7bbc6a26a18743f4697a1de4b3"}]"#,
//! )?;
//! let directory = Directory::new(&employees);
//!
//! // SenseLink recognitions, matched by 従業員番号 == 従業員コード.
//! let jst = kot_connect_core::time::jst();
//! let records = [
//!     Recognition::new(1, "2022", jst.with_ymd_and_hms(2021, 3, 4, 8, 59, 0).unwrap()),
//!     Recognition::new(2, "2022", jst.with_ymd_and_hms(2021, 3, 4, 12, 0, 0).unwrap()),
//!     Recognition::new(3, "2022", jst.with_ymd_and_hms(2021, 3, 4, 19, 5, 0).unwrap()),
//! ];
//! // A scheduled run on the 5th for the previous day (前日), 出勤・退勤.
//! let rule = SenseLinkRule::new(SenseLinkMode::ClockInAndOut, TargetDay::PreviousDay);
//! let run_date = NaiveDate::from_ymd_opt(2021, 3, 5).unwrap();
//! let output = rule.apply(run_date, &records, &directory);
//! assert_eq!(output.punches().len(), 2); // 出勤 08:59, 退勤 19:05
//! assert_eq!(output.ignored_count(), 1); // 12:00 is neither first nor last
//!
//! // Employee keys, then the plan against KOT's records and the ledger.
//! let (punches, _ignored) = output.into_parts();
//! let resolved = directory.resolve_all(punches);
//! assert!(resolved.failed.is_empty());
//! let ledger = MemoryLedger::new();
//! let plan = Planner::default().plan(&resolved.resolved, &KotRecords::new(), &ledger)?;
//! for punch in plan.to_post() {
//!     ledger.begin_post(punch, punch.at)?; // before the POST
//!     // ... POST /daily-workings/timerecord/{employeeKey} ...
//!     ledger.mark_posted(&punch.source, punch.at)?;
//! }
//! // Planning again posts nothing.
//! let again = Planner::default().plan(&resolved.resolved, &KotRecords::new(), &ledger)?;
//! assert_eq!(again.to_post().count(), 0);
//! # Ok(())
//! # }
//! ```
#![deny(missing_docs)]
#![forbid(unsafe_code)]

pub mod adapters;
pub mod directory;
pub mod employee_sync;
pub mod engine;
pub mod ledger;
pub mod matching;
pub mod plan;
pub mod punch;
pub mod report;
pub mod rules;
pub mod schedule;
pub mod time;

/// The inline small string of [`SourceRef::record_id`] (re-exported from
/// `compact_str`).
pub use compact_str::CompactString;
pub use directory::{Directory, DirectoryEntry, ResolveError};
pub use employee_sync::{EmployeeSyncPlan, PersonFields, SenseLinkPerson, plan_employee_sync};
pub use engine::{
    DirStore, DirectorySnapshot, Engine, EngineBuilder, EngineError, MemoryStore, RunMode, SyncRun,
};
pub use kot_api::models::{EmployeeCode, EmployeeKey};
pub use ledger::{FileLedger, Ledger, LedgerEntry, LedgerError, LedgerState, MemoryLedger};
#[cfg(feature = "sqlite")]
pub use ledger::{SqliteLedger, SqliteOptions, Synchronous};
pub use matching::{LinkTable, MatchOutcome, Matcher};
pub use plan::{
    ConflictPolicy, Decision, Equivalence, ExistingPunch, KotRecords, Plan, PlannedPunch, Planner,
};
pub use punch::{Location, ParseSourceRefError, Punch, PunchKind, SourceRef, SourceSystem};
pub use report::{FailureReason, FailureRow, SyncCounts, SyncLog, SyncStatus};
pub use schedule::{Schedule, TargetDay};
pub use time::DayBorder;
