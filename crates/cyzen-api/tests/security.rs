//! Security: the client refuses plain http outside loopback, and its token
//! never reaches another origin through a redirect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use cyzen_api::{Client, RetryPolicy};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const COMPANY: &str = "sec-company";
const TOKEN: &str = "cyzen-sec-token-6f2b81d0e3";

#[test]
fn plain_http_base_url_is_a_config_error_outside_loopback() {
    let err = Client::builder(COMPANY, TOKEN)
        .base_url("http://example.com")
        .build()
        .unwrap_err();
    assert!(err.is_config(), "{err:?}");
    assert!(!format!("{err} {err:?}").contains(TOKEN));
    for ok in [
        "http://127.0.0.1:8080",
        "http://localhost:1",
        "https://example.com",
    ] {
        assert!(
            Client::builder(COMPANY, TOKEN).base_url(ok).build().is_ok(),
            "{ok}"
        );
    }
}

#[tokio::test]
async fn the_token_does_not_follow_a_redirect_to_another_origin() {
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"users":[]}"#))
        .mount(&other)
        .await;
    for status in [302, 307] {
        let server = MockServer::start().await;
        let location = format!("http://localhost:{}/users", other.address().port());
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status).insert_header("location", location.as_str()),
            )
            .expect(1)
            .mount(&server)
            .await;
        let client = Client::builder(COMPANY, TOKEN)
            .base_url(server.uri())
            .retry_policy(RetryPolicy::never())
            .without_rate_limit()
            .build()
            .unwrap();
        let err = client.users().list().send().await.unwrap_err();
        assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
        server.verify().await;
    }
    let seen = other.received_requests().await.unwrap();
    assert!(seen.is_empty(), "the other origin was reached: {seen:?}");
}
