//! The provisional WebAPI client against a mock MaLion: paths, auth, paging,
//! watermark, failures and redaction.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::TimeZone;
use common::{ADMIN, SECRET, builder, client, fixture, server};
use malion_api::api::WireConfig;
use malion_api::models::{LogEvent, datetime::jst};
use malion_api::{
    Client, Error, LogQuery, LogSource, PageCursor, collect_since, for_each_page_since,
};
use wiremock::matchers::{header, method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

fn since() -> chrono::DateTime<chrono::FixedOffset> {
    jst().with_ymd_and_hms(2026, 11, 19, 0, 0, 0).unwrap()
}

const SINCE: &str = "2026-11-19T00:00:00+09:00";
const LOGS: &str = "/api/v1/operation-logs";

async fn mount_two_pages(server: &MockServer) {
    Mock::given(method("GET"))
        .and(path(LOGS))
        .and(query_param("since", SINCE))
        .and(query_param("per_page", "500"))
        .and(query_param_is_missing("page"))
        .and(header("x-malion-admin-code", ADMIN))
        .and(header("x-malion-secret-code", SECRET))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("synthetic_logs_page1.json")),
        )
        .expect(1)
        .mount(server)
        .await;
    Mock::given(method("GET"))
        .and(path(LOGS))
        .and(query_param("since", SINCE))
        .and(query_param("page", "2"))
        .and(header("x-malion-admin-code", ADMIN))
        .and(header("x-malion-secret-code", SECRET))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(fixture("synthetic_logs_page2.json")),
        )
        .expect(1)
        .mount(server)
        .await;
}

#[tokio::test]
async fn logs_since_pages_authenticates_dedupes_and_orders() {
    let server = server().await;
    mount_two_pages(&server).await;
    let out = client(&server).logs_since(since()).await.unwrap();

    // Six logs sent, one relay duplicate (the 09:03 logon, on both pages).
    assert_eq!(out.logs.len(), 5);
    assert_eq!(out.duplicates.len(), 1);
    let kept = out
        .logs
        .iter()
        .find(|l| l.id() == out.duplicates[0].id())
        .unwrap();
    assert_eq!(
        kept.registered_at.unwrap().to_rfc3339(),
        "2026-11-20T09:03:41+09:00",
        "the first stored copy is kept"
    );
    let order: Vec<(String, &str)> = out
        .logs
        .iter()
        .map(|l| (l.occurred_at.format("%H:%M").to_string(), l.event.label()))
        .collect();
    assert_eq!(
        order,
        [
            ("08:51".to_owned(), "ログオン"),
            ("08:55".to_owned(), "ユーザー切替(connect)"),
            ("09:03".to_owned(), "ログオン"),
            ("12:00".to_owned(), "ロック"),
            ("18:22".to_owned(), "ログオフ"),
        ]
    );
    assert_eq!(
        out.logs[0].logon_user_name, None,
        "early-boot log without a user"
    );
    assert_eq!(out.logs[2].account(), Some("tarouk"));
    assert_eq!(out.logs[3].extra["policy_action"], "none");
    assert!(matches!(out.logs[1].event, LogEvent::Unknown(_)));
}

#[tokio::test]
async fn one_page_by_hand_carries_the_cursor() {
    let server = server().await;
    mount_two_pages(&server).await;
    let c = client(&server);
    let first = c.logs_page(&LogQuery::new(since())).await.unwrap();
    assert_eq!(first.logs.len(), 3);
    assert_eq!(first.next, Some(PageCursor::new("2")));
    let second = c
        .logs_page(&LogQuery::new(since()).cursor(first.next))
        .await
        .unwrap();
    assert_eq!(second.logs.len(), 3);
    assert_eq!(second.next, None);
}

#[tokio::test]
async fn configured_paths_parameters_and_a_bare_array_body() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/malion/webapi/logs"))
        .and(query_param("from", "2026-11-19T00:00:00+09:00"))
        .and(query_param("limit", "50"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(fixture("synthetic_logs_japanese_keys.json")),
        )
        .expect(1)
        .mount(&server)
        .await;
    let wire = WireConfig::provisional()
        .logs_path("/malion/webapi/logs/")
        .since_param("from")
        .cursor_param("cursor")
        .page_size_param("limit")
        .page_size(50);
    // A UTC watermark is sent in JST.
    let since_utc = since().with_timezone(&chrono::FixedOffset::east_opt(0).unwrap());
    let out = builder(&server)
        .wire(wire)
        .build()
        .unwrap()
        .logs_since(since_utc)
        .await
        .unwrap();
    assert_eq!(out.logs.len(), 1);
    let log = &out.logs[0];
    assert_eq!(log.event, LogEvent::Logoff);
    assert_eq!(log.account(), Some("Jiro.S"));
    assert_eq!(log.occurred_at.to_rfc3339(), "2026-11-20T18:05:09+09:00");
    assert_eq!(log.attendance_link_code.as_ref().unwrap().as_str(), "0001");
}

#[tokio::test]
async fn string_cursors_are_followed_until_absent() {
    let server = server().await;
    let page = |next: Option<&str>| {
        serde_json::json!({
            "items": [{
                "terminal_agent_name": "A", "computer_name": "PC", "logon_user_name": "u",
                "event": "ログオン", "occurred_at": format!("2026-11-20T09:0{}:00+09:00", next.map_or(9, |n| n.len())),
            }],
            "nextCursor": next,
        })
    };
    Mock::given(path(LOGS))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(Some("abc"))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(LOGS))
        .and(query_param("page", "abc"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(Some("abcdef"))))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(path(LOGS))
        .and(query_param("page", "abcdef"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page(None)))
        .expect(1)
        .mount(&server)
        .await;
    let out = client(&server).logs_since(since()).await.unwrap();
    assert_eq!(out.logs.len(), 3);
    let received = server.received_requests().await.unwrap();
    assert_eq!(received.len(), 3);
}

#[tokio::test]
async fn a_repeated_cursor_is_a_paging_error_not_a_loop() {
    let server = server().await;
    Mock::given(path(LOGS))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"logs":[],"next_page":"7"}"#))
        .expect(2)
        .mount(&server)
        .await;
    let err = client(&server).logs_since(since()).await.unwrap_err();
    assert!(matches!(&err, Error::Paging { pages: 2, .. }), "{err:?}");
    assert!(err.to_string().contains("`7` came back twice"), "{err}");
}

#[tokio::test]
async fn the_page_cap_stops_paging() {
    let server = server().await;
    Mock::given(path(LOGS))
        .respond_with(|req: &Request| {
            let n: u32 = req
                .url
                .query_pairs()
                .find(|(k, _)| k == "page")
                .map_or(1, |(_, v)| v.parse().unwrap());
            ResponseTemplate::new(200)
                .set_body_json(serde_json::json!({ "logs": [], "next_page": n + 1 }))
        })
        .expect(3)
        .mount(&server)
        .await;
    let c = builder(&server)
        .wire(WireConfig::provisional().max_pages(3))
        .build()
        .unwrap();
    let err = c.logs_since(since()).await.unwrap_err();
    assert!(matches!(&err, Error::Paging { pages: 3, .. }), "{err:?}");
}

#[tokio::test]
async fn garbage_bodies_are_decode_errors_with_the_path() {
    let server = server().await;
    Mock::given(path(LOGS))
        .and(query_param_is_missing("page"))
        .respond_with(ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).logs_since(since()).await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");

    let server = server_with(
        r#"{"logs":[{"terminal_agent_name":"A","computer_name":"B","event":"ログオン","occurred_at":"yesterday"}]}"#,
    )
    .await;
    let err = client(&server).logs_since(since()).await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    let text = err.to_string();
    assert!(text.contains("logs[0].occurred_at"), "{text}");
    assert!(text.contains("yesterday"), "{text}");

    let server = server_with(r#"{"next_page": 2}"#).await;
    let err = client(&server).logs_since(since()).await.unwrap_err();
    assert!(err.is_decode(), "missing list: {err:?}");
}

async fn server_with(body: &'static str) -> MockServer {
    let server = server().await;
    Mock::given(path(LOGS))
        .respond_with(ResponseTemplate::new(200).set_body_string(body))
        .expect(1)
        .mount(&server)
        .await;
    server
}

#[tokio::test]
async fn refused_credentials_keep_the_status_and_never_show_the_secret() {
    let server = server().await;
    Mock::given(path(LOGS))
        .respond_with(ResponseTemplate::new(401).set_body_string(r#"{"error":"invalid code"}"#))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).logs_since(since()).await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    assert!(err.to_string().contains("invalid code"));
    assert_no_secret(&err);
}

#[tokio::test]
async fn server_errors_are_retried_then_reported_with_status() {
    let server = server().await;
    Mock::given(path(LOGS))
        .respond_with(ResponseTemplate::new(503).set_body_string("busy"))
        .expect(4)
        .mount(&server)
        .await;
    let err = client(&server).logs_since(since()).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(!err.is_auth() && !err.is_decode());
}

#[tokio::test]
async fn a_custom_authenticator_replaces_the_provisional_headers() {
    let server = server().await;
    Mock::given(path(LOGS))
        .and(header("authorization", "Bearer exchanged-token"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .expect(1)
        .mount(&server)
        .await;
    let c = builder(&server)
        .auth(kot_connect_http::BearerAuth::new("exchanged-token".into()))
        .build()
        .unwrap();
    let out = c.logs_since(since()).await.unwrap();
    assert!(out.logs.is_empty());
    let req = &server.received_requests().await.unwrap()[0];
    assert!(req.headers.get("x-malion-secret-code").is_none());
}

#[tokio::test]
async fn renamed_provisional_headers() {
    let server = server().await;
    Mock::given(path(LOGS))
        .and(header("x-admin", ADMIN))
        .and(header("x-secret", SECRET))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .expect(1)
        .mount(&server)
        .await;
    let auth = malion_api::auth::ProvisionalHeaderAuth::new(&common::settings())
        .with_header_names("X-Admin", "X-Secret")
        .unwrap();
    let c = builder(&server).auth(auth).build().unwrap();
    c.logs_since(since()).await.unwrap();
}

#[tokio::test]
async fn the_trait_object_and_collect_since_work_over_the_client() {
    let server = server().await;
    mount_two_pages(&server).await;
    let source: std::sync::Arc<dyn LogSource> = std::sync::Arc::new(client(&server));
    let out = collect_since(&source, since(), 500, 10).await.unwrap();
    assert_eq!(out.logs.len(), 5);
}

#[tokio::test]
async fn pages_are_handed_over_one_by_one_as_sent() {
    let server = server().await;
    mount_two_pages(&server).await;
    let source = client(&server);
    let mut sizes = Vec::new();
    let mut logs = Vec::new();
    let pages = for_each_page_since(&source, since(), 500, 10, |page| {
        sizes.push(page.len());
        logs.extend(page);
    })
    .await
    .unwrap();
    assert_eq!(pages, 2);
    assert_eq!(sizes.len(), 2);
    assert_eq!(sizes.iter().sum::<usize>(), logs.len());
    // Relay duplicates included: the five logs collect_since gives, and
    // their copies.
    let deduped = malion_api::models::dedupe(logs);
    assert_eq!(deduped.logs.len(), 5);
    assert!(!deduped.duplicates.is_empty());
}

fn assert_no_secret(err: &Error) {
    let mut texts = vec![format!("{err:?}"), err.to_string()];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        texts.push(s.to_string());
        texts.push(format!("{s:?}"));
        source = s.source();
    }
    for t in texts {
        assert!(!t.contains(SECRET), "secret leaked in: {t}");
    }
}

#[test]
fn debug_of_every_type_holding_the_secret_hides_it() {
    let settings = common::settings();
    let builder = Client::builder(settings.clone()).base_url("http://127.0.0.1:1");
    let auth = malion_api::auth::ProvisionalHeaderAuth::new(&settings);
    let b = format!("{builder:?}");
    let client = builder.build().unwrap();
    for text in [
        format!("{settings:?}"),
        format!("{auth:?}"),
        b,
        format!("{client:?}"),
    ] {
        assert!(!text.contains(SECRET), "{text}");
        assert!(
            text.contains("REDACTED") || text.contains("malioncloud"),
            "{text}"
        );
    }
}
