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
//! [`GraphqlClientBuilder::allow_insecure_http`] says otherwise.
//!
//! # Errors
//!
//! 401 or a null viewer → `Unauthenticated`; 403 or a message such as "only
//! admins…" → `PermissionDenied`; 404 or "…not found" → `NotFound`; 409 or
//! "…already exists" → `AlreadyExists`; 429 → `RateLimited` (with
//! `Retry-After`); 5xx and lost connections → `Unavailable`; 400/422 or any
//! other GraphQL error → `InvalidInput`; an answer that cannot be decoded
//! (HTML, cut-short JSON, a wrong field, a body over the size cap) →
//! `Protocol`, naming the failing field path and never quoting the body.
//! Several server messages are joined as the SDK does: `[m1; m2]`.
//!
//! # Retries
//!
//! See [`RetryPolicy`]. Queries are retried on 408, 429, 5xx (not 501) and
//! transient connection failures. A mutation is re-sent only when it surely
//! did not run: the connection could not be made, or the server answered 429.
//! Once it may have reached the server, a lost answer, a 5xx or an unreadable
//! answer makes it `Ambiguous`: it is not repeated.
//!
//! # No orphaned keys
//!
//! `generate_api_key` tags the description it sends with a token unique to the
//! request, `<description> [wbusers:<16 hex digits>]`. If the outcome is
//! unknown, it lists the caller's keys and revokes any key carrying the token,
//! then fails with `Unavailable` (nothing left alive, safe to try again); only
//! if that check or revocation fails is the result `Ambiguous`. When the
//! server returns a label instead of the secret, that key is revoked and the
//! call fails with `Protocol`. The tag is stripped from the descriptions this
//! adapter returns; W&B's own pages show it.

mod builder;
mod config;
mod env;
mod envelope;
mod netrc;
mod orphan;
mod repository;
mod retry;
mod transport;
mod wire;

pub use builder::{DEFAULT_MAX_RESPONSE_BYTES, DEFAULT_USER_AGENT, GraphqlClientBuilder};
pub use config::ConfigError;
pub use env::Environment;
pub use repository::GraphqlUserRepository;
pub use retry::RetryPolicy;
