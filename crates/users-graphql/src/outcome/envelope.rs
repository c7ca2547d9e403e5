//! The body shapes servers send, read without ever quoting them.

use serde_json::Value;
use users_domain::without_quoted_text;

/// One GraphQL error as the server sent it.
#[derive(Debug)]
pub(super) struct GraphqlError {
    pub(super) message: String,
    pub(super) path: Vec<Value>,
    /// `extensions.code`, where the server gives one.
    pub(super) code: Option<String>,
}

/// A body read as GraphQL: partial `data` and every error.
pub(super) struct Envelope {
    pub(super) data: Option<Value>,
    pub(super) errors: Vec<GraphqlError>,
}

/// Reads any of the body shapes servers send: a GraphQL envelope, `{"error": "…"}`,
/// `{"error": {"message": "…"}}`. `Err` says why the body is not one of them.
pub(super) fn parse_envelope(bytes: &[u8], html: bool) -> Result<Envelope, String> {
    let value: Value = serde_json::from_slice(bytes).map_err(|error| {
        if html || bytes.trim_ascii_start().starts_with(b"<") {
            "an HTML page, not JSON".to_owned()
        } else if bytes.trim_ascii().is_empty() {
            "an empty body".to_owned()
        } else if error.is_eof() {
            format!(
                "JSON cut short ({})",
                without_quoted_text(&error.to_string())
            )
        } else {
            format!(
                "a body that is not JSON ({})",
                without_quoted_text(&error.to_string())
            )
        }
    })?;
    let Value::Object(mut object) = value else {
        return Err("JSON that is not an object".to_owned());
    };
    let mut errors = Vec::new();
    match object.remove("errors") {
        Some(Value::Array(list)) => errors.extend(list.into_iter().map(graphql_error)),
        Some(Value::Null) | None => {}
        Some(other) => errors.push(graphql_error(other)),
    }
    match object.remove("error") {
        Some(Value::Null) | None => {}
        Some(other) => errors.push(graphql_error(other)),
    }
    let data = object.remove("data").filter(|data| !data.is_null());
    if data.is_none() && errors.is_empty() && !object.is_empty() {
        return Err("a JSON object with neither data nor errors".to_owned());
    }
    Ok(Envelope { data, errors })
}

fn graphql_error(value: Value) -> GraphqlError {
    match value {
        Value::String(message) => GraphqlError {
            message,
            path: Vec::new(),
            code: None,
        },
        Value::Object(mut object) => {
            let message = match object.remove("message") {
                Some(Value::String(message)) => message,
                _ => "(an error without a message)".to_owned(),
            };
            let path = match object.remove("path") {
                Some(Value::Array(path)) => path,
                _ => Vec::new(),
            };
            let code = object
                .get("extensions")
                .and_then(|extensions| extensions.get("code"))
                .and_then(Value::as_str)
                .map(str::to_owned);
            GraphqlError {
                message,
                path,
                code,
            }
        }
        _ => GraphqlError {
            message: "(an error that is not an object)".to_owned(),
            path: Vec::new(),
            code: None,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_error_body_shape_yields_its_message() {
        let bodies: [&[u8]; 3] = [
            br#"{"errors":[{"message":"m","path":["a","b"]}]}"#,
            br#"{"error":"m"}"#,
            br#"{"error":{"message":"m"}}"#,
        ];
        for body in bodies {
            let envelope = parse_envelope(body, false).ok().unwrap();
            assert_eq!(envelope.errors.len(), 1);
            assert_eq!(envelope.errors[0].message, "m");
        }
    }

    #[test]
    fn broken_bodies_are_described_not_quoted() {
        let cases: [(&[u8], &str); 4] = [
            (b"<html>502 Bad Gateway</html>", "HTML"),
            (br#"{"data":{"viewer":{"id":"sekrit"#, "cut short"),
            (b"", "empty"),
            (b"sekrit", "not JSON"),
        ];
        for (body, expected) in cases {
            let reason = parse_envelope(body, false).err().unwrap();
            assert!(reason.contains(expected), "{reason}");
            assert!(!reason.contains("sekrit"), "{reason}");
        }
    }
}
