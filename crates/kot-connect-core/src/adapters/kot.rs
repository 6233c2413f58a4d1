//! [`KotGateway`] for [`kot_api::Client`] (feature `kot`).
//!
//! | gateway call | KOT call |
//! |---|---|
//! | `employees` | `GET /employees?includeResigner=true&additionalFields=resignationDate` |
//! | `divisions` | `GET /divisions` |
//! | `time_records(range)` | `GET /daily-workings/timerecord?start&end`, every employee, one request per 62 days (kot-api splits) |
//! | `post_punch` | `POST /daily-workings/timerecord/{employeeKey}` with the work date, the time in JST with seconds, the punch code and the location; never retried |
//!
//! Errors of the reads: a time-band refusal (the client's local guard, or
//! KOT's 403 with code 104) is [`GatewayError::TimeBand`] with the time KOT
//! reopens; code 303 (or 429) is [`GatewayError::RateLimited`]; anything
//! else [`GatewayError::Failed`].
//!
//! Errors of the POST: an answer that says KOT refused (its error envelope
//! with a status below 500, a 4xx, a rate-limit refusal) or a request
//! refused before sending is [`PostError::Rejected`]; a timeout, a lost
//! connection, a 5xx or an unreadable success is [`PostError::Unknown`]:
//! the punch may be in KOT.

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use kot_api::models::{DailyTimeRecords, Division, Employee};
use kot_api::{Client, DateRange, Error};

use crate::engine::{GatewayError, KotGateway, PostError};
use crate::punch::Punch;
use crate::time::next_allowed;

/// KOT through [`kot_api::Client`].
#[derive(Debug, Clone)]
pub struct KotApiGateway {
    client: Client,
}

impl KotApiGateway {
    /// A gateway over `client` (its clock drives the time-band guard and
    /// the reopening time of KOT's own 403/104 refusals).
    pub fn new(client: Client) -> Self {
        Self { client }
    }

    /// The client.
    pub fn client(&self) -> &Client {
        &self.client
    }

    fn read_error(&self, error: Error) -> GatewayError {
        if error.is_time_band() {
            let reopens_at = error
                .reopens_at()
                .unwrap_or_else(|| next_allowed(&self.client.transport().clock().now()));
            GatewayError::TimeBand { reopens_at }
        } else if error.is_rate_limited() {
            GatewayError::RateLimited {
                message: error.to_string(),
            }
        } else {
            GatewayError::Failed {
                message: error.to_string(),
            }
        }
    }
}

/// Whether a failed POST certainly did not register the punch.
fn post_error(error: &Error) -> PostError {
    let message = error.to_string();
    let refused = match error {
        Error::Api(api) => !api.status.is_server_error(),
        Error::TimeBand(_) => true,
        Error::Http(http) => {
            http.is_config()
                || http.is_rate_limited()
                || (!http.is_decode()
                    && !http.is_transport()
                    && http.status().is_some_and(|s| s.is_client_error()))
        }
        // An error kind added later: assume the worst.
        _ => false,
    };
    if refused {
        PostError::Rejected { message }
    } else {
        PostError::Unknown { message }
    }
}

#[async_trait]
impl KotGateway for KotApiGateway {
    async fn employees(&self) -> Result<Vec<Employee>, GatewayError> {
        self.client
            .employees()
            .list()
            .include_resigner(true)
            .additional_fields([kot_api::api::EmployeeField::ResignationDate])
            .send()
            .await
            .map_err(|e| self.read_error(e))
    }

    async fn divisions(&self) -> Result<Vec<Division>, GatewayError> {
        self.client
            .divisions()
            .list()
            .await
            .map_err(|e| self.read_error(e))
    }

    async fn time_records(&self, range: DateRange) -> Result<Vec<DailyTimeRecords>, GatewayError> {
        let days = self
            .client
            .time_records()
            .list(range)
            .send()
            .await
            .map_err(|e| self.read_error(e))?;
        Ok(days
            .into_iter()
            .flat_map(|day| day.daily_workings)
            .collect())
    }

    async fn post_punch(&self, punch: &Punch) -> Result<DateTime<FixedOffset>, PostError> {
        let Some(key) = &punch.key else {
            return Err(PostError::Rejected {
                message: format!(
                    "{}: employee code {} has no KOT employee key; nothing was sent",
                    punch.source, punch.employee
                ),
            });
        };
        let mut request = kot_api::models::PunchRequest::new(
            punch.work_date,
            punch.at,
            punch.kind.to_punch_code(),
        );
        if let Some(location) = punch.location {
            request = request.location(location.latitude, location.longitude);
        }
        let response = self
            .client
            .time_records()
            .register(key, &request)
            .await
            .map_err(|e| post_error(&e))?;
        Ok(response.time_record.time)
    }
}
