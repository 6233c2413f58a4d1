//! The ID連携 import: a CSV of WowTalk user IDs and KOT employee codes,
//! checked row by row, with WowTalk's result: インポート完了 / インポート失敗
//! counts and a CSV of the failed rows with the reason for each (「詳細」).

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::hash::BuildHasher;

use chrono::{DateTime, TimeZone};
use kot_api::models::EmployeeCode;
use kot_api::time_band::CallKind;
use kot_connect_http::Clock;
use serde::{Deserialize, Serialize};

use super::parse::parse;
use super::{LinkCsvLayout, LinkRow, LinkTable, Malformed, MergeOutcome};
use crate::Error;
use crate::csv_text::{CsvIn, CsvOut, DetectedEncoding, InputEncoding, WriteOptions};
use crate::models::WowTalkUserId;

/// The name the time-band refusal gives the import.
pub const IMPORT_OPERATION: &str = "the ID-link import";

/// The KOT employees an import may link to (from `GET /employees`, cached
/// outside the time bands).
pub trait KotEmployeeDirectory {
    /// True when KOT has an employee with this code (exact match).
    fn has_employee(&self, code: &EmployeeCode) -> bool;
}

/// The WowTalk users an import may link (from the member list).
pub trait WowTalkUserDirectory {
    /// True when WowTalk has a user with this ID (exact match).
    fn has_user(&self, user: &WowTalkUserId) -> bool;
}

macro_rules! directory_impls {
    ($trait:ident, $method:ident, $key:ty) => {
        impl<S: BuildHasher> $trait for HashSet<$key, S> {
            fn $method(&self, key: &$key) -> bool {
                self.contains(key)
            }
        }
        impl $trait for BTreeSet<$key> {
            fn $method(&self, key: &$key) -> bool {
                self.contains(key)
            }
        }
        impl<V, S: BuildHasher> $trait for HashMap<$key, V, S> {
            fn $method(&self, key: &$key) -> bool {
                self.contains_key(key)
            }
        }
        impl<V> $trait for BTreeMap<$key, V> {
            fn $method(&self, key: &$key) -> bool {
                self.contains_key(key)
            }
        }
        impl $trait for Vec<$key> {
            fn $method(&self, key: &$key) -> bool {
                self.contains(key)
            }
        }
    };
}

directory_impls!(KotEmployeeDirectory, has_employee, EmployeeCode);
directory_impls!(WowTalkUserDirectory, has_user, WowTalkUserId);

/// Why one row of an import failed. A row may fail for several reasons.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FailureReason {
    /// The row is not a link (empty cell, wrong cell count, unreadable).
    Malformed {
        /// What is wrong.
        problem: Malformed,
    },
    /// The WowTalk user ID appears on other lines of the file too; none of
    /// them is imported, since the file does not say which is meant.
    DuplicateUserId {
        /// The user.
        user_id: WowTalkUserId,
        /// The other lines.
        other_lines: Vec<u64>,
    },
    /// The KOT employee code appears on other lines of the file too.
    DuplicateEmployeeCode {
        /// The employee code.
        employee_code: EmployeeCode,
        /// The other lines.
        other_lines: Vec<u64>,
    },
    /// WowTalk has no such user.
    UnknownWowTalkUser {
        /// The user ID as written.
        user_id: WowTalkUserId,
    },
    /// KOT has no such employee.
    UnknownKotEmployee {
        /// The employee code as written.
        employee_code: EmployeeCode,
    },
    /// The KOT employee is linked to another WowTalk user, who keeps it.
    EmployeeLinkedToAnotherUser {
        /// The employee code.
        employee_code: EmployeeCode,
        /// The user holding it.
        linked_user: WowTalkUserId,
    },
}

impl FailureReason {
    /// A stable machine name: `malformed`, `duplicate_user_id`,
    /// `duplicate_employee_code`, `unknown_wowtalk_user`,
    /// `unknown_kot_employee` or `employee_linked_to_another_user`.
    pub fn kind(&self) -> &'static str {
        match self {
            FailureReason::Malformed { .. } => "malformed",
            FailureReason::DuplicateUserId { .. } => "duplicate_user_id",
            FailureReason::DuplicateEmployeeCode { .. } => "duplicate_employee_code",
            FailureReason::UnknownWowTalkUser { .. } => "unknown_wowtalk_user",
            FailureReason::UnknownKotEmployee { .. } => "unknown_kot_employee",
            FailureReason::EmployeeLinkedToAnotherUser { .. } => "employee_linked_to_another_user",
        }
    }
}

struct Lines<'a>(&'a [u64]);

impl fmt::Display for Lines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, line) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{line}")?;
        }
        Ok(())
    }
}

impl fmt::Display for FailureReason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FailureReason::Malformed { problem } => write!(f, "不正な行: {problem}"),
            FailureReason::DuplicateUserId {
                user_id,
                other_lines,
            } => write!(
                f,
                "WowTalk ユーザーID {user_id} がファイル内で重複しています (duplicate WowTalk user ID, also on line {})",
                Lines(other_lines)
            ),
            FailureReason::DuplicateEmployeeCode {
                employee_code,
                other_lines,
            } => write!(
                f,
                "従業員コード {employee_code} がファイル内で重複しています (duplicate KOT employee code, also on line {})",
                Lines(other_lines)
            ),
            FailureReason::UnknownWowTalkUser { user_id } => write!(
                f,
                "WowTalk に存在しないユーザーIDです: {user_id} (unknown WowTalk user)"
            ),
            FailureReason::UnknownKotEmployee { employee_code } => write!(
                f,
                "KING OF TIME に存在しない従業員コードです: {employee_code} (unknown KOT employee)"
            ),
            FailureReason::EmployeeLinkedToAnotherUser {
                employee_code,
                linked_user,
            } => write!(
                f,
                "従業員コード {employee_code} は {linked_user} と連携済みです (KOT employee already linked to another WowTalk user)"
            ),
        }
    }
}

/// One failed row: where it is, what it held, and why it failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FailedRow {
    /// The 1-based line of the row in the file (the header is line 1).
    pub line: u64,
    /// The row's cells, as read.
    pub values: Vec<String>,
    /// Why it failed (at least one reason).
    pub reasons: Vec<FailureReason>,
}

impl FailedRow {
    /// The reasons as one text, joined by `; `: the failure CSV's reason cell.
    pub fn reason_text(&self) -> String {
        self.reasons
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join("; ")
    }
}

/// A row that was imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImportedRow {
    /// The 1-based line of the row in the file.
    pub line: u64,
    /// The link.
    pub link: LinkRow,
}

/// WowTalk's 「インポート集計」: the two counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImportSummary {
    /// インポート完了: rows imported.
    pub completed: usize,
    /// インポート失敗: rows that failed.
    pub failed: usize,
}

impl fmt::Display for ImportSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "インポート完了 {} / インポート失敗 {}",
            self.completed, self.failed
        )
    }
}

/// The result of an import. Apply it with [`ImportReport::apply_to`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ImportReport {
    /// The encoding the file was read as.
    pub encoding: DetectedEncoding,
    /// The file's header, as read.
    pub headers: Vec<String>,
    /// The rows imported, in file order.
    pub imported: Vec<ImportedRow>,
    /// The rows that failed, in file order.
    pub failures: Vec<FailedRow>,
    line_column: String,
    reason_column: String,
}

impl ImportReport {
    /// インポート完了 / インポート失敗.
    pub fn summary(&self) -> ImportSummary {
        ImportSummary {
            completed: self.imported.len(),
            failed: self.failures.len(),
        }
    }

    /// The imported links, in file order.
    pub fn links(&self) -> impl Iterator<Item = &LinkRow> {
        self.imported.iter().map(|r| &r.link)
    }

    /// Merges the imported links into `table`: users present are updated,
    /// others kept. When `table` is the one the import was checked against,
    /// nothing is rejected.
    pub fn apply_to(&self, table: &mut LinkTable) -> MergeOutcome {
        table.merge(self.links().cloned())
    }

    /// The failure CSV's content (WowTalk's 「詳細」).
    pub fn failure_csv(&self) -> FailureCsv {
        FailureCsv {
            headers: self.headers.clone(),
            line_column: self.line_column.clone(),
            reason_column: self.reason_column.clone(),
            rows: self
                .failures
                .iter()
                .map(|f| FailureRecord {
                    line: f.line,
                    values: f.values.clone(),
                    reason: f.reason_text(),
                })
                .collect(),
        }
    }

    /// Writes the failure CSV (WowTalk's 「詳細」): the line, the row's cells
    /// under the file's own header, and the reason.
    ///
    /// # Errors
    /// [`Error::Unmappable`] when a value cannot be written in the encoding.
    pub fn write_failure_csv(&self, options: &WriteOptions) -> Result<Vec<u8>, Error> {
        self.failure_csv().to_csv(options)
    }
}

/// One row of a failure CSV.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FailureRecord {
    /// The line of the failed row in the imported file.
    pub line: u64,
    /// The row's cells.
    pub values: Vec<String>,
    /// Why it failed, in words.
    pub reason: String,
}

/// A failure CSV: `<line column>, <the import's header...>, <reason column>`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct FailureCsv {
    /// The imported file's header.
    pub headers: Vec<String>,
    /// The first column's name.
    pub line_column: String,
    /// The last column's name.
    pub reason_column: String,
    /// The failed rows.
    pub rows: Vec<FailureRecord>,
}

impl FailureCsv {
    /// Writes the CSV.
    ///
    /// # Errors
    /// [`Error::Unmappable`] when a value cannot be written in the encoding.
    pub fn to_csv(&self, options: &WriteOptions) -> Result<Vec<u8>, Error> {
        let mut out = CsvOut::new(options);
        let header = std::iter::once(self.line_column.as_str())
            .chain(self.headers.iter().map(String::as_str))
            .chain(std::iter::once(self.reason_column.as_str()));
        out.row(header)?;
        for row in &self.rows {
            let line = row.line.to_string();
            let cells = std::iter::once(line.as_str())
                .chain(row.values.iter().map(String::as_str))
                .chain(std::iter::once(row.reason.as_str()));
            out.row(cells)?;
        }
        out.finish(options.encoding)
    }

    /// Reads a failure CSV written by [`FailureCsv::to_csv`]: the first
    /// column must be the layout's line column and the last its reason
    /// column.
    ///
    /// # Errors
    /// [`Error::Encoding`], [`Error::MissingColumn`] when the first or last
    /// header is not as expected, [`Error::InvalidRow`] for a row without a
    /// line number.
    pub fn read(
        bytes: &[u8],
        layout: &LinkCsvLayout,
        encoding: InputEncoding,
    ) -> Result<Self, Error> {
        let csv = CsvIn::read(bytes, encoding)?;
        let missing = |column: &'static str, name: &str| Error::MissingColumn {
            column,
            accepted: vec![name.to_owned()],
            found: csv.headers.clone(),
        };
        if csv.headers.len() < 2 || csv.headers[0] != layout.line_column {
            return Err(missing("line", &layout.line_column));
        }
        if csv.headers.last() != Some(&layout.reason_column) {
            return Err(missing("reason", &layout.reason_column));
        }
        let headers = csv.headers[1..csv.headers.len() - 1].to_vec();
        let mut rows = Vec::new();
        for record in csv.records {
            let (at, mut values) =
                record.map_err(|(line, reason)| Error::InvalidRow { line, reason })?;
            let invalid = |reason: &str| Error::InvalidRow {
                line: at,
                reason: reason.to_owned(),
            };
            if values.len() < 2 {
                return Err(invalid("a failure row needs a line number and a reason"));
            }
            let reason = values.pop().unwrap_or_default();
            let line = values.remove(0);
            let line = line
                .trim()
                .parse()
                .map_err(|_| invalid("the line number is not a number"))?;
            rows.push(FailureRecord {
                line,
                values,
                reason,
            });
        }
        Ok(Self {
            headers,
            line_column: layout.line_column.clone(),
            reason_column: layout.reason_column.clone(),
            rows,
        })
    }
}

/// Runs the ID連携 import: checks every row against KOT's employees,
/// WowTalk's users, the other rows and the existing links.
///
/// ```
/// # use std::collections::BTreeSet;
/// # use chrono::TimeZone;
/// # use wowtalk_api::idlink::{LinkImporter, LinkTable};
/// # use wowtalk_api::models::WowTalkUserId;
/// # use kot_api::models::EmployeeCode;
/// let kot: BTreeSet<EmployeeCode> = ["0012".into()].into();
/// let users: BTreeSet<WowTalkUserId> = ["yamada".into()].into();
/// let mut table = LinkTable::new();
/// let noon = kot_api::time_band::jst().with_ymd_and_hms(2026, 4, 1, 12, 0, 0).unwrap();
/// let file = "ユーザーID,従業員コード\nyamada,0012\nsato,0099\n";
/// let report = LinkImporter::new(&kot, &users)
///     .existing(&table)
///     .run(file.as_bytes(), &noon)?;
/// assert_eq!(report.summary().to_string(), "インポート完了 1 / インポート失敗 1");
/// report.apply_to(&mut table);
/// # Ok::<(), wowtalk_api::Error>(())
/// ```
pub struct LinkImporter<'a> {
    kot: &'a dyn KotEmployeeDirectory,
    users: &'a dyn WowTalkUserDirectory,
    existing: Option<&'a LinkTable>,
    layout: LinkCsvLayout,
    encoding: InputEncoding,
}

impl fmt::Debug for LinkImporter<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LinkImporter")
            .field("existing", &self.existing.map(LinkTable::len))
            .field("layout", &self.layout)
            .field("encoding", &self.encoding)
            .finish_non_exhaustive()
    }
}

impl<'a> LinkImporter<'a> {
    /// An importer checking rows against KOT's employees and WowTalk's users.
    pub fn new(kot: &'a dyn KotEmployeeDirectory, users: &'a dyn WowTalkUserDirectory) -> Self {
        Self {
            kot,
            users,
            existing: None,
            layout: LinkCsvLayout::default(),
            encoding: InputEncoding::default(),
        }
    }

    /// The links in force, so that a row taking an employee another user
    /// keeps is refused (default: none).
    pub fn existing(mut self, table: &'a LinkTable) -> Self {
        self.existing = Some(table);
        self
    }

    /// The column names (default [`LinkCsvLayout::default`]).
    pub fn layout(mut self, layout: LinkCsvLayout) -> Self {
        self.layout = layout;
        self
    }

    /// The file's encoding (default: detect UTF-8, with or without BOM, or
    /// Shift_JIS).
    pub fn encoding(mut self, encoding: InputEncoding) -> Self {
        self.encoding = encoding;
        self
    }

    /// Imports `file` at the instant given by `clock`.
    ///
    /// # Errors
    /// As [`LinkImporter::run`].
    pub fn run_with_clock(&self, file: &[u8], clock: &dyn Clock) -> Result<ImportReport, Error> {
        self.run(file, &clock.now())
    }

    /// Imports `file` at instant `now`. Nothing is changed: apply the report
    /// with [`ImportReport::apply_to`].
    ///
    /// # Errors
    /// [`Error::TimeBand`] when `now` falls in 08:30-10:00 or 17:30-18:30
    /// JST (as WowTalk refuses, since KOT's API is closed then; the file is
    /// not even read); [`Error::Encoding`] when the file is not UTF-8 or
    /// Shift_JIS text; [`Error::MissingColumn`] / [`Error::AmbiguousColumn`]
    /// when the header does not name the two columns once each.
    pub fn run<Tz: TimeZone>(
        &self,
        file: &[u8],
        now: &DateTime<Tz>,
    ) -> Result<ImportReport, Error> {
        CallKind::Guarded.check(now, IMPORT_OPERATION)?;
        let parsed = parse(file, &self.layout, self.encoding)?;

        let mut user_lines: HashMap<&WowTalkUserId, Vec<u64>> = HashMap::new();
        let mut code_lines: HashMap<&EmployeeCode, Vec<u64>> = HashMap::new();
        for row in &parsed.rows {
            if let Ok(link) = &row.link {
                user_lines.entry(&link.user_id).or_default().push(row.line);
                code_lines
                    .entry(&link.employee_code)
                    .or_default()
                    .push(row.line);
            }
        }
        let others = |lines: Option<&Vec<u64>>, me: u64| -> Vec<u64> {
            lines
                .map(|l| l.iter().copied().filter(|x| *x != me).collect())
                .unwrap_or_default()
        };

        let mut reasons: Vec<Vec<FailureReason>> = Vec::with_capacity(parsed.rows.len());
        for row in &parsed.rows {
            let mut why = Vec::new();
            match &row.link {
                Err(problem) => why.push(FailureReason::Malformed {
                    problem: problem.clone(),
                }),
                Ok(link) => {
                    let dup_users = others(user_lines.get(&link.user_id), row.line);
                    if !dup_users.is_empty() {
                        why.push(FailureReason::DuplicateUserId {
                            user_id: link.user_id.clone(),
                            other_lines: dup_users,
                        });
                    }
                    let dup_codes = others(code_lines.get(&link.employee_code), row.line);
                    if !dup_codes.is_empty() {
                        why.push(FailureReason::DuplicateEmployeeCode {
                            employee_code: link.employee_code.clone(),
                            other_lines: dup_codes,
                        });
                    }
                    if !self.users.has_user(&link.user_id) {
                        why.push(FailureReason::UnknownWowTalkUser {
                            user_id: link.user_id.clone(),
                        });
                    }
                    if !self.kot.has_employee(&link.employee_code) {
                        why.push(FailureReason::UnknownKotEmployee {
                            employee_code: link.employee_code.clone(),
                        });
                    }
                }
            }
            reasons.push(why);
        }

        if let Some(table) = self.existing {
            let candidates: Vec<usize> = (0..parsed.rows.len())
                .filter(|i| reasons[*i].is_empty())
                .collect();
            let links: Vec<&LinkRow> = candidates
                .iter()
                .filter_map(|i| parsed.rows[*i].link.as_ref().ok())
                .collect();
            for (i, holder) in candidates.iter().zip(table.holder_conflicts(&links)) {
                if let (Some(linked_user), Ok(link)) = (holder, &parsed.rows[*i].link) {
                    reasons[*i].push(FailureReason::EmployeeLinkedToAnotherUser {
                        employee_code: link.employee_code.clone(),
                        linked_user,
                    });
                }
            }
        }

        let mut imported = Vec::new();
        let mut failures = Vec::new();
        for (row, why) in parsed.rows.into_iter().zip(reasons) {
            match (row.link, why.is_empty()) {
                (Ok(link), true) => imported.push(ImportedRow {
                    line: row.line,
                    link,
                }),
                _ => failures.push(FailedRow {
                    line: row.line,
                    values: row.values,
                    reasons: why,
                }),
            }
        }
        Ok(ImportReport {
            encoding: parsed.encoding,
            headers: parsed.headers,
            imported,
            failures,
            line_column: self.layout.line_column.clone(),
            reason_column: self.layout.reason_column.clone(),
        })
    }
}
