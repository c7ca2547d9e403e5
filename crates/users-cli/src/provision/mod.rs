//! Provisioning: read a file of users, create the missing ones with bounded
//! concurrency, and account for every row. Safe to rerun: `ensure_user`
//! skips users that exist, so a rerun finishes a failed run's work.

mod parse;
mod render;

use std::collections::HashMap;

use futures::StreamExt as _;
use indicatif::ProgressBar;
use users_domain::{Error, Provisioned, User, UserAdmin, UserRepository};

pub(crate) use parse::{Entry, Row, detect, parse};
pub(crate) use render::{ReportView, report_text};

/// What happened to one row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Outcome {
    /// `note` says when the server's answer was lost and the user was found after.
    Created {
        username: String,
        note: Option<String>,
    },
    /// The user was there already; `note` says where it differs from the row.
    Existed {
        username: String,
        note: Option<String>,
    },
    /// Dry run: the user does not exist and would be created.
    WouldCreate,
    /// A repeat of an earlier row, not sent again.
    Skipped {
        reason: String,
    },
    Failed {
        reason: String,
    },
    /// The create request's answer was lost and the user could not be found
    /// after: the server may create it yet. A rerun settles it.
    Unknown {
        reason: String,
    },
}

/// What an `Unknown` row says.
const UNKNOWN: &str = "the server may or may not have created it; run again to settle it";

/// What a `Created` row whose answer was lost says.
const FOUND_AFTER: &str = "the server's answer was lost; the user was found on the server after";

#[derive(Debug, Clone)]
pub(crate) struct RowReport {
    pub(crate) line: u64,
    pub(crate) input: String,
    /// The admin flag asked for, when the row could be read.
    pub(crate) admin: Option<bool>,
    pub(crate) outcome: Outcome,
}

/// Every row's outcome, in the order of the file.
#[derive(Debug, Clone)]
pub(crate) struct Report {
    pub(crate) dry_run: bool,
    pub(crate) rows: Vec<RowReport>,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub(crate) struct Counts {
    pub(crate) total: usize,
    pub(crate) created: usize,
    pub(crate) existed: usize,
    pub(crate) would_create: usize,
    pub(crate) skipped: usize,
    pub(crate) failed: usize,
    pub(crate) unknown: usize,
}

impl Report {
    pub(crate) fn counts(&self) -> Counts {
        let mut counts = Counts {
            total: self.rows.len(),
            ..Counts::default()
        };
        for row in &self.rows {
            match row.outcome {
                Outcome::Created { .. } => counts.created += 1,
                Outcome::Existed { .. } => counts.existed += 1,
                Outcome::WouldCreate => counts.would_create += 1,
                Outcome::Skipped { .. } => counts.skipped += 1,
                Outcome::Failed { .. } => counts.failed += 1,
                Outcome::Unknown { .. } => counts.unknown += 1,
            }
        }
        counts
    }
}

/// How to run a batch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    pub(crate) dry_run: bool,
    pub(crate) concurrency: usize,
}

/// Provisions every row; never stops early. `progress` advances once per request.
pub(crate) async fn run<R: UserRepository>(
    admin: &UserAdmin<R>,
    rows: &[Row],
    options: Options,
    progress: &ProgressBar,
) -> Report {
    let mut outcomes: Vec<Option<Outcome>> = vec![None; rows.len()];
    let mut first_seen: HashMap<String, (u64, bool)> = HashMap::new();
    let mut work: Vec<(usize, &Entry)> = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let entry = match &row.entry {
            Ok(entry) => entry,
            Err(reason) => {
                outcomes[index] = Some(Outcome::Failed {
                    reason: reason.clone(),
                });
                continue;
            }
        };
        let email = entry.email.as_str().to_ascii_lowercase();
        outcomes[index] = match first_seen.get(&email) {
            Some(&(line, admin)) if admin == entry.admin => Some(Outcome::Skipped {
                reason: format!("duplicate of line {line}"),
            }),
            Some(&(line, _)) => Some(Outcome::Failed {
                reason: format!(
                    "duplicate of line {line} with a different admin flag; keep one of the two"
                ),
            }),
            None => {
                first_seen.insert(email, (row.line, entry.admin));
                work.push((index, entry));
                None
            }
        };
    }
    progress.set_length(work.len() as u64);
    let done: Vec<(usize, Outcome)> = futures::stream::iter(work)
        .map(|(index, entry)| async move {
            let outcome = provision_one(admin, entry, options.dry_run).await;
            progress.inc(1);
            (index, outcome)
        })
        .buffer_unordered(options.concurrency.max(1))
        .collect()
        .await;
    for (index, outcome) in done {
        outcomes[index] = Some(outcome);
    }
    let rows = rows
        .iter()
        .zip(outcomes)
        .map(|(row, outcome)| RowReport {
            line: row.line,
            input: row.input.clone(),
            admin: row.entry.as_ref().ok().map(|entry| entry.admin),
            outcome: outcome.unwrap_or_else(|| Outcome::Failed {
                reason: "not processed".to_owned(),
            }),
        })
        .collect();
    Report {
        dry_run: options.dry_run,
        rows,
    }
}

async fn provision_one<R: UserRepository>(
    admin: &UserAdmin<R>,
    entry: &Entry,
    dry_run: bool,
) -> Outcome {
    let result = if dry_run {
        admin
            .find_user_by_email(&entry.email)
            .await
            .map(|found| found.map_or(Outcome::WouldCreate, |user| existed(&user, entry)))
    } else {
        match admin.ensure_user(&entry.email, entry.admin).await {
            Ok(Provisioned::Created(user)) => Ok(Outcome::Created {
                username: user.username.to_string(),
                note: None,
            }),
            Ok(Provisioned::Existed(user)) => Ok(existed(&user, entry)),
            Ok(Provisioned::FoundAfterLostAnswer(user)) => Ok(Outcome::Created {
                username: user.username.to_string(),
                note: Some(FOUND_AFTER.to_owned()),
            }),
            Err(Error::Ambiguous { .. }) => Ok(Outcome::Unknown {
                reason: UNKNOWN.to_owned(),
            }),
            Err(error) => Err(error),
        }
    };
    result.unwrap_or_else(|error| Outcome::Failed {
        reason: error.to_string(),
    })
}

fn existed(user: &User, entry: &Entry) -> Outcome {
    let mut notes = Vec::new();
    if user.admin != entry.admin {
        let role = if user.admin {
            "an admin"
        } else {
            "not an admin"
        };
        notes.push(format!("is {role} on the server; not changed"));
    }
    if let Some(deleted_at) = &user.deleted_at {
        notes.push(format!(
            "was deleted {}; not restored",
            crate::output::timestamp(deleted_at)
        ));
    }
    Outcome::Existed {
        username: user.username.to_string(),
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    }
}

#[cfg(test)]
mod tests;
