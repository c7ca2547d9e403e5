//! The reports of `plan` and `apply` that did not end well: a state file's
//! problems, a plan the safety rails refuse, an apply that did not finish.
//! Composed here, from the facts, as every other report is in the parent.

use serde::Serialize;
use users_domain::{ApplyCounts, Refusal};

use super::{Cause, Line};
use crate::exit::Exit;
use crate::state_file::FileError;
use crate::views::apply::{ApplyEnd, ApplyStop};

/// What a rerun does, in the words of every hint below.
const AGAIN: &str = "run the same 'wbusers apply' again: it plans from the instance as it is \
                     now, and does only what is left";

/// A problem of a state file, as the `problems` of a `--json` error line.
#[derive(Debug, Serialize)]
pub(super) struct ProblemView<'a> {
    file: &'a str,
    /// `null` for the file as a whole.
    line: Option<u32>,
    message: String,
}

impl<'a> From<&'a FileError> for ProblemView<'a> {
    fn from(problem: &'a FileError) -> Self {
        Self {
            file: &problem.file,
            line: problem.line,
            message: problem.kind.to_string(),
        }
    }
}

/// The lines text output shows before the report of `cause`: each of
/// several problems or refusals, so that none is lost in a long line. One
/// is said in the report itself.
pub(super) fn detail_lines(cause: &Cause) -> Vec<String> {
    match cause {
        Cause::StateFile { problems, .. } if problems.len() > 1 => {
            problems.iter().map(ToString::to_string).collect()
        }
        Cause::Refused { refusals, applying } if refusals.len() > 1 => {
            let lead = if *applying {
                "refused"
            } else {
                "apply would refuse it"
            };
            refusals
                .iter()
                .map(|refusal| format!("{lead}: {refusal}"))
                .collect()
        }
        _ => Vec::new(),
    }
}

/// A state file with problems: one said whole (it names its line), several
/// counted (each is listed before).
pub(super) fn state_file_line(file: &str, problems: &[FileError]) -> Line {
    match problems {
        [one] => Line {
            exit: Exit::Usage,
            message: one.to_string(),
            hint: Some("nothing was sent".to_owned()),
        },
        many => Line {
            exit: Exit::Usage,
            message: format!("{file} has {} problems; nothing was sent", many.len()),
            hint: Some("fix each (listed with its line) and run again".to_owned()),
        },
    }
}

/// A plan refused by the rails: `apply` sent nothing; `plan` foresees it.
pub(super) fn refused_line(refusals: &[Refusal], applying: bool) -> Line {
    let lead = if applying {
        "the plan is refused"
    } else {
        "apply would refuse this plan"
    };
    let message = match refusals {
        [one] => format!("{lead}: {one}"),
        many => format!("{lead}, for {} reasons (each is listed)", many.len()),
    };
    Line {
        exit: Exit::Refused,
        message,
        hint: applying.then(|| "nothing was changed".to_owned()),
    }
}

/// An apply that stopped short, else had changes that did not succeed:
/// exit 8 outranks 7, as for `provision` (a failure needs fixing, while a
/// rerun alone settles an unknown outcome).
pub(super) fn applied_line(end: &ApplyEnd) -> Line {
    let ApplyCounts {
        failed,
        not_attempted,
        unknown,
        ..
    } = end.counts;
    let (total, reported, unreported) = (end.total, end.reported(), end.unreported());
    match &end.stopped {
        Some(ApplyStop::Output(error)) => Line {
            exit: Exit::Failure,
            message: format!(
                "cannot write the output ({error}), so no more changes were started: \
                 {reported} of {total} were reported"
            ),
            hint: Some(format!(
                "with the output going where it can be written, {AGAIN}"
            )),
        },
        Some(ApplyStop::SignalAtOnce) => Line {
            exit: Exit::Interrupted,
            message: format!(
                "stopped at once, {reported} of {total} changes reported: those in flight \
                 may or may not have been made"
            ),
            hint: Some(format!("to finish, {AGAIN}")),
        },
        Some(ApplyStop::Signal) if unreported > 0 => Line {
            exit: Exit::Interrupted,
            message: format!(
                "interrupted after {reported} of {total} changes{}: the other {unreported} \
                 were not started",
                trouble(&end.counts)
            ),
            hint: Some(format!("to finish, {AGAIN}")),
        },
        _ if failed + not_attempted > 0 => {
            let unknown_too = if unknown > 0 {
                format!(", and {unknown} of unknown outcome")
            } else {
                String::new()
            };
            Line {
                exit: Exit::Partial,
                message: format!(
                    "{} of {total} changes did not succeed ({failed} failed, {not_attempted} \
                     not attempted){unknown_too}",
                    failed + not_attempted
                ),
                hint: Some(format!(
                    "each is reported with its reason; fix the cause and {AGAIN}"
                )),
            }
        }
        _ => Line {
            exit: Exit::Ambiguous,
            message: format!(
                "{unknown} of {total} changes have an unknown outcome: the server's answer \
                 was lost"
            ),
            hint: Some(format!(
                "'wbusers plan' shows whether they took effect; to finish, {AGAIN}"
            )),
        },
    }
}

/// ` (2 failed, 1 unknown)`, or nothing when all went well.
fn trouble(counts: &ApplyCounts) -> String {
    let failed = counts.failed + counts.not_attempted;
    match (failed, counts.unknown) {
        (0, 0) => String::new(),
        (failed, 0) => format!(" ({failed} did not succeed)"),
        (0, unknown) => format!(" ({unknown} of unknown outcome)"),
        (failed, unknown) => {
            format!(" ({failed} did not succeed, {unknown} of unknown outcome)")
        }
    }
}

#[cfg(test)]
mod tests {
    use std::path::PathBuf;

    use users_domain::{Email, EmailKey};

    use super::*;
    use crate::failure::Failure;
    use crate::input::Input;
    use crate::state_file::FileErrorKind;

    fn input() -> Input {
        Input::File(PathBuf::from("people.toml"))
    }

    fn problem(line: u32) -> FileError {
        FileError::new("people.toml", Some(line), FileErrorKind::MissingVersion)
    }

    fn caller() -> Refusal {
        Refusal::DeactivatesCaller {
            caller: EmailKey::new(Email::parse("root@x.io").unwrap()),
        }
    }

    fn end(counts: ApplyCounts, total: usize, stopped: Option<ApplyStop>) -> ApplyEnd {
        ApplyEnd {
            total,
            counts,
            stopped,
        }
    }

    #[test]
    fn one_problem_is_the_report_and_several_are_listed_then_counted() {
        let one = Failure::state_file(&input(), vec![problem(4)]);
        let several = Failure::state_file(&input(), vec![problem(4), problem(9)]);

        let line = one.line();
        assert_eq!(line.exit, Exit::Usage);
        assert!(line.message.starts_with("people.toml:4: "), "{line:?}");
        assert!(detail_lines(&one.0.cause).is_empty());
        let line = several.line();
        assert_eq!(
            line.message,
            "'people.toml' has 2 problems; nothing was sent"
        );
        let details = detail_lines(&several.0.cause);
        assert_eq!(details.len(), 2);
        assert!(details[1].starts_with("people.toml:9: "), "{details:?}");
        let body = several.json_body();
        assert_eq!(body["problems"][1]["line"], 9);
        assert_eq!(body["problems"][1]["file"], "people.toml");
        assert!(body.get("refusals").is_none());
    }

    #[test]
    fn a_refusal_is_exit_10_and_only_apply_says_nothing_was_changed() {
        let applying = Failure::refused(vec![caller()], true).line();
        let planning = Failure::refused(vec![caller()], false).line();
        let both = Failure::refused(vec![caller(), Refusal::NoActiveAdmin], true);

        assert_eq!(
            (applying.exit, planning.exit),
            (Exit::Refused, Exit::Refused)
        );
        assert!(
            applying
                .message
                .starts_with("the plan is refused: the plan deactivates root@x.io")
        );
        assert_eq!(applying.hint.as_deref(), Some("nothing was changed"));
        assert!(
            planning
                .message
                .starts_with("apply would refuse this plan: ")
        );
        assert_eq!(planning.hint, None);
        assert_eq!(
            both.line().message,
            "the plan is refused, for 2 reasons (each is listed)"
        );
        assert_eq!(detail_lines(&both.0.cause).len(), 2);
        assert_eq!(both.json_body()["refusals"][1]["kind"], "no_active_admin");
    }

    #[test]
    fn a_failed_change_outranks_an_unknown_one_and_a_signal_both() {
        let counts = |failed, unknown| ApplyCounts {
            done: 1,
            failed,
            not_attempted: 0,
            unknown,
        };

        let failed = applied_line(&end(counts(1, 1), 3, None));
        let unknown = applied_line(&end(counts(0, 1), 2, None));
        let stopped = applied_line(&end(counts(1, 0), 5, Some(ApplyStop::Signal)));
        let at_once = applied_line(&end(counts(0, 0), 5, Some(ApplyStop::SignalAtOnce)));
        let late_signal = applied_line(&end(counts(1, 0), 2, Some(ApplyStop::Signal)));

        assert_eq!(failed.exit, Exit::Partial);
        assert_eq!(
            failed.message,
            "1 of 3 changes did not succeed (1 failed, 0 not attempted), and 1 of unknown outcome"
        );
        assert_eq!(unknown.exit, Exit::Ambiguous);
        assert_eq!(stopped.exit, Exit::Interrupted);
        assert_eq!(
            stopped.message,
            "interrupted after 2 of 5 changes (1 did not succeed): the other 3 were not started"
        );
        assert_eq!(at_once.exit, Exit::Interrupted);
        assert!(at_once.message.contains("may or may not have been made"));
        assert_eq!(late_signal.exit, Exit::Partial, "nothing was cut short");
    }

    #[test]
    fn changes_pending_is_said_by_the_exit_code_alone() {
        let pending = Failure::changes_pending();

        assert_eq!(pending.report(false), Exit::Pending);
        assert!(pending.line().message.is_empty());
    }
}
