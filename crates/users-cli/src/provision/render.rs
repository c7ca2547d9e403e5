//! How provisioning is shown, a row at a time as rows complete: a line of
//! text or a JSON line per row, then a summary (shapes in `docs/json.md`).
//! Used by the `provision` command and by the demo alike.

use serde::Serialize;

use super::{Batch, Counts, Outcome, RowReport, StopCause};
use crate::output::printable;

/// The JSON line of one row (see `docs/json.md`).
#[derive(Debug, Serialize)]
pub(crate) struct RowView {
    line: u64,
    input: String,
    admin: Option<bool>,
    outcome: &'static str,
    username: Option<String>,
    detail: Option<String>,
}

/// The last JSON line of a batch (see `docs/json.md`).
#[derive(Debug, Serialize)]
pub(crate) struct SummaryView {
    dry_run: bool,
    summary: Counts,
    stopped: Option<StoppedView>,
}

#[derive(Debug, Serialize)]
struct StoppedView {
    /// `signal` or `input`.
    by: &'static str,
    after_line: u64,
}

pub(crate) fn row_view(row: &RowReport) -> RowView {
    let (outcome, username, detail) = parts(&row.outcome);
    RowView {
        line: row.line,
        input: row.input.clone(),
        admin: row.admin,
        outcome,
        username: username.map(str::to_owned),
        detail: detail.map(str::to_owned),
    }
}

impl From<&Batch> for SummaryView {
    fn from(batch: &Batch) -> Self {
        Self {
            dry_run: batch.dry_run,
            summary: batch.counts,
            stopped: batch.stopped.as_ref().map(|stopped| StoppedView {
                by: match stopped.by {
                    StopCause::Signal => "signal",
                    StopCause::Input(_) => "input",
                    StopCause::Output(_) => "output",
                },
                after_line: stopped.after_line,
            }),
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

/// Whether `--quiet` shows the row: only those that need a look.
pub(crate) fn shown_when_quiet(row: &RowReport) -> bool {
    matches!(
        row.outcome,
        Outcome::Failed { .. } | Outcome::Unknown { .. }
    )
}

/// One row as a line of text: `line 2: created ada@example.com (username ada)`.
pub(crate) fn row_text(row: &RowReport) -> String {
    let (outcome, username, detail) = parts(&row.outcome);
    let detail = match (username, detail) {
        (Some(username), Some(detail)) => format!(" (username {username}; {detail})"),
        (Some(username), None) => format!(" (username {username})"),
        (None, Some(detail)) => format!(" ({detail})"),
        (None, None) => String::new(),
    };
    printable(&format!(
        "line {}: {} {}{detail}",
        row.line,
        outcome.replace('_', " "),
        row.input
    ))
    .into_owned()
}

/// The last line of text: how many rows came to what.
pub(crate) fn summary_text(batch: &Batch) -> String {
    summary(&batch.counts, batch.dry_run)
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
