//! `user search` and `key list --all` walk the listing page by page and
//! print each page as it arrives: every user exactly once, in text, in one
//! JSON document and in JSON lines; users that cannot be read reported, and
//! the exit code saying so.

use std::collections::HashSet;
use std::process::Stdio;

use users_memory::InMemoryWorld;

use crate::support::{Run, Server, bare, canned_server, closed_pipe, run, run_into};

/// More than twelve pages of 100.
const USERS: u32 = 1_203;

/// Those and the admin the emulator adds.
const LISTED: usize = 1_204;

/// An emulator serving [`USERS`] synthetic users.
fn big_instance() -> Server {
    Server::with_world(InMemoryWorld::synthetic(USERS))
}

/// Asserts that `names` holds `expected` names, none twice.
fn each_once<'n>(names: impl IntoIterator<Item = &'n str>, expected: usize) {
    let mut seen = HashSet::new();
    let mut total = 0;
    for name in names {
        assert!(seen.insert(name.to_owned()), "{name} listed twice");
        total += 1;
    }
    assert_eq!(total, expected);
}

#[test]
fn an_audit_longer_than_a_page_lists_every_user_once_as_text_json_and_json_lines() {
    let server = big_instance();
    let audit = |format: &[&str]| {
        let mut command = server.as_admin();
        command
            .args(format)
            .args(["key", "list", "--all", "--page-size", "100"]);
        run(&mut command)
    };

    let text = audit(&[]);
    let json = audit(&["--json"]);
    let lines = audit(&["--jsonl"]);

    let text = text.ok();
    let rows: Vec<&str> = text.lines().collect();
    assert!(rows[0].starts_with("USER "), "{}", rows[0]);
    let summary = rows[rows.len() - 1];
    assert_eq!(
        summary,
        format!("{LISTED} keys held by {LISTED} of {LISTED} users")
    );
    each_once(
        rows[1..rows.len() - 1]
            .iter()
            .map(|row| row.split_whitespace().next().unwrap()),
        LISTED,
    );

    let document = json.json();
    let holders = document["holders"].as_array().unwrap();
    each_once(
        holders
            .iter()
            .map(|holder| holder["username"].as_str().unwrap()),
        LISTED,
    );
    assert_eq!(document["unlisted"], 0);
    assert_eq!(document["unreadable"], serde_json::json!([]));
    assert_eq!(document["summary"]["users"], LISTED);
    assert_eq!(document["summary"]["keys"], LISTED);
    assert!(document["error"].is_null());

    assert_eq!(lines.code, 0, "{lines:?}");
    let lines = lines.json_lines();
    let (summary, users) = lines.split_last().unwrap();
    each_once(
        users.iter().map(|user| user["username"].as_str().unwrap()),
        LISTED,
    );
    assert_eq!(summary["summary"]["users"], LISTED);
    assert_eq!(summary["summary"]["unreadable"], 0);
    assert!(summary["error"].is_null());
}

#[test]
fn a_search_longer_than_a_page_lists_each_match_once() {
    let server = big_instance();
    // user<n>@corp<n mod 10>.example: n = 1, 11, ..., 1201.
    let matches = (LISTED - 1).div_ceil(10);
    let search = |format: &[&str]| {
        let mut command = server.as_admin();
        command
            .args(format)
            .args(["user", "search", "corp1.example", "--page-size", "50"]);
        run(&mut command)
    };

    let text = search(&[]);
    let json = search(&["--json"]);
    let lines = search(&["--jsonl"]);

    let text = text.ok();
    let header = text.lines().next().unwrap();
    assert!(header.starts_with("USERNAME  "), "{text}");
    each_once(
        text.lines()
            .skip(1)
            .map(|row| row.split_whitespace().next().unwrap()),
        matches,
    );
    let document = json.json();
    assert_eq!(document["query"], "corp1.example");
    each_once(
        document["users"]
            .as_array()
            .unwrap()
            .iter()
            .map(|user| user["email"].as_str().unwrap()),
        matches,
    );
    assert_eq!(document["summary"]["users"], matches);
    let lines = lines.json_lines();
    let (summary, users) = lines.split_last().unwrap();
    assert_eq!(users.len(), matches);
    assert_eq!(summary["query"], "corp1.example");
    assert_eq!(summary["summary"]["users"], matches);
}

/// A user the adapter reads.
const GOOD: &str = r#"{"id": "VXNlcjox", "name": "Ada", "username": "ada", "email": "ada@example.com",
    "admin": false, "flags": null, "entity": "ada", "deletedAt": null,
    "apiKeys": {"edges": [{"node": {"id": "QXBpS2V5OjE=", "name": "laptop", "description": null}}],
                "pageInfo": {"endCursor": null, "hasNextPage": false}},
    "teams": {"edges": []}}"#;

/// A user it cannot: the email is not one.
const BAD: &str = r#"{"id": "VXNlcjoy", "name": "Bob", "username": "bob", "email": "not an email",
    "admin": false, "flags": null, "entity": "bob", "deletedAt": null,
    "apiKeys": {"edges": [], "pageInfo": {"endCursor": null, "hasNextPage": false}},
    "teams": {"edges": []}}"#;

/// A `ListUsers` answer: `nodes` with cursors `c0`, `c1`..., ending at `end`.
fn page(nodes: &[&str], end: &str, more: bool) -> String {
    let edges: Vec<String> = nodes
        .iter()
        .enumerate()
        .map(|(i, node)| format!(r#"{{"cursor": "c{i}", "node": {node}}}"#))
        .collect();
    format!(
        r#"{{"data": {{"users": {{"edges": [{}], "pageInfo": {{"startCursor": "c0", "endCursor": "{end}", "hasNextPage": {more}, "hasPreviousPage": false}}}}}}}}"#,
        edges.join(", ")
    )
}

/// `wbusers` with a key, pointed at `url`.
fn against(url: &str, home: &tempfile::TempDir) -> assert_cmd::Command {
    let mut command = bare(home);
    command
        .env("WANDB_BASE_URL", url)
        .env("WANDB_API_KEY", "k".repeat(40));
    command
}

#[test]
fn a_user_that_cannot_be_read_is_reported_and_the_exit_code_says_so() {
    let (url, _) = canned_server(|_| page(&[GOOD, BAD], "c1", false));
    let home = tempfile::tempdir().unwrap();
    let listing = |args: &[&str]| run(against(&url, &home).args(args));

    let text = listing(&["key", "list", "--all"]);
    let json = listing(&["--json", "key", "list", "--all"]);
    let lines = listing(&["--jsonl", "key", "list", "--all"]);
    let search = listing(&["user", "search"]);

    for out in [&text, &search] {
        let error = out.failed(8);
        assert!(error.contains("1 of 2 users could not be read"), "{out:?}");
        let report = out
            .stderr
            .lines()
            .find(|line| line.starts_with("cannot read user VXNlcjoy: "))
            .unwrap_or_else(|| panic!("{out:?}"));
        assert!(
            report.contains("data.users.edges[1].node.email"),
            "{report}"
        );
        assert!(
            !report.contains("not an email"),
            "the value is not echoed: {report}"
        );
    }
    assert!(text.stdout.contains("ada@example.com"), "{text:?}");
    assert!(
        text.stdout
            .ends_with("1 key held by 1 of 1 user; 1 user could not be read\n"),
        "{text:?}"
    );
    assert!(search.stdout.starts_with("USERNAME "), "{search:?}");

    let document = json.json();
    let error: serde_json::Value = serde_json::from_str(json.failed(8)).unwrap();
    assert_eq!(error["error"]["kind"], "partial");
    assert_eq!(document["holders"].as_array().unwrap().len(), 1);
    let unreadable = document["unreadable"].as_array().unwrap();
    assert_eq!(unreadable.len(), 1);
    assert_eq!(unreadable[0]["id"], "VXNlcjoy");
    assert!(
        unreadable[0]["reason"]
            .as_str()
            .unwrap()
            .starts_with("data.users.edges[1].node.email"),
        "{unreadable:?}"
    );
    assert_eq!(document["summary"]["unreadable"], 1);
    assert!(document["error"].is_null());

    lines.failed(8);
    let lines = lines.json_lines();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[0]["username"], "ada");
    assert_eq!(lines[1]["unreadable"]["id"], "VXNlcjoy");
    assert_eq!(lines[2]["summary"]["unreadable"], 1);
}

#[test]
fn a_page_that_fails_after_others_were_printed_closes_the_document_and_names_the_error() {
    // Every page says more follow, and ends where the first did: the
    // second page is refused (the walk would never end).
    let (url, heads) = canned_server(|_| page(&[GOOD], "c0", true));
    let home = tempfile::tempdir().unwrap();

    let json = run(against(&url, &home).args(["--json", "key", "list", "--all"]));
    let text = run(against(&url, &home).args(["key", "list", "--all"]));

    let line = text.failed(6);
    assert!(
        line.contains("the listing stopped after 1 user: "),
        "{line}"
    );
    assert!(!text.stdout.contains(" held by "), "no summary: {text:?}");
    let document = json.json();
    json.failed(6);
    assert_eq!(heads.lock().unwrap().len(), 4, "two pages a run");
    assert_eq!(document["holders"].as_array().unwrap().len(), 1);
    assert_eq!(document["error"]["kind"], "unavailable");
    assert!(
        document["error"]["message"]
            .as_str()
            .unwrap()
            .starts_with("the listing stopped after 1 user"),
        "{document}"
    );
}

#[test]
fn a_page_size_out_of_range_is_a_usage_error_naming_the_range() {
    let server = Server::start();

    for size in ["0", "20000", "ten"] {
        for args in [
            ["user", "search", "--page-size", size].as_slice(),
            ["key", "list", "--all", "--page-size", size].as_slice(),
        ] {
            let out = run(server.as_admin().args(args));
            let line = out.failed(2);
            assert!(line.contains("1 to 10000"), "{line}");
        }
    }
    let out = run(server.as_admin().args(["key", "list", "--page-size", "10"]));
    assert!(out.failed(2).contains("--all"), "{out:?}");
}

#[test]
fn a_listing_whose_reader_goes_away_stops_quietly() {
    let server = big_instance();

    for format in [None, Some("--json"), Some("--jsonl")] {
        let mut command = server.as_admin();
        command
            .args(format)
            .args(["key", "list", "--all", "--page-size", "100"]);

        let closed = run_into(&command, closed_pipe());
        let head = through_head(&command);

        for out in [&closed, &head] {
            assert_eq!(out.code, 1, "{format:?}: {out:?}");
            assert_eq!(out.stderr, "", "{format:?}: {out:?}");
        }
    }
}

/// Runs `command | head -n 1`: the reader takes a line and goes away.
fn through_head(command: &assert_cmd::Command) -> Run {
    let mut head = std::process::Command::new("head")
        .arg("-n1")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .spawn()
        .unwrap();
    let pipe = head.stdin.take().unwrap();
    let out = run_into(command, pipe.into());
    head.wait().unwrap();
    out
}

#[test]
fn with_jsonl_every_other_command_prints_its_document_on_one_line() {
    let server = Server::start();

    let whoami = run(server.as_member().args(["--jsonl", "whoami"]));
    let generated = run(server.as_member().args(["--jsonl", "key", "generate"]));
    let secret = generated.json_lines()[0]["secret"]
        .as_str()
        .unwrap()
        .to_owned();
    let id = generated.json_lines()[0]["key"]["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let rotated = run(server
        .as_key(&secret)
        .args(["--jsonl", "key", "rotate", &id]));
    let both = run(server.as_member().args(["--json", "--jsonl", "whoami"]));

    for out in [&whoami, &generated, &rotated] {
        assert_eq!(out.code, 0, "{out:?}");
        assert_eq!(out.stdout.lines().count(), 1, "{out:?}");
    }
    assert_eq!(whoami.json_lines()[0]["username"], "member");
    let rotation = &rotated.json_lines()[0];
    assert_eq!(rotation["old_key"]["id"], id.as_str());
    assert_eq!(rotation["revoked"], true);
    assert_eq!(rotation["secret"].as_str().unwrap().len(), 40);
    let error: serde_json::Value = serde_json::from_str(both.failed(2)).unwrap();
    assert_eq!(error["error"]["kind"], "usage");
}
