//! Desired state: an instance's people kept as reviewed data, compared with
//! the instance, and made so.
//!
//! The loop, each step pure but the first and the last:
//!
//! 1. A parser builds a [`DesiredState`] from a file, an [`Origin`] (line)
//!    on each entry.
//! 2. [`UserAdmin::snapshot_for`](crate::UserAdmin::snapshot_for) reads the
//!    instance ([`InstanceSnapshot`]: its [`InstanceState`], the caller, the
//!    server's records); [`UserAdmin::export_state`](crate::UserAdmin::export_state)
//!    gives the state alone, for a file.
//! 3. [`DesiredState::validate`] checks the declaration against the
//!    instance and returns every [`StateError`], each naming its line, or a
//!    [`ValidatedState`].
//! 4. [`plan`] compares the two: a [`Plan`] of [`Change`]s, sorted, with a
//!    [`PlanSummary`]; empty when nothing would change.
//! 5. [`check_safety`] refuses a plan that would lock the caller out, leave
//!    no active admin, or prune more than [`PRUNE_SHARE_PERCENT`] of the
//!    users unconfirmed ([`Refusal`]); or hands back a [`CheckedPlan`].
//! 6. [`UserAdmin::apply`](crate::UserAdmin::apply) carries it out, phase
//!    by phase with bounded concurrency, and reports every change's
//!    [`ChangeOutcome`] in an [`ApplyReport`].
//!
//! Nothing is kept between runs: a plan is made against the instance as it
//! is now, so planning again after a failure, or after the process was
//! killed mid-way, holds exactly what is left to do, and nothing is done
//! twice.
//!
//! ```
//! use users_domain::{
//!     DesiredState, DesiredUser, Email, EmailKey, Identity, InstanceSnapshot, InstanceState,
//!     Located, PlanOptions, SafetyLimits, UserState, check_safety, plan,
//! };
//!
//! let root = EmailKey::new(Email::parse("root@example.com").unwrap());
//! let mut state = InstanceState::default();
//! state.users.insert(root.clone(), UserState { admin: true, ..UserState::default() });
//! let instance = InstanceSnapshot::new(state, Identity::Email(root));
//!
//! let mut desired = DesiredState::from(instance.state());
//! desired.users.push(Located::at(
//!     DesiredUser {
//!         email: Email::parse("ada@example.com").unwrap(),
//!         admin: false,
//!         deactivated: false,
//!         username: None,
//!     },
//!     7,
//! ));
//! let desired = desired.validate(instance.state()).unwrap();
//! let plan = plan(&desired, &instance, &PlanOptions::default());
//! assert_eq!(plan.summary().to_string(), "1 change: 1 create user");
//! assert_eq!(plan.changes()[0].to_string(), "create user ada@example.com");
//! assert_eq!(desired.origin_of(&plan.changes()[0]).unwrap().to_string(), "line 7");
//! assert!(check_safety(&plan, &instance, &SafetyLimits::default()).is_ok());
//! ```

mod change;
mod desired;
mod diff;
mod export;
mod invalid;
mod model;
mod rails;
mod report;
mod snapshot;
mod validate;

pub use change::{Change, ChangeKind, Phase};
pub use desired::{DesiredMember, DesiredState, DesiredTeam, DesiredUser, Located, Origin};
pub use diff::{Plan, PlanOptions, PlanSummary, plan};
pub(crate) use export::SnapshotBuilder;
pub use invalid::{StateError, StateErrorKind};
pub use model::{EmailKey, Identity, InstanceState, TeamState, UserState};
pub(crate) use rails::Admins;
pub use rails::{CheckedPlan, PRUNE_SHARE_PERCENT, Refusal, SafetyLimits, check_safety};
pub use report::{ApplyCounts, ApplyProgress, ApplyReport, ChangeOutcome};
pub use snapshot::InstanceSnapshot;
pub use validate::ValidatedState;

#[cfg(test)]
mod tests;
