use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use users_domain::{Email, Result, UserId, UserRepository};
use users_memory::InMemoryWorld;

use super::*;
use crate::cli::FileFormat;
use crate::fixture::admin_of;

/// What a test's repository does instead of creating a user.
#[async_trait]
trait OnCreate<R>: Send + Sync {
    async fn create(&self, inner: &R, email: &Email, admin: bool) -> Result<User>;
}

/// `inner`, except that `create_user` is `hook`'s.
#[derive(Clone)]
struct Hooked<R, H> {
    inner: R,
    hook: H,
}

#[async_trait]
impl<R: UserRepository, H: OnCreate<R>> UserRepository for Hooked<R, H> {
    async fn viewer(&self) -> Result<User> {
        self.inner.viewer().await
    }
    async fn search_users(&self, query: &str) -> Result<Vec<User>> {
        self.inner.search_users(query).await
    }
    async fn list_users(
        &self,
        query: &str,
        page: &users_domain::PageRequest,
    ) -> Result<users_domain::UserPage> {
        self.inner.list_users(query, page).await
    }
    async fn user_by_id(&self, id: &UserId) -> Result<User> {
        self.inner.user_by_id(id).await
    }
    async fn create_user(&self, email: &Email, admin: bool) -> Result<User> {
        self.hook.create(&self.inner, email, admin).await
    }
    async fn deactivate_user(&self, id: &UserId) -> Result<()> {
        self.inner.deactivate_user(id).await
    }
    async fn reactivate_user(&self, id: &UserId) -> Result<()> {
        self.inner.reactivate_user(id).await
    }
    async fn set_instance_admin(&self, id: &UserId, admin: bool) -> Result<()> {
        self.inner.set_instance_admin(id, admin).await
    }
}

/// Counts how many creations are in flight at once, and the most ever seen.
#[derive(Clone, Default)]
struct Gauge {
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

#[async_trait]
impl<R: UserRepository> OnCreate<R> for Gauge {
    async fn create(&self, inner: &R, email: &Email, admin: bool) -> Result<User> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        // Let the other requests of the batch start before this one ends.
        for _ in 0..4 {
            tokio::task::yield_now().await;
        }
        let result = inner.create_user(email, admin).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
        result
    }
}

const FILE: &str = "email,admin\n\
    ada@example.com,yes\n\
    bo@example.com,no\n\
    not-an-email,no\n\
    ADA@example.com,yes\n\
    bo@example.com,yes\n\
    root@example.com,no\n";

fn summary(reports: &[RowReport]) -> Vec<(u64, Outcome)> {
    reports
        .iter()
        .map(|row| (row.line, row.outcome.clone()))
        .collect()
}

#[tokio::test]
async fn every_row_gets_an_outcome_in_file_order_and_a_rerun_creates_nothing_twice() {
    let world = InMemoryWorld::new();
    let admin = admin_of(&world);
    let rows = parse::parse(FILE.as_bytes(), FileFormat::Csv).unwrap();
    let options = Options {
        dry_run: false,
        concurrency: 3,
    };

    let (first, first_rows) = run_rows(&admin, rows.clone(), options).await;
    let (second, _) = run_rows(&admin, rows, options).await;

    let got = summary(&first_rows);
    assert_eq!(got.len(), 6);
    assert_eq!(
        got[0],
        (
            2,
            Outcome::Created {
                username: "ada".into(),
                note: None,
            }
        )
    );
    assert_eq!(
        got[1],
        (
            3,
            Outcome::Created {
                username: "bo".into(),
                note: None,
            }
        )
    );
    assert!(matches!(&got[2].1, Outcome::Failed { reason } if reason.contains("'@'")));
    assert_eq!(
        got[3],
        (
            5,
            Outcome::Skipped {
                reason: "duplicate of line 2".into()
            }
        )
    );
    assert!(
        matches!(&got[4].1, Outcome::Failed { reason } if reason.starts_with("duplicate of line 3 with a different admin flag"))
    );
    assert!(
        matches!(&got[5].1, Outcome::Existed { note: Some(note), .. } if note.contains("is an admin"))
    );
    let counts = first.counts;
    assert_eq!(
        (
            counts.created,
            counts.existed,
            counts.skipped,
            counts.failed
        ),
        (2, 1, 1, 2)
    );
    let again = second.counts;
    assert_eq!(
        (again.created, again.existed, again.skipped, again.failed),
        (0, 3, 1, 2)
    );
    assert_eq!(admin.users("example.com").await.unwrap().len(), 3);
}

#[tokio::test]
async fn a_dry_run_creates_nothing() {
    let world = InMemoryWorld::new();
    let admin = admin_of(&world);
    let rows = parse::parse(FILE.as_bytes(), FileFormat::Csv).unwrap();
    let options = Options {
        dry_run: true,
        concurrency: 2,
    };

    let (report, _) = run_rows(&admin, rows, options).await;

    let counts = report.counts;
    assert_eq!(
        (counts.would_create, counts.existed, counts.failed),
        (2, 1, 2)
    );
    assert_eq!(admin.users("").await.unwrap().len(), 1);
}

#[tokio::test]
async fn no_more_requests_than_the_concurrency_are_in_flight() {
    let world = InMemoryWorld::new();
    let inner = admin_of(&world).repository().clone();
    let gauge = Gauge::default();
    let admin = UserAdmin::new(Hooked {
        inner,
        hook: gauge.clone(),
    });
    let text: String = std::iter::once("email".to_owned())
        .chain((0..12).map(|n| format!("user{n}@example.com")))
        .collect::<Vec<_>>()
        .join("\n");
    let rows = parse::parse(text.as_bytes(), FileFormat::Csv).unwrap();
    let options = Options {
        dry_run: false,
        concurrency: 3,
    };

    let (report, _) = run_rows(&admin, rows, options).await;

    assert_eq!(report.counts.created, 12);
    assert_eq!(gauge.most.load(Ordering::SeqCst), 3);
}

/// Creates nothing: each create says it started, then never ends.
struct Stuck {
    started: futures::channel::mpsc::UnboundedSender<()>,
}

#[async_trait]
impl<R: UserRepository> OnCreate<R> for Stuck {
    async fn create(&self, _: &R, _: &Email, _: bool) -> Result<User> {
        let _ = self.started.unbounded_send(());
        futures::future::pending().await
    }
}

/// `count` rows of new users, as a stream.
fn new_users(count: usize) -> Vec<Row> {
    let text: String = std::iter::once("email".to_owned())
        .chain((0..count).map(|n| format!("user{n}@example.com")))
        .collect::<Vec<_>>()
        .join("\n");
    parse::parse(text.as_bytes(), FileFormat::Csv).unwrap()
}

#[tokio::test]
async fn a_signal_stops_new_rows_and_every_row_started_is_reported() {
    let world = InMemoryWorld::new();
    let admin = admin_of(&world);
    let (signal, signals) = futures::channel::mpsc::unbounded();
    let options = Options {
        dry_run: false,
        concurrency: 2,
    };
    let mut reported = Vec::new();

    let batch = run(
        &admin,
        futures::stream::iter(new_users(20).into_iter().map(Ok)),
        options,
        signals,
        |row| {
            // Ctrl-C as the first row completes.
            if reported.is_empty() {
                signal.unbounded_send(()).unwrap();
            }
            reported.push(row.clone());
            Ok(())
        },
    )
    .await;

    let stopped = batch.stopped.unwrap();
    assert!(matches!(stopped.by, StopCause::Signal));
    // Rows start in file order: those up to the last started are all
    // reported (the one in flight with the first included), none after.
    let mut lines: Vec<u64> = reported.iter().map(|row| row.line).collect();
    lines.sort_unstable();
    assert_eq!(lines, (2..=stopped.after_line).collect::<Vec<_>>());
    assert!(stopped.after_line <= 3, "{stopped:?}");
    assert_eq!(batch.counts.created, reported.len());
    let made = admin.users("user").await.unwrap().len();
    assert_eq!(made, reported.len(), "every user made is reported");
}

#[tokio::test]
async fn a_second_signal_stops_waiting_and_reports_the_rows_in_flight_unknown() {
    let world = InMemoryWorld::new();
    let (started, signals) = futures::channel::mpsc::unbounded();
    let admin = UserAdmin::new(Hooked {
        inner: admin_of(&world).repository().clone(),
        hook: Stuck { started },
    });
    let options = Options {
        dry_run: false,
        concurrency: 2,
    };
    let mut reported = Vec::new();

    // A signal as each create starts: two, once both rows are in flight.
    let batch = run(
        &admin,
        futures::stream::iter(new_users(5).into_iter().map(Ok)),
        options,
        signals,
        |row| {
            reported.push(row.clone());
            Ok(())
        },
    )
    .await;

    let stopped = batch.stopped.unwrap();
    assert!(matches!(stopped.by, StopCause::Signal));
    let lines: Vec<u64> = reported.iter().map(|row| row.line).collect();
    assert_eq!(lines, [2, 3]);
    assert!(
        reported
            .iter()
            .all(|row| matches!(&row.outcome, Outcome::Unknown { reason } if reason == ABANDONED))
    );
    assert_eq!(batch.counts.unknown, 2);
}

#[tokio::test]
async fn a_signal_after_the_last_row_started_cuts_nothing_short() {
    let world = InMemoryWorld::new();
    let admin = admin_of(&world);
    let (signal, signals) = futures::channel::mpsc::unbounded();
    let options = Options {
        dry_run: false,
        concurrency: 4,
    };

    let mut reported = 0;

    let batch = run(
        &admin,
        futures::stream::iter(new_users(2).into_iter().map(Ok)),
        options,
        signals,
        |_| {
            reported += 1;
            if reported == 2 {
                signal.unbounded_send(()).unwrap();
            }
            Ok(())
        },
    )
    .await;

    assert!(batch.stopped.is_none(), "{batch:?}");
    assert_eq!(batch.counts.created, 2);
}

#[tokio::test]
async fn a_bad_file_past_its_start_stops_new_rows_where_it_turns_bad() {
    let world = InMemoryWorld::new();
    let admin = admin_of(&world);
    let rows = new_users(2)
        .into_iter()
        .map(Ok)
        .chain([Err(FileError::LineTooLong { line: 4 })])
        .chain(new_users(1).into_iter().map(Ok));
    let options = Options {
        dry_run: false,
        concurrency: 1,
    };

    let (batch, reported) = {
        let mut reported = Vec::new();
        let batch = run(
            &admin,
            futures::stream::iter(rows),
            options,
            futures::stream::pending(),
            |row| {
                reported.push(row.line);
                Ok(())
            },
        )
        .await;
        (batch, reported)
    };

    let stopped = batch.stopped.unwrap();
    assert!(matches!(
        stopped.by,
        StopCause::Input(FileError::LineTooLong { line: 4 })
    ));
    assert_eq!(stopped.after_line, 3);
    assert_eq!(reported, [2, 3]);
}

#[tokio::test]
async fn output_that_cannot_be_written_stops_new_rows() {
    let world = InMemoryWorld::new();
    let admin = admin_of(&world);
    let options = Options {
        dry_run: false,
        concurrency: 1,
    };

    let batch = run(
        &admin,
        futures::stream::iter(new_users(5).into_iter().map(Ok)),
        options,
        futures::stream::pending(),
        |_| Err(std::io::Error::from(std::io::ErrorKind::BrokenPipe)),
    )
    .await;

    let stopped = batch.stopped.unwrap();
    assert!(matches!(stopped.by, StopCause::Output(_)));
    assert_eq!((stopped.after_line, batch.counts.created), (2, 1));
}
