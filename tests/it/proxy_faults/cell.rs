//! One cell of the matrix: a fresh emulator behind a fresh fault proxy, one
//! mutation through the adapter, and the invariants checked against what the
//! emulator really holds afterwards (read directly, not through the proxy).

use std::time::Duration;

use serde_json::{Value, json};
use users_domain::{
    ApiKeyId, Backend, Email, Error, ExposeSecret as _, GeneratedApiKey, KeyRepository as _,
    Provisioned, Rotation, User, UserAdmin, UserRepository as _,
};
use users_emulator::RunningEmulator;
use users_graphql::{GraphqlUserRepository, RetryPolicy};
use users_memory::{Seed, SeedKey, SeedUser};

use crate::support::emulator::{ADMIN_KEY, BOB_KEY, VIEWER_ID, call, emails, query, start_with};
use crate::support::fault_proxy::{FaultProxy, Seen};
use crate::support::mock::env_holding;
use crate::support::{secret, variant};

/// How long one attempt may take: the proxy's "past the timeout" faults
/// last until the adapter gives up, so this only sets how long they take.
pub(super) const ATTEMPT_TIMEOUT: Duration = Duration::from_secs(1);

/// The user the create cells make.
const EMAIL: &str = "fault-matrix@example.com";
/// Bob's second key: the one deleted, or rotated.
const SPARE_KEY: &str = "sparesparesparesparesparesparespare00004";
const SPARE_DESCRIPTION: &str = "to delete or rotate";
/// Bob's keys, as the emulator lists them.
const BOBS_KEYS: &str = "{ viewer { id apiKeys { edges { node { id description } } } } }";
/// The users matching `$query`, by email.
const USERS: &str = "query($query: String) { users(query: $query) { edges { node { email } } } }";
/// What the generate cells ask for.
const DESCRIPTION: &str = "fault matrix";

/// The mutating calls of the contract suite, each a column of the matrix.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Op {
    /// `create_user` of a new email, as the admin.
    Create,
    /// `UserAdmin::ensure_user`, which settles a lost create with a search.
    Ensure,
    /// `generate_api_key`, as bob.
    Generate,
    /// `delete_api_key` of bob's spare key, as bob.
    Delete,
    /// `UserAdmin::rotate_api_key` of bob's spare key, the fault on its generate.
    RotateGenerate,
    /// The same rotation, the fault on its revocation of the old key.
    RotateRevoke,
}

impl Op {
    pub(super) const ALL: [Self; 6] = [
        Self::Create,
        Self::Ensure,
        Self::Generate,
        Self::Delete,
        Self::RotateGenerate,
        Self::RotateRevoke,
    ];
    /// The columns that generate a key (and may reconcile one).
    pub(super) const GENERATING: [Self; 2] = [Self::Generate, Self::RotateGenerate];

    pub(super) fn name(self) -> &'static str {
        match self {
            Self::Create => "create_user",
            Self::Ensure => "ensure_user",
            Self::Generate => "generate_api_key",
            Self::Delete => "delete_api_key",
            Self::RotateGenerate => "rotate (generate)",
            Self::RotateRevoke => "rotate (revoke)",
        }
    }

    /// The operation whose first request meets the row's fault.
    pub(super) fn target(self) -> &'static str {
        match self {
            Self::Create | Self::Ensure => "CreateUserFromAdmin",
            Self::Generate | Self::RotateGenerate => "GenerateApiKey",
            Self::Delete | Self::RotateRevoke => "DeleteApiKey",
        }
    }
}

/// A fresh emulator, a proxy in front of it, and the adapter through the proxy.
pub(super) struct Stage {
    emulator: RunningEmulator,
    pub(super) proxy: FaultProxy,
    admin: GraphqlUserRepository,
}

impl Stage {
    pub(super) async fn start() -> Self {
        let seed = Seed::new().user(
            SeedUser::new("bob@example.com")
                .key(SeedKey::new(BOB_KEY).name("ci"))
                .key(
                    SeedKey::new(SPARE_KEY)
                        .name("spare")
                        .description(SPARE_DESCRIPTION),
                ),
        );
        let emulator = start_with(seed).await.unwrap();
        let proxy = FaultProxy::start(emulator.local_addr()).await;
        let admin = GraphqlUserRepository::builder()
            .environment(env_holding(&proxy.base_url(), ADMIN_KEY))
            .timeout(ATTEMPT_TIMEOUT)
            .retry_policy(RetryPolicy {
                max_attempts: 3,
                base_delay: Duration::from_millis(50),
                max_delay: Duration::from_millis(200),
                deadline: Duration::from_secs(20),
                max_retry_after: Duration::from_secs(2),
            })
            .build()
            .unwrap();
        Self {
            emulator,
            proxy,
            admin,
        }
    }

    /// Leaves an open connection to the proxy in the adapter's pool (bob's
    /// repository shares it), for the next request to reuse.
    pub(super) async fn open_a_connection(&self) {
        self.admin.viewer().await.unwrap();
    }

    fn bob(&self) -> Box<dyn Backend> {
        self.admin.act_as(secret(BOB_KEY))
    }

    /// Runs `op` through the proxy.
    pub(super) async fn run(&self, op: Op, spare: &ApiKeyId) -> Outcome {
        let email = Email::parse(EMAIL).unwrap();
        match op {
            Op::Create => Outcome::Created(self.admin.create_user(&email, false).await),
            Op::Ensure => {
                let admin = UserAdmin::new(self.admin.clone());
                Outcome::Ensured(admin.ensure_user(&email, false).await)
            }
            Op::Generate => Outcome::Generated(
                self.bob()
                    .generate_api_key(Some(DESCRIPTION.to_owned()))
                    .await,
            ),
            Op::Delete => Outcome::Deleted(self.bob().delete_api_key(spare).await),
            Op::RotateGenerate | Op::RotateRevoke => {
                let bob = UserAdmin::new(self.bob());
                Outcome::Rotated(bob.rotate_api_key(spare.as_str(), None).await)
            }
        }
    }

    /// What the emulator holds, asked directly.
    pub(super) async fn snapshot(&self) -> Snapshot {
        let search = json!({ "query": EMAIL });
        let (status, body) = call(&self.emulator, Some(ADMIN_KEY), USERS, search).await;
        assert_eq!(status, 200, "searching the emulator directly: {body}");
        let users = emails(&body)
            .iter()
            .filter(|email| email.eq_ignore_ascii_case(EMAIL))
            .count();
        let (status, body) = query(&self.emulator, BOB_KEY, BOBS_KEYS).await;
        assert_eq!(status, 200, "bob's viewer, directly: {body}");
        let viewer = &body["data"]["viewer"];
        let keys = viewer["apiKeys"]["edges"]
            .as_array()
            .unwrap()
            .iter()
            .map(|edge| Listed {
                id: edge["node"]["id"].as_str().unwrap().to_owned(),
                description: edge["node"]["description"].as_str().map(str::to_owned),
            })
            .collect();
        Snapshot {
            users,
            bob: viewer["id"].clone(),
            keys,
        }
    }

    /// Whether `key` authenticates as bob, asked directly.
    async fn is_bobs(&self, key: &GeneratedApiKey, bob: &Value) -> bool {
        let (status, body) = query(&self.emulator, key.secret.expose_secret(), VIEWER_ID).await;
        status == 200 && body["data"]["viewer"]["id"] == *bob
    }
}

/// What a call came to.
pub(super) enum Outcome {
    Created(Result<User, Error>),
    Ensured(Result<Provisioned, Error>),
    Generated(Result<GeneratedApiKey, Error>),
    Deleted(Result<(), Error>),
    Rotated(Result<Rotation, Error>),
}

impl Outcome {
    /// The call's error, if it failed.
    fn error(&self) -> Option<&Error> {
        match self {
            Self::Created(result) => result.as_ref().err(),
            Self::Ensured(result) => result.as_ref().err(),
            Self::Generated(result) => result.as_ref().err(),
            Self::Deleted(result) => result.as_ref().err(),
            Self::Rotated(result) => result.as_ref().err(),
        }
    }

    fn ambiguous(&self) -> bool {
        matches!(self.error(), Some(Error::Ambiguous { .. }))
    }

    /// The key the caller now holds, if the call handed one back.
    fn held(&self) -> Option<&GeneratedApiKey> {
        match self {
            Self::Generated(Ok(key)) => Some(key),
            Self::Rotated(Ok(rotation)) => Some(&rotation.new_key),
            _ => None,
        }
    }

    /// Whether the call succeeded whole (a rotation: its revocation too).
    pub(super) fn is_whole_success(&self) -> bool {
        match self {
            Self::Rotated(Ok(rotation)) => rotation.revoked.is_ok(),
            Self::Ensured(Ok(provisioned)) => matches!(provisioned, Provisioned::Created(_)),
            other => other.error().is_none(),
        }
    }

    /// The outcome as the matrix shows it.
    pub(super) fn label(&self) -> String {
        match self {
            Self::Ensured(Ok(Provisioned::Created(_))) => "ok (created)".to_owned(),
            Self::Ensured(Ok(Provisioned::FoundAfterLostAnswer(_))) => {
                "ok (found after lost answer)".to_owned()
            }
            Self::Ensured(Ok(Provisioned::Existed(_))) => "ok (existed)".to_owned(),
            Self::Rotated(Ok(rotation)) => match &rotation.revoked {
                Ok(()) => "ok".to_owned(),
                Err(error) => format!("ok, revoke {}", variant(error)),
            },
            other => match other.error() {
                None => "ok".to_owned(),
                Some(error @ Error::Unavailable { reason }) if other.generates() => {
                    let how = if reason.contains("was revoked") {
                        " (key revoked)"
                    } else if reason.contains("no key was made") {
                        " (none made)"
                    } else {
                        ""
                    };
                    format!("{}{how}", variant(error))
                }
                Some(error) => variant(error).to_owned(),
            },
        }
    }

    fn generates(&self) -> bool {
        matches!(self, Self::Generated(_) | Self::Rotated(_))
    }
}

/// What the emulator holds: the users with the matrix's email, and bob's keys.
pub(super) struct Snapshot {
    users: usize,
    /// Bob's user id, as the emulator spells it.
    bob: Value,
    keys: Vec<Listed>,
}

impl Snapshot {
    /// The id of bob's spare key.
    pub(super) fn spare(&self) -> ApiKeyId {
        let spare = self
            .keys
            .iter()
            .find(|key| key.description.as_deref() == Some(SPARE_DESCRIPTION))
            .expect("bob's spare key is seeded");
        ApiKeyId::parse(spare.id.clone()).unwrap()
    }

    fn has(&self, id: &str) -> bool {
        self.keys.iter().any(|key| key.id == id)
    }
}

/// One of bob's live keys.
struct Listed {
    id: String,
    description: Option<String>,
}

/// What one cell broke: the invariant, and how.
#[derive(Debug)]
pub(super) struct Violation {
    pub(super) invariant: &'static str,
    pub(super) detail: String,
}

/// The invariant names, as the failure message and the known-failure list spell them.
pub(super) const AT_MOST_ONCE: &str = "no mutation executed twice";
pub(super) const NO_UNHELD_KEY: &str = "no key left alive that the caller does not hold";
pub(super) const DEFINITE_IS_TRUE: &str = "a definite outcome is true";
pub(super) const CONTROL_SUCCEEDS: &str = "the call succeeds";
/// Of the harness: the row's fault met a request on a pooled connection.
pub(super) const FAULT_ON_REUSED: &str = "the fault meets a reused connection";

/// Checks the invariants of one cell; what it broke.
pub(super) async fn check(
    stage: &Stage,
    outcome: &Outcome,
    before: &Snapshot,
    after: &Snapshot,
    seen: &[Seen],
) -> Vec<Violation> {
    let mut broken = Vec::new();
    at_most_once(seen, after, &mut broken);
    no_unheld_key(outcome, before, after, &mut broken);
    definite_is_true(stage, outcome, before, after, &mut broken).await;
    broken
}

fn fail(broken: &mut Vec<Violation>, invariant: &'static str, detail: String) {
    broken.push(Violation { invariant, detail });
}

/// No mutation executed twice: the emulator received each mutation (one
/// operation with one set of variables) at most once, one generate in all,
/// and holds at most one user with the email.
fn at_most_once(seen: &[Seen], after: &Snapshot, broken: &mut Vec<Violation>) {
    for (index, request) in seen.iter().enumerate() {
        let mutation = matches!(
            request.operation.as_str(),
            "CreateUserFromAdmin" | "GenerateApiKey" | "DeleteApiKey"
        );
        let first = seen.iter().position(|other| {
            other.forwarded
                && other.operation == request.operation
                && other.variables == request.variables
        });
        if mutation && request.forwarded && first != Some(index) {
            let detail = format!(
                "{} forwarded again: {}",
                request.operation, request.variables
            );
            fail(broken, AT_MOST_ONCE, detail);
        }
    }
    let generates = seen
        .iter()
        .filter(|request| request.forwarded && request.operation == "GenerateApiKey")
        .count();
    if generates > 1 {
        let detail = format!("{generates} generates forwarded for one call");
        fail(broken, AT_MOST_ONCE, detail);
    }
    if after.users > 1 {
        let detail = format!("{} users with {EMAIL}", after.users);
        fail(broken, AT_MOST_ONCE, detail);
    }
}

/// No key left alive that the caller does not hold: a new key is the one
/// handed back, or one an `Ambiguous` names (its tag or id) for the caller to
/// revoke, which the port allows only when the adapter could not make sure.
fn no_unheld_key(
    outcome: &Outcome,
    before: &Snapshot,
    after: &Snapshot,
    broken: &mut Vec<Violation>,
) {
    for key in unheld(outcome, before, after) {
        let named = outcome.error().is_some_and(|error| {
            let text = error.to_string();
            text.contains(&key.id) || tag_of(key).is_some_and(|tag| text.contains(tag))
        });
        if !(outcome.ambiguous() && named) {
            let detail = format!(
                "key {} ({:?}) is alive after {}",
                key.id,
                key.description,
                outcome.label()
            );
            fail(broken, NO_UNHELD_KEY, detail);
        }
    }
}

/// Every outcome is definite and true (the emulator agrees), or `Ambiguous`.
async fn definite_is_true(
    stage: &Stage,
    outcome: &Outcome,
    before: &Snapshot,
    after: &Snapshot,
    broken: &mut Vec<Violation>,
) {
    let spare = before.spare();
    let spare_alive = after.has(spare.as_str());
    let definite = !outcome.ambiguous();
    for key in before.keys.iter().filter(|key| key.id != spare.as_str()) {
        if !after.has(&key.id) {
            let detail = format!("untouched key {} is gone", key.id);
            fail(broken, DEFINITE_IS_TRUE, detail);
        }
    }
    if let Some(key) = outcome.held() {
        if !after.has(key.key.id.as_str()) || !stage.is_bobs(key, &before.bob).await {
            let detail = format!(
                "the key handed back ({}) does not authenticate as bob",
                key.key.id
            );
            fail(broken, DEFINITE_IS_TRUE, detail);
        }
    }
    let label = outcome.label();
    let wrong = match outcome {
        Outcome::Created(Ok(user)) => {
            let email = user.email.as_ref().map(ToString::to_string);
            (after.users != 1 || email.as_deref() != Some(EMAIL)).then(|| {
                format!(
                    "ok, but {} users with {EMAIL} (the user: {email:?})",
                    after.users
                )
            })
        }
        Outcome::Ensured(Ok(_)) => {
            (after.users != 1).then(|| format!("{label}, but {} users with {EMAIL}", after.users))
        }
        Outcome::Created(Err(_)) | Outcome::Ensured(Err(_)) => {
            (definite && after.users != 0).then(|| format!("{label}, but {EMAIL} was created"))
        }
        Outcome::Deleted(Ok(())) => spare_alive.then(|| "ok, but the key is alive".to_owned()),
        Outcome::Deleted(Err(_)) => {
            (definite && !spare_alive).then(|| format!("{label}, but the key is gone"))
        }
        Outcome::Generated(Ok(_)) => None,
        Outcome::Generated(Err(_)) => (definite && after.keys.len() != before.keys.len())
            .then(|| format!("{label}, but bob's keys changed")),
        Outcome::Rotated(Err(_)) => (!spare_alive).then(|| {
            format!("{label}, but the old key was revoked though no new key was handed back")
        }),
        Outcome::Rotated(Ok(rotation)) => match &rotation.revoked {
            Ok(()) => spare_alive.then(|| "revoked, but the old key is alive".to_owned()),
            Err(Error::Ambiguous { .. }) => None,
            Err(error) => (!spare_alive).then(|| {
                format!(
                    "revoking failed ({}), but the old key is gone",
                    variant(error)
                )
            }),
        },
    };
    if let Some(detail) = wrong {
        fail(broken, DEFINITE_IS_TRUE, detail);
    }
}

/// The keys alive after the call that were not before it, and that the
/// call did not hand back.
fn unheld<'a>(
    outcome: &Outcome,
    before: &Snapshot,
    after: &'a Snapshot,
) -> impl Iterator<Item = &'a Listed> {
    let held = outcome.held().map(|key| key.key.id.to_string());
    let before: Vec<String> = before.keys.iter().map(|key| key.id.clone()).collect();
    after
        .keys
        .iter()
        .filter(move |key| !before.contains(&key.id) && held.as_deref() != Some(key.id.as_str()))
}

/// How many keys the call left alive that the caller does not hold (which
/// only an `Ambiguous` naming them may do).
pub(super) fn keys_left(outcome: &Outcome, before: &Snapshot, after: &Snapshot) -> usize {
    unheld(outcome, before, after).count()
}

/// The request tag in a key's description (`[wbusers:<16 hex digits>]`).
fn tag_of(key: &Listed) -> Option<&str> {
    let description = key.description.as_deref()?;
    let start = description.find("[wbusers:")?;
    let end = start + description[start..].find(']')?;
    Some(&description[start..=end])
}
