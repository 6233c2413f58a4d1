//! The seam between the log model and the (provisional) wire: a
//! [`LogSource`] answers one page of logs since a watermark; [`collect_since`]
//! pages through it and removes relay duplicates, [`for_each_page_since`]
//! hands each page over as it arrives.

use std::collections::HashSet;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, Days, FixedOffset, TimeZone, Utc};

use crate::Error;
use crate::models::datetime::jst;
use crate::models::{Deduped, OperationLog, dedupe};

/// How many days a sync looks back by default: a logoff at shutdown reaches
/// KOT the next day or later, so one day is not enough.
pub const DEFAULT_LOOKBACK_DAYS: u32 = 2;
/// Default number of logs asked for per page.
pub const DEFAULT_PAGE_SIZE: u32 = 500;
/// Default cap on the pages read by one [`collect_since`].
pub const DEFAULT_MAX_PAGES: u32 = 10_000;

/// A boxed, sendable future: what [`LogSource`] returns, so that the trait
/// stays object-safe (`&dyn LogSource`, `Arc<dyn LogSource>`).
pub type BoxFuture<'a, T> = Pin<Box<dyn Future<Output = T> + Send + 'a>>;

/// An opaque page cursor as the source sent it (a page number or a token).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct PageCursor(String);

impl PageCursor {
    /// Wraps a cursor.
    pub fn new(cursor: impl Into<String>) -> Self {
        Self(cursor.into())
    }

    /// The cursor.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for PageCursor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// One page request: logs since a watermark, from a cursor.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct LogQuery {
    /// The watermark: logs stored (DB登録日時) at or after this instant.
    pub since: DateTime<FixedOffset>,
    /// Where to continue; `None` for the first page.
    pub cursor: Option<PageCursor>,
    /// How many logs to ask for.
    pub page_size: u32,
}

impl LogQuery {
    /// The first page since `since`, [`DEFAULT_PAGE_SIZE`] logs.
    pub fn new(since: DateTime<FixedOffset>) -> Self {
        Self {
            since,
            cursor: None,
            page_size: DEFAULT_PAGE_SIZE,
        }
    }

    /// Continues from `cursor`.
    pub fn cursor(mut self, cursor: Option<PageCursor>) -> Self {
        self.cursor = cursor;
        self
    }

    /// Sets the page size.
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }
}

/// One page of logs and where the next one starts (`None`: last page).
#[derive(Debug, Clone, PartialEq, Default)]
#[non_exhaustive]
pub struct LogPage {
    /// The logs, as sent (possibly with relay duplicates).
    pub logs: Vec<OperationLog>,
    /// The cursor of the next page.
    pub next: Option<PageCursor>,
}

impl LogPage {
    /// A page.
    pub fn new(logs: Vec<OperationLog>, next: Option<PageCursor>) -> Self {
        Self { logs, next }
    }
}

/// Something that answers pages of PC operation logs: the provisional
/// WebAPI [`Client`](crate::Client), a sandbox fake, a file.
pub trait LogSource: Send + Sync {
    /// One page of logs since `query.since`, from `query.cursor`.
    ///
    /// # Errors
    /// Whatever the source fails with.
    fn logs_page<'a>(&'a self, query: &'a LogQuery) -> BoxFuture<'a, Result<LogPage, Error>>;
}

impl<S: LogSource + ?Sized> LogSource for std::sync::Arc<S> {
    fn logs_page<'a>(&'a self, query: &'a LogQuery) -> BoxFuture<'a, Result<LogPage, Error>> {
        (**self).logs_page(query)
    }
}

impl<S: LogSource + ?Sized> LogSource for &S {
    fn logs_page<'a>(&'a self, query: &'a LogQuery) -> BoxFuture<'a, Result<LogPage, Error>> {
        (**self).logs_page(query)
    }
}

/// Reads every page since `since` and removes relay duplicates ([`dedupe`]).
///
/// Paging ends on a page without a next cursor.
///
/// # Errors
/// The source's error, or [`Error::Paging`] when a cursor comes back twice or
/// more than `max_pages` pages would be read. No partial result is returned:
/// a caller never moves its watermark past logs it did not get.
pub async fn collect_since<S: LogSource + ?Sized>(
    source: &S,
    since: DateTime<FixedOffset>,
    page_size: u32,
    max_pages: u32,
) -> Result<Deduped, Error> {
    let mut logs = Vec::new();
    for_each_page_since(source, since, page_size, max_pages, |page| {
        logs.extend(page);
    })
    .await?;
    Ok(dedupe(logs))
}

/// Reads every page since `since`, handing each page's logs (relay
/// duplicates included) to `page` as it arrives, so that a caller keeps
/// only what it needs of them; returns how many pages were read.
///
/// Paging ends on a page without a next cursor.
///
/// # Errors
/// As [`collect_since`]. Pages handed over before an error are not
/// complete: a caller must not move its watermark on them.
pub async fn for_each_page_since<S: LogSource + ?Sized>(
    source: &S,
    since: DateTime<FixedOffset>,
    page_size: u32,
    max_pages: u32,
    mut page: impl FnMut(Vec<OperationLog>) + Send,
) -> Result<u32, Error> {
    let mut query = LogQuery::new(since).page_size(page_size);
    let mut seen = HashSet::new();
    let mut pages = 0u32;
    loop {
        let answer = source.logs_page(&query).await?;
        pages += 1;
        page(answer.logs);
        let Some(next) = answer.next else {
            return Ok(pages);
        };
        let reason = if !seen.insert(next.clone()) || query.cursor.as_ref() == Some(&next) {
            Some(format!("the cursor `{next}` came back twice"))
        } else if pages >= max_pages {
            Some(format!("more than {max_pages} pages"))
        } else {
            None
        };
        if let Some(reason) = reason {
            return Err(Error::Paging {
                endpoint: "logs".into(),
                pages,
                reason,
            });
        }
        query.cursor = Some(next);
    }
}

/// The watermark of a sync that looks back `days` days: midnight JST at the
/// start of the JST date `days` days before `now`'s.
///
/// ```
/// use chrono::{TimeZone, Utc};
/// use malion_api::{DEFAULT_LOOKBACK_DAYS, lookback_since};
/// // 2026-11-21 10:00 JST → from 2026-11-19 00:00 JST.
/// let now = Utc.with_ymd_and_hms(2026, 11, 21, 1, 0, 0).unwrap();
/// let since = lookback_since(now, DEFAULT_LOOKBACK_DAYS);
/// assert_eq!(since.to_rfc3339(), "2026-11-19T00:00:00+09:00");
/// ```
pub fn lookback_since(now: DateTime<Utc>, days: u32) -> DateTime<FixedOffset> {
    let today = now.with_timezone(&jst()).date_naive();
    let day = today
        .checked_sub_days(Days::new(u64::from(days)))
        .unwrap_or(today);
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    jst()
        .from_local_datetime(&midnight)
        .single()
        .unwrap_or_else(|| now.with_timezone(&jst()))
}
