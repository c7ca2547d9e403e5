//! What `plan` and `apply` refuse before anything is sent: a file with
//! problems (each named by its line, all at once), a plan the safety rails
//! refuse, and an apply without `--yes` and without a terminal.

use crate::state::edit;
use crate::support::{Server, export, lone_admin, run, with_state};

#[test]
fn every_problem_of_a_file_is_named_by_its_line_and_nothing_is_sent() {
    let server = Server::start();
    let before = export(&server);
    let file = "version = 1\n\
                [[users]]\n\
                email = \"zed@example.com\"\n\
                admn = true\n\
                [[users]]\n\
                email = \"yan@example.com\"\n\
                deactivated = \"yes\"\n\
                [[teams]]\n\
                name = \"research\"\n";

    let text = with_state(&server, file, &["apply", "--yes"]);
    let json = with_state(&server, file, &["--json", "plan"]);

    let line = text.failed(2);
    assert!(
        line.ends_with(
            "has 3 problems; nothing was sent; fix each (listed with its line) and run again"
        ),
        "{line}"
    );
    let problems: Vec<&str> = text.stderr.lines().take(3).collect();
    assert!(problems[0].ends_with("people.toml:4: unknown field `admn` in a user: a user's fields are email, username, admin, deactivated"), "{problems:?}");
    assert!(
        problems[1].contains("people.toml:7: `deactivated` of a user must be a boolean"),
        "{problems:?}"
    );
    assert!(
        problems[2].contains("people.toml:8: a team has no `members`"),
        "{problems:?}"
    );
    assert!(text.stdout.is_empty());
    let error: serde_json::Value = serde_json::from_str(json.failed(2)).unwrap();
    let lines: Vec<u64> = error["error"]["problems"]
        .as_array()
        .unwrap()
        .iter()
        .map(|problem| problem["line"].as_u64().unwrap())
        .collect();
    assert_eq!(lines, [4, 7, 8]);
    assert_eq!(export(&server), before, "nothing was sent");
}

#[test]
fn problems_found_against_the_instance_are_named_by_their_line_too() {
    let server = Server::start();
    let file = edit(
        &export(&server),
        "  { who = \"member@example.com\", role = \"member\" },\n",
        "  { who = \"member@example.com\", role = \"boss\" },\n  { who = \"nobody\" },\n",
    ) + "\n[[users]]\nemail = \"ADA@example.com\"\n\n[[users]]\nemail = \"zed@example.com\"\n\
           admin = true\ndeactivated = true\n";
    let at = |needle: &str| 1 + file.lines().position(|l| l.contains(needle)).unwrap();

    let out = with_state(&server, &file, &["plan"]);

    out.failed(2);
    let problems: Vec<&str> = out.stderr.lines().collect();
    assert_eq!(problems.len(), 5, "{problems:?}");
    let expect = [
        (
            at("role = \"boss\""),
            "role 'boss' of 'member@example.com' in team ml does not exist",
        ),
        (
            at("who = \"nobody\""),
            "member 'nobody' of team ml is not a user in the file or on the instance",
        ),
        (
            at("ADA@example.com"),
            "user ADA@example.com is listed twice (first at line",
        ),
        (
            at("zed@example.com"),
            "user zed@example.com is both admin and deactivated",
        ),
    ];
    for (line, words) in expect {
        let wanted = format!("people.toml:{line}: {words}");
        assert!(
            problems.iter().any(|p| p.contains(&wanted)),
            "no {wanted:?} in {problems:?}"
        );
    }
}

#[test]
fn a_file_from_standard_input_is_named_dash_and_cannot_also_give_the_key() {
    let server = Server::start();

    let bad = run(server
        .as_admin()
        .args(["plan", "-"])
        .write_stdin("version = 2\n"));
    let good = run(server
        .as_admin()
        .args(["plan", "-"])
        .write_stdin(export(&server)));
    let both = run(server
        .wbusers()
        .args(["--api-key-file", "-", "plan", "-"])
        .write_stdin(""));

    assert!(
        bad.failed(2)
            .starts_with("error: -:1: the file's version is 2"),
        "{bad:?}"
    );
    assert!(
        good.ok()
            .starts_with("no changes: the instance is as - says")
    );
    assert!(
        both.failed(2)
            .contains("the api key and the state file cannot both come from standard input")
    );
}

#[test]
fn a_plan_that_deactivates_the_caller_is_refused_by_plan_and_apply_and_nothing_changes() {
    let server = Server::start();
    let before = export(&server);
    // Ada becomes an admin, so that the caller is the one refusal.
    let file = edit(
        &edit(
            &before,
            "username = \"admin\"\nadmin = true\n",
            "username = \"admin\"\ndeactivated = true\n",
        ),
        "username = \"ada\"\n",
        "username = \"ada\"\nadmin = true\n",
    );

    let planned = with_state(&server, &file, &["plan"]);
    let planned_json = with_state(&server, &file, &["--json", "plan"]);
    let applied = with_state(&server, &file, &["apply", "--yes"]);
    let applied_json = with_state(&server, &file, &["--json", "apply", "--yes"]);

    assert!(
        planned.stdout.contains("deactivate (1):"),
        "the plan is shown all the same: {planned:?}"
    );
    let line = planned.failed(10);
    assert!(line.starts_with("error: apply would refuse this plan: the plan deactivates admin@localhost, who is the caller"), "{line}");
    assert_eq!(planned_json.code, 10);
    assert_eq!(
        planned_json.json()["refusals"][0]["kind"],
        "deactivates_caller"
    );
    let line = applied.failed(10);
    assert!(line.starts_with("error: the plan is refused: "), "{line}");
    assert!(line.ends_with("; nothing was changed"), "{line}");
    assert!(applied.stdout.is_empty(), "{applied:?}");
    let error: serde_json::Value = serde_json::from_str(applied_json.failed(10)).unwrap();
    assert_eq!(error["error"]["kind"], "refused");
    assert_eq!(error["error"]["refusals"][0]["kind"], "deactivates_caller");
    assert!(applied_json.stdout.is_empty());
    assert_eq!(export(&server), before);
}

#[test]
fn a_plan_that_leaves_no_active_admin_is_refused() {
    // The caller is a service account: not an active admin of the instance.
    let server = lone_admin();
    let before = export(&server);
    let file = edit(
        &before,
        "username = \"root\"\nadmin = true\n",
        "username = \"root\"\n",
    );

    let applied = with_state(&server, &file, &["apply", "--yes"]);

    let line = applied.failed(10);
    assert!(
        line.contains("the plan leaves the instance without an active instance admin"),
        "{line}"
    );
    assert_eq!(export(&server), before);
}

#[test]
fn without_a_terminal_apply_needs_yes_but_nothing_to_do_needs_nothing() {
    let server = Server::start();
    let before = export(&server);
    let file = before.clone() + "\n[[users]]\nemail = \"zed@example.com\"\n";

    let unasked = with_state(&server, &file, &["apply"]);
    let in_sync = with_state(&server, &before, &["apply"]);

    let line = unasked.failed(2);
    assert!(line.contains("apply asks before it changes anything, and standard input is not a terminal; nothing was changed"), "{line}");
    assert!(line.contains("--yes"), "{line}");
    assert!(unasked.stdout.is_empty());
    assert!(in_sync.ok().starts_with("no changes: the instance is as "));
    assert_eq!(export(&server), before);
}

#[test]
fn a_member_who_is_not_an_admin_cannot_export_plan_or_apply() {
    let server = Server::start();
    let file = server.file("people.toml", "version = 1\n");

    for args in [&["export"][..], &["plan"], &["apply", "--yes"]] {
        let mut command = server.as_member();
        command.args(args);
        if args[0] != "export" {
            command.arg(&file);
        }
        let out = run(&mut command);
        let line = out.failed(4);
        assert!(
            line.contains("needs an instance admin, and member@example.com is not one"),
            "{args:?}: {line}"
        );
    }
}
