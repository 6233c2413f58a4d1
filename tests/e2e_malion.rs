#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! MaLion ⇄ KING OF TIME end to end, against the sandbox: what the example
//! program `malion` runs (link export → link import → sync).
mod common;

use std::collections::{BTreeMap, BTreeSet};

use common::{
    Env, Row, date, dry_run, expect, failure_rows, jst, kot_record_reads, plan_rows, post,
    unmatched_message,
};
use kot_connect::malion;
use malion_api::link::CsvEncoding;
use malion_api::models::{LogEvent, OperationLog};

/// The link CSV exported from KOT, imported unchanged: every active
/// employee linked with サービスアカウント = 従業員コード.
async fn import_default_links(env: &Env) {
    let csv = malion::link_export(&env.services, CsvEncoding::Utf8WithBom)
        .await
        .unwrap();
    let imported = malion::link_import(&env.services, &csv).unwrap();
    let active = env
        .sandbox
        .kot()
        .employees()
        .iter()
        .filter(|e| e.is_active_on(env.sandbox.clock().today()))
        .count();
    assert_eq!(imported.rows, active);
}

#[tokio::test]
async fn sync_posts_first_logon_and_last_logoff_and_reruns_post_nothing_twice() {
    // D = 2026-11-20, 08:00 JST: before anyone logs on today, and before
    // 0060's shutdown logoff of yesterday reached MaLion's database.
    let env = Env::at(jst(2026, 11, 20, 8, 0)).await;
    import_default_links(&env).await;
    let links = expect::malion_default_links(&env);
    let yesterday = date(2026, 11, 19);

    let first = malion::sync(&env.services, &post()).await.unwrap();
    let want = expect::malion(&env, &links);
    assert_eq!(env.kot(), want);
    assert_eq!(first.posted, want.len());
    assert!(first.is_success(), "{:?}", first.log);
    // The lookback: 2 days back, nothing of the 17th.
    assert!(want.iter().all(|r| r.1 >= date(2026, 11, 18)));
    assert!(want.iter().any(|r| r.1 == date(2026, 11, 18)));
    // The shutdown's logoff is not in MaLion yet.
    assert!(
        !env.kot()
            .iter()
            .any(|r| r.0 == "0060" && r.1 == yesterday && r.3 == 2)
    );
    // The relay duplicate: two copies of 0058's logon, one 出勤.
    let copies = env
        .sandbox
        .malion()
        .logs()
        .into_iter()
        .filter(|l| {
            l.logon_user_name.as_deref() == Some("0058")
                && l.event == LogEvent::Logon
                && expect::jst_of(l).date_naive() == yesterday
        })
        .count();
    assert_eq!(copies, 2);
    let clock_ins = env
        .kot()
        .into_iter()
        .filter(|r| r.0 == "0058" && r.1 == yesterday && r.3 == 1)
        .count();
    assert_eq!(clock_ins, 1);

    // 11:00: the shutdown's logoff arrived at 08:45 and is the 退勤 of the
    // 19th, at the time the PC logged it (18:10 + 11·60 mod 50 min).
    env.set_jst(2026, 11, 20, 11, 0);
    let before = env.kot();
    let second = malion::sync(&env.services, &post()).await.unwrap();
    let want = expect::malion(&env, &links);
    assert_eq!(env.kot(), want);
    assert_eq!(second.posted, want.len() - before.len());
    assert!(want.contains(&("0060".into(), yesterday, "2026-11-19 18:20:00".into(), 2)));

    // The same lookback again: nothing twice.
    let third = malion::sync(&env.services, &post()).await.unwrap();
    assert_eq!(third.posted, 0);
    assert_eq!(env.kot(), want);

    // The next day: the 20th's logoffs, and the 19th and 20th read again.
    env.set_jst(2026, 11, 21, 11, 0);
    let before = env.kot();
    let fourth = malion::sync(&env.services, &post()).await.unwrap();
    let want_next = expect::malion(&env, &links);
    let mut all: BTreeSet<Row> = before.iter().cloned().collect();
    all.extend(want_next.iter().cloned());
    assert_eq!(env.kot(), all.into_iter().collect::<Vec<_>>());
    assert!(fourth.posted > 0);
    assert_eq!(fourth.posted, env.kot().len() - before.len());
    let fifth = malion::sync(&env.services, &post()).await.unwrap();
    assert_eq!(fifth.posted, 0);
}

#[tokio::test]
async fn unlinked_and_shared_accounts_are_in_the_failure_csv() {
    let env = Env::new().await;
    import_default_links(&env).await;
    let outcome = malion::sync(&env.services, &post()).await.unwrap();
    let unlinked: Vec<OperationLog> = expect::malion_fetched_logs(&env)
        .into_iter()
        .filter(|l| matches!(l.logon_user_name.as_deref(), Some("guest" | "shared01")))
        .collect();
    let guest = unlinked
        .iter()
        .filter(|l| l.logon_user_name.as_deref() == Some("guest"))
        .count();
    assert!(guest > 0);
    assert!(unlinked.len() > guest);
    assert_eq!(outcome.log.counts.unmatched, unlinked.len());
    let rows = failure_rows(&outcome.failure_csv.expect("a failure CSV"));
    assert_eq!(rows.len(), unlinked.len());
    let messages: BTreeMap<String, usize> = rows.iter().fold(BTreeMap::new(), |mut m, r| {
        *m.entry(r[3].clone()).or_default() += 1;
        m
    });
    assert_eq!(
        messages,
        BTreeMap::from([
            (unmatched_message("guest"), guest),
            (unmatched_message("shared01"), unlinked.len() - guest),
        ])
    );
    assert!(env.kot().iter().all(|r| r.0 != "0069" && r.0 != "0070"));
}

#[tokio::test]
async fn link_import_refuses_one_service_account_for_two_employees() {
    let env = Env::new().await;
    import_default_links(&env).await;
    let stored = env.state_files();
    let csv = "連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント\r\n\
               MaLion連携,3,0069,山田 太郎,shared01\r\n\
               MaLion連携,3,0070,山田 花子,shared01\r\n";
    let err = malion::link_import(&env.services, csv.as_bytes()).unwrap_err();
    let kot_connect::Error::Input(message) = &err else {
        panic!("expected Error::Input, got {err:?}");
    };
    assert!(message.contains("サービスアカウント shared01"), "{message}");
    assert!(
        message.contains("2行目 (line 2) 打刻先アカウント 0069"),
        "{message}"
    );
    assert!(
        message.contains("3行目 (line 3) 打刻先アカウント 0070"),
        "{message}"
    );
    assert_eq!(env.state_files(), stored, "nothing stored");

    // Against the stored table too: 0069 may not take an account 0056 has.
    let csv = "連携種別,種別コード,打刻先アカウント,姓・名,サービスアカウント\r\n\
               MaLion連携,3,0069,山田 太郎,0056\r\n";
    let err = malion::link_import(&env.services, csv.as_bytes()).unwrap_err();
    assert!(matches!(err, kot_connect::Error::Input(_)), "{err:?}");
    assert_eq!(env.state_files(), stored, "nothing stored");
}

#[tokio::test]
async fn a_run_inside_a_time_band_posts_the_new_logoffs_once() {
    let env = Env::new().await;
    import_default_links(&env).await;
    let links = expect::malion_default_links(&env);
    malion::sync(&env.services, &post()).await.unwrap();
    let before = env.kot();
    assert!(env.state_files().contains_key("kot-directory.json"));
    let reads = kot_record_reads(&env);
    assert!(reads > 0, "outside a band, KOT's punches are read");

    // 18:25 JST, inside 17:30-18:30: the first logoffs of the day are in.
    env.set_jst(2026, 11, 20, 18, 25);
    let outcome = malion::sync(&env.services, &post()).await.unwrap();
    let want = expect::malion(&env, &links);
    assert_eq!(env.kot(), want, "every punch once, none doubled");
    assert!(want.len() > before.len());
    assert_eq!(outcome.posted, want.len() - before.len());
    assert_eq!(kot_record_reads(&env), reads, "KOT not read in the band");

    let third = malion::sync(&env.services, &post()).await.unwrap();
    assert_eq!(third.posted, 0);
    assert_eq!(env.kot(), want);
}

#[tokio::test]
async fn a_dry_run_changes_nothing() {
    let env = Env::new().await;
    import_default_links(&env).await;
    let links = expect::malion_default_links(&env);
    let state = env.state_files();
    let outcome = malion::sync(&env.services, &dry_run()).await.unwrap();
    assert!(outcome.dry_run);
    assert_eq!(outcome.posted, 0);
    assert_eq!(outcome.failure_csv, None);
    assert!(env.kot().is_empty());
    assert_eq!(env.state_files(), state);
    assert_eq!(
        plan_rows(&outcome.plan.unwrap()),
        expect::malion(&env, &links)
    );
}
