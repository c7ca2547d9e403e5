//! Settings refused before any request: a refused base URL is echoed without
//! what could be a key, and waits too long to be meant (or to compute with)
//! are refused instead of panicking later.

use std::time::Duration;

use users_domain::{Error, UserRepository};
use users_graphql::{ConfigError, GraphqlUserRepository, RetryPolicy};
use wiremock::ResponseTemplate;

use crate::support::mock::{KEY, client_with, env_at, quick, serving_exactly};

fn refused_base_url(url: &str) -> String {
    let error = GraphqlUserRepository::builder()
        .environment(env_at(url))
        .build()
        .unwrap_err();
    assert!(
        matches!(error, ConfigError::InvalidBaseUrl { .. }),
        "{url}: {error}"
    );
    error.to_string()
}

#[test]
fn a_refused_base_url_is_echoed_without_credentials_or_query() {
    let cases = [
        (
            format!("https:/api:{KEY}@wandb.example.com"),
            "https://wandb.example.com",
        ),
        (
            format!("https://wandb.example.com/?api_key={KEY}"),
            "https://wandb.example.com?…",
        ),
        (
            format!("https://wandb.example.com#{KEY}"),
            "https://wandb.example.com#…",
        ),
        (format!("https://api:{KEY}@bad host"), "https://…@bad host"),
    ];
    for (url, shown) in cases {
        let message = refused_base_url(&url);
        assert!(!message.contains(&KEY[..12]), "{message}");
        assert!(message.contains(&format!("'{shown}'")), "{message}");
    }
}

#[test]
fn waits_longer_than_a_day_are_refused() {
    let day = Duration::from_secs(24 * 60 * 60);
    let policies = [
        RetryPolicy {
            deadline: Duration::MAX,
            ..RetryPolicy::default()
        },
        RetryPolicy {
            max_retry_after: Duration::MAX,
            ..RetryPolicy::default()
        },
        RetryPolicy {
            max_delay: day + Duration::from_secs(1),
            ..RetryPolicy::default()
        },
    ];
    for policy in policies {
        let error = GraphqlUserRepository::builder()
            .environment(env_at("http://127.0.0.1:9"))
            .retry_policy(policy.clone())
            .build()
            .unwrap_err();
        assert!(
            matches!(error, ConfigError::InvalidSetting { .. }),
            "{policy:?}: {error}"
        );
        assert!(error.to_string().contains("24 hours"), "{error}");
    }
    let error = GraphqlUserRepository::builder()
        .environment(env_at("http://127.0.0.1:9"))
        .timeout(Duration::MAX)
        .build()
        .unwrap_err();
    assert!(error.to_string().starts_with("timeout "), "{error}");
}

#[tokio::test]
async fn the_longest_settings_work_and_a_huge_retry_after_is_reported() {
    let huge = ResponseTemplate::new(429).insert_header("Retry-After", "18446744073709551615");
    let server = serving_exactly(huge, 1).await;
    let day = Duration::from_secs(24 * 60 * 60);
    let policy = RetryPolicy {
        deadline: day,
        max_retry_after: day,
        max_delay: day,
        ..quick()
    };

    let error = client_with(&server, policy).viewer().await.unwrap_err();

    assert_eq!(
        error,
        Error::RateLimited {
            retry_after: Some(Duration::from_secs(u64::MAX))
        }
    );
}
