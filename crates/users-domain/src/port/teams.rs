use async_trait::async_trait;

use crate::{ApiKeySecret, Invitee, Member, MemberId, Result, Team, TeamName, TeamRole, Username};

/// The teams of a W&B server, their members and service accounts.
///
/// Besides the errors listed per method, any call MAY fail as any
/// [`UserRepository`](crate::UserRepository) call may. A mutation whose
/// answer was lost is `Ambiguous`; [`UserAdmin`](crate::UserAdmin) settles
/// it by reading the team back.
#[cfg_attr(any(test, feature = "mock"), mockall::automock)]
#[async_trait]
pub trait TeamRepository: Send + Sync {
    /// The team named `name`, with its members loaded.
    ///
    /// # Errors
    ///
    /// MUST return `NotFound` when no team has this name (or the caller may
    /// not see it).
    async fn team(&self, name: &TeamName) -> Result<Team>;

    /// Creates a team whose first member and admin is `admin` (the caller
    /// when `None`).
    ///
    /// # Errors
    ///
    /// - MUST return `AlreadyExists` when a team (or any entity, such as a
    ///   user's own) has this name.
    /// - MUST return `NotFound` when `admin` names no user.
    /// - MUST return `Ambiguous` when the request may have reached the server
    ///   but its outcome is unknown.
    async fn create_team(&self, name: &TeamName, admin: Option<Username>) -> Result<Team>;

    /// Adds a user to the team, as a team admin when `admin` is set, else as
    /// a member; returns them as listed in the team afterwards.
    ///
    /// # Errors
    ///
    /// - MUST return `NotFound` when the team does not exist, or no user is
    ///   named by `invitee`.
    /// - MUST return `AlreadyExists` when the user is already a member (or invited).
    /// - MUST return `PermissionDenied` when the caller may not manage the team.
    /// - MUST return `Ambiguous` when the request may have reached the server
    ///   but its outcome is unknown.
    async fn add_member(&self, team: &TeamName, invitee: &Invitee, admin: bool) -> Result<Member>;

    /// Removes a member (or withdraws a pending invite).
    ///
    /// # Errors
    ///
    /// - MUST return `NotFound` when the team does not exist or `member` is
    ///   not one of its members.
    /// - MUST return `PermissionDenied` when the caller may not manage the team.
    /// - MUST return `Ambiguous` when the request may have reached the server
    ///   but its outcome is unknown.
    async fn remove_member(&self, team: &TeamName, member: &MemberId) -> Result<()>;

    /// Changes a member's role in the team.
    ///
    /// # Errors
    ///
    /// - MUST return `NotFound` when the team does not exist or `member` is
    ///   not one of its members.
    /// - MUST return `InvalidInput` when the server knows no such role.
    /// - MUST return `PermissionDenied` when the caller may not manage the team.
    /// - MUST return `Ambiguous` when the request may have reached the server
    ///   but its outcome is unknown.
    async fn set_member_role(
        &self,
        team: &TeamName,
        member: &MemberId,
        role: &TeamRole,
    ) -> Result<()>;

    /// Creates a service account in the team, described by `description`,
    /// and returns it as a member of the team (found by its id).
    ///
    /// # Errors
    ///
    /// - MUST return `NotFound` when the team does not exist.
    /// - MUST return `PermissionDenied` when the caller may not manage the team.
    /// - MUST return `Ambiguous` when the request may have reached the server
    ///   but its outcome is unknown.
    async fn create_service_account(&self, team: &TeamName, description: &str) -> Result<Member>;

    /// The key of a service account in the team, where the server reveals it
    /// to the caller (hosted W&B shows it to team admins); `None` where it
    /// does not. Nothing else in this port ever carries a secret.
    ///
    /// # Errors
    ///
    /// MUST return `NotFound` when the team does not exist or `member` is not
    /// one of its members.
    async fn service_account_secret(
        &self,
        team: &TeamName,
        member: &MemberId,
    ) -> Result<Option<ApiKeySecret>>;
}

forward!(TeamRepository {
    async fn team(&self, name: &TeamName) -> Result<Team>;
    async fn create_team(&self, name: &TeamName, admin: Option<Username>) -> Result<Team>;
    async fn add_member(&self, team: &TeamName, invitee: &Invitee, admin: bool) -> Result<Member>;
    async fn remove_member(&self, team: &TeamName, member: &MemberId) -> Result<()>;
    async fn set_member_role(&self, team: &TeamName, member: &MemberId, role: &TeamRole) -> Result<()>;
    async fn create_service_account(&self, team: &TeamName, description: &str) -> Result<Member>;
    async fn service_account_secret(&self, team: &TeamName, member: &MemberId) -> Result<Option<ApiKeySecret>>;
});
