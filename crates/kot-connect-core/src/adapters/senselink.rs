//! SenseLink / SenseThunder (feature `senselink`): face recognitions →
//! 出勤 / 退勤 ([`SenseLinkSource`]), and 社員情報連携, KOT employees →
//! SenseLink persons ([`sync_persons`]).
//!
//! # Attendance
//!
//! One run syncs one work date: a fixed date (a manual run's 「日付」) or the
//! date the rule's 前日 / 当日 gives for the run's JST date
//! ([`SenseLinkTarget`]). The recognitions of that JST date and the next are
//! fetched (employees only, page by page): a division whose day border is
//! 05:00 works until 05:00 the next morning, and the rule keeps exactly the
//! records of the work date under each employee's border (the others are
//! ignored as outside the window, never dropped).
//!
//! 従業員番号 (`job_number`) must equal the KOT 従業員コード exactly: leading
//! zeros and case count. A record whose number no KOT employee has, or that
//! has no number, is a failure row with its record id.
//!
//! ```no_run
//! use kot_connect_core::adapters::senselink::{SenseLinkSource, SenseLinkTarget};
//! use kot_connect_core::rules::senselink::{SenseLinkMode, SenseLinkRule, TargetDay};
//!
//! # fn run(client: senselink_api::Client) {
//! let rule = SenseLinkRule::new(SenseLinkMode::ClockInAndOut, TargetDay::PreviousDay);
//! let source = SenseLinkSource::new(client, rule, SenseLinkTarget::Scheduled);
//! // engine.run(&source) ...
//! # let _ = source;
//! # }
//! ```

use chrono::{DateTime, FixedOffset, NaiveDate, Utc};
use futures_util::StreamExt;
use kot_api::models::Employee;

use super::support::{Described, split_matches, work_date_span};
use crate::employee_sync::{
    EmployeeSyncPlan, PersonField, PersonFields, PersonId as PlanPersonId, SenseLinkPerson,
    plan_employee_sync,
};
use crate::engine::{Collected, Source, SourceContext, SourceError, Stage};
use crate::matching::Matcher;
use crate::punch::{Location, SourceRef, SourceSystem};
use crate::report::{FailureReason, FailureRow, SyncCounts, SyncJob};
use crate::rules::senselink::{Recognition, SenseLinkRule, TargetDay};
use crate::time::jst;
use senselink_api::models::{NewPerson, Person, PersonId, PersonUpdate, Record};

/// The connector's default name in the sync log (コネクト名).
pub const CONNECTOR: &str = "SenseThunder連携";

/// The id reported for a record without 従業員番号.
pub const MISSING_JOB_NUMBER: &str = "(従業員番号なし)";

/// Which work date a run syncs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum SenseLinkTarget {
    /// The date the rule's [`TargetDay`] (前日 / 当日) gives for the JST
    /// date of the run's `now`: a scheduled run.
    #[default]
    Scheduled,
    /// This work date: a manual run (`--date D`).
    Date(NaiveDate),
}

impl SenseLinkTarget {
    /// The work date a run at `now` syncs, the rule's 前日 / 当日 being
    /// `target_day`.
    pub fn work_date(self, now: &DateTime<Utc>, target_day: TargetDay) -> NaiveDate {
        match self {
            SenseLinkTarget::Scheduled => target_day.date_for(now),
            SenseLinkTarget::Date(date) => date,
        }
    }
}

impl From<NaiveDate> for SenseLinkTarget {
    fn from(date: NaiveDate) -> Self {
        SenseLinkTarget::Date(date)
    }
}

/// SenseLink recognitions as a [`Source`].
#[derive(Debug, Clone)]
pub struct SenseLinkSource {
    client: senselink_api::Client,
    rule: SenseLinkRule,
    target: SenseLinkTarget,
    connector: String,
}

impl SenseLinkSource {
    /// A source reading `client`'s recognitions with `rule` for `target`.
    pub fn new(
        client: senselink_api::Client,
        rule: SenseLinkRule,
        target: SenseLinkTarget,
    ) -> Self {
        Self {
            client,
            rule,
            target,
            connector: CONNECTOR.to_owned(),
        }
    }

    /// Uses `name` as the connector's name in the sync log.
    pub fn with_connector_name(mut self, name: impl Into<String>) -> Self {
        self.connector = name.into();
        self
    }

    /// The work date a run at `now` syncs.
    pub fn work_date(&self, now: &DateTime<Utc>) -> NaiveDate {
        self.target.work_date(now, self.rule.target_day)
    }
}

/// What a run keeps of one recognition record, made as its page arrives
/// (the raw record, with its names, device and image fields, is dropped at
/// once): the rule's inputs and what a failure row shows.
#[derive(Debug, Clone, PartialEq)]
struct Seen {
    id: i64,
    job_number: Option<String>,
    at: DateTime<FixedOffset>,
    location: Option<Location>,
}

impl From<Record> for Seen {
    fn from(r: Record) -> Self {
        Seen {
            id: r.id.get(),
            job_number: r.job_number.map(|j| j.as_str().to_owned()),
            at: r.sign_time.with_timezone(&jst()),
            location: match (r.latitude, r.longitude) {
                (Some(latitude), Some(longitude)) => Some(Location {
                    latitude,
                    longitude,
                }),
                _ => None,
            },
        }
    }
}

impl Described for Seen {
    fn source_ref(&self) -> SourceRef {
        SourceRef::new(SourceSystem::SenseLink, self.id.to_string())
    }

    fn at(&self) -> Option<DateTime<FixedOffset>> {
        Some(self.at)
    }
}

#[async_trait::async_trait]
impl Source for SenseLinkSource {
    fn connector(&self) -> &str {
        &self.connector
    }

    fn system(&self) -> Option<SourceSystem> {
        Some(SourceSystem::SenseLink)
    }

    async fn collect(&self, ctx: &SourceContext<'_>) -> Result<Collected, SourceError> {
        let work_date = self.work_date(&ctx.now);
        let next = work_date.succ_opt().ok_or_else(|| {
            SourceError::new(SourceSystem::SenseLink.as_str(), "work date out of range")
        })?;
        ctx.progress.begin(Stage::Fetch, None);
        let mut stream = self
            .client
            .records()
            .on_dates(work_date, next)
            .employees_only()
            .stream();
        // Page by page: each record becomes a `Seen` as it arrives, so the
        // run holds the work date's compact records, never the raw pages.
        let mut records: Vec<Seen> = Vec::new();
        while let Some(record) = stream.next().await {
            let record =
                record.map_err(|e| SourceError::new(SourceSystem::SenseLink.as_str(), e))?;
            records.push(Seen::from(record));
            ctx.progress.advance(Stage::Fetch, 1);
        }
        drop(stream);
        ctx.progress.end(Stage::Fetch);
        let fetched = records.len();

        let outcome =
            Matcher::same_as_code().match_records(records, |r: &Seen| r.job_number.as_deref());
        let (matched, failures) = split_matches(
            outcome,
            ctx.directory,
            |r: &Seen| r.job_number.clone().unwrap_or_default(),
            MISSING_JOB_NUMBER,
            |_| false,
        );
        // The next day is fetched only for the work dates that run past
        // midnight (a 05:00 border); its unmatched records are the next
        // day's run to report, so that each is reported once. Nobody's
        // border is known for them: midnight.
        let failures: Vec<FailureRow> = failures
            .into_iter()
            .filter(|f| {
                f.at.is_none_or(|at| at.with_timezone(&jst()).date_naive() <= work_date)
            })
            .collect();
        let recognitions: Vec<Recognition> = matched
            .into_iter()
            .map(|m| {
                let r = m.record;
                let mut recognition = Recognition::new(r.id, m.employee, r.at);
                recognition.location = r.location;
                recognition
            })
            .collect();
        let (punches, ignored) = self
            .rule
            .apply_to_work_date(work_date, &recognitions, ctx.directory)
            .into_parts();
        let work_dates = if fetched == 0 {
            None
        } else {
            work_date_span(Some((work_date, work_date)), &punches)
        };
        Ok(Collected {
            punches,
            ignored,
            failures,
            work_dates,
            fetched,
        })
    }
}

/// What [`sync_persons`] did (or, on a dry run, would do).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct PersonSyncOutcome {
    /// Persons created, updated, unchanged and of resigned employees;
    /// skipped employees count as ignored. On a dry run, what the plan
    /// would do; otherwise only what SenseLink accepted.
    pub counts: SyncCounts,
    /// Persons SenseLink refused (or fields the API cannot clear), one row
    /// each, with the employee code.
    pub failures: Vec<FailureRow>,
    /// The plan that was carried out: its `resigned` persons (reported,
    /// never deleted), `not_in_kot` persons (left alone) and `skipped`
    /// employees are for the administrator to review.
    pub plan: EmployeeSyncPlan,
    /// Whether this was a dry run (nothing was written).
    pub dry_run: bool,
}

impl PersonSyncOutcome {
    /// The job of the sync log (社員情報連携).
    pub fn job(&self) -> SyncJob {
        SyncJob::EmployeeSync
    }
}

/// 社員情報連携: brings SenseLink's persons in line with KOT's `employees`
/// on `today` (the run's JST date), with
/// [`plan_employee_sync`].
///
/// Reads every person (one paged list), then creates the missing ones and
/// updates the changed fields, one call per person; a person SenseLink
/// refuses is a failure row and the others go on. Persons of resigned
/// employees are counted and listed, never deleted. A dry run reads the
/// persons and calls nothing that writes.
///
/// SenseLink's API cannot clear a date: when KOT no longer has an
/// employee's 生年月日 or 入社日, that field is left as it is and reported
/// as a failure row (the other fields are still updated). A cleared e-mail
/// is sent as an empty `mail`.
///
/// # Errors
/// The SenseLink error when the persons cannot be listed (nothing was
/// written then).
pub async fn sync_persons(
    client: &senselink_api::Client,
    employees: &[Employee],
    today: NaiveDate,
    dry_run: bool,
) -> Result<PersonSyncOutcome, senselink_api::Error> {
    let persons: Vec<SenseLinkPerson> = client
        .persons()
        .list()
        .all()
        .await?
        .iter()
        .map(to_plan_person)
        .collect();
    let plan = plan_employee_sync(employees, &persons, today);
    let mut outcome = PersonSyncOutcome {
        counts: plan.counts(),
        failures: Vec::new(),
        plan,
        dry_run,
    };
    if dry_run {
        return Ok(outcome);
    }
    outcome.counts.created = 0;
    outcome.counts.updated = 0;
    for fields in &outcome.plan.create {
        match client.persons().create(&new_person(fields)).await {
            Ok(_) => outcome.counts.created += 1,
            Err(e) => outcome
                .failures
                .push(person_failure(&fields.job_number, &e)),
        }
    }
    for update in &outcome.plan.update {
        let (changes, uncleared) = person_update(&update.fields, &update.changed);
        for field in uncleared {
            outcome.failures.push(FailureRow {
                employee: Some(update.fields.job_number.as_str().into()),
                kind: None,
                at: None,
                reason: FailureReason::ApiError {
                    message: format!(
                        "SenseLink's API cannot clear {} ({}) of person {}: KOT has no value; left unchanged",
                        field.label_ja(),
                        field.api_name(),
                        update.id
                    ),
                },
                source: None,
            });
        }
        let Some(changes) = changes else { continue };
        let Ok(id) = update.id.0.parse::<i64>() else {
            outcome.failures.push(FailureRow {
                employee: Some(update.fields.job_number.as_str().into()),
                kind: None,
                at: None,
                reason: FailureReason::ApiError {
                    message: format!("person id {} is not a SenseLink id", update.id),
                },
                source: None,
            });
            continue;
        };
        match client.persons().update(PersonId(id), &changes).await {
            Ok(()) => outcome.counts.updated += 1,
            Err(e) => outcome
                .failures
                .push(person_failure(&update.fields.job_number, &e)),
        }
    }
    outcome.counts.failed = outcome.failures.len();
    Ok(outcome)
}

fn to_plan_person(person: &Person) -> SenseLinkPerson {
    SenseLinkPerson {
        id: PlanPersonId(person.id.to_string()),
        fields: PersonFields {
            job_number: person
                .job_number
                .as_ref()
                .map_or_else(String::new, |j| j.as_str().to_owned()),
            name: person.name.clone().unwrap_or_default(),
            birthday: person.birthday_date(),
            entry_time: person.entry_date(),
            mail: person.mail.clone().filter(|m| !m.trim().is_empty()),
        },
    }
}

fn new_person(fields: &PersonFields) -> NewPerson {
    let mut person = NewPerson::new(fields.name.clone()).job_number(fields.job_number.as_str());
    if let Some(date) = fields.birthday {
        person = person.birthday(date);
    }
    if let Some(date) = fields.entry_time {
        person = person.entry_time(date);
    }
    if let Some(mail) = &fields.mail {
        person = person.mail(mail.clone());
    }
    person
}

/// The update for the `changed` fields (`None` when nothing can be sent),
/// and the fields the API cannot clear.
fn person_update(
    fields: &PersonFields,
    changed: &[PersonField],
) -> (Option<PersonUpdate>, Vec<PersonField>) {
    let mut update = PersonUpdate::new();
    let mut any = false;
    let mut uncleared = Vec::new();
    for field in changed {
        match field {
            PersonField::Name => {
                update = update.name(fields.name.clone());
                any = true;
            }
            PersonField::Birthday => match fields.birthday {
                Some(date) => {
                    update = update.birthday(date);
                    any = true;
                }
                None => uncleared.push(*field),
            },
            PersonField::EntryTime => match fields.entry_time {
                Some(date) => {
                    update = update.entry_time(date);
                    any = true;
                }
                None => uncleared.push(*field),
            },
            PersonField::Mail => {
                update = update.mail(fields.mail.clone().unwrap_or_default());
                any = true;
            }
        }
    }
    (any.then_some(update), uncleared)
}

fn person_failure(job_number: &str, error: &senselink_api::Error) -> FailureRow {
    FailureRow {
        employee: Some(job_number.into()),
        kind: None,
        at: None,
        reason: FailureReason::ApiError {
            message: error.to_string(),
        },
        source: None,
    }
}
