//! cyzen (レッドフォックス) status presses → KOT punches.
//!
//! The rule of cyzen's 「KING OF TIME 連携マニュアル」 (連携内容):
//!
//! | status type (種類) | status name (ステータス名) | KOT punch |
//! |---|---|---|
//! | 勤務開始 | any | 出勤 |
//! | 勤務終了 | any | 退勤 |
//! | 勤務中 | exactly 「休憩開始」 | 休憩開始 |
//! | 勤務中 | exactly 「休憩終了」 | 休憩終了 |
//! | anything else | | not synced ([`Disposition::NotSynced`]) |
//!
//! Every press is synced, repeats included: 出勤 pressed twice in a day is two
//! 出勤 punches in KOT, as the manual says. Only users whose per-user
//! 「KING OF TIME連携」 switch is 「有効」 are synced ([`EnabledUsers`]); the
//! others are ignored with [`Disposition::NotEnabled`].
//!
//! When the integration starts in the middle of a month, the whole current
//! month is synced ([`fetch_window`]).
//!
//! ```
//! use chrono::{FixedOffset, TimeZone};
//! use kot_connect_core::rules::cyzen::{CyzenRule, StatusPress, StatusType, fetch_window};
//! use kot_connect_core::{DayBorder, EmployeeCode, PunchKind};
//!
//! let jst = FixedOffset::east_opt(9 * 3600).unwrap();
//! let now = jst.with_ymd_and_hms(2024, 6, 17, 12, 0, 0).unwrap();
//! // First run: fetch from 2024-06-01 00:00 JST.
//! let window = fetch_window(&now, None);
//! assert_eq!(window.from, jst.with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap());
//!
//! let press = StatusPress {
//!     history_id: "h1".into(),
//!     employee: EmployeeCode::new("U000123"),
//!     status_type: StatusType::WorkStart,
//!     status_name: "出勤".into(),
//!     pressed_at: jst.with_ymd_and_hms(2024, 6, 3, 7, 51, 0).unwrap(),
//!     location: None,
//! };
//! let presses = [press];
//! let out = CyzenRule::default().apply(&presses, &DayBorder::MIDNIGHT);
//! assert_eq!(out.punches().next().map(|p| p.kind()), Some(PunchKind::ClockIn));
//! ```
//!
//! The JSON name of cyzen's status *type* field is not public (see the
//! crate's `## Provisional` section): this module takes a [`StatusType`]
//! that the cyzen client fills in however the wire spells it.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::str::FromStr;

use chrono::{DateTime, Datelike, FixedOffset, NaiveDate, TimeDelta, TimeZone};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use rustc_hash::{FxBuildHasher, FxHasher};

use super::grouping::{BLOCK, Instant, Interner, WorkDay, run_bounds};
use super::{DayBorders, Disposition, Draft, Pending, RuleBuffers, RuleOutput, RuleRecord, Slot};
use crate::EmployeeCode;
use crate::punch::{Location, PunchKind, SourceRef, SourceSystem};
use crate::time::jst;

/// The status name cyzen's manual gives to the break-start status (勤務中).
pub const BREAK_START_NAME: &str = "休憩開始";
/// The status name cyzen's manual gives to the break-end status (勤務中).
pub const BREAK_END_NAME: &str = "休憩終了";

/// The type (種類) of a cyzen status in the status master.
///
/// Written and read as the manual's Japanese (`勤務開始`, `勤務中`,
/// `勤務終了`); the English `work_start`, `working`, `work_end` are accepted
/// too. Any other type is kept as [`StatusType::Other`].
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum StatusType {
    /// 勤務開始: starts the work day (→ 出勤).
    WorkStart,
    /// 勤務中: during work (→ 休憩開始/休憩終了 when so named).
    Working,
    /// 勤務終了: ends the work day (→ 退勤).
    WorkEnd,
    /// Any other type, as cyzen spelled it.
    Other(String),
}

impl StatusType {
    /// The manual's Japanese label, or the raw value of [`StatusType::Other`].
    pub fn as_str(&self) -> &str {
        match self {
            StatusType::WorkStart => "勤務開始",
            StatusType::Working => "勤務中",
            StatusType::WorkEnd => "勤務終了",
            StatusType::Other(raw) => raw,
        }
    }
}

impl FromStr for StatusType {
    type Err = std::convert::Infallible;

    /// Never fails: an unknown type becomes [`StatusType::Other`].
    fn from_str(raw: &str) -> Result<Self, Self::Err> {
        Ok(match raw.trim() {
            "勤務開始" | "work_start" => StatusType::WorkStart,
            "勤務中" | "working" => StatusType::Working,
            "勤務終了" | "work_end" => StatusType::WorkEnd,
            _ => StatusType::Other(raw.to_owned()),
        })
    }
}

impl fmt::Display for StatusType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for StatusType {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for StatusType {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let raw = String::deserialize(deserializer)?;
        let Ok(parsed) = raw.parse();
        Ok(parsed)
    }
}

/// One status press (a cyzen history), already matched to a KOT employee.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct StatusPress {
    /// The history's id in cyzen (stable across fetches).
    pub history_id: String,
    /// The KOT employee code the cyzen user code matched.
    pub employee: EmployeeCode,
    /// The status type (種類) from the status master.
    pub status_type: StatusType,
    /// The status name (ステータス名), tenant-defined.
    pub status_name: String,
    /// When the status was pressed (any offset; work dates use JST).
    pub pressed_at: DateTime<FixedOffset>,
    /// Where, when cyzen recorded it.
    #[serde(default)]
    pub location: Option<Location>,
}

impl StatusPress {
    /// This press's reference in the ledger: `cyzen:<history_id>`.
    pub fn source(&self) -> SourceRef {
        SourceRef::new(SourceSystem::Cyzen, self.history_id.as_str())
    }
}

impl RuleRecord for StatusPress {
    fn source(&self) -> SourceRef {
        StatusPress::source(self)
    }

    fn employee(&self) -> &EmployeeCode {
        &self.employee
    }

    /// The status name (ステータス名).
    fn status_name(&self) -> &str {
        &self.status_name
    }

    /// The press's instant, in JST.
    fn at(&self) -> DateTime<FixedOffset> {
        self.pressed_at.with_timezone(&jst())
    }

    fn location(&self) -> Option<Location> {
        self.location
    }
}

/// The punch kind a status becomes, or `None` when it is not synced.
///
/// 勤務開始 → 出勤 and 勤務終了 → 退勤 whatever the name; 勤務中 → 休憩開始 /
/// 休憩終了 only when the name is exactly 「休憩開始」 / 「休憩終了」 (no
/// trimming or normalisation: status names are tenant-defined, and the
/// manual syncs only these two names).
pub fn punch_kind(status_type: &StatusType, status_name: &str) -> Option<PunchKind> {
    match status_type {
        StatusType::WorkStart => Some(PunchKind::ClockIn),
        StatusType::WorkEnd => Some(PunchKind::ClockOut),
        StatusType::Working if status_name == BREAK_START_NAME => Some(PunchKind::BreakStart),
        StatusType::Working if status_name == BREAK_END_NAME => Some(PunchKind::BreakEnd),
        StatusType::Working | StatusType::Other(_) => None,
    }
}

/// Which users have 「KING OF TIME連携」 set to 「有効」 in cyzen.
///
/// cyzen exposes no API field for the switch (see the crate's
/// `## Provisional` section), so the administrator lists the users in the
/// connector's configuration. In TOML: `enabled = "all"` or
/// `enabled = { only = ["U000123", "U000124"] }`.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EnabledUsers {
    /// Every matched user is synced.
    #[default]
    All,
    /// Only these KOT employee codes (= cyzen user codes) are synced.
    Only(BTreeSet<EmployeeCode>),
}

impl EnabledUsers {
    /// Whether `employee` is synced.
    pub fn contains(&self, employee: &EmployeeCode) -> bool {
        match self {
            EnabledUsers::All => true,
            EnabledUsers::Only(codes) => codes.contains(employee),
        }
    }
}

/// The cyzen rule: see the [module documentation](self).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CyzenRule {
    /// The users the integration is enabled for.
    #[serde(default)]
    pub enabled: EnabledUsers,
}

impl CyzenRule {
    /// A rule for the given users.
    pub fn new(enabled: EnabledUsers) -> Self {
        Self { enabled }
    }

    /// Turns status presses into punches.
    ///
    /// Every press is accounted for exactly once: as a punch (its
    /// [`Punch::source`](crate::Punch::source) is `cyzen:<history_id>`) or as one of these
    /// dispositions, in this order of precedence:
    /// 1. A history id seen twice (overlapping fetch windows) is kept once;
    ///    the other copies are [`Disposition::Duplicate`]. Which copy is kept
    ///    does not depend on the input order (the earliest press, then the
    ///    smallest fields, then the first in the input).
    /// 2. Users not enabled: [`Disposition::NotEnabled`].
    /// 3. Statuses that are not synced: [`Disposition::NotSynced`] (the log
    ///    row names the status).
    ///
    /// Each press maps on its own, so this is a linear pass; repeated
    /// history ids are found by sorting the ids' 64-bit hashes (only presses
    /// whose hash repeats are compared by id). Only the punches are put in
    /// order: by employee code (a counting sort), then time, then source.
    /// Apart from which of two identical copies is kept, the result does not
    /// depend on input order.
    pub fn apply<'a>(
        &self,
        presses: &'a [StatusPress],
        borders: &(impl DayBorders + ?Sized),
    ) -> RuleOutput<'a, StatusPress> {
        self.apply_reusing(presses, borders, RuleBuffers::default())
    }

    /// [`CyzenRule::apply`] in the memory of an earlier output
    /// ([`RuleOutput::into_buffers`]), for a caller that applies the rule
    /// again and again: the punches and the rule's working memory are not
    /// allocated anew (see [`RuleBuffers`]). The output is the same as
    /// `apply`'s whatever the buffers held.
    pub fn apply_reusing<'a>(
        &self,
        presses: &'a [StatusPress],
        borders: &(impl DayBorders + ?Sized),
        buffers: RuleBuffers,
    ) -> RuleOutput<'a, StatusPress> {
        struct Employee {
            work_day: WorkDay,
            enabled: bool,
            /// Whether each of this employee's punches so far came strictly
            /// after the one before (then their run is already in order).
            in_order: bool,
            /// The instant of the last of them.
            last: Instant,
        }
        let mut out = RuleOutput::reusing(presses, Slot::NotSynced, buffers);
        let mut hashes = std::mem::take(&mut out.scratch_mut().words);
        hashes.clear();
        hashes.reserve(presses.len());
        let mut pending = std::mem::take(&mut out.scratch_mut().pending);
        pending.clear();
        pending.reserve(presses.len());

        // 1. Each press on its own, in input order (one pass over the
        //    presses): the hash of its history id, its employee's dense
        //    index, and for a press that becomes a punch, what the punch
        //    needs besides the press (24 bytes; no punch is built yet).
        let mut interner: Interner<'a, Employee> = Interner::new();
        let mut dense_of_block = Vec::with_capacity(BLOCK);
        for (block, block_presses) in presses.chunks(BLOCK).enumerate() {
            interner.dense_of_block(
                block_presses.iter().map(|p| &p.employee),
                &mut dense_of_block,
                |_, code| Employee {
                    work_day: WorkDay::of(borders.border_for(code)),
                    enabled: self.enabled.contains(code),
                    in_order: true,
                    last: Instant {
                        secs: i64::MIN,
                        nanos: 0,
                    },
                },
            );
            for (offset, (press, &dense)) in block_presses.iter().zip(&dense_of_block).enumerate() {
                let index = block * BLOCK + offset;
                hashes.push(history_hash(press));
                let Some(employee) = interner.state_mut(dense) else {
                    continue;
                };
                if !employee.enabled {
                    out.set(index, Slot::NotEnabled);
                    continue;
                }
                let Some(kind) = punch_kind(&press.status_type, &press.status_name) else {
                    continue;
                };
                let at = Instant::of(&press.pressed_at);
                // An equal instant is ordered by history id: checked later.
                employee.in_order &= employee.last < at;
                employee.last = at;
                let day = employee.work_day.day_number(at.secs, || &press.pressed_at);
                out.set(index, Slot::Punched);
                pending.push(Pending {
                    index,
                    dense,
                    work_date: employee.work_day.date(day, || &press.pressed_at),
                    kind,
                });
            }
        }

        // 2. History ids seen twice: the copies are duplicates, whatever
        //    step 1 made of them (their punches are not built).
        let copies = copies_of_history_ids(presses, &mut hashes);
        out.scratch_mut().words = hashes;
        if !copies.is_empty() {
            for &(copy, kept) in &copies {
                out.set_duplicate(copy, kept);
            }
            pending.retain(|p| {
                copies
                    .binary_search_by_key(&p.index, |&(copy, _)| copy)
                    .is_err()
            });
        }

        // 3. The punches in employee code order (a stable counting sort of
        //    16-byte drafts: each employee's punches in input order).
        let by_code = interner.by_code();
        let mut ranks = vec![0; by_code.len()];
        for (rank, &dense) in by_code.iter().enumerate() {
            ranks[dense] = rank;
        }
        let bounds = run_bounds(pending.iter().map(|p| p.dense), &ranks);
        let mut next = bounds.clone();
        let drafts = out.drafts_mut();
        drafts.clear();
        drafts.resize(
            pending.len(),
            Draft {
                index: 0,
                kind: PunchKind::ClockIn,
                work_date: NaiveDate::MIN,
            },
        );
        for p in &pending {
            let Some(place) = ranks.get(p.dense).and_then(|&rank| next.get_mut(rank)) else {
                continue;
            };
            if let Some(draft) = drafts.get_mut(*place) {
                *draft = Draft {
                    index: p.index,
                    kind: p.kind,
                    work_date: p.work_date,
                };
            }
            *place += 1;
        }
        out.scratch_mut().pending = pending;

        // 4. Time and history id within each employee: already so for an
        //    employee whose presses came in time order; the others' runs
        //    are checked and sorted when needed.
        let order = |a: &Draft, b: &Draft| match (presses.get(a.index), presses.get(b.index)) {
            (Some(x), Some(y)) => x
                .pressed_at
                .cmp(&y.pressed_at)
                .then_with(|| x.history_id.cmp(&y.history_id)),
            _ => a.index.cmp(&b.index),
        };
        let drafts = out.drafts_mut();
        for (run, &dense) in bounds.windows(2).zip(&by_code) {
            if interner.get(dense).is_some_and(|(_, e)| e.in_order) {
                continue;
            }
            if let Some(run) = drafts.get_mut(run[0]..run[1])
                && !run.is_sorted_by(|a, b| order(a, b).is_le())
            {
                run.sort_by(order);
            }
        }
        out.finish()
    }
}

/// The hash of a press's history id (see [`copies_of_history_ids`]).
fn history_hash(press: &StatusPress) -> u64 {
    let mut hasher = FxHasher::default();
    press.history_id.hash(&mut hasher);
    hasher.finish()
}

/// The copies of history ids seen more than once, as `(copy, kept)` input
/// positions ordered by copy: the kept one is the first in
/// [`canonical_order`], then in the input.
///
/// `hashes` holds [`history_hash`] of every press (it is sorted here): only
/// the presses whose hash repeats are compared by id (no table of every
/// id).
fn copies_of_history_ids(presses: &[StatusPress], hashes: &mut [u64]) -> Vec<(usize, usize)> {
    let hash = history_hash;
    hashes.sort_unstable();
    let repeated: HashSet<u64, FxBuildHasher> = hashes
        .windows(2)
        .filter(|pair| pair[0] == pair[1])
        .map(|pair| pair[0])
        .collect();
    if repeated.is_empty() {
        return Vec::new();
    }
    let mut by_id: HashMap<&str, Vec<usize>> = HashMap::new();
    for (index, press) in presses.iter().enumerate() {
        if repeated.contains(&hash(press)) {
            by_id
                .entry(press.history_id.as_str())
                .or_default()
                .push(index);
        }
    }
    let mut copies = Vec::new();
    for group in by_id.values() {
        let kept = group
            .iter()
            .copied()
            .min_by(|&a, &b| canonical_order(&presses[a], &presses[b]).then(a.cmp(&b)));
        if let Some(kept) = kept {
            copies.extend(group.iter().filter(|&&i| i != kept).map(|&i| (i, kept)));
        }
    }
    copies.sort_unstable();
    copies
}

/// A total order on presses so that the result never depends on input order.
fn canonical_order(a: &StatusPress, b: &StatusPress) -> std::cmp::Ordering {
    let loc = |p: &StatusPress| p.location.map(|l| (l.latitude, l.longitude));
    a.history_id
        .cmp(&b.history_id)
        .then(a.pressed_at.cmp(&b.pressed_at))
        .then_with(|| a.employee.cmp(&b.employee))
        .then_with(|| a.status_type.cmp(&b.status_type))
        .then_with(|| a.status_name.cmp(&b.status_name))
        .then_with(|| match (loc(a), loc(b)) {
            (None, None) => std::cmp::Ordering::Equal,
            (None, Some(_)) => std::cmp::Ordering::Less,
            (Some(_), None) => std::cmp::Ordering::Greater,
            (Some((la, oa)), Some((lb, ob))) => la.total_cmp(&lb).then(oa.total_cmp(&ob)),
        })
}

/// How many presses of each status name were not synced, for the run log
/// (e.g. `{"作業開始": 3}`).
pub fn not_synced_counts(output: &RuleOutput<'_, StatusPress>) -> BTreeMap<String, usize> {
    let mut counts = BTreeMap::new();
    for (press, disposition) in output.dispositions() {
        if disposition == Disposition::NotSynced {
            *counts.entry(press.status_name.clone()).or_insert(0) += 1;
        }
    }
    counts
}

/// How far a later run reaches back before the last successful sync.
///
/// cyzen's さかのぼり退勤 lets a user back-date a 退勤 press, and its
/// histories are fetched by time: a press that reached cyzen after the last
/// run but carries an earlier time would be missed without an overlap. One
/// day covers a forgotten clock-out fixed the next morning; presses fetched
/// twice are recognised by their history id (the ledger's [`SourceRef`]) and
/// not posted again.
pub const DEFAULT_OVERLAP: TimeDelta = TimeDelta::days(1);

/// The cyzen API's longest `/histories` window (15 days).
pub const MAX_HISTORIES_SPAN: TimeDelta = TimeDelta::days(15);

/// A half-open time window `[from, to)` to fetch, in JST.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FetchWindow {
    /// The first instant fetched.
    pub from: DateTime<FixedOffset>,
    /// The first instant not fetched (the run's "now").
    pub to: DateTime<FixedOffset>,
}

impl FetchWindow {
    /// The window cut into consecutive pieces of at most `max_span`
    /// (e.g. [`MAX_HISTORIES_SPAN`]), in order. An empty window gives no
    /// piece; a `max_span` of zero or less gives the whole window.
    pub fn split(&self, max_span: TimeDelta) -> Vec<FetchWindow> {
        if self.from >= self.to {
            return Vec::new();
        }
        if max_span <= TimeDelta::zero() {
            return vec![*self];
        }
        let mut pieces = Vec::new();
        let mut from = self.from;
        while from < self.to {
            let to = from
                .checked_add_signed(max_span)
                .map_or(self.to, |end| end.min(self.to));
            pieces.push(FetchWindow { from, to });
            from = to;
        }
        pieces
    }
}

/// The window a run at `now` fetches, with [`DEFAULT_OVERLAP`].
///
/// See [`fetch_window_with_overlap`].
pub fn fetch_window<Tz: TimeZone>(
    now: &DateTime<Tz>,
    last_success: Option<&DateTime<Tz>>,
) -> FetchWindow {
    fetch_window_with_overlap(now, last_success, DEFAULT_OVERLAP)
}

/// The window a run at `now` fetches.
///
/// - First run (`last_success` is `None`): from the 1st of `now`'s month,
///   00:00 JST, as the manual says 「月の途中から連携を開始した場合、当月分の
///   データはすべて連携されます」.
/// - Later runs: from `last_success - overlap` (a negative overlap counts as
///   zero). A last sync later than `now` (a clock moved back) counts as
///   `now`.
///
/// The window ends at `now`. `now` is injected: the machine's clock is
/// never read.
pub fn fetch_window_with_overlap<Tz: TimeZone>(
    now: &DateTime<Tz>,
    last_success: Option<&DateTime<Tz>>,
    overlap: TimeDelta,
) -> FetchWindow {
    let to = now.with_timezone(&jst());
    let from = match last_success {
        None => start_of_month(to.date_naive()).unwrap_or(to),
        Some(last) => {
            let last = last.with_timezone(&jst()).min(to);
            last.checked_sub_signed(overlap.max(TimeDelta::zero()))
                .unwrap_or(last)
        }
    };
    FetchWindow { from, to }
}

/// 00:00 JST on the 1st of `date`'s month.
fn start_of_month(date: NaiveDate) -> Option<DateTime<FixedOffset>> {
    let first = date.with_day(1)?;
    first
        .and_time(chrono::NaiveTime::MIN)
        .and_local_timezone(jst())
        .single()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::BorderMap;
    #[allow(unused_imports)]
    use crate::rules::testing::Rows;
    #[allow(unused_imports)]
    use crate::rules::{IgnoreReason, Ignored};
    use crate::time::DayBorder;
    use chrono::{NaiveTime, Utc};
    use proptest::prelude::*;

    fn at(d: u32, h: u32, m: u32) -> DateTime<FixedOffset> {
        jst().with_ymd_and_hms(2024, 6, d, h, m, 0).unwrap()
    }

    fn press(
        id: &str,
        code: &str,
        ty: StatusType,
        name: &str,
        when: DateTime<FixedOffset>,
    ) -> StatusPress {
        StatusPress {
            history_id: id.into(),
            employee: EmployeeCode::new(code),
            status_type: ty,
            status_name: name.into(),
            pressed_at: when,
            location: None,
        }
    }

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap()
    }

    #[test]
    fn the_manuals_example_day() {
        // 06/03 (月): 出勤 07:51, 休憩開始 12:34, 休憩終了 13:33, 退勤 19:16,
        // with the manual's 設定例 status names; 作業開始 is 「連携されません」.
        let tokyo = Location {
            latitude: 35.65,
            longitude: 139.54,
        };
        let mut first = press("h1", "U000123", StatusType::WorkStart, "出勤", at(3, 7, 51));
        first.location = Some(tokyo);
        let presses = vec![
            press("h4", "U000123", StatusType::WorkEnd, "退勤", at(3, 19, 16)),
            press(
                "h2",
                "U000123",
                StatusType::Working,
                "休憩開始",
                at(3, 12, 34),
            ),
            press(
                "h5",
                "U000123",
                StatusType::Working,
                "作業開始",
                at(3, 10, 0),
            ),
            press(
                "h3",
                "U000123",
                StatusType::Working,
                "休憩終了",
                at(3, 13, 33),
            ),
            first,
        ];
        let output = CyzenRule::default().apply(&presses, &DayBorder::MIDNIGHT);
        let out = output.rows();
        let kinds: Vec<_> = out.punches.iter().map(|p| (p.kind, p.at)).collect();
        assert_eq!(
            kinds,
            vec![
                (PunchKind::ClockIn, at(3, 7, 51)),
                (PunchKind::BreakStart, at(3, 12, 34)),
                (PunchKind::BreakEnd, at(3, 13, 33)),
                (PunchKind::ClockOut, at(3, 19, 16)),
            ]
        );
        assert_eq!(out.punches[0].location, Some(tokyo));
        assert_eq!(out.punches[0].source.to_string(), "cyzen:h1");
        assert!(out.punches.iter().all(|p| p.work_date == date(2024, 6, 3)));
        assert_eq!(
            out.ignored,
            vec![Ignored {
                source: SourceRef::new(SourceSystem::Cyzen, "h5"),
                employee: EmployeeCode::new("U000123"),
                reason: IgnoreReason::NotSynced {
                    name: "作業開始".into()
                },
            }]
        );
        assert_eq!(
            not_synced_counts(&output),
            BTreeMap::from([("作業開始".to_owned(), 1)])
        );
    }

    #[test]
    fn two_clock_in_presses_are_two_clock_ins() {
        // 「1日に出勤を2回押した場合、KING OF TIMEでも出勤が2回された状態となります」
        let presses = vec![
            press("a", "U1", StatusType::WorkStart, "出勤", at(3, 8, 0)),
            press("b", "U1", StatusType::WorkStart, "出勤", at(3, 8, 5)),
        ];
        let out = CyzenRule::default()
            .apply(&presses, &DayBorder::MIDNIGHT)
            .rows();
        assert_eq!(out.punches.len(), 2);
        assert!(out.punches.iter().all(|p| p.kind == PunchKind::ClockIn));
        assert!(out.ignored.is_empty());
    }

    #[test]
    fn start_and_end_types_map_whatever_their_name() {
        assert_eq!(
            punch_kind(&StatusType::WorkStart, "おはよう"),
            Some(PunchKind::ClockIn)
        );
        assert_eq!(
            punch_kind(&StatusType::WorkEnd, "帰宅"),
            Some(PunchKind::ClockOut)
        );
        // Break names count only under 勤務中, and only exactly.
        assert_eq!(punch_kind(&StatusType::Working, "休憩開始 "), None);
        assert_eq!(punch_kind(&StatusType::Working, "休憩"), None);
        assert_eq!(
            punch_kind(&StatusType::Other("移動中".into()), "休憩開始"),
            None
        );
    }

    #[test]
    fn users_not_enabled_are_ignored() {
        let rule = CyzenRule::new(EnabledUsers::Only(BTreeSet::from([EmployeeCode::new(
            "U000123",
        )])));
        let presses = vec![
            press("a", "U000123", StatusType::WorkStart, "出勤", at(3, 8, 0)),
            press("b", "U00528", StatusType::WorkStart, "出勤", at(3, 8, 0)),
        ];
        let out = rule.apply(&presses, &DayBorder::MIDNIGHT).rows();
        assert_eq!(out.punches.len(), 1);
        assert_eq!(out.punches[0].employee.as_str(), "U000123");
        assert_eq!(out.ignored.len(), 1);
        assert_eq!(out.ignored[0].reason, IgnoreReason::NotEnabled);
        assert_eq!(out.ignored[0].employee.as_str(), "U00528");
    }

    #[test]
    fn a_history_fetched_twice_is_kept_once() {
        let presses = vec![
            press("a", "U1", StatusType::WorkStart, "出勤", at(3, 8, 0)),
            press("a", "U1", StatusType::WorkStart, "出勤", at(3, 8, 0)),
        ];
        let out = CyzenRule::default()
            .apply(&presses, &DayBorder::MIDNIGHT)
            .rows();
        assert_eq!(out.punches.len(), 1);
        assert_eq!(
            out.ignored[0].reason,
            IgnoreReason::Duplicate {
                kept: SourceRef::new(SourceSystem::Cyzen, "a")
            }
        );
    }

    #[test]
    fn work_dates_use_each_employees_border() {
        let mut borders = BorderMap::default();
        borders.by_employee.insert(
            EmployeeCode::new("night"),
            DayBorder::new(NaiveTime::from_hms_opt(5, 0, 0).unwrap()),
        );
        // 02:00 JST on the 4th, given in UTC.
        let utc = Utc
            .with_ymd_and_hms(2024, 6, 3, 17, 0, 0)
            .unwrap()
            .fixed_offset();
        let presses = vec![
            press("a", "night", StatusType::WorkEnd, "退勤", utc),
            press("b", "day", StatusType::WorkEnd, "退勤", utc),
        ];
        let out = CyzenRule::default().apply(&presses, &borders).rows();
        assert_eq!(out.punches[0].employee.as_str(), "day");
        assert_eq!(out.punches[0].work_date, date(2024, 6, 4));
        assert_eq!(out.punches[0].at.offset(), &jst());
        assert_eq!(out.punches[1].work_date, date(2024, 6, 3));
    }

    #[test]
    fn status_types_read_and_write_the_manuals_words() {
        let parsed: StatusType = serde_json::from_str("\"勤務開始\"").unwrap();
        assert_eq!(parsed, StatusType::WorkStart);
        let parsed: StatusType = serde_json::from_str("\"work_end\"").unwrap();
        assert_eq!(parsed, StatusType::WorkEnd);
        let other: StatusType = serde_json::from_str("\"移動\"").unwrap();
        assert_eq!(other, StatusType::Other("移動".into()));
        assert_eq!(
            serde_json::to_string(&StatusType::Working).unwrap(),
            "\"勤務中\""
        );
    }

    #[test]
    fn enabled_users_from_toml() {
        let rule: CyzenRule = toml::from_str("enabled = { only = [\"U1\", \"U2\"] }").unwrap();
        assert!(rule.enabled.contains(&EmployeeCode::new("U2")));
        assert!(!rule.enabled.contains(&EmployeeCode::new("U3")));
        let rule: CyzenRule = toml::from_str("enabled = \"all\"").unwrap();
        assert_eq!(rule.enabled, EnabledUsers::All);
        let rule: CyzenRule = toml::from_str("").unwrap();
        assert_eq!(rule.enabled, EnabledUsers::All);
    }

    #[test]
    fn first_run_fetches_the_whole_current_month_in_jst() {
        // 2024-05-31 16:00 UTC is 2024-06-01 01:00 JST: June, not May.
        let now = Utc.with_ymd_and_hms(2024, 5, 31, 16, 0, 0).unwrap();
        let w = fetch_window(&now, None);
        assert_eq!(w.from, jst().with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap());
        assert_eq!(w.to, now);
        let mid = at(17, 12, 0);
        let w = fetch_window(&mid, None);
        assert_eq!(w.from, jst().with_ymd_and_hms(2024, 6, 1, 0, 0, 0).unwrap());
        assert_eq!(w.to, mid);
        // The month's 17 days take two /histories calls.
        let pieces = w.split(MAX_HISTORIES_SPAN);
        assert_eq!(pieces.len(), 2);
        assert_eq!(pieces[0].to, pieces[1].from);
        assert_eq!(pieces[1].to, mid);
    }

    #[test]
    fn later_runs_overlap_the_last_sync() {
        let last = at(17, 12, 0);
        let now = at(17, 15, 0);
        let w = fetch_window(&now, Some(&last));
        assert_eq!(w.from, at(16, 12, 0));
        assert_eq!(w.to, now);
        let w = fetch_window_with_overlap(&now, Some(&last), TimeDelta::minutes(10));
        assert_eq!(w.from, at(17, 11, 50));
        // A last sync "in the future" counts as now.
        let w = fetch_window_with_overlap(&last, Some(&now), TimeDelta::zero());
        assert_eq!(w.from, last);
        assert!(w.split(MAX_HISTORIES_SPAN).is_empty());
    }

    fn arb_press() -> impl Strategy<Value = StatusPress> {
        (
            0u8..12,
            prop::sample::select(vec!["U1", "U2", "U3"]),
            0u8..4,
            prop::sample::select(vec!["出勤", "休憩開始", "休憩終了", "作業開始", "退勤"]),
            0i64..3 * 86_400,
        )
            .prop_map(|(id, code, ty, name, secs)| StatusPress {
                history_id: format!("h{id}"),
                employee: EmployeeCode::new(code),
                status_type: match ty {
                    0 => StatusType::WorkStart,
                    1 => StatusType::Working,
                    2 => StatusType::WorkEnd,
                    _ => StatusType::Other("移動".into()),
                },
                status_name: name.into(),
                pressed_at: at(1, 0, 0) + TimeDelta::seconds(secs),
                location: None,
            })
    }

    /// The rule written plainly (as it was before the linear pass): one
    /// sort of every press in canonical order, the first of each history id
    /// kept, then the punches sorted by employee, time and source.
    fn reference(rule: &CyzenRule, presses: &[StatusPress], borders: &BorderMap) -> Rows {
        let mut sorted: Vec<&StatusPress> = presses.iter().collect();
        sorted.sort_by(|a, b| canonical_order(a, b));
        let mut seen = std::collections::HashSet::new();
        let mut out = Rows::default();
        for press in sorted {
            let reason = if !seen.insert(press.history_id.as_str()) {
                Some(IgnoreReason::Duplicate {
                    kept: press.source(),
                })
            } else if !rule.enabled.contains(&press.employee) {
                Some(IgnoreReason::NotEnabled)
            } else {
                punch_kind(&press.status_type, &press.status_name)
                    .is_none()
                    .then(|| IgnoreReason::NotSynced {
                        name: press.status_name.clone(),
                    })
            };
            match (reason, punch_kind(&press.status_type, &press.status_name)) {
                (None, Some(kind)) => out.punches.push(crate::Punch {
                    employee: press.employee.clone(),
                    key: None,
                    kind,
                    at: press.pressed_at.with_timezone(&jst()),
                    work_date: borders
                        .border_for(&press.employee)
                        .work_date(&press.pressed_at),
                    source: press.source(),
                    location: press.location,
                }),
                (reason, _) => out.ignored.push(Ignored {
                    source: press.source(),
                    employee: press.employee.clone(),
                    reason: reason.unwrap_or(IgnoreReason::NotFirstOrLast),
                }),
            }
        }
        out.punches
            .sort_by(|a, b| (&a.employee, a.at, &a.source).cmp(&(&b.employee, b.at, &b.source)));
        out.sorted()
    }

    /// Presses of many employees (codes up to 40 bytes), with repeated
    /// history ids, equal instants, any offset, in any order.
    fn arb_presses() -> impl Strategy<Value = Vec<StatusPress>> {
        (
            prop::collection::vec(
                (
                    0u32..400,
                    prop_oneof![
                        (0u32..800).prop_map(|n| format!("{n:04}")),
                        (0u32..50).prop_map(|n| format!("a-cyzen-user-code-longer-than-24-{n}")),
                    ],
                    0u8..4,
                    prop::sample::select(vec!["出勤", "休憩開始", "休憩終了", "作業開始"]),
                    0i64..3 * 96,
                    prop::sample::select(vec![9 * 3600, 0]),
                ),
                0..600,
            ),
            any::<bool>(),
        )
            .prop_map(|(rows, in_time_order)| {
                let mut presses: Vec<StatusPress> = rows
                    .into_iter()
                    .map(|(id, code, ty, name, quarter, offset)| StatusPress {
                        history_id: format!("h{id}"),
                        employee: EmployeeCode::new(code),
                        status_type: match ty {
                            0 => StatusType::WorkStart,
                            1 => StatusType::Working,
                            2 => StatusType::WorkEnd,
                            _ => StatusType::Other("移動".into()),
                        },
                        status_name: name.into(),
                        pressed_at: (at(1, 0, 0) + TimeDelta::minutes(quarter * 15))
                            .with_timezone(&FixedOffset::east_opt(offset).unwrap()),
                        location: None,
                    })
                    .collect();
                if in_time_order {
                    presses.sort_by_key(|p| p.pressed_at);
                }
                presses
            })
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        #[test]
        fn matches_the_reference(
            presses in arb_presses(),
            only_some in any::<bool>(),
            fraction in any::<bool>(),
        ) {
            let enabled = if only_some {
                EnabledUsers::Only(presses.iter().step_by(3).map(|p| p.employee.clone()).collect())
            } else {
                EnabledUsers::All
            };
            let rule = CyzenRule::new(enabled);
            // Some on a 05:00 border, or one with a fraction of a second.
            let five = DayBorder::new(NaiveTime::from_hms_opt(5, 0, 0).unwrap());
            let odd = DayBorder::new(NaiveTime::from_hms_nano_opt(4, 59, 59, 500_000_000).unwrap());
            let borders = BorderMap {
                by_employee: presses
                    .iter()
                    .step_by(2)
                    .map(|p| (p.employee.clone(), if fraction { odd } else { five }))
                    .collect(),
                fallback: DayBorder::MIDNIGHT,
            };
            prop_assert_eq!(rule.apply(&presses, &borders).rows(), reference(&rule, &presses, &borders));
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(32))]

        #[test]
        fn reused_buffers_give_what_a_fresh_apply_gives(
            big in arb_presses(),
            small in arb_presses(),
            only_some in any::<bool>(),
        ) {
            let enabled = if only_some {
                EnabledUsers::Only(small.iter().step_by(2).map(|p| p.employee.clone()).collect())
            } else {
                EnabledUsers::All
            };
            let rule = CyzenRule::new(enabled);
            let borders = BorderMap {
                by_employee: small
                    .iter()
                    .step_by(3)
                    .map(|p| (p.employee.clone(), DayBorder::new(NaiveTime::from_hms_opt(5, 0, 0).unwrap())))
                    .collect(),
                fallback: DayBorder::MIDNIGHT,
            };
            // A bigger input first, then a smaller one (and the other way
            // round), each in the memory the one before left.
            let first = rule.apply(&big, &borders);
            let first_rows = first.rows();
            let second = rule.apply_reusing(&small, &borders, first.into_buffers());
            let fresh = rule.apply(&small, &borders);
            prop_assert_eq!(second.rows(), fresh.rows());
            prop_assert_eq!(&second, &fresh);
            let third = rule.apply_reusing(&big, &borders, second.into_buffers());
            prop_assert_eq!(third.rows(), first_rows);
            prop_assert_eq!(third.punches().len(), rule.apply(&big, &borders).punches().len());
        }
    }

    proptest! {
        #[test]
        fn every_press_is_accounted_for_exactly_once(
            presses in prop::collection::vec(arb_press(), 0..30),
            only_u1 in any::<bool>(),
        ) {
            let enabled = if only_u1 {
                EnabledUsers::Only(BTreeSet::from([EmployeeCode::new("U1")]))
            } else {
                EnabledUsers::All
            };
            let out = CyzenRule::new(enabled).apply(&presses, &DayBorder::MIDNIGHT).rows();
            prop_assert_eq!(out.punches.len() + out.ignored.len(), presses.len());
            // Per history id: as many outcomes as inputs, at most one punch.
            let mut inputs: BTreeMap<String, usize> = BTreeMap::new();
            for p in &presses {
                *inputs.entry(p.history_id.clone()).or_default() += 1;
            }
            let mut outcomes: BTreeMap<String, usize> = BTreeMap::new();
            for p in &out.punches {
                *outcomes.entry(p.source.record_id.to_string()).or_default() += 1;
            }
            for p in &out.punches {
                prop_assert_eq!(outcomes[p.source.record_id.as_str()], 1);
            }
            for i in &out.ignored {
                *outcomes.entry(i.source.record_id.to_string()).or_default() += 1;
            }
            prop_assert_eq!(inputs, outcomes);
        }

        #[test]
        fn input_order_does_not_matter(
            presses in prop::collection::vec(arb_press(), 0..30),
            seed in any::<u64>(),
        ) {
            let mut shuffled = presses.clone();
            // A deterministic shuffle from the seed.
            let n = shuffled.len();
            for i in (1..n).rev() {
                let j = ((seed.wrapping_mul(6364136223846793005).wrapping_add(i as u64)) >> 33) as usize % (i + 1);
                shuffled.swap(i, j);
            }
            let rule = CyzenRule::default();
            prop_assert_eq!(
                rule.apply(&presses, &DayBorder::MIDNIGHT).rows(),
                rule.apply(&shuffled, &DayBorder::MIDNIGHT).rows()
            );
        }

        #[test]
        fn windows_start_no_later_than_they_end(
            now_secs in 0i64..4_000_000_000,
            last_back in prop::option::of(-100_000i64..10_000_000),
        ) {
            let now = Utc.timestamp_opt(now_secs, 0).unwrap();
            let last = last_back.map(|b| now - TimeDelta::seconds(b));
            let w = fetch_window(&now, last.as_ref());
            prop_assert!(w.from <= w.to);
            let pieces = w.split(MAX_HISTORIES_SPAN);
            for pair in pieces.windows(2) {
                prop_assert_eq!(pair[0].to, pair[1].from);
            }
            for p in &pieces {
                prop_assert!(p.to - p.from <= MAX_HISTORIES_SPAN);
            }
        }
    }
}
