//! What carrying a plan out did, change by change.

use std::fmt;

use crate::{Change, Error};

/// How one change went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChangeOutcome {
    /// The change was made (or found made: a user that existed, a lost
    /// answer settled by reading back).
    Done,
    /// The change failed; nothing of it took effect as far as the server
    /// said, unless the error says what did: an added member whose role
    /// could not be set after the invite ([`Error::AddedWithoutRole`]) is in
    /// the team with the invite's role, and planning again shows the role
    /// change that is left.
    Failed(Error),
    /// The change was not sent, because a change it needs failed or its
    /// outcome is unknown: the creation of its team or user; for a
    /// reactivation, taking the user's stale admin flag away first; for a
    /// demotion or deactivation that would otherwise leave no active admin,
    /// the grant of admin the plan relied on. A failure too.
    NotAttempted {
        /// The change it needs.
        needs: Change,
    },
    /// The answer was lost and reading back could not settle whether the
    /// change took effect. Planning again shows whether it did.
    Unknown(Error),
}

impl ChangeOutcome {
    /// Whether the change was made.
    pub fn is_done(&self) -> bool {
        matches!(self, Self::Done)
    }
}

impl fmt::Display for ChangeOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Done => f.write_str("done"),
            Self::Failed(error) => write!(f, "failed: {error}"),
            Self::NotAttempted { needs } => {
                write!(
                    f,
                    "not attempted: it needs '{needs}', which did not succeed"
                )
            }
            Self::Unknown(error) => {
                write!(
                    f,
                    "unknown: {error}; plan again to see whether it took effect"
                )
            }
        }
    }
}

/// One change finished, as [`UserAdmin::apply`](crate::UserAdmin::apply)
/// reports it while it runs (for a progress bar).
#[derive(Debug, Clone, Copy)]
pub struct ApplyProgress<'a> {
    /// The change.
    pub change: &'a Change,
    /// How it went.
    pub outcome: &'a ChangeOutcome,
    /// How many changes have finished, this one included.
    pub finished: usize,
    /// How many changes the plan holds.
    pub total: usize,
}

/// What [`UserAdmin::apply`](crate::UserAdmin::apply) did: every change of
/// the plan, in the plan's order, with its outcome (of a run stopped by
/// [`UserAdmin::apply_until`](crate::UserAdmin::apply_until), every change
/// that was started or settled not attempted).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApplyReport {
    /// Each change and how it went.
    pub results: Vec<(Change, ChangeOutcome)>,
}

/// How many changes went which way.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ApplyCounts {
    /// Made.
    pub done: usize,
    /// Failed.
    pub failed: usize,
    /// Not sent, for want of a change that did not succeed.
    pub not_attempted: usize,
    /// Unknown.
    pub unknown: usize,
}

impl fmt::Display for ApplyCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} done, {} failed, {} not attempted, {} unknown",
            self.done, self.failed, self.not_attempted, self.unknown
        )
    }
}

impl ApplyReport {
    /// Whether every change was made.
    pub fn is_complete(&self) -> bool {
        self.results.iter().all(|(_, outcome)| outcome.is_done())
    }

    /// How many changes went which way.
    pub fn counts(&self) -> ApplyCounts {
        let mut counts = ApplyCounts::default();
        for (_, outcome) in &self.results {
            match outcome {
                ChangeOutcome::Done => counts.done += 1,
                ChangeOutcome::Failed(_) => counts.failed += 1,
                ChangeOutcome::NotAttempted { .. } => counts.not_attempted += 1,
                ChangeOutcome::Unknown(_) => counts.unknown += 1,
            }
        }
        counts
    }
}
