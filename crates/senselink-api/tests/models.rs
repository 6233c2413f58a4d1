//! Round trips of every response model through serde (what a fake server
//! writes, the client reads back), and the record-to-day helpers.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{FixedOffset, NaiveDate, TimeZone, Utc};
use senselink_api::models::{
    Device, DeviceId, Direction, Gender, Group, GroupId, JobNumber, Person, PersonId, Record,
    RecordId, UserType,
};
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::json;

fn round_trip<T: Serialize + DeserializeOwned + PartialEq + std::fmt::Debug>(value: &T) {
    let written = serde_json::to_value(value).unwrap();
    let read: T = serde_json::from_value(written.clone()).unwrap();
    assert_eq!(&read, value, "{written}");
}

#[test]
fn a_record_built_by_a_fake_reads_back_the_same() {
    let at = Utc.with_ymd_and_hms(2026, 11, 20, 0, 5, 0).unwrap();
    let mut r = Record::new(RecordId(42), at);
    r.job_number = Some(JobNumber::new("0012"));
    r.user_id = Some(PersonId(7));
    r.user_type = Some(UserType::Employee);
    r.sign_time_zone = Some("GMT+09:00".into());
    r.sign_date = NaiveDate::from_ymd_opt(2026, 11, 20);
    r.extra.insert("later_field".into(), json!([1]));
    round_trip(&r);
    let written = serde_json::to_value(&r).unwrap();
    assert_eq!(written["sign_time"], json!(at.timestamp()));
    assert_eq!(written["id"], json!(42));
    let jst = FixedOffset::east_opt(9 * 3600).unwrap();
    assert_eq!(
        r.local_sign_time(jst).to_rfc3339(),
        "2026-11-20T09:05:00+09:00"
    );
}

#[test]
fn persons_groups_and_devices_read_back_the_same() {
    let mut p = Person::new(PersonId(1));
    p.name = Some("山田\u{3000}太郎".into());
    p.job_number = Some(JobNumber::new("0012"));
    p.birthday = Some("1990-04-01".into());
    p.gender = Some(Gender::Unknown(9));
    p.groups = vec![json!(12)];
    round_trip(&p);
    assert_eq!(p.group_ids(), vec![GroupId(12)]);

    let mut g = Group::new(GroupId(12), "本社");
    g.group_type = Some(1);
    round_trip(&g);

    let mut d = Device::new(DeviceId(3));
    d.direction = Some(Direction::Out);
    d.ldid = Some("SPSE-1".into());
    round_trip(&d);
}

#[test]
fn the_fixtures_read_back_the_same() {
    let list = common::fixture("official_record_list.json")["data"]["list"].clone();
    let records: Vec<Record> = serde_json::from_value(list).unwrap();
    assert!(!records.is_empty());
    records.iter().for_each(round_trip);
    let r: Record =
        serde_json::from_value(common::fixture("synthetic_employee_record.json")).unwrap();
    round_trip(&r);
    assert_eq!(r.group_id, Some(GroupId(12)));
    assert_eq!(r.groups.len(), 1);
}
