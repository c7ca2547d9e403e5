//! The instance as read for planning: its [`InstanceState`], who the caller
//! is, and the server's own records (ids) of the users and members the
//! state names, which carrying a plan out needs and the state leaves out.

use std::collections::BTreeMap;

use crate::{EmailKey, Identity, InstanceState, Member, TeamName, User};

/// An instance as read just now: its state, the caller, and the server's
/// records behind them. What [`plan`](crate::plan) and
/// [`check_safety`](crate::check_safety) compare a desired state with;
/// made by [`UserAdmin::snapshot_for`](crate::UserAdmin::snapshot_for).
#[derive(Debug, Clone)]
pub struct InstanceSnapshot {
    pub(super) state: InstanceState,
    pub(super) caller: Identity,
    /// The caller's name as a service account (its description), when the
    /// caller is one: not a person of the state, and in a team it creates
    /// one of the team's service accounts.
    pub(super) caller_service_account: Option<String>,
    pub(super) users: BTreeMap<EmailKey, User>,
    pub(super) members: BTreeMap<(TeamName, Identity), Member>,
}

impl InstanceSnapshot {
    /// A snapshot of `state` as seen by `caller`, without the server's
    /// records: for tests and tools that plan without a server. Applying a
    /// plan made from it looks each user or member up as it goes.
    pub fn new(state: InstanceState, caller: Identity) -> Self {
        Self {
            state,
            caller,
            caller_service_account: None,
            users: BTreeMap::new(),
            members: BTreeMap::new(),
        }
    }

    /// The instance's state.
    pub fn state(&self) -> &InstanceState {
        &self.state
    }

    /// The state, for export.
    pub fn into_state(self) -> InstanceState {
        self.state
    }

    /// Who the plan will be carried out as (the holder of the key).
    pub fn caller(&self) -> &Identity {
        &self.caller
    }

    /// The caller's name as a service account, when the caller is one.
    pub(crate) fn caller_service_account(&self) -> Option<&str> {
        self.caller_service_account.as_deref()
    }

    /// The server's record of a user.
    pub(crate) fn user(&self, key: &EmailKey) -> Option<&User> {
        self.users.get(key)
    }

    /// The server's record of a member.
    pub(crate) fn member(&self, team: &TeamName, who: &Identity) -> Option<&Member> {
        self.members.get(&(team.clone(), who.clone()))
    }

    /// The user's admin flag as the server holds it, even while deactivated
    /// (the state shows a deactivated user as no admin; a reactivated one
    /// gets the flag back).
    pub(crate) fn admin_flag(&self, key: &EmailKey) -> bool {
        self.users.get(key).map_or_else(
            || self.state.users.get(key).is_some_and(|user| user.admin),
            |user| user.admin,
        )
    }
}
