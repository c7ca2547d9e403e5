//! Offboarding a leaver so that nothing of theirs keeps working: every key
//! revoked, every team left, admin taken away, the account deactivated.
//! Planned from what the server shows now, so a rerun after a partial
//! failure does only what is left, and a complete one finds nothing to do.

use super::lifecycle::Lifecycle;
use crate::{
    ApiKey, Error, KeyRepository, Member, Result, TeamName, TeamRepository, User, UserAdmin,
    UserRepository,
};

/// One step of an offboarding, in the order they are carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OffboardStep {
    /// Revoke one of the user's keys.
    RevokeKey(ApiKey),
    /// Take the user out of a team.
    LeaveTeam {
        /// The team.
        team: TeamName,
        /// The user as a member of it.
        member: Member,
    },
    /// Take instance admin away (an admin's, even a stale flag on a user
    /// deactivated already), so that reactivating the account later does
    /// not quietly bring admin back. Unguarded: the last-admin and caller
    /// rules were checked when planning.
    Demote,
    /// Deactivate the account (a soft delete: it stays listed).
    Deactivate,
}

/// What offboarding a user will do, read from the server just now.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OffboardPlan {
    /// The user, as read when planning.
    pub user: User,
    /// What is left to do; empty when the user is fully offboarded.
    pub steps: Vec<OffboardStep>,
}

impl OffboardPlan {
    /// Whether nothing is left to do.
    pub fn is_done(&self) -> bool {
        self.steps.is_empty()
    }
}

/// How one step went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    /// The step was carried out.
    Done,
    /// The server had it done already (the key or the membership was gone).
    AlreadyDone,
    /// The step failed; a rerun will try it again.
    Failed(Error),
    /// The answer was lost and reading back could not settle whether the
    /// step took effect (an `Ambiguous` error); planning again shows
    /// whether it is still to do.
    Unknown(Error),
}

/// What [`UserAdmin::offboard`] did: every step of the plan with its outcome.
#[derive(Debug, Clone)]
pub struct OffboardReport {
    /// The user offboarded.
    pub user: User,
    /// Each step with how it went, in the order carried out.
    pub steps: Vec<(OffboardStep, StepOutcome)>,
}

impl OffboardReport {
    /// Whether every step was carried out (or found done): none failed,
    /// none is unknown.
    pub fn is_complete(&self) -> bool {
        self.steps
            .iter()
            .all(|(_, outcome)| matches!(outcome, StepOutcome::Done | StepOutcome::AlreadyDone))
    }
}

impl<R: UserRepository + KeyRepository + TeamRepository> UserAdmin<R> {
    /// What offboarding `user` would do now: revoke each key they hold,
    /// leave each team they are in, take instance admin away (from an
    /// admin, or a deactivated user the server kept the flag of, so that a
    /// later reactivation brings no admin back), deactivate them.
    ///
    /// # Errors
    ///
    /// `Refused` when `user` is the caller or the last active instance admin;
    /// `NotListed` when the server does not list their keys or teams (unknown
    /// is not none); as [`TeamRepository::team`] for each of their teams.
    pub async fn plan_offboarding(&self, user: &User) -> Result<OffboardPlan> {
        self.check_removable(user, "offboard").await?;
        let mut steps: Vec<OffboardStep> = user
            .listed_keys()?
            .iter()
            .cloned()
            .map(OffboardStep::RevokeKey)
            .collect();
        for name in user.listed_teams()? {
            let team = match self.repo.team(name).await {
                Ok(team) => team,
                // A team deleted since the user was listed holds nobody.
                Err(Error::NotFound { .. }) => continue,
                Err(other) => return Err(other),
            };
            if let Some(member) = team.member_for(user) {
                steps.push(OffboardStep::LeaveTeam {
                    team: team.name.clone(),
                    member: member.clone(),
                });
            }
        }
        if user.admin {
            steps.push(OffboardStep::Demote);
        }
        if user.is_active() {
            steps.push(OffboardStep::Deactivate);
        }
        Ok(OffboardPlan {
            user: user.clone(),
            steps,
        })
    }

    /// Carries out `plan`, every step even after one fails (a later step
    /// still takes access away), and reports each. A key or membership that
    /// is gone already counts as done, so the call is safe to repeat. A lost
    /// answer is settled by reading back (the user's keys, the team, the
    /// user); `Unknown` when it cannot be.
    pub async fn offboard(&self, plan: OffboardPlan) -> OffboardReport {
        let mut steps = Vec::with_capacity(plan.steps.len());
        for step in plan.steps {
            let sent = match &step {
                OffboardStep::RevokeKey(key) => self.revoke_for_offboarding(&plan.user, key).await,
                OffboardStep::LeaveTeam { team, member } => self.remove(team, member).await,
                OffboardStep::Demote => self
                    .send_change(&plan.user, Lifecycle::Demote)
                    .await
                    .map(drop),
                OffboardStep::Deactivate => self.deactivate_unguarded(&plan.user).await,
            };
            let gone_already = matches!(
                step,
                OffboardStep::RevokeKey(_) | OffboardStep::LeaveTeam { .. }
            );
            let outcome = match sent {
                Ok(()) => StepOutcome::Done,
                Err(Error::NotFound { .. }) if gone_already => StepOutcome::AlreadyDone,
                Err(lost @ Error::Ambiguous { .. }) => StepOutcome::Unknown(lost),
                Err(error) => StepOutcome::Failed(error),
            };
            steps.push((step, outcome));
        }
        OffboardReport {
            user: plan.user,
            steps,
        }
    }

    /// Revokes one of `user`'s keys, settling a lost answer by reading
    /// their keys back: a key no longer listed was revoked.
    async fn revoke_for_offboarding(&self, user: &User, key: &ApiKey) -> Result<()> {
        match self.repo.delete_api_key(&key.id).await {
            Err(lost @ Error::Ambiguous { .. }) => match self.reread(user).await {
                Some(now)
                    if now
                        .listed_keys()
                        .is_ok_and(|keys| keys.iter().all(|k| k.id != key.id)) =>
                {
                    Ok(())
                }
                _ => Err(lost),
            },
            other => other,
        }
    }

    /// Deactivation inside an offboarding: the guard ran when planning.
    async fn deactivate_unguarded(&self, user: &User) -> Result<()> {
        self.send_change(user, Lifecycle::Deactivate)
            .await
            .map(drop)
    }
}
