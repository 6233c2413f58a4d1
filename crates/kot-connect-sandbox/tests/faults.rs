//! Injected faults, as the real clients see them, and how they are counted.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::sync::Arc;
use std::time::Duration;

use chrono::{NaiveDate, TimeZone};
use kot_api::models::{EmployeeKey, PunchCode, PunchRequest};
use kot_api::{Client, time_band};
use kot_connect_http::RetryPolicy;
use kot_connect_sandbox::{Fault, KOT_TOKEN, Sandbox, SandboxOptions, Service};

fn client(sandbox: &Sandbox, retry: RetryPolicy) -> Client {
    Client::builder(KOT_TOKEN)
        .base_url(sandbox.url(Service::Kot))
        .clock(Arc::new(sandbox.clock().clone()))
        .retry_policy(retry)
        .attempt_timeout(Duration::from_millis(300))
        .build()
        .unwrap()
}

fn quick_retries() -> RetryPolicy {
    RetryPolicy::default()
        .with_max_attempts(3)
        .with_backoff(Duration::from_millis(1), Duration::from_millis(2))
}

#[tokio::test]
async fn a_5xx_is_an_http_error_and_a_read_recovers_by_retrying() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();

    sandbox.faults().inject(Service::Kot, Fault::Status(503), 1);
    let once = client(&sandbox, RetryPolicy::never());
    let err = once.divisions().list().await.unwrap_err();
    assert!(matches!(err, kot_api::Error::Http(_)), "{err:?}");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(503));

    sandbox.faults().inject(Service::Kot, Fault::Status(500), 2);
    let patient = client(&sandbox, quick_retries());
    assert_eq!(
        patient.divisions().list().await.unwrap().len(),
        sandbox.company().divisions.len()
    );

    let calls = sandbox.calls();
    assert_eq!(calls.count(Service::Kot, "GET /divisions"), 4);
    assert_eq!(calls.faulted(Service::Kot), 3);
    let statuses: Vec<_> = calls.records().iter().map(|c| c.status).collect();
    assert_eq!(statuses, [Some(503), Some(500), Some(500), Some(200)]);
    assert_eq!(sandbox.faults().pending(Service::Kot), 0);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_delay_beyond_the_clients_timeout_is_a_timeout() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    sandbox
        .faults()
        .inject(Service::Kot, Fault::Delay(Duration::from_secs(3)), 1);
    let err = client(&sandbox, RetryPolicy::never())
        .employees()
        .list()
        .send()
        .await
        .unwrap_err();
    let kot_api::Error::Http(http) = &err else {
        panic!("{err:?}")
    };
    assert!(http.is_timeout(), "{err:?}");
    assert_eq!(
        sandbox.calls().records()[0].fault,
        Some(Fault::Delay(Duration::from_secs(3)))
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_reset_after_the_punch_leaves_the_client_in_doubt_and_the_punch_stored() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    sandbox.faults().inject_route(
        Service::Kot,
        "POST /daily-workings/timerecord/{employeeKey}",
        Fault::Reset,
        1,
    );
    let kot = client(&sandbox, quick_retries());
    // Other routes are untouched by a route's fault.
    kot.divisions().list().await.unwrap();

    let key = EmployeeKey::new(sandbox.company().employees[0].key.clone());
    let date = NaiveDate::from_ymd_opt(2026, 11, 20).unwrap();
    let at = time_band::jst()
        .with_ymd_and_hms(2026, 11, 20, 9, 0, 0)
        .unwrap();
    let punch = PunchRequest::new(date, at, PunchCode::ClockIn);
    let err = kot.time_records().register(&key, &punch).await.unwrap_err();
    let kot_api::Error::Http(http) = &err else {
        panic!("{err:?}")
    };
    assert!(http.is_transport(), "{err:?}");
    // Never retried, yet KOT holds it: the ledger must check before resending.
    assert_eq!(sandbox.kot().punches().len(), 1);
    assert_eq!(
        sandbox.calls().count(
            Service::Kot,
            "POST /daily-workings/timerecord/{employeeKey}"
        ),
        1
    );
    sandbox.shutdown().await;
}

#[tokio::test]
async fn a_malformed_body_is_a_decode_error() {
    let sandbox = Sandbox::start(SandboxOptions::default()).await.unwrap();
    sandbox.faults().inject(Service::Kot, Fault::Malformed, 1);
    let err = client(&sandbox, RetryPolicy::never())
        .employees()
        .list()
        .send()
        .await
        .unwrap_err();
    let kot_api::Error::Http(http) = &err else {
        panic!("{err:?}")
    };
    assert!(http.is_decode(), "{err:?}");
    assert_eq!(sandbox.calls().faulted(Service::Kot), 1);
    sandbox.shutdown().await;
}

#[tokio::test]
async fn latency_delays_but_changes_nothing_and_clear_drops_pending_faults() {
    let sandbox = Sandbox::start(SandboxOptions::default().latency(Duration::from_millis(20)))
        .await
        .unwrap();
    sandbox
        .faults()
        .inject(Service::Kot, Fault::Status(500), 10);
    assert_eq!(sandbox.faults().pending(Service::Kot), 10);
    sandbox.faults().clear();
    let kot = client(&sandbox, RetryPolicy::never());
    assert_eq!(
        kot.divisions().list().await.unwrap().len(),
        sandbox.company().divisions.len()
    );
    assert_eq!(sandbox.calls().total(Service::Kot), 1);
    assert_eq!(sandbox.calls().faulted(Service::Kot), 0);
    sandbox.shutdown().await;
}
