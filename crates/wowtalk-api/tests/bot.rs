//! The provisional WowBot layer against a mock server: replies, auth forms,
//! configurable paths, error answers, no retries, and secret redaction;
//! and a webhook body turned into a command.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::server;
use wiremock::matchers::{body_json, header, method, path};
use wiremock::{Mock, ResponseTemplate};
use wowtalk_api::models::{InboundMessage, Reply};
use wowtalk_api::{BotAuth, BotClient, BotPaths, Command, Error};

/// The bot token every test uses; redaction tests look for exactly this.
const BOT_TOKEN: &str = "wt-bot-token-5e0c2a9f7d13b846";

#[tokio::test]
async fn a_reply_is_posted_with_a_bearer_token_to_the_bot_path() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/api/bots/bot-7/messages"))
        .and(header(
            "authorization",
            format!("Bearer {BOT_TOKEN}").as_str(),
        ))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(
            serde_json::json!({"talk_id": "t-1", "text": "出勤を記録しました"}),
        ))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"ok":true}"#))
        .expect(1)
        .mount(&server)
        .await;
    let bot = BotClient::builder(format!("{}/api", server.uri()), BotAuth::bearer(BOT_TOKEN))
        .bot_id("bot-7")
        .build()
        .unwrap();
    bot.send(&Reply::in_talk("t-1", "出勤を記録しました"))
        .await
        .unwrap();
}

#[tokio::test]
async fn header_auth_and_a_custom_path_without_placeholder() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/v2/send"))
        .and(header("x-bot-token", BOT_TOKEN))
        .and(body_json(
            serde_json::json!({"user_id": "0012yamada", "text": "hi"}),
        ))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;
    let bot = BotClient::builder(server.uri(), BotAuth::header("x-bot-token", BOT_TOKEN))
        .paths(BotPaths::default().send_message("/v2/send"))
        .build()
        .unwrap();
    bot.send(&Reply::to_user("0012yamada", "hi")).await.unwrap();
}

#[tokio::test]
async fn a_server_error_keeps_its_status_and_body_and_is_not_retried() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/bots/b/messages"))
        .respond_with(ResponseTemplate::new(503).set_body_string("<html>maintenance</html>"))
        .expect(1)
        .mount(&server)
        .await;
    let bot = BotClient::builder(server.uri(), BotAuth::bearer(BOT_TOKEN))
        .bot_id("b")
        .build()
        .unwrap();
    let err = bot.send(&Reply::in_talk("t", "x")).await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    let Error::Http(http) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(http.body().unwrap().text(), "<html>maintenance</html>");
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(BOT_TOKEN), "{shown}");
    }
}

#[tokio::test]
async fn a_429_is_a_rate_limit_error() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/bots/b/messages"))
        .respond_with(ResponseTemplate::new(429).insert_header("retry-after", "7"))
        .expect(1)
        .mount(&server)
        .await;
    let bot = BotClient::builder(server.uri(), BotAuth::bearer(BOT_TOKEN))
        .bot_id("b")
        .build()
        .unwrap();
    let err = bot.send(&Reply::in_talk("t", "x")).await.unwrap_err();
    let Error::Http(http) = &err else {
        panic!("{err:?}")
    };
    assert!(http.is_rate_limited(), "{err:?}");
}

#[tokio::test]
async fn a_connection_failure_is_a_transport_error_without_the_token() {
    // A loopback port with nothing listening.
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    drop(listener);
    let bot = BotClient::builder(
        format!("http://127.0.0.1:{port}"),
        BotAuth::bearer(BOT_TOKEN),
    )
    .bot_id("b")
    .build()
    .unwrap();
    let err = bot.send(&Reply::in_talk("t", "x")).await.unwrap_err();
    assert!(
        matches!(&err, Error::Http(e) if e.is_transport()),
        "{err:?}"
    );
    assert!(!format!("{err:?}").contains(BOT_TOKEN));
    assert!(!err.to_string().contains(BOT_TOKEN));
}

#[test]
fn build_refuses_bad_configuration_without_echoing_the_token() {
    let cases = [
        BotClient::builder("http://bot.example.com", BotAuth::bearer(BOT_TOKEN)).bot_id("b"),
        // The default path needs a bot id.
        BotClient::builder("https://bot.example.com", BotAuth::bearer(BOT_TOKEN)),
        BotClient::builder("https://bot.example.com", BotAuth::bearer(BOT_TOKEN))
            .paths(BotPaths::default().send_message("bots/{bot}/messages"))
            .bot_id("b"),
        BotClient::builder(
            "https://bot.example.com",
            BotAuth::header("bad header", BOT_TOKEN),
        )
        .bot_id("b"),
        BotClient::builder("not a url", BotAuth::bearer(BOT_TOKEN)).bot_id("b"),
    ];
    for builder in cases {
        let shown = format!("{builder:?}");
        assert!(!shown.contains(BOT_TOKEN), "{shown}");
        let err = builder.build().unwrap_err();
        assert!(err.is_config(), "{err:?}");
        assert!(!err.to_string().contains(BOT_TOKEN) && !format!("{err:?}").contains(BOT_TOKEN));
    }
    let ok = BotClient::builder("https://bot.example.com/base", BotAuth::bearer(BOT_TOKEN))
        .bot_id("b")
        .build()
        .unwrap();
    assert!(!format!("{ok:?}").contains(BOT_TOKEN));
    assert_eq!(
        ok.transport().base_url().as_str(),
        "https://bot.example.com/base"
    );
}

#[test]
fn a_webhook_body_becomes_a_command_and_a_reply() {
    let body = r#"{"bot_id":"b","sender_id":"0012yamada","talk_id":"t-9","message_id":"m1","text":"　ｃｌｏｃｋ　ｉｎ　","sent_at":"2026-04-01T08:59:00+09:00","future_field":[1,2]}"#;
    let message = InboundMessage::from_json(body.as_bytes()).unwrap();
    assert_eq!(message.command(), Some(Command::ClockIn));
    assert_eq!(message.extra["future_field"], serde_json::json!([1, 2]));
    let reply = Reply::to(&message, format!("{}を記録しました", Command::ClockIn));
    assert_eq!(
        serde_json::to_value(&reply).unwrap(),
        serde_json::json!({"talk_id": "t-9", "text": "出勤を記録しました"})
    );
}
