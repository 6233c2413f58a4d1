//! ID連携: linking WowTalk users to KING OF TIME employees.
//!
//! - [`LinkImporter`] runs the import as WowTalk's manual describes it:
//!   refused 08:30-10:00 and 17:30-18:30 JST, every row checked, a result of
//!   インポート完了 / インポート失敗 counts and a failure CSV with the reason
//!   for each failed row.
//! - [`LinkTable`] is the result an engine stores (serde) and merges into
//!   ("the rows present are updated"), and exports as CSV (エクスポート).
//!
//! **Provisional:** the file's columns are not public. The reader finds them
//! by header name ([`LinkCsvLayout`], configurable) and keeps other columns.

mod import;
mod layout;
mod parse;
mod table;

pub use import::{
    FailedRow, FailureCsv, FailureReason, FailureRecord, IMPORT_OPERATION, ImportReport,
    ImportSummary, ImportedRow, KotEmployeeDirectory, LinkImporter, WowTalkUserDirectory,
};
pub use layout::LinkCsvLayout;
pub use parse::Malformed;
pub use table::{LinkConflict, LinkRow, LinkTable, MergeOutcome};
