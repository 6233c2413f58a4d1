//! [`Notify`] for [`kot_connect_notify::Notifier`] (feature `notify`).
//!
//! A run's [`SyncLog`] and failure rows become a
//! [`SyncReport`](kot_connect_notify::SyncReport):
//!
//! - status `SUCCESS`/`FAILURE` as in the log;
//! - counts: read = every punch and record the log counts, posted,
//!   skipped = already punched, unmatched = unmatched + resigned, failed
//!   (as in the log, so a `SUCCESS` run never shows a failure count);
//! - one failure line per [`FailureRow`] (unmatched, already punched and
//!   time-band reasons map to the notifier's own; the rest carry the
//!   row's Japanese message), and the log's details that are not a row's
//!   message (an aborted run's reason) as lines of their own;
//! - the failure CSV ([`failure_csv`]) attached as
//!   `failures-YYYYMMDD-HHMMSS.csv` (the run's start, JST) when there is a
//!   row.
//!
//! Each channel's outcome becomes one line of [`NotifyOutcome`], named
//! `rule: target`; a message delivered without its attachment is an error
//! line.

use async_trait::async_trait;
use kot_connect_notify as kcn;

use crate::engine::{Notify, NotifyOutcome};
use crate::punch::PunchKind;
use crate::report::{FailureReason, FailureRow, SyncLog, SyncStatus, failure_csv};
use crate::time::jst;

/// The report `log` and `failures` make; see the module docs.
pub fn sync_report(log: &SyncLog, failures: &[FailureRow]) -> kcn::SyncReport {
    let status = match log.status {
        SyncStatus::Success => kcn::RunStatus::Success,
        SyncStatus::Failure => kcn::RunStatus::Failure,
    };
    let c = &log.counts;
    let total = c.posted + c.already_punched + c.ignored + c.unmatched + c.resigned + c.failed;
    let counts = kcn::RunCounts {
        total: total as u64,
        posted: c.posted as u64,
        skipped: c.already_punched as u64,
        unmatched: (c.unmatched + c.resigned) as u64,
        failed: c.failed as u64,
    };
    let mut report = kcn::SyncReport::new(
        log.connector.clone(),
        log.started_at.with_timezone(&jst()),
        log.finished_at.with_timezone(&jst()),
        status,
    )
    .counts(counts);
    for row in failures {
        report = report.failure(punch_failure(row));
    }
    let messages: Vec<String> = failures.iter().map(FailureRow::message_ja).collect();
    for detail in log.details.iter().filter(|d| !messages.contains(d)) {
        report = report.failure(kcn::PunchFailure::new(
            "-",
            kcn::PunchKind::Other("-".to_owned()),
            kcn::FailureReason::Other(detail.clone()),
        ));
    }
    if !failures.is_empty()
        && let Ok(bytes) = failure_csv(failures)
    {
        let name = format!(
            "failures-{}.csv",
            log.started_at.with_timezone(&jst()).format("%Y%m%d-%H%M%S")
        );
        report = report.failure_csv(kcn::Attachment::csv(name, bytes));
    }
    report
}

fn punch_failure(row: &FailureRow) -> kcn::PunchFailure {
    let who = match (&row.employee, &row.reason) {
        (Some(code), _) => code.as_str().to_owned(),
        (None, FailureReason::UnmatchedEmployee { external_id })
        | (None, FailureReason::AmbiguousMatch { external_id, .. }) => external_id.clone(),
        (None, _) => "-".to_owned(),
    };
    let punch = match row.kind {
        Some(PunchKind::ClockIn) => kcn::PunchKind::ClockIn,
        Some(PunchKind::ClockOut) => kcn::PunchKind::ClockOut,
        Some(PunchKind::BreakStart) => kcn::PunchKind::BreakStart,
        Some(PunchKind::BreakEnd) => kcn::PunchKind::BreakEnd,
        Some(other) => {
            kcn::PunchKind::Other(format!("{} ({})", other.label_ja(), other.label_en()))
        }
        None => kcn::PunchKind::Other("-".to_owned()),
    };
    let reason = match &row.reason {
        FailureReason::UnmatchedEmployee { .. } => kcn::FailureReason::UnmatchedEmployee,
        FailureReason::AlreadyPunched { .. } => kcn::FailureReason::AlreadyPunched,
        FailureReason::TimeBand { .. } => kcn::FailureReason::RefusedInTimeBand,
        other => kcn::FailureReason::Other(other.message_ja()),
    };
    let failure = kcn::PunchFailure::new(who, punch, reason);
    match row.at {
        Some(at) => failure.at(at.with_timezone(&jst())),
        None => failure,
    }
}

#[async_trait]
impl Notify for kcn::Notifier {
    async fn notify(&self, log: &SyncLog, failures: &[FailureRow]) -> NotifyOutcome {
        let report = sync_report(log, failures);
        let sent = kcn::Notifier::notify(self, &report).await;
        let channels = sent
            .outcomes
            .into_iter()
            .map(|outcome| {
                let name = format!("{}: {}", outcome.rule, outcome.target);
                let result = match outcome.result {
                    Ok(delivery) => match delivery.attachment {
                        kcn::AttachmentOutcome::Failed(error) => Err(format!(
                            "the message was sent, the failure CSV was not: {error}"
                        )),
                        _ => Ok(()),
                    },
                    Err(error) => Err(error.to_string()),
                };
                (name, result)
            })
            .collect();
        NotifyOutcome { channels }
    }
}
