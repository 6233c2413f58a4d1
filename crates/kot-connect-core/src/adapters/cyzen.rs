//! cyzen (feature `cyzen`): status presses → 出勤 / 退勤 / 休憩開始 / 休憩終了
//! ([`CyzenSource`]).
//!
//! Each run fetches the presses of [`fetch_window`]: the whole current
//! month (JST) on the first run, as the manual says; afterwards from the
//! last settled run's window end minus
//! [`DEFAULT_OVERLAP`](crate::rules::cyzen::DEFAULT_OVERLAP) (back-dated
//! clock-outs), up to the run's `now`. The client cuts the window into
//! 15-day `/histories` calls and pages each; the status master and the user
//! list are read once per run (no per-user calls).
//!
//! The rule maps each press on its own, so a page's punches are final as
//! soon as the page is read: the source says its work dates ahead (the
//! window's dates, from the day before its start, since a press before its
//! employee's day border belongs to the previous work date) and hands each
//! page's punches to the engine ([`SourceContext::early`]), which posts
//! them while the next pages are read.
//!
//! The watermark (the last window's end, RFC 3339) is kept in the run's
//! [`StateStore`](crate::engine::StateStore) under [`WATERMARK_STATE`]
//! (`cyzen-watermark`). It is written only by [`Source::finish`] of a
//! settled run that is not a dry run: a run with pending or failed punches
//! fetches the same window again, and the plan and ledger keep the
//! punches from doubling.
//!
//! A user code (ユーザーコード) must equal the KOT 従業員コード exactly. A press
//! of an enabled user whose code no KOT employee has, or of a user the
//! token cannot see, is a failure row with its history id. Presses of users
//! not enabled ([`EnabledUsers`](crate::rules::cyzen::EnabledUsers)) and
//! statuses that are not synced are ignored with their reason.
//!
//! ```no_run
//! use kot_connect_core::adapters::cyzen::CyzenSource;
//! use kot_connect_core::rules::cyzen::{CyzenRule, EnabledUsers};
//!
//! # fn run(client: cyzen_api::Client) {
//! let source = CyzenSource::new(client, CyzenRule::new(EnabledUsers::All));
//! # let _ = source;
//! # }
//! ```

use std::sync::Mutex;

use chrono::{DateTime, FixedOffset, NaiveDate};
use futures_util::StreamExt;

use super::support::{Described, split_matches, work_date_span};
use crate::directory::Directory;
use crate::engine::{Collected, Source, SourceContext, SourceError, Stage};
use crate::matching::Matcher;
use crate::punch::{Location, Punch, PunchKind, SourceRef, SourceSystem};
use crate::report::FailureRow;
use crate::rules::Ignored;
use crate::rules::cyzen::{
    CyzenRule, FetchWindow, StatusPress, StatusType, fetch_window, punch_kind,
};
use crate::time::jst;
use cyzen_api::models::{StatusKind, StatusPress as CyzenPress};

/// The connector's default name in the sync log (コネクト名).
pub const CONNECTOR: &str = "cyzen連携";

/// The state entry holding the watermark: the end of the last settled
/// run's window, as RFC 3339 text (e.g. `2026-06-20T12:00:00+09:00`).
pub const WATERMARK_STATE: &str = "cyzen-watermark";

/// The id reported for a press whose user code is unknown (a user the
/// token cannot see, or without a code).
pub const MISSING_USER_CODE: &str = "(ユーザーコードなし)";

/// The status name reported for a press whose status the master does not
/// know.
pub const UNKNOWN_STATUS: &str = "(不明なステータス)";

/// cyzen status presses as a [`Source`].
#[derive(Debug)]
pub struct CyzenSource {
    client: cyzen_api::Client,
    rule: CyzenRule,
    connector: String,
    /// The window end of the last `collect`, for `finish`.
    pending: Mutex<Option<DateTime<FixedOffset>>>,
}

impl CyzenSource {
    /// A source reading `client`'s presses with `rule` (its enable list
    /// says whose presses are synced).
    pub fn new(client: cyzen_api::Client, rule: CyzenRule) -> Self {
        Self {
            client,
            rule,
            connector: CONNECTOR.to_owned(),
            pending: Mutex::new(None),
        }
    }

    /// Uses `name` as the connector's name in the sync log.
    pub fn with_connector_name(mut self, name: impl Into<String>) -> Self {
        self.connector = name.into();
        self
    }

    /// The window a run with `ctx` fetches (reads the watermark).
    ///
    /// # Errors
    /// [`SourceError`] when the stored watermark cannot be read or parsed.
    pub fn window(&self, ctx: &SourceContext<'_>) -> Result<FetchWindow, SourceError> {
        let last = load_watermark(ctx)?;
        let now = ctx.now.with_timezone(&jst());
        Ok(fetch_window(&now, last.as_ref()))
    }
}

/// The stored watermark, if any.
///
/// # Errors
/// [`SourceError`] when it cannot be read or is not RFC 3339 text.
pub fn load_watermark(
    ctx: &SourceContext<'_>,
) -> Result<Option<DateTime<FixedOffset>>, SourceError> {
    let error = |message: String| SourceError::new(SourceSystem::Cyzen.as_str(), message);
    let Some(bytes) = ctx
        .state
        .load(WATERMARK_STATE)
        .map_err(|e| error(e.to_string()))?
    else {
        return Ok(None);
    };
    let text = std::str::from_utf8(&bytes)
        .map_err(|_| error(format!("state `{WATERMARK_STATE}` is not UTF-8")))?;
    DateTime::parse_from_rfc3339(text.trim())
        .map(Some)
        .map_err(|e| {
            error(format!(
                "state `{WATERMARK_STATE}` = {text:?} is not RFC 3339: {e}"
            ))
        })
}

/// What a run keeps of one status press, made as its page arrives (the
/// raw history, with its address and comment, is dropped at once): the
/// rule's inputs and what a failure row shows.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    history_id: String,
    user_code: Option<String>,
    status_type: StatusType,
    status_name: Option<String>,
    pressed_at: DateTime<FixedOffset>,
    location: Option<Location>,
}

impl From<CyzenPress> for Seen {
    fn from(press: CyzenPress) -> Self {
        Seen {
            history_id: press.history_id().as_str().to_owned(),
            user_code: press.user_code().map(|c| c.as_str().to_owned()),
            status_type: status_type(&press),
            status_name: press.status_name().map(str::to_owned),
            pressed_at: press.pressed_at_jst(),
            location: press.location().map(|l| Location {
                latitude: l.latitude,
                longitude: l.longitude,
            }),
        }
    }
}

impl Described for Seen {
    fn source_ref(&self) -> SourceRef {
        SourceRef::new(SourceSystem::Cyzen, self.history_id.as_str())
    }

    fn at(&self) -> Option<DateTime<FixedOffset>> {
        Some(self.pressed_at)
    }

    fn kind(&self) -> Option<PunchKind> {
        punch_kind(
            &self.status_type,
            self.status_name.as_deref().unwrap_or_default(),
        )
    }
}

fn status_type(press: &CyzenPress) -> StatusType {
    match press.kind() {
        Some(StatusKind::WorkStart) => StatusType::WorkStart,
        Some(StatusKind::Working) => StatusType::Working,
        Some(StatusKind::WorkEnd) => StatusType::WorkEnd,
        Some(StatusKind::BeforeWork) => StatusType::Other("勤務前".to_owned()),
        Some(StatusKind::Unknown(raw)) => StatusType::Other(raw.clone()),
        Some(other) => StatusType::Other(format!("{other:?}")),
        None => StatusType::Other(String::new()),
    }
}

/// The most presses taken through the rule at once: one page of cyzen's
/// histories.
const BATCH: usize = 200;

/// What the rule made of one batch of presses.
struct BatchOutput {
    punches: Vec<Punch>,
    ignored: Vec<Ignored>,
    failures: Vec<FailureRow>,
}

impl CyzenSource {
    /// Matches `presses` to KOT employees and applies the rule.
    fn apply(&self, presses: Vec<Seen>, directory: &Directory) -> BatchOutput {
        let outcome =
            Matcher::same_as_code().match_records(presses, |p: &Seen| p.user_code.as_deref());
        // A user who is not enabled goes to the rule (ignored there, not
        // reported), even when KOT does not know the code.
        let (matched, failures) = split_matches(
            outcome,
            directory,
            |p: &Seen| p.user_code.clone().unwrap_or_default(),
            MISSING_USER_CODE,
            |m| !self.rule.enabled.contains(&m.employee),
        );
        let presses: Vec<StatusPress> = matched
            .into_iter()
            .map(|m| {
                let press = m.record;
                StatusPress {
                    history_id: press.history_id,
                    employee: m.employee,
                    status_type: press.status_type,
                    status_name: press
                        .status_name
                        .unwrap_or_else(|| UNKNOWN_STATUS.to_owned()),
                    pressed_at: press.pressed_at,
                    location: press.location,
                }
            })
            .collect();
        let (punches, ignored) = self.rule.apply(&presses, directory).into_parts();
        BatchOutput {
            punches,
            ignored,
            failures,
        }
    }
}

#[async_trait::async_trait]
impl Source for CyzenSource {
    fn connector(&self) -> &str {
        &self.connector
    }

    fn system(&self) -> Option<SourceSystem> {
        Some(SourceSystem::Cyzen)
    }

    /// The fetch window's dates, from the day before its start: a press
    /// before its employee's day border belongs to the previous work date,
    /// never to an earlier or a later one.
    fn dates_ahead(
        &self,
        ctx: &SourceContext<'_>,
    ) -> Result<Option<(NaiveDate, NaiveDate)>, SourceError> {
        let window = self.window(ctx)?;
        let from = window.from.date_naive();
        Ok(Some((
            from.pred_opt().unwrap_or(from),
            window.to.date_naive(),
        )))
    }

    async fn collect(&self, ctx: &SourceContext<'_>) -> Result<Collected, SourceError> {
        let error = |e: cyzen_api::Error| SourceError::new(SourceSystem::Cyzen.as_str(), e);
        let window = self.window(ctx)?;
        let range = cyzen_api::TimeRange::new(window.from, window.to).map_err(error)?;
        ctx.progress.begin(Stage::Fetch, None);
        // Page by page: each press becomes a `Seen` as it arrives (the raw
        // history is dropped), and the presses that are ready together (a
        // page's worth) go through the rule at once. The rule maps each
        // press on its own, so their punches are final: they go to the
        // engine early when it takes them.
        let mut stream = self
            .client
            .histories()
            .list(range)
            .presses()
            .ready_chunks(BATCH);
        let mut collected = Collected::new();
        let mut work_dates = Some((window.from.date_naive(), window.to.date_naive()));
        while let Some(chunk) = stream.next().await {
            let batch = chunk
                .into_iter()
                .map(|press| press.map(Seen::from))
                .collect::<Result<Vec<Seen>, _>>()
                .map_err(error)?;
            ctx.progress.advance(Stage::Fetch, batch.len() as u64);
            collected.fetched += batch.len();
            let mut output = self.apply(batch, ctx.directory);
            work_dates = work_date_span(work_dates, &output.punches);
            collected.ignored.append(&mut output.ignored);
            collected.failures.append(&mut output.failures);
            let kept = match ctx.early() {
                Some(early) => early.send(output.punches).err().unwrap_or_default(),
                None => output.punches,
            };
            collected.punches.extend(kept);
        }
        drop(stream);
        ctx.progress.end(Stage::Fetch);
        collected.work_dates = work_dates.filter(|_| collected.fetched > 0);
        if let Ok(mut pending) = self.pending.lock() {
            *pending = Some(window.to);
        }
        Ok(collected)
    }

    /// Stores the collected window's end as the watermark, only when the
    /// run is settled and not a dry run.
    async fn finish(&self, ctx: &SourceContext<'_>, settled: bool) -> Result<(), SourceError> {
        if !settled || ctx.dry_run {
            return Ok(());
        }
        let Some(end) = self.pending.lock().ok().and_then(|p| *p) else {
            return Ok(());
        };
        ctx.state
            .store(WATERMARK_STATE, end.to_rfc3339().as_bytes())
            .map_err(|e| SourceError::new(SourceSystem::Cyzen.as_str(), e))
    }
}
