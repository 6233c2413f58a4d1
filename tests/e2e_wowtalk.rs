#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! WowTalk ⇄ KING OF TIME end to end, against the sandbox: what the example
//! program `wowtalk` runs (ID link import/export, the bot).
mod common;

use chrono::{DateTime, Duration, Utc};
use common::{Env, date, dry_run, expect, failure_rows, plan_rows, post, unmatched_message};
use kot_connect::run::{Outcome, RunOptions};
use kot_connect::wowtalk::{self, bot, sandbox};
use kot_connect_http::reqwest;

use common::expect::Chat;

const NOT_A_COMMAND: &str =
    "打刻するには「出勤」「退勤」「休憩開始」「休憩終了」のいずれかを送ってください。";
const NOT_LINKED: &str =
    "このWowTalk IDはKING OF TIMEの従業員と連携されていません。管理者にID連携を依頼してください。";

/// The bot's replies: a punch with its time, how to send a command, or
/// that the sender is not linked.
fn expected_replies(
    env: &Env,
    start: DateTime<Utc>,
    chat: &Chat<'_>,
) -> Vec<(String, String, String)> {
    let links = expect::wowtalk_links(env);
    let mut at = start;
    chat.iter()
        .map(|(from, text, minutes)| {
            at += Duration::minutes(*minutes);
            let reply = match (expect::wowtalk_command(text), links.contains_key(*from)) {
                (None, _) => NOT_A_COMMAND.to_owned(),
                (Some(_), false) => NOT_LINKED.to_owned(),
                (Some((_, label)), true) => format!(
                    "{label}を打刻しました ({})",
                    at.with_timezone(&kot_connect_core::time::jst())
                        .format("%H:%M")
                ),
            };
            ((*from).to_owned(), (*text).to_owned(), reply)
        })
        .collect()
}

async fn import_seed_links(env: &Env) -> wowtalk::LinkImport {
    let csv = sandbox::link_csv(&env.sandbox).unwrap();
    wowtalk::link_import(&env.services, &csv, &sandbox::members(&env.sandbox))
        .await
        .unwrap()
}

async fn replay(
    env: &Env,
    options: &RunOptions,
    chat: &Chat<'_>,
) -> (Vec<(String, String, String)>, Vec<Outcome>) {
    sandbox::replay(&env.sandbox, &env.services, options, chat)
        .await
        .unwrap()
}

const CHAT: [(&str, &str, i64); 6] = [
    ("wt0001", "出勤", 0),
    ("wt0002", "おはようございます", 1),
    ("wt0021", "休憩開始", 2),
    ("wt0021", "休憩終了", 30),
    ("wt0003", "退勤", 5),
    ("wt-guest", "出勤", 1),
];

#[tokio::test]
async fn the_bot_punches_each_command_and_answers_everyone() {
    let env = Env::new().await;
    let import = import_seed_links(&env).await;
    assert_eq!(import.summary.completed, expect::wowtalk_links(&env).len());
    assert_eq!(import.summary.failed, 0);
    assert_eq!(import.failure_csv, None);

    let start = env.sandbox.clock().now();
    let (lines, outcomes) = replay(&env, &post(), &CHAT).await;
    assert_eq!(env.kot(), expect::wowtalk(&env, start, &CHAT));
    assert_eq!(lines, expected_replies(&env, start, &CHAT));
    // One run per command; the greeting is no run.
    assert_eq!(outcomes.len(), 5);
    let posted: usize = outcomes.iter().map(|o| o.posted).sum();
    assert_eq!(posted, expect::wowtalk(&env, start, &CHAT).len());

    // The unlinked sender's run has a failure CSV naming them.
    let guest = outcomes.last().unwrap();
    assert_eq!(guest.posted, 0);
    let rows = failure_rows(guest.failure_csv.as_ref().expect("a failure CSV"));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][0], "", "no employee");
    assert_eq!(rows[0][1], "出勤", "the command it asked for");
    assert_eq!(rows[0][2], "2026/11/20 11:39:00");
    assert!(rows[0][4].starts_with("wowtalk:msg-"), "{:?}", rows[0]);
    assert_eq!(rows[0][3], unmatched_message("wt-guest"));
    assert!(outcomes[..4].iter().all(|o| o.failure_csv.is_none()));
}

/// Serves the bot's router on loopback; returns its webhook URL.
async fn serve(env: &Env, options: &RunOptions) -> (String, bot::Handle) {
    let (router, handle) = bot::router(&env.services, options).unwrap();
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, router).await });
    (format!("http://{addr}{}", bot::PATH), handle)
}

/// POSTs a message as WowTalk would, with `secret` in the bot's header.
async fn send(
    url: &str,
    secret: &str,
    message_id: &str,
    from: &str,
    text: &str,
    sent_at: DateTime<Utc>,
) -> (u16, serde_json::Value) {
    let body = serde_json::json!({
        "bot_id": "sandbox-bot",
        "sender_id": from,
        "talk_id": format!("talk-{from}"),
        "message_id": message_id,
        "text": text,
        "sent_at": sent_at.with_timezone(&kot_connect_core::time::jst()).to_rfc3339(),
    });
    let response = reqwest::Client::new()
        .post(url)
        .header(bot::SECRET_HEADER, secret)
        .json(&body)
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    let json = response.json().await.unwrap_or(serde_json::Value::Null);
    (status, json)
}

#[tokio::test]
async fn a_wrong_secret_is_refused_and_a_redelivered_message_posts_nothing_new() {
    let env = Env::new().await;
    import_seed_links(&env).await;
    let (url, handle) = serve(&env, &post()).await;
    let secret = env.sandbox.wowtalk().credentials().webhook_secret;
    let now = env.sandbox.clock().now();

    let (status, _) = send(&url, "not-the-secret", "m-1", "wt0001", "出勤", now).await;
    assert_eq!(status, 401);
    assert!(env.kot().is_empty());
    assert!(handle.outcomes().await.is_empty());

    let (status, body) = send(&url, &secret, "m-1", "wt0001", "出勤", now).await;
    assert_eq!(status, 200);
    assert_eq!(body["reply"], "出勤を打刻しました (11:00)");
    let want = vec![(
        "0001".to_owned(),
        date(2026, 11, 20),
        "2026-11-20 11:00:00".to_owned(),
        1,
    )];
    assert_eq!(env.kot(), want);

    // WowTalk delivers the same message again: the same answer, no new punch.
    let (status, body) = send(&url, &secret, "m-1", "wt0001", "出勤", now).await;
    assert_eq!(status, 200);
    assert_eq!(body["reply"], "出勤を打刻しました (11:00)");
    assert_eq!(env.kot(), want);
    let outcomes = handle.outcomes().await;
    assert_eq!(
        outcomes.iter().map(|o| o.posted).collect::<Vec<_>>(),
        [1, 0]
    );
}

#[tokio::test]
async fn link_import_counts_each_row_and_writes_the_failures() {
    let env = Env::new().await;
    let csv = "ユーザーID,従業員コード\r\nwt0001,0001\r\nwt0002,9999\r\nwt-nobody,0003\r\n";
    let import = wowtalk::link_import(
        &env.services,
        csv.as_bytes(),
        &sandbox::members(&env.sandbox),
    )
    .await
    .unwrap();
    assert_eq!(import.summary.completed, 1);
    assert_eq!(import.summary.failed, 2);
    assert_eq!(
        import.summary.to_string(),
        "インポート完了 1 / インポート失敗 2"
    );
    assert_eq!(import.links, 1);
    let failures = import.failure_csv.expect("a failure CSV");
    let text = String::from_utf8_lossy(&failures);
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 3, "{text}");
    assert!(lines.iter().any(|l| l.contains("9999")), "{text}");
    assert!(lines.iter().any(|l| l.contains("wt-nobody")), "{text}");
    assert!(!lines[1..].iter().any(|l| l.contains("wt0001")), "{text}");

    let export = String::from_utf8(wowtalk::link_export(&env.services).unwrap()).unwrap();
    assert!(export.contains("wt0001"), "{export}");
    assert!(
        !export.contains("wt0002") && !export.contains("wt-nobody"),
        "{export}"
    );
}

#[tokio::test]
async fn link_import_is_refused_in_a_time_band_and_the_bot_still_punches() {
    let env = Env::at(common::jst(2026, 11, 20, 9, 0)).await;
    let csv = sandbox::link_csv(&env.sandbox).unwrap();
    let members = sandbox::members(&env.sandbox);
    let err = wowtalk::link_import(&env.services, &csv, &members)
        .await
        .unwrap_err();
    assert!(matches!(err, kot_connect::Error::Input(_)), "{err:?}");
    assert!(env.state_files().is_empty(), "nothing stored");

    // After the band: the links are stored (and KOT's employees cached).
    env.set_jst(2026, 11, 20, 11, 0);
    import_seed_links(&env).await;
    assert!(env.state_files().contains_key(wowtalk::LINKS));

    // 17:45, inside 17:30-18:30: the import is refused again, the bot punches.
    env.set_jst(2026, 11, 20, 17, 45);
    let stored = env.state_files();
    let err = wowtalk::link_import(&env.services, &csv, &members)
        .await
        .unwrap_err();
    assert!(matches!(err, kot_connect::Error::Input(_)), "{err:?}");
    assert_eq!(env.state_files(), stored, "nothing stored");

    let start = env.sandbox.clock().now();
    let chat = [("wt0001", "退勤", 0), ("wt0022", "退勤", 3)];
    let (lines, outcomes) = replay(&env, &post(), &chat).await;
    let want = expect::wowtalk(&env, start, &chat);
    assert_eq!(want.len(), 2);
    assert_eq!(env.kot(), want);
    assert_eq!(lines, expected_replies(&env, start, &chat));
    assert_eq!(
        outcomes.iter().map(|o| o.posted).collect::<Vec<_>>(),
        [1, 1]
    );

    // The same message delivered again inside the band: nothing twice.
    let (url, handle) = serve(&env, &post()).await;
    let secret = env.sandbox.wowtalk().credentials().webhook_secret;
    let at = env.sandbox.clock().now();
    for _ in 0..2 {
        let (status, _) = send(&url, &secret, "m-band", "wt0002", "退勤", at).await;
        assert_eq!(status, 200);
    }
    let outcomes = handle.outcomes().await;
    assert_eq!(
        outcomes.iter().map(|o| o.posted).collect::<Vec<_>>(),
        [1, 0]
    );
    let mut want = want;
    want.extend(expect::wowtalk(&env, at, &[("wt0002", "退勤", 0)]));
    want.sort();
    assert_eq!(env.kot(), want);
}

#[tokio::test]
async fn a_dry_run_of_the_bot_changes_nothing() {
    let env = Env::new().await;
    import_seed_links(&env).await;
    let state = env.state_files();
    let start = env.sandbox.clock().now();
    let chat = [("wt0001", "出勤", 0)];
    let (_, outcomes) = replay(&env, &dry_run(), &chat).await;
    assert!(env.kot().is_empty(), "a dry run posted {:?}", env.kot());
    assert_eq!(env.state_files(), state);
    assert_eq!(outcomes.len(), 1);
    assert!(outcomes[0].dry_run);
    assert_eq!(outcomes[0].posted, 0);
    assert_eq!(
        plan_rows(outcomes[0].plan.as_ref().unwrap()),
        expect::wowtalk(&env, start, &chat)
    );
}
