//! LINE Messaging API push: request shape, X-Line-Retry-Key reuse on retry,
//! 409 as delivered, quota and rate limits, splitting, redaction.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{assert_absent, error_strings, json, options, report, server};
use kot_connect_notify::channels::line::{MAX_MESSAGES, TEXT_LIMIT_UTF16};
use kot_connect_notify::message::{Measure, TRUNCATION_MARKER};
use kot_connect_notify::{AttachmentOutcome, Channel, Detail, LineChannel, Notification};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "line-channel-access-token-5f4e3d2c1b";
const TO: &str = "C1234567890abcdef1234567890abcdef";

fn channel(server: &MockServer) -> LineChannel {
    LineChannel::builder(TOKEN, TO)
        .options(options(server).0)
        .build()
        .unwrap()
}

fn sent() -> ResponseTemplate {
    ResponseTemplate::new(200)
        .set_body_string(r#"{"sentMessages":[{"id":"461230966842064897","quoteToken":"q"}]}"#)
}

fn retry_keys(requests: &[wiremock::Request]) -> Vec<String> {
    requests
        .iter()
        .map(|r| r.headers["x-line-retry-key"].to_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn pushes_text_with_a_uuid_retry_key() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v2/bot/message/push"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json; charset=utf-8"))
        .respond_with(sent())
        .expect(1)
        .mount(&server)
        .await;
    let report = report();
    let delivery = channel(&server)
        .send(&Notification::new(&report, Detail::Full))
        .await
        .unwrap();
    assert_eq!(delivery.message_id.as_deref(), Some("461230966842064897"));
    assert_eq!(delivery.messages, 1);
    assert!(matches!(
        delivery.attachment,
        AttachmentOutcome::NotSupported
    ));
    let requests = server.received_requests().await.unwrap();
    let key = &retry_keys(&requests)[0];
    let uuid = uuid::Uuid::parse_str(key).unwrap();
    assert_eq!(uuid.get_version_num(), 4);
    assert_eq!(key, &uuid.hyphenated().to_string());
    let body = json(&requests[0]);
    assert_eq!(body["to"], TO);
    assert_eq!(body["notificationDisabled"], false);
    assert_eq!(body["messages"][0]["type"], "text");
    assert_eq!(body["messages"][0]["text"], report.plain_text(Detail::Full));
}

#[tokio::test]
async fn a_retried_push_reuses_its_key_and_a_new_push_gets_a_new_one() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v2/bot/message/push"))
        .respond_with(ResponseTemplate::new(500).set_body_string(r#"{"message":"internal"}"#))
        .up_to_n_times(2)
        .with_priority(1)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/v2/bot/message/push"))
        .respond_with(sent())
        .with_priority(2)
        .expect(2)
        .mount(&server)
        .await;
    let channel = channel(&server);
    channel.push("first").await.unwrap();
    channel.push("second").await.unwrap();
    let keys = retry_keys(&server.received_requests().await.unwrap());
    assert_eq!(keys.len(), 4);
    // Attempts 1-3 are one push: the same key every time.
    assert_eq!(keys[0], keys[1]);
    assert_eq!(keys[1], keys[2]);
    // The second push has its own key.
    assert_ne!(keys[2], keys[3]);
}

#[tokio::test]
async fn a_409_for_an_accepted_retry_key_counts_as_delivered() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v2/bot/message/push"))
        .respond_with(
            ResponseTemplate::new(409)
                .insert_header("x-line-accepted-request-id", "abcd-1234")
                .set_body_string(r#"{"message":"The retry key is already accepted"}"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let key = uuid::Uuid::new_v4();
    let (id, count) = channel(&server).push_with_key("again", key).await.unwrap();
    assert_eq!((id, count), (None, 1));
    let keys = retry_keys(&server.received_requests().await.unwrap());
    assert_eq!(keys[0], key.to_string());
}

#[tokio::test]
async fn the_monthly_quota_is_final_and_other_429s_are_retried() {
    let server = server().await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_string(r#"{"message":"You have reached your monthly limit."}"#),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "7")
                .set_body_string(r#"{"message":"Too many requests"}"#),
        )
        .with_priority(2)
        .expect(4)
        .mount(&server)
        .await;
    let channel = channel(&server);
    let err = channel.push("x").await.unwrap_err();
    assert!(err.is_rate_limited());
    assert!(err.to_string().contains("monthly message quota"), "{err}");
    let err = channel.push("y").await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(7)));
}

#[tokio::test]
async fn the_error_envelope_is_an_api_error_without_the_token() {
    let server = server().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string(
            r#"{"message":"The request body has 1 error(s)","details":[{"message":"May not be empty","property":"messages[0].text"}]}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let channel = channel(&server);
    let err = channel.push("x").await.unwrap_err();
    assert_eq!(err.api_code(), Some("The request body has 1 error(s)"));
    assert!(
        err.to_string()
            .contains("messages[0].text: May not be empty")
    );
    let mut shown = error_strings(&err);
    shown.push(format!("{channel:?}"));
    shown.push(format!("{:?}", LineChannel::builder(TOKEN, TO)));
    assert_absent(TOKEN, &shown);
}

#[test]
fn long_text_is_split_into_at_most_five_messages_of_5000_utf16_units() {
    // Astral characters count 2 units each.
    let line = "😀".repeat(1_000); // 2,000 units
    let text = [line.as_str(); 6].join("\n"); // ~12,000 units
    let parts = LineChannel::texts(&text);
    assert_eq!(parts.len(), 3);
    assert!(
        parts
            .iter()
            .all(|p| Measure::Utf16.len(p) <= TEXT_LIMIT_UTF16)
    );
    assert_eq!(parts.join("\n"), text);

    let huge = [line.as_str(); 20].join("\n");
    let parts = LineChannel::texts(&huge);
    assert_eq!(parts.len(), MAX_MESSAGES);
    assert!(
        parts
            .iter()
            .all(|p| Measure::Utf16.len(p) <= TEXT_LIMIT_UTF16)
    );
    assert!(parts.last().unwrap().ends_with(TRUNCATION_MARKER));
}
