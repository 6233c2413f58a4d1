//! Slack: chat.postMessage, the external upload flow, `ok:false` under 200,
//! 429 with Retry-After, redaction.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{assert_absent, error_strings, form_value, json, options, report, server};
use kot_connect_notify::channels::slack::{SECTION_TEXT_LIMIT, SlackFormat};
use kot_connect_notify::message::TRUNCATION_MARKER;
use kot_connect_notify::{AttachmentOutcome, Channel, Detail, Error, Notification, SlackChannel};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "xoxb-test-1111-2222-slacksecret7f";

fn channel(server: &MockServer) -> SlackChannel {
    SlackChannel::builder(TOKEN, "C0123456789")
        .options(options(server).0)
        .build()
        .unwrap()
}

async fn mount_post(server: &MockServer, answer: ResponseTemplate, times: u64) {
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/json; charset=utf-8"))
        .respond_with(answer)
        .expect(times)
        .mount(server)
        .await;
}

fn ok_ts() -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_string(
        r#"{"ok":true,"channel":"C0123456789","ts":"1763686920.000100","message":{"text":"x"}}"#,
    )
}

#[tokio::test]
async fn posts_blocks_then_uploads_the_csv_in_the_thread() {
    let server = server().await;
    mount_post(&server, ok_ts(), 1).await;
    let upload_url = format!("{}/upload/v1/ABC123", server.uri());
    Mock::given(method("POST"))
        .and(path("/files.getUploadURLExternal"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .and(header("content-type", "application/x-www-form-urlencoded"))
        .respond_with(ResponseTemplate::new(200).set_body_string(format!(
            r#"{{"ok":true,"upload_url":"{upload_url}","file_id":"F0ABCDEF123"}}"#
        )))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/upload/v1/ABC123"))
        .and(header("content-type", "text/csv"))
        .respond_with(ResponseTemplate::new(200).set_body_string("OK - 38"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/files.completeUploadExternal"))
        .and(header("authorization", format!("Bearer {TOKEN}").as_str()))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"ok":true,"files":[{"id":"F0ABCDEF123","title":"failures-2026-11-21.csv"}]}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;

    let report = report();
    let delivery = channel(&server)
        .send(&Notification::new(&report, Detail::Full))
        .await
        .unwrap();
    assert_eq!(delivery.message_id.as_deref(), Some("1763686920.000100"));
    assert!(delivery.is_complete());
    assert!(
        matches!(&delivery.attachment, AttachmentOutcome::Sent { file_id } if file_id == "F0ABCDEF123")
    );

    let requests = server.received_requests().await.unwrap();
    let post = json(&requests[0]);
    assert_eq!(post["channel"], "C0123456789");
    let text = post["text"].as_str().unwrap();
    assert!(
        text.starts_with("[KING OF TIME 連携] cyzen: FAILURE (失敗)"),
        "{text}"
    );
    assert!(text.contains("2022 出勤 (clock-in) 11-21 09:01: 既に打刻済みです"));
    let blocks = post["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "section");
    assert!(
        blocks[0]["text"]["text"]
            .as_str()
            .unwrap()
            .starts_with("*[KING OF TIME 連携]")
    );
    assert_eq!(blocks[1]["fields"].as_array().unwrap().len(), 5);
    assert_eq!(blocks[1]["fields"][0]["text"], "*読込 (read)*\n42");
    assert!(
        blocks[2]["text"]["text"]
            .as_str()
            .unwrap()
            .contains("• 3001 退勤 (clock-out)")
    );
    assert_eq!(blocks.last().unwrap()["type"], "context");

    assert_eq!(
        form_value(&requests[1], "filename").unwrap(),
        "failures-2026-11-21.csv"
    );
    let csv = report.failure_csv.as_ref().unwrap();
    assert_eq!(
        form_value(&requests[1], "length").unwrap(),
        csv.bytes.len().to_string()
    );
    // The pre-signed upload URL gets the bytes and no token.
    assert_eq!(requests[2].body, csv.bytes.to_vec());
    assert!(!requests[2].headers.contains_key("authorization"));
    let complete = json(&requests[3]);
    assert_eq!(complete["files"][0]["id"], "F0ABCDEF123");
    assert_eq!(complete["files"][0]["title"], "failures-2026-11-21.csv");
    assert_eq!(complete["channel_id"], "C0123456789");
    assert_eq!(complete["thread_ts"], "1763686920.000100");
}

#[tokio::test]
async fn text_format_and_summary_detail_send_no_blocks_and_no_file() {
    let server = server().await;
    mount_post(&server, ok_ts(), 1).await;
    let report = report();
    let channel = SlackChannel::builder(TOKEN, "C0123456789")
        .format(SlackFormat::Text)
        .options(options(&server).0)
        .build()
        .unwrap();
    let delivery = channel
        .send(&Notification::new(&report, Detail::Summary))
        .await
        .unwrap();
    assert!(matches!(delivery.attachment, AttachmentOutcome::None));
    let body = json(&server.received_requests().await.unwrap()[0]);
    assert!(body.get("blocks").is_none());
    assert!(!body["text"].as_str().unwrap().contains("2022"));
}

#[tokio::test]
async fn ok_false_under_http_200_is_an_api_error() {
    let server = server().await;
    mount_post(
        &server,
        ResponseTemplate::new(200).set_body_string(r#"{"ok":false,"error":"not_in_channel"}"#),
        1,
    )
    .await;
    let report = report();
    let err = channel(&server)
        .send(&Notification::new(&report, Detail::Full))
        .await
        .unwrap_err();
    assert_eq!(err.api_code(), Some("not_in_channel"));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    assert!(matches!(err, Error::Api { .. }));
    assert_eq!(
        err.to_string(),
        "slack: POST /chat.postMessage was refused (HTTP 200 OK): not_in_channel"
    );
}

#[tokio::test]
async fn a_429_is_waited_out_and_sent_again() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/chat.postMessage"))
        .respond_with(
            ResponseTemplate::new(429)
                .insert_header("retry-after", "1")
                .set_body_string(r#"{"ok":false,"error":"ratelimited"}"#),
        )
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    mount_post(&server, ok_ts(), 1).await;
    let report = report();
    let delivery = channel(&server)
        .send(&Notification::new(&report, Detail::Summary))
        .await
        .unwrap();
    assert_eq!(delivery.message_id.as_deref(), Some("1763686920.000100"));
}

#[tokio::test]
async fn a_lasting_429_is_rate_limited_with_slacks_retry_after() {
    let server = server().await;
    mount_post(
        &server,
        ResponseTemplate::new(429)
            .insert_header("retry-after", "30")
            .set_body_string(r#"{"ok":false,"error":"ratelimited"}"#),
        4, // the policy's 4 attempts
    )
    .await;
    let report = report();
    let err = channel(&server)
        .send(&Notification::new(&report, Detail::Summary))
        .await
        .unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), Some(Duration::from_secs(30)));
}

#[tokio::test]
async fn a_failed_upload_keeps_the_delivered_message() {
    let server = server().await;
    mount_post(&server, ok_ts(), 1).await;
    Mock::given(method("POST"))
        .and(path("/files.getUploadURLExternal"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"ok":false,"error":"missing_scope"}"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let report = report();
    let delivery = channel(&server)
        .send(&Notification::new(&report, Detail::Full))
        .await
        .unwrap();
    assert!(!delivery.is_complete());
    let AttachmentOutcome::Failed(err) = &delivery.attachment else {
        panic!("expected a failed attachment: {delivery:?}");
    };
    assert_eq!(err.api_code(), Some("missing_scope"));
}

#[tokio::test]
async fn a_non_json_5xx_keeps_its_status_and_hides_the_token() {
    let server = server().await;
    // POST is not retried on 5xx: the message may have been posted.
    mount_post(
        &server,
        ResponseTemplate::new(503).set_body_string("<html>upstream</html>"),
        1,
    )
    .await;
    let report = report();
    let channel = channel(&server);
    let err = channel
        .send(&Notification::new(&report, Detail::Summary))
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(err.to_string().contains("<html>upstream</html>"));
    let mut shown = error_strings(&err);
    shown.push(format!("{channel:?}"));
    shown.push(format!(
        "{:?}",
        SlackChannel::builder(TOKEN, "C1").base_url(server.uri())
    ));
    assert_absent(TOKEN, &shown);
}

#[test]
fn long_failure_lists_are_split_into_sections_within_slacks_limit() {
    let report = common::many_failures(1000);
    let blocks =
        kot_connect_notify::channels::slack::blocks(&Notification::new(&report, Detail::Full));
    let sections: Vec<_> = blocks
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["text"]["text"].as_str())
        .collect();
    assert!(sections.len() > 3);
    for s in &sections {
        assert!(
            s.chars().count() <= SECTION_TEXT_LIMIT,
            "{}",
            s.chars().count()
        );
    }
    assert!(sections.last().unwrap().ends_with(TRUNCATION_MARKER));
}

#[test]
fn an_empty_channel_id_is_a_config_error() {
    let err = SlackChannel::builder(TOKEN, " ").build().unwrap_err();
    assert!(err.is_config());
    let err = SlackChannel::builder(TOKEN, "C1")
        .base_url("http://slack.example.com/api")
        .build()
        .unwrap_err();
    assert!(err.is_config(), "{err}");
}
