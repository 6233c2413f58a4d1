//! The sandbox's clock: injected, never read from the machine.

use std::sync::{Arc, Mutex};

use chrono::{DateTime, Duration, FixedOffset, NaiveDate, Offset, Utc};
use kot_connect_http::Clock;

/// Japan Standard Time (UTC+09:00, no daylight saving).
pub(crate) fn jst() -> FixedOffset {
    FixedOffset::east_opt(9 * 3600).unwrap_or(Utc.fix())
}

/// The instant every fake believes it is. Clones share one time, and it
/// only moves when told to, so a run gives the same result at any hour of
/// the machine's day. Pass it (it implements [`Clock`]) to the clients too,
/// so their time-band guards agree with the fakes.
#[derive(Debug, Clone)]
pub struct SandboxClock {
    now: Arc<Mutex<DateTime<Utc>>>,
}

impl SandboxClock {
    /// A clock frozen at `now`.
    pub fn new(now: DateTime<Utc>) -> Self {
        Self {
            now: Arc::new(Mutex::new(now)),
        }
    }

    /// The current instant.
    pub fn now(&self) -> DateTime<Utc> {
        *self.now.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// The current instant in JST.
    pub fn now_jst(&self) -> DateTime<FixedOffset> {
        self.now().with_timezone(&jst())
    }

    /// Today's date in JST.
    pub fn today(&self) -> NaiveDate {
        self.now_jst().date_naive()
    }

    /// Sets the time.
    pub fn set(&self, now: DateTime<Utc>) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) = now;
    }

    /// Moves the time by `by` (backwards when negative).
    pub fn advance(&self, by: Duration) {
        *self.now.lock().unwrap_or_else(|e| e.into_inner()) += by;
    }
}

impl Clock for SandboxClock {
    fn now(&self) -> DateTime<Utc> {
        SandboxClock::now(self)
    }
}
