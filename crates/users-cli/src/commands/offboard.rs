//! `user offboard USER`: plan from what the server shows, show the plan,
//! ask (on a terminal) or require `--yes` (without one), carry it out, and
//! report every step. Nothing is sent before the answer, and `--dry-run`
//! sends nothing at all.

use std::io::{self, BufRead, IsTerminal as _, Write};

use users_domain::{
    Invitee, KeyRepository, OffboardReport, StepOutcome, TeamRepository, UserAdmin, UserRepository,
};

use super::exact_user;
use crate::failure::{Failure, Incomplete};
use crate::output::Output;
use crate::views::offboard::{OffboardView, plan_text, report_text};

/// How the go-ahead is had.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Go {
    /// `--yes`.
    Granted,
    /// Asked of the person at the terminal.
    Ask,
}

/// Whether to go ahead, ask, or refuse: a script (no terminal) must say
/// `--yes`, so that a forgotten flag never offboards anyone.
fn go_ahead(yes: bool, terminal: bool) -> Result<Go, Failure> {
    match (yes, terminal) {
        (true, _) => Ok(Go::Granted),
        (false, true) => Ok(Go::Ask),
        (false, false) => Err(Failure::unconfirmable()),
    }
}

/// Writes `question` to `prompt` and reads one answer from `answers`: yes
/// only for `y` or `yes`, in any case; anything else, or no answer, is no.
fn confirmed(
    question: &str,
    answers: &mut impl BufRead,
    prompt: &mut impl Write,
) -> io::Result<bool> {
    write!(prompt, "{question} [y/N] ")?;
    prompt.flush()?;
    let mut answer = String::new();
    answers.read_line(&mut answer)?;
    let answer = answer.trim();
    Ok(answer.eq_ignore_ascii_case("y") || answer.eq_ignore_ascii_case("yes"))
}

pub(super) async fn run<R: UserRepository + KeyRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    who: &Invitee,
    yes: bool,
    dry_run: bool,
    out: Output,
) -> Result<(), Failure> {
    let user = exact_user(admin, who).await?;
    let plan = admin.plan_offboarding(&user).await?;
    if dry_run || plan.is_done() {
        return out.result(&OffboardView::planned(&plan, dry_run), &plan_text(&plan));
    }
    if go_ahead(yes, io::stdin().is_terminal())? == Go::Ask {
        // For the person, on stderr: stdout carries the report alone.
        let mut prompt = io::stderr().lock();
        let asked = writeln!(prompt, "{}", plan_text(&plan)).and_then(|()| {
            confirmed(
                &format!("offboard {}?", plan.user.label()),
                &mut io::stdin().lock(),
                &mut prompt,
            )
        });
        match asked {
            Ok(true) => {}
            Ok(false) => return Err(Failure::not_confirmed(&plan.user.label(), None)),
            Err(error) => return Err(Failure::not_confirmed(&plan.user.label(), Some(&error))),
        }
    }
    let report = admin.offboard(plan).await;
    out.result(&OffboardView::reported(&report), &report_text(&report))?;
    incomplete(&report).map_or(Ok(()), |what| Err(Failure::incomplete(what)))
}

/// What a report left undone, if anything.
fn incomplete(report: &OffboardReport) -> Option<Incomplete> {
    let failed = report
        .steps
        .iter()
        .filter(|(_, outcome)| matches!(outcome, StepOutcome::Failed(_)))
        .count();
    (failed > 0).then(|| Incomplete::Offboarding {
        user: report.user.label(),
        failed,
        total: report.steps.len(),
    })
}

#[cfg(test)]
mod tests {
    use users_domain::{Error, OffboardStep};

    use super::*;
    use crate::exit::Exit;
    use crate::fixture;

    #[test]
    fn without_a_terminal_only_yes_goes_ahead_and_on_one_the_person_is_asked() {
        assert_eq!(go_ahead(true, false).unwrap(), Go::Granted);
        assert_eq!(go_ahead(true, true).unwrap(), Go::Granted);
        assert_eq!(go_ahead(false, true).unwrap(), Go::Ask);

        let line = go_ahead(false, false).unwrap_err().line();

        assert_eq!(line.exit, Exit::Usage);
        assert!(line.message.contains("nothing was changed"), "{line:?}");
        assert!(line.hint.unwrap().contains("--yes"));
    }

    #[test]
    fn only_y_or_yes_is_a_yes() {
        let ask = |answer: &str| {
            let mut prompt = Vec::new();
            let yes = confirmed("offboard ada?", &mut answer.as_bytes(), &mut prompt).unwrap();
            (yes, String::from_utf8(prompt).unwrap())
        };

        assert_eq!(ask("y\n"), (true, "offboard ada? [y/N] ".to_owned()));
        assert!(ask("YES\n").0);
        assert!(ask("  yes  \n").0);
        for no in ["", "\n", "n\n", "no\n", "yep\n", "y es\n"] {
            assert!(!ask(no).0, "{no:?}");
        }
    }

    #[test]
    fn a_report_with_a_failed_step_is_incomplete_and_says_how_many() {
        let user = fixture::user("ada", Some(&[]), false);
        let report = |last| OffboardReport {
            user: user.clone(),
            steps: vec![
                (
                    OffboardStep::RevokeKey(fixture::key("k")),
                    StepOutcome::Done,
                ),
                (OffboardStep::Deactivate, last),
            ],
        };

        let failed = incomplete(&report(StepOutcome::Failed(Error::Unavailable {
            reason: "x".into(),
        })));

        assert!(incomplete(&report(StepOutcome::AlreadyDone)).is_none());
        let line = Failure::incomplete(failed.unwrap()).line();
        assert_eq!(line.exit, Exit::Partial);
        assert_eq!(
            line.message,
            "offboarding ada is incomplete: 1 of 2 steps failed (each is reported above)"
        );
        assert!(line.hint.unwrap().contains("wbusers user offboard ada"));
    }
}
