//! What the four source adapters share: turning a [`MatchOutcome`] into
//! matched records and failure rows, and the span of work dates a run
//! covers.

use chrono::{DateTime, FixedOffset, NaiveDate};

use crate::directory::Directory;
use crate::matching::{MatchOutcome, Matched};
use crate::punch::{Punch, PunchKind, SourceRef};
use crate::report::{FailureReason, FailureRow};

/// How an adapter describes one of its records in a failure row.
pub(crate) trait Described {
    /// The record's reference (stable across fetches).
    fn source_ref(&self) -> SourceRef;
    /// When it happened, when the record says.
    fn at(&self) -> Option<DateTime<FixedOffset>>;
    /// The punch it asks for, when the record alone tells (for the
    /// failure report's 打刻種別).
    fn kind(&self) -> Option<PunchKind> {
        None
    }
}

/// The matched records whose code KOT knows, and a failure row for every
/// other record: unmatched ids, ambiguous ids, records without an id
/// (reported as unmatched with `missing_id_label` as their id), and
/// matched codes that no KOT employee has (`UnmatchedEmployee` with the
/// source's own id). None is dropped.
///
/// `keep_unknown` lets a record whose code KOT does not know go on to the
/// rule anyway (cyzen: a user who is not enabled is ignored by the rule,
/// not reported).
pub(crate) fn split_matches<R: Described>(
    outcome: MatchOutcome<R>,
    directory: &Directory,
    external_id: impl Fn(&R) -> String,
    missing_id_label: &str,
    keep_unknown: impl Fn(&Matched<R>) -> bool,
) -> (Vec<Matched<R>>, Vec<FailureRow>) {
    let mut failures = Vec::new();
    let row = |record: &R, reason: FailureReason| FailureRow {
        employee: None,
        kind: record.kind(),
        at: record.at(),
        reason,
        source: Some(record.source_ref()),
    };
    let mut matched = Vec::with_capacity(outcome.matched.len());
    for m in outcome.matched {
        if directory.contains(&m.employee) || keep_unknown(&m) {
            matched.push(m);
        } else {
            failures.push(row(
                &m.record,
                FailureReason::UnmatchedEmployee {
                    external_id: external_id(&m.record),
                },
            ));
        }
    }
    for group in outcome.unmatched {
        for record in &group.records {
            failures.push(row(
                record,
                FailureReason::UnmatchedEmployee {
                    external_id: group.external_id.clone(),
                },
            ));
        }
    }
    for group in outcome.ambiguous {
        for record in &group.records {
            failures.push(row(
                record,
                FailureReason::AmbiguousMatch {
                    external_id: group.external_id.clone(),
                    candidates: group.candidates.clone(),
                },
            ));
        }
    }
    for record in &outcome.missing_id {
        failures.push(row(
            record,
            FailureReason::UnmatchedEmployee {
                external_id: missing_id_label.to_owned(),
            },
        ));
    }
    (matched, failures)
}

/// The smallest span holding `window` (if any) and every punch's work
/// date; `None` when there is neither.
pub(crate) fn work_date_span(
    window: Option<(NaiveDate, NaiveDate)>,
    punches: &[Punch],
) -> Option<(NaiveDate, NaiveDate)> {
    let dates = window
        .into_iter()
        .flat_map(|(first, last)| [first, last])
        .chain(punches.iter().map(|p| p.work_date));
    dates.fold(None, |span, date| match span {
        None => Some((date, date)),
        Some((first, last)) => Some((first.min(date), last.max(date))),
    })
}
