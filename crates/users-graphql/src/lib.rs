//! [`UserRepository`](users_domain::UserRepository) over the GraphQL HTTP API
//! of a Weights & Biases server, speaking what the official Python SDK (0.31)
//! speaks, request for request.
//!
//! # Example
//!
//! Build the client from the environment (`WANDB_BASE_URL`, `WANDB_API_KEY`,
//! else the netrc entry for the server's host) and look a user up. Here the
//! environment is given explicitly and a local stand-in plays the server; in a
//! program, `GraphqlUserRepository::builder().build()?` reads the process
//! environment.
//!
//! ```
//! # use wiremock::{Mock, MockServer, ResponseTemplate, matchers::{method, path}};
//! use users_domain::UserAdmin;
//! use users_graphql::{Environment, GraphqlUserRepository};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! # let server = MockServer::start().await;
//! # let ada = serde_json::json!({"id": "VXNlcjox", "name": "Ada", "username": "ada", "email": "ada@example.com", "admin": false});
//! # Mock::given(method("POST")).and(path("/graphql"))
//! #     .respond_with(ResponseTemplate::new(200).set_body_json(serde_json::json!({"data": {"users": {"edges": [{"node": ada}]}}})))
//! #     .mount(&server).await;
//! let env = Environment {
//!     base_url: Some(server.uri()),
//!     api_key: Some("0123456789abcdef0123456789abcdef01234567".into()),
//!     ..Environment::from_process()
//! };
//! let repo = GraphqlUserRepository::builder().environment(env).build()?;
//! let admin = UserAdmin::new(repo);
//! let user = admin.user("ada").await?;
//! assert_eq!(user.username.as_str(), "ada");
//! # Ok(())
//! # }
//! ```
//!
//! # On the wire
//!
//! `POST {base_url}/graphql` with `Authorization: Basic base64("api:" + key)`,
//! `Use-Admin-Privileges: true` and a JSON body `{query, variables,
//! operationName}`; the five documents are the SDK's, kept in
//! `src/operations/*.graphql`. Redirects are never followed (a 3xx is an
//! error), so a POST never becomes a GET and the key never leaves the
//! configured origin. Plain `http://` is refused except to loopback unless
//! [`GraphqlClientBuilder::allow_insecure_http`] says otherwise. A proxy named
//! by `HTTP_PROXY`, `HTTPS_PROXY` or `ALL_PROXY` is used, except for a
//! loopback base URL: traffic to this machine never goes through a proxy.
//!
//! # Errors
//!
//! 401 or a null viewer → `Unauthenticated`; 403 → `PermissionDenied`; 404
//! with GraphQL errors → `NotFound`; 409 → `AlreadyExists`; 429 →
//! `RateLimited` (with `Retry-After`); 5xx and lost connections →
//! `Unavailable` for a query. Otherwise GraphQL errors are read by their
//! `extensions.code` (`UNAUTHENTICATED`, `PERMISSION_DENIED`, `NOT_FOUND`,
//! `ALREADY_EXISTS`, `INVALID_INPUT`, `RATE_LIMITED` and common aliases such
//! as `FORBIDDEN` or `BAD_USER_INPUT`): the first error with a known code
//! decides. Only when none has one are the messages read ("only admins…" →
//! `PermissionDenied`, "…not found" → `NotFound`, "…already exists" →
//! `AlreadyExists`); 400/422 or any other GraphQL error → `InvalidInput`. A
//! 404 without GraphQL errors means there is no GraphQL endpoint at the base
//! URL: `Protocol`, naming the endpoint. An answer that cannot be decoded
//! (HTML, cut-short JSON, a wrong field, a body over the size cap) →
//! `Protocol`, naming the failing field path and never quoting the body.
//! Several server messages are joined as the SDK does: `[m1; m2]`, with the
//! key and its `Authorization` token blotted out. Each message reads as one
//! sentence through the domain's wording (`user ada@x.io already exists`,
//! `permission denied: deleteApiKey: only the key's owner or an instance admin
//! may delete it (server said: …)`); the server's own message for `NotFound`
//! and `AlreadyExists` is logged at debug level.
//!
//! `search_users` leaves out, with a warning naming its id and the failing
//! field path, a user it cannot read (a null username, an email or team name
//! the domain rejects), so that one odd user does not hide the others; an
//! unreadable viewer is a `Protocol` error.
//!
//! # Retries
//!
//! See [`RetryPolicy`]. Queries are retried on 408, 429, 5xx (not 501) and
//! transient connection failures. A mutation is re-sent only when it surely
//! did not run: the connection could not be made, or the server answered 429.
//! Once it may have reached the server, a lost answer, a 408 or 5xx (whatever
//! its body says), an unreadable answer, or a result with errors that cannot
//! be kept makes it `Ambiguous`: it is not repeated.
//!
//! When an answer says `RateLimit-Remaining: 0` with `RateLimit-Reset: N`
//! (IETF draft headers, read as the official client reads them), no request
//! is sent for N seconds by the client, its clones or its `act_as`
//! repositories: a call waits until then if the policy allows that long a
//! wait (`max_retry_after`, and the deadline), and otherwise fails at once
//! with `RateLimited { retry_after }`.
//!
//! # No orphaned keys
//!
//! `generate_api_key` tags the description it sends with a token unique to the
//! request, `[wbusers:<16 hex digits>] <description>` (first, so that a server
//! truncating long descriptions keeps it). If the outcome is unknown, it lists
//! the caller's keys and revokes any key carrying the token, then fails with
//! `Unavailable` (nothing left alive, safe to try again). It is `Ambiguous`,
//! naming the token, when that check or revocation fails, or when no key is
//! listed but the request may still be running on the server (no answer, 408,
//! 5xx). When the server returns a label instead of the secret, that key is
//! revoked and the call fails with `Protocol`. The tag is stripped from the
//! descriptions this adapter returns; W&B's own pages show it.
//!
//! The secret a server returns as the new key's `name` never becomes the
//! key's [`ApiKeyName`](users_domain::ApiKeyName): the name is read back from
//! the caller's key list, or else is `id:<key id>`.

mod builder;
mod config;
mod credentials;
mod env;
mod envelope;
mod netrc;
mod new_key;
mod orphan;
mod repository;
mod retry;
mod tag;
mod throttle;
mod transport;
mod wire;

pub use builder::{
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_USER_AGENT, GraphqlClientBuilder, SDK_USER_AGENT,
};
pub use config::{ConfigError, KeySource};
pub use env::Environment;
pub use repository::GraphqlUserRepository;
pub use retry::RetryPolicy;
