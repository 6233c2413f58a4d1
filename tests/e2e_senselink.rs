//! SenseLink ⇄ KOT end to end, against the sandbox: what the `senselink`
//! example runs.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use common::{Env, date, dry_run, expect, failure_rows, post, unmatched_message};
use kot_connect::senselink::{self, Day, Job, Jump};
use kot_connect_core::schedule::TargetDay;

#[tokio::test]
async fn the_previous_day_becomes_exactly_its_first_and_last_recognitions() {
    let env = Env::new().await;
    let yesterday = date(2026, 11, 19);
    let outcome = senselink::attendance(&env.services, Day::Configured, &post())
        .await
        .unwrap();
    assert!(outcome.is_success(), "{:?}", outcome.log);
    let want = expect::senselink(&env, yesterday);
    assert_eq!(want.len(), 2 * 39, "39 registered active employees");
    assert_eq!(env.kot(), want);
    assert_eq!(outcome.posted, want.len());
    // A 大阪工場 late leaver's 退勤 is on the next calendar day, same work date.
    assert!(
        env.kot().contains(&(
            "0036".into(),
            yesterday,
            env.kot()
                .iter()
                .find(|p| p.0 == "0036" && p.3 == 2)
                .unwrap()
                .2
                .clone(),
            2
        ))
    );
    assert!(
        env.kot()
            .iter()
            .any(|p| p.0 == "0036" && p.3 == 2 && p.2.starts_with("2026-11-20 01:"))
    );

    // A second run posts nothing new.
    let again = senselink::attendance(&env.services, Day::Configured, &post())
        .await
        .unwrap();
    assert_eq!(again.posted, 0);
    assert!(again.is_success());
    assert_eq!(env.kot(), want);
}

#[tokio::test]
async fn unmatched_and_resigned_people_are_in_the_failure_csv() {
    let env = Env::new().await;
    let outcome = senselink::attendance(&env.services, Day::Date(date(2026, 11, 19)), &post())
        .await
        .unwrap();
    let rows = failure_rows(outcome.failure_csv.as_ref().expect("a failure CSV"));
    let reasons: Vec<&str> = rows.iter().map(|r| r[3].as_str()).collect();
    for outsider in ["9001", "1"] {
        assert!(
            reasons
                .iter()
                .any(|r| r.contains(&format!("連携元ID:{outsider} に一致する従業員コード"))),
            "{reasons:?}"
        );
    }
    assert!(
        rows.iter().any(|r| r[0] == "0050" && r[3].contains("退職")),
        "{rows:?}"
    );
    // Each unmatched record once, on its own day's run: the outsiders'
    // three records of the 19th, not the 20th's morning (fetched for the
    // 05:00 border, reported by the 20th's run).
    for outsider in ["9001", "1"] {
        let theirs: Vec<_> = rows
            .iter()
            .filter(|r| r[3] == unmatched_message(outsider))
            .collect();
        assert_eq!(theirs.len(), 3, "{theirs:?}");
        assert!(
            theirs.iter().all(|r| r[2].starts_with("2026/11/19")),
            "{theirs:?}"
        );
    }
    // Leading zeros count: `1` is not `0001`, who has no punch from it.
    assert!(
        !env.kot()
            .iter()
            .any(|p| p.0 == "0001" && p.1 == date(2026, 11, 20))
    );
    assert_eq!(rows.len(), outcome.failures.len());
}

#[tokio::test]
async fn inside_a_time_band_it_posts_from_the_cached_directory_and_nothing_twice() {
    let env = Env::new().await;
    // An earlier run outside the bands caches KOT's employees.
    senselink::attendance(&env.services, Day::Date(date(2026, 11, 18)), &post())
        .await
        .unwrap();
    let before = env.kot().len();
    // KOT's reads (GET) so far.
    let gets = |env: &Env| {
        env.sandbox
            .calls()
            .records()
            .iter()
            .filter(|c| {
                c.service == kot_connect_sandbox::Service::Kot && c.route.starts_with("GET ")
            })
            .count()
    };
    let gets_before = gets(&env);

    // 09:00 JST: KOT refuses reads, accepts punches.
    env.set_jst(2026, 11, 20, 9, 0);
    let day = date(2026, 11, 19);
    let outcome = senselink::attendance(&env.services, Day::Date(day), &post())
        .await
        .unwrap();
    assert!(outcome.is_success(), "{:?}", outcome.log);
    assert_eq!(outcome.posted, 78);
    assert_eq!(env.kot().len(), before + 78);
    // kot-api's guard refused the reads locally: KOT saw only the POSTs.
    assert_eq!(gets(&env), gets_before);

    // Again in the band: the ledger alone says it is done.
    let again = senselink::attendance(&env.services, Day::Date(day), &post())
        .await
        .unwrap();
    assert_eq!(again.posted, 0);
    assert_eq!(env.kot().len(), before + 78);
    let on_day: Vec<_> = env.kot().into_iter().filter(|p| p.1 == day).collect();
    assert_eq!(on_day, expect::senselink(&env, day));
}

#[tokio::test]
async fn a_band_without_a_cached_directory_stops_and_posts_nothing() {
    let env = Env::at(common::jst(2026, 11, 20, 17, 45)).await;
    let outcome = senselink::attendance(&env.services, Day::Date(date(2026, 11, 19)), &post())
        .await
        .unwrap();
    assert!(!outcome.is_success());
    assert!(
        outcome.log.details.last().unwrap().contains("18:30"),
        "{:?}",
        outcome.log.details
    );
    assert!(env.kot().is_empty());
}

#[tokio::test]
async fn a_dry_run_changes_nothing() {
    let env = Env::new().await;
    let state = env.state_files();
    let outcome = senselink::attendance(&env.services, Day::Configured, &dry_run())
        .await
        .unwrap();
    assert!(outcome.dry_run);
    assert_eq!(outcome.plan.unwrap().to_post().count(), 78);
    assert!(env.kot().is_empty());
    assert_eq!(env.state_files(), state);
    assert!(outcome.failure_csv.is_none());
    assert_eq!(
        env.sandbox.calls().count(
            kot_connect_sandbox::Service::Kot,
            "POST /daily-workings/timerecord/{employeeKey}"
        ),
        0
    );
}

#[tokio::test]
async fn the_same_day_in_clock_in_and_out_mode_gives_only_the_morning_so_far() {
    let env = Env::new().await; // 11:00: only the morning records exist
    let outcome = senselink::attendance(&env.services, Day::Target(TargetDay::SameDay), &post())
        .await
        .unwrap();
    assert!(outcome.is_success());
    let kot = env.kot();
    assert_eq!(kot.len(), 39);
    assert!(kot.iter().all(|p| p.1 == date(2026, 11, 20) && p.3 == 1));
}

#[tokio::test]
async fn employees_become_persons_once() {
    let env = Env::new().await;
    let before = env.sandbox.senselink().persons().len();
    let outcome = senselink::employees(&env.services, &post()).await.unwrap();
    assert!(outcome.is_success(), "{:?}", outcome.log);
    // 69 active employees, 39 of them registered already.
    assert_eq!(outcome.log.counts.created, 30);
    assert_eq!(outcome.log.counts.unchanged, 39);
    assert_eq!(outcome.log.counts.resigned, 1);
    assert_eq!(env.sandbox.senselink().persons().len(), before + 30);
    let person = env
        .sandbox
        .senselink()
        .person_by_job_number("0021")
        .unwrap();
    let e = env.sandbox.company().employee("0021").unwrap();
    assert_eq!(
        person.name.unwrap(),
        format!("{}\u{3000}{}", e.last_name, e.first_name)
    );

    let again = senselink::employees(&env.services, &post()).await.unwrap();
    assert_eq!(again.log.counts.created, 0);
    assert_eq!(again.log.counts.unchanged, 69);

    let dry = Env::new().await;
    let state = dry.state_files();
    let outcome = senselink::employees(&dry.services, &dry_run())
        .await
        .unwrap();
    assert_eq!(dry.state_files(), state, "a dry run writes no cache either");
    assert_eq!(outcome.log.counts.created, 30);
    assert_eq!(dry.sandbox.senselink().persons().len(), before);
}

#[tokio::test]
async fn the_schedule_runs_at_the_configured_hour_out_of_the_bands() {
    let env = Env::new().await;
    let mut seen = Vec::new();
    let runs = senselink::schedule(
        &env.services,
        &post(),
        &Jump(env.sandbox.clock().clone()),
        Some(1),
        |job, outcome| seen.push((job, outcome.log.started_at)),
    )
    .await
    .unwrap();
    assert_eq!(runs, 1);
    // Default: 勤怠連携 daily at 07:00 on the previous day; 社員情報連携 manual.
    assert_eq!(seen[0].0, Job::Attendance(TargetDay::PreviousDay));
    assert_eq!(
        seen[0].1.format("%Y-%m-%d %H:%M").to_string(),
        "2026-11-21 07:00"
    );
    assert_eq!(env.kot(), expect::senselink(&env, date(2026, 11, 20)));
}
