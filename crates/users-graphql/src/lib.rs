//! A whole [`Backend`](users_domain::Backend) over the GraphQL HTTP API of a
//! Weights & Biases server: its users and their lifecycle
//! ([`UserRepository`](users_domain::UserRepository)), their API keys
//! ([`KeyRepository`](users_domain::KeyRepository)) and its teams
//! ([`TeamRepository`](users_domain::TeamRepository)), speaking what the
//! official Python SDK (0.31) speaks wherever the SDK has a call for it.
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
//! operationName}`. The documents are kept in `src/operations/*.graphql`:
//!
//! | operation | document | whose |
//! |---|---|---|
//! | `viewer` | `GetViewer` | the SDK's |
//! | `search_users` | `SearchUsers` | the SDK's |
//! | `list_users` | `ListUsers` (pages; selects `accountType`, `createdAt`, `loggedInAt`), `UserApiKeys` | ours |
//! | `user_by_id` | `UserById` (`users(ids: [$id])`, the fields `ListUsers` selects; no edge is `NotFound`), `UserApiKeys` | ours: the SDK has none |
//! | `create_user` | `CreateUserFromAdmin` | the SDK's |
//! | `deactivate_user` / `reactivate_user` | `DeleteUser` / `UndeleteUser` (soft delete: the user stays listed with `deletedAt`) | the schema's |
//! | `set_instance_admin` | `UpdateUser` with the user's `id` and `admin` (never without the id, which would change the caller) | the schema's |
//! | `generate_api_key` | `GenerateApiKey`, then `ViewerApiKeys` | the SDK's, then ours |
//! | `delete_api_key` | `DeleteApiKey` | the SDK's |
//! | `team` | `TeamMembers` | ours: the SDK's `GetTeamEntity` (kept beside it) selects every member's `apiKey` and no `role` |
//! | `create_team` | `CreateTeam`, then `TeamMembers` | the SDK's |
//! | `add_member` | `CreateInvite` (`email` for an address, else `username`), then `TeamMembers` | the SDK's |
//! | `remove_member` | `DeleteInvite` with the member's id | the SDK's |
//! | `set_member_role` | `UpdateMember` (`updateMember(input: {entityName, user, role})`) | ours: the SDK has none |
//! | `create_service_account` | `CreateServiceAccount`, then `TeamMembers` | the SDK's |
//! | `service_account_secret` | `TeamMemberKeys` (`isTeam`, `members { id apiKey }`) | ours |
//!
//! The SDK's documents give no account type nor times: a user read with them
//! has `account_type`, `created_at` and `logged_in_at` `None`. A timestamp
//! that does not parse, or an account type this client does not know, is a
//! decode failure naming its field path. Redirects are never followed (a 3xx is an
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
//! # Teams
//!
//! The typed errors the SDK folds into `False`, in the adapter's `teams`
//! module (`src/teams.rs`): an unknown team (`entity` null, or a user's own
//! entity) → `NotFound`; `createTeam` of a taken name → `AlreadyExists`;
//! `createInvite` of a member → `AlreadyExists`, of an unknown user →
//! `NotFound`; `deleteInvite` answering `success: false` → `NotFound`; a
//! `NotFound` from a member's change reads the team to say whether the team
//! or the member is missing. `add_member` and `create_service_account` return
//! the member as the team lists it afterwards, the service account found by
//! the id `createServiceAccount` answered (never "the last member"). Only
//! `service_account_secret` asks for members' `apiKey`s, holding them as
//! secrets from the moment they are read; `None` when the server gives none.
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
mod lifecycle;
mod listing;
mod netrc;
mod outcome;
mod repository;
mod retry;
mod teams;
#[cfg(test)]
mod test_support;
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
