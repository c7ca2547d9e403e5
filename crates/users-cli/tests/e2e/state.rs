//! `export`, `plan`, `apply`: the loop (export, plan 0, edit, plan 9, apply,
//! plan 0), one instance's file applied to another, the file's formats, and
//! the JSON shapes. (Refusals and bad files: `state_rails.rs`; a run stopped
//! halfway: `state_stopped.rs`.)

use users_memory::{Seed, SeedUser};

use crate::support::{SENTINEL, Server, export, run, with_state};

/// `text` with `from` replaced by `to`, which must be there.
pub(crate) fn edit(text: &str, from: &str, to: &str) -> String {
    assert!(text.contains(from), "no {from:?} in:\n{text}");
    text.replacen(from, to, 1)
}

/// Each change of a `plan --json` document as `kind subject`, sorted.
fn changes(plan: &serde_json::Value) -> Vec<String> {
    let mut changes: Vec<String> = plan["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|change| {
            let field = |name: &str| change[name].as_str().unwrap_or("-").to_owned();
            format!(
                "{} {} {} {} {}",
                change["change"].as_str().unwrap(),
                field("user"),
                field("team"),
                field("who"),
                field("role").replace('-', &field("to")),
            )
        })
        .collect();
    changes.sort();
    changes
}

/// The standard cast's export, edited: one change of each kind.
fn edited(exported: &str) -> String {
    let mut edited = edit(
        exported,
        "username = \"ada\"\n",
        "username = \"ada\"\nadmin = true\n",
    );
    edited = edit(&edited, "username = \"gone\"\ndeactivated = true\n", "");
    edited = edit(
        &edited,
        "username = \"adam\"\n",
        "username = \"adam\"\ndeactivated = true\n",
    );
    edited = edit(
        &edited,
        "  { who = \"member@example.com\", role = \"member\" },\n",
        "  { who = \"member@example.com\", role = \"admin\" },\n  { who = \"ada\", role = \"viewer\" },\n",
    );
    edited = edit(
        &edited,
        "name = \"ml\"\n",
        "name = \"ml\"\nservice_accounts = [\"nightly CI\"]\n",
    );
    edited.push_str(
        "\n[[users]]\nemail = \"zed@example.com\"\n\n[[teams]]\nname = \"research\"\n\
         members = [{ who = \"zed@example.com\", role = \"admin\" }, { who = \"ada@example.com\" }]\n",
    );
    edited
}

#[test]
fn export_then_plan_is_0_an_edit_plans_9_apply_makes_it_so_and_plan_is_0_again() {
    let server = Server::start();
    let exported = export(&server);
    let in_sync = with_state(&server, &exported, &["plan"]);
    let edited = edited(&exported);

    let pending = with_state(&server, &edited, &["plan"]);
    let pending_json = with_state(&server, &edited, &["--json", "plan"]);
    let applied = with_state(&server, &edited, &["apply", "--yes"]);
    let after = with_state(&server, &edited, &["plan"]);

    assert!(
        in_sync.ok().starts_with("no changes: the instance is as "),
        "{in_sync:?}"
    );
    assert_eq!(pending.code, 9, "{pending:?}");
    assert!(pending.stderr.is_empty(), "{pending:?}");
    let text = &pending.stdout;
    for group in [
        "create user (1):",
        "create team (1):",
        "reactivate (1):",
        "set admin (1):",
        "add member (3):",
        "change role (1):",
        "remove member (1):",
        "create service account (1):",
        "deactivate (1):",
    ] {
        assert!(text.contains(group), "no {group} in:\n{text}");
    }
    assert!(
        text.trim_end().ends_with(
            "11 changes: 1 create user, 1 create team, 1 reactivate, 1 set admin, 3 add member, \
             1 change role, 1 remove member, 1 create service account, 1 deactivate"
        ),
        "{text}"
    );
    let line_of = |needle: &str| 1 + edited.lines().position(|l| l.contains(needle)).unwrap();
    let zed = format!("people.toml:{}", line_of("email = \"zed@example.com\""));
    assert!(
        text.lines()
            .any(|line| line.contains("zed@example.com  ") && line.ends_with(&zed)),
        "each change names its line: {text}"
    );
    assert_eq!(pending_json.code, 9);
    assert_eq!(
        changes(&pending_json.json()),
        [
            "add_member - ml ada@example.com viewer",
            "add_member - research ada@example.com member",
            "add_member - research zed@example.com admin",
            "change_role - ml member@example.com admin",
            "create_service_account - ml - -",
            "create_team - research - -",
            "create_user zed@example.com - - -",
            "deactivate adam@example.com - - -",
            "reactivate gone@example.com - - -",
            "remove_member - research admin@localhost -",
            "set_admin ada@example.com - - -",
        ]
    );
    let report = applied.ok();
    assert_eq!(
        report.lines().filter(|l| l.starts_with("done: ")).count(),
        11
    );
    assert!(
        report
            .trim_end()
            .ends_with("11 changes: 11 done, 0 failed, 0 not attempted, 0 unknown")
    );
    after.ok();
    let exported_after = export(&server);
    assert_eq!(
        with_state(&server, &exported_after, &["plan"]).code,
        0,
        "the export after is in sync too"
    );
    assert!(exported_after.contains("name = \"research\""));
    assert!(!exported_after.contains(SENTINEL));
}

/// Instance A: admins, a deactivated user, a custom role, teams with
/// members of every role, service accounts.
fn instance_a() -> Seed {
    Seed::new()
        .role("auditor")
        .user(
            SeedUser::new("root@example.com")
                .admin(true)
                .team_role("ops", "admin"),
        )
        .user(
            SeedUser::new("ada@example.com")
                .team("ml")
                .team_role("ops", "auditor"),
        )
        .user(
            SeedUser::new("bob@example.com")
                .admin(true)
                .team_role("ml", "admin"),
        )
        .user(
            SeedUser::new("gone@example.com")
                .team_role("ml", "viewer")
                .deleted_at("2024-03-01T10:00:00Z"),
        )
        .user(SeedUser::new("cy@example.com"))
        .user(SeedUser::service_account("CI runner").team("ml"))
        .user(SeedUser::service_account("nightly evals").team("ops"))
}

/// Instance B: some of A's users, with other flags, roles and teams; no
/// team or user A lacks.
fn instance_b() -> Seed {
    Seed::new()
        .role("auditor")
        .user(
            SeedUser::new("ada@example.com")
                .admin(true)
                .team_role("ml", "admin"),
        )
        .user(SeedUser::new("bob@example.com").team("ml"))
        .user(SeedUser::new("gone@example.com"))
        .user(SeedUser::service_account("CI runner").team("ml"))
}

#[test]
fn the_export_of_one_instance_applied_to_another_makes_the_second_s_export_the_same() {
    let a = Server::with_seed(instance_a());
    let b = Server::with_seed(instance_b());
    let file = export(&a);

    let before = with_state(&b, &file, &["plan"]);
    let applied = with_state(&b, &file, &["apply", "--yes"]);
    let after = with_state(&b, &file, &["plan"]);

    assert_eq!(before.code, 9, "{before:?}");
    applied.ok();
    after.ok();
    assert_eq!(
        export(&b),
        file,
        "users, admins, deactivations, teams, roles, service accounts"
    );
    let accounts = run(b
        .as_admin()
        .args(["--json", "service-account", "list", "ops"]));
    assert_eq!(
        accounts.json()["service_accounts"][0]["name"],
        "nightly evals"
    );
}

#[test]
fn two_exports_of_one_instance_are_byte_identical_and_the_file_is_written_whole() {
    let server = Server::with_seed(instance_a());
    let path = server.home.path().join("people.toml");
    std::fs::write(&path, "an earlier file").unwrap();
    let missing = server.home.path().join("missing/people.toml");

    let first = run(server.as_admin().arg("export"));
    let second = run(server.as_admin().arg("export"));
    let written = run(server.as_admin().args(["export", "--output"]).arg(&path));
    let nowhere = run(server.as_admin().args(["export", "-o"]).arg(&missing));

    assert_eq!(first.ok(), second.ok());
    assert!(
        first.stdout.starts_with("# The people of a W&B instance"),
        "{first:?}"
    );
    assert!(written.ok().is_empty(), "the state goes to the file alone");
    assert!(
        written.stderr.starts_with("wrote 6 users and 2 teams to '"),
        "{written:?}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), first.stdout);
    let line = nowhere.failed(1);
    assert!(line.contains("nothing was written there"), "{line}");
    assert!(!missing.parent().unwrap().exists());
    let names: Vec<_> = std::fs::read_dir(server.home.path())
        .unwrap()
        .map(|entry| entry.unwrap().file_name())
        .collect();
    assert_eq!(names, ["people.toml"], "no temporary file is left behind");
}

#[test]
fn as_json_the_export_is_the_same_state_and_plan_reads_it_back() {
    let server = Server::with_seed(instance_a());
    let json_path = server.home.path().join("people.json");

    let json = run(server.as_admin().args(["--json", "export"]));
    let formatted = run(server.as_admin().args(["export", "--format", "json"]));
    let written = run(server
        .as_admin()
        .args(["--json", "export", "--output"])
        .arg(&json_path));
    let toml_on_json = run(server
        .as_admin()
        .args(["--json", "export", "--format", "toml"]));
    let plan = run(server.as_admin().arg("plan").arg(&json_path));

    let state = json.json();
    assert_eq!(json.stdout, formatted.ok());
    assert_eq!(state["version"], 1);
    assert_eq!(state["roles"], serde_json::json!(["auditor"]));
    let users = state["users"].as_array().unwrap();
    assert_eq!(users.len(), 6);
    assert_eq!(
        users[0],
        serde_json::json!({"email": "ada@example.com", "username": "ada", "admin": false, "deactivated": false})
    );
    let ml = &state["teams"][0];
    assert_eq!(ml["name"], "ml");
    assert_eq!(ml["service_accounts"], serde_json::json!(["CI runner"]));
    assert_eq!(
        ml["members"][1],
        serde_json::json!({"who": "bob@example.com", "role": "admin"})
    );
    assert_eq!(
        written.json(),
        serde_json::json!({"output": json_path.display().to_string(), "format": "json", "users": 6, "teams": 2})
    );
    toml_on_json.failed(2);
    assert!(plan.ok().starts_with("no changes"), "{plan:?}");
}

#[test]
fn as_json_apply_prints_a_line_per_change_then_the_summary() {
    let server = Server::with_seed(instance_a());
    let file = edit(
        &export(&server),
        "username = \"cy\"\n",
        "username = \"cy\"\nadmin = true\n",
    );

    let applied = with_state(&server, &file, &["--json", "apply", "--yes"]);
    let again = with_state(&server, &file, &["--json", "apply", "--yes"]);

    assert_eq!(applied.code, 0, "{applied:?}");
    let lines = applied.json_lines();
    assert_eq!(lines.len(), 2, "{lines:?}");
    let line = 1 + file
        .lines()
        .position(|l| l == "email = \"cy@example.com\"")
        .unwrap();
    assert_eq!(
        lines[0],
        serde_json::json!({
            "change": "set_admin", "phase": "create", "user": "cy@example.com", "admin": true,
            "deactivated": false, "line": line, "outcome": "done", "needs": null, "error": null
        })
    );
    let path = server.home.path().join("people.toml").display().to_string();
    assert_eq!(
        lines[1],
        serde_json::json!({
            "file": path,
            "summary": {"total": 1, "done": 1, "failed": 0, "not_attempted": 0, "unknown": 0, "not_started": 0},
            "stopped": null
        })
    );
    assert_eq!(again.code, 0);
    assert_eq!(again.json_lines()[0]["summary"]["total"], 0);
}

#[test]
fn prune_deactivates_the_users_the_file_leaves_out_but_never_purges_nor_touches_service_accounts() {
    let server = Server::with_seed(instance_a());
    let file = edit(
        &export(&server),
        "[[users]]\nemail = \"cy@example.com\"\nusername = \"cy\"\n",
        "",
    );

    let without = with_state(&server, &file, &["plan"]);
    // 1 of 5 active users is more than the 10% a prune may take unconfirmed.
    let unconfirmed = with_state(&server, &file, &["apply", "--prune", "--yes"]);
    let pruning = with_state(
        &server,
        &file,
        &["--json", "plan", "--prune", "--max-deactivate", "1"],
    );
    let applied = with_state(
        &server,
        &file,
        &["apply", "--prune", "--max-deactivate", "1", "--yes"],
    );
    let cy = run(server.as_admin().args(["--json", "user", "get", "cy"]));
    let accounts = run(server.as_admin().args(["--json", "key", "list", "--all"]));

    without.ok();
    let line = unconfirmed.failed(10);
    assert!(
        line.contains("pass --max-deactivate 1 to confirm"),
        "{line}"
    );
    assert_eq!(pruning.code, 9, "{pruning:?}");
    assert_eq!(
        pruning.json()["changes"],
        serde_json::json!([{"change": "deactivate", "phase": "revoke", "user": "cy@example.com", "line": null}])
    );
    assert!(
        applied
            .ok()
            .contains("done: deactivate cy@example.com (pruned: not in the file)")
    );
    assert!(
        cy.json()["deleted_at"].is_string(),
        "deactivated, still listed: {cy:?}"
    );
    let holders = accounts.json()["holders"].as_array().unwrap().clone();
    let services: Vec<&serde_json::Value> = holders
        .iter()
        .filter(|holder| holder["account_type"] == "service")
        .collect();
    assert_eq!(services.len(), 2, "{holders:?}");
    assert!(
        services
            .iter()
            .all(|account| account["deactivated"] == false)
    );
}
