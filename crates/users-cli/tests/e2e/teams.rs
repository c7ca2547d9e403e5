//! `team list|show|create|add|remove|role`, in both output modes, and each
//! error class they meet.

use crate::support::{Server, run};

/// `research`, made by the admin with ada as its admin.
fn with_research() -> Server {
    let server = Server::start();
    run(server
        .as_admin()
        .args(["team", "create", "research", "--admin", "ada"]))
    .ok();
    server
}

#[test]
fn team_create_makes_the_named_admin_its_first_member_in_text_and_json() {
    let server = Server::start();

    let text = run(server
        .as_admin()
        .args(["team", "create", "research", "--admin", "ada"]));
    let json = run(server
        .as_admin()
        .args(["--json", "team", "create", "infra"]));

    let text = text.ok();
    assert!(text.starts_with("created team research\n\n"), "{text}");
    assert!(text.contains("members  1"), "{text}");
    let ada = text.lines().find(|line| line.contains(" ada ")).unwrap();
    assert!(
        ada.contains("ada@example.com") && ada.contains(" admin "),
        "{text}"
    );
    let infra = json.json();
    assert_eq!(infra["name"], "infra");
    assert!(infra["id"].is_string());
    let members = infra["members"].as_array().unwrap();
    assert_eq!(members.len(), 1, "the caller is its first member: {infra}");
    assert_eq!(members[0]["role"], "admin");
    assert_eq!(members[0]["email"], "admin@localhost");
}

#[test]
fn team_create_of_a_taken_name_is_a_conflict_and_of_an_unknown_admin_not_found() {
    let server = with_research();

    let team = run(server.as_admin().args(["team", "create", "research"]));
    let user = run(server.as_admin().args(["team", "create", "ada"]));
    let nobody = run(server
        .as_admin()
        .args(["team", "create", "x", "--admin", "nobody"]));
    let json = run(server
        .as_admin()
        .args(["--json", "team", "create", "research"]));

    let line = team.failed(5);
    assert!(line.contains("already exists"), "{line}");
    assert!(line.contains("wbusers team show research"), "{line}");
    assert!(user.failed(5).contains("already exists"), "{user:?}");
    nobody.failed(3);
    let error: serde_json::Value = serde_json::from_str(json.failed(5)).unwrap();
    assert_eq!(error["error"]["kind"], "conflict");
    assert!(json.stdout.is_empty());
}

#[test]
fn team_show_lists_the_members_in_a_table_or_as_json() {
    let server = Server::start();

    let text = run(server.as_admin().args(["team", "show", "ml"]));
    let json = run(server.as_member().args(["team", "show", "ml", "--json"]));

    let text = text.ok();
    assert!(text.starts_with("team     ml\n"), "{text}");
    let header = text
        .lines()
        .find(|line| line.starts_with("MEMBER"))
        .unwrap();
    for column in ["USERNAME", "EMAIL", "ROLE", "TYPE", "PENDING"] {
        assert!(header.contains(column), "{header}");
    }
    let member = text
        .lines()
        .find(|line| line.starts_with("Mem Ber"))
        .unwrap();
    assert!(member.contains("member@example.com"), "{text}");
    assert!(member.contains(" user "), "{text}");
    let team = json.json();
    assert_eq!(team["name"], "ml");
    let member = &team["members"][0];
    assert_eq!(member["username"], "member");
    assert_eq!(member["account_type"], "user");
    assert_eq!(member["pending"], false);
}

#[test]
fn team_show_of_an_unknown_team_is_not_found_with_where_to_look() {
    let server = Server::start();

    let out = run(server.as_admin().args(["team", "show", "nope"]));

    let line = out.failed(3);
    assert!(line.contains("not found"), "{line}");
    assert!(line.contains("wbusers team list --all"), "{line}");
}

#[test]
fn team_list_shows_your_own_teams_and_with_all_every_team_once() {
    let server = with_research();
    run(server
        .as_admin()
        .args(["team", "add", "research", "member"]))
    .ok();

    let own = run(server.as_member().args(["team", "list"]));
    let own_json = run(server.as_member().args(["team", "list", "--json"]));
    let all = run(server.as_admin().args(["team", "list", "--all"]));
    let all_json =
        run(server
            .as_admin()
            .args(["team", "list", "--all", "--json", "--page-size", "2"]));
    let all_lines = run(server.as_admin().args(["team", "list", "--all", "--jsonl"]));
    let nobody = run(server.as_admin().args(["team", "list"]));

    assert_eq!(own.ok(), "TEAM\nml\nresearch\n");
    assert_eq!(
        own_json.json(),
        serde_json::json!({"user": "member@example.com", "teams": [{"name": "ml"}, {"name": "research"}]})
    );
    let all = all.ok();
    assert!(all.starts_with("TEAM\n"), "{all}");
    assert_eq!(all.matches("\nml\n").count(), 1, "{all}");
    assert_eq!(all.matches("\nresearch\n").count(), 1, "{all}");
    assert!(all.trim_end().ends_with("2 teams among 6 users"), "{all}");
    let json = all_json.json();
    assert_eq!(
        json["teams"],
        serde_json::json!([{"name": "ml"}, {"name": "research"}])
    );
    assert_eq!(json["summary"]["teams"], 2);
    assert!(json["error"].is_null());
    let lines = all_lines.json_lines();
    assert_eq!(lines.len(), 3, "{lines:?}");
    assert_eq!(lines[2]["summary"]["users"], 6);
    assert!(
        nobody.ok().contains("admin@localhost is in no team"),
        "{nobody:?}"
    );
}

#[test]
fn team_list_all_needs_an_instance_admin() {
    let server = Server::start();
    let out = run(server.as_member().args(["team", "list", "--all"]));
    assert!(out.failed(4).contains("permission denied"), "{out:?}");
}

#[test]
fn team_add_adds_each_user_by_username_or_email_and_reports_each() {
    let server = with_research();

    let text =
        run(server
            .as_admin()
            .args(["team", "add", "research", "member", "ADAM@example.com"]));
    let json = run(server.as_admin().args([
        "--json", "team", "add", "research", "legacy", "--role", "viewer",
    ]));
    let shown = run(server
        .as_admin()
        .args(["--json", "team", "show", "research"]));

    assert_eq!(
        text.ok(),
        "USER              OUTCOME\n\
         member            added as member\n\
         ADAM@example.com  added as member\n"
    );
    let json = json.json();
    assert_eq!(json["team"], "research");
    assert_eq!(json["role"], "viewer");
    assert_eq!(json["results"][0]["user"], "legacy");
    assert_eq!(json["results"][0]["outcome"], "done");
    assert_eq!(json["results"][0]["member"]["role"], "viewer");
    assert!(json["results"][0]["error"].is_null());
    assert_eq!(
        json["summary"],
        serde_json::json!({"total": 1, "done": 1, "already_done": 0, "failed": 0, "unknown": 0})
    );
    let members: Vec<(String, String)> = shown.json()["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["username"].as_str().unwrap().to_owned(),
                m["role"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    for expected in [
        ("member", "member"),
        ("adam", "member"),
        ("legacy", "viewer"),
    ] {
        assert!(
            members.contains(&(expected.0.to_owned(), expected.1.to_owned())),
            "{members:?}"
        );
    }
}

#[test]
fn team_add_of_a_member_is_a_conflict_and_of_nobody_or_to_no_team_not_found() {
    let server = with_research();

    let again = run(server.as_admin().args(["team", "add", "research", "ada"]));
    let nobody = run(server
        .as_admin()
        .args(["team", "add", "research", "nobody"]));
    let no_team = run(server.as_admin().args(["team", "add", "nope", "ada"]));

    let line = again.failed(5);
    assert!(line.contains("already exists"), "{line}");
    assert!(line.contains("wbusers team show research"), "{line}");
    assert!(
        again.stdout.is_empty(),
        "one row's failure is its error line: {again:?}"
    );
    assert!(nobody.failed(3).contains("nobody"), "{nobody:?}");
    no_team.failed(3);
}

#[test]
fn team_add_with_some_users_failing_reports_every_row_and_exits_8() {
    let server = with_research();

    let text = run(server
        .as_admin()
        .args(["team", "add", "research", "member", "nobody", "ada"]));
    let json = run(server.as_admin().args([
        "--json",
        "team",
        "add",
        "research",
        "adam",
        "ghost@example.com",
    ]));

    let line = text.failed(8);
    assert!(line.contains("2 of 3 users failed"), "{line}");
    let rows: Vec<&str> = text.stdout.lines().collect();
    assert_eq!(rows.len(), 4, "{text:?}");
    assert!(
        rows[1].starts_with("member ") && rows[1].ends_with("added as member"),
        "{rows:?}"
    );
    assert!(
        rows[2].starts_with("nobody ") && rows[2].contains("failed: "),
        "{rows:?}"
    );
    assert!(
        rows[3].contains("failed: ") && rows[3].contains("already exists"),
        "{rows:?}"
    );
    json.failed(8);
    let document = json.json();
    assert_eq!(document["results"][0]["outcome"], "done");
    assert_eq!(document["results"][1]["outcome"], "failed");
    assert_eq!(document["results"][1]["error"]["kind"], "not_found");
    assert_eq!(document["summary"]["failed"], 1);
}

#[test]
fn team_add_by_someone_who_does_not_manage_the_team_is_denied_with_who_may() {
    let server = Server::start();

    let out = run(server.as_member().args(["team", "add", "ml", "ada"]));

    let line = out.failed(4);
    assert!(line.contains("permission denied"), "{line}");
    assert!(line.contains("an admin of team ml"), "{line}");
}

#[test]
fn team_remove_takes_members_out_and_a_non_member_is_not_found() {
    let server = with_research();
    run(server
        .as_admin()
        .args(["team", "add", "research", "member", "adam"]))
    .ok();

    let text = run(server
        .as_admin()
        .args(["team", "remove", "research", "member"]));
    let json =
        run(server
            .as_admin()
            .args(["--json", "team", "remove", "research", "adam@example.com"]));
    let again = run(server
        .as_admin()
        .args(["team", "remove", "research", "member"]));
    let teams = run(server.as_member().args(["team", "list", "--json"]));

    assert_eq!(text.ok(), "USER    OUTCOME\nmember  removed\n");
    let json = json.json();
    assert_eq!(json["results"][0]["outcome"], "done");
    assert_eq!(json["results"][0]["member"]["username"], "adam");
    assert!(again.failed(3).contains("not found"), "{again:?}");
    assert_eq!(teams.json()["teams"], serde_json::json!([{"name": "ml"}]));
}

#[test]
fn team_role_changes_a_members_role_in_text_and_json() {
    let server = with_research();
    run(server
        .as_admin()
        .args(["team", "add", "research", "member"]))
    .ok();

    let text = run(server
        .as_admin()
        .args(["team", "role", "research", "member", "admin"]));
    let json = run(server.as_admin().args([
        "--json",
        "team",
        "role",
        "research",
        "member@example.com",
        "viewer",
    ]));
    let outsider = run(server
        .as_admin()
        .args(["team", "role", "research", "adam", "admin"]));
    let unknown_role = run(server
        .as_admin()
        .args(["team", "role", "research", "member", "auditor"]));

    let text = text.ok();
    assert!(text.contains("member  member@example.com"), "{text}");
    assert!(text.contains("role    admin"), "{text}");
    let json = json.json();
    assert_eq!(json["team"], "research");
    assert_eq!(json["member"]["role"], "viewer");
    assert!(outsider.failed(3).contains("not found"), "{outsider:?}");
    // A custom role the server does not know.
    unknown_role.failed(2);
}

#[test]
fn bad_team_user_or_role_values_are_refused_before_anything_is_sent() {
    let server = Server::start();
    let key = "0123456789abcdefghij0123456789abcdefghij";

    let spaced_user = run(server.as_admin().args(["team", "add", "ml", "a b"]));
    let spaced_team = run(server.as_admin().args(["team", "show", "m l"]));
    let bad_role = run(server
        .as_admin()
        .args(["team", "add", "ml", "ada", "--role", "two words"]));
    let no_user = run(server.as_admin().args(["team", "add", "ml"]));
    let pasted = run(server.as_admin().args(["team", "add", "ml", key]));
    let pasted_json = run(server.as_admin().args(["--json", "team", "show", key]));

    assert!(
        spaced_user
            .failed(2)
            .contains("neither a username nor an email"),
        "{spaced_user:?}"
    );
    assert!(
        spaced_team.failed(2).contains("team's name"),
        "{spaced_team:?}"
    );
    assert!(
        bad_role.failed(2).contains("not a team role"),
        "{bad_role:?}"
    );
    no_user.failed(2);
    let line = pasted.failed(2);
    assert!(line.contains("looks like an api key's secret"), "{line}");
    for out in [&pasted, &pasted_json] {
        assert!(!out.all().contains(&key[4..36]), "{out:?}");
    }
    let error: serde_json::Value = serde_json::from_str(pasted_json.failed(2)).unwrap();
    assert_eq!(error["error"]["kind"], "usage");
}
