//! KOT's prohibited time bands, in JST whatever the machine's time zone.
//!
//! Every day from 08:30 to 10:00 and from 17:30 to 18:30 JST, KOT refuses
//! every Web API call except the access-token calls and punch registration
//! (HTTP 403, code 104). The bands are taken as half-open, `[08:30, 10:00)`:
//! 08:30:00 is inside, 10:00:00 is outside. KOT does not document whether its
//! boundaries are inclusive, so the client's guard is advisory and KOT's own
//! 403/104 stays authoritative.

use std::fmt;

use chrono::{DateTime, Days, FixedOffset, NaiveTime, TimeZone};

pub use crate::models::jst;

/// One prohibited band of the day, in JST wall-clock time: `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct TimeBand {
    /// First prohibited instant of the band.
    pub start: NaiveTime,
    /// First allowed instant after the band.
    pub end: NaiveTime,
}

impl fmt::Display for TimeBand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-{}",
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )
    }
}

// Only called in constants: an invalid time fails the build, never a run.
#[allow(clippy::panic)]
const fn hm(h: u32, m: u32) -> NaiveTime {
    match NaiveTime::from_hms_opt(h, m, 0) {
        Some(t) => t,
        None => panic!("invalid constant time"),
    }
}

/// KOT's prohibited bands: 08:30-10:00 and 17:30-18:30 JST.
pub const PROHIBITED_BANDS: [TimeBand; 2] = [
    TimeBand {
        start: hm(8, 30),
        end: hm(10, 0),
    },
    TimeBand {
        start: hm(17, 30),
        end: hm(18, 30),
    },
];

/// The band in force at an instant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BandInForce {
    /// The band.
    pub band: TimeBand,
    /// When it ends (JST).
    pub reopens_at: DateTime<FixedOffset>,
}

/// The prohibited band in force at `instant`, if any.
pub fn band_at<Tz: TimeZone>(instant: &DateTime<Tz>) -> Option<BandInForce> {
    let local = instant.with_timezone(&jst());
    let time = local.time();
    let band = PROHIBITED_BANDS
        .iter()
        .find(|b| b.start <= time && time < b.end)?;
    let reopens_at = local
        .date_naive()
        .and_time(band.end)
        .and_local_timezone(jst())
        .single()?;
    Some(BandInForce {
        band: *band,
        reopens_at,
    })
}

/// Whether non-exempt KOT calls are refused at `instant`.
pub fn is_prohibited<Tz: TimeZone>(instant: &DateTime<Tz>) -> bool {
    band_at(instant).is_some()
}

/// The first instant at or after `instant` when non-exempt calls are allowed.
pub fn next_allowed<Tz: TimeZone>(instant: &DateTime<Tz>) -> DateTime<FixedOffset> {
    match band_at(instant) {
        Some(b) => b.reopens_at,
        None => instant.with_timezone(&jst()),
    }
}

/// Whether a KOT call is subject to the prohibited time bands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CallKind {
    /// Refused 08:30-10:00 and 17:30-18:30 JST: every call but the two below.
    Guarded,
    /// Allowed at any time: the access-token calls and punch registration.
    Exempt,
}

impl CallKind {
    /// Whether a call of this kind to `endpoint` may be made at `instant`.
    ///
    /// # Errors
    /// [`TimeBandClosed`] when the call is guarded and `instant` falls in a band.
    pub fn check<Tz: TimeZone>(
        self,
        instant: &DateTime<Tz>,
        endpoint: &str,
    ) -> Result<(), TimeBandClosed> {
        match (self, band_at(instant)) {
            (CallKind::Guarded, Some(b)) => Err(TimeBandClosed {
                endpoint: endpoint.to_owned(),
                band: b.band,
                reopens_at: b.reopens_at,
            }),
            _ => Ok(()),
        }
    }
}

/// The client refused a call that KOT would refuse: it falls inside a
/// prohibited time band (JST). Token calls and punch registration are exempt.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "{endpoint} is not available during KOT's prohibited time band {band} JST; it reopens at {reopens_at}"
)]
pub struct TimeBandClosed {
    /// The endpoint template that was refused.
    pub endpoint: String,
    /// The band in force.
    pub band: TimeBand,
    /// When the band ends (JST).
    pub reopens_at: DateTime<FixedOffset>,
}

/// The next instant strictly after `instant` when a band begins (JST).
pub fn next_band_start<Tz: TimeZone>(instant: &DateTime<Tz>) -> DateTime<FixedOffset> {
    let local = instant.with_timezone(&jst());
    let today = local.date_naive();
    let tomorrow = today.checked_add_days(Days::new(1)).unwrap_or(today);
    [today, tomorrow]
        .into_iter()
        .flat_map(|d| PROHIBITED_BANDS.iter().map(move |b| d.and_time(b.start)))
        .filter_map(|naive| naive.and_local_timezone(jst()).single())
        .find(|start| *start > local)
        .unwrap_or(local)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, Utc};

    fn jst_at(h: u32, m: u32, s: u32) -> DateTime<FixedOffset> {
        jst().with_ymd_and_hms(2026, 11, 21, h, m, s).unwrap()
    }

    #[test]
    fn boundaries_are_half_open() {
        let ms = Duration::milliseconds(1);
        let cases = [
            (jst_at(8, 30, 0) - ms, false),
            (jst_at(8, 30, 0), true),
            (jst_at(9, 59, 59), true),
            (jst_at(10, 0, 0) - ms, true),
            (jst_at(10, 0, 0), false),
            (jst_at(17, 30, 0) - ms, false),
            (jst_at(17, 30, 0), true),
            (jst_at(18, 30, 0) - ms, true),
            (jst_at(18, 30, 0), false),
            (jst_at(0, 0, 0), false),
            (jst_at(23, 59, 59), false),
        ];
        for (instant, prohibited) in cases {
            assert_eq!(is_prohibited(&instant), prohibited, "{instant}");
        }
    }

    #[test]
    fn only_guarded_calls_are_refused_and_the_refusal_says_when_it_reopens() {
        let inside = jst_at(17, 45, 0);
        let refusal = CallKind::Guarded.check(&inside, "/employees").unwrap_err();
        assert_eq!(refusal.endpoint, "/employees");
        assert_eq!(refusal.band, PROHIBITED_BANDS[1]);
        assert_eq!(refusal.reopens_at, jst_at(18, 30, 0));
        assert!(refusal.to_string().contains("18:30"));
        assert_eq!(
            CallKind::Exempt.check(&inside, "/daily-workings/timerecord"),
            Ok(())
        );
        assert_eq!(
            CallKind::Guarded.check(&jst_at(18, 30, 0), "/employees"),
            Ok(())
        );
    }

    #[test]
    fn bands_are_computed_in_jst_from_utc() {
        // 00:00 UTC is 09:00 JST: inside the morning band.
        let utc = Utc.with_ymd_and_hms(2026, 11, 21, 0, 0, 0).unwrap();
        let b = band_at(&utc).unwrap();
        assert_eq!(b.band, PROHIBITED_BANDS[0]);
        assert_eq!(b.reopens_at, jst_at(10, 0, 0));
        // 08:45 UTC is 17:45 JST: the evening band.
        let utc = Utc.with_ymd_and_hms(2026, 11, 21, 8, 45, 0).unwrap();
        assert_eq!(band_at(&utc).unwrap().reopens_at, jst_at(18, 30, 0));
        // 08:30 in New York (UTC-5) is 22:30 JST: allowed.
        let ny = FixedOffset::west_opt(5 * 3600).unwrap();
        let t = ny.with_ymd_and_hms(2026, 11, 21, 8, 30, 0).unwrap();
        assert!(!is_prohibited(&t));
    }

    #[test]
    fn next_allowed_and_next_band_start() {
        assert_eq!(next_allowed(&jst_at(9, 0, 0)), jst_at(10, 0, 0));
        assert_eq!(next_allowed(&jst_at(11, 0, 0)), jst_at(11, 0, 0));
        assert_eq!(next_band_start(&jst_at(7, 0, 0)), jst_at(8, 30, 0));
        assert_eq!(next_band_start(&jst_at(8, 30, 0)), jst_at(17, 30, 0));
        assert_eq!(next_band_start(&jst_at(12, 0, 0)), jst_at(17, 30, 0));
        let tomorrow = jst().with_ymd_and_hms(2026, 11, 22, 8, 30, 0).unwrap();
        assert_eq!(next_band_start(&jst_at(19, 0, 0)), tomorrow);
    }

    #[test]
    fn display() {
        assert_eq!(PROHIBITED_BANDS[0].to_string(), "08:30-10:00");
        assert_eq!(PROHIBITED_BANDS[1].to_string(), "17:30-18:30");
    }
}
