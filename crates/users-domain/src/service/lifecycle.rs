//! Deactivating, reactivating, promoting and demoting users, with the one
//! rule that guards them all: the instance always keeps an active admin,
//! and nobody locks themselves out.

use crate::{Error, PageSize, Result, User, UserAdmin, UserRepository};

/// What a lifecycle change found.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The change was made.
    Changed,
    /// The user was already so; nothing was sent.
    AlreadySo,
}

/// The lifecycle changes, each a state the user can be put in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Lifecycle {
    Deactivate,
    Reactivate,
    Promote,
    Demote,
}

impl Lifecycle {
    fn holds_for(self, user: &User) -> bool {
        match self {
            Self::Deactivate => !user.is_active(),
            Self::Reactivate => user.is_active(),
            Self::Promote => user.admin,
            Self::Demote => !user.admin,
        }
    }

    /// Whether the change takes an active admin away from the instance.
    fn removes_an_admin(self, user: &User) -> bool {
        match self {
            Self::Deactivate | Self::Demote => user.admin && user.is_active(),
            Self::Reactivate | Self::Promote => false,
        }
    }

    fn verb(self) -> &'static str {
        match self {
            Self::Deactivate => "deactivate",
            Self::Reactivate => "reactivate",
            Self::Promote => "promote",
            Self::Demote => "demote",
        }
    }
}

impl<R: UserRepository> UserAdmin<R> {
    /// Deactivates (soft-deletes) `user`: their keys stop working until they
    /// are reactivated.
    ///
    /// # Errors
    ///
    /// `Refused` for the caller, or for the last active instance admin;
    /// those of [`UserRepository::deactivate_user`], except that an
    /// `Ambiguous` answer is settled by reading the user back.
    pub async fn deactivate(&self, user: &User) -> Result<Applied> {
        self.change(user, Lifecycle::Deactivate).await
    }

    /// Reactivates a deactivated `user`.
    ///
    /// # Errors
    ///
    /// As [`deactivate`](Self::deactivate), without the refusals.
    pub async fn reactivate(&self, user: &User) -> Result<Applied> {
        self.change(user, Lifecycle::Reactivate).await
    }

    /// Makes `user` an instance admin.
    ///
    /// # Errors
    ///
    /// As [`reactivate`](Self::reactivate).
    pub async fn promote(&self, user: &User) -> Result<Applied> {
        self.change(user, Lifecycle::Promote).await
    }

    /// Takes instance admin away from `user`.
    ///
    /// # Errors
    ///
    /// As [`deactivate`](Self::deactivate): the caller and the last active
    /// admin are refused.
    pub async fn demote(&self, user: &User) -> Result<Applied> {
        self.change(user, Lifecycle::Demote).await
    }

    /// `Refused` when taking `user` away (deactivating or demoting them)
    /// would lock the caller out or leave the instance without an active
    /// admin. The one guard every path that removes an admin goes through.
    ///
    /// # Errors
    ///
    /// `Refused` as above; those of [`UserRepository::viewer`] and
    /// [`UserRepository::list_users`] while checking.
    pub async fn check_removable(&self, user: &User, verb: &str) -> Result<()> {
        let viewer = self.repo.viewer().await?;
        if viewer.id == user.id {
            return Err(Error::refused(format!(
                "{} is the caller: {verb} yourself and nobody holding this key can undo it; ask another admin",
                user.label()
            )));
        }
        if user.admin && user.is_active() && !self.another_active_admin(user).await? {
            return Err(Error::refused(format!(
                "{} is the last active instance admin: promote another user first",
                user.label()
            )));
        }
        Ok(())
    }

    /// Whether an active admin other than `user` exists. Stops at the first
    /// one found, so the usual answer costs one page.
    async fn another_active_admin(&self, user: &User) -> Result<bool> {
        let mut walk = self.walk_users("", PageSize::DEFAULT);
        while let Some(page) = walk.next_page().await {
            let found = page?.users().any(|other| {
                other.id != user.id
                    && other.admin
                    && other.is_active()
                    && !other.is_service_account()
            });
            if found {
                return Ok(true);
            }
        }
        Ok(false)
    }

    async fn change(&self, user: &User, change: Lifecycle) -> Result<Applied> {
        if change.holds_for(user) {
            return Ok(Applied::AlreadySo);
        }
        if change.removes_an_admin(user) || change == Lifecycle::Deactivate {
            self.check_removable(user, change.verb()).await?;
        }
        self.send_change(user, change).await
    }

    /// Sends `change` for `user` without the guard (the caller has checked
    /// the rule for a whole batch), settling a lost answer by reading back.
    pub(super) async fn send_change(&self, user: &User, change: Lifecycle) -> Result<Applied> {
        let sent = match change {
            Lifecycle::Deactivate => self.repo.deactivate_user(&user.id).await,
            Lifecycle::Reactivate => self.repo.reactivate_user(&user.id).await,
            Lifecycle::Promote => self.repo.set_instance_admin(&user.id, true).await,
            Lifecycle::Demote => self.repo.set_instance_admin(&user.id, false).await,
        };
        match sent {
            Ok(()) => Ok(Applied::Changed),
            Err(lost @ Error::Ambiguous { .. }) => match self.reread(user).await {
                Some(now) if change.holds_for(&now) => Ok(Applied::Changed),
                _ => Err(lost),
            },
            Err(other) => Err(other),
        }
    }

    /// The user as the server holds them now, if they can be read.
    pub(super) async fn reread(&self, user: &User) -> Option<User> {
        self.repo.user_by_id(&user.id).await.ok()
    }
}
