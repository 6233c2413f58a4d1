//! 社員情報連携: KOT employees → SenseLink persons (登録者).
//!
//! The fields of the SenseThunder manual's section 3.1, with the SenseLink
//! API field each lands in:
//!
//! | KING OF TIME | SenseLink | API field |
//! |---|---|---|
//! | 従業員コード | 従業員番号 | `jobNumber` |
//! | 姓 + U+3000 (全角スペース) + 名 | 氏名 | `name` |
//! | 生年月日 | 生年月日 | `birthday` |
//! | 入社日 | 入社年月日 | `entryTime` |
//! | メールアドレス (the first) | メール送信先アドレス | `mail` |
//!
//! [`plan_employee_sync`] compares KOT's employees with the persons already
//! in SenseLink and says what to create, update (and which fields), leave
//! alone, and which persons belong to resigned employees. It changes nothing
//! itself: the engine carries the plan out with the SenseLink client.
//!
//! Decisions (the manual does not say):
//! - KOT is the source of truth for the five fields: a value KOT does not
//!   have clears SenseLink's. KOT returns 生年月日, 入社日 and e-mail only
//!   when asked (`additionalFields=birthDate,hiredDate,emailAddresses`): an
//!   engine that does not ask would clear them all.
//! - An employee has resigned when KOT's 退職年月日 is **before** `as_of`:
//!   the resignation date is the last day of employment, on which the
//!   employee may still punch. Their persons are listed in
//!   [`EmployeeSyncPlan::resigned`] (the engine removes or disables them);
//!   a resigned employee without a person is not created.
//! - Persons whose 従業員番号 matches no KOT employee at all (visitors,
//!   contractors, people registered by hand in SenseLink, or a blank
//!   従業員番号) are **left alone** and listed in
//!   [`EmployeeSyncPlan::not_in_kot`] for the administrator to review: the
//!   sync never deletes what it did not create. (KOT's `GET /employees`
//!   omits resigned employees unless asked to include them: an engine that
//!   does not ask sees its resigned employees here, not in `resigned`.)
//! - Two persons with one 従業員番号 are ambiguous: neither is touched and
//!   the employee is [`SkipReason::AmbiguousPersons`]. An employee code KOT
//!   sends twice is [`SkipReason::DuplicateCode`].
//! - 従業員番号 are compared exactly, after trimming surrounding
//!   whitespace; names and e-mails after trimming too.
//!
//! ```
//! use chrono::NaiveDate;
//! use kot_connect_core::employee_sync::plan_employee_sync;
//! # fn employees() -> Vec<kot_api::models::Employee> { vec![] }
//! # fn persons() -> Vec<kot_connect_core::SenseLinkPerson> { vec![] }
//!
//! let today = NaiveDate::from_ymd_opt(2024, 4, 1).unwrap();
//! let plan = plan_employee_sync(&employees(), &persons(), today);
//! for person in &plan.create {
//!     println!("create {} {}", person.job_number, person.name);
//! }
//! for update in &plan.update {
//!     let fields: Vec<&str> = update.changed.iter().map(|f| f.api_name()).collect();
//!     println!("update {}: {}", update.id, fields.join(", "));
//! }
//! ```
//!
//! Every list is sorted (by 従業員番号, then person id) so that the same
//! inputs always give the same plan.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;

use chrono::NaiveDate;
use kot_api::models::Employee;
use serde::{Deserialize, Serialize};

use crate::EmployeeCode;
use crate::report::SyncCounts;

/// The full-width space (U+3000) between 姓 and 名.
pub const NAME_SEPARATOR: char = '\u{3000}';

/// The synced fields of a person, the same on both sides.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct PersonFields {
    /// 従業員番号 (`jobNumber`) = KOT 従業員コード.
    pub job_number: String,
    /// 氏名 (`name`): 姓 + U+3000 + 名.
    pub name: String,
    /// 生年月日 (`birthday`).
    pub birthday: Option<NaiveDate>,
    /// 入社年月日 (`entryTime`).
    pub entry_time: Option<NaiveDate>,
    /// メール送信先アドレス (`mail`).
    pub mail: Option<String>,
}

impl PersonFields {
    /// The fields KOT's `employee` gives (see the [module table](self)).
    ///
    /// The name is 姓 and 名 joined by a full-width space; with only one of
    /// them, that one alone; with neither, empty (such an employee is
    /// skipped by [`plan_employee_sync`]). The e-mail is the first non-blank
    /// address.
    pub fn from_employee(employee: &Employee) -> Self {
        let part = |p: &Option<String>| {
            p.as_deref()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
        };
        let name = match (part(&employee.last_name), part(&employee.first_name)) {
            (Some(last), Some(first)) => format!("{last}{NAME_SEPARATOR}{first}"),
            (Some(only), None) | (None, Some(only)) => only,
            (None, None) => String::new(),
        };
        Self {
            job_number: employee.code.as_str().trim().to_owned(),
            name,
            birthday: employee.birth_date,
            entry_time: employee.hired_date,
            mail: employee
                .email_addresses
                .iter()
                .map(|m| m.trim())
                .find(|m| !m.is_empty())
                .map(str::to_owned),
        }
    }

    /// The fields that differ from `other` (the job number aside), in
    /// [`PersonField::ALL`] order.
    pub fn changed_from(&self, other: &PersonFields) -> Vec<PersonField> {
        let trimmed = |s: &Option<String>| s.as_deref().map(str::trim).map(str::to_owned);
        let mut changed = Vec::new();
        if self.name.trim() != other.name.trim() {
            changed.push(PersonField::Name);
        }
        if self.birthday != other.birthday {
            changed.push(PersonField::Birthday);
        }
        if self.entry_time != other.entry_time {
            changed.push(PersonField::EntryTime);
        }
        if trimmed(&self.mail).filter(|m| !m.is_empty())
            != trimmed(&other.mail).filter(|m| !m.is_empty())
        {
            changed.push(PersonField::Mail);
        }
        changed
    }
}

/// One synced field, for updates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PersonField {
    /// 氏名.
    Name,
    /// 生年月日.
    Birthday,
    /// 入社年月日.
    EntryTime,
    /// メール送信先アドレス.
    Mail,
}

impl PersonField {
    /// Every field that can change, in table order.
    pub const ALL: [PersonField; 4] = [
        PersonField::Name,
        PersonField::Birthday,
        PersonField::EntryTime,
        PersonField::Mail,
    ];

    /// SenseLink's API field: `name`, `birthday`, `entryTime`, `mail`.
    pub fn api_name(self) -> &'static str {
        match self {
            PersonField::Name => "name",
            PersonField::Birthday => "birthday",
            PersonField::EntryTime => "entryTime",
            PersonField::Mail => "mail",
        }
    }

    /// SenseLink's label: 氏名, 生年月日, 入社年月日, メール送信先アドレス.
    pub fn label_ja(self) -> &'static str {
        match self {
            PersonField::Name => "氏名",
            PersonField::Birthday => "生年月日",
            PersonField::EntryTime => "入社年月日",
            PersonField::Mail => "メール送信先アドレス",
        }
    }
}

impl fmt::Display for PersonField {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.api_name())
    }
}

/// A person's id in SenseLink, opaque.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct PersonId(pub String);

impl fmt::Display for PersonId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(&self.0)
    }
}

/// A person already in SenseLink. A person without a 従業員番号 has an
/// empty `fields.job_number`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SenseLinkPerson {
    /// Its id in SenseLink.
    pub id: PersonId,
    /// Its current fields.
    pub fields: PersonFields,
}

/// A person to update.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonUpdate {
    /// The person.
    pub id: PersonId,
    /// Every field as it should be.
    pub fields: PersonFields,
    /// The fields that change, in [`PersonField::ALL`] order (never empty).
    pub changed: Vec<PersonField>,
}

/// A person whose employee has resigned in KOT.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResignedPerson {
    /// The person.
    pub id: PersonId,
    /// Its 従業員番号.
    pub job_number: String,
    /// KOT's 退職年月日.
    pub resigned_on: NaiveDate,
}

/// Why an employee is left out of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[non_exhaustive]
pub enum SkipReason {
    /// Resigned, with no person in SenseLink: nothing to do.
    Resigned {
        /// KOT's 退職年月日.
        on: NaiveDate,
    },
    /// Neither 姓 nor 名: SenseLink requires a name.
    NoName,
    /// KOT sent this employee code more than once.
    DuplicateCode,
    /// Several SenseLink persons have this 従業員番号; none is touched.
    AmbiguousPersons {
        /// Their ids.
        ids: Vec<PersonId>,
    },
    /// The employee code is blank.
    BlankCode,
}

/// An employee left out of the plan, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SkippedEmployee {
    /// The employee code as KOT sent it.
    pub code: EmployeeCode,
    /// Why.
    pub reason: SkipReason,
}

/// What the employee sync should do. See [`plan_employee_sync`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmployeeSyncPlan {
    /// Persons to create.
    pub create: Vec<PersonFields>,
    /// Persons to update.
    pub update: Vec<PersonUpdate>,
    /// Persons already up to date.
    pub unchanged: Vec<PersonId>,
    /// Persons of resigned employees, for the engine to remove or disable.
    pub resigned: Vec<ResignedPerson>,
    /// Persons no KOT employee matches: left alone, for review.
    pub not_in_kot: Vec<SenseLinkPerson>,
    /// Employees left out, with why.
    pub skipped: Vec<SkippedEmployee>,
}

impl EmployeeSyncPlan {
    /// Whether there is nothing to write.
    pub fn is_noop(&self) -> bool {
        self.create.is_empty() && self.update.is_empty() && self.resigned.is_empty()
    }

    /// The plan's numbers for the sync log (created, updated, unchanged,
    /// resigned; skipped employees count as ignored).
    pub fn counts(&self) -> SyncCounts {
        SyncCounts {
            created: self.create.len(),
            updated: self.update.len(),
            unchanged: self.unchanged.len(),
            resigned: self.resigned.len(),
            ignored: self.skipped.len(),
            ..SyncCounts::default()
        }
    }
}

/// Compares KOT's `employees` with SenseLink's `persons` on `as_of` (the
/// run's JST date). See the [module documentation](self) for the rules.
pub fn plan_employee_sync(
    employees: &[Employee],
    persons: &[SenseLinkPerson],
    as_of: NaiveDate,
) -> EmployeeSyncPlan {
    let mut plan = EmployeeSyncPlan::default();

    let mut by_job_number: BTreeMap<&str, Vec<&SenseLinkPerson>> = BTreeMap::new();
    for person in persons {
        by_job_number
            .entry(person.fields.job_number.trim())
            .or_default()
            .push(person);
    }
    for list in by_job_number.values_mut() {
        list.sort_by(|a, b| a.id.cmp(&b.id));
    }

    let mut code_count: BTreeMap<&str, usize> = BTreeMap::new();
    for employee in employees {
        *code_count.entry(employee.code.as_str().trim()).or_default() += 1;
    }

    let mut in_kot: BTreeSet<&str> = BTreeSet::new();
    for employee in employees {
        let code = employee.code.as_str().trim();
        let skip = |reason| SkippedEmployee {
            code: employee.code.clone(),
            reason,
        };
        if code.is_empty() {
            plan.skipped.push(skip(SkipReason::BlankCode));
            continue;
        }
        in_kot.insert(code);
        if code_count.get(code).copied().unwrap_or(0) > 1 {
            plan.skipped.push(skip(SkipReason::DuplicateCode));
            continue;
        }
        let matches = by_job_number.get(code).map(Vec::as_slice).unwrap_or(&[]);
        if matches.len() > 1 {
            plan.skipped.push(skip(SkipReason::AmbiguousPersons {
                ids: matches.iter().map(|p| p.id.clone()).collect(),
            }));
            continue;
        }
        let existing = matches.first();
        if let Some(resigned_on) = employee.resignation_date.filter(|d| *d < as_of) {
            match existing {
                Some(person) => plan.resigned.push(ResignedPerson {
                    id: person.id.clone(),
                    job_number: code.to_owned(),
                    resigned_on,
                }),
                None => plan
                    .skipped
                    .push(skip(SkipReason::Resigned { on: resigned_on })),
            }
            continue;
        }
        let wanted = PersonFields::from_employee(employee);
        if wanted.name.is_empty() {
            plan.skipped.push(skip(SkipReason::NoName));
            continue;
        }
        match existing {
            None => plan.create.push(wanted),
            Some(person) => {
                let changed = wanted.changed_from(&person.fields);
                if changed.is_empty() {
                    plan.unchanged.push(person.id.clone());
                } else {
                    plan.update.push(PersonUpdate {
                        id: person.id.clone(),
                        fields: wanted,
                        changed,
                    });
                }
            }
        }
    }

    plan.not_in_kot = persons
        .iter()
        .filter(|p| {
            let job = p.fields.job_number.trim();
            job.is_empty() || !in_kot.contains(job)
        })
        .cloned()
        .collect();

    plan.create.sort_by(|a, b| a.job_number.cmp(&b.job_number));
    plan.update.sort_by(|a, b| {
        a.fields
            .job_number
            .cmp(&b.fields.job_number)
            .then_with(|| a.id.cmp(&b.id))
    });
    let job_of = |id: &PersonId| {
        persons
            .iter()
            .find(|p| &p.id == id)
            .map(|p| p.fields.job_number.trim().to_owned())
    };
    plan.unchanged
        .sort_by(|a, b| job_of(a).cmp(&job_of(b)).then_with(|| a.cmp(b)));
    plan.resigned.sort_by(|a, b| {
        a.job_number
            .cmp(&b.job_number)
            .then_with(|| a.id.cmp(&b.id))
    });
    plan.not_in_kot.sort_by(|a, b| {
        a.fields
            .job_number
            .trim()
            .cmp(b.fields.job_number.trim())
            .then_with(|| a.id.cmp(&b.id))
    });
    plan.skipped.sort_by(|a, b| {
        a.code
            .cmp(&b.code)
            .then_with(|| format!("{:?}", a.reason).cmp(&format!("{:?}", b.reason)))
    });
    plan
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::json;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    fn employee(value: serde_json::Value) -> Employee {
        serde_json::from_value(value).unwrap()
    }

    fn ichiko() -> Employee {
        // The cyzen manual's example employee, with the additional fields.
        employee(json!({
            "code": "U000123",
            "key": "8b6ee646a9620b286499c3df6918c4888a97dd7bbc6a26a18743f4697a1de4b3",
            "lastName": "市ヶ谷",
            "firstName": "いちこ",
            "birthDate": "1990-04-01",
            "hiredDate": "2018-06-12",
            "emailAddresses": ["", "ichiko@example.com", "other@example.com"]
        }))
    }

    fn person(id: &str, fields: PersonFields) -> SenseLinkPerson {
        SenseLinkPerson {
            id: PersonId(id.into()),
            fields,
        }
    }

    #[test]
    fn fields_follow_section_3_1() {
        let fields = PersonFields::from_employee(&ichiko());
        assert_eq!(
            fields,
            PersonFields {
                job_number: "U000123".into(),
                name: "市ヶ谷\u{3000}いちこ".into(),
                birthday: Some(date(1990, 4, 1)),
                entry_time: Some(date(2018, 6, 12)),
                mail: Some("ichiko@example.com".into()),
            }
        );
    }

    #[test]
    fn partial_names_have_no_separator() {
        let only_last = employee(json!({"code": "1", "key": "k", "lastName": " 千住 "}));
        assert_eq!(PersonFields::from_employee(&only_last).name, "千住");
        let only_first =
            employee(json!({"code": "1", "key": "k", "firstName": "五郎", "lastName": ""}));
        assert_eq!(PersonFields::from_employee(&only_first).name, "五郎");
        let mail = employee(json!({"code": "1", "key": "k", "emailAddresses": "a@b.jp"}));
        assert_eq!(
            PersonFields::from_employee(&mail).mail.as_deref(),
            Some("a@b.jp")
        );
    }

    #[test]
    fn the_diff() {
        let as_of = date(2024, 4, 1);
        let wanted = PersonFields::from_employee(&ichiko());
        let moved = employee(json!({
            "code": "U000124", "key": "k2", "lastName": "湊山", "firstName": "信輔",
            "emailAddresses": ["minato@example.com"]
        }));
        let new_hire = employee(
            json!({"code": "U000200", "key": "k3", "lastName": "用賀", "firstName": "百男"}),
        );
        let resigned = employee(json!({
            "code": "U00528", "key": "k4", "lastName": "千住", "firstName": "五郎",
            "resignationDate": "2024-03-31"
        }));
        let resigned_today = employee(json!({
            "code": "U00529", "key": "k5", "lastName": "戸田", "firstName": "八郎",
            "resignationDate": "2024-04-01"
        }));
        let resigned_long_ago = employee(json!({
            "code": "U00001", "key": "k6", "lastName": "古", "firstName": "人",
            "resignationDate": "2020-01-31"
        }));
        let nameless = employee(json!({"code": "U00999", "key": "k7"}));
        let persons = vec![
            person("p1", wanted.clone()),
            person(
                "p2",
                PersonFields {
                    job_number: "U000124".into(),
                    name: "湊山 信輔".into(), // half-width space: differs
                    birthday: None,
                    entry_time: Some(date(2019, 11, 8)), // KOT has none: cleared
                    mail: Some("minato@example.com".into()),
                },
            ),
            person(
                "p3",
                PersonFields {
                    job_number: "U00528".into(),
                    ..wanted.clone()
                },
            ),
            person(
                "p9",
                PersonFields {
                    job_number: "VISITOR-1".into(),
                    ..wanted.clone()
                },
            ),
            person(
                "p8",
                PersonFields {
                    job_number: "".into(),
                    ..wanted.clone()
                },
            ),
        ];
        let employees = vec![
            resigned_today,
            nameless,
            new_hire,
            resigned,
            moved,
            ichiko(),
            resigned_long_ago,
        ];
        let plan = plan_employee_sync(&employees, &persons, as_of);

        let created: Vec<&str> = plan.create.iter().map(|p| p.job_number.as_str()).collect();
        assert_eq!(created, ["U000200", "U00529"]);
        assert_eq!(plan.create[0].name, "用賀\u{3000}百男");
        assert_eq!(plan.update.len(), 1);
        assert_eq!(plan.update[0].id, PersonId("p2".into()));
        assert_eq!(
            plan.update[0].changed,
            [PersonField::Name, PersonField::EntryTime]
        );
        assert_eq!(plan.update[0].fields.name, "湊山\u{3000}信輔");
        assert_eq!(plan.unchanged, [PersonId("p1".into())]);
        assert_eq!(
            plan.resigned,
            [ResignedPerson {
                id: PersonId("p3".into()),
                job_number: "U00528".into(),
                resigned_on: date(2024, 3, 31),
            }]
        );
        let review: Vec<&str> = plan.not_in_kot.iter().map(|p| p.id.0.as_str()).collect();
        assert_eq!(review, ["p8", "p9"]);
        assert_eq!(
            plan.skipped,
            [
                SkippedEmployee {
                    code: EmployeeCode::new("U00001"),
                    reason: SkipReason::Resigned {
                        on: date(2020, 1, 31)
                    },
                },
                SkippedEmployee {
                    code: EmployeeCode::new("U00999"),
                    reason: SkipReason::NoName,
                },
            ]
        );
        let counts = plan.counts();
        assert_eq!(
            (
                counts.created,
                counts.updated,
                counts.unchanged,
                counts.resigned,
                counts.ignored
            ),
            (2, 1, 1, 1, 2)
        );
        assert!(!plan.is_noop());
    }

    #[test]
    fn ambiguous_and_duplicate_codes_touch_nothing() {
        let wanted = PersonFields::from_employee(&ichiko());
        let persons = vec![person("b", wanted.clone()), person("a", wanted.clone())];
        let plan = plan_employee_sync(&[ichiko()], &persons, date(2024, 4, 1));
        assert!(plan.is_noop() && plan.unchanged.is_empty() && plan.not_in_kot.is_empty());
        assert_eq!(
            plan.skipped[0].reason,
            SkipReason::AmbiguousPersons {
                ids: vec![PersonId("a".into()), PersonId("b".into())]
            }
        );
        let plan = plan_employee_sync(&[ichiko(), ichiko()], &[], date(2024, 4, 1));
        assert!(plan.create.is_empty());
        assert_eq!(plan.skipped.len(), 2);
        assert!(
            plan.skipped
                .iter()
                .all(|s| s.reason == SkipReason::DuplicateCode)
        );
    }

    #[test]
    fn a_second_run_after_applying_the_plan_is_a_noop() {
        let employees = vec![
            ichiko(),
            employee(json!({"code": "7", "key": "k", "lastName": "七"})),
        ];
        let first = plan_employee_sync(&employees, &[], date(2024, 4, 1));
        let persons: Vec<SenseLinkPerson> = first
            .create
            .iter()
            .enumerate()
            .map(|(i, f)| person(&format!("p{i}"), f.clone()))
            .collect();
        let second = plan_employee_sync(&employees, &persons, date(2024, 4, 1));
        assert!(second.is_noop());
        assert_eq!(second.unchanged.len(), 2);
    }

    proptest! {
        #[test]
        fn the_plan_does_not_depend_on_input_order(
            codes in prop::collection::vec((0u8..6, any::<bool>(), prop::option::of(0u8..3)), 0..8),
            jobs in prop::collection::vec((0u8..8, any::<bool>()), 0..8),
        ) {
            let employees: Vec<Employee> = codes
                .iter()
                .map(|(c, named, resigned)| {
                    let mut v = json!({"code": format!("E{c}"), "key": format!("k{c}")});
                    if *named {
                        v["lastName"] = json!("姓");
                        v["firstName"] = json!(format!("名{c}"));
                    }
                    if let Some(r) = resigned {
                        v["resignationDate"] = json!(format!("2024-04-0{}", r + 1));
                    }
                    employee(v)
                })
                .collect();
            let persons: Vec<SenseLinkPerson> = jobs
                .iter()
                .enumerate()
                .map(|(i, (j, same))| person(
                    &format!("p{i}"),
                    PersonFields {
                        job_number: format!("E{j}"),
                        name: if *same { format!("姓\u{3000}名{j}") } else { "x".into() },
                        birthday: None,
                        entry_time: None,
                        mail: None,
                    },
                ))
                .collect();
            let as_of = date(2024, 4, 2);
            let plan = plan_employee_sync(&employees, &persons, as_of);
            let mut e2 = employees.clone();
            e2.reverse();
            let mut p2 = persons.clone();
            p2.reverse();
            prop_assert_eq!(&plan, &plan_employee_sync(&e2, &p2, as_of));
            // Every person is in at most one list.
            let mut seen = BTreeSet::new();
            let ids = plan.update.iter().map(|u| &u.id)
                .chain(&plan.unchanged)
                .chain(plan.resigned.iter().map(|r| &r.id))
                .chain(plan.not_in_kot.iter().map(|p| &p.id));
            for id in ids {
                prop_assert!(seen.insert(id.clone()), "{id} twice");
            }
            // Every update changes something.
            prop_assert!(plan.update.iter().all(|u| !u.changed.is_empty()));
        }
    }
}
