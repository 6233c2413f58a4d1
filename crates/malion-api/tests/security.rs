//! Security: the client refuses plain http outside loopback, and its
//! credentials never reach another origin through a redirect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use chrono::TimeZone;
use malion_api::{Client, ConnectionSettings, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const SECRET: &str = "malion-sec-secret-2e8c0b5a97";

fn settings() -> ConnectionSettings {
    ConnectionSettings::new("malioncloud0042.intercom.co.jp", "ADMIN-0042", SECRET).unwrap()
}

#[test]
fn plain_http_base_url_is_a_config_error_outside_loopback() {
    let err = Client::builder(settings())
        .base_url("http://example.com")
        .build()
        .unwrap_err();
    assert!(err.is_config(), "{err:?}");
    assert!(!format!("{err} {err:?}").contains(SECRET));
    // Stricter than the other clients: the relay host comes from the
    // validated settings, and the override is only the loopback test hook.
    let err = Client::builder(settings())
        .base_url("https://example.com")
        .build()
        .unwrap_err();
    assert!(err.is_config(), "{err:?}");
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "http://[::1]:1",
    ] {
        assert!(
            Client::builder(settings()).base_url(ok).build().is_ok(),
            "{ok}"
        );
    }
}

#[tokio::test]
async fn the_credentials_do_not_follow_a_redirect_to_another_origin() {
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"logs":[]}"#))
        .mount(&other)
        .await;
    let since = chrono::FixedOffset::east_opt(9 * 3600)
        .unwrap()
        .with_ymd_and_hms(2026, 4, 1, 12, 0, 0)
        .unwrap();
    for status in [302, 307] {
        let server = MockServer::start().await;
        let location = format!("http://localhost:{}/logs", other.address().port());
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status).insert_header("location", location.as_str()),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder(settings())
            .base_url(server.uri())
            .retry_policy(RetryPolicy::never())
            .build()
            .unwrap();
        let err = client.logs_since(since).await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
        server.verify().await;
    }
    let seen = other.received_requests().await.unwrap();
    assert!(seen.is_empty(), "the other origin was reached: {seen:?}");
}
