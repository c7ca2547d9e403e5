//! A user's lifecycle, as W&B's schema has it (no SDK method sends these):
//! `deleteUser` deactivates (a soft delete: the user stays listed with
//! `deletedAt` set, and their keys stop working), `undeleteUser` reactivates,
//! `updateUser(admin)` sets or clears the instance-admin flag.

use async_graphql::{Context, ID, InputObject, Object, Result, SimpleObject};
use users_domain::UserId;

use super::mutation::take_lost_answer;
use super::types::GqlUser;
use super::{Caller, ErrorCode, coded, domain_error};
use crate::faults::MutationKind;

pub(crate) struct LifecycleMutation;

#[Object]
impl LifecycleMutation {
    /// Deactivates the user. Instance admins only.
    async fn delete_user(
        &self,
        ctx: &Context<'_>,
        input: DeleteUserInput,
    ) -> Result<Option<DeleteUserPayload>> {
        let caller = ctx.data::<Caller>()?;
        let id = user_id(input.id)?;
        let done = caller.0.deactivate_user(&id).await;
        take_lost_answer(ctx, MutationKind::DeleteUser, &done)?;
        done.map_err(|e| domain_error(&e))?;
        Ok(Some(
            UserPayload::read_back(caller, &id, input.client_mutation_id)
                .await
                .into(),
        ))
    }

    /// Reactivates a deactivated user. Instance admins only.
    async fn undelete_user(
        &self,
        ctx: &Context<'_>,
        input: UndeleteUserInput,
    ) -> Result<Option<UndeleteUserPayload>> {
        let caller = ctx.data::<Caller>()?;
        let id = user_id(input.id)?;
        let done = caller.0.reactivate_user(&id).await;
        take_lost_answer(ctx, MutationKind::UndeleteUser, &done)?;
        done.map_err(|e| domain_error(&e))?;
        Ok(Some(
            UserPayload::read_back(caller, &id, input.client_mutation_id)
                .await
                .into(),
        ))
    }

    /// Updates the user `id` (the caller when `null`). Of W&B's many
    /// fields, the emulator serves `admin` (instance admins only); without
    /// it the user is answered unchanged.
    async fn update_user(
        &self,
        ctx: &Context<'_>,
        input: UpdateUserInput,
    ) -> Result<Option<UpdateUserPayload>> {
        let caller = ctx.data::<Caller>()?;
        let id = match input.id {
            Some(id) => user_id(id)?,
            None => caller.0.viewer().await.map_err(|e| domain_error(&e))?.id,
        };
        if let Some(admin) = input.admin {
            let done = caller.0.set_instance_admin(&id, admin).await;
            take_lost_answer(ctx, MutationKind::UpdateUser, &done)?;
            done.map_err(|e| domain_error(&e))?;
        }
        Ok(Some(
            UserPayload::read_back(caller, &id, input.client_mutation_id)
                .await
                .into(),
        ))
    }
}

fn user_id(id: ID) -> Result<UserId> {
    UserId::parse(id.0).map_err(|e| coded(format!("invalid user id: {e}"), ErrorCode::InvalidInput))
}

#[derive(InputObject)]
pub(crate) struct DeleteUserInput {
    id: ID,
    client_mutation_id: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct UndeleteUserInput {
    id: ID,
    client_mutation_id: Option<String>,
}

#[derive(InputObject)]
pub(crate) struct UpdateUserInput {
    id: Option<ID>,
    admin: Option<bool>,
    client_mutation_id: Option<String>,
}

/// The answer of each of the three, under W&B's type name: the user as it
/// is now.
macro_rules! user_payload {
    ($($name:ident),*) => {$(
        #[derive(SimpleObject)]
        pub(crate) struct $name {
            user: Option<GqlUser>,
            client_mutation_id: Option<String>,
        }

        impl From<UserPayload> for $name {
            fn from(payload: UserPayload) -> Self {
                Self { user: payload.user, client_mutation_id: payload.client_mutation_id }
            }
        }
    )*};
}

user_payload!(DeleteUserPayload, UndeleteUserPayload, UpdateUserPayload);

struct UserPayload {
    user: Option<GqlUser>,
    client_mutation_id: Option<String>,
}

impl UserPayload {
    /// The user read back after the change, by id. A caller who just
    /// demoted themself may no longer look users up, but still sees
    /// themself as the viewer. The change is done: a read that fails (the
    /// caller just deactivated themself) answers `user: null` rather than
    /// an error that would say the mutation failed.
    async fn read_back(caller: &Caller, id: &UserId, client_mutation_id: Option<String>) -> Self {
        let user = match caller.0.user_by_id(id).await {
            Ok(user) => Some(user),
            Err(error) => match caller.0.viewer().await {
                Ok(me) if me.id == *id => Some(me),
                _ => {
                    tracing::debug!(%error, "the changed user could not be read back");
                    None
                }
            },
        };
        let user = user.map(GqlUser::from);
        Self {
            user,
            client_mutation_id,
        }
    }
}
