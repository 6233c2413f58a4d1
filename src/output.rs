//! What the example programs show people: a progress bar, the plan of a
//! dry run, the 連携ログ table, and the failure CSV on disk.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use chrono::{DateTime, FixedOffset};
use indicatif::{MultiProgress, ProgressBar, ProgressDrawTarget, ProgressStyle};
use kot_connect_core::engine::{Progress, Stage};
use kot_connect_core::plan::{Decision, Plan};
use kot_connect_core::report::{FailureRow, render_grid, write_failure_csv};

use crate::Error;

/// Progress bars on standard error, one per stage under way (a source that
/// hands punches over early is read while they are posted, so two stages
/// can run at once). Hidden when standard error is not a terminal (CI,
/// pipes, tests).
#[derive(Debug)]
pub struct Bar {
    multi: MultiProgress,
    bars: Mutex<Vec<(Stage, ProgressBar)>>,
}

impl Bar {
    /// Bars drawn on standard error when it is a terminal.
    pub fn stderr() -> Self {
        Self {
            multi: MultiProgress::new(),
            bars: Mutex::new(Vec::new()),
        }
    }

    /// Bars that never draw.
    pub fn hidden() -> Self {
        Self {
            multi: MultiProgress::with_draw_target(ProgressDrawTarget::hidden()),
            bars: Mutex::new(Vec::new()),
        }
    }

    fn with<T>(&self, f: impl FnOnce(&mut Vec<(Stage, ProgressBar)>) -> T) -> T {
        let mut guard = self.bars.lock().unwrap_or_else(|e| e.into_inner());
        f(&mut guard)
    }
}

fn stage_label(stage: Stage) -> &'static str {
    match stage {
        Stage::Directory => "KOT 従業員 employees",
        Stage::Fetch => "連携元 fetch",
        Stage::KotRecords => "KOT 打刻 time records",
        Stage::Post => "打刻登録 posting",
        Stage::Notify => "通知 notify",
        _ => "…",
    }
}

impl Progress for Bar {
    fn begin(&self, stage: Stage, total: Option<u64>) {
        let bar = match total {
            Some(n) => ProgressBar::new(n).with_style(
                ProgressStyle::with_template("{msg:24} [{bar:30}] {pos}/{len} {eta}")
                    .unwrap_or_else(|_| ProgressStyle::default_bar()),
            ),
            None => ProgressBar::new_spinner().with_style(
                ProgressStyle::with_template("{msg:24} {spinner} {pos}")
                    .unwrap_or_else(|_| ProgressStyle::default_spinner()),
            ),
        };
        bar.set_message(stage_label(stage));
        let bar = self.multi.add(bar);
        self.with(|bars| bars.push((stage, bar)));
    }

    fn advance(&self, stage: Stage, n: u64) {
        self.with(|bars| {
            if let Some((_, bar)) = bars.iter().rev().find(|(s, _)| *s == stage) {
                bar.inc(n);
            }
        });
    }

    fn end(&self, stage: Stage) {
        let ended = self.with(|bars| {
            let at = bars.iter().rposition(|(s, _)| *s == stage)?;
            Some(bars.remove(at).1)
        });
        if let Some(bar) = ended {
            bar.finish_and_clear();
            self.multi.remove(&bar);
        }
    }
}

/// The plan of a dry run as a table: 従業員コード, 打刻種別, 打刻時刻,
/// 判定 (the decision) and the message an administrator reads.
pub fn plan_table(plan: &Plan) -> String {
    let mut rows = vec![
        vec![
            "従業員コード".to_owned(),
            "打刻種別".to_owned(),
            "打刻時刻".to_owned(),
            "判定".to_owned(),
            "連携元".to_owned(),
            "メッセージ".to_owned(),
        ],
        vec![
            "Employee".to_owned(),
            "Punch".to_owned(),
            "Time (JST)".to_owned(),
            "Decision".to_owned(),
            "Source".to_owned(),
            "Message".to_owned(),
        ],
    ];
    for item in &plan.items {
        let decision = match item.decision {
            Decision::Post => "送信 post".to_owned(),
            ref other => other.name().to_owned(),
        };
        rows.push(vec![
            item.punch.employee.to_string(),
            item.punch.kind.label_ja().to_owned(),
            item.punch.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            decision,
            item.punch.source.to_string(),
            item.message_ja().unwrap_or_default(),
        ]);
    }
    let mut out = render_grid(&rows, 2, usize::MAX);
    out.push_str(&format!(
        "\n{} 件中 送信予定 {} 件 / {} planned, {} to post (dry run: nothing was sent)\n",
        plan.items.len(),
        plan.to_post().count(),
        plan.items.len(),
        plan.to_post().count()
    ));
    out
}

/// Writes the failure report (UTF-8 with BOM, opens in Excel) into `dir`
/// as `failures-<connector>-<YYYYMMDD-HHMMSS>.csv` and returns its path;
/// `None` when there is nothing to report.
///
/// # Errors
/// [`Error::Io`] when the file cannot be written.
pub fn save_failure_csv(
    dir: &Path,
    connector: &str,
    at: DateTime<FixedOffset>,
    rows: &[FailureRow],
) -> Result<Option<PathBuf>, Error> {
    if rows.is_empty() {
        return Ok(None);
    }
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, e))?;
    let safe: String = connector
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { '-' })
        .collect();
    let path = dir.join(format!(
        "failures-{safe}-{}.csv",
        at.format("%Y%m%d-%H%M%S")
    ));
    let mut file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
    write_failure_csv(&mut file, rows).map_err(|e| Error::Report(e.to_string()))?;
    Ok(Some(path))
}
