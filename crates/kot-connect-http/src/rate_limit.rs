//! A client-side rate limiter shared by every clone of a client.
//!
//! It is a GCRA ("virtual scheduling") limiter: each permit reserves the next
//! free slot, so waiting callers are served in arrival order and the long-run
//! rate never exceeds the configured one, while up to `burst` requests may go
//! at once after a quiet period. It runs on tokio's clock, so tests can pause
//! and advance time instead of sleeping.

use std::sync::{Arc, Mutex};
use std::time::Duration;

use tokio::time::Instant;

use crate::Error;

/// Limits how often requests start. Clones share one budget.
#[derive(Debug, Clone)]
pub struct RateLimiter {
    interval: Duration,
    tolerance: Duration,
    next: Arc<Mutex<Option<Instant>>>,
}

impl RateLimiter {
    /// At most `requests` requests per `period`, with bursts of up to
    /// `requests` after a quiet period.
    ///
    /// # Errors
    /// [`Error::Config`] when `requests` is zero or `period` is zero.
    pub fn new(requests: u32, period: Duration) -> Result<Self, Error> {
        if requests == 0 || period.is_zero() {
            return Err(Error::config(
                "rate limit needs at least one request per non-zero period",
            ));
        }
        let interval = period / requests;
        Ok(Self::with_burst_unchecked(interval, 1))
    }

    /// At most `per_second` requests per second, one at a time (no burst).
    ///
    /// # Errors
    /// [`Error::Config`] when `per_second` is not a finite number above zero.
    pub fn per_second(per_second: f64) -> Result<Self, Error> {
        if !(per_second.is_finite() && per_second > 0.0) {
            return Err(Error::config(format!(
                "rate limit must be a positive number of requests per second, got {per_second}"
            )));
        }
        let interval = Duration::try_from_secs_f64(1.0 / per_second)
            .map_err(|e| Error::config(format!("rate limit {per_second}/s: {e}")))?;
        Ok(Self::with_burst_unchecked(interval, 1))
    }

    /// Allows up to `burst` requests at once after a quiet period (at least 1).
    pub fn with_burst(self, burst: u32) -> Self {
        Self::with_burst_unchecked(self.interval, burst)
    }

    fn with_burst_unchecked(interval: Duration, burst: u32) -> Self {
        Self {
            interval,
            tolerance: interval.saturating_mul(burst.max(1) - 1),
            next: Arc::new(Mutex::new(None)),
        }
    }

    /// The time between two requests at the sustained rate.
    pub fn interval(&self) -> Duration {
        self.interval
    }

    /// Reserves the next slot and returns when it starts (now, or later).
    fn reserve(&self) -> Instant {
        let now = Instant::now();
        let mut next = self.next.lock().unwrap_or_else(|e| e.into_inner());
        let tat = next.map_or(now, |t| t.max(now));
        let start = tat.checked_sub(self.tolerance).map_or(now, |t| t.max(now));
        *next = Some(tat + self.interval);
        start
    }

    /// Waits for a permit. Cancel-safe in the sense that a dropped waiter
    /// still uses its slot (the budget is never exceeded).
    pub async fn acquire(&self) {
        let start = self.reserve();
        tokio::time::sleep_until(start).await;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test(start_paused = true)]
    async fn requests_are_spaced_at_the_rate() {
        let limiter = RateLimiter::per_second(5.0).unwrap();
        let t0 = Instant::now();
        let mut starts = Vec::new();
        for _ in 0..6 {
            limiter.acquire().await;
            starts.push(Instant::now() - t0);
        }
        let ms: Vec<u128> = starts.iter().map(|d| d.as_millis()).collect();
        assert_eq!(ms, vec![0, 200, 400, 600, 800, 1000]);
    }

    #[tokio::test(start_paused = true)]
    async fn clones_share_one_budget() {
        let a = RateLimiter::new(2, Duration::from_secs(1)).unwrap();
        let b = a.clone();
        let t0 = Instant::now();
        a.acquire().await;
        b.acquire().await;
        a.acquire().await;
        assert_eq!((Instant::now() - t0).as_millis(), 1000);
    }

    #[tokio::test(start_paused = true)]
    async fn burst_then_sustained_rate() {
        let limiter = RateLimiter::per_second(10.0).unwrap().with_burst(3);
        let t0 = Instant::now();
        let mut ms = Vec::new();
        for _ in 0..5 {
            limiter.acquire().await;
            ms.push((Instant::now() - t0).as_millis());
        }
        assert_eq!(ms, vec![0, 0, 0, 100, 200]);
    }

    #[tokio::test(start_paused = true)]
    async fn concurrent_waiters_never_exceed_the_rate() {
        let limiter = RateLimiter::per_second(4.0).unwrap();
        let t0 = Instant::now();
        let tasks: Vec<_> = (0..8)
            .map(|_| {
                let l = limiter.clone();
                tokio::spawn(async move {
                    l.acquire().await;
                    Instant::now() - t0
                })
            })
            .collect();
        let mut ms = Vec::new();
        for t in tasks {
            ms.push(t.await.unwrap().as_millis());
        }
        ms.sort_unstable();
        assert_eq!(ms, vec![0, 250, 500, 750, 1000, 1250, 1500, 1750]);
    }

    #[tokio::test(start_paused = true)]
    async fn idle_time_is_not_banked_beyond_the_burst() {
        let limiter = RateLimiter::per_second(10.0).unwrap();
        limiter.acquire().await;
        tokio::time::advance(Duration::from_secs(10)).await;
        let t0 = Instant::now();
        limiter.acquire().await;
        limiter.acquire().await;
        assert_eq!((Instant::now() - t0).as_millis(), 100);
    }

    #[test]
    fn invalid_rates_are_config_errors() {
        assert!(RateLimiter::per_second(0.0).unwrap_err().is_config());
        assert!(RateLimiter::per_second(f64::NAN).unwrap_err().is_config());
        assert!(RateLimiter::per_second(-1.0).unwrap_err().is_config());
        assert!(
            RateLimiter::new(0, Duration::from_secs(1))
                .unwrap_err()
                .is_config()
        );
        assert!(RateLimiter::new(1, Duration::ZERO).unwrap_err().is_config());
    }
}
