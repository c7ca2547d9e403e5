//! What every behaviour does first, and the checks they share.

use users_domain::{
    ApiKey, ApiKeySecret, Backend, Invitee, Member as TeamMember, PageRequest, PageSize, Team,
    TeamName, TeamRole, User, UserAdmin,
};

use crate::failing::FailOnce;
use crate::{Fixture, Harness, Member, Mutation, ServiceAccount, World};

/// `Err(error)` matching `$pattern`, or a panic naming what came instead.
macro_rules! expect_err {
    ($result:expr, $pattern:pat) => {
        match $result {
            Err(error @ $pattern) => error,
            other => panic!(
                "expected Err({}), got {other:?}",
                ::core::stringify!($pattern)
            ),
        }
    };
}
pub(crate) use expect_err;

/// A fresh world seeded with the standard fixture.
pub(crate) struct Setup {
    pub(crate) fx: Fixture,
    pub(crate) world: Box<dyn World>,
}

impl Setup {
    pub(crate) async fn start(harness: &dyn Harness) -> Self {
        let fx = Fixture::new();
        let world = harness.start(fx.seed()).await;
        Self { fx, world }
    }

    /// The adapter acting as `member`, with the member's first key.
    pub(crate) fn as_(&self, member: &Member) -> Box<dyn Backend> {
        self.world.connect(member.secret())
    }

    /// The adapter acting as the service account `account`.
    pub(crate) fn as_account(&self, account: &ServiceAccount) -> Box<dyn Backend> {
        self.world.connect(account.secret())
    }

    /// The adapter acting as the holder of `secret`.
    pub(crate) fn with(&self, secret: &ApiKeySecret) -> Box<dyn Backend> {
        self.world.connect(secret.clone())
    }

    /// The instance admin.
    pub(crate) fn admin(&self) -> Box<dyn Backend> {
        self.as_(&self.fx.root)
    }

    /// The service acting as `member`.
    pub(crate) fn service(&self, member: &Member) -> UserAdmin<Box<dyn Backend>> {
        UserAdmin::new(self.as_(member))
    }

    /// The service acting as the admin, over an adapter whose first call of
    /// `mutation` fails without reaching the server.
    pub(crate) fn admin_failing_once(&self, mutation: Mutation) -> UserAdmin<Box<dyn Backend>> {
        UserAdmin::new(Box::new(FailOnce::new(self.admin(), mutation)))
    }

    /// The team named `name`, as the admin reads it.
    pub(crate) async fn team(&self, name: &str) -> Team {
        self.admin()
            .team(&team_name(name))
            .await
            .unwrap_or_else(|error| panic!("team {name}: {error}"))
    }

    /// The one user whose username is `username`, as the admin finds it.
    pub(crate) async fn user(&self, username: &str) -> User {
        let found = self
            .admin()
            .search_users(username)
            .await
            .expect("admin search");
        let mut exact: Vec<User> = found
            .into_iter()
            .filter(|user| user.username.as_str() == username)
            .collect();
        assert_eq!(exact.len(), 1, "one user named {username}: {exact:?}");
        exact.remove(0)
    }

    /// The one user named `username`, as the admin's paged listing shows
    /// them: the listing is where a server says each user's account type
    /// (the SDK's own search and viewer documents do not ask for it).
    pub(crate) async fn listed(&self, username: &str) -> User {
        let page = self
            .admin()
            .list_users(username, &PageRequest::first(PageSize::DEFAULT))
            .await
            .expect("admin listing");
        let mut exact: Vec<User> = page
            .users()
            .filter(|user| user.username.as_str() == username)
            .cloned()
            .collect();
        assert_eq!(exact.len(), 1, "one user listed as {username}: {exact:?}");
        exact.remove(0)
    }

    /// The one user whose email is `email`, as the admin finds it.
    pub(crate) async fn find(&self, email: &str) -> User {
        let found = self
            .admin()
            .search_users(email)
            .await
            .expect("admin search");
        let mut exact: Vec<User> = found
            .into_iter()
            .filter(|user| user.email.as_ref().is_some_and(|e| e.eq_ignore_case(email)))
            .collect();
        assert_eq!(exact.len(), 1, "one user with email {email}: {exact:?}");
        exact.remove(0)
    }
}

/// Whether `secret` still authenticates: `Ok(user)` for its holder, else the error.
pub(crate) async fn holder(setup: &Setup, secret: &ApiKeySecret) -> users_domain::Result<User> {
    setup.with(secret).viewer().await
}

/// The keys a user is listed with; the server must have loaded them.
pub(crate) fn keys(user: &User) -> &[ApiKey] {
    user.api_keys
        .as_deref()
        .unwrap_or_else(|| panic!("the api keys of {} were not loaded", user.label()))
}

/// The caller's keys, as `viewer` lists them.
pub(crate) async fn own_keys(repo: &dyn Backend) -> Vec<ApiKey> {
    let me = repo.viewer().await.expect("viewer");
    keys(&me).to_vec()
}

/// The caller's key with this name; exactly one must have it.
pub(crate) async fn own_key(repo: &dyn Backend, name: &str) -> ApiKey {
    let named: Vec<ApiKey> = own_keys(repo)
        .await
        .into_iter()
        .filter(|key| key.name.reveal() == name)
        .collect();
    assert_eq!(named.len(), 1, "one key named {name}: {named:?}");
    named.into_iter().next().expect("checked above")
}

/// The ids of `keys`, sorted.
pub(crate) fn ids(keys: &[ApiKey]) -> Vec<String> {
    sorted(keys.iter().map(|key| key.id.to_string()))
}

/// The emails of `users`, sorted.
pub(crate) fn emails(users: &[User]) -> Vec<String> {
    sorted(users.iter().map(User::label))
}

pub(crate) fn sorted<T: Ord>(items: impl IntoIterator<Item = T>) -> Vec<T> {
    let mut items: Vec<T> = items.into_iter().collect();
    items.sort();
    items
}

/// A team name the suite spells out.
pub(crate) fn team_name(text: &str) -> TeamName {
    TeamName::parse(text).expect("a valid team name in the suite")
}

/// A username or email the suite spells out, as an invitee.
pub(crate) fn invitee(text: &str) -> Invitee {
    Invitee::parse(text).expect("a valid invitee in the suite")
}

/// A role the suite spells out.
pub(crate) fn role(text: &str) -> TeamRole {
    TeamRole::parse(text).expect("a valid role in the suite")
}

/// The members of a team the server loaded.
pub(crate) fn members(team: &Team) -> &[TeamMember] {
    team.members
        .as_deref()
        .unwrap_or_else(|| panic!("the members of team {} were not loaded", team.name))
}

/// The usernames of a team's members, in the server's order.
pub(crate) fn member_names(team: &Team) -> Vec<String> {
    members(team)
        .iter()
        .map(|member| {
            member
                .username
                .as_ref()
                .map_or_else(|| member.label(), ToString::to_string)
        })
        .collect()
}

/// The member id of a user who joined a team: the user's own id.
pub(crate) fn member_id(user: &User) -> users_domain::MemberId {
    users_domain::MemberId::parse(user.id.as_str()).expect("a user id is a valid member id")
}

/// The member of `team` who is `user`, if any.
pub(crate) fn member<'t>(team: &'t Team, user: &User) -> Option<&'t TeamMember> {
    members(team).iter().find(|member| member.is_user(&user.id))
}

/// The teams a user is listed in, in the server's order.
pub(crate) fn teams_of(user: &User) -> Vec<String> {
    user.teams
        .as_deref()
        .unwrap_or_else(|| panic!("the teams of {} were not loaded", user.label()))
        .iter()
        .map(ToString::to_string)
        .collect()
}
