//! What one call came to: the [`Exchange`] the transport reports (not sent,
//! maybe received, or answered) and [`interpret`], the one function from it to
//! the data or the domain's [`Error`]. Every failure of this adapter is
//! decided here; "what does a 503 on a mutation become" is answered below.
//!
//! | what happened | a query | a mutation |
//! |---|---|---|
//! | not sent: held off by the server's `RateLimit-*` pause | `RateLimited` | `RateLimited` |
//! | not sent: no connection | `Unavailable` | `Unavailable` |
//! | not sent: TLS failed while connecting (a certificate not trusted, a handshake refused), which repeating cannot heal | `Protocol`, at the first attempt | the same |
//! | maybe received, no answer read | `Unavailable` | `Ambiguous` |
//! | 3xx | `Protocol` (redirects are not followed) | the same |
//! | 408 or 5xx (but 501), whatever the body says | by its GraphQL errors, else `Unavailable` | `Ambiguous` |
//! | 501 | by its GraphQL errors, else `Protocol` | the same |
//! | 401 / 403 / 409 | `Unauthenticated` / `PermissionDenied` / `AlreadyExists` | the same |
//! | 404 with GraphQL errors / without | `NotFound` / `Protocol` (no endpoint there) | the same |
//! | 429 | `RateLimited { retry_after }` | the same (it did not run) |
//! | other 4xx | by its GraphQL errors, else `InvalidInput` (400, 413, 422) or `Protocol` | the same |
//! | 2xx that cannot be decoded | `Protocol` | `Ambiguous` |
//! | 2xx with errors below a resolved root | the data, errors logged (and the kind they name kept beside it, see [`Noted`]) | the same |
//! | 2xx, root resolved, errors, data unusable | by the errors | `Ambiguous` (it ran) |
//! | 2xx, root not resolved, errors naming a kind | by the errors ([`kind`]) | the same |
//! | 2xx, root not resolved, a server fault (`INTERNAL`, `UNAVAILABLE`, no code) | `Unavailable` (retried) | `Ambiguous` |
//!
//! No message ever quotes the body: decode errors name the field path, string
//! values inside serde's messages are elided, and the caller's own key (and
//! the `Authorization` token made from it) is blotted out of any server
//! message that echoes it.

use std::time::Duration;

use reqwest::StatusCode;
use secrecy::zeroize::Zeroizing;
use serde::de::DeserializeOwned;
use serde_json::Value;
use users_domain::{Error, without_quoted_text};

mod envelope;
mod kind;

use self::envelope::{Envelope, GraphqlError, parse_envelope};
use self::kind::{Kind, joined};
use crate::authorization::Authorization;
use crate::wire::Operation;

/// What happened to one call, after any retries.
pub(crate) enum Exchange {
    /// Nothing reached the server.
    NotSent { why: NotSent, attempts: u32 },
    /// The request may have reached the server, and no answer was read.
    MaybeReceived { reason: String, attempts: u32 },
    /// The server's last answer.
    Answered(Answer),
}

/// Why a call never left this client.
pub(crate) enum NotSent {
    /// The server's `RateLimit-*` pause outlasts what the call may wait.
    HeldOff { pause: Duration },
    /// The connection could not be made (worth another attempt).
    Unreachable(String),
    /// A failure that repeating cannot heal (TLS failing while connecting, an
    /// unbuildable request): never retried, and not transient.
    Refused(String),
    /// The client's deadline left no time to send it.
    OutOfTime,
}

/// One HTTP answer: the status, the headers that matter, the body.
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) location: Option<String>,
    pub(crate) html: bool,
    pub(crate) body: Body,
    /// The attempt this answer came from, counting from 1.
    pub(crate) attempts: u32,
}

/// An answer's body, read up to the size cap.
pub(crate) enum Body {
    /// Zeroed when dropped: the answer to `generateApiKey` holds a secret.
    Complete(Zeroizing<Vec<u8>>),
    /// Longer than the cap: left unread.
    TooLarge { limit: usize },
}

impl Exchange {
    /// Whether the server may still be working on the request: no answer was
    /// read, or a proxy or timeout answered 408 or 5xx in front of it.
    pub(crate) fn may_still_run(&self) -> bool {
        match self {
            Self::NotSent { .. } => false,
            Self::MaybeReceived { .. } => true,
            Self::Answered(answer) => maybe_running(answer.status),
        }
    }
}

/// What the messages need to know about the call.
pub(crate) struct Context<'a> {
    pub(crate) op: &'a Operation,
    /// What the call is about, for messages: `user ada@x.io`, `api key QXBp…`.
    pub(crate) subject: &'a str,
    pub(crate) endpoint: &'a str,
    /// The caller's key and its token, to blot out of messages that echo them.
    pub(crate) authorization: &'a Authorization,
}

/// A call's data, with the error its kept errors name, if they name a kind.
/// The data is the answer; `said` only lets a caller that reads a refusal
/// in the data itself (`deleteInvite`'s `success: false`) tell why.
pub(crate) struct Noted<T> {
    pub(crate) data: T,
    pub(crate) said: Option<Error>,
}

/// The call's data, or the domain error its exchange means (the table in the
/// module docs). For a mutation, an outcome that cannot be known is
/// `Ambiguous`; [`Exchange::may_still_run`] tells whether it may still change.
pub(crate) fn interpret<T: DeserializeOwned>(
    exchange: Exchange,
    ctx: &Context<'_>,
) -> Result<T, Error> {
    interpret_noted(exchange, ctx).map(|noted| noted.data)
}

/// As [`interpret`], keeping what errors below a resolved root said.
pub(crate) fn interpret_noted<T: DeserializeOwned>(
    exchange: Exchange,
    ctx: &Context<'_>,
) -> Result<Noted<T>, Error> {
    let answer = match exchange {
        Exchange::NotSent { why, attempts } => return Err(not_sent(why, attempts)),
        Exchange::MaybeReceived { reason, attempts } => {
            let reason = format!(
                "{} got no answer: {reason}{}",
                ctx.op.field,
                after(attempts)
            );
            return Err(unknown(ctx, reason));
        }
        Exchange::Answered(answer) => answer,
    };
    let status = answer.status;
    if status.is_redirection() {
        // Only where it points: a query string may carry a token.
        let target = answer.location.map_or_else(String::new, |to| {
            let cut = to.find(['?', '#']).map_or(to.as_str(), |end| &to[..end]);
            let elided = if cut.len() < to.len() { "?…" } else { "" };
            format!(" to {cut}{elided}")
        });
        return Err(Error::Protocol {
            reason: format!(
                "the server answered HTTP {status} (a redirect{target}); redirects are not followed: set the base url to the address that answers"
            ),
        });
    }
    let envelope = match &answer.body {
        Body::Complete(bytes) => parse_envelope(bytes, answer.html),
        Body::TooLarge { limit } => Err(format!("the response is larger than {limit} bytes")),
    };
    if !status.is_success() {
        let errors = envelope.map(|envelope| envelope.errors).unwrap_or_default();
        return Err(refused(&answer, &errors, ctx));
    }
    let envelope = envelope.map_err(|reason| unreadable(ctx, &reason))?;
    decode_success(envelope, ctx)
}

fn after(attempts: u32) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts)")
    } else {
        String::new()
    }
}

fn not_sent(why: NotSent, attempts: u32) -> Error {
    match why {
        NotSent::HeldOff { pause } => Error::RateLimited {
            retry_after: Some(pause),
        },
        NotSent::Unreachable(reason) => Error::Unavailable {
            reason: format!("{reason}{}", after(attempts)),
        },
        // Not `Unavailable`, which says "try again" (`is_transient`): the
        // same certificate fails the same way. Tried once, never retried.
        NotSent::Refused(reason) => Error::Protocol { reason },
        NotSent::OutOfTime => Error::Unavailable {
            reason: "the time allowed ran out before the request could be sent; allow more time"
                .to_owned(),
        },
    }
}

/// A transient failure of a query; a mutation's outcome is unknown.
fn unknown(ctx: &Context<'_>, reason: String) -> Error {
    if ctx.op.mutation {
        Error::Ambiguous {
            operation: ctx.op.field.to_owned(),
            reason,
        }
    } else {
        Error::Unavailable { reason }
    }
}

/// A success status with a body that cannot be read: the server's fault for
/// a query; a mutation may have run.
fn unreadable(ctx: &Context<'_>, reason: &str) -> Error {
    let reason = format!("{} answered: {reason}", ctx.op.field);
    if ctx.op.mutation {
        Error::Ambiguous {
            operation: ctx.op.field.to_owned(),
            reason,
        }
    } else {
        Error::Protocol { reason }
    }
}

/// A 408 or 5xx may come from a proxy or a timeout while the request still
/// runs behind it.
fn maybe_running(status: StatusCode) -> bool {
    // 501: the server does not do this at all; nothing is running.
    status == StatusCode::REQUEST_TIMEOUT
        || (status.is_server_error() && status != StatusCode::NOT_IMPLEMENTED)
}

/// A status other than 2xx or 3xx.
fn refused(answer: &Answer, errors: &[GraphqlError], ctx: &Context<'_>) -> Error {
    let status = answer.status;
    let detail = if errors.is_empty() {
        let page = if answer.html { ", an HTML page" } else { "" };
        format!("HTTP {status}{page}")
    } else {
        joined(errors, ctx)
    };
    let failed = || {
        let tries = if answer.attempts > 1 {
            format!(" after {} attempts", answer.attempts)
        } else {
            String::new()
        };
        unknown(ctx, format!("{} failed{tries}: {detail}", ctx.op.field))
    };
    // Whatever its body says: the mutation may still be running.
    if ctx.op.mutation && maybe_running(status) {
        return failed();
    }
    match status.as_u16() {
        401 => Kind::Unauthenticated.error(&detail, ctx),
        403 => Kind::PermissionDenied.error(&detail, ctx),
        // No GraphQL answer at all: nothing is there, not "no such user".
        404 if errors.is_empty() => Error::Protocol {
            reason: format!(
                "no GraphQL endpoint at {} ({detail}); check the base url",
                ctx.endpoint
            ),
        },
        404 => Kind::NotFound.error(&detail, ctx),
        409 => Kind::AlreadyExists.error(&detail, ctx),
        429 => Error::RateLimited {
            retry_after: answer.retry_after,
        },
        code => match kind::classify(errors) {
            Some(kind) => kind.error(&detail, ctx),
            None if matches!(code, 400 | 413 | 422) => Kind::InvalidInput.error(&detail, ctx),
            None if maybe_running(status) => failed(),
            None => Error::Protocol {
                reason: format!("unexpected answer to {}: {detail}", ctx.op.field),
            },
        },
    }
}

fn decode_success<T: DeserializeOwned>(
    envelope: Envelope,
    ctx: &Context<'_>,
) -> Result<Noted<T>, Error> {
    let Envelope { data, errors } = envelope;
    let root = ctx.op.root;
    if errors.is_empty() {
        let Some(data) = data else {
            return Err(unreadable(ctx, "neither data nor errors"));
        };
        // A missing root field would otherwise read as `null` ("no viewer").
        if data.get(root).is_none() {
            return Err(unreadable(
                ctx,
                &format!("data.{root}: missing field `{root}`"),
            ));
        }
        return decode_data(data)
            .map(|data| Noted { data, said: None })
            .map_err(|reason| unreadable(ctx, &reason));
    }
    // Errors below a root field that did resolve are partial data: keep it.
    // A mutation whose root resolved ran, whatever the errors say: if its
    // result cannot be kept, its outcome is unknown, not refused.
    let below_root = errors.iter().all(|error| error.path.len() >= 2);
    if let Some(data) = data.filter(|data| data.get(root).is_some_and(|v| !v.is_null())) {
        match decode_data(data) {
            Ok(value) if below_root => {
                let detail = joined(&errors, ctx);
                tracing::warn!(
                    operation = ctx.op.name,
                    errors = %detail,
                    "kept partial data despite graphql errors"
                );
                return Ok(Noted {
                    data: value,
                    said: kind::classify(&errors).map(|kind| kind.error(&detail, ctx)),
                });
            }
            Ok(_) if ctx.op.mutation => {
                let detail = joined(&errors, ctx);
                return Err(unreadable(ctx, &format!("a result and errors ({detail})")));
            }
            Err(reason) if ctx.op.mutation => {
                let detail = joined(&errors, ctx);
                return Err(unreadable(
                    ctx,
                    &format!("{reason}, with errors ({detail})"),
                ));
            }
            _ => {}
        }
    }
    let detail = joined(&errors, ctx);
    match kind::classify(&errors) {
        Some(kind) => Err(kind.error(&detail, ctx)),
        // A server fault, or errors that name no kind: a mutation may have
        // run before it failed; a query is worth another attempt.
        None => Err(unknown(ctx, format!("{} failed: {detail}", ctx.op.field))),
    }
}

/// Whether a query's 2xx answer is a server fault worth another attempt:
/// no data at its root, and errors that name no kind (see the table).
pub(crate) fn reports_server_fault(op: &Operation, answer: &Answer) -> bool {
    let Body::Complete(bytes) = &answer.body else {
        return false;
    };
    if op.mutation || !answer.status.is_success() || !contains(bytes, b"\"error") {
        return false;
    }
    let Ok(Envelope { data, errors }) = parse_envelope(bytes, answer.html) else {
        return false;
    };
    let resolved = data.is_some_and(|data| data.get(op.root).is_some_and(|v| !v.is_null()));
    !errors.is_empty() && !resolved && kind::classify(&errors).is_none()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack
        .windows(needle.len())
        .any(|window| window == needle)
}

fn decode_data<T: DeserializeOwned>(data: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(data).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." {
            "data".to_owned()
        } else {
            format!("data.{path}")
        };
        format!(
            "{path}: {}",
            without_quoted_text(&error.inner().to_string())
        )
    })
}
