//! Status presses (`GET /histories`): windows of at most 15 days, paged.

use std::collections::{HashMap, HashSet};
use std::future;
use std::sync::Arc;

use futures_util::stream::{self, StreamExt, TryStreamExt};

use crate::client::{ListSpec, Listed};
use crate::models::datetime::format_utc;
use crate::models::{History, HistoryId, Status, StatusId, StatusPress, User, UserId};
use crate::page::{Cursor, Page};
use crate::range::{MAX_HISTORY_WINDOW_DAYS, TimeRange};
use crate::{Client, Error};

use super::ResultStream;

impl Listed for History {}

/// Status-press calls.
#[derive(Debug, Clone, Copy)]
pub struct HistoriesHandler<'c> {
    client: &'c Client,
}

impl<'c> HistoriesHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Every press in `range` (`GET /histories`). The range may be of any
    /// length: it is split into consecutive windows of at most
    /// [`MAX_HISTORY_WINDOW_DAYS`] days, requested in order, each paged.
    pub fn list(&self, range: TimeRange) -> ListHistories<'c> {
        ListHistories {
            client: self.client,
            range,
            window_days: MAX_HISTORY_WINDOW_DAYS,
        }
    }

    /// One page of one window (to resume from a saved cursor).
    ///
    /// # Errors
    /// A configuration error when `window` is longer than
    /// [`MAX_HISTORY_WINDOW_DAYS`] days; otherwise as any list call.
    pub async fn page(
        &self,
        window: TimeRange,
        cursor: Option<&Cursor>,
    ) -> Result<Page<History>, Error> {
        if window.windows(MAX_HISTORY_WINDOW_DAYS).len() > 1 {
            return Err(Error::config(format!(
                "a /histories window may span at most {MAX_HISTORY_WINDOW_DAYS} days"
            )));
        }
        self.client.get_page(&spec(&window), cursor).await
    }
}

fn spec(window: &TimeRange) -> ListSpec {
    ListSpec::new("histories", "histories")
        .with("from_date", format_utc(&window.from()))
        .with("to_date", format_utc(&window.to()))
}

/// The request built by [`HistoriesHandler::list`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct ListHistories<'c> {
    client: &'c Client,
    range: TimeRange,
    window_days: u32,
}

impl ListHistories<'_> {
    /// Uses shorter windows than the default [`MAX_HISTORY_WINDOW_DAYS`]
    /// (e.g. for very busy tenants). Values are clamped to
    /// `1..=MAX_HISTORY_WINDOW_DAYS`.
    pub fn window_days(mut self, days: u32) -> Self {
        self.window_days = days.clamp(1, MAX_HISTORY_WINDOW_DAYS);
        self
    }

    /// The windows that will be requested, in order.
    pub fn windows(&self) -> Vec<TimeRange> {
        self.range.windows(self.window_days)
    }

    /// Every page of every window, in order; ends after the first error.
    pub fn pages(self) -> ResultStream<Page<History>> {
        window_pages(self.client.clone(), self.windows())
    }

    /// Every press, in order, each `history_id` once (a press repeated on
    /// a later page or window is delivered only the first time).
    pub fn stream(self) -> ResultStream<History> {
        unique(self.pages())
    }

    /// Every press, collected.
    ///
    /// # Errors
    /// The first [`Error`] of any page.
    pub async fn all(self) -> Result<Vec<History>, Error> {
        self.stream().try_collect().await
    }

    /// Every press joined with its status (kind and name) and its user
    /// (user code): loads the status master and the user list first, then
    /// streams the presses. A press whose status or user is unknown is
    /// still delivered (with `None`).
    pub fn presses(self) -> ResultStream<StatusPress> {
        let client = self.client.clone();
        let windows = self.windows();
        let load = {
            let client = client.clone();
            async move {
                let statuses = client.statuses().list().all().await?;
                let users = client.users().list().all().await?;
                Ok::<_, Error>((statuses, users))
            }
        };
        stream::once(load)
            .map_ok(move |(statuses, users)| {
                joined(
                    unique(window_pages(client.clone(), windows.clone())),
                    statuses,
                    users,
                )
            })
            .try_flatten()
            .boxed()
    }

    /// Like [`presses`](Self::presses), with a status master and user list
    /// the caller already has.
    pub fn presses_with(
        self,
        statuses: Vec<Status>,
        users: Vec<User>,
    ) -> ResultStream<StatusPress> {
        joined(self.stream(), statuses, users)
    }
}

fn window_pages(client: Client, windows: Vec<TimeRange>) -> ResultStream<Page<History>> {
    stream::iter(windows)
        .map(move |window| super::pages::<History>(client.clone(), spec(&window), None))
        .flatten()
        .boxed()
}

fn unique(pages: ResultStream<Page<History>>) -> ResultStream<History> {
    let mut seen: HashSet<HistoryId> = HashSet::new();
    super::items(pages)
        .try_filter(move |history| {
            let first = seen.insert(history.history_id.clone());
            if !first {
                tracing::debug!(history_id = %history.history_id, "duplicate press skipped");
            }
            future::ready(first)
        })
        .boxed()
}

fn joined(
    histories: ResultStream<History>,
    statuses: Vec<Status>,
    users: Vec<User>,
) -> ResultStream<StatusPress> {
    let join = Arc::new(Join::new(statuses, users));
    histories.map_ok(move |history| join.press(history)).boxed()
}

struct Join {
    statuses: HashMap<StatusId, Status>,
    users: HashMap<UserId, User>,
}

impl Join {
    fn new(statuses: Vec<Status>, users: Vec<User>) -> Self {
        Self {
            statuses: statuses
                .into_iter()
                .map(|s| (s.status_id.clone(), s))
                .collect(),
            users: users.into_iter().map(|u| (u.user_id.clone(), u)).collect(),
        }
    }

    fn press(&self, history: History) -> StatusPress {
        let status = history
            .status_id
            .as_ref()
            .and_then(|id| self.statuses.get(id))
            .cloned();
        let user = history
            .user_id
            .as_ref()
            .and_then(|id| self.users.get(id))
            .cloned();
        StatusPress::new(history, status, user)
    }
}
