//! The MaLion fake. **Provisional**, like `malion-api`'s WebAPI client:
//! MaLion publishes no wire format, so this serves exactly what that
//! client sends with its default settings.
//!
//! # Base URL and wire
//! Mounted at the root: the client's base URL is `http://127.0.0.1:PORT`.
//! `GET /api/v1/operation-logs?since=<RFC 3339>&per_page=<n>[&page=<k>]`
//! with the headers `X-MaLion-Admin-Code` / `X-MaLion-Secret-Code`
//! ([`MALION_ADMIN_CODE`], [`MALION_SECRET_CODE`]; otherwise HTTP 401).
//! The answer is `{"logs": [...], "next_page": k+1 | null}`, pages
//! numbered from 1, `per_page` 1 to 1000 (a bad parameter is HTTP 400).
//!
//! `since` is a watermark on `registered_at` (DB登録日時), as the reference
//! recommends: a log is served when `since ≤ registered_at ≤ now`, in
//! `(registered_at, occurred_at)` order. So a late log appears once it has
//! reached the database, whatever its `occurred_at`.
//!
//! # Seed data
//! For the JST dates `D-3` .. `D` (`D` = the clock's date at construction),
//! for every employee with a PC (`0056`-`0070`, `n` = the code as a number;
//! computer and terminal agent `PC-<code>`, logon user name = their
//! `pc_account`, so `0069` and `0070` both log on as `shared01`), see
//! [`malion_schedule`]:
//!
//! | log | occurred_at (JST) |
//! |---|---|
//! | ログオン | `08:40` + `(7n mod 20)` min + `(n mod 60)` s |
//! | ロック | `12:00` + `(n mod 10)` min |
//! | アンロック | `12:50` + `(n mod 10)` min |
//! | ログオフ | `18:10` + `(11n mod 50)` min |
//!
//! `registered_at` = `occurred_at` + 30 s, except:
//! - the shutdown: [`SHUTDOWN_CODE`]'s ログオフ of `D-1` reaches the
//!   database on `D` at 08:45:00 (the manual's "翌日以降に打刻連携");
//! - the relay duplicate: [`DUPLICATE_CODE`]'s ログオン of `D-1` is
//!   delivered twice, the copy registered 5 minutes after the original
//!   (same `occurred_at`, PC, user and event: `malion-api` drops it).
//!
//! The outsider [`Outsiders::pc_account`](crate::Outsiders) (`guest`, on
//! `PC-GUEST`) logs on at 09:30:00 and off at 11:00:00 every date.
//! So a full date holds 15 × 4 + 2 = 62 logs (plus the duplicate on `D-1`).

use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::{RawQuery, Request, State};
use axum::http::StatusCode;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{
    DateTime, Days, Duration, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, TimeZone,
};
use malion_api::models::{LogEvent, OperationLog};
use serde_json::json;

use crate::clock::{SandboxClock, jst};
use crate::company::Company;

/// The fake's 管理者コード.
pub const MALION_ADMIN_CODE: &str = "SANDBOX-ADMIN";
/// The fake's シークレットコード.
pub const MALION_SECRET_CODE: &str = "sandbox-malion-secret";
/// The relay host name the settings name (never contacted: the base URL
/// points at the fake; the client accepts only `malioncloudXXXX.intercom.co.jp`).
pub const MALION_HOST: &str = "malioncloud0000.intercom.co.jp";
/// The employee whose `D-1` ログオフ arrives the next morning.
pub const SHUTDOWN_CODE: &str = "0060";
/// The employee whose `D-1` ログオン is delivered twice.
pub const DUPLICATE_CODE: &str = "0058";
/// The largest `per_page`.
pub const MAX_PER_PAGE: usize = 1000;

/// The credentials the MaLion fake accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MaLionCredentials {
    /// The relay host for `ConnectionSettings` ([`MALION_HOST`]).
    pub host: String,
    /// 管理者コード: [`MALION_ADMIN_CODE`].
    pub admin_code: String,
    /// シークレットコード: [`MALION_SECRET_CODE`].
    pub secret_code: String,
}

/// The four logs of PC user number `n` on `day`, local JST, in order:
/// ログオン, ロック, アンロック, ログオフ.
pub fn malion_schedule(n: u32, day: NaiveDate) -> [(LogEvent, NaiveDateTime); 4] {
    let n = i64::from(n);
    let at = |h: u32, m: u32, add_min: i64, add_sec: i64| {
        day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN))
            + Duration::minutes(add_min)
            + Duration::seconds(add_sec)
    };
    [
        (LogEvent::Logon, at(8, 40, (7 * n) % 20, n % 60)),
        (LogEvent::Lock, at(12, 0, n % 10, 0)),
        (LogEvent::Unlock, at(12, 50, n % 10, 0)),
        (LogEvent::Logoff, at(18, 10, (11 * n) % 50, 0)),
    ]
}

/// The MaLion fake. See the [module documentation](self).
#[derive(Debug)]
pub struct MaLionFake {
    clock: SandboxClock,
    logs: Mutex<Vec<OperationLog>>,
}

fn local(t: NaiveDateTime) -> DateTime<FixedOffset> {
    jst()
        .from_local_datetime(&t)
        .single()
        .unwrap_or_else(|| t.and_utc().fixed_offset())
}

fn registered(log: &OperationLog) -> DateTime<FixedOffset> {
    log.registered_at.unwrap_or(log.occurred_at)
}

impl MaLionFake {
    pub(crate) fn new(company: &Company, clock: SandboxClock) -> Arc<Self> {
        let today = clock.today();
        let yesterday = today.checked_sub_days(Days::new(1)).unwrap_or(today);
        let mut logs = Vec::new();
        for back in (0..=3u64).rev() {
            let Some(day) = today.checked_sub_days(Days::new(back)) else {
                continue;
            };
            for e in &company.employees {
                let (Some(account), Some(pc)) = (&e.pc_account, &e.pc_name) else {
                    continue;
                };
                let n: u32 = e.code.parse().unwrap_or(0);
                for (event, t) in malion_schedule(n, day) {
                    let occurred = local(t);
                    let mut reg = occurred + Duration::seconds(30);
                    let late =
                        day == yesterday && e.code == SHUTDOWN_CODE && event == LogEvent::Logoff;
                    if late {
                        reg = local(
                            today.and_time(NaiveTime::from_hms_opt(8, 45, 0).unwrap_or_default()),
                        );
                    }
                    let dup =
                        day == yesterday && e.code == DUPLICATE_CODE && event == LogEvent::Logon;
                    let log = OperationLog::new(
                        pc.clone(),
                        pc.clone(),
                        Some(account.clone()),
                        event,
                        occurred,
                    )
                    .with_registered_at(reg);
                    if dup {
                        logs.push(log.clone().with_registered_at(reg + Duration::minutes(5)));
                    }
                    logs.push(log);
                }
            }
            let guest = &company.outsiders.pc_account;
            for (event, h, m) in [(LogEvent::Logon, 9, 30), (LogEvent::Logoff, 11, 0)] {
                let occurred =
                    local(day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()));
                logs.push(
                    OperationLog::new("PC-GUEST", "PC-GUEST", Some(guest.clone()), event, occurred)
                        .with_registered_at(occurred + Duration::seconds(30)),
                );
            }
        }
        logs.sort_by_key(|l| (registered(l), l.occurred_at));
        Arc::new(Self {
            clock,
            logs: Mutex::new(logs),
        })
    }

    fn state(&self) -> MutexGuard<'_, Vec<OperationLog>> {
        self.logs.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The credentials the fake accepts.
    pub fn credentials(&self) -> MaLionCredentials {
        MaLionCredentials {
            host: MALION_HOST.into(),
            admin_code: MALION_ADMIN_CODE.into(),
            secret_code: MALION_SECRET_CODE.into(),
        }
    }

    /// Every stored log (duplicates included), including those not yet registered.
    pub fn logs(&self) -> Vec<OperationLog> {
        self.state().clone()
    }

    /// The logs served now (`registered_at` ≤ the clock's instant).
    pub fn visible_logs(&self) -> Vec<OperationLog> {
        let now = self.clock.now();
        self.state()
            .iter()
            .filter(|l| registered(l) <= now)
            .cloned()
            .collect()
    }

    /// Stores a log (its `registered_at` defaults to its `occurred_at`).
    pub fn add_log(&self, log: OperationLog) {
        let mut logs = self.state();
        logs.push(log);
        logs.sort_by_key(|l| (registered(l), l.occurred_at));
    }

    pub(crate) fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/api/v1/operation-logs", get(operation_logs))
            .layer(middleware::from_fn(authenticate))
            .with_state(self.clone())
    }
}

fn refuse(status: StatusCode, message: &str) -> Response {
    (status, axum::Json(json!({"error": message}))).into_response()
}

async fn authenticate(request: Request, next: Next) -> Response {
    let allowed = {
        let header = |name: &str| request.headers().get(name).and_then(|v| v.to_str().ok());
        header("x-malion-admin-code") == Some(MALION_ADMIN_CODE)
            && header("x-malion-secret-code") == Some(MALION_SECRET_CODE)
    };
    if allowed {
        next.run(request).await
    } else {
        refuse(
            StatusCode::UNAUTHORIZED,
            "invalid admin code or secret code",
        )
    }
}

async fn operation_logs(State(fake): State<Arc<MaLionFake>>, RawQuery(raw): RawQuery) -> Response {
    let q: Vec<(String, String)> =
        serde_urlencoded::from_str(raw.as_deref().unwrap_or_default()).unwrap_or_default();
    let get = |name: &str| q.iter().find(|(k, _)| k == name).map(|(_, v)| v.trim());
    let Some(since) = get("since").and_then(|s| DateTime::parse_from_rfc3339(s).ok()) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "since must be an RFC 3339 date-time",
        );
    };
    let number = |name: &str, default: usize| match get(name) {
        None => Some(default),
        Some(v) => v.parse::<usize>().ok().filter(|n| *n > 0),
    };
    let (Some(per_page), Some(page)) = (number("per_page", 100), number("page", 1)) else {
        return refuse(
            StatusCode::BAD_REQUEST,
            "per_page and page must be positive numbers",
        );
    };
    if per_page > MAX_PER_PAGE {
        return refuse(StatusCode::BAD_REQUEST, "per_page is at most 1000");
    }
    let now = fake.clock.now();
    let matching: Vec<OperationLog> = fake
        .state()
        .iter()
        .filter(|l| registered(l) >= since && registered(l) <= now)
        .cloned()
        .collect();
    let chunk: Vec<&OperationLog> = matching
        .iter()
        .skip((page - 1).saturating_mul(per_page))
        .take(per_page)
        .collect();
    let more = matching.len() > page.saturating_mul(per_page);
    let next = if more { json!(page + 1) } else { json!(null) };
    axum::Json(json!({"logs": chunk, "next_page": next})).into_response()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::senselink::{serve_for_test, test_clock as clock};
    use malion_api::api::WireConfig;
    use malion_api::{Client, ConnectionSettings, SecretString};

    async fn start() -> (Arc<MaLionFake>, String, SandboxClock) {
        let clock = clock();
        let fake = MaLionFake::new(&Company::demo(), clock.clone());
        let url = serve_for_test(fake.router()).await;
        (fake, url, clock)
    }

    fn client(url: &str, secret: &str, page_size: u32) -> Client {
        let settings = ConnectionSettings::new(
            MALION_HOST,
            MALION_ADMIN_CODE,
            SecretString::from(secret.to_owned()),
        )
        .unwrap();
        Client::builder(settings)
            .base_url(url)
            .wire(WireConfig::provisional().page_size(page_size))
            .build()
            .unwrap()
    }

    fn midnight(d: u32) -> DateTime<FixedOffset> {
        jst().with_ymd_and_hms(2026, 11, d, 0, 0, 0).unwrap()
    }

    #[tokio::test]
    async fn logs_come_back_paged_with_the_duplicate_and_the_late_logoff() {
        let (fake, url, _clock) = start().await;
        let c = client(&url, MALION_SECRET_CODE, 50);
        // The raw first page holds the duplicate; the deduplicated read drops it.
        let deduped = c.logs_since(midnight(19)).await.unwrap();
        let all = fake.visible_logs();
        let since_19: Vec<_> = all
            .iter()
            .filter(|l| registered(l) >= midnight(19))
            .collect();
        // The 19th: 62 (0060's ログオフ registered on the 20th) + the
        // duplicate; the 20th before 10:00: 15 ログオン and the guest's.
        assert_eq!(since_19.len(), 62 + 1 + 15 + 1);
        let kept = deduped.logs.len();
        assert_eq!(kept, 62 + 15 + 1, "the relay duplicate is dropped");
        let late = deduped
            .logs
            .iter()
            .find(|l| {
                l.computer_name == "PC-0060"
                    && l.event == LogEvent::Logoff
                    && l.occurred_at < midnight(20)
            })
            .unwrap();
        assert_eq!(
            late.registered_at.unwrap().date_naive(),
            NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()
        );
        let shared: std::collections::BTreeSet<_> = deduped
            .logs
            .iter()
            .filter(|l| l.account() == Some("shared01"))
            .map(|l| l.computer_name.clone())
            .collect();
        assert_eq!(shared.len(), 2, "two PCs share shared01");
        assert!(deduped.logs.iter().any(|l| l.account() == Some("guest")));

        // One raw page of 500 shows both copies.
        let page = c
            .logs_page(&malion_api::LogQuery::new(midnight(19)))
            .await
            .unwrap();
        let copies = page
            .logs
            .iter()
            .filter(|l| {
                l.computer_name == "PC-0058"
                    && l.event == LogEvent::Logon
                    && l.occurred_at < midnight(20)
            })
            .count();
        assert_eq!(copies, 2);
        assert!(page.next.is_none());
    }

    #[tokio::test]
    async fn a_wrong_secret_is_refused() {
        let (_fake, url, _clock) = start().await;
        let err = client(&url, "wrong", 50)
            .logs_since(midnight(19))
            .await
            .unwrap_err();
        assert!(err.to_string().contains("401"), "{err}");
    }
}
