use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};

use async_trait::async_trait;
use users_domain::{
    ApiKeyId, ApiKeySecret, Email, ExposeSecret as _, GeneratedApiKey, Result, UserRepository,
};
use users_memory::{InMemoryWorld, SeedUser};

use super::*;
use crate::cli::FileFormat;

/// Counts how many creations are in flight at once, and the most ever seen.
#[derive(Clone)]
struct Gauge<R> {
    inner: R,
    now: Arc<AtomicUsize>,
    most: Arc<AtomicUsize>,
}

#[async_trait]
impl<R: UserRepository> UserRepository for Gauge<R> {
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
    async fn create_user(&self, email: &Email, admin: bool) -> Result<User> {
        let now = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.most.fetch_max(now, Ordering::SeqCst);
        // Let the other requests of the batch start before this one ends.
        for _ in 0..4 {
            tokio::task::yield_now().await;
        }
        let result = self.inner.create_user(email, admin).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
        result
    }
    async fn generate_api_key(&self, description: Option<String>) -> Result<GeneratedApiKey> {
        self.inner.generate_api_key(description).await
    }
    async fn delete_api_key(&self, id: &ApiKeyId) -> Result<()> {
        self.inner.delete_api_key(id).await
    }
    fn act_as(&self, secret: ApiKeySecret) -> Box<dyn UserRepository> {
        self.inner.act_as(secret)
    }
}

fn admin_of(world: &InMemoryWorld) -> UserAdmin<users_memory::InMemoryUserRepository> {
    let key = InMemoryWorld::generate_secret();
    let holder = key.clone();
    world
        .seed_user(
            SeedUser::new("root@example.com")
                .admin(true)
                .key(users_memory::SeedKey::new(holder.expose_secret())),
        )
        .unwrap();
    UserAdmin::new(world.connect(key))
}

const FILE: &str = "email,admin\n\
    ada@example.com,yes\n\
    bo@example.com,no\n\
    not-an-email,no\n\
    ADA@example.com,yes\n\
    bo@example.com,yes\n\
    root@example.com,no\n";

fn summary(report: &Report) -> Vec<(u64, Outcome)> {
    report
        .rows
        .iter()
        .map(|row| (row.line, row.outcome.clone()))
        .collect()
}

#[tokio::test]
async fn every_row_gets_an_outcome_in_file_order_and_a_rerun_creates_nothing_twice() {
    let world = InMemoryWorld::new();
    let admin = admin_of(&world);
    let rows = parse(FILE.as_bytes(), FileFormat::Csv).unwrap();
    let options = Options {
        dry_run: false,
        concurrency: 3,
    };

    let first = run(&admin, &rows, options, &ProgressBar::hidden()).await;
    let second = run(&admin, &rows, options, &ProgressBar::hidden()).await;

    let got = summary(&first);
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
    let counts = first.counts();
    assert_eq!(
        (
            counts.created,
            counts.existed,
            counts.skipped,
            counts.failed
        ),
        (2, 1, 1, 2)
    );
    let again = second.counts();
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
    let rows = parse(FILE.as_bytes(), FileFormat::Csv).unwrap();
    let options = Options {
        dry_run: true,
        concurrency: 2,
    };

    let report = run(&admin, &rows, options, &ProgressBar::hidden()).await;

    let counts = report.counts();
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
    let gauge = Gauge {
        inner,
        now: Arc::default(),
        most: Arc::default(),
    };
    let admin = UserAdmin::new(gauge.clone());
    let text: String = std::iter::once("email".to_owned())
        .chain((0..12).map(|n| format!("user{n}@example.com")))
        .collect::<Vec<_>>()
        .join("\n");
    let rows = parse(text.as_bytes(), FileFormat::Csv).unwrap();
    let options = Options {
        dry_run: false,
        concurrency: 3,
    };

    let report = run(&admin, &rows, options, &ProgressBar::hidden()).await;

    assert_eq!(report.counts().created, 12);
    assert_eq!(gauge.most.load(Ordering::SeqCst), 3);
}
