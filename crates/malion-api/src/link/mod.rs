//! The link CSV of PC ログイン連携 (連携設定 > [CSV データ保存] / [CSV データ入力])
//! and the link table it maintains: サービスアカウント (MaLion user name) →
//! 打刻先アカウント (KOT employee code).
//!
//! The layout is the manual's, exactly:
//!
//! | 連携種別 | 種別コード | 打刻先アカウント | 姓・名 | サービスアカウント |
//! |---|---|---|---|---|
//! | MaLion連携 | 3 | 1000 | 勤怠 太郎 | tarouk |
//!
//! Values stay strings (the manual warns that Excel drops leading zeros).
//! The file's encoding and header row are not documented: UTF-8 (with or
//! without BOM) and Shift_JIS are read and written, and a header row with the
//! five labels is required.

mod csv;
mod row;
mod table;

pub use self::csv::{
    COLUMNS, CsvEncoding, CsvError, DuplicateEntry, DuplicateServiceAccount, EncodingChoice,
    LinkCsv, RowError, RowProblem, WriteOptions, read_link_csv, write_link_csv,
};
pub use row::{KindCode, LINK_KIND_MALION, LinkKey, LinkRow, ServiceAccount, TargetAccount};
pub use table::{LinkTable, MergeReport, Resolution};
