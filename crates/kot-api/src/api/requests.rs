//! Requests (申請): schedule, overtime and time-record requests of a month.
//! KOT offers no write API for requests.

use std::marker::PhantomData;

use kot_connect_http::Request;
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::fields::{RequestField, comma_list};
use crate::client::Band;
use crate::models::{
    AdministratorKey, OvertimeRequests, ScheduleRequests, TimerecordRequests, YearMonth,
};
use crate::{Client, Error};

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
struct RequestsQuery {
    #[serde(skip_serializing_if = "Option::is_none")]
    administrator_key: Option<AdministratorKey>,
    #[serde(skip_serializing_if = "Vec::is_empty", serialize_with = "comma_list")]
    additional_fields: Vec<RequestField>,
}

/// Request reads.
#[derive(Debug, Clone, Copy)]
pub struct RequestsHandler<'c> {
    client: &'c Client,
}

/// The request built by the [`RequestsHandler`] methods.
#[derive(Debug, Clone)]
#[must_use = "a request does nothing until it is sent"]
pub struct ListRequests<'c, T> {
    client: &'c Client,
    endpoint: &'static str,
    kind: &'static str,
    month: YearMonth,
    query: RequestsQuery,
    item: PhantomData<fn() -> T>,
}

impl<'c> RequestsHandler<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    fn list<T>(
        &self,
        endpoint: &'static str,
        kind: &'static str,
        month: YearMonth,
    ) -> ListRequests<'c, T> {
        ListRequests {
            client: self.client,
            endpoint,
            kind,
            month,
            query: RequestsQuery::default(),
            item: PhantomData,
        }
    }

    /// Schedule requests (スケジュール申請) of `month`
    /// (`GET /requests/schedules/{YYYY-MM}`). Companies without the feature
    /// get an error answer.
    pub fn schedules(&self, month: YearMonth) -> ListRequests<'c, ScheduleRequests> {
        self.list("GET /requests/schedules/{YYYY-MM}", "schedules", month)
    }

    /// Overtime requests (残業申請) of `month` (`GET /requests/overtimes/{YYYY-MM}`).
    pub fn overtimes(&self, month: YearMonth) -> ListRequests<'c, OvertimeRequests> {
        self.list("GET /requests/overtimes/{YYYY-MM}", "overtimes", month)
    }

    /// Time-record requests (打刻申請) of `month`
    /// (`GET /requests/timerecords/{YYYY-MM}`). The item shape is only
    /// partly documented: unknown members are kept in `extra`.
    pub fn timerecords(&self, month: YearMonth) -> ListRequests<'c, TimerecordRequests> {
        self.list("GET /requests/timerecords/{YYYY-MM}", "timerecords", month)
    }
}

impl<T: DeserializeOwned> ListRequests<'_, T> {
    /// Only requests this administrator may approve.
    pub fn administrator_key(mut self, key: &AdministratorKey) -> Self {
        self.query.administrator_key = Some(key.clone());
        self
    }

    /// Asks for additional fields (schedule pattern, note, approval flow...).
    pub fn additional_fields(mut self, fields: impl IntoIterator<Item = RequestField>) -> Self {
        self.query.additional_fields.extend(fields);
        self
    }

    /// Sends the request.
    ///
    /// # Errors
    /// [`Error`] on transport failure, an error answer, or inside a time band.
    pub async fn send(self) -> Result<T, Error> {
        let month = self.month.to_string();
        let request = Request::get(self.endpoint)
            .path(["requests", self.kind, month.as_str()])
            .query_struct(&self.query)?;
        self.client.send_json(request, Band::Guarded).await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requests_query_serialization() {
        let q = RequestsQuery {
            administrator_key: Some(AdministratorKey::new("adm1")),
            additional_fields: vec![RequestField::Flow, RequestField::Note],
        };
        assert_eq!(
            serde_urlencoded::to_string(&q).unwrap(),
            "administratorKey=adm1&additionalFields=flow%2Cnote"
        );
    }
}
