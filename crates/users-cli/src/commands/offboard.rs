//! `user offboard USER`: plan from what the server shows, show the plan,
//! ask (on a terminal) or require `--yes` (without one), carry it out, and
//! report every step. Nothing is sent before the answer, and `--dry-run`
//! sends nothing at all.

use std::io::{self, IsTerminal as _};

use users_domain::{
    Invitee, KeyRepository, OffboardReport, StepOutcome, TeamRepository, UserAdmin, UserRepository,
};

use super::confirm::{Go, ask, go_ahead};
use super::exact_user;
use crate::failure::{Confirming, Failure, Incomplete};
use crate::output::Output;
use crate::views::offboard::{OffboardView, plan_text, report_text};

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
    let asking = Confirming::Offboard {
        user: plan.user.label(),
    };
    if go_ahead(yes, io::stdin().is_terminal(), &asking)? == Go::Ask {
        ask(
            &plan_text(&plan),
            &format!("offboard {}?", plan.user.label()),
            &asking,
        )?;
    }
    let report = admin.offboard(plan).await;
    out.result(&OffboardView::reported(&report), &report_text(&report))?;
    incomplete(&report).map_or(Ok(()), |what| Err(Failure::incomplete(what)))
}

/// What a report left undone, or may have, if anything.
fn incomplete(report: &OffboardReport) -> Option<Incomplete> {
    let count = |failed: bool| {
        report
            .steps
            .iter()
            .filter(|(_, outcome)| match outcome {
                StepOutcome::Failed(_) => failed,
                StepOutcome::Unknown(_) => !failed,
                StepOutcome::Done | StepOutcome::AlreadyDone => false,
            })
            .count()
    };
    let (failed, unknown) = (count(true), count(false));
    (failed + unknown > 0).then(|| Incomplete::Offboarding {
        user: report.user.label(),
        failed,
        unknown,
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

    #[test]
    fn a_report_whose_only_trouble_is_unknown_exits_7_and_a_failed_step_outranks_it() {
        let user = fixture::user("ada", Some(&[]), false);
        let lost = || {
            StepOutcome::Unknown(Error::Ambiguous {
                operation: "updateUser".into(),
                reason: "no answer".into(),
            })
        };
        let report = |last| OffboardReport {
            user: user.clone(),
            steps: vec![
                (OffboardStep::Demote, lost()),
                (OffboardStep::Deactivate, last),
            ],
        };

        let unknown = Failure::incomplete(incomplete(&report(StepOutcome::Done)).unwrap()).line();
        let failed = Failure::incomplete(
            incomplete(&report(StepOutcome::Failed(Error::Unavailable {
                reason: "x".into(),
            })))
            .unwrap(),
        )
        .line();

        assert_eq!(unknown.exit, Exit::Ambiguous);
        assert_eq!(
            unknown.message,
            "offboarding ada may be incomplete: 1 of 2 steps has an unknown outcome \
             (each is reported above)"
        );
        assert_eq!(failed.exit, Exit::Partial);
        assert_eq!(
            failed.message,
            "offboarding ada is incomplete: 1 of 2 steps failed, and 1 has an unknown outcome \
             (each is reported above)"
        );
    }
}
