//! The diff: what it takes to make an instance what a desired state says.

use std::collections::BTreeMap;
use std::fmt;

use crate::{
    Change, ChangeKind, EmailKey, Identity, InstanceSnapshot, Member, TeamName, TeamRole,
    TeamState, User, ValidatedState,
};

/// How to plan.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PlanOptions {
    /// Deactivate the active users the desired state does not list (never
    /// service accounts, which are not users of the state). Without it,
    /// users not listed are left alone.
    pub prune: bool,
}

/// What it takes to make an instance what a desired state says: the
/// changes, sorted by phase, then kind, then key (so that two plans of the
/// same states are equal and read the same), and the server's records of
/// what they touch. Empty when there is nothing to do.
#[derive(Debug, Clone)]
pub struct Plan {
    changes: Vec<Change>,
    prune: bool,
    users: BTreeMap<EmailKey, User>,
    members: BTreeMap<(TeamName, Identity), Member>,
}

impl Plan {
    /// The changes, in the order they are carried out (phase by phase).
    pub fn changes(&self) -> &[Change] {
        &self.changes
    }

    /// How many changes.
    pub fn len(&self) -> usize {
        self.changes.len()
    }

    /// Whether there is nothing to do.
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    /// Whether the plan was made with [`PlanOptions::prune`].
    pub fn prunes(&self) -> bool {
        self.prune
    }

    /// How many changes of each kind.
    pub fn summary(&self) -> PlanSummary {
        let mut counts = BTreeMap::new();
        for change in &self.changes {
            *counts.entry(change.kind()).or_insert(0) += 1;
        }
        PlanSummary { counts }
    }

    /// The server's record of a user the plan changes, where it had one.
    pub(crate) fn user(&self, key: &EmailKey) -> Option<&User> {
        self.users.get(key)
    }

    /// The server's record of a member the plan changes, where it had one.
    pub(crate) fn member(&self, team: &TeamName, who: &Identity) -> Option<&Member> {
        self.members.get(&(team.clone(), who.clone()))
    }
}

/// How many changes of each kind a plan holds. Shown as
/// `3 changes: 1 create user, 2 add member`, or `no changes`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PlanSummary {
    counts: BTreeMap<ChangeKind, usize>,
}

impl PlanSummary {
    /// How many changes of `kind`.
    pub fn count(&self, kind: ChangeKind) -> usize {
        self.counts.get(&kind).copied().unwrap_or(0)
    }

    /// How many changes in all.
    pub fn total(&self) -> usize {
        self.counts.values().sum()
    }

    /// The kinds present and their counts, in plan order.
    pub fn counts(&self) -> impl Iterator<Item = (ChangeKind, usize)> + '_ {
        self.counts.iter().map(|(&kind, &count)| (kind, count))
    }
}

impl fmt::Display for PlanSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.total() {
            0 => return f.write_str("no changes"),
            1 => f.write_str("1 change: ")?,
            total => write!(f, "{total} changes: ")?,
        }
        for (i, (kind, count)) in self.counts().enumerate() {
            let sep = if i == 0 { "" } else { ", " };
            write!(f, "{sep}{count} {kind}")?;
        }
        Ok(())
    }
}

/// The changes that make `current` what `desired` declares.
///
/// - A user of the file missing from the instance is created, as admin in
///   the same call when declared so; declared deactivated, they are then
///   deactivated (so the file is the truth even for an account reserved
///   but not to be used; note that the server may send the new user an
///   invitation meanwhile).
/// - A listed user is reactivated, deactivated or has admin set or taken
///   as the file says. A deactivated user's admin rights are not compared
///   (they mean nothing while deactivated); on reactivation the flag is set
///   as declared if the server's stale flag differs, while the user is
///   still deactivated ([`Phase::Prepare`](crate::Phase::Prepare)).
/// - Users not listed are left alone, unless `options.prune`: then the
///   active ones are deactivated. Never purged.
/// - A listed team gets exactly the members listed (adds, role changes,
///   removals); a new team is created, with the caller as its first member
///   and admin (so the caller is removed or given another role if the file
///   says so); a caller who is a service account is one of its service
///   accounts instead. Its service accounts are created when missing and
///   never removed. Teams not listed are left alone.
pub fn plan(desired: &ValidatedState, current: &InstanceSnapshot, options: &PlanOptions) -> Plan {
    let mut planner = Planner {
        current,
        changes: Vec::new(),
    };
    planner.users(desired, options.prune);
    planner.teams(desired);
    let Planner { mut changes, .. } = planner;
    changes.sort_by(|a, b| (a.phase(), a).cmp(&(b.phase(), b)));
    let mut plan = Plan {
        changes,
        prune: options.prune,
        users: BTreeMap::new(),
        members: BTreeMap::new(),
    };
    for change in &plan.changes {
        match change {
            Change::Reactivate { user }
            | Change::SetAdmin { user, .. }
            | Change::Deactivate { user } => {
                if let Some(record) = current.user(user) {
                    plan.users.insert(user.clone(), record.clone());
                }
            }
            Change::ChangeRole { team, who, .. } | Change::RemoveMember { team, who } => {
                if let Some(record) = current.member(team, who) {
                    plan.members
                        .insert((team.clone(), who.clone()), record.clone());
                }
            }
            Change::CreateUser { .. }
            | Change::CreateTeam { .. }
            | Change::AddMember { .. }
            | Change::CreateServiceAccount { .. } => {}
        }
    }
    plan
}

struct Planner<'c> {
    current: &'c InstanceSnapshot,
    changes: Vec<Change>,
}

impl Planner<'_> {
    fn users(&mut self, desired: &ValidatedState, prune: bool) {
        let have = &self.current.state().users;
        for (key, want) in &desired.state().users {
            let user = || key.clone();
            let Some(had) = have.get(key) else {
                self.changes.push(Change::CreateUser {
                    email: user(),
                    admin: want.admin,
                });
                if want.deactivated {
                    self.changes.push(Change::Deactivate { user: user() });
                }
                continue;
            };
            match (had.deactivated, want.deactivated) {
                (false, true) => self.changes.push(Change::Deactivate { user: user() }),
                (true, false) => {
                    // Set while still deactivated, so that they never come
                    // back with a stale flag, not even for a moment.
                    if self.current.admin_flag(key) != want.admin {
                        self.changes.push(Change::SetAdmin {
                            user: user(),
                            admin: want.admin,
                            deactivated: true,
                        });
                    }
                    self.changes.push(Change::Reactivate { user: user() });
                }
                (false, false) if had.admin != want.admin => {
                    self.changes.push(Change::SetAdmin {
                        user: user(),
                        admin: want.admin,
                        deactivated: false,
                    });
                }
                _ => {}
            }
        }
        if prune {
            for (key, had) in have {
                if !had.deactivated && !desired.state().users.contains_key(key) {
                    self.changes.push(Change::Deactivate { user: key.clone() });
                }
            }
        }
    }

    fn teams(&mut self, desired: &ValidatedState) {
        for (name, want) in &desired.state().teams {
            let created;
            let had = if let Some(had) = self.current.state().teams.get(name) {
                had
            } else {
                self.changes.push(Change::CreateTeam { name: name.clone() });
                created = match self.current.caller_service_account() {
                    // Never removed, as no service account is.
                    Some(account) => TeamState {
                        service_accounts: [account.to_owned()].into(),
                        ..TeamState::default()
                    },
                    None => TeamState {
                        members: [(self.current.caller().clone(), TeamRole::Admin)].into(),
                        ..TeamState::default()
                    },
                };
                &created
            };
            for (who, role) in &want.members {
                match had.members.get(who) {
                    None => self.changes.push(Change::AddMember {
                        team: name.clone(),
                        who: who.clone(),
                        role: role.clone(),
                    }),
                    Some(from) if from != role => self.changes.push(Change::ChangeRole {
                        team: name.clone(),
                        who: who.clone(),
                        from: from.clone(),
                        to: role.clone(),
                    }),
                    Some(_) => {}
                }
            }
            for who in had.members.keys() {
                if !want.members.contains_key(who) {
                    self.changes.push(Change::RemoveMember {
                        team: name.clone(),
                        who: who.clone(),
                    });
                }
            }
            for account in &want.service_accounts {
                if !had.service_accounts.contains(account) {
                    self.changes.push(Change::CreateServiceAccount {
                        team: name.clone(),
                        name: account.clone(),
                    });
                }
            }
        }
    }
}
