//! How a provisioning [`Report`] is shown: its `--json` shape (see
//! `docs/json.md`) and its text, a table of rows and a summary. Used by the
//! `provision` command and by the demo alike.

use serde::Serialize;

use super::{Counts, Outcome, Report};
use crate::output::table;

/// The JSON shape of a provisioning report (see `docs/json.md`).
#[derive(Debug, Serialize)]
pub(crate) struct ReportView {
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

impl From<&Report> for ReportView {
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
