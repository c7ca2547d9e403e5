//! A local W&B server for administration: the GraphQL dialect of the
//! official SDK for users, keys and teams, and W&B's lifecycle mutations,
//! served over any [`Backend`](users_domain::Backend) (the in-memory one by
//! default), so that administration can be developed and tested offline and
//! the GraphQL adapter can be tested end to end.
//!
//! It speaks `POST /graphql` with HTTP Basic `api:<key>` credentials. Failures
//! come in the GraphQL error shape with W&B's statuses: 401 unknown or missing
//! credentials (a deactivated user's keys included), 403 not allowed, 404 no
//! such key, user or team, 409 already exists (a user, a team name, a
//! member), 400 bad input or a malformed body, 413 a body over
//! [`MAX_BODY_BYTES`]. Each error carries `extensions.code`
//! (`UNAUTHENTICATED`, `PERMISSION_DENIED`, `NOT_FOUND`, `ALREADY_EXISTS`,
//! `INVALID_INPUT`, ...).
//!
//! What the SDK's `Team` API expects is served as it expects it:
//! `entity(name)` is `null` for an unknown team and answers every field the
//! SDK's model requires; `members` is a plain list whose `apiKey` is always
//! `null`; a new service account (`accountType: SERVICE`) is listed last;
//! `deleteInvite` answers `success: false` for someone who is not a member.
//!
//! [`RunningEmulator::faults`] stages failures that a client must survive: a
//! mutation whose answer is lost (the connection closes after it ran) and a
//! new key whose secret is not revealed.
//!
//! The `wbusers-emulator` binary serves the same thing from the command line;
//! this library starts it inside a test or a program, on a free loopback port,
//! in the background of a tokio runtime.
//!
//! # Example
//!
//! Start an emulator with one seeded user, ask it who matches `ada` the way
//! the SDK does, then lose the answer of a `createUser` and see that the user
//! was created all the same.
//!
//! ```
//! use secrecy::ExposeSecret as _;
//! use serde_json::{Value, json};
//! use users_emulator::{Emulator, MutationKind};
//! use users_memory::{Seed, SeedUser};
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let seed = Seed::new().user(SeedUser::new("ada@example.com").team("ml"));
//! let emulator = Emulator::builder().seed(seed).start().await?;
//!
//! // Any W&B client will do: point it at base_url(), with admin_key() as the key.
//! let http = reqwest::Client::builder().no_proxy().build()?;
//! let graphql = |body: Value| {
//!     http.post(format!("{}/graphql", emulator.base_url()))
//!         .basic_auth("api", Some(emulator.admin_key().expose_secret()))
//!         .json(&body)
//!         .send()
//! };
//! let search = json!({"query": "query { users(query: \"ada\") { edges { node { username } } } }"});
//! let found: Value = graphql(search.clone()).await?.json().await?;
//! assert_eq!(found["data"]["users"]["edges"][0]["node"]["username"], "ada");
//!
//! // The next createUser runs, but the connection closes before its answer.
//! emulator.faults().lose_next_answer(MutationKind::CreateUser);
//! let create = json!({"query": "mutation { createUser(input: {email: \"adam@example.com\"}) { user { id } } }"});
//! assert!(graphql(create).await.is_err());
//! let found: Value = graphql(search).await?.json().await?;
//! assert_eq!(found["data"]["users"]["edges"].as_array().map(Vec::len), Some(2));
//!
//! emulator.shutdown().await;
//! # Ok(())
//! # }
//! ```

mod auth;
mod builder;
mod connection;
mod error;
mod faults;
mod http;
mod running;
mod schema;
mod serve;

pub use builder::{BOOTSTRAP_ADMIN_EMAIL, BOOTSTRAP_ADMIN_USERNAME, Emulator, EmulatorBuilder};
pub use error::EmulatorError;
pub use faults::{Faults, MutationKind};
pub use http::MAX_BODY_BYTES;
/// Entry points for the fuzz targets in `fuzz/`; not an API.
#[cfg(feature = "fuzzing")]
#[doc(hidden)]
pub use http::fuzzing;
pub use running::RunningEmulator;
