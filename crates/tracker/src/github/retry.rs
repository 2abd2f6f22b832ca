//! When to retry a GitHub request, and how long to wait first.
//!
//! Retried: 5xx, 429, and 403 when it is a rate limit (`x-ratelimit-remaining: 0`, or GitHub's
//! "secondary rate limit" message), plus transport failures. Never retried: any other 4xx.
//! Waits honour `Retry-After` (seconds) and `x-ratelimit-reset` (epoch seconds), and otherwise
//! back off exponentially. A wait longer than [`RetryPolicy::max_wait`] is not slept: the request
//! fails at once with [`TrackerError::RateLimited`](crate::TrackerError::RateLimited), so a CI job
//! is not parked for an hour.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Time as the retry loop sees it. Injectable so that tests neither sleep nor depend on the
/// wall clock.
pub trait Clock: Send + Sync {
    /// Seconds since the Unix epoch.
    fn now_epoch_seconds(&self) -> u64;
    /// Blocks for `duration`.
    fn sleep(&self, duration: Duration);
}

/// The real clock.
#[derive(Debug, Clone, Copy, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now_epoch_seconds(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_secs())
    }

    fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

/// How often and how long to retry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Total attempts, the first included.
    pub max_attempts: u32,
    /// First backoff; doubled on each further attempt.
    pub base_delay: Duration,
    /// Longest backoff computed from `base_delay`.
    pub max_delay: Duration,
    /// Longest wait accepted from a `Retry-After` or `x-ratelimit-reset` header.
    pub max_wait: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_wait: Duration::from_secs(60),
        }
    }
}

impl RetryPolicy {
    /// The exponential backoff before attempt `attempt + 1` (`attempt` counts from 1).
    pub fn backoff(&self, attempt: u32) -> Duration {
        let factor = 1u32.checked_shl(attempt.saturating_sub(1)).unwrap_or(u32::MAX);
        self.base_delay.checked_mul(factor).map_or(self.max_delay, |d| d.min(self.max_delay))
    }
}

/// What the headers of a failed answer say about retrying it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Verdict {
    /// Do not retry.
    Final,
    /// Retry; the request may have been processed (5xx, transport failure).
    Transient,
    /// Retry after the given wait (or a backoff when unknown); the request was not processed.
    RateLimited(Option<Duration>),
}

/// The headers [`classify`] looks at.
#[derive(Debug, Default, Clone)]
pub(crate) struct RateHeaders {
    pub retry_after: Option<String>,
    pub remaining: Option<String>,
    pub reset: Option<String>,
}

/// Classifies a non-2xx answer.
pub(crate) fn classify(status: u16, headers: &RateHeaders, message: &str, now_epoch: u64) -> Verdict {
    let retry_after =
        headers.retry_after.as_deref().and_then(|v| v.trim().parse::<u64>().ok()).map(Duration::from_secs);
    let exhausted = headers.remaining.as_deref().map(str::trim) == Some("0");
    let until_reset = headers
        .reset
        .as_deref()
        .and_then(|v| v.trim().parse::<u64>().ok())
        .map(|reset| Duration::from_secs(reset.saturating_sub(now_epoch).max(1)));
    let secondary = message.to_ascii_lowercase().contains("secondary rate limit");
    match status {
        429 => Verdict::RateLimited(retry_after.or(if exhausted { until_reset } else { None })),
        403 if exhausted || secondary || retry_after.is_some() => {
            Verdict::RateLimited(retry_after.or(if exhausted { until_reset } else { None }))
        }
        500..=599 => Verdict::Transient,
        _ => Verdict::Final,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(retry_after: Option<&str>, remaining: Option<&str>, reset: Option<&str>) -> RateHeaders {
        RateHeaders {
            retry_after: retry_after.map(str::to_owned),
            remaining: remaining.map(str::to_owned),
            reset: reset.map(str::to_owned),
        }
    }

    #[test]
    fn backoff_doubles_and_is_capped() {
        let policy = RetryPolicy::default();
        assert_eq!(policy.backoff(1), Duration::from_millis(500));
        assert_eq!(policy.backoff(2), Duration::from_secs(1));
        assert_eq!(policy.backoff(4), Duration::from_secs(4));
        assert_eq!(policy.backoff(10), Duration::from_secs(8));
        assert_eq!(policy.backoff(200), Duration::from_secs(8));
    }

    #[test]
    fn primary_rate_limit_waits_until_reset() {
        let verdict = classify(403, &headers(None, Some("0"), Some("1000")), "API rate limit exceeded", 990);
        assert_eq!(verdict, Verdict::RateLimited(Some(Duration::from_secs(10))));
    }

    #[test]
    fn secondary_rate_limit_without_headers_backs_off() {
        let msg = "You have exceeded a secondary rate limit. Please wait a few minutes.";
        assert_eq!(classify(403, &RateHeaders::default(), msg, 0), Verdict::RateLimited(None));
    }

    #[test]
    fn plain_403_and_404_are_final() {
        assert_eq!(
            classify(
                403,
                &headers(None, Some("4000"), Some("1")),
                "Resource not accessible by integration",
                0
            ),
            Verdict::Final
        );
        assert_eq!(classify(404, &RateHeaders::default(), "Not Found", 0), Verdict::Final);
        assert_eq!(classify(422, &RateHeaders::default(), "Validation Failed", 0), Verdict::Final);
    }

    #[test]
    fn too_many_requests_honours_retry_after() {
        assert_eq!(
            classify(429, &headers(Some("3"), None, None), "", 0),
            Verdict::RateLimited(Some(Duration::from_secs(3)))
        );
        assert_eq!(classify(502, &RateHeaders::default(), "", 0), Verdict::Transient);
    }
}
