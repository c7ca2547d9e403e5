//! A user's lifecycle: deactivation (`deleteUser`, a soft delete that keeps
//! the user listed with `deletedAt` set), reactivation (`undeleteUser`) and
//! the instance-admin flag (`updateUser` with the user's id and `admin`).
//!
//! Each answer is checked against what was asked: a mutation that answered
//! without the user is `Ambiguous` (it may have run); one that names another
//! user, or leaves the user as they were, is `Protocol`.

use serde_json::json;
use users_domain::{Error, Result, UserId};

use crate::GraphqlUserRepository;
use crate::wire::{DELETE_USER, LifecycleData, Operation, UNDELETE_USER, UPDATE_USER};

#[cfg(test)]
mod tests;

impl GraphqlUserRepository {
    pub(crate) async fn deactivate(&self, id: &UserId) -> Result<()> {
        let user = self
            .change_user(&DELETE_USER, json!({ "id": id.as_str() }), id)
            .await?;
        if user.deleted_at.is_none() {
            return Err(unchanged(&DELETE_USER, id, "still active"));
        }
        Ok(())
    }

    pub(crate) async fn reactivate(&self, id: &UserId) -> Result<()> {
        let user = self
            .change_user(&UNDELETE_USER, json!({ "id": id.as_str() }), id)
            .await?;
        if user.deleted_at.is_some() {
            return Err(unchanged(&UNDELETE_USER, id, "still deactivated"));
        }
        Ok(())
    }

    pub(crate) async fn set_admin(&self, id: &UserId, admin: bool) -> Result<()> {
        // Always with the id: `updateUser` without one changes the caller.
        let variables = json!({ "id": id.as_str(), "admin": admin });
        let user = self.change_user(&UPDATE_USER, variables, id).await?;
        if user.admin != Some(admin) {
            let state = if admin {
                "still not an instance admin"
            } else {
                "still an instance admin"
            };
            return Err(unchanged(&UPDATE_USER, id, state));
        }
        Ok(())
    }

    /// Sends `op` about user `id`; the user as the answer leaves them.
    async fn change_user(
        &self,
        op: &Operation,
        variables: serde_json::Value,
        id: &UserId,
    ) -> Result<crate::wire::ChangedUser> {
        let data: LifecycleData = self.call(op, variables, &format!("user {id}")).await?;
        let user = data
            .payload
            .and_then(|payload| payload.user)
            .ok_or_else(|| Error::Ambiguous {
                operation: op.field.to_owned(),
                reason: format!(
                    "the server answered without the user; check whether user {id} was changed"
                ),
            })?;
        if user.id != *id {
            return Err(Error::Protocol {
                reason: format!("{} of user {id} answered with user {}", op.field, user.id),
            });
        }
        Ok(user)
    }
}

/// The server says it ran `op`, and shows the user as they were.
fn unchanged(op: &Operation, id: &UserId, state: &str) -> Error {
    Error::Protocol {
        reason: format!("{} answered that user {id} is {state}", op.field),
    }
}
