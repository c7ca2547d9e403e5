//! Which kind of failure a server's GraphQL errors name: by their
//! `extensions.code` where one is known, else by their words.

use super::body::GraphqlError;
use super::mapping::Kind;

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
