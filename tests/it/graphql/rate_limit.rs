//! `RateLimit-Remaining: 0` with `RateLimit-Reset: N` holds every handle of
//! the client back until the reset, or fails the next call with `RateLimited`
//! when the policy does not let it wait that long.

use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use users_domain::{ApiKeySecret, Backend, Email, Error, UserRepository};
use users_graphql::RetryPolicy;
use wiremock::{MockServer, Request, Respond, ResponseTemplate};

use crate::support::mock::{OTHER_KEY, ada, client, client_with, quick, serving, viewer_data};

/// Answers the viewer, saying on the first answer only that no request
/// remains until `reset`; notes when each request arrived.
struct ExhaustedOnce {
    reset: &'static str,
    arrivals: Arc<Mutex<Vec<Instant>>>,
}

impl Respond for ExhaustedOnce {
    fn respond(&self, _request: &Request) -> ResponseTemplate {
        let mut arrivals = self.arrivals.lock().unwrap();
        arrivals.push(Instant::now());
        let answer = viewer_data(ada());
        if arrivals.len() == 1 {
            answer
                .insert_header("RateLimit-Remaining", "0")
                .insert_header("RateLimit-Reset", self.reset)
        } else {
            answer.insert_header("RateLimit-Remaining", "9")
        }
    }
}

async fn exhausted_once(reset: &'static str) -> (MockServer, Arc<Mutex<Vec<Instant>>>) {
    let arrivals = Arc::new(Mutex::new(Vec::new()));
    let server = serving(ExhaustedOnce {
        reset,
        arrivals: Arc::clone(&arrivals),
    })
    .await;
    (server, arrivals)
}

#[tokio::test]
async fn the_next_request_of_any_handle_waits_for_the_reset() {
    let (server, arrivals) = exhausted_once("1").await;
    let repo = client(&server);
    let other = repo.act_as(ApiKeySecret::parse(OTHER_KEY).unwrap());

    repo.viewer().await.unwrap();
    other.viewer().await.unwrap();

    let arrivals = arrivals.lock().unwrap().clone();
    assert_eq!(arrivals.len(), 2);
    let gap = arrivals[1] - arrivals[0];
    assert!(gap >= Duration::from_secs(1), "sent again after {gap:?}");
}

#[tokio::test]
async fn a_reset_beyond_max_retry_after_fails_the_next_call_at_once() {
    let (server, arrivals) = exhausted_once("3600").await;
    let repo = client(&server);

    repo.viewer().await.unwrap();
    let email = Email::parse("cy@example.com").unwrap();
    let error = repo.clone().create_user(&email, false).await.unwrap_err();

    let Error::RateLimited {
        retry_after: Some(wait),
    } = error
    else {
        panic!("expected a rate limit with its wait, got {error:?}");
    };
    assert!(wait > quick().max_retry_after && wait <= Duration::from_secs(3600));
    assert_eq!(arrivals.lock().unwrap().len(), 1);
}

#[tokio::test]
async fn a_reset_past_the_deadline_fails_the_next_call_at_once() {
    let (server, arrivals) = exhausted_once("2").await;
    let policy = RetryPolicy {
        deadline: Duration::from_millis(500),
        ..quick()
    };
    let repo = client_with(&server, policy);

    repo.viewer().await.unwrap();
    let error = repo.viewer().await.unwrap_err();

    assert!(
        matches!(
            error,
            Error::RateLimited {
                retry_after: Some(_)
            }
        ),
        "{error}"
    );
    assert_eq!(arrivals.lock().unwrap().len(), 1);
}
