//! `apply FILE`: the plan `plan` shows, checked by the safety rails, shown
//! and confirmed (on a terminal) or `--yes`, then carried out with bounded
//! concurrency, every change reported as it finishes, then a summary. A
//! plan confirmed at the terminal is made again once the answer is in, and
//! carried out only if it is still the plan shown.
//! Ctrl-C or SIGTERM stops it starting changes; the ones in flight are
//! finished and reported (a second signal stops at once).

use std::cell::Cell;
use std::collections::HashMap;
use std::io::{self, IsTerminal as _};
use std::num::NonZeroUsize;

use futures::{Stream, StreamExt as _};
use indicatif::{ProgressBar, ProgressStyle};
use users_domain::{
    ApplyCounts, Change, ChangeOutcome, CheckedPlan, Plan, TeamRepository, UserAdmin,
    UserRepository,
};

use super::confirm::{Go, ask, go_ahead};
use super::plan::{limits, prepare};
use super::signals::signals;
use crate::cli::ApplyArgs;
use crate::failure::{Confirming, Failure};
use crate::input::Input;
use crate::output::{Output, write_out};
use crate::views::apply::{
    ApplyEnd, ApplyStop, OutcomeView, SummaryView, outcome_text, shown_when_quiet, summary_text,
};
use crate::views::plan::{Source, plan_text};

pub(super) async fn run<R: UserRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    args: &ApplyArgs,
    out: Output,
) -> Result<(), Failure> {
    let mut planned = prepare(admin, &args.desired, "apply").await?;
    let limits = limits(&args.desired);
    let refused = |refusals| Failure::refused(refusals, true);
    planned.checked(&limits).map_err(refused)?;
    if planned.plan.is_empty() {
        let done = ApplyEnd {
            total: 0,
            counts: ApplyCounts::default(),
            stopped: None,
        };
        let source = planned.source();
        return print_summary(out, &done, source, &plan_text(&planned.plan, source));
    }
    // Standard input that held the file cannot answer a question too.
    let terminal = args.desired.file != Input::Stdin && io::stdin().is_terminal();
    if go_ahead(args.yes, terminal, &Confirming::Apply)? == Go::Ask {
        ask(
            &plan_text(&planned.plan, planned.source()),
            &format!("apply {}?", planned.plan.summary()),
            &Confirming::Apply,
        )?;
        // Another admin may have changed the instance while the question
        // waited: what is carried out is what was shown, or nothing.
        let shown = planned.replan(admin, &args.desired.file).await?;
        match changes_differing(&shown, &planned.plan) {
            0 => {}
            differ => return Err(Failure::instance_changed(differ)),
        }
    }
    // Checked again: the rails read the instance too (its admins, its size).
    let checked = planned.checked(&limits).map_err(refused)?;
    let source = planned.source();
    // Listened for only now: until the answer, Ctrl-C simply ends the process.
    let signals = signals()?;
    let concurrency = NonZeroUsize::new(usize::from(args.concurrency)).unwrap_or(NonZeroUsize::MIN);
    let end = carry_out(admin, checked, source, concurrency, out, signals).await;
    if !matches!(end.stopped, Some(ApplyStop::Output(_))) {
        print_summary(out, &end, source, &summary_text(&end))?;
    }
    Failure::applied(end)
}

/// Carries the plan out, each change reported as it finishes, until done,
/// or a signal (then the changes in flight are finished, and at a second
/// one abandoned), or an outcome that cannot be written out.
async fn carry_out<R: UserRepository + TeamRepository>(
    admin: &UserAdmin<R>,
    checked: CheckedPlan<'_>,
    source: Source<'_>,
    concurrency: NonZeroUsize,
    out: Output,
    mut signals: impl Stream<Item = ()> + Unpin,
) -> ApplyEnd {
    let total = checked.plan().len();
    let progress = progress_bar(out, total);
    // Shared by the run, which asks it before each change, and the loop
    // below, which sets it at a signal.
    let stop = Cell::new(false);
    let mut counts = ApplyCounts::default();
    let mut broken: Option<io::Error> = None;
    let mut applying = Box::pin(admin.apply_until(
        checked,
        concurrency,
        || stop.get(),
        |finished| {
            progress.inc(1);
            count(&mut counts, finished.outcome);
            if broken.is_some() {
                return;
            }
            let printed =
                progress.suspend(|| print_outcome(out, finished.change, finished.outcome, source));
            if let Err(error) = printed {
                broken = Some(error);
                stop.set(true);
            }
        },
    ));
    let mut signalled = false;
    let at_once = loop {
        tokio::select! {
            _ = &mut applying => break false,
            Some(()) = signals.next() => {
                if signalled {
                    break true;
                }
                signalled = true;
                stop.set(true);
            }
        }
    };
    // Abandons the changes in flight, when stopped at once.
    drop(applying);
    progress.finish_and_clear();
    let end = ApplyEnd {
        total,
        counts,
        stopped: None,
    };
    let cut_short = end.unreported() > 0;
    let stopped = match broken {
        Some(error) => Some(ApplyStop::Output(error)),
        None if at_once => Some(ApplyStop::SignalAtOnce),
        // A signal after the last change started cut nothing short.
        None if signalled && cut_short => Some(ApplyStop::Signal),
        None => None,
    };
    ApplyEnd { stopped, ..end }
}

/// How many changes are in one plan and not the other (counted each way).
fn changes_differing(shown: &Plan, fresh: &Plan) -> usize {
    let mut balance: HashMap<&Change, isize> = HashMap::new();
    for change in shown.changes() {
        *balance.entry(change).or_default() += 1;
    }
    for change in fresh.changes() {
        *balance.entry(change).or_default() -= 1;
    }
    balance.values().map(|n| n.unsigned_abs()).sum()
}

fn count(counts: &mut ApplyCounts, outcome: &ChangeOutcome) {
    match outcome {
        ChangeOutcome::Done => counts.done += 1,
        ChangeOutcome::Failed(_) => counts.failed += 1,
        ChangeOutcome::NotAttempted { .. } => counts.not_attempted += 1,
        ChangeOutcome::Unknown(_) => counts.unknown += 1,
    }
}

/// A change's outcome as it finishes: a JSON line, or a line of text (with
/// `--quiet`, only those that did not succeed).
fn print_outcome(
    out: Output,
    change: &Change,
    outcome: &ChangeOutcome,
    source: Source<'_>,
) -> io::Result<()> {
    if out.json {
        let view = OutcomeView::new(change, outcome, source);
        write_out(&serde_json::to_string(&view).map_err(io::Error::other)?)
    } else if !out.quiet || shown_when_quiet(outcome) {
        write_out(&outcome_text(change, outcome, source))
    } else {
        Ok(())
    }
}

/// The last line: the summary's JSON line, or `text`.
fn print_summary(
    out: Output,
    end: &ApplyEnd,
    source: Source<'_>,
    text: &str,
) -> Result<(), Failure> {
    let line = if out.json {
        serde_json::to_string(&SummaryView::new(end, source.file)).map_err(io::Error::other)
    } else {
        Ok(text.to_owned())
    };
    line.and_then(|line| write_out(&line))
        .map_err(|error| Failure::output_cut(&error))
}

fn progress_bar(out: Output, changes: usize) -> ProgressBar {
    if !out.progress() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(u64::try_from(changes).unwrap_or(u64::MAX));
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} changes {elapsed}") {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use users_domain::{Applied, Email, EmailKey};
    use users_memory::{InMemoryWorld, SeedUser};

    use super::*;
    use crate::cli::DesiredArgs;
    use crate::exit::Exit;
    use crate::fixture::admin_of;

    const FILE: &str = "version = 1\n\n\
        [[users]]\nemail = \"root@example.com\"\nadmin = true\n\n\
        [[users]]\nemail = \"ada@example.com\"\n\n\
        [[users]]\nemail = \"bo@example.com\"\n";

    #[tokio::test]
    async fn a_plan_made_again_after_another_admin_s_changes_is_refused_with_how_many_differ() {
        let world = InMemoryWorld::new();
        let admin = admin_of(&world);
        let ada = world.seed_user(SeedUser::new("ada@example.com")).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.toml");
        std::fs::write(&path, FILE).unwrap();
        let args = DesiredArgs {
            file: Input::File(path),
            prune: false,
            max_deactivate: None,
        };
        let mut planned = prepare(&admin, &args, "apply").await.unwrap();
        let unchanged = planned.replan(&admin, &args.file).await.unwrap();
        // While the question waits, another admin creates bo and promotes ada.
        world.seed_user(SeedUser::new("bo@example.com")).unwrap();
        assert_eq!(admin.promote(&ada).await.unwrap(), Applied::Changed);

        let shown = planned.replan(&admin, &args.file).await.unwrap();

        assert_eq!(changes_differing(&unchanged, &shown), 0);
        let bo = EmailKey::new(Email::parse("bo@example.com").unwrap());
        assert_eq!(
            shown.changes(),
            [Change::CreateUser {
                email: bo,
                admin: false
            }]
        );
        assert!(
            matches!(
                planned.plan.changes(),
                [Change::SetAdmin { admin: false, .. }]
            ),
            "{:?}",
            planned.plan
        );
        assert_eq!(changes_differing(&shown, &planned.plan), 2);
        let line = Failure::instance_changed(2).line();
        assert_eq!(line.exit, Exit::Refused);
        assert_eq!(
            line.message,
            "the instance changed while you were deciding: 2 changes differ"
        );
        assert_eq!(
            line.hint.as_deref(),
            Some("nothing was sent; run apply again to see the new plan")
        );
        assert_eq!(
            Failure::instance_changed(1).line().message,
            "the instance changed while you were deciding: 1 change differs"
        );
    }

    #[tokio::test]
    async fn changes_are_compared_as_a_whole_not_by_position() {
        let world = InMemoryWorld::new();
        let admin = admin_of(&world);
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("people.toml");
        std::fs::write(&path, FILE).unwrap();
        let args = DesiredArgs {
            file: Input::File(path),
            prune: false,
            max_deactivate: None,
        };
        // ada and bo both to be created; then ada comes into being.
        let mut planned = prepare(&admin, &args, "apply").await.unwrap();
        world.seed_user(SeedUser::new("ada@example.com")).unwrap();

        let shown = planned.replan(&admin, &args.file).await.unwrap();

        assert_eq!(shown.len(), 2);
        assert_eq!(planned.plan.len(), 1);
        // bo, in both, moved from second to first: only ada differs.
        assert_eq!(changes_differing(&shown, &planned.plan), 1);
        assert_eq!(changes_differing(&planned.plan, &shown), 1);
        assert_eq!(changes_differing(&shown, &shown), 0);
    }
}
