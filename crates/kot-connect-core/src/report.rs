//! What administrators read after a run: the sync log (連携ログ) and the
//! failure report CSV.
//!
//! - [`SyncLog`]: one run of one connector, as 「つながる KING OF TIME」's
//!   連携ログ shows it (コネクト名, 処理時間, 結果 `SUCCESS`/`FAILURE`, エラー
//!   詳細), with counts. [`render_table`] prints runs as a plain-text table
//!   with Japanese and English headers.
//! - [`FailureRow`] and [`write_failure_csv`]: one line per punch or person
//!   that did not go through, with a typed [`FailureReason`] whose
//!   [`message_ja`](FailureReason::message_ja) follows the manuals (e.g.
//!   「従業員コード:2022 の出勤は既に打刻済みです」). The CSV is UTF-8 with a
//!   byte-order mark, so that Excel in Japan opens it without mojibake, and
//!   its cells are neutralised against formula injection
//!   ([`neutralise_cell`]).

//!
//! ```
//! use kot_connect_core::report::{FailureReason, FailureRow, failure_csv};
//! use kot_connect_core::{EmployeeCode, PunchKind};
//!
//! let row = FailureRow {
//!     employee: Some(EmployeeCode::new("2022")),
//!     kind: Some(PunchKind::ClockIn),
//!     at: None,
//!     reason: FailureReason::AlreadyPunched {
//!         employee: EmployeeCode::new("2022"),
//!         kind: PunchKind::ClockIn,
//!     },
//!     source: None,
//! };
//! assert_eq!(row.message_ja(), "従業員コード:2022 の出勤は既に打刻済みです。KING OF TIME管理画面をご確認ください。");
//! let bytes = failure_csv(&[row])?;
//! assert!(bytes.starts_with(b"\xEF\xBB\xBF"));
//! # Ok::<(), kot_connect_core::report::ReportError>(())
//! ```

use std::borrow::Cow;
use std::fmt;
use std::io;

use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};

use crate::EmployeeCode;
use crate::punch::{PunchKind, SourceRef};
use crate::time::jst;

/// Which job of a connector ran.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SyncJob {
    /// 勤怠連携: source records → KOT punches.
    Attendance,
    /// 社員情報連携: KOT employees → the source's persons.
    EmployeeSync,
}

impl SyncJob {
    /// 勤怠連携 or 社員情報連携.
    pub fn label_ja(self) -> &'static str {
        match self {
            SyncJob::Attendance => "勤怠連携",
            SyncJob::EmployeeSync => "社員情報連携",
        }
    }

    /// `attendance` or `employee-sync`.
    pub fn label_en(self) -> &'static str {
        match self {
            SyncJob::Attendance => "attendance",
            SyncJob::EmployeeSync => "employee-sync",
        }
    }
}

/// The result of a run, as the manual's log shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum SyncStatus {
    /// `SUCCESS`: the run finished and nothing failed.
    Success,
    /// `FAILURE`: the run stopped, or at least one record failed.
    Failure,
}

impl fmt::Display for SyncStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SyncStatus::Success => "SUCCESS",
            SyncStatus::Failure => "FAILURE",
        })
    }
}

/// What a run did, in numbers. Every count not relevant to a job stays 0.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(default)]
#[non_exhaustive]
pub struct SyncCounts {
    /// Punches registered in KOT (登録).
    pub posted: usize,
    /// Punches KOT already had (打刻済).
    pub already_punched: usize,
    /// Source records a rule did not turn into punches (対象外).
    pub ignored: usize,
    /// Source records no KOT employee matched (未照合).
    pub unmatched: usize,
    /// Records that failed (失敗): API errors, conflicts, refusals.
    pub failed: usize,
    /// Persons created in the source (作成).
    pub created: usize,
    /// Persons updated in the source (更新).
    pub updated: usize,
    /// Persons already up to date (変更なし).
    pub unchanged: usize,
    /// Persons of resigned employees (退職).
    pub resigned: usize,
}

impl SyncCounts {
    /// The counts with their Japanese and English labels, in table order.
    pub fn labelled(&self) -> [(&'static str, &'static str, usize); 9] {
        [
            ("登録", "posted", self.posted),
            ("打刻済", "already", self.already_punched),
            ("対象外", "ignored", self.ignored),
            ("未照合", "unmatched", self.unmatched),
            ("失敗", "failed", self.failed),
            ("作成", "created", self.created),
            ("更新", "updated", self.updated),
            ("変更なし", "unchanged", self.unchanged),
            ("退職", "resigned", self.resigned),
        ]
    }
}

/// One run of one connector job (連携ログ).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SyncLog {
    /// The connector's name (コネクト名), e.g. `SenseThunder連携`.
    pub connector: String,
    /// The job that ran.
    pub job: SyncJob,
    /// When the run started.
    pub started_at: DateTime<FixedOffset>,
    /// When it ended.
    pub finished_at: DateTime<FixedOffset>,
    /// `SUCCESS` or `FAILURE`.
    pub status: SyncStatus,
    /// What it did.
    pub counts: SyncCounts,
    /// The error details (エラー詳細), one message per line, e.g. each
    /// failure's [`FailureRow::message_ja`].
    #[serde(default)]
    pub details: Vec<String>,
}

impl SyncLog {
    /// A run that went to its end: `FAILURE` when any record failed
    /// (`counts.failed > 0`), else `SUCCESS`. Punches KOT already had,
    /// ignored and unmatched records are reported in the counts and details
    /// but do not make the run a failure.
    pub fn finished(
        connector: impl Into<String>,
        job: SyncJob,
        started_at: DateTime<FixedOffset>,
        finished_at: DateTime<FixedOffset>,
        counts: SyncCounts,
        details: Vec<String>,
    ) -> Self {
        let status = if counts.failed > 0 {
            SyncStatus::Failure
        } else {
            SyncStatus::Success
        };
        Self {
            connector: connector.into(),
            job,
            started_at,
            finished_at,
            status,
            counts,
            details,
        }
    }

    /// A run that stopped early (`FAILURE`), with why as its last detail.
    pub fn aborted(
        connector: impl Into<String>,
        job: SyncJob,
        started_at: DateTime<FixedOffset>,
        finished_at: DateTime<FixedOffset>,
        counts: SyncCounts,
        mut details: Vec<String>,
        error: impl fmt::Display,
    ) -> Self {
        details.push(error.to_string());
        Self {
            connector: connector.into(),
            job,
            started_at,
            finished_at,
            status: SyncStatus::Failure,
            counts,
            details,
        }
    }

    /// 処理時間 as the manual writes it, in JST:
    /// `2021年02月24日 11:35:40 - 11:35:48` (the end's date is repeated
    /// when it differs).
    pub fn period_ja(&self) -> String {
        let start = self.started_at.with_timezone(&jst());
        let end = self.finished_at.with_timezone(&jst());
        let end_fmt = if start.date_naive() == end.date_naive() {
            "%H:%M:%S"
        } else {
            "%Y年%m月%d日 %H:%M:%S"
        };
        format!(
            "{} - {}",
            start.format("%Y年%m月%d日 %H:%M:%S"),
            end.format(end_fmt)
        )
    }
}

/// Runs as a plain-text table: a Japanese header line, an English header
/// line, one line per run, then the error details of the runs that have
/// any. Count columns appear when some run has a non-zero count. Columns are
/// aligned for a monospace font where CJK characters take two cells.
pub fn render_table(logs: &[SyncLog]) -> String {
    let counts: Vec<usize> = (0..9)
        .filter(|&i| logs.iter().any(|l| l.counts.labelled()[i].2 > 0))
        .collect();
    let mut header_ja = vec!["コネクト名", "種別", "処理時間", "結果"];
    let mut header_en = vec!["Connector", "Job", "Time (JST)", "Result"];
    let labels = SyncCounts::default().labelled();
    for &i in &counts {
        header_ja.push(labels[i].0);
        header_en.push(labels[i].1);
    }
    let mut rows: Vec<Vec<String>> = vec![
        header_ja.iter().map(|s| (*s).to_owned()).collect(),
        header_en.iter().map(|s| (*s).to_owned()).collect(),
    ];
    for log in logs {
        let mut row = vec![
            one_line(&log.connector),
            log.job.label_ja().to_owned(),
            log.period_ja(),
            log.status.to_string(),
        ];
        let values = log.counts.labelled();
        row.extend(counts.iter().map(|&i| values[i].2.to_string()));
        rows.push(row);
    }
    // Counts are right-aligned, text left-aligned.
    let mut out = render_grid(&rows, 2, 4);
    let with_details: Vec<&SyncLog> = logs.iter().filter(|l| !l.details.is_empty()).collect();
    if !with_details.is_empty() {
        out.push_str("\nエラー詳細 Details\n");
        for log in with_details {
            out.push_str(&format!(
                "{} {} {}:\n",
                one_line(&log.connector),
                log.job.label_ja(),
                log.period_ja()
            ));
            // The same message for many records is shown once, with a count.
            let mut lines: Vec<(String, usize)> = Vec::new();
            for line in &log.details {
                let line = one_line(line);
                match lines.iter_mut().find(|(l, _)| *l == line) {
                    Some((_, n)) => *n += 1,
                    None => lines.push((line, 1)),
                }
            }
            for (line, n) in lines {
                if n == 1 {
                    out.push_str(&format!("  - {line}\n"));
                } else {
                    out.push_str(&format!("  - {line} (×{n})\n"));
                }
            }
        }
    }
    out
}

/// A plain-text table: `rows[..header_rows]` are headers, followed by a
/// rule; columns are separated by ` | ` and padded for a monospace font in
/// which CJK characters take two cells; body cells from column
/// `right_align_from` on are right-aligned (numbers). Control characters in
/// cells become spaces, so a value cannot break the table's lines. Short
/// rows are padded with empty cells.
pub fn render_grid(rows: &[Vec<String>], header_rows: usize, right_align_from: usize) -> String {
    let columns = rows.iter().map(Vec::len).max().unwrap_or(0);
    let cell = |row: &Vec<String>, c: usize| row.get(c).map(|s| one_line(s)).unwrap_or_default();
    let widths: Vec<usize> = (0..columns)
        .map(|c| {
            rows.iter()
                .map(|r| display_width(&cell(r, c)))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut out = String::new();
    for (n, row) in rows.iter().enumerate() {
        let cells: Vec<String> = (0..columns)
            .map(|c| {
                let text = cell(row, c);
                let pad = " ".repeat(widths[c].saturating_sub(display_width(&text)));
                if c >= right_align_from && n >= header_rows {
                    format!("{pad}{text}")
                } else {
                    format!("{text}{pad}")
                }
            })
            .collect();
        out.push_str(cells.join(" | ").trim_end());
        out.push('\n');
        if header_rows > 0 && n + 1 == header_rows {
            let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
            out.push_str(&rule.join("-+-"));
            out.push('\n');
        }
    }
    out
}

/// `s` with control characters (line breaks, tabs, escapes) as spaces, so
/// that a value cannot break the table's lines or drive a terminal.
fn one_line(s: &str) -> String {
    s.chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect()
}

/// The width of `s` in a monospace terminal: two cells for East Asian wide
/// and full-width characters (kana, kanji, hangul, full-width forms), one
/// for the rest. An approximation of UAX #11 good enough for labels and
/// names.
fn display_width(s: &str) -> usize {
    s.chars()
        .map(|c| match u32::from(c) {
            0x1100..=0x115F
            | 0x2E80..=0x303E
            | 0x3041..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xA000..=0xA4CF
            | 0xAC00..=0xD7A3
            | 0xF900..=0xFAFF
            | 0xFE30..=0xFE4F
            | 0xFF00..=0xFF60
            | 0xFFE0..=0xFFE6
            | 0x20000..=0x3FFFD => 2,
            _ => 1,
        })
        .sum()
}

/// Why a punch (or a person) did not go through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FailureReason {
    /// No KOT employee has the source's id as employee code.
    UnmatchedEmployee {
        /// The id in the source (SenseLink 従業員番号, cyzen ユーザーコード,
        /// MaLion user, WowTalk ID, ...).
        external_id: String,
    },
    /// More than one KOT employee matches the source's id.
    AmbiguousMatch {
        /// The id in the source.
        external_id: String,
        /// The employees it matches.
        candidates: Vec<EmployeeCode>,
    },
    /// The employee has resigned.
    ResignedEmployee {
        /// The employee.
        employee: EmployeeCode,
        /// KOT's 退職年月日, when known.
        resigned_on: Option<NaiveDate>,
    },
    /// KOT already has this punch (打刻済みエラー).
    AlreadyPunched {
        /// The employee.
        employee: EmployeeCode,
        /// The punch.
        kind: PunchKind,
    },
    /// The punch contradicts what KOT or the ledger holds.
    Conflict {
        /// What contradicts what.
        detail: String,
    },
    /// Refused in KOT's API time band; the call may be made again after
    /// `reopens_at`.
    TimeBand {
        /// When the band ends (JST).
        reopens_at: DateTime<FixedOffset>,
    },
    /// The API refused the call or could not be reached.
    ApiError {
        /// The error, as the client reported it (never a secret).
        message: String,
    },
}

impl FailureReason {
    /// The message administrators read, in the manuals' Japanese.
    pub fn message_ja(&self) -> String {
        match self {
            FailureReason::UnmatchedEmployee { external_id } => {
                format!("連携元ID:{external_id} に一致する従業員コードが KING OF TIME にありません")
            }
            FailureReason::AmbiguousMatch {
                external_id,
                candidates,
            } => format!(
                "連携元ID:{external_id} に一致する従業員が複数います（{}）",
                join_codes(candidates)
            ),
            FailureReason::ResignedEmployee {
                employee,
                resigned_on,
            } => match resigned_on {
                Some(date) => format!(
                    "従業員コード:{employee} は退職済みです（退職日 {}）",
                    date.format("%Y/%m/%d")
                ),
                None => format!("従業員コード:{employee} は退職済みです"),
            },
            FailureReason::AlreadyPunched { employee, kind } => {
                format!(
                    "従業員コード:{employee} の{kind}は既に打刻済みです。KING OF TIME管理画面をご確認ください。"
                )
            }
            FailureReason::Conflict { detail } => {
                format!("KING OF TIME の打刻と矛盾します: {detail}")
            }
            FailureReason::TimeBand { reopens_at } => format!(
                "KING OF TIME の API 利用禁止時間帯のため登録できませんでした（{} 以降に再実行できます）",
                reopens_at.with_timezone(&jst()).format("%Y/%m/%d %H:%M")
            ),
            FailureReason::ApiError { message } => format!("API エラー: {message}"),
        }
    }

    /// The same message in English.
    pub fn message_en(&self) -> String {
        match self {
            FailureReason::UnmatchedEmployee { external_id } => {
                format!("no KOT employee code matches source id {external_id}")
            }
            FailureReason::AmbiguousMatch {
                external_id,
                candidates,
            } => format!(
                "source id {external_id} matches several employees ({})",
                join_codes(candidates)
            ),
            FailureReason::ResignedEmployee {
                employee,
                resigned_on,
            } => match resigned_on {
                Some(date) => format!("employee {employee} resigned on {date}"),
                None => format!("employee {employee} has resigned"),
            },
            FailureReason::AlreadyPunched { employee, kind } => {
                format!(
                    "employee {employee}: {} is already punched",
                    kind.label_en()
                )
            }
            FailureReason::Conflict { detail } => format!("conflicts with KOT: {detail}"),
            FailureReason::TimeBand { reopens_at } => format!(
                "refused in KOT's API time band; retry after {}",
                reopens_at
                    .with_timezone(&jst())
                    .format("%Y-%m-%d %H:%M JST")
            ),
            FailureReason::ApiError { message } => format!("API error: {message}"),
        }
    }

    /// Advice for the administrator, where the manuals give one.
    pub fn advice_ja(&self) -> Option<&'static str> {
        match self {
            FailureReason::AlreadyPunched { .. } => Some(
                "再度連携する場合は、KING OF TIMEの日別データの編集から打刻を削除してください。",
            ),
            FailureReason::UnmatchedEmployee { .. } => {
                Some("連携元のIDとKING OF TIMEの従業員コードを揃えてください。")
            }
            _ => None,
        }
    }
}

fn join_codes(codes: &[EmployeeCode]) -> String {
    codes
        .iter()
        .map(EmployeeCode::as_str)
        .collect::<Vec<_>>()
        .join(", ")
}

impl fmt::Display for FailureReason {
    /// The Japanese message ([`FailureReason::message_ja`]).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message_ja())
    }
}

/// One line of the failure report. Every field but the reason is optional:
/// an unmatched record has no employee code, a failed person sync no punch.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailureRow {
    /// The KOT employee code (従業員コード), when known.
    pub employee: Option<EmployeeCode>,
    /// The punch (打刻種別), when the failure is about a punch.
    pub kind: Option<PunchKind>,
    /// When the punch happened, when known.
    pub at: Option<DateTime<FixedOffset>>,
    /// Why it failed.
    pub reason: FailureReason,
    /// The source record, when there is one.
    pub source: Option<SourceRef>,
}

impl FailureRow {
    /// The reason's Japanese message.
    pub fn message_ja(&self) -> String {
        self.reason.message_ja()
    }
}

/// The failure report's header: 従業員コード, 打刻種別, 打刻時刻, 理由,
/// 連携元レコード.
pub const FAILURE_CSV_HEADER: [&str; 5] = [
    "従業員コード",
    "打刻種別",
    "打刻時刻",
    "理由",
    "連携元レコード",
];

/// The UTF-8 byte-order mark the CSV starts with.
pub const UTF8_BOM: &[u8] = b"\xEF\xBB\xBF";

/// A failure report that could not be written.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// Writing failed.
    #[error("could not write the failure report: {0}")]
    Io(#[from] io::Error),
    /// The CSV writer failed.
    #[error("could not write the failure report: {0}")]
    Csv(#[from] csv::Error),
}

fn is_formula_trigger(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r')
}

/// True when `cell`, once its leading `'`s are removed, starts with a
/// formula trigger.
fn needs_neutralising(cell: &str) -> bool {
    cell.trim_start_matches('\'')
        .chars()
        .next()
        .is_some_and(is_formula_trigger)
}

/// A cell made safe for spreadsheets: a cell starting with `=`, `+`, `-`,
/// `@`, a tab or a carriage return gets a leading `'`, so that Excel shows
/// it as text instead of evaluating it (CSV / formula injection). A cell
/// that already starts with `'`s before such a character gets one more, so
/// that [`restore_cell`] gives every value back exactly. Other cells are
/// unchanged.
///
/// The rule every CSV writer of kot-connect follows (malion-api's link CSV
/// and wowtalk-api's CSVs apply the same one). Negative numbers are
/// neutralised too (`-5` is written `'-5`): no column of these reports is a
/// number a spreadsheet should compute with.
pub fn neutralise_cell(cell: &str) -> Cow<'_, str> {
    if needs_neutralising(cell) {
        Cow::Owned(format!("'{cell}"))
    } else {
        Cow::Borrowed(cell)
    }
}

/// The inverse of [`neutralise_cell`], for readers of the reports: removes
/// the one `'` it added.
pub fn restore_cell(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if needs_neutralising(rest) => rest,
        _ => cell,
    }
}

/// Writes the failure report as CSV: a UTF-8 BOM, the
/// [`FAILURE_CSV_HEADER`], then one record per row, CRLF line ends, every
/// cell through [`neutralise_cell`].
///
/// Cells: the employee code; the punch's Japanese label (出勤, 退勤, ...);
/// the time in JST as `YYYY/MM/DD HH:MM:SS` (what Excel in Japan reads as a
/// date); the reason's [`FailureReason::message_ja`]; the source as
/// `system:record_id`. A missing value is an empty cell.
///
/// # Errors
/// [`ReportError`] when `writer` fails.
pub fn write_failure_csv<W: io::Write>(
    mut writer: W,
    rows: &[FailureRow],
) -> Result<(), ReportError> {
    writer.write_all(UTF8_BOM)?;
    let mut csv = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(writer);
    csv.write_record(FAILURE_CSV_HEADER)?;
    for row in rows {
        let cells = [
            row.employee
                .as_ref()
                .map(|e| e.as_str().to_owned())
                .unwrap_or_default(),
            row.kind
                .map(|k| k.label_ja().to_owned())
                .unwrap_or_default(),
            row.at
                .map(|t| {
                    t.with_timezone(&jst())
                        .format("%Y/%m/%d %H:%M:%S")
                        .to_string()
                })
                .unwrap_or_default(),
            row.reason.message_ja(),
            row.source
                .as_ref()
                .map(ToString::to_string)
                .unwrap_or_default(),
        ];
        csv.write_record(cells.iter().map(|c| neutralise_cell(c).into_owned()))?;
    }
    csv.flush()?;
    Ok(())
}

/// The failure report as bytes; see [`write_failure_csv`].
///
/// # Errors
/// [`ReportError`] in theory only: writing to memory does not fail.
pub fn failure_csv(rows: &[FailureRow]) -> Result<Vec<u8>, ReportError> {
    let mut out = Vec::new();
    write_failure_csv(&mut out, rows)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::punch::SourceSystem;
    use chrono::TimeZone;
    use proptest::prelude::*;

    fn at(h: u32, m: u32, s: u32) -> DateTime<FixedOffset> {
        jst().with_ymd_and_hms(2021, 2, 24, h, m, s).unwrap()
    }

    fn already(code: &str, kind: PunchKind) -> FailureReason {
        FailureReason::AlreadyPunched {
            employee: EmployeeCode::new(code),
            kind,
        }
    }

    #[test]
    fn already_punched_reads_like_the_manual() {
        assert_eq!(
            already("2022", PunchKind::ClockIn).message_ja(),
            "従業員コード:2022 の出勤は既に打刻済みです。KING OF TIME管理画面をご確認ください。"
        );
        assert_eq!(
            already("2020", PunchKind::ClockOut).to_string(),
            "従業員コード:2020 の退勤は既に打刻済みです。KING OF TIME管理画面をご確認ください。"
        );
        assert_eq!(
            already("2020", PunchKind::ClockOut).message_en(),
            "employee 2020: clock-out is already punched"
        );
        assert!(
            already("1", PunchKind::ClockIn)
                .advice_ja()
                .unwrap()
                .contains("日別データの編集から打刻を削除")
        );
    }

    #[test]
    fn every_reason_has_a_message() {
        let reasons = [
            FailureReason::UnmatchedEmployee {
                external_id: "S-9".into(),
            },
            FailureReason::AmbiguousMatch {
                external_id: "x".into(),
                candidates: vec![EmployeeCode::new("1"), EmployeeCode::new("2")],
            },
            FailureReason::ResignedEmployee {
                employee: EmployeeCode::new("7"),
                resigned_on: NaiveDate::from_ymd_opt(2024, 3, 31),
            },
            FailureReason::Conflict {
                detail: "退勤 before 出勤".into(),
            },
            FailureReason::TimeBand {
                reopens_at: at(10, 0, 0),
            },
            FailureReason::ApiError {
                message: "HTTP 500".into(),
            },
        ];
        let ja: Vec<String> = reasons.iter().map(FailureReason::message_ja).collect();
        assert_eq!(
            ja[0],
            "連携元ID:S-9 に一致する従業員コードが KING OF TIME にありません"
        );
        assert_eq!(ja[1], "連携元ID:x に一致する従業員が複数います（1, 2）");
        assert_eq!(ja[2], "従業員コード:7 は退職済みです（退職日 2024/03/31）");
        assert!(ja[3].ends_with("退勤 before 出勤"));
        assert!(ja[4].contains("2021/02/24 10:00"), "{}", ja[4]);
        assert_eq!(ja[5], "API エラー: HTTP 500");
        assert!(reasons[4].message_en().contains("2021-02-24 10:00 JST"));
        // Serde keeps the type.
        for r in &reasons {
            let json = serde_json::to_string(r).unwrap();
            assert_eq!(&serde_json::from_str::<FailureReason>(&json).unwrap(), r);
        }
    }

    #[test]
    fn neutralises_formula_starts() {
        for (cell, expected) in [
            ("=1+1", "'=1+1"),
            ("+81 3", "'+81 3"),
            ("-5", "'-5"),
            ("@SUM(A1)", "'@SUM(A1)"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("2022", "2022"),
            ("出勤", "出勤"),
            ("a=b", "a=b"),
            ("", ""),
            ("'=x", "''=x"),
            ("'abc", "'abc"),
        ] {
            assert_eq!(neutralise_cell(cell), expected, "{cell:?}");
            assert_eq!(restore_cell(&neutralise_cell(cell)), cell, "{cell:?}");
        }
    }

    fn row(code: Option<&str>, reason: FailureReason, source: Option<&str>) -> FailureRow {
        FailureRow {
            employee: code.map(EmployeeCode::new),
            kind: Some(PunchKind::ClockIn),
            at: Some(at(9, 1, 2)),
            reason,
            source: source.map(|s| SourceRef::new(SourceSystem::SenseLink, s)),
        }
    }

    fn read_back(bytes: &[u8]) -> Vec<Vec<String>> {
        assert!(bytes.starts_with(UTF8_BOM));
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .from_reader(&bytes[UTF8_BOM.len()..]);
        reader
            .records()
            .map(|r| r.unwrap().iter().map(str::to_owned).collect())
            .collect()
    }

    #[test]
    fn the_csv_has_a_bom_a_header_and_japanese_cells() {
        let rows = vec![
            row(
                Some("2022"),
                already("2022", PunchKind::ClockIn),
                Some("101"),
            ),
            FailureRow {
                employee: None,
                kind: None,
                at: None,
                reason: FailureReason::UnmatchedEmployee {
                    external_id: "=HYPERLINK(\"http://x\")".into(),
                },
                source: None,
            },
        ];
        let bytes = failure_csv(&rows).unwrap();
        assert!(bytes.ends_with(b"\r\n"));
        let parsed = read_back(&bytes);
        assert_eq!(parsed[0], FAILURE_CSV_HEADER);
        assert_eq!(
            parsed[1],
            [
                "2022",
                "出勤",
                "2021/02/24 09:01:02",
                "従業員コード:2022 の出勤は既に打刻済みです。KING OF TIME管理画面をご確認ください。",
                "senselink:101"
            ]
        );
        // The reason starts with 連携元ID, so nothing to neutralise there;
        // empty cells stay empty.
        assert_eq!(parsed[2][0], "");
        assert_eq!(parsed[2][4], "");
        assert!(parsed[2][3].contains("=HYPERLINK"));
    }

    #[test]
    fn hostile_cells_come_back_quoted_and_otherwise_unchanged() {
        for hostile in ["=cmd|' /C calc'!A0", "+1", "-1", "@x", "\t=1", "\r=1"] {
            let rows = vec![row(
                Some(hostile),
                already("1", PunchKind::BreakEnd),
                Some("r"),
            )];
            let parsed = read_back(&failure_csv(&rows).unwrap());
            assert_eq!(parsed[1][0], format!("'{hostile}"));
            assert_eq!(parsed[1][4], "senselink:r");
        }
    }

    proptest! {
        #[test]
        fn csv_round_trips_minus_the_neutralising_quote(
            cells in prop::collection::vec(("[=+@\\-\t\r'a-z0-9出勤,\"\n ]{0,12}", "[=+@\\-a-z0-9,\"\n ]{0,12}", "[=+\\-@a-z\"]{0,8}"), 0..8),
        ) {
            let rows: Vec<FailureRow> = cells
                .iter()
                .map(|(code, message, src)| FailureRow {
                    employee: Some(EmployeeCode::new(code.as_str())),
                    kind: None,
                    at: None,
                    reason: FailureReason::ApiError { message: message.clone() },
                    source: Some(SourceRef::new(SourceSystem::MaLion, src.as_str())),
                })
                .collect();
            let parsed = read_back(&failure_csv(&rows).unwrap());
            prop_assert_eq!(parsed.len(), rows.len() + 1);
            let unquote = |cell: &str| -> String { restore_cell(cell).to_owned() };
            for (line, (code, message, src)) in parsed[1..].iter().zip(&cells) {
                for cell in line {
                    prop_assert!(!matches!(cell.chars().next(), Some('=' | '+' | '-' | '@' | '\t' | '\r')), "{cell:?}");
                }
                prop_assert_eq!(&unquote(&line[0]), code);
                prop_assert_eq!(&line[1], "");
                prop_assert_eq!(unquote(&line[3]), format!("API エラー: {message}"));
                prop_assert_eq!(unquote(&line[4]), format!("malion:{src}"));
            }
        }
    }

    fn log(status_failed: usize) -> SyncLog {
        SyncLog::finished(
            "SenseThunder連携",
            SyncJob::Attendance,
            at(11, 35, 40),
            at(11, 35, 48),
            SyncCounts {
                posted: 12,
                already_punched: 2,
                failed: status_failed,
                ..SyncCounts::default()
            },
            vec!["従業員コード:2022 の出勤は既に打刻済みです。KING OF TIME管理画面をご確認ください。".into()],
        )
    }

    #[test]
    fn status_follows_failures() {
        assert_eq!(log(0).status, SyncStatus::Success);
        assert_eq!(log(1).status, SyncStatus::Failure);
        let aborted = SyncLog::aborted(
            "cyzen連携",
            SyncJob::Attendance,
            at(1, 0, 0),
            at(1, 0, 1),
            SyncCounts::default(),
            vec![],
            "token rejected",
        );
        assert_eq!(aborted.status, SyncStatus::Failure);
        assert_eq!(aborted.details, ["token rejected"]);
    }

    #[test]
    fn the_log_reads_like_the_manual() {
        let l = log(0);
        assert_eq!(l.period_ja(), "2021年02月24日 11:35:40 - 11:35:48");
        let json = serde_json::to_value(&l).unwrap();
        assert_eq!(json["status"], "SUCCESS");
        assert_eq!(json["job"], "attendance");
        assert_eq!(serde_json::from_value::<SyncLog>(json).unwrap(), l);
        let mut overnight = log(0);
        overnight.finished_at = jst().with_ymd_and_hms(2021, 2, 25, 0, 0, 1).unwrap();
        assert_eq!(
            overnight.period_ja(),
            "2021年02月24日 11:35:40 - 2021年02月25日 00:00:01"
        );
    }

    #[test]
    fn table_has_both_headers_aligned_and_the_details() {
        let mut employee_sync = SyncLog::finished(
            "SenseThunder連携",
            SyncJob::EmployeeSync,
            at(12, 0, 0),
            at(12, 0, 5),
            SyncCounts {
                created: 3,
                ..SyncCounts::default()
            },
            vec![],
        );
        employee_sync.counts.updated = 1;
        let table = render_table(&[log(1), employee_sync]);
        let lines: Vec<&str> = table.lines().collect();
        assert!(lines[0].starts_with("コネクト名"), "{table}");
        assert!(
            lines[0].contains("結果") && lines[0].contains("打刻済") && lines[0].contains("作成")
        );
        assert!(
            lines[1].starts_with("Connector")
                && lines[1].contains("Result")
                && lines[1].contains("failed")
        );
        // Zero in every run: no column.
        assert!(!lines[1].contains("unmatched"), "{table}");
        assert!(lines[3].contains("SenseThunder連携 | 勤怠連携") && lines[3].contains("FAILURE"));
        assert!(lines[4].contains("社員情報連携") && lines[4].contains("SUCCESS"));
        // Aligned: every separator sits at the same display column.
        let seps = |line: &str| -> Vec<usize> {
            let mut col = 0;
            let mut out = vec![];
            for c in line.chars() {
                if c == '|' || c == '+' {
                    out.push(col);
                }
                col += display_width(&c.to_string());
            }
            out
        };
        let expected = seps(lines[2]);
        for line in [lines[0], lines[1], lines[3], lines[4]] {
            assert_eq!(seps(line)[..], expected[..], "{table}");
        }
        assert!(table.contains("エラー詳細 Details"));
        assert!(table.contains("  - 従業員コード:2022 の出勤は既に打刻済みです。"));
    }

    #[test]
    fn repeated_details_are_shown_once_with_a_count() {
        let mut l = log(0);
        l.details = vec!["a".into(), "b".into(), "a".into(), "a".into()];
        let table = render_table(&[l]);
        assert!(table.contains("  - a (×3)\n  - b\n"), "{table}");
        assert_eq!(table.matches("  - a").count(), 1, "{table}");
    }

    #[test]
    fn control_characters_cannot_break_the_table() {
        let mut l = log(0);
        l.connector = "evil\nname\x1b[31m".into();
        l.details = vec!["line\r\nbreak".into()];
        let table = render_table(&[l]);
        assert_eq!(table.lines().count(), 8, "{table}");
        assert!(!table.contains('\x1b'));
        assert!(table.contains("evil name [31m"));
        assert!(table.contains("  - line  break"));
    }

    #[test]
    fn widths_count_cjk_as_two() {
        assert_eq!(display_width("abc"), 3);
        assert_eq!(display_width("出勤"), 4);
        assert_eq!(display_width("ｱ"), 1);
        assert_eq!(display_width("ＡＢ　"), 6);
    }
}
