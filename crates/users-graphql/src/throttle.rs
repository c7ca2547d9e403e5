//! Slowing down before the server has to say 429.
//!
//! As the official client does, responses' `RateLimit-Remaining` and
//! `RateLimit-Reset` headers (IETF draft `ratelimit-headers`: a count, and
//! delta-seconds until the quota resets) are read. When a response says that
//! no request remains, no request is sent until the reset, by any repository
//! sharing the transport (clones and `act_as` handles); the rules are on
//! [`RetryPolicy`](crate::RetryPolicy).

use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use reqwest::header::HeaderMap;
use tokio::time::Instant;

/// A reset further away than this is read as this: a server asking for more
/// is broken, and the caller learns to wait a day either way.
const LONGEST_RESET: Duration = Duration::from_secs(24 * 60 * 60);

/// When requests may be sent again, if the server said to hold off.
#[derive(Debug, Default)]
pub(crate) struct Throttle {
    resume_at: Mutex<Option<Instant>>,
}

impl Throttle {
    /// Reads one response's headers.
    pub(crate) fn note(&self, headers: &HeaderMap) {
        let Some(reset) = exhausted_until(headers) else {
            return;
        };
        let resume_at = Instant::now() + reset.min(LONGEST_RESET);
        let mut slot = self
            .resume_at
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        // Only ever later: an answer to an older request must not cut a pause short.
        if slot.is_none_or(|current| current < resume_at) {
            *slot = Some(resume_at);
        }
    }

    /// How long to hold off before the next request, if at all.
    pub(crate) fn pause(&self) -> Option<Duration> {
        let resume_at = (*self
            .resume_at
            .lock()
            .unwrap_or_else(PoisonError::into_inner))?;
        let left = resume_at.saturating_duration_since(Instant::now());
        (!left.is_zero()).then_some(left)
    }
}

/// The time until the reset, when the headers say no request remains.
fn exhausted_until(headers: &HeaderMap) -> Option<Duration> {
    let value = |name: &str| headers.get(name)?.to_str().ok().map(str::trim);
    let remaining: f64 = value("ratelimit-remaining")?.parse().ok()?;
    // `NaN > 0.0` is false: only a real count of zero or less is exhausted.
    if remaining.is_nan() || remaining > 0.0 {
        return None;
    }
    let reset: f64 = value("ratelimit-reset")?.parse().ok()?;
    // Negative or NaN: no reset at all; too large for a `Duration`: capped by the caller.
    (reset >= 0.0).then(|| Duration::try_from_secs_f64(reset).unwrap_or(Duration::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use reqwest::header::HeaderValue;

    fn headers(remaining: &'static str, reset: &'static str) -> HeaderMap {
        let mut headers = HeaderMap::new();
        headers.insert("RateLimit-Remaining", HeaderValue::from_static(remaining));
        headers.insert("RateLimit-Reset", HeaderValue::from_static(reset));
        headers
    }

    #[test]
    fn only_an_exhausted_quota_with_a_reset_pauses() {
        assert_eq!(
            exhausted_until(&headers("0", "7")),
            Some(Duration::from_secs(7))
        );
        assert_eq!(
            exhausted_until(&headers("0", "1.5")),
            Some(Duration::from_millis(1500))
        );
        for (remaining, reset) in [
            ("1", "7"),
            ("0", "soon"),
            ("0", "-1"),
            ("0", "NaN"),
            ("NaN", "7"),
            ("x", "7"),
        ] {
            assert_eq!(exhausted_until(&headers(remaining, reset)), None);
        }
        assert_eq!(exhausted_until(&HeaderMap::new()), None);
    }

    #[test]
    fn a_huge_reset_is_capped_and_a_later_one_wins() {
        let throttle = Throttle::default();
        assert_eq!(throttle.pause(), None);
        throttle.note(&headers("0", "1e300"));
        let pause = throttle.pause().unwrap();
        assert!(pause <= LONGEST_RESET && pause > LONGEST_RESET / 2);
        throttle.note(&headers("0", "5"));
        assert!(throttle.pause().unwrap() > Duration::from_secs(5));
    }
}
