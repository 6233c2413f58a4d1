#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]
//! cyzen ⇄ KING OF TIME end to end, against the sandbox: what the example
//! program `cyzen` runs.
mod common;

use chrono::{DateTime, Utc};
use common::{
    Env, Row, date, dry_run, expect, failure_rows, jst, kot_record_reads, plan_rows, post,
    unmatched_message,
};
use kot_connect::cyzen;

/// The outsider: a cyzen user whose code no KOT employee has.
const OUTSIDER: &str = "9002";

/// The sandbox's start: the 3rd of the month, 11:00 JST (a short month so
/// far keeps the runs small).
fn start() -> DateTime<Utc> {
    jst(2026, 11, 3, 11, 0)
}

fn month_start() -> DateTime<Utc> {
    jst(2026, 11, 1, 0, 0)
}

#[tokio::test]
async fn the_first_run_posts_every_synced_press_of_the_month_and_a_second_run_nothing() {
    let env = Env::at(start()).await;
    // A press of the previous month: the first run covers the current
    // month only.
    env.sandbox
        .cyzen()
        .add_press("0021", "st-01", jst(2026, 10, 31, 23, 50))
        .unwrap();

    let outcome = cyzen::attendance(&env.services, &post()).await.unwrap();
    let want = expect::cyzen(&env, month_start(), &[]);
    assert_eq!(env.kot(), want);
    assert_eq!(outcome.posted, want.len());
    assert!(outcome.is_success(), "{:?}", outcome.log);
    // From the 1st of the month, nothing from October.
    assert_eq!(want.first().map(|r| r.1), Some(date(2026, 11, 1)));
    assert!(env.kot().iter().all(|r| r.1 >= date(2026, 11, 1)));
    // Repeated 出勤 presses are each a punch (0025 presses 出勤 twice a day).
    let clock_ins_0025 = env
        .kot()
        .iter()
        .filter(|r| r.0 == "0025" && r.1 == date(2026, 11, 2) && r.3 == 1)
        .count();
    assert_eq!(clock_ins_0025, 2);
    // Statuses that are not synced are counted as ignored.
    let not_synced = env
        .sandbox
        .cyzen()
        .visible_presses()
        .iter()
        .filter(|p| p.pressed_at >= month_start() && p.user_code != OUTSIDER)
        .filter(|p| expect::cyzen_code(&p.status_id).is_none())
        .count();
    assert_eq!(outcome.log.counts.ignored, not_synced);

    let again = cyzen::attendance(&env.services, &post()).await.unwrap();
    assert_eq!(again.posted, 0);
    assert_eq!(env.kot(), want);
}

#[tokio::test]
async fn the_unmatched_user_is_in_the_failure_csv() {
    let env = Env::at(start()).await;
    let outcome = cyzen::attendance(&env.services, &post()).await.unwrap();
    let outsider_presses = env
        .sandbox
        .cyzen()
        .visible_presses()
        .into_iter()
        .filter(|p| p.user_code == OUTSIDER && p.pressed_at >= month_start())
        .count();
    assert!(outsider_presses > 0);
    assert_eq!(outcome.log.counts.unmatched, outsider_presses);
    let path = outcome.failure_csv.expect("a failure CSV");
    let rows = failure_rows(&path);
    assert_eq!(rows.len(), outsider_presses);
    for row in &rows {
        assert_eq!(row[3], unmatched_message(OUTSIDER), "{row:?}");
        // The outsider presses only 勤務開始 and 勤務終了.
        assert!(["出勤", "退勤"].contains(&row[1].as_str()), "{row:?}");
    }
    // Nobody else failed.
    assert!(env.kot().iter().all(|r| r.0 != OUTSIDER));
}

#[tokio::test]
async fn a_run_inside_a_time_band_posts_the_new_presses_once() {
    let env = Env::at(start()).await;
    // Outside a band: KOT's employees are read and cached.
    cyzen::attendance(&env.services, &post()).await.unwrap();
    let before = env.kot();
    assert!(env.state_files().contains_key("kot-directory.json"));
    let reads = kot_record_reads(&env);
    assert!(reads > 0, "outside a band, KOT's punches are read");

    // 18:25 JST, inside 17:30-18:30: the afternoon's presses are served.
    env.set_jst(2026, 11, 3, 18, 25);
    let outcome = cyzen::attendance(&env.services, &post()).await.unwrap();
    let want = expect::cyzen(&env, month_start(), &[]);
    assert_eq!(env.kot(), want, "every press once, none doubled");
    assert!(want.len() > before.len());
    assert_eq!(outcome.posted, want.len() - before.len());
    assert_eq!(kot_record_reads(&env), reads, "KOT not read in the band");
    assert!(
        want.iter()
            .any(|r| r.1 == date(2026, 11, 3) && r.3 == 2 && r.2.as_str() <= "2026-11-03 18:25:00"),
        "some 退勤 of today before 18:25"
    );

    let third = cyzen::attendance(&env.services, &post()).await.unwrap();
    assert_eq!(third.posted, 0);
    assert_eq!(env.kot(), want);
}

#[tokio::test]
async fn a_dry_run_changes_nothing() {
    let env = Env::at(start()).await;
    let state = env.state_files();
    let outcome = cyzen::attendance(&env.services, &dry_run()).await.unwrap();
    assert!(outcome.dry_run);
    assert_eq!(outcome.posted, 0);
    assert!(env.kot().is_empty());
    assert_eq!(env.state_files(), state);
    assert_eq!(outcome.failure_csv, None);
    let plan = outcome.plan.expect("a plan");
    assert_eq!(plan_rows(&plan), expect::cyzen(&env, month_start(), &[]));

    // After a real run, a dry run later in the day plans only the new presses.
    cyzen::attendance(&env.services, &post()).await.unwrap();
    let kot = env.kot();
    env.set_jst(2026, 11, 3, 14, 0);
    let state = env.state_files();
    let outcome = cyzen::attendance(&env.services, &dry_run()).await.unwrap();
    assert_eq!(env.kot(), kot);
    assert_eq!(env.state_files(), state);
    let all = expect::cyzen(&env, month_start(), &[]);
    let new: Vec<Row> = all.into_iter().filter(|r| !kot.contains(r)).collect();
    assert!(!new.is_empty());
    assert_eq!(plan_rows(&outcome.plan.unwrap()), new);
}

#[tokio::test]
async fn a_disabled_user_is_not_posted_and_users_lists_the_outsider() {
    let env = Env::at(start()).await;
    cyzen::set_enabled(&env.services, &["0023".into()], false)
        .await
        .unwrap();
    let outcome = cyzen::attendance(&env.services, &post()).await.unwrap();
    let want = expect::cyzen(&env, month_start(), &["0023"]);
    assert_eq!(env.kot(), want);
    assert!(env.kot().iter().all(|r| r.0 != "0023"));
    let visible = env.sandbox.cyzen().visible_presses();
    let of_0023 = visible
        .iter()
        .filter(|p| p.user_code == "0023" && p.pressed_at >= month_start())
        .count();
    let not_synced = visible
        .iter()
        .filter(|p| p.pressed_at >= month_start())
        .filter(|p| p.user_code != OUTSIDER && p.user_code != "0023")
        .filter(|p| expect::cyzen_code(&p.status_id).is_none())
        .count();
    assert!(of_0023 > 0);
    assert_eq!(outcome.log.counts.ignored, not_synced + of_0023);

    let users = cyzen::users(&env.services).await.unwrap();
    assert_eq!(users.len(), env.sandbox.cyzen().users().len());
    let row = |code: &str| users.iter().find(|u| u.code == code).unwrap().clone();
    let outsider = row(OUTSIDER);
    assert!(!outsider.in_kot);
    assert_eq!(outsider.name, "外部 協力者");
    let off = row("0023");
    assert!(off.in_kot && !off.enabled);
    let on = row("0021");
    assert!(on.in_kot && on.enabled);
}

/// Records the order in which stages begin and end.
#[derive(Default)]
struct Stages(std::sync::Mutex<Vec<String>>);

impl kot_connect_core::engine::Progress for Stages {
    fn begin(&self, stage: kot_connect_core::engine::Stage, _: Option<u64>) {
        self.0.lock().unwrap().push(format!("begin {stage:?}"));
    }
    fn advance(&self, _: kot_connect_core::engine::Stage, _: u64) {}
    fn end(&self, stage: kot_connect_core::engine::Stage) {
        self.0.lock().unwrap().push(format!("end {stage:?}"));
    }
}

#[tokio::test]
async fn punches_are_posted_while_later_pages_are_read_and_kot_is_read_first() {
    let env = Env::at(start()).await;
    // Small pages, so that the month's presses take many reads.
    env.sandbox.cyzen().set_page_size(5);
    let stages = std::sync::Arc::new(Stages::default());
    let options = kot_connect::run::RunOptions {
        dry_run: false,
        progress: stages.clone(),
    };
    let outcome = cyzen::attendance(&env.services, &options).await.unwrap();

    let want = expect::cyzen(&env, month_start(), &[]);
    assert_eq!(env.kot(), want);
    assert_eq!(outcome.posted, want.len());
    assert_eq!(kot_record_reads(&env), 1);
    let events = stages.0.lock().unwrap().clone();
    let position = |event: &str| events.iter().position(|e| e == event);
    let last = |event: &str| events.iter().rposition(|e| e == event);
    // KOT's punches are read before the source, and posting starts before
    // the last page is read.
    assert!(
        position("end KotRecords") < position("begin Fetch"),
        "{events:?}"
    );
    assert!(position("begin Post") < last("end Fetch"), "{events:?}");
}
