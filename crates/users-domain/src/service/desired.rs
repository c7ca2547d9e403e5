//! Desired state against a server: reading the instance as a state, and
//! carrying a checked plan out with bounded concurrency, phase by phase.

use std::collections::{BTreeMap, BTreeSet};
use std::num::NonZeroUsize;

use futures::future;
use futures::stream::{self, StreamExt};

use super::lifecycle::Lifecycle;
use crate::state::{Admins, SnapshotBuilder};
use crate::{
    ApplyProgress, ApplyReport, Change, ChangeOutcome, CheckedPlan, DesiredState, EmailKey, Error,
    InstanceSnapshot, InstanceState, PageSize, Phase, Plan, Provisioned, Result, TeamName,
    TeamRepository, User, UserAdmin, UserRepository,
};

/// How many teams are read at once while taking a snapshot: enough to hide
/// round trips, few enough not to crowd a server.
const TEAM_READS: usize = 4;

impl<R: UserRepository + TeamRepository> UserAdmin<R> {
    /// The instance as it is now: every user, walked page by page (a page
    /// is dropped once taken in), then every team some user (or service
    /// account) is in, with members, roles and service accounts; and the
    /// caller. A team nobody is in cannot be found this way (the server
    /// lists teams only through their members): to plan, use
    /// [`snapshot_for`](Self::snapshot_for).
    ///
    /// # Errors
    ///
    /// `NotListed` when the server withholds a user's teams or email, or a
    /// team's members (unknown is not none: a state without them would
    /// be wrong); `Protocol` when a user record cannot be read; as
    /// [`UserRepository::viewer`], [`UserRepository::list_users`] and
    /// [`TeamRepository::team`] otherwise (a team gone since its members
    /// were listed is left out).
    pub async fn snapshot(&self) -> Result<InstanceSnapshot> {
        self.snapshot_with(BTreeSet::new()).await
    }

    /// The instance as it is now, for planning `desired`: as
    /// [`snapshot`](Self::snapshot), and the teams `desired` names are read
    /// too, so that a team with nobody in it is found, not created again.
    ///
    /// # Errors
    ///
    /// As [`snapshot`](Self::snapshot).
    pub async fn snapshot_for(&self, desired: &DesiredState) -> Result<InstanceSnapshot> {
        let named = desired
            .teams
            .iter()
            .map(|team| team.value.name.clone())
            .collect();
        self.snapshot_with(named).await
    }

    async fn snapshot_with(&self, mut teams: BTreeSet<TeamName>) -> Result<InstanceSnapshot> {
        let viewer = self.repo.viewer().await?;
        let mut builder = SnapshotBuilder::default();
        let mut walk = self.walk_users("", PageSize::DEFAULT);
        while let Some(page) = walk.next_page().await {
            builder.add_users(page?)?;
        }
        teams.extend(builder.team_names());
        let mut read = stream::iter(teams)
            .map(|name| async move { self.repo.team(&name).await })
            .buffered(TEAM_READS);
        while let Some(team) = read.next().await {
            match team {
                Ok(team) => builder.add_team(team)?,
                Err(Error::NotFound { .. }) => {}
                Err(other) => return Err(other),
            }
        }
        Ok(builder.finish(&viewer))
    }

    /// The instance's state alone, for a file: see [`snapshot`](Self::snapshot).
    ///
    /// # Errors
    ///
    /// As [`snapshot`](Self::snapshot).
    pub async fn export_state(&self) -> Result<InstanceState> {
        Ok(self.snapshot().await?.into_state())
    }

    /// Carries out a checked plan: phase by phase (see [`Phase`]), at most
    /// `concurrency` changes at a time within a phase, calling `on_progress`
    /// as each change finishes, and reports every change's outcome in the
    /// plan's order.
    ///
    /// Every change goes through the use case of the same name, so a lost
    /// answer is settled as there (a user created is found, a team read
    /// back); `Unknown` when it cannot be. Deactivation and demotion skip
    /// the per-call last-admin guard, which walks every user:
    /// [`check_safety`](crate::check_safety) checked the whole plan, and
    /// before the revoke phase the admins are counted again from what the
    /// run made (a grant whose outcome is unknown does not count): a
    /// demotion or deactivation that would then leave no active admin is
    /// not sent. The users and members changed are the ones the plan read,
    /// so no change reads the user listing. A change whose team or user
    /// creation did not succeed is not sent, nor the reactivation of a user
    /// whose stale admin flag could not be cleared, nor a revocation held
    /// back for a grant that failed ([`ChangeOutcome::NotAttempted`]).
    ///
    /// Failures do not stop the run. Nothing is remembered: plan again
    /// against the instance to see (and finish) what is left.
    pub async fn apply(
        &self,
        plan: CheckedPlan<'_>,
        concurrency: NonZeroUsize,
        on_progress: impl FnMut(ApplyProgress<'_>),
    ) -> ApplyReport {
        self.apply_until(plan, concurrency, || false, on_progress)
            .await
    }

    /// As [`apply`](Self::apply), but no change is started once `stop`
    /// returns `true` (asked before each change is started, and before each
    /// phase): the changes in flight are finished and reported, and the
    /// report leaves out every change that was never started, so it may hold
    /// fewer changes than the plan. For a caller that stops on a signal
    /// without abandoning a request whose answer is on its way.
    pub async fn apply_until(
        &self,
        plan: CheckedPlan<'_>,
        concurrency: NonZeroUsize,
        stop: impl Fn() -> bool,
        mut on_progress: impl FnMut(ApplyProgress<'_>),
    ) -> ApplyReport {
        let mut made = Made::new(plan.plan(), plan.admins().cloned());
        let plan = plan.plan();
        let changes = plan.changes();
        let total = changes.len();
        let mut outcomes: BTreeMap<usize, ChangeOutcome> = BTreeMap::new();
        let stop = &stop;
        for phase in Phase::ALL {
            if stop() {
                break;
            }
            let mut runnable = Vec::new();
            let mut waiting = Vec::new();
            for (index, change) in changes.iter().enumerate() {
                if change.phase() != phase {
                    continue;
                }
                match made.unmet_need(change) {
                    Some(needs) => waiting.push((index, needs.clone())),
                    None => runnable.push(index),
                }
            }
            if phase == Phase::Revoke {
                waiting.extend(made.held_back(changes, &mut runnable));
                waiting.sort_by_key(|&(index, _)| index);
            }
            for (index, needs) in waiting {
                let outcome = ChangeOutcome::NotAttempted { needs };
                on_progress(ApplyProgress {
                    change: &changes[index],
                    outcome: &outcome,
                    finished: outcomes.len() + 1,
                    total,
                });
                made.record(index, &changes[index], &outcome, None);
                outcomes.insert(index, outcome);
            }
            let mut finished = Vec::with_capacity(runnable.len());
            {
                let made = &made;
                let mut running = stream::iter(runnable)
                    .take_while(|_| future::ready(!stop()))
                    .map(|index| async move {
                        let (outcome, user) = self.carry_out(plan, &changes[index], made).await;
                        (index, outcome, user)
                    })
                    .buffer_unordered(concurrency.get());
                while let Some((index, outcome, user)) = running.next().await {
                    on_progress(ApplyProgress {
                        change: &changes[index],
                        outcome: &outcome,
                        finished: outcomes.len() + finished.len() + 1,
                        total,
                    });
                    finished.push((index, outcome, user));
                }
            }
            for (index, outcome, user) in finished {
                made.record(index, &changes[index], &outcome, user);
                outcomes.insert(index, outcome);
            }
        }
        ApplyReport {
            results: outcomes
                .into_iter()
                .map(|(index, outcome)| (changes[index].clone(), outcome))
                .collect(),
        }
    }

    /// Sends one change; a user it made is handed back for later phases.
    async fn carry_out(
        &self,
        plan: &Plan,
        change: &Change,
        made: &Made,
    ) -> (ChangeOutcome, Option<User>) {
        let sent: Result<Option<User>> = match change {
            Change::CreateUser { email, admin } => self
                .ensure_user(email.email(), *admin)
                .await
                .map(|provisioned| match provisioned {
                    Provisioned::Created(user)
                    | Provisioned::Existed(user)
                    | Provisioned::FoundAfterLostAnswer(user) => Some(user),
                }),
            Change::CreateTeam { name } => self.create_team(name, None).await.map(|_| None),
            Change::Reactivate { user } => self
                .lifecycle(plan, made, user, Lifecycle::Reactivate)
                .await
                .map(|()| None),
            Change::SetAdmin { user, admin, .. } => {
                let change = if *admin {
                    Lifecycle::Promote
                } else {
                    Lifecycle::Demote
                };
                self.lifecycle(plan, made, user, change)
                    .await
                    .map(|()| None)
            }
            Change::Deactivate { user } => self
                .lifecycle(plan, made, user, Lifecycle::Deactivate)
                .await
                .map(|()| None),
            Change::AddMember { team, who, role } => self
                .add_member(team, &who.invitee(), role)
                .await
                .map(|_| None),
            Change::ChangeRole { team, who, to, .. } => match plan.member(team, who) {
                Some(member) => self.set_role_of(team, member, to).await,
                // On a team made by this plan: read it.
                None => self.set_role(team, &who.invitee(), to).await.map(drop),
            }
            .map(|()| None),
            Change::RemoveMember { team, who } => match plan.member(team, who) {
                Some(member) => self.remove(team, member).await,
                None => self.remove_member(team, &who.invitee()).await.map(drop),
            }
            .map(|()| None),
            Change::CreateServiceAccount { team, name } => {
                self.create_service_account(team, name).await.map(|_| None)
            }
        };
        match sent {
            Ok(user) => (ChangeOutcome::Done, user),
            Err(lost @ Error::Ambiguous { .. }) => (ChangeOutcome::Unknown(lost), None),
            Err(error) => (ChangeOutcome::Failed(error), None),
        }
    }

    /// A lifecycle change of the user keyed `key`, found in the plan's
    /// records, else among the users this run made, else by a search.
    async fn lifecycle(
        &self,
        plan: &Plan,
        made: &Made,
        key: &EmailKey,
        change: Lifecycle,
    ) -> Result<()> {
        let user = match plan.user(key).or_else(|| made.users.get(key)) {
            Some(user) => user.clone(),
            None => self
                .find_user_by_email(key.email())
                .await?
                .ok_or_else(|| Error::not_found(format!("user {key}")))?,
        };
        self.send_change(&user, change).await.map(drop)
    }
}

/// What earlier phases of a run made, and which changes that later ones
/// need did not succeed.
#[derive(Debug, Default)]
struct Made {
    users: BTreeMap<EmailKey, User>,
    failed_users: BTreeMap<EmailKey, Change>,
    failed_teams: BTreeMap<TeamName, Change>,
    /// Demotions of deactivated users that did not succeed: reactivating
    /// them would bring a stale admin flag back.
    failed_demotions: BTreeMap<EmailKey, Change>,
    /// The instance's active admins as the changes made so far leave them
    /// (a change whose outcome is unknown is not counted made), where the
    /// rule that keeps one holds.
    admins: Option<Admins>,
    /// The changes that give the instance an active admin, had every change
    /// succeeded (as [`check_safety`](crate::check_safety) counted them), by
    /// index.
    grants: BTreeSet<usize>,
    /// Those of them that did not succeed.
    failed_grants: BTreeMap<usize, Change>,
}

impl Made {
    fn new(plan: &Plan, admins: Option<Admins>) -> Self {
        let mut grants = BTreeSet::new();
        if let Some(admins) = &admins {
            let mut planned = admins.clone();
            for (index, change) in plan.changes().iter().enumerate() {
                if planned.adds_one(change) {
                    grants.insert(index);
                }
                planned.make(change);
            }
        }
        Self {
            admins,
            grants,
            ..Self::default()
        }
    }

    /// The change `change` needs, if it did not succeed.
    fn unmet_need(&self, change: &Change) -> Option<&Change> {
        match change {
            Change::AddMember { team, who, .. } => self
                .failed_teams
                .get(team)
                .or_else(|| who.email().and_then(|email| self.failed_users.get(email))),
            Change::ChangeRole { team, .. }
            | Change::RemoveMember { team, .. }
            | Change::CreateServiceAccount { team, .. } => self.failed_teams.get(team),
            Change::Reactivate { user } => self
                .failed_users
                .get(user)
                .or_else(|| self.failed_demotions.get(user)),
            Change::SetAdmin { user, .. } | Change::Deactivate { user } => {
                self.failed_users.get(user)
            }
            Change::CreateUser { .. } | Change::CreateTeam { .. } => None,
        }
    }

    /// Takes out of `runnable` (the changes of the revoke phase) each that
    /// would leave the instance without an active admin now that a grant
    /// the plan relied on did not succeed, with that grant. Deactivations
    /// go first: who the file wants gone loses access before who it keeps.
    fn held_back(&self, changes: &[Change], runnable: &mut Vec<usize>) -> Vec<(usize, Change)> {
        let (Some(admins), Some(needs)) = (&self.admins, self.failed_grants.values().next()) else {
            return Vec::new();
        };
        let mut after = admins.clone();
        let (mut order, rest): (Vec<usize>, Vec<usize>) = runnable
            .iter()
            .partition(|&&index| matches!(changes[index], Change::Deactivate { .. }));
        order.extend(rest);
        let mut held = Vec::new();
        for index in order {
            let change = &changes[index];
            if after.removes_one(change) && after.active() <= 1 {
                held.push((index, needs.clone()));
            } else {
                after.make(change);
            }
        }
        let kept: BTreeSet<usize> = held.iter().map(|&(index, _)| index).collect();
        runnable.retain(|index| !kept.contains(index));
        held
    }

    fn record(
        &mut self,
        index: usize,
        change: &Change,
        outcome: &ChangeOutcome,
        user: Option<User>,
    ) {
        let done = outcome.is_done();
        if done {
            if let Some(admins) = &mut self.admins {
                admins.make(change);
            }
        } else if self.grants.contains(&index) {
            self.failed_grants.insert(index, change.clone());
        }
        match change {
            Change::CreateUser { email, .. } if !done => {
                self.failed_users.insert(email.clone(), change.clone());
            }
            Change::CreateUser { email, .. } => {
                if let Some(user) = user {
                    self.users.insert(email.clone(), user);
                }
            }
            Change::CreateTeam { name } if !done => {
                self.failed_teams.insert(name.clone(), change.clone());
            }
            Change::SetAdmin {
                user,
                admin: false,
                deactivated: true,
            } if !done => {
                self.failed_demotions.insert(user.clone(), change.clone());
            }
            _ => {}
        }
    }
}
