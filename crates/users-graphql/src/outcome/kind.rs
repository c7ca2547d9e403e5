//! Which kind of failure a server's GraphQL errors name (by their
//! `extensions.code` where one is known, else by their words), and how each
//! kind is worded as the domain's error.

use secrecy::ExposeSecret;
use users_domain::Error;

use super::Context;
use super::envelope::GraphqlError;

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
                    "the server did not accept the api key{}",
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
/// the caller's key, and the `Authorization` token made from it, blotted out,
/// whole or in part.
pub(super) fn joined(errors: &[GraphqlError], ctx: &Context<'_>) -> String {
    let secrets = [
        ctx.authorization.secret.expose_secret(),
        ctx.authorization.token.expose_secret(),
    ];
    let messages: Vec<String> = errors
        .iter()
        .map(|error| redacted(&error.message, &secrets))
        .collect();
    match messages.as_slice() {
        [one] => one.clone(),
        several => format!("[{}]", several.join("; ")),
    }
}

/// The shortest piece of a secret worth hiding: shorter runs are common in
/// ordinary words and ids, and leave too little of a key to use.
const FRAGMENT: usize = 12;

/// `message` with every run of key or base64 characters that shares
/// [`FRAGMENT`] characters in a row with one of `secrets` replaced by
/// `[redacted]`: a server that echoes a truncated copy of the key (or of its
/// token) is caught too.
fn redacted(message: &str, secrets: &[&str]) -> String {
    let is_run = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '=');
    let mut shown = String::with_capacity(message.len());
    let mut rest = message;
    while let Some(start) = rest.find(is_run) {
        shown.push_str(&rest[..start]);
        let run_len = rest[start..]
            .find(|c: char| !is_run(c))
            .unwrap_or(rest.len() - start);
        let run = &rest[start..start + run_len];
        let leaks = run.len() >= FRAGMENT
            && (0..=run.len() - FRAGMENT).any(|at| {
                let piece = &run[at..at + FRAGMENT];
                secrets.iter().any(|secret| secret.contains(piece))
            });
        shown.push_str(if leaks { "[redacted]" } else { run });
        rest = &rest[start + run_len..];
    }
    shown.push_str(rest);
    shown
}

/// The `extensions.code`s this client knows: those the emulator sends and
/// common GraphQL servers' names for the same. `None`: a server fault, which
/// names none of the kinds; the HTTP status decides.
const CODES: [(&str, Option<Kind>); 14] = [
    ("UNAUTHENTICATED", Some(Kind::Unauthenticated)),
    ("PERMISSION_DENIED", Some(Kind::PermissionDenied)),
    ("FORBIDDEN", Some(Kind::PermissionDenied)),
    ("NOT_FOUND", Some(Kind::NotFound)),
    ("ALREADY_EXISTS", Some(Kind::AlreadyExists)),
    ("CONFLICT", Some(Kind::AlreadyExists)),
    ("INVALID_INPUT", Some(Kind::InvalidInput)),
    ("BAD_USER_INPUT", Some(Kind::InvalidInput)),
    ("GRAPHQL_VALIDATION_FAILED", Some(Kind::InvalidInput)),
    ("RATE_LIMITED", Some(Kind::RateLimited)),
    ("UNAVAILABLE", None),
    ("UPSTREAM", None),
    ("INTERNAL", None),
    ("INTERNAL_SERVER_ERROR", None),
];

/// A failure's kind: the first known `extensions.code` decides (as it
/// decides the status W&B answers with). Only when no error carries one are
/// the messages read, as people word them; a message is the server's text and
/// may quote what the caller sent, so it never outweighs a code.
pub(super) fn classify(errors: &[GraphqlError]) -> Option<Kind> {
    let coded = errors.iter().find_map(|error| {
        let code = error.code.as_deref()?;
        CODES
            .iter()
            .find(|(known, _)| *known == code)
            .map(|(_, kind)| *kind)
    });
    match coded {
        Some(kind) => kind,
        None => worded(errors),
    }
}

/// The kind the messages (and any unknown codes) name, in a fixed order of
/// precedence; each error is read on its own.
fn worded(errors: &[GraphqlError]) -> Option<Kind> {
    // Team management adds "already a member" / "already invited" (what
    // the SDK's docs say a repeated invite gets), "only team admins", and
    // the words of a role the server does not know, which must not read as
    // a member not found.
    const WORDS: [(Kind, &[&str]); 6] = [
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
                "only team admins",
            ],
        ),
        (
            Kind::AlreadyExists,
            &[
                "already exists",
                "already_exists",
                "already taken",
                "already in use",
                "already a member",
                "already invited",
            ],
        ),
        (
            Kind::InvalidInput,
            &["invalid role", "unknown role", "no such role"],
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
    let texts: Vec<String> = errors
        .iter()
        .flat_map(|error| [Some(&error.message), error.code.as_ref()])
        .flatten()
        .map(|text| text.to_lowercase())
        .collect();
    WORDS
        .iter()
        .find(|(_, words)| {
            texts
                .iter()
                .any(|text| words.iter().any(|word| text.contains(word)))
        })
        .map(|(kind, _)| *kind)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_echoed_whole_or_cut_short_is_blotted_out() {
        let key = "0123456789abcdefghij0123456789abcdefghij";
        let secrets = [key, "YXBpOjAxMjM0NTY3ODlhYmNkZWZnaGlq"];
        let cases = [
            (
                format!("invalid api key {key}"),
                "invalid api key [redacted]",
            ),
            (
                format!("invalid api key {}…", &key[..20]),
                "invalid api key [redacted]…",
            ),
            (
                "bad token 'YXBpOjAxMjM0NTY3'".to_owned(),
                "bad token '[redacted]'",
            ),
            ("user ada not found".to_owned(), "user ada not found"),
            (
                "id VXNlcjoxMjM= unknown".to_owned(),
                "id VXNlcjoxMjM= unknown",
            ),
        ];
        for (message, expected) in cases {
            assert_eq!(redacted(&message, &secrets), expected, "{message}");
        }
    }

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
            (
                error("ada is already a member of ml", None),
                Some(Kind::AlreadyExists),
            ),
            (
                error("user was already invited", None),
                Some(Kind::AlreadyExists),
            ),
            (
                error("only team admins can add members", None),
                Some(Kind::PermissionDenied),
            ),
            (
                error("unknown role 'auditor': not found", None),
                Some(Kind::InvalidInput),
            ),
        ];
        for (error, kind) in cases {
            assert_eq!(classify(std::slice::from_ref(&error)), kind, "{error:?}");
        }
    }

    fn coded(message: &str, code: &str) -> GraphqlError {
        GraphqlError {
            message: message.to_owned(),
            path: Vec::new(),
            code: Some(code.to_owned()),
        }
    }

    #[test]
    fn a_known_code_decides_and_the_message_is_not_read() {
        let cases = [
            (
                "invalid api key id: abc",
                "INVALID_INPUT",
                Some(Kind::InvalidInput),
            ),
            (
                "invalid api key id: abc",
                "BAD_USER_INPUT",
                Some(Kind::InvalidInput),
            ),
            (
                "permission? not found",
                "GRAPHQL_VALIDATION_FAILED",
                Some(Kind::InvalidInput),
            ),
            (
                "unauthenticated",
                "PERMISSION_DENIED",
                Some(Kind::PermissionDenied),
            ),
            ("unauthenticated", "FORBIDDEN", Some(Kind::PermissionDenied)),
            ("only admins", "NOT_FOUND", Some(Kind::NotFound)),
            ("not allowed", "ALREADY_EXISTS", Some(Kind::AlreadyExists)),
            ("not allowed", "CONFLICT", Some(Kind::AlreadyExists)),
            (
                "only admins",
                "UNAUTHENTICATED",
                Some(Kind::Unauthenticated),
            ),
            ("user not found", "RATE_LIMITED", Some(Kind::RateLimited)),
            ("user not found", "UNAVAILABLE", None),
            ("user not found", "UPSTREAM", None),
            ("already exists", "INTERNAL", None),
        ];
        for (message, code, kind) in cases {
            assert_eq!(
                classify(&[coded(message, code)]),
                kind,
                "{message} / {code}"
            );
        }
    }

    #[test]
    fn the_first_known_code_beats_every_message_and_unknown_code() {
        let errors = [
            GraphqlError {
                message: "only admins".to_owned(),
                path: Vec::new(),
                code: None,
            },
            coded("x", "E_CUSTOM_NOT_FOUND"),
            coded("y", "already_exists"),
            coded("z", "NOT_FOUND"),
            coded("w", "UNAUTHENTICATED"),
        ];
        assert_eq!(classify(&errors), Some(Kind::NotFound));
    }

    #[test]
    fn without_a_known_code_messages_and_unknown_codes_are_read() {
        assert_eq!(
            classify(&[coded("nope", "E_NOT_FOUND")]),
            Some(Kind::NotFound)
        );
        // Words are not matched across two messages.
        let uncoded = |message: &str| GraphqlError {
            message: message.to_owned(),
            path: Vec::new(),
            code: None,
        };
        let split = [uncoded("key is not"), uncoded("found in the list")];
        assert_eq!(classify(&split), None);
    }
}
