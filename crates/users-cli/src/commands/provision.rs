//! `provision FILE`: reads the file, checks the caller, runs the batch,
//! prints its report (rendered by [`crate::provision`]) and turns its outcome
//! into the exit code.

use indicatif::{ProgressBar, ProgressStyle};
use users_domain::{UserAdmin, UserRepository};

use crate::cli::ProvisionArgs;
use crate::exit::Exit;
use crate::failure::{Failure, USE_AN_ADMIN_KEY};
use crate::output::Output;
use crate::provision::{self, Counts, Options, ReportView, report_text};

pub(super) async fn run<R: UserRepository>(
    admin: &UserAdmin<R>,
    args: &ProvisionArgs,
    out: Output,
) -> Result<(), Failure> {
    let shown = args.file.shown();
    let bytes = args.file.read(u64::MAX).map_err(|error| {
        Failure::advised(
            Exit::Usage,
            format!("cannot read {shown}: {error}"),
            "pass a readable CSV or JSON lines file, or '-' for standard input",
        )
    })?;
    let format = provision::detect(&args.file, &bytes, args.format);
    let rows = provision::parse(&bytes, format).map_err(|error| {
        Failure::new(
            Exit::Usage,
            format!("{shown} cannot be provisioned: {error}"),
        )
    })?;
    // Fail once, up front, rather than once per row.
    let viewer = admin.viewer().await?;
    if !viewer.admin {
        return Err(Failure::advised(
            Exit::Auth,
            format!(
                "provisioning needs an instance admin, and {} is not one",
                viewer.label()
            ),
            USE_AN_ADMIN_KEY,
        ));
    }
    let progress = progress_bar(out, rows.len());
    let options = Options {
        dry_run: args.dry_run,
        concurrency: usize::from(args.concurrency),
    };
    let report = provision::run(admin, &rows, options, &progress).await;
    progress.finish_and_clear();
    out.result(&ReportView::from(&report), &report_text(&report, out.quiet))?;
    outcome_failure(&report.counts()).map_or(Ok(()), Err)
}

/// A failed row wins over an unknown one (exit 8 over 7): it needs fixing,
/// while a rerun alone settles an unknown row.
fn outcome_failure(counts: &Counts) -> Option<Failure> {
    let unknown = if counts.unknown > 0 {
        format!(
            ", and {} of unknown outcome (their answer was lost)",
            counts.unknown
        )
    } else {
        String::new()
    };
    if counts.failed > 0 {
        Some(Failure::advised(
            Exit::Partial,
            format!("{} of {} rows failed{unknown}", counts.failed, counts.total),
            "fix those rows and run the same command again: users that exist are skipped",
        ))
    } else if counts.unknown > 0 {
        Some(Failure::advised(
            Exit::Ambiguous,
            format!(
                "{} of {} rows have an unknown outcome: the server's answer was lost",
                counts.unknown, counts.total
            ),
            "run the same command again: it settles them without creating anything twice",
        ))
    } else {
        None
    }
}

fn progress_bar(out: Output, rows: usize) -> ProgressBar {
    if !out.progress() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(rows as u64);
    if let Ok(style) = ProgressStyle::with_template("{bar:40} {pos}/{len} users {elapsed}") {
        bar.set_style(style);
    }
    bar
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_row_outranks_an_unknown_one() {
        let counts = |failed, unknown| Counts {
            total: 5,
            failed,
            unknown,
            ..Counts::default()
        };
        assert!(outcome_failure(&counts(0, 0)).is_none());
        let unknown = outcome_failure(&counts(0, 2)).unwrap().line();
        assert_eq!(unknown.exit, Exit::Ambiguous);
        assert!(
            unknown
                .message
                .starts_with("2 of 5 rows have an unknown outcome")
        );
        let both = outcome_failure(&counts(1, 2)).unwrap().line();
        assert_eq!(both.exit, Exit::Partial);
        assert!(
            both.message.contains("and 2 of unknown outcome"),
            "{both:?}"
        );
    }
}
