//! The `additionalFields` each endpoint accepts.

use std::fmt::Display;

use serde::{Serialize, Serializer};

use crate::models::DivisionCode;
use crate::models::macros::string_enum;

string_enum! {
    /// Additional fields of `GET /employees` and `GET /employees/{employeeCode}`.
    pub enum EmployeeField {
        /// 姓(フリガナ).
        LastNamePhonetics = "lastNamePhonetics",
        /// 名(フリガナ).
        FirstNamePhonetics = "firstNamePhonetics",
        /// 入社日.
        HiredDate = "hiredDate",
        /// 生年月日.
        BirthDate = "birthDate",
        /// 退職日.
        ResignationDate = "resignationDate",
        /// メールアドレス.
        EmailAddresses = "emailAddresses",
        /// 日の契約労働時間 (minutes).
        AllDayRegardingWorkInMinute = "allDayRegardingWorkInMinute",
    }
}

impl EmployeeField {
    /// Every documented additional field.
    pub fn all() -> Vec<EmployeeField> {
        Self::KNOWN.to_vec()
    }
}

string_enum! {
    /// Additional fields of `GET /administrators`.
    pub enum AdministratorField {
        /// The administrator's e-mail addresses.
        EmailAddresses = "emailAddresses",
        /// The employees linked to the administrator.
        AssociatedEmployees = "associatedEmployees",
    }
}

string_enum! {
    /// Additional fields of `GET /employee-groups`.
    pub enum EmployeeGroupField {
        /// The group's category.
        Category = "category",
    }
}

string_enum! {
    /// Additional fields of the daily, cost, holiday and yearly endpoints.
    pub enum DailyField {
        /// The employee's data as of that date (code, name, division, ...).
        CurrentDateEmployee = "currentDateEmployee",
    }
}

string_enum! {
    /// Additional fields of `GET /monthly-workings/{YYYY-MM}`.
    pub enum MonthlyField {
        /// Weekly overtime figures.
        WeeklyWork = "weeklyWork",
        /// Variable working-hours figures.
        VariationalWork = "variationalWork",
        /// Whether the month is confirmed.
        IsConfirmation = "isConfirmation",
        /// The employee's data as of the month.
        CurrentDateEmployee = "currentDateEmployee",
    }
}

string_enum! {
    /// Additional fields of the request (申請) endpoints.
    pub enum RequestField {
        /// Schedule pattern code.
        SchedulePatternCode = "schedulePatternCode",
        /// Schedule pattern name.
        SchedulePatternName = "schedulePatternName",
        /// Fixed work start.
        WorkFixedStart = "workFixedStart",
        /// Fixed work end.
        WorkFixedEnd = "workFixedEnd",
        /// Note.
        Note = "note",
        /// The approval flow.
        Flow = "flow",
    }
}

/// The query of reads whose only options are a division and additional fields.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub(crate) struct FieldsQuery<F: Display> {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) division: Option<DivisionCode>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_list")]
    pub(crate) additional_fields: Vec<F>,
}

impl<F: Display> Default for FieldsQuery<F> {
    fn default() -> Self {
        Self {
            division: None,
            additional_fields: Vec::new(),
        }
    }
}

/// Serializes a list as one comma-separated value (`explode: false`).
pub(crate) fn comma_list<S: Serializer, T: Display>(
    items: &[T],
    serializer: S,
) -> Result<S::Ok, S::Error> {
    let joined = items
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(",");
    serializer.serialize_str(&joined)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_query_serialization() {
        let q = FieldsQuery {
            division: Some(DivisionCode::new("1000")),
            additional_fields: vec![MonthlyField::WeeklyWork, MonthlyField::IsConfirmation],
        };
        assert_eq!(
            serde_urlencoded::to_string(&q).unwrap(),
            "division=1000&additionalFields=weeklyWork%2CisConfirmation"
        );
        let q = FieldsQuery {
            division: None,
            additional_fields: vec![
                AdministratorField::EmailAddresses,
                AdministratorField::AssociatedEmployees,
            ],
        };
        assert_eq!(
            serde_urlencoded::to_string(&q).unwrap(),
            "additionalFields=emailAddresses%2CassociatedEmployees"
        );
        let empty: FieldsQuery<AdministratorField> = FieldsQuery::default();
        assert_eq!(serde_urlencoded::to_string(&empty).unwrap(), "");
    }

    #[test]
    fn wire_names_and_unknown_fields() {
        assert_eq!(EmployeeField::HiredDate.as_str(), "hiredDate");
        assert_eq!(EmployeeField::all().len(), 7);
        let future = EmployeeField::from("someNewField");
        assert!(future.is_unknown());
        assert_eq!(future.to_string(), "someNewField");
    }
}
