//! The HTTP face of the emulator: one GraphQL endpoint, W&B's status codes,
//! and every error in the GraphQL shape `{"errors": [{"message", "extensions": {"code"}}]}`
//! so that the official client (wandb-core) can show its message.

use std::{sync::Arc, time::Instant};

use async_graphql::{Request, Variables};
use axum::{
    Router,
    body::Bytes,
    extract::{ConnectInfo, DefaultBodyLimit, State, rejection::BytesRejection},
    http::{HeaderMap, HeaderValue, Method, StatusCode, Uri, header},
    middleware,
    response::{IntoResponse, Response},
    routing::post,
};
use serde::Deserialize;
use serde_json::{Value, json};
use users_domain::Backend;

use crate::{
    Faults, auth,
    builder::Limits,
    connection::Peer,
    faults::LostAnswer,
    schema::{self, Caller, ErrorCode, UsersSchema},
};

#[cfg(feature = "fuzzing")]
pub mod fuzzing;

/// The largest request body accepted: the SDK's largest operation is under 1 KiB.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

struct AppState {
    root: Arc<dyn Backend>,
    schema: UsersSchema,
}

/// The emulator's routes over `root`: `POST /graphql`, and 404 elsewhere.
/// Serve it with `ConnectInfo<Peer>` (a [`CuttableListener`](crate::connection::CuttableListener)).
pub(crate) fn router(root: Arc<dyn Backend>, faults: Faults, limits: Limits) -> Router {
    let state = Arc::new(AppState {
        root,
        schema: schema::build(faults),
    });
    Router::new()
        .route("/graphql", post(graphql).fallback(method_not_allowed))
        .fallback(not_found)
        .layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
        .with_state(state)
        .layer(middleware::from_fn_with_state(limits, paced))
}

/// Serves a request after the configured latency, and answers 408 when it
/// (its body included) takes longer than the request timeout: a client
/// trickling its body, or a stuck repository.
async fn paced(
    State(limits): State<Limits>,
    request: axum::extract::Request,
    next: middleware::Next,
) -> Response {
    if !limits.latency.is_zero() {
        tokio::time::sleep(limits.latency).await;
    }
    let timeout = limits.request_timeout;
    if let Ok(response) = tokio::time::timeout(timeout, next.run(request)).await {
        return response;
    }
    let message = format!("the request took longer than {} ms", timeout.as_millis());
    tracing::warn!(%message, "graphql request timed out");
    plain_error(
        StatusCode::REQUEST_TIMEOUT,
        &message,
        ErrorCode::InvalidInput,
    )
}

/// A GraphQL request body, as the SDK sends it.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct GraphqlBody {
    query: String,
    #[serde(default)]
    variables: Option<Value>,
    #[serde(default)]
    operation_name: Option<String>,
}

async fn graphql(
    State(state): State<Arc<AppState>>,
    ConnectInfo(peer): ConnectInfo<Peer>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    let started = Instant::now();
    let lost = LostAnswer::default();
    let (response, operation) = serve(&state, &headers, body, &lost).await;
    if lost.is_marked() {
        // The mutation ran; a staged fault says the client must not learn how
        // it went. The response below is never written.
        peer.cut();
        tracing::info!(
            operation = operation.as_deref().unwrap_or("-"),
            elapsed_ms = started.elapsed().as_millis(),
            "graphql request answered by closing the connection (staged fault)"
        );
        return response;
    }
    // Never the body or the headers: they hold keys and personal data.
    tracing::info!(
        operation = operation.as_deref().unwrap_or("-"),
        status = response.status().as_u16(),
        elapsed_ms = started.elapsed().as_millis(),
        "graphql request"
    );
    response
}

/// The response, and the operation's name once the body has been read.
async fn serve(
    state: &AppState,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
    lost: &LostAnswer,
) -> (Response, Option<String>) {
    let secret = match auth::api_key(headers) {
        Ok(secret) => secret,
        Err(error) => return (unauthorized(&error.to_string()), None),
    };
    // Authenticated before the body is even parsed: an unknown key gets one
    // small 401 whatever its document asks (introspection and aliases
    // included), as W&B answers.
    let caller: Arc<dyn Backend> = Arc::from(state.root.act_as(secret));
    match caller.viewer().await {
        Ok(_) => {}
        Err(error @ users_domain::Error::Unauthenticated { .. }) => {
            return (unauthorized(&error.to_string()), None);
        }
        Err(error) => {
            let response = plain_error(
                StatusCode::SERVICE_UNAVAILABLE,
                &format!("the caller could not be looked up: {error}"),
                ErrorCode::Unavailable,
            );
            return (response, None);
        }
    }
    let body = match body {
        Ok(body) => body,
        Err(rejection) => {
            let (status, message) = if rejection.status() == StatusCode::PAYLOAD_TOO_LARGE {
                let message = format!("request body is larger than {MAX_BODY_BYTES} bytes");
                (StatusCode::PAYLOAD_TOO_LARGE, message)
            } else {
                let message = "request body could not be read".to_owned();
                (StatusCode::BAD_REQUEST, message)
            };
            return (plain_error(status, &message, ErrorCode::InvalidInput), None);
        }
    };
    let mut request = match parse(&body) {
        Ok(request) => request,
        Err(message) => {
            let response = plain_error(StatusCode::BAD_REQUEST, &message, ErrorCode::InvalidInput);
            return (response, None);
        }
    };
    let operation = operation_name(&mut request);
    let request = request.data(Caller(caller)).data(lost.clone());
    let response = state.schema.execute(request).await;
    (into_response(&response), Some(operation))
}

/// The operation to run, for the log: wandb-core names it only in the document.
fn operation_name(request: &mut Request) -> String {
    if let Some(name) = &request.operation_name {
        return name.clone();
    }
    let Ok(document) = request.parsed_query() else {
        return "(unparsable)".to_owned();
    };
    let mut names = document
        .operations
        .iter()
        .map(|(name, _)| name.map_or("(anonymous)", |name| name.as_str()));
    match (names.next(), names.next()) {
        (Some(name), None) => name.to_owned(),
        _ => "(several)".to_owned(),
    }
}

/// The GraphQL request in `body`, or a one-line reason that never quotes it.
fn parse(body: &[u8]) -> Result<Request, String> {
    let body: GraphqlBody = serde_json::from_slice(body).map_err(|error| {
        let place = format!("line {} column {}", error.line(), error.column());
        match error.classify() {
            serde_json::error::Category::Data => {
                format!("request body must be a JSON object with a string \"query\" ({place})")
            }
            _ => format!("request body is not valid JSON ({place})"),
        }
    })?;
    let variables = match body.variables {
        None | Some(Value::Null) => Variables::default(),
        Some(object @ Value::Object(_)) => Variables::from_json(object),
        Some(_) => return Err("\"variables\" must be a JSON object".to_owned()),
    };
    let mut request = Request::new(body.query).variables(variables);
    // wandb-core sends `"operationName": ""` for an unnamed choice; GraphQL
    // executors read that as a request for an operation named "".
    if let Some(name) = body.operation_name.filter(|name| !name.is_empty()) {
        request = request.operation_name(name);
    }
    Ok(request)
}

/// The status W&B gives each kind of failure. Unrecognised credentials win
/// (W&B checks them before anything else, and 401 is what makes the SDK raise
/// `AuthenticationError`); otherwise the first error decides.
fn status_of(response: &async_graphql::Response) -> StatusCode {
    let mut codes = response.errors.iter().filter_map(|error| {
        let code = error.extensions.as_ref()?.get("code")?;
        match code {
            async_graphql::Value::String(code) => ErrorCode::from_code(code),
            _ => None,
        }
    });
    let first = codes.next();
    let code = if first != Some(ErrorCode::Unauthenticated)
        && codes.any(|code| code == ErrorCode::Unauthenticated)
    {
        Some(ErrorCode::Unauthenticated)
    } else {
        first
    };
    match code {
        Some(code) => status_for(code),
        // Errors but nothing executed: the document did not parse or validate.
        None if !response.errors.is_empty() && response.data == async_graphql::Value::Null => {
            StatusCode::BAD_REQUEST
        }
        None => StatusCode::OK,
    }
}

fn status_for(code: ErrorCode) -> StatusCode {
    match code {
        ErrorCode::Unauthenticated => StatusCode::UNAUTHORIZED,
        ErrorCode::PermissionDenied => StatusCode::FORBIDDEN,
        ErrorCode::NotFound => StatusCode::NOT_FOUND,
        ErrorCode::AlreadyExists => StatusCode::CONFLICT,
        ErrorCode::InvalidInput => StatusCode::BAD_REQUEST,
        ErrorCode::RateLimited => StatusCode::TOO_MANY_REQUESTS,
        ErrorCode::Unavailable => StatusCode::SERVICE_UNAVAILABLE,
        ErrorCode::Upstream => StatusCode::BAD_GATEWAY,
        ErrorCode::Internal => StatusCode::INTERNAL_SERVER_ERROR,
    }
}

fn into_response(response: &async_graphql::Response) -> Response {
    let status = status_of(response);
    let mut http = (status, axum::Json(response)).into_response();
    if status == StatusCode::UNAUTHORIZED {
        http.headers_mut()
            .insert(header::WWW_AUTHENTICATE, challenge());
    }
    if let Some(after) = retry_after(response) {
        http.headers_mut().insert(header::RETRY_AFTER, after);
    }
    http
}

fn retry_after(response: &async_graphql::Response) -> Option<HeaderValue> {
    response.errors.iter().find_map(
        |error| match error.extensions.as_ref()?.get("retryAfter")? {
            async_graphql::Value::Number(seconds) => {
                HeaderValue::from_str(&seconds.to_string()).ok()
            }
            _ => None,
        },
    )
}

fn challenge() -> HeaderValue {
    HeaderValue::from_static("Basic realm=\"wbusers-emulator\"")
}

fn unauthorized(message: &str) -> Response {
    let mut response = plain_error(
        StatusCode::UNAUTHORIZED,
        message,
        ErrorCode::Unauthenticated,
    );
    response
        .headers_mut()
        .insert(header::WWW_AUTHENTICATE, challenge());
    response
}

/// An error outside GraphQL execution, still in the GraphQL error shape.
fn plain_error(status: StatusCode, message: &str, code: ErrorCode) -> Response {
    let body = json!({
        "errors": [{ "message": message, "extensions": { "code": code.as_str() } }]
    });
    (status, axum::Json(body)).into_response()
}

/// Plain text, not a GraphQL error, as a web server answers a path it does not
/// serve: a client must be able to tell "no endpoint here" (a wrong base URL)
/// from "no such user or key".
async fn not_found(method: Method, uri: Uri) -> Response {
    // The path only: a query string may carry a credential.
    let message = format!(
        "no such endpoint: {method} {}; the GraphQL endpoint is POST /graphql\n",
        uri.path()
    );
    (
        StatusCode::NOT_FOUND,
        [(header::CONTENT_TYPE, "text/plain; charset=utf-8")],
        message,
    )
        .into_response()
}

async fn method_not_allowed(method: Method) -> Response {
    let message = format!("{method} is not allowed here; send POST /graphql");
    let mut response = plain_error(
        StatusCode::METHOD_NOT_ALLOWED,
        &message,
        ErrorCode::InvalidInput,
    );
    response
        .headers_mut()
        .insert(header::ALLOW, HeaderValue::from_static("POST"));
    response
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_empty_operation_name_selects_the_only_operation() {
        let request = parse(br#"{"query":"{ viewer { id } }","operationName":""}"#).unwrap();
        assert_eq!(request.operation_name, None);
    }

    #[test]
    fn a_body_error_names_the_place_but_not_the_content() {
        let message = parse(br#"{"query": 12345678}"#).err().unwrap();
        assert!(message.contains("string \"query\""), "{message}");
        assert!(!message.contains("12345678"), "{message}");
        let message = parse(b"{\"query\": \"sec").err().unwrap();
        assert!(
            message.starts_with("request body is not valid JSON"),
            "{message}"
        );
        assert!(!message.contains("sec\""), "{message}");
    }

    fn response_with(codes: &[ErrorCode]) -> async_graphql::Response {
        let errors = codes
            .iter()
            .map(|&code| {
                schema::coded(code.as_str(), code).into_server_error(async_graphql::Pos::default())
            })
            .collect();
        let mut response = async_graphql::Response::from_errors(errors);
        response.data = json!({ "viewer": null }).try_into().unwrap();
        response
    }

    #[test]
    fn unrecognised_credentials_anywhere_in_a_response_make_it_401() {
        use ErrorCode::{NotFound, PermissionDenied, Unauthenticated};
        let cases = [
            (vec![], StatusCode::OK),
            (vec![Unauthenticated], StatusCode::UNAUTHORIZED),
            (vec![PermissionDenied, NotFound], StatusCode::FORBIDDEN),
            (
                vec![PermissionDenied, Unauthenticated],
                StatusCode::UNAUTHORIZED,
            ),
        ];
        for (codes, status) in cases {
            assert_eq!(status_of(&response_with(&codes)), status, "{codes:?}");
        }
        let http = into_response(&response_with(&[PermissionDenied, Unauthenticated]));
        assert_eq!(
            http.headers().get(header::WWW_AUTHENTICATE),
            Some(&challenge())
        );
    }

    #[test]
    fn variables_must_be_an_object() {
        let message = parse(br#"{"query":"{ viewer { id } }","variables":[1]}"#)
            .err()
            .unwrap();
        assert_eq!(message, "\"variables\" must be a JSON object");
    }
}
