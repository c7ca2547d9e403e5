//! HTTP statuses and server messages, mapped to the domain's errors.

use secrecy::ExposeSecret;
use users_domain::Error;

use super::body::GraphqlError;
use super::{Context, Facts, Failure};

pub(super) fn status_failure(facts: &Facts, errors: &[GraphqlError], ctx: &Context<'_>) -> Failure {
    let status = facts.status;
    let detail = if errors.is_empty() {
        let page = if facts.html { ", an HTML page" } else { "" };
        format!("HTTP {status}{page}")
    } else {
        joined(errors, ctx)
    };
    let error = match status.as_u16() {
        401 => Kind::Unauthenticated.error(&detail, ctx),
        403 => Kind::PermissionDenied.error(&detail, ctx),
        404 if errors.is_empty() => Error::NotFound {
            what: format!(
                "the graphql endpoint {} ({detail}; check the base url)",
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
            None if matches!(code, 400 | 413 | 422) => Error::InvalidInput {
                reason: format!("the server refused {}: {detail}", ctx.op.field),
            },
            None if code == 408 || status.is_server_error() => {
                let tries = if facts.attempts > 1 {
                    format!(" after {} attempts", facts.attempts)
                } else {
                    String::new()
                };
                return Failure::Uncertain {
                    error: Error::Unavailable {
                        reason: format!("{} failed{tries}: {detail}", ctx.op.field),
                    },
                    in_flight: false,
                };
            }
            None => Error::Protocol {
                reason: format!("unexpected answer to {}: {detail}", ctx.op.field),
            },
        },
    };
    Failure::Definite(error)
}

/// The kinds of failure a server's message can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    Unauthenticated,
    PermissionDenied,
    NotFound,
    AlreadyExists,
    RateLimited,
}

impl Kind {
    pub(super) fn error(self, detail: &str, ctx: &Context<'_>) -> Error {
        match self {
            Self::Unauthenticated => Error::Unauthenticated {
                reason: format!(
                    "the server did not accept the api key ({detail}); check the key given, WANDB_API_KEY or the netrc entry"
                ),
            },
            Self::PermissionDenied => Error::PermissionDenied {
                reason: format!("{} refused: {detail}", ctx.op.field),
            },
            Self::NotFound => Error::NotFound {
                what: format!("{} ({detail})", ctx.subject),
            },
            Self::AlreadyExists => Error::AlreadyExists {
                what: format!("{} ({detail})", ctx.subject),
            },
            Self::RateLimited => Error::RateLimited { retry_after: None },
        }
    }
}

/// Reads a failure's kind off the messages and codes, as people word them.
pub(super) fn classify(errors: &[GraphqlError]) -> Option<Kind> {
    const WORDS: [(Kind, &[&str]); 5] = [
        (
            Kind::Unauthenticated,
            &[
                "unauthenticated",
                "not authenticated",
                "relogin required",
                "authentication required",
                "invalid api key",
            ],
        ),
        (
            Kind::PermissionDenied,
            &[
                "permission",
                "not authorized",
                "only admins",
                "forbidden",
                "not allowed",
            ],
        ),
        (
            Kind::AlreadyExists,
            &[
                "already exists",
                "already_exists",
                "already taken",
                "already in use",
            ],
        ),
        (
            Kind::NotFound,
            &[
                "not found",
                "not_found",
                "could not find",
                "does not exist",
                "doesn't exist",
            ],
        ),
        (
            Kind::RateLimited,
            &["rate limit", "rate_limit", "too many requests"],
        ),
    ];
    let text: String = errors
        .iter()
        .flat_map(|error| [error.message.as_str(), error.code.as_deref().unwrap_or("")])
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    WORDS
        .iter()
        .find(|(_, words)| words.iter().any(|word| text.contains(word)))
        .map(|(kind, _)| *kind)
}

/// The messages as the SDK joins them: one as is, several as `[m1; m2]`.
pub(super) fn joined(errors: &[GraphqlError], ctx: &Context<'_>) -> String {
    let secret = ctx.secret.expose_secret();
    let messages: Vec<String> = errors
        .iter()
        .map(|error| error.message.replace(secret, "[redacted]"))
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
    fn messages_classify_by_their_words_and_codes() {
        let error = |message: &str, code: Option<&str>| GraphqlError {
            message: message.to_owned(),
            path: Vec::new(),
            code: code.map(str::to_owned),
        };
        let cases = [
            (
                error("only admins can use createUser()", None),
                Some(Kind::PermissionDenied),
            ),
            (error("user not found", None), Some(Kind::NotFound)),
            (error("Could not find key", None), Some(Kind::NotFound)),
            (
                error("resource already exists", None),
                Some(Kind::AlreadyExists),
            ),
            (
                error("nope", Some("UNAUTHENTICATED")),
                Some(Kind::Unauthenticated),
            ),
            (error("email is malformed", None), None),
        ];
        for (error, kind) in cases {
            assert_eq!(classify(std::slice::from_ref(&error)), kind, "{error:?}");
        }
    }
}
