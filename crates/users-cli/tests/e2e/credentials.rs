//! Where the key comes from: environment, netrc, `--api-key-file` (or stdin).

use crate::support::{Server, run, set_owner_only};

#[test]
fn the_key_can_come_from_the_environment() {
    let server = Server::start();
    let out = run(server.as_admin().arg("whoami"));
    assert!(out.ok().contains("admin@localhost"), "{out:?}");
}

#[test]
fn the_key_can_come_from_the_netrc_entry_for_the_host() {
    let server = Server::start();
    let netrc = server.file(
        ".netrc",
        &format!(
            "machine 127.0.0.1 login user password {}\n",
            server.admin_key
        ),
    );
    set_owner_only(&netrc);
    let out = run(server.wbusers().arg("whoami"));
    assert!(out.ok().contains("admin@localhost"), "{out:?}");
}

#[test]
fn the_key_can_come_from_a_file_or_standard_input() {
    let server = Server::start();
    let path = server.file("key", &format!("  {}\n", server.admin_key));
    let from_file = run(server
        .wbusers()
        .arg("--api-key-file")
        .arg(&path)
        .arg("whoami"));
    assert!(from_file.ok().contains("admin@localhost"), "{from_file:?}");

    let from_stdin = run(server
        .wbusers()
        .args(["whoami", "--api-key-file", "-"])
        .write_stdin(format!("{}\n", server.admin_key)));
    assert!(
        from_stdin.ok().contains("admin@localhost"),
        "{from_stdin:?}"
    );
}

#[test]
fn a_key_file_wins_over_the_environment() {
    let server = Server::start();
    let path = server.file("key", &server.admin_key);
    let out = run(server
        .as_member()
        .arg("--api-key-file")
        .arg(&path)
        .arg("whoami"));
    assert!(out.ok().contains("admin@localhost"), "{out:?}");
}

#[test]
fn a_malformed_key_file_names_the_file_and_the_rule_but_not_the_key() {
    let server = Server::start();
    let path = server.file("key", "shortkey123");
    let out = run(server
        .wbusers()
        .arg("--api-key-file")
        .arg(&path)
        .arg("whoami"));
    let line = out.failed(2);
    assert!(line.contains(&path.display().to_string()), "{line}");
    assert!(line.contains("40+ characters"), "{line}");
    assert!(!line.contains("shortkey123"), "{line}");
}

#[test]
fn missing_credentials_are_an_auth_error_saying_where_to_put_a_key() {
    let server = Server::start();
    let out = run(server.wbusers().arg("whoami"));
    let line = out.failed(4);
    assert!(line.contains("WANDB_API_KEY"), "{line}");
    assert!(line.contains("--api-key-file"), "{line}");
}

#[test]
fn an_unknown_key_is_an_auth_error() {
    let server = Server::start();
    let out = run(server.as_key(&"x".repeat(40)).arg("whoami"));
    let line = out.failed(4);
    assert!(line.contains("not authenticated"), "{line}");
}
