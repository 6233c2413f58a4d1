//! Security: the bot client refuses plain http outside loopback, and its
//! token never reaches another origin through a redirect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};
use wowtalk_api::models::Reply;
use wowtalk_api::{BotAuth, BotClient};

const TOKEN: &str = "wowtalk-sec-token-93a1f6c0de";

#[test]
fn plain_http_base_url_is_a_config_error_outside_loopback() {
    let err = BotClient::builder("http://example.com", BotAuth::bearer(TOKEN))
        .bot_id("bot-1")
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
            BotClient::builder(ok, BotAuth::bearer(TOKEN))
                .bot_id("bot-1")
                .build()
                .is_ok(),
            "{ok}"
        );
    }
}

#[tokio::test]
async fn the_token_does_not_follow_a_redirect_to_another_origin() {
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200))
        .mount(&other)
        .await;
    for auth in [
        BotAuth::bearer(TOKEN),
        BotAuth::header("x-bot-token", TOKEN),
    ] {
        for status in [302, 307] {
            let server = MockServer::start().await;
            let location = format!("http://localhost:{}/send", other.address().port());
            Mock::given(any())
                .respond_with(
                    ResponseTemplate::new(status).insert_header("location", location.as_str()),
                )
                .expect(1)
                .mount(&server)
                .await;
            let client = BotClient::builder(server.uri(), auth.clone())
                .bot_id("bot-1")
                .build()
                .unwrap();
            let err = client
                .send(&Reply::in_talk("talk-1", "出勤しました"))
                .await
                .unwrap_err();
            assert_eq!(err.status().map(|s| s.as_u16()), Some(status), "{err:?}");
            server.verify().await;
        }
    }
    let seen = other.received_requests().await.unwrap();
    assert!(seen.is_empty(), "the other origin was reached: {seen:?}");
}
