//! `adapters::kot`: kot-api's calls and errors as the engine's gateway,
//! against a mock KOT.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, NaiveDate, TimeZone, Utc};
use kot_api::{Client, DateRange, ManualClock, RetryPolicy};
use kot_connect_core::adapters::kot::KotApiGateway;
use kot_connect_core::engine::{GatewayError, KotGateway, PostError};
use kot_connect_core::time::jst;
use kot_connect_core::{Location, Punch, PunchKind, SourceRef, SourceSystem};
use wiremock::matchers::{any, body_json, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

const TOKEN: &str = "kot-core-adapter-token-93f1c2";
const BAND_BODY: &str = r#"{"errors":[{"message":"次の時間帯(JST)はAPIへのアクセスが禁止されています [08:30 ~ 10:00, 17:30 ~ 18:30]","code":104}]}"#;
const FLAT_303: &str = r#"{"code":"303","message":"Too Many Requests"}"#;

fn jst_utc(h: u32, m: u32) -> DateTime<Utc> {
    jst()
        .with_ymd_and_hms(2026, 4, 2, h, m, 0)
        .unwrap()
        .with_timezone(&Utc)
}

async fn server() -> MockServer {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(599).set_body_string("unmatched request"))
        .with_priority(u8::MAX)
        .named("catch-all: no request should reach this")
        .expect(0)
        .mount(&server)
        .await;
    server
}

/// A gateway on `server` whose clock says `now`; the guard can be off so
/// that KOT's own 403/104 is seen.
fn gateway(server: &MockServer, now: DateTime<Utc>, guard: bool) -> KotApiGateway {
    let client = Client::builder(TOKEN)
        .base_url(server.uri())
        .clock(Arc::new(ManualClock::new(now)))
        .retry_policy(
            RetryPolicy::default()
                .with_backoff(Duration::from_millis(1), Duration::from_millis(5))
                .with_min_backoff(Duration::from_millis(1)),
        )
        .attempt_timeout(Duration::from_millis(300))
        .time_band_guard(guard)
        .build()
        .unwrap();
    KotApiGateway::new(client)
}

fn punch() -> Punch {
    Punch {
        employee: "0001".into(),
        key: Some("k0001".into()),
        kind: PunchKind::ClockOut,
        // 00:30 on the 2nd, filed under work date the 1st (day border).
        at: jst().with_ymd_and_hms(2026, 4, 2, 0, 30, 7).unwrap(),
        work_date: NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
        source: SourceRef::new(SourceSystem::Cyzen, "42"),
        location: Some(Location {
            latitude: 35.5,
            longitude: 139.25,
        }),
    }
}

const POSTED: &str = r#"{"date":"2026-04-01","employeeKey":"k0001","timeRecord":{"time":"2026-04-02T00:30:07+09:00","code":"2","name":"退勤"}}"#;

#[tokio::test]
async fn reads_list_resigned_employees_and_every_employees_punches() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/employees"))
        .and(query_param("includeResigner", "true"))
        .and(query_param("additionalFields", "resignationDate"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(
                r#"[{"code":"0009","key":"k0009","resignationDate":"2026-03-31"}]"#,
            ),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/divisions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"[{"code":"100","name":"本社","dayBorderTime":"05:00"}]"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/daily-workings/timerecord"))
        .and(query_param("start", "2026-03-31"))
        .and(query_param("end", "2026-04-01"))
        .respond_with(ResponseTemplate::new(200).set_body_string(
            r#"[{"date":"2026-03-31","dailyWorkings":[{"date":"2026-03-31","employeeKey":"k0001","timeRecord":[{"time":"2026-03-31T09:00:00+09:00","code":"1"}]}]},
                {"date":"2026-04-01","dailyWorkings":[{"date":"2026-04-01","employeeKey":"k0002","timeRecord":[]}]}]"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let kot = gateway(&server, jst_utc(12, 0), true);
    let employees = kot.employees().await.unwrap();
    assert_eq!(
        employees[0].resignation_date,
        NaiveDate::from_ymd_opt(2026, 3, 31)
    );
    assert_eq!(kot.divisions().await.unwrap().len(), 1);
    let range = DateRange::new(
        NaiveDate::from_ymd_opt(2026, 3, 31).unwrap(),
        NaiveDate::from_ymd_opt(2026, 4, 1).unwrap(),
    )
    .unwrap();
    let days = kot.time_records(range).await.unwrap();
    assert_eq!(days.len(), 2);
    assert_eq!(days[0].employee_key.as_str(), "k0001");
    assert_eq!(days[0].time_record.len(), 1);
    // Every employee: no per-employee keys in the query.
    for request in server.received_requests().await.unwrap() {
        assert!(
            !request.url.as_str().contains("employeeKeys"),
            "{}",
            request.url
        );
    }
}

#[tokio::test]
async fn a_punch_is_posted_once_with_its_work_date_seconds_and_code() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/daily-workings/timerecord/k0001"))
        .and(body_json(serde_json::json!({
            "date": "2026-04-01",
            "time": "2026-04-02T00:30:07+09:00",
            "code": "2",
            "latitude": 35.5,
            "longitude": 139.25
        })))
        .respond_with(ResponseTemplate::new(201).set_body_string(POSTED))
        .expect(1)
        .mount(&server)
        .await;
    // In a time band: punch registration is exempt.
    let kot = gateway(&server, jst_utc(9, 0), true);
    let kot_time = kot.post_punch(&punch()).await.unwrap();
    assert_eq!(kot_time, punch().at);
}

#[tokio::test]
async fn post_errors_say_whether_the_punch_may_be_in_kot() {
    let cases: [(ResponseTemplate, bool); 5] = [
        (
            ResponseTemplate::new(400)
                .set_body_string(r#"{"errors":[{"message":"Invalid time.","code":201}]}"#),
            true,
        ),
        (
            ResponseTemplate::new(404).set_body_string("not found"),
            true,
        ),
        (
            ResponseTemplate::new(500)
                .set_body_string(r#"{"errors":[{"message":"Resource Server Error.","code":300}]}"#),
            false,
        ),
        (
            ResponseTemplate::new(502).set_body_string("<html>bad gateway</html>"),
            false,
        ),
        (
            ResponseTemplate::new(201).set_body_string("{\"garbage\":"),
            false,
        ),
    ];
    for (answer, rejected) in cases {
        let server = server().await;
        Mock::given(method("POST"))
            .and(path("/daily-workings/timerecord/k0001"))
            .respond_with(answer)
            .expect(1) // never retried
            .mount(&server)
            .await;
        let err = gateway(&server, jst_utc(12, 0), true)
            .post_punch(&punch())
            .await
            .unwrap_err();
        assert_eq!(
            matches!(err, PostError::Rejected { .. }),
            rejected,
            "{err:?}"
        );
        assert!(!err.to_string().contains(TOKEN));
    }
}

/// KOT's 303 says the punch was not recorded: it is sent again after the
/// gateway's pause, at most `RATE_LIMIT_ATTEMPTS` times, then rejected.
#[tokio::test]
async fn a_rate_limited_post_is_sent_again_then_rejected() {
    use kot_connect_core::adapters::kot::RATE_LIMIT_ATTEMPTS;
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/daily-workings/timerecord/k0001"))
        .respond_with(ResponseTemplate::new(403).set_body_string(FLAT_303))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    Mock::given(method("POST"))
        .and(path("/daily-workings/timerecord/k0001"))
        .respond_with(ResponseTemplate::new(201).set_body_string(POSTED))
        .expect(1)
        .mount(&server)
        .await;
    let kot =
        gateway(&server, jst_utc(12, 0), true).with_rate_limit_pause(Duration::from_millis(5));
    assert_eq!(kot.post_punch(&punch()).await.unwrap(), punch().at);

    let server = self::server().await;
    Mock::given(method("POST"))
        .and(path("/daily-workings/timerecord/k0001"))
        .respond_with(ResponseTemplate::new(403).set_body_string(FLAT_303))
        .expect(u64::from(RATE_LIMIT_ATTEMPTS))
        .mount(&server)
        .await;
    let err = gateway(&server, jst_utc(12, 0), true)
        .with_rate_limit_pause(Duration::from_millis(5))
        .post_punch(&punch())
        .await
        .unwrap_err();
    assert!(matches!(err, PostError::Rejected { .. }), "{err:?}");
    assert!(!err.to_string().contains(TOKEN));
}

#[tokio::test]
async fn a_post_that_times_out_is_unknown_and_not_retried() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/daily-workings/timerecord/k0001"))
        .respond_with(
            ResponseTemplate::new(201)
                .set_body_string(POSTED)
                .set_delay(Duration::from_secs(5)),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = gateway(&server, jst_utc(12, 0), true)
        .post_punch(&punch())
        .await
        .unwrap_err();
    assert!(matches!(err, PostError::Unknown { .. }), "{err:?}");
}

#[tokio::test]
async fn a_punch_without_a_key_is_refused_before_sending() {
    let server = server().await;
    let mut p = punch();
    p.key = None;
    let err = gateway(&server, jst_utc(12, 0), true)
        .post_punch(&p)
        .await
        .unwrap_err();
    assert!(matches!(err, PostError::Rejected { .. }));
    assert!(err.to_string().contains("nothing was sent"));
}

#[tokio::test]
async fn time_bands_say_when_kot_reopens() {
    // The client's own guard: nothing is sent.
    let server = server().await;
    let err = gateway(&server, jst_utc(8, 45), true)
        .employees()
        .await
        .unwrap_err();
    assert_eq!(
        err,
        GatewayError::TimeBand {
            reopens_at: jst().with_ymd_and_hms(2026, 4, 2, 10, 0, 0).unwrap()
        }
    );

    // KOT's 403/104 (guard off, or the clocks disagree): reopening time
    // from the client's clock.
    Mock::given(method("GET"))
        .and(path("/daily-workings/timerecord"))
        .respond_with(ResponseTemplate::new(403).set_body_string(BAND_BODY))
        .expect(1)
        .mount(&server)
        .await;
    let day = NaiveDate::from_ymd_opt(2026, 4, 1).unwrap();
    let err = gateway(&server, jst_utc(17, 40), false)
        .time_records(DateRange::day(day))
        .await
        .unwrap_err();
    assert_eq!(
        err,
        GatewayError::TimeBand {
            reopens_at: jst().with_ymd_and_hms(2026, 4, 2, 18, 30, 0).unwrap()
        }
    );
}

#[tokio::test]
async fn rate_limits_and_other_read_failures_are_typed() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/divisions"))
        .respond_with(ResponseTemplate::new(403).set_body_string(FLAT_303))
        .expect(4) // kot-api retried the GET; the gateway adds nothing
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/employees"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[{\"code\":"))
        .expect(1)
        .mount(&server)
        .await;
    let kot = gateway(&server, jst_utc(12, 0), true);
    assert!(matches!(
        kot.divisions().await.unwrap_err(),
        GatewayError::RateLimited { .. }
    ));
    let err = kot.employees().await.unwrap_err();
    assert!(matches!(err, GatewayError::Failed { .. }), "{err:?}");
    assert!(!format!("{err:?}").contains(TOKEN));
}
