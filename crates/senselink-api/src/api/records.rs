//! Recognition records (認証レコード): `GET /api/v5/record/list` (Cloud) or
//! `GET /api/v3/record/list` (on-premises).

use chrono::{NaiveDate, NaiveDateTime, NaiveTime};
use serde::Serialize;

use super::pager::{ItemStream, ListCall, paging_setters};
use crate::models::{EntryMode, GroupId, Page, PersonId, Record, RecordId, RecordOrder, UserType};
use crate::{Client, Error};

/// The wire format of `date_time_from` / `date_time_to`: local time.
const LOCAL_FORMAT: &str = "%Y-%m-%d %H:%M:%S";

/// A local date-time as SenseLink's record filters want it:
/// `yyyy-MM-dd HH:mm:ss` (no zone: the tenant's local time).
///
/// ```
/// use chrono::NaiveDate;
/// let t = NaiveDate::from_ymd_opt(2018, 7, 20).unwrap().and_hms_opt(12, 30, 45).unwrap();
/// assert_eq!(senselink_api::api::format_local(&t), "2018-07-20 12:30:45");
/// ```
pub fn format_local(t: &NaiveDateTime) -> String {
    t.format(LOCAL_FORMAT).to_string()
}

/// Recognition-record calls.
#[derive(Debug, Clone)]
pub struct RecordsHandler {
    client: Client,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
struct RecordQuery {
    date_time_from: String,
    date_time_to: String,
    #[serde(rename = "type", skip_serializing_if = "Option::is_none")]
    user_type: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    user_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    group_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    device_sn: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    entry_mode: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start_record_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_record_id: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    order: Option<i64>,
}

impl RecordsHandler {
    pub(crate) fn new(client: Client) -> Self {
        Self { client }
    }

    /// Records between two local date-times, both included
    /// (`date_time_from`, `date_time_to`).
    pub fn list(&self, from: NaiveDateTime, to: NaiveDateTime) -> ListRecords {
        let query = RecordQuery {
            date_time_from: format_local(&from),
            date_time_to: format_local(&to),
            user_type: None,
            user_id: None,
            group_id: None,
            device_sn: None,
            name: None,
            entry_mode: None,
            start_record_id: None,
            end_record_id: None,
            order: None,
        };
        ListRecords {
            call: ListCall::new(
                self.client.clone(),
                self.client.paths().records.clone(),
                query,
            ),
            range: (from, to),
        }
    }

    /// Records of the local dates `first` to `last`, both included: from
    /// `first 00:00:00` to `last 23:59:59`. For one day, pass the same date twice.
    pub fn on_dates(&self, first: NaiveDate, last: NaiveDate) -> ListRecords {
        let end = NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN);
        self.list(first.and_time(NaiveTime::MIN), last.and_time(end))
    }
}

/// A record list request: filters as setters, then [`send`](Self::send) for
/// one page, [`stream`](Self::stream) or [`all`](Self::all) for every page.
#[derive(Debug, Clone)]
pub struct ListRecords {
    call: ListCall<RecordQuery>,
    range: (NaiveDateTime, NaiveDateTime),
}

impl ListRecords {
    /// Only records of this kind of person (`type`).
    pub fn user_type(mut self, user_type: UserType) -> Self {
        self.call.query.user_type = Some(user_type.code());
        self
    }

    /// Only registered employees (`type=1`), as the KOT integration needs.
    pub fn employees_only(self) -> Self {
        self.user_type(UserType::Employee)
    }

    /// Only this person's records (`user_id`).
    pub fn user_id(mut self, id: PersonId) -> Self {
        self.call.query.user_id = Some(id.get());
        self
    }

    /// Only this group's records (`group_id`).
    pub fn group_id(mut self, id: GroupId) -> Self {
        self.call.query.group_id = Some(id.get());
        self
    }

    /// Only this device's records (`device_sn`, the device's LDID).
    pub fn device_sn(mut self, serial: impl Into<String>) -> Self {
        self.call.query.device_sn = Some(serial.into());
        self
    }

    /// Only persons with this name (`name`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.call.query.name = Some(name.into());
        self
    }

    /// Only this recognition mode (`entry_mode`).
    pub fn entry_mode(mut self, mode: EntryMode) -> Self {
        self.call.query.entry_mode = Some(mode.code());
        self
    }

    /// Only records from this ID on (`start_record_id`).
    pub fn start_record_id(mut self, id: RecordId) -> Self {
        self.call.query.start_record_id = Some(id.get());
        self
    }

    /// Only records up to this ID (`end_record_id`).
    pub fn end_record_id(mut self, id: RecordId) -> Self {
        self.call.query.end_record_id = Some(id.get());
        self
    }

    /// The order (`order`; seen in public client code, not in JCV's manual:
    /// provisional). [`RecordOrder::IdAscending`] keeps pages stable while
    /// new records arrive. Not sent unless set.
    pub fn order(mut self, order: RecordOrder) -> Self {
        self.call.query.order = Some(order.code());
        self
    }

    paging_setters!();

    fn check(&self) -> Result<(), Error> {
        if self.range.0 > self.range.1 {
            return Err(Error::config(format!(
                "record range starts after it ends ({} > {})",
                self.call.query.date_time_from, self.call.query.date_time_to
            )));
        }
        Ok(())
    }

    /// Fetches one page (the one set with [`page`](Self::page), default 1).
    ///
    /// # Errors
    /// [`Error::Api`] for a SenseLink error code, [`Error::Http`] for a
    /// transport, HTTP or decoding failure, a configuration error for an
    /// inverted range or a page size outside 1..=100.
    pub async fn send(self) -> Result<Page<Record>, Error> {
        self.check()?;
        self.call.fetch(self.call.page).await
    }

    /// Every record of every page, in the server's order, each record once
    /// (by ID). Paging stops on a short or empty page, and safely (with a
    /// [`PagingError`](crate::PagingError)) if the server repeats a page or
    /// the page limit is reached. The first error ends the stream.
    pub fn stream(self) -> ItemStream<Record> {
        match self.check() {
            Ok(()) => self.call.stream(|r: &Record| r.id.get()),
            Err(e) => Box::pin(futures_util::stream::once(async move { Err(e) })),
        }
    }

    /// [`stream`](Self::stream), collected.
    ///
    /// # Errors
    /// The first error of the stream.
    pub async fn all(self) -> Result<Vec<Record>, Error> {
        self.check()?;
        self.call.all(|r: &Record| r.id.get()).await
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn the_query_serializes_in_order_and_skips_unset_filters() {
        let client = Client::builder("k", "s").build().unwrap();
        let day = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
        let list = client
            .records()
            .on_dates(day, day)
            .employees_only()
            .device_sn("SPSE-1")
            .order(RecordOrder::IdAscending);
        let req = kot_connect_http::Request::get("x")
            .query_struct(&list.call.query)
            .unwrap();
        let pairs: Vec<_> = req.query_pairs().collect();
        assert_eq!(
            pairs,
            vec![
                ("date_time_from", "2026-11-20 00:00:00"),
                ("date_time_to", "2026-11-20 23:59:59"),
                ("type", "1"),
                ("device_sn", "SPSE-1"),
                ("order", "1"),
            ]
        );
    }
}
