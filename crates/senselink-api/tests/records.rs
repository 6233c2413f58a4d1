//! Recognition records: the request shape, the official example decoded,
//! one page, and streams over several pages (short page, empty page,
//! repeated page, page limit).
//!
//! `official_record_list.json` is the vendor manual's example as quoted by
//! the reference; `synthetic_employee_record.json` and the paged bodies are
//! invented for these tests.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{FixedOffset, NaiveDate, TimeZone, Utc};
use futures_util::StreamExt;
use senselink_api::models::{
    Direction, EntryMode, JobNumber, PersonId, Record, RecordId, RecordOrder, UserType,
};
use senselink_api::{Error, Flavor, PagingError};
use serde_json::{Value, json};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, Request, Respond, ResponseTemplate};

fn day() -> NaiveDate {
    NaiveDate::from_ymd_opt(2025, 11, 21).unwrap()
}

fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).unwrap()
}

#[tokio::test]
async fn the_official_example_decodes_with_every_field() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v5/record/list"))
        .and(query_param("date_time_from", "2020-12-08 00:00:00"))
        .and(query_param("date_time_to", "2020-12-08 23:59:59"))
        .and(query_param("page", "2"))
        .and(query_param("size", "10"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(common::fixture("official_record_list.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);
    let date = NaiveDate::from_ymd_opt(2020, 12, 8).unwrap();
    let page = client
        .records()
        .on_dates(date, date)
        .page(2)
        .page_size(10)
        .send()
        .await
        .unwrap();

    assert_eq!(page.page, 2);
    assert_eq!(page.reported_size, Some(10));
    assert_eq!(page.total, None);
    assert!(page.is_last(), "1 record on a page of 10");
    let r = &page.items[0];
    assert_eq!(r.id, RecordId(1_392_523));
    assert_eq!(
        r.sign_time,
        Utc.with_ymd_and_hms(2020, 12, 8, 3, 13, 49).unwrap()
    );
    assert_eq!(r.sign_date, Some(date));
    assert_eq!(r.sign_time_zone.as_deref(), Some("GMT+09:00"));
    assert_eq!(
        r.local_sign_time(FixedOffset::east_opt(0).unwrap())
            .to_rfc3339(),
        "2020-12-08T12:13:49+09:00"
    );
    assert_eq!(r.local_date(jst()), date);
    assert_eq!(r.user_type, Some(UserType::Stranger));
    assert!(!r.is_employee());
    assert_eq!(r.user_id, None, "0 means no person");
    assert_eq!(r.user_name.as_deref(), Some(""));
    assert_eq!(r.job_number, None);
    assert_eq!(r.group_id, None);
    assert_eq!(r.device_name.as_deref(), Some("6488+"));
    assert_eq!(
        r.device_ldid.as_deref(),
        Some("SPSE-6b394fa48b464d54e41f3f1895178fb0")
    );
    assert_eq!(r.direction, Some(Direction::Unset));
    assert_eq!(r.location.as_deref(), Some("6488+"));
    assert_eq!(r.entry_mode, Some(EntryMode::Face));
    assert_eq!(r.verify_score, Some(0.359));
    assert_eq!(r.mask, Some(0));
    assert_eq!(r.body_temperature, Some(0.0));
    assert_eq!(r.abnormal_type, Some(0));
    assert_eq!(r.on_business, Some(0));
    assert_eq!(
        r.capture_picture.as_deref(),
        Some("5fceef6e1ddb2800010d1409")
    );
    assert_eq!(
        r.capture_bg_picture.as_deref(),
        Some("5fceef6e1ddb2800010d140a")
    );
    assert_eq!(r.latitude, None);
    assert!(r.groups.is_empty());
    assert!(
        r.extra.is_empty(),
        "every documented field is modelled: {:?}",
        r.extra
    );
}

#[tokio::test]
async fn filters_travel_with_their_documented_names() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v5/record/list"))
        .and(query_param("date_time_from", "2025-11-20 22:00:00"))
        .and(query_param("date_time_to", "2025-11-21 06:30:00"))
        .and(query_param("type", "1"))
        .and(query_param("user_id", "345"))
        .and(query_param("group_id", "12"))
        .and(query_param("device_sn", "SPSE-1"))
        .and(query_param("order", "1"))
        .and(query_param("page", "1"))
        .and(query_param("size", "100"))
        .respond_with(common::ok(
            json!({"list": [common::record(7)], "page_num": 1, "page_size": 100}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::client(&server);
    let from = NaiveDate::from_ymd_opt(2025, 11, 20)
        .unwrap()
        .and_hms_opt(22, 0, 0)
        .unwrap();
    let to = day().and_hms_opt(6, 30, 0).unwrap();
    let page = client
        .records()
        .list(from, to)
        .employees_only()
        .user_id(PersonId(345))
        .group_id(senselink_api::models::GroupId(12))
        .device_sn("SPSE-1")
        .order(RecordOrder::IdAscending)
        .send()
        .await
        .unwrap();
    let r = &page.items[0];
    assert_eq!(r.job_number, Some(JobNumber::new("0012")));
    assert_eq!(r.user_id, Some(PersonId(345)));
    assert!(r.is_employee());
    assert_eq!(r.body_temperature, Some(36.4));
    assert_eq!(r.extra["new_field_from_a_later_version"], "kept");
}

#[tokio::test]
async fn on_premises_reads_v3_with_its_paging_fields() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v3/record/list"))
        .respond_with(common::ok(json!({
            "total": 3, "page_num": 2, "page_size": 2, "total_page": 2,
            "data": {"record_list": [common::record(3)]}
        })))
        .expect(1)
        .mount(&server)
        .await;
    let client = common::builder(&server)
        .flavor(Flavor::OnPremises)
        .build()
        .unwrap();
    let page = client
        .records()
        .on_dates(day(), day())
        .page(2)
        .page_size(2)
        .send()
        .await
        .unwrap();
    assert_eq!(page.total, Some(3));
    assert_eq!(page.total_pages, Some(2));
    assert_eq!(page.items[0].id, RecordId(3));
    assert!(page.is_last());
}

/// Serves pages of record IDs by the `page` parameter, counting calls.
struct Pages {
    pages: Vec<Vec<i64>>,
    calls: Arc<AtomicUsize>,
}

impl Respond for Pages {
    fn respond(&self, request: &Request) -> ResponseTemplate {
        self.calls.fetch_add(1, Ordering::SeqCst);
        let page: usize = common::query(request, "page").unwrap().parse().unwrap();
        let ids = self.pages.get(page - 1).cloned().unwrap_or_default();
        let list: Vec<Value> = ids.into_iter().map(common::record).collect();
        common::ok(json!({"list": list, "page_num": page, "page_size": 2}))
    }
}

/// Mounts a [`Pages`] responder; returns its call counter.
async fn serve_pages(server: &MockServer, pages: Vec<Vec<i64>>) -> Arc<AtomicUsize> {
    let calls = Arc::new(AtomicUsize::new(0));
    Mock::given(method("GET"))
        .and(path("/api/v5/record/list"))
        .and(query_param("size", "2"))
        .respond_with(Pages {
            pages,
            calls: calls.clone(),
        })
        .mount(server)
        .await;
    calls
}

async fn pages_asked(server: &MockServer) -> Vec<u32> {
    common::received(server)
        .await
        .iter()
        .map(|r| common::query(r, "page").unwrap().parse().unwrap())
        .collect()
}

async fn drain(client: &senselink_api::Client) -> (Vec<Record>, Option<Error>) {
    let mut stream = client
        .records()
        .on_dates(day(), day())
        .page_size(2)
        .stream();
    let mut items = Vec::new();
    while let Some(next) = stream.next().await {
        match next {
            Ok(r) => items.push(r),
            Err(e) => {
                assert!(
                    stream.next().await.is_none(),
                    "the stream ends after an error"
                );
                return (items, Some(e));
            }
        }
    }
    (items, None)
}

fn ids(records: &[Record]) -> Vec<i64> {
    records.iter().map(|r| r.id.get()).collect()
}

#[tokio::test]
async fn a_short_page_ends_the_stream_only_when_the_next_brings_nothing() {
    let server = common::server().await;
    // Page 3 is short but not the last (a server capping its pages).
    let calls = serve_pages(&server, vec![vec![1, 2], vec![3, 4], vec![5], vec![6]]).await;
    let client = common::client(&server);
    let (records, err) = drain(&client).await;
    assert!(err.is_none(), "{err:?}");
    assert_eq!(ids(&records), vec![1, 2, 3, 4, 5, 6]);
    // Page 5 (empty) confirms that the short page 4 was the last.
    assert_eq!(pages_asked(&server).await, vec![1, 2, 3, 4, 5]);
    assert_eq!(calls.load(Ordering::SeqCst), 5);

    // `all()` gives the same.
    let all = client
        .records()
        .on_dates(day(), day())
        .page_size(2)
        .all()
        .await
        .unwrap();
    assert_eq!(ids(&all), vec![1, 2, 3, 4, 5, 6]);
}

#[tokio::test]
async fn the_stream_stops_on_an_empty_page() {
    let server = common::server().await;
    serve_pages(&server, vec![vec![1, 2], vec![3, 4]]).await;
    let (records, err) = drain(&common::client(&server)).await;
    assert!(err.is_none());
    assert_eq!(ids(&records), vec![1, 2, 3, 4]);
    assert_eq!(pages_asked(&server).await, vec![1, 2, 3]);
}

#[tokio::test]
async fn records_shifted_between_pages_are_yielded_once() {
    let server = common::server().await;
    serve_pages(&server, vec![vec![1, 2], vec![2, 3], vec![4]]).await;
    let (records, err) = drain(&common::client(&server)).await;
    assert!(err.is_none());
    assert_eq!(ids(&records), vec![1, 2, 3, 4]);
}

#[tokio::test]
async fn a_server_that_ignores_the_page_parameter_does_not_loop_forever() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v5/record/list"))
        .respond_with(common::ok(
            json!({"list": [common::record(1), common::record(2)]}),
        ))
        .mount(&server)
        .await;
    let (records, err) = drain(&common::client(&server)).await;
    assert_eq!(ids(&records), vec![1, 2]);
    match err {
        Some(Error::Paging(PagingError::Repeated { page, endpoint })) => {
            assert_eq!(page, 2);
            assert_eq!(endpoint, "GET /api/v5/record/list");
        }
        other => panic!("expected a repeated-page error, got {other:?}"),
    }
    // Page 2 brought nothing new: read once more (a stale page), then refused.
    assert_eq!(pages_asked(&server).await, vec![1, 2, 2]);
}

#[tokio::test]
async fn the_page_limit_ends_an_endless_list_with_an_error() {
    let server = common::server().await;
    let endless: Vec<Vec<i64>> = (0..50).map(|p| vec![p * 2 + 1, p * 2 + 2]).collect();
    serve_pages(&server, endless).await;
    let client = common::builder(&server).max_pages(3).build().unwrap();
    let (records, err) = drain(&client).await;
    assert_eq!(ids(&records), vec![1, 2, 3, 4, 5, 6]);
    assert!(
        matches!(
            err,
            Some(Error::Paging(PagingError::TooManyPages { limit: 3, .. }))
        ),
        "{err:?}"
    );
    assert_eq!(pages_asked(&server).await, vec![1, 2, 3]);
}

#[tokio::test]
async fn an_error_midway_is_yielded_after_the_good_records() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/api/v5/record/list"))
        .and(query_param("page", "2"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"code": 30001, "message": "Param Invalid", "data": null})),
        )
        .mount(&server)
        .await;
    serve_pages(&server, vec![vec![1, 2]]).await;
    let (records, err) = drain(&common::client(&server)).await;
    assert_eq!(ids(&records), vec![1, 2]);
    let err = err.unwrap();
    assert!(err.is_param_invalid(), "{err:?}");
}

#[tokio::test]
async fn a_bad_record_is_a_decode_error_with_its_path() {
    let server = common::server().await;
    let mut bad = common::record(2);
    bad["sign_time"] = json!("yesterday");
    Mock::given(method("GET"))
        .and(path("/api/v5/record/list"))
        .respond_with(common::ok(json!({"list": [common::record(1), bad]})))
        .expect(1)
        .mount(&server)
        .await;
    let err = common::client(&server)
        .records()
        .on_dates(day(), day())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    match &err {
        Error::Http(e) => {
            let text = e.to_string();
            assert!(text.contains("data.list[1].sign_time"), "{text}");
        }
        other => panic!("{other:?}"),
    }
}

#[tokio::test]
async fn invalid_requests_are_refused_before_sending() {
    let server = common::server().await;
    let client = common::client(&server);
    let err = client
        .records()
        .on_dates(day(), day())
        .page_size(101)
        .send()
        .await
        .unwrap_err();
    assert!(err.is_config(), "{err:?}");
    let err = client
        .records()
        .on_dates(day(), day().pred_opt().unwrap())
        .send()
        .await
        .unwrap_err();
    assert!(err.is_config(), "{err:?}");
    let mut stream = client.records().on_dates(day(), day()).page(0).stream();
    assert!(stream.next().await.unwrap().unwrap_err().is_config());
    assert!(stream.next().await.is_none());
    assert!(common::received(&server).await.is_empty());
}

#[test]
fn records_round_trip_through_serde() {
    let original = common::fixture("synthetic_employee_record.json");
    let record: Record = serde_json::from_value(original.clone()).unwrap();
    let written = serde_json::to_value(&record).unwrap();
    assert_eq!(written["sign_time"], original["sign_time"]);
    assert_eq!(written["sign_date"], original["sign_date"]);
    assert_eq!(written["job_number"], original["job_number"]);
    let again: Record = serde_json::from_value(written).unwrap();
    assert_eq!(again, record);

    let official = common::fixture("official_record_list.json");
    let record: Record = serde_json::from_value(official["data"]["list"][0].clone()).unwrap();
    let again: Record = serde_json::from_value(serde_json::to_value(&record).unwrap()).unwrap();
    assert_eq!(again, record);
}
