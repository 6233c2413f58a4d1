//! The cyzen fake: the 連携API's `company_id` + `bearer` token, errors as
//! `{"errors":[{"err_code","err_msg"}]}`, the 5 requests/second limit, and
//! the users, groups, statuses and histories `cyzen-api` reads.
//!
//! # Base URL
//! The router serves under `/webapi/v0` (as the real host does), so the
//! client's base URL is `http://127.0.0.1:PORT/webapi/v0`.
//!
//! # Behaviour
//! - `Authorization: bearer <token>` (scheme case-insensitive) must carry
//!   [`CYZEN_TOKEN`]; otherwise HTTP 401 with the errors envelope
//!   (`err_code` [`CODE_UNAUTHORIZED`], the sandbox's choice: cyzen's own is
//!   not public).
//! - `company_id` must be [`CYZEN_COMPANY_ID`]; otherwise, like every bad
//!   parameter, HTTP **200** with `{"errors":[{"err_code":40000,...}]}`, as
//!   the reference warns.
//! - At most 5 requests per second per token (real time, a sliding window);
//!   over it, HTTP 503 with `Retry-After: 1`, as cyzen answers today.
//! - Lists page by 200 with `next_*` cursors: `next_user_id`,
//!   `next_group_id`, `next_status_id`, and for histories both
//!   `next_history_id` and `next_history_created_at` (either is accepted
//!   back). Times are UTC `YYYY-MM-DDThh:mm:ss`; histories spell `create_at`.
//! - `/histories` takes `from_date`/`to_date` (UTC, inclusive, default the
//!   last 15 days); a window longer than 15 days (`to - from ≥ 15 d`) or
//!   inverted is error 40000.
//!
//! # Seed data
//! One group `grp-2000` 営業部 (`group_code` 2000). Users: every employee
//! with `cyzen` (`0021`-`0035`; `user_id` = `u-<code>`, `user_code` = the
//! code) and the outsider [`Outsiders::cyzen_user_code`](crate::Outsiders)
//! (`9002`). Statuses of `grp-2000`, with the kind in `status_type` (the
//! field `cyzen-api` reads by default):
//!
//! | status_id | status_name | status_type | synced to KOT |
//! |---|---|---|---|
//! | `st-01` | 出勤 | 勤務開始 | 出勤 |
//! | `st-02` | 移動中 | 勤務中 | no |
//! | `st-03` | 商談中 | 勤務中 | no |
//! | `st-04` | 休憩開始 | 勤務中 | 休憩開始 |
//! | `st-05` | 休憩終了 | 勤務中 | 休憩終了 |
//! | `st-06` | 退勤 | 勤務終了 | 退勤 |
//! | `st-07` | 始業前 | 勤務前 | no |
//!
//! Presses (histories) are generated once, for every date of the clock's
//! month up to the clock's date (JST), and served once `create_at` is not
//! after the clock's instant. For every user with number `n` (`0021` → 21,
//! `9002` → 9002), on every such date, JST (see [`cyzen_schedule`]):
//!
//! | press | time |
//! |---|---|
//! | 出勤 | `08:30` + `(7n mod 30)` min + `(n mod 60)` s |
//! | 出勤 again (only `n mod 5 = 0`: `0025`, `0030`, `0035`) | the first + 2 min |
//! | 移動中 | `09:10` + `(n mod 20)` min |
//! | 商談中 | `10:00` + `(3n mod 40)` min |
//! | 休憩開始 | `12:00` + `(n mod 15)` min |
//! | 休憩終了 | `13:00` + `(n mod 15)` min |
//! | 退勤 | `18:00` + `(11n mod 60)` min |
//!
//! The outsider presses only 出勤 and 退勤. So an employee yields 4 synced
//! presses a day (5 for the repeaters), the outsider 2; 16 users in all.
//! History IDs are `h-000001`, ... in `(create_at, user_code)` order.

// Handlers return ready HTTP answers as their errors.
#![allow(clippy::result_large_err)]

/// Where the API lives below the listener, as in cyzen's production URL.
pub(crate) const BASE_PATH: &str = "/webapi/v0";

use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::Duration as StdDuration;

use axum::Router;
use axum::extract::{Extension, RawQuery, Request, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Datelike, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::clock::{SandboxClock, jst};
use crate::company::Company;
use crate::faults::RepeatPage;

/// The fake's access token.
pub const CYZEN_TOKEN: &str = "sandbox-cyzen-token";
/// The fake's company id (32 hex characters, like a real one).
pub const CYZEN_COMPANY_ID: &str = "5a4d0b0c0ffee0000000000000002000";
/// `err_code` for a missing or wrong token (with HTTP 401): the sandbox's choice.
pub const CODE_UNAUTHORIZED: &str = "40100";
/// `err_code` of an invalid parameter.
pub const CODE_INVALID_PARAMETER: &str = "40000";
/// Items per page.
pub const PAGE_SIZE: usize = 200;
/// The longest `/histories` window.
pub const MAX_HISTORY_WINDOW_DAYS: i64 = 15;
/// The group every seed user belongs to.
pub const CYZEN_GROUP_ID: &str = "grp-2000";

const WIRE: &str = "%Y-%m-%dT%H:%M:%S";

/// The credentials the cyzen fake accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CyzenCredentials {
    /// `company_id`: [`CYZEN_COMPANY_ID`].
    pub company_id: String,
    /// The bearer token: [`CYZEN_TOKEN`].
    pub token: String,
}

/// The seed statuses: (id, name, type).
const STATUSES: [(&str, &str, &str); 7] = [
    ("st-01", "出勤", "勤務開始"),
    ("st-02", "移動中", "勤務中"),
    ("st-03", "商談中", "勤務中"),
    ("st-04", "休憩開始", "勤務中"),
    ("st-05", "休憩終了", "勤務中"),
    ("st-06", "退勤", "勤務終了"),
    ("st-07", "始業前", "勤務前"),
];

/// The presses of user number `n` on `day`: `(status_id, local JST time)`,
/// in time order, as the module documentation's table says. `outsider`
/// keeps only 出勤 and 退勤.
pub fn cyzen_schedule(
    n: u32,
    outsider: bool,
    day: NaiveDate,
) -> Vec<(&'static str, NaiveDateTime)> {
    let n = i64::from(n);
    let at = |h: u32, m: u32, add_min: i64, add_sec: i64| {
        day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN))
            + Duration::minutes(add_min)
            + Duration::seconds(add_sec)
    };
    let clock_in = at(8, 30, (7 * n) % 30, n % 60);
    let mut out = vec![("st-01", clock_in)];
    if !outsider {
        if n % 5 == 0 {
            out.push(("st-01", clock_in + Duration::minutes(2)));
        }
        out.push(("st-02", at(9, 10, n % 20, 0)));
        out.push(("st-03", at(10, 0, (3 * n) % 40, 0)));
        out.push(("st-04", at(12, 0, n % 15, 0)));
        out.push(("st-05", at(13, 0, n % 15, 0)));
    }
    out.push(("st-06", at(18, 0, (11 * n) % 60, 0)));
    out
}

/// One status press as the fake stores it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CyzenPress {
    /// `history_id`.
    pub history_id: String,
    /// `user_id` (`u-<code>`).
    pub user_id: String,
    /// The user's code (not on the wire: histories carry only `user_id`).
    pub user_code: String,
    /// `status_id`.
    pub status_id: String,
    /// `create_at`.
    pub pressed_at: DateTime<Utc>,
}

/// A seed user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CyzenUser {
    /// `user_id`.
    pub user_id: String,
    /// `user_code` (= KOT 従業員コード for employees).
    pub user_code: String,
    /// `user_name`.
    pub user_name: String,
}

/// The cyzen fake. See the [module documentation](self).
#[derive(Debug)]
pub struct CyzenFake {
    clock: SandboxClock,
    state: Mutex<CzState>,
}

#[derive(Debug)]
struct CzState {
    users: Vec<CyzenUser>,
    presses: Vec<CyzenPress>,
    next_press: u64,
    /// Recent request instants per token.
    window: HashMap<String, VecDeque<Instant>>,
    limit: (usize, StdDuration),
    rate_limited: u64,
    /// Items per page of the user and history lists.
    page_size: usize,
}

fn local(t: NaiveDateTime) -> DateTime<Utc> {
    jst()
        .from_local_datetime(&t)
        .single()
        .map_or_else(|| t.and_utc(), |d| d.with_timezone(&Utc))
}

fn wire(t: &DateTime<Utc>) -> String {
    t.format(WIRE).to_string()
}

impl CyzenFake {
    pub(crate) fn new(company: &Company, clock: SandboxClock) -> Arc<Self> {
        let mut users: Vec<CyzenUser> = company
            .employees
            .iter()
            .filter(|e| e.cyzen)
            .map(|e| CyzenUser {
                user_id: format!("u-{}", e.code),
                user_code: e.code.clone(),
                user_name: format!("{} {}", e.last_name, e.first_name),
            })
            .collect();
        let outsider = company.outsiders.cyzen_user_code.clone();
        users.push(CyzenUser {
            user_id: format!("u-{outsider}"),
            user_code: outsider.clone(),
            user_name: "外部 協力者".into(),
        });
        let today = clock.today();
        let first = today.with_day(1).unwrap_or(today);
        let mut presses = Vec::new();
        for day in first.iter_days().take_while(|d| *d <= today) {
            for user in &users {
                let n: u32 = user.user_code.parse().unwrap_or(0);
                for (status, t) in cyzen_schedule(n, user.user_code == outsider, day) {
                    presses.push(CyzenPress {
                        history_id: String::new(),
                        user_id: user.user_id.clone(),
                        user_code: user.user_code.clone(),
                        status_id: status.to_owned(),
                        pressed_at: local(t),
                    });
                }
            }
        }
        presses.sort_by(|a, b| {
            (a.pressed_at, &a.user_code, &a.status_id).cmp(&(
                b.pressed_at,
                &b.user_code,
                &b.status_id,
            ))
        });
        for (i, p) in presses.iter_mut().enumerate() {
            p.history_id = format!("h-{:06}", i + 1);
        }
        let next_press = presses.len() as u64 + 1;
        Arc::new(Self {
            clock,
            state: Mutex::new(CzState {
                users,
                presses,
                next_press,
                window: HashMap::new(),
                limit: (5, StdDuration::from_secs(1)),
                rate_limited: 0,
                page_size: PAGE_SIZE,
            }),
        })
    }

    fn state(&self) -> MutexGuard<'_, CzState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The credentials the fake accepts.
    pub fn credentials(&self) -> CyzenCredentials {
        CyzenCredentials {
            company_id: CYZEN_COMPANY_ID.into(),
            token: CYZEN_TOKEN.into(),
        }
    }

    /// The users.
    pub fn users(&self) -> Vec<CyzenUser> {
        self.state().users.clone()
    }

    /// Every stored press, including those still in the clock's future.
    pub fn presses(&self) -> Vec<CyzenPress> {
        self.state().presses.clone()
    }

    /// The presses the API serves now (`create_at` ≤ the clock's instant).
    pub fn visible_presses(&self) -> Vec<CyzenPress> {
        let now = self.clock.now();
        self.state()
            .presses
            .iter()
            .filter(|p| p.pressed_at <= now)
            .cloned()
            .collect()
    }

    /// Records a press of `status_id` by the user with `user_code` at `at`;
    /// returns its `history_id`, or `None` for an unknown user or status.
    pub fn add_press(&self, user_code: &str, status_id: &str, at: DateTime<Utc>) -> Option<String> {
        if !STATUSES.iter().any(|(id, _, _)| *id == status_id) {
            return None;
        }
        let mut s = self.state();
        let user = s.users.iter().find(|u| u.user_code == user_code)?.clone();
        let id = format!("h-{:06}", s.next_press);
        s.next_press += 1;
        s.presses.push(CyzenPress {
            history_id: id.clone(),
            user_id: user.user_id,
            user_code: user.user_code,
            status_id: status_id.to_owned(),
            pressed_at: at,
        });
        Some(id)
    }

    /// Changes the rate limit (default 5 requests per 1 s, per token).
    pub fn set_rate_limit(&self, requests: usize, period: StdDuration) {
        let mut s = self.state();
        s.limit = (requests.max(1), period);
        s.window.clear();
    }

    /// Serves the user and history lists `size` items a page (default
    /// [`PAGE_SIZE`]), each page but the last with its `next_*` cursor: a
    /// client that takes a page shorter than 200 for the last one loses
    /// the rest.
    pub fn set_page_size(&self, size: usize) {
        self.state().page_size = size.max(1);
    }

    /// How many requests were answered 503 for exceeding the rate limit.
    pub fn rate_limited_count(&self) -> u64 {
        self.state().rate_limited
    }

    pub(crate) fn router(self: &Arc<Self>) -> Router {
        let api = Router::new()
            .route("/users", get(users))
            .route("/groups", get(groups))
            .route("/statuses", get(statuses))
            .route("/histories", get(histories))
            .layer(middleware::from_fn_with_state(self.clone(), gate))
            .with_state(self.clone());
        Router::new().nest(BASE_PATH, api)
    }
}

fn errors(status: StatusCode, code: &str, message: &str) -> Response {
    let body = json!({"errors": [{"err_code": code.parse::<i64>().map_or_else(|_| json!(code), |n| json!(n)), "err_msg": message}]});
    (status, axum::Json(body)).into_response()
}

fn invalid(message: &str) -> Response {
    errors(StatusCode::OK, CODE_INVALID_PARAMETER, message)
}

type Pairs = Vec<(String, String)>;

fn pairs(raw: Option<&str>) -> Pairs {
    serde_urlencoded::from_str(raw.unwrap_or_default()).unwrap_or_default()
}

fn param<'a>(q: &'a Pairs, name: &str) -> Option<&'a str> {
    q.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty())
}

async fn gate(State(fake): State<Arc<CyzenFake>>, request: Request, next: Next) -> Response {
    let token = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split_once(' '))
        .filter(|(scheme, _)| scheme.eq_ignore_ascii_case("bearer"))
        .map(|(_, token)| token.trim().to_owned());
    // The limit counts every request presenting a token.
    if let Some(token) = &token {
        let mut s = fake.state();
        let (max, period) = s.limit;
        let now = Instant::now();
        let window = s.window.entry(token.clone()).or_default();
        while window
            .front()
            .is_some_and(|t| now.duration_since(*t) >= period)
        {
            window.pop_front();
        }
        if window.len() >= max {
            s.rate_limited += 1;
            let mut response =
                (StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable").into_response();
            response
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return response;
        }
        window.push_back(now);
    }
    if token.as_deref() != Some(CYZEN_TOKEN) {
        return errors(
            StatusCode::UNAUTHORIZED,
            CODE_UNAUTHORIZED,
            "invalid access token",
        );
    }
    let q = pairs(request.uri().query());
    match param(&q, "company_id") {
        Some(id) if id == CYZEN_COMPANY_ID => next.run(request).await,
        Some(_) => invalid("invalid parameter company_id"),
        None => invalid("company_id is required"),
    }
}

/// One page of `size` items starting at the item whose key is `cursor`;
/// with `repeat` ([`Fault::RepeatPage`](crate::Fault::RepeatPage)), the
/// page before it, whose next cursor is `cursor` again.
fn page<T: Clone>(
    items: &[T],
    key: impl Fn(&T) -> String,
    cursor: Option<&str>,
    size: usize,
    repeat: bool,
) -> Result<(Vec<T>, Option<T>), Response> {
    let mut start = match cursor {
        None => 0,
        Some(c) => items
            .iter()
            .position(|i| key(i) == c)
            .ok_or_else(|| invalid("invalid parameter next cursor"))?,
    };
    if repeat {
        start = start.saturating_sub(size);
    }
    let chunk: Vec<T> = items.iter().skip(start).take(size).cloned().collect();
    let next = items.get(start + size).cloned();
    Ok((chunk, next))
}

async fn users(
    State(fake): State<Arc<CyzenFake>>,
    repeat: Option<Extension<RepeatPage>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = pairs(raw.as_deref());
    let all_fields = match param(&q, "field") {
        None => false,
        Some("all") => true,
        Some(_) => return invalid("invalid parameter field"),
    };
    let mut list = fake.state().users.clone();
    if let Some(id) = param(&q, "user_id") {
        list.retain(|u| u.user_id == id);
    }
    let size = fake.state().page_size;
    let cursor = param(&q, "next_user_id");
    let (chunk, next) = match page(&list, |u| u.user_id.clone(), cursor, size, repeat.is_some()) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let users: Vec<Value> = chunk
        .iter()
        .map(|u| {
            let mut v = json!({
                "user_id": u.user_id,
                "user_login_id": format!("{}@sample-shoji.example", u.user_code),
                "user_code": u.user_code,
                "user_name": u.user_name,
                "account_status": 1,
                "created_at": "2026-04-01T00:00:00",
                "updated_at": "2026-04-01T00:00:00",
            });
            if all_fields {
                v["groups"] = json!([{"group_id": CYZEN_GROUP_ID, "group_name": "営業部", "is_group_owner": false}]);
                v["user_tags"] = json!([]);
            }
            v
        })
        .collect();
    let mut body = json!({"users": users});
    if let Some(n) = next {
        body["next_user_id"] = json!(n.user_id);
    }
    axum::Json(body).into_response()
}

async fn groups(RawQuery(raw): RawQuery) -> Response {
    let q = pairs(raw.as_deref());
    let group = json!({
        "group_id": CYZEN_GROUP_ID,
        "group_join_id": "join-2000",
        "group_code": "2000",
        "group_name": "営業部",
        "created_at": "2026-04-01T00:00:00",
        "updated_at": "2026-04-01T00:00:00",
    });
    let list = match param(&q, "group_id") {
        Some(id) if id != CYZEN_GROUP_ID => vec![],
        _ => vec![group],
    };
    axum::Json(json!({"groups": list})).into_response()
}

async fn statuses() -> Response {
    let list: Vec<Value> = STATUSES
        .iter()
        .map(|(id, name, kind)| {
            json!({
                "status_id": id,
                "status_name": name,
                "status_type": kind,
                "group_id": CYZEN_GROUP_ID,
                "created_at": "2026-04-01T00:00:00",
                "updated_at": "2026-04-01T00:00:00",
            })
        })
        .collect();
    axum::Json(json!({"statuses": list})).into_response()
}

async fn histories(
    State(fake): State<Arc<CyzenFake>>,
    repeat: Option<Extension<RepeatPage>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = pairs(raw.as_deref());
    let now = fake.clock.now();
    let time = |name: &str| -> Result<Option<DateTime<Utc>>, Response> {
        param(&q, name)
            .map(|v| {
                cyzen_api::models::datetime::parse_utc(v.trim())
                    .map_err(|_| invalid(&format!("invalid parameter {name}")))
            })
            .transpose()
    };
    let (from, to) = match (time("from_date"), time("to_date")) {
        (Ok(f), Ok(t)) => (
            f.unwrap_or(now - Duration::days(MAX_HISTORY_WINDOW_DAYS) + Duration::seconds(1)),
            t.unwrap_or(now),
        ),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    if from > to {
        return invalid("invalid parameter from_date is after to_date");
    }
    if to - from >= Duration::days(MAX_HISTORY_WINDOW_DAYS) {
        return invalid("invalid parameter the period must be within 15 days");
    }
    let list: Vec<CyzenPress> = fake
        .state()
        .presses
        .iter()
        .filter(|p| p.pressed_at <= now && p.pressed_at >= from && p.pressed_at <= to)
        .cloned()
        .collect();
    let mut sorted = list;
    sorted.sort_by(|a, b| (a.pressed_at, &a.history_id).cmp(&(b.pressed_at, &b.history_id)));
    // Either cursor key finds the page's first item.
    let cursor = param(&q, "next_history_id").map(str::to_owned).or_else(|| {
        param(&q, "next_history_created_at").and_then(|at| {
            sorted
                .iter()
                .find(|p| wire(&p.pressed_at) == at)
                .map(|p| p.history_id.clone())
        })
    });
    let size = fake.state().page_size;
    let paged = page(
        &sorted,
        |p| p.history_id.clone(),
        cursor.as_deref(),
        size,
        repeat.is_some(),
    );
    let (chunk, next) = match paged {
        Ok(p) => p,
        Err(e) => return e,
    };
    let histories: Vec<Value> = chunk
        .iter()
        .map(|p| {
            json!({
                "history_id": p.history_id,
                "user_id": p.user_id,
                "group_id": CYZEN_GROUP_ID,
                "status_id": p.status_id,
                "history_comment": null,
                "address": "東京都千代田区丸の内1-1",
                "history_latitude": 35.6812,
                "history_longitude": 139.7671,
                "history_accuracy": 20,
                "create_at": wire(&p.pressed_at),
                "updated_at": wire(&p.pressed_at),
            })
        })
        .collect();
    let mut body = json!({"histories": histories});
    if let Some(n) = next {
        body["next_history_id"] = json!(n.history_id);
        body["next_history_created_at"] = json!(wire(&n.pressed_at));
    }
    axum::Json(body).into_response()
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::senselink::{serve_for_test, test_clock as clock};
    use cyzen_api::models::StatusKind;
    use cyzen_api::range::TimeRange;
    use cyzen_api::{Client, RateLimiter, RetryPolicy};
    use futures_util::TryStreamExt;

    async fn start() -> (Arc<CyzenFake>, String, SandboxClock) {
        let clock = clock();
        let fake = CyzenFake::new(&Company::demo(), clock.clone());
        // The clients below do not limit themselves: nor does the fake,
        // but in the test of the limit.
        fake.set_rate_limit(10_000, StdDuration::from_secs(1));
        let url = serve_for_test(fake.router()).await;
        (fake, format!("{url}/webapi/v0"), clock)
    }

    fn client(url: &str, company: &str, token: &str) -> Client {
        Client::builder(company, token.to_owned())
            .base_url(url)
            .rate_limit(RateLimiter::per_second(1000.0).unwrap())
            .retry_policy(RetryPolicy::never())
            .build()
            .unwrap()
    }

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    #[tokio::test]
    async fn the_month_of_presses_is_read_over_windows_and_pages() {
        let (fake, url, _clock) = start().await;
        let c = client(&url, CYZEN_COMPANY_ID, CYZEN_TOKEN);
        let range = TimeRange::jst_days(day(1), day(20)).unwrap();
        let presses: Vec<_> = c
            .histories()
            .list(range)
            .presses()
            .try_collect()
            .await
            .unwrap();
        // 19 full days of 95 presses, and 34 on the 20th before 10:00.
        assert_eq!(presses.len(), 19 * 95 + 34);
        assert_eq!(presses.len(), fake.visible_presses().len());
        let kinds = |code: &str, kind: StatusKind| {
            presses
                .iter()
                .filter(|p| p.user_code().map(|c| c.as_str()) == Some(code))
                .filter(|p| p.kind() == Some(&kind))
                .count()
        };
        assert_eq!(kinds("0021", StatusKind::WorkStart), 20);
        assert_eq!(kinds("0025", StatusKind::WorkStart), 40, "repeated presses");
        assert_eq!(kinds("0021", StatusKind::WorkEnd), 19);
        assert_eq!(kinds("9002", StatusKind::WorkStart), 20, "the outsider");
        let names: std::collections::BTreeSet<_> = presses
            .iter()
            .filter_map(|p| p.status.as_ref()?.status_name.clone())
            .collect();
        for name in ["出勤", "退勤", "休憩開始", "休憩終了", "移動中", "商談中"] {
            assert!(names.contains(name), "{name}");
        }
        // 0021 on the 1st: 出勤 08:30 + (7·21 mod 30 = 27) min + 21 s.
        let first = presses
            .iter()
            .find(|p| p.user_code().map(|c| c.as_str()) == Some("0021"))
            .unwrap();
        assert_eq!(
            first.history.pressed_at,
            local(day(1).and_hms_opt(8, 57, 21).unwrap())
        );
    }

    #[tokio::test]
    async fn errors_under_http_200_and_a_wrong_token() {
        let (_fake, url, _clock) = start().await;
        let err = client(&url, "00000000000000000000000000000000", CYZEN_TOKEN)
            .groups()
            .list()
            .send()
            .await
            .unwrap_err();
        assert!(err.is_invalid_parameter(), "{err:?}");
        assert_eq!(err.status(), Some(StatusCode::OK));

        let err = client(&url, CYZEN_COMPANY_ID, "wrong-token")
            .check()
            .await
            .unwrap_err();
        assert!(err.is_auth(), "{err:?}");

        // A 16-day window: the client would split it, so ask directly.
        let http = kot_connect_http::reqwest::Client::new();
        let body: Value = http
            .get(format!("{url}/histories"))
            .query(&[
                ("company_id", CYZEN_COMPANY_ID),
                ("from_date", "2026-11-01T00:00:00"),
                ("to_date", "2026-11-16T00:00:00"),
            ])
            .header("authorization", format!("bearer {CYZEN_TOKEN}"))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        assert_eq!(body["errors"][0]["err_code"], 40000);
    }

    #[tokio::test]
    async fn the_sixth_request_inside_the_period_is_limited() {
        let (fake, url, _clock) = start().await;
        // A long period, so that the count does not depend on the machine's speed.
        fake.set_rate_limit(5, StdDuration::from_secs(3600));
        let c = client(&url, CYZEN_COMPANY_ID, CYZEN_TOKEN);
        let mut answers = Vec::new();
        for _ in 0..6 {
            answers.push(c.statuses().list().send().await);
        }
        assert!(answers[..5].iter().all(Result::is_ok));
        let err = answers[5].as_ref().unwrap_err();
        assert!(err.is_rate_limited(), "{err:?}");
        assert_eq!(err.status(), Some(StatusCode::SERVICE_UNAVAILABLE));
        assert_eq!(fake.rate_limited_count(), 1);
    }

    #[tokio::test]
    async fn users_and_added_presses() {
        let (fake, url, clock) = start().await;
        let c = client(&url, CYZEN_COMPANY_ID, CYZEN_TOKEN);
        let users = c.users().list().all().await.unwrap();
        let codes: Vec<_> = users
            .iter()
            .filter_map(|u| u.user_code.as_ref().map(|c| c.as_str().to_owned()))
            .collect();
        assert_eq!(codes.len(), 16);
        assert_eq!(codes.first().map(String::as_str), Some("0021"));
        assert_eq!(codes.last().map(String::as_str), Some("9002"));
        let before = fake.visible_presses().len();
        let id = fake
            .add_press("0022", "st-06", clock.now() - Duration::seconds(1))
            .unwrap();
        assert!(fake.add_press("0022", "st-99", clock.now()).is_none());
        let range = TimeRange::jst_days(day(20), day(20)).unwrap();
        let today = c.histories().list(range).all().await.unwrap();
        assert!(today.iter().any(|h| h.history_id.as_str() == id));
        assert_eq!(fake.visible_presses().len(), before + 1);
    }
}
