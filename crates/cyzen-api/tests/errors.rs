//! Error envelopes (in HTTP 200 too), retries counted by hits, the rate
//! limit, decode errors and secret redaction, through real requests.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::{Duration, Instant};

use common::{COMPANY, TOKEN, builder, client, fixture, server};
use cyzen_api::{Client, Error, SecretString};
use wiremock::matchers::{method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const ERROR_IN_200: &str = r#"{"errors":[{"err_code":40000,"err_msg":"invalid parameter field"}]}"#;

async fn mount(server: &MockServer, route: &str, response: ResponseTemplate, hits: u64) {
    Mock::given(method("GET"))
        .and(path(route))
        .respond_with(response)
        .expect(hits)
        .mount(server)
        .await;
}

/// Every way an error shows itself: Display, Debug and the source chain.
fn shown(err: &Error) -> Vec<String> {
    let mut out = vec![err.to_string(), format!("{err:?}")];
    let mut source = std::error::Error::source(err);
    while let Some(s) = source {
        out.push(s.to_string());
        out.push(format!("{s:?}"));
        source = s.source();
    }
    out
}

#[tokio::test]
async fn an_error_inside_http_200_is_a_typed_api_error_and_not_retried() {
    let server = server().await;
    mount(
        &server,
        "/users",
        ResponseTemplate::new(200).set_body_json(fixture("synthetic_error_invalid_parameter.json")),
        1,
    )
    .await;
    let err = client(&server).users().list().send().await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected Api, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 200);
    assert_eq!(api.endpoint, "GET /users");
    assert_eq!(
        api.errors[0].message.as_deref(),
        Some("invalid parameter field")
    );
    assert!(err.is_invalid_parameter());
    assert_eq!(err.code(), Some("40000"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(!err.is_rate_limited() && !err.is_auth() && !err.is_decode());
    assert!(err.to_string().contains("[40000] invalid parameter field"));
}

#[tokio::test]
async fn the_envelope_with_http_400_is_an_api_error_too() {
    let server = server().await;
    mount(
        &server,
        "/histories",
        ResponseTemplate::new(400).set_body_string(ERROR_IN_200),
        1,
    )
    .await;
    let range = cyzen_api::TimeRange::new(chrono::Utc::now(), chrono::Utc::now()).unwrap();
    let err = client(&server)
        .histories()
        .list(range)
        .all()
        .await
        .unwrap_err();
    assert!(err.is_invalid_parameter());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
}

#[tokio::test]
async fn a_503_rate_limit_is_retried_six_times_then_reported() {
    let server = server().await;
    mount(
        &server,
        "/groups",
        ResponseTemplate::new(503).set_body_string("Service Unavailable"),
        6,
    )
    .await;
    let err = client(&server).groups().list().send().await.unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.to_string().contains("rate limited"));
}

#[tokio::test]
async fn a_503_then_success_recovers_with_three_hits() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/statuses"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    mount(
        &server,
        "/statuses",
        ResponseTemplate::new(200).set_body_string(r#"{"statuses":[{"status_id":"s1"}]}"#),
        1,
    )
    .await;
    let statuses = client(&server).statuses().list().all().await.unwrap();
    assert_eq!(statuses.len(), 1);
}

#[tokio::test]
async fn a_429_with_retry_after_is_retried() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/users"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "0"))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    mount(
        &server,
        "/users",
        ResponseTemplate::new(200).set_body_string(r#"{"users":[]}"#),
        1,
    )
    .await;
    assert!(
        client(&server)
            .users()
            .list()
            .all()
            .await
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_post_is_never_retried_even_on_503() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/schedules"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server)
        .raw()
        .post_form("schedules", &[("title", "訪問")])
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
}

#[tokio::test]
async fn a_non_json_5xx_keeps_its_status_and_body() {
    let server = server().await;
    mount(
        &server,
        "/users",
        ResponseTemplate::new(502).set_body_string("<html>502 Bad Gateway</html>"),
        6,
    )
    .await;
    let err = client(&server).users().list().send().await.unwrap_err();
    let Error::Http(inner) = &err else {
        panic!("expected Http, got {err:?}")
    };
    assert_eq!(inner.status().map(|s| s.as_u16()), Some(502));
    assert_eq!(inner.body().unwrap().text(), "<html>502 Bad Gateway</html>");
    assert!(!err.is_rate_limited());
}

#[tokio::test]
async fn a_non_json_401_keeps_its_status_and_is_an_auth_error() {
    let server = server().await;
    mount(
        &server,
        "/groups",
        ResponseTemplate::new(401).set_body_string("Unauthorized"),
        1,
    )
    .await;
    let err = client(&server).check().await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
}

#[tokio::test]
async fn garbage_and_wrong_shapes_are_decode_errors_with_a_path() {
    let server = server().await;
    mount(
        &server,
        "/groups",
        ResponseTemplate::new(200).set_body_string("<html>maintenance</html>"),
        1,
    )
    .await;
    mount(
        &server,
        "/users",
        ResponseTemplate::new(200).set_body_string(
            r#"{"users":[{"user_id":"a"},{"user_id":"b","created_at":"yesterday"}]}"#,
        ),
        1,
    )
    .await;
    mount(
        &server,
        "/statuses",
        ResponseTemplate::new(200).set_body_string(r#"{"status":[]}"#),
        1,
    )
    .await;
    mount(
        &server,
        "/members_statuses",
        ResponseTemplate::new(200).set_body_string(r#"{"members_statuses":{"history":null}}"#),
        1,
    )
    .await;
    let c = client(&server);

    let err = c.groups().list().send().await.unwrap_err();
    assert!(err.is_decode(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));

    let err = c.users().list().send().await.unwrap_err();
    let Error::Http(cyzen_api_http_error) = &err else {
        panic!("{err:?}")
    };
    assert!(err.is_decode());
    assert!(
        cyzen_api_http_error
            .to_string()
            .contains("users[1].created_at"),
        "{err}"
    );
    assert!(err.to_string().contains("yesterday"));

    let err = c.statuses().list().send().await.unwrap_err();
    assert!(err.is_decode());
    assert!(err.to_string().contains("no `statuses` list"), "{err}");

    let err = c.members_statuses().list().send().await.unwrap_err();
    assert!(err.is_decode());
}

#[tokio::test]
async fn a_history_without_any_time_is_an_error_not_a_dropped_row() {
    let server = server().await;
    mount(
        &server,
        "/histories",
        ResponseTemplate::new(200)
            .set_body_string(r#"{"histories":[{"history_id":"h-no-time","status_id":"s"}]}"#),
        1,
    )
    .await;
    let range = cyzen_api::TimeRange::new(chrono::Utc::now(), chrono::Utc::now()).unwrap();
    let err = client(&server)
        .histories()
        .list(range)
        .all()
        .await
        .unwrap_err();
    assert!(err.is_decode());
    assert!(err.to_string().contains("h-no-time"), "{err}");
}

#[tokio::test]
async fn the_token_never_shows_in_debug_or_errors() {
    let server = server().await;
    mount(
        &server,
        "/users",
        ResponseTemplate::new(200).set_body_string(ERROR_IN_200),
        1,
    )
    .await;
    mount(
        &server,
        "/groups",
        ResponseTemplate::new(403).set_body_string("Forbidden"),
        1,
    )
    .await;
    mount(
        &server,
        "/statuses",
        ResponseTemplate::new(200).set_body_string("not json"),
        1,
    )
    .await;

    let b = builder(&server);
    assert!(!format!("{b:?}").contains(TOKEN));
    let c = b.build().unwrap();
    assert!(!format!("{c:?}").contains(TOKEN));
    assert!(format!("{c:?}").contains(COMPANY));

    let mut errors = vec![
        c.users().list().send().await.unwrap_err(),
        c.groups().list().send().await.unwrap_err(),
        c.statuses().list().send().await.unwrap_err(),
    ];
    // A transport error: nothing listens on the port any more.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let unreachable = Client::builder(COMPANY, SecretString::from(TOKEN))
        .base_url(closed)
        .retry_policy(cyzen_api::RetryPolicy::never())
        .build()
        .unwrap();
    let err = unreachable.groups().list().send().await.unwrap_err();
    assert!(err.is_transport(), "{err:?}");
    errors.push(err);
    // A token a header cannot carry: a config error that does not echo it.
    let bad_token = format!("{TOKEN}\nX-Injected: 1");
    let bad = Client::builder(COMPANY, SecretString::from(bad_token))
        .base_url(server.uri())
        .build()
        .unwrap();
    let err = bad.users().list().send().await.unwrap_err();
    assert!(err.is_config(), "{err:?}");
    errors.push(err);

    for err in &errors {
        for text in shown(err) {
            assert!(!text.contains(TOKEN), "token leaked: {text}");
        }
    }
}

#[tokio::test]
async fn the_default_client_keeps_to_five_requests_per_second() {
    let server = server().await;
    mount(
        &server,
        "/groups",
        ResponseTemplate::new(200).set_body_string(r#"{"groups":[]}"#),
        6,
    )
    .await;

    let limited = builder(&server).build().unwrap();
    let started = Instant::now();
    for _ in 0..6 {
        limited.check().await.unwrap();
    }
    // Six requests at 5/s: the sixth starts 1 s after the first.
    assert!(
        started.elapsed() >= Duration::from_millis(990),
        "{:?}",
        started.elapsed()
    );
}
