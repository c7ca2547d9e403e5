//! `provision FILE`: every row reported, nothing lost, reruns idempotent.

use crate::support::{Server, run};

const MIXED: &str = "email,admin\n\
    new1@example.com,no\n\
    ada@example.com,no\n\
    new2@example.com,yes\n\
    NEW1@example.com,no\n\
    not-an-email,no\n\
    new3@example.com,maybe\n\
    new4@example.com\n";

fn count_users(server: &Server, query: &str) -> usize {
    let out = run(server.as_admin().args(["user", "search", query, "--json"]));
    out.json()["users"].as_array().unwrap().len()
}

#[test]
fn every_row_of_a_mixed_file_is_reported_and_a_rerun_duplicates_nothing() {
    let server = Server::start();
    let file = server.file("users.csv", MIXED);

    let first = run(server.as_admin().arg("provision").arg(&file));
    let second = run(server.as_admin().arg("provision").arg(&file).arg("--json"));

    let line = first.failed(8);
    assert!(line.contains("2 of 7 rows failed"), "{line}");
    assert!(line.contains("run the same command again"), "{line}");
    let rows: Vec<&str> = first.stdout.lines().collect();
    assert_eq!(rows.len(), 9, "{}", first.stdout);
    assert!(rows[0].starts_with("LINE  EMAIL"), "{}", first.stdout);
    let expect = [
        ("2 ", "new1@example.com", "created"),
        ("3 ", "ada@example.com", "existed"),
        ("4 ", "new2@example.com", "created"),
        ("5 ", "NEW1@example.com", "skipped"),
        ("6 ", "not-an-email", "failed"),
        ("7 ", "new3@example.com", "failed"),
        ("8 ", "new4@example.com", "created"),
    ];
    for (row, (line, email, outcome)) in rows[1..8].iter().zip(expect) {
        assert!(
            row.starts_with(line) && row.contains(email) && row.contains(outcome),
            "{row}"
        );
    }
    assert!(rows[4].contains("duplicate of line 2"), "{}", rows[4]);
    assert!(rows[6].contains("not 'maybe'"), "{}", rows[6]);
    assert!(rows[7].contains("username new4"), "{}", rows[7]);
    assert_eq!(rows[8], "7 rows: 3 created, 1 existed, 1 skipped, 2 failed");

    assert_eq!(second.code, 8, "{second:?}");
    let report = second.json();
    assert_eq!(report["dry_run"], false);
    assert_eq!(report["rows"].as_array().unwrap().len(), 7);
    assert_eq!(
        report["summary"],
        serde_json::json!({"total": 7, "created": 0, "existed": 4, "would_create": 0, "skipped": 1, "failed": 2, "unknown": 0})
    );
    assert_eq!(report["rows"][0]["outcome"], "existed");
    assert_eq!(report["rows"][0]["username"], "new1");
    assert_eq!(report["rows"][4]["outcome"], "failed");
    assert!(report["rows"][4]["admin"].is_null());
    assert_eq!(count_users(&server, "new1@example.com"), 1);
    assert_eq!(count_users(&server, "example.com"), 8);
}

#[test]
fn a_clean_file_succeeds_and_succeeds_again() {
    let server = Server::start();
    let file = server.file(
        "users.jsonl",
        "{\"email\": \"a1@example.com\"}\n{\"email\": \"a2@example.com\", \"admin\": true}\n",
    );

    let first = run(server
        .as_admin()
        .arg("provision")
        .arg(&file)
        .args(["--concurrency", "1"]));
    let again = run(server.as_admin().arg("provision").arg(&file).arg("-q"));

    assert!(
        first
            .ok()
            .ends_with("2 rows: 2 created, 0 existed, 0 skipped, 0 failed\n")
    );
    assert_eq!(
        again.ok(),
        "2 rows: 0 created, 2 existed, 0 skipped, 0 failed\n"
    );
    assert!(
        first.stderr.is_empty(),
        "no progress bar when not on a terminal: {first:?}"
    );
}

#[test]
fn a_dry_run_creates_nothing() {
    let server = Server::start();
    let file = server.file("users.csv", MIXED);

    let out = run(server
        .as_admin()
        .arg("provision")
        .arg(&file)
        .args(["--dry-run", "--json"]));

    let report = out.json();
    assert_eq!(report["dry_run"], true);
    assert_eq!(report["summary"]["would_create"], 3);
    assert_eq!(report["summary"]["created"], 0);
    assert_eq!(report["rows"][0]["outcome"], "would_create");
    assert_eq!(count_users(&server, "new"), 0);
}

#[test]
fn json_lines_can_come_from_standard_input() {
    let server = Server::start();
    let out = run(server
        .as_admin()
        .args(["provision", "-", "--json"])
        .write_stdin("{\"email\": \"s1@example.com\"}\n{\"email\": 5}\n"));
    assert_eq!(out.code, 8, "{out:?}");
    let report = out.json();
    assert_eq!(report["rows"][0]["outcome"], "created");
    assert_eq!(report["rows"][1]["detail"], "'email' must be a string");
    let error: serde_json::Value = serde_json::from_str(out.stderr.trim()).unwrap();
    assert_eq!(error["error"]["kind"], "partial");
    assert_eq!(error["error"]["exit_code"], 8);
}

#[test]
fn an_unreadable_or_headerless_file_is_a_usage_error() {
    let server = Server::start();
    let headerless = server.file("users.csv", "ada@example.com,true\n");

    let missing = run(server
        .as_admin()
        .args(["provision", "/nonexistent/users.csv"]));
    let no_header = run(server.as_admin().arg("provision").arg(&headerless));

    assert!(
        missing
            .failed(2)
            .contains("cannot read '/nonexistent/users.csv'")
    );
    let line = no_header.failed(2);
    assert!(line.contains("header 'email,admin'"), "{line}");
    assert!(count_users(&server, "") == 6);
}

#[test]
fn the_key_and_the_file_cannot_both_come_from_standard_input() {
    let server = Server::start();
    let out = run(server
        .wbusers()
        .args(["provision", "-", "--api-key-file", "-"])
        .write_stdin("email\nx@example.com\n"));
    assert!(
        out.failed(2).contains("both come from standard input"),
        "{out:?}"
    );
}

#[test]
fn provisioning_needs_an_admin() {
    let server = Server::start();
    let file = server.file("users.csv", MIXED);
    let out = run(server.as_member().arg("provision").arg(&file));
    assert!(out.failed(4).contains("needs an instance admin"), "{out:?}");
    assert!(out.stdout.is_empty());
}

#[test]
fn a_json_array_is_refused_before_anything_is_created() {
    let server = Server::start();
    let file = server.file(
        "users.json",
        "[\n{\"email\": \"j1@example.com\"},\n{\"email\": \"j2@example.com\"}\n]\n",
    );

    let out = run(server.as_admin().arg("provision").arg(&file));

    let line = out.failed(2);
    assert!(
        line.contains("a JSON array; give one JSON object per line (JSON lines)"),
        "{line}"
    );
    assert_eq!(count_users(&server, "j"), 0);
}

#[test]
fn a_json_named_file_holding_csv_is_read_as_csv() {
    let server = Server::start();
    let file = server.file("users.json", "email\nc1@example.com\n");
    let out = run(server.as_admin().arg("provision").arg(&file).arg("-q"));
    assert_eq!(
        out.ok(),
        "1 rows: 1 created, 0 existed, 0 skipped, 0 failed\n"
    );
}
