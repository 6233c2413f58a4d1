//! `GET <logs path>?since=..&page=..&per_page=..` (provisional).

use kot_connect_http::{Request, Response};
use serde::Deserialize;

use crate::models::OperationLog;
use crate::models::datetime::{format_datetime, jst};
use crate::settings::ConfigError;
use crate::source::{DEFAULT_MAX_PAGES, DEFAULT_PAGE_SIZE, LogPage, LogQuery, PageCursor};

/// Default path of the logs endpoint, relative to the base URL (provisional).
pub const DEFAULT_LOGS_PATH: &str = "api/v1/operation-logs";
/// Default query parameter of the watermark (provisional).
pub const DEFAULT_SINCE_PARAM: &str = "since";
/// Default query parameter of the page cursor (provisional).
pub const DEFAULT_CURSOR_PARAM: &str = "page";
/// Default query parameter of the page size (provisional).
pub const DEFAULT_PAGE_SIZE_PARAM: &str = "per_page";

/// The **provisional** wire settings of the logs endpoint.
///
/// Request: `GET {base}/{logs_path}?{since}=<RFC 3339, JST>&{page_size}=<n>`
/// and, after the first page, `&{cursor}=<cursor>`.
/// Response: either `{"logs": [...], "next_page": 2}` (the list also read
/// from `items` or `data`; the cursor from `nextPage`, `next` or
/// `next_cursor`, a number or a string; `null` or absent on the last page),
/// or a bare JSON array (a single page).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WireConfig {
    logs_path: String,
    since_param: String,
    cursor_param: String,
    page_size_param: String,
    page_size: u32,
    max_pages: u32,
}

impl Default for WireConfig {
    fn default() -> Self {
        Self {
            logs_path: DEFAULT_LOGS_PATH.to_owned(),
            since_param: DEFAULT_SINCE_PARAM.to_owned(),
            cursor_param: DEFAULT_CURSOR_PARAM.to_owned(),
            page_size_param: DEFAULT_PAGE_SIZE_PARAM.to_owned(),
            page_size: DEFAULT_PAGE_SIZE,
            max_pages: DEFAULT_MAX_PAGES,
        }
    }
}

impl WireConfig {
    /// The provisional defaults.
    pub fn provisional() -> Self {
        Self::default()
    }

    /// Sets the logs path, relative to the base URL (`a/b/c`; leading and
    /// trailing `/` ignored).
    pub fn logs_path(mut self, path: impl Into<String>) -> Self {
        self.logs_path = path.into();
        self
    }

    /// Sets the watermark parameter.
    pub fn since_param(mut self, name: impl Into<String>) -> Self {
        self.since_param = name.into();
        self
    }

    /// Sets the cursor parameter.
    pub fn cursor_param(mut self, name: impl Into<String>) -> Self {
        self.cursor_param = name.into();
        self
    }

    /// Sets the page-size parameter.
    pub fn page_size_param(mut self, name: impl Into<String>) -> Self {
        self.page_size_param = name.into();
        self
    }

    /// Sets the page size (default [`DEFAULT_PAGE_SIZE`]).
    pub fn page_size(mut self, size: u32) -> Self {
        self.page_size = size;
        self
    }

    /// Sets the cap on pages per collection (default [`DEFAULT_MAX_PAGES`]).
    pub fn max_pages(mut self, pages: u32) -> Self {
        self.max_pages = pages;
        self
    }

    /// The page size.
    pub fn get_page_size(&self) -> u32 {
        self.page_size
    }

    /// The cap on pages.
    pub fn get_max_pages(&self) -> u32 {
        self.max_pages
    }

    /// The path segments of the logs endpoint.
    pub fn path_segments(&self) -> Vec<&str> {
        self.logs_path
            .split('/')
            .filter(|s| !s.is_empty())
            .collect()
    }

    /// Checks every setting.
    ///
    /// # Errors
    /// [`ConfigError::Wire`] for an empty or unsafe path (`.`/`..` segments,
    /// `?`, `#`), an empty or repeated parameter name, or a zero page size
    /// or page cap.
    pub fn validate(&self) -> Result<(), ConfigError> {
        let wire = |message: String| Err(ConfigError::Wire { message });
        let segments = self.path_segments();
        if segments.is_empty() {
            return wire("the logs path is empty".into());
        }
        if segments.iter().any(|s| {
            *s == "." || *s == ".." || s.contains(['?', '#']) || s.chars().any(char::is_whitespace)
        }) {
            return wire(format!(
                "the logs path `{}` is not a plain path",
                self.logs_path
            ));
        }
        let params = [&self.since_param, &self.cursor_param, &self.page_size_param];
        if params.iter().any(|p| p.trim().is_empty()) {
            return wire("query parameter names must not be empty".into());
        }
        if params[0] == params[1] || params[0] == params[2] || params[1] == params[2] {
            return wire("query parameter names must differ".into());
        }
        if self.page_size == 0 || self.max_pages == 0 {
            return wire("the page size and the page cap must be greater than zero".into());
        }
        Ok(())
    }
}

/// The request of one page.
pub(crate) fn logs_request(wire: &WireConfig, query: &LogQuery) -> Request {
    Request::get("GET /{logs}")
        .path(wire.path_segments())
        .query(
            wire.since_param.clone(),
            format_datetime(&query.since.with_timezone(&jst())),
        )
        .query(wire.page_size_param.clone(), query.page_size.to_string())
        .query_opt(
            wire.cursor_param.clone(),
            query.cursor.as_ref().map(|c| c.as_str().to_owned()),
        )
}

#[derive(Deserialize)]
#[serde(untagged)]
enum CursorValue {
    Number(u64),
    Text(String),
}

#[derive(Deserialize)]
struct PageBody {
    #[serde(alias = "items", alias = "data")]
    logs: Vec<OperationLog>,
    #[serde(
        default,
        alias = "nextPage",
        alias = "next",
        alias = "next_cursor",
        alias = "nextCursor"
    )]
    next_page: Option<CursorValue>,
}

/// Decodes a page: an object with the logs and a cursor, or a bare array.
pub(crate) fn decode_page(response: &Response) -> Result<LogPage, kot_connect_http::Error> {
    let bare = response
        .body()
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        .is_some_and(|&b| b == b'[');
    if bare {
        return Ok(LogPage::new(response.json()?, None));
    }
    let body: PageBody = response.json()?;
    let next = body
        .next_page
        .map(|c| match c {
            CursorValue::Number(n) => n.to_string(),
            CursorValue::Text(s) => s,
        })
        .filter(|s| !s.is_empty())
        .map(PageCursor::new);
    Ok(LogPage::new(body.logs, next))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn validation() {
        assert!(WireConfig::provisional().validate().is_ok());
        assert_eq!(
            WireConfig::provisional().path_segments(),
            ["api", "v1", "operation-logs"]
        );
        assert_eq!(
            WireConfig::provisional().logs_path("/x/y/").path_segments(),
            ["x", "y"]
        );
        for bad in [
            WireConfig::provisional().logs_path("/"),
            WireConfig::provisional().logs_path("a/../b"),
            WireConfig::provisional().logs_path("a?b=1"),
            WireConfig::provisional().since_param(""),
            WireConfig::provisional().cursor_param("since"),
            WireConfig::provisional().page_size(0),
            WireConfig::provisional().max_pages(0),
        ] {
            assert!(
                matches!(bad.validate(), Err(ConfigError::Wire { .. })),
                "{bad:?}"
            );
        }
    }
}
