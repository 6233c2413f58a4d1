//! `senselink`: 社員情報連携 (KOT → SenseLink persons), 勤怠連携
//! (recognition records → 出勤/退勤) and the schedule that runs them.

use std::future::Future;
use std::pin::Pin;

use chrono::{DateTime, FixedOffset, NaiveDate};
use kot_connect_core::Planner;
use kot_connect_core::adapters::senselink::{
    CONNECTOR, SenseLinkSource, SenseLinkTarget, sync_persons,
};
use kot_connect_core::engine::Notify;
use kot_connect_core::report::{SyncJob, SyncLog};
use kot_connect_core::rules::senselink::SenseLinkRule;
use kot_connect_core::schedule::{Schedule, TargetDay};

use crate::run::{Outcome, RunOptions, engine};
use crate::{Error, Services};

/// Which day `attendance` syncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Day {
    /// A work date (`--date D`).
    Date(NaiveDate),
    /// 前日 or 当日, relative to now (`--target`, or the configuration's
    /// 対象データ when neither is given).
    Target(TargetDay),
    /// The configuration's 対象データ.
    Configured,
}

/// `attendance`: the day's first recognition as 出勤 and, in 出勤・退勤
/// mode, its last as 退勤.
///
/// # Errors
/// The clients or the state cannot be set up. A run that fails midway is
/// a FAILURE [`Outcome`], not an error.
pub async fn attendance(
    services: &Services,
    day: Day,
    options: &RunOptions,
) -> Result<Outcome, Error> {
    let config = services.config().senselink()?;
    let (target_day, target) = match day {
        Day::Date(date) => (config.target, SenseLinkTarget::Date(date)),
        Day::Target(t) => (t, SenseLinkTarget::Scheduled),
        Day::Configured => (config.target, SenseLinkTarget::Scheduled),
    };
    let rule = SenseLinkRule::new(config.mode, target_day);
    let source = SenseLinkSource::new(services.senselink()?, rule, target);
    let engine = engine(services, Planner::default(), options)?;
    let run = engine.run(&source, options.mode()).await;
    Outcome::from_run(services, run)
}

/// `employees`: KOT's employees → SenseLink persons (従業員番号 = 従業員コード,
/// 氏名 = 姓　名, 生年月日, 入社日, e-mail): create, update, leave alone;
/// persons of resigned employees are reported, never deleted.
///
/// # Errors
/// The clients or the state cannot be set up.
pub async fn employees(services: &Services, options: &RunOptions) -> Result<Outcome, Error> {
    let client = services.senselink()?;
    let engine = engine(services, Planner::default(), options)?;
    let started = services.now_jst();
    let snapshot = engine.directory_snapshot(options.mode()).await;
    let today = started.date_naive();
    let result = match snapshot {
        Ok(snapshot) => sync_persons(&client, &snapshot.employees, today, options.dry_run)
            .await
            .map_err(|e| e.to_string()),
        Err(e) => Err(e.to_string()),
    };
    let finished = services.now_jst();
    let (log, failures) = match result {
        Ok(outcome) => {
            let details = outcome.failures.iter().map(|f| f.message_ja()).collect();
            (
                SyncLog::finished(
                    CONNECTOR,
                    SyncJob::EmployeeSync,
                    started,
                    finished,
                    outcome.counts,
                    details,
                ),
                outcome.failures,
            )
        }
        Err(e) => (
            SyncLog::aborted(
                CONNECTOR,
                SyncJob::EmployeeSync,
                started,
                finished,
                Default::default(),
                Vec::new(),
                e,
            ),
            Vec::new(),
        ),
    };
    let mut notified = None;
    if !options.dry_run
        && let Some(notifier) = services.notifier()?
    {
        notified = Some(Notify::notify(&notifier, &log, &failures).await);
    }
    Outcome::of_log(services, log, failures, options.dry_run, notified)
}

/// How `--schedule` waits for the next run: real time, or (in the
/// sandbox) by moving the sandbox's clock there at once.
pub trait Wait: Send + Sync {
    /// Returns once `at` has come.
    fn until<'a>(
        &'a self,
        at: DateTime<FixedOffset>,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>>;
}

/// Waits in real time, by the services' clock.
#[derive(Debug)]
pub struct RealTime<'s>(pub &'s Services);

impl Wait for RealTime<'_> {
    fn until<'a>(
        &'a self,
        at: DateTime<FixedOffset>,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(async move {
            loop {
                let left = at.signed_duration_since(self.0.now());
                match left.to_std() {
                    Ok(d) if !d.is_zero() => {
                        tokio::time::sleep(d.min(std::time::Duration::from_secs(60))).await
                    }
                    _ => return,
                }
            }
        })
    }
}

/// Waits by moving a sandbox's clock to the run's time at once.
#[derive(Debug, Clone)]
pub struct Jump(pub kot_connect_sandbox::SandboxClock);

impl Wait for Jump {
    fn until<'a>(
        &'a self,
        at: DateTime<FixedOffset>,
    ) -> Pin<Box<dyn Future<Output = ()> + Send + 'a>> {
        Box::pin(async move { self.0.set(at.with_timezone(&chrono::Utc)) })
    }
}

/// Which job a scheduled run is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// 社員情報連携.
    Employees,
    /// 勤怠連携, on 前日 or 当日.
    Attendance(TargetDay),
}

/// The next scheduled job strictly after `after`: the earlier of the two
/// schedules (employees first on a tie, so persons exist before their
/// records are read); `None` when both are manual.
pub fn next_job(
    employees: &Schedule,
    attendance: &Schedule,
    after: DateTime<FixedOffset>,
) -> Option<(DateTime<FixedOffset>, Job)> {
    let e = employees.next_run(&after).map(|t| (t, Job::Employees));
    let a = attendance.next_run(&after).map(|t| {
        let target = match attendance {
            Schedule::Daily { target, .. } => *target,
            _ => TargetDay::PreviousDay,
        };
        (t, Job::Attendance(target))
    });
    match (e, a) {
        (Some(e), Some(a)) => Some(if a.0 < e.0 { a } else { e }),
        (e, a) => e.or(a),
    }
}

/// `--schedule`: runs the jobs at the configuration's times (the manual's
/// 毎日/毎月 at an hour, moved out of KOT's time bands), `runs` times or
/// for ever, handing each outcome to `each`.
///
/// # Errors
/// Both schedules are manual, or a run cannot be set up.
pub async fn schedule(
    services: &Services,
    options: &RunOptions,
    wait: &dyn Wait,
    runs: Option<u32>,
    mut each: impl FnMut(Job, &Outcome),
) -> Result<u32, Error> {
    let config = services.config().senselink()?;
    let (employees_at, attendance_at) = (config.schedule.employees, config.schedule.attendance);
    let mut after = services.now_jst();
    let mut done = 0;
    while runs.is_none_or(|n| done < n) {
        let Some((at, job)) = next_job(&employees_at, &attendance_at, after) else {
            return Err(Error::Config(
                "[senselink.schedule]: both jobs are manual; nothing to schedule".into(),
            ));
        };
        wait.until(at).await;
        let outcome = match job {
            Job::Employees => employees(services, options).await?,
            Job::Attendance(target) => attendance(services, Day::Target(target), options).await?,
        };
        each(job, &outcome);
        after = at;
        done += 1;
    }
    Ok(done)
}
