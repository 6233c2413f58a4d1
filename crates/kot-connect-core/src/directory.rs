//! The directory of KOT employees: employee code (従業員コード) → employee key
//! (従業員識別キー), with resignation dates and each employee's day border.
//!
//! KOT's punch endpoint takes the immutable employee *key*; sources know the
//! employee *code*. [`Directory::resolve`] fills [`Punch::key`] or says
//! precisely why it cannot.
//!
//! # Resignation boundary
//!
//! KOT's 退職年月日 (resignation date) is the employee's last day. An employee
//! is therefore **active on their resignation date** and resigned for every
//! work date *after* it: a punch whose work date is later than the
//! resignation date is refused with [`ResolveError::Resigned`].

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use kot_api::models::{Division, DivisionCode, Employee};

use crate::punch::Punch;
use crate::rules::DayBorders;
use crate::time::DayBorder;
use crate::{EmployeeCode, EmployeeKey};

/// One employee as the directory knows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DirectoryEntry {
    /// The employee code (従業員コード).
    pub code: EmployeeCode,
    /// The employee key (従業員識別キー).
    pub key: EmployeeKey,
    /// The division code (所属コード), when KOT sent one.
    pub division: Option<DivisionCode>,
    /// 退職年月日: the last day the employee works, if resigned.
    pub resignation_date: Option<NaiveDate>,
    /// The day border of the employee's division; `None` when KOT's
    /// divisions were not given or do not list it (the directory's fallback
    /// border applies).
    pub border: Option<DayBorder>,
}

impl DirectoryEntry {
    /// `true` when the employee has resigned for `work_date`: their
    /// resignation date is *before* it (the resignation date itself is
    /// still a working day).
    pub fn is_resigned_at(&self, work_date: NaiveDate) -> bool {
        self.resignation_date
            .is_some_and(|resigned| resigned < work_date)
    }
}

/// Why an employee code could not be turned into an employee key.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ResolveError {
    /// No KOT employee has this code.
    #[error("unknown employee code {code:?} (従業員コードが KING OF TIME にありません)")]
    UnknownCode {
        /// The code looked up.
        code: EmployeeCode,
    },
    /// The employee resigned before the work date.
    #[error("employee {code:?} resigned on {resigned_on}, before work date {work_date} (退職済み)")]
    Resigned {
        /// The employee code.
        code: EmployeeCode,
        /// 退職年月日.
        resigned_on: NaiveDate,
        /// The work date of the punch.
        work_date: NaiveDate,
    },
    /// KOT's employee list holds this code more than once with different
    /// keys; the directory does not guess.
    #[error("employee code {code:?} belongs to {} KOT employees", keys.len())]
    DuplicateCode {
        /// The code.
        code: EmployeeCode,
        /// The keys that carry it, sorted.
        keys: Vec<EmployeeKey>,
    },
}

#[derive(Debug, Clone)]
enum Slot {
    One(DirectoryEntry),
    Duplicate(Vec<EmployeeKey>),
}

/// KOT employees by code, with their day borders.
///
/// Built from `GET /employees` (with the `resignationDate` additional field
/// when resigned employees are listed) and, optionally, `GET /divisions`.
/// It implements [`DayBorders`], so rules read each employee's work date
/// from it.
#[derive(Debug, Clone, Default)]
pub struct Directory {
    by_code: HashMap<EmployeeCode, Slot>,
    fallback_border: DayBorder,
}

impl Directory {
    /// A directory of `employees`; every day border is the fallback
    /// (midnight unless [`Directory::with_fallback_border`] says otherwise).
    pub fn new(employees: &[Employee]) -> Self {
        Self::with_divisions(employees, &[])
    }

    /// A directory of `employees` whose day borders come from their
    /// division in `divisions` (via [`DayBorder::from`]); an employee with no
    /// division, or one whose division is not in `divisions`, gets the
    /// fallback border.
    ///
    /// A code listed twice with the same key is kept once; a code listed
    /// with two different keys is kept as a duplicate that never resolves
    /// ([`ResolveError::DuplicateCode`]).
    pub fn with_divisions(employees: &[Employee], divisions: &[Division]) -> Self {
        let borders: HashMap<&DivisionCode, DayBorder> = divisions
            .iter()
            .map(|division| (&division.code, DayBorder::from(division)))
            .collect();
        let mut by_code: HashMap<EmployeeCode, Slot> = HashMap::with_capacity(employees.len());
        for employee in employees {
            let entry = DirectoryEntry {
                code: employee.code.clone(),
                key: employee.key.clone(),
                division: employee.division_code.clone(),
                resignation_date: employee.resignation_date,
                border: employee
                    .division_code
                    .as_ref()
                    .and_then(|code| borders.get(code).copied()),
            };
            match by_code.get_mut(&employee.code) {
                None => {
                    by_code.insert(employee.code.clone(), Slot::One(entry));
                }
                Some(Slot::One(existing)) if existing.key == entry.key => {}
                Some(slot) => {
                    let mut keys = match slot {
                        Slot::One(existing) => vec![existing.key.clone()],
                        Slot::Duplicate(keys) => std::mem::take(keys),
                    };
                    if !keys.contains(&entry.key) {
                        keys.push(entry.key);
                    }
                    keys.sort();
                    *slot = Slot::Duplicate(keys);
                }
            }
        }
        Directory {
            by_code,
            fallback_border: DayBorder::MIDNIGHT,
        }
    }

    /// Uses `border` for employees whose division border is unknown.
    pub fn with_fallback_border(mut self, border: DayBorder) -> Self {
        self.fallback_border = border;
        self
    }

    /// The number of distinct employee codes.
    pub fn len(&self) -> usize {
        self.by_code.len()
    }

    /// `true` when the directory holds no employee.
    pub fn is_empty(&self) -> bool {
        self.by_code.is_empty()
    }

    /// `true` when some KOT employee has `code` (resigned or not).
    pub fn contains(&self, code: &EmployeeCode) -> bool {
        self.by_code.contains_key(code)
    }

    /// The employee with `code`, whatever the date.
    ///
    /// # Errors
    ///
    /// [`ResolveError::UnknownCode`] or [`ResolveError::DuplicateCode`].
    pub fn entry(&self, code: &EmployeeCode) -> Result<&DirectoryEntry, ResolveError> {
        match self.by_code.get(code) {
            None => Err(ResolveError::UnknownCode { code: code.clone() }),
            Some(Slot::Duplicate(keys)) => Err(ResolveError::DuplicateCode {
                code: code.clone(),
                keys: keys.clone(),
            }),
            Some(Slot::One(entry)) => Ok(entry),
        }
    }

    /// The key of the employee with `code` who is active on `work_date`.
    ///
    /// # Errors
    ///
    /// [`ResolveError::UnknownCode`], [`ResolveError::DuplicateCode`], or
    /// [`ResolveError::Resigned`] when the resignation date is before
    /// `work_date` (see the module docs for the boundary).
    pub fn key_at(
        &self,
        code: &EmployeeCode,
        work_date: NaiveDate,
    ) -> Result<&EmployeeKey, ResolveError> {
        let entry = self.entry(code)?;
        match entry.resignation_date {
            Some(resigned_on) if resigned_on < work_date => Err(ResolveError::Resigned {
                code: code.clone(),
                resigned_on,
                work_date,
            }),
            _ => Ok(&entry.key),
        }
    }

    /// Fills `punch.key` from `punch.employee` at `punch.work_date`.
    ///
    /// # Errors
    ///
    /// As [`Directory::key_at`]; the punch is left unchanged on error.
    pub fn resolve(&self, punch: &mut Punch) -> Result<(), ResolveError> {
        let key = self.key_at(&punch.employee, punch.work_date)?;
        punch.key = Some(key.clone());
        Ok(())
    }

    /// Resolves every punch: the resolved ones in input order, and every
    /// other punch with its reason. None is dropped.
    pub fn resolve_all(&self, punches: Vec<Punch>) -> Resolution {
        let mut resolution = Resolution::default();
        for mut punch in punches {
            match self.resolve(&mut punch) {
                Ok(()) => resolution.resolved.push(punch),
                Err(error) => resolution.failed.push(Unresolved { punch, error }),
            }
        }
        resolution
    }
}

impl DayBorders for Directory {
    /// The border of the employee's division, else the fallback border.
    fn border_for(&self, employee: &EmployeeCode) -> DayBorder {
        match self.by_code.get(employee) {
            Some(Slot::One(entry)) => entry.border.unwrap_or(self.fallback_border),
            _ => self.fallback_border,
        }
    }
}

/// A punch the directory could not resolve, and why.
#[derive(Debug, Clone, PartialEq)]
pub struct Unresolved {
    /// The punch, `key` still `None`.
    pub punch: Punch,
    /// Why.
    pub error: ResolveError,
}

impl fmt::Display for Unresolved {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.punch.source, self.error)
    }
}

/// What [`Directory::resolve_all`] made of a list of punches.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Resolution {
    /// Punches with their key filled, in input order.
    pub resolved: Vec<Punch>,
    /// Punches that could not be resolved, in input order.
    pub failed: Vec<Unresolved>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::punch::{PunchKind, SourceRef, SourceSystem};
    use crate::time::jst;
    use chrono::TimeZone;

    fn employees() -> Vec<Employee> {
        serde_json::from_value(serde_json::json!([
            {"code": "0012", "key": "k0012", "divisionCode": "1000"},
            {"code": "12", "key": "k12", "divisionCode": "2000"},
            {"code": "2022", "key": "k2022", "resignationDate": "2026-03-31"},
            {"code": "dup", "key": "ka"},
            {"code": "dup", "key": "kb"},
            {"code": "same", "key": "ks"},
            {"code": "same", "key": "ks"}
        ]))
        .unwrap()
    }

    fn divisions() -> Vec<Division> {
        serde_json::from_value(serde_json::json!([
            {"code": "1000", "name": "本社", "dayBorderTime": "05:00"}
        ]))
        .unwrap()
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn leading_zeros_are_significant() {
        let dir = Directory::new(&employees());
        let day = date(2026, 1, 5);
        assert_eq!(dir.key_at(&"0012".into(), day).unwrap().as_str(), "k0012");
        assert_eq!(dir.key_at(&"12".into(), day).unwrap().as_str(), "k12");
        assert_eq!(
            dir.key_at(&"012".into(), day),
            Err(ResolveError::UnknownCode { code: "012".into() })
        );
    }

    #[test]
    fn resigned_after_the_resignation_date_only() {
        let dir = Directory::new(&employees());
        let code: EmployeeCode = "2022".into();
        assert!(dir.key_at(&code, date(2026, 3, 30)).is_ok());
        // The resignation date itself is the last working day.
        assert!(dir.key_at(&code, date(2026, 3, 31)).is_ok());
        assert_eq!(
            dir.key_at(&code, date(2026, 4, 1)),
            Err(ResolveError::Resigned {
                code: code.clone(),
                resigned_on: date(2026, 3, 31),
                work_date: date(2026, 4, 1),
            })
        );
    }

    #[test]
    fn duplicate_codes_never_resolve_but_repeats_do() {
        let dir = Directory::new(&employees());
        assert_eq!(
            dir.entry(&"dup".into()),
            Err(ResolveError::DuplicateCode {
                code: "dup".into(),
                keys: vec!["ka".into(), "kb".into()],
            })
        );
        assert_eq!(dir.entry(&"same".into()).unwrap().key.as_str(), "ks");
        assert_eq!(dir.len(), 5);
    }

    #[test]
    fn borders_come_from_divisions_with_a_fallback() {
        let five: DayBorder = "05:00".parse().unwrap();
        let four: DayBorder = "04:00".parse().unwrap();
        let dir = Directory::with_divisions(&employees(), &divisions()).with_fallback_border(four);
        assert_eq!(dir.border_for(&"0012".into()), five);
        // Division 2000 is not listed, "2022" has none, "nobody" is unknown.
        assert_eq!(dir.border_for(&"12".into()), four);
        assert_eq!(dir.border_for(&"2022".into()), four);
        assert_eq!(dir.border_for(&"nobody".into()), four);
        assert_eq!(
            Directory::new(&employees()).border_for(&"0012".into()),
            DayBorder::MIDNIGHT
        );
    }

    fn punch(code: &str, work_date: NaiveDate) -> Punch {
        Punch {
            employee: code.into(),
            key: None,
            kind: PunchKind::ClockIn,
            at: jst().with_ymd_and_hms(2026, 4, 1, 9, 0, 0).unwrap(),
            work_date,
            source: SourceRef::new(SourceSystem::SenseLink, code),
            location: None,
        }
    }

    #[test]
    fn resolve_all_keeps_every_punch() {
        let dir = Directory::new(&employees());
        let day = date(2026, 4, 1);
        let out = dir.resolve_all(vec![
            punch("0012", day),
            punch("2022", day),
            punch("x", day),
            punch("12", day),
        ]);
        let keys: Vec<_> = out
            .resolved
            .iter()
            .map(|p| p.key.as_ref().unwrap().as_str())
            .collect();
        assert_eq!(keys, ["k0012", "k12"]);
        assert_eq!(out.failed.len(), 2);
        assert!(matches!(out.failed[0].error, ResolveError::Resigned { .. }));
        assert_eq!(out.failed[0].punch.key, None);
        assert!(matches!(
            out.failed[1].error,
            ResolveError::UnknownCode { .. }
        ));
        assert!(
            out.failed[1]
                .to_string()
                .starts_with("senselink:x: unknown employee code")
        );
    }
}
