//! HTTP statuses and server messages, mapped to the domain's errors.

use secrecy::ExposeSecret;
use users_domain::Error;

use super::body::GraphqlError;
use super::classify::classify;
use super::{Context, Facts, Failure};

pub(super) fn status_failure(facts: &Facts, errors: &[GraphqlError], ctx: &Context<'_>) -> Failure {
    let status = facts.status;
    let detail = if errors.is_empty() {
        let page = if facts.html { ", an HTML page" } else { "" };
        format!("HTTP {status}{page}")
    } else {
        joined(errors, ctx)
    };
    let code = status.as_u16();
    // A 408 or 5xx may come from a proxy or a timeout while the mutation still
    // runs behind it, whatever the body says: the outcome is unknown.
    let maybe_running = code == 408 || status.is_server_error();
    if ctx.op.mutation && maybe_running {
        return unavailable(facts, &detail, ctx);
    }
    let error = match code {
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
            retry_after: facts.retry_after,
        },
        code => match classify(errors) {
            Some(kind) => kind.error(&detail, ctx),
            None if matches!(code, 400 | 413 | 422) => Kind::InvalidInput.error(&detail, ctx),
            None if maybe_running => return unavailable(facts, &detail, ctx),
            None => Error::Protocol {
                reason: format!("unexpected answer to {}: {detail}", ctx.op.field),
            },
        },
    };
    Failure::Definite(error)
}

/// A 408 or 5xx: `Unavailable` for a query, of unknown outcome for a mutation.
fn unavailable(facts: &Facts, detail: &str, ctx: &Context<'_>) -> Failure {
    let tries = if facts.attempts > 1 {
        format!(" after {} attempts", facts.attempts)
    } else {
        String::new()
    };
    Failure::Uncertain {
        error: Error::Unavailable {
            reason: format!("{} failed{tries}: {detail}", ctx.op.field),
        },
        in_flight: true,
    }
}

/// The kinds of failure a server's message can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Unauthenticated,
    PermissionDenied,
    NotFound,
    AlreadyExists,
    InvalidInput,
    RateLimited,
}

impl Kind {
    /// The error, worded to read well inside its variant's message: the
    /// variant's own words (`permission denied: …`, `… not found`) are not
    /// repeated, and the server's message, where there is one, is quoted
    /// once as `(server said: …)`, or logged at debug level for the
    /// variants whose message is only the thing's name.
    pub(super) fn error(self, detail: &str, ctx: &Context<'_>) -> Error {
        match self {
            Self::Unauthenticated => Error::Unauthenticated {
                reason: format!(
                    "the server did not accept the api key{}; check the key given, WANDB_API_KEY or the netrc entry",
                    said(detail, &["not authenticated", "unauthenticated"])
                ),
            },
            Self::PermissionDenied => Error::PermissionDenied {
                reason: format!(
                    "{}: {}{}",
                    ctx.op.field,
                    ctx.op.denied,
                    said(detail, &["permission denied"])
                ),
            },
            Self::NotFound | Self::AlreadyExists => {
                tracing::debug!(operation = ctx.op.name, kind = ?self, server_said = %detail, "server message");
                let what = ctx.subject.to_owned();
                if self == Self::NotFound {
                    Error::NotFound { what }
                } else {
                    Error::AlreadyExists { what }
                }
            }
            Self::InvalidInput => Error::InvalidInput {
                reason: format!("the server refused {}: {detail}", ctx.op.field),
            },
            Self::RateLimited => Error::RateLimited { retry_after: None },
        }
    }
}

/// ` (server said: …)` without a leading phrase the message already shows,
/// ` (HTTP 403)` for a bare status, nothing if nothing is left.
fn said(detail: &str, repeated: &[&str]) -> String {
    if detail.starts_with("HTTP ") {
        return format!(" ({detail})");
    }
    let mut rest = detail.trim();
    for phrase in repeated {
        if rest
            .get(..phrase.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(phrase))
        {
            rest = rest[phrase.len()..].trim_start_matches([':', ' ', '-', ',']);
        }
    }
    if rest.is_empty() {
        String::new()
    } else {
        format!(" (server said: {rest})")
    }
}

/// The messages as the SDK joins them: one as is, several as `[m1; m2]`;
/// the caller's key, and the `Authorization` token made from it, blotted out.
pub(super) fn joined(errors: &[GraphqlError], ctx: &Context<'_>) -> String {
    let secret = ctx.credentials.secret.expose_secret();
    let token = ctx.credentials.token.expose_secret();
    let messages: Vec<String> = errors
        .iter()
        .map(|error| {
            error
                .message
                .replace(secret, "[redacted]")
                .replace(token, "[redacted]")
        })
        .collect();
    match messages.as_slice() {
        [one] => one.clone(),
        several => format!("[{}]", several.join("; ")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_server_message_is_quoted_once_without_repeating_the_variant() {
        assert_eq!(said("HTTP 403", &["permission denied"]), " (HTTP 403)");
        assert_eq!(said("Permission denied", &["permission denied"]), "");
        assert_eq!(
            said("permission denied: not yours", &["permission denied"]),
            " (server said: not yours)"
        );
        assert_eq!(
            said("only admins", &["permission denied"]),
            " (server said: only admins)"
        );
    }
}
