//! Wiremock tests pinning the request shape and the decoded answer of the
//! token, company, administrator, division, working-type, employee-group and
//! employee endpoints.
//!
//! Response bodies are the official examples (`tests/fixtures/official_*.json`)
//! where the reference has one. Synthetic bodies are marked as such: the
//! `synthetic_*.json` fixtures, `tests/fixtures/endpoints/*.json` (written for
//! this file) and the few inline `json!` bodies.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveTime, TimeZone, Utc};
use kot_api::Error;
use kot_api::api::{AdministratorField, EmployeeField, EmployeeGroupField};
use kot_api::models::{
    DecimalTreatType, DivisionCode, Employee, EmployeeCode, EmployeeKey, EmployeeTypeCode,
    EmployeeUpdate, Gender, NewEmployee, Patch, TimeDisplayFormat,
};
use kot_api::time_band::jst;
use secrecy::ExposeSecret;
use serde_json::{Value, json};
use wiremock::matchers::{body_json, header, method, path, query_param};
use wiremock::{Mock, MockServer, Request as Received, ResponseTemplate};

/// Key of the official example employee (code 1000).
const KEY_1000: &str = "8b6ee646a9620b286499c3df6918c4888a97dd7bbc6a26a18743f4697a1de4b3";
/// Key of the synthetic minimal employee (code 0012).
const KEY_0012: &str = "0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9";
const JSON_UTF8: &str = "application/json; charset=utf-8";

// ---------------------------------------------------------------- helpers

/// A mock for `verb path` that requires the test token as a Bearer header.
fn authed(verb: &str, p: &str) -> wiremock::MockBuilder {
    Mock::given(method(verb))
        .and(path(p))
        .and(header("authorization", common::bearer().as_str()))
}

/// A JSON answer with KOT's content type.
fn json_answer(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status)
        .insert_header("content-type", JSON_UTF8)
        .set_body_json(body)
}

/// Every request the server recorded (the catch-all included).
async fn received(server: &MockServer) -> Vec<Received> {
    server
        .received_requests()
        .await
        .expect("request recording is on")
}

/// The one request the server recorded.
async fn only_request(server: &MockServer) -> Received {
    let mut all = received(server).await;
    assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
    all.remove(0)
}

/// The decoded query pairs of a request, in order.
fn query_pairs(request: &Received) -> Vec<(String, String)> {
    request
        .url
        .query_pairs()
        .map(|(k, v)| (k.into_owned(), v.into_owned()))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A GET or DELETE: no query, no body, no content type.
fn assert_bare(request: &Received) {
    assert_eq!(
        request.url.query(),
        None,
        "unexpected query on {}",
        request.url
    );
    assert!(
        request.body.is_empty(),
        "unexpected body on {}",
        request.url
    );
    assert!(
        request.headers.get("content-type").is_none(),
        "unexpected content-type on {}",
        request.url
    );
}

fn date(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A JST wall-clock instant as UTC, for the client's clock.
fn jst_instant(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Utc> {
    jst()
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn jst_at(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<FixedOffset> {
    jst().with_ymd_and_hms(y, mo, d, h, mi, 0).unwrap()
}

/// Checks the official employee example (code 1000), as decoded.
fn assert_official_employee(e: &Employee) {
    assert_eq!(e.code.as_str(), "1000");
    assert_eq!(e.key.as_str(), KEY_1000);
    assert_eq!(
        e.division_code.as_ref().map(DivisionCode::as_str),
        Some("1000")
    );
    assert_eq!(e.division_name.as_deref(), Some("本社"));
    assert_eq!(e.gender, Some(Gender::Male));
    assert_eq!(
        e.type_code.as_ref().map(EmployeeTypeCode::as_str),
        Some("1")
    );
    assert_eq!(e.type_name.as_deref(), Some("正社員"));
    assert_eq!(e.last_name.as_deref(), Some("勤怠"));
    assert_eq!(e.first_name.as_deref(), Some("太郎"));
    assert_eq!(e.email_addresses, vec!["kintaitarou@h-t.co.jp".to_owned()]);
    let groups: Vec<(&str, Option<&str>)> = e
        .employee_groups
        .iter()
        .map(|g| (g.code.as_str(), g.name.as_deref()))
        .collect();
    assert_eq!(
        groups,
        vec![("0001", Some("人事部")), ("0002", Some("総務部"))]
    );
    // Additional fields were not in the answer.
    assert_eq!(e.last_name_phonetics, None);
    assert_eq!(e.hired_date, None);
    assert_eq!(e.all_day_regarding_work_in_minute, None);
}

// ---------------------------------------------------------------- tokens

#[tokio::test]
async fn token_available_true() {
    let server = common::server().await;
    authed("GET", &format!("/tokens/{}/available", common::TOKEN))
        .respond_with(json_answer(
            200,
            common::fixture("synthetic_token_available.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let available = common::client(&server).tokens().available().await.unwrap();

    assert!(available);
    assert_bare(&only_request(&server).await);
}

#[tokio::test]
async fn token_available_false() {
    let server = common::server().await;
    // Synthetic: the reference only shows `true`.
    authed("GET", &format!("/tokens/{}/available", common::TOKEN))
        .respond_with(json_answer(200, json!({ "available": false })))
        .expect(1)
        .mount(&server)
        .await;

    let available = common::client(&server).tokens().available().await.unwrap();

    assert!(!available);
}

#[tokio::test]
async fn token_rotate_returns_the_new_token() {
    let server = common::server().await;
    authed("POST", &format!("/tokens/{}", common::TOKEN))
        .respond_with(json_answer(
            201,
            common::fixture("synthetic_rotated_token.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let new_token = common::client(&server).tokens().rotate().await.unwrap();

    assert_eq!(
        new_token.expose_secret(),
        "5e1d0c9b7a3f42e8b6d4c2a0f9e8d7c6"
    );
    assert!(!format!("{new_token:?}").contains("5e1d0c9b7a3f42e8b6d4c2a0f9e8d7c6"));
    let request = only_request(&server).await;
    assert!(request.body.is_empty(), "rotate sends no body");
}

#[tokio::test]
async fn token_rotate_decode_failure_does_not_leak_the_new_token() {
    const NEW: &str = "9f8e7d6c5b4a39281706f5e4d3c2b1a0";
    // Synthetic, malformed 201 answers that all carry the new token.
    let bodies = [
        format!(r#"{{"token":"{NEW}""#),               // truncated JSON
        format!(r#"{{"accessToken":"{NEW}"}}"#),       // unexpected member name
        format!(r#"[{{"token":"{NEW}"}}]"#),           // wrapped in an array
        format!(r#"{{"token":"{NEW}","token":"x"}}"#), // duplicate member
        format!("token={NEW}"),                        // not JSON at all
    ];
    for body in bodies {
        let server = common::server().await;
        authed("POST", &format!("/tokens/{}", common::TOKEN))
            .respond_with(
                ResponseTemplate::new(201)
                    .insert_header("content-type", JSON_UTF8)
                    .set_body_string(body.clone()),
            )
            .expect(1)
            .mount(&server)
            .await;

        let err = common::client(&server).tokens().rotate().await.unwrap_err();

        let shown = format!("{err}\n{err:?}");
        assert!(
            matches!(&err, Error::Http(e) if e.is_decode()),
            "{body}: expected a decode error, got {err:?}"
        );
        assert!(!shown.contains(NEW), "{body}: new token leaked: {shown}");
        assert!(
            !shown.contains(common::TOKEN),
            "{body}: old token leaked: {shown}"
        );
        assert!(shown.contains("POST /tokens/{token}"), "{shown}");
    }
}

/// The body of a rotate answer is withheld from errors, but serde's own
/// message quotes scalar values it could not accept: a token sent as a JSON
/// number would be shown. Synthetic answer (KOT documents a string).
#[tokio::test]
async fn token_rotate_decode_error_does_not_quote_a_numeric_token() {
    const NEW: &str = "958172635409182730";
    let server = common::server().await;
    authed("POST", &format!("/tokens/{}", common::TOKEN))
        .respond_with(
            ResponseTemplate::new(201)
                .insert_header("content-type", JSON_UTF8)
                .set_body_string(format!(r#"{{"token":{NEW}}}"#)),
        )
        .expect(1)
        .mount(&server)
        .await;

    let err = common::client(&server).tokens().rotate().await.unwrap_err();

    assert!(matches!(&err, Error::Http(e) if e.is_decode()), "{err:?}");
    let shown = format!("{err}\n{err:?}");
    assert!(!shown.contains(NEW), "new token leaked: {shown}");
}

#[tokio::test]
async fn token_revoke_is_a_delete_answered_204() {
    let server = common::server().await;
    authed("DELETE", &format!("/tokens/{}", common::TOKEN))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    common::client(&server).tokens().revoke().await.unwrap();

    assert_bare(&only_request(&server).await);
}

#[tokio::test]
async fn token_calls_are_sent_inside_the_time_bands() {
    for now in [
        jst_instant(2026, 11, 21, 9, 0),
        jst_instant(2026, 11, 21, 17, 45),
    ] {
        let server = common::server().await;
        authed("GET", &format!("/tokens/{}/available", common::TOKEN))
            .respond_with(json_answer(200, json!({ "available": true })))
            .expect(1)
            .mount(&server)
            .await;
        authed("POST", &format!("/tokens/{}", common::TOKEN))
            .respond_with(json_answer(
                201,
                common::fixture("synthetic_rotated_token.json"),
            ))
            .expect(1)
            .mount(&server)
            .await;
        authed("DELETE", &format!("/tokens/{}", common::TOKEN))
            .respond_with(ResponseTemplate::new(204))
            .expect(1)
            .mount(&server)
            .await;
        let (client, _clock) = common::client_at(&server, now);

        // The guard is on for this client: a guarded call is refused...
        assert!(client.company().get().await.unwrap_err().is_time_band());
        // ...but the token calls go out.
        assert!(client.tokens().available().await.unwrap());
        let rotated = client.tokens().rotate().await.unwrap();
        assert_eq!(rotated.expose_secret(), "5e1d0c9b7a3f42e8b6d4c2a0f9e8d7c6");
        client.tokens().revoke().await.unwrap();

        assert_eq!(received(&server).await.len(), 3, "at {now}");
    }
}

// ---------------------------------------------------------------- company

#[tokio::test]
async fn company_official_example() {
    let server = common::server().await;
    authed("GET", "/company")
        .respond_with(json_answer(200, common::fixture("official_company.json")))
        .expect(1)
        .mount(&server)
        .await;

    let company = common::client(&server).company().get().await.unwrap();

    assert_eq!(company.key.as_str(), "1qazxsw23edc....");
    assert_eq!(company.code, "cmp");
    assert_eq!(company.name.as_deref(), Some("企業名"));
    assert_eq!(company.host.as_deref(), Some("s2.kingtime.jp"));
    assert_eq!(company.business_year_start_date.as_deref(), Some("04/01"));
    let settings = company.settings.expect("settings");
    assert_eq!(
        settings.time_display_format,
        Some(TimeDisplayFormat::Decimal)
    );
    assert_eq!(settings.decimal_treat_type, Some(DecimalTreatType::RoundUp));
    assert_eq!(settings.half_day_working_count, None);
    assert_bare(&only_request(&server).await);
}

#[tokio::test]
async fn guarded_call_inside_a_band_is_refused_locally() {
    let server = common::server().await;
    // Mounted so that the final step can show the same client does reach it.
    authed("GET", "/company")
        .respond_with(json_answer(200, common::fixture("official_company.json")))
        .expect(1)
        .mount(&server)
        .await;
    let (client, clock) = common::client_at(&server, jst_instant(2026, 11, 21, 9, 0));

    let err = client.company().get().await.unwrap_err();
    assert!(err.is_time_band(), "{err:?}");
    assert_eq!(err.reopens_at(), Some(jst_at(2026, 11, 21, 10, 0)));
    assert_eq!(err.status(), None);
    match &err {
        Error::TimeBand(closed) => {
            assert_eq!(closed.endpoint, "GET /company");
            assert_eq!(closed.band.to_string(), "08:30-10:00");
        }
        other => panic!("expected a local refusal, got {other:?}"),
    }

    clock.set(jst_instant(2026, 11, 21, 17, 45));
    let err = client.company().get().await.unwrap_err();
    assert!(err.is_time_band());
    assert_eq!(err.reopens_at(), Some(jst_at(2026, 11, 21, 18, 30)));

    assert!(received(&server).await.is_empty(), "nothing may be sent");

    // Once the band is over, the same client sends it.
    clock.set(jst_instant(2026, 11, 21, 18, 30));
    let company = client.company().get().await.unwrap();
    assert_eq!(company.code, "cmp");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn get_is_retried_on_503_then_succeeds() {
    let server = common::server().await;
    authed("GET", "/company")
        .respond_with(ResponseTemplate::new(503).set_body_string("Service Unavailable"))
        .up_to_n_times(2)
        .expect(2)
        .mount(&server)
        .await;
    authed("GET", "/company")
        .respond_with(json_answer(200, common::fixture("official_company.json")))
        .expect(1)
        .mount(&server)
        .await;

    let company = common::client(&server).company().get().await.unwrap();

    assert_eq!(company.code, "cmp");
    assert_eq!(company.name.as_deref(), Some("企業名"));
    assert_eq!(received(&server).await.len(), 3);
}

// ---------------------------------------------------------------- administrators

#[tokio::test]
async fn administrators_with_additional_fields() {
    let server = common::server().await;
    authed("GET", "/administrators")
        .and(query_param(
            "additionalFields",
            "emailAddresses,associatedEmployees",
        ))
        .respond_with(json_answer(
            200,
            common::fixture("synthetic_administrators_additional.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let admins = common::client(&server)
        .administrators()
        .list()
        .additional_fields([
            AdministratorField::EmailAddresses,
            AdministratorField::AssociatedEmployees,
        ])
        .send()
        .await
        .unwrap();

    assert_eq!(admins.len(), 2);
    let (admin, manager) = (&admins[0], &admins[1]);
    assert_eq!(admin.code.as_str(), "admin");
    assert_eq!(
        admin.key.as_str(),
        "4888a97dd7bbc6a26a18743f4697a1de4b38b6ee646a9620b286499c3df6918c"
    );
    assert_eq!(admin.name.as_deref(), Some("全権管理者"));
    // A single string...
    assert_eq!(admin.email_addresses, vec!["admin@example.com".to_owned()]);
    assert!(admin.associated_employees.is_empty());
    // ...and an array.
    assert_eq!(manager.code.as_str(), "2000");
    assert_eq!(
        manager.email_addresses,
        vec![
            "area@example.com".to_owned(),
            "area-2@example.com".to_owned()
        ]
    );
    let linked: Vec<(&str, &str, Option<&str>, Option<&str>)> = manager
        .associated_employees
        .iter()
        .map(|e| {
            (
                e.code.as_str(),
                e.key.as_str(),
                e.last_name.as_deref(),
                e.first_name.as_deref(),
            )
        })
        .collect();
    assert_eq!(
        linked,
        vec![
            ("1000", KEY_1000, Some("勤怠"), Some("太郎")),
            (
                "2000",
                "c77a34b32f5de30b6335d141ad714baf6713cd21ca98689efec9fe27352152c4",
                Some("勤怠"),
                Some("花子")
            ),
        ]
    );
    let request = only_request(&server).await;
    assert_eq!(
        query_pairs(&request),
        pairs(&[("additionalFields", "emailAddresses,associatedEmployees")])
    );
}

#[tokio::test]
async fn administrators_plain_official_example() {
    let server = common::server().await;
    authed("GET", "/administrators")
        .respond_with(json_answer(
            200,
            common::fixture("official_administrators.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let admins = common::client(&server)
        .administrators()
        .list()
        .send()
        .await
        .unwrap();

    assert_eq!(admins.len(), 2);
    assert_eq!(admins[0].name.as_deref(), Some("全権管理者"));
    assert!(admins[0].email_addresses.is_empty());
    assert_eq!(admins[1].name.as_deref(), Some("エリアマネージャー"));
    assert_eq!(admins[1].associated_employees.len(), 2);
    assert_bare(&only_request(&server).await);
}

// ---------------------------------------------------------------- divisions, working types, groups

#[tokio::test]
async fn divisions_official_examples() {
    let server = common::server().await;
    authed("GET", "/divisions")
        .respond_with(json_answer(200, common::fixture("official_divisions.json")))
        .expect(1)
        .mount(&server)
        .await;

    let divisions = common::client(&server).divisions().list().await.unwrap();

    assert_eq!(divisions.len(), 2);
    let (head, branch) = (&divisions[0], &divisions[1]);
    assert_eq!(head.code.as_str(), "1000");
    assert_eq!(head.name.as_deref(), Some("本社"));
    assert_eq!(head.day_border_time.as_deref(), Some("00:00"));
    assert_eq!(head.day_border_time(), NaiveTime::from_hms_opt(0, 0, 0));
    assert_eq!(branch.code.as_str(), "2000");
    assert_eq!(branch.name.as_deref(), Some("支社"));
    assert_eq!(branch.day_border_time.as_deref(), Some("05:00"));
    assert_eq!(branch.day_border_time(), NaiveTime::from_hms_opt(5, 0, 0));
    assert_bare(&only_request(&server).await);
}

#[tokio::test]
async fn working_types_official_example() {
    let server = common::server().await;
    authed("GET", "/working-types")
        .respond_with(json_answer(
            200,
            common::fixture("official_working_types.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let types = common::client(&server)
        .working_types()
        .list()
        .await
        .unwrap();

    assert_eq!(types.len(), 1);
    assert_eq!(types[0].code.as_str(), "1");
    assert_eq!(types[0].name.as_deref(), Some("正社員"));
    assert_bare(&only_request(&server).await);
}

#[tokio::test]
async fn employee_groups_with_category() {
    let server = common::server().await;
    authed("GET", "/employee-groups")
        .and(query_param("additionalFields", "category"))
        .respond_with(json_answer(
            200,
            common::fixture("official_employee_groups.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let groups = common::client(&server)
        .employee_groups()
        .list()
        .additional_fields([EmployeeGroupField::Category])
        .send()
        .await
        .unwrap();

    assert_eq!(groups.len(), 1);
    assert_eq!(groups[0].code.as_str(), "0001");
    assert_eq!(groups[0].name.as_deref(), Some("人事部"));
    let category = groups[0].category.as_ref().expect("category");
    assert_eq!(category.code, "KEIKAN");
    assert_eq!(category.name.as_deref(), Some("経営管理本部"));
    let request = only_request(&server).await;
    assert_eq!(
        query_pairs(&request),
        pairs(&[("additionalFields", "category")])
    );
}

// ---------------------------------------------------------------- employees

#[tokio::test]
async fn employees_list_with_every_parameter() {
    let server = common::server().await;
    authed("GET", "/employees")
        .and(query_param("date", "2026-11-21"))
        .and(query_param("division", "1000"))
        .and(query_param("includeResigner", "true"))
        .and(query_param("additionalFields", "hiredDate,emailAddresses"))
        .respond_with(json_answer(
            200,
            json!([
                common::fixture("official_employee.json"),
                common::fixture("synthetic_employee_minimal.json"),
            ]),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let employees = common::client(&server)
        .employees()
        .list()
        .date(date(2026, 11, 21))
        .division("1000")
        .include_resigner(true)
        .additional_fields([EmployeeField::HiredDate, EmployeeField::EmailAddresses])
        .send()
        .await
        .unwrap();

    assert_eq!(employees.len(), 2);
    assert_official_employee(&employees[0]);
    let minimal = &employees[1];
    assert_eq!(minimal.code.as_str(), "0012");
    assert_eq!(minimal.key.as_str(), KEY_0012);
    assert_eq!(minimal.division_code, None);
    assert_eq!(minimal.gender, None);
    assert_eq!(minimal.last_name, None);
    assert!(minimal.email_addresses.is_empty());
    assert!(minimal.employee_groups.is_empty());

    let request = only_request(&server).await;
    assert_eq!(
        query_pairs(&request),
        pairs(&[
            ("date", "2026-11-21"),
            ("division", "1000"),
            ("includeResigner", "true"),
            ("additionalFields", "hiredDate,emailAddresses"),
        ])
    );
    assert!(request.body.is_empty());
}

#[tokio::test]
async fn employee_get_keeps_leading_zeros() {
    let server = common::server().await;
    authed("GET", "/employees/00123")
        .respond_with(json_answer(
            200,
            // Synthetic: the minimal employee under code 00123.
            json!({ "code": "00123", "key": KEY_0012 }),
        ))
        .expect(1)
        .mount(&server)
        .await;

    let employee = common::client(&server)
        .employees()
        .get(&EmployeeCode::new("00123"))
        .send()
        .await
        .unwrap();

    assert_eq!(employee.code.as_str(), "00123");
    assert_eq!(employee.key.as_str(), KEY_0012);
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/employees/00123");
    assert_bare(&request);
}

#[tokio::test]
async fn employee_get_encodes_the_code_as_one_segment() {
    let server = common::server().await;
    authed("GET", "/employees/A%2F1")
        .and(query_param("date", "2026-11-21"))
        .and(query_param("includeResigner", "true"))
        .respond_with(json_answer(200, common::fixture("official_employee.json")))
        .expect(1)
        .mount(&server)
        .await;

    let employee = common::client(&server)
        .employees()
        .get(&EmployeeCode::new("A/1"))
        .date(date(2026, 11, 21))
        .include_resigner(true)
        .send()
        .await
        .unwrap();

    assert_official_employee(&employee);
    let request = only_request(&server).await;
    assert_eq!(request.url.path(), "/employees/A%2F1");
    assert_eq!(
        query_pairs(&request),
        pairs(&[("date", "2026-11-21"), ("includeResigner", "true")])
    );
}

fn official_new_employee() -> NewEmployee {
    NewEmployee::new(
        EmployeeCode::new("1000"),
        "勤怠",
        "太郎",
        DivisionCode::new("1000"),
        EmployeeTypeCode::new("1"),
        Gender::Male,
    )
    .with_email_address("kintaitarou@h-t.co.jp")
}

#[tokio::test]
async fn employee_create_sends_the_official_request_example() {
    let server = common::server().await;
    authed("POST", "/employees")
        .and(header("content-type", JSON_UTF8))
        .and(body_json(common::fixture("official_employee_request.json")))
        .respond_with(json_answer(201, common::fixture("official_employee.json")))
        .expect(1)
        .mount(&server)
        .await;

    let created = common::client(&server)
        .employees()
        .create(&official_new_employee())
        .await
        .unwrap();

    assert_official_employee(&created);
    let request = only_request(&server).await;
    assert_eq!(request.url.query(), None);
    let sent: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(sent, common::fixture("official_employee_request.json"));
}

#[tokio::test]
async fn employee_create_is_not_retried_on_503() {
    let server = common::server().await;
    authed("POST", "/employees")
        .respond_with(ResponseTemplate::new(503).set_body_string("Service Unavailable"))
        .expect(1)
        .mount(&server)
        .await;

    let err = common::client(&server)
        .employees()
        .create(&official_new_employee())
        .await
        .unwrap_err();

    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));
    assert!(matches!(err, Error::Http(_)), "{err:?}");
    assert_eq!(received(&server).await.len(), 1);
}

#[tokio::test]
async fn employee_update_sets_clears_and_keeps() {
    let server = common::server().await;
    let expected_body = json!({ "divisionCode": "2000", "resignationDate": null });
    authed("PUT", &format!("/employees/{KEY_1000}"))
        .and(query_param("updateDate", "2026-12-01"))
        .and(header("content-type", JSON_UTF8))
        .and(body_json(&expected_body))
        .respond_with(json_answer(
            200,
            common::fixture("synthetic_employee_updated.json"),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let update = EmployeeUpdate {
        division_code: Patch::Set(DivisionCode::new("2000")),
        resignation_date: Patch::Clear,
        ..EmployeeUpdate::default()
    };

    let updated = common::client(&server)
        .employees()
        .update(&EmployeeKey::new(KEY_1000), &update)
        .update_date(date(2026, 12, 1))
        .send()
        .await
        .unwrap();

    assert_eq!(updated.key.as_str(), KEY_1000);
    assert_eq!(updated.code.as_str(), "1000");
    assert_eq!(
        updated.division_code.as_ref().map(DivisionCode::as_str),
        Some("2000")
    );
    assert_eq!(updated.division_name.as_deref(), Some("支社"));
    assert_eq!(updated.resignation_date, None);
    assert_eq!(updated.last_name_phonetics.as_deref(), Some("キンタイ"));
    assert_eq!(updated.first_name_phonetics.as_deref(), Some("タロウ"));
    assert_eq!(updated.hired_date, Some(date(2016, 4, 1)));
    assert_eq!(updated.birth_date, Some(date(1990, 1, 15)));
    assert_eq!(updated.all_day_regarding_work_in_minute, Some(480));
    assert_eq!(updated.employee_groups.len(), 1);

    let request = only_request(&server).await;
    assert_eq!(
        query_pairs(&request),
        pairs(&[("updateDate", "2026-12-01")])
    );
    // Exactly these two members: `Keep` fields are absent, not null.
    let sent: Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(sent, expected_body);
    assert_eq!(sent.as_object().unwrap().len(), 2);
}

#[tokio::test]
async fn employee_delete_by_key() {
    let server = common::server().await;
    authed("DELETE", &format!("/employees/{KEY_1000}"))
        .respond_with(ResponseTemplate::new(204))
        .expect(1)
        .mount(&server)
        .await;

    common::client(&server)
        .employees()
        .delete(&EmployeeKey::new(KEY_1000))
        .await
        .unwrap();

    assert_bare(&only_request(&server).await);
}
