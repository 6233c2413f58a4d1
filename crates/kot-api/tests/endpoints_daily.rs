//! Wire tests of the daily endpoints (workings, time records and punch
//! registration, cost, schedules): request shape, 62-day splitting and the
//! decoded official examples, against a mock KOT.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::io::Read;
use std::net::TcpListener;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use kot_api::api::DailyField;
use kot_api::models::{
    DivisionCode, EmployeeCode, EmployeeKey, Gender, PunchCode, PunchRequest, jst,
};
use kot_api::{Client, DateRange, Error, ManualClock};
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY_1000: &str = "8b6ee646a9620b286499c3df6918c4888a97dd7bbc6a26a18743f4697a1de4b3";
const KEY_A: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
const KEY_B: &str = "1a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
const FLAT_303: &str = r#"{"code":"303","message":"Too Many Requests"}"#;

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn jst_time(y: i32, m: u32, d: u32, h: u32, min: u32, s: u32) -> DateTime<FixedOffset> {
    jst().with_ymd_and_hms(y, m, d, h, min, s).unwrap()
}

fn range(start: NaiveDate, end: NaiveDate) -> DateRange {
    DateRange::new(start, end).unwrap()
}

/// Every request the mock received, in order.
async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}

/// The decoded query pairs of a request, sorted.
fn query_of(request: &wiremock::Request) -> Vec<(String, String)> {
    let mut pairs: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    pairs.sort();
    pairs
}

/// Asserts that `request` carried exactly these query parameters, no others.
fn assert_query(request: &wiremock::Request, expected: &[(&str, &str)]) {
    let mut expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(query_of(request), expected, "query of {}", request.url);
}

/// The `start`/`end` of a range request.
fn window_of(request: &wiremock::Request) -> (String, String) {
    let q = query_of(request);
    let get = |name: &str| {
        q.iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.clone())
            .unwrap_or_else(|| panic!("no {name} in {}", request.url))
    };
    (get("start"), get("end"))
}

fn json_response(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_json(body)
}

fn first_of(fixture: &str) -> Value {
    common::fixture(fixture)[0].clone()
}

fn is_config(err: &Error) -> bool {
    matches!(err, Error::Http(e) if e.is_config())
}

// --- 1. daily workings -----------------------------------------------------

#[tokio::test]
async fn daily_workings_list_sends_range_division_and_fields_and_decodes_official_example() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/daily-workings"))
        .and(header("authorization", common::bearer().as_str()))
        .and(query_param("division", "1000"))
        .and(query_param("ondivision", "false"))
        .and(query_param("start", "2016-05-01"))
        .and(query_param("end", "2016-05-31"))
        .and(query_param("additionalFields", "currentDateEmployee"))
        .respond_with(json_response(
            200,
            common::fixture("official_daily_workings.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let days = common::client(&server)
        .daily_workings()
        .list(range(date(2016, 5, 1), date(2016, 5, 31)))
        .division("1000")
        .on_division(false)
        .additional_fields([DailyField::CurrentDateEmployee])
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_query(
        &requests[0],
        &[
            ("division", "1000"),
            ("ondivision", "false"),
            ("start", "2016-05-01"),
            ("end", "2016-05-31"),
            ("additionalFields", "currentDateEmployee"),
        ],
    );

    assert_eq!(days.len(), 1);
    assert_eq!(days[0].date, date(2016, 5, 1));
    assert_eq!(days[0].daily_workings.len(), 1);
    let w = &days[0].daily_workings[0];
    assert_eq!(w.date, date(2016, 5, 1));
    assert_eq!(w.employee_key, EmployeeKey::new(KEY_1000));
    let e = w.current_date_employee.as_ref().unwrap();
    assert_eq!(e.code, Some(EmployeeCode::new("1000")));
    assert_eq!(e.gender, Some(Gender::Male));
    assert_eq!(e.last_name_phonetics.as_deref(), Some("キンタイ"));
    assert_eq!(e.employee_groups.len(), 2);
    assert_eq!(w.work_place_division_code, Some(DivisionCode::new("1000")));
    assert_eq!(w.work_place_division_name.as_deref(), Some("本社"));
    assert_eq!(w.is_closing, Some(true));
    assert_eq!(w.is_help, Some(false));
    assert_eq!(w.is_error, Some(false));
    assert_eq!(w.workday_type_name.as_deref(), Some("平日"));
    // Minutes.
    assert_eq!(w.assigned, Some(480));
    assert_eq!(w.unassigned, Some(135));
    assert_eq!(w.overtime, Some(135));
    assert_eq!(w.late_night, Some(0));
    assert_eq!(w.break_time, Some(60));
    assert_eq!(w.total_work, Some(615));
    assert_eq!(w.auto_break_off, Some(1));
    assert_eq!(w.discretionary_vacation, Some(0));
    // Holidays obtained.
    let h = w.holidays_obtained.as_ref().unwrap();
    let full = h.fulltime_holiday.as_ref().unwrap();
    assert_eq!((full.code, full.name.as_deref()), (1, Some("有休")));
    assert_eq!(h.halfday_holidays.len(), 1);
    assert_eq!(h.halfday_holidays[0].type_name.as_deref(), Some("PM休"));
    assert_eq!(h.halfday_holidays[0].code, 1);
    assert_eq!(h.hour_holidays.len(), 1);
    let hour = &h.hour_holidays[0];
    assert_eq!(hour.start, Some(jst_time(2016, 5, 1, 10, 0, 0)));
    assert_eq!(hour.end, Some(jst_time(2016, 5, 1, 11, 0, 0)));
    assert_eq!(hour.minutes, Some(60));
    assert_eq!(hour.code, 1);
    // Custom items: calculationResult is an f64.
    let custom = &w.custom_daily_workings;
    assert_eq!(custom.len(), 3);
    assert_eq!(custom[0].code, "dCus1");
    assert_eq!(custom[0].name.as_deref(), Some("日別カスタム1"));
    assert_eq!(custom[0].calculation_unit_code, Some(1));
    assert_eq!(custom[0].calculation_result, Some(1.0_f64));
    assert_eq!(custom[1].calculation_unit_code, Some(2));
    assert_eq!(custom[1].calculation_result, Some(10.0_f64));
    assert_eq!(custom[2].calculation_unit_code, Some(4));
    assert_eq!(custom[2].calculation_result, Some(100.0_f64));
}

#[tokio::test]
async fn daily_workings_on_a_date_uses_the_date_path_and_no_range() {
    let server = common::server().await;
    // The official list example's single day, with one decimal added to a
    // custom result (KOT sends one decimal place; synthetic change).
    let mut body = first_of("official_daily_workings.json");
    body["dailyWorkings"][0]["customDailyWorkings"][1]["calculationResult"] = json!(7.5);
    Mock::given(method("GET"))
        .and(path("/daily-workings/2016-05-01"))
        .and(header("authorization", common::bearer().as_str()))
        .and(query_param("division", "1000"))
        .and(query_param("ondivision", "true"))
        .and(query_param("additionalFields", "currentDateEmployee"))
        .respond_with(json_response(200, body))
        .expect(1)
        .mount(&server)
        .await;

    let day = common::client(&server)
        .daily_workings()
        .on(date(2016, 5, 1))
        .division("1000")
        .on_division(true)
        .additional_fields([DailyField::CurrentDateEmployee])
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_query(
        &requests[0],
        &[
            ("division", "1000"),
            ("ondivision", "true"),
            ("additionalFields", "currentDateEmployee"),
        ],
    );
    assert_eq!(day.date, date(2016, 5, 1));
    let w = &day.daily_workings[0];
    assert_eq!(w.employee_key.as_str(), KEY_1000);
    assert_eq!(w.total_work, Some(615));
    assert_eq!(w.custom_daily_workings[1].calculation_result, Some(7.5));
    assert_eq!(
        w.holidays_obtained.as_ref().unwrap().hour_holidays[0].minutes,
        Some(60)
    );
}

// --- 2. time records -------------------------------------------------------

#[tokio::test]
async fn time_records_list_sends_comma_joined_keys_and_decodes_official_example() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/daily-workings/timerecord"))
        .and(header("authorization", common::bearer().as_str()))
        .and(query_param("employeeKeys", format!("{KEY_1000},{KEY_A}")))
        .and(query_param("start", "2016-05-01"))
        .and(query_param("end", "2016-05-02"))
        .respond_with(json_response(
            200,
            common::fixture("official_time_records.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let keys = [EmployeeKey::new(KEY_1000), EmployeeKey::new(KEY_A)];
    let days = common::client(&server)
        .time_records()
        .list(range(date(2016, 5, 1), date(2016, 5, 2)))
        .employee_keys(&keys)
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let joined = format!("{KEY_1000},{KEY_A}");
    assert_query(
        &requests[0],
        &[
            ("employeeKeys", joined.as_str()),
            ("start", "2016-05-01"),
            ("end", "2016-05-02"),
        ],
    );

    assert_eq!(days.len(), 1);
    assert_eq!(days[0].date, date(2016, 5, 1));
    let emp = &days[0].daily_workings[0];
    assert_eq!(emp.employee_key.as_str(), KEY_1000);
    assert_eq!(
        emp.current_date_employee
            .as_ref()
            .unwrap()
            .first_name
            .as_deref(),
        Some("太郎")
    );
    let r = &emp.time_record;
    assert_eq!(r.len(), 4);
    // 出勤 with a location.
    assert_eq!(r[0].time, jst_time(2016, 5, 1, 9, 0, 0));
    assert_eq!(r[0].code, Some(PunchCode::ClockIn));
    assert_eq!(r[0].name.as_deref(), Some("出勤"));
    assert_eq!(r[0].division_code, Some(DivisionCode::new("1000")));
    assert_eq!(r[0].division_name.as_deref(), Some("本社"));
    assert_eq!(r[0].latitude, Some(35.6672237));
    assert_eq!(r[0].longitude, Some(139.7422207));
    assert_eq!(r[0].credential_code, None);
    // 退勤: the official example's 2015 typo is kept as is, with the credential.
    assert_eq!(r[1].time, jst_time(2015, 5, 1, 18, 0, 0));
    assert_eq!(r[1].code, Some(PunchCode::ClockOut));
    assert_eq!(r[1].credential_code, Some(300));
    assert_eq!(r[1].credential_name.as_deref(), Some("KOTSL"));
    // 休憩開始 / 休憩終了 without a location.
    assert_eq!(r[2].time, jst_time(2016, 5, 1, 10, 0, 0));
    assert_eq!(r[2].code, Some(PunchCode::BreakStart));
    assert_eq!(r[2].name.as_deref(), Some("休憩開始"));
    assert_eq!(r[2].latitude, None);
    assert_eq!(r[2].longitude, None);
    assert_eq!(r[3].code, Some(PunchCode::BreakEnd));
    assert_eq!(r[3].time, jst_time(2016, 5, 1, 11, 0, 0));
}

#[tokio::test]
async fn time_records_on_a_date_decodes_codes_7_8_unknown_and_minute_times() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/daily-workings/timerecord/2024-04-01"))
        .and(header("authorization", common::bearer().as_str()))
        .and(query_param("employeeKeys", KEY_A))
        .and(query_param("additionalFields", "currentDateEmployee"))
        // Synthetic: codes 7/8, an unknown code 9, a time without seconds,
        // a single-object timeRecord, a numeric code and a `Z` time.
        .respond_with(json_response(
            200,
            common::fixture("synthetic_time_records_variants.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let day = common::client(&server)
        .time_records()
        .on(date(2024, 4, 1))
        .employee_keys([&EmployeeKey::new(KEY_A)])
        .additional_fields([DailyField::CurrentDateEmployee])
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_query(
        &requests[0],
        &[
            ("employeeKeys", KEY_A),
            ("additionalFields", "currentDateEmployee"),
        ],
    );

    assert_eq!(day.date, date(2024, 4, 1));
    assert_eq!(day.daily_workings.len(), 3);
    let a = &day.daily_workings[0].time_record;
    assert_eq!(a.len(), 1);
    assert_eq!(a[0].code, Some(PunchCode::GoOut));
    assert_eq!(a[0].time, jst_time(2024, 4, 1, 12, 30, 15));
    assert_eq!(a[0].division_code, Some(DivisionCode::new("2000")));

    let b = &day.daily_workings[1];
    assert_eq!(b.employee_key.as_str(), KEY_B);
    let b = &b.time_record;
    assert_eq!(b.len(), 3);
    assert_eq!(b[0].code, Some(PunchCode::ClockIn));
    assert_eq!(b[0].time, jst_time(2024, 4, 1, 9, 5, 0)); // 00:05Z
    match &b[1].code {
        Some(PunchCode::Unknown(raw)) => assert_eq!(raw, "9"),
        other => panic!("code 9 should stay Unknown, got {other:?}"),
    }
    assert_eq!(b[1].time, jst_time(2024, 4, 1, 19, 10, 0)); // no seconds on the wire
    assert_eq!(b[1].name.as_deref(), Some("未知の打刻"));
    assert_eq!(b[2].code, Some(PunchCode::Return));
    assert_eq!(b[2].time, jst_time(2024, 4, 1, 19, 20, 0));

    assert!(day.daily_workings[2].time_record.is_empty());
}

// --- 3. punch registration -------------------------------------------------

#[tokio::test]
async fn punch_posts_exact_body_in_jst_with_seconds_and_decodes_201() {
    let server = common::server().await;
    // 00:00:05 UTC is 09:00:05 JST.
    let instant = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 5).unwrap();
    Mock::given(method("POST"))
        .and(path(format!("/daily-workings/timerecord/{KEY_1000}")))
        .and(header("authorization", common::bearer().as_str()))
        .and(header("content-type", "application/json; charset=utf-8"))
        .and(body_json(json!({
            "date": "2026-11-21",
            "time": "2026-11-21T09:00:05+09:00",
            "code": "1",
            "divisionCode": "1000"
        })))
        .respond_with(json_response(
            201,
            common::fixture("official_punch_response_1.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let punch =
        PunchRequest::new(date(2026, 11, 21), instant, PunchCode::ClockIn).division_code("1000");
    let response = common::client(&server)
        .time_records()
        .register(&EmployeeKey::new(KEY_1000), &punch)
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.query(), None, "a punch has no query");
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert_eq!(sent["time"], "2026-11-21T09:00:05+09:00");
    assert_eq!(sent["code"], json!("1"), "code is a string");

    assert_eq!(response.date, date(2016, 5, 1));
    assert_eq!(response.employee_key.as_str(), KEY_1000);
    let r = &response.time_record;
    assert_eq!(r.time, jst_time(2016, 5, 1, 9, 0, 0));
    assert_eq!(r.code, Some(PunchCode::ClockIn));
    assert_eq!(r.name.as_deref(), Some("出勤"));
    assert_eq!(r.division_name.as_deref(), Some("正社員"));
    assert_eq!(r.division_code, Some(DivisionCode::new("1000")));
    assert_eq!(r.latitude, Some(35.6672237));
    assert_eq!(r.longitude, Some(139.7422207));
}

#[tokio::test]
async fn punch_with_omitted_working_day_sends_the_flag_and_no_date() {
    let server = common::server().await;
    let instant = Utc.with_ymd_and_hms(2026, 11, 21, 9, 30, 0).unwrap(); // 18:30 JST
    Mock::given(method("POST"))
        .and(path(format!("/daily-workings/timerecord/{KEY_A}")))
        .and(header("authorization", common::bearer().as_str()))
        .and(body_json(json!({
            "time": "2026-11-21T18:30:00+09:00",
            "code": "2",
            "isOmittedWorkingDay": true
        })))
        // Synthetic 201: KOT chose the work date.
        .respond_with(json_response(
            201,
            json!({
                "date": "2026-11-21",
                "employeeKey": KEY_A,
                "timeRecord": {
                    "time": "2026-11-21T18:30:00+09:00",
                    "code": "2",
                    "name": "退勤",
                    "divisionCode": "1000",
                    "divisionName": "本社"
                }
            }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let punch = PunchRequest::omitted_working_day(instant, PunchCode::ClockOut);
    let response = common::client(&server)
        .time_records()
        .register(&EmployeeKey::new(KEY_A), &punch)
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    let sent: Value = serde_json::from_slice(&requests[0].body).unwrap();
    assert!(sent.get("date").is_none(), "no date: {sent}");
    assert_eq!(sent["isOmittedWorkingDay"], json!(true));

    assert_eq!(response.date, date(2026, 11, 21));
    assert_eq!(response.time_record.code, Some(PunchCode::ClockOut));
    assert_eq!(response.time_record.time, jst_time(2026, 11, 21, 18, 30, 0));
}

#[tokio::test]
async fn punch_is_not_retried_on_503() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path(format!("/daily-workings/timerecord/{KEY_1000}")))
        .respond_with(ResponseTemplate::new(503).set_body_string("Service Unavailable"))
        .expect(1)
        .mount(&server)
        .await;

    let punch = PunchRequest::new(
        date(2026, 11, 21),
        jst_time(2026, 11, 21, 9, 0, 0),
        PunchCode::ClockIn,
    );
    let err = common::client(&server)
        .time_records()
        .register(&EmployeeKey::new(KEY_1000), &punch)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503), "{err:?}");
    assert!(matches!(err, Error::Http(_)), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn a_get_on_503_is_retried_unlike_the_punch() {
    // Control for the test above: the same answer makes a GET retry, so the
    // punch's single hit is the punch rule, not a policy without retries.
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/daily-workings/timerecord/2026-11-21"))
        .respond_with(ResponseTemplate::new(503).set_body_string("Service Unavailable"))
        .mount(&server)
        .await;
    let err = common::client(&server)
        .time_records()
        .on(date(2026, 11, 21))
        .send()
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(received(&server).await.len() > 1);
}

#[tokio::test]
async fn punch_is_not_retried_on_the_flat_303_rate_limit() {
    // KOT does not document the HTTP status of the flat 303 body.
    for status in [200_u16, 403, 429] {
        let server = common::server().await;
        Mock::given(method("POST"))
            .and(path(format!("/daily-workings/timerecord/{KEY_1000}")))
            .respond_with(ResponseTemplate::new(status).set_body_string(FLAT_303))
            .expect(1)
            .mount(&server)
            .await;

        let punch = PunchRequest::new(
            date(2026, 11, 21),
            jst_time(2026, 11, 21, 9, 0, 0),
            PunchCode::ClockIn,
        );
        let err = common::client(&server)
            .time_records()
            .register(&EmployeeKey::new(KEY_1000), &punch)
            .await
            .unwrap_err();
        assert!(err.is_rate_limited(), "HTTP {status}: {err:?}");
        match &err {
            Error::Api(api) => {
                assert_eq!(api.code(), Some("303"));
                assert_eq!(api.status.as_u16(), status);
            }
            other => panic!("HTTP {status}: expected Api, got {other:?}"),
        }
        assert_eq!(received(&server).await.len(), 1, "HTTP {status}");
    }
}

#[tokio::test]
async fn punch_is_not_retried_after_a_timeout() {
    let server = common::server().await;
    Mock::given(method("POST"))
        .and(path(format!("/daily-workings/timerecord/{KEY_1000}")))
        .respond_with(
            json_response(201, common::fixture("official_punch_response_2.json"))
                .set_delay(Duration::from_secs(2)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = Client::builder(common::TOKEN)
        .base_url(server.uri())
        .clock(Arc::new(ManualClock::new(common::noon_jst())))
        .retry_policy(common::fast_retries())
        .attempt_timeout(Duration::from_millis(200))
        .build()
        .unwrap();

    let punch = PunchRequest::new(
        date(2026, 11, 21),
        jst_time(2026, 11, 21, 9, 0, 0),
        PunchCode::ClockIn,
    );
    let err = client
        .time_records()
        .register(&EmployeeKey::new(KEY_1000), &punch)
        .await
        .unwrap_err();
    assert!(matches!(&err, Error::Http(e) if e.is_timeout()), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn punch_is_not_retried_after_a_dropped_connection() {
    // A raw socket that reads the request and hangs up without answering.
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let addr = listener.local_addr().unwrap();
    let accepted = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&accepted);
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            counter.fetch_add(1, Ordering::SeqCst);
            stream
                .set_read_timeout(Some(Duration::from_millis(200)))
                .unwrap();
            let mut buf = [0_u8; 8192];
            while matches!(stream.read(&mut buf), Ok(n) if n > 0) {}
            drop(stream);
        }
    });
    let client = Client::builder(common::TOKEN)
        .base_url(format!("http://{addr}"))
        .clock(Arc::new(ManualClock::new(common::noon_jst())))
        .retry_policy(common::fast_retries())
        .build()
        .unwrap();

    let punch = PunchRequest::new(
        date(2026, 11, 21),
        jst_time(2026, 11, 21, 9, 0, 0),
        PunchCode::ClockIn,
    );
    let err = client
        .time_records()
        .register(&EmployeeKey::new(KEY_1000), &punch)
        .await
        .unwrap_err();
    assert!(
        matches!(&err, Error::Http(e) if e.is_transport()),
        "{err:?}"
    );
    tokio::time::sleep(Duration::from_millis(300)).await;
    assert_eq!(accepted.load(Ordering::SeqCst), 1);
}

#[tokio::test]
async fn punch_is_sent_inside_a_time_band_while_a_time_record_read_is_refused_locally() {
    let server = common::server().await;
    // 00:00 UTC = 09:00 JST, inside 08:30-10:00.
    let instant = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
    let (client, _clock) = common::client_at(&server, instant);
    Mock::given(method("POST"))
        .and(path(format!("/daily-workings/timerecord/{KEY_1000}")))
        .and(header("authorization", common::bearer().as_str()))
        .and(body_json(json!({
            "date": "2026-11-21",
            "time": "2026-11-21T09:00:00+09:00",
            "code": "1"
        })))
        .respond_with(json_response(
            201,
            common::fixture("official_punch_response_2.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let punch = PunchRequest::new(date(2026, 11, 21), instant, PunchCode::ClockIn);
    let response = client
        .time_records()
        .register(&EmployeeKey::new(KEY_1000), &punch)
        .await
        .unwrap();
    assert_eq!(response.time_record.code, Some(PunchCode::ClockIn));

    let reopens = jst_time(2026, 11, 21, 10, 0, 0);
    let err = client
        .time_records()
        .list(DateRange::day(date(2026, 11, 21)))
        .employee_keys([&EmployeeKey::new(KEY_1000)])
        .send()
        .await
        .unwrap_err();
    assert!(err.is_time_band(), "{err:?}");
    assert!(matches!(err, Error::TimeBand(_)), "{err:?}");
    assert_eq!(err.reopens_at(), Some(reopens));
    assert_eq!(
        err.reopens_at().unwrap().offset().local_minus_utc(),
        9 * 3600
    );

    let err = client
        .time_records()
        .on(date(2026, 11, 21))
        .send()
        .await
        .unwrap_err();
    assert!(err.is_time_band(), "{err:?}");
    assert_eq!(err.reopens_at(), Some(reopens));

    // Only the punch reached the server.
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].method.as_str(), "POST");
}

// --- 4. daily cost and schedules -------------------------------------------

#[tokio::test]
async fn daily_cost_list_and_date_decode_the_official_example() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/daily-workings/cost"))
        .and(header("authorization", common::bearer().as_str()))
        .and(query_param("division", "1000"))
        .and(query_param("start", "2016-05-01"))
        .and(query_param("end", "2016-05-01"))
        .and(query_param("additionalFields", "currentDateEmployee"))
        .respond_with(json_response(
            200,
            common::fixture("official_daily_costs.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/daily-workings/cost/2016-05-01"))
        .and(header("authorization", common::bearer().as_str()))
        .respond_with(json_response(200, first_of("official_daily_costs.json")))
        .expect(1)
        .mount(&server)
        .await;

    let client = common::client(&server);
    let days = client
        .daily_costs()
        .list(DateRange::day(date(2016, 5, 1)))
        .division("1000")
        .additional_fields([DailyField::CurrentDateEmployee])
        .send()
        .await
        .unwrap();
    let day = client
        .daily_costs()
        .on(date(2016, 5, 1))
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_query(
        &requests[0],
        &[
            ("division", "1000"),
            ("start", "2016-05-01"),
            ("end", "2016-05-01"),
            ("additionalFields", "currentDateEmployee"),
        ],
    );
    assert_eq!(requests[1].url.query(), None, "no options, no query");

    assert_eq!(days.len(), 1);
    assert_eq!(days[0], day);
    let c = &day.daily_workings[0];
    assert_eq!(c.date, date(2016, 5, 1));
    assert_eq!(c.employee_key.as_str(), KEY_1000);
    assert_eq!(c.labor_cost_estimate, Some(8000));
    assert_eq!(c.transportation_expense, Some(1000));
    assert_eq!(
        c.current_date_employee
            .as_ref()
            .unwrap()
            .division_name
            .as_deref(),
        Some("本社")
    );
}

#[tokio::test]
async fn daily_schedules_list_and_date_decode_work_day_type_and_minute_times() {
    let server = common::server().await;
    // Synthetic (no official example of daily schedules is public).
    Mock::given(method("GET"))
        .and(path("/daily-schedules"))
        .and(header("authorization", common::bearer().as_str()))
        .and(query_param("division", "1000"))
        .and(query_param("ondivision", "true"))
        .and(query_param("start", "2024-04-01"))
        .and(query_param("end", "2024-04-30"))
        .respond_with(json_response(
            200,
            common::fixture("synthetic_daily_schedules.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/daily-schedules/2024-04-01"))
        .and(header("authorization", common::bearer().as_str()))
        .and(query_param("additionalFields", "currentDateEmployee"))
        .respond_with(json_response(
            200,
            first_of("synthetic_daily_schedules.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let client = common::client(&server);
    let days = client
        .daily_schedules()
        .list(range(date(2024, 4, 1), date(2024, 4, 30)))
        .division("1000")
        .on_division(true)
        .send()
        .await
        .unwrap();
    let day = client
        .daily_schedules()
        .on(date(2024, 4, 1))
        .additional_fields([DailyField::CurrentDateEmployee])
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_query(
        &requests[0],
        &[
            ("division", "1000"),
            ("ondivision", "true"),
            ("start", "2024-04-01"),
            ("end", "2024-04-30"),
        ],
    );
    assert_query(&requests[1], &[("additionalFields", "currentDateEmployee")]);

    assert_eq!(days.len(), 1);
    assert_eq!(days[0], day);
    assert_eq!(day.date, date(2024, 4, 1));
    assert_eq!(day.daily_schedules.len(), 2);
    let s = &day.daily_schedules[0];
    assert_eq!(s.employee_key.as_str(), KEY_A);
    assert_eq!(s.work_day_type_name.as_deref(), Some("平日"));
    assert_eq!(s.clock_in_schedule, Some(jst_time(2024, 4, 1, 9, 0, 0)));
    assert_eq!(s.clock_out_schedule, Some(jst_time(2024, 4, 1, 18, 0, 0)));
    assert_eq!(s.break_schedule, Some(60));
    assert_eq!(s.start_end_break_schedule.len(), 1);
    assert_eq!(
        s.start_end_break_schedule[0].start,
        Some(jst_time(2024, 4, 1, 12, 0, 0))
    );
    assert_eq!(s.half_day_vacation_type_code.as_deref(), Some("2"));
    assert_eq!(s.overtime_upper_limit, Some(120));
    assert_eq!(s.schedule_type_name.as_deref(), Some("通常勤務"));
    assert_eq!(s.substitution_clock_in_name.as_deref(), Some("振休"));
    let e = s.current_date_employee.as_ref().unwrap();
    assert_eq!(e.gender, Some(Gender::NotSelected));
    assert_eq!(e.code, Some(EmployeeCode::new("0012")));
    let hour = &s.holidays_obtained.as_ref().unwrap().hour_holidays[0];
    assert_eq!(hour.start, Some(jst_time(2024, 4, 1, 10, 0, 0)));
    let t = &day.daily_schedules[1];
    assert_eq!(t.employee_key.as_str(), KEY_B);
    assert_eq!(t.work_day_type_name.as_deref(), Some("法定休日"));
    assert_eq!(t.clock_in_schedule, None);
    assert_eq!(t.schedule_type_name.as_deref(), Some("シフト"));
}

// --- 5. 62-day splitting ---------------------------------------------------

fn day_json(d: &str, key: &str) -> Value {
    json!({ "date": d, "dailyWorkings": [ { "date": d, "employeeKey": key, "totalWork": 480 } ] })
}

#[tokio::test]
async fn a_63_day_range_is_two_requests_merged_in_order() {
    let server = common::server().await;
    // Synthetic days, one per window edge.
    Mock::given(method("GET"))
        .and(path("/daily-workings"))
        .and(header("authorization", common::bearer().as_str()))
        .and(query_param("start", "2026-05-01"))
        .and(query_param("end", "2026-07-01"))
        .respond_with(json_response(
            200,
            json!([day_json("2026-05-01", KEY_A), day_json("2026-07-01", KEY_A)]),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/daily-workings"))
        .and(header("authorization", common::bearer().as_str()))
        .and(query_param("start", "2026-07-02"))
        .and(query_param("end", "2026-07-02"))
        .respond_with(json_response(200, json!([day_json("2026-07-02", KEY_B)])))
        .expect(1)
        .mount(&server)
        .await;

    let r = range(date(2026, 5, 1), date(2026, 7, 2));
    assert_eq!(r.days(), 63);
    let days = common::client(&server)
        .daily_workings()
        .list(r)
        .division("1000")
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_query(
        &requests[0],
        &[
            ("division", "1000"),
            ("start", "2026-05-01"),
            ("end", "2026-07-01"),
        ],
    );
    assert_query(
        &requests[1],
        &[
            ("division", "1000"),
            ("start", "2026-07-02"),
            ("end", "2026-07-02"),
        ],
    );
    let dates: Vec<NaiveDate> = days.iter().map(|d| d.date).collect();
    assert_eq!(
        dates,
        vec![date(2026, 5, 1), date(2026, 7, 1), date(2026, 7, 2)]
    );
    assert_eq!(days[2].daily_workings[0].employee_key.as_str(), KEY_B);
    assert_eq!(days[2].daily_workings[0].total_work, Some(480));
}

#[tokio::test]
async fn a_62_day_range_is_one_request() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/daily-workings/timerecord"))
        .and(query_param("start", "2026-05-01"))
        .and(query_param("end", "2026-07-01"))
        .respond_with(json_response(200, json!([])))
        .expect(1)
        .mount(&server)
        .await;

    let r = range(date(2026, 5, 1), date(2026, 7, 1));
    assert_eq!(r.days(), 62);
    let days = common::client(&server)
        .time_records()
        .list(r)
        .send()
        .await
        .unwrap();
    assert!(days.is_empty());
    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_query(
        &requests[0],
        &[("start", "2026-05-01"), ("end", "2026-07-01")],
    );
}

#[tokio::test]
async fn a_year_is_six_requests_of_at_most_62_days() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/daily-schedules"))
        .and(header("authorization", common::bearer().as_str()))
        .respond_with(json_response(200, json!([])))
        .expect(6)
        .mount(&server)
        .await;

    common::client(&server)
        .daily_schedules()
        .list(range(date(2025, 1, 1), date(2025, 12, 31)))
        .send()
        .await
        .unwrap();

    let windows: Vec<(String, String)> = received(&server).await.iter().map(window_of).collect();
    let expected = [
        ("2025-01-01", "2025-03-03"),
        ("2025-03-04", "2025-05-04"),
        ("2025-05-05", "2025-07-05"),
        ("2025-07-06", "2025-09-05"),
        ("2025-09-06", "2025-11-06"),
        ("2025-11-07", "2025-12-31"),
    ];
    let expected: Vec<(String, String)> = expected
        .iter()
        .map(|(s, e)| ((*s).to_owned(), (*e).to_owned()))
        .collect();
    assert_eq!(windows, expected);
    for (s, e) in &windows {
        let days =
            (e.parse::<NaiveDate>().unwrap() - s.parse::<NaiveDate>().unwrap()).num_days() + 1;
        assert!((1..=62).contains(&days), "{s}..{e} is {days} days");
    }
}

#[tokio::test]
async fn a_failing_second_window_fails_the_whole_call() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/daily-workings/cost"))
        .and(query_param("start", "2026-05-01"))
        .and(query_param("end", "2026-07-01"))
        .respond_with(json_response(
            200,
            json!([{ "date": "2026-05-01", "dailyWorkings": [] }]),
        ))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/daily-workings/cost"))
        .and(query_param("start", "2026-07-02"))
        .and(query_param("end", "2026-07-02"))
        // KOT's error envelope (synthetic message).
        .respond_with(
            ResponseTemplate::new(400)
                .set_body_string(r#"{"errors":[{"message":"Invalid date range.","code":2}]}"#),
        )
        .expect(1)
        .mount(&server)
        .await;

    let err = common::client(&server)
        .daily_costs()
        .list(range(date(2026, 5, 1), date(2026, 7, 2)))
        .send()
        .await
        .unwrap_err();
    match &err {
        Error::Api(api) => {
            assert_eq!(api.status.as_u16(), 400);
            assert_eq!(api.code(), Some("2"));
            assert_eq!(api.endpoint, "GET /daily-workings/cost");
            assert_eq!(
                api.errors[0].message.as_deref(),
                Some("Invalid date range.")
            );
        }
        other => panic!("expected Api, got {other:?}"),
    }
    assert_eq!(received(&server).await.len(), 2);
}

// --- 6. parameter rules ----------------------------------------------------

#[tokio::test]
async fn on_division_without_division_is_a_config_error_before_any_request() {
    let server = common::server().await;
    let client = common::client(&server);

    let err = client
        .daily_workings()
        .list(DateRange::day(date(2026, 5, 1)))
        .on_division(true)
        .send()
        .await
        .unwrap_err();
    assert!(is_config(&err), "{err:?}");

    let err = client
        .daily_schedules()
        .on(date(2026, 5, 1))
        .on_division(false)
        .send()
        .await
        .unwrap_err();
    assert!(is_config(&err), "{err:?}");

    assert!(received(&server).await.is_empty());
}

#[tokio::test]
async fn employee_keys_with_division_is_a_config_error_before_any_request() {
    let server = common::server().await;
    let client = common::client(&server);
    let key = EmployeeKey::new(KEY_A);

    let err = client
        .time_records()
        .list(DateRange::day(date(2026, 5, 1)))
        .employee_keys([&key])
        .division("1000")
        .send()
        .await
        .unwrap_err();
    assert!(is_config(&err), "{err:?}");

    let err = client
        .time_records()
        .on(date(2026, 5, 1))
        .division("1000")
        .employee_keys([&key])
        .send()
        .await
        .unwrap_err();
    assert!(is_config(&err), "{err:?}");

    assert!(received(&server).await.is_empty());
}

/// Answers a time-record read with one record per requested key, on the
/// window's first and last dates.
struct EchoKeys;

impl wiremock::Respond for EchoKeys {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let param = |name: &str| {
            request
                .url
                .query_pairs()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.into_owned())
                .unwrap_or_default()
        };
        let keys = param("employeeKeys");
        let mut dates = vec![param("start"), param("end")];
        dates.dedup();
        let days: Vec<Value> = dates
            .iter()
            .map(|date| {
                let workings: Vec<Value> = keys
                    .split(',')
                    .map(|key| json!({"date": date, "employeeKey": key, "timeRecord": []}))
                    .collect();
                json!({"date": date, "dailyWorkings": workings})
            })
            .collect();
        ResponseTemplate::new(200).set_body_json(days)
    }
}

#[tokio::test]
async fn many_employee_keys_are_split_into_groups_and_merged_per_date() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/daily-workings/timerecord"))
        .respond_with(EchoKeys)
        .expect(6) // 2 windows x 3 groups of at most 50 keys
        .mount(&server)
        .await;
    let keys: Vec<EmployeeKey> = (0..120)
        .map(|i| EmployeeKey::new(format!("k{i:03}")))
        .collect();
    let range = DateRange::new(
        NaiveDate::from_ymd_opt(2026, 5, 1).unwrap(),
        NaiveDate::from_ymd_opt(2026, 7, 2).unwrap(),
    )
    .unwrap();
    let days = common::client(&server)
        .time_records()
        .list(range)
        .employee_keys(&keys)
        .send()
        .await
        .unwrap();

    let requests = server.received_requests().await.unwrap();
    for r in &requests {
        let sent = r
            .url
            .query_pairs()
            .find(|(k, _)| k == "employeeKeys")
            .map(|(_, v)| v.split(',').count())
            .unwrap();
        assert!(
            sent <= kot_api::api::MAX_EMPLOYEE_KEYS_PER_REQUEST,
            "{sent} keys in one request"
        );
    }
    let dates: Vec<String> = days.iter().map(|d| d.date.to_string()).collect();
    assert_eq!(dates, ["2026-05-01", "2026-07-01", "2026-07-02"]);
    for day in &days {
        let mut got: Vec<&str> = day
            .daily_workings
            .iter()
            .map(|w| w.employee_key.as_str())
            .collect();
        got.sort_unstable();
        let want: Vec<&str> = keys.iter().map(EmployeeKey::as_str).collect();
        assert_eq!(got, want, "{}", day.date);
    }
}

#[tokio::test]
async fn many_employee_keys_on_one_date_are_merged_into_one_day() {
    let server = common::server().await;
    Mock::given(method("GET"))
        .and(path("/daily-workings/timerecord/2026-05-01"))
        .respond_with(EchoKeysOnDate)
        .expect(2)
        .mount(&server)
        .await;
    let keys: Vec<EmployeeKey> = (0..51)
        .map(|i| EmployeeKey::new(format!("k{i:03}")))
        .collect();
    let day = common::client(&server)
        .time_records()
        .on(NaiveDate::from_ymd_opt(2026, 5, 1).unwrap())
        .employee_keys(&keys)
        .send()
        .await
        .unwrap();
    assert_eq!(day.daily_workings.len(), 51);
    assert_eq!(day.daily_workings[50].employee_key.as_str(), "k050");
}

/// The single-date variant: one `{date, dailyWorkings}` object.
struct EchoKeysOnDate;

impl wiremock::Respond for EchoKeysOnDate {
    fn respond(&self, request: &wiremock::Request) -> ResponseTemplate {
        let keys = request
            .url
            .query_pairs()
            .find(|(k, _)| k == "employeeKeys")
            .map(|(_, v)| v.into_owned())
            .unwrap_or_default();
        let workings: Vec<Value> = keys
            .split(',')
            .map(|key| json!({"date": "2026-05-01", "employeeKey": key, "timeRecord": []}))
            .collect();
        ResponseTemplate::new(200)
            .set_body_json(json!({"date": "2026-05-01", "dailyWorkings": workings}))
    }
}
