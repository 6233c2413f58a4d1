#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! The call budget (docs/PERFORMANCE.md), counted exactly on the sandbox: a
//! sync of E employees, R source records and P new punches over D days
//! calls KOT `GET /employees` once, `GET /divisions` once a JST day, `GET
//! /daily-workings/timerecord` ⌈D/62⌉ times and POSTs P punches; the source
//! is read page by page and nothing is asked per employee.
mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, Duration, NaiveDate, Utc};
use common::{date, jst, post};
use kot_connect::session::sandbox_config;
use kot_connect::{Services, cyzen, senselink};
use kot_connect_sandbox::{Company, Sandbox, SandboxOptions, Service};

/// Every route `service` was called on, with how many calls.
fn calls(sandbox: &Sandbox, service: Service) -> BTreeMap<String, usize> {
    let mut out = BTreeMap::new();
    for call in sandbox.calls().records() {
        if call.service == service {
            *out.entry(call.route.clone()).or_default() += 1;
        }
    }
    out
}

fn routes<const N: usize>(pairs: [(&str, usize); N]) -> BTreeMap<String, usize> {
    pairs
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(r, n)| (r.to_owned(), n))
        .collect()
}

/// Services on `sandbox`, changed by `edit`.
fn services(
    sandbox: &Sandbox,
    dir: &Path,
    edit: impl FnOnce(&mut kot_connect::Config),
) -> Services {
    let (mut config, lookup) = sandbox_config(sandbox).unwrap();
    edit(&mut config);
    Services::new(
        config,
        lookup,
        Arc::new(sandbox.clock().clone()),
        Some(dir.to_path_buf()),
    )
}

/// A company of `n` employees registered in SenseLink only.
fn senselink_company(n: usize) -> Company {
    let mut company = Company::generated(n);
    for e in &mut company.employees {
        e.senselink = true;
        e.cyzen = false;
    }
    company
}

/// The SenseLink records a sync of `work_date` reads: employees' records
/// of that JST date and the next, as the sandbox serves them now.
fn senselink_records(sandbox: &Sandbox, work_date: NaiveDate) -> usize {
    let next = work_date.succ_opt().unwrap();
    sandbox
        .senselink()
        .visible_records()
        .iter()
        .filter(|r| r.user_type.map(|t| t.code()) == Some(1))
        .filter(|r| {
            let day = r
                .sign_time
                .with_timezone(&kot_connect_core::time::jst())
                .date_naive();
            day == work_date || day == next
        })
        .count()
}

/// Adds recognitions of `code` at noon of `work_date` until a sync of it
/// reads a multiple of 100 records; returns that number.
fn pad_to_hundreds(sandbox: &Sandbox, code: &str, work_date: NaiveDate) -> usize {
    let noon = jst(2026, 11, 18, 12, 30);
    assert_eq!(work_date, date(2026, 11, 18));
    let mut i = 0;
    while !senselink_records(sandbox, work_date).is_multiple_of(100) {
        sandbox
            .senselink()
            .add_record(code, noon + Duration::seconds(i))
            .unwrap();
        i += 1;
    }
    senselink_records(sandbox, work_date)
}

async fn senselink_sync(flavor: Option<&str>) -> (Sandbox, usize, usize) {
    let employees = 40;
    let sandbox = Sandbox::start(SandboxOptions::default().company(senselink_company(employees)))
        .await
        .unwrap();
    let work_date = date(2026, 11, 18);
    let records = pad_to_hundreds(&sandbox, "000001", work_date);
    assert!(records >= 200 && records.is_multiple_of(100), "{records}");
    let dir = tempfile::tempdir().unwrap();
    let services = services(&sandbox, dir.path(), |c| {
        c.senselink.as_mut().unwrap().flavor = flavor.map(str::to_owned);
    });
    let day = senselink::Day::Date(work_date);
    let outcome = senselink::attendance(&services, day, &post())
        .await
        .unwrap();
    // 出勤 and 退勤 for everyone who was recognised that day.
    let punches = 2 * employees;
    assert_eq!(outcome.posted, punches);
    assert_eq!(sandbox.kot().punches().len(), punches);

    // KOT: one employee list, the divisions (first run of the JST day),
    // one time-record read for one day, one POST a punch.
    assert_eq!(
        calls(&sandbox, Service::Kot),
        routes([
            ("GET /employees", 1),
            ("GET /divisions", 1),
            ("GET /daily-workings/timerecord", 1),
            ("POST /daily-workings/timerecord/{employeeKey}", punches),
        ])
    );

    // A second run the same JST day: no new punch, divisions from the cache.
    sandbox.clock().advance(Duration::hours(2));
    let again = senselink::attendance(&services, day, &post())
        .await
        .unwrap();
    assert_eq!(again.posted, 0);
    assert_eq!(
        calls(&sandbox, Service::Kot),
        routes([
            ("GET /employees", 2),
            ("GET /divisions", 1),
            ("GET /daily-workings/timerecord", 2),
            ("POST /daily-workings/timerecord/{employeeKey}", punches),
        ])
    );
    (sandbox, records, punches)
}

#[tokio::test]
async fn senselink_cloud_reads_one_page_more_when_r_is_a_multiple_of_100() {
    let (sandbox, records, _) = senselink_sync(None).await;
    // v5 (Cloud) does not say how many records there are: a full last
    // page must be followed by an empty one, ⌊R/100⌋ + 1 pages a run.
    let pages = records / 100 + 1;
    assert_eq!(
        calls(&sandbox, Service::SenseLink),
        routes([("GET /api/v5/record/list", 2 * pages)])
    );
}

#[tokio::test]
async fn senselink_on_premises_reads_exactly_r_over_100_pages() {
    let (sandbox, records, _) = senselink_sync(Some("on-premises")).await;
    // v3 reports `total`: exactly ⌈R/100⌉ pages, no empty page.
    let pages = records.div_ceil(100);
    assert_eq!(
        calls(&sandbox, Service::SenseLink),
        routes([("GET /api/v3/record/list", 2 * pages)])
    );
}

#[tokio::test]
async fn senselink_on_premises_reads_the_short_last_page_once() {
    // R not a multiple of 100. SenseLink Cloud (v5) tells no total, so a
    // short last page is confirmed by one more read (a short page in the
    // middle must not end the list): ⌈R/100⌉ + 1 pages.
    let sandbox = Sandbox::start(SandboxOptions::default().company(senselink_company(40)))
        .await
        .unwrap();
    let work_date = date(2026, 11, 18);
    sandbox
        .senselink()
        .add_record("000001", jst(2026, 11, 18, 12, 30))
        .unwrap();
    let records = senselink_records(&sandbox, work_date);
    assert_ne!(records % 100, 0);
    let dir = tempfile::tempdir().unwrap();
    let services = services(&sandbox, dir.path(), |_| {});
    senselink::attendance(&services, senselink::Day::Date(work_date), &post())
        .await
        .unwrap();
    assert_eq!(
        calls(&sandbox, Service::SenseLink),
        routes([("GET /api/v5/record/list", records.div_ceil(100) + 1)])
    );
}

/// The 1st of a month after the evening time band: the cyzen fake's
/// presses cover that one day.
fn first_of_month_evening() -> DateTime<Utc> {
    jst(2026, 12, 1, 19, 30)
}

#[tokio::test]
async fn cyzen_reads_statuses_users_and_one_window_by_pages_of_200() {
    // 33 users × 6 presses + the outsider's 2 = 200: exactly one full
    // page; one press more makes two.
    for extra in [0, 1] {
        let employees = 33;
        let sandbox = Sandbox::start(
            SandboxOptions::default()
                .now(first_of_month_evening())
                .company(Company::generated(employees)),
        )
        .await
        .unwrap();
        if extra == 1 {
            sandbox
                .cyzen()
                .add_press("000001", "st-02", jst(2026, 12, 1, 15, 0))
                .unwrap();
        }
        let presses = sandbox.cyzen().visible_presses().len();
        assert_eq!(presses, 200 + extra);
        let dir = tempfile::tempdir().unwrap();
        let services = services(&sandbox, dir.path(), |_| {});
        let outcome = cyzen::attendance(&services, &post()).await.unwrap();
        let punches = 4 * employees;
        assert_eq!(outcome.posted, punches, "{:?}", outcome.log);

        assert_eq!(
            calls(&sandbox, Service::Kot),
            routes([
                ("GET /employees", 1),
                ("GET /divisions", 1),
                ("GET /daily-workings/timerecord", 1),
                ("POST /daily-workings/timerecord/{employeeKey}", punches),
            ])
        );
        // 34 users and 7 statuses: one page each; one 15-day window:
        // ⌈presses/200⌉ pages (no cursor after a full last page).
        assert_eq!(
            calls(&sandbox, Service::Cyzen),
            routes([
                ("GET /statuses", 1),
                ("GET /users", 1),
                ("GET /histories", presses.div_ceil(200)),
            ]),
            "{presses} presses"
        );
    }
}

#[tokio::test]
async fn a_rate_limit_answer_slows_the_pool_and_every_punch_lands_once() {
    // KOT takes 10 requests a second; the client asks for 20 with 8
    // POSTs in flight: KOT refuses some with 303, the gateway pauses every
    // POST and sends the refused ones again.
    let employees = 5;
    let sandbox = Sandbox::start(
        SandboxOptions::default()
            .now(first_of_month_evening())
            .company(Company::generated(employees))
            .kot_rate(10, std::time::Duration::from_secs(1)),
    )
    .await
    .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let services = services(&sandbox, dir.path(), |c| {
        c.kot.requests_per_second = Some(20.0);
        c.kot.concurrency = 8;
    });
    let outcome = cyzen::attendance(&services, &post()).await.unwrap();
    let punches = 4 * employees;
    assert_eq!(outcome.posted, punches, "{:?}", outcome.log);
    assert!(outcome.is_success(), "{:?}", outcome.log);

    let stored = sandbox.kot().punches();
    assert_eq!(stored.len(), punches);
    let mut distinct: Vec<_> = stored
        .iter()
        .map(|p| (p.employee_code.clone(), p.time, p.code))
        .collect();
    distinct.sort();
    distinct.dedup();
    assert_eq!(distinct.len(), punches, "no punch twice");

    let posts: Vec<_> = sandbox
        .calls()
        .records()
        .iter()
        .filter(|c| c.service == Service::Kot && c.route.starts_with("POST "))
        .map(|c| c.status)
        .collect();
    let accepted = posts.iter().filter(|s| **s == Some(201)).count();
    assert_eq!(accepted, punches);
    assert!(posts.len() > punches, "the sandbox refused none: {posts:?}");
}
