//! Safety rails: plans refused before anything is sent, because carrying
//! them out would lock the caller out, leave the instance without an
//! admin, or deactivate far more people than a file edit likely meant.

use std::collections::BTreeMap;

use crate::{Change, EmailKey, Error, InstanceSnapshot, Plan};

/// The share of active users a pruning plan may deactivate unconfirmed, in
/// percent: a plan that deactivates more needs
/// [`SafetyLimits::max_deactivate`]. A file that forgot a section would
/// otherwise offboard most of an instance in one run.
pub const PRUNE_SHARE_PERCENT: usize = 10;

/// What the caller confirmed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct SafetyLimits {
    /// How many deactivations the caller allows (`--max-deactivate N`).
    /// When given, it is always honoured; without it, a pruning plan may
    /// deactivate up to [`PRUNE_SHARE_PERCENT`] of the active users.
    pub max_deactivate: Option<usize>,
}

/// Why a plan is refused. Nothing was sent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Refusal {
    /// The plan deactivates the caller.
    #[error(
        "the plan deactivates {caller}, who is the caller: nobody holding this key could undo it; keep them active in the file, or have another admin apply it"
    )]
    DeactivatesCaller {
        /// The caller.
        caller: EmailKey,
    },
    /// The plan takes instance admin away from the caller.
    #[error(
        "the plan takes instance admin away from {caller}, who is the caller: keep admin = true for them in the file, or have another admin apply it"
    )]
    DemotesCaller {
        /// The caller.
        caller: EmailKey,
    },
    /// After the plan no active, non-service user would be an instance admin.
    #[error(
        "the plan leaves the instance without an active instance admin: keep at least one active user with admin = true"
    )]
    NoActiveAdmin,
    /// A pruning plan deactivates more than [`PRUNE_SHARE_PERCENT`] of the
    /// active users, unconfirmed.
    #[error(
        "the plan deactivates {count} of {active} active users, more than {PRUNE_SHARE_PERCENT}%: check that the file lists everyone, or pass --max-deactivate {count} to confirm"
    )]
    TooManyDeactivations {
        /// How many the plan deactivates.
        count: usize,
        /// How many users are active now.
        active: usize,
    },
    /// The plan deactivates more users than the caller allowed.
    #[error(
        "the plan deactivates {count} users, more than the {max} allowed: check the file, or pass --max-deactivate {count} to confirm"
    )]
    OverDeactivationLimit {
        /// How many the plan deactivates.
        count: usize,
        /// How many the caller allowed.
        max: usize,
    },
}

impl From<Refusal> for Error {
    fn from(refusal: Refusal) -> Self {
        Error::refused(refusal.to_string())
    }
}

/// A plan that passed [`check_safety`]: the only kind
/// [`UserAdmin::apply`](crate::UserAdmin::apply) carries out, which is why
/// it may skip the per-call last-admin guard (a full walk of the users per
/// change). It holds who the instance's active admins were as checked, so
/// that a run whose grants did not all succeed holds back the revocations
/// that relied on them.
#[derive(Debug, Clone)]
pub struct CheckedPlan<'p> {
    plan: &'p Plan,
    admins: Option<Admins>,
}

impl<'p> CheckedPlan<'p> {
    /// The plan.
    pub fn plan(&self) -> &'p Plan {
        self.plan
    }

    /// The active admins as the plan was checked, when the instance had
    /// one (else the rule that keeps one has nothing to keep).
    pub(crate) fn admins(&self) -> Option<&Admins> {
        self.admins.as_ref()
    }
}

/// Who is an active instance admin: each user a plan changes, with the admin
/// flag as the server holds it (even while deactivated) and whether active,
/// and how many active admins there are in all (non-service users only).
#[derive(Debug, Clone, Default)]
pub(crate) struct Admins {
    users: BTreeMap<EmailKey, (bool, bool)>,
    active: usize,
}

impl Admins {
    /// As `current` is, for the users `plan` changes.
    fn before(plan: &Plan, current: &InstanceSnapshot) -> Self {
        let state = current.state();
        let mut users = BTreeMap::new();
        for key in plan.changes().iter().filter_map(user_of) {
            let active = state.users.get(key).is_some_and(|user| !user.deactivated);
            users.insert(key.clone(), (current.admin_flag(key), active));
        }
        let untouched = state
            .users
            .iter()
            .filter(|(key, user)| user.admin && !user.deactivated && !users.contains_key(*key))
            .count();
        let touched = users
            .values()
            .filter(|&&(flag, active)| flag && active)
            .count();
        Self {
            users,
            active: untouched + touched,
        }
    }

    /// How many active admins there are.
    pub(crate) fn active(&self) -> usize {
        self.active
    }

    /// Whether making `change` takes an active admin away.
    pub(crate) fn removes_one(&self, change: &Change) -> bool {
        self.step(change).is_some_and(|(_, _, was, is)| was && !is)
    }

    /// Whether making `change` gives the instance another active admin.
    pub(crate) fn adds_one(&self, change: &Change) -> bool {
        self.step(change).is_some_and(|(_, _, was, is)| !was && is)
    }

    /// The admins once `change` is made.
    pub(crate) fn make(&mut self, change: &Change) {
        let Some((key, flags, was, is)) = self.step(change) else {
            return;
        };
        self.users.insert(key.clone(), flags);
        match (was, is) {
            (false, true) => self.active += 1,
            (true, false) => self.active -= 1,
            _ => {}
        }
    }

    /// The user `change` is about, their flags (admin, active) once it is
    /// made, and whether they are an active admin before and after.
    fn step<'c>(&self, change: &'c Change) -> Option<(&'c EmailKey, (bool, bool), bool, bool)> {
        let key = user_of(change)?;
        let (flag, active) = self.users.get(key).copied().unwrap_or_default();
        let after = match change {
            Change::CreateUser { admin, .. } => (*admin, true),
            Change::Reactivate { .. } => (flag, true),
            Change::Deactivate { .. } => (flag, false),
            Change::SetAdmin { admin, .. } => (*admin, active),
            _ => return None,
        };
        Some((key, after, flag && active, after.0 && after.1))
    }
}

/// The user a lifecycle change (or a creation) is about.
fn user_of(change: &Change) -> Option<&EmailKey> {
    match change {
        Change::CreateUser { email: user, .. }
        | Change::Reactivate { user }
        | Change::SetAdmin { user, .. }
        | Change::Deactivate { user } => Some(user),
        Change::CreateTeam { .. }
        | Change::AddMember { .. }
        | Change::ChangeRole { .. }
        | Change::RemoveMember { .. }
        | Change::CreateServiceAccount { .. } => None,
    }
}

/// Checks `plan`, made against `current`, against the safety rails:
/// - it must not deactivate the caller, nor take instance admin away from them;
/// - afterwards an active, non-service user must still be an instance
///   admin (if one is now);
/// - a pruning plan that deactivates more than [`PRUNE_SHARE_PERCENT`] of
///   the active users needs `limits.max_deactivate`, and any plan
///   deactivating more than a given `max_deactivate` is refused.
///
/// Deactivations count the active users the plan deactivates (a user
/// created and deactivated in the plan takes nobody's access away).
///
/// # Errors
///
/// Every [`Refusal`] that applies.
pub fn check_safety<'p>(
    plan: &'p Plan,
    current: &InstanceSnapshot,
    limits: &SafetyLimits,
) -> Result<CheckedPlan<'p>, Vec<Refusal>> {
    let mut refusals = Vec::new();
    let state = current.state();
    if let Some(caller) = current.caller().email() {
        for change in plan.changes() {
            match change {
                Change::Deactivate { user } if user == caller => {
                    refusals.push(Refusal::DeactivatesCaller {
                        caller: caller.clone(),
                    });
                }
                Change::SetAdmin {
                    user, admin: false, ..
                } if user == caller => {
                    refusals.push(Refusal::DemotesCaller {
                        caller: caller.clone(),
                    });
                }
                _ => {}
            }
        }
    }
    let admins = (state.active_admins() > 0).then(|| Admins::before(plan, current));
    if let Some(before) = &admins {
        let mut after = before.clone();
        for change in plan.changes() {
            after.make(change);
        }
        if after.active() == 0 {
            refusals.push(Refusal::NoActiveAdmin);
        }
    }
    let count = plan
        .changes()
        .iter()
        .filter(|change| match change {
            Change::Deactivate { user } => state.users.get(user).is_some_and(|u| !u.deactivated),
            _ => false,
        })
        .count();
    let active = state.active_users();
    match limits.max_deactivate {
        Some(max) if count > max => {
            refusals.push(Refusal::OverDeactivationLimit { count, max });
        }
        None if plan.prunes() && count * 100 > active * PRUNE_SHARE_PERCENT => {
            refusals.push(Refusal::TooManyDeactivations { count, active });
        }
        _ => {}
    }
    if refusals.is_empty() {
        Ok(CheckedPlan { plan, admins })
    } else {
        Err(refusals)
    }
}
