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
//! TLS trusts the built-in Mozilla roots, the system's store, `SSL_CERT_FILE`,
//! `SSL_CERT_DIR` and [`GraphqlClientBuilder::ca_certificate`], each adding
//! to the others.
//!
//! # Errors
//!
//! Every failure becomes one of the domain's [`Error`](users_domain::Error)
//! variants in one place, the adapter's `outcome` module, whose table says
//! what each answer means for a query and for a mutation. In short: 401 or a
//! null viewer → `Unauthenticated`; 403 → `PermissionDenied`; 404 with GraphQL
//! errors → `NotFound`, without them → `Protocol` (no GraphQL endpoint at the
//! base URL); 409 → `AlreadyExists`; 429 → `RateLimited` (with
//! `Retry-After`); 5xx and lost connections → `Unavailable` for a query and
//! `Ambiguous` for a mutation that may have reached the server; TLS failing
//! while connecting (a certificate not trusted) → `Protocol` at the first
//! attempt, naming the certificate problem. GraphQL errors
//! are read by their `extensions.code` (`UNAUTHENTICATED`,
//! `PERMISSION_DENIED`, `NOT_FOUND`, `ALREADY_EXISTS`, `INVALID_INPUT`,
//! `RATE_LIMITED` and common aliases such as `FORBIDDEN` or `BAD_USER_INPUT`):
//! the first error with a known code decides; only when none has one are the
//! messages read. An answer that cannot be decoded (HTML, cut-short JSON, a
//! wrong field, a body over the size cap) → `Protocol` for a query and
//! `Ambiguous` for a mutation, naming the failing field path and never
//! quoting the body. Several server messages are joined
//! as the SDK does: `[m1; m2]`, with the key and its `Authorization` token
//! blotted out.
//!
//! `search_users` leaves out, with a warning naming its id and the failing
//! field path, a user it cannot read (a null username, an email or team name
//! the domain rejects), so that one odd user does not hide the others; an
//! unreadable viewer is a `Protocol` error.
//!
//! # Retries
//!
//! Queries are retried and mutations are never re-sent once they may have
//! reached the server: the rules are written once, on [`RetryPolicy`]. A
//! server's `RateLimit-*` headers pause every repository sharing the client.
//!
//! # No orphaned keys
//!
//! `generate_api_key` tags its request so that, when the outcome is unknown,
//! a key it may have made is found and revoked: no key stays alive that
//! nobody holds. A secret returned as the new key's `name` never becomes the
//! key's [`ApiKeyName`](users_domain::ApiKeyName). The rules are written once,
//! in the adapter's `generate` module (`src/generate/mod.rs`).

mod authorization;
mod base_url;
mod builder;
mod capped;
mod config;
mod env;
/// Entry points for the fuzz targets in `fuzz/`; not an API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub mod fuzzing;
mod generate;
mod listing;
mod netrc;
mod outcome;
mod repository;
mod retry;
mod throttle;
mod tls;
mod transport;
mod wire;

pub use builder::{
    DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_USER_AGENT, GraphqlClientBuilder, SDK_USER_AGENT,
};
pub use config::{ConfigError, KeySource};
pub use env::Environment;
pub use repository::GraphqlUserRepository;
pub use retry::RetryPolicy;
pub use tls::CaSource;
