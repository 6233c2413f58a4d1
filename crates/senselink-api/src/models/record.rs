//! Recognition records (認証レコード): one per face (or card, QR...) recognised
//! by a device. The KING OF TIME integration turns the first record of a day
//! into 出勤 (clock-in) and the last into 退勤 (clock-out), per `job_number`.

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize, Serializer};
use serde_json::{Map, Value};

use super::de;
use super::enums::{Direction, EntryMode, UserType};
use super::ids::{GroupId, JobNumber, PersonId, RecordId, opt_job_number};

/// One recognition record, with every field of the documented v5 example.
///
/// Field names are SenseLink's (snake_case). Every field but `id` and
/// `sign_time` may be absent or `null`; fields this crate does not know are
/// kept in [`extra`](Self::extra). Serializing gives the wire form back
/// (`sign_time` as epoch seconds), so fakes can produce records too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Record {
    /// The record ID: stable, the source ID a derived punch should carry.
    pub id: RecordId,
    /// When the person was recognised (`sign_time`, epoch **seconds** on the wire).
    #[serde(
        deserialize_with = "de::epoch_seconds",
        serialize_with = "epoch_seconds"
    )]
    pub sign_time: DateTime<Utc>,
    /// The local date of the recognition (`sign_date`, `yyyy-MM-dd`), in the
    /// zone of [`sign_time_zone`](Self::sign_time_zone).
    #[serde(default, deserialize_with = "de::opt_date")]
    pub sign_date: Option<NaiveDate>,
    /// The zone of `sign_date`, e.g. `"GMT+09:00"`.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub sign_time_zone: Option<String>,
    /// The person's ID; `None` for strangers (SenseLink sends 0).
    #[serde(default, deserialize_with = "opt_person_id")]
    pub user_id: Option<PersonId>,
    /// The person's name (empty for strangers).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub user_name: Option<String>,
    /// Who was recognised: employee, visitor, stranger, blacklist.
    #[serde(default)]
    pub user_type: Option<UserType>,
    /// 従業員番号 (= KOT 従業員コード in the integration); `None` when null or
    /// blank, as for strangers.
    #[serde(default, deserialize_with = "opt_job_number")]
    pub job_number: Option<JobNumber>,
    /// The person's group ID.
    #[serde(default, deserialize_with = "opt_group_id")]
    pub group_id: Option<GroupId>,
    /// The person's group name.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub group_name: Option<String>,
    /// The person's groups (shape not documented; kept as JSON).
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub groups: Vec<Value>,
    /// The person's group details (shape not documented; kept as JSON).
    #[serde(default)]
    pub user_group: Option<Value>,
    /// The device's name.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub device_name: Option<String>,
    /// The device's LDID (serial number), e.g. `SPSE-…`; the `device_sn` filter.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub device_ldid: Option<String>,
    /// The device's direction (In / Out), when set.
    #[serde(default)]
    pub direction: Option<Direction>,
    /// Where the device is.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub location: Option<String>,
    /// How the person was recognised (face, card, QR...).
    #[serde(default)]
    pub entry_mode: Option<EntryMode>,
    /// The recognition score.
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub verify_score: Option<f64>,
    /// Mask detection (0 or 1; 1 most likely means wearing a mask).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub mask: Option<i64>,
    /// Body temperature (°C); 0.0 when not measured.
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub body_temperature: Option<f64>,
    /// Abnormality code (0 none, 40001 abnormal temperature, 50001 no mask, ...).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub abnormal_type: Option<i64>,
    /// The mismatched person's ID, for failed recognitions.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub mis_id: Option<String>,
    /// Failure type (1 other person, 2 unregistered, 3 non-living, ...).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub mis_type: Option<i64>,
    /// Whether the person was on a business trip (0/1).
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub on_business: Option<i64>,
    /// The captured face picture's ID.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub capture_picture: Option<String>,
    /// The captured background picture's ID.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub capture_bg_picture: Option<String>,
    /// The registered avatar's ID.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub avatar: Option<String>,
    /// The thermal picture's ID.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub heat_avatar: Option<String>,
    /// The ID-document photo.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub doc_photo: Option<String>,
    /// The IC card number presented.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub ic_number: Option<String>,
    /// The ID number presented.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub id_number: Option<String>,
    /// The person's registered IC card number.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub user_ic_number: Option<String>,
    /// The person's registered ID number.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub user_id_number: Option<String>,
    /// The person's mobile number (may be encrypted on some tenants).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub mobile: Option<String>,
    /// The person's remark.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub user_remark: Option<String>,
    /// The record's remark.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub remark: Option<String>,
    /// For visitors: the receiving person's ID.
    #[serde(default, deserialize_with = "de::opt_i64")]
    pub reception_user_id: Option<i64>,
    /// For visitors: the receiving person's name.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub reception_user_name: Option<String>,
    /// Latitude (mobile recognitions).
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub latitude: Option<f64>,
    /// Longitude (mobile recognitions).
    #[serde(default, deserialize_with = "de::opt_f64")]
    pub longitude: Option<f64>,
    /// Address (mobile recognitions).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub address: Option<String>,
    /// Country code.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub country_code: Option<String>,
    /// Place code.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub place_code: Option<String>,
    /// Fields this crate does not know, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Record {
    /// A record with the two required fields and nothing else (for fakes and
    /// tests; set the other public fields as needed).
    pub fn new(id: RecordId, sign_time: DateTime<Utc>) -> Self {
        Self {
            id,
            sign_time,
            sign_date: None,
            sign_time_zone: None,
            user_id: None,
            user_name: None,
            user_type: None,
            job_number: None,
            group_id: None,
            group_name: None,
            groups: Vec::new(),
            user_group: None,
            device_name: None,
            device_ldid: None,
            direction: None,
            location: None,
            entry_mode: None,
            verify_score: None,
            mask: None,
            body_temperature: None,
            abnormal_type: None,
            mis_id: None,
            mis_type: None,
            on_business: None,
            capture_picture: None,
            capture_bg_picture: None,
            avatar: None,
            heat_avatar: None,
            doc_photo: None,
            ic_number: None,
            id_number: None,
            user_ic_number: None,
            user_id_number: None,
            mobile: None,
            user_remark: None,
            remark: None,
            reception_user_id: None,
            reception_user_name: None,
            latitude: None,
            longitude: None,
            address: None,
            country_code: None,
            place_code: None,
            extra: Map::new(),
        }
    }

    /// True when a registered employee (従業員) was recognised.
    pub fn is_employee(&self) -> bool {
        self.user_type == Some(UserType::Employee)
    }

    /// The offset named by [`sign_time_zone`](Self::sign_time_zone)
    /// (`GMT+09:00`, `UTC+9`, `+09:00`, `GMT`), if it can be read.
    pub fn time_zone_offset(&self) -> Option<FixedOffset> {
        self.sign_time_zone.as_deref().and_then(parse_offset)
    }

    /// The recognition time in the record's own zone, or in `fallback` when
    /// the record names none (or one that cannot be read).
    pub fn local_sign_time(&self, fallback: FixedOffset) -> DateTime<FixedOffset> {
        self.sign_time
            .with_timezone(&self.time_zone_offset().unwrap_or(fallback))
    }

    /// The local calendar date of the recognition: `sign_date` when present,
    /// otherwise the date of [`local_sign_time`](Self::local_sign_time).
    pub fn local_date(&self, fallback: FixedOffset) -> NaiveDate {
        self.sign_date
            .unwrap_or_else(|| self.local_sign_time(fallback).date_naive())
    }
}

fn epoch_seconds<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_i64(t.timestamp())
}

fn opt_person_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<PersonId>, D::Error> {
    Ok(de::opt_i64(d)?.filter(|&id| id != 0).map(PersonId))
}

fn opt_group_id<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<GroupId>, D::Error> {
    Ok(de::opt_i64(d)?.map(GroupId))
}

/// Reads `GMT+09:00`, `UTC+9`, `+0900`, `+09:00`, `GMT`, `UTC`, `Z`.
fn parse_offset(raw: &str) -> Option<FixedOffset> {
    let s = raw.trim();
    let s = s
        .strip_prefix("GMT")
        .or_else(|| s.strip_prefix("UTC"))
        .unwrap_or(s)
        .trim();
    if s.is_empty() || s == "Z" {
        return FixedOffset::east_opt(0);
    }
    let (sign, rest) = match s.as_bytes().first()? {
        b'+' => (1, &s[1..]),
        b'-' => (-1, &s[1..]),
        _ => return None,
    };
    let (hours, minutes) = match rest.split_once(':') {
        Some((h, m)) => (h, m),
        None if rest.len() == 4 => rest.split_at(2),
        None => (rest, "0"),
    };
    let hours: i32 = hours.parse().ok()?;
    let minutes: i32 = minutes.parse().ok()?;
    if !(0..=14).contains(&hours) || !(0..60).contains(&minutes) {
        return None;
    }
    FixedOffset::east_opt(sign * (hours * 3600 + minutes * 60))
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn offsets() {
        let h = |h: i32| FixedOffset::east_opt(h * 3600);
        assert_eq!(parse_offset("GMT+09:00"), h(9));
        assert_eq!(parse_offset("UTC+9"), h(9));
        assert_eq!(parse_offset("+0900"), h(9));
        assert_eq!(
            parse_offset("GMT-05:30"),
            FixedOffset::west_opt(5 * 3600 + 1800)
        );
        assert_eq!(parse_offset("GMT"), h(0));
        assert_eq!(parse_offset("Asia/Tokyo"), None);
        assert_eq!(parse_offset("GMT+99:00"), None);
        assert_eq!(parse_offset("+"), None);
    }

    #[test]
    fn local_date_falls_back_to_the_sign_time() {
        // 2020-12-07 15:30 UTC = 2020-12-08 00:30 JST.
        let t = DateTime::from_timestamp(1_607_355_000, 0).unwrap();
        let mut r = Record::new(RecordId(1), t);
        let jst = FixedOffset::east_opt(9 * 3600).unwrap();
        let utc = FixedOffset::east_opt(0).unwrap();
        assert_eq!(
            r.local_date(jst),
            NaiveDate::from_ymd_opt(2020, 12, 8).unwrap()
        );
        assert_eq!(
            r.local_date(utc),
            NaiveDate::from_ymd_opt(2020, 12, 7).unwrap()
        );
        r.sign_time_zone = Some("GMT+09:00".into());
        assert_eq!(
            r.local_date(utc),
            NaiveDate::from_ymd_opt(2020, 12, 8).unwrap()
        );
        r.sign_date = NaiveDate::from_ymd_opt(2020, 12, 9);
        assert_eq!(
            r.local_date(utc),
            NaiveDate::from_ymd_opt(2020, 12, 9).unwrap()
        );
    }

    /// Found by the `datetime_parse` fuzz target: an unknown field holding a
    /// large float must write back as the same number (serde_json's
    /// `float_roundtrip`), or a fake serving a record changes it.
    #[test]
    fn unknown_floats_round_trip_exactly() {
        let wire =
            r#"{"id":1,"sign_time":0,"x":44400000000000000676184425,"y":0.1234567890123456789}"#;
        let decoded: Record = serde_json::from_str(wire).unwrap();
        let written = serde_json::to_string(&decoded).unwrap();
        let again: Record = serde_json::from_str(&written).unwrap();
        assert_eq!(again, decoded, "{written}");
    }
}
