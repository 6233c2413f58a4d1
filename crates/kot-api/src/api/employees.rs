//! Employees (従業員): list, get by code, create, update and delete by key.

use chrono::NaiveDate;
use kot_connect_http::Request;
use serde::Serialize;

use super::fields::{EmployeeField, comma_list};
use crate::client::Band;
use crate::models::{
    DivisionCode, Employee, EmployeeCode, EmployeeKey, EmployeeUpdate, NewEmployee,
};
use crate::{Client, Error};

/// Employee calls.
///
/// KOT identifies an employee two ways: the **code** (従業員コード), which
/// administrators see and may change, and the **key** (従業員識別キー), which
/// never changes. Only [`get`](Self::get) takes a code; every other call, and
/// every punch, takes a key. The two are distinct types here.
#[derive(Debug, Clone, Copy)]
pub struct EmployeesHandler<'c> {
    client: &'c Client,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct EmployeeQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    date: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    division: Option<DivisionCode>,
    #[serde(skip_serializing_if = "Option::is_none")]
    include_resigner: Option<bool>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_list")]
    additional_fields: Vec<EmployeeField>,
}

impl<'c> EmployeesHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Lists employees (`GET /employees`). There is no paging: one call
    /// returns every matching employee.
    pub fn list(&self) -> ListEmployees<'c> {
        ListEmployees {
            client: self.client,
            query: EmployeeQuery::default(),
        }
    }

    /// One employee by code (`GET /employees/{employeeCode}`).
    pub fn get(&self, code: &EmployeeCode) -> GetEmployee<'c> {
        GetEmployee {
            client: self.client,
            code: code.clone(),
            query: EmployeeQuery::default(),
        }
    }

    /// Registers an employee (`POST /employees`); KOT answers with the new
    /// employee, key included. Never retried (not idempotent).
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn create(&self, employee: &NewEmployee) -> Result<Employee, Error> {
        let request = Request::post("POST /employees")
            .path(["employees"])
            .json(employee)?;
        self.client.send_json(request, Band::Guarded).await
    }

    /// Updates the fields set in `update` (`PUT /employees/{employeeKey}`):
    /// [`Patch::Keep`](crate::models::Patch::Keep) fields are left out of the
    /// body, [`Patch::Clear`](crate::models::Patch::Clear) ones are sent as
    /// `null` and cleared by KOT.
    pub fn update(&self, key: &EmployeeKey, update: &EmployeeUpdate) -> UpdateEmployee<'c> {
        UpdateEmployee {
            client: self.client,
            key: key.clone(),
            update: update.clone(),
            update_date: None,
        }
    }

    /// Deletes an employee (`DELETE /employees/{employeeKey}`).
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn delete(&self, key: &EmployeeKey) -> Result<(), Error> {
        let request =
            Request::delete("DELETE /employees/{employeeKey}").path(["employees", key.as_str()]);
        self.client.send(request, Band::Guarded).await?;
        Ok(())
    }
}

macro_rules! employee_query_setters {
    () => {
        /// The employees' data as of this date (default: today in JST; KOT
        /// accepts up to 3 years back and 1 year ahead).
        pub fn date(mut self, date: NaiveDate) -> Self {
            self.query.date = Some(date);
            self
        }

        /// Includes employees who had resigned by that date.
        pub fn include_resigner(mut self, include: bool) -> Self {
            self.query.include_resigner = Some(include);
            self
        }

        /// Asks for additional fields (phonetic names, dates, e-mail addresses...).
        pub fn additional_fields(
            mut self,
            fields: impl IntoIterator<Item = EmployeeField>,
        ) -> Self {
            self.query.additional_fields.extend(fields);
            self
        }
    };
}

/// The request built by [`EmployeesHandler::list`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct ListEmployees<'c> {
    client: &'c Client,
    query: EmployeeQuery,
}

impl ListEmployees<'_> {
    employee_query_setters!();

    /// Only employees of this division (所属コード).
    pub fn division(mut self, division: impl Into<DivisionCode>) -> Self {
        self.query.division = Some(division.into());
        self
    }

    /// Sends the request.
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn send(self) -> Result<Vec<Employee>, Error> {
        let request = Request::get("GET /employees")
            .path(["employees"])
            .query_struct(&self.query)?;
        self.client.send_json(request, Band::Guarded).await
    }
}

/// The request built by [`EmployeesHandler::get`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct GetEmployee<'c> {
    client: &'c Client,
    code: EmployeeCode,
    query: EmployeeQuery,
}

impl GetEmployee<'_> {
    employee_query_setters!();

    /// Sends the request.
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer (an unknown code
    /// included), or inside a time band.
    pub async fn send(self) -> Result<Employee, Error> {
        let request = Request::get("GET /employees/{employeeCode}")
            .path(["employees", self.code.as_str()])
            .query_struct(&self.query)?;
        self.client.send_json(request, Band::Guarded).await
    }
}

/// The request built by [`EmployeesHandler::update`].
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct UpdateEmployee<'c> {
    client: &'c Client,
    key: EmployeeKey,
    update: EmployeeUpdate,
    update_date: Option<NaiveDate>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct UpdateQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    update_date: Option<NaiveDate>,
}

impl UpdateEmployee<'_> {
    /// The date from which a change of division or working type applies
    /// (default: today).
    pub fn update_date(mut self, date: NaiveDate) -> Self {
        self.update_date = Some(date);
        self
    }

    /// Sends the request; KOT answers with the whole employee.
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn send(self) -> Result<Employee, Error> {
        let request = Request::put("PUT /employees/{employeeKey}")
            .path(["employees", self.key.as_str()])
            .query_struct(&UpdateQuery {
                update_date: self.update_date,
            })?
            .json(&self.update)?;
        self.client.send_json(request, Band::Guarded).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn employee_query_serialization() {
        let q = EmployeeQuery {
            date: NaiveDate::from_ymd_opt(2026, 11, 21),
            division: Some(DivisionCode::new("1000")),
            include_resigner: Some(true),
            additional_fields: vec![EmployeeField::HiredDate, EmployeeField::EmailAddresses],
        };
        assert_eq!(
            serde_urlencoded::to_string(&q).unwrap(),
            "date=2026-11-21&division=1000&includeResigner=true&additionalFields=hiredDate%2CemailAddresses"
        );
        assert_eq!(
            serde_urlencoded::to_string(EmployeeQuery::default()).unwrap(),
            ""
        );
    }
}
