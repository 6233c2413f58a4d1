//! The demo end to end: every connector SUCCESS, and KOT then holds exactly
//! the punches the manuals' rules give for the sandbox's data.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

mod common;

use std::collections::BTreeSet;

use common::{Env, date, expect, jst, post};
use kot_connect::demo::{self, HAND_PUNCHED};
use kot_connect_sandbox::Service;

#[tokio::test]
async fn every_connector_succeeds_and_kot_holds_exactly_the_expected_punches() {
    let env = Env::new().await;
    let start = env.sandbox.clock().now();
    // What each source gives at 11:00, before the bot's chat moves the clock.
    let mut want = expect::senselink(&env, date(2026, 11, 19));
    want.extend(expect::cyzen(&env, jst(2026, 11, 1, 0, 0), &[]));
    want.extend(expect::malion(&env, &expect::malion_default_links(&env)));
    want.extend(expect::wowtalk(
        &env,
        start,
        &kot_connect::wowtalk::sandbox::CHAT,
    ));
    want.sort();

    let report = demo::run(&env.sandbox, &env.services, &post())
        .await
        .unwrap();
    for outcome in &report.outcomes {
        assert!(outcome.is_success(), "{:?}", outcome.log);
    }
    let connectors: BTreeSet<&str> = report
        .outcomes
        .iter()
        .map(|o| o.log.connector.as_str())
        .collect();
    assert_eq!(connectors.len(), 4, "{connectors:?}");

    assert_eq!(env.kot(), want);
    // The punch made by hand in KOT was found, not doubled.
    let by_hand: Vec<_> = env
        .sandbox
        .kot()
        .punches()
        .into_iter()
        .filter(|p| !p.via_api)
        .collect();
    assert_eq!(by_hand.len(), 1);
    assert_eq!(by_hand[0].employee_code, HAND_PUNCHED);
    let attendance = &report.outcomes[1];
    assert_eq!(attendance.log.counts.already_punched, 1);
    assert!(attendance.log.details.iter().any(|d| d.contains(&format!(
        "従業員コード:{HAND_PUNCHED} の出勤は既に打刻済みです"
    ))));

    // Every chat tool was told.
    let told: BTreeSet<Service> = env
        .sandbox
        .notifications()
        .iter()
        .map(|n| n.service)
        .collect();
    for service in [
        Service::Slack,
        Service::Chatwork,
        Service::Teams,
        Service::GoogleChat,
        Service::Line,
        Service::LineWorks,
        Service::Smtp,
    ] {
        assert!(told.contains(&service), "{service} got nothing");
    }
}

#[tokio::test]
async fn a_demo_whose_chat_runs_into_the_morning_band_doubles_nothing() {
    // The same demo started at 08:29 (a minute before the morning band):
    // the runs that cross into the band still finish, and nothing doubles.
    let env = Env::at(jst(2026, 11, 20, 8, 29)).await;
    let report = demo::run(&env.sandbox, &env.services, &post())
        .await
        .unwrap();
    let kot = env.kot();
    let unique: BTreeSet<_> = kot.iter().collect();
    assert_eq!(unique.len(), kot.len(), "no punch is doubled");
    assert!(report.outcomes.iter().all(|o| o.is_success()));
}
