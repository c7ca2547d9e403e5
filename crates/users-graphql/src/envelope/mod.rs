//! What an HTTP answer means: the GraphQL envelope (partial `data` and every
//! error) decoded, and every failure mapped to the domain's [`Error`].
//!
//! No message ever quotes the body: decode errors name the field path, string
//! values inside serde's messages are elided, and the caller's own key (and
//! the `Authorization` token made from it) is blotted out of any server
//! message that echoes it.
//!
//! For a mutation, an answer that does not settle whether it ran is
//! [`Failure::Uncertain`]: a 408 or 5xx whatever its body says, an unreadable
//! answer, or a resolved root field with errors whose data cannot be kept.

use std::time::Duration;

use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use serde_json::Value;
use users_domain::Error;

mod body;
mod classify;
mod mapping;

use self::body::{Envelope, elide_strings, parse_envelope};
use self::classify::classify;
use self::mapping::{Kind, joined, status_failure};
use crate::credentials::Credentials;
use crate::wire::Operation;

/// The server's final answer to one call (after any retries).
pub(crate) struct Answer {
    pub(crate) status: StatusCode,
    pub(crate) retry_after: Option<Duration>,
    pub(crate) location: Option<String>,
    pub(crate) html: bool,
    pub(crate) body: Body,
    pub(crate) attempts: u32,
}

pub(crate) enum Body {
    Complete(Vec<u8>),
    /// Longer than the cap: left unread.
    TooLarge {
        limit: usize,
    },
}

/// Why a call did not produce its data.
#[derive(Debug)]
pub(crate) enum Failure {
    /// The answer settles it: this error stands, and a mutation did not run
    /// (or ran and failed).
    Definite(Error),
    /// A mutation may have taken effect. `error` is what a query reports;
    /// `in_flight` when the server may still be working on the request.
    Uncertain { error: Error, in_flight: bool },
}

impl Failure {
    /// For a query, uncertainty is only a failure to read the answer.
    pub(crate) fn into_error(self) -> Error {
        match self {
            Self::Definite(error) | Self::Uncertain { error, .. } => error,
        }
    }

    /// For a mutation, uncertainty is `Ambiguous`.
    pub(crate) fn into_mutation_error(self, op: &Operation) -> Error {
        match self {
            Self::Definite(error) => error,
            Self::Uncertain { error, .. } => Error::Ambiguous {
                operation: op.field.to_owned(),
                reason: format!("{}; check before repeating it", reason_of(&error)),
            },
        }
    }
}

/// An error's own words, without the prefix its variant adds, to be
/// wrapped in another error.
pub(crate) fn reason_of(error: &Error) -> String {
    match error {
        Error::Unavailable { reason } | Error::Protocol { reason } => reason.clone(),
        other => other.to_string(),
    }
}

/// What the messages need to know about the call.
pub(crate) struct Context<'a> {
    pub(crate) op: &'a Operation,
    /// What the call is about, for messages: `user ada@x.io`, `api key QXBp…`.
    pub(crate) subject: &'a str,
    pub(crate) endpoint: &'a str,
    /// The caller's key and its token, to blot out of messages that echo them.
    pub(crate) credentials: &'a Credentials,
}

/// Decodes the data of a successful answer, or maps the failure.
pub(crate) fn interpret<T: DeserializeOwned>(
    answer: Answer,
    ctx: &Context<'_>,
) -> Result<T, Failure> {
    let status = answer.status;
    if status.is_redirection() {
        let target = answer
            .location
            .map_or_else(String::new, |to| format!(" to {to}"));
        return Err(Failure::Definite(Error::Protocol {
            reason: format!(
                "the server answered HTTP {status} (a redirect{target}); redirects are not followed: set the base url to the address that answers"
            ),
        }));
    }
    let envelope = match answer.body {
        Body::Complete(bytes) => parse_envelope(&bytes, answer.html),
        Body::TooLarge { limit } => Err(format!("the response is larger than {limit} bytes")),
    };
    if !status.is_success() {
        let errors = envelope.map(|envelope| envelope.errors).unwrap_or_default();
        let facts = Facts {
            status,
            retry_after: answer.retry_after,
            html: answer.html,
            attempts: answer.attempts,
        };
        return Err(status_failure(&facts, &errors, ctx));
    }
    let envelope = envelope.map_err(|reason| uncertain(ctx, &reason))?;
    decode_success(envelope, ctx)
}

/// What the status line and headers said.
pub(super) struct Facts {
    status: StatusCode,
    retry_after: Option<Duration>,
    html: bool,
    attempts: u32,
}

fn uncertain(ctx: &Context<'_>, reason: &str) -> Failure {
    Failure::Uncertain {
        error: Error::Protocol {
            reason: format!("{} answered: {reason}", ctx.op.field),
        },
        in_flight: false,
    }
}

fn decode_success<T: DeserializeOwned>(
    envelope: Envelope,
    ctx: &Context<'_>,
) -> Result<T, Failure> {
    let Envelope { data, errors } = envelope;
    let root = if ctx.op.mutation {
        "result"
    } else {
        ctx.op.field
    };
    if errors.is_empty() {
        let Some(data) = data else {
            return Err(uncertain(ctx, "neither data nor errors"));
        };
        // A missing root field would otherwise read as `null` ("no viewer").
        if data.get(root).is_none() {
            return Err(uncertain(
                ctx,
                &format!("data.{root}: missing field `{root}`"),
            ));
        }
        return decode_data(data).map_err(|reason| uncertain(ctx, &reason));
    }
    // Errors below a root field that did resolve are partial data: keep it.
    // A mutation whose root resolved ran, whatever the errors say: if its
    // result cannot be kept, its outcome is unknown, not refused.
    let below_root = errors.iter().all(|error| error.path.len() >= 2);
    if let Some(data) = data.filter(|data| data.get(root).is_some_and(|v| !v.is_null())) {
        match decode_data(data) {
            Ok(value) if below_root => {
                tracing::warn!(
                    operation = ctx.op.name,
                    errors = %joined(&errors, ctx),
                    "kept partial data despite graphql errors"
                );
                return Ok(value);
            }
            Ok(_) if ctx.op.mutation => {
                let detail = joined(&errors, ctx);
                return Err(uncertain(ctx, &format!("a result and errors ({detail})")));
            }
            Err(reason) if ctx.op.mutation => {
                let detail = joined(&errors, ctx);
                return Err(uncertain(ctx, &format!("{reason}, with errors ({detail})")));
            }
            _ => {}
        }
    }
    let detail = joined(&errors, ctx);
    let kind = classify(&errors).unwrap_or(Kind::InvalidInput);
    Err(Failure::Definite(kind.error(&detail, ctx)))
}

fn decode_data<T: DeserializeOwned>(data: Value) -> Result<T, String> {
    serde_path_to_error::deserialize(data).map_err(|error| {
        let path = error.path().to_string();
        let path = if path == "." {
            "data".to_owned()
        } else {
            format!("data.{path}")
        };
        format!("{path}: {}", elide_strings(&error.inner().to_string()))
    })
}
