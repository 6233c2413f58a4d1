//! Wire tests of the monthly, holiday and request (申請) endpoints: request
//! shape and the decoded official examples, against a mock KOT.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone};
use kot_api::api::{DailyField, MonthlyField, RequestField};
use kot_api::models::{
    AdministratorKey, ApplicantType, EmployeeCode, EmployeeKey, EmployeeTypeCode, Gender,
    RequestKey, RequestStatus, YearMonth, jst,
};
use serde_json::{Value, json};
use wiremock::matchers::{header, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const KEY_1000: &str = "8b6ee646a9620b286499c3df6918c4888a97dd7bbc6a26a18743f4697a1de4b3";
const KEY_A: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
const KEY_B: &str = "1a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
const REQ_EMPLOYEE: &str = "c77a34b32f5de30b6335d141ad714baf6713cd21ca98689efec9fe2735215201";
const REQ_KEY: &str = "59d25f49d4dce8b6e6658cc6b5c3b89b34c617916f90f6e27e9a9fa6cca576a4";
const ADMIN_KEY: &str = "c77a34b32f5de30b6335d141ad714baf6713cd21ca98689efec9fe273526fac6ff";

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

fn jst_time(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
    jst().with_ymd_and_hms(y, m, d, h, min, 0).unwrap()
}

fn month(y: i32, m: u32) -> YearMonth {
    YearMonth::new(y, m).unwrap()
}

async fn received(server: &MockServer) -> Vec<wiremock::Request> {
    server.received_requests().await.unwrap()
}

/// Asserts that `request` carried exactly these query parameters, no others.
fn assert_query(request: &wiremock::Request, expected: &[(&str, &str)]) {
    let mut got: Vec<(String, String)> = request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect();
    got.sort();
    let mut expected: Vec<(String, String)> = expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect();
    expected.sort();
    assert_eq!(got, expected, "query of {}", request.url);
}

fn json_response(body: Value) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(body)
}

/// Mounts a GET of `at` that must carry the bearer token and these query
/// parameters, answering `body`, expected once.
async fn mount_get(server: &MockServer, at: &str, query: &[(&str, &str)], body: Value) {
    let mut mock = Mock::given(method("GET"))
        .and(path(at))
        .and(header("authorization", common::bearer().as_str()));
    for (k, v) in query {
        mock = mock.and(query_param(*k, *v));
    }
    mock.respond_with(json_response(body))
        .expect(1)
        .mount(server)
        .await;
}

// --- monthly workings ------------------------------------------------------

#[tokio::test]
async fn monthly_workings_send_division_and_all_additional_fields() {
    let server = common::server().await;
    // The official example plus the additional members it lacks, taken from
    // the synthetic fixture (weeklyWork, variationalWork, isConfirmation).
    let mut body = common::fixture("official_monthly_workings.json");
    let extra = common::fixture("synthetic_monthly_working_additional.json");
    for name in ["weeklyWork", "variationalWork", "isConfirmation"] {
        body[0][name] = extra[name].clone();
    }
    let fields = "weeklyWork,variationalWork,isConfirmation,currentDateEmployee";
    let query = [("division", "1000"), ("additionalFields", fields)];
    mount_get(&server, "/monthly-workings/2016-06", &query, body).await;

    let rows = common::client(&server)
        .monthly_workings()
        .month(month(2016, 6))
        .division("1000")
        .additional_fields([
            MonthlyField::WeeklyWork,
            MonthlyField::VariationalWork,
            MonthlyField::IsConfirmation,
            MonthlyField::CurrentDateEmployee,
        ])
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_query(&requests[0], &query);

    assert_eq!(rows.len(), 1);
    let m = &rows[0];
    assert_eq!((m.year, m.month), (2016, 6));
    assert_eq!(m.employee_key.as_str(), KEY_1000);
    let e = m.current_date_employee.as_ref().unwrap();
    assert_eq!(e.code, Some(EmployeeCode::new("1000")));
    assert_eq!(e.gender, Some(Gender::Male));
    assert_eq!(m.start_date, Some(date(2016, 6, 1)));
    assert_eq!(m.end_date, Some(date(2016, 6, 21)));
    assert_eq!(m.working_count, Some(14.0));
    assert_eq!(m.working_day_count, Some(14.0));
    assert_eq!(m.absentday_count, Some(0.0));
    assert_eq!(m.break_sum, Some(840));
    assert_eq!(m.is_closing, Some(false));
    assert_eq!(m.interval_shortage_count, Some(1));
    assert_eq!(m.holidays_obtained.len(), 1);
    assert_eq!(m.holidays_obtained[0].code, 1);
    assert_eq!(m.holidays_obtained[0].name.as_deref(), Some("有休"));
    assert_eq!(m.holidays_obtained[0].day_count, Some(0.0));
    assert_eq!(m.legal_holiday_work.as_ref().unwrap().count, Some(0));
    assert_eq!(m.premium_work.as_ref().unwrap().overtime1, Some(0));
    assert_eq!(m.custom_monthly_workings.len(), 3);
    assert_eq!(m.custom_monthly_workings[1].code, "mCus2");
    // Additional fields.
    let weekly = m.weekly_work.as_ref().unwrap();
    assert_eq!(weekly.overtime, Some(120));
    assert_eq!(weekly.night_overtime, Some(15));
    let variational = m.variational_work.as_ref().unwrap();
    assert_eq!(variational.yearly_overtime, Some(600));
    assert_eq!(variational.monthly_overtime, Some(240));
    assert_eq!(variational.weekly_overtime, Some(60));
    assert_eq!(m.is_confirmation, Some(true));
}

#[tokio::test]
async fn monthly_workings_without_options_send_no_query() {
    let server = common::server().await;
    // Synthetic: a month with half days and a string year/month.
    let body = json!([common::fixture("synthetic_monthly_working_additional.json")]);
    mount_get(&server, "/monthly-workings/2024-04", &[], body).await;

    let rows = common::client(&server)
        .monthly_workings()
        .month(month(2024, 4))
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.query(), None);
    assert_eq!((rows[0].year, rows[0].month), (2024, 4));
    assert_eq!(rows[0].working_count, Some(19.5));
    assert_eq!(rows[0].absentday_count, Some(0.5));
    assert_eq!(rows[0].night_unassigned, Some(30));
}

#[tokio::test]
async fn monthly_cost_sends_division_and_fields() {
    let server = common::server().await;
    // Synthetic (the OAS example shape, with one string year/month row).
    let query = [
        ("division", "2000"),
        ("additionalFields", "currentDateEmployee"),
    ];
    mount_get(
        &server,
        "/monthly-workings/cost/2024-04",
        &query,
        common::fixture("synthetic_monthly_costs.json"),
    )
    .await;

    let rows = common::client(&server)
        .monthly_costs()
        .month(month(2024, 4))
        .division("2000")
        .additional_fields([DailyField::CurrentDateEmployee])
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_query(&requests[0], &query);

    assert_eq!(rows.len(), 2);
    let a = &rows[0];
    assert_eq!((a.year, a.month), (2024, 4));
    assert_eq!(a.employee_key.as_str(), KEY_A);
    assert_eq!(a.start_date, Some(date(2024, 4, 1)));
    assert_eq!(a.end_date, Some(date(2024, 4, 30)));
    assert_eq!(a.labor_cost_estimate, Some(245_000));
    assert_eq!(a.transportation_expense, Some(12_600));
    let e = a.current_date_employee.as_ref().unwrap();
    assert_eq!(e.code, Some(EmployeeCode::new("0012")));
    assert_eq!(e.gender, Some(Gender::NotSelected));
    let b = &rows[1];
    assert_eq!((b.year, b.month), (2024, 4));
    assert_eq!(b.employee_key.as_str(), KEY_B);
    assert_eq!(b.labor_cost_estimate, None);
}

// --- holidays --------------------------------------------------------------

#[tokio::test]
async fn holiday_remained_uses_type_code_and_month_in_the_path() {
    let server = common::server().await;
    let query = [("additionalFields", "currentDateEmployee")];
    mount_get(
        &server,
        "/monthly-workings/holiday-remained/1/2016-06",
        &query,
        common::fixture("official_holiday_remained.json"),
    )
    .await;

    let rows = common::client(&server)
        .holidays()
        .remained(&EmployeeTypeCode::new("1"), month(2016, 6))
        .additional_fields([DailyField::CurrentDateEmployee])
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_query(&requests[0], &query);

    assert_eq!(rows.len(), 1);
    let r = &rows[0];
    assert_eq!(r.date, date(2016, 6, 30));
    assert_eq!(r.close_date, Some(30));
    assert_eq!(r.employee_key.as_str(), KEY_1000);
    assert_eq!(
        r.current_date_employee.as_ref().unwrap().type_code,
        Some(EmployeeTypeCode::new("1"))
    );
    assert_eq!(r.holiday_remained.len(), 2);
    assert_eq!(r.holiday_remained[0].code, 1);
    assert_eq!(r.holiday_remained[0].name.as_deref(), Some("有休"));
    assert_eq!(r.holiday_remained[0].day, Some(0.0));
    assert_eq!(r.holiday_remained[0].minutes, Some(0));
    assert_eq!(r.holiday_remained[1].code, 2);
    assert_eq!(r.holiday_remained[1].name.as_deref(), Some("代休"));
}

#[tokio::test]
async fn yearly_holidays_decode_string_year_and_absent_days_or_minutes() {
    let server = common::server().await;
    let query = [("additionalFields", "currentDateEmployee")];
    mount_get(
        &server,
        "/yearly-workings/holidays/1000/2019",
        &query,
        common::fixture("official_yearly_holidays.json"),
    )
    .await;

    let y = common::client(&server)
        .holidays()
        .yearly(&EmployeeTypeCode::new("1000"), 2019)
        .additional_fields([DailyField::CurrentDateEmployee])
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_query(&requests[0], &query);

    assert_eq!(y.year, "2019");
    assert_eq!(y.start_date, Some(date(2019, 1, 1)));
    assert_eq!(y.end_date, Some(date(2019, 12, 31)));
    assert_eq!(y.close_date, Some(30));
    assert_eq!(y.employees.len(), 1);
    let emp = &y.employees[0];
    assert_eq!(emp.employee_key, EmployeeKey::new(KEY_1000));
    assert_eq!(
        emp.current_date_employee
            .as_ref()
            .unwrap()
            .last_name
            .as_deref(),
        Some("勤怠")
    );
    assert_eq!(emp.holidays.len(), 2);
    let paid = &emp.holidays[0];
    assert_eq!((paid.code, paid.name.as_deref()), (1, Some("有休")));
    // granted: both, then minutes only.
    assert_eq!(paid.granted.len(), 2);
    assert_eq!(paid.granted[0].date, Some(date(2019, 1, 1)));
    assert_eq!(paid.granted[0].days, Some(5.0));
    assert_eq!(paid.granted[0].minutes, Some(120));
    assert_eq!(paid.granted[0].effective_period, Some(date(2019, 4, 1)));
    assert_eq!(paid.granted[1].days, None);
    assert_eq!(paid.granted[1].minutes, Some(180));
    // obtained: days only, then minutes only.
    assert_eq!(paid.obtained[0].days, Some(1.0));
    assert_eq!(paid.obtained[0].minutes, None);
    assert_eq!(paid.obtained[1].days, None);
    assert_eq!(paid.obtained[1].minutes, Some(180));
    assert_eq!(paid.remained[0].days, Some(2.0));
    assert_eq!(paid.remained[0].minutes, Some(120));
    assert_eq!(paid.expired[0].date, Some(date(2019, 6, 1)));
    assert_eq!(paid.expired[1].minutes, Some(120));
    assert_eq!(emp.holidays[1].code, 2);
    assert_eq!(emp.holidays[1].name.as_deref(), Some("代休"));
}

// --- requests --------------------------------------------------------------

#[tokio::test]
async fn schedule_requests_send_administrator_key_and_fields() {
    let server = common::server().await;
    let query = [
        ("administratorKey", ADMIN_KEY),
        ("additionalFields", "schedulePatternCode,flow,note"),
    ];
    mount_get(
        &server,
        "/requests/schedules/2018-08",
        &query,
        common::fixture("official_schedule_requests.json"),
    )
    .await;

    let body = common::client(&server)
        .requests()
        .schedules(month(2018, 8))
        .administrator_key(&AdministratorKey::new(ADMIN_KEY))
        .additional_fields([
            RequestField::SchedulePatternCode,
            RequestField::Flow,
            RequestField::Note,
        ])
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_query(&requests[0], &query);

    assert_eq!((body.year, body.month), (2018, 8));
    assert_eq!(body.schedule_requests.len(), 1);
    let r = &body.schedule_requests[0];
    assert_eq!(r.date, date(2018, 8, 1));
    assert_eq!(r.requested_date, Some(date(2018, 8, 10)));
    assert_eq!(r.employee_key.as_str(), REQ_EMPLOYEE);
    assert_eq!(r.request_key, RequestKey::new(REQ_KEY));
    let applicant = r.applicant.as_ref().unwrap();
    assert_eq!(applicant.applicant_type, Some(ApplicantType::Employee));
    assert_eq!(
        applicant.employee_key(),
        Some(EmployeeKey::new(REQ_EMPLOYEE))
    );
    assert_eq!(r.status, Some(RequestStatus::Applying));
    assert_eq!(r.current_flow, Some(2));
    assert_eq!(r.flow.len(), 3);
    assert_eq!(r.flow[0].level, Some(1));
    assert_eq!(
        r.flow[0].administrator_keys,
        vec![AdministratorKey::new(ADMIN_KEY)]
    );
    assert_eq!(r.message.as_deref(), Some("申請いたします"));
    assert_eq!(r.admin_comment.as_deref(), Some("第1承認者承認済"));
    assert_eq!(
        r.last_modified_administrator_key,
        Some(AdministratorKey::new(ADMIN_KEY))
    );
    let requested = r.requested.as_ref().unwrap();
    assert_eq!(
        requested.clock_in_schedule,
        Some(jst_time(2018, 8, 1, 9, 0))
    );
    assert_eq!(
        requested.clock_out_schedule,
        Some(jst_time(2018, 8, 1, 18, 0))
    );
    assert_eq!(requested.work_day_type_name.as_deref(), Some("平日"));
    assert_eq!(
        requested.start_end_break_schedule[0].start,
        Some(jst_time(2018, 8, 1, 11, 0))
    );
    let current = r.current.as_ref().unwrap();
    assert_eq!(current.clock_in_schedule, Some(jst_time(2018, 8, 1, 10, 0)));
    assert_eq!(current.overtime_upper_limit, Some(120));
    assert_eq!(current.schedule_type_name.as_deref(), Some("シフト"));
}

#[tokio::test]
async fn overtime_requests_decode_and_keep_unknown_status() {
    let server = common::server().await;
    // The official example, plus a second request whose status KOT's docs do
    // not list (synthetic), to check it is kept.
    let mut body = common::fixture("official_overtime_requests.json");
    let mut other = body["overtimeRequests"][0].clone();
    other["status"] = json!("cancelled");
    other["date"] = json!("2018-08-02");
    body["overtimeRequests"].as_array_mut().unwrap().push(other);
    let query = [
        ("administratorKey", ADMIN_KEY),
        ("additionalFields", "flow"),
    ];
    mount_get(&server, "/requests/overtimes/2018-08", &query, body).await;

    let body = common::client(&server)
        .requests()
        .overtimes(month(2018, 8))
        .administrator_key(&AdministratorKey::new(ADMIN_KEY))
        .additional_fields([RequestField::Flow])
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_query(&requests[0], &query);

    assert_eq!((body.year, body.month), (2018, 8));
    assert_eq!(body.overtime_requests.len(), 2);
    let r = &body.overtime_requests[0];
    assert_eq!(r.date, date(2018, 8, 1));
    assert_eq!(r.request_key.as_str(), REQ_KEY);
    assert_eq!(r.status, Some(RequestStatus::Applying));
    assert_eq!(r.flow.len(), 3);
    let requested = r.requested.as_ref().unwrap();
    assert_eq!(requested.is_before_schedule, Some(true));
    assert_eq!(requested.start, Some(jst_time(2018, 8, 1, 8, 0)));
    assert_eq!(requested.end, Some(jst_time(2018, 8, 1, 10, 0)));
    let current = r.current.as_ref().unwrap();
    assert_eq!(current.start, Some(jst_time(2018, 8, 1, 9, 0)));
    let unknown = &body.overtime_requests[1];
    assert_eq!(unknown.date, date(2018, 8, 2));
    match &unknown.status {
        Some(RequestStatus::Unknown(raw)) => assert_eq!(raw, "cancelled"),
        other => panic!("expected Unknown(\"cancelled\"), got {other:?}"),
    }
}

#[tokio::test]
async fn timerecord_requests_decode_from_the_requests_key() {
    let server = common::server().await;
    // Synthetic: the response shape is undocumented.
    let query = [
        ("administratorKey", ADMIN_KEY),
        ("additionalFields", "note"),
    ];
    mount_get(
        &server,
        "/requests/timerecords/2024-04",
        &query,
        common::fixture("synthetic_timerecord_requests.json"),
    )
    .await;

    let body = common::client(&server)
        .requests()
        .timerecords(month(2024, 4))
        .administrator_key(&AdministratorKey::new(ADMIN_KEY))
        .additional_fields([RequestField::Note])
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_query(&requests[0], &query);

    assert_eq!((body.year, body.month), (Some(2024), Some(4)));
    assert_eq!(body.requests.len(), 1);
    let r = &body.requests[0];
    assert_eq!(r.date, Some(date(2024, 4, 2)));
    assert_eq!(r.requested_date, Some(date(2024, 4, 3)));
    assert_eq!(r.employee_key, Some(EmployeeKey::new(KEY_A)));
    assert_eq!(r.status, Some(RequestStatus::Approved));
    assert_eq!(r.current_flow, Some(1));
    assert_eq!(r.message.as_deref(), Some("出勤打刻漏れのため申請します"));
    assert_eq!(
        r.applicant.as_ref().unwrap().applicant_type,
        Some(ApplicantType::Employee)
    );
    // Unmodelled members are kept.
    assert_eq!(r.extra["requested"][0]["code"], json!("1"));
    assert_eq!(r.extra["someFutureFlag"], json!(true));
}

#[tokio::test]
async fn timerecord_requests_decode_from_the_timerecord_requests_key_with_unknown_status() {
    let server = common::server().await;
    // Synthetic: the alternative list key, no year/month, status "pending".
    mount_get(
        &server,
        "/requests/timerecords/2024-04",
        &[],
        common::fixture("synthetic_timerecord_requests_alt_key.json"),
    )
    .await;

    let body = common::client(&server)
        .requests()
        .timerecords(month(2024, 4))
        .send()
        .await
        .unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].url.query(), None);

    assert_eq!((body.year, body.month), (None, None));
    assert_eq!(body.requests.len(), 1);
    let r = &body.requests[0];
    assert_eq!(r.date, Some(date(2024, 4, 5)));
    assert_eq!(r.employee_key, Some(EmployeeKey::new(KEY_B)));
    assert_eq!(r.message.as_deref(), Some("退勤修正"));
    match &r.status {
        Some(RequestStatus::Unknown(raw)) => assert_eq!(raw, "pending"),
        other => panic!("expected Unknown(\"pending\"), got {other:?}"),
    }
}
