//! `adapters::notify`: a run's log and failure rows as kot-connect-notify's
//! report, through a Notifier with capturing channels.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::{Arc, Mutex};

use chrono::TimeZone;
use kot_connect_core::adapters::notify::sync_report;
use kot_connect_core::engine::Notify;
use kot_connect_core::report::{FailureReason, FailureRow, SyncCounts, SyncJob, SyncLog};
use kot_connect_core::time::jst;
use kot_connect_core::{PunchKind, SourceRef, SourceSystem};
use kot_connect_notify as kcn;

#[derive(Debug, Default)]
struct Capture {
    reports: Mutex<Vec<kcn::SyncReport>>,
    fail_attachment: bool,
}

impl kcn::Channel for Capture {
    fn kind(&self) -> kcn::ChannelKind {
        kcn::ChannelKind::Slack
    }
    fn target(&self) -> String {
        "capture".into()
    }
    fn send<'a>(&'a self, notification: &'a kcn::Notification<'a>) -> kcn::SendFuture<'a> {
        Box::pin(async move {
            self.reports
                .lock()
                .unwrap()
                .push(notification.report.clone());
            let mut delivery = kcn::Delivery::new(kcn::ChannelKind::Slack, None);
            if self.fail_attachment {
                delivery.attachment = kcn::AttachmentOutcome::Failed(Box::new(kcn::Error::Config(
                    "upload refused".into(),
                )));
            }
            Ok(delivery)
        })
    }
}

fn rows() -> Vec<FailureRow> {
    let at = jst().with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap();
    vec![
        FailureRow {
            employee: Some("0003".into()),
            kind: Some(PunchKind::ClockIn),
            at: Some(at),
            reason: FailureReason::AlreadyPunched {
                employee: "0003".into(),
                kind: PunchKind::ClockIn,
            },
            source: Some(SourceRef::new(SourceSystem::SenseLink, "c")),
        },
        FailureRow {
            employee: None,
            kind: Some(PunchKind::GoOut),
            at: None,
            reason: FailureReason::UnmatchedEmployee {
                external_id: "guest-7".into(),
            },
            source: None,
        },
    ]
}

fn log(rows: &[FailureRow], abort: bool) -> SyncLog {
    let start = jst().with_ymd_and_hms(2026, 4, 2, 3, 0, 5).unwrap();
    let end = jst().with_ymd_and_hms(2026, 4, 2, 3, 0, 9).unwrap();
    let mut counts = SyncCounts::default();
    counts.posted = 3;
    counts.already_punched = 1;
    counts.unmatched = 1;
    let details: Vec<String> = rows.iter().map(FailureRow::message_ja).collect();
    if abort {
        SyncLog::aborted(
            "テスト連携",
            SyncJob::Attendance,
            start,
            end,
            counts,
            details,
            "ledger: disk full",
        )
    } else {
        SyncLog::finished(
            "テスト連携",
            SyncJob::Attendance,
            start,
            end,
            counts,
            details,
        )
    }
}

#[test]
fn the_report_carries_counts_rows_and_the_csv() {
    let rows = rows();
    let report = sync_report(&log(&rows, false), &rows);
    assert_eq!(report.connector, "テスト連携");
    assert_eq!(report.status, kcn::RunStatus::Success);
    assert_eq!(
        (
            report.counts.total,
            report.counts.posted,
            report.counts.skipped,
            report.counts.unmatched,
            report.counts.failed
        ),
        (5, 3, 1, 1, 0),
        "a SUCCESS run shows no failure count"
    );
    assert_eq!(report.failures.len(), 2);
    assert_eq!(report.failures[0].employee_code, "0003");
    assert_eq!(report.failures[0].punch, kcn::PunchKind::ClockIn);
    assert_eq!(
        report.failures[0].reason,
        kcn::FailureReason::AlreadyPunched
    );
    assert_eq!(report.failures[1].employee_code, "guest-7");
    assert_eq!(
        report.failures[1].punch,
        kcn::PunchKind::Other("外出 (go-out)".into())
    );
    assert_eq!(
        report.failures[1].reason,
        kcn::FailureReason::UnmatchedEmployee
    );
    let csv = report.failure_csv.as_ref().unwrap();
    assert_eq!(csv.file_name, "failures-20260402-030005.csv");
    assert!(csv.bytes.starts_with(b"\xEF\xBB\xBF"));
    assert!(String::from_utf8_lossy(&csv.bytes).contains("guest-7"));

    // No rows, no CSV.
    let empty = sync_report(&log(&[], false), &[]);
    assert!(empty.failure_csv.is_none() && empty.failures.is_empty());
}

#[test]
fn an_aborted_run_says_why() {
    let rows = rows();
    let report = sync_report(&log(&rows, true), &rows);
    assert_eq!(report.status, kcn::RunStatus::Failure);
    assert_eq!(report.failures.len(), 3);
    assert_eq!(
        report.failures[2].reason,
        kcn::FailureReason::Other("ledger: disk full".into())
    );
}

#[tokio::test]
async fn the_notifier_sends_and_reports_each_channel() {
    let ok = Arc::new(Capture::default());
    let half = Arc::new(Capture {
        fail_attachment: true,
        ..Capture::default()
    });
    let notifier = kcn::Notifier::new(vec![
        kcn::Rule::new("毎回", kcn::EventFilter::EveryRun).shared_channel(ok.clone()),
        kcn::Rule::new("失敗時", kcn::EventFilter::EveryRun).shared_channel(half.clone()),
    ]);
    let rows = rows();
    let outcome = Notify::notify(&notifier, &log(&rows, false), &rows).await;
    assert_eq!(outcome.channels.len(), 2);
    assert_eq!(outcome.channels[0], ("毎回: capture".to_owned(), Ok(())));
    let (name, result) = &outcome.channels[1];
    assert_eq!(name, "失敗時: capture");
    assert!(result.as_ref().unwrap_err().contains("upload refused"));
    assert_eq!(ok.reports.lock().unwrap().len(), 1);
    assert_eq!(ok.reports.lock().unwrap()[0].failures.len(), 2);
}
