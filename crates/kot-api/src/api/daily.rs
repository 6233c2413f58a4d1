//! Daily data: workings, time records (and punch registration), cost and
//! schedules. Range reads over 62 days are split and merged.

use std::marker::PhantomData;

use chrono::NaiveDate;
use kot_connect_http::Request;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::fields::{DailyField, comma_list};
use crate::client::Band;
use crate::models::{
    DailyCostsOfDay, DailySchedulesOfDay, DailyTimeRecordsOfDay, DailyWorkingsOfDay, DivisionCode,
    EmployeeKey, OfDay, PunchRequest, PunchResponse, merge_days,
};

/// The most employee keys sent in one request. KOT documents no limit, but
/// each key is 64 characters and a long list makes a URL servers refuse
/// (at 50 keys the query stays near 3.3 KB); longer lists are split.
pub const MAX_EMPLOYEE_KEYS_PER_REQUEST: usize = 50;
use crate::range::DateRange;
use crate::{Client, Error};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct DailyQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    division: Option<DivisionCode>,
    #[serde(rename = "ondivision", skip_serializing_if = "Option::is_none")]
    on_division: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end: Option<NaiveDate>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_list")]
    employee_keys: Vec<EmployeeKey>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_list")]
    additional_fields: Vec<DailyField>,
}

impl DailyQuery {
    /// KOT's rules: `ondivision` only with `division`; `employeeKeys` only
    /// without `division`.
    fn validate(&self) -> Result<(), Error> {
        if self.on_division.is_some() && self.division.is_none() {
            return Err(Error::config("on_division() needs division()"));
        }
        if !self.employee_keys.is_empty() && self.division.is_some() {
            return Err(Error::config(
                "employee_keys() cannot be combined with division()",
            ));
        }
        Ok(())
    }
}

/// A read over a date range: one request per window of at most 62 days,
/// results merged in date order.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct DailyList<'c, T> {
    client: &'c Client,
    endpoint: &'static str,
    path: &'static [&'static str],
    range: DateRange,
    query: DailyQuery,
    item: PhantomData<fn() -> T>,
}

/// A read of one date.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct DailyOn<'c, T> {
    client: &'c Client,
    endpoint: &'static str,
    path: &'static [&'static str],
    date: NaiveDate,
    query: DailyQuery,
    item: PhantomData<fn() -> T>,
}

macro_rules! daily_setters {
    () => {
        /// Only employees of this division (所属コード).
        pub fn division(mut self, division: impl Into<DivisionCode>) -> Self {
            self.query.division = Some(division.into());
            self
        }

        /// With [`division`](Self::division): `true` (KOT's default) selects by
        /// the employees' own division, `false` by the division they worked at.
        pub fn on_division(mut self, on_division: bool) -> Self {
            self.query.on_division = Some(on_division);
            self
        }

        /// Asks for additional fields (the employee's data as of each date).
        pub fn additional_fields(mut self, fields: impl IntoIterator<Item = DailyField>) -> Self {
            self.query.additional_fields.extend(fields);
            self
        }
    };
}

impl<T: DeserializeOwned + OfDay> DailyList<'_, T> {
    daily_setters!();

    /// The range this read covers.
    pub fn range(&self) -> DateRange {
        self.range
    }

    /// Sends one request per window of at most 62 days (and, with more than
    /// [`MAX_EMPLOYEE_KEYS_PER_REQUEST`] employee keys, per group of keys), in
    /// order, and merges the results into one entry per date, dates ascending.
    ///
    /// # Errors
    /// A configuration error for an invalid parameter combination; otherwise
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    /// Nothing is returned if any request fails.
    pub async fn send(self) -> Result<Vec<T>, Error> {
        self.query.validate()?;
        let key_groups = key_groups(&self.query.employee_keys);
        let mut days = Vec::new();
        for window in self.range.kot_windows() {
            for keys in &key_groups {
                let query = DailyQuery {
                    start: Some(window.start()),
                    end: Some(window.end()),
                    employee_keys: keys.to_vec(),
                    ..self.query.clone()
                };
                let request = Request::get(self.endpoint)
                    .path(self.path.iter().copied())
                    .query_struct(&query)?;
                let part: Vec<T> = self.client.send_json(request, Band::Guarded).await?;
                merge_days(&mut days, part);
            }
        }
        Ok(days)
    }
}

impl<T: DeserializeOwned + OfDay> DailyOn<'_, T> {
    daily_setters!();

    /// Sends the request (one per group of at most
    /// [`MAX_EMPLOYEE_KEYS_PER_REQUEST`] employee keys, merged).
    ///
    /// # Errors
    /// A configuration error for an invalid parameter combination; otherwise
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn send(self) -> Result<T, Error> {
        self.query.validate()?;
        let mut groups = key_groups(&self.query.employee_keys).into_iter();
        let mut day = self.fetch(groups.next().unwrap_or_default()).await?;
        for keys in groups {
            day.absorb(self.fetch(keys).await?);
        }
        Ok(day)
    }

    async fn fetch(&self, keys: &[EmployeeKey]) -> Result<T, Error> {
        let date = self.date.to_string();
        let query = DailyQuery {
            employee_keys: keys.to_vec(),
            ..self.query.clone()
        };
        let request = Request::get(self.endpoint)
            .path(self.path.iter().copied().chain([date.as_str()]))
            .query_struct(&query)?;
        self.client.send_json(request, Band::Guarded).await
    }
}

/// The employee keys split into request-sized groups; one empty group when
/// there are none (the request then covers every employee).
fn key_groups(keys: &[EmployeeKey]) -> Vec<&[EmployeeKey]> {
    if keys.is_empty() {
        vec![&[]]
    } else {
        keys.chunks(MAX_EMPLOYEE_KEYS_PER_REQUEST).collect()
    }
}

impl DailyList<'_, DailyTimeRecordsOfDay> {
    /// Only these employees (not combinable with [`division`](Self::division)).
    pub fn employee_keys<'k>(mut self, keys: impl IntoIterator<Item = &'k EmployeeKey>) -> Self {
        self.query.employee_keys.extend(keys.into_iter().cloned());
        self
    }
}

impl DailyOn<'_, DailyTimeRecordsOfDay> {
    /// Only these employees (not combinable with [`division`](Self::division)).
    pub fn employee_keys<'k>(mut self, keys: impl IntoIterator<Item = &'k EmployeeKey>) -> Self {
        self.query.employee_keys.extend(keys.into_iter().cloned());
        self
    }
}

macro_rules! daily_handler {
    (
        $(#[$doc:meta])*
        $handler:ident, $item:ty,
        list: $list_endpoint:literal,
        on: $on_endpoint:literal,
        path: $path:expr
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy)]
        pub struct $handler<'c> {
            client: &'c Client,
        }

        impl<'c> $handler<'c> {
            pub(crate) fn new(client: &'c Client) -> Self {
                Self { client }
            }

            #[doc = concat!("Every date of `range` (`", $list_endpoint, "`), split into windows of at most 62 days.")]
            pub fn list(&self, range: DateRange) -> DailyList<'c, $item> {
                DailyList {
                    client: self.client,
                    endpoint: $list_endpoint,
                    path: $path,
                    range,
                    query: DailyQuery::default(),
                    item: PhantomData,
                }
            }

            #[doc = concat!("One date (`", $on_endpoint, "`).")]
            pub fn on(&self, date: NaiveDate) -> DailyOn<'c, $item> {
                DailyOn {
                    client: self.client,
                    endpoint: $on_endpoint,
                    path: $path,
                    date,
                    query: DailyQuery::default(),
                    item: PhantomData,
                }
            }
        }
    };
}

daily_handler! {
    /// Daily workings (日別データ): worked, overtime, late-night, break
    /// minutes and holidays per employee and date. No punch times: those are
    /// in [`TimeRecordsHandler`].
    DailyWorkingsHandler, DailyWorkingsOfDay,
    list: "GET /daily-workings",
    on: "GET /daily-workings/{date}",
    path: &["daily-workings"]
}

daily_handler! {
    /// Time records (日別打刻データ): the punches of each employee and date,
    /// and [`register`](TimeRecordsHandler::register) to add one.
    TimeRecordsHandler, DailyTimeRecordsOfDay,
    list: "GET /daily-workings/timerecord",
    on: "GET /daily-workings/timerecord/{date}",
    path: &["daily-workings", "timerecord"]
}

daily_handler! {
    /// Daily cost (日別費用データ): estimated labour cost and transport expense.
    DailyCostsHandler, DailyCostsOfDay,
    list: "GET /daily-workings/cost",
    on: "GET /daily-workings/cost/{date}",
    path: &["daily-workings", "cost"]
}

daily_handler! {
    /// Daily schedules (日別スケジュール): planned clock-in/out and breaks.
    DailySchedulesHandler, DailySchedulesOfDay,
    list: "GET /daily-schedules",
    on: "GET /daily-schedules/{date}",
    path: &["daily-schedules"]
}

impl TimeRecordsHandler<'_> {
    /// Registers one punch for one employee
    /// (`POST /daily-workings/timerecord/{employeeKey}`, 打刻登録).
    ///
    /// Allowed at any hour: punch registration is exempt from the time bands.
    ///
    /// **Never retried.** KOT has no idempotency key and accepts duplicate
    /// punches: sending the same punch twice makes two punches, and a payroll
    /// computed from them is wrong. If this call fails with a timeout or a
    /// dropped connection, KOT may or may not have registered the punch;
    /// read the day's time records (outside the time bands) before trying
    /// again. A refusal (an [`Error::Api`] answer, code 303 included) means
    /// nothing was registered.
    ///
    /// # Errors
    /// [`Error`] on transport failure or an error answer.
    pub async fn register(
        &self,
        employee: &EmployeeKey,
        punch: &PunchRequest,
    ) -> Result<PunchResponse, Error> {
        let request = Request::post("POST /daily-workings/timerecord/{employeeKey}")
            .path(["daily-workings", "timerecord", employee.as_str()])
            .idempotent(false)
            .json(punch)?;
        self.client.send_json(request, Band::Exempt).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn daily_query_serialization() {
        let q = DailyQuery {
            division: Some(DivisionCode::new("1000")),
            on_division: Some(false),
            start: NaiveDate::from_ymd_opt(2016, 5, 1),
            end: NaiveDate::from_ymd_opt(2016, 5, 31),
            employee_keys: vec![],
            additional_fields: vec![DailyField::CurrentDateEmployee],
        };
        assert_eq!(
            serde_urlencoded::to_string(&q).unwrap(),
            "division=1000&ondivision=false&start=2016-05-01&end=2016-05-31&additionalFields=currentDateEmployee"
        );
        let q = DailyQuery {
            employee_keys: vec![EmployeeKey::new("aa"), EmployeeKey::new("bb")],
            ..DailyQuery::default()
        };
        assert_eq!(
            serde_urlencoded::to_string(&q).unwrap(),
            "employeeKeys=aa%2Cbb"
        );
    }

    #[test]
    fn invalid_combinations_are_refused() {
        let on_without_division = DailyQuery {
            on_division: Some(true),
            ..DailyQuery::default()
        };
        assert!(on_without_division.validate().is_err());
        let keys_with_division = DailyQuery {
            division: Some(DivisionCode::new("1")),
            employee_keys: vec![EmployeeKey::new("k")],
            ..DailyQuery::default()
        };
        assert!(keys_with_division.validate().is_err());
        assert!(DailyQuery::default().validate().is_ok());
    }
}
