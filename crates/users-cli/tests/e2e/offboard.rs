//! `user offboard`: the plan, the confirmation rule, the report, a rerun
//! that finds nothing to do, and the refusals. (A step that fails: see
//! `faults.rs`.)

use crate::support::{LEGACY, SENTINEL, Server, lone_admin, run};

#[test]
fn a_dry_run_shows_the_plan_and_changes_nothing() {
    let server = Server::start();

    let text = run(server
        .as_admin()
        .args(["user", "offboard", "member", "--dry-run"]));
    let json = run(server.as_admin().args([
        "--json",
        "user",
        "offboard",
        "member@example.com",
        "--dry-run",
    ]));
    let still = run(server.as_member().args(["whoami", "--json"]));

    let text = text.ok();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines[0], "offboarding member@example.com will:", "{text}");
    assert!(lines[1].starts_with("  1. revoke api key key-"), "{text}");
    assert_eq!(lines[2], "  2. leave team ml (role member)", "{text}");
    assert_eq!(lines[3], "  3. deactivate the account", "{text}");
    let plan = json.json();
    assert_eq!(plan["dry_run"], true);
    assert_eq!(plan["complete"], false);
    let steps = plan["steps"].as_array().unwrap();
    let kinds: Vec<&str> = steps.iter().map(|s| s["step"].as_str().unwrap()).collect();
    assert_eq!(kinds, ["revoke_key", "leave_team", "deactivate"]);
    assert!(steps.iter().all(|step| step["outcome"] == "planned"));
    assert_eq!(steps[1]["team"], "ml");
    let still = still.json();
    assert!(still["deleted_at"].is_null());
    assert_eq!(still["teams"], serde_json::json!(["ml"]));
}

#[test]
fn without_a_terminal_it_needs_yes_and_sends_nothing_otherwise() {
    let server = Server::start();

    let text = run(server.as_admin().args(["user", "offboard", "member"]));
    let json = run(server
        .as_admin()
        .args(["--json", "user", "offboard", "member"]));
    let still = run(server.as_member().arg("whoami"));

    let line = text.failed(2);
    assert!(line.contains("not a terminal"), "{line}");
    assert!(line.contains("nothing was changed"), "{line}");
    assert!(
        line.contains("--yes") && line.contains("--dry-run"),
        "{line}"
    );
    assert!(text.stdout.is_empty(), "{text:?}");
    let error: serde_json::Value = serde_json::from_str(json.failed(2)).unwrap();
    assert_eq!(error["error"]["kind"], "usage");
    assert!(json.stdout.is_empty());
    still.ok();
}

#[test]
fn offboarding_revokes_every_key_leaves_every_team_deactivates_and_a_rerun_finds_nothing() {
    let server = Server::start();

    let text = run(server
        .as_admin()
        .args(["user", "offboard", "member", "--yes"]));
    let refused = run(server.as_key(SENTINEL).arg("whoami"));
    let after = run(server.as_admin().args(["user", "get", "member", "--json"]));
    let again = run(server
        .as_admin()
        .args(["user", "offboard", "member", "--yes"]));
    let again_json = run(server
        .as_admin()
        .args(["--json", "user", "offboard", "member"]));

    let text = text.ok();
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("STEP ") && lines[0].ends_with("OUTCOME"),
        "{text}"
    );
    assert!(
        lines[1].starts_with("revoke api key key-") && lines[1].ends_with("  done"),
        "{text}"
    );
    assert!(lines[2].starts_with("leave team ml (role member)") && lines[2].ends_with("  done"));
    assert!(lines[3].starts_with("deactivate the account") && lines[3].ends_with("  done"));
    assert_eq!(
        lines[4],
        "member@example.com is offboarded: deactivated, in no team, holding no api key"
    );
    refused.failed(4);
    let after = after.json();
    assert!(after["deleted_at"].is_string(), "{after}");
    assert_eq!(after["teams"], serde_json::json!([]));
    assert_eq!(after["api_keys"], serde_json::json!([]));
    assert_eq!(
        again.ok(),
        "nothing left to do: member@example.com is deactivated, in no team and holds no api key\n"
    );
    let again_json = again_json.json();
    assert_eq!(again_json["steps"], serde_json::json!([]));
    assert_eq!(again_json["complete"], true);
}

#[test]
fn as_json_each_step_has_its_outcome_and_no_secret_shows() {
    let server = Server::start();

    let out = run(server
        .as_admin()
        .args(["--json", "user", "offboard", "legacy", "--yes"]));

    let report = out.json();
    assert_eq!(report["user"], "legacy@example.com");
    assert_eq!(report["dry_run"], false);
    assert_eq!(report["complete"], true);
    let steps = report["steps"].as_array().unwrap();
    assert_eq!(steps.len(), 2, "{report}");
    assert_eq!(steps[0]["step"], "revoke_key");
    assert_eq!(steps[0]["outcome"], "done");
    assert!(steps[0]["error"].is_null());
    assert_eq!(steps[1]["step"], "deactivate");
    assert!(!out.all().contains(LEGACY), "{out:?}");
}

#[test]
fn offboarding_yourself_or_the_last_active_admin_is_refused_before_anything_is_sent() {
    let server = Server::start();
    let me = run(server.as_admin().args(["whoami", "--json"])).json()["username"]
        .as_str()
        .unwrap()
        .to_owned();
    let lone = lone_admin();

    let yourself = run(server.as_admin().args(["user", "offboard", &me, "--yes"]));
    let last = run(lone.as_admin().args(["user", "offboard", "root", "--yes"]));
    let last_dry = run(lone
        .as_admin()
        .args(["--json", "user", "offboard", "root", "--dry-run"]));
    let root = run(lone.as_admin().args(["user", "get", "root", "--json"]));

    assert!(
        yourself.failed(10).contains("is the caller"),
        "{yourself:?}"
    );
    assert!(
        last.failed(10).contains("last active instance admin"),
        "{last:?}"
    );
    let error: serde_json::Value = serde_json::from_str(last_dry.failed(10)).unwrap();
    assert_eq!(error["error"]["kind"], "refused");
    assert!(root.json()["deleted_at"].is_null());
}

#[test]
fn offboarding_nobody_is_not_found_and_needs_an_instance_admin() {
    let server = Server::start();

    let nobody = run(server
        .as_admin()
        .args(["user", "offboard", "nobody", "--yes"]));
    let member = run(server
        .as_member()
        .args(["user", "offboard", "ada", "--yes"]));
    let bad = run(server.as_admin().args(["user", "offboard", "a b"]));

    nobody.failed(3);
    assert!(member.failed(4).contains("permission denied"), "{member:?}");
    bad.failed(2);
}

#[test]
fn an_admin_offboarded_has_admin_taken_away_and_a_reactivation_brings_none_back() {
    let server = Server::start();
    run(server.as_admin().args(["user", "promote", "ada"])).ok();

    let planned = run(server
        .as_admin()
        .args(["user", "offboard", "ada", "--dry-run"]));
    let json = run(server
        .as_admin()
        .args(["--json", "user", "offboard", "ada", "--yes"]));
    run(server.as_admin().args(["user", "reactivate", "ada"])).ok();
    let after = run(server.as_admin().args(["user", "get", "ada", "--json"]));

    assert_eq!(
        planned.ok(),
        "offboarding ada@example.com will:\n  1. take instance admin away\n  \
         2. deactivate the account\n"
    );
    assert_eq!(json.code, 0, "{json:?}");
    let report = json.json();
    assert_eq!(
        report["steps"],
        serde_json::json!([
            {"step": "demote", "outcome": "done", "error": null},
            {"step": "deactivate", "outcome": "done", "error": null}
        ])
    );
    assert_eq!(report["complete"], true);
    assert_eq!(after.json()["admin"], false, "{after:?}");
}
