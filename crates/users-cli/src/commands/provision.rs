//! `provision FILE`: reads the file, checks the caller, runs the batch and
//! reports every row.

use std::io::Read as _;
use std::path::Path;

use indicatif::{ProgressBar, ProgressStyle};
use serde::Serialize;
use users_domain::{UserAdmin, UserRepository};

use crate::cli::ProvisionArgs;
use crate::exit::{Exit, Failure};
use crate::output::{Output, table};
use crate::provision::{self, Counts, Options, Outcome, Report};
use crate::redact;

pub(super) async fn run<R: UserRepository>(
    admin: &UserAdmin<R>,
    args: &ProvisionArgs,
    out: Output,
) -> Result<(), Failure> {
    let shown = if args.file == Path::new("-") {
        "standard input".to_owned()
    } else {
        format!("'{}'", redact::path(&args.file))
    };
    let bytes = read(&args.file).map_err(|error| {
        Failure::usage(format!("cannot read {shown}: {error}"))
            .hint("pass a readable CSV or JSON lines file, or '-' for standard input")
    })?;
    let format = provision::detect(&args.file, &bytes, args.format);
    let rows = provision::parse(&bytes, format)
        .map_err(|error| Failure::usage(format!("{shown} cannot be provisioned: {error}")))?;
    // Fail once, up front, rather than once per row.
    let viewer = admin.viewer().await?;
    if !viewer.admin {
        return Err(Failure::new(
            Exit::Auth,
            format!(
                "provisioning needs an instance admin, and {} is not one",
                viewer.label()
            ),
        )
        .hint("use an instance admin's API key"));
    }
    let progress = progress_bar(out, rows.len());
    let options = Options {
        dry_run: args.dry_run,
        concurrency: usize::from(args.concurrency),
    };
    let report = provision::run(admin, &rows, options, &progress).await;
    progress.finish_and_clear();
    out.result(
        &ProvisionView::from(&report),
        &report_text(&report, out.quiet),
    )?;
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
        Some(
            Failure::new(
                Exit::Partial,
                format!("{} of {} rows failed{unknown}", counts.failed, counts.total),
            )
            .hint("fix those rows and run the same command again: users that exist are skipped"),
        )
    } else if counts.unknown > 0 {
        Some(
            Failure::new(
                Exit::Ambiguous,
                format!(
                    "{} of {} rows have an unknown outcome: the server's answer was lost",
                    counts.unknown, counts.total
                ),
            )
            .hint("run the same command again: it settles them without creating anything twice"),
        )
    } else {
        None
    }
}

fn read(path: &Path) -> std::io::Result<Vec<u8>> {
    if path == Path::new("-") {
        let mut bytes = Vec::new();
        std::io::stdin().lock().read_to_end(&mut bytes)?;
        Ok(bytes)
    } else {
        std::fs::read(path)
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

/// The JSON shape of a provisioning report (see `docs/json.md`).
#[derive(Debug, Serialize)]
struct ProvisionView {
    dry_run: bool,
    rows: Vec<RowView>,
    summary: Counts,
}

#[derive(Debug, Serialize)]
struct RowView {
    line: u64,
    input: String,
    admin: Option<bool>,
    outcome: &'static str,
    username: Option<String>,
    detail: Option<String>,
}

impl From<&Report> for ProvisionView {
    fn from(report: &Report) -> Self {
        let rows = report
            .rows
            .iter()
            .map(|row| {
                let (outcome, username, detail) = parts(&row.outcome);
                RowView {
                    line: row.line,
                    input: row.input.clone(),
                    admin: row.admin,
                    outcome,
                    username: username.map(str::to_owned),
                    detail: detail.map(str::to_owned),
                }
            })
            .collect();
        Self {
            dry_run: report.dry_run,
            rows,
            summary: report.counts(),
        }
    }
}

fn parts(outcome: &Outcome) -> (&'static str, Option<&str>, Option<&str>) {
    match outcome {
        Outcome::Created { username, note } => ("created", Some(username), note.as_deref()),
        Outcome::Existed { username, note } => ("existed", Some(username), note.as_deref()),
        Outcome::WouldCreate => ("would_create", None, None),
        Outcome::Skipped { reason } => ("skipped", None, Some(reason)),
        Outcome::Failed { reason } => ("failed", None, Some(reason)),
        Outcome::Unknown { reason } => ("unknown", None, Some(reason)),
    }
}

/// One line per row (only the failed ones with `quiet`), then a summary.
pub(crate) fn report_text(report: &Report, quiet: bool) -> String {
    let rows: Vec<Vec<String>> = report
        .rows
        .iter()
        .filter(|row| {
            !quiet
                || matches!(
                    row.outcome,
                    Outcome::Failed { .. } | Outcome::Unknown { .. }
                )
        })
        .map(|row| {
            let (outcome, username, detail) = parts(&row.outcome);
            let detail = match (username, detail) {
                (Some(username), Some(detail)) => format!("username {username}; {detail}"),
                (Some(username), None) => format!("username {username}"),
                (None, detail) => detail.unwrap_or_default().to_owned(),
            };
            vec![
                row.line.to_string(),
                row.input.clone(),
                outcome.replace('_', " "),
                detail,
            ]
        })
        .collect();
    let summary = summary(&report.counts(), report.dry_run);
    if rows.is_empty() {
        return summary;
    }
    format!(
        "{}\n{summary}",
        table(&["LINE", "EMAIL", "OUTCOME", "DETAIL"], &rows)
    )
}

fn summary(counts: &Counts, dry_run: bool) -> String {
    let done = if dry_run {
        format!("{} would be created (dry run)", counts.would_create)
    } else {
        format!("{} created", counts.created)
    };
    // Unknown only when there are any: it is rare, and the line stays short.
    let unknown = if counts.unknown > 0 {
        format!(", {} unknown", counts.unknown)
    } else {
        String::new()
    };
    format!(
        "{} rows: {done}, {} existed, {} skipped, {} failed{unknown}",
        counts.total, counts.existed, counts.skipped, counts.failed
    )
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
        let unknown = outcome_failure(&counts(0, 2)).unwrap();
        assert_eq!(unknown.exit, Exit::Ambiguous);
        assert!(
            unknown
                .message()
                .starts_with("2 of 5 rows have an unknown outcome")
        );
        let both = outcome_failure(&counts(1, 2)).unwrap();
        assert_eq!(both.exit, Exit::Partial);
        assert!(
            both.message().contains("and 2 of unknown outcome"),
            "{}",
            both.message()
        );
    }
}
