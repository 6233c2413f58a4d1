//! Teams Workflows and Google Chat webhooks: request shape, 202, threads,
//! size limits, retired connector URLs, 429, and URLs kept secret.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::time::Duration;

use common::{assert_absent, error_strings, json, options, report, server};
use kot_connect_notify::channels::google_chat::{GoogleChatFormat, MESSAGE_LIMIT_BYTES};
use kot_connect_notify::channels::teams::PAYLOAD_LIMIT_BYTES;
use kot_connect_notify::{
    AttachmentOutcome, Channel, Detail, Error, GoogleChatChannel, Notification, TeamsChannel,
};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, ResponseTemplate};

const TEAMS_SIG: &str = "sigTeamsSecret0123456789abcdef";
const CHAT_TOKEN: &str = "chatTokenSecret-AbCdEf0123";

fn teams_url() -> String {
    format!(
        "https://prod-27.japaneast.logic.azure.com:443/workflows/0f1e2d3c/triggers/manual/paths/invoke?api-version=2016-06-01&sp=%2Ftriggers%2Fmanual%2Frun&sv=1.0&sig={TEAMS_SIG}"
    )
}

fn chat_url() -> String {
    format!(
        "https://chat.googleapis.com/v1/spaces/AAAAxyz/messages?key=AIzaSyDdI0hCZtE6vySjMm-WEfRq3CPzqKqqsHI&token={CHAT_TOKEN}"
    )
}

#[tokio::test]
async fn teams_posts_an_adaptive_card_and_202_means_accepted() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/workflows/0f1e2d3c/triggers/manual/paths/invoke"))
        .and(query_param("sig", TEAMS_SIG))
        .and(query_param("sp", "/triggers/manual/run"))
        .and(query_param("api-version", "2016-06-01"))
        .respond_with(ResponseTemplate::new(202))
        .expect(1)
        .mount(&server)
        .await;
    let channel = TeamsChannel::builder(teams_url())
        .options(options(&server).0)
        .build()
        .unwrap();
    let report = report();
    let delivery = channel
        .send(&Notification::new(&report, Detail::Full))
        .await
        .unwrap();
    assert!(delivery.accepted_only);
    assert!(matches!(
        delivery.attachment,
        AttachmentOutcome::NotSupported
    ));

    let body = json(&server.received_requests().await.unwrap()[0]);
    assert_eq!(body["type"], "message");
    let attachment = &body["attachments"][0];
    assert_eq!(
        attachment["contentType"],
        "application/vnd.microsoft.card.adaptive"
    );
    assert!(attachment["contentUrl"].is_null());
    let card = &attachment["content"];
    assert_eq!(card["type"], "AdaptiveCard");
    assert_eq!(card["version"], "1.4");
    assert_eq!(card["body"][0]["type"], "TextBlock");
    assert_eq!(
        card["body"][0]["text"],
        "[KING OF TIME 連携] cyzen: FAILURE (失敗)"
    );
    assert_eq!(card["body"][0]["color"], "Attention");
    assert_eq!(card["body"][2]["type"], "FactSet");
    assert_eq!(card["body"][2]["facts"][3]["title"], "未照合 (unmatched)");
    assert_eq!(card["body"][2]["facts"][4]["title"], "失敗 (failed)");
    assert_eq!(card["body"][2]["facts"][4]["value"], "2");
    let texts: Vec<_> = card["body"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["text"].as_str())
        .collect();
    assert!(texts.iter().any(|t| t.contains("3001 退勤 (clock-out)")));
    assert!(texts.iter().any(|t| t.contains("failures-2026-11-21.csv")));
}

#[tokio::test]
async fn teams_200_is_delivered_and_a_4xx_keeps_its_status_without_the_url() {
    let server = server().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(200))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(
            ResponseTemplate::new(400).set_body_string(
                r#"{"error":{"code":"TriggerInputSchemaMismatch","message":"bad"}}"#,
            ),
        )
        .with_priority(2)
        .mount(&server)
        .await;
    let channel = TeamsChannel::builder(teams_url())
        .options(options(&server).0)
        .build()
        .unwrap();
    let report = report();
    let n = Notification::new(&report, Detail::Summary);
    let delivery = channel.send(&n).await.unwrap();
    assert!(!delivery.accepted_only);
    let err = channel.send(&n).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    let mut shown = error_strings(&err);
    shown.push(format!("{channel:?}"));
    shown.push(format!("{:?}", TeamsChannel::builder(teams_url())));
    shown.push(channel.target());
    assert_absent(TEAMS_SIG, &shown);
    assert_absent("0f1e2d3c", &shown);
}

#[tokio::test]
async fn teams_429_waits_and_retries() {
    let server = server().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "2"))
        .up_to_n_times(1)
        .with_priority(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(202))
        .with_priority(2)
        .expect(1)
        .mount(&server)
        .await;
    let channel = TeamsChannel::builder(teams_url())
        .options(options(&server).0)
        .build()
        .unwrap();
    let report = report();
    assert!(
        channel
            .send(&Notification::new(&report, Detail::Summary))
            .await
            .unwrap()
            .accepted_only
    );
}

#[test]
fn retired_office_365_connector_urls_are_refused() {
    for url in [
        format!(
            "https://contoso.webhook.office.com/webhookb2/abc@def/IncomingWebhook/123/{TEAMS_SIG}"
        ),
        format!("https://outlook.office.com/webhook/abc/IncomingWebhook/{TEAMS_SIG}"),
    ] {
        let err = TeamsChannel::builder(url).build().unwrap_err();
        assert!(matches!(err, Error::Unsupported { .. }), "{err:?}");
        assert!(err.to_string().contains("Workflows"));
        assert_absent(TEAMS_SIG, &error_strings(&err));
    }
    // A plain-http webhook outside loopback is refused too.
    let err = TeamsChannel::builder(format!(
        "http://prod.logic.azure.com/workflows/x?sig={TEAMS_SIG}"
    ))
    .build()
    .unwrap_err();
    assert!(err.is_config());
    // Newer Power Platform hosts are accepted.
    TeamsChannel::builder(format!(
        "https://default1.02.environment.api.powerplatform.com:443/powerautomate/automations/direct/workflows/1/triggers/manual/paths/invoke?api-version=1&sig={TEAMS_SIG}"
    ))
    .build()
    .unwrap();
}

#[test]
fn a_huge_teams_card_is_cut_to_the_payload_limit_with_a_marker() {
    let report = common::many_failures(2_000);
    let payload =
        kot_connect_notify::channels::teams::payload(&Notification::new(&report, Detail::Full));
    let size = serde_json::to_vec(&payload).unwrap().len();
    assert!(size <= PAYLOAD_LIMIT_BYTES, "{size}");
    let body = payload["attachments"][0]["content"]["body"]
        .as_array()
        .unwrap();
    let last = body.last().unwrap()["text"].as_str().unwrap();
    assert!(last.starts_with("…(以下省略 / truncated)"), "{last}");
    assert!(last.contains("more / 他"));
    assert!(body.len() > 20, "kept too little: {}", body.len());
}

#[tokio::test]
async fn google_chat_posts_a_card_in_a_thread_with_the_reply_option() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/spaces/AAAAxyz/messages"))
        .and(query_param("token", CHAT_TOKEN))
        .and(query_param("messageReplyOption", "REPLY_MESSAGE_FALLBACK_TO_NEW_THREAD"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"{"name":"spaces/AAAAxyz/messages/m1.m1","thread":{"name":"spaces/AAAAxyz/threads/t1"}}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let channel = GoogleChatChannel::builder(chat_url())
        .thread_key("kot-{connector}-{date}")
        .options(options(&server).0)
        .build()
        .unwrap();
    let report = report();
    let delivery = channel
        .send(&Notification::new(&report, Detail::Full))
        .await
        .unwrap();
    assert_eq!(
        delivery.message_id.as_deref(),
        Some("spaces/AAAAxyz/messages/m1.m1")
    );
    assert!(matches!(
        delivery.attachment,
        AttachmentOutcome::NotSupported
    ));
    let request = &server.received_requests().await.unwrap()[0];
    let body = json(request);
    assert_eq!(body["thread"]["threadKey"], "kot-cyzen-2026-11-21");
    assert_eq!(body["text"], "[KING OF TIME 連携] cyzen: FAILURE (失敗)");
    let card = &body["cardsV2"][0];
    assert_eq!(card["cardId"], "kot-connect-sync");
    assert_eq!(
        card["card"]["header"]["subtitle"],
        "2026-11-21 09:00 – 09:02 (JST)"
    );
    let sections = card["card"]["sections"].as_array().unwrap();
    assert_eq!(
        sections[0]["widgets"][1]["decoratedText"]["topLabel"],
        "登録 (posted)"
    );
    assert_eq!(sections[0]["widgets"][1]["decoratedText"]["text"], "39");
    assert_eq!(sections[1]["header"], "失敗一覧 (failures)");
    assert_eq!(
        sections[1]["widgets"][0]["decoratedText"]["topLabel"],
        "2022"
    );
    // The deprecated threadKey query parameter is not used.
    assert!(!request.url.query_pairs().any(|(k, _)| k == "threadKey"));
}

#[tokio::test]
async fn google_chat_text_without_thread_has_no_reply_option() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v1/spaces/AAAAxyz/messages"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"{"name":"spaces/AAAAxyz/messages/m2"}"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let channel = GoogleChatChannel::builder(chat_url())
        .format(GoogleChatFormat::Text)
        .options(options(&server).0)
        .build()
        .unwrap();
    let report = report();
    channel
        .send(&Notification::new(&report, Detail::Full))
        .await
        .unwrap();
    let request = &server.received_requests().await.unwrap()[0];
    assert!(
        !request
            .url
            .query_pairs()
            .any(|(k, _)| k == "messageReplyOption")
    );
    let body = json(request);
    assert!(body.get("cardsV2").is_none() && body.get("thread").is_none());
    assert_eq!(body["text"], report.plain_text(Detail::Full));
}

#[tokio::test]
async fn google_chat_errors_and_rate_limits() {
    let server = server().await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(400).set_body_string(
            r#"{"error":{"code":400,"message":"Invalid JSON payload","status":"INVALID_ARGUMENT"}}"#,
        ))
        .up_to_n_times(1)
        .with_priority(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .respond_with(ResponseTemplate::new(429).set_body_string(
            r#"{"error":{"code":429,"message":"Resource has been exhausted","status":"RESOURCE_EXHAUSTED"}}"#,
        ))
        .with_priority(2)
        .expect(4)
        .mount(&server)
        .await;
    let channel = GoogleChatChannel::builder(chat_url())
        .options(options(&server).0)
        .build()
        .unwrap();
    let report = report();
    let n = Notification::new(&report, Detail::Summary);
    let err = channel.send(&n).await.unwrap_err();
    assert_eq!(err.api_code(), Some("INVALID_ARGUMENT"));
    assert!(err.to_string().contains("Invalid JSON payload"));
    let err = channel.send(&n).await.unwrap_err();
    assert!(err.is_rate_limited());
    assert_eq!(err.retry_after(), None::<Duration>);
    let mut shown = error_strings(&err);
    shown.push(format!("{channel:?}"));
    shown.push(format!("{:?}", GoogleChatChannel::builder(chat_url())));
    assert_absent(CHAT_TOKEN, &shown);
}

#[test]
fn a_huge_google_chat_message_fits_32000_bytes() {
    let report = common::many_failures(2_000);
    let channel = GoogleChatChannel::builder(chat_url()).build().unwrap();
    let n = Notification::new(&report, Detail::Full);
    let card = channel.body(&n);
    assert!(serde_json::to_vec(&card).unwrap().len() <= MESSAGE_LIMIT_BYTES);
    assert!(card.to_string().contains("more / 他"));
    let text = GoogleChatChannel::builder(chat_url())
        .format(GoogleChatFormat::Text)
        .build()
        .unwrap()
        .body(&n);
    assert!(serde_json::to_vec(&text).unwrap().len() <= MESSAGE_LIMIT_BYTES);
    assert!(
        text["text"]
            .as_str()
            .unwrap()
            .ends_with(kot_connect_notify::message::TRUNCATION_MARKER)
    );
}
