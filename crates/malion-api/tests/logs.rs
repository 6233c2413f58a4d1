//! The log model: fixtures, identity and dedupe as pure functions.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{Duration, TimeZone};
use malion_api::models::{LogEvent, OperationLog, PunchKind, datetime::jst, dedupe};
use proptest::prelude::*;

#[test]
fn fixture_logs_decode_and_round_trip_as_json() {
    let page: serde_json::Value =
        serde_json::from_str(&common::fixture("synthetic_logs_page2.json")).unwrap();
    let logs: Vec<OperationLog> = serde_json::from_value(page["logs"].clone()).unwrap();
    assert_eq!(logs.len(), 3);
    assert_eq!(logs[1].event.manual_punch(), Some(PunchKind::ClockOut));
    assert!(
        logs[1].registered_at.unwrap() > logs[1].occurred_at + Duration::hours(12),
        "late logoff"
    );
    assert_eq!(logs[2].registered_at, None);
    for log in logs {
        let back: OperationLog =
            serde_json::from_value(serde_json::to_value(&log).unwrap()).unwrap();
        assert_eq!(back, log);
    }
}

fn arb_log() -> impl Strategy<Value = OperationLog> {
    (
        0..3u8,
        prop_oneof![
            Just(None),
            Just(Some("CORP\\taro".to_owned())),
            Just(Some("hanako".to_owned()))
        ],
        prop_oneof![
            Just(LogEvent::Logon),
            Just(LogEvent::Logoff),
            Just(LogEvent::Lock)
        ],
        0..6i64,
        proptest::option::of(0..100i64),
    )
        .prop_map(|(pc, user, event, minute, registered)| {
            let at =
                jst().with_ymd_and_hms(2026, 11, 20, 9, 0, 0).unwrap() + Duration::minutes(minute);
            let mut log =
                OperationLog::new(format!("AGENT-{pc}"), format!("PC-{pc}"), user, event, at);
            if let Some(r) = registered {
                log = log.with_registered_at(at + Duration::minutes(r));
            }
            log
        })
}

proptest! {
    #[test]
    fn dedupe_is_sorted_unique_complete_and_order_independent(
        logs in proptest::collection::vec(arb_log(), 0..30),
        seed in any::<u64>(),
    ) {
        let out = dedupe(logs.clone());
        // Nothing lost.
        prop_assert_eq!(out.logs.len() + out.duplicates.len(), logs.len());
        // Strictly increasing identities: sorted and unique.
        for pair in out.logs.windows(2) {
            prop_assert!(pair[0].identity() < pair[1].identity());
        }
        // Every duplicate has a kept twin with the same id.
        for d in &out.duplicates {
            prop_assert!(out.logs.iter().any(|l| l.id() == d.id()));
        }
        // Any permutation gives the same kept logs.
        let mut shuffled = logs;
        let n = shuffled.len();
        if n > 1 {
            let mut s = seed;
            for i in (1..n).rev() {
                s = s.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
                shuffled.swap(i, (s >> 33) as usize % (i + 1));
            }
        }
        let again = dedupe(shuffled);
        prop_assert_eq!(&again.logs, &out.logs);
    }
}
