//! MaLion (feature `malion`): PC operation logs → 出勤 / 退勤
//! ([`MaLionSource`]).
//!
//! Each run reads every log MaLion stored since midnight JST `lookback_days`
//! days before the run ([`malion_api::lookback_since`]; 2 by default, as a
//! logoff at shutdown arrives a day or more later), page by page from any
//! [`LogSource`] (the provisional WebAPI client, a sandbox, a file).
//!
//! - **Matching.** A log's ログオンユーザー名 (after any `DOMAIN\` /
//!   `DOMAIN¥`) must equal a MaLion row's サービスアカウント exactly, case
//!   included. A user name no row links is unmatched; one linked to two
//!   employees (two PCs sharing a user name) is ambiguous and never
//!   guessed; a log without a user name is reported too. Each is a failure
//!   row with the log's id.
//! - **Relay duplicates.** A log delivered twice is fetched twice: both
//!   copies go to the rule, which keeps one and ignores the other as a
//!   duplicate. A duplicate of an unmatched log is reported once (it is the
//!   same record, with the same id).
//! - **The window.** Only work dates from the lookback's first JST date to
//!   the run's date are synced: a log stored late for an earlier day (seen
//!   by an earlier run along with the rest of its day) is ignored as
//!   outside the window, so a partial day never yields a wrong 出勤.
//! - **Ids.** A punch's record id is malion-api's [`LogId`](malion_api::models::LogId): the
//!   same log gets the same id on every fetch, so re-runs over the same
//!   lookback post nothing twice (the engine's plan and ledger).
//!
//! ```no_run
//! use std::sync::Arc;
//! use kot_connect_core::adapters::malion::MaLionSource;
//! use kot_connect_core::rules::malion::MaLionPolicy;
//!
//! # fn run(client: malion_api::Client, links: malion_api::link::LinkTable) {
//! let source = MaLionSource::new(
//!     Arc::new(client),
//!     links,
//!     MaLionPolicy::LogonLogoff,
//!     malion_api::DEFAULT_LOOKBACK_DAYS,
//! );
//! # let _ = source;
//! # }
//! ```

use std::collections::HashSet;
use std::fmt;
use std::sync::Arc;

use chrono::{DateTime, FixedOffset};
use malion_api::LogSource;
use malion_api::models::{LogEvent, OperationLog};

use super::support::{Described, split_matches, work_date_span};
use crate::engine::{Collected, Source, SourceContext, SourceError, Stage};
use crate::matching::{LinkTable, Matcher};
use crate::punch::{PunchKind, SourceRef, SourceSystem};
use crate::rules::malion::{MaLionPolicy, MaLionRule, PcEvent, PcLog};
use crate::rules::{IgnoreReason, Ignored};
use crate::time::jst;

/// The connector's default name in the sync log (コネクト名).
pub const CONNECTOR: &str = "MaLion連携";

/// The id reported for a log without a user name (collected right after
/// the PC started).
pub const MISSING_USER_NAME: &str = "(ログオンユーザー名なし)";

/// MaLion PC logs as a [`Source`].
pub struct MaLionSource {
    logs: Arc<dyn LogSource>,
    matcher: Matcher,
    rule: MaLionRule,
    lookback_days: u32,
    page_size: u32,
    connector: String,
}

impl fmt::Debug for MaLionSource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MaLionSource")
            .field("rule", &self.rule)
            .field("lookback_days", &self.lookback_days)
            .field("connector", &self.connector)
            .finish_non_exhaustive()
    }
}

impl MaLionSource {
    /// A source reading `logs`, matching user names through the MaLion rows
    /// (種別コード 3) of `links`, with `policy`, looking back
    /// `lookback_days` days ([`malion_api::DEFAULT_LOOKBACK_DAYS`] = 2 by
    /// default).
    pub fn new(
        logs: Arc<dyn LogSource>,
        links: malion_api::link::LinkTable,
        policy: MaLionPolicy,
        lookback_days: u32,
    ) -> Self {
        let table: LinkTable = links
            .rows()
            .filter(|row| row.kind_code.is_malion())
            .map(|row| {
                (
                    row.service_account.as_str().to_owned(),
                    row.target_account.as_str().to_owned(),
                )
            })
            .collect();
        Self {
            logs,
            matcher: Matcher::windows_account(table),
            rule: MaLionRule::new(policy),
            lookback_days,
            page_size: malion_api::DEFAULT_PAGE_SIZE,
            connector: CONNECTOR.to_owned(),
        }
    }

    /// Asks for `size` logs per page (default
    /// [`malion_api::DEFAULT_PAGE_SIZE`]).
    pub fn with_page_size(mut self, size: u32) -> Self {
        self.page_size = size.max(1);
        self
    }

    /// Uses `name` as the connector's name in the sync log.
    pub fn with_connector_name(mut self, name: impl Into<String>) -> Self {
        self.connector = name.into();
        self
    }
}

impl Described for OperationLog {
    fn source_ref(&self) -> SourceRef {
        SourceRef::new(SourceSystem::MaLion, self.id().as_str())
    }

    fn at(&self) -> Option<DateTime<FixedOffset>> {
        Some(self.occurred_at.with_timezone(&jst()))
    }

    fn kind(&self) -> Option<PunchKind> {
        match self.event {
            LogEvent::Logon => Some(PunchKind::ClockIn),
            LogEvent::Logoff => Some(PunchKind::ClockOut),
            _ => None,
        }
    }
}

#[async_trait::async_trait]
impl Source for MaLionSource {
    fn connector(&self) -> &str {
        &self.connector
    }

    fn system(&self) -> Option<SourceSystem> {
        Some(SourceSystem::MaLion)
    }

    async fn collect(&self, ctx: &SourceContext<'_>) -> Result<Collected, SourceError> {
        let since = malion_api::lookback_since(ctx.now, self.lookback_days);
        ctx.progress.begin(Stage::Fetch, None);
        // Page by page: each log keeps what the rule, the matching and the
        // failure rows read; what the relay added beyond the known fields
        // (`extra`) is dropped as the page arrives, so a run holds the
        // lookback's compact logs, never the raw pages.
        let mut logs: Vec<OperationLog> = Vec::new();
        malion_api::for_each_page_since(
            self.logs.as_ref(),
            since,
            self.page_size,
            malion_api::DEFAULT_MAX_PAGES,
            |page| {
                ctx.progress
                    .advance(Stage::Fetch, u64::try_from(page.len()).unwrap_or(u64::MAX));
                logs.extend(page.into_iter().map(|mut log| {
                    log.extra = Default::default();
                    log
                }));
            },
        )
        .await
        .map_err(|e| SourceError::new(SourceSystem::MaLion.as_str(), e))?;
        ctx.progress.end(Stage::Fetch);
        // Relay copies stay (the rule reports each as a duplicate of the
        // copy stored first), in `dedupe`'s order: kept copies, then the
        // others.
        let deduped = malion_api::models::dedupe(logs);
        let mut logs = deduped.logs;
        logs.extend(deduped.duplicates);
        let fetched = logs.len();

        let outcome = self
            .matcher
            .match_records(logs, |l: &OperationLog| l.logon_user_name.as_deref());
        let (matched, mut failures) = split_matches(
            outcome,
            ctx.directory,
            |l: &OperationLog| l.account().unwrap_or_default().to_owned(),
            MISSING_USER_NAME,
            |_| false,
        );
        // A relay copy of a reported log is the same record: one row.
        let mut reported = HashSet::new();
        failures.retain(|row| reported.insert(row.source.clone()));

        let pc_logs: Vec<PcLog> = matched
            .into_iter()
            .map(|m| {
                let log = m.record;
                PcLog::new(
                    log.id().as_str(),
                    m.employee,
                    PcEvent::from_name(log.event.label()),
                    log.occurred_at.with_timezone(&jst()),
                    log.computer_name,
                )
            })
            .collect();
        let (punches, mut ignored) = self.rule.apply(&pc_logs, ctx.directory).into_parts();

        let first = since.date_naive();
        let today = ctx.now.with_timezone(&jst()).date_naive();
        let (punches, early): (Vec<_>, Vec<_>) =
            punches.into_iter().partition(|p| p.work_date >= first);
        ignored.extend(early.into_iter().map(|p| Ignored {
            source: p.source,
            employee: p.employee,
            reason: IgnoreReason::OutsideWindow,
        }));

        let work_dates = if fetched == 0 {
            None
        } else {
            work_date_span(Some((first, today.max(first))), &punches)
        };
        Ok(Collected {
            punches,
            ignored,
            failures,
            work_dates,
            fetched,
        })
    }
}
