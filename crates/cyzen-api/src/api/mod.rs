//! Endpoint handlers: `client.users().list().stream()`.
//!
//! Required arguments are positional, optional ones are setters on a request
//! builder. Every list builder ends in one of:
//! - `send()`: one page ([`Page`]), from the start or from
//!   [`cursor`](ListUsers::cursor);
//! - `pages()`: a stream of pages, following the `next_*` cursor;
//! - `stream()`: a stream of items across pages;
//! - `all()`: every item, collected.
//!
//! The streams own a clone of the client (`'static`, `Send`): they can be
//! stored, moved to a task, and dropped early to stop paging.

mod groups;
mod histories;
mod members_statuses;
mod raw;
mod statuses;
mod users;

pub use groups::{GroupsHandler, ListGroups};
pub use histories::{HistoriesHandler, ListHistories};
pub use members_statuses::{ListMemberStatuses, MemberStatusesHandler};
pub use raw::RawHandler;
pub use statuses::{ListStatuses, StatusesHandler};
pub use users::{ListUsers, UsersHandler};

use std::collections::HashSet;

use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};

use crate::client::{ListSpec, Listed};
use crate::page::{Cursor, Page};
use crate::{Client, Error};

/// A stream of results, owning what it needs (`'static`, `Send`).
pub type ResultStream<T> = BoxStream<'static, Result<T, Error>>;

impl Client {
    /// Users (`GET /users`).
    pub fn users(&self) -> UsersHandler<'_> {
        UsersHandler::new(self)
    }

    /// Groups (`GET /groups`).
    pub fn groups(&self) -> GroupsHandler<'_> {
        GroupsHandler::new(self)
    }

    /// The status master (`GET /statuses`).
    pub fn statuses(&self) -> StatusesHandler<'_> {
        StatusesHandler::new(self)
    }

    /// Status presses (`GET /histories`), split into 15-day windows.
    pub fn histories(&self) -> HistoriesHandler<'_> {
        HistoriesHandler::new(self)
    }

    /// Each member's latest press and position (`GET /members_statuses`).
    pub fn members_statuses(&self) -> MemberStatusesHandler<'_> {
        MemberStatusesHandler::new(self)
    }

    /// Calls to endpoints this crate does not model yet (spots, schedules,
    /// reports, ...), with `company_id` placed as cyzen wants it.
    pub fn raw(&self) -> RawHandler<'_> {
        RawHandler::new(self)
    }
}

struct Pager {
    client: Client,
    spec: ListSpec,
    next: Option<Option<Cursor>>,
    seen: HashSet<Cursor>,
    /// Cursors already followed a second time.
    asked_again: HashSet<Cursor>,
}

/// The pages of a list from `start` (or the beginning), following the cursor
/// until a page has none. A cursor already followed is followed once more
/// (a stale page served twice repeats the cursor that led to it; its items
/// come again, [`items`] leaves the duplicates to the caller); repeated
/// again, the stream ends with [`Error::RepeatedCursor`], never cut short
/// in silence.
pub(crate) fn pages<T: Listed>(
    client: Client,
    spec: ListSpec,
    start: Option<Cursor>,
) -> ResultStream<Page<T>> {
    let seen = start.iter().cloned().collect();
    let pager = Pager {
        client,
        spec,
        next: Some(start),
        seen,
        asked_again: HashSet::new(),
    };
    stream::try_unfold(pager, |mut pager| async move {
        let Some(cursor) = pager.next.take() else {
            return Ok(None);
        };
        let page: Page<T> = pager.client.get_page(&pager.spec, cursor.as_ref()).await?;
        pager.next = match &page.next {
            Some(next) if pager.seen.insert(next.clone()) => Some(Some(next.clone())),
            Some(next) if pager.asked_again.insert(next.clone()) => {
                tracing::warn!(
                    endpoint = pager.spec.path,
                    cursor = ?next,
                    "cyzen repeated a cursor already followed; asking it once more"
                );
                Some(Some(next.clone()))
            }
            Some(next) => {
                return Err(Error::RepeatedCursor {
                    endpoint: pager.spec.path.to_string(),
                    cursor: format!("{next:?}"),
                });
            }
            None => None,
        };
        Ok(Some((page, pager)))
    })
    .boxed()
}

/// The items of [`pages`], in order.
pub(crate) fn items<T: Listed>(pages: ResultStream<Page<T>>) -> ResultStream<T> {
    pages
        .map_ok(|page| stream::iter(page.items.into_iter().map(Ok)))
        .try_flatten()
        .boxed()
}

/// Defines the four endings of a list builder that has `client`, `cursor`
/// and a `spec()` method.
macro_rules! list_endings {
    ($item:ty) => {
        /// Starts from this cursor instead of the first page (to resume).
        pub fn cursor(mut self, cursor: $crate::page::Cursor) -> Self {
            self.cursor = Some(cursor);
            self
        }

        /// Fetches one page.
        ///
        /// # Errors
        /// [`Error`](crate::Error) on transport failure, an error answer
        /// (in HTTP 200 too), or an answer that is not the expected JSON.
        pub async fn send(self) -> Result<$crate::page::Page<$item>, $crate::Error> {
            let spec = self.spec();
            self.client.get_page(&spec, self.cursor.as_ref()).await
        }

        /// Every page, following the `next_*` cursor; ends after the first error.
        pub fn pages(self) -> $crate::api::ResultStream<$crate::page::Page<$item>> {
            let spec = self.spec();
            $crate::api::pages(self.client.clone(), spec, self.cursor)
        }

        /// Every item across pages; ends after the first error.
        pub fn stream(self) -> $crate::api::ResultStream<$item> {
            $crate::api::items(self.pages())
        }

        /// Every item across pages, collected.
        ///
        /// # Errors
        /// The first [`Error`](crate::Error) of any page.
        pub async fn all(self) -> Result<Vec<$item>, $crate::Error> {
            use ::futures_util::TryStreamExt as _;
            self.stream().try_collect().await
        }
    };
}

pub(crate) use list_endings;
