#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! Fault injection end to end: each test injects one fault into the
//! sandbox, runs the connector as the example programs do, and checks that
//! KOT ends up holding exactly the expected punches (none lost, none
//! doubled) and what the run reported. The matrix is docs/RELIABILITY.md.
mod common;

use std::sync::Arc;
use std::time::Duration;

use chrono::{DateTime, Utc};
use common::{Env, Row, date, expect, jst, post};
use kot_connect::run::Outcome;
use kot_connect::senselink::{self, Day};
use kot_connect::{cyzen, malion};
use kot_connect_core::report::{FailureReason, SyncStatus};
use kot_connect_sandbox::SandboxClock;
use kot_connect_sandbox::{Fault, SandboxOptions, Service};

const POST: &str = "POST /daily-workings/timerecord/{employeeKey}";
const KOT_RECORDS: &str = "GET /daily-workings/timerecord";
const SENSELINK_RECORDS: &str = "GET /api/v5/record/list";
const CYZEN_HISTORIES: &str = "GET /histories";

/// The SenseLink day every KOT fault test syncs: 78 punches (39
/// registered, active employees' first and last recognitions).
fn day() -> chrono::NaiveDate {
    date(2026, 11, 19)
}

async fn senselink_run(env: &Env) -> Outcome {
    senselink::attendance(&env.services, Day::Date(day()), &post())
        .await
        .unwrap()
}

/// The failure rows whose reason is an API error containing `needle`.
fn api_errors(outcome: &Outcome, needle: &str) -> usize {
    outcome
        .failures
        .iter()
        .filter(|f| matches!(&f.reason, FailureReason::ApiError { message } if message.contains(needle)))
        .count()
}

/// The run stopped: FAILURE with `needle` in its last detail.
fn assert_aborted(outcome: &Outcome, needle: &str) {
    assert_eq!(outcome.log.status, SyncStatus::Failure, "{:?}", outcome.log);
    let last = outcome.log.details.last().cloned().unwrap_or_default();
    assert!(last.contains(needle), "{needle:?} not in {last:?}");
    assert_eq!(outcome.posted, 0);
}

/// Runs the SenseLink day, checks that the first run left KOT short of
/// the expected punches by exactly `missing`, then runs again and checks
/// that KOT holds exactly the expected punches.
async fn settled_by_the_next_run(env: &Env, first: &Outcome, missing: usize) -> Outcome {
    let want = expect::senselink(env, day());
    assert_eq!(want.len(), 78);
    assert_eq!(first.posted, want.len() - missing, "{:?}", first.log);
    assert_no_doubles(&env.kot());
    assert!(env.kot().iter().all(|p| want.contains(p)));
    let second = senselink_run(env).await;
    assert_eq!(env.kot(), want, "{:?}", second.log);
    assert!(second.is_success(), "{:?}", second.log);
    second
}

fn assert_no_doubles(rows: &[Row]) {
    let mut seen = std::collections::BTreeSet::new();
    for row in rows {
        assert!(seen.insert(row), "doubled: {row:?}");
    }
}

// ---------------------------------------------------------------------------
// KOT: 5xx
// ---------------------------------------------------------------------------

#[tokio::test]
async fn kot_5xx_burst_on_posts_is_checked_and_completed_by_the_next_run() {
    let env = Env::new().await;
    env.sandbox
        .faults()
        .inject_route_after(Service::Kot, POST, 10, Fault::Status(503), 3);
    let first = senselink_run(&env).await;
    // A 5xx may come after KOT stored the punch: never re-sent in the run.
    assert_eq!(env.kot_posts(), 78);
    assert_eq!(first.log.status, SyncStatus::Failure);
    assert_eq!(first.log.counts.failed, 3);
    assert_eq!(api_errors(&first, "送信結果が不明です"), 3);
    let second = settled_by_the_next_run(&env, &first, 3).await;
    // KOT's records were read first: the three were not there, so sent.
    assert_eq!(second.posted, 3);
    assert_eq!(env.kot_posts(), 81);
}

#[tokio::test]
async fn kot_5xx_on_reads_is_retried_within_the_run() {
    let env = Env::new().await;
    let faults = env.sandbox.faults();
    faults.inject_route(Service::Kot, "GET /employees", Fault::Status(502), 1);
    faults.inject_route(Service::Kot, KOT_RECORDS, Fault::Status(503), 2);
    let outcome = senselink_run(&env).await;
    assert!(outcome.is_success(), "{:?}", outcome.log);
    assert_eq!(env.kot(), expect::senselink(&env, day()));
    let calls = env.sandbox.calls();
    assert_eq!(calls.count(Service::Kot, "GET /employees"), 2);
    assert_eq!(calls.count(Service::Kot, KOT_RECORDS), 3);
}

#[tokio::test]
async fn kot_5xx_beyond_the_retries_stops_the_run_before_any_post() {
    let env = Env::new().await;
    env.sandbox
        .faults()
        .inject_route(Service::Kot, KOT_RECORDS, Fault::Status(500), 4);
    let first = senselink_run(&env).await;
    assert_aborted(&first, "500");
    assert_eq!(env.kot_posts(), 0);
    assert!(env.kot().is_empty());
    settled_by_the_next_run(&env, &first, 78).await;
}

// ---------------------------------------------------------------------------
// KOT: the 303 rate limit
// ---------------------------------------------------------------------------

#[tokio::test]
async fn kot_303_rate_limit_loses_and_doubles_nothing() {
    // KOT answers the flat {"code":"303"} beyond 15 requests per 500 ms.
    let env = Env::with(SandboxOptions::default().kot_rate(15, Duration::from_millis(500))).await;
    let want = expect::senselink(&env, day());
    let mut runs = Vec::new();
    while env.kot() != want {
        assert!(runs.len() < 20, "not done after 20 runs");
        let outcome = senselink_run(&env).await;
        assert_no_doubles(&env.kot());
        runs.push(outcome);
    }
    let refused = env
        .sandbox
        .calls()
        .records()
        .iter()
        .filter(|c| {
            c.service == Service::Kot
                && c.status == Some(kot_connect_sandbox::KOT_RATE_LIMIT_STATUS)
        })
        .count();
    assert!(refused > 0, "the limit was never hit");
    // A refused POST is certain not to be stored: reported, then sent by
    // a later run; every run's posts add up to the expected set.
    let posted: usize = runs.iter().map(|r| r.posted).sum();
    assert_eq!(posted, want.len());
    for run in &runs {
        assert_eq!(api_errors(run, "送信結果が不明です"), 0, "{:?}", run.log);
    }
    assert_eq!(env.kot(), want);
}

// ---------------------------------------------------------------------------
// KOT: connection resets, timeouts, time bands
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_reset_after_kot_stored_the_punch_is_never_posted_twice() {
    let env = Env::new().await;
    env.sandbox
        .faults()
        .inject_route_after(Service::Kot, POST, 5, Fault::Reset, 2);
    let first = senselink_run(&env).await;
    // KOT stored all 78; the run knows 76.
    assert_eq!(env.kot(), expect::senselink(&env, day()));
    assert_eq!(first.posted, 76);
    assert_eq!(api_errors(&first, "送信結果が不明です"), 2);
    let second = senselink_run(&env).await;
    assert!(second.is_success(), "{:?}", second.log);
    assert_eq!(second.posted, 0);
    assert_eq!(env.kot_posts(), 78, "nothing sent again");
    assert_eq!(env.kot(), expect::senselink(&env, day()));
}

/// Services whose KOT client gives up on an answer after 300 ms.
async fn short_timeout() -> Env {
    Env::configured(
        SandboxOptions::default(),
        |config| config.kot.timeout_seconds = Some(0.3),
        None,
    )
    .await
}

#[tokio::test]
async fn a_timeout_after_kot_stored_the_punch_is_never_posted_twice() {
    let env = short_timeout().await;
    env.sandbox.faults().inject_route_after(
        Service::Kot,
        POST,
        3,
        Fault::DelayAfter(Duration::from_secs(2)),
        1,
    );
    let first = senselink_run(&env).await;
    assert_eq!(first.posted, 77);
    assert_eq!(api_errors(&first, "送信結果が不明です"), 1);
    assert_eq!(env.kot(), expect::senselink(&env, day()));
    let second = senselink_run(&env).await;
    assert!(second.is_success(), "{:?}", second.log);
    assert_eq!(second.posted, 0);
    assert_eq!(env.kot_posts(), 78);
    assert_eq!(env.kot(), expect::senselink(&env, day()));
}

#[tokio::test]
async fn a_timeout_before_kot_stored_anything_is_posted_by_the_next_run() {
    let env = short_timeout().await;
    // The answer (and the punch) would come long after the test is over.
    env.sandbox.faults().inject_route_after(
        Service::Kot,
        POST,
        3,
        Fault::Delay(Duration::from_secs(600)),
        1,
    );
    let first = senselink_run(&env).await;
    assert_eq!(api_errors(&first, "送信結果が不明です"), 1);
    let second = settled_by_the_next_run(&env, &first, 1).await;
    assert_eq!(second.posted, 1);
}

#[tokio::test]
async fn an_unknown_outcome_stays_pending_inside_a_band_and_is_settled_after_it() {
    let env = Env::new().await;
    env.sandbox
        .faults()
        .inject_route_after(Service::Kot, POST, 5, Fault::Reset, 1);
    let first = senselink_run(&env).await;
    assert_eq!(first.posted, 77);
    let want = expect::senselink(&env, day());
    assert_eq!(env.kot(), want);

    // 09:00: KOT's records cannot be read; the punch stays pending.
    env.set_jst(2026, 11, 20, 9, 0);
    let inside = senselink_run(&env).await;
    assert!(!inside.kot_checked);
    assert_eq!(inside.posted, 0);
    assert_eq!(inside.log.counts.failed, 1);
    assert!(
        inside
            .failures
            .iter()
            .any(|f| matches!(f.reason, FailureReason::TimeBand { .. })),
        "{:?}",
        inside.failures
    );
    assert_eq!(env.kot_posts(), 78);

    // 10:00: read, found in KOT, settled without a POST.
    env.set_jst(2026, 11, 20, 10, 0);
    let after = senselink_run(&env).await;
    assert!(after.is_success(), "{:?}", after.log);
    assert_eq!(after.posted, 0);
    assert_eq!(env.kot_posts(), 78);
    assert_eq!(env.kot(), want);
}

#[tokio::test]
async fn a_time_band_beginning_before_kot_is_read_holds_the_unknown_and_posts_the_rest() {
    // 08:29:30: KOT is open for the directory; the band begins right after
    // it, before KOT's punches are read.
    let env = Env::at(jst(2026, 11, 20, 8, 29) + chrono::Duration::seconds(30)).await;
    // An earlier run, one reset: one punch of unknown outcome (stored).
    env.sandbox
        .faults()
        .inject_route_after(Service::Kot, POST, 5, Fault::Reset, 1);
    // A smaller first run: the punches of the 18th.
    let first = senselink::attendance(&env.services, Day::Date(date(2026, 11, 18)), &post())
        .await
        .unwrap();
    assert_eq!(first.posted, 77);
    let want_18 = expect::senselink(&env, date(2026, 11, 18));

    // The band begins as soon as KOT has answered the employee list (this
    // second run of the day reads no divisions: they are cached).
    env.sandbox.faults().inject_route(
        Service::Kot,
        "GET /employees",
        Fault::AdvanceClock(chrono::Duration::seconds(30)),
        1,
    );
    let combined = senselink::attendance(&env.services, Day::Date(date(2026, 11, 18)), &post())
        .await
        .unwrap();
    // The band began mid-run: the plan rests on the ledger; the unknown
    // punch is held and reported with the time KOT reopens.
    assert!(!combined.kot_checked);
    assert_eq!(combined.posted, 0);
    let held: Vec<_> = combined
        .failures
        .iter()
        .filter(|f| matches!(f.reason, FailureReason::TimeBand { .. }))
        .collect();
    assert_eq!(held.len(), 1, "{:?}", combined.failures);
    // The 19th, in the band: punches are exempt, so they go through.
    let in_band = senselink_run(&env).await;
    assert_eq!(in_band.posted, 78);
    assert_eq!(env.kot_posts(), 78 + 78);

    env.set_jst(2026, 11, 20, 10, 0);
    let after = senselink::attendance(&env.services, Day::Date(date(2026, 11, 18)), &post())
        .await
        .unwrap();
    assert!(after.is_success(), "{:?}", after.log);
    assert_eq!(after.posted, 0);
    let mut want = want_18;
    want.extend(expect::senselink(&env, day()));
    want.sort();
    assert_eq!(env.kot(), want);
}

#[tokio::test]
async fn a_time_band_beginning_while_posting_posts_every_punch_once() {
    let env = Env::at(jst(2026, 11, 20, 8, 29)).await;
    // After the 10th POST the clock jumps to 08:30: KOT keeps accepting
    // punches (exempt from the bands), refuses reads.
    env.sandbox.faults().inject_route_after(
        Service::Kot,
        POST,
        9,
        Fault::AdvanceClock(chrono::Duration::minutes(1)),
        1,
    );
    let outcome = senselink_run(&env).await;
    assert!(outcome.is_success(), "{:?}", outcome.log);
    assert_eq!(outcome.posted, 78);
    assert_eq!(env.kot(), expect::senselink(&env, day()));
    // Again inside the band: the ledger says done.
    let again = senselink_run(&env).await;
    assert_eq!(again.posted, 0);
    assert_eq!(env.kot_posts(), 78);
}

// ---------------------------------------------------------------------------
// KOT: malformed answers
// ---------------------------------------------------------------------------

#[tokio::test]
async fn a_malformed_kot_read_stops_the_run_with_a_decoding_error() {
    let env = Env::new().await;
    env.sandbox
        .faults()
        .inject_route(Service::Kot, KOT_RECORDS, Fault::Malformed, 1);
    let first = senselink_run(&env).await;
    assert_aborted(&first, "decod");
    assert_eq!(env.kot_posts(), 0);
    settled_by_the_next_run(&env, &first, 78).await;
}

#[tokio::test]
async fn a_malformed_answer_to_a_post_is_an_unknown_outcome() {
    let env = Env::new().await;
    // The sandbox answers garbage without storing the punch.
    env.sandbox
        .faults()
        .inject_route_after(Service::Kot, POST, 7, Fault::Malformed, 1);
    let first = senselink_run(&env).await;
    assert_eq!(api_errors(&first, "送信結果が不明です"), 1);
    let second = settled_by_the_next_run(&env, &first, 1).await;
    assert_eq!(second.posted, 1);
}

// ---------------------------------------------------------------------------
// SenseLink: 5xx, malformed pages, short and repeated pages, clock skew
// ---------------------------------------------------------------------------

/// The SenseLink day's records span two pages of 100 (126 of the 19th, the
/// 20th's morning for the 05:00 border).
#[tokio::test]
async fn senselink_5xx_on_a_later_page_is_retried_within_the_run() {
    let env = Env::new().await;
    env.sandbox.faults().inject_route_after(
        Service::SenseLink,
        SENSELINK_RECORDS,
        1,
        Fault::Status(503),
        2,
    );
    let outcome = senselink_run(&env).await;
    assert!(outcome.is_success(), "{:?}", outcome.log);
    assert_eq!(env.kot(), expect::senselink(&env, day()));
    assert_eq!(env.sandbox.calls().faulted(Service::SenseLink), 2);
}

#[tokio::test]
async fn senselink_5xx_beyond_the_retries_fails_the_run_and_the_next_run_completes() {
    let env = Env::new().await;
    env.sandbox.faults().inject_route_after(
        Service::SenseLink,
        SENSELINK_RECORDS,
        1,
        Fault::Status(502),
        50,
    );
    let first = senselink_run(&env).await;
    assert_aborted(&first, "502");
    assert_eq!(env.kot_posts(), 0, "page 1 alone posts nothing");
    env.sandbox.faults().clear();
    settled_by_the_next_run(&env, &first, 78).await;
}

#[tokio::test]
async fn a_malformed_senselink_page_fails_the_run_and_the_next_run_completes() {
    let env = Env::new().await;
    env.sandbox.faults().inject_route_after(
        Service::SenseLink,
        SENSELINK_RECORDS,
        1,
        Fault::Malformed,
        1,
    );
    let first = senselink_run(&env).await;
    assert_aborted(&first, "decod");
    assert_eq!(env.kot_posts(), 0);
    settled_by_the_next_run(&env, &first, 78).await;
}

#[tokio::test]
async fn senselink_pages_shorter_than_asked_lose_no_record() {
    let env = Env::new().await;
    // 30 records a page while the client asks for 100.
    env.sandbox.senselink().set_page_cap(Some(30));
    let outcome = senselink_run(&env).await;
    assert!(outcome.is_success(), "{:?}", outcome.log);
    assert_eq!(env.kot(), expect::senselink(&env, day()));
    assert!(
        env.sandbox
            .calls()
            .count(Service::SenseLink, SENSELINK_RECORDS)
            >= 5
    );
}

#[tokio::test]
async fn a_senselink_page_served_twice_doubles_and_drops_nothing() {
    let env = Env::new().await;
    env.sandbox.senselink().set_page_cap(Some(30));
    // Page 2 is answered with page 1's records, once.
    env.sandbox.faults().inject_route_after(
        Service::SenseLink,
        SENSELINK_RECORDS,
        1,
        Fault::RepeatPage,
        1,
    );
    let outcome = senselink_run(&env).await;
    assert!(outcome.is_success(), "{:?}", outcome.log);
    assert_eq!(env.kot(), expect::senselink(&env, day()));
    assert_eq!(env.kot_posts(), 78);
}

/// The sandbox clock moved by a fixed offset: a machine whose clock is off.
#[derive(Debug)]
struct Skewed(SandboxClock, chrono::Duration);

impl kot_connect_http::Clock for Skewed {
    fn now(&self) -> DateTime<Utc> {
        self.0.now() + self.1
    }
}

#[tokio::test]
async fn senselink_refuses_a_skewed_clock_and_nothing_is_posted() {
    let sandbox_start = SandboxOptions::default();
    let clock = SandboxClock::new(sandbox_start.now);
    // 40 minutes ahead: SenseLink refuses signatures 30 minutes or more off.
    let env = Env::configured(
        sandbox_start,
        |_| {},
        Some(Arc::new(Skewed(clock, chrono::Duration::minutes(40)))),
    )
    .await;
    let first = senselink_run(&env).await;
    assert_eq!(first.log.status, SyncStatus::Failure, "{:?}", first.log);
    let last = first.log.details.last().cloned().unwrap_or_default();
    assert!(
        last.contains("30 minutes or more away from the server time"),
        "{last}"
    );
    assert_eq!(env.kot_posts(), 0);
    assert!(env.kot().is_empty());
}

// ---------------------------------------------------------------------------
// cyzen: 5xx, malformed pages, short and repeated pages
// ---------------------------------------------------------------------------

/// cyzen's sandbox at the 3rd of the month, 11:00 JST, 7 presses a page.
async fn cyzen_env() -> Env {
    let env = Env::at(jst(2026, 11, 3, 11, 0)).await;
    env.sandbox.cyzen().set_page_size(7);
    env
}

fn cyzen_want(env: &Env) -> Vec<Row> {
    expect::cyzen(env, jst(2026, 11, 1, 0, 0), &[])
}

async fn cyzen_run(env: &Env) -> Outcome {
    cyzen::attendance(&env.services, &post()).await.unwrap()
}

#[tokio::test]
async fn cyzen_pages_shorter_than_200_lose_no_press() {
    let env = cyzen_env().await;
    let outcome = cyzen_run(&env).await;
    let want = cyzen_want(&env);
    assert!(want.len() > 14, "several pages: {}", want.len());
    assert_eq!(env.kot(), want, "{:?}", outcome.log);
    assert!(env.sandbox.calls().count(Service::Cyzen, CYZEN_HISTORIES) >= 3);
}

#[tokio::test]
async fn cyzen_5xx_on_a_later_page_is_retried_within_the_run() {
    let env = cyzen_env().await;
    env.sandbox.faults().inject_route_after(
        Service::Cyzen,
        CYZEN_HISTORIES,
        1,
        Fault::Status(502),
        2,
    );
    let outcome = cyzen_run(&env).await;
    assert_eq!(env.kot(), cyzen_want(&env), "{:?}", outcome.log);
    assert_eq!(env.sandbox.calls().faulted(Service::Cyzen), 2);
}

#[tokio::test]
async fn a_malformed_cyzen_page_fails_the_run_and_the_next_run_completes() {
    let env = cyzen_env().await;
    env.sandbox.faults().inject_route_after(
        Service::Cyzen,
        CYZEN_HISTORIES,
        2,
        Fault::Malformed,
        1,
    );
    let first = cyzen_run(&env).await;
    // The run stops at the bad page; the punches of the pages before it
    // were posted while reading (and are counted), nothing after it.
    assert_eq!(first.log.status, SyncStatus::Failure, "{:?}", first.log);
    let last = first.log.details.last().cloned().unwrap_or_default();
    assert!(last.contains("decod"), "{last:?}");
    assert!(first.posted > 0);
    assert_eq!(env.kot_posts(), first.posted);
    let want = cyzen_want(&env);
    assert!(first.posted < want.len());
    // The next run posts the rest, each punch once.
    let second = cyzen_run(&env).await;
    assert!(second.is_success(), "{:?}", second.log);
    assert_eq!(env.kot(), want);
    assert_eq!(env.kot_posts(), want.len());
    assert_eq!(first.posted + second.posted, want.len());
}

#[tokio::test]
async fn a_cyzen_page_served_twice_doubles_and_drops_nothing() {
    let env = cyzen_env().await;
    // The second page's cursor is answered with the first page, once.
    env.sandbox.faults().inject_route_after(
        Service::Cyzen,
        CYZEN_HISTORIES,
        1,
        Fault::RepeatPage,
        1,
    );
    let outcome = cyzen_run(&env).await;
    assert!(outcome.is_success(), "{:?}", outcome.log);
    let want = cyzen_want(&env);
    assert_eq!(env.kot(), want);
    assert_eq!(env.kot_posts(), want.len());
}

// ---------------------------------------------------------------------------
// MaLion: the relay delivers logs twice, windows overlap
// ---------------------------------------------------------------------------

#[tokio::test]
async fn malion_relay_duplicates_and_overlapping_windows_punch_each_log_once() {
    let env = Env::at(jst(2026, 11, 20, 8, 0)).await;
    env.malion_default_links().await;
    let links = expect::malion_default_links(&env);
    let yesterday = date(2026, 11, 19);
    // The relay delivers every log of yesterday a second time, registered
    // five minutes after the original.
    let copies: Vec<_> = env
        .sandbox
        .malion()
        .visible_logs()
        .into_iter()
        .filter(|l| expect::jst_of(l).date_naive() == yesterday)
        .map(|mut l| {
            l.registered_at = l.registered_at.map(|r| r + chrono::Duration::minutes(5));
            l
        })
        .collect();
    assert!(copies.len() > 40);
    for copy in copies.iter().cloned() {
        env.sandbox.malion().add_log(copy);
    }
    let first = malion::sync(&env.services, &post()).await.unwrap();
    assert!(first.is_success(), "{:?}", first.log);
    let want = expect::malion(&env, &links);
    assert_eq!(env.kot(), want);
    assert_eq!(first.posted, want.len());

    // Later the relay sends yesterday once more, and the next run's window
    // overlaps the first's: nothing new, nothing twice.
    env.sandbox.clock().advance(chrono::Duration::minutes(20));
    for mut copy in copies {
        copy.registered_at = Some(env.sandbox.clock().now_jst() - chrono::Duration::minutes(1));
        env.sandbox.malion().add_log(copy);
    }
    let second = malion::sync(&env.services, &post()).await.unwrap();
    assert!(second.is_success(), "{:?}", second.log);
    assert_eq!(second.posted, 0);
    assert_eq!(env.kot(), want);
    assert_no_doubles(&env.kot());
}
