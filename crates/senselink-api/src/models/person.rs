//! Persons (登録者): the people SenseLink recognises. The KING OF TIME
//! employee sync creates and updates employees here, keyed by 従業員番号
//! (`jobNumber`).

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::de;
use super::enums::{Gender, UserType};
use super::ids::{GroupId, JobNumber, PersonId, opt_job_number};

/// The full-width space (U+3000) the KING OF TIME integration puts between
/// the family name (姓) and the given name (名).
pub const NAME_SEPARATOR: char = '\u{3000}';

/// 氏名 as the KING OF TIME integration writes it: `姓` + U+3000 + `名`,
/// each part trimmed; a missing part leaves no separator.
///
/// ```
/// assert_eq!(senselink_api::models::full_name("山田", "太郎"), "山田\u{3000}太郎");
/// assert_eq!(senselink_api::models::full_name(" 山田 ", ""), "山田");
/// ```
pub fn full_name(family: &str, given: &str) -> String {
    let (family, given) = (family.trim(), given.trim());
    match (family.is_empty(), given.is_empty()) {
        (false, false) => format!("{family}{NAME_SEPARATOR}{given}"),
        (false, true) => family.to_owned(),
        (true, _) => given.to_owned(),
    }
}

/// A person as SenseLink lists it. Responses are mostly snake_case; the
/// camelCase spellings of the request fields are accepted too.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Person {
    /// SenseLink's ID of the person.
    pub id: PersonId,
    /// 氏名.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub name: Option<String>,
    /// 従業員番号; `None` when null or blank.
    #[serde(default, alias = "jobNumber", deserialize_with = "opt_job_number")]
    pub job_number: Option<JobNumber>,
    /// Employee, visitor, ... (`type`).
    #[serde(default, rename = "type")]
    pub person_type: Option<UserType>,
    /// Birthday as sent (documented as `yyyy-MM-dd`); see [`Person::birthday_date`].
    #[serde(default, deserialize_with = "de::opt_string")]
    pub birthday: Option<String>,
    /// Hire date (入社年月日) as sent; see [`Person::entry_date`].
    #[serde(default, alias = "entryTime", deserialize_with = "de::opt_string")]
    pub entry_time: Option<String>,
    /// E-mail address (the field is `mail`).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub mail: Option<String>,
    /// IC card number.
    #[serde(default, alias = "icNumber", deserialize_with = "de::opt_string")]
    pub ic_number: Option<String>,
    /// Mobile number.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub mobile: Option<String>,
    /// Gender.
    #[serde(default)]
    pub gender: Option<Gender>,
    /// Groups (IDs or objects, depending on the edition; kept as JSON).
    #[serde(default, deserialize_with = "de::null_as_empty")]
    pub groups: Vec<Value>,
    /// Remark.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub remark: Option<String>,
    /// Position (役職).
    #[serde(default, deserialize_with = "de::opt_string")]
    pub position: Option<String>,
    /// Location.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub location: Option<String>,
    /// Department ID.
    #[serde(default, alias = "departmentId", deserialize_with = "de::opt_i64")]
    pub department_id: Option<i64>,
    /// The registered face photo's ID or URL.
    #[serde(default, deserialize_with = "de::opt_string")]
    pub avatar: Option<String>,
    /// Fields this crate does not know, kept as received.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl Person {
    /// A person with an ID and nothing else (for fakes and tests; set the
    /// other public fields as needed).
    pub fn new(id: PersonId) -> Self {
        Self {
            id,
            name: None,
            job_number: None,
            person_type: None,
            birthday: None,
            entry_time: None,
            mail: None,
            ic_number: None,
            mobile: None,
            gender: None,
            groups: Vec::new(),
            remark: None,
            position: None,
            location: None,
            department_id: None,
            avatar: None,
            extra: Map::new(),
        }
    }

    /// [`birthday`](Self::birthday) read as a date (its first ten characters
    /// as `yyyy-MM-dd`), when it is one.
    pub fn birthday_date(&self) -> Option<NaiveDate> {
        self.birthday.as_deref().and_then(leading_date)
    }

    /// [`entry_time`](Self::entry_time) read as a date, when it is one.
    pub fn entry_date(&self) -> Option<NaiveDate> {
        self.entry_time.as_deref().and_then(leading_date)
    }

    /// The IDs among [`groups`](Self::groups) (plain numbers, or objects with
    /// an `id`).
    pub fn group_ids(&self) -> Vec<GroupId> {
        self.groups.iter().filter_map(id_of).map(GroupId).collect()
    }
}

pub(crate) fn id_of(value: &Value) -> Option<i64> {
    match value {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        Value::Object(o) => o.get("id").and_then(id_of),
        _ => None,
    }
}

fn leading_date(raw: &str) -> Option<NaiveDate> {
    let head = raw.trim().get(..10)?;
    NaiveDate::parse_from_str(head, "%Y-%m-%d").ok()
}

/// A face photo to upload (`avatarFile`, at most 4 MB). Photos cannot come
/// from KING OF TIME: the integration leaves them to SenseLink's own screens.
#[derive(Clone, PartialEq, Eq)]
pub struct Avatar {
    /// The file name sent with the part, e.g. `face.jpg`.
    pub file_name: String,
    /// The MIME type, e.g. `image/jpeg`.
    pub content_type: String,
    /// The image bytes.
    pub bytes: Vec<u8>,
}

impl fmt::Debug for Avatar {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Avatar")
            .field("file_name", &self.file_name)
            .field("content_type", &self.content_type)
            .field("bytes", &format_args!("[{} bytes]", self.bytes.len()))
            .finish()
    }
}

/// The optional fields of a person, shared by [`NewPerson`] and
/// [`PersonUpdate`]. Only fields that are `Some` (or, for `groups`, non-empty)
/// are sent.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct PersonDetails {
    /// 従業員番号 (`jobNumber`, max 45): the KOT 従業員コード in the integration.
    pub job_number: Option<JobNumber>,
    /// 生年月日 (`birthday`, sent as `yyyy-MM-dd`).
    pub birthday: Option<NaiveDate>,
    /// 入社年月日 (`entryTime`, sent as `yyyy-MM-dd`).
    pub entry_time: Option<NaiveDate>,
    /// メール送信先アドレス (`mail`, max 45).
    pub mail: Option<String>,
    /// Employee groups (`groups`).
    pub groups: Vec<GroupId>,
    /// IC card number (`icNumber`, max 20).
    pub ic_number: Option<String>,
    /// Mobile number (`mobile`, max 20).
    pub mobile: Option<String>,
    /// Phone country/area code (`areaCode`).
    pub area_code: Option<String>,
    /// Gender (`gender`).
    pub gender: Option<Gender>,
    /// Remark (`remark`, max 255).
    pub remark: Option<String>,
    /// Position (`position`, max 45).
    pub position: Option<String>,
    /// Location (`location`, max 45).
    pub location: Option<String>,
    /// Department (`departmentId`).
    pub department_id: Option<i64>,
    /// Message shown on recognition (`prompt`).
    pub prompt: Option<String>,
    /// Register even if the photo check fails (`force=1`).
    pub force: Option<bool>,
    /// Face photo (`avatarFile`): sent only as multipart.
    pub avatar: Option<Avatar>,
}

/// How `groups` is written in a form when there are several IDs: not
/// documented (provisional).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum GroupsEncoding {
    /// One field, `groups=1,2,3` (the default; one ID is the documented case).
    #[default]
    CommaSeparated,
    /// One `groups` field per ID.
    Repeated,
}

impl PersonDetails {
    pub(crate) fn push_fields(
        &self,
        out: &mut Vec<(&'static str, String)>,
        groups: GroupsEncoding,
    ) {
        let date = |d: &NaiveDate| d.format("%Y-%m-%d").to_string();
        let mut opt = |name: &'static str, value: Option<String>| {
            if let Some(v) = value {
                out.push((name, v));
            }
        };
        opt(
            "jobNumber",
            self.job_number.as_ref().map(|j| j.as_str().to_owned()),
        );
        opt("birthday", self.birthday.as_ref().map(date));
        opt("entryTime", self.entry_time.as_ref().map(date));
        opt("mail", self.mail.clone());
        opt("icNumber", self.ic_number.clone());
        opt("mobile", self.mobile.clone());
        opt("areaCode", self.area_code.clone());
        opt("gender", self.gender.map(|g| g.code().to_string()));
        opt("remark", self.remark.clone());
        opt("position", self.position.clone());
        opt("location", self.location.clone());
        opt("departmentId", self.department_id.map(|d| d.to_string()));
        opt("prompt", self.prompt.clone());
        opt(
            "force",
            self.force.map(|f| if f { "1" } else { "0" }.to_owned()),
        );
        if !self.groups.is_empty() {
            match groups {
                GroupsEncoding::CommaSeparated => out.push((
                    "groups",
                    self.groups
                        .iter()
                        .map(ToString::to_string)
                        .collect::<Vec<_>>()
                        .join(","),
                )),
                GroupsEncoding::Repeated => {
                    out.extend(self.groups.iter().map(|g| ("groups", g.to_string())));
                }
            }
        }
    }
}

macro_rules! detail_setters {
    () => {
        /// Sets 従業員番号 (`jobNumber`).
        pub fn job_number(mut self, job_number: impl Into<JobNumber>) -> Self {
            self.details.job_number = Some(job_number.into());
            self
        }

        /// Sets 生年月日 (`birthday`).
        pub fn birthday(mut self, date: NaiveDate) -> Self {
            self.details.birthday = Some(date);
            self
        }

        /// Sets 入社年月日 (`entryTime`).
        pub fn entry_time(mut self, date: NaiveDate) -> Self {
            self.details.entry_time = Some(date);
            self
        }

        /// Sets the e-mail address (`mail`).
        pub fn mail(mut self, mail: impl Into<String>) -> Self {
            self.details.mail = Some(mail.into());
            self
        }

        /// Sets the groups (`groups`).
        pub fn groups(mut self, groups: impl IntoIterator<Item = GroupId>) -> Self {
            self.details.groups = groups.into_iter().collect();
            self
        }

        /// Sets the IC card number (`icNumber`).
        pub fn ic_number(mut self, number: impl Into<String>) -> Self {
            self.details.ic_number = Some(number.into());
            self
        }

        /// Sets the mobile number (`mobile`).
        pub fn mobile(mut self, mobile: impl Into<String>) -> Self {
            self.details.mobile = Some(mobile.into());
            self
        }

        /// Sets the gender (`gender`).
        pub fn gender(mut self, gender: Gender) -> Self {
            self.details.gender = Some(gender);
            self
        }

        /// Sets the remark (`remark`).
        pub fn remark(mut self, remark: impl Into<String>) -> Self {
            self.details.remark = Some(remark.into());
            self
        }

        /// Sets the face photo (`avatarFile`; multipart only).
        pub fn avatar(mut self, avatar: Avatar) -> Self {
            self.details.avatar = Some(avatar);
            self
        }
    };
}

/// A person to create (`POST /api/v1/user`).
///
/// ```
/// use chrono::NaiveDate;
/// use senselink_api::models::{NewPerson, full_name};
///
/// let person = NewPerson::new(full_name("山田", "太郎"))
///     .job_number("1000")
///     .birthday(NaiveDate::from_ymd_opt(1990, 4, 1).unwrap())
///     .entry_time(NaiveDate::from_ymd_opt(2020, 4, 1).unwrap())
///     .mail("yamada@example.com");
/// assert_eq!(person.name, "山田\u{3000}太郎");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct NewPerson {
    /// 氏名 (`name`, required).
    pub name: String,
    /// The optional fields.
    pub details: PersonDetails,
}

impl NewPerson {
    /// A person with a name and nothing else.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            details: PersonDetails::default(),
        }
    }

    detail_setters!();

    pub(crate) fn form_fields(&self, groups: GroupsEncoding) -> Vec<(&'static str, String)> {
        let mut out = vec![("name", self.name.clone())];
        self.details.push_fields(&mut out, groups);
        out
    }
}

/// Changes to a person: only the fields set are sent.
#[derive(Debug, Clone, Default, PartialEq)]
#[non_exhaustive]
pub struct PersonUpdate {
    /// A new 氏名 (`name`).
    pub name: Option<String>,
    /// The optional fields to change.
    pub details: PersonDetails,
}

impl PersonUpdate {
    /// An update that changes nothing yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Sets a new 氏名 (`name`).
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    detail_setters!();

    pub(crate) fn form_fields(&self, groups: GroupsEncoding) -> Vec<(&'static str, String)> {
        let mut out = Vec::new();
        if let Some(name) = &self.name {
            out.push(("name", name.clone()));
        }
        self.details.push_fields(&mut out, groups);
        out
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[test]
    fn names_are_joined_with_a_full_width_space() {
        assert_eq!(full_name("山田", "太郎"), "山田\u{3000}太郎");
        assert_eq!(full_name("", " 太郎"), "太郎");
        assert_eq!(full_name("", ""), "");
    }

    #[test]
    fn form_fields_use_the_camel_case_names() {
        let p = NewPerson::new("山田\u{3000}太郎")
            .job_number("0012")
            .birthday(NaiveDate::from_ymd_opt(1990, 4, 1).unwrap())
            .entry_time(NaiveDate::from_ymd_opt(2020, 4, 1).unwrap())
            .mail("y@example.com")
            .gender(Gender::Female)
            .groups([GroupId(3), GroupId(4)]);
        let fields = p.form_fields(GroupsEncoding::CommaSeparated);
        let expected: Vec<(&str, String)> = vec![
            ("name", "山田\u{3000}太郎".into()),
            ("jobNumber", "0012".into()),
            ("birthday", "1990-04-01".into()),
            ("entryTime", "2020-04-01".into()),
            ("mail", "y@example.com".into()),
            ("gender", "1".into()),
            ("groups", "3,4".into()),
        ];
        assert_eq!(fields, expected);
        let repeated = p.form_fields(GroupsEncoding::Repeated);
        assert_eq!(
            &repeated[6..],
            &[("groups", "3".into()), ("groups", "4".into())]
        );
        assert!(
            PersonUpdate::new()
                .form_fields(GroupsEncoding::Repeated)
                .is_empty()
        );
    }

    #[test]
    fn persons_read_both_spellings() {
        let p: Person = serde_json::from_str(
            r#"{"id":"5","name":"A","jobNumber":"","entryTime":"2020-04-01 00:00:00","groups":[1,{"id":2}],"x":1}"#,
        )
        .unwrap();
        assert_eq!(p.id, PersonId(5));
        assert_eq!(p.job_number, None);
        assert_eq!(p.entry_date(), NaiveDate::from_ymd_opt(2020, 4, 1));
        assert_eq!(p.group_ids(), vec![GroupId(1), GroupId(2)]);
        assert_eq!(p.extra["x"], 1);
        let p: Person =
            serde_json::from_str(r#"{"id":6,"job_number":1000,"birthday":"x"}"#).unwrap();
        assert_eq!(p.job_number, Some(JobNumber::new("1000")));
        assert_eq!(p.birthday_date(), None);
    }

    #[test]
    fn avatar_debug_hides_the_bytes() {
        let a = Avatar {
            file_name: "f.jpg".into(),
            content_type: "image/jpeg".into(),
            bytes: vec![1, 2, 3],
        };
        assert!(format!("{a:?}").contains("[3 bytes]"));
    }
}
