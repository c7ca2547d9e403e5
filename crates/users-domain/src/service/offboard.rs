//! Offboarding a leaver so that nothing of theirs keeps working: every key
//! revoked, every team left, the account deactivated. Planned from what the
//! server shows now, so a rerun after a partial failure does only what is
//! left, and a complete one finds nothing to do.

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
    /// Whether every step was carried out (or found done).
    pub fn is_complete(&self) -> bool {
        self.steps
            .iter()
            .all(|(_, outcome)| !matches!(outcome, StepOutcome::Failed(_)))
    }
}

impl<R: UserRepository + KeyRepository + TeamRepository> UserAdmin<R> {
    /// What offboarding `user` would do now: revoke each key they hold,
    /// leave each team they are in, deactivate them.
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
    /// is gone already counts as done, so the call is safe to repeat.
    pub async fn offboard(&self, plan: OffboardPlan) -> OffboardReport {
        let mut steps = Vec::with_capacity(plan.steps.len());
        for step in plan.steps {
            let sent = match &step {
                OffboardStep::RevokeKey(key) => self.repo.delete_api_key(&key.id).await,
                OffboardStep::LeaveTeam { team, member } => self.remove(team, member).await,
                OffboardStep::Deactivate => self.deactivate_unguarded(&plan.user).await,
            };
            let outcome = match sent {
                Ok(()) => StepOutcome::Done,
                Err(Error::NotFound { .. }) if !matches!(step, OffboardStep::Deactivate) => {
                    StepOutcome::AlreadyDone
                }
                Err(error) => StepOutcome::Failed(error),
            };
            steps.push((step, outcome));
        }
        OffboardReport {
            user: plan.user,
            steps,
        }
    }

    /// Deactivation inside an offboarding: the guard ran when planning.
    async fn deactivate_unguarded(&self, user: &User) -> Result<()> {
        match self.repo.deactivate_user(&user.id).await {
            Err(lost @ Error::Ambiguous { .. }) => match self.reread(user).await {
                Some(now) if !now.is_active() => Ok(()),
                _ => Err(lost),
            },
            other => other,
        }
    }
}
