use std::time::{Duration, SystemTime};

/// How calls are retried: the one statement of the adapter's retry rules.
///
/// **What is retried.** A query is retried on 408, 429, 5xx (but 501) and on
/// a lost or failed connection. A mutation is re-sent only when it surely did
/// not run: the connection could not be made, or the server answered 429 (a
/// refusal before execution). Once a mutation may have reached the server, a
/// lost answer, a 408 or 5xx (whatever its body says), an unreadable answer,
/// or a result with errors that cannot be kept makes it `Ambiguous`, and it
/// is never repeated. A failure repeating cannot heal (TLS verification, an
/// unbuildable request) is not retried.
///
/// **How long.** A call is tried at most `max_attempts` times and never past
/// `deadline` after it started (nor past the client's
/// [`deadline_at`](crate::GraphqlClientBuilder::deadline_at)); no attempt is
/// started with less than a second left (or the attempt timeout, or a quarter
/// of `deadline`, if shorter), since it could only turn the last definite
/// answer into a lost one. Between attempts it waits a random time
/// between zero and `base_delay * 2^(attempt - 1)`, capped at `max_delay`
/// ("full jitter"), unless the server said how long to wait with
/// `Retry-After`: that wait is honoured (never retried sooner), but if it is
/// longer than `max_retry_after` or than the deadline leaves, the call gives
/// up at once with `RateLimited { retry_after }` so that the caller learns the
/// real wait.
///
/// **Rate-limit headers.** When an answer says `RateLimit-Remaining: 0` with
/// `RateLimit-Reset: N` (IETF draft headers, read as the official client reads
/// them), no request is sent for N seconds by the client, its clones or its
/// `act_as` repositories: a call waits until then if this policy allows that
/// long a wait (`max_retry_after`, and the deadline), and otherwise fails at
/// once with `RateLimited { retry_after }`, nothing sent.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Attempts in all, the first included; 1 means never retry.
    pub max_attempts: u32,
    /// The ceiling of the first wait; each later ceiling doubles it.
    pub base_delay: Duration,
    /// No wait between attempts is longer than this (but a `Retry-After`).
    pub max_delay: Duration,
    /// The longest a call may take, waits and attempts included.
    pub deadline: Duration,
    /// The longest `Retry-After` the client is willing to wait out.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self {
            max_attempts: 4,
            base_delay: Duration::from_millis(250),
            max_delay: Duration::from_secs(8),
            deadline: Duration::from_secs(90),
            max_retry_after: Duration::from_secs(30),
        }
    }
}

impl RetryPolicy {
    /// One attempt, no retries.
    pub fn never() -> Self {
        Self {
            max_attempts: 1,
            ..Self::default()
        }
    }

    /// The longest wait before attempt `retry + 1` (`retry` counts from 0).
    pub(crate) fn ceiling(&self, retry: u32) -> Duration {
        let factor = 2u32.saturating_pow(retry.min(31));
        self.base_delay.saturating_mul(factor).min(self.max_delay)
    }

    /// A random wait in `[0, ceiling(retry)]`.
    pub(crate) fn backoff(&self, retry: u32) -> Duration {
        let ceiling = u64::try_from(self.ceiling(retry).as_millis()).unwrap_or(u64::MAX);
        Duration::from_millis(rand::random_range(0..=ceiling))
    }
}

/// A `Retry-After` value: delay-seconds or an HTTP date.
pub(crate) fn parse_retry_after(value: &str) -> Option<Duration> {
    let value = value.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(
        when.duration_since(SystemTime::now())
            .unwrap_or(Duration::ZERO),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_stays_under_a_doubling_ceiling_capped_at_max_delay() {
        let policy = RetryPolicy {
            base_delay: Duration::from_millis(100),
            max_delay: Duration::from_millis(700),
            ..RetryPolicy::default()
        };
        let ceilings: Vec<u128> = (0..5).map(|n| policy.ceiling(n).as_millis()).collect();
        assert_eq!(ceilings, [100, 200, 400, 700, 700]);
        for retry in 0..40 {
            assert!(policy.backoff(retry) <= policy.ceiling(retry));
        }
    }

    #[test]
    fn retry_after_takes_seconds_or_a_date() {
        assert_eq!(parse_retry_after(" 7 "), Some(Duration::from_secs(7)));
        assert_eq!(
            parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT"),
            Some(Duration::ZERO)
        );
        let later = httpdate::fmt_http_date(SystemTime::now() + Duration::from_secs(120));
        let wait = parse_retry_after(&later).unwrap();
        assert!(wait > Duration::from_secs(100) && wait <= Duration::from_secs(120));
        assert_eq!(parse_retry_after("soon"), None);
    }
}
