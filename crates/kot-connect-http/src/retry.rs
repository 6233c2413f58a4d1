//! The retry decision, as a pure function of what happened.
//!
//! [`RetryPolicy::decide`] takes the failure class, the attempt number, the
//! time spent so far, the server's `Retry-After` (if any) and a jitter value
//! in `[0, 1)`, and answers "stop" or "retry after this long". Nothing here
//! sleeps, reads a clock or draws random numbers, so the whole behaviour is
//! table-tested.
//!
//! Only idempotent requests are ever retried: a request that may have had an
//! effect (a KOT punch POST, for one) is never sent twice by the transport.

use std::time::Duration;

/// What went wrong with one attempt, as far as retrying is concerned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FailureClass {
    /// A transient failure: 5xx, timeout, connection reset or refused.
    Transient,
    /// The server refused because of its rate limit.
    RateLimited,
    /// A failure that will not go away by trying again (4xx, bad request).
    Permanent,
}

/// Why the policy stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum StopReason {
    /// The failure is not one that a retry can fix.
    Permanent,
    /// The request is not idempotent; sending it again could repeat its effect.
    NotIdempotent,
    /// The maximum number of attempts was reached.
    AttemptsExhausted,
    /// Waiting for the next attempt would exceed the total time budget.
    DeadlineExceeded,
}

/// The decision for one failed attempt.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RetryDecision {
    /// Give up and report the last failure.
    Stop(StopReason),
    /// Wait this long, then send the request again.
    RetryAfter(Duration),
}

/// The facts about one failed attempt that the decision depends on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attempt {
    /// 1 for the first attempt, 2 for the first retry, and so on.
    pub number: u32,
    /// Time since the first attempt started.
    pub elapsed: Duration,
    /// Whether the request may safely be sent again.
    pub idempotent: bool,
    /// The failure class.
    pub class: FailureClass,
    /// What the server asked us to wait (`Retry-After`), if anything.
    pub retry_after: Option<Duration>,
}

/// How often and how long to retry.
///
/// The delay before retry `n` (1-based) is the server's `Retry-After`,
/// clamped to [`max_retry_after`](Self::max_retry_after), or else a "full
/// jitter" draw from `[0, min(max_backoff, initial_backoff * 2^(n-1))]`, but
/// never less than [`min_backoff`](Self::min_backoff).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct RetryPolicy {
    /// Attempts in all, the first included. 1 disables retries.
    pub max_attempts: u32,
    /// The backoff cap before the first retry.
    pub initial_backoff: Duration,
    /// The largest backoff cap.
    pub max_backoff: Duration,
    /// The smallest delay between attempts (jitter never goes below it).
    pub min_backoff: Duration,
    /// The longest `Retry-After` honoured; longer requests are clamped to it.
    pub max_retry_after: Duration,
    /// Total time budget: no retry starts after this much time has passed.
    pub max_elapsed: Duration,
}

impl Default for RetryPolicy {
    /// 4 attempts, 500 ms doubling to 30 s, at least 50 ms apart,
    /// `Retry-After` honoured up to 60 s, 2 minutes in all.
    fn default() -> Self {
        Self {
            max_attempts: 4,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(30),
            min_backoff: Duration::from_millis(50),
            max_retry_after: Duration::from_secs(60),
            max_elapsed: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// Sets the number of attempts in all (at least 1).
    pub fn with_max_attempts(mut self, attempts: u32) -> Self {
        self.max_attempts = attempts.max(1);
        self
    }

    /// Sets the backoff: the first cap and the largest cap.
    pub fn with_backoff(mut self, initial: Duration, max: Duration) -> Self {
        self.initial_backoff = initial;
        self.max_backoff = max.max(initial);
        self
    }

    /// Sets the smallest delay between attempts.
    pub fn with_min_backoff(mut self, min: Duration) -> Self {
        self.min_backoff = min;
        self
    }

    /// Sets the longest honoured `Retry-After`.
    pub fn with_max_retry_after(mut self, max: Duration) -> Self {
        self.max_retry_after = max;
        self
    }

    /// Sets the total time budget.
    pub fn with_max_elapsed(mut self, max: Duration) -> Self {
        self.max_elapsed = max;
        self
    }

    /// The backoff cap before retry number `retry` (1-based).
    pub fn backoff_cap(&self, retry: u32) -> Duration {
        let exp = retry.saturating_sub(1).min(31);
        self.initial_backoff
            .saturating_mul(1u32 << exp)
            .min(self.max_backoff)
    }

    /// Decides what to do after a failed attempt.
    ///
    /// `jitter` is a number in `[0, 1)` (values outside are clamped); the
    /// transport draws it at random, tests pass fixed values.
    pub fn decide(&self, attempt: &Attempt, jitter: f64) -> RetryDecision {
        if attempt.class == FailureClass::Permanent {
            return RetryDecision::Stop(StopReason::Permanent);
        }
        if !attempt.idempotent {
            return RetryDecision::Stop(StopReason::NotIdempotent);
        }
        if attempt.number >= self.max_attempts {
            return RetryDecision::Stop(StopReason::AttemptsExhausted);
        }
        let delay = match attempt.retry_after {
            Some(asked) => asked.min(self.max_retry_after),
            None => {
                let jitter = if jitter.is_finite() {
                    jitter.clamp(0.0, 1.0)
                } else {
                    0.0
                };
                self.backoff_cap(attempt.number).mul_f64(jitter)
            }
        }
        .max(self.min_backoff);
        if attempt.elapsed.saturating_add(delay) > self.max_elapsed {
            return RetryDecision::Stop(StopReason::DeadlineExceeded);
        }
        RetryDecision::RetryAfter(delay)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const MS: fn(u64) -> Duration = Duration::from_millis;
    const S: fn(u64) -> Duration = Duration::from_secs;

    fn attempt(number: u32, class: FailureClass) -> Attempt {
        Attempt {
            number,
            elapsed: Duration::ZERO,
            idempotent: true,
            class,
            retry_after: None,
        }
    }

    #[test]
    fn decision_table() {
        use FailureClass::{RateLimited, Transient};
        use RetryDecision::*;
        use StopReason::{AttemptsExhausted, DeadlineExceeded, NotIdempotent};
        let p = RetryPolicy::default();
        let cases: Vec<(&str, Attempt, f64, RetryDecision)> = vec![
            (
                "permanent stops",
                attempt(1, FailureClass::Permanent),
                0.5,
                Stop(StopReason::Permanent),
            ),
            (
                "non-idempotent never retried, even transient",
                Attempt {
                    idempotent: false,
                    ..attempt(1, Transient)
                },
                0.5,
                Stop(NotIdempotent),
            ),
            (
                "non-idempotent never retried, even rate limited",
                Attempt {
                    idempotent: false,
                    ..attempt(1, RateLimited)
                },
                0.5,
                Stop(NotIdempotent),
            ),
            (
                "first retry: half of 500ms",
                attempt(1, Transient),
                0.5,
                RetryAfter(MS(250)),
            ),
            (
                "second retry: half of 1s",
                attempt(2, Transient),
                0.5,
                RetryAfter(MS(500)),
            ),
            (
                "third retry: full jitter top",
                attempt(3, Transient),
                0.999,
                RetryAfter(MS(1998)),
            ),
            (
                "jitter zero is floored",
                attempt(1, Transient),
                0.0,
                RetryAfter(MS(50)),
            ),
            (
                "jitter NaN is floored",
                attempt(1, Transient),
                f64::NAN,
                RetryAfter(MS(50)),
            ),
            (
                "jitter above 1 is clamped",
                attempt(1, Transient),
                7.0,
                RetryAfter(MS(500)),
            ),
            (
                "attempts exhausted",
                attempt(4, Transient),
                0.5,
                Stop(AttemptsExhausted),
            ),
            (
                "retry-after honoured",
                Attempt {
                    retry_after: Some(S(3)),
                    ..attempt(1, RateLimited)
                },
                0.5,
                RetryAfter(S(3)),
            ),
            (
                "retry-after clamped",
                Attempt {
                    retry_after: Some(S(3600)),
                    ..attempt(1, RateLimited)
                },
                0.5,
                RetryAfter(S(60)),
            ),
            (
                "retry-after zero floored",
                Attempt {
                    retry_after: Some(Duration::ZERO),
                    ..attempt(1, RateLimited)
                },
                0.5,
                RetryAfter(MS(50)),
            ),
            (
                "deadline exceeded",
                Attempt {
                    elapsed: S(119),
                    retry_after: Some(S(5)),
                    ..attempt(2, Transient)
                },
                0.5,
                Stop(DeadlineExceeded),
            ),
            (
                "just inside the deadline",
                Attempt {
                    elapsed: S(115),
                    retry_after: Some(S(5)),
                    ..attempt(2, Transient)
                },
                0.5,
                RetryAfter(S(5)),
            ),
        ];
        for (name, a, jitter, expected) in cases {
            assert_eq!(p.decide(&a, jitter), expected, "{name}");
        }
    }

    #[test]
    fn backoff_cap_doubles_then_caps() {
        let p = RetryPolicy::default();
        let caps: Vec<_> = (1..=9).map(|n| p.backoff_cap(n)).collect();
        assert_eq!(
            caps,
            vec![MS(500), S(1), S(2), S(4), S(8), S(16), S(30), S(30), S(30)]
        );
        // No overflow for absurd attempt numbers.
        assert_eq!(p.backoff_cap(u32::MAX), S(30));
    }

    #[test]
    fn never_stops_at_first_failure() {
        let p = RetryPolicy::never();
        assert_eq!(
            p.decide(&attempt(1, FailureClass::Transient), 0.5),
            RetryDecision::Stop(StopReason::AttemptsExhausted)
        );
    }

    #[test]
    fn a_documented_schedule_can_be_expressed() {
        // e.g. cyzen's "1, 2, 4, 8, 16 s" (jittered): 6 attempts, 1 s doubling to 16 s.
        let p = RetryPolicy::default()
            .with_max_attempts(6)
            .with_backoff(S(1), S(16))
            .with_max_elapsed(S(600));
        let caps: Vec<_> = (1..=5).map(|n| p.backoff_cap(n)).collect();
        assert_eq!(caps, vec![S(1), S(2), S(4), S(8), S(16)]);
        assert_eq!(
            p.decide(&attempt(6, FailureClass::RateLimited), 0.5),
            RetryDecision::Stop(StopReason::AttemptsExhausted)
        );
    }
}
