//! `user deactivate|reactivate|promote|demote`, in both output modes, with
//! the refusals that keep the instance administrable.

use crate::support::{Server, lone_admin, run};

/// The caller's username, as the server names them.
fn caller(server: &Server) -> String {
    let me = run(server.as_admin().args(["whoami", "--json"])).json();
    me["username"].as_str().unwrap().to_owned()
}

#[test]
fn deactivate_stops_a_users_keys_and_reactivate_gives_them_back() {
    let server = Server::start();

    let text = run(server.as_admin().args(["user", "deactivate", "member"]));
    let locked_out = run(server.as_member().arg("whoami"));
    let again = run(server
        .as_admin()
        .args(["user", "deactivate", "member@example.com"]));
    let listed = run(server.as_admin().args(["user", "get", "member", "--json"]));
    let json = run(server
        .as_admin()
        .args(["--json", "user", "reactivate", "member"]));
    let back = run(server.as_member().args(["whoami", "--json"]));

    assert_eq!(text.ok(), "USER    OUTCOME\nmember  deactivated\n");
    locked_out.failed(4);
    assert_eq!(
        again.ok(),
        "USER                OUTCOME\nmember@example.com  already deactivated\n"
    );
    assert!(listed.json()["deleted_at"].is_string(), "{listed:?}");
    let json = json.json();
    assert_eq!(json["action"], "reactivate");
    assert_eq!(
        json["results"],
        serde_json::json!([{"user": "member", "outcome": "done", "username": "member", "error": null}])
    );
    assert!(back.json()["deleted_at"].is_null());
}

#[test]
fn promote_and_demote_change_the_admin_flag_and_report_what_was_so_already() {
    let server = Server::start();

    let promoted = run(server.as_admin().args(["user", "promote", "ada", "adam"]));
    let is_admin = run(server.as_admin().args(["user", "get", "ada", "--json"]));
    let again = run(server.as_admin().args(["--json", "user", "promote", "ada"]));
    let demoted = run(server.as_admin().args(["user", "demote", "ada"]));
    let is_not = run(server.as_admin().args(["user", "get", "ada", "--json"]));

    let promoted = promoted.ok();
    assert!(
        promoted.contains("ada   promoted to instance admin"),
        "{promoted}"
    );
    assert!(
        promoted.contains("adam  promoted to instance admin"),
        "{promoted}"
    );
    assert_eq!(is_admin.json()["admin"], true);
    let again = again.json();
    assert_eq!(again["results"][0]["outcome"], "already_done");
    assert_eq!(
        again["summary"],
        serde_json::json!({"total": 1, "done": 0, "already_done": 1, "failed": 0, "unknown": 0})
    );
    assert!(
        demoted.ok().contains("no longer an instance admin"),
        "{demoted:?}"
    );
    assert_eq!(is_not.json()["admin"], false);
}

#[test]
fn deactivating_or_demoting_yourself_is_refused_and_nothing_is_sent() {
    let server = Server::start();
    let me = caller(&server);

    let deactivate = run(server.as_admin().args(["user", "deactivate", &me]));
    let demote = run(server.as_admin().args(["--json", "user", "demote", &me]));
    let still = run(server.as_admin().args(["whoami", "--json"]));

    let line = deactivate.failed(10);
    assert!(line.contains("is the caller"), "{line}");
    assert!(line.contains("nothing was changed"), "{line}");
    let error: serde_json::Value = serde_json::from_str(demote.failed(10)).unwrap();
    assert_eq!(error["error"]["kind"], "refused");
    assert_eq!(demote.json()["results"][0]["error"]["kind"], "refused");
    assert_eq!(still.json()["admin"], true);
}

#[test]
fn the_last_active_instance_admin_is_neither_deactivated_nor_demoted() {
    let server = lone_admin();

    let demote = run(server.as_admin().args(["user", "demote", "root"]));
    let deactivate = run(server
        .as_admin()
        .args(["user", "deactivate", "root@example.com"]));
    let root = run(server.as_admin().args(["user", "get", "root", "--json"]));

    let line = demote.failed(10);
    assert!(line.contains("last active instance admin"), "{line}");
    assert!(line.contains("promote another user first"), "{line}");
    deactivate.failed(10);
    let root = root.json();
    assert_eq!(root["admin"], true);
    assert!(root["deleted_at"].is_null());
}

#[test]
fn lifecycle_changes_need_an_instance_admin() {
    let server = Server::start();
    let out = run(server.as_member().args(["user", "deactivate", "ada"]));
    let line = out.failed(4);
    assert!(line.contains("permission denied"), "{line}");
    assert!(line.contains("instance admin"), "{line}");
}

#[test]
fn a_user_must_be_named_exactly_and_validly() {
    let server = Server::start();

    let loose = run(server.as_admin().args(["user", "deactivate", "gon"]));
    let nobody = run(server.as_admin().args(["user", "deactivate", "nobody"]));
    let spaced = run(server.as_admin().args(["user", "deactivate", "a b"]));
    let none = run(server.as_admin().args(["user", "promote"]));
    let ada = run(server.as_admin().args(["user", "get", "ada", "--json"]));

    let line = loose.failed(3);
    assert!(line.contains("no user is named exactly 'gon'"), "{line}");
    assert!(line.contains("did you mean gone@example.com?"), "{line}");
    nobody.failed(3);
    assert!(
        spaced.failed(2).contains("neither a username nor an email"),
        "{spaced:?}"
    );
    none.failed(2);
    assert!(ada.json()["deleted_at"].is_null());
}

#[test]
fn with_some_users_failing_every_row_is_reported_and_the_exit_is_8() {
    let server = Server::start();

    let text = run(server
        .as_admin()
        .args(["user", "deactivate", "ada", "nobody", "gone"]));
    let json = run(server
        .as_admin()
        .args(["--json", "user", "reactivate", "gone", "nobody"]));

    let line = text.failed(8);
    assert!(line.contains("1 of 3 users failed"), "{line}");
    assert_eq!(
        text.stdout,
        format!(
            "USER    OUTCOME\n\
             ada     deactivated\n\
             nobody  failed: {}\n\
             gone    already deactivated\n",
            "user 'nobody' not found"
        )
    );
    json.failed(8);
    let document = json.json();
    assert_eq!(document["results"][0]["outcome"], "done");
    assert_eq!(document["results"][1]["outcome"], "failed");
    assert_eq!(document["results"][1]["error"]["exit_code"], 3);
}
