//! Monthly data (月別データ, 月別費用データ) and holiday balances
//! (月別残休暇, 年間休暇).

use std::fmt::Display;
use std::marker::PhantomData;

use kot_connect_http::Request;
use serde::de::DeserializeOwned;

use super::fields::{DailyField, FieldsQuery, MonthlyField};
use crate::client::Band;
use crate::models::{
    DivisionCode, EmployeeTypeCode, HolidayRemained, MonthlyCost, MonthlyWorking, YearMonth,
    YearlyHolidays,
};
use crate::{Client, Error};

/// A read of one month for the whole company or one division.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct WithDivision<'c, T, F: Display> {
    client: &'c Client,
    endpoint: &'static str,
    path: Vec<String>,
    query: FieldsQuery<F>,
    item: PhantomData<fn() -> T>,
}

/// A read keyed by working type (雇用区分) and period; the only option is
/// which additional fields to include.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct WithEmployee<'c, T> {
    client: &'c Client,
    endpoint: &'static str,
    path: Vec<String>,
    query: FieldsQuery<DailyField>,
    item: PhantomData<fn() -> T>,
}

impl<T: DeserializeOwned, F: Display> WithDivision<'_, T, F> {
    /// Only employees of this division (所属コード).
    pub fn division(mut self, division: impl Into<DivisionCode>) -> Self {
        self.query.division = Some(division.into());
        self
    }

    /// Asks for additional fields.
    pub fn additional_fields(mut self, fields: impl IntoIterator<Item = F>) -> Self {
        self.query.additional_fields.extend(fields);
        self
    }

    /// Sends the request.
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn send(self) -> Result<T, Error> {
        get(self.client, self.endpoint, self.path, &self.query).await
    }
}

impl<T: DeserializeOwned> WithEmployee<'_, T> {
    /// Asks for additional fields (the employee's data as of the period).
    pub fn additional_fields(mut self, fields: impl IntoIterator<Item = DailyField>) -> Self {
        self.query.additional_fields.extend(fields);
        self
    }

    /// Sends the request.
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn send(self) -> Result<T, Error> {
        get(self.client, self.endpoint, self.path, &self.query).await
    }
}

async fn get<T: DeserializeOwned, F: Display>(
    client: &Client,
    endpoint: &'static str,
    path: Vec<String>,
    query: &FieldsQuery<F>,
) -> Result<T, Error> {
    let request = Request::get(endpoint).path(path).query_struct(query)?;
    client.send_json(request, Band::Guarded).await
}

fn segments(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|s| (*s).to_owned()).collect()
}

/// `GET /monthly-workings/{YYYY-MM}`.
#[derive(Debug, Clone, Copy)]
pub struct MonthlyWorkingsHandler<'c> {
    client: &'c Client,
}

impl<'c> MonthlyWorkingsHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Every employee's totals for `month` (KOT accepts `YYYY-MM` only).
    pub fn month(&self, month: YearMonth) -> WithDivision<'c, Vec<MonthlyWorking>, MonthlyField> {
        WithDivision {
            client: self.client,
            endpoint: "GET /monthly-workings/{YYYY-MM}",
            path: segments(&["monthly-workings", &month.to_string()]),
            query: FieldsQuery::default(),
            item: PhantomData,
        }
    }
}

/// `GET /monthly-workings/cost/{YYYY-MM}`.
#[derive(Debug, Clone, Copy)]
pub struct MonthlyCostsHandler<'c> {
    client: &'c Client,
}

impl<'c> MonthlyCostsHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Every employee's cost for `month`.
    pub fn month(&self, month: YearMonth) -> WithDivision<'c, Vec<MonthlyCost>, DailyField> {
        WithDivision {
            client: self.client,
            endpoint: "GET /monthly-workings/cost/{YYYY-MM}",
            path: segments(&["monthly-workings", "cost", &month.to_string()]),
            query: FieldsQuery::default(),
            item: PhantomData,
        }
    }
}

/// Holiday balances per working type.
#[derive(Debug, Clone, Copy)]
pub struct HolidaysHandler<'c> {
    client: &'c Client,
}

impl<'c> HolidaysHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Remaining holidays at the close of `month`
    /// (`GET /monthly-workings/holiday-remained/{employeeTypeCode}/{YYYY-MM}`).
    pub fn remained(
        &self,
        working_type: &EmployeeTypeCode,
        month: YearMonth,
    ) -> WithEmployee<'c, Vec<HolidayRemained>> {
        WithEmployee {
            client: self.client,
            endpoint: "GET /monthly-workings/holiday-remained/{employeeTypeCode}/{YYYY-MM}",
            path: segments(&[
                "monthly-workings",
                "holiday-remained",
                working_type.as_str(),
                &month.to_string(),
            ]),
            query: FieldsQuery::default(),
            item: PhantomData,
        }
    }

    /// Holidays granted, taken, remaining and expired in a year
    /// (`GET /yearly-workings/holidays/{employeeTypeCode}/{year}`).
    pub fn yearly(
        &self,
        working_type: &EmployeeTypeCode,
        year: i32,
    ) -> WithEmployee<'c, YearlyHolidays> {
        WithEmployee {
            client: self.client,
            endpoint: "GET /yearly-workings/holidays/{employeeTypeCode}/{year}",
            path: segments(&[
                "yearly-workings",
                "holidays",
                working_type.as_str(),
                &year.to_string(),
            ]),
            query: FieldsQuery::default(),
            item: PhantomData,
        }
    }
}
