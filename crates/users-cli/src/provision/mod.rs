//! Provisioning: read a file of users, create the missing ones with bounded
//! concurrency, and account for every row as it completes. Safe to rerun:
//! `ensure_user` skips users that exist, so a rerun finishes a failed or
//! interrupted run's work.

pub(crate) mod parse;
mod render;

use std::collections::HashMap;
use std::io;

use futures::stream::FuturesUnordered;
use futures::{FutureExt as _, Stream, StreamExt as _};
use users_domain::{Error, Provisioned, User, UserAdmin, UserRepository};

pub(crate) use parse::{Entry, FileError, Row};
pub(crate) use render::{SummaryView, row_text, row_view, shown_when_quiet, summary_text};

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

/// What a batch did, and where it stopped if it stopped short.
#[derive(Debug)]
pub(crate) struct Batch {
    pub(crate) dry_run: bool,
    pub(crate) counts: Counts,
    pub(crate) stopped: Option<Stopped>,
}

/// A batch that stopped before every row was started.
#[derive(Debug)]
pub(crate) struct Stopped {
    pub(crate) by: StopCause,
    /// The line of the last row started (0 when none was): the rows after
    /// it were not started, or read.
    pub(crate) after_line: u64,
}

/// Why a batch stopped short.
#[derive(Debug)]
pub(crate) enum StopCause {
    /// SIGINT (Ctrl-C) or SIGTERM.
    Signal,
    /// The file turned out unusable past this point (standard input, which
    /// cannot be checked whole before the batch starts).
    Input(FileError),
    /// A row's outcome could not be written out.
    Output(io::Error),
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

impl Counts {
    fn add(&mut self, outcome: &Outcome) {
        self.total += 1;
        match outcome {
            Outcome::Created { .. } => self.created += 1,
            Outcome::Existed { .. } => self.existed += 1,
            Outcome::WouldCreate => self.would_create += 1,
            Outcome::Skipped { .. } => self.skipped += 1,
            Outcome::Failed { .. } => self.failed += 1,
            Outcome::Unknown { .. } => self.unknown += 1,
        }
    }
}

/// How to run a batch.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Options {
    pub(crate) dry_run: bool,
    pub(crate) concurrency: usize,
}

/// What an `Unknown` row abandoned in flight says.
const ABANDONED: &str = "stopped while its request was in flight: the server may or may not \
                         have created it; run again to settle it";

/// Provisions the rows as they come, at most `options.concurrency` at a
/// time, and hands each row's outcome to `report` as soon as it is known
/// (so in the order rows complete, not the file's). Rows are started in the
/// order of the file.
///
/// Stops starting rows at the first item of `signals`, at a [`FileError`]
/// among `rows`, or when `report` fails, and then finishes the rows in
/// flight; at a second signal it stops waiting for them too, and reports them
/// as unknown. Every row started is reported.
pub(crate) async fn run<R, S, I>(
    admin: &UserAdmin<R>,
    rows: S,
    options: Options,
    signals: I,
    mut report: impl FnMut(&RowReport) -> io::Result<()>,
) -> Batch
where
    R: UserRepository,
    S: Stream<Item = Result<Row, FileError>> + Unpin,
    I: Stream<Item = ()> + Unpin,
{
    let mut rows = rows.fuse();
    let mut signals = signals.fuse();
    let mut counts = Counts::default();
    let mut stop: Option<StopCause> = None;
    let mut out_broken = false;
    let mut tell = |row: RowReport, counts: &mut Counts, stop: &mut Option<StopCause>| {
        counts.add(&row.outcome);
        if out_broken {
            return;
        }
        if let Err(error) = report(&row) {
            out_broken = true;
            stop.get_or_insert(StopCause::Output(error));
        }
    };
    let mut first_seen: HashMap<String, (u64, bool)> = HashMap::new();
    // By the order rows were started in: a line may hold several CSV rows
    // (ended by a lone '\r').
    let mut in_flight: HashMap<u64, RowReport> = HashMap::new();
    let mut started: u64 = 0;
    let mut running = FuturesUnordered::new();
    let mut after_line = 0;
    let mut abandoned = false;
    let concurrency = options.concurrency.max(1);
    loop {
        let take = stop.is_none() && !rows.is_done() && running.len() < concurrency;
        if !take && running.is_empty() {
            break;
        }
        tokio::select! {
            biased;
            Some(()) = signals.next() => {
                if stop.is_some() {
                    abandoned = true;
                    break;
                }
                stop = Some(StopCause::Signal);
            }
            Some((seq, outcome)) = running.next() => {
                if let Some(mut row) = in_flight.remove(&seq) {
                    row.outcome = outcome;
                    tell(row, &mut counts, &mut stop);
                }
            }
            item = rows.next(), if take => match item {
                None => {}
                Some(Err(error)) => stop = Some(StopCause::Input(error)),
                Some(Ok(row)) => {
                    after_line = row.line;
                    let (report, work) = first_look(row, &mut first_seen);
                    match work {
                        None => tell(report, &mut counts, &mut stop),
                        Some(entry) => {
                            started += 1;
                            let seq = started;
                            in_flight.insert(seq, report);
                            running.push(async move {
                                (seq, provision_one(admin, &entry, options.dry_run).await)
                            });
                        }
                    }
                }
            },
            else => break,
        }
    }
    drop(running);
    if abandoned {
        let mut left: Vec<(u64, RowReport)> = in_flight.into_iter().collect();
        left.sort_by_key(|(seq, _)| *seq);
        for (_, mut row) in left {
            row.outcome = Outcome::Unknown {
                reason: ABANDONED.to_owned(),
            };
            tell(row, &mut counts, &mut stop);
        }
    }
    // A signal after the last row was read cut nothing short.
    let nothing_left = rows.is_done() || matches!(rows.next().now_or_never(), Some(None));
    let stopped = match stop {
        Some(StopCause::Signal) if nothing_left && !abandoned => None,
        Some(by) => Some(Stopped { by, after_line }),
        None => None,
    };
    Batch {
        dry_run: options.dry_run,
        counts,
        stopped,
    }
}

/// Every row of `rows` provisioned, and their reports in the order of the
/// file: for the demo and tests, which have the rows at hand.
#[cfg(any(test, feature = "demo"))]
pub(crate) async fn run_rows<R: UserRepository>(
    admin: &UserAdmin<R>,
    rows: Vec<Row>,
    options: Options,
) -> (Batch, Vec<RowReport>) {
    let mut reports = Vec::new();
    let batch = run(
        admin,
        futures::stream::iter(rows.into_iter().map(Ok)),
        options,
        futures::stream::pending(),
        |row| {
            reports.push(row.clone());
            Ok(())
        },
    )
    .await;
    reports.sort_by_key(|row| row.line);
    (batch, reports)
}

/// A row's report if it is settled without a request (it could not be read,
/// or repeats an earlier row), else its report-to-be and what to ask for.
fn first_look(
    row: Row,
    first_seen: &mut HashMap<String, (u64, bool)>,
) -> (RowReport, Option<Entry>) {
    let mut report = RowReport {
        line: row.line,
        input: row.input,
        admin: row.entry.as_ref().ok().map(|entry| entry.admin),
        outcome: Outcome::WouldCreate,
    };
    let entry = match row.entry {
        Ok(entry) => entry,
        Err(reason) => {
            report.outcome = Outcome::Failed { reason };
            return (report, None);
        }
    };
    let email = entry.email.as_str().to_ascii_lowercase();
    report.outcome = match first_seen.get(&email) {
        Some(&(line, admin)) if admin == entry.admin => Outcome::Skipped {
            reason: format!("duplicate of line {line}"),
        },
        Some(&(line, _)) => Outcome::Failed {
            reason: format!(
                "duplicate of line {line} with a different admin flag; keep one of the two"
            ),
        },
        None => {
            first_seen.insert(email, (row.line, entry.admin));
            return (report, Some(entry));
        }
    };
    (report, None)
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
    if let Some(at) = user.deleted_at {
        notes.push(format!(
            "was deactivated {}; not reactivated",
            crate::output::timestamp(at)
        ));
    }
    Outcome::Existed {
        username: user.username.to_string(),
        note: (!notes.is_empty()).then(|| notes.join("; ")),
    }
}

#[cfg(test)]
mod tests;
