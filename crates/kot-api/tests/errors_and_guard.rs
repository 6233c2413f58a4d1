//! Error shapes, retries, the time-band guard and secret redaction, through
//! real requests against a mock KOT.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, Duration, FixedOffset, TimeZone, Utc};
use common::{TOKEN, bearer, client, client_at, server};
use kot_api::models::{EmployeeKey, PunchCode, PunchRequest};
use kot_api::{Client, Error, time_band};
use wiremock::matchers::{header, method, path};
use wiremock::{Mock, ResponseTemplate};

const TIME_BAND_BODY: &str = r#"{"errors":[{"message":"次の時間帯(JST)はAPIへのアクセスが禁止されています [08:30 ~ 10:00, 17:30 ~ 18:30]","code":104}]}"#;
const FLAT_303: &str = r#"{"code":"303","message":"Too Many Requests"}"#;

fn jst(h: u32, m: u32, s: u32) -> DateTime<Utc> {
    time_band::jst()
        .with_ymd_and_hms(2026, 11, 21, h, m, s)
        .unwrap()
        .with_timezone(&Utc)
}

fn jst_offset() -> FixedOffset {
    time_band::jst()
}

#[tokio::test]
async fn the_errors_list_shape_is_a_typed_api_error() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/company"))
        .respond_with(ResponseTemplate::new(400).set_body_string(
            r#"{"errors":[{"message":"Bad Authentication.","code":111},{"message":"Id is empty.","code":222}]}"#,
        ))
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).company().get().await.unwrap_err();
    let Error::Api(api) = &err else {
        panic!("expected Api, got {err:?}")
    };
    assert_eq!(api.status.as_u16(), 400);
    assert_eq!(api.endpoint, "GET /company");
    assert_eq!(api.errors.len(), 2);
    assert_eq!(api.code(), Some("111"));
    assert!(api.has_code("222"));
    assert_eq!(api.errors[1].message.as_deref(), Some("Id is empty."));
    assert!(err.to_string().contains("[111] Bad Authentication."));
    assert!(!err.is_rate_limited() && !err.is_time_band() && !err.is_auth());
}

#[tokio::test]
async fn the_flat_303_shape_is_rate_limited_and_a_get_is_retried_by_hits() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/divisions"))
        .respond_with(ResponseTemplate::new(403).set_body_string(FLAT_303))
        .expect(4) // the default policy: 4 attempts in all
        .mount(&server)
        .await;
    let err = client(&server).divisions().list().await.unwrap_err();
    assert!(err.is_rate_limited(), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
}

#[tokio::test]
async fn a_303_then_success_recovers() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/working-types"))
        .respond_with(ResponseTemplate::new(429).set_body_string(FLAT_303))
        .up_to_n_times(1)
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/working-types"))
        .respond_with(
            ResponseTemplate::new(200).set_body_string(r#"[{"code":"1","name":"正社員"}]"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let types = client(&server).working_types().list().await.unwrap();
    assert_eq!(types[0].name.as_deref(), Some("正社員"));
}

#[tokio::test]
async fn a_303_inside_http_200_is_an_api_error_not_a_decode_error() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/divisions"))
        .respond_with(ResponseTemplate::new(200).set_body_string(FLAT_303))
        .expect(4)
        .mount(&server)
        .await;
    let err = client(&server).divisions().list().await.unwrap_err();
    assert!(matches!(err, Error::Api(_)), "{err:?}");
    assert!(err.is_rate_limited());
}

#[tokio::test]
async fn a_non_json_5xx_keeps_status_and_body_after_retries() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/company"))
        .respond_with(ResponseTemplate::new(502).set_body_string("<html>502 Bad Gateway</html>"))
        .expect(4)
        .mount(&server)
        .await;
    let err = client(&server).company().get().await.unwrap_err();
    let Error::Http(inner) = &err else {
        panic!("expected Http, got {err:?}")
    };
    assert_eq!(inner.status().map(|s| s.as_u16()), Some(502));
    assert!(err.to_string().contains("<html>502 Bad Gateway</html>"));
}

#[tokio::test]
async fn kot_resource_server_error_is_retried_then_reported() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/company"))
        .respond_with(
            ResponseTemplate::new(500)
                .set_body_string(r#"{"errors":[{"message":"Resource Server Error.","code":300}]}"#),
        )
        .expect(4)
        .mount(&server)
        .await;
    let err = client(&server).company().get().await.unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(500));
    assert!(matches!(&err, Error::Api(a) if a.has_code(kot_api::CODE_SERVER_ERROR)));
}

#[tokio::test]
async fn garbage_in_a_200_is_a_decode_error_with_its_json_path() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/divisions"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_string(r#"[{"code":"1000","name":"本社"},{"code":1001,"name":7}]"#),
        )
        .mount(&server)
        .await;
    let err = client(&server).divisions().list().await.unwrap_err();
    let Error::Http(kot_connect_http::Error::Decode { path, .. }) = &err else {
        panic!("expected Decode, got {err:?}")
    };
    assert!(path.starts_with("[1]."), "{path}");
}

#[tokio::test]
async fn auth_failure_is_recognised_and_not_retried() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/company"))
        .respond_with(
            ResponseTemplate::new(403)
                .set_body_string(r#"{"errors":[{"message":"認証に失敗しました","code":100}]}"#),
        )
        .expect(1)
        .mount(&server)
        .await;
    let err = client(&server).company().get().await.unwrap_err();
    assert!(err.is_auth());
    assert_eq!(err.status().map(|s| s.as_u16()), Some(403));
}

#[tokio::test]
async fn the_servers_403_104_is_authoritative_when_the_guard_is_off() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/company"))
        .and(header("authorization", bearer().as_str()))
        .respond_with(ResponseTemplate::new(403).set_body_string(TIME_BAND_BODY))
        .expect(1) // a time band lasts an hour or more: never retried
        .mount(&server)
        .await;
    // Noon JST: the local guard would let it through anyway; KOT says no.
    let err = client(&server).company().get().await.unwrap_err();
    assert!(err.is_time_band());
    assert!(
        err.reopens_at().is_none(),
        "only the local guard knows the end"
    );
}

#[tokio::test]
async fn the_punch_post_is_never_retried() {
    let server = server().await;
    Mock::given(method("POST"))
        .and(path("/daily-workings/timerecord/k1"))
        .respond_with(ResponseTemplate::new(503))
        .expect(1)
        .mount(&server)
        .await;
    let punch = PunchRequest::new(
        chrono::NaiveDate::from_ymd_opt(2026, 11, 21).unwrap(),
        jst_offset()
            .with_ymd_and_hms(2026, 11, 21, 9, 0, 0)
            .unwrap(),
        PunchCode::ClockIn,
    );
    let err = client(&server)
        .time_records()
        .register(&EmployeeKey::new("k1"), &punch)
        .await
        .unwrap_err();
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
}

/// One guarded call at `now` with the guard on: refused locally (nothing sent)
/// or sent (the mock answers). Returns the error if refused.
async fn guarded_call_at(now: DateTime<Utc>) -> Option<Error> {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/divisions"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .mount(&server)
        .await;
    let (client, _clock) = client_at(&server, now);
    let result = client.divisions().list().await;
    let sent = !server
        .received_requests()
        .await
        .unwrap_or_default()
        .is_empty();
    match result {
        Ok(_) => {
            assert!(sent);
            None
        }
        Err(e) => {
            assert!(!sent, "a refused call must not reach KOT");
            Some(e)
        }
    }
}

#[tokio::test]
async fn guard_boundaries_are_exact() {
    let ms = Duration::milliseconds(1);
    let cases = [
        (jst(8, 30, 0) - ms, None),
        (jst(8, 30, 0), Some(jst(10, 0, 0))),
        (jst(10, 0, 0) - ms, Some(jst(10, 0, 0))),
        (jst(10, 0, 0), None),
        (jst(17, 30, 0) - ms, None),
        (jst(17, 30, 0), Some(jst(18, 30, 0))),
        (jst(18, 30, 0) - ms, Some(jst(18, 30, 0))),
        (jst(18, 30, 0), None),
    ];
    for (now, refused_until) in cases {
        let err = guarded_call_at(now).await;
        match (refused_until, err) {
            (None, None) => {}
            (Some(until), Some(err)) => {
                assert!(err.is_time_band(), "{now}: {err:?}");
                assert_eq!(err.reopens_at().map(|t| t.with_timezone(&Utc)), Some(until));
                assert!(err.status().is_none());
                assert!(err.to_string().contains("GET /divisions"));
            }
            (expected, got) => panic!("at {now}: expected refusal until {expected:?}, got {got:?}"),
        }
    }
}

/// The guard reads only the injected clock and JST; the machine's time zone
/// plays no part. Prove it by running the boundary test again in a child
/// process under time zones far from Japan.
#[test]
fn guard_boundaries_hold_under_foreign_time_zones() {
    if std::env::var_os("KOT_API_TZ_CHILD").is_some() {
        return; // we are the child: the boundary test itself runs separately
    }
    let exe = std::env::current_exe().unwrap();
    for tz in [
        "America/Los_Angeles",
        "Europe/London",
        "Pacific/Kiritimati",
        "UTC",
    ] {
        let out = std::process::Command::new(&exe)
            .args([
                "--exact",
                "guard_boundaries_are_exact",
                "--test-threads",
                "1",
            ])
            .env("TZ", tz)
            .env("KOT_API_TZ_CHILD", "1")
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "TZ={tz}:\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.contains("1 passed"),
            "TZ={tz}: the child ran no test:\n{stdout}"
        );
    }
}

#[tokio::test]
async fn the_guard_can_be_turned_off() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path("/divisions"))
        .respond_with(ResponseTemplate::new(200).set_body_string("[]"))
        .expect(1)
        .mount(&server)
        .await;
    let clock = kot_api::ManualClock::new(jst(9, 0, 0));
    let client = Client::builder(TOKEN)
        .base_url(server.uri())
        .clock(std::sync::Arc::new(clock))
        .time_band_guard(false)
        .build()
        .unwrap();
    assert!(client.divisions().list().await.unwrap().is_empty());
}

#[tokio::test]
async fn the_token_never_shows_in_debug_or_errors() {
    let server = server().await;
    Mock::given(method("GET"))
        .and(path(format!("/tokens/{TOKEN}/available")))
        .respond_with(ResponseTemplate::new(500).set_body_string("oops"))
        .mount(&server)
        .await;
    let client = client(&server);
    assert!(!format!("{client:?}").contains(TOKEN));
    let err = client.tokens().available().await.unwrap_err();
    for shown in [err.to_string(), format!("{err:?}")] {
        assert!(!shown.contains(TOKEN), "{shown}");
    }
    assert!(err.to_string().contains("/tokens/{token}/available"));

    // A connection failure: reqwest's message would carry the URL with the token.
    let unreachable = Client::builder(TOKEN)
        .base_url("http://127.0.0.1:9")
        .retry_policy(kot_api::RetryPolicy::never())
        .build()
        .unwrap();
    let err = unreachable.tokens().available().await.unwrap_err();
    let mut text = format!("{err} {err:?}");
    let mut source = std::error::Error::source(&err);
    while let Some(s) = source {
        text.push_str(&s.to_string());
        source = s.source();
    }
    assert!(!text.contains(TOKEN), "{text}");
}

#[tokio::test]
async fn from_env_style_configuration_errors_are_typed() {
    let err = Client::builder(TOKEN)
        .base_url("http://kot.example.com")
        .build()
        .unwrap_err();
    assert!(
        matches!(err, Error::Http(ref e) if e.is_config()),
        "{err:?}"
    );
    let err = Client::builder(TOKEN)
        .base_url("::not a url::")
        .build()
        .unwrap_err();
    assert!(matches!(err, Error::Http(ref e) if e.is_config()));
}
