//! `provision FILE`: checks the file, checks the caller, runs the batch,
//! prints each row's outcome as it completes (rendered by
//! [`crate::provision`]) and then a summary, and turns the outcome into the
//! exit code. Ctrl-C or SIGTERM stops it starting rows; it then finishes and
//! reports the rows in flight (a second signal stops that too).

use std::io;

use indicatif::{ProgressBar, ProgressStyle};
use users_domain::{UserAdmin, UserRepository};

use super::require_admin;
use super::signals::signals;
use crate::cli::ProvisionArgs;
use crate::failure::Failure;
use crate::input::Input;
use crate::output::{Output, write_out};
use crate::provision::{
    self, Options, RowReport, StopCause, Stopped, SummaryView, parse, row_text, row_view,
    shown_when_quiet, summary_text,
};

/// How many rows are read ahead of the batch.
const READ_AHEAD: usize = 64;

pub(super) async fn run<R: UserRepository>(
    admin: &UserAdmin<R>,
    args: &ProvisionArgs,
    out: Output,
) -> Result<(), Failure> {
    let bad = |error| Failure::file(&args.file, error);
    // A file is read through once first, so that nothing is sent for a file
    // that turns out unusable halfway; standard input can be read only once.
    let total = match &args.file {
        Input::File(_) => Some(parse::check(&args.file, args.format).map_err(bad)?),
        Input::Stdin => None,
    };
    let rows = parse::open(&args.file, args.format).map_err(bad)?;
    require_admin(admin, "provisioning").await?;
    let signals = signals()?;
    // Rows are read on a thread of their own: reading standard input may
    // block, and must not keep a signal from being seen.
    let (sender, mut receiver) = tokio::sync::mpsc::channel(READ_AHEAD);
    std::thread::spawn(move || {
        for row in rows {
            if sender.blocking_send(row).is_err() {
                break;
            }
        }
    });
    let rows = std::pin::pin!(futures::stream::poll_fn(move |context| {
        receiver.poll_recv(context)
    }));
    let progress = progress_bar(out, total);
    let options = Options {
        dry_run: args.dry_run,
        concurrency: usize::from(args.concurrency),
    };
    let batch = provision::run(admin, rows, options, signals, |row| {
        progress.inc(1);
        progress.suspend(|| print_row(out, row))
    })
    .await;
    progress.finish_and_clear();
    let output_broken = matches!(
        &batch.stopped,
        Some(Stopped {
            by: StopCause::Output(_),
            ..
        })
    );
    if !output_broken {
        let summary = if out.json {
            serde_json::to_string(&SummaryView::from(&batch)).map_err(io::Error::other)
        } else {
            Ok(summary_text(&batch))
        };
        summary
            .and_then(|summary| write_out(&summary))
            .map_err(|error| Failure::output_cut(&error))?;
    }
    Failure::batch(&args.file, batch)
}

/// A row's outcome as it completes: a JSON line, or a line of text (only
/// the failed and unknown ones with `--quiet`).
fn print_row(out: Output, row: &RowReport) -> io::Result<()> {
    if out.json {
        write_out(&serde_json::to_string(&row_view(row)).map_err(io::Error::other)?)
    } else if !out.quiet || shown_when_quiet(row) {
        write_out(&row_text(row))
    } else {
        Ok(())
    }
}

fn progress_bar(out: Output, rows: Option<u64>) -> ProgressBar {
    if !out.progress() {
        return ProgressBar::hidden();
    }
    let (bar, template) = match rows {
        Some(rows) => (
            ProgressBar::new(rows),
            "{bar:40} {pos}/{len} users {elapsed}",
        ),
        None => (ProgressBar::no_length(), "{spinner} {pos} users {elapsed}"),
    };
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style);
    }
    bar
}
