//! One page of a list, and how a page is found inside `data`.

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

/// One page of a list.
///
/// SenseLink's endpoints page differently (v5 records report only
/// `page_num`/`page_size`, v3 adds `total` and `total_page`, some lists are
/// not paged at all): the reported numbers are kept as sent, and
/// [`is_last`](Self::is_last) combines them.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items.
    pub items: Vec<T>,
    /// The page asked for (1-based).
    pub page: u32,
    /// The page size asked for.
    pub size: u32,
    /// The page size the server reported, if any.
    pub reported_size: Option<u32>,
    /// The total number of items, if reported.
    pub total: Option<u64>,
    /// The number of pages, if reported.
    pub total_pages: Option<u32>,
    /// True when the server answered a plain list: everything in one answer.
    pub unpaged: bool,
}

impl<T> Page<T> {
    /// True when no page follows: the list was not paged, the page is empty
    /// or shorter than the page size, or the reported totals say so.
    pub fn is_last(&self) -> bool {
        let size = match self.reported_size {
            Some(r) if r > 0 && r < self.size => r,
            _ => self.size,
        };
        self.unpaged
            || self.items.is_empty()
            || self.items.len() < size as usize
            || self.total_pages.is_some_and(|t| self.page >= t)
            || self
                .total
                .is_some_and(|t| u64::from(self.page) * u64::from(size) >= t)
    }

    /// The number of the next page, unless this one is the last.
    pub fn next_page(&self) -> Option<u32> {
        if self.is_last() {
            None
        } else {
            self.page.checked_add(1)
        }
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

/// Keys under which editions put the list, in order of preference.
const LIST_KEYS: &[&str] = &[
    "list",
    "record_list",
    "resultList",
    "records",
    "rows",
    "data",
];

/// A decoding failure: the JSON path (relative to the envelope) and what went wrong.
pub(crate) type PageDecodeError = (String, String);

/// Finds the list and the paging numbers inside an envelope's `data`:
/// a plain array (unpaged), an object with the list under one of
/// [`LIST_KEYS`], or such an object nested once under `data`. `null` is an
/// empty last page; anything else is an error, never an empty page.
pub(crate) fn page_from_data<T: DeserializeOwned>(
    data: Value,
    page: u32,
    size: u32,
) -> Result<Page<T>, PageDecodeError> {
    let mut out = Page {
        items: Vec::new(),
        page,
        size,
        reported_size: None,
        total: None,
        total_pages: None,
        unpaged: false,
    };
    match data {
        Value::Null => Ok(out),
        Value::Array(items) => {
            out.items = decode_items(items, "data")?;
            out.unpaged = true;
            Ok(out)
        }
        Value::Object(mut outer) => {
            read_numbers(&outer, &mut out);
            if let Some((key, list)) = take_list(&mut outer) {
                out.items = decode_items(list, &format!("data.{key}"))?;
                return Ok(out);
            }
            if let Some(Value::Object(mut inner)) = outer.remove("data") {
                read_numbers(&inner, &mut out);
                if let Some((key, list)) = take_list(&mut inner) {
                    out.items = decode_items(list, &format!("data.data.{key}"))?;
                    return Ok(out);
                }
            }
            Err((
                "data".to_owned(),
                format!("no list found (looked for {})", LIST_KEYS.join(", ")),
            ))
        }
        other => Err((
            "data".to_owned(),
            format!("expected a list or an object, got {other}"),
        )),
    }
}

fn take_list(object: &mut Map<String, Value>) -> Option<(&'static str, Vec<Value>)> {
    for key in LIST_KEYS {
        match object.get(*key) {
            Some(Value::Array(_)) => {
                if let Some(Value::Array(list)) = object.remove(*key) {
                    return Some((key, list));
                }
            }
            Some(Value::Null) if *key != "data" => {
                return Some((key, Vec::new()));
            }
            _ => {}
        }
    }
    None
}

fn read_numbers(object: &Map<String, Value>, page: &mut Page<impl Sized>) {
    let number = |keys: &[&str]| {
        keys.iter().find_map(|k| match object.get(*k)? {
            Value::Number(n) => n.as_u64(),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        })
    };
    let small = |v: u64| u32::try_from(v).ok();
    if let Some(v) = number(&["page_size", "pageSize"]).and_then(small) {
        page.reported_size = Some(v);
    }
    if let Some(v) = number(&["total"]) {
        page.total = Some(v);
    }
    if let Some(v) = number(&["total_page", "totalPage", "total_pages"]).and_then(small) {
        page.total_pages = Some(v);
    }
}

fn decode_items<T: DeserializeOwned>(
    items: Vec<Value>,
    at: &str,
) -> Result<Vec<T>, PageDecodeError> {
    items
        .into_iter()
        .enumerate()
        .map(|(i, item)| {
            serde_path_to_error::deserialize(item).map_err(|e| {
                let inner = e.path().to_string();
                let path = if inner == "." {
                    format!("{at}[{i}]")
                } else {
                    format!("{at}[{i}].{inner}")
                };
                (path, e.into_inner().to_string())
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;
    use serde_json::json;

    fn page(data: Value, page: u32, size: u32) -> Result<Page<i64>, PageDecodeError> {
        page_from_data(data, page, size)
    }

    #[test]
    fn shapes() {
        let p = page(json!({"list":[1,2],"page_num":1,"page_size":2}), 1, 2).unwrap();
        assert_eq!(p.items, vec![1, 2]);
        assert!(!p.is_last());
        assert_eq!(p.next_page(), Some(2));
        let p = page(json!({"total":3,"data":{"record_list":[3]}}), 2, 2).unwrap();
        assert_eq!(p.items, vec![3]);
        assert_eq!(p.total, Some(3));
        assert!(p.is_last());
        let p = page(json!([1, 2, 3]), 1, 3).unwrap();
        assert!(p.unpaged && p.is_last());
        let p = page(json!({"total":10,"resultList":[1,2]}), 5, 2).unwrap();
        assert!(p.is_last(), "5 pages of 2 = 10");
        let p = page(Value::Null, 1, 2).unwrap();
        assert!(p.items.is_empty() && p.is_last());
        let p = page(json!({"list":null}), 1, 2).unwrap();
        assert!(p.is_last());
    }

    #[test]
    fn a_server_cap_below_the_asked_size_is_not_a_short_page() {
        let p = page(json!({"list":[1,2],"page_size":2}), 1, 100).unwrap();
        assert!(!p.is_last());
        let p = page(json!({"list":[1],"page_size":2}), 1, 100).unwrap();
        assert!(p.is_last());
    }

    #[test]
    fn total_pages_end_the_list() {
        let p = page(json!({"list":[1,2],"total_page":"3"}), 3, 2).unwrap();
        assert!(p.is_last());
        let p = page(json!({"list":[1,2],"total_page":3}), 2, 2).unwrap();
        assert!(!p.is_last());
    }

    #[test]
    fn garbage_is_an_error_with_a_path() {
        let err = page(json!({"list":[1,"x"]}), 1, 2).unwrap_err();
        assert_eq!(err.0, "data.list[1]");
        let err = page(json!({"items":[1]}), 1, 2).unwrap_err();
        assert_eq!(err.0, "data");
        assert!(page(json!("nope"), 1, 2).is_err());
    }
}
