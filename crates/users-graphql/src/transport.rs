//! One HTTP exchange per attempt, and the retry loop around it, which
//! follows the rules written on [`RetryPolicy`]; what the final
//! [`Exchange`] means is decided in [`crate::outcome`].
//!
//! No `Instant` arithmetic can overflow: a deadline too far away to represent
//! means none, and waits are compared with the time left, never added.

use std::error::Error as StdError;
use std::time::Duration;

use reqwest::header::{CONTENT_TYPE, HeaderValue, LOCATION, RETRY_AFTER};
use reqwest::{Client, Response, StatusCode};
use secrecy::zeroize::Zeroizing;
use serde_json::Value;
use tokio::time::Instant;
use url::Url;

use crate::outcome::{self, Answer, Body, Exchange, NotSent};
use crate::retry::{RetryPolicy, parse_retry_after};
use crate::throttle::Throttle;
use crate::wire::Operation;

/// What the repositories of one client (and its `act_as` clones) share.
#[derive(Debug)]
pub(crate) struct Transport {
    pub(crate) client: Client,
    pub(crate) endpoint: Url,
    pub(crate) base_url: String,
    pub(crate) user_agent: String,
    pub(crate) policy: RetryPolicy,
    pub(crate) timeout: Duration,
    pub(crate) max_response_bytes: usize,
    /// No call runs past this (the whole budget of, say, one CLI command).
    pub(crate) deadline: Option<Instant>,
    /// The server's `RateLimit-*` pause, shared by every repository on this transport.
    pub(crate) throttle: Throttle,
}

/// The most time an attempt is promised before it starts (see
/// `min_attempt_window`).
const MIN_ATTEMPT: Duration = Duration::from_secs(1);

/// What to do after an attempt.
enum Next {
    Return(Exchange),
    Retry { last: Exchange, wait: Duration },
}

impl Transport {
    /// Sends `op` until it is answered or the [`RetryPolicy`] says stop, and
    /// says what happened.
    pub(crate) async fn execute(
        &self,
        auth: &HeaderValue,
        op: &Operation,
        variables: Value,
    ) -> Exchange {
        let body = bytes::Bytes::from(op.body(&variables));
        // `None`: a deadline too far away to represent, so none.
        let deadline = match (
            Instant::now().checked_add(self.policy.deadline),
            self.deadline,
        ) {
            (Some(own), Some(overall)) => Some(own.min(overall)),
            (own, overall) => own.or(overall),
        };
        let left = || {
            deadline.map_or(Duration::MAX, |at| {
                at.saturating_duration_since(Instant::now())
            })
        };
        let mut attempt = 0;
        loop {
            attempt += 1;
            if attempt == 1 && left() < self.min_attempt_window() {
                return Exchange::NotSent {
                    why: NotSent::OutOfTime,
                    attempts: 0,
                };
            }
            if let Err(pause) = self.hold_off(left()).await {
                return Exchange::NotSent {
                    why: NotSent::HeldOff { pause },
                    attempts: attempt - 1,
                };
            }
            let started = Instant::now();
            let exchange = self
                .attempt(auth, &body, self.timeout.min(left()), attempt)
                .await;
            tracing::debug!(
                operation = op.name,
                attempt,
                status = match &exchange {
                    Exchange::Answered(answer) => answer.status.as_u16(),
                    _ => 0,
                },
                elapsed_ms = u64::try_from(started.elapsed().as_millis()).unwrap_or(u64::MAX),
                "graphql attempt"
            );
            let (last, wait) = match self.next_step(op, exchange, attempt) {
                Next::Return(last) => return last,
                Next::Retry { last, wait } => (last, wait),
            };
            let asked_too_much = matches!(&last, Exchange::Answered(answer)
                if answer.retry_after.is_some_and(|after| after > self.policy.max_retry_after));
            // A wait too long to add to the clock is over any cap.
            let endless = Instant::now().checked_add(wait).is_none();
            // An attempt that would start with too little time to be
            // answered would only turn a definite answer into a lost one.
            let too_late = wait.saturating_add(self.min_attempt_window()) >= left();
            if attempt >= self.policy.max_attempts || asked_too_much || endless || too_late {
                return last;
            }
            tokio::time::sleep(wait).await;
        }
    }

    /// The least time left for which an attempt is worth starting: a second,
    /// but no more than the attempt timeout or a quarter of the deadline.
    fn min_attempt_window(&self) -> Duration {
        MIN_ATTEMPT.min(self.timeout).min(self.policy.deadline / 4)
    }

    /// Waits out the server's `RateLimit-*` pause, or returns it at once
    /// (nothing sent) when it is longer than the policy lets a call wait or
    /// than the time `left`.
    async fn hold_off(&self, left: Duration) -> Result<(), Duration> {
        let Some(pause) = self.throttle.pause() else {
            return Ok(());
        };
        // The attempt after the pause needs its own time too: sleeping the
        // window away would turn a definite refusal into a lost answer.
        if pause > self.policy.max_retry_after
            || pause.saturating_add(self.min_attempt_window()) >= left
        {
            return Err(pause);
        }
        tracing::debug!(
            pause_ms = u64::try_from(pause.as_millis()).unwrap_or(u64::MAX),
            "holding off until the server's rate limit resets"
        );
        tokio::time::sleep(pause).await;
        Ok(())
    }

    /// The retry rules of [`RetryPolicy`]: which exchanges are worth another
    /// attempt, and after how long.
    fn next_step(&self, op: &Operation, exchange: Exchange, attempt: u32) -> Next {
        let backoff = self.policy.backoff(attempt - 1);
        match exchange {
            Exchange::Answered(answer)
                if retryable(op, answer.status) || outcome::reports_server_fault(op, &answer) =>
            {
                // `Retry-After: 0` must not become a hammering loop: wait at
                // least half the policy's first backoff ceiling.
                let floor = self.policy.base_delay / 2;
                Next::Retry {
                    wait: answer.retry_after.map_or(backoff, |after| after.max(floor)),
                    last: Exchange::Answered(answer),
                }
            }
            last @ Exchange::NotSent {
                why: NotSent::Unreachable(_),
                ..
            } => Next::Retry {
                last,
                wait: backoff,
            },
            last @ Exchange::MaybeReceived { .. } if !op.mutation => Next::Retry {
                last,
                wait: backoff,
            },
            other => Next::Return(other),
        }
    }

    async fn attempt(
        &self,
        auth: &HeaderValue,
        body: &bytes::Bytes,
        timeout: Duration,
        attempt: u32,
    ) -> Exchange {
        let sent = self
            .client
            .post(self.endpoint.clone())
            .header(reqwest::header::AUTHORIZATION, auth.clone())
            .header(CONTENT_TYPE, HeaderValue::from_static("application/json"))
            .body(body.clone())
            .timeout(timeout)
            .send()
            .await;
        match sent {
            Ok(response) => self.read(response, attempt).await,
            Err(error) => self.lost(&error, attempt),
        }
    }

    /// Reads the answer, at most `max_response_bytes` of it.
    async fn read(&self, mut response: Response, attempts: u32) -> Exchange {
        let status = response.status();
        let headers = response.headers();
        self.throttle.note(headers);
        let header = |name| {
            headers
                .get(name)
                .and_then(|value: &HeaderValue| value.to_str().ok())
        };
        let retry_after = header(RETRY_AFTER).and_then(parse_retry_after);
        let location = header(LOCATION).map(str::to_owned);
        let html = header(CONTENT_TYPE).is_some_and(|kind| kind.contains("html"));
        let limit = self.max_response_bytes;
        let answer = |body| {
            Exchange::Answered(Answer {
                status,
                retry_after,
                location: location.clone(),
                html,
                body,
                attempts,
            })
        };
        if response
            .content_length()
            .is_some_and(|length| length > limit as u64)
        {
            return answer(Body::TooLarge { limit });
        }
        // Sized from the announced length where there is one: a growing
        // buffer would leave the copies it outgrew (a new secret among them)
        // unzeroed.
        let announced = response
            .content_length()
            .and_then(|length| usize::try_from(length).ok())
            .unwrap_or(0);
        let mut bytes = Zeroizing::new(Vec::with_capacity(announced.min(limit)));
        loop {
            match response.chunk().await {
                Ok(Some(chunk)) => {
                    if bytes.len() + chunk.len() > limit {
                        return answer(Body::TooLarge { limit });
                    }
                    bytes.extend_from_slice(&chunk);
                }
                Ok(None) => return answer(Body::Complete(bytes)),
                Err(error) => {
                    return Exchange::MaybeReceived {
                        reason: describe(&self.endpoint, &error),
                        attempts,
                    };
                }
            }
        }
    }

    /// A request that got no answer: whether it may have reached the server.
    fn lost(&self, error: &reqwest::Error, attempts: u32) -> Exchange {
        let tls = tls_failure(error);
        let reason = match tls {
            Some(tls) if error.is_connect() => refused_by_tls(&self.base_url, tls),
            _ => describe(&self.endpoint, error),
        };
        match Lost::of(error.is_connect(), tls.is_some(), error.is_builder()) {
            Lost::Permanent => Exchange::NotSent {
                why: NotSent::Refused(reason),
                attempts,
            },
            Lost::Unreachable => Exchange::NotSent {
                why: NotSent::Unreachable(reason),
                attempts,
            },
            Lost::InFlight => Exchange::MaybeReceived { reason, attempts },
        }
    }
}

/// How a request that got no answer was lost.
#[derive(Debug, PartialEq, Eq)]
enum Lost {
    /// Never sent, and sending again cannot help: the request could not be
    /// built, or TLS failed while connecting (a certificate, say).
    Permanent,
    /// Never sent: the connection could not be made.
    Unreachable,
    /// Sent, or perhaps sent: only a failure while connecting proves that
    /// nothing reached the server, so TLS failing later is this too.
    InFlight,
}

impl Lost {
    fn of(connecting: bool, tls: bool, unbuildable: bool) -> Self {
        if unbuildable || (connecting && tls) {
            Self::Permanent
        } else if connecting {
            Self::Unreachable
        } else {
            Self::InFlight
        }
    }
}

/// Statuses worth another attempt: for a mutation only 429, which means the
/// server refused it before running it.
fn retryable(op: &Operation, status: StatusCode) -> bool {
    if op.mutation {
        return status == StatusCode::TOO_MANY_REQUESTS;
    }
    status == StatusCode::TOO_MANY_REQUESTS
        || status == StatusCode::REQUEST_TIMEOUT
        || (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED)
}

/// The rustls error that failed the connection, if TLS did: hyper-util and
/// tokio-rustls wrap it in an I/O error inside an I/O error, and an
/// `io::Error`'s `source` skips what it wraps, so each is stepped into.
fn tls_failure(error: &reqwest::Error) -> Option<&rustls::Error> {
    let mut next: Option<&(dyn StdError + 'static)> = error.source();
    while let Some(inner) = next {
        if let Some(tls) = inner.downcast_ref::<rustls::Error>() {
            return Some(tls);
        }
        next = match inner.downcast_ref::<std::io::Error>() {
            Some(io) => io
                .get_ref()
                .map(|wrapped| wrapped as &(dyn StdError + 'static)),
            None => inner.source(),
        };
    }
    None
}

/// A TLS failure while connecting, which no retry heals, saying what failed
/// and, for a certificate nobody here vouches for, what to do.
fn refused_by_tls(base_url: &str, error: &rustls::Error) -> String {
    match error {
        rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer) => format!(
            "the certificate of {base_url} is not trusted: {error}; if the server uses a private CA (or sits behind a TLS-inspecting proxy), trust that CA's certificate with SSL_CERT_FILE, SSL_CERT_DIR or ca_certificate"
        ),
        rustls::Error::InvalidCertificate(_) => {
            format!("the certificate of {base_url} is not trusted: {error}")
        }
        _ => format!("the TLS handshake with {base_url} failed: {error}"),
    }
}

/// `timed out` / `could not connect` plus the innermost cause, which names
/// the real problem (reqwest's own message is generic).
fn describe(endpoint: &Url, error: &reqwest::Error) -> String {
    let mut cause: &dyn StdError = error;
    while let Some(inner) = cause.source() {
        cause = inner;
    }
    let what = if error.is_timeout() {
        "timed out waiting for"
    } else if error.is_connect() {
        "could not connect to"
    } else {
        "lost the connection to"
    };
    format!("{what} {endpoint}: {cause}")
}

#[cfg(test)]
mod tests {
    #[test]
    fn only_a_failure_while_connecting_proves_nothing_was_sent() {
        assert_eq!(Lost::of(true, true, false), Lost::Permanent);
        assert_eq!(Lost::of(true, false, false), Lost::Unreachable);
        assert_eq!(Lost::of(false, true, false), Lost::InFlight);
        assert_eq!(Lost::of(false, false, false), Lost::InFlight);
        assert_eq!(Lost::of(false, false, true), Lost::Permanent);
    }

    #[test]
    fn a_tls_refusal_says_what_failed_and_only_an_unknown_issuer_how_to_trust_it() {
        let unknown = rustls::Error::InvalidCertificate(rustls::CertificateError::UnknownIssuer);
        let expired = rustls::Error::InvalidCertificate(rustls::CertificateError::Expired);
        let alert = rustls::Error::AlertReceived(rustls::AlertDescription::HandshakeFailure);

        assert_eq!(
            refused_by_tls("https://w.example", &unknown),
            "the certificate of https://w.example is not trusted: invalid peer certificate: UnknownIssuer; if the server uses a private CA (or sits behind a TLS-inspecting proxy), trust that CA's certificate with SSL_CERT_FILE, SSL_CERT_DIR or ca_certificate"
        );
        assert_eq!(
            refused_by_tls("https://w.example", &expired),
            "the certificate of https://w.example is not trusted: invalid peer certificate: Expired"
        );
        assert_eq!(
            refused_by_tls("https://w.example", &alert),
            "the TLS handshake with https://w.example failed: received fatal alert: HandshakeFailure"
        );
    }

    use users_domain::{ApiKeySecret, Error, UserRepository as _};
    use wiremock::{Mock, MockServer, ResponseTemplate};

    use super::*;
    use crate::GraphqlUserRepository;

    /// Settings the builder refuses, set directly: nothing may overflow.
    #[tokio::test]
    async fn endless_deadlines_and_waits_do_not_overflow_the_clock() {
        let server = MockServer::start().await;
        Mock::given(wiremock::matchers::method("POST"))
            .respond_with(
                ResponseTemplate::new(429).insert_header("Retry-After", u64::MAX.to_string()),
            )
            .expect(1)
            .mount(&server)
            .await;
        let transport = Transport {
            client: Client::builder().no_proxy().build().unwrap(),
            endpoint: Url::parse(&format!("{}/graphql", server.uri())).unwrap(),
            base_url: server.uri(),
            user_agent: "test".to_owned(),
            policy: RetryPolicy {
                deadline: Duration::MAX,
                max_retry_after: Duration::MAX,
                ..RetryPolicy::default()
            },
            timeout: Duration::from_secs(5),
            max_response_bytes: 1024,
            deadline: None,
            throttle: Throttle::default(),
        };
        let secret = ApiKeySecret::parse("0123456789abcdefghij0123456789abcdefghij").unwrap();
        let repo = GraphqlUserRepository::new(transport, secret, crate::KeySource::Builder);

        let error = repo.viewer().await.unwrap_err();

        assert_eq!(
            error,
            Error::RateLimited {
                retry_after: Some(Duration::from_secs(u64::MAX))
            }
        );
    }
}
