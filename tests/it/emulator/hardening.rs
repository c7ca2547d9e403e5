//! The emulator under hostile clients (issue 9, finding 5): unknown keys are
//! refused before any execution, documents have a size of work, and slow
//! clients cannot hold a connection.

use std::fmt::Write as _;
use std::time::Duration;

use serde_json::json;
use tokio::io::{AsyncReadExt as _, AsyncWriteExt as _};
use tokio::net::TcpStream;
use users_emulator::Emulator;

use crate::support::emulator::{ADMIN_KEY, UNKNOWN_KEY, call, post_raw, start};
use crate::support::secret;

/// `{ a0: viewer { id } a1: viewer { id } … }` with `count` aliases.
fn aliases(count: usize) -> String {
    let mut document = String::from("{");
    for n in 0..count {
        let _ = write!(document, " a{n}: viewer {{ id }}");
    }
    document.push_str(" }");
    document
}

#[tokio::test]
async fn an_unknown_key_gets_one_small_401_whatever_the_document() {
    let emulator = start().await;
    let introspection = "{ __schema { types { name fields { name } } } }";
    for document in [aliases(40_000), introspection.to_owned()] {
        let body = json!({ "query": document }).to_string().into_bytes();

        let (status, answer) = post_raw(&emulator, "/graphql", Some(UNKNOWN_KEY), body).await;

        assert_eq!(status, 401, "{answer}");
        let size = answer.to_string().len();
        assert!(size < 1024, "a {size}-byte answer");
        assert_eq!(
            answer["errors"].as_array().map(Vec::len),
            Some(1),
            "{answer}"
        );
    }
}

#[tokio::test]
async fn a_document_asking_for_too_much_work_is_refused_before_it_runs() {
    let emulator = start().await;

    let (status, answer) = call(&emulator, Some(ADMIN_KEY), &aliases(40_000), json!({})).await;

    assert_eq!(status, 400, "{answer}");
    assert!(answer.to_string().len() < 1024, "{answer}");
    assert!(answer["data"].is_null(), "{answer}");
}

#[tokio::test]
async fn a_client_trickling_its_headers_is_disconnected() {
    let emulator = Emulator::builder()
        .admin_key(secret(ADMIN_KEY))
        .header_read_timeout(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let mut stream = TcpStream::connect(emulator.local_addr()).await.unwrap();
    stream
        .write_all(b"POST /graphql HTTP/1.1\r\nHost: x\r\n")
        .await
        .unwrap();

    let mut rest = Vec::new();
    let closed = tokio::time::timeout(Duration::from_secs(10), stream.read_to_end(&mut rest)).await;

    assert!(closed.is_ok(), "the connection was still open after 10 s");
}

#[tokio::test]
async fn a_client_trickling_its_body_gets_408() {
    let emulator = Emulator::builder()
        .admin_key(secret(ADMIN_KEY))
        .request_timeout(Duration::from_millis(200))
        .start()
        .await
        .unwrap();
    let mut stream = TcpStream::connect(emulator.local_addr()).await.unwrap();
    let head = format!(
        "POST /graphql HTTP/1.1\r\nHost: x\r\nAuthorization: {}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{{\"qu",
        crate::support::basic(ADMIN_KEY)
    );
    stream.write_all(head.as_bytes()).await.unwrap();

    let mut answer = vec![0; 1024];
    let read = tokio::time::timeout(Duration::from_secs(10), stream.read(&mut answer))
        .await
        .expect("no answer within 10 s")
        .unwrap();

    let answer = String::from_utf8_lossy(&answer[..read]);
    assert!(answer.starts_with("HTTP/1.1 408"), "{answer}");
}
