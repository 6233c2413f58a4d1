//! The chat fakes and the SMTP sink, driven by kot-connect-notify.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{FixedOffset, TimeZone};
use kot_connect_notify::{
    Attachment, AttachmentOutcome, ChannelKind, ChatworkChannel, FailureReason, Notifier,
    NotifyConfig, PunchFailure, PunchKind, ResolveOptions, RetryPolicy, RunCounts, RunStatus,
    SlackChannel, SyncReport,
};
use kot_connect_sandbox::{Fault, Sandbox, SandboxOptions, Service, credentials};

fn report() -> SyncReport {
    let jst = FixedOffset::east_opt(9 * 3600).unwrap();
    SyncReport::new(
        "cyzen",
        jst.with_ymd_and_hms(2026, 11, 20, 11, 0, 0).unwrap(),
        jst.with_ymd_and_hms(2026, 11, 20, 11, 2, 0).unwrap(),
        RunStatus::Failure,
    )
    .counts(RunCounts {
        total: 3,
        posted: 2,
        skipped: 0,
        unmatched: 0,
        failed: 1,
    })
    .failure(PunchFailure::new(
        "9002",
        PunchKind::ClockIn,
        FailureReason::AlreadyPunched,
    ))
    .failure_csv(Attachment::csv(
        "failures-2026-11-20.csv",
        "employee,reason\n9002,既に打刻済みです\n",
    ))
}

fn notifier(sandbox: &Sandbox) -> Notifier {
    let config: NotifyConfig = toml::from_str(&sandbox.notify_toml()).unwrap();
    let secrets = sandbox.notify_secrets();
    let options = ResolveOptions::default()
        .clock(Arc::new(sandbox.clock().clone()))
        .retry_policy(RetryPolicy::never());
    config
        .resolve(|name| secrets.get(name).cloned(), &options)
        .unwrap()
}

#[tokio::test]
async fn a_resolved_notify_config_reaches_every_chat_fake() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let outcome = notifier(&sandbox).notify(&report()).await;
    for o in &outcome.outcomes {
        assert!(o.result.is_ok(), "{}: {:?}", o.target, o.result);
    }
    assert_eq!(outcome.outcomes.len(), 7);
    assert!(outcome.all_delivered());
    let slack = outcome
        .outcomes
        .iter()
        .find(|o| o.channel == ChannelKind::Slack)
        .unwrap();
    assert!(matches!(
        slack.result.as_ref().unwrap().attachment,
        AttachmentOutcome::Sent { .. }
    ));

    let received = sandbox.notifications();
    for service in [
        Service::Slack,
        Service::Chatwork,
        Service::Teams,
        Service::GoogleChat,
        Service::Line,
        Service::LineWorks,
        Service::Smtp,
    ] {
        let mine: Vec<_> = received.iter().filter(|n| n.service == service).collect();
        assert!(!mine.is_empty(), "{service} received nothing");
        assert!(
            mine.iter().any(|n| n.body.contains("cyzen")),
            "{service}: {mine:?}"
        );
    }
    // The failure CSV went out as a file where the tool takes files.
    for service in [Service::Slack, Service::Chatwork] {
        let file = received
            .iter()
            .find(|n| n.service == service && n.file_name.is_some())
            .unwrap_or_else(|| panic!("{service} got no file"));
        assert_eq!(file.file_name.as_deref(), Some("failures-2026-11-20.csv"));
        assert!(file.body.contains("9002,既に打刻済みです"));
    }
    let mail = received
        .iter()
        .find(|n| n.service == Service::Smtp)
        .unwrap();
    assert!(
        mail.summary
            .starts_with("mail to admin@sample-shoji.example")
    );

    let calls = sandbox.calls();
    assert_eq!(calls.count(Service::Slack, "POST /chat.postMessage"), 1);
    assert_eq!(
        calls.count(Service::LineWorks, "POST /oauth2/v2.0/token"),
        1
    );
    assert_eq!(calls.count(Service::Smtp, "SMTP MAIL"), 1);
    assert_eq!(
        calls.count(
            Service::Teams,
            "POST /workflows/{flow}/triggers/manual/paths/invoke"
        ),
        1
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn wrong_credentials_are_refused_as_the_real_services_do() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let slack = SlackChannel::builder("xoxb-not-the-sandbox-one", credentials::SLACK_CHANNEL)
        .base_url(sandbox.url(Service::Slack))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let chatwork = ChatworkChannel::builder("wrong-chatwork-token", credentials::CHATWORK_ROOM_ID)
        .base_url(sandbox.url(Service::Chatwork))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let outcome = Notifier::default()
        .rule(
            kot_connect_notify::Rule::new("wrong", kot_connect_notify::EventFilter::EveryRun)
                .channel(slack)
                .channel(chatwork),
        )
        .notify(&report())
        .await;
    assert_eq!(outcome.failures().count(), 2);
    let slack_error = outcome.outcomes[0].result.as_ref().unwrap_err().to_string();
    assert!(slack_error.contains("invalid_auth"), "{slack_error}");
    assert!(sandbox.notifications().is_empty());

    // A wrong webhook signature is refused too.
    let forged = sandbox
        .url(Service::Teams)
        .replace(credentials::TEAMS_SIG, "forged");
    let teams = kot_connect_notify::TeamsChannel::builder(forged)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let outcome = Notifier::default()
        .rule(
            kot_connect_notify::Rule::new("forged", kot_connect_notify::EventFilter::EveryRun)
                .channel(teams),
        )
        .notify(&report())
        .await;
    assert_eq!(outcome.failures().count(), 1);
    assert!(sandbox.notifications().is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_fault_on_one_chat_tool_fails_only_that_channel() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    sandbox
        .faults()
        .inject(Service::GoogleChat, Fault::Status(500), 1);
    sandbox
        .faults()
        .inject(Service::Smtp, Fault::Status(421), 1);
    sandbox
        .faults()
        .inject(Service::Line, Fault::Delay(Duration::from_millis(10)), 1);
    let outcome = notifier(&sandbox).notify(&report()).await;
    let failed: Vec<_> = outcome.failures().map(|o| o.channel).collect();
    assert_eq!(failed, [ChannelKind::GoogleChat, ChannelKind::Email]);
    let received = sandbox.notifications();
    assert!(received.iter().all(|n| n.service != Service::GoogleChat));
    assert!(received.iter().any(|n| n.service == Service::Line));
    let calls = sandbox.calls();
    assert_eq!(calls.faulted(Service::GoogleChat), 1);
    assert_eq!(calls.faulted(Service::Smtp), 1);
    assert_eq!(calls.faulted(Service::Line), 1);
    sandbox.shutdown().await;
}
