//! The ledger as an administrator sees it (`ledger` example program): list
//! its entries, and forget one that a run reports as given up (勤務日が自動
//! 連携の期限を過ぎた打刻) once KOT was checked by hand.

use std::path::Path;

use kot_connect_core::report::render_grid;
use kot_connect_core::time::jst;
use kot_connect_core::{LedgerEntry, LedgerState, RunMode, SourceRef};

use crate::Error;
use crate::run::{LEDGER_FILE, LEGACY_LEDGER_FILE, open_ledger};

/// Every entry of the ledger in `dir`, in key order; only the unsettled
/// ones (pending or in flight) unless `all`. Reads a copy: nothing in `dir`
/// is created or changed.
///
/// # Errors
/// [`Error::State`] when `dir` holds no ledger, or it cannot be read.
pub fn entries(dir: &Path, all: bool) -> Result<Vec<LedgerEntry>, Error> {
    require_ledger(dir)?;
    let mut entries = open_ledger(dir, RunMode::DryRun)?
        .entries()
        .map_err(Error::state)?;
    entries.retain(|e| all || !matches!(e.state, LedgerState::Posted { .. }));
    entries.sort_by(|a, b| a.source().cmp(b.source()));
    Ok(entries)
}

/// Removes `records` from the ledger in `dir`; each with its entry, or
/// `None` when the ledger had none.
///
/// Forgetting an entry means the programs no longer know whether KOT has
/// that punch: a later run that delivers the record again plans it against
/// KOT's punches as if it were new. Do it after checking KOT.
///
/// # Errors
/// [`Error::State`] when `dir` holds no ledger, or it cannot be written.
pub fn forget(
    dir: &Path,
    records: &[SourceRef],
) -> Result<Vec<(SourceRef, Option<LedgerEntry>)>, Error> {
    require_ledger(dir)?;
    let ledger = open_ledger(dir, RunMode::Post)?;
    records
        .iter()
        .map(|record| {
            let entry = ledger.forget(record).map_err(Error::state)?;
            Ok((record.clone(), entry))
        })
        .collect()
}

fn require_ledger(dir: &Path) -> Result<(), Error> {
    let found = [LEDGER_FILE, LEGACY_LEDGER_FILE]
        .iter()
        .any(|name| dir.join(name).is_file());
    if found {
        Ok(())
    } else {
        Err(Error::State(format!(
            "no ledger in {} (no {LEDGER_FILE}): give the state directory the programs run with",
            dir.display()
        )))
    }
}

/// The entries as a table: 連携元, 従業員コード, 打刻種別, 勤務日, 打刻時刻,
/// 状態, 試行, 最終エラー (with English headers).
pub fn table(entries: &[LedgerEntry]) -> String {
    let mut rows = vec![
        [
            "連携元",
            "従業員コード",
            "打刻種別",
            "勤務日",
            "打刻時刻",
            "状態",
            "試行",
            "最終エラー",
        ]
        .map(str::to_owned)
        .to_vec(),
        [
            "Source",
            "Employee",
            "Punch",
            "Work date",
            "Time (JST)",
            "State",
            "Attempts",
            "Last error",
        ]
        .map(str::to_owned)
        .to_vec(),
    ];
    for entry in entries {
        let punch = &entry.punch;
        let (state, error) = match &entry.state {
            LedgerState::Pending { last_error, .. } => {
                ("未送信 pending", last_error.clone().unwrap_or_default())
            }
            LedgerState::InFlight { since, .. } => (
                "送信結果不明 in flight",
                format!(
                    "送信開始 {}",
                    since.with_timezone(&jst()).format("%Y/%m/%d %H:%M:%S")
                ),
            ),
            LedgerState::Posted { .. } => ("登録済み posted", String::new()),
        };
        rows.push(vec![
            punch.source.to_string(),
            punch.employee.to_string(),
            punch.kind.label_ja().to_owned(),
            punch.work_date.format("%Y/%m/%d").to_string(),
            punch
                .at
                .with_timezone(&jst())
                .format("%H:%M:%S")
                .to_string(),
            state.to_owned(),
            entry.state.attempts().to_string(),
            error,
        ]);
    }
    render_grid(&rows, 2, 8)
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use chrono::{NaiveDate, TimeZone};
    use kot_connect_core::{Punch, PunchKind, SourceSystem};

    use super::*;

    fn punch(id: &str, code: &str) -> Punch {
        Punch {
            employee: code.into(),
            key: Some(format!("key-{code}").into()),
            kind: PunchKind::ClockIn,
            at: jst().with_ymd_and_hms(2026, 11, 20, 8, 58, 30).unwrap(),
            work_date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            source: SourceRef::new(SourceSystem::SenseLink, id),
            location: None,
        }
    }

    /// A ledger with one entry of each state, as the programs keep it.
    fn ledger_dir() -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        let ledger = open_ledger(dir.path(), RunMode::Post).unwrap();
        let since = jst().with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap();
        ledger.begin_post(&punch("1", "0001"), since).unwrap();
        ledger
            .mark_posted(&punch("1", "0001").source, since)
            .unwrap();
        ledger.begin_post(&punch("2", "0002"), since).unwrap();
        ledger.begin_post(&punch("3", "0003"), since).unwrap();
        ledger
            .mark_failed(&punch("3", "0003").source, "[400] invalid punch")
            .unwrap();
        dir
    }

    #[test]
    fn lists_the_unsettled_entries_or_all() {
        let dir = ledger_dir();
        let unsettled = entries(dir.path(), false).unwrap();
        let ids: Vec<String> = unsettled.iter().map(|e| e.source().to_string()).collect();
        assert_eq!(ids, ["senselink:2", "senselink:3"]);
        assert_eq!(entries(dir.path(), true).unwrap().len(), 3);

        let table = table(&unsettled);
        assert!(
            table.contains("連携元") && table.contains("Last error"),
            "{table}"
        );
        let line = |id: &str| table.lines().find(|l| l.contains(id)).unwrap().to_owned();
        let in_flight = line("senselink:2");
        assert!(in_flight.contains("送信結果不明") && in_flight.contains("2026/11/20 09:00:00"));
        let pending = line("senselink:3");
        assert!(pending.contains("未送信") && pending.contains("[400] invalid punch"));
        assert!(
            pending.contains("0003") && pending.contains("出勤") && pending.contains("08:58:30")
        );
    }

    #[test]
    fn forgets_the_named_entries_and_says_which_were_not_there() {
        let dir = ledger_dir();
        let gone = SourceRef::new(SourceSystem::SenseLink, "2");
        let absent = SourceRef::new(SourceSystem::Cyzen, "h-9");
        let result = forget(dir.path(), &[gone.clone(), absent.clone()]).unwrap();
        assert_eq!(result[0].0, gone);
        assert_eq!(result[0].1.as_ref().map(|e| e.source().clone()), Some(gone));
        assert_eq!(result[1], (absent, None));
        let left: Vec<String> = entries(dir.path(), true)
            .unwrap()
            .iter()
            .map(|e| e.source().to_string())
            .collect();
        assert_eq!(left, ["senselink:1", "senselink:3"]);
    }

    #[test]
    fn a_directory_without_a_ledger_is_an_error_and_stays_empty() {
        let dir = tempfile::tempdir().unwrap();
        let error = entries(dir.path(), false).unwrap_err().to_string();
        assert!(error.contains("no ledger"), "{error}");
        let error = forget(dir.path(), &[]).unwrap_err().to_string();
        assert!(error.contains("no ledger"), "{error}");
        assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 0);
    }
}
