//! The `wbusers-emulator` binary: what it prints, what it reads, how it stops.
//!
//! A test binary of its own, apart from the workspace's one (`tests/it`, where
//! the library's tests live): only this package's tests know where the built
//! binary is.

// Helpers outside `#[test]` functions are test code too.
#![allow(clippy::unwrap_used)]

use std::{
    io::{BufRead, BufReader, Read},
    process::{Child, ChildStdout, Command, Output, Stdio},
};

use serde_json::json;

const BINARY: &str = env!("CARGO_BIN_EXE_wbusers-emulator");
const BOB_KEY: &str = "bobbobbobbobbobbobbobbobbobbobbobbob0002";
const FILE_KEY: &str = "filekeyfilekeyfilekeyfilekeyfilekey00004";
const ROBOT_KEY: &str = "robotrobotrobotrobotrobotrobotrobot00005";
const DORA_KEY: &str = "doradoradoradoradoradoradoradoradora0006";

/// A started binary, killed if the test fails before stopping it.
struct Server {
    child: Child,
    stdout: BufReader<ChildStdout>,
}

impl Server {
    fn start(args: &[&str]) -> Self {
        let mut child = Command::new(BINARY)
            .args(["--listen", "127.0.0.1:0"])
            .args(args)
            .env("RUST_LOG", "warn")
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let stdout = BufReader::new(child.stdout.take().unwrap());
        Self { child, stdout }
    }

    fn line(&mut self) -> String {
        let mut line = String::new();
        self.stdout.read_line(&mut line).unwrap();
        line.trim_end().to_owned()
    }

    /// Sends `signal` (`TERM`, `INT`), then the exit status and what was left on stdout.
    fn stop_with(mut self, signal: &str) -> (Option<i32>, String) {
        let status = Command::new("kill")
            .args([&format!("-{signal}"), &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(status.success());
        let exit = self.child.wait().unwrap();
        let mut rest = String::new();
        self.stdout.read_to_string(&mut rest).unwrap();
        (exit.code(), rest)
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

async fn viewer_email(base_url: &str, key: &str) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("{base_url}/graphql"))
        .basic_auth("api", Some(key))
        .json(&json!({ "query": "{ viewer { email } }" }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

async fn graphql(base_url: &str, key: &str, query: &str) -> (u16, serde_json::Value) {
    let response = reqwest::Client::new()
        .post(format!("{base_url}/graphql"))
        .basic_auth("api", Some(key))
        .json(&json!({ "query": query }))
        .send()
        .await
        .unwrap();
    let status = response.status().as_u16();
    (status, response.json().await.unwrap())
}

fn run(args: &[&str]) -> Output {
    Command::new(BINARY)
        .args(["--listen", "127.0.0.1:0"])
        .args(args)
        .output()
        .unwrap()
}

fn one_line_error(output: &Output) -> String {
    let stderr = String::from_utf8(output.stderr.clone()).unwrap();
    let lines: Vec<&str> = stderr.lines().filter(|line| !line.is_empty()).collect();
    assert_eq!(lines.len(), 1, "{stderr}");
    lines[0].to_owned()
}

#[tokio::test]
async fn it_prints_its_address_and_a_generated_key_once_and_stops_on_sigterm() {
    let mut server = Server::start(&[]);

    let listening = server.line();
    let key_line = server.line();

    let base_url = listening.strip_prefix("listening on ").unwrap().to_owned();
    assert!(base_url.starts_with("http://127.0.0.1:"), "{listening}");
    assert!(!base_url.ends_with(":0"), "{listening}");
    let key = key_line.rsplit(' ').next().unwrap().to_owned();
    assert!(key_line.contains("shown once"), "{key_line}");
    let (status, body) = viewer_email(&base_url, &key).await;
    assert_eq!(status, 200);
    assert_eq!(body["data"]["viewer"]["email"], "admin@localhost");
    let (code, rest) = server.stop_with("TERM");
    assert_eq!(code, Some(0));
    assert!(!rest.contains(&key), "the key was printed again");
}

#[tokio::test]
async fn it_serves_a_seed_file_and_an_admin_key_file_and_stops_on_ctrl_c() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    let key_file = dir.path().join("admin.key");
    std::fs::write(
        &seed,
        json!({ "users": [
            { "email": "bob@example.com", "teams": ["ml"], "keys": [{ "secret": BOB_KEY, "name": "ci" }] },
            { "email": "ops@example.com", "admin": true, "keys": [{ "secret": FILE_KEY }] }
        ]})
        .to_string(),
    )
    .unwrap();
    std::fs::write(&key_file, format!("  {FILE_KEY}\n")).unwrap();
    let mut server = Server::start(&[
        "--seed",
        seed.to_str().unwrap(),
        "--admin-key-file",
        key_file.to_str().unwrap(),
    ]);

    let base_url = server
        .line()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();

    let (_, admin) = viewer_email(&base_url, FILE_KEY).await;
    let (_, bob) = viewer_email(&base_url, BOB_KEY).await;
    assert_eq!(admin["data"]["viewer"]["email"], "ops@example.com");
    assert_eq!(bob["data"]["viewer"]["email"], "bob@example.com");
    // Ctrl-C, as from a terminal.
    let (code, rest) = server.stop_with("INT");
    assert_eq!(code, Some(0));
    assert!(!rest.contains(FILE_KEY), "{rest}");
}

#[test]
fn a_seed_that_does_not_parse_exits_2_naming_the_file_but_not_the_secret() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        format!(r#"{{"users": [{{"email": "a@b.io", "admin": "{BOB_KEY}"}}]}}"#),
    )
    .unwrap();

    let output = run(&["--seed", seed.to_str().unwrap()]);

    assert_eq!(output.status.code(), Some(2));
    let error = one_line_error(&output);
    assert!(error.contains(seed.to_str().unwrap()), "{error}");
    assert!(error.contains("expected a boolean"), "{error}");
    assert!(!error.contains(BOB_KEY), "{error}");
}

#[test]
fn a_seed_with_a_bad_field_exits_2_naming_the_file_and_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(&seed, r#"{"users": [{"email": "not-an-email"}]}"#).unwrap();

    let output = run(&["--seed", seed.to_str().unwrap()]);

    assert_eq!(output.status.code(), Some(2));
    let error = one_line_error(&output);
    assert!(error.contains(seed.to_str().unwrap()), "{error}");
    assert!(error.contains("not-an-email"), "{error}");
}

#[test]
fn a_seed_whose_admin_key_holder_is_not_an_admin_exits_2_naming_the_file_and_the_user() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    let key_file = dir.path().join("admin.key");
    std::fs::write(
        &seed,
        json!({ "users": [{ "email": "bob@example.com", "keys": [{ "secret": FILE_KEY }] }] })
            .to_string(),
    )
    .unwrap();
    std::fs::write(&key_file, FILE_KEY).unwrap();

    let output = run(&[
        "--seed",
        seed.to_str().unwrap(),
        "--admin-key-file",
        key_file.to_str().unwrap(),
    ]);

    assert_eq!(output.status.code(), Some(2));
    let error = one_line_error(&output);
    assert!(error.contains(seed.to_str().unwrap()), "{error}");
    assert!(error.contains("users[0]"), "{error}");
    assert!(error.contains("not an admin"), "{error}");
    assert!(!error.contains(FILE_KEY), "{error}");
}

#[test]
fn a_missing_seed_file_exits_2() {
    let output = run(&["--seed", "/nonexistent/seed.json"]);

    assert_eq!(output.status.code(), Some(2));
    assert!(one_line_error(&output).contains("/nonexistent/seed.json"));
}

#[test]
fn a_bad_admin_key_file_exits_2_naming_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let key_file = dir.path().join("admin.key");
    std::fs::write(&key_file, "too-short\n").unwrap();

    let output = run(&["--admin-key-file", key_file.to_str().unwrap()]);

    assert_eq!(output.status.code(), Some(2));
    let error = one_line_error(&output);
    assert!(error.contains(key_file.to_str().unwrap()), "{error}");
    assert!(error.contains("40+ characters"), "{error}");
    assert!(!error.contains("too-short"), "{error}");
}

#[tokio::test]
async fn it_serves_teams_roles_service_accounts_and_deactivated_users_from_a_seed_file() {
    let dir = tempfile::tempdir().unwrap();
    let seed = dir.path().join("seed.json");
    std::fs::write(
        &seed,
        json!({
            "roles": ["auditor"],
            "teams": ["platform"],
            "users": [
                { "email": "ops@example.com", "admin": true, "keys": [{ "secret": FILE_KEY }],
                  "teams": [{ "team": "platform", "role": "admin" }] },
                { "email": "bob@example.com", "keys": [{ "secret": BOB_KEY }],
                  "teams": ["platform", { "team": "ml", "role": "auditor" }] },
                { "account_type": "service", "name": "CI runner", "teams": ["platform"],
                  "keys": [{ "secret": ROBOT_KEY }] },
                { "email": "dora@example.com", "deleted_at": "2024-01-02T03:04:05Z",
                  "keys": [{ "secret": DORA_KEY }] }
            ]
        })
        .to_string(),
    )
    .unwrap();
    let mut server = Server::start(&["--seed", seed.to_str().unwrap()]);
    let base_url = server
        .line()
        .strip_prefix("listening on ")
        .unwrap()
        .to_owned();

    let (_, platform) = graphql(
        &base_url,
        FILE_KEY,
        "{ entity(name: \"platform\") { isTeam members { username admin accountType apiKey } } }",
    )
    .await;
    let (_, robot) = graphql(
        &base_url,
        ROBOT_KEY,
        "{ viewer { accountType teams { edges { node { name } } } } }",
    )
    .await;
    let (dora, _) = viewer_email(&base_url, DORA_KEY).await;
    let (_, listed) = graphql(
        &base_url,
        FILE_KEY,
        "{ users(query: \"dora\") { edges { node { deletedAt } } } }",
    )
    .await;

    let members = platform["data"]["entity"]["members"].as_array().unwrap();
    let usernames: Vec<&str> = members
        .iter()
        .map(|m| m["username"].as_str().unwrap())
        .collect();
    assert_eq!(&usernames[..2], ["ops", "bob"], "{platform}");
    assert_eq!(members.len(), 3, "{platform}");
    assert_eq!(members[0]["admin"], true);
    assert_eq!(members[2]["accountType"], "SERVICE");
    assert!(members.iter().all(|m| m["apiKey"].is_null()), "{platform}");
    assert_eq!(robot["data"]["viewer"]["accountType"], "SERVICE", "{robot}");
    assert_eq!(
        robot["data"]["viewer"]["teams"]["edges"][0]["node"]["name"],
        "platform"
    );
    assert_eq!(dora, 401, "a deactivated user's key does not authenticate");
    assert_eq!(
        listed["data"]["users"]["edges"][0]["node"]["deletedAt"], "2024-01-02T03:04:05Z",
        "{listed}"
    );
    let (code, _) = server.stop_with("TERM");
    assert_eq!(code, Some(0));
}
