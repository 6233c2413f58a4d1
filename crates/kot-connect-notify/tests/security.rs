//! Security: webhook and API base URLs must be https outside loopback, and a
//! channel's token never reaches another origin through a redirect.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{error_strings, report};
use kot_connect_notify::{
    Channel, ChannelOptions, ChatworkChannel, Detail, GoogleChatChannel, Notification,
    SlackChannel, TeamsChannel,
};
use wiremock::matchers::any;
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "notify-sec-token-7a04c2e9b1";

#[test]
fn plain_http_urls_are_refused_outside_loopback() {
    let teams = TeamsChannel::builder(format!(
        "http://prod-27.japaneast.logic.azure.com/workflows/x/triggers/manual/paths/invoke?sig={TOKEN}"
    ))
    .build()
    .unwrap_err();
    let chat = GoogleChatChannel::builder(format!(
        "http://chat.googleapis.com/v1/spaces/A/messages?key=k&token={TOKEN}"
    ))
    .build()
    .unwrap_err();
    let slack = SlackChannel::builder(TOKEN, "C0123")
        .options(ChannelOptions::default().base_url("http://example.com/api"))
        .build()
        .unwrap_err();
    let chatwork = ChatworkChannel::builder(TOKEN, "123")
        .options(ChannelOptions::default().base_url("http://example.com/v2"))
        .build()
        .unwrap_err();
    for err in [teams, chat, slack, chatwork] {
        assert!(err.is_config(), "{err:?}");
        for shown in error_strings(&err) {
            assert!(!shown.contains(TOKEN), "{shown}");
        }
    }
    assert!(
        SlackChannel::builder(TOKEN, "C0123")
            .options(ChannelOptions::default().base_url("http://127.0.0.1:9/api"))
            .build()
            .is_ok()
    );
    assert!(
        TeamsChannel::builder(format!("http://127.0.0.1:9/workflows/x/invoke?sig={TOKEN}"))
            .build()
            .is_ok()
    );
}

#[tokio::test]
async fn the_chatwork_token_does_not_follow_a_redirect_to_another_origin() {
    let other = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"message_id":"1"}"#))
        .mount(&other)
        .await;
    for status in [302, 307] {
        let server = MockServer::start().await;
        let location = format!(
            "http://localhost:{}/v2/rooms/123/messages",
            other.address().port()
        );
        Mock::given(any())
            .respond_with(
                ResponseTemplate::new(status).insert_header("location", location.as_str()),
            )
            .mount(&server)
            .await;
        let channel = ChatworkChannel::builder(TOKEN, "123")
            .options(common::options(&server).0)
            .build()
            .unwrap();
        let report = report();
        let result = channel
            .send(&Notification::new(&report, Detail::Full))
            .await;
        assert!(result.is_err(), "a redirect is not a delivery");
        assert!(!server.received_requests().await.unwrap().is_empty());
    }
    let seen = other.received_requests().await.unwrap();
    assert!(seen.is_empty(), "the other origin was reached: {seen:?}");
}
