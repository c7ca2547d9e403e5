//! The global options that shape the client: `--timeout` (one deadline for
//! the command), `--max-response-bytes`, `--ca-cert`,
//! `--no-admin-privileges`, and the official SDK's settings file.

use crate::support::{Server, bare, canned_server, header, run, silent_server};

/// A CA certificate (made with openssl for these tests), trusted by nobody.
const CA_PEM: &str = "-----BEGIN CERTIFICATE-----
MIIBnDCCAUGgAwIBAgIUCuWEnlZFCQtDkGYCRcT0Mv+6rzgwCgYIKoZIzj0EAwIw
GjEYMBYGA1UEAwwPd2J1c2VycyB0ZXN0IENBMCAXDTI2MTIwMTA5MjY0MVoYDzIx
MjYxMTA3MDkyNjQxWjAaMRgwFgYDVQQDDA93YnVzZXJzIHRlc3QgQ0EwWTATBgcq
hkjOPQIBBggqhkjOPQMBBwNCAATJUmzITOZ8k13HAftriUi5AblC3MZTqu50Ii9s
JurWM/0GvCJ/HLmwv9DoxG8NhZp5k+8keZ2eogaZ9LpEOzyqo2MwYTAdBgNVHQ4E
FgQUatjgWvF4fjKzJEQQvaWsx2UN8KgwHwYDVR0jBBgwFoAUatjgWvF4fjKzJEQQ
vaWsx2UN8KgwDwYDVR0TAQH/BAUwAwEB/zAOBgNVHQ8BAf8EBAMCAgQwCgYIKoZI
zj0EAwIDSQAwRgIhAO9+W7E/FZburjirT5meo4oAuu7AL0RCHGS8uUjE5bsqAiEA
vV5qMhC8bHKLdThNunM4VFNW7s+PTZnrOM/6QnQCnXY=
-----END CERTIFICATE-----
";

#[test]
fn a_timeout_longer_than_the_old_cap_is_accepted() {
    let server = Server::start();
    let out = run(server.as_admin().args(["--timeout", "7200", "whoami"]));
    assert!(out.ok().contains("admin@localhost"), "{out:?}");
}

#[test]
fn a_server_that_never_answers_fails_within_the_timeout_as_unavailable() {
    let home = tempfile::tempdir().unwrap();
    let url = silent_server();

    let out = run(bare(&home).env("WANDB_API_KEY", "k".repeat(40)).args([
        "--base-url",
        &url,
        "--timeout",
        "2",
        "--retries",
        "20",
        "whoami",
    ]));

    let line = out.failed(6);
    assert!(line.contains("--timeout"), "{line}");
}

#[test]
fn an_answer_longer_than_the_response_cap_is_refused() {
    let server = Server::start();

    let capped = run(server
        .as_admin()
        .args(["--max-response-bytes", "64", "whoami"]));
    let roomy = run(server
        .as_admin()
        .args(["--max-response-bytes", "1000000", "whoami"]));

    capped.failed(6);
    roomy.ok();
    run(server
        .as_admin()
        .args(["--max-response-bytes", "0", "whoami"]))
    .failed(2);
}

#[test]
fn a_ca_file_is_trusted_and_a_bad_one_is_named_in_one_line() {
    let server = Server::start();
    let good = server.file("ca.pem", CA_PEM);
    let not_pem = server.file("ca.der", "not a certificate\n");

    let trusted = run(server.as_admin().arg("--ca-cert").arg(&good).arg("whoami"));
    let missing = run(server
        .as_admin()
        .args(["--ca-cert", "/nonexistent/ca.pem", "whoami"]));
    let garbage = run(server
        .as_admin()
        .arg("--ca-cert")
        .arg(&good)
        .arg("--ca-cert")
        .arg(&not_pem)
        .arg("whoami"));
    let from_env = run(server
        .as_admin()
        .env("SSL_CERT_FILE", &not_pem)
        .arg("whoami"));

    assert!(trusted.ok().contains("admin@localhost"), "{trusted:?}");
    let line = missing.failed(2);
    assert!(
        line.starts_with("error: --ca-cert '/nonexistent/ca.pem' "),
        "{line}"
    );
    let line = garbage.failed(2);
    assert!(
        line.starts_with(&format!("error: --ca-cert '{}' ", not_pem.display())),
        "{line}"
    );
    let line = from_env.failed(2);
    assert!(
        line.starts_with(&format!("error: SSL_CERT_FILE '{}' ", not_pem.display())),
        "{line}"
    );
    assert!(line.contains("unset it"), "{line}");
}

#[test]
fn the_admin_privileges_header_is_sent_unless_turned_off() {
    let home = tempfile::tempdir().unwrap();
    let (url, heads) = canned_server(|_| r#"{"data": {"viewer": null}}"#.to_owned());
    let wbusers = || {
        let mut command = bare(&home);
        command
            .env("WANDB_API_KEY", "k".repeat(40))
            .args(["--base-url", &url, "--retries", "0"]);
        command
    };

    run(wbusers().arg("whoami"));
    run(wbusers().args(["--no-admin-privileges", "whoami"]));

    let heads = heads.lock().unwrap();
    let sent: Vec<Option<&str>> = heads
        .iter()
        .map(|head| header(head, "use-admin-privileges"))
        .collect();
    assert_eq!(sent, [Some("true"), None], "{heads:?}");
}

#[test]
fn the_server_wandb_login_saved_is_used_and_a_broken_settings_file_named() {
    let server = Server::start();
    let settings = server.home.path().join(".config/wandb/settings");
    std::fs::create_dir_all(settings.parent().unwrap()).unwrap();
    std::fs::write(
        &settings,
        format!("[default]\nbase_url = {}\n", server.base_url),
    )
    .unwrap();
    let no_url = || {
        let mut command = bare(&server.home);
        command.env("WANDB_API_KEY", &server.admin_key);
        command
    };

    let saved = run(no_url().arg("whoami"));
    std::fs::write(&settings, b"[default]\nbase_url = \xff\n").unwrap();
    let broken = run(no_url().arg("whoami"));

    assert!(saved.ok().contains("admin@localhost"), "{saved:?}");
    let line = broken.failed(2);
    assert!(
        line.contains(&format!(
            "cannot read the W&B settings file '{}'",
            settings.display()
        )),
        "{line}"
    );
    assert!(line.contains("--base-url or WANDB_BASE_URL"), "{line}");
}
