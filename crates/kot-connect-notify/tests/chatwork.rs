//! Chatwork: form message, string message_id, multipart file, error
//! envelope, 429 with x-ratelimit-reset and the per-room limit, redaction.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{assert_absent, error_strings, form, options, report, server};
use kot_connect_notify::channels::chatwork::{FILE_LIMIT_BYTES, PER_ROOM_LIMIT_MESSAGE};
use kot_connect_notify::{
    Attachment, AttachmentOutcome, Channel, ChatworkChannel, Detail, Error, Notification,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "cw-token-9e8d7c6b5a4f3e2d1c0b";

fn channel(server: &MockServer) -> (ChatworkChannel, kot_connect_notify::ManualClock) {
    let (options, clock) = options(server);
    let channel = ChatworkChannel::builder(TOKEN, "#!rid123456")
        .options(options)
        .build()
        .unwrap();
    (channel, clock)
}

async fn mount_messages(server: &MockServer, answer: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path("/rooms/123456/messages"))
        .and(header("x-chatworktoken", TOKEN))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(answer)
        .expect(times)
        .mount(server)
        .await;
}

#[tokio::test]
async fn posts_an_info_box_then_the_csv_as_a_room_file() {
    let server = server().await;
    mount_messages(
        &server,
        ResponseTemplate::new(200).set_body_string(r#"{"message_id":"1234"}"#),
        1,
    )
    .await;
    Mock::given(method("POST"))
        .and(path("/rooms/123456/files"))
        .and(header("x-chatworktoken", TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"file_id":5678}"#))
        .expect(1)
        .mount(&server)
        .await;
    let report = report();
    let (channel, _) = channel(&server);
    assert_eq!(channel.target(), "chatwork room 123456");
    let delivery = channel
        .send(&Notification::new(&report, Detail::Full))
        .await
        .unwrap();
    assert_eq!(delivery.message_id.as_deref(), Some("1234"));
    assert!(
        matches!(&delivery.attachment, AttachmentOutcome::Sent { file_id } if file_id == "5678")
    );

    let requests = server.received_requests().await.unwrap();
    let fields = form(&requests[0]);
    assert_eq!(fields[1], ("self_unread".to_owned(), "0".to_owned()));
    let body = &fields[0];
    assert_eq!(body.0, "body");
    assert!(
        body.1
            .starts_with("[info][title]［KING OF TIME 連携］ cyzen: FAILURE (失敗)[/title]"),
        "{}",
        body.1
    );
    assert!(body.1.contains("- 2022 出勤 (clock-in)"));
    assert!(body.1.ends_with("[/info]"));

    let content_type = requests[1].headers["content-type"]
        .to_str()
        .unwrap()
        .to_owned();
    let boundary = content_type
        .strip_prefix("multipart/form-data; boundary=")
        .unwrap();
    let file = String::from_utf8(requests[1].body.clone()).unwrap();
    assert!(file.starts_with(&format!("--{boundary}\r\n")));
    assert!(file.contains(
        "Content-Disposition: form-data; name=\"file\"; filename=\"failures-2026-11-21.csv\"\r\nContent-Type: text/csv\r\n\r\nemployee,reason\n2022,既に打刻済みです\n\r\n"
    ));
    assert!(file.ends_with(&format!("--{boundary}--\r\n")));
}

#[tokio::test]
async fn the_error_envelope_is_an_api_error() {
    let server = server().await;
    mount_messages(
        &server,
        ResponseTemplate::new(401).set_body_string(r#"{"errors":["Invalid API token"]}"#),
        1,
    )
    .await;
    let (channel, _) = channel(&server);
    let err = channel.post_text("hello").await.unwrap_err();
    assert_eq!(err.api_code(), Some("Invalid API token"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(401));
    let mut shown = error_strings(&err);
    shown.push(format!("{channel:?}"));
    shown.push(format!("{:?}", ChatworkChannel::builder(TOKEN, "1")));
    assert_absent(TOKEN, &shown);
}

#[tokio::test]
async fn the_token_limit_waits_until_x_ratelimit_reset() {
    let server = server().await;
    let (channel, _clock) = channel(&server);
    // Reset 45 s after the frozen clock's now.
    let reset = common::noon().timestamp() + 45;
    mount_messages(
        &server,
        ResponseTemplate::new(429)
            .insert_header("x-ratelimit-limit", "300")
            .insert_header("x-ratelimit-remaining", "0")
            .insert_header("x-ratelimit-reset", reset.to_string().as_str())
            .set_body_string(r#"{"errors":["Rate limit exceeded"]}"#),
        4,
    )
    .await;
    let err = channel.post_text("hello").await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(45)));
    let Error::RateLimited { scope, .. } = &err else {
        panic!("{err:?}")
    };
    assert!(scope.contains("300 requests / 5 min"));
}

#[tokio::test]
async fn the_per_room_limit_waits_ten_seconds_then_posts() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/rooms/123456/messages"))
        .respond_with(
            ResponseTemplate::new(429)
                .set_body_string(format!(r#"{{"errors":["{PER_ROOM_LIMIT_MESSAGE}"]}}"#)),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    mount_messages(
        &server,
        ResponseTemplate::new(200).set_body_string(r#"{"message_id":"99"}"#),
        1,
    )
    .await;
    let (channel, _) = channel(&server);
    assert_eq!(channel.post_text("hello").await.unwrap(), "99");
}

#[tokio::test]
async fn a_lasting_per_room_limit_reports_ten_seconds() {
    let server = server().await;
    mount_messages(
        &server,
        ResponseTemplate::new(429)
            .set_body_string(format!(r#"{{"errors":["{PER_ROOM_LIMIT_MESSAGE}"]}}"#)),
        4,
    )
    .await;
    let (channel, _) = channel(&server);
    let err = channel.post_text("hello").await.unwrap_err();
    assert_eq!(err.retry_after(), Some(Duration::from_secs(10)));
    assert!(err.to_string().contains("per room"), "{err}");
}

#[tokio::test]
async fn a_numeric_message_id_is_read_and_long_text_is_truncated() {
    let server = server().await;
    mount_messages(
        &server,
        ResponseTemplate::new(200).set_body_string(r#"{"message_id":1234}"#),
        1,
    )
    .await;
    let (channel, _) = channel(&server);
    let long = "あ".repeat(70_000);
    assert_eq!(channel.post_text(&long).await.unwrap(), "1234");
    let sent = &form(&server.received_requests().await.unwrap()[0])[0].1;
    assert_eq!(sent.chars().count(), 65_535);
    assert!(sent.ends_with(kot_connect_notify::message::TRUNCATION_MARKER));
}

#[tokio::test]
async fn a_file_over_5_mb_is_refused_before_sending() {
    let server = server().await;
    let (channel, _) = channel(&server);
    let big = Attachment::csv("big.csv", vec![b'a'; FILE_LIMIT_BYTES + 1]);
    let err = channel.upload(&big, "x").await.unwrap_err();
    assert!(err.is_config());
}

#[test]
fn a_room_id_must_be_a_number() {
    assert!(
        ChatworkChannel::builder(TOKEN, "rid12a")
            .build()
            .unwrap_err()
            .is_config()
    );
    assert!(
        ChatworkChannel::builder(TOKEN, "")
            .build()
            .unwrap_err()
            .is_config()
    );
}
