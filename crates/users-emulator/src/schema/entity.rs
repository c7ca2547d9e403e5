//! Teams on the wire: W&B's `Entity` (with `isTeam: true`) and its `Member`s,
//! answering every field the SDK's `GetTeamEntity` model requires.
//!
//! The settings W&B keeps per entity (storage, privacy, billing) are not in
//! the domain; the emulator answers each with a fixed value a new team has
//! on W&B, so that the SDK's model accepts the answer.

use async_graphql::{ComplexObject, Context, ID, Result, SimpleObject};
use tokio::sync::OnceCell;
use users_domain::{Member, Team, TeamName, TeamRole};

use super::{Caller, ErrorCode, coded, domain_error};

/// A team. Listed in a user's `teams` it is known by name alone, and the
/// rest is looked up (as the caller) when a field asks for it.
#[derive(SimpleObject)]
#[graphql(complex)]
#[allow(
    clippy::struct_excessive_bools,
    clippy::struct_field_names,
    reason = "W&B's fields, named and typed as the SDK selects them"
)]
pub(crate) struct Entity {
    name: String,
    /// Whether the name is free to take: never, since this entity holds it.
    available: Option<bool>,
    photo_url: Option<String>,
    read_only: Option<bool>,
    read_only_admin: bool,
    /// Always: the emulator's entities are teams (a user's own entity is
    /// not served; `entity(name)` of a username is `null`).
    is_team: bool,
    entity_type: Option<String>,
    private_only: bool,
    storage_bytes: i64,
    code_saving_enabled: bool,
    default_access: String,
    is_paid: Option<bool>,
    /// The team's plan limits, as JSON text: none.
    limits: Option<String>,
    #[graphql(skip)]
    team_name: TeamName,
    #[graphql(skip)]
    team: OnceCell<Team>,
}

impl Entity {
    /// A team already read from the repository.
    pub(crate) fn loaded(team: Team) -> Self {
        Self::new(team.name.clone(), OnceCell::new_with(Some(team)))
    }

    /// A team known by name, read when a field needs more than the name.
    pub(crate) fn named(name: TeamName) -> Self {
        Self::new(name, OnceCell::new())
    }

    /// What a new team on W&B has, for the settings the domain does not hold.
    fn new(team_name: TeamName, team: OnceCell<Team>) -> Self {
        Self {
            name: team_name.to_string(),
            available: Some(false),
            photo_url: None,
            read_only: Some(false),
            read_only_admin: false,
            is_team: true,
            entity_type: Some("team".to_owned()),
            private_only: false,
            storage_bytes: 0,
            code_saving_enabled: true,
            default_access: "USER_READ".to_owned(),
            is_paid: Some(false),
            limits: Some("{}".to_owned()),
            team_name,
            team,
        }
    }

    async fn team(&self, ctx: &Context<'_>) -> Result<&Team> {
        self.team
            .get_or_try_init(|| async {
                let caller = ctx.data::<Caller>()?;
                caller
                    .0
                    .team(&self.team_name)
                    .await
                    .map_err(|e| domain_error(&e))
            })
            .await
    }
}

#[ComplexObject]
impl Entity {
    async fn id(&self, ctx: &Context<'_>) -> Result<ID> {
        Ok(ID(self.team(ctx).await?.id.to_string()))
    }

    /// Every member, in the repository's order: a service account just
    /// made comes last, where the SDK's `create_service_account` looks.
    async fn members(&self, ctx: &Context<'_>) -> Result<Vec<GqlMember>> {
        let members = self.team(ctx).await?.members.as_deref().ok_or_else(|| {
            coded(
                format!(
                    "the repository did not list the members of team '{}'",
                    self.team_name
                ),
                ErrorCode::Internal,
            )
        })?;
        Ok(members.iter().map(GqlMember::from).collect())
    }
}

/// One member of a team.
#[derive(SimpleObject)]
#[graphql(name = "Member")]
pub(crate) struct GqlMember {
    /// The user's id for a member who joined: what `deleteInvite` and
    /// `updateMember` take.
    id: Option<String>,
    /// Whether the member is a team admin (W&B keeps it beside `role`).
    admin: Option<bool>,
    role: Option<String>,
    pending: Option<bool>,
    email: Option<String>,
    username: Option<String>,
    name: String,
    photo_url: Option<String>,
    /// `USER`, `SERVICE`, `VIEWER` or `ANONYMOUS`.
    account_type: Option<String>,
    /// Always `null`: a listing never carries a secret, whoever asks (W&B
    /// shows a service account's key to team admins; the emulator does not).
    api_key: Option<String>,
}

impl From<&Member> for GqlMember {
    fn from(member: &Member) -> Self {
        Self {
            id: Some(member.id.to_string()),
            admin: Some(member.role == TeamRole::Admin),
            role: Some(member.role.to_string()),
            pending: Some(member.pending),
            email: member.email.as_ref().map(ToString::to_string),
            username: member.username.as_ref().map(ToString::to_string),
            name: member.name.clone(),
            photo_url: None,
            account_type: member.account_type.map(|kind| kind.as_wire().to_owned()),
            api_key: None,
        }
    }
}
