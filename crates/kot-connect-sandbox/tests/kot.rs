//! The KOT fake, driven by the real kot-api client.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, FixedOffset, NaiveDate, TimeZone, Utc};
use kot_api::models::{EmployeeCode, EmployeeKey, PunchCode, PunchRequest};
use kot_api::{Client, DateRange, time_band};
use kot_connect_http::RetryPolicy;
use kot_connect_sandbox::{
    KOT_RATE_LIMIT_STATUS, KOT_TOKEN, RESIGNED_CODE, Sandbox, SandboxOptions, Service,
};

fn jst(d: u32, h: u32, m: u32, s: u32) -> DateTime<FixedOffset> {
    time_band::jst()
        .with_ymd_and_hms(2026, 11, d, h, m, s)
        .unwrap()
}

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// A client of the sandbox's KOT, sharing its clock; the local time-band
/// guard off so that the server's answer is what the test sees.
fn client(sandbox: &Sandbox) -> Client {
    Client::builder(KOT_TOKEN)
        .base_url(sandbox.url(Service::Kot))
        .clock(Arc::new(sandbox.clock().clone()))
        .time_band_guard(false)
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap()
}

async fn start_at(now: DateTime<FixedOffset>) -> Sandbox {
    Sandbox::start(SandboxOptions::default().now(now.with_timezone(&Utc)))
        .await
        .unwrap()
}

#[tokio::test]
async fn employees_keep_their_leading_zeros_and_the_resigned_one_needs_include_resigner() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    assert!(sandbox.url(Service::Kot).ends_with("/v1.0"));
    let kot = client(&sandbox);

    let all = kot
        .employees()
        .list()
        .include_resigner(true)
        .additional_fields(kot_api::api::EmployeeField::all())
        .send()
        .await
        .unwrap();
    assert_eq!(all.len(), sandbox.company().employees.len());
    assert_eq!(all[0].code.as_str(), "0001");
    assert_eq!(all.last().unwrap().code.as_str(), "0070");
    let resigned = all
        .iter()
        .find(|e| e.code.as_str() == RESIGNED_CODE)
        .unwrap();
    assert_eq!(resigned.resignation_date, Some(date(9, 30)));
    assert_eq!(
        all[0].last_name_phonetics.as_deref(),
        Some(sandbox.company().employees[0].last_name_phonetics.as_str())
    );
    assert_eq!(all[0].key.as_str(), sandbox.company().employees[0].key);

    let active = kot.employees().list().send().await.unwrap();
    assert_eq!(active.len(), sandbox.company().employees.len() - 1);
    assert!(active.iter().all(|e| e.code.as_str() != RESIGNED_CODE));
    assert!(
        active[0].hired_date.is_none(),
        "additional fields only on request"
    );

    let osaka = kot
        .employees()
        .list()
        .division("3000")
        .send()
        .await
        .unwrap();
    assert_eq!(osaka.len(), 19);

    let one = kot
        .employees()
        .get(&EmployeeCode::new("0007"))
        .send()
        .await
        .unwrap();
    assert_eq!(one.code.as_str(), "0007");
    let unknown = kot
        .employees()
        .get(&EmployeeCode::new("7"))
        .send()
        .await
        .unwrap_err();
    assert!(matches!(unknown, kot_api::Error::Api(_)), "{unknown:?}");

    let divisions = kot.divisions().list().await.unwrap();
    assert_eq!(divisions.len(), sandbox.company().divisions.len());
    let factory = divisions
        .iter()
        .find(|d| d.code.as_str() == "3000")
        .unwrap();
    assert_eq!(factory.day_border_time.as_deref(), Some("05:00"));
    assert_eq!(
        factory.day_border_time().map(|t| t.to_string()).as_deref(),
        Some("05:00:00")
    );

    assert_eq!(sandbox.calls().count(Service::Kot, "GET /employees"), 3);
    assert_eq!(
        sandbox
            .calls()
            .count(Service::Kot, "GET /employees/{employeeCode}"),
        2
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_punch_sent_twice_is_stored_twice_and_read_back() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let kot = client(&sandbox);
    let employee = &sandbox.company().employees[2];
    let key = EmployeeKey::new(employee.key.clone());
    let punch = PunchRequest::new(date(11, 20), jst(20, 9, 1, 30), PunchCode::ClockIn);

    for _ in 0..2 {
        let answer = kot.time_records().register(&key, &punch).await.unwrap();
        assert_eq!(answer.date, date(11, 20));
        assert_eq!(answer.time_record.code, Some(PunchCode::ClockIn));
    }
    let stored = sandbox.kot().punches();
    assert_eq!(stored.len(), 2);
    assert!(stored.iter().all(|p| p.via_api && p.code == 1));
    assert_eq!(stored[0].employee_code, "0003");
    assert_eq!(stored[0].time, jst(20, 9, 1, 30));

    let days = kot
        .time_records()
        .list(DateRange::day(date(11, 20)))
        .employee_keys([&key])
        .send()
        .await
        .unwrap();
    assert_eq!(days.len(), 1);
    let records = &days[0].daily_workings[0].time_record;
    assert_eq!(records.len(), 2);
    assert_eq!(records[0].time, jst(20, 9, 1, 30));
    assert_eq!(records[0].name.as_deref(), Some("出勤"));
    assert_eq!(
        sandbox.calls().count(
            Service::Kot,
            "POST /daily-workings/timerecord/{employeeKey}"
        ),
        2
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn kot_chooses_the_code_and_the_work_date_when_asked_to() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let kot = client(&sandbox);
    let key = EmployeeKey::new(sandbox.company().employee("0001").unwrap().key.clone());

    let first = PunchRequest::new(date(11, 20), jst(20, 9, 0, 0), None);
    let second = PunchRequest::new(date(11, 20), jst(20, 18, 0, 0), None);
    let a = kot.time_records().register(&key, &first).await.unwrap();
    let b = kot.time_records().register(&key, &second).await.unwrap();
    assert_eq!(a.time_record.code, Some(PunchCode::ClockIn));
    assert_eq!(b.time_record.code, Some(PunchCode::ClockOut));

    // Division 3000 changes day at 05:00: 04:30 belongs to the day before.
    let night = EmployeeKey::new(sandbox.company().employee("0040").unwrap().key.clone());
    let late = PunchRequest::omitted_working_day(jst(20, 4, 30, 0), PunchCode::ClockOut);
    let answer = kot.time_records().register(&night, &late).await.unwrap();
    assert_eq!(answer.date, date(11, 19));

    // A hand-made punch (KOT's UI) is read back like the others.
    sandbox
        .kot()
        .add_punch("0040", jst(19, 21, 0, 0), 1)
        .unwrap();
    let days = kot
        .time_records()
        .list(DateRange::new(date(11, 19), date(11, 20)).unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(days.len(), 2);
    let night_shift = &days[0].daily_workings[0];
    assert_eq!(night_shift.employee_key, night);
    assert_eq!(night_shift.time_record.len(), 2);
    assert_eq!(days[1].daily_workings.len(), 1);
    assert_eq!(sandbox.kot().punches_of("0040").len(), 2);
    assert!(!sandbox.kot().punches_of("0040")[1].via_api);

    let workings = kot
        .daily_workings()
        .list(DateRange::day(date(11, 20)))
        .send()
        .await
        .unwrap();
    assert_eq!(workings[0].daily_workings.len(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn bad_punches_are_refused_with_kots_error_shape() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let kot = client(&sandbox);
    let punch = PunchRequest::new(date(11, 20), jst(20, 9, 0, 0), PunchCode::ClockIn);
    let err = kot
        .time_records()
        .register(&EmployeeKey::new("f".repeat(64)), &punch)
        .await
        .unwrap_err();
    let kot_api::Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.status.as_u16(), 400);
    assert!(api.code().is_some());
    assert!(sandbox.kot().punches().is_empty());
    sandbox.shutdown().await;
}

#[tokio::test]
async fn inside_a_time_band_reads_are_refused_and_punches_accepted() {
    let sandbox = start_at(jst(20, 8, 30, 0)).await;
    let kot = client(&sandbox);

    let err = kot.employees().list().send().await.unwrap_err();
    assert!(err.is_time_band(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
    let kot_api::Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.code(), Some("104"));

    let key = EmployeeKey::new(sandbox.company().employees[0].key.clone());
    let punch = PunchRequest::new(date(11, 20), jst(20, 8, 30, 0), PunchCode::ClockIn);
    kot.time_records().register(&key, &punch).await.unwrap();
    assert!(kot.tokens().available().await.unwrap());
    let read = kot
        .time_records()
        .list(DateRange::day(date(11, 20)))
        .send()
        .await
        .unwrap_err();
    assert!(read.is_time_band());

    // 09:59:59 still closed, 10:00:00 open.
    sandbox.clock().set(jst(20, 9, 59, 59).to_utc());
    assert!(kot.divisions().list().await.unwrap_err().is_time_band());
    sandbox.clock().set(jst(20, 10, 0, 0).to_utc());
    assert_eq!(
        kot.employees().list().send().await.unwrap().len(),
        sandbox.company().employees.len() - 1
    );

    // The evening band too.
    sandbox.clock().set(jst(20, 17, 30, 0).to_utc());
    assert!(
        kot.employees()
            .list()
            .send()
            .await
            .unwrap_err()
            .is_time_band()
    );
    sandbox.clock().set(jst(20, 18, 30, 0).to_utc());
    kot.employees().list().send().await.unwrap();

    assert_eq!(sandbox.kot().punches().len(), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_sandbox_clock_alone_decides_whatever_the_machine_hour() {
    // The same instants give the same answers on every run, at any hour of
    // the machine's day: the sandbox never reads the machine clock, and its
    // clock only moves when told to.
    for (at, open) in [
        (jst(20, 8, 45, 0), false),
        (jst(20, 11, 0, 0), true),
        (jst(20, 18, 0, 0), false),
        (jst(20, 23, 0, 0), true),
    ] {
        let sandbox = start_at(at).await;
        let kot = client(&sandbox);
        let answer = kot.divisions().list().await;
        assert_eq!(answer.is_ok(), open, "at {at}: {answer:?}");
        assert_eq!(sandbox.clock().now(), at.to_utc());
        sandbox.shutdown().await;
    }

    // "Today" is the sandbox's: the resigned employee (2026-09-30) is listed
    // on that day and gone the next.
    let sandbox = start_at(
        time_band::jst()
            .with_ymd_and_hms(2026, 9, 30, 12, 0, 0)
            .unwrap(),
    )
    .await;
    let kot = client(&sandbox);
    assert_eq!(
        kot.employees().list().send().await.unwrap().len(),
        sandbox.company().employees.len()
    );
    sandbox.clock().advance(chrono::Duration::days(1));
    assert_eq!(
        kot.employees().list().send().await.unwrap().len(),
        sandbox.company().employees.len() - 1
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn over_the_rate_kot_answers_the_flat_303() {
    let sandbox = Sandbox::start(SandboxOptions::default().kot_rate(3, Duration::from_secs(3600)))
        .await
        .unwrap();
    let kot = client(&sandbox);
    for _ in 0..3 {
        kot.divisions().list().await.unwrap();
    }
    let err = kot.divisions().list().await.unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    let kot_api::Error::Api(api) = &err else {
        panic!("{err:?}")
    };
    assert_eq!(api.code(), Some("303"));
    assert_eq!(api.status.as_u16(), KOT_RATE_LIMIT_STATUS);
    assert_eq!(sandbox.calls().count(Service::Kot, "GET /divisions"), 4);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn the_token_is_checked_and_long_ranges_refused() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    let wrong = Client::builder("not-the-sandbox-token")
        .base_url(sandbox.url(Service::Kot))
        .clock(Arc::new(sandbox.clock().clone()))
        .retry_policy(RetryPolicy::never())
        .build()
        .unwrap();
    let err = wrong.employees().list().send().await.unwrap_err();
    assert!(err.is_auth(), "{err:?}");

    // The client splits long ranges itself; ask the fake directly.
    let http = kot_connect_http::reqwest::Client::new();
    let base = sandbox.url(Service::Kot);
    let ask = |start: &str, end: &str| {
        http.get(format!(
            "{base}/daily-workings/timerecord?start={start}&end={end}"
        ))
        .bearer_auth(KOT_TOKEN)
        .send()
    };
    // 2026-08-31 ..= 2026-11-01 is 63 days: refused.
    let answer = ask("2026-08-31", "2026-11-01").await.unwrap();
    assert_eq!(answer.status().as_u16(), 400);
    let body: serde_json::Value = answer.json().await.unwrap();
    assert!(body["errors"][0]["code"].is_number(), "{body}");
    // 2026-09-01 ..= 2026-11-01 is 62 days: accepted.
    let ok = ask("2026-09-01", "2026-11-01").await.unwrap();
    assert_eq!(ok.status().as_u16(), 200);
    sandbox.shutdown().await;
}
