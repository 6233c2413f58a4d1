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
//!
//! KOT's rate-limit answer (code 303) says the punch was *not* recorded, so
//! the gateway sends it again, up to [`RATE_LIMIT_ATTEMPTS`] times in all.
//! The answer slows every POST of the gateway, not only the refused one:
//! no POST of any clone starts until a shared pause
//! ([`DEFAULT_RATE_LIMIT_PAUSE`], [`KotApiGateway::with_rate_limit_pause`])
//! has passed, so a pool of concurrent POSTs backs off as one. The pause
//! comes on top of the client's own rate limiter (`[kot]
//! requests_per_second`), which spaces every call.

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use chrono::{DateTime, FixedOffset};
use kot_api::models::{DailyTimeRecords, Division, Employee};
use kot_api::{Client, DateRange, Error};
use tokio::time::Instant;

use crate::engine::{GatewayError, KotGateway, PostError};
use crate::punch::Punch;
use crate::time::next_allowed;

/// How often one punch is sent when KOT answers 303 (its rate limit):
/// the first POST and four more.
pub const RATE_LIMIT_ATTEMPTS: u32 = 5;

/// How long every POST of a gateway waits after a 303 answer (KOT's limit
/// is counted over a window of about a second).
pub const DEFAULT_RATE_LIMIT_PAUSE: Duration = Duration::from_secs(1);

/// KOT through [`kot_api::Client`].
#[derive(Debug, Clone)]
pub struct KotApiGateway {
    client: Client,
    pause: Duration,
    cool_down: CoolDown,
}

impl KotApiGateway {
    /// A gateway over `client` (its clock drives the time-band guard and
    /// the reopening time of KOT's own 403/104 refusals).
    pub fn new(client: Client) -> Self {
        Self {
            client,
            pause: DEFAULT_RATE_LIMIT_PAUSE,
            cool_down: CoolDown::default(),
        }
    }

    /// How long every POST waits after KOT's rate-limit answer (default
    /// [`DEFAULT_RATE_LIMIT_PAUSE`]).
    pub fn with_rate_limit_pause(mut self, pause: Duration) -> Self {
        self.pause = pause;
        self
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

/// A pause shared by every POST of a gateway and its clones: after a
/// rate-limit answer, none starts before it ends.
#[derive(Debug, Clone, Default)]
struct CoolDown {
    until: Arc<Mutex<Option<Instant>>>,
}

impl CoolDown {
    fn until(&self) -> Option<Instant> {
        *self.until.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Waits until no pause is running (a pause extended meanwhile is
    /// waited for too).
    async fn wait(&self) {
        while let Some(until) = self.until() {
            if until <= Instant::now() {
                return;
            }
            tokio::time::sleep_until(until).await;
        }
    }

    /// Pauses every POST for `pause` from now (never shortens a running
    /// pause).
    fn extend(&self, pause: Duration) {
        let end = Instant::now() + pause;
        let mut until = self.until.lock().unwrap_or_else(PoisonError::into_inner);
        if until.is_none_or(|u| u < end) {
            *until = Some(end);
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
        let mut attempt = 1;
        loop {
            self.cool_down.wait().await;
            match self.client.time_records().register(key, &request).await {
                Ok(response) => return Ok(response.time_record.time),
                // Not recorded: pause the whole pool, then send it again.
                Err(e) if e.is_rate_limited() && attempt < RATE_LIMIT_ATTEMPTS => {
                    self.cool_down.extend(self.pause);
                    attempt += 1;
                }
                Err(e) => return Err(post_error(&e)),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used)]
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn a_pause_holds_every_clone_until_it_ends() {
        let a = CoolDown::default();
        let b = a.clone();
        let t0 = Instant::now();
        a.wait().await;
        assert_eq!(Instant::now(), t0, "no pause yet");
        a.extend(Duration::from_millis(800));
        // A shorter pause never cuts a running one short.
        b.extend(Duration::from_millis(100));
        b.wait().await;
        assert_eq!(Instant::now() - t0, Duration::from_millis(800));
        // A pause extended while a POST waits is waited for too.
        let waiter = tokio::spawn({
            let b = b.clone();
            async move {
                b.wait().await;
                Instant::now()
            }
        });
        a.extend(Duration::from_millis(500));
        tokio::time::sleep(Duration::from_millis(200)).await;
        a.extend(Duration::from_millis(500));
        let released = waiter.await.unwrap();
        assert_eq!(released - t0, Duration::from_millis(1500));
    }
}
