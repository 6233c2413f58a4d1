//! The shared machinery of list calls: one page, or a stream of every item.

use std::collections::{HashSet, VecDeque};

use futures_util::stream::{self, BoxStream, StreamExt, TryStreamExt};
use serde::Serialize;
use serde::de::DeserializeOwned;

use crate::client::{MAX_PAGE_SIZE, decode_error, request};
use crate::models::{Page, page_from_data};
use crate::{Client, Error, PagingError};

/// A stream of every item of a paged list, page after page. Ends after the
/// last page, or after the first error (which it yields).
pub type ItemStream<T> = BoxStream<'static, Result<T, Error>>;

/// A list call: the filters of one endpoint, the page to start from and the
/// page size.
#[derive(Debug, Clone)]
pub(crate) struct ListCall<Q> {
    pub(crate) client: Client,
    pub(crate) path: String,
    pub(crate) query: Q,
    pub(crate) page: u32,
    pub(crate) size: u32,
}

impl<Q> ListCall<Q>
where
    Q: Serialize + Clone + Send + Sync + 'static,
{
    pub(crate) fn new(client: Client, path: String, query: Q) -> Self {
        Self {
            client,
            path,
            query,
            page: 1,
            size: MAX_PAGE_SIZE,
        }
    }

    fn check(&self) -> Result<(), Error> {
        if !(1..=MAX_PAGE_SIZE).contains(&self.size) {
            return Err(Error::config(format!(
                "page size {} is out of range 1..={MAX_PAGE_SIZE}",
                self.size
            )));
        }
        if self.page == 0 {
            return Err(Error::config("pages are numbered from 1"));
        }
        Ok(())
    }

    /// Fetches page `page`.
    pub(crate) async fn fetch<T: DeserializeOwned>(&self, page: u32) -> Result<Page<T>, Error> {
        self.check()?;
        let req = request("GET", &self.path, None)
            .query_struct(&self.query)?
            .query("page", page.to_string())
            .query("size", self.size.to_string());
        let (response, data) = self.client.send_data(req).await?;
        page_from_data(data, page, self.size)
            .map_err(|(path, message)| decode_error(&response, &path, &message))
    }

    /// Every item from page [`page`](Self::page) on. Items whose `key` was
    /// already yielded are skipped (records shift between pages while new
    /// ones arrive). A page of nothing but such items is read once more (a
    /// stale page served twice). A page shorter than the page size ends the
    /// list only when the server's `total` says so, or when the pages after
    /// it bring nothing new: a server that caps its pages below the size
    /// asked for loses no item. A full page that brings nothing new twice,
    /// while more pages are announced, means the server ignores paging: the
    /// stream ends with [`PagingError::Repeated`]. An empty page ends the
    /// list. At most `max_pages` pages are read.
    pub(crate) fn stream<T>(self, key: fn(&T) -> i64) -> ItemStream<T>
    where
        T: DeserializeOwned + Send + 'static,
    {
        let state = Pager {
            max_pages: self.client.max_pages(),
            next: Some(self.page),
            call: self,
            buffer: VecDeque::new(),
            seen: HashSet::new(),
            pages_read: 0,
            probing: false,
            reread: false,
            key,
        };
        stream::unfold(state, |mut s| async move {
            loop {
                if let Some(item) = s.buffer.pop_front() {
                    return Some((Ok(item), s));
                }
                let page = s.next.take()?;
                if s.pages_read >= s.max_pages {
                    let err = PagingError::TooManyPages {
                        endpoint: s.call.endpoint(),
                        limit: s.max_pages,
                    };
                    return Some((Err(err.into()), s));
                }
                s.pages_read += 1;
                let fetched = match s.call.fetch::<T>(page).await {
                    Ok(p) => p,
                    Err(e) => return Some((Err(e), s)),
                };
                let next = page.checked_add(1);
                let received = fetched.items.len();
                let shape = Shape::of(&fetched);
                let mut fresh = 0usize;
                for item in fetched.items {
                    if s.seen.insert((s.key)(&item)) {
                        s.buffer.push_back(item);
                        fresh += 1;
                    }
                }
                let end = shape.end(s.seen.len());
                if received == 0 {
                    return None;
                }
                if fresh == 0 {
                    // Nothing new: a stale page, read once more.
                    if !std::mem::take(&mut s.reread) {
                        s.reread = true;
                        s.next = Some(page);
                        continue;
                    }
                    // Again nothing new: after a short page, the end; after
                    // a full one, a server that ignores paging.
                    if s.probing || end != PageEnd::More {
                        return None;
                    }
                    let err = PagingError::Repeated {
                        endpoint: s.call.endpoint(),
                        page,
                    };
                    return Some((Err(err.into()), s));
                }
                s.reread = false;
                s.probing = false;
                s.next = match end {
                    PageEnd::Last => None,
                    PageEnd::More => next,
                    PageEnd::Short => {
                        s.probing = true;
                        next
                    }
                };
            }
        })
        .boxed()
    }

    /// [`stream`](Self::stream), collected.
    pub(crate) async fn all<T>(self, key: fn(&T) -> i64) -> Result<Vec<T>, Error>
    where
        T: DeserializeOwned + Send + 'static,
    {
        self.stream(key).try_collect().await
    }

    fn endpoint(&self) -> String {
        format!("GET {}", self.path)
    }
}

struct Pager<Q, T> {
    call: ListCall<Q>,
    next: Option<u32>,
    buffer: VecDeque<T>,
    seen: HashSet<i64>,
    pages_read: u32,
    max_pages: u32,
    /// The page being read follows a short one that may have been the last.
    probing: bool,
    /// The page being read is read a second time (the first brought nothing new).
    reread: bool,
    key: fn(&T) -> i64,
}

/// What a page says of the pages after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum PageEnd {
    /// The last: not paged, empty, or the server's totals say so.
    Last,
    /// Shorter than the page size, with no totals to tell whether it is the
    /// last: the next page decides.
    Short,
    /// More pages follow.
    More,
}

/// What the pager needs of a page once its items are taken.
struct Shape {
    unpaged: bool,
    received: usize,
    total: Option<u64>,
    size: usize,
}

impl Shape {
    fn of<T>(page: &Page<T>) -> Self {
        let size = match page.reported_size {
            Some(r) if r > 0 && r < page.size => r,
            _ => page.size,
        };
        Self {
            unpaged: page.unpaged,
            received: page.items.len(),
            total: page.total,
            size: size as usize,
        }
    }

    /// Where the list stands after this page, `seen` items in hand.
    fn end(&self, seen: usize) -> PageEnd {
        if self.unpaged || self.received == 0 {
            PageEnd::Last
        } else if self.total.is_some_and(|t| seen as u64 >= t) {
            // Every item the server counted is in hand.
            PageEnd::Last
        } else if self.received < self.size {
            PageEnd::Short
        } else {
            PageEnd::More
        }
    }
}

/// Setters shared by every list builder (which hold a `call: ListCall<_>`).
macro_rules! paging_setters {
    () => {
        /// The page [`send`](Self::send) fetches and [`stream`](Self::stream)
        /// starts from (1-based, default 1).
        pub fn page(mut self, page: u32) -> Self {
            self.call.page = page;
            self
        }

        /// The page size (`size`, 1 to 100, default 100).
        pub fn page_size(mut self, size: u32) -> Self {
            self.call.size = size;
            self
        }
    };
}

pub(crate) use paging_setters;
