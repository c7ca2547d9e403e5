//! `whoami` and `user get|search|create`, in both output modes.

use crate::support::{Server, run};

#[test]
fn whoami_shows_the_caller_as_text_and_as_json() {
    let server = Server::start();

    let text = run(server.as_member().arg("whoami"));
    let json = run(server.as_member().args(["whoami", "--json"]));

    let text = text.ok();
    assert!(text.contains("username  member"), "{text}");
    assert!(text.contains("email     member@example.com"), "{text}");
    assert!(text.contains("admin     no"), "{text}");
    let user = json.json();
    assert_eq!(user["username"], "member");
    assert_eq!(user["email"], "member@example.com");
    assert_eq!(user["name"], "Mem Ber");
    assert_eq!(user["admin"], false);
    assert_eq!(user["teams"], serde_json::json!(["ml"]));
    assert_eq!(user["api_keys"][0]["description"], "member's laptop");
    assert!(user["id"].is_string());
    assert!(user["deleted_at"].is_null());
}

#[test]
fn user_get_finds_by_username_or_email_and_reads_timestamps() {
    let server = Server::start();

    let by_name = run(server.as_admin().args(["user", "get", "ada"]));
    let by_email = run(server
        .as_admin()
        .args(["user", "get", "ADA@example.com", "--json"]));
    let deleted = run(server.as_admin().args(["user", "get", "gone"]));
    let deleted_json = run(server.as_admin().args(["--json", "user", "get", "gone"]));

    assert!(by_name.ok().contains("Ada Lovelace"), "{by_name:?}");
    assert_eq!(by_email.json()["username"], "ada");
    assert!(
        deleted
            .ok()
            .contains("deactivated  2024-03-01 10:00:00 UTC"),
        "{deleted:?}"
    );
    assert!(
        deleted_json.json()["deleted_at"]
            .as_str()
            .unwrap()
            .starts_with("2024-03-01")
    );
}

#[test]
fn user_get_of_nobody_is_not_found_and_of_a_shared_prefix_is_a_conflict() {
    let server = Server::start();

    let nobody = run(server
        .as_admin()
        .args(["user", "get", "nobody@example.com"]));
    let several = run(server.as_admin().args(["user", "get", "ad"]));

    assert!(nobody.failed(3).contains("not found"), "{nobody:?}");
    let line = several.failed(5);
    assert!(
        line.contains("ada@example.com") && line.contains("adam@example.com"),
        "{line}"
    );
}

#[test]
fn user_search_prints_a_table_or_json_and_says_when_nothing_matches() {
    let server = Server::start();

    let table = run(server.as_admin().args(["user", "search", "example.com"]));
    let json = run(server
        .as_admin()
        .args(["user", "search", "example.com", "--json"]));
    let none = run(server.as_admin().args(["user", "search", "zzz"]));
    let everyone = run(server.as_admin().args(["user", "search", "--json"]));

    let table = table.ok();
    let header = table.lines().next().unwrap();
    assert!(header.starts_with("USERNAME  "), "{table}");
    assert!(
        table.contains("deactivated 2024-03-01 10:00:00 UTC"),
        "{table}"
    );
    let gone = table.lines().find(|line| line.starts_with("gone")).unwrap();
    assert_eq!(gone.find("gone@"), header.find("EMAIL"), "{table}");
    let json = json.json();
    assert_eq!(json["query"], "example.com");
    assert_eq!(json["users"].as_array().unwrap().len(), 5);
    assert!(none.ok().contains("no user matches 'zzz'"));
    assert_eq!(everyone.json()["users"].as_array().unwrap().len(), 6);
}

#[test]
fn user_search_needs_an_admin() {
    let server = Server::start();
    let out = run(server.as_member().args(["user", "search", "a"]));
    assert!(out.failed(4).contains("permission denied"), "{out:?}");
}

#[test]
fn user_create_creates_once_then_reports_a_conflict() {
    let server = Server::start();

    let text = run(server
        .as_admin()
        .args(["user", "create", "grace@example.com", "--admin"]));
    let json = run(server
        .as_admin()
        .args(["--json", "user", "create", "alan@example.com"]));
    let again = run(server
        .as_admin()
        .args(["user", "create", "GRACE@example.com"]));

    assert!(
        text.ok().starts_with("created   grace@example.com\n"),
        "{text:?}"
    );
    assert!(text.stdout.contains("username  grace\n"), "{text:?}");
    assert!(text.stdout.contains("admin     yes"), "{text:?}");
    let alan = json.json();
    assert_eq!(alan["username"], "alan");
    assert_eq!(alan["admin"], false);
    let line = again.failed(5);
    assert!(line.contains("already exists"), "{line}");
    assert!(line.contains("wbusers user get"), "{line}");
}

#[test]
fn user_create_refuses_a_bad_email_and_a_non_admin() {
    let server = Server::start();

    let bad = run(server.as_admin().args(["user", "create", "not-an-email"]));
    let member = run(server.as_member().args(["user", "create", "x@example.com"]));

    let line = bad.failed(2);
    assert!(
        line.contains("'not-an-email' is not an email address"),
        "{line}"
    );
    assert!(member.failed(4).contains("permission denied"), "{member:?}");
}
