//! How `apply` reports, a change at a time as each finishes (so not in the
//! plan's order): a line of text or a JSON line per change, then a summary
//! (shapes in `docs/json.md`). The demo renders its apply here too.

use std::io;

use serde::Serialize;
use serde_json::Value;
use users_domain::{ApplyCounts, Change, ChangeOutcome};

use super::plan::{ChangeView, Source, change_text};
use crate::failure::Failure;
use crate::output::printable;

/// How an apply ended: what its summary and its exit code are made of.
#[derive(Debug)]
pub(crate) struct ApplyEnd {
    /// How many changes the plan held.
    pub(crate) total: usize,
    /// How the changes reported went.
    pub(crate) counts: ApplyCounts,
    /// Why it stopped starting changes, if it did.
    pub(crate) stopped: Option<ApplyStop>,
}

/// Why an apply stopped starting changes.
#[derive(Debug)]
pub(crate) enum ApplyStop {
    /// Ctrl-C or SIGTERM: the changes in flight were finished and reported.
    Signal,
    /// A second signal: the changes in flight were abandoned, unreported.
    SignalAtOnce,
    /// A change's outcome could not be written out.
    Output(io::Error),
}

impl ApplyEnd {
    /// How many changes were reported.
    pub(crate) fn reported(&self) -> usize {
        let ApplyCounts {
            done,
            failed,
            not_attempted,
            unknown,
        } = self.counts;
        done + failed + not_attempted + unknown
    }

    /// How many changes were not reported: never started, or (stopped at
    /// once) abandoned in flight.
    pub(crate) fn unreported(&self) -> usize {
        self.total.saturating_sub(self.reported())
    }

    /// Whether every change of the plan was made (a signal after the last
    /// one started cut nothing short).
    pub(crate) fn is_complete(&self) -> bool {
        self.counts.done == self.total
    }
}

/// The outcome as JSON says it.
fn outcome_word(outcome: &ChangeOutcome) -> &'static str {
    match outcome {
        ChangeOutcome::Done => "done",
        ChangeOutcome::Failed(_) => "failed",
        ChangeOutcome::NotAttempted { .. } => "not_attempted",
        ChangeOutcome::Unknown(_) => "unknown",
    }
}

/// Whether `--quiet` shows the change: only those that need a look.
pub(crate) fn shown_when_quiet(outcome: &ChangeOutcome) -> bool {
    !outcome.is_done()
}

/// One change as it finished: `done: create user ada@example.com
/// (people.toml:12)`, a failure with its reason after.
pub(crate) fn outcome_text(change: &Change, outcome: &ChangeOutcome, source: Source<'_>) -> String {
    let place = source
        .place(change)
        .map_or_else(String::new, |place| format!(" ({place})"));
    let why = match outcome {
        ChangeOutcome::Done => String::new(),
        ChangeOutcome::Failed(error) => format!(": {}", reason(error)),
        ChangeOutcome::NotAttempted { needs } => {
            format!(": it needs '{}', which did not succeed", change_text(needs))
        }
        ChangeOutcome::Unknown(error) => format!(
            ": {}; plan again to see whether it took effect",
            reason(error)
        ),
    };
    let word = outcome_word(outcome).replace('_', " ");
    printable(&format!("{word}: {}{place}{why}", change_text(change))).into_owned()
}

/// An error as a change's reason: the message its report would have.
fn reason(error: &users_domain::Error) -> String {
    Failure::from(error.clone()).line().message
}

/// The JSON line of one change as it finished.
#[derive(Debug, Serialize)]
pub(crate) struct OutcomeView {
    #[serde(flatten)]
    change: ChangeView,
    outcome: &'static str,
    /// What a change not attempted needed.
    needs: Option<ChangeView>,
    /// Why it failed, or why its outcome is unknown: an `Error`.
    error: Option<Value>,
}

impl OutcomeView {
    pub(crate) fn new(change: &Change, outcome: &ChangeOutcome, source: Source<'_>) -> Self {
        let (needs, error) = match outcome {
            ChangeOutcome::Done => (None, None),
            ChangeOutcome::NotAttempted { needs } => {
                (Some(ChangeView::of(needs, Some(source))), None)
            }
            ChangeOutcome::Failed(error) | ChangeOutcome::Unknown(error) => {
                (None, Some(Failure::from(error.clone()).json_body()))
            }
        };
        Self {
            change: ChangeView::of(change, Some(source)),
            outcome: outcome_word(outcome),
            needs,
            error,
        }
    }
}

/// The last JSON line of an apply: the one with a `summary`.
#[derive(Debug, Serialize)]
pub(crate) struct SummaryView<'a> {
    file: &'a str,
    summary: CountsView,
    stopped: Option<StoppedView>,
}

#[derive(Debug, Serialize)]
struct CountsView {
    total: usize,
    done: usize,
    failed: usize,
    not_attempted: usize,
    unknown: usize,
    not_started: usize,
}

#[derive(Debug, Serialize)]
struct StoppedView {
    by: &'static str,
    /// Whether the changes in flight were abandoned (a second signal).
    at_once: bool,
}

impl<'a> SummaryView<'a> {
    pub(crate) fn new(end: &ApplyEnd, file: &'a str) -> Self {
        let ApplyCounts {
            done,
            failed,
            not_attempted,
            unknown,
        } = end.counts;
        Self {
            file,
            summary: CountsView {
                total: end.total,
                done,
                failed,
                not_attempted,
                unknown,
                not_started: end.unreported(),
            },
            stopped: end.stopped.as_ref().map(|stop| StoppedView {
                by: match stop {
                    ApplyStop::Signal | ApplyStop::SignalAtOnce => "signal",
                    ApplyStop::Output(_) => "output",
                },
                at_once: matches!(stop, ApplyStop::SignalAtOnce),
            }),
        }
    }
}

/// The last line of text: `12 changes: 10 done, 1 failed, 1 not attempted,
/// 0 unknown`, and how many were not started when some were not.
pub(crate) fn summary_text(end: &ApplyEnd) -> String {
    let changes = match end.total {
        1 => "1 change".to_owned(),
        total => format!("{total} changes"),
    };
    let not_started = match (end.unreported(), &end.stopped) {
        (0, _) => String::new(),
        (left, Some(ApplyStop::SignalAtOnce)) => format!(", {left} not reported"),
        (left, _) => format!(", {left} not started"),
    };
    format!("{changes}: {}{not_started}", end.counts)
}

#[cfg(test)]
mod tests {
    use serde_json::json;
    use users_domain::{
        DesiredState, Email, EmailKey, Error, Identity, InstanceState, Located, TeamName,
    };

    use super::*;

    fn key(email: &str) -> EmailKey {
        EmailKey::new(Email::parse(email).unwrap())
    }

    /// A validated state of no lines: a change's place is then only said
    /// for a user pruned.
    fn source_of(desired: &users_domain::ValidatedState) -> Source<'_> {
        Source {
            file: "people.toml",
            desired,
        }
    }

    fn nothing() -> users_domain::ValidatedState {
        let state = DesiredState {
            users: vec![Located::new(users_domain::DesiredUser {
                email: Email::parse("ada@x.io").unwrap(),
                admin: false,
                deactivated: false,
                username: None,
            })],
            ..DesiredState::default()
        };
        state.validate(&InstanceState::default()).unwrap()
    }

    #[test]
    fn each_outcome_reads_as_a_line_with_its_reason() {
        let desired = nothing();
        let source = source_of(&desired);
        let team = TeamName::parse("ml").unwrap();
        let add = Change::AddMember {
            team: team.clone(),
            who: Identity::Email(key("ada@x.io")),
            role: users_domain::TeamRole::Member,
        };
        let create = Change::CreateTeam { name: team };
        let gone = Change::Deactivate {
            user: key("old@x.io"),
        };
        let lost = Error::Ambiguous {
            operation: "createInvite".into(),
            reason: "the connection closed".into(),
        };

        let lines = [
            outcome_text(&gone, &ChangeOutcome::Done, source),
            outcome_text(
                &create,
                &ChangeOutcome::Failed(Error::PermissionDenied {
                    reason: "only admins".into(),
                }),
                source,
            ),
            outcome_text(
                &add,
                &ChangeOutcome::NotAttempted {
                    needs: create.clone(),
                },
                source,
            ),
            outcome_text(&add, &ChangeOutcome::Unknown(lost), source),
        ];

        assert_eq!(
            lines[0],
            "done: deactivate old@x.io (pruned: not in the file)"
        );
        assert_eq!(
            lines[1],
            "failed: create team ml: permission denied: only admins"
        );
        assert_eq!(
            lines[2],
            "not attempted: add member ada@x.io to ml as member: it needs 'create team ml', \
             which did not succeed"
        );
        assert!(lines[3].starts_with("unknown: add member ada@x.io to ml as member: "));
        assert!(lines[3].ends_with("; plan again to see whether it took effect"));
    }

    #[test]
    fn as_json_a_change_s_line_holds_the_change_its_outcome_and_why() {
        let desired = nothing();
        let source = source_of(&desired);
        let create = Change::CreateUser {
            email: key("ada@x.io"),
            admin: false,
        };
        let gone = Change::Deactivate {
            user: key("ada@x.io"),
        };

        let done = serde_json::to_value(OutcomeView::new(&create, &ChangeOutcome::Done, source));
        let waiting = serde_json::to_value(OutcomeView::new(
            &gone,
            &ChangeOutcome::NotAttempted {
                needs: create.clone(),
            },
            source,
        ));
        let failed = serde_json::to_value(OutcomeView::new(
            &create,
            &ChangeOutcome::Failed(Error::AlreadyExists {
                what: "user ada@x.io".into(),
            }),
            source,
        ));

        assert_eq!(
            done.unwrap(),
            json!({"change": "create_user", "phase": "create", "user": "ada@x.io",
                   "admin": false, "line": null, "outcome": "done", "needs": null, "error": null})
        );
        let waiting = waiting.unwrap();
        assert_eq!(waiting["outcome"], "not_attempted");
        assert_eq!(waiting["needs"]["change"], "create_user");
        let failed = failed.unwrap();
        assert_eq!(failed["outcome"], "failed");
        assert_eq!(failed["error"]["kind"], "conflict");
        assert_eq!(failed["error"]["exit_code"], 5);
    }

    #[test]
    fn the_summary_counts_every_outcome_and_what_was_not_started() {
        let end = ApplyEnd {
            total: 10,
            counts: ApplyCounts {
                done: 5,
                failed: 1,
                not_attempted: 1,
                unknown: 1,
            },
            stopped: Some(ApplyStop::Signal),
        };

        let json = serde_json::to_value(SummaryView::new(&end, "people.toml")).unwrap();

        assert_eq!(
            summary_text(&end),
            "10 changes: 5 done, 1 failed, 1 not attempted, 1 unknown, 2 not started"
        );
        assert_eq!(
            json,
            json!({"file": "people.toml",
                   "summary": {"total": 10, "done": 5, "failed": 1, "not_attempted": 1,
                               "unknown": 1, "not_started": 2},
                   "stopped": {"by": "signal", "at_once": false}})
        );
        assert!(!end.is_complete());
        let whole = ApplyEnd {
            total: 1,
            counts: ApplyCounts {
                done: 1,
                ..ApplyCounts::default()
            },
            stopped: None,
        };
        assert_eq!(
            summary_text(&whole),
            "1 change: 1 done, 0 failed, 0 not attempted, 0 unknown"
        );
        assert!(whole.is_complete());
    }
}
