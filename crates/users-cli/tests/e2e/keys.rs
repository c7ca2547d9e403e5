//! `key list|generate|delete|rotate`, in both output modes.

use crate::support::{LEGACY, SENTINEL, Server, closed_pipe, full_disk, run, run_into};

/// Generates a key as `key_holder` and returns (name, id, secret), checking
/// that the name it comes back with is the label `key list` shows.
fn generate(server: &Server, key_holder: &str, description: &str) -> (String, String, String) {
    let out = run(server.as_key(key_holder).args([
        "key",
        "generate",
        "--json",
        "--description",
        description,
    ]));
    let json = out.json();
    let id = json["key"]["id"].as_str().unwrap().to_owned();
    let secret = json["secret"].as_str().unwrap().to_owned();
    let name = json["key"]["name"].as_str().unwrap().to_owned();
    assert_eq!(name, listed_name(server, key_holder, &id), "{json}");
    (name, id, secret)
}

/// The label the server lists a key under.
fn listed_name(server: &Server, key_holder: &str, id: &str) -> String {
    let list = run(server.as_key(key_holder).args(["key", "list", "--json"])).json();
    list["keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["id"] == id)
        .unwrap()["name"]
        .as_str()
        .unwrap()
        .to_owned()
}

#[test]
fn key_list_shows_your_own_keys_or_another_users_for_an_admin() {
    let server = Server::start();

    let own = run(server.as_member().args(["key", "list"]));
    let own_json = run(server.as_member().args(["key", "list", "--json"]));
    let theirs = run(server.as_admin().args(["key", "list", "--user", "member"]));
    let none = run(server.as_admin().args(["key", "list", "--user", "ada"]));

    let own = own.ok();
    assert!(own.starts_with("NAME "), "{own}");
    assert!(own.contains("member's laptop"), "{own}");
    let json = own_json.json();
    assert_eq!(json["user"], "member@example.com");
    assert_eq!(json["keys"][0]["description"], "member's laptop");
    assert_eq!(theirs.ok(), own);
    assert!(none.ok().contains("ada@example.com has no api keys"));
}

#[test]
fn a_legacy_key_named_by_its_secret_is_listed_masked() {
    let server = Server::start();

    let text = run(server.as_admin().args(["key", "list", "--user", "legacy"]));
    let json = run(server
        .as_admin()
        .args(["key", "list", "--user", "legacy", "--json"]));

    let masked = format!("{}…{}", &LEGACY[..4], &LEGACY[LEGACY.len() - 4..]);
    assert!(text.ok().contains(&masked), "{text:?}");
    assert_eq!(json.json()["keys"][0]["name"], masked);
    assert!(!text.all().contains(LEGACY) && !json.all().contains(LEGACY));
}

#[test]
fn key_list_of_another_user_needs_an_admin() {
    let server = Server::start();
    let out = run(server.as_member().args(["key", "list", "--user", "ada"]));
    out.failed(4);
}

#[test]
fn key_generate_prints_a_working_secret_once() {
    let server = Server::start();

    let text = run(server
        .as_member()
        .args(["key", "generate", "--description", "ci"]));
    let quiet = run(server.as_member().args(["key", "generate", "-q"]));
    let (_, _, json_secret) = generate(&server, SENTINEL, "json");

    let text_out = text.ok();
    let secret = text_out
        .lines()
        .find_map(|line| line.strip_prefix("secret"))
        .unwrap()
        .trim();
    assert!(text.stderr.contains("shown this once"), "{text:?}");
    assert!(text_out.contains("new key"), "{text_out}");
    let quiet_secret = quiet.ok().trim();
    assert_eq!(quiet_secret.len(), 40, "{quiet:?}");
    assert!(quiet.stderr.is_empty(), "{quiet:?}");
    for key in [secret, quiet_secret, json_secret.as_str()] {
        let whoami = run(server.as_key(key).args(["whoami", "--json"]));
        assert_eq!(whoami.json()["username"], "member");
    }
}

#[test]
fn key_delete_by_name_for_yourself_and_by_id_for_another_user() {
    let server = Server::start();
    let member_key = SENTINEL;
    let (first, _, _) = generate(&server, member_key, "first");
    let (_, second_id, _) = generate(&server, member_key, "second");

    let own = run(server.as_member().args(["key", "delete", &first]));
    let by_admin = run(server.as_admin().args([
        "key",
        "delete",
        &second_id,
        "--user",
        "member@example.com",
        "--json",
    ]));
    let gone = run(server.as_member().args(["key", "delete", &first]));

    let own = own.ok();
    assert!(
        own.starts_with(&format!("deleted api key {first} (id ")),
        "{own}"
    );
    assert!(own.trim_end().ends_with("of member@example.com"), "{own}");
    let json = by_admin.json();
    assert_eq!(json["deleted"]["id"], second_id.as_str());
    assert_eq!(json["user"], "member@example.com");
    assert!(gone.failed(3).contains("not found"), "{gone:?}");
    let left = run(server.as_member().args(["key", "list", "--json"])).json();
    assert_eq!(left["keys"].as_array().unwrap().len(), 1);
}

#[test]
fn key_delete_of_another_users_key_needs_an_admin() {
    let server = Server::start();
    let out = run(server
        .as_member()
        .args(["key", "delete", "any", "--user", "legacy"]));
    out.failed(4);
}

#[test]
fn key_rotate_prints_the_new_secret_and_revokes_the_old_key() {
    let server = Server::start();
    let (name, id, old_secret) = generate(&server, SENTINEL, "laptop");

    let text = run(server.as_key(&old_secret).args(["key", "rotate", &name]));
    let text_out = text.ok();
    let new_secret = text_out
        .lines()
        .find_map(|line| line.strip_prefix("secret"))
        .unwrap()
        .trim()
        .to_owned();
    let by_description = run(server.as_key(&new_secret).args(["key", "rotate", "laptop"]));
    let refused = run(server.as_key(&old_secret).arg("whoami"));

    assert!(
        text_out.contains(&format!("revoked  {name} (id {id})")),
        "{text_out}"
    );
    assert!(text.stderr.contains("shown this once"), "{text:?}");
    refused.failed(4);
    // Names are labels here, so "laptop" (the description) names no key.
    let line = by_description.failed(3);
    assert!(line.contains("api key 'laptop'"), "{line}");
    let new_id = run(server.as_key(&new_secret).args(["whoami", "--json"])).json()["api_keys"]
        .as_array()
        .unwrap()
        .iter()
        .find(|key| key["description"] == "laptop")
        .unwrap()["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let json = run(server
        .as_key(&new_secret)
        .args(["key", "rotate", "--json", &new_id]));
    let json = json.json();
    assert_eq!(json["old_key"]["id"], new_id.as_str());
    assert_eq!(json["revoked"], true);
    assert!(json["revoke_error"].is_null());
    assert_eq!(json["key"]["description"], "laptop");
    assert_eq!(json["secret"].as_str().unwrap().len(), 40);
}

#[test]
fn key_list_all_audits_every_users_keys_without_a_secret() {
    let server = Server::start();

    let text = run(server.as_admin().args(["key", "list", "--all"]));
    let json = run(server.as_admin().args(["key", "list", "--all", "--json"]));

    let text = text.ok().to_owned();
    assert!(text.starts_with("USER "), "{text}");
    assert!(text.contains("member's laptop"), "{text}");
    let row = text
        .lines()
        .find(|line| line.starts_with("member@example.com "))
        .unwrap();
    assert!(row.contains(" user ") && row.contains(" active "), "{text}");
    let json = json.json();
    let holders = json["holders"].as_array().unwrap();
    let member = holders
        .iter()
        .find(|holder| holder["username"] == "member")
        .unwrap();
    assert_eq!(member["keys"][0]["description"], "member's laptop");
    assert_eq!(member["account_type"], "user");
    assert_eq!(member["deactivated"], false);
    let gone = holders
        .iter()
        .find(|holder| holder["username"] == "gone")
        .unwrap();
    assert_eq!(gone["deactivated"], true);
    assert_eq!(json["unlisted"], 0);
    let last = text.lines().last().unwrap();
    assert!(
        last.ends_with(&format!("of {} users", holders.len())),
        "{last}"
    );
    assert!(!text.contains(LEGACY) && !json.to_string().contains(LEGACY));
}

#[test]
fn key_list_all_needs_an_admin_and_excludes_user() {
    let server = Server::start();
    run(server.as_member().args(["key", "list", "--all"])).failed(4);
    run(server
        .as_admin()
        .args(["key", "list", "--all", "--user", "ada"]))
    .failed(2);
}

/// The ids of `key_holder`'s keys, in the server's order.
fn key_ids(server: &Server, key_holder: &str) -> Vec<String> {
    let list = run(server.as_key(key_holder).args(["key", "list", "--json"])).json();
    list["keys"]
        .as_array()
        .unwrap()
        .iter()
        .map(|key| key["id"].as_str().unwrap().to_owned())
        .collect()
}

/// A standard output, made afresh for each run.
type Stdout = fn() -> std::process::Stdio;

/// Each way standard output can refuse a secret.
fn unwritable() -> [(&'static str, Stdout); 2] {
    [("/dev/full", full_disk), ("a closed pipe", closed_pipe)]
}

#[test]
fn a_rotation_whose_secret_cannot_be_printed_keeps_the_old_key_and_leaves_no_unseen_key() {
    let server = Server::start();
    let (name, id, old_secret) = generate(&server, SENTINEL, "laptop");
    let before = key_ids(&server, SENTINEL);

    for (what, stdout) in unwritable() {
        for json in [false, true] {
            let mut command = server.as_key(&old_secret);
            command.args(["key", "rotate", &id]);
            if json {
                command.arg("--json");
            }

            let out = run_into(&command, stdout());

            let line = out.failed(1);
            assert!(
                line.contains("cannot write the new key's secret to standard output"),
                "{what}: {line}"
            );
            assert!(
                line.contains(&format!(
                    "was revoked; the old key {name} (id {id}) was kept and still works"
                )),
                "{what}: {line}"
            );
            let whoami = run(server.as_key(&old_secret).args(["whoami", "--json"]));
            assert_eq!(whoami.json()["username"], "member", "{what}");
            assert_eq!(
                key_ids(&server, SENTINEL),
                before,
                "{what}: no unseen key alive"
            );
        }
    }
}

#[test]
fn a_generated_key_whose_secret_cannot_be_printed_is_revoked() {
    let server = Server::start();
    let before = key_ids(&server, SENTINEL);

    for (what, stdout) in unwritable() {
        for args in [
            &["key", "generate"][..],
            &["key", "generate", "--json"],
            &["key", "generate", "-q"],
        ] {
            let out = run_into(server.as_member().args(args), stdout());

            let line = out.failed(1);
            assert!(
                line.contains("cannot write the new key's secret to standard output")
                    && line.contains("was revoked"),
                "{what} {args:?}: {line}"
            );
            assert_eq!(key_ids(&server, SENTINEL), before, "{what} {args:?}");
        }
    }
}

#[test]
fn a_rotation_prints_the_secret_before_it_revokes_the_old_key() {
    let server = Server::start();
    let (name, id, old_secret) = generate(&server, SENTINEL, "laptop");

    let text = run(server.as_key(&old_secret).args(["key", "rotate", &id]));

    let lines: Vec<&str> = text.ok().lines().collect();
    assert!(lines[0].starts_with("new key  "), "{lines:?}");
    assert!(lines[1].starts_with("secret   "), "{lines:?}");
    assert_eq!(lines[2], format!("revoked  {name} (id {id})"));
}

#[test]
fn a_key_typed_as_the_name_or_id_to_delete_or_rotate_is_refused_unechoed() {
    let server = Server::start();
    let generated = run(server.as_member().args(["key", "generate", "-q"]));
    let secret = generated.ok().trim().to_owned();

    for args in [
        vec!["key", "delete", &secret],
        vec!["key", "rotate", &secret],
        vec!["key", "delete", LEGACY, "--user", "legacy"],
        vec!["--json", "key", "rotate", SENTINEL],
    ] {
        let out = run(server.as_admin().args(&args));

        let line = out.failed(2);
        assert!(line.contains("looks like an api key's secret"), "{line}");
        assert!(line.contains("'wbusers key list'"), "{line}");
        for key in [&secret[..], LEGACY, SENTINEL] {
            assert!(
                !out.all().contains(&key[4..36]),
                "{args:?} echoed it: {out:?}"
            );
        }
    }
    let whoami = run(server.as_key(&secret).arg("whoami"));
    whoami.ok();
    let legacy = run(server
        .as_admin()
        .args(["key", "list", "--user", "legacy", "--json"]));
    assert_eq!(legacy.json()["keys"].as_array().unwrap().len(), 1);
}
