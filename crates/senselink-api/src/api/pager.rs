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
    /// ones arrive); a page of nothing but such items, when more pages are
    /// announced, means the server ignores paging and ends the stream with
    /// [`PagingError::Repeated`]. At most `max_pages` pages are read.
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
                let next = fetched.next_page();
                let mut fresh = 0usize;
                for item in fetched.items {
                    if s.seen.insert((s.key)(&item)) {
                        s.buffer.push_back(item);
                        fresh += 1;
                    }
                }
                if fresh == 0 && next.is_some() {
                    let err = PagingError::Repeated {
                        endpoint: s.call.endpoint(),
                        page,
                    };
                    return Some((Err(err.into()), s));
                }
                s.next = next;
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
    key: fn(&T) -> i64,
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
