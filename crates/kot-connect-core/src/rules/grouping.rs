//! Sorting and grouping shared by the first/last rules (SenseLink, MaLion):
//! one sort on compact keys, then one pass per employee and work date.

use std::cmp::Ordering;
use std::collections::HashMap;

use chrono::{DateTime, FixedOffset, NaiveDate};

use super::DayBorders;
use crate::EmployeeCode;

/// An item with the rank of its employee code (ranks follow code order).
pub(crate) type Ranked<'a, T> = (u32, &'a T);

/// Sorts `items` by employee code, then instant, then `tie`, cheaply: codes
/// are ranked once (one hash per item), then compact keys are sorted, and
/// `tie` is only consulted for one employee's items at one instant.
pub(crate) fn sort_by_employee_and_time<'a, T>(
    items: &'a [T],
    employee: impl Fn(&T) -> &EmployeeCode,
    at: impl Fn(&T) -> &DateTime<FixedOffset>,
    tie: impl Fn(&T, &T) -> Ordering,
) -> Vec<Ranked<'a, T>> {
    // First-seen numbering, then renumbered in code order.
    let mut first_seen: HashMap<&str, u32> = HashMap::new();
    let mut seen_codes: Vec<&str> = Vec::new();
    let mut keys: Vec<(u32, i64, u32, usize)> = Vec::with_capacity(items.len());
    for (index, item) in items.iter().enumerate() {
        let code = employee(item).as_str();
        let next = u32::try_from(seen_codes.len()).unwrap_or(u32::MAX);
        let seen = *first_seen.entry(code).or_insert_with(|| {
            seen_codes.push(code);
            next
        });
        let when = at(item);
        keys.push((seen, when.timestamp(), when.timestamp_subsec_nanos(), index));
    }
    let mut by_code: Vec<u32> = (0..u32::try_from(seen_codes.len()).unwrap_or(u32::MAX)).collect();
    by_code.sort_unstable_by_key(|&seen| seen_codes[seen as usize]);
    let mut rank_of_seen = vec![0u32; by_code.len()];
    for (rank, &seen) in by_code.iter().enumerate() {
        rank_of_seen[seen as usize] = u32::try_from(rank).unwrap_or(u32::MAX);
    }
    for key in &mut keys {
        key.0 = rank_of_seen[key.0 as usize];
    }
    keys.sort_unstable_by(|a, b| {
        (a.0, a.1, a.2)
            .cmp(&(b.0, b.1, b.2))
            .then_with(|| tie(&items[a.3], &items[b.3]))
    });
    keys.into_iter()
        .map(|(rank, _, _, index)| (rank, &items[index]))
        .collect()
}

/// Walks `sorted` (from [`sort_by_employee_and_time`]) once and calls `day`
/// with each (work date, run of items) of one employee. The border is looked
/// up once per employee. Every item is passed exactly once; no run is empty.
pub(crate) fn for_each_work_day<'a, 'b, T, E, A, F>(
    sorted: &'a [Ranked<'b, T>],
    employee: E,
    at: A,
    borders: &(impl DayBorders + ?Sized),
    mut day: F,
) where
    E: Fn(&T) -> &EmployeeCode,
    A: Fn(&T) -> &DateTime<FixedOffset>,
    F: FnMut(NaiveDate, &'a [Ranked<'b, T>]),
{
    let mut rest = sorted;
    while let Some(&(rank, first)) = rest.first() {
        let same_employee = rest
            .iter()
            .position(|(other, _)| *other != rank)
            .unwrap_or(rest.len());
        let (mine, tail) = rest.split_at(same_employee);
        rest = tail;
        let border = borders.border_for(employee(first));
        let mut days = mine;
        while let Some((_, first)) = days.first() {
            let date = border.work_date(at(first));
            let next_day = border.start_of(date.succ_opt().unwrap_or(date));
            let len = days
                .iter()
                .position(|(_, item)| *at(item) >= next_day)
                .unwrap_or(days.len());
            let (today, later) = days.split_at(len.max(1));
            day(date, today);
            days = later;
        }
    }
}
