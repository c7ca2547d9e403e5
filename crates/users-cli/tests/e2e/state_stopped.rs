//! An apply stopped halfway, against a slow emulator: killed outright, or
//! stopped by SIGTERM (the changes in flight finished and reported); then
//! run again, it does what is left, nothing twice, and `plan` is 0 after.

use std::fmt::Write as _;
use std::time::Duration;

use crate::support::{Run, Server, export, run, seed, signalled, with_state};

/// How many changes are in flight at once in these runs.
const CONCURRENCY: &str = "2";

/// A server slow enough that an apply of [`many`] takes seconds.
fn slow() -> Server {
    Server::with_latency(seed(), Duration::from_millis(40))
}

/// The server's state file with `n` new users, each in a new team `crew`.
fn many(server: &Server, n: usize) -> String {
    let mut file = export(server);
    let mut members = Vec::new();
    for i in 0..n {
        let _ = write!(file, "\n[[users]]\nemail = \"n{i:02}@example.com\"\n");
        members.push(format!("{{ who = \"n{i:02}@example.com\" }}"));
    }
    let _ = write!(
        file,
        "\n[[teams]]\nname = \"crew\"\nmembers = [{}]\n",
        members.join(", ")
    );
    file
}

/// The changes of a run's JSON lines, the summary line left out, each
/// without its outcome: what was done.
fn done(run: &Run) -> Vec<serde_json::Value> {
    run.stdout
        .lines()
        .filter_map(|line| serde_json::from_str::<serde_json::Value>(line).ok())
        .filter(|line| line["outcome"] == "done")
        .map(|mut line| {
            let object = line.as_object_mut().unwrap();
            for field in ["outcome", "needs", "error", "line"] {
                object.remove(field);
            }
            line
        })
        .collect()
}

#[test]
fn an_apply_killed_halfway_is_finished_by_a_rerun_that_does_nothing_twice() {
    let server = slow();
    let file = many(&server, 12);
    let path = server.file("people.toml", &file);
    let total = 12 + 1 + 12 + 1; // users, the team, its members, the caller taken out
    let mut apply = server.as_admin();
    apply
        .args(["--json", "apply", "--yes", "--concurrency", CONCURRENCY])
        .arg(&path);

    let killed = signalled(&apply, 4, "-KILL");
    let rerun = run(server
        .as_admin()
        .args(["--json", "apply", "--yes"])
        .arg(&path));
    let after = with_state(&server, &file, &["plan"]);

    assert_eq!(killed.code, -1, "killed by the signal: {killed:?}");
    let before = done(&killed);
    assert!(before.len() >= 4 && before.len() < total, "{killed:?}");
    assert_eq!(rerun.code, 0, "{rerun:?}");
    let again = done(&rerun);
    let summary = rerun.json_lines().last().unwrap()["summary"].clone();
    assert_eq!(
        summary["done"], summary["total"],
        "every change left was done: {rerun:?}"
    );
    for change in &again {
        assert!(!before.contains(change), "done twice: {change}");
    }
    // Those in flight at the kill were made, unreported: not planned again.
    let made_unseen = total - before.len() - again.len();
    assert!(
        made_unseen <= 2,
        "at most {CONCURRENCY} were in flight: {made_unseen}"
    );
    after.ok();
    let exported = export(&server);
    assert_eq!(
        exported
            .matches("@example.com\", role = \"member\" }")
            .count(),
        12 + 1
    );
}

#[test]
fn sigterm_finishes_the_changes_in_flight_reports_them_and_exits_130() {
    let server = slow();
    let file = many(&server, 12);
    let path = server.file("people.toml", &file);
    let mut apply = server.as_admin();
    apply
        .args(["apply", "--yes", "--concurrency", CONCURRENCY])
        .arg(&path);

    let stopped = signalled(&apply, 2, "-TERM");
    let rerun = run(server.as_admin().args(["apply", "--yes"]).arg(&path));
    let after = with_state(&server, &file, &["plan"]);

    let line = stopped.failed(130);
    assert!(line.starts_with("error: interrupted after "), "{line}");
    assert!(line.contains("were not started"), "{line}");
    let mut lines: Vec<&str> = stopped.stdout.lines().collect();
    let summary = lines.pop().unwrap();
    assert!(
        lines.iter().all(|line| line.starts_with("done: ")),
        "{lines:?}"
    );
    assert!(
        summary.ends_with(" not started")
            && summary.contains(&format!(": {} done, 0 failed", lines.len())),
        "{summary}"
    );
    let rest = rerun.ok();
    assert!(
        rest.lines().filter(|l| l.starts_with("done: ")).count() > 0,
        "{rest}"
    );
    assert!(!rest.contains("failed: "), "nothing was done twice: {rest}");
    after.ok();
}
