//! The W&B users domain: what a user and an API key are, the port an adapter
//! implements to reach a W&B server, and the use cases built on that port.
//!
//! Pure by design: no HTTP, no async runtime, no JSON. Adapters live in their own
//! crates and translate their failures into [`Error`] at the seam.
//!
//! - **Values** ([`Email`], [`Username`], [`ApiKeySecret`], ...) are parsed
//!   once at the boundary; a value that exists is valid, and a secret never
//!   shows itself in `Debug` or in an error.
//! - **The ports** are split by what a backend can serve: [`UserRepository`]
//!   (users and their lifecycle, with paged listings besides the SDK's
//!   unpaged search), [`KeyRepository`] (API keys) and [`TeamRepository`]
//!   (teams, members, service accounts); [`Backend`] is all three and the
//!   means to act as another key holder. Each method's `# Errors` section is
//!   the contract every adapter honours: `users-memory` (an in-memory fake)
//!   and `users-graphql` (the real server) both pass the `users-testkit`
//!   contract suite.
//! - **The service**, [`UserAdmin`], is generic over the port and adds what
//!   the server does not do: resolving one user by username or email (several
//!   candidates are an error, not a guess), idempotent
//!   [`ensure_user`](UserAdmin::ensure_user), and key rotation that never loses
//!   the new key; team changes whose answer was lost settled by reading the
//!   team back; deactivation and demotion that never remove the last active
//!   admin; and [`offboard`](UserAdmin::offboard), planned from what the
//!   server shows, so that a rerun finishes a partial one.
//!
//! With the `mock` feature the crate also exports a mockall mock of each
//! port (`MockUserRepository`, `MockKeyRepository`, `MockTeamRepository`)
//! and of them all (`MockBackend`), for tests that check which calls a piece
//! of code makes.
//!
//! # Example
//!
//! Any type that implements the port can be driven by the service; here a tiny
//! fake with a single user stands in for a server.
//!
//! ```
//! use async_trait::async_trait;
//! use users_domain::{
//!     Email, Error, PageRequest, PageSize, Provisioned, Result, User, UserAdmin, UserEdge,
//!     UserId, UserPage, UserRepository,
//! };
//!
//! /// A user directory that holds only ada, and refuses everything but
//! /// lookups. It serves users alone (no keys, no teams), as a SCIM adapter
//! /// would, and the service's user cases run on it.
//! struct OnlyAda;
//!
//! fn ada() -> User {
//!     User {
//!         id: "VXNlcjox".parse().unwrap(),
//!         name: "Ada".into(),
//!         username: "ada".parse().unwrap(),
//!         email: Some("ada@example.com".parse().unwrap()),
//!         admin: false,
//!         account_type: None,
//!         created_at: None,
//!         logged_in_at: None,
//!         flags: None,
//!         entity: None,
//!         deleted_at: None,
//!         api_keys: Some(Vec::new()),
//!         teams: Some(Vec::new()),
//!     }
//! }
//!
//! #[async_trait]
//! impl UserRepository for OnlyAda {
//!     async fn viewer(&self) -> Result<User> {
//!         Ok(ada())
//!     }
//!     async fn search_users(&self, query: &str) -> Result<Vec<User>> {
//!         Ok(std::iter::once(ada()).filter(|user| user.is_named(query)).collect())
//!     }
//!     async fn list_users(&self, query: &str, _page: &PageRequest) -> Result<UserPage> {
//!         // One page holds everything there is.
//!         let users = self.search_users(query).await?;
//!         let edges = users.into_iter().map(|user| UserEdge { cursor: None, user }).collect();
//!         Ok(UserPage { edges, ..UserPage::default() })
//!     }
//!     async fn user_by_id(&self, id: &UserId) -> Result<User> {
//!         let what = format!("user with id {id}");
//!         Some(ada()).filter(|user| user.id == *id).ok_or(Error::NotFound { what })
//!     }
//!     async fn create_user(&self, email: &Email, _admin: bool) -> Result<User> {
//!         Err(Error::AlreadyExists { what: format!("a user with email {email}") })
//!     }
//!     async fn deactivate_user(&self, id: &UserId) -> Result<()> {
//!         Err(Error::PermissionDenied { reason: format!("this fake keeps {id} active") })
//!     }
//!     async fn reactivate_user(&self, _id: &UserId) -> Result<()> {
//!         Ok(())
//!     }
//!     async fn set_instance_admin(&self, id: &UserId, _admin: bool) -> Result<()> {
//!         Err(Error::PermissionDenied { reason: format!("this fake keeps {id} as is") })
//!     }
//! }
//!
//! # #[tokio::main(flavor = "current_thread")]
//! # async fn main() -> Result<()> {
//! let admin = UserAdmin::new(OnlyAda);
//!
//! // One user, named by username or by email in any case.
//! assert_eq!(admin.user("ADA@example.com").await?.username.as_str(), "ada");
//!
//! // Creating a user that exists is not an error for `ensure_user`.
//! let email = Email::parse("ada@example.com").unwrap();
//! assert!(matches!(admin.ensure_user(&email, false).await?, Provisioned::Existed(_)));
//!
//! // Nobody by that name: a typed error whose message is one line.
//! let error = admin.user("grace").await.unwrap_err();
//! assert_eq!(error.to_string(), "user 'grace' not found");
//!
//! // Any listing, page by page, in flat memory.
//! let mut walk = admin.walk_users("", PageSize::DEFAULT);
//! while let Some(page) = walk.next_page().await {
//!     for user in page?.users() {
//!         assert_eq!(user.username.as_str(), "ada");
//!     }
//! }
//! # Ok(())
//! # }
//! ```
//!
//! Values reject what the server would, and keep secrets out of sight:
//!
//! ```
//! use users_domain::{ApiKeySecret, Email};
//!
//! let email = Email::parse("ada@example.com").unwrap();
//! assert_eq!(email.as_ref(), "ada@example.com");
//! // A secret never shows itself in Debug output.
//! let secret = ApiKeySecret::parse("0123456789abcdef0123456789abcdef01234567".to_owned()).unwrap();
//! assert!(!format!("{secret:?}").contains("0123"));
//! ```

mod error;
mod model;
mod page;
mod port;
mod service;
mod state;
mod team;
mod value;

pub use error::{Error, Result};
pub use model::{ApiKey, GeneratedApiKey, User};
pub use page::{
    Cursor, CursorError, PageInfo, PageRequest, PageSize, PageSizeError, Unreadable, UserEdge,
    UserPage,
};
pub use port::{Backend, KeyRepository, TeamRepository, UserRepository};
#[cfg(any(test, feature = "mock"))]
pub use port::{MockBackend, MockKeyRepository, MockTeamRepository, MockUserRepository};
/// Re-exported so that callers can reach a secret without naming `secrecy` themselves.
pub use secrecy::{ExposeSecret, SecretString};
pub use service::{
    Applied, OffboardPlan, OffboardReport, OffboardStep, Provisioned, Rotation, StepOutcome,
    UserAdmin, UserWalk, find_key,
};
pub use state::{
    ApplyCounts, ApplyProgress, ApplyReport, Change, ChangeKind, ChangeOutcome, CheckedPlan,
    DesiredMember, DesiredState, DesiredTeam, DesiredUser, EmailKey, Identity, InstanceSnapshot,
    InstanceState, Located, Origin, PRUNE_SHARE_PERCENT, Phase, Plan, PlanOptions, PlanSummary,
    Refusal, SafetyLimits, StateError, StateErrorKind, TeamState, UserState, ValidatedState,
    check_safety, plan,
};
pub use team::{
    AccountType, AccountTypeError, Invitee, InviteeError, Member, Team, TeamRole, TeamRoleError,
};
pub use value::{
    ApiKeyId, ApiKeyIdError, ApiKeyName, ApiKeyNameError, ApiKeySecret, ApiKeySecretError, Email,
    EmailError, KeyFileError, MAX_KEY_FILE_BYTES, MemberId, MemberIdError, RoleName, RoleNameError,
    TeamId, TeamIdError, TeamName, TeamNameError, Timestamp, TimestampError, UserId, UserIdError,
    Username, UsernameError, echo_safe, without_quoted_text,
};
