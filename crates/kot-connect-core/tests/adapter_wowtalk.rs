//! The WowTalk adapter: commands become punches at the sent time, other
//! chat is ignored, unknown senders are reported, and the bot's replies.
#![cfg(feature = "wowtalk")]
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod adapter_support;

use adapter_support::*;
use chrono::NaiveDate;
use kot_connect_core::adapters::wowtalk::{
    MessageOutcome, WowTalkSource, parse_sent_at, record_id, reply_text,
};
use kot_connect_core::engine::{Source, SourceContext, Stage};
use kot_connect_core::rules::IgnoreReason;
use kot_connect_core::{FailureReason, PunchKind};
use serde_json::json;
use wowtalk_api::idlink::{LinkRow, LinkTable};
use wowtalk_api::models::InboundMessage;

fn message(value: serde_json::Value) -> InboundMessage {
    InboundMessage::from_json(value.to_string().as_bytes()).unwrap()
}

fn links() -> LinkTable {
    LinkTable::from_rows([
        LinkRow::new("yamada", "0012"),
        LinkRow::new("yakin", "3001"),
        // Linked to a code KOT does not have.
        LinkRow::new("ghost", "5555"),
    ])
    .unwrap()
}

fn messages() -> Vec<InboundMessage> {
    vec![
        message(
            json!({"message_id": "m1", "sender_id": "yamada", "text": "出勤", "sent_at": "2026-11-21T08:58:00+09:00"}),
        ),
        message(
            json!({"message_id": "m2", "sender_id": "yamada", "text": "おはようございます", "sent_at": "2026-11-21T08:59:00+09:00"}),
        ),
        message(
            json!({"message_id": "m3", "sender_id": "stranger", "text": "出勤", "sent_at": "2026-11-21T09:00:00+09:00"}),
        ),
        message(
            json!({"message_id": "m4", "sender_id": "yakin", "text": "退勤", "sent_at": "2026-11-22 04:30:00"}),
        ),
        message(
            json!({"message_id": "m5", "sender_id": "ghost", "text": "出勤", "sent_at": "2026-11-21T09:00:00+09:00"}),
        ),
        // No message id; Unix seconds: 2026-11-21 18:00:00 JST.
        message(json!({"sender_id": "yamada", "text": "clock out", "sent_at": "1795251600"})),
        message(
            json!({"message_id": "m7", "sender_id": "yamada", "text": "退勤", "sent_at": "later"}),
        ),
        // m1 delivered again.
        message(
            json!({"message_id": "m1", "sender_id": "yamada", "text": "出勤", "sent_at": "2026-11-21T08:58:00+09:00"}),
        ),
    ]
}

#[tokio::test]
async fn commands_become_punches_and_the_rest_is_accounted_for() {
    let source = WowTalkSource::new(messages(), links());
    let directory = directory();
    let state = MemoryState::default();
    let progress = Recorder::default();
    let ctx = SourceContext::new(
        now_jst(2026, 11, 22, 10, 0),
        &directory,
        &progress,
        &state,
        false,
    );
    let collected = source.collect(&ctx).await.unwrap();
    assert_eq!(collected.fetched, 8);
    assert_eq!(progress.advanced(Stage::Fetch), 8);

    let punches: Vec<(&str, PunchKind, String, String, String)> = collected
        .punches
        .iter()
        .map(|p| {
            (
                p.employee.as_str(),
                p.kind,
                p.at.format("%d %H:%M").to_string(),
                p.work_date.format("%d").to_string(),
                p.source.to_string(),
            )
        })
        .collect();
    assert_eq!(
        punches,
        [
            (
                "0012",
                PunchKind::ClockIn,
                "21 08:58".into(),
                "21".into(),
                "wowtalk:m1".into()
            ),
            (
                "0012",
                PunchKind::ClockOut,
                "21 18:00".into(),
                "21".into(),
                "wowtalk:yamada@1795251600#clock out".into()
            ),
            // 04:30 on the 22nd is the 21st under the 05:00 border.
            (
                "3001",
                PunchKind::ClockOut,
                "22 04:30".into(),
                "21".into(),
                "wowtalk:m4".into()
            ),
        ]
    );
    let ignored: Vec<(&str, &IgnoreReason)> = collected
        .ignored
        .iter()
        .map(|i| (i.source.record_id.as_str(), &i.reason))
        .collect();
    assert_eq!(ignored.len(), 2);
    assert!(ignored.contains(&("m2", &IgnoreReason::NotACommand)));
    assert!(matches!(
        ignored.iter().find(|(id, _)| *id == "m1"),
        Some((_, IgnoreReason::Duplicate { .. }))
    ));

    let mut failures: Vec<(String, FailureReason)> = collected
        .failures
        .iter()
        .map(|f| {
            (
                f.source.as_ref().unwrap().record_id.to_string(),
                f.reason.clone(),
            )
        })
        .collect();
    failures.sort_by(|a, b| a.0.cmp(&b.0));
    assert_eq!(failures.len(), 3);
    assert_eq!(
        failures[0],
        (
            "m3".to_owned(),
            FailureReason::UnmatchedEmployee {
                external_id: "stranger".into()
            }
        )
    );
    assert_eq!(
        failures[1],
        (
            "m5".to_owned(),
            FailureReason::UnmatchedEmployee {
                external_id: "ghost".into()
            }
        )
    );
    assert_eq!(failures[2].0, "m7");
    assert!(
        matches!(&failures[2].1, FailureReason::ApiError { message } if message.contains("later"))
    );
    let day = |d| NaiveDate::from_ymd_opt(2026, 11, d).unwrap();
    assert_eq!(collected.work_dates, Some((day(21), day(21))));
}

#[tokio::test]
async fn no_message_no_work_dates() {
    let source = WowTalkSource::new(Vec::new(), links());
    let directory = directory();
    let state = MemoryState::default();
    let progress = Recorder::default();
    let ctx = SourceContext::new(
        now_jst(2026, 11, 22, 10, 0),
        &directory,
        &progress,
        &state,
        false,
    );
    let collected = source.collect(&ctx).await.unwrap();
    assert_eq!(collected, kot_connect_core::engine::Collected::new());
}

#[test]
fn sent_times_and_record_ids() {
    let jst = |s: &str| parse_sent_at(s).map(|t| t.to_rfc3339());
    assert_eq!(
        jst("2026-11-21T08:58:00+09:00").as_deref(),
        Some("2026-11-21T08:58:00+09:00")
    );
    assert_eq!(
        jst("2026-11-20T23:58:00Z").as_deref(),
        Some("2026-11-21T08:58:00+09:00")
    );
    assert_eq!(
        jst("2026/11/21 08:58:00").as_deref(),
        Some("2026-11-21T08:58:00+09:00")
    );
    assert_eq!(
        jst("1795251600").as_deref(),
        Some("2026-11-21T18:00:00+09:00")
    );
    assert_eq!(
        jst("1795251600000").as_deref(),
        Some("2026-11-21T18:00:00+09:00")
    );
    for bad in ["", "later", "2026-13-01 00:00:00", "-5"] {
        assert_eq!(jst(bad), None, "{bad:?}");
    }
    let a = message(json!({"sender_id": "u", "text": "出勤", "sent_at": "1"}));
    assert_eq!(record_id(&a), record_id(&a.clone()));
    assert_eq!(record_id(&a), "u@1#出勤");
}

#[test]
fn the_bot_replies() {
    let at = jst_at(2026, 11, 21, 9, 1);
    assert_eq!(
        reply_text(&MessageOutcome::Punched {
            kind: PunchKind::ClockIn,
            at
        }),
        "出勤を打刻しました (09:01)"
    );
    let unknown = MessageOutcome::Failed {
        kind: Some(PunchKind::ClockIn),
        reason: FailureReason::UnmatchedEmployee {
            external_id: "stranger".into(),
        },
    };
    assert!(reply_text(&unknown).contains("連携されていません"));
    let already = MessageOutcome::Failed {
        kind: Some(PunchKind::ClockOut),
        reason: FailureReason::AlreadyPunched {
            employee: "0012".into(),
            kind: PunchKind::ClockOut,
        },
    };
    let text = reply_text(&already);
    assert!(text.starts_with("退勤を打刻できませんでした: "), "{text}");
    assert!(text.contains("既に打刻済み"), "{text}");
    let chat = reply_text(&MessageOutcome::Ignored(IgnoreReason::NotACommand));
    assert_eq!(
        chat,
        "打刻するには「出勤」「退勤」「休憩開始」「休憩終了」のいずれかを送ってください。"
    );
}
