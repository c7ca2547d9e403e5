//! How many calls a second one client makes, one after another: the
//! adapter's own cost per call, measured by `cargo xtask bench` against a
//! server that answers at once.
//!
//! `sequential_calls BASE_URL COUNT` with the key in `WANDB_API_KEY`; prints
//! `calls_per_second=<n>`.

use std::time::Instant;

use users_domain::UserRepository as _;
use users_graphql::{Environment, GraphqlUserRepository, RetryPolicy};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let base_url = args
        .next()
        .ok_or("usage: sequential_calls BASE_URL COUNT")?;
    let count: u32 = args
        .next()
        .ok_or("usage: sequential_calls BASE_URL COUNT")?
        .parse()?;
    let repo = GraphqlUserRepository::builder()
        .environment(Environment {
            base_url: Some(base_url),
            ..Environment::from_process()
        })
        .retry_policy(RetryPolicy::never())
        .build()?;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        // One call first: the connection is made outside the measurement.
        repo.search_users("ada").await?;
        let started = Instant::now();
        for _ in 0..count {
            repo.search_users("ada").await?;
        }
        let seconds = started.elapsed().as_secs_f64();
        println!("calls_per_second={:.0}", f64::from(count) / seconds);
        Ok::<_, users_domain::Error>(())
    })?;
    Ok(())
}
