//! Employees (`/employees`) and the employee snapshot embedded in working data.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::enums::Gender;
use super::ids::{DivisionCode, EmployeeCode, EmployeeGroupCode, EmployeeKey, EmployeeTypeCode};
use super::patch::Patch;

/// 従業員 (employee) as returned by `GET /employees`, `GET /employees/{code}`,
/// `POST /employees` and `PUT /employees/{key}`.
///
/// Fields marked "additional" are only present when requested with
/// `additionalFields` (the PUT response always includes them).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct Employee {
    /// 従業員コード (employee code, mutable).
    pub code: EmployeeCode,
    /// 従業員識別キー (employee key, immutable).
    pub key: EmployeeKey,
    /// 所属コード (division code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_code: Option<DivisionCode>,
    /// 所属名 (division name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_name: Option<String>,
    /// 性別 (gender).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// 雇用区分コード (employee type code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_code: Option<EmployeeTypeCode>,
    /// 雇用区分名 (employee type name), e.g. `"正社員"`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// 姓 (family name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// 名 (given name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// 姓（カナ） (family name reading); additional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name_phonetics: Option<String>,
    /// 名（カナ） (given name reading); additional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name_phonetics: Option<String>,
    /// 入社年月日 (hire date); additional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hired_date: Option<NaiveDate>,
    /// 生年月日 (birth date); additional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    /// 退職年月日 (resignation date); additional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resignation_date: Option<NaiveDate>,
    /// メールアドレス (e-mail addresses); additional. A single string is also accepted.
    #[serde(
        default,
        skip_serializing_if = "Vec::is_empty",
        deserialize_with = "super::macros::string_or_seq"
    )]
    pub email_addresses: Vec<String>,
    /// 日の契約労働時間 (contracted working minutes per day, e.g. 480); additional.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_day_regarding_work_in_minute: Option<i64>,
    /// 従業員グループ情報 (employee groups the employee belongs to).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub employee_groups: Vec<EmployeeGroupRef>,
}

/// An employee group an employee belongs to (従業員グループ情報).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct EmployeeGroupRef {
    /// 従業員グループコード (group code).
    pub code: EmployeeGroupCode,
    /// 従業員グループ名 (group name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

/// 今日時点の従業員データ: the employee as of today, embedded in working data
/// when requested with `additionalFields=currentDateEmployee`. All fields optional.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[non_exhaustive]
pub struct CurrentDateEmployee {
    /// 所属コード (division code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_code: Option<DivisionCode>,
    /// 所属名 (division name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub division_name: Option<String>,
    /// 性別 (gender; may be `no_selected` here).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<Gender>,
    /// 雇用区分コード (employee type code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_code: Option<EmployeeTypeCode>,
    /// 雇用区分名 (employee type name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub type_name: Option<String>,
    /// 従業員コード (employee code).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub code: Option<EmployeeCode>,
    /// 姓 (family name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name: Option<String>,
    /// 名 (given name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name: Option<String>,
    /// 姓（カナ） (family name reading).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name_phonetics: Option<String>,
    /// 名（カナ） (given name reading).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name_phonetics: Option<String>,
    /// 従業員グループ情報 (employee groups).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub employee_groups: Vec<EmployeeGroupRef>,
}

/// Body of `POST /employees` (従業員データ登録).
///
/// Build it with [`NewEmployee::new`] (the six required items) and add optional
/// items with the `with_*` methods or by setting the public fields.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct NewEmployee {
    /// 所属コード (division code); required.
    pub division_code: DivisionCode,
    /// 性別 (gender); required, `male` or `female`.
    pub gender: Gender,
    /// 雇用区分コード (employee type code); required.
    pub type_code: EmployeeTypeCode,
    /// 従業員コード (employee code); required.
    pub code: EmployeeCode,
    /// 姓 (family name); required.
    pub last_name: String,
    /// 名 (given name); required.
    pub first_name: String,
    /// 姓（カナ） (family name reading).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub last_name_phonetics: Option<String>,
    /// 名（カナ） (given name reading).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub first_name_phonetics: Option<String>,
    /// 入社年月日 (hire date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hired_date: Option<NaiveDate>,
    /// 生年月日 (birth date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_date: Option<NaiveDate>,
    /// 退職年月日 (resignation date).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub resignation_date: Option<NaiveDate>,
    /// メールアドレス (e-mail addresses).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub email_addresses: Vec<String>,
    /// 日の契約労働時間 (contracted working minutes per day).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub all_day_regarding_work_in_minute: Option<i64>,
}

impl NewEmployee {
    /// A new employee with the required items only.
    pub fn new(
        code: EmployeeCode,
        last_name: impl Into<String>,
        first_name: impl Into<String>,
        division_code: DivisionCode,
        type_code: EmployeeTypeCode,
        gender: Gender,
    ) -> Self {
        NewEmployee {
            division_code,
            gender,
            type_code,
            code,
            last_name: last_name.into(),
            first_name: first_name.into(),
            last_name_phonetics: None,
            first_name_phonetics: None,
            hired_date: None,
            birth_date: None,
            resignation_date: None,
            email_addresses: Vec::new(),
            all_day_regarding_work_in_minute: None,
        }
    }

    /// Sets 姓・名（カナ） (the name readings).
    pub fn with_phonetics(mut self, last: impl Into<String>, first: impl Into<String>) -> Self {
        self.last_name_phonetics = Some(last.into());
        self.first_name_phonetics = Some(first.into());
        self
    }

    /// Sets 入社年月日 (hire date).
    pub fn with_hired_date(mut self, date: NaiveDate) -> Self {
        self.hired_date = Some(date);
        self
    }

    /// Sets 生年月日 (birth date).
    pub fn with_birth_date(mut self, date: NaiveDate) -> Self {
        self.birth_date = Some(date);
        self
    }

    /// Sets 退職年月日 (resignation date).
    pub fn with_resignation_date(mut self, date: NaiveDate) -> Self {
        self.resignation_date = Some(date);
        self
    }

    /// Adds an e-mail address.
    pub fn with_email_address(mut self, address: impl Into<String>) -> Self {
        self.email_addresses.push(address.into());
        self
    }

    /// Sets 日の契約労働時間 (contracted working minutes per day).
    pub fn with_all_day_regarding_work_in_minute(mut self, minutes: i64) -> Self {
        self.all_day_regarding_work_in_minute = Some(minutes);
        self
    }
}

/// Body of `PUT /employees/{employeeKey}` (従業員データ更新): a partial update.
///
/// Every field defaults to [`Patch::Keep`] (left out of the body, unchanged);
/// [`Patch::Clear`] is sent as `null` and makes KOT set the item to NULL.
///
/// ```
/// use kot_api::models::{EmployeeUpdate, Patch};
///
/// let update = EmployeeUpdate {
///     last_name: Patch::Set("山田".to_owned()),
///     resignation_date: Patch::Clear,
///     ..EmployeeUpdate::default()
/// };
/// assert_eq!(
///     serde_json::to_string(&update).unwrap(),
///     r#"{"lastName":"山田","resignationDate":null}"#,
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct EmployeeUpdate {
    /// 所属コード (division code).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub division_code: Patch<DivisionCode>,
    /// 性別 (gender).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub gender: Patch<Gender>,
    /// 雇用区分コード (employee type code).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub type_code: Patch<EmployeeTypeCode>,
    /// 従業員コード (employee code).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub code: Patch<EmployeeCode>,
    /// 姓 (family name).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub last_name: Patch<String>,
    /// 名 (given name).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub first_name: Patch<String>,
    /// 姓（カナ） (family name reading).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub last_name_phonetics: Patch<String>,
    /// 名（カナ） (given name reading).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub first_name_phonetics: Patch<String>,
    /// 入社年月日 (hire date).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub hired_date: Patch<NaiveDate>,
    /// 生年月日 (birth date).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub birth_date: Patch<NaiveDate>,
    /// 退職年月日 (resignation date).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub resignation_date: Patch<NaiveDate>,
    /// メールアドレス (e-mail addresses; the whole list is replaced).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub email_addresses: Patch<Vec<String>>,
    /// 日の契約労働時間 (contracted working minutes per day).
    #[serde(default, skip_serializing_if = "Patch::is_keep")]
    pub all_day_regarding_work_in_minute: Patch<i64>,
}

impl EmployeeUpdate {
    /// An update that changes nothing (every field [`Patch::Keep`]).
    pub fn new() -> Self {
        Self::default()
    }

    /// `true` if every field is [`Patch::Keep`], i.e. the body would be `{}`.
    pub fn is_empty(&self) -> bool {
        self == &Self::default()
    }
}
