//! Rules from TOML, secrets from the environment (typed errors naming the
//! variable), event filters, and a Notifier whose failing channel does not
//! stop the others.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::HashMap;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use common::{assert_absent, error_strings, fast_retries, report, server, success};
use kot_connect_notify::{
    Channel, ChannelKind, Delivery, Detail, Error, EventFilter, Notification, Notifier,
    NotifyConfig, ResolveOptions, Rule, SendFuture,
};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

const SLACK_TOKEN: &str = "xoxb-rules-test-slack-token-aa11";
const CHATWORK_TOKEN: &str = "cw-rules-test-token-bb22";
const TEAMS_SIG: &str = "rulesTeamsSig-cc33";

fn config_text(base: &str) -> String {
    format!(
        r#"
[endpoints]
slack = "{base}/slack/api"
chatwork = "{base}/chatwork/v2"
teams = "{base}"

[[rules]]
name = "失敗通知"
events = "failures_only"

[[rules.channels]]
type = "slack"
token_env = "SLACK_BOT_TOKEN"
channel = "C0123456789"
format = "text"

[[rules.channels]]
type = "chatwork"
token_env = "CHATWORK_TOKEN"
room_id = "123456"

[[rules]]
name = "日次サマリー"
events = "summary"

[[rules.channels]]
type = "teams"
webhook_url_env = "TEAMS_WEBHOOK_URL"
"#
    )
}

fn env() -> HashMap<&'static str, String> {
    HashMap::from([
        ("SLACK_BOT_TOKEN", SLACK_TOKEN.to_owned()),
        ("CHATWORK_TOKEN", CHATWORK_TOKEN.to_owned()),
        (
            "TEAMS_WEBHOOK_URL",
            format!(
                "https://prod-1.japaneast.logic.azure.com/workflows/w1/triggers/manual/paths/invoke?sig={TEAMS_SIG}"
            ),
        ),
    ])
}

fn resolve(text: &str, env: &HashMap<&'static str, String>) -> Result<Notifier, Error> {
    let config: NotifyConfig = toml::from_str(text).unwrap();
    config.resolve(
        |name| env.get(name).cloned(),
        &ResolveOptions::default().retry_policy(fast_retries()),
    )
}

#[tokio::test]
async fn rules_from_toml_send_by_filter_and_one_failure_does_not_stop_the_others() {
    let server = server().await;
    // Slack fails (a non-JSON 500), Chatwork and Teams succeed.
    Mock::given(method("POST"))
        .and(path("/slack/api/chat.postMessage"))
        .and(header(
            "authorization",
            format!("Bearer {SLACK_TOKEN}").as_str(),
        ))
        .respond_with(ResponseTemplate::new(500).set_body_string("boom"))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/chatwork/v2/rooms/123456/messages"))
        .and(header("x-chatworktoken", CHATWORK_TOKEN))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"message_id":"7"}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/chatwork/v2/rooms/123456/files"))
        .respond_with(ResponseTemplate::new(200).set_body_string(r#"{"file_id":8}"#))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/workflows/w1/triggers/manual/paths/invoke"))
        .respond_with(ResponseTemplate::new(202))
        .expect(2)
        .mount(&server)
        .await;

    let notifier = resolve(&config_text(&server.uri()), &env()).unwrap();
    assert_eq!(notifier.rules().len(), 2);
    assert_eq!(notifier.rules()[0].filter(), EventFilter::FailuresOnly);

    // A failed run: both rules apply.
    let outcome = notifier.notify(&report()).await;
    assert!(outcome.skipped_rules.is_empty());
    assert_eq!(outcome.outcomes.len(), 3);
    let by_kind = |kind| outcome.outcomes.iter().find(|o| o.channel == kind).unwrap();
    let slack = by_kind(ChannelKind::Slack);
    assert_eq!(slack.rule, "失敗通知");
    assert_eq!(slack.target, "slack channel C0123456789");
    let err = slack.result.as_ref().unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    let chatwork = by_kind(ChannelKind::Chatwork).result.as_ref().unwrap();
    assert_eq!(chatwork.message_id.as_deref(), Some("7"));
    assert!(
        by_kind(ChannelKind::Teams)
            .result
            .as_ref()
            .unwrap()
            .accepted_only
    );
    assert!(!outcome.all_delivered());
    assert_eq!(outcome.failures().count(), 1);

    // A successful run: only the summary rule applies.
    let outcome = notifier.notify(&success()).await;
    assert_eq!(outcome.skipped_rules, vec!["失敗通知".to_owned()]);
    assert_eq!(outcome.outcomes.len(), 1);
    assert!(outcome.all_delivered());

    // The summary rule sent counts only.
    let requests = server.received_requests().await.unwrap();
    let teams: Vec<_> = requests
        .iter()
        .filter(|r| r.url.path().starts_with("/workflows"))
        .collect();
    let card = common::json(teams[0]).to_string();
    assert!(card.contains("FactSet"));
    assert!(!card.contains("2022"), "summary must not list failures");

    // No secret in the notifier's or the report's Debug.
    let shown = vec![format!("{notifier:?}"), format!("{outcome:?}")];
    for secret in [SLACK_TOKEN, CHATWORK_TOKEN, TEAMS_SIG] {
        assert_absent(secret, &shown);
    }
}

#[test]
fn a_missing_variable_is_named_exactly() {
    let mut env = env();
    env.insert("CHATWORK_TOKEN", "   ".to_owned()); // empty counts as missing
    let err = resolve(&config_text("https://example.com"), &env).unwrap_err();
    assert_eq!(
        err.to_string(),
        "environment variable `CHATWORK_TOKEN` is not set or empty (needed for rule `失敗通知`, channel 2: chatwork API token)"
    );
    assert!(matches!(&err, Error::MissingEnv { variable, .. } if variable == "CHATWORK_TOKEN"));
    assert!(err.is_config());
    assert_absent(SLACK_TOKEN, &error_strings(&err));
}

#[test]
fn line_notify_is_refused_and_points_to_the_messaging_api() {
    let text = r#"
[[rules]]
name = "old"
events = "every_run"
[[rules.channels]]
type = "line_notify"
token_env = "LINE_NOTIFY_TOKEN"
"#;
    let err = resolve(text, &env()).unwrap_err();
    assert!(matches!(
        err,
        Error::Unsupported {
            service: "LINE Notify",
            ..
        }
    ));
    assert!(err.to_string().contains("2025-03-31"));
    assert!(err.to_string().contains("type = \"line\""));
}

#[test]
fn invalid_rules_are_config_errors() {
    let dup = r#"
[[rules]]
name = "a"
events = "summary"
[[rules.channels]]
type = "chatwork"
token_env = "CHATWORK_TOKEN"
room_id = "1"
[[rules]]
name = "a"
events = "summary"
[[rules.channels]]
type = "chatwork"
token_env = "CHATWORK_TOKEN"
room_id = "2"
"#;
    assert!(
        resolve(dup, &env())
            .unwrap_err()
            .to_string()
            .contains("defined twice")
    );
    let empty = "[[rules]]\nname = \"b\"\nevents = \"summary\"\nchannels = []\n";
    assert!(
        resolve(empty, &env())
            .unwrap_err()
            .to_string()
            .contains("no channel")
    );
    // An unknown filter or channel type fails when parsing the TOML.
    assert!(
        toml::from_str::<NotifyConfig>("[[rules]]\nname=\"c\"\nevents=\"sometimes\"\nchannels=[]")
            .is_err()
    );
    assert!(
        toml::from_str::<NotifyConfig>(
            "[[rules]]\nname=\"c\"\nevents=\"summary\"\n[[rules.channels]]\ntype=\"fax\""
        )
        .is_err()
    );
    // LINE WORKS needs exactly one private key source.
    let works = r#"
[[rules]]
name = "w"
events = "summary"
[[rules.channels]]
type = "line_works"
client_id = "c"
client_secret_env = "CHATWORK_TOKEN"
service_account = "s.serviceaccount@example.com"
bot_id = "1"
channel_id = "2"
"#;
    assert!(
        resolve(works, &env())
            .unwrap_err()
            .to_string()
            .contains("private_key")
    );
    // E-mail credentials come in pairs.
    let mail = r#"
[[rules]]
name = "m"
events = "summary"
[[rules.channels]]
type = "email"
smtp_host = "smtp.example.jp"
username = "u"
from = "a@example.jp"
to = ["b@example.jp"]
"#;
    assert!(resolve(mail, &env()).unwrap_err().is_config());
}

#[test]
fn every_channel_kind_parses_from_toml() {
    let text = r#"
[[rules]]
name = "all"
events = "every_run"
channels = [
  { type = "slack", token_env = "A", channel = "C1" },
  { type = "chatwork", token_env = "A", room_id = "1" },
  { type = "teams", webhook_url_env = "A" },
  { type = "google_chat", webhook_url_env = "A", thread_key = "kot-{date}", format = "text" },
  { type = "line", channel_access_token_env = "A", to = "U1", notification_disabled = true },
  { type = "line_works", client_id = "c", client_secret_env = "A", service_account = "s", private_key_path = "/k.pem", bot_id = "1", channel_id = "2", scope = "bot.message" },
  { type = "email", smtp_host = "smtp.example.jp", port = 465, security = "tls", username = "u", password_env = "A", from = "a@example.jp", to = ["b@example.jp"] },
]
"#;
    let config: NotifyConfig = toml::from_str(text).unwrap();
    assert_eq!(config.rules[0].channels.len(), 7);
}

/// A channel of the caller's own, counting its sends.
#[derive(Debug, Default, Clone)]
struct Counting(Arc<AtomicUsize>);

impl Channel for Counting {
    fn kind(&self) -> ChannelKind {
        ChannelKind::Email
    }
    fn target(&self) -> String {
        "counter".into()
    }
    fn send<'a>(&'a self, notification: &'a Notification<'a>) -> SendFuture<'a> {
        Box::pin(async move {
            assert_eq!(notification.detail, Detail::Full);
            self.0.fetch_add(1, Ordering::SeqCst);
            Ok(Delivery::new(ChannelKind::Email, Some("n".into())))
        })
    }
}

#[tokio::test]
async fn custom_channels_and_filters() {
    let counter = Counting::default();
    let notifier = Notifier::default()
        .rule(Rule::new("every", EventFilter::EveryRun).channel(counter.clone()))
        .rule(Rule::new("failures", EventFilter::FailuresOnly).channel(counter.clone()));
    notifier.notify(&success()).await;
    assert_eq!(counter.0.load(Ordering::SeqCst), 1);
    let outcome = notifier.notify(&report()).await;
    assert_eq!(counter.0.load(Ordering::SeqCst), 3);
    assert!(outcome.all_delivered());
    assert_eq!(
        EventFilter::Summary.detail_for(&report()),
        Some(Detail::Summary)
    );
    assert_eq!(EventFilter::FailuresOnly.detail_for(&success()), None);
}
