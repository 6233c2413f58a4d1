//! Every fixture decodes, and every model survives a round trip through JSON
//! (unknown fields included, times in cyzen's UTC format).
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{TimeZone, Utc};
use common::fixture;
use cyzen_api::models::{
    AccountStatus, Group, History, MemberStatus, Status, StatusKindRule, User,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

fn list<T: DeserializeOwned>(name: &str, key: &str) -> Vec<T> {
    serde_json::from_value(fixture(name)[key].clone()).unwrap()
}

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(items: &[T]) {
    for item in items {
        let written = serde_json::to_value(item).unwrap();
        let back: T = serde_json::from_value(written.clone()).unwrap();
        assert_eq!(&back, item, "{written}");
    }
}

#[test]
fn synthetic_users_decode_and_round_trip() {
    let users: Vec<User> = list("synthetic_users.json", "users");
    assert_eq!(users.len(), 2);
    assert_eq!(
        users[0].user_login_id.as_deref(),
        Some("yamada@example.com")
    );
    assert_eq!(users[0].device.as_deref(), Some("iPhone14,2"));
    round_trip(&users);
    // account_status is written back as the number cyzen sent.
    assert_eq!(
        serde_json::to_value(&users[1]).unwrap()["account_status"],
        0
    );
}

#[test]
fn synthetic_groups_statuses_and_members_decode_and_round_trip() {
    let groups: Vec<Group> = list("synthetic_groups.json", "groups");
    assert_eq!(groups[0].group_join_id.as_deref(), Some("kanto-join-01"));
    round_trip(&groups);

    let statuses: Vec<Status> = list("synthetic_statuses.json", "statuses");
    assert_eq!(statuses.len(), 5);
    // Decoded without a client, the kind is not filled; the rule fills it.
    assert!(statuses.iter().all(|s| s.kind.is_none()));
    assert!(
        statuses
            .iter()
            .all(|s| StatusKindRule::default().kind_of(s).is_some())
    );
    round_trip(&statuses);

    let members: Vec<MemberStatus> = list("synthetic_members_statuses.json", "members_statuses");
    round_trip(&members);
}

#[test]
fn synthetic_histories_decode_and_are_written_with_create_at() {
    let histories: Vec<History> = list("synthetic_histories.json", "histories");
    assert_eq!(histories.len(), 2);
    round_trip(&histories);
    let written = serde_json::to_value(&histories[1]).unwrap();
    assert_eq!(written["create_at"], "2026-06-03T10:16:00");
    assert!(written.get("created_at").is_none());
    assert_eq!(written["history_latitude"], 35.6825);
    assert_eq!(written["history_comment"], "直帰します");
}

#[test]
fn unknown_fields_are_kept_and_written_back() {
    let raw = json!({
        "history_id": 17,
        "create_at": "2026-11-21T00:00:00",
        "photo_url": "https://example.invalid/p.jpg",
        "report": {"id": "r1"}
    });
    let history: History = serde_json::from_value(raw.clone()).unwrap();
    assert_eq!(
        history.history_id.as_str(),
        "17",
        "numeric ids become strings"
    );
    assert_eq!(history.extra["report"], json!({"id": "r1"}));
    let written = serde_json::to_value(&history).unwrap();
    assert_eq!(written["photo_url"], raw["photo_url"]);
    assert_eq!(written["history_id"], "17");
}

#[test]
fn both_time_spellings_and_lenient_values() {
    let both: History = serde_json::from_value(json!({
        "history_id": "h", "create_at": "2026-11-21T01:00:00", "created_at": "2026-11-21T01:00:00"
    }))
    .unwrap();
    assert_eq!(
        both.pressed_at,
        Utc.with_ymd_and_hms(2026, 11, 21, 1, 0, 0).unwrap()
    );
    let lenient: User = serde_json::from_value(json!({
        "user_id": "u", "user_code": "", "account_status": "1",
        "groups": null, "created_at": "", "updated_at": "2026-11-21 01:02:03"
    }))
    .unwrap();
    assert_eq!(lenient.user_code, None);
    assert_eq!(lenient.account_status, Some(AccountStatus::Active));
    assert!(lenient.groups.is_empty() && lenient.created_at.is_none());
    assert_eq!(
        lenient.updated_at,
        Some(Utc.with_ymd_and_hms(2026, 11, 21, 1, 2, 3).unwrap())
    );
    let unknown: User =
        serde_json::from_value(json!({"user_id": "u", "account_status": 2})).unwrap();
    assert_eq!(
        unknown.account_status,
        Some(AccountStatus::Unknown("2".into()))
    );
    assert!(!unknown.is_active());
}

#[test]
fn bad_values_are_errors_not_silent_nones() {
    let bad: Vec<Value> = vec![
        json!({"history_id": "h", "create_at": "2026-11-21T01:00:00", "history_latitude": "north"}),
        json!({"history_id": "h", "create_at": "not a time"}),
        json!({"history_id": "h"}),
        json!({"create_at": "2026-11-21T01:00:00"}),
    ];
    for value in bad {
        assert!(
            serde_json::from_value::<History>(value.clone()).is_err(),
            "{value}"
        );
    }
}
