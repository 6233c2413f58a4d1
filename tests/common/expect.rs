//! What KOT must hold after each connector's run, derived from the
//! sandbox's seed data and the manuals' rules, independently of the code
//! under test (no core rule is called here).

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Days, Duration, NaiveDate, NaiveTime, TimeZone, Utc};
use kot_connect_sandbox::senselink::{senselink_late_leaver, senselink_schedule};
use malion_api::models::{LogEvent, OperationLog};

use super::{Env, Row};

/// The MaLion source's default lookback, in days.
pub const MALION_LOOKBACK: u64 = 2;

/// The chat replayed to the bot: (sender, text, minutes the clock moves).
pub type Chat<'a> = [(&'a str, &'a str, i64)];

/// What KOT must hold after syncing `day` in 出勤・退勤 mode, computed from
/// the sandbox's seed formula: every registered, active employee's first
/// recognition as 出勤 (1) and last as 退勤 (2).
pub fn senselink(env: &Env, day: NaiveDate) -> Vec<(String, NaiveDate, String, u8)> {
    let jst = kot_connect_core::time::jst();
    let mut out = Vec::new();
    for e in &env.sandbox.company().employees {
        if !e.senselink || !e.is_active_on(day) {
            continue;
        }
        let n: u32 = e.code.parse().unwrap();
        let [first, _, last] =
            senselink_schedule(n, senselink_late_leaver(n, &e.division_code), day);
        for (at, code) in [(first, 1), (last, 2)] {
            let at = jst.from_local_datetime(&at).unwrap();
            out.push((
                e.code.clone(),
                day,
                at.format("%Y-%m-%d %H:%M:%S").to_string(),
                code,
            ));
        }
    }
    out.sort();
    out
}

/// The manual's rule on the seed's status master: 勤務開始 (st-01) → 出勤,
/// 勤務終了 (st-06) → 退勤, the statuses named 休憩開始 (st-04) and 休憩終了
/// (st-05) → the breaks; the other statuses are not synced.
pub fn cyzen_code(status_id: &str) -> Option<u8> {
    match status_id {
        "st-01" => Some(1),
        "st-06" => Some(2),
        "st-04" => Some(3),
        "st-05" => Some(4),
        _ => None,
    }
}

fn kot_codes(env: &Env) -> BTreeSet<String> {
    env.sandbox
        .kot()
        .employees()
        .iter()
        .map(|e| e.code.clone())
        .collect()
}

/// Every press cyzen serves now, pressed at or after `from`, of a KOT
/// employee not in `disabled`, with a synced status: one punch each,
/// repeats included.
pub fn cyzen(env: &Env, from: DateTime<Utc>, disabled: &[&str]) -> Vec<Row> {
    let kot = kot_codes(env);
    let mut out: Vec<Row> = env
        .sandbox
        .cyzen()
        .visible_presses()
        .into_iter()
        .filter(|p| p.pressed_at >= from)
        .filter(|p| kot.contains(&p.user_code) && !disabled.contains(&p.user_code.as_str()))
        .filter_map(|p| {
            let code = cyzen_code(&p.status_id)?;
            let at = p.pressed_at.with_timezone(&kot_connect_core::time::jst());
            Some((
                p.user_code.clone(),
                at.date_naive(),
                at.format("%Y-%m-%d %H:%M:%S").to_string(),
                code,
            ))
        })
        .collect();
    out.sort();
    out
}

/// The service accounts the default links know: each active employee's
/// code, linked to that employee.
pub fn malion_default_links(env: &Env) -> BTreeMap<String, String> {
    let today = env.sandbox.clock().today();
    env.sandbox
        .kot()
        .employees()
        .iter()
        .filter(|e| e.is_active_on(today))
        .map(|e| (e.code.clone(), e.code.clone()))
        .collect()
}

pub fn jst_of(log: &OperationLog) -> DateTime<chrono::FixedOffset> {
    log.occurred_at
        .with_timezone(&kot_connect_core::time::jst())
}

/// The logs a run at the sandbox's `now` reads: registered from midnight
/// JST `LOOKBACK` days ago up to now.
pub fn malion_fetched_logs(env: &Env) -> Vec<OperationLog> {
    let now = env.sandbox.clock().now();
    let first = env.sandbox.clock().today() - Days::new(MALION_LOOKBACK);
    let since: DateTime<Utc> = first
        .and_time(NaiveTime::MIN)
        .and_local_timezone(kot_connect_core::time::jst())
        .unwrap()
        .with_timezone(&Utc);
    env.sandbox
        .malion()
        .logs()
        .into_iter()
        .filter(|l| {
            let registered = l.registered_at.unwrap_or(l.occurred_at);
            registered >= since && registered <= now
        })
        .collect()
}

/// The manual's rule: per linked employee and work date (from the
/// lookback's first date on), the first ログオン → 出勤 and the last ログオフ
/// → 退勤, at the time the PC logged it.
pub fn malion(env: &Env, links: &BTreeMap<String, String>) -> Vec<Row> {
    let first = env.sandbox.clock().today() - Days::new(MALION_LOOKBACK);
    // (code, date, punch) → time
    let mut punches: BTreeMap<(String, NaiveDate, u8), DateTime<chrono::FixedOffset>> =
        BTreeMap::new();
    for log in malion_fetched_logs(env) {
        let Some(code) = log.logon_user_name.as_ref().and_then(|u| links.get(u)) else {
            continue;
        };
        let at = jst_of(&log);
        if at.date_naive() < first {
            continue;
        }
        let key = |punch: u8| (code.clone(), at.date_naive(), punch);
        match log.event {
            LogEvent::Logon => {
                let slot = punches.entry(key(1)).or_insert(at);
                *slot = (*slot).min(at);
            }
            LogEvent::Logoff => {
                let slot = punches.entry(key(2)).or_insert(at);
                *slot = (*slot).max(at);
            }
            _ => {}
        }
    }
    let mut out: Vec<Row> = punches
        .into_iter()
        .map(|((code, day, punch), at)| {
            (code, day, at.format("%Y-%m-%d %H:%M:%S").to_string(), punch)
        })
        .collect();
    out.sort();
    out
}

/// The manual's commands and their punch codes.
pub fn wowtalk_command(text: &str) -> Option<(u8, &'static str)> {
    match text {
        "出勤" => Some((1, "出勤")),
        "退勤" => Some((2, "退勤")),
        "休憩開始" => Some((3, "休憩開始")),
        "休憩終了" => Some((4, "休憩終了")),
        _ => None,
    }
}

/// WowTalk user id → 従業員コード, as the seed company links them.
pub fn wowtalk_links(env: &Env) -> BTreeMap<String, String> {
    env.sandbox
        .company()
        .employees
        .iter()
        .filter_map(|e| Some((e.wowtalk_id.clone()?, e.code.clone())))
        .collect()
}

/// Each command of a linked sender → its punch, at the time it was sent
/// (the clock moved as each line says, starting at `start`).
pub fn wowtalk(env: &Env, start: DateTime<Utc>, chat: &Chat<'_>) -> Vec<Row> {
    let links = wowtalk_links(env);
    let mut at = start;
    let mut out = Vec::new();
    for (from, text, minutes) in chat {
        at += Duration::minutes(*minutes);
        let (Some(code), Some((punch, _))) = (links.get(*from), wowtalk_command(text)) else {
            continue;
        };
        let local = at.with_timezone(&kot_connect_core::time::jst());
        out.push((
            code.clone(),
            local.date_naive(),
            local.format("%Y-%m-%d %H:%M:%S").to_string(),
            punch,
        ));
    }
    out.sort();
    out
}
