//! The sync-result event model, its plain-text rendering, and the length
//! tools every channel uses (truncation with a visible marker, splitting at
//! line boundaries).
//!
//! The model belongs to this crate so that it can be used without the sync
//! engine: an engine (or anyone) fills a [`SyncReport`] and hands it to a
//! [`Notifier`](crate::Notifier).

use std::borrow::Cow;
use std::fmt;

use bytes::Bytes;
use chrono::{DateTime, FixedOffset};

/// Whether a run succeeded as a whole.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum RunStatus {
    /// The run finished; every record was posted or already present.
    Success,
    /// The run failed, or finished with failed records.
    Failure,
}

impl RunStatus {
    /// `SUCCESS` or `FAILURE`.
    pub fn as_str(self) -> &'static str {
        match self {
            RunStatus::Success => "SUCCESS",
            RunStatus::Failure => "FAILURE",
        }
    }

    /// `成功` or `失敗`.
    pub fn label_ja(self) -> &'static str {
        match self {
            RunStatus::Success => "成功",
            RunStatus::Failure => "失敗",
        }
    }
}

impl fmt::Display for RunStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The counts of one run.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct RunCounts {
    /// Records read from the source (punches considered).
    pub total: u64,
    /// Punches registered in KING OF TIME by this run.
    pub posted: u64,
    /// Punches skipped because KING OF TIME already had them.
    pub skipped: u64,
    /// Records no (active) KOT employee matched: listed in
    /// [`SyncReport::failures`] for review, but they do not fail the run.
    pub unmatched: u64,
    /// Punches that failed (see [`SyncReport::failures`]).
    pub failed: u64,
}

/// The kind of punch (打刻種別) a failure is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum PunchKind {
    /// 出勤.
    ClockIn,
    /// 退勤.
    ClockOut,
    /// 休憩開始.
    BreakStart,
    /// 休憩終了.
    BreakEnd,
    /// Any other kind, labelled as the source names it.
    Other(String),
}

impl PunchKind {
    /// The label administrators read, Japanese first: `出勤 (clock-in)`.
    pub fn label(&self) -> Cow<'_, str> {
        match self {
            PunchKind::ClockIn => "出勤 (clock-in)".into(),
            PunchKind::ClockOut => "退勤 (clock-out)".into(),
            PunchKind::BreakStart => "休憩開始 (break start)".into(),
            PunchKind::BreakEnd => "休憩終了 (break end)".into(),
            PunchKind::Other(s) => s.as_str().into(),
        }
    }
}

/// Why one punch failed.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum FailureReason {
    /// The source's person matched no KING OF TIME employee.
    UnmatchedEmployee,
    /// KING OF TIME already had this punch (KOT's message 既に打刻済みです).
    AlreadyPunched,
    /// KING OF TIME refused the call in a prohibited time band
    /// (08:30-10:00, 17:30-18:30 JST).
    RefusedInTimeBand,
    /// Anything else, in the words of whoever reported it.
    Other(String),
}

impl FailureReason {
    /// The label administrators read.
    pub fn label(&self) -> Cow<'_, str> {
        match self {
            FailureReason::UnmatchedEmployee => {
                "従業員が見つかりません (unmatched employee)".into()
            }
            FailureReason::AlreadyPunched => "既に打刻済みです (already punched)".into(),
            FailureReason::RefusedInTimeBand => {
                "利用制限時間帯のため拒否されました (refused in a time band)".into()
            }
            FailureReason::Other(s) => s.as_str().into(),
        }
    }
}

/// One failed punch.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PunchFailure {
    /// The KING OF TIME employee code (or the source's ID when unmatched).
    pub employee_code: String,
    /// The punch kind.
    pub punch: PunchKind,
    /// When the punch happened at the source, if known.
    pub at: Option<DateTime<FixedOffset>>,
    /// Why it failed.
    pub reason: FailureReason,
}

impl PunchFailure {
    /// A failure without a time.
    pub fn new(employee_code: impl Into<String>, punch: PunchKind, reason: FailureReason) -> Self {
        Self {
            employee_code: employee_code.into(),
            punch,
            at: None,
            reason,
        }
    }

    /// Sets the time of the punch.
    pub fn at(mut self, at: DateTime<FixedOffset>) -> Self {
        self.at = Some(at);
        self
    }

    /// One line: `2022 出勤 (clock-in) 09:01: 既に打刻済みです (already punched)`.
    pub fn line(&self) -> String {
        let mut line = format!("{} {}", self.employee_code, self.punch.label());
        if let Some(at) = self.at {
            line.push(' ');
            line.push_str(&at.format("%m-%d %H:%M").to_string());
        }
        line.push_str(": ");
        line.push_str(&self.reason.label());
        line
    }
}

/// A file attached to a report (the failure CSV).
#[derive(Clone, PartialEq, Eq)]
pub struct Attachment {
    /// The file name shown to people, e.g. `failures-2026-11-21.csv`.
    pub file_name: String,
    /// The MIME type, `text/csv` by default.
    pub content_type: String,
    /// The bytes.
    pub bytes: Bytes,
}

impl Attachment {
    /// A CSV file.
    pub fn csv(file_name: impl Into<String>, bytes: impl Into<Bytes>) -> Self {
        Self {
            file_name: file_name.into(),
            content_type: "text/csv".into(),
            bytes: bytes.into(),
        }
    }
}

impl fmt::Debug for Attachment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Attachment")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// The result of one sync run: what every notification is made from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyncReport {
    /// The connector's name, e.g. `cyzen` or `SenseLink`.
    pub connector: String,
    /// When the run started.
    pub started_at: DateTime<FixedOffset>,
    /// When the run finished.
    pub finished_at: DateTime<FixedOffset>,
    /// Success or failure of the run as a whole.
    pub status: RunStatus,
    /// The counts.
    pub counts: RunCounts,
    /// Every failed punch (never dropped; channels with short limits show
    /// as many as fit and say how many more there are).
    pub failures: Vec<PunchFailure>,
    /// The failure CSV, if the engine wrote one.
    pub failure_csv: Option<Attachment>,
}

impl SyncReport {
    /// A report with no counts, no failures and no CSV yet.
    pub fn new(
        connector: impl Into<String>,
        started_at: DateTime<FixedOffset>,
        finished_at: DateTime<FixedOffset>,
        status: RunStatus,
    ) -> Self {
        Self {
            connector: connector.into(),
            started_at,
            finished_at,
            status,
            counts: RunCounts::default(),
            failures: Vec::new(),
            failure_csv: None,
        }
    }

    /// Sets the counts.
    pub fn counts(mut self, counts: RunCounts) -> Self {
        self.counts = counts;
        self
    }

    /// Adds a failure.
    pub fn failure(mut self, failure: PunchFailure) -> Self {
        self.failures.push(failure);
        self
    }

    /// Attaches the failure CSV.
    pub fn failure_csv(mut self, csv: Attachment) -> Self {
        self.failure_csv = Some(csv);
        self
    }

    /// True when the run failed or any punch failed.
    pub fn has_failures(&self) -> bool {
        self.status == RunStatus::Failure || !self.failures.is_empty() || self.counts.failed > 0
    }

    /// The title line: `[KING OF TIME 連携] cyzen: FAILURE (失敗)`.
    pub fn title(&self) -> String {
        format!(
            "[KING OF TIME 連携] {}: {} ({})",
            self.connector,
            self.status,
            self.status.label_ja()
        )
    }

    /// The period: `2026-11-21 09:00 – 09:02 (JST)`.
    pub fn period(&self) -> String {
        let same_day = self.started_at.date_naive() == self.finished_at.date_naive();
        let end = if same_day {
            self.finished_at.format("%H:%M")
        } else {
            self.finished_at.format("%Y-%m-%d %H:%M")
        };
        format!(
            "{} – {} ({})",
            self.started_at.format("%Y-%m-%d %H:%M"),
            end,
            zone_label(self.started_at.offset())
        )
    }

    /// The counts as label/value pairs, in display order.
    pub fn count_facts(&self) -> [(&'static str, u64); 5] {
        [
            ("読込 (read)", self.counts.total),
            ("登録 (posted)", self.counts.posted),
            ("登録済み (already there)", self.counts.skipped),
            ("未照合 (unmatched)", self.counts.unmatched),
            ("失敗 (failed)", self.counts.failed),
        ]
    }

    /// The counts on one line.
    pub fn counts_line(&self) -> String {
        self.count_facts()
            .iter()
            .map(|(k, v)| format!("{k} {v}"))
            .collect::<Vec<_>>()
            .join(" / ")
    }

    /// The plain-text rendering used by the text channels (Chatwork, LINE,
    /// LINE WORKS, e-mail, and Slack's and Google Chat's fallback text).
    pub fn plain_text(&self, detail: Detail) -> String {
        let mut text = format!(
            "{}\n{}\n{}",
            self.title(),
            self.period(),
            self.counts_line()
        );
        if detail == Detail::Full && !self.failures.is_empty() {
            text.push_str("\n\n失敗一覧 (failures):");
            for failure in &self.failures {
                text.push_str("\n- ");
                text.push_str(&failure.line());
            }
        }
        if detail == Detail::Full
            && let Some(csv) = &self.failure_csv
        {
            text.push_str(&format!("\n\n失敗CSV (failure CSV): {}", csv.file_name));
        }
        text
    }
}

fn zone_label(offset: &FixedOffset) -> String {
    if offset.local_minus_utc() == 9 * 3600 {
        "JST".to_owned()
    } else {
        format!("UTC{offset}")
    }
}

/// How much of a report a rule sends.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Detail {
    /// Title, period and counts only (no failure lines, no CSV).
    Summary,
    /// Everything: the summary, every failure line and the failure CSV.
    Full,
}

/// A report to send, with the amount of detail the rule asked for.
#[derive(Debug, Clone, Copy)]
pub struct Notification<'a> {
    /// The report.
    pub report: &'a SyncReport,
    /// How much of it to send.
    pub detail: Detail,
}

impl<'a> Notification<'a> {
    /// A notification of `report` at `detail`.
    pub fn new(report: &'a SyncReport, detail: Detail) -> Self {
        Self { report, detail }
    }

    /// The plain text.
    pub fn plain_text(&self) -> String {
        self.report.plain_text(self.detail)
    }

    /// The failures to show (none at [`Detail::Summary`]).
    pub fn failures(&self) -> &'a [PunchFailure] {
        match self.detail {
            Detail::Summary => &[],
            Detail::Full => &self.report.failures,
        }
    }

    /// The attachment to send, if any (none at [`Detail::Summary`]).
    pub fn attachment(&self) -> Option<&'a Attachment> {
        match self.detail {
            Detail::Summary => None,
            Detail::Full => self.report.failure_csv.as_ref(),
        }
    }
}

/// The marker appended where text was cut. Visible in every channel, in
/// both languages.
pub const TRUNCATION_MARKER: &str = "\n…(以下省略 / truncated)";

/// How a channel counts the length of a text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Unicode scalar values (Rust `char`s).
    Chars,
    /// UTF-16 code units (LINE counts this way: an emoji outside the BMP is 2).
    Utf16,
    /// UTF-8 bytes.
    Bytes,
}

impl Measure {
    /// The length of `text`.
    pub fn len(self, text: &str) -> usize {
        match self {
            Measure::Chars => text.chars().count(),
            Measure::Utf16 => text.encode_utf16().count(),
            Measure::Bytes => text.len(),
        }
    }

    fn char_len(self, c: char) -> usize {
        match self {
            Measure::Chars => 1,
            Measure::Utf16 => c.len_utf16(),
            Measure::Bytes => c.len_utf8(),
        }
    }

    /// The byte index up to which `text` fits in `limit` units.
    fn fit(self, text: &str, limit: usize) -> usize {
        let mut used = 0;
        for (i, c) in text.char_indices() {
            used += self.char_len(c);
            if used > limit {
                return i;
            }
        }
        text.len()
    }
}

/// Cuts `text` to at most `limit` units (as counted by `measure`), marker
/// included: at the last line break that fits when there is one in the
/// second half, otherwise mid-line; then appends [`TRUNCATION_MARKER`].
/// Text that fits is returned unchanged.
pub fn truncate(text: &str, limit: usize, measure: Measure) -> Cow<'_, str> {
    if measure.len(text) <= limit {
        return Cow::Borrowed(text);
    }
    let marker_len = measure.len(TRUNCATION_MARKER);
    let budget = limit.saturating_sub(marker_len);
    let end = measure.fit(text, budget);
    let head = &text[..end];
    let cut = match head.rfind('\n') {
        Some(nl) if nl >= end / 2 => nl,
        _ => end,
    };
    let mut out = text[..cut].trim_end().to_owned();
    if measure.len(&out) + marker_len <= limit {
        out.push_str(TRUNCATION_MARKER);
    } else {
        // The limit is smaller than the marker itself: cut hard.
        let end = measure.fit(TRUNCATION_MARKER, limit);
        out = TRUNCATION_MARKER[..end].to_owned();
    }
    Cow::Owned(out)
}

/// Splits `text` into at most `max_parts` parts of at most `limit` units
/// each, at line breaks where possible (a line longer than `limit` is cut
/// mid-line). When the text needs more parts, the last part is truncated
/// with [`TRUNCATION_MARKER`].
pub fn split(text: &str, limit: usize, measure: Measure, max_parts: usize) -> Vec<String> {
    let max_parts = max_parts.max(1);
    let limit = limit.max(1);
    let mut parts: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut pieces: Vec<&str> = Vec::new();
    for line in text.split('\n') {
        // Break over-long lines into pieces that fit.
        let mut rest = line;
        while measure.len(rest) > limit {
            let end = measure
                .fit(rest, limit)
                .max(rest.chars().next().map_or(1, char::len_utf8));
            pieces.push(&rest[..end]);
            rest = &rest[end..];
        }
        pieces.push(rest);
    }
    for piece in pieces {
        let joined = if current.is_empty() {
            measure.len(piece)
        } else {
            measure.len(&current) + 1 + measure.len(piece)
        };
        if joined > limit && !current.is_empty() {
            parts.push(std::mem::take(&mut current));
        } else if !current.is_empty() {
            current.push('\n');
        }
        current.push_str(piece);
    }
    if !current.is_empty() || parts.is_empty() {
        parts.push(current);
    }
    if parts.len() > max_parts {
        let rest = parts.split_off(max_parts - 1).join("\n");
        parts.push(truncate(&rest, limit, measure).into_owned());
    }
    parts
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn jst(h: u32, m: u32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(9 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 21, h, m, 0)
            .unwrap()
    }

    fn report() -> SyncReport {
        SyncReport::new("cyzen", jst(9, 0), jst(9, 2), RunStatus::Failure)
            .counts(RunCounts {
                total: 42,
                posted: 39,
                skipped: 1,
                unmatched: 0,
                failed: 2,
            })
            .failure(
                PunchFailure::new("2022", PunchKind::ClockIn, FailureReason::AlreadyPunched)
                    .at(jst(9, 1)),
            )
            .failure(PunchFailure::new(
                "3001",
                PunchKind::ClockOut,
                FailureReason::UnmatchedEmployee,
            ))
            .failure_csv(Attachment::csv("failures.csv", "a,b\n"))
    }

    #[test]
    fn plain_text_full_and_summary() {
        let r = report();
        assert_eq!(
            r.plain_text(Detail::Full),
            "[KING OF TIME 連携] cyzen: FAILURE (失敗)\n\
             2026-11-21 09:00 – 09:02 (JST)\n\
             読込 (read) 42 / 登録 (posted) 39 / 登録済み (already there) 1 / 未照合 (unmatched) 0 / 失敗 (failed) 2\n\
             \n\
             失敗一覧 (failures):\n\
             - 2022 出勤 (clock-in) 11-21 09:01: 既に打刻済みです (already punched)\n\
             - 3001 退勤 (clock-out): 従業員が見つかりません (unmatched employee)\n\
             \n\
             失敗CSV (failure CSV): failures.csv"
        );
        let summary = r.plain_text(Detail::Summary);
        assert!(!summary.contains("2022"));
        assert!(!summary.contains("failures.csv"));
        assert!(r.has_failures());
    }

    #[test]
    fn other_offsets_are_named() {
        let utc = FixedOffset::east_opt(0).unwrap();
        let r = SyncReport::new(
            "x",
            jst(9, 0).with_timezone(&utc),
            jst(9, 0).with_timezone(&utc),
            RunStatus::Success,
        );
        assert!(r.period().ends_with("(UTC+00:00)"), "{}", r.period());
        assert!(!r.has_failures());
    }

    #[test]
    fn truncate_keeps_short_text_and_marks_cuts() {
        assert_eq!(truncate("abc", 3, Measure::Chars), "abc");
        let text = "line one\nline two\nline three\nline four\nline five";
        let cut = truncate(text, 40, Measure::Chars);
        assert_eq!(cut, format!("line one\nline two{TRUNCATION_MARKER}"));
        assert!(Measure::Chars.len(&cut) <= 40);
        let cut = truncate(text, 27, Measure::Chars);
        assert!(Measure::Chars.len(&cut) <= 27);
        assert!(cut.ends_with(TRUNCATION_MARKER));
        // Hard cut, multibyte safe.
        let long = "打".repeat(100);
        for m in [Measure::Chars, Measure::Utf16, Measure::Bytes] {
            let cut = truncate(&long, 50, m);
            assert!(m.len(&cut) <= 50, "{m:?}");
            assert!(cut.ends_with(TRUNCATION_MARKER));
        }
        // A limit below the marker's length still respects the limit.
        assert!(Measure::Chars.len(&truncate(&long, 3, Measure::Chars)) <= 3);
    }

    #[test]
    fn utf16_counts_astral_characters_twice() {
        assert_eq!(Measure::Utf16.len("a😀"), 3);
        assert_eq!(Measure::Chars.len("a😀"), 2);
        assert_eq!(Measure::Bytes.len("a😀"), 5);
    }

    #[test]
    fn split_at_lines_and_limit_parts() {
        let text = (0..10)
            .map(|i| format!("line {i}"))
            .collect::<Vec<_>>()
            .join("\n");
        let parts = split(&text, 14, Measure::Chars, 10);
        assert!(parts.iter().all(|p| Measure::Chars.len(p) <= 14));
        assert_eq!(parts.join("\n"), text);
        assert_eq!(parts[0], "line 0\nline 1");
        // Over-long single line.
        let parts = split(&"x".repeat(25), 10, Measure::Chars, 5);
        assert_eq!(parts, vec!["x".repeat(10), "x".repeat(10), "x".repeat(5)]);
        // Too many parts: the last one is truncated with the marker.
        let parts = split(&text, 14, Measure::Chars, 2);
        assert_eq!(parts.len(), 2);
        assert!(parts[1].ends_with(TRUNCATION_MARKER) || Measure::Chars.len(&parts[1]) <= 14);
        assert!(parts.iter().all(|p| Measure::Chars.len(p) <= 14));
        assert_eq!(split("", 10, Measure::Chars, 3), vec![String::new()]);
    }
}
