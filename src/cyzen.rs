//! `cyzen`: status presses → punches, and the per-user enable list.

use std::collections::BTreeSet;

use kot_api::models::EmployeeCode;
use kot_connect_core::Planner;
use kot_connect_core::adapters::cyzen::CyzenSource;
use kot_connect_core::engine::StateStore;
use kot_connect_core::plan::ConflictPolicy;
use kot_connect_core::rules::cyzen::{CyzenRule, EnabledUsers};

use crate::run::{Outcome, RunOptions, engine};
use crate::{Error, Services};

/// The enable list's name in the state directory (JSON); without it the
/// configuration's `enabled` applies.
pub const ENABLED: &str = "cyzen-enabled.json";

/// Attendance sync: every press of 勤務開始 → 出勤, 勤務終了 → 退勤,
/// 休憩開始/休憩終了 → breaks, for the enabled users; the whole current
/// month on the first run, then from the last settled run on. Every press
/// is posted (cyzen's manual: a second 出勤 is a second punch).
///
/// # Errors
/// The clients or the state cannot be set up.
pub async fn attendance(services: &Services, options: &RunOptions) -> Result<Outcome, Error> {
    let state = services.state_store()?;
    let rule = CyzenRule::new(enabled(services, &state)?);
    let source = CyzenSource::new(services.cyzen()?, rule);
    let planner = Planner::default().with_conflicts(ConflictPolicy::PostEvery);
    let engine = engine(services, planner, options)?;
    let run = engine.run(&source, options.mode()).await;
    Outcome::from_run(services, run)
}

/// The users attendance is synced for: the stored list, or the
/// configuration's.
///
/// # Errors
/// The stored list cannot be read.
pub fn enabled(services: &Services, state: &dyn StateStore) -> Result<EnabledUsers, Error> {
    match state.load(ENABLED).map_err(Error::state)? {
        Some(bytes) => serde_json::from_slice(&bytes)
            .map_err(|e| Error::Input(format!("{ENABLED} in the state directory: {e}"))),
        None => Ok(services.config().cyzen()?.enabled.clone()),
    }
}

/// One cyzen user, as `users` lists them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRow {
    /// ユーザーコード (= 従業員コード).
    pub code: String,
    /// The user's name in cyzen.
    pub name: String,
    /// Whether KOT has an employee with this code.
    pub in_kot: bool,
    /// Whether attendance is synced for them.
    pub enabled: bool,
}

/// `users`: cyzen's users with their KOT match and whether they are
/// synced.
///
/// # Errors
/// cyzen or KOT cannot be read.
pub async fn users(services: &Services) -> Result<Vec<UserRow>, Error> {
    let state = services.state_store()?;
    let enabled = enabled(services, &state)?;
    let directory = crate::run::directory(services, &RunOptions::post())
        .await?
        .directory();
    let users = services
        .cyzen()?
        .users()
        .list()
        .all()
        .await
        .map_err(|e| Error::service("cyzen", e))?;
    let mut rows: Vec<UserRow> = users
        .into_iter()
        .filter_map(|u| {
            let code = u.user_code?.as_str().to_owned();
            let employee = EmployeeCode::new(code.clone());
            Some(UserRow {
                in_kot: directory.contains(&employee),
                enabled: enabled.contains(&employee),
                name: u.user_name.unwrap_or_default(),
                code,
            })
        })
        .collect();
    rows.sort_by(|a, b| a.code.cmp(&b.code));
    Ok(rows)
}

/// `users enable` / `users disable`: turns the sync on or off for
/// `codes` and stores the list. Turning someone off when every user is
/// enabled makes the list explicit: every user cyzen has but them.
///
/// # Errors
/// cyzen cannot be read (to expand "all"), or the state cannot be written.
pub async fn set_enabled(
    services: &Services,
    codes: &[String],
    on: bool,
) -> Result<EnabledUsers, Error> {
    let state = services.state_store()?;
    let mut set: BTreeSet<EmployeeCode> = match enabled(services, &state)? {
        EnabledUsers::Only(set) => set,
        EnabledUsers::All if on => return Ok(EnabledUsers::All),
        EnabledUsers::All => users(services)
            .await?
            .into_iter()
            .map(|u| EmployeeCode::new(u.code))
            .collect(),
    };
    for code in codes {
        let code = EmployeeCode::new(code.clone());
        if on {
            set.insert(code);
        } else {
            set.remove(&code);
        }
    }
    let list = EnabledUsers::Only(set);
    let bytes = serde_json::to_vec_pretty(&list).map_err(Error::state)?;
    state.store(ENABLED, &bytes).map_err(Error::state)?;
    Ok(list)
}
