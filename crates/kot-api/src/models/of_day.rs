//! What the daily endpoints return for one date.

use chrono::NaiveDate;

use super::{DailyCostsOfDay, DailySchedulesOfDay, DailyTimeRecordsOfDay, DailyWorkingsOfDay};

mod sealed {
    pub trait Sealed {}
}

/// The records of one date, as KOT's daily endpoints return them
/// (`{date, dailyWorkings: [...]}` and its kin). The client uses it to merge
/// the same date arriving from several requests. Implemented by this crate's
/// four day types only.
pub trait OfDay: sealed::Sealed {
    /// The date.
    fn date(&self) -> NaiveDate;
    /// Appends the records of `other`, a value for the same date.
    fn absorb(&mut self, other: Self);
}

macro_rules! of_day {
    ($($ty:ty => $list:ident),+ $(,)?) => {$(
        impl sealed::Sealed for $ty {}
        impl OfDay for $ty {
            fn date(&self) -> NaiveDate {
                self.date
            }
            fn absorb(&mut self, other: Self) {
                self.$list.extend(other.$list);
            }
        }
    )+};
}

of_day! {
    DailyWorkingsOfDay => daily_workings,
    DailyTimeRecordsOfDay => daily_workings,
    DailyCostsOfDay => daily_workings,
    DailySchedulesOfDay => daily_schedules,
}

/// Merges days into `into`, joining the records of dates already present and
/// keeping dates in ascending order.
#[cfg(feature = "client")]
pub(crate) fn merge_days<T: OfDay>(into: &mut Vec<T>, days: Vec<T>) {
    for day in days {
        match into.iter_mut().find(|d| d.date() == day.date()) {
            Some(existing) => existing.absorb(day),
            None => into.push(day),
        }
    }
    into.sort_by_key(OfDay::date);
}
