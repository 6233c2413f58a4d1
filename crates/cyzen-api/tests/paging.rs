//! Cursor paging, 15-day windows and the joined press stream, checked with
//! stateful responders and `received_requests()`.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::sync::atomic::{AtomicUsize, Ordering};

use chrono::{NaiveDate, TimeZone, Utc};
use common::{COMPANY, client, fixture, param, server};
use cyzen_api::models::StatusKind;
use cyzen_api::{Cursor, TimeRange};
use futures_util::{StreamExt, TryStreamExt};
use serde_json::{Value, json};
use wiremock::matchers::{method, path};
use wiremock::{Mock, Request, Respond, ResponseTemplate};

/// Serves `pages` in order, one per request, whatever the request says (the
/// tests then check what each request asked with `received_requests()`).
struct Sequence {
    pages: Vec<Value>,
    served: AtomicUsize,
}

impl Sequence {
    fn new(pages: Vec<Value>) -> Self {
        Self {
            pages,
            served: AtomicUsize::new(0),
        }
    }
}

impl Respond for Sequence {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let n = self.served.fetch_add(1, Ordering::SeqCst);
        match self.pages.get(n) {
            Some(page) => ResponseTemplate::new(200).set_body_json(page),
            None => ResponseTemplate::new(500).set_body_string("no more pages"),
        }
    }
}

fn users(from: usize, count: usize) -> Vec<Value> {
    (from..from + count)
        .map(|i| json!({"user_id": format!("u-{i:03}"), "user_code": format!("{i:04}")}))
        .collect()
}

#[tokio::test]
async fn users_are_streamed_across_three_pages_following_the_cursor() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(Sequence::new(vec![
            json!({"users": users(0, 200), "next_user_id": "u-199"}),
            json!({"users": users(200, 200), "next_user_id": "u-399"}),
            json!({"users": users(400, 50)}),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let all: Vec<_> = client(&server)
        .users()
        .list()
        .stream()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(all.len(), 450);
    let codes: Vec<_> = all
        .iter()
        .map(|u| u.user_code.clone().unwrap().into_inner())
        .collect();
    let expected: Vec<_> = (0..450).map(|i| format!("{i:04}")).collect();
    assert_eq!(codes, expected);

    let received = server.received_requests().await.unwrap();
    let cursors: Vec<_> = received.iter().map(|r| param(r, "next_user_id")).collect();
    assert_eq!(
        cursors,
        vec![None, Some("u-199".to_owned()), Some("u-399".to_owned())]
    );
    for r in &received {
        assert_eq!(param(r, "company_id").as_deref(), Some(COMPANY));
        assert_eq!(param(r, "field").as_deref(), Some("all"));
    }
}

#[tokio::test]
async fn a_looping_cursor_is_asked_once_more_then_refused() {
    let server = server().await;
    let looping = json!({"groups": [{"group_id": "g1"}], "next_group_id": "g1"});
    Mock::given(method("GET"))
        .and(path("/groups"))
        .respond_with(Sequence::new(vec![
            looping.clone(),
            looping.clone(),
            looping.clone(),
            looping,
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let err = client(&server)
        .groups()
        .list()
        .pages()
        .try_collect::<Vec<_>>()
        .await
        .unwrap_err();
    assert!(
        matches!(&err, cyzen_api::Error::RepeatedCursor { cursor, .. } if cursor.contains("g1")),
        "{err:?}"
    );
    assert!(
        err.to_string().contains("could not be read to its end"),
        "{err}"
    );
}

#[tokio::test]
async fn a_stale_page_served_twice_is_read_past() {
    let server = server().await;
    let first = json!({"groups": [{"group_id": "g1"}], "next_group_id": "g2"});
    Mock::given(method("GET"))
        .and(path("/groups"))
        .respond_with(Sequence::new(vec![
            first.clone(),
            // Asked for g2, the first page again.
            first,
            json!({"groups": [{"group_id": "g2"}]}),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let pages: Vec<_> = client(&server)
        .groups()
        .list()
        .pages()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(pages.len(), 3);
    assert!(pages[2].next.is_none());
    assert_eq!(pages[2].items.len(), 1);
}

#[tokio::test]
async fn every_next_key_is_sent_back_together_and_a_cursor_resumes() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/histories"))
        .respond_with(Sequence::new(vec![
            json!({"histories": [{"history_id": "h1", "create_at": "2026-11-02T00:00:00"}],
                       "next_history_id": "h1", "next_history_created_at": "2026-11-02T00:00:00"}),
            json!({"histories": [{"history_id": "h2", "create_at": "2026-11-03T00:00:00"}]}),
            json!({"histories": []}),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let c = client(&server);
    let range = TimeRange::new(
        Utc.with_ymd_and_hms(2026, 11, 1, 0, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 11, 5, 0, 0, 0).unwrap(),
    )
    .unwrap();
    let ids: Vec<_> = c
        .histories()
        .list(range)
        .stream()
        .map_ok(|h| h.history_id.into_inner())
        .try_collect()
        .await
        .unwrap();
    assert_eq!(ids, vec!["h1", "h2"]);

    // Resuming one window from a saved cursor.
    let cursor = Cursor::from_pairs([("next_history_id", "h7")]).unwrap();
    let page = c.histories().page(range, Some(&cursor)).await.unwrap();
    assert!(page.items.is_empty());

    let received = server.received_requests().await.unwrap();
    assert_eq!(param(&received[0], "next_history_id"), None);
    assert_eq!(
        param(&received[1], "next_history_id").as_deref(),
        Some("h1")
    );
    assert_eq!(
        param(&received[1], "next_history_created_at").as_deref(),
        Some("2026-11-02T00:00:00")
    );
    assert_eq!(
        param(&received[2], "next_history_id").as_deref(),
        Some("h7")
    );
    // The windowed one-page call refuses a window cyzen would refuse.
    let month = TimeRange::utc_days(
        NaiveDate::from_ymd_opt(2026, 11, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 11, 30).unwrap(),
    )
    .unwrap();
    assert!(
        c.histories()
            .page(month, None)
            .await
            .unwrap_err()
            .is_config()
    );
}

#[tokio::test]
async fn a_month_is_requested_as_consecutive_15_day_windows_each_paged() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/histories"))
        .respond_with(Sequence::new(vec![
            // first window: two pages
            json!({"histories": [{"history_id": "a", "create_at": "2026-10-31T23:00:00"}],
                       "next_history_id": "a"}),
            json!({"histories": [{"history_id": "b", "create_at": "2026-11-10T00:00:00"}]}),
            // second window: one page, repeating a press of the first window
            json!({"histories": [{"history_id": "b", "create_at": "2026-11-10T00:00:00"},
                                     {"history_id": "c", "create_at": "2026-11-20T00:00:00"}]}),
        ]))
        .expect(3)
        .mount(&server)
        .await;
    let d = |day| NaiveDate::from_ymd_opt(2026, 11, day).unwrap();
    let c = client(&server);
    let list = c
        .histories()
        .list(TimeRange::jst_days(d(1), d(30)).unwrap());
    assert_eq!(list.windows().len(), 2);
    let ids: Vec<_> = list
        .all()
        .await
        .unwrap()
        .into_iter()
        .map(|h| h.history_id.into_inner())
        .collect();
    assert_eq!(ids, vec!["a", "b", "c"], "each press once");

    let received = server.received_requests().await.unwrap();
    let asked: Vec<_> = received
        .iter()
        .map(|r| {
            (
                param(r, "from_date").unwrap(),
                param(r, "to_date").unwrap(),
                param(r, "next_history_id"),
            )
        })
        .collect();
    assert_eq!(
        asked,
        vec![
            (
                "2026-10-31T15:00:00".into(),
                "2026-11-15T14:59:59".into(),
                None
            ),
            (
                "2026-10-31T15:00:00".into(),
                "2026-11-15T14:59:59".into(),
                Some("a".into())
            ),
            (
                "2026-11-15T15:00:00".into(),
                "2026-11-30T14:59:59".into(),
                None
            ),
        ]
    );
}

#[tokio::test]
async fn presses_join_each_history_with_its_status_and_user() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/statuses"))
        .respond_with(ResponseTemplate::new(200).set_body_json(fixture("synthetic_statuses.json")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(
            ResponseTemplate::new(200).set_body_json(
                fixture("synthetic_users.json")
                    .as_object()
                    .map(|o| {
                        let mut o = o.clone();
                        o.remove("next_user_id");
                        Value::Object(o)
                    })
                    .unwrap(),
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    let mut histories = fixture("synthetic_histories.json");
    histories.as_object_mut().unwrap().remove("next_history_id");
    histories["histories"].as_array_mut().unwrap().push(
        json!({"history_id": "h-0003", "user_id": "gone", "status_id": "deleted",
                     "create_at": "2026-06-03T11:00:00"}),
    );
    Mock::given(method("GET"))
        .and(path("/histories"))
        .respond_with(ResponseTemplate::new(200).set_body_json(histories))
        .expect(1)
        .mount(&server)
        .await;

    let range = TimeRange::jst_days(
        NaiveDate::from_ymd_opt(2026, 6, 3).unwrap(),
        NaiveDate::from_ymd_opt(2026, 6, 3).unwrap(),
    )
    .unwrap();
    let presses: Vec<_> = client(&server)
        .histories()
        .list(range)
        .presses()
        .try_collect()
        .await
        .unwrap();
    assert_eq!(presses.len(), 3);
    let start = &presses[0];
    assert_eq!(start.history_id().as_str(), "h-0001");
    assert_eq!(start.kind(), Some(&StatusKind::WorkStart));
    assert_eq!(start.status_name(), Some("出勤"));
    assert_eq!(start.user_code().unwrap().as_str(), "00-0001");
    assert_eq!(start.user_name(), Some("山田 太郎"));
    assert_eq!(start.address(), Some("東京都調布市"));
    assert_eq!(start.location().unwrap().latitude, 35.65);
    assert_eq!(
        start.pressed_at_jst().to_rfc3339(),
        "2026-06-03T07:51:00+09:00"
    );
    assert_eq!(presses[1].kind(), Some(&StatusKind::WorkEnd));
    assert_eq!(presses[1].comment(), Some("直帰します"));
    // Unknown status and user: delivered, with nothing joined.
    let orphan = &presses[2];
    assert_eq!(orphan.history_id().as_str(), "h-0003");
    assert!(orphan.status.is_none() && orphan.user.is_none());
    assert_eq!((orphan.kind(), orphan.user_code()), (None, None));
}

#[tokio::test]
async fn a_failing_page_ends_the_stream_with_its_error() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(Sequence::new(vec![
            json!({"users": users(0, 2), "next_user_id": "u-001"}),
            json!({"errors": [{"err_code": 40000, "err_msg": "invalid parameter next_user_id"}]}),
        ]))
        .expect(2)
        .mount(&server)
        .await;
    let results: Vec<_> = client(&server).users().list().stream().collect().await;
    assert_eq!(results.len(), 3);
    assert!(results[0].is_ok() && results[1].is_ok());
    assert!(results[2].as_ref().unwrap_err().is_invalid_parameter());
}
