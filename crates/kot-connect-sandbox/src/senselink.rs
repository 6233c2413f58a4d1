//! The SenseLink fake: signed requests, the `{code, message, data}`
//! envelope, recognition records, persons, groups and devices, as
//! `senselink-api` calls them (classic open platform, "family A").
//!
//! # Base URL
//! The router is mounted at the root of its listener and serves the
//! client's default paths (`/api/v5/record/list`, `/api/v3/record/list`,
//! `/api/v1/user...`, `/api/v1/group...`, `/api/v1/device`), so the client's
//! base URL is just `http://127.0.0.1:PORT`.
//!
//! # Authentication
//! Every request must carry `app_key`, `timestamp` (Unix ms) and `sign` =
//! `lowercase_hex(MD5("{timestamp}#{app_secret}"))`, in the query string
//! (the client's default) or in the `appKey` / `timestamp` / `sign` headers.
//! A timestamp 30 minutes or more away from the [`SandboxClock`] is refused,
//! as the manual says. Refusals are HTTP 200 with a non-200 envelope code
//! ([`CODE_UNAUTHORIZED`], `desc` saying why); bad parameters are
//! [`senselink_api::CODE_PARAM_INVALID`] (30001).
//!
//! # Seed data
//! Persons (IDs from 101, in this order): every employee with `senselink`
//! (`0001`-`0020` in group 1 本社, `0036`-`0055` in group 2 大阪工場, the
//! resigned `0050` included), then the contractor
//! [`Outsiders::senselink_job_number`](crate::Outsiders) (`9001`, group 3
//! 協力会社) and the mis-registered
//! [`Outsiders::senselink_unpadded_job_number`](crate::Outsiders) (`1`,
//! group 1). Devices: 1 `SPSE-HONSHA-ENT-01` (本社 エントランス, groups 1
//! and 3) and 2 `SPSE-OSAKA-GATE-01` (大阪工場 ゲート, group 2).
//!
//! Records are generated once, at construction, for the four JST dates
//! `D-3`, `D-2`, `D-1` and `D` (`D` = the clock's date then), and are only
//! *served* once their `sign_time` is not after the clock's instant, so
//! nothing is ever in the future and records appear as the clock advances.
//! For every person above and every such date, with `n` the job number read
//! as a number (`0007` → 7, `9001` → 9001), see [`senselink_schedule`]:
//!
//! | record | local time (JST) |
//! |---|---|
//! | morning | `08:00` + `(7n mod 50)` min + `(n mod 60)` s |
//! | lunch | `12:00` + `(3n mod 30)` min + `((n+20) mod 60)` s |
//! | evening | `17:30` + `(11n mod 90)` min + `((n+40) mod 60)` s |
//! | evening, late leaver | next calendar day `01:30` + `10·(n mod 3)` min + `((n+40) mod 60)` s |
//!
//! Late leavers are the 大阪工場 (`3000`, day border 05:00) employees with
//! `n mod 4 = 0`: `0036`, `0040`, `0044`, `0048`, `0052`; their evening
//! record falls on the next calendar date but the same work date. Each date
//! also has two stranger records (未登録人物, `user_type` 3, no person,
//! no job number) at the 本社 entrance, 10:15:00 and 15:40:00.
//!
//! So a full day is 42 persons × 3 + 2 = 128 records (126 with `type=1`),
//! more than one page of 100. Record IDs count from 1 in `(sign_time,
//! person ID)` order, strangers after persons at equal times; records added
//! later ([`SenseLinkFake::add_record`]) take the next IDs.
//!
//! The list order is `order=1` (record ID ascending) or, by default and
//! with `order=0`, storage time newest first (ID descending).

// Handlers return ready HTTP answers as their errors.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, MutexGuard};

use axum::Router;
use axum::extract::{Extension, FromRequest, Multipart, Path, RawQuery, Request, State};
use axum::http::HeaderMap;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Days, Duration, NaiveDate, NaiveDateTime, NaiveTime, TimeZone, Utc};
use kot_connect_http::SecretString;
use senselink_api::models::{
    Device, DeviceId, Direction, EntryMode, Group, GroupId, JobNumber, Person, PersonId, Record,
    RecordId, UserType,
};
use serde_json::{Value, json};

use crate::clock::{SandboxClock, jst};
use crate::company::Company;
use crate::faults::RepeatPage;

/// The fake's app key (App キー).
pub const SENSELINK_APP_KEY: &str = "sandbox-senselink-app-key";
/// The fake's app secret (App シークレット).
pub const SENSELINK_APP_SECRET: &str = "sandbox-senselink-app-secret";
/// The envelope code of an authentication refusal (unknown app key, bad or
/// missing signature, expired timestamp). SenseLink's own code for these is
/// not public: this one is the sandbox's choice.
pub const CODE_UNAUTHORIZED: i64 = 401;
/// The largest `size` the record and list endpoints accept.
pub const MAX_PAGE_SIZE: usize = 100;
/// The page size when `size` is absent (the manual's default).
pub const DEFAULT_PAGE_SIZE: usize = 20;

const CODE_PARAM_INVALID: i64 = senselink_api::CODE_PARAM_INVALID;

/// The credentials the SenseLink fake accepts.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SenseLinkCredentials {
    /// App キー: [`SENSELINK_APP_KEY`].
    pub app_key: String,
    /// App シークレット: [`SENSELINK_APP_SECRET`].
    pub app_secret: String,
}

/// Group IDs of the seed.
const GROUP_HONSHA: i64 = 1;
const GROUP_OSAKA: i64 = 2;
const GROUP_CONTRACTORS: i64 = 3;
const DEVICE_HONSHA: (i64, &str, &str) = (1, "SPSE-HONSHA-ENT-01", "本社 エントランス");
const DEVICE_OSAKA: (i64, &str, &str) = (2, "SPSE-OSAKA-GATE-01", "大阪工場 ゲート");

/// The three recognition times of job number `n` on `day` (local JST), as
/// the module documentation's table says. `late_leaver` moves the evening
/// record past midnight.
pub fn senselink_schedule(n: u32, late_leaver: bool, day: NaiveDate) -> [NaiveDateTime; 3] {
    let n = i64::from(n);
    let at = |d: NaiveDate, h: u32, m: u32, add_min: i64, add_sec: i64| {
        d.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or(NaiveTime::MIN))
            + Duration::minutes(add_min)
            + Duration::seconds(add_sec)
    };
    let morning = at(day, 8, 0, (7 * n) % 50, n % 60);
    let lunch = at(day, 12, 0, (3 * n) % 30, (n + 20) % 60);
    let evening = if late_leaver {
        let next = day.checked_add_days(Days::new(1)).unwrap_or(day);
        at(next, 1, 30, 10 * (n % 3), (n + 40) % 60)
    } else {
        at(day, 17, 30, (11 * n) % 90, (n + 40) % 60)
    };
    [morning, lunch, evening]
}

/// Whether the seed person with job number `n` in division `division` is a
/// late leaver (大阪工場 and `n mod 4 = 0`).
pub fn senselink_late_leaver(n: u32, division: &str) -> bool {
    division == "3000" && n.is_multiple_of(4)
}

/// The SenseLink fake. See the [module documentation](self).
#[derive(Debug)]
pub struct SenseLinkFake {
    clock: SandboxClock,
    state: Mutex<SlState>,
}

#[derive(Debug)]
struct SlState {
    persons: Vec<Person>,
    groups: Vec<Group>,
    devices: Vec<Device>,
    records: Vec<Record>,
    next_person: i64,
    next_group: i64,
    next_record: i64,
    /// The most records a page holds, whatever `size` asked for.
    page_cap: Option<usize>,
}

fn local(t: NaiveDateTime) -> DateTime<Utc> {
    jst()
        .from_local_datetime(&t)
        .single()
        .map_or_else(|| t.and_utc(), |d| d.with_timezone(&Utc))
}

fn job_number_value(job: &str) -> u32 {
    job.trim().parse().unwrap_or(0)
}

impl SenseLinkFake {
    pub(crate) fn new(company: &Company, clock: SandboxClock) -> Arc<Self> {
        let groups = vec![
            Group::new(GroupId(GROUP_HONSHA), "本社"),
            Group::new(GroupId(GROUP_OSAKA), "大阪工場"),
            Group::new(GroupId(GROUP_CONTRACTORS), "協力会社"),
        ];
        let device = |(id, ldid, name): (i64, &str, &str)| {
            let mut d = Device::new(DeviceId(id));
            d.name = Some(name.into());
            d.ldid = Some(ldid.into());
            d.location = Some(name.into());
            d.direction = Some(Direction::In);
            d.state = Some(1);
            d.type_id = Some(10);
            d.type_name = Some("SenseThunder".into());
            d
        };
        let devices = vec![device(DEVICE_HONSHA), device(DEVICE_OSAKA)];

        // (job number, name, group, division)
        let mut seeds: Vec<(String, String, i64, String)> = company
            .employees
            .iter()
            .filter(|e| e.senselink)
            .map(|e| {
                let group = if e.division_code == "3000" {
                    GROUP_OSAKA
                } else {
                    GROUP_HONSHA
                };
                (
                    e.code.clone(),
                    senselink_api::models::full_name(&e.last_name, &e.first_name),
                    group,
                    e.division_code.clone(),
                )
            })
            .collect();
        let o = &company.outsiders;
        seeds.push((
            o.senselink_job_number.clone(),
            "協力\u{3000}一郎".into(),
            GROUP_CONTRACTORS,
            String::new(),
        ));
        seeds.push((
            o.senselink_unpadded_job_number.clone(),
            "佐藤\u{3000}太郎".into(),
            GROUP_HONSHA,
            String::new(),
        ));

        let mut persons = Vec::new();
        let mut generated: Vec<(DateTime<Utc>, i64, Record)> = Vec::new();
        let today = clock.today();
        let days: Vec<NaiveDate> = (0..=3u64)
            .rev()
            .filter_map(|back| today.checked_sub_days(Days::new(back)))
            .collect();
        for (i, (job, name, group, division)) in seeds.iter().enumerate() {
            let id = 101 + i as i64;
            let mut p = Person::new(PersonId(id));
            p.name = Some(name.clone());
            p.job_number = Some(JobNumber::new(job.clone()));
            p.person_type = Some(UserType::Employee);
            p.groups = vec![json!(group)];
            persons.push(p.clone());
            let n = job_number_value(job);
            let late = senselink_late_leaver(n, division);
            for day in &days {
                for t in senselink_schedule(n, late, *day) {
                    let at = local(t);
                    generated.push((at, id, person_record(&p, &groups, &devices, at)));
                }
            }
        }
        for day in &days {
            for (h, m) in [(10, 15), (15, 40)] {
                let at = local(day.and_time(NaiveTime::from_hms_opt(h, m, 0).unwrap_or_default()));
                generated.push((at, i64::MAX, stranger_record(&devices, at)));
            }
        }
        generated.sort_by_key(|(at, pid, _)| (*at, *pid));
        let records: Vec<Record> = generated
            .into_iter()
            .enumerate()
            .map(|(i, (_, _, mut r))| {
                r.id = RecordId(i as i64 + 1);
                r
            })
            .collect();
        let next_record = records.len() as i64 + 1;
        let next_person = 101 + persons.len() as i64;
        Arc::new(Self {
            clock,
            state: Mutex::new(SlState {
                persons,
                groups,
                devices,
                records,
                next_person,
                next_group: GROUP_CONTRACTORS + 1,
                next_record,
                page_cap: None,
            }),
        })
    }

    fn state(&self) -> MutexGuard<'_, SlState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The credentials the fake accepts.
    pub fn credentials(&self) -> SenseLinkCredentials {
        SenseLinkCredentials {
            app_key: SENSELINK_APP_KEY.into(),
            app_secret: SENSELINK_APP_SECRET.into(),
        }
    }

    /// Every stored record, including those still in the clock's future.
    pub fn records(&self) -> Vec<Record> {
        self.state().records.clone()
    }

    /// The records the API serves now (`sign_time` ≤ the clock's instant).
    pub fn visible_records(&self) -> Vec<Record> {
        let now = self.clock.now();
        self.state()
            .records
            .iter()
            .filter(|r| r.sign_time <= now)
            .cloned()
            .collect()
    }

    /// Makes the record lists serve at most `cap` records a page (`None`:
    /// as many as `size` asks), paging by `cap` while still reporting the
    /// `page_size` asked for, as a server that silently lowers the page
    /// size does: every page but the last is then shorter than the page
    /// size the client asked for, and is not the last.
    pub fn set_page_cap(&self, cap: Option<usize>) {
        self.state().page_cap = cap.map(|c| c.max(1));
    }

    /// Records a recognition of the person with `job_number` at `at` (on
    /// their group's device) and returns its ID, or `None` when no person
    /// has that job number.
    pub fn add_record(&self, job_number: &str, at: DateTime<Utc>) -> Option<RecordId> {
        let mut s = self.state();
        let person = s
            .persons
            .iter()
            .find(|p| p.job_number.as_ref().map(JobNumber::as_str) == Some(job_number))?
            .clone();
        let mut record = person_record(&person, &s.groups, &s.devices, at);
        let id = RecordId(s.next_record);
        s.next_record += 1;
        record.id = id;
        s.records.push(record);
        Some(id)
    }

    /// The registered persons, by ID.
    pub fn persons(&self) -> Vec<Person> {
        self.state().persons.clone()
    }

    /// The person with `job_number`, if registered.
    pub fn person_by_job_number(&self, job_number: &str) -> Option<Person> {
        self.state()
            .persons
            .iter()
            .find(|p| p.job_number.as_ref().map(JobNumber::as_str) == Some(job_number))
            .cloned()
    }

    /// The groups.
    pub fn groups(&self) -> Vec<Group> {
        self.state().groups.clone()
    }

    /// The devices.
    pub fn devices(&self) -> Vec<Device> {
        self.state().devices.clone()
    }

    pub(crate) fn router(self: &Arc<Self>) -> Router {
        Router::new()
            .route("/api/v5/record/list", get(records_v5))
            .route("/api/v3/record/list", get(records_v3))
            .route("/api/v1/user", post(person_create))
            .route("/api/v2/user", post(person_create))
            .route("/api/v1/user/list", get(person_list))
            .route("/api/v1/user/update/{id}", post(person_update))
            .route("/api/v1/user/delete/{id}", get(person_delete))
            .route("/api/v1/group", get(group_list).post(group_create))
            .route("/api/v1/group/user", get(group_members))
            .route("/api/v1/device", get(device_list))
            .fallback(not_found)
            .layer(middleware::from_fn_with_state(self.clone(), authenticate))
            .with_state(self.clone())
    }
}

fn group_name(groups: &[Group], id: i64) -> Option<String> {
    groups
        .iter()
        .find(|g| g.id.get() == id)
        .and_then(|g| g.name.clone())
}

fn person_record(
    person: &Person,
    groups: &[Group],
    devices: &[Device],
    at: DateTime<Utc>,
) -> Record {
    let group = person.group_ids().first().map(|g| g.get());
    let device = if group == Some(GROUP_OSAKA) {
        devices.get(1)
    } else {
        devices.first()
    };
    let mut r = base_record(device, at);
    r.user_id = Some(person.id);
    r.user_name = person.name.clone();
    r.user_type = Some(UserType::Employee);
    r.job_number = person.job_number.clone();
    r.group_id = group.map(GroupId);
    r.group_name = group.and_then(|g| group_name(groups, g));
    r.groups = group.map(|g| vec![json!(g)]).unwrap_or_default();
    r.verify_score = Some(0.93);
    r
}

fn stranger_record(devices: &[Device], at: DateTime<Utc>) -> Record {
    let mut r = base_record(devices.first(), at);
    r.user_type = Some(UserType::Stranger);
    r.user_name = Some(String::new());
    r.verify_score = Some(0.359);
    r
}

fn base_record(device: Option<&Device>, at: DateTime<Utc>) -> Record {
    let mut r = Record::new(RecordId(0), at);
    r.sign_date = Some(at.with_timezone(&jst()).date_naive());
    r.sign_time_zone = Some("GMT+09:00".into());
    r.device_name = device.and_then(|d| d.name.clone());
    r.device_ldid = device.and_then(|d| d.ldid.clone());
    r.location = device.and_then(|d| d.location.clone());
    r.direction = Some(Direction::In);
    r.entry_mode = Some(EntryMode::Face);
    r.mask = Some(0);
    r.body_temperature = Some(0.0);
    r.abnormal_type = Some(0);
    r.on_business = Some(0);
    r
}

// ----- the wire -----

fn envelope(code: i64, message: &str, desc: Option<&str>, data: Value) -> Response {
    let mut body = json!({"code": code, "message": message, "data": data});
    if let Some(desc) = desc {
        body["desc"] = json!(desc);
    }
    axum::Json(body).into_response()
}

fn ok(data: Value) -> Response {
    envelope(200, "OK", None, data)
}

fn param_invalid(desc: &str) -> Response {
    envelope(CODE_PARAM_INVALID, "Param Invalid", Some(desc), json!({}))
}

async fn not_found() -> Response {
    (
        axum::http::StatusCode::NOT_FOUND,
        axum::Json(json!({"code": 404, "message": "Not Found", "data": null})),
    )
        .into_response()
}

type Pairs = Vec<(String, String)>;

fn pairs(raw: Option<&str>) -> Pairs {
    serde_urlencoded::from_str(raw.unwrap_or_default()).unwrap_or_default()
}

fn param<'a>(pairs: &'a Pairs, name: &str) -> Option<&'a str> {
    pairs
        .iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .filter(|v| !v.trim().is_empty())
}

async fn authenticate(
    State(fake): State<Arc<SenseLinkFake>>,
    request: Request,
    next: Next,
) -> Response {
    let query = pairs(request.uri().query());
    let headers = request.headers();
    let pick = |q: &str, h: &str| -> Option<String> {
        param(&query, q).map(str::to_owned).or_else(|| {
            headers
                .get(h)
                .and_then(|v| v.to_str().ok())
                .map(str::to_owned)
        })
    };
    let refuse = |desc: &str| envelope(CODE_UNAUTHORIZED, "Unauthorized", Some(desc), json!({}));
    let (Some(key), Some(timestamp), Some(signature)) = (
        pick("app_key", "appkey"),
        pick("timestamp", "timestamp"),
        pick("sign", "sign"),
    ) else {
        return refuse("app_key, timestamp and sign are required");
    };
    if key != SENSELINK_APP_KEY {
        return refuse("unknown app_key");
    }
    let secret = SecretString::from(SENSELINK_APP_SECRET);
    match senselink_api::verify(&timestamp, &signature, &secret, fake.clock.now()) {
        Ok(()) => next.run(request).await,
        Err(senselink_api::SignatureError::Expired) => {
            refuse("timestamp is 30 minutes or more away from the server time")
        }
        Err(senselink_api::SignatureError::BadTimestamp) => refuse("timestamp is not a number"),
        Err(_) => refuse("sign mismatch"),
    }
}

/// `page` and `size`, checked.
fn paging(q: &Pairs) -> Result<(usize, usize), Response> {
    let number = |name: &str, default: usize| match param(q, name) {
        None => Ok(default),
        Some(v) => v
            .trim()
            .parse::<usize>()
            .map_err(|_| param_invalid(&format!("{name}-invalid"))),
    };
    let page = number("page", 1)?;
    let size = number("size", DEFAULT_PAGE_SIZE)?;
    if page == 0 {
        return Err(param_invalid("page-invalid"));
    }
    if size == 0 || size > MAX_PAGE_SIZE {
        return Err(param_invalid("size-invalid"));
    }
    Ok((page, size))
}

fn slice<T: Clone>(items: &[T], page: usize, size: usize) -> Vec<T> {
    items
        .iter()
        .skip((page - 1).saturating_mul(size))
        .take(size)
        .cloned()
        .collect()
}

fn filtered_records(fake: &SenseLinkFake, q: &Pairs) -> Result<Vec<Record>, Response> {
    let today = fake.clock.today();
    let bound = |name: &str, default: NaiveTime| match param(q, name) {
        None => Ok(local(today.and_time(default))),
        Some(v) => NaiveDateTime::parse_from_str(v.trim(), "%Y-%m-%d %H:%M:%S")
            .map(local)
            .map_err(|_| param_invalid(&format!("{name}-invalid"))),
    };
    let from = bound("date_time_from", NaiveTime::MIN)?;
    let to = bound(
        "date_time_to",
        NaiveTime::from_hms_opt(23, 59, 59).unwrap_or(NaiveTime::MIN),
    )?;
    let int = |name: &str| -> Result<Option<i64>, Response> {
        param(q, name)
            .map(|v| {
                v.trim()
                    .parse::<i64>()
                    .map_err(|_| param_invalid(&format!("{name}-invalid")))
            })
            .transpose()
    };
    let user_type = int("type")?;
    let user_id = int("user_id")?;
    let group_id = int("group_id")?;
    let entry_mode = int("entry_mode")?;
    let start = int("start_record_id")?;
    let end = int("end_record_id")?;
    let order = int("order")?.unwrap_or(0);
    let device = param(q, "device_sn");
    let name = param(q, "name");
    let now = fake.clock.now();
    let mut out: Vec<Record> = fake
        .state()
        .records
        .iter()
        .filter(|r| r.sign_time <= now && r.sign_time >= from && r.sign_time <= to)
        .filter(|r| user_type.is_none_or(|t| r.user_type.map(UserType::code) == Some(t)))
        .filter(|r| user_id.is_none_or(|u| r.user_id.map(PersonId::get) == Some(u)))
        .filter(|r| group_id.is_none_or(|g| r.group_id.map(GroupId::get) == Some(g)))
        .filter(|r| entry_mode.is_none_or(|m| r.entry_mode.map(EntryMode::code) == Some(m)))
        .filter(|r| start.is_none_or(|s| r.id.get() >= s))
        .filter(|r| end.is_none_or(|e| r.id.get() <= e))
        .filter(|r| device.is_none_or(|d| r.device_ldid.as_deref() == Some(d)))
        .filter(|r| name.is_none_or(|n| r.user_name.as_deref() == Some(n)))
        .cloned()
        .collect();
    out.sort_by_key(|r| r.id.get());
    if order != 1 {
        out.reverse();
    }
    Ok(out)
}

fn to_values<T: serde::Serialize>(items: &[T]) -> Value {
    serde_json::to_value(items).unwrap_or(Value::Null)
}

/// The page of records served for `page`: the one before it under
/// [`Fault::RepeatPage`](crate::Fault::RepeatPage), at most the page cap's
/// records.
fn record_page(
    fake: &SenseLinkFake,
    all: &[Record],
    page: usize,
    size: usize,
    repeat: bool,
) -> (usize, Vec<Record>) {
    let served = if repeat {
        page.saturating_sub(1).max(1)
    } else {
        page
    };
    let per_page = fake.state().page_cap.map_or(size, |cap| cap.min(size));
    (served, slice(all, served, per_page))
}

async fn records_v5(
    State(fake): State<Arc<SenseLinkFake>>,
    repeat: Option<Extension<RepeatPage>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = pairs(raw.as_deref());
    let result = paging(&q).and_then(|(page, size)| {
        let all = filtered_records(&fake, &q)?;
        let (served, items) = record_page(&fake, &all, page, size, repeat.is_some());
        Ok(json!({
            "list": to_values(&items),
            "page_num": served,
            "page_size": size,
        }))
    });
    result.map_or_else(|e| e, ok)
}

async fn records_v3(
    State(fake): State<Arc<SenseLinkFake>>,
    repeat: Option<Extension<RepeatPage>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = pairs(raw.as_deref());
    let result = paging(&q).and_then(|(page, size)| {
        let all = filtered_records(&fake, &q)?;
        let (served, items) = record_page(&fake, &all, page, size, repeat.is_some());
        Ok(json!({
            "total": all.len(),
            "page_num": served,
            "page_size": size,
            "total_page": all.len().div_ceil(size),
            "data": {"record_list": to_values(&items)},
        }))
    });
    result.map_or_else(|e| e, ok)
}

/// The fields of a multipart or URL-encoded form, repeated names kept.
async fn form_fields(request: Request) -> Result<Pairs, Response> {
    let is_multipart = request
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("multipart/form-data"));
    if is_multipart {
        let mut multipart = Multipart::from_request(request, &())
            .await
            .map_err(|_| param_invalid("form-invalid"))?;
        let mut out = Vec::new();
        while let Some(field) = multipart
            .next_field()
            .await
            .map_err(|_| param_invalid("form-invalid"))?
        {
            let name = field.name().unwrap_or_default().to_owned();
            if field.file_name().is_some() {
                // A face photo: accepted, not kept.
                let _ = field.bytes().await;
                continue;
            }
            let value = field
                .text()
                .await
                .map_err(|_| param_invalid("form-invalid"))?;
            out.push((name, value));
        }
        Ok(out)
    } else {
        let axum::Form(pairs) = axum::Form::<Pairs>::from_request(request, &())
            .await
            .map_err(|_| param_invalid("form-invalid"))?;
        Ok(pairs)
    }
}

fn group_values(form: &Pairs) -> Result<Option<Vec<Value>>, Response> {
    let raw: Vec<&str> = form
        .iter()
        .filter(|(k, _)| k == "groups")
        .flat_map(|(_, v)| v.split(','))
        .map(str::trim)
        .filter(|v| !v.is_empty())
        .collect();
    if !form.iter().any(|(k, _)| k == "groups") {
        return Ok(None);
    }
    raw.iter()
        .map(|v| {
            v.parse::<i64>()
                .map(|id| json!(id))
                .map_err(|_| param_invalid("groups-invalid"))
        })
        .collect::<Result<Vec<_>, _>>()
        .map(Some)
}

fn apply_form(person: &mut Person, form: &Pairs) -> Result<(), Response> {
    let field = |name: &str| {
        form.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.trim().to_owned())
    };
    if let Some(name) = field("name") {
        if name.is_empty() {
            return Err(param_invalid("name-invalid"));
        }
        person.name = Some(name);
    }
    if let Some(job) = field("jobNumber") {
        person.job_number = (!job.is_empty()).then(|| JobNumber::new(job));
    }
    for (wire, slot) in [
        ("birthday", &mut person.birthday),
        ("entryTime", &mut person.entry_time),
        ("mail", &mut person.mail),
        ("icNumber", &mut person.ic_number),
        ("mobile", &mut person.mobile),
        ("remark", &mut person.remark),
        ("position", &mut person.position),
        ("location", &mut person.location),
    ] {
        if let Some(v) = field(wire) {
            *slot = (!v.is_empty()).then_some(v);
        }
    }
    if let Some(groups) = group_values(form)? {
        person.groups = groups;
    }
    Ok(())
}

fn duplicate_job_number(s: &SlState, person: &Person) -> bool {
    person.job_number.as_ref().is_some_and(|job| {
        s.persons
            .iter()
            .any(|p| p.id != person.id && p.job_number.as_ref() == Some(job))
    })
}

async fn person_create(State(fake): State<Arc<SenseLinkFake>>, request: Request) -> Response {
    let form = match form_fields(request).await {
        Ok(f) => f,
        Err(e) => return e,
    };
    if !form
        .iter()
        .any(|(k, v)| k == "name" && !v.trim().is_empty())
    {
        return param_invalid("name-invalid");
    }
    let mut s = fake.state();
    let mut person = Person::new(PersonId(s.next_person));
    person.person_type = Some(UserType::Employee);
    if let Err(e) = apply_form(&mut person, &form) {
        return e;
    }
    if duplicate_job_number(&s, &person) {
        return param_invalid("jobNumber-exists");
    }
    s.next_person += 1;
    let id = person.id.get();
    s.persons.push(person);
    ok(json!({"id": id}))
}

async fn person_update(
    State(fake): State<Arc<SenseLinkFake>>,
    Path(id): Path<String>,
    request: Request,
) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return param_invalid("id-invalid");
    };
    let form = match form_fields(request).await {
        Ok(f) => f,
        Err(e) => return e,
    };
    let mut s = fake.state();
    let Some(index) = s.persons.iter().position(|p| p.id.get() == id) else {
        return param_invalid("user-not-found");
    };
    let mut person = s.persons[index].clone();
    if let Err(e) = apply_form(&mut person, &form) {
        return e;
    }
    if duplicate_job_number(&s, &person) {
        return param_invalid("jobNumber-exists");
    }
    s.persons[index] = person;
    ok(Value::Null)
}

async fn person_delete(State(fake): State<Arc<SenseLinkFake>>, Path(id): Path<String>) -> Response {
    let Ok(id) = id.parse::<i64>() else {
        return param_invalid("id-invalid");
    };
    let mut s = fake.state();
    let before = s.persons.len();
    s.persons.retain(|p| p.id.get() != id);
    if s.persons.len() == before {
        return param_invalid("user-not-found");
    }
    ok(Value::Null)
}

async fn person_list(State(fake): State<Arc<SenseLinkFake>>, RawQuery(raw): RawQuery) -> Response {
    let q = pairs(raw.as_deref());
    let (page, size) = match paging(&q) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let person_type = param(&q, "type").map(str::to_owned);
    let name = param(&q, "name").map(str::to_owned);
    let all: Vec<Person> = fake
        .state()
        .persons
        .iter()
        .filter(|p| {
            person_type
                .as_deref()
                .is_none_or(|t| p.person_type.map(|x| x.code().to_string()).as_deref() == Some(t))
        })
        .filter(|p| name.as_deref().is_none_or(|n| p.name.as_deref() == Some(n)))
        .cloned()
        .collect();
    ok(json!({
        "list": to_values(&slice(&all, page, size)),
        "page_num": page,
        "page_size": size,
        "total": all.len(),
    }))
}

async fn group_list(State(fake): State<Arc<SenseLinkFake>>, RawQuery(raw): RawQuery) -> Response {
    let q = pairs(raw.as_deref());
    let (page, size) = match paging(&q) {
        Ok(p) => p,
        Err(e) => return e,
    };
    // The manual: the default order is ID descending.
    let mut all = fake.state().groups.clone();
    all.sort_by_key(|g| std::cmp::Reverse(g.id.get()));
    ok(json!({
        "list": to_values(&slice(&all, page, size)),
        "page_num": page,
        "page_size": size,
        "total": all.len(),
    }))
}

async fn group_create(State(fake): State<Arc<SenseLinkFake>>, request: Request) -> Response {
    let form = match form_fields(request).await {
        Ok(f) => f,
        Err(e) => return e,
    };
    let field: BTreeMap<&str, &str> = form.iter().map(|(k, v)| (k.as_str(), v.trim())).collect();
    let Some(name) = field.get("name").filter(|n| !n.is_empty()) else {
        return param_invalid("name-invalid");
    };
    let mut s = fake.state();
    let mut group = Group::new(GroupId(s.next_group), *name);
    group.group_type = field.get("type").and_then(|t| t.parse().ok());
    group.remark = field.get("remark").map(|r| (*r).to_owned());
    s.next_group += 1;
    let id = group.id.get();
    s.groups.push(group);
    ok(json!({"id": id}))
}

async fn group_members(
    State(fake): State<Arc<SenseLinkFake>>,
    RawQuery(raw): RawQuery,
) -> Response {
    let q = pairs(raw.as_deref());
    let Some(id) = param(&q, "id").and_then(|v| v.trim().parse::<i64>().ok()) else {
        return param_invalid("id-invalid");
    };
    let s = fake.state();
    if !s.groups.iter().any(|g| g.id.get() == id) {
        return param_invalid("group-not-found");
    }
    let members: Vec<i64> = s
        .persons
        .iter()
        .filter(|p| p.group_ids().iter().any(|g| g.get() == id))
        .map(|p| p.id.get())
        .collect();
    ok(json!(members))
}

async fn device_list(
    State(fake): State<Arc<SenseLinkFake>>,
    RawQuery(raw): RawQuery,
    _headers: HeaderMap,
) -> Response {
    let q = pairs(raw.as_deref());
    let (page, size) = match paging(&q) {
        Ok(p) => p,
        Err(e) => return e,
    };
    let type_id = param(&q, "typeId").and_then(|v| v.trim().parse::<i64>().ok());
    let all: Vec<Device> = fake
        .state()
        .devices
        .iter()
        .filter(|d| type_id.is_none_or(|t| d.type_id == Some(t)))
        .cloned()
        .collect();
    ok(json!({
        "list": to_values(&slice(&all, page, size)),
        "page_num": page,
        "page_size": size,
        "total": all.len(),
    }))
}

/// Serves a router on 127.0.0.1 for the unit tests; returns its base URL.
/// The clock of the source fakes' unit tests: 2026-11-20 10:00 JST (a
/// Friday, inside KOT's morning band).
#[cfg(test)]
pub(crate) fn test_clock() -> SandboxClock {
    SandboxClock::new(
        jst()
            .with_ymd_and_hms(2026, 11, 20, 10, 0, 0)
            .single()
            .map_or_else(
                || chrono::DateTime::<Utc>::MIN_UTC,
                |t| t.with_timezone(&Utc),
            ),
    )
}

#[cfg(test)]
pub(crate) async fn serve_for_test(router: Router) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0")
        .await
        .unwrap_or_else(|e| panic!("bind: {e}"));
    let addr = listener
        .local_addr()
        .unwrap_or_else(|e| panic!("addr: {e}"));
    tokio::spawn(async move {
        let _ = axum::serve(listener, router).await;
    });
    format!("http://{addr}")
}

#[cfg(test)]
mod tests {
    #![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
    use super::*;
    use crate::senselink::test_clock as clock;
    use chrono::NaiveDate;
    use senselink_api::Client;
    use senselink_api::models::{NewPerson, PersonUpdate, RecordOrder};

    fn day(d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, 11, d).unwrap()
    }

    async fn start() -> (Arc<SenseLinkFake>, String, SandboxClock) {
        let clock = clock();
        let fake = SenseLinkFake::new(&Company::demo(), clock.clone());
        let url = serve_for_test(fake.router()).await;
        (fake, url, clock)
    }

    fn client(url: &str, clock: &SandboxClock, secret: &str) -> Client {
        Client::builder(SENSELINK_APP_KEY, secret)
            .base_url(url)
            .clock(Arc::new(clock.clone()))
            .build()
            .unwrap()
    }

    #[tokio::test]
    async fn a_full_day_comes_back_over_several_pages() {
        let (_fake, url, clock) = start().await;
        let c = client(&url, &clock, SENSELINK_APP_SECRET);
        let first = c.records().on_dates(day(19), day(19)).send().await.unwrap();
        assert_eq!(first.items.len(), 100, "one full page of 100");
        assert!(!first.is_last());
        let all = c
            .records()
            .on_dates(day(19), day(19))
            .order(RecordOrder::IdAscending)
            .all()
            .await
            .unwrap();
        // 42 persons × 3, minus the 5 late leavers' evening records (on the
        // 20th, 01:30), plus the 5 late leavers' records of the 18th that fall
        // on the 19th, plus 2 strangers.
        assert_eq!(all.len(), 42 * 3 - 5 + 5 + 2);
        let ids: Vec<i64> = all.iter().map(|r| r.id.get()).collect();
        let mut sorted = ids.clone();
        sorted.sort_unstable();
        assert_eq!(ids, sorted);
        let employees = c
            .records()
            .on_dates(day(19), day(19))
            .employees_only()
            .all()
            .await
            .unwrap();
        assert_eq!(employees.len(), 126);
        // 0001: 08:07:01, 12:03:21, 17:41:41.
        let mine: Vec<String> = employees
            .iter()
            .filter(|r| r.job_number.as_ref().map(|j| j.as_str()) == Some("0001"))
            .map(|r| r.local_sign_time(jst()).format("%H:%M:%S").to_string())
            .collect();
        assert_eq!(mine.len(), 3);
        assert!(mine.contains(&"08:07:01".to_owned()), "{mine:?}");
        assert!(mine.contains(&"12:03:21".to_owned()), "{mine:?}");
        assert!(mine.contains(&"17:41:41".to_owned()), "{mine:?}");
    }

    #[tokio::test]
    async fn nothing_is_served_from_the_future_and_late_leavers_cross_midnight() {
        let (fake, url, clock) = start().await;
        let c = client(&url, &clock, SENSELINK_APP_SECRET);
        let today = c.records().on_dates(day(20), day(20)).all().await.unwrap();
        assert!(today.iter().all(|r| r.sign_time <= clock.now()));
        // Before 10:00 today: every person's morning record and the five
        // late leavers' 01:30 records of yesterday's work date.
        assert_eq!(today.iter().filter(|r| r.is_employee()).count(), 42 + 5);
        let late: Vec<_> = today
            .iter()
            .filter(|r| r.local_sign_time(jst()).format("%H").to_string() == "01")
            .filter_map(|r| r.job_number.as_ref().map(|j| j.as_str().to_owned()))
            .collect();
        let mut late = late;
        late.sort();
        assert_eq!(late, ["0036", "0040", "0044", "0048", "0052"]);
        assert!(fake.records().len() > fake.visible_records().len());
        // The resigned 0050 still passes the gate.
        assert!(
            today
                .iter()
                .any(|r| r.job_number.as_ref().map(|j| j.as_str()) == Some("0050"))
        );
        clock.advance(Duration::hours(12));
        let later = c.records().on_dates(day(20), day(20)).all().await.unwrap();
        // The late leavers of the 20th leave on the 21st.
        assert_eq!(later.len(), 42 * 3 - 5 + 5 + 2);
    }

    #[tokio::test]
    async fn a_wrong_secret_and_a_skewed_clock_are_refused() {
        let (_fake, url, clock) = start().await;
        let err = client(&url, &clock, "not-the-secret")
            .records()
            .on_dates(day(19), day(19))
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.api_code(), Some(CODE_UNAUTHORIZED));
        assert!(err.to_string().contains("sign mismatch"), "{err}");

        let skewed = SandboxClock::new(clock.now() + Duration::minutes(30));
        let err = client(&url, &skewed, SENSELINK_APP_SECRET)
            .records()
            .on_dates(day(19), day(19))
            .send()
            .await
            .unwrap_err();
        assert_eq!(err.api_code(), Some(CODE_UNAUTHORIZED));
        let near = SandboxClock::new(clock.now() - Duration::minutes(29));
        client(&url, &near, SENSELINK_APP_SECRET)
            .groups()
            .list()
            .send()
            .await
            .unwrap();
        // The header placement is accepted too.
        let headers = Client::builder(SENSELINK_APP_KEY, SENSELINK_APP_SECRET)
            .base_url(&url)
            .auth_placement(senselink_api::AuthPlacement::Headers)
            .clock(Arc::new(clock.clone()))
            .build()
            .unwrap();
        assert_eq!(headers.devices().list().all().await.unwrap().len(), 2);
    }

    #[tokio::test]
    async fn bad_parameters_are_param_invalid_under_http_200() {
        let (_fake, url, clock) = start().await;
        let c = client(&url, &clock, SENSELINK_APP_SECRET);
        let err = c.groups().members(GroupId(99)).await.unwrap_err();
        assert!(err.is_param_invalid(), "{err:?}");
        assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
    }

    #[tokio::test]
    async fn persons_can_be_listed_created_updated_and_deleted() {
        let (fake, url, clock) = start().await;
        let c = client(&url, &clock, SENSELINK_APP_SECRET);
        let persons = c.persons().list().all().await.unwrap();
        assert_eq!(persons.len(), 42);
        let jobs: Vec<_> = persons
            .iter()
            .filter_map(|p| p.job_number.as_ref().map(|j| j.as_str().to_owned()))
            .collect();
        assert!(jobs.contains(&"0050".to_owned()));
        assert!(jobs.contains(&"9001".to_owned()));
        assert!(jobs.contains(&"1".to_owned()));
        assert!(!jobs.contains(&"0021".to_owned()));

        let id = c
            .persons()
            .create(
                &NewPerson::new("山田\u{3000}花子")
                    .job_number("0021")
                    .groups([GroupId(1), GroupId(3)]),
            )
            .await
            .unwrap();
        let created = fake.person_by_job_number("0021").unwrap();
        assert_eq!(created.id, id);
        assert_eq!(created.group_ids(), vec![GroupId(1), GroupId(3)]);
        let dup = c
            .persons()
            .create(&NewPerson::new("x").job_number("0021"))
            .await
            .unwrap_err();
        assert!(dup.is_param_invalid());

        c.persons()
            .update(id, &PersonUpdate::new().name("山田\u{3000}華子"))
            .await
            .unwrap();
        assert_eq!(
            fake.person_by_job_number("0021").unwrap().name.as_deref(),
            Some("山田\u{3000}華子")
        );
        assert_eq!(c.groups().members(GroupId(3)).await.unwrap().len(), 2);
        c.persons().delete(id).await.unwrap();
        assert!(fake.person_by_job_number("0021").is_none());
        assert!(c.persons().delete(id).await.unwrap_err().is_param_invalid());
    }

    #[tokio::test]
    async fn added_records_take_the_next_ids() {
        let (fake, url, clock) = start().await;
        let before = fake.records().len() as i64;
        let id = fake
            .add_record("0003", clock.now() - Duration::minutes(1))
            .unwrap();
        assert_eq!(id.get(), before + 1);
        assert!(fake.add_record("4242", clock.now()).is_none());
        let c = client(&url, &clock, SENSELINK_APP_SECRET);
        let page = c.records().on_dates(day(20), day(20)).send().await.unwrap();
        assert_eq!(page.items[0].id, id, "newest first by default");
    }
}
