//! Security: the client refuses plain http outside loopback, and neither the
//! signature in headers nor the one in the query reaches another origin
//! through a redirect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use chrono::{NaiveDate, TimeZone};
use senselink_api::{AuthPlacement, Client, ManualClock, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY: &str = "sl-sec-key-0b7e";
const SECRET: &str = "sl-sec-secret-58d2a9c1f4";

#[test]
fn plain_http_base_url_is_a_config_error_outside_loopback() {
    let err = Client::builder(KEY, SECRET)
        .base_url("http://example.com")
        .build()
        .unwrap_err();
    assert!(err.is_config(), "{err:?}");
    assert!(!format!("{err} {err:?}").contains(SECRET));
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "https://link.bi.sensetime.com",
    ] {
        assert!(
            Client::builder(KEY, SECRET).base_url(ok).build().is_ok(),
            "{ok}"
        );
    }
}

#[tokio::test]
async fn the_signature_does_not_follow_a_redirect_to_another_origin() {
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"code":200,"data":[]}"#))
        .mount(&other)
        .await;
    let day = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    for placement in [AuthPlacement::Headers, AuthPlacement::Query] {
        for status in [302, 307] {
            let server = MockServer::start().await;
            let location = format!(
                "http://localhost:{}/api/v3/record/list",
                other.address().port()
            );
            Mock::given(any())
                .respond_with(
                    ResponseTemplate::new(status).insert_header("location", location.as_str()),
                )
                .expect(1)
                .mount(&server)
                .await;
            let client = Client::builder(KEY, SECRET)
                .base_url(server.uri())
                .auth_placement(placement)
                .clock(Arc::new(ManualClock::new(
                    chrono::Utc.timestamp_opt(1_700_000_000, 0).unwrap(),
                )))
                .retry_policy(RetryPolicy::never())
                .build()
                .unwrap();
            let err = client
                .records()
                .on_dates(day, day)
                .send()
                .await
                .unwrap_err();
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
            server.verify().await;
        }
    }
    let seen = other.received_requests().await.unwrap();
    assert!(seen.is_empty(), "the other origin was reached: {seen:?}");
}
