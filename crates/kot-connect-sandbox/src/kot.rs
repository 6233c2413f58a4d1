//! The KING OF TIME fake: employees, divisions, time records and punch
//! registration, the prohibited time bands, the request-count limit, the
//! bearer token and KOT's two error shapes.
//!
//! Behaviour follows `docs/reference/kot.md`; where KOT does not document
//! something (the status of the `303` answer, its validation error codes)
//! the choice is named in the crate's README under "Provisional".

// Handlers' helpers fail with the answer to send: a `Response`, by value.
#![allow(clippy::result_large_err)]

use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::Router;
use axum::extract::{MatchedPath, Path, Query, Request, State};
use axum::http::{StatusCode, header};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use chrono::{DateTime, Days, FixedOffset, Months, NaiveDate, NaiveTime, Timelike};
use serde_json::{Map, Value, json};

use crate::clock::jst;
use crate::company::{SeedDivision, SeedEmployee};
use crate::faults::lock;
use crate::{Company, SandboxClock, SandboxError};

/// The access token the KOT fake accepts (`Authorization: Bearer ...`).
/// Fake: it opens nothing but the sandbox.
pub const KOT_TOKEN: &str = "5a4db0c0ffee5a4db0c0ffee5a4db0c0";

/// The path of KOT's base URL (`https://api.kingtime.jp/v1.0`).
pub(crate) const BASE_PATH: &str = "/v1.0";

/// The HTTP status of the flat `{"code":"303"}` answer. KOT does not
/// document it; the sandbox uses 403, the status of KOT's other refusals.
pub const KOT_RATE_LIMIT_STATUS: u16 = 403;

/// The message of KOT's time-band refusal (code 104), as KOT writes it.
pub const TIME_BAND_MESSAGE: &str =
    "次の時間帯(JST)はAPIへのアクセスが禁止されています [08:30 ~ 10:00, 17:30 ~ 18:30]";

/// The longest range (in days, both ends included) KOT serves at once.
const MAX_RANGE_DAYS: u64 = 62;

/// A punch KOT holds.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct StoredPunch {
    /// 従業員識別キー.
    pub employee_key: String,
    /// 従業員コード (with its leading zeros).
    pub employee_code: String,
    /// 勤務日: the work date the punch belongs to.
    pub date: NaiveDate,
    /// 打刻時間, in JST.
    pub time: DateTime<FixedOffset>,
    /// 打刻種別: 1 出勤, 2 退勤, 3 休憩開始, 4 休憩終了, 7 外出, 8 外出戻り.
    pub code: u8,
    /// 打刻先所属コード.
    pub division_code: String,
    /// 緯度, when sent.
    pub latitude: Option<f64>,
    /// 経度, when sent.
    pub longitude: Option<f64>,
    /// True when registered through the API, false when made by hand
    /// ([`KotFake::add_punch`]).
    pub via_api: bool,
}

/// The punch type codes KOT accepts, with their names.
const PUNCH_CODES: [(u8, &str); 6] = [
    (1, "出勤"),
    (2, "退勤"),
    (3, "休憩開始"),
    (4, "休憩終了"),
    (7, "外出"),
    (8, "外出戻り"),
];

fn punch_name(code: u8) -> &'static str {
    PUNCH_CODES
        .iter()
        .find(|(c, _)| *c == code)
        .map_or("", |(_, n)| n)
}

/// The KING OF TIME fake. Holds the company's employees and divisions and
/// every punch registered; starts with no punch.
#[derive(Debug)]
pub struct KotFake {
    company: Company,
    clock: SandboxClock,
    rate: Option<(u32, Duration)>,
    punches: Mutex<Vec<StoredPunch>>,
    recent: Mutex<VecDeque<tokio::time::Instant>>,
}

impl KotFake {
    pub(crate) fn new(
        company: &Company,
        clock: SandboxClock,
        rate: Option<(u32, Duration)>,
    ) -> Arc<Self> {
        Arc::new(Self {
            company: company.clone(),
            clock,
            rate,
            punches: Mutex::new(Vec::new()),
            recent: Mutex::new(VecDeque::new()),
        })
    }

    /// Every punch held, in registration order (duplicates included).
    pub fn punches(&self) -> Vec<StoredPunch> {
        lock(&self.punches).clone()
    }

    /// The punches of one employee (by code), in registration order.
    pub fn punches_of(&self, employee_code: &str) -> Vec<StoredPunch> {
        lock(&self.punches)
            .iter()
            .filter(|p| p.employee_code == employee_code)
            .cloned()
            .collect()
    }

    /// Removes every punch.
    pub fn clear_punches(&self) {
        lock(&self.punches).clear();
    }

    /// The employees KOT holds (the resigned one included).
    pub fn employees(&self) -> &[SeedEmployee] {
        &self.company.employees
    }

    /// The divisions KOT holds.
    pub fn divisions(&self) -> &[SeedDivision] {
        &self.company.divisions
    }

    /// Adds a punch as an administrator would in KOT's screens (not through
    /// the API). The work date follows the employee's division's day border
    /// (日付変更時刻): in `3000` (05:00) a punch at 04:30 belongs to the day
    /// before.
    ///
    /// # Errors
    /// [`SandboxError::UnknownEmployee`] for a code KOT does not hold;
    /// [`SandboxError::InvalidPunch`] for a code other than 1-4, 7, 8.
    pub fn add_punch(
        &self,
        employee_code: &str,
        time: DateTime<FixedOffset>,
        code: u8,
    ) -> Result<StoredPunch, SandboxError> {
        let employee = self
            .company
            .employee(employee_code)
            .ok_or_else(|| SandboxError::UnknownEmployee(employee_code.to_owned()))?;
        if punch_name(code).is_empty() {
            return Err(SandboxError::InvalidPunch(format!(
                "punch code {code} is not one of 1, 2, 3, 4, 7, 8"
            )));
        }
        let time = time.with_timezone(&jst());
        let punch = StoredPunch {
            employee_key: employee.key.clone(),
            employee_code: employee.code.clone(),
            date: self.work_date(employee, &time),
            time,
            code,
            division_code: employee.division_code.clone(),
            latitude: None,
            longitude: None,
            via_api: false,
        };
        lock(&self.punches).push(punch.clone());
        Ok(punch)
    }

    /// The work date of a punch at `time` by `employee`'s day border.
    pub fn work_date_of(
        &self,
        employee_code: &str,
        time: DateTime<FixedOffset>,
    ) -> Option<NaiveDate> {
        let employee = self.company.employee(employee_code)?;
        Some(self.work_date(employee, &time.with_timezone(&jst())))
    }

    fn work_date(&self, employee: &SeedEmployee, time: &DateTime<FixedOffset>) -> NaiveDate {
        let border = self
            .company
            .division(&employee.division_code)
            .map_or(NaiveTime::MIN, |d| d.day_border);
        let date = time.date_naive();
        if time.time() < border {
            date.pred_opt().unwrap_or(date)
        } else {
            date
        }
    }

    pub(crate) fn router(self: &Arc<Self>) -> Router {
        let routes = Router::new()
            .route("/v1.0/employees", get(list_employees))
            .route("/v1.0/employees/{employeeCode}", get(get_employee))
            .route("/v1.0/divisions", get(list_divisions))
            .route("/v1.0/daily-workings", get(daily_workings))
            .route("/v1.0/daily-workings/timerecord", get(list_time_records))
            .route(
                "/v1.0/daily-workings/timerecord/{employeeKey}",
                get(time_records_on).post(register_punch),
            )
            .route("/v1.0/tokens/{token}/available", get(token_available));
        routes
            .route_layer(axum::middleware::from_fn_with_state(self.clone(), gate))
            .with_state(self.clone())
    }

    /// The request-count limit: true when this call is over it.
    fn over_rate(&self) -> bool {
        let Some((requests, per)) = self.rate else {
            return false;
        };
        let now = tokio::time::Instant::now();
        let mut recent = lock(&self.recent);
        while recent
            .front()
            .is_some_and(|t| now.duration_since(*t) >= per)
        {
            recent.pop_front();
        }
        if recent.len() >= requests as usize {
            return true;
        }
        recent.push_back(now);
        false
    }

    fn division_name(&self, code: &str) -> Option<&str> {
        self.company.division(code).map(|d| d.name.as_str())
    }

    /// The fields every employee answer has.
    fn employee_base(&self, e: &SeedEmployee) -> Map<String, Value> {
        let mut o = Map::new();
        o.insert("divisionCode".into(), json!(e.division_code));
        if let Some(name) = self.division_name(&e.division_code) {
            o.insert("divisionName".into(), json!(name));
        }
        o.insert("typeCode".into(), json!(e.type_code));
        o.insert("typeName".into(), json!(type_name(&e.type_code)));
        o.insert("code".into(), json!(e.code));
        o.insert("lastName".into(), json!(e.last_name));
        o.insert("firstName".into(), json!(e.first_name));
        o
    }

    fn employee_json(&self, e: &SeedEmployee, fields: &HashSet<String>) -> Value {
        let mut o = self.employee_base(e);
        o.insert("key".into(), json!(e.key));
        let wants = |f: &str| fields.contains(f);
        if wants("lastNamePhonetics") {
            o.insert("lastNamePhonetics".into(), json!(e.last_name_phonetics));
        }
        if wants("firstNamePhonetics") {
            o.insert("firstNamePhonetics".into(), json!(e.first_name_phonetics));
        }
        if wants("hiredDate") {
            o.insert("hiredDate".into(), json!(e.hired_date));
        }
        if wants("birthDate") {
            o.insert("birthDate".into(), json!(e.birth_date));
        }
        if wants("resignationDate")
            && let Some(d) = e.resignation_date
        {
            o.insert("resignationDate".into(), json!(d));
        }
        if wants("emailAddresses")
            && let Some(mail) = &e.email
        {
            o.insert("emailAddresses".into(), json!([mail]));
        }
        if wants("allDayRegardingWorkInMinute") {
            let minutes = if e.type_code == "1" { 480 } else { 360 };
            o.insert("allDayRegardingWorkInMinute".into(), json!(minutes));
        }
        Value::Object(o)
    }

    fn current_date_employee(&self, e: &SeedEmployee) -> Value {
        let mut o = self.employee_base(e);
        o.insert("lastNamePhonetics".into(), json!(e.last_name_phonetics));
        o.insert("firstNamePhonetics".into(), json!(e.first_name_phonetics));
        Value::Object(o)
    }

    fn record_json(&self, p: &StoredPunch) -> Value {
        let mut o = Map::new();
        o.insert("time".into(), json!(format_seconds(&p.time)));
        o.insert("code".into(), json!(p.code.to_string()));
        o.insert("name".into(), json!(punch_name(p.code)));
        o.insert("divisionCode".into(), json!(p.division_code));
        if let Some(name) = self.division_name(&p.division_code) {
            o.insert("divisionName".into(), json!(name));
        }
        if let Some(lat) = p.latitude {
            o.insert("latitude".into(), json!(lat));
        }
        if let Some(lon) = p.longitude {
            o.insert("longitude".into(), json!(lon));
        }
        Value::Object(o)
    }
}

fn type_name(code: &str) -> &'static str {
    if code == "1" {
        "正社員"
    } else {
        "パート"
    }
}

fn format_seconds(time: &DateTime<FixedOffset>) -> String {
    time.with_timezone(&jst())
        .format("%Y-%m-%dT%H:%M:%S%:z")
        .to_string()
}

// ---------------------------------------------------------------------------
// Answers
// ---------------------------------------------------------------------------

/// KOT's list-shaped error: `{"errors":[{"message","code"}]}`.
fn kot_error(status: StatusCode, code: u32, message: impl Into<String>) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        json!({"errors": [{"message": message.into(), "code": code}]}).to_string(),
    )
        .into_response()
}

/// A validation error. KOT's codes for these are not public; the sandbox
/// uses 400 with code 2 (the code seen for a malformed date in a path).
fn invalid(message: impl Into<String>) -> Response {
    kot_error(StatusCode::BAD_REQUEST, 2, message)
}

fn ok_json(status: StatusCode, value: Value) -> Response {
    (
        status,
        [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
        value.to_string(),
    )
        .into_response()
}

/// Token, rate limit and time band, in that order, before any route runs.
async fn gate(State(kot): State<Arc<KotFake>>, request: Request, next: Next) -> Response {
    let authorized = request
        .headers()
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v == format!("Bearer {KOT_TOKEN}"));
    if !authorized {
        return kot_error(StatusCode::FORBIDDEN, 100, "認証に失敗しました");
    }
    if kot.over_rate() {
        let status = StatusCode::from_u16(KOT_RATE_LIMIT_STATUS).unwrap_or(StatusCode::FORBIDDEN);
        return (
            status,
            [(header::CONTENT_TYPE, "application/json; charset=utf-8")],
            r#"{"code":"303","message":"Too Many Requests"}"#,
        )
            .into_response();
    }
    let template = request
        .extensions()
        .get::<MatchedPath>()
        .map(|m| m.as_str().to_owned())
        .unwrap_or_default();
    let exempt = template.starts_with("/v1.0/tokens/")
        || (request.method() == axum::http::Method::POST
            && template == "/v1.0/daily-workings/timerecord/{employeeKey}");
    if !exempt && in_band(&kot.clock.now_jst()) {
        return kot_error(StatusCode::FORBIDDEN, 104, TIME_BAND_MESSAGE);
    }
    next.run(request).await
}

/// Whether `at` falls in 08:30-10:00 or 17:30-18:30 (start included, end
/// excluded, as kot-api's guard takes them).
pub(crate) fn in_band(at: &DateTime<FixedOffset>) -> bool {
    let minutes = at.hour() * 60 + at.minute();
    (8 * 60 + 30..10 * 60).contains(&minutes) || (17 * 60 + 30..18 * 60 + 30).contains(&minutes)
}

type Params = Query<HashMap<String, String>>;

fn parse_date(name: &str, value: &str) -> Result<NaiveDate, Response> {
    NaiveDate::parse_from_str(value, "%Y-%m-%d").map_err(|_| {
        invalid(format!(
            "{name} は YYYY-MM-DD で指定してください ({name} must be YYYY-MM-DD)"
        ))
    })
}

fn parse_bool(name: &str, value: Option<&String>) -> Result<Option<bool>, Response> {
    match value.map(|v| v.to_ascii_lowercase()) {
        None => Ok(None),
        Some(v) if v == "true" => Ok(Some(true)),
        Some(v) if v == "false" => Ok(Some(false)),
        Some(_) => Err(invalid(format!("{name} must be true or false"))),
    }
}

fn fields(params: &HashMap<String, String>) -> HashSet<String> {
    params
        .get("additionalFields")
        .map(|f| {
            f.split(',')
                .map(|s| s.trim().to_owned())
                .filter(|s| !s.is_empty())
                .collect()
        })
        .unwrap_or_default()
}

impl KotFake {
    /// `date` within 3 years back and 1 year ahead of today.
    fn check_window(&self, name: &str, date: NaiveDate) -> Result<(), Response> {
        let today = self.clock.today();
        let earliest = today.checked_sub_months(Months::new(36)).unwrap_or(today);
        let latest = today.checked_add_months(Months::new(12)).unwrap_or(today);
        if date < earliest || date > latest {
            return Err(invalid(format!(
                "{name} は3年前から1年後までで指定してください ({name} must be within 3 years back and 1 year ahead)"
            )));
        }
        Ok(())
    }

    fn employee_date(&self, params: &HashMap<String, String>) -> Result<NaiveDate, Response> {
        let date = match params.get("date") {
            Some(d) => parse_date("date", d)?,
            None => self.clock.today(),
        };
        self.check_window("date", date)?;
        Ok(date)
    }

    /// `start`/`end`: both or neither (then today), at most 62 days.
    fn range(&self, params: &HashMap<String, String>) -> Result<(NaiveDate, NaiveDate), Response> {
        let (start, end) = match (params.get("start"), params.get("end")) {
            (Some(s), Some(e)) => (parse_date("start", s)?, parse_date("end", e)?),
            (None, None) => (self.clock.today(), self.clock.today()),
            _ => {
                return Err(invalid(
                    "start と end は同時に指定してください (start and end go together)",
                ));
            }
        };
        if end < start {
            return Err(invalid(
                "end は start 以降にしてください (end is before start)",
            ));
        }
        if (end - start).num_days() as u64 + 1 > MAX_RANGE_DAYS {
            return Err(invalid(
                "期間は最大62日です (the range may span at most 62 days)",
            ));
        }
        self.check_window("start", start)?;
        self.check_window("end", end)?;
        Ok((start, end))
    }
}

async fn list_employees(State(kot): State<Arc<KotFake>>, Query(params): Params) -> Response {
    let date = match kot.employee_date(&params) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let include_resigner = match parse_bool("includeResigner", params.get("includeResigner")) {
        Ok(v) => v.unwrap_or(false),
        Err(e) => return e,
    };
    let fields = fields(&params);
    let division = params.get("division");
    let list: Vec<Value> = kot
        .company
        .employees
        .iter()
        .filter(|e| division.is_none_or(|d| &e.division_code == d))
        .filter(|e| include_resigner || e.is_active_on(date))
        .map(|e| kot.employee_json(e, &fields))
        .collect();
    ok_json(StatusCode::OK, Value::Array(list))
}

async fn get_employee(
    State(kot): State<Arc<KotFake>>,
    Path(code): Path<String>,
    Query(params): Params,
) -> Response {
    let date = match kot.employee_date(&params) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let include_resigner = match parse_bool("includeResigner", params.get("includeResigner")) {
        Ok(v) => v.unwrap_or(false),
        Err(e) => return e,
    };
    match kot
        .company
        .employee(&code)
        .filter(|e| include_resigner || e.is_active_on(date))
    {
        Some(e) => ok_json(StatusCode::OK, kot.employee_json(e, &fields(&params))),
        None => invalid(format!(
            "従業員コード {code} の従業員は存在しません (no employee with this code)"
        )),
    }
}

async fn list_divisions(State(kot): State<Arc<KotFake>>) -> Response {
    let list: Vec<Value> = kot
        .company
        .divisions
        .iter()
        .map(|d| {
            json!({"code": d.code, "name": d.name,
                   "dayBorderTime": d.day_border.format("%H:%M").to_string()})
        })
        .collect();
    ok_json(StatusCode::OK, Value::Array(list))
}

/// Which employees a daily read covers, and how to tell them apart.
struct DailyScope {
    keys: Option<HashSet<String>>,
    division: Option<String>,
    on_division: bool,
    current_date_employee: bool,
}

impl KotFake {
    fn daily_scope(
        &self,
        params: &HashMap<String, String>,
        keys_allowed: bool,
    ) -> Result<DailyScope, Response> {
        let division = params.get("division").cloned();
        let on_division = parse_bool("ondivision", params.get("ondivision"))?;
        if on_division.is_some() && division.is_none() {
            return Err(invalid(
                "ondivision は division と同時に指定してください (ondivision needs division)",
            ));
        }
        let keys = match params.get("employeeKeys") {
            Some(_) if !keys_allowed => return Err(invalid("employeeKeys is not accepted here")),
            Some(_) if division.is_some() => {
                return Err(invalid(
                    "employeeKeys は division を指定しない場合のみ使用可能です (employeeKeys only without division)",
                ));
            }
            Some(k) => Some(
                k.split(',')
                    .map(|s| s.trim().to_owned())
                    .filter(|s| !s.is_empty())
                    .collect(),
            ),
            None => None,
        };
        Ok(DailyScope {
            keys,
            division,
            on_division: on_division.unwrap_or(true),
            current_date_employee: fields(params).contains("currentDateEmployee"),
        })
    }

    /// The punches of `date` in `scope`, grouped by employee (code order).
    fn day(&self, date: NaiveDate, scope: &DailyScope) -> Vec<(&SeedEmployee, Vec<StoredPunch>)> {
        let punches = lock(&self.punches);
        let mut out = Vec::new();
        for e in &self.company.employees {
            if scope.keys.as_ref().is_some_and(|k| !k.contains(&e.key)) {
                continue;
            }
            if let Some(d) = &scope.division
                && scope.on_division
                && &e.division_code != d
            {
                continue;
            }
            let mut mine: Vec<StoredPunch> = punches
                .iter()
                .filter(|p| p.employee_key == e.key && p.date == date)
                .filter(|p| {
                    scope.on_division
                        || scope
                            .division
                            .as_ref()
                            .is_none_or(|d| &p.division_code == d)
                })
                .cloned()
                .collect();
            if mine.is_empty() {
                continue;
            }
            mine.sort_by_key(|p| p.time);
            out.push((e, mine));
        }
        out
    }

    fn time_records_of_day(&self, date: NaiveDate, scope: &DailyScope) -> Value {
        let workings: Vec<Value> = self
            .day(date, scope)
            .into_iter()
            .map(|(e, punches)| {
                let mut o = Map::new();
                o.insert("date".into(), json!(date));
                o.insert("employeeKey".into(), json!(e.key));
                if scope.current_date_employee {
                    o.insert("currentDateEmployee".into(), self.current_date_employee(e));
                }
                o.insert(
                    "timeRecord".into(),
                    Value::Array(punches.iter().map(|p| self.record_json(p)).collect()),
                );
                Value::Object(o)
            })
            .collect();
        json!({"date": date, "dailyWorkings": workings})
    }
}

fn dates(start: NaiveDate, end: NaiveDate) -> impl Iterator<Item = NaiveDate> {
    std::iter::successors(Some(start), move |d| {
        d.checked_add_days(Days::new(1)).filter(|n| *n <= end)
    })
}

async fn list_time_records(State(kot): State<Arc<KotFake>>, Query(params): Params) -> Response {
    let (range, scope) = match (kot.range(&params), kot.daily_scope(&params, true)) {
        (Ok(r), Ok(s)) => (r, s),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let days: Vec<Value> = dates(range.0, range.1)
        .map(|d| kot.time_records_of_day(d, &scope))
        .collect();
    ok_json(StatusCode::OK, Value::Array(days))
}

async fn time_records_on(
    State(kot): State<Arc<KotFake>>,
    Path(date): Path<String>,
    Query(params): Params,
) -> Response {
    let date = match parse_date("date", &date) {
        Ok(d) => d,
        Err(e) => return e,
    };
    let scope = match kot.daily_scope(&params, true) {
        Ok(s) => s,
        Err(e) => return e,
    };
    if let Err(e) = kot.check_window("date", date) {
        return e;
    }
    ok_json(StatusCode::OK, kot.time_records_of_day(date, &scope))
}

async fn daily_workings(State(kot): State<Arc<KotFake>>, Query(params): Params) -> Response {
    let (range, scope) = match (kot.range(&params), kot.daily_scope(&params, false)) {
        (Ok(r), Ok(s)) => (r, s),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let days: Vec<Value> = dates(range.0, range.1)
        .map(|date| {
            let workings: Vec<Value> = kot
                .day(date, &scope)
                .into_iter()
                .map(|(e, punches)| {
                    let (total, breaks, complete) = worked_minutes(&punches);
                    let mut o = Map::new();
                    o.insert("date".into(), json!(date));
                    o.insert("employeeKey".into(), json!(e.key));
                    if scope.current_date_employee {
                        o.insert("currentDateEmployee".into(), kot.current_date_employee(e));
                    }
                    o.insert("workPlaceDivisionCode".into(), json!(e.division_code));
                    if let Some(name) = kot.division_name(&e.division_code) {
                        o.insert("workPlaceDivisionName".into(), json!(name));
                    }
                    o.insert("isClosing".into(), json!(false));
                    o.insert("isHelp".into(), json!(false));
                    o.insert("isError".into(), json!(!complete));
                    o.insert("breakTime".into(), json!(breaks));
                    o.insert("totalWork".into(), json!(total));
                    Value::Object(o)
                })
                .collect();
            json!({"date": date, "dailyWorkings": workings})
        })
        .collect();
    ok_json(StatusCode::OK, Value::Array(days))
}

/// (total work, break, complete): first 出勤 to last 退勤 minus breaks, in
/// minutes; incomplete (打刻漏れ) when either end is missing.
fn worked_minutes(punches: &[StoredPunch]) -> (i64, i64, bool) {
    let first_in = punches.iter().find(|p| p.code == 1).map(|p| p.time);
    let last_out = punches.iter().rev().find(|p| p.code == 2).map(|p| p.time);
    let mut breaks = 0;
    let mut open: Option<DateTime<FixedOffset>> = None;
    for p in punches {
        match (p.code, open) {
            (3, _) => open = Some(p.time),
            (4, Some(start)) => {
                breaks += (p.time - start).num_minutes();
                open = None;
            }
            _ => {}
        }
    }
    match (first_in, last_out) {
        (Some(i), Some(o)) if o > i => ((o - i).num_minutes() - breaks, breaks, open.is_none()),
        _ => (0, breaks, false),
    }
}

fn code_of(value: Option<&Value>) -> Result<Option<u8>, Response> {
    let code = match value {
        None | Some(Value::Null) => return Ok(None),
        Some(Value::String(s)) => s.trim().parse::<u8>().ok(),
        Some(Value::Number(n)) => n.as_u64().and_then(|n| u8::try_from(n).ok()),
        Some(_) => None,
    };
    match code {
        Some(c) if !punch_name(c).is_empty() => Ok(Some(c)),
        _ => Err(invalid(
            "code は 1, 2, 3, 4, 7, 8 のいずれかです (code must be 1, 2, 3, 4, 7 or 8)",
        )),
    }
}

async fn register_punch(
    State(kot): State<Arc<KotFake>>,
    Path(key): Path<String>,
    body: axum::body::Bytes,
) -> Response {
    let Some(employee) = kot.company.employees.iter().find(|e| e.key == key) else {
        return invalid("従業員識別キーが存在しません (no employee with this key)");
    };
    let Ok(Value::Object(body)) = serde_json::from_slice::<Value>(&body) else {
        return invalid("リクエストボディが不正です (the body is not a JSON object)");
    };
    let Some(time) = body
        .get("time")
        .and_then(Value::as_str)
        .and_then(|t| DateTime::parse_from_str(t, "%Y-%m-%dT%H:%M:%S%:z").ok())
    else {
        return invalid(
            "time は YYYY-MM-DDThh:mm:ss+09:00 で指定してください (time must have seconds and an offset)",
        );
    };
    let time = time.with_timezone(&jst());
    let code = match code_of(body.get("code")) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let omitted = body.get("isOmittedWorkingDay").and_then(Value::as_bool) == Some(true);
    let date = if omitted {
        if code.is_none() {
            return invalid(
                "isOmittedWorkingDay が true の場合 code は必須です (code is required)",
            );
        }
        kot.work_date(employee, &time)
    } else {
        match body.get("date").and_then(Value::as_str) {
            Some(d) => match parse_date("date", d) {
                Ok(d) => d,
                Err(e) => return e,
            },
            None => return invalid("date は必須です (date is required)"),
        }
    };
    let division_code = match body.get("divisionCode") {
        None | Some(Value::Null) => employee.division_code.clone(),
        Some(Value::String(d)) if kot.company.division(d).is_some() => d.clone(),
        Some(_) => return invalid("divisionCode が存在しません (unknown division)"),
    };
    let mut punches = lock(&kot.punches);
    // Without a code KOT decides: 出勤 when the day has none yet, else 退勤.
    let code = code.unwrap_or_else(|| {
        let clocked_in = punches
            .iter()
            .any(|p| p.employee_key == employee.key && p.date == date && p.code == 1);
        if clocked_in { 2 } else { 1 }
    });
    let punch = StoredPunch {
        employee_key: employee.key.clone(),
        employee_code: employee.code.clone(),
        date,
        time,
        code,
        division_code,
        latitude: body.get("latitude").and_then(Value::as_f64),
        longitude: body.get("longitude").and_then(Value::as_f64),
        via_api: true,
    };
    punches.push(punch.clone());
    drop(punches);
    ok_json(
        StatusCode::CREATED,
        json!({"date": date, "employeeKey": employee.key, "timeRecord": kot.record_json(&punch)}),
    )
}

async fn token_available(Path(token): Path<String>) -> Response {
    ok_json(StatusCode::OK, json!({"available": token == KOT_TOKEN}))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn at(h: u32, m: u32, s: u32) -> DateTime<FixedOffset> {
        jst().with_ymd_and_hms(2026, 11, 20, h, m, s).unwrap()
    }

    #[test]
    fn bands_are_half_open() {
        assert!(!in_band(&at(8, 29, 59)));
        assert!(in_band(&at(8, 30, 0)));
        assert!(in_band(&at(9, 59, 59)));
        assert!(!in_band(&at(10, 0, 0)));
        assert!(in_band(&at(17, 30, 0)));
        assert!(!in_band(&at(18, 30, 0)));
    }

    #[test]
    fn the_day_border_decides_the_work_date() {
        let kot = KotFake::new(
            &Company::demo(),
            SandboxClock::new(at(11, 0, 0).to_utc()),
            None,
        );
        let early = at(4, 30, 0);
        assert_eq!(
            kot.work_date_of("0040", early),
            NaiveDate::from_ymd_opt(2026, 11, 19)
        );
        assert_eq!(
            kot.work_date_of("0001", early),
            NaiveDate::from_ymd_opt(2026, 11, 20)
        );
        let p = kot.add_punch("0040", early, 2).unwrap();
        assert!(!p.via_api);
        assert!(kot.add_punch("9999", early, 1).is_err());
        assert!(kot.add_punch("0001", early, 5).is_err());
        assert_eq!(kot.punches().len(), 1);
    }

    #[test]
    fn worked_minutes_subtracts_breaks() {
        let p = |h, m, code| StoredPunch {
            employee_key: "k".into(),
            employee_code: "0001".into(),
            date: NaiveDate::from_ymd_opt(2026, 11, 20).unwrap(),
            time: at(h, m, 0),
            code,
            division_code: "1000".into(),
            latitude: None,
            longitude: None,
            via_api: true,
        };
        let day = [p(9, 0, 1), p(12, 0, 3), p(13, 0, 4), p(18, 0, 2)];
        assert_eq!(worked_minutes(&day), (480, 60, true));
        assert_eq!(worked_minutes(&day[..1]), (0, 0, false));
    }
}
