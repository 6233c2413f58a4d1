//! Cursor paging: one [`Page`] per request, and a [`Cursor`] made of every
//! `next_*` key cyzen sent.
//!
//! cyzen returns at most 200 items per request, next to zero or more `next_*`
//! keys (`next_user_id`, `next_history_id`, `next_history_created_at`, ...).
//! Some lists need several keys sent back together, so a [`Cursor`] keeps
//! them all and sends them all back. The streams built on it stop when a page
//! has no cursor, or when a cursor repeats one already followed (a server
//! loop must not become an endless client loop).

use std::collections::BTreeMap;

use serde_json::{Map, Value};

/// Items per page that cyzen sends at most.
pub const MAX_PAGE_SIZE: usize = 200;

/// The position after a page: every non-empty `next_*` key of the answer,
/// sent back verbatim as query parameters to get the following page.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Cursor(BTreeMap<String, String>);

impl Cursor {
    /// A cursor from `next_*` name/value pairs (e.g. to resume a saved
    /// position). Pairs whose name does not start with `next_`, or whose value
    /// is empty, are left out; `None` when nothing is left.
    pub fn from_pairs<I, K, V>(pairs: I) -> Option<Self>
    where
        I: IntoIterator<Item = (K, V)>,
        K: Into<String>,
        V: Into<String>,
    {
        let map: BTreeMap<String, String> = pairs
            .into_iter()
            .map(|(k, v)| (k.into(), v.into()))
            .filter(|(k, v)| k.starts_with("next_") && !v.trim().is_empty())
            .collect();
        (!map.is_empty()).then_some(Cursor(map))
    }

    /// Reads the `next_*` keys of a response object. Strings and numbers are
    /// kept (numbers as decimal text); `null`, `""`, `false` and other shapes
    /// mean "no cursor".
    pub(crate) fn from_object(object: &Map<String, Value>) -> Option<Self> {
        Self::from_pairs(object.iter().filter_map(|(k, v)| {
            let value = match v {
                Value::String(s) => s.clone(),
                Value::Number(n) => n.to_string(),
                _ => return None,
            };
            Some((k.clone(), value))
        }))
    }

    /// The value of one key, e.g. `cursor.get("next_user_id")`.
    pub fn get(&self, key: &str) -> Option<&str> {
        self.0.get(key).map(String::as_str)
    }

    /// The name/value pairs, in name order.
    pub fn pairs(&self) -> impl Iterator<Item = (&str, &str)> {
        self.0.iter().map(|(k, v)| (k.as_str(), v.as_str()))
    }
}

/// One page of a list: its items and the cursor to the next page.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct Page<T> {
    /// The items of this page, in the order cyzen sent them.
    pub items: Vec<T>,
    /// The cursor to the next page; `None` on the last page.
    pub next: Option<Cursor>,
}

impl<T> Page<T> {
    /// A page (for fakes and tests).
    pub fn new(items: Vec<T>, next: Option<Cursor>) -> Self {
        Self { items, next }
    }

    /// True when this is the last page.
    pub fn is_last(&self) -> bool {
        self.next.is_none()
    }
}

impl<T> IntoIterator for Page<T> {
    type Item = T;
    type IntoIter = std::vec::IntoIter<T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.into_iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_non_empty_next_key_is_kept() {
        let object: Map<String, Value> = serde_json::from_str(
            r#"{"histories":[],"next_history_id":"h9","next_history_created_at":"2026-11-01T00:00:00",
                "next_empty":"","next_null":null,"next_num":12,"other":"x"}"#,
        )
        .unwrap();
        let cursor = Cursor::from_object(&object).unwrap();
        let pairs: Vec<_> = cursor.pairs().collect();
        assert_eq!(
            pairs,
            vec![
                ("next_history_created_at", "2026-11-01T00:00:00"),
                ("next_history_id", "h9"),
                ("next_num", "12"),
            ]
        );
        assert_eq!(cursor.get("next_history_id"), Some("h9"));
    }

    #[test]
    fn no_next_key_means_last_page() {
        let object: Map<String, Value> =
            serde_json::from_str(r#"{"users":[],"next_user_id":""}"#).unwrap();
        assert!(Cursor::from_object(&object).is_none());
        assert!(Cursor::from_pairs([("user_id", "x")]).is_none());
    }
}
