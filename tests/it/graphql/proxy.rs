//! Traffic to loopback never goes through a proxy named by the environment
//! (`HTTP_PROXY` and the like), which would see the key in clear over http.
//!
//! The HTTP client reads those variables once per process, so the check runs
//! in a child process: this test binary again, with the proxy variables set,
//! running only [`child_calls_the_server_named_by_its_environment`].

use std::process::Command;

use users_domain::UserRepository;
use users_graphql::RetryPolicy;
use wiremock::ResponseTemplate;

use crate::support::mock::{ada, client_at, received, serving, viewer_data};

/// Set only in the child: the base URL it calls.
const TARGET: &str = "WBUSERS_PROXY_TEST_TARGET";
const CHILD: &str = "graphql::proxy::child_calls_the_server_named_by_its_environment";

#[tokio::test]
async fn loopback_traffic_bypasses_a_proxy_from_the_environment() {
    let proxy = serving(ResponseTemplate::new(502)).await;
    let server = serving(viewer_data(ada())).await;

    let mut child = Command::new(std::env::current_exe().unwrap());
    child.args([CHILD, "--exact", "--nocapture", "--test-threads=1"]);
    for variable in [
        "HTTP_PROXY",
        "http_proxy",
        "HTTPS_PROXY",
        "https_proxy",
        "ALL_PROXY",
    ] {
        child.env(variable, proxy.uri());
    }
    let output = child
        .env_remove("NO_PROXY")
        .env_remove("no_proxy")
        .env(TARGET, server.uri())
        .output()
        .unwrap();

    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stdout}\n{stderr}");
    assert!(
        stdout.contains("1 passed"),
        "the child ran no test: {stdout}"
    );
    assert_eq!(received(&proxy).await.len(), 0, "the proxy saw the request");
    assert_eq!(received(&server).await.len(), 1);
}

/// The child's half: does nothing unless started by the test above.
#[tokio::test]
async fn child_calls_the_server_named_by_its_environment() {
    let Ok(target) = std::env::var(TARGET) else {
        return;
    };
    let user = client_at(&target, RetryPolicy::never())
        .viewer()
        .await
        .unwrap();
    assert_eq!(user.username.as_str(), "ada");
}
