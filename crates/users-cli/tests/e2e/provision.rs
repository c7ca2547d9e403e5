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

/// The line number a text row starts with (`line 12: ...`).
fn line_of(row: &str) -> u64 {
    row.strip_prefix("line ")
        .and_then(|rest| rest.split(':').next())
        .and_then(|number| number.parse().ok())
        .unwrap_or_else(|| panic!("not a row: {row}"))
}

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
    // A line per row as it completes (so in any order), then the summary.
    let mut rows: Vec<&str> = first.stdout.lines().collect();
    assert_eq!(rows.len(), 8, "{}", first.stdout);
    assert_eq!(
        rows.pop(),
        Some("7 rows: 3 created, 1 existed, 1 skipped, 2 failed")
    );
    rows.sort_by_key(|row| line_of(row));
    assert_eq!(
        rows,
        [
            "line 2: created new1@example.com (username new1)",
            "line 3: existed ada@example.com (username ada)",
            "line 4: created new2@example.com (username new2)",
            "line 5: skipped NEW1@example.com (duplicate of line 2)",
            "line 6: failed not-an-email (email must contain exactly one '@')",
            "line 7: failed new3@example.com (admin must be true/false, yes/no, 1/0 or empty, not 'maybe')",
            "line 8: created new4@example.com (username new4)",
        ]
    );

    assert_eq!(second.code, 8, "{second:?}");
    let mut lines = second.json_lines();
    let summary = lines.pop().unwrap();
    assert_eq!(
        summary,
        serde_json::json!({
            "dry_run": false,
            "summary": {"total": 7, "created": 0, "existed": 4, "would_create": 0, "skipped": 1, "failed": 2, "unknown": 0},
            "stopped": null
        })
    );
    lines.sort_by_key(|row| row["line"].as_u64());
    assert_eq!(lines.len(), 7);
    assert_eq!(lines[0]["outcome"], "existed");
    assert_eq!(lines[0]["username"], "new1");
    assert_eq!(lines[4]["outcome"], "failed");
    assert!(lines[4]["admin"].is_null());
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

    let lines = out.json_lines();
    let summary = lines.last().unwrap();
    assert_eq!(summary["dry_run"], true);
    assert_eq!(summary["summary"]["would_create"], 3);
    assert_eq!(summary["summary"]["created"], 0);
    let first = lines.iter().find(|row| row["line"] == 2).unwrap();
    assert_eq!(first["outcome"], "would_create");
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
    let lines = out.json_lines();
    let row = |line: u64| lines.iter().find(|row| row["line"] == line).unwrap();
    assert_eq!(row(1)["outcome"], "created");
    assert_eq!(row(2)["detail"], "'email' must be a string");
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

#[test]
fn a_file_over_the_size_limit_is_refused_in_one_line_before_it_is_read() {
    let server = Server::start();
    let path = server.home.path().join("huge.csv");
    let file = std::fs::File::create(&path).unwrap();
    file.set_len(200 * 1024 * 1024).unwrap();

    let out = run(server.as_admin().arg("provision").arg(&path));

    let line = out.failed(2);
    assert!(
        line.contains("is larger than 64 MiB, the most provision reads"),
        "{line}"
    );
    assert!(out.stdout.is_empty(), "{out:?}");
}

#[test]
fn a_line_over_the_limit_refuses_the_whole_file_naming_the_line() {
    let server = Server::start();
    let long = "x".repeat(1024 * 1024);
    let text = format!("email\nlong1@example.com\n{long}@example.com\nlong2@example.com\n");
    let file = server.file("users.csv", &text);

    let from_file = run(server.as_admin().arg("provision").arg(&file));
    let from_stdin = run(server
        .as_admin()
        .args(["provision", "-", "--format", "csv"])
        .write_stdin(format!("email{long}\n")));

    let line = from_file.failed(2);
    assert!(
        line.contains("line 3 is longer than 64 KiB, the most a line may be"),
        "{line}"
    );
    assert!(!line.contains(&long[..100]), "{line}");
    assert!(
        from_file.stdout.is_empty(),
        "nothing was sent: {from_file:?}"
    );
    assert_eq!(count_users(&server, "long"), 0);
    let line = from_stdin.failed(2);
    assert!(
        line.contains("standard input cannot be provisioned: line 1 is longer"),
        "{line}"
    );
}

#[test]
fn standard_input_that_turns_bad_halfway_stops_there_having_reported_the_rows_before() {
    let server = Server::start();
    let long = "x".repeat(100 * 1024);
    let text = format!("email\nhalf1@example.com\n{long}\nhalf2@example.com\n");

    let out = run(server
        .as_admin()
        .args(["provision", "-", "--concurrency", "1"])
        .write_stdin(text));

    let line = out.failed(2);
    assert!(
        line.contains(
            "standard input cannot be provisioned any further: line 3 is longer than 64 KiB"
        ),
        "{line}"
    );
    assert!(line.contains("1 rows before were done"), "{line}");
    assert_eq!(
        out.stdout,
        "line 2: created half1@example.com (username half1)\n\
         1 rows: 1 created, 0 existed, 0 skipped, 0 failed\n"
    );
    assert_eq!(count_users(&server, "half"), 1);
}
