//! The records MaLion keeps: PC operation logs.

pub mod datetime;
mod log;

pub use log::{
    AttendanceLinkCode, Deduped, LogEvent, LogId, LogIdentity, OperationLog, PunchKind,
    account_name, dedupe,
};
