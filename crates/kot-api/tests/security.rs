//! Security: the client refuses plain http outside loopback, and its bearer
//! token never reaches another origin through a redirect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;

use chrono::TimeZone;
use kot_api::{Client, ManualClock, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "kot-sec-token-41c9e07d2b";

fn noon() -> chrono::DateTime<chrono::Utc> {
    chrono::Utc.with_ymd_and_hms(2026, 4, 1, 3, 0, 0).unwrap()
}

#[test]
fn plain_http_base_url_is_a_config_error_outside_loopback() {
    let err = Client::builder(TOKEN)
        .base_url("http://example.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(&err, kot_api::Error::Http(e) if e.is_config()),
        "{err:?}"
    );
    assert!(!format!("{err} {err:?}").contains(TOKEN));
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost:1/v1.0",
        "https://example.com/v1.0",
    ] {
        assert!(Client::builder(TOKEN).base_url(ok).build().is_ok(), "{ok}");
    }
}

#[tokio::test]
async fn the_token_does_not_follow_a_redirect_to_another_origin() {
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&other)
        .await;
    for status in [302, 307] {
        let server = MockServer::start().await;
        let location = format!("http://localhost:{}/v1.0/employees", other.address().port());
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status).insert_header("location", location.as_str()),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder(TOKEN)
            .base_url(server.uri())
            .clock(Arc::new(ManualClock::new(noon())))
            .retry_policy(RetryPolicy::never())
            .build()
            .unwrap();
        let err = client.employees().list().send().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
        server.verify().await;
    }
    let seen = other.received_requests().await.unwrap();
    assert!(seen.is_empty(), "the other origin was reached: {seen:?}");
}
